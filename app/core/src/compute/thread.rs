//! An agent's conversations in the chat console: each a titled list of turns (a question,
//! its answer, who answered and what it cost), kept in the browser per agent as JSON, and
//! the earlier turns sent with the next question so the model can follow the conversation.
//!
//! Bounded so that storage cannot grow without end: at most [`MAX_THREADS`] conversations
//! (the least recently used one goes first) and [`MAX_TURNS`] turns in each (the oldest go
//! first). Nothing here is the agent's memory: that is encrypted with the agent and travels
//! with its token; conversations stay in this browser.

use alloy_primitives::{Address, U256};
use serde::{Deserialize, Serialize};

use super::chat::Message;

/// Bumped when the stored shape changes; readers refuse versions they do not know.
pub const THREADS_VERSION: u32 = 1;
/// Conversations kept per agent.
pub const MAX_THREADS: usize = 50;
/// Turns kept per conversation.
pub const MAX_TURNS: usize = 200;
/// Longest title, in characters, "…" included.
pub const TITLE_CHARS: usize = 48;
/// Earlier turns sent with a question, in UTF-8 bytes. Bytes, not characters: SmolLM2's
/// tokenizer is byte-level BPE, so no text makes more tokens than it has bytes, whereas a
/// Korean character is three bytes and often two or three tokens. SmolLM2-135M sees 2048
/// tokens in all; 1536 for history leaves the rest for the system prompt, recalled memory
/// ([`super::chat::MEMORY_WINDOW`] entries), the question and the [`super::chat::MAX_TOKENS`]
/// of the answer (in English, about 4 bytes a token, history takes a quarter as many tokens
/// as bytes, four or five earlier turns).
pub const HISTORY_BUDGET_BYTES: usize = 1536;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    /// Milliseconds since the epoch when it was started (made unique among the agent's).
    pub id: u64,
    /// From the first question ([`title_from`]); empty if it had no text.
    pub title: String,
    /// Oldest first.
    pub turns: Vec<Turn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Turn {
    pub question: String,
    /// All of it, or what arrived when `cut`.
    pub answer: String,
    /// Milliseconds since the epoch when it was asked.
    pub at_ms: u64,
    pub source: TurnSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
    /// Stopped by the user or cut off by the network: `answer` is what arrived.
    #[serde(default)]
    pub cut: bool,
}

/// Who answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum TurnSource {
    /// A 0G Compute provider, paid from the user's ledger.
    Provider { provider: Address, cost_wei: U256 },
    /// The model in this browser; `backend` says which one ran it (e.g. "webgpu", "cpu").
    Local { backend: String },
}

/// How fast an answer came.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// From asking to the first token.
    pub first_token_ms: f64,
    /// From asking to the last token.
    pub total_ms: f64,
    pub tokens: u32,
}

impl Stats {
    /// Generation speed: the tokens after the first over the time after the first (the
    /// first token's wait is the prompt's reading, shown apart). `None` when that cannot
    /// be measured: a single token, or no time between first and last.
    pub fn tokens_per_sec(&self) -> Option<f64> {
        let after_first = self.total_ms - self.first_token_ms;
        if self.tokens < 2 || !after_first.is_finite() || after_first <= 0.0 {
            return None;
        }
        Some(f64::from(self.tokens - 1) * 1000.0 / after_first)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreadsError {
    #[error("the saved conversations could not be read ({0}); they may come from another app")]
    Unreadable(String),
    #[error("these conversations were saved by a newer zg-console (format {0}); update to read them")]
    NewerVersion(u32),
    #[error("this conversation was deleted; start a new one")]
    NoSuchThread(u64),
}

/// One agent's conversations, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Threads {
    pub version: u32,
    /// Least recently used first; [`Threads::newest_first`] lists them for the page.
    threads: Vec<Thread>,
}

impl Default for Threads {
    fn default() -> Self {
        Self { version: THREADS_VERSION, threads: Vec::new() }
    }
}

impl Threads {
    /// Reads stored conversations, trimmed to the bounds.
    pub fn from_json(json: &str) -> Result<Self, ThreadsError> {
        // The version first: a newer format may not parse as this one.
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let Version { version } = serde_json::from_str(json).map_err(|e| ThreadsError::Unreadable(e.to_string()))?;
        if version > THREADS_VERSION {
            return Err(ThreadsError::NewerVersion(version));
        }
        let mut threads: Self = serde_json::from_str(json).map_err(|e| ThreadsError::Unreadable(e.to_string()))?;
        threads.version = THREADS_VERSION;
        threads.bound();
        Ok(threads)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("conversations always serialise")
    }

    /// Starts a conversation titled after its first question; returns its id.
    pub fn new_thread(&mut self, now_ms: u64, first_question: &str) -> u64 {
        // Two started within a millisecond (or a clock set back) still get ids of their own.
        let id = match self.threads.iter().map(|t| t.id).max() {
            Some(max) if max >= now_ms && self.thread(now_ms).is_some() => max + 1,
            _ => now_ms,
        };
        self.threads.push(Thread { id, title: title_from(first_question), turns: Vec::new() });
        self.bound();
        id
    }

    /// Adds a turn; the conversation becomes the most recent.
    pub fn push_turn(&mut self, id: u64, turn: Turn) -> Result<(), ThreadsError> {
        let at = self.threads.iter().position(|t| t.id == id).ok_or(ThreadsError::NoSuchThread(id))?;
        let mut thread = self.threads.remove(at);
        thread.turns.push(turn);
        self.threads.push(thread);
        self.bound();
        Ok(())
    }

    /// Removes the last turn and returns its question, for the page to ask again.
    pub fn regenerate(&mut self, id: u64) -> Option<String> {
        let thread = self.threads.iter_mut().find(|t| t.id == id)?;
        thread.turns.pop().map(|turn| turn.question)
    }

    /// Whether there was such a conversation.
    pub fn delete(&mut self, id: u64) -> bool {
        let before = self.threads.len();
        self.threads.retain(|t| t.id != id);
        self.threads.len() < before
    }

    pub fn thread(&self, id: u64) -> Option<&Thread> {
        self.threads.iter().find(|t| t.id == id)
    }

    /// The most recently used first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Thread> {
        self.threads.iter().rev()
    }

    fn bound(&mut self) {
        let extra = self.threads.len().saturating_sub(MAX_THREADS);
        self.threads.drain(..extra);
        for thread in &mut self.threads {
            let extra = thread.turns.len().saturating_sub(MAX_TURNS);
            thread.turns.drain(..extra);
        }
    }
}

/// A conversation's title from its first question: its first line with text, whitespace
/// collapsed, at most [`TITLE_CHARS`] characters, cut at a word where there is one.
pub fn title_from(question: &str) -> String {
    let line = question.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    let line = words.join(" ");
    if line.chars().count() <= TITLE_CHARS {
        return line;
    }
    // Room for the "…"; cut by characters, so never inside one.
    let kept: String = line.chars().take(TITLE_CHARS - 1).collect();
    let next_is_space = line[kept.len()..].starts_with(' ');
    let cut = match kept.rfind(' ') {
        // Back to the last word's end, unless that loses more than half the title (one
        // long word, or a language written without spaces).
        Some(space) if !next_is_space && kept[..space].chars().count() >= TITLE_CHARS / 2 => &kept[..space],
        _ => &kept,
    };
    format!("{}…", cut.trim_end())
}

/// Earlier turns as the messages sent before a new question: user and assistant in turn,
/// oldest first, the most recent that fit in `budget_bytes` (question and answer counted
/// together, see [`HISTORY_BUDGET_BYTES`]). A turn goes whole or not at all; a cut turn
/// goes with what arrived, one with no answer not at all.
pub fn history_messages(turns: &[Turn], budget_bytes: usize) -> Vec<Message> {
    let mut left = budget_bytes;
    let mut chosen = Vec::new();
    for turn in turns.iter().rev().filter(|t| !t.answer.trim().is_empty()) {
        let size = turn.question.len() + turn.answer.len();
        if size > left {
            break;
        }
        left -= size;
        chosen.push(turn);
    }
    chosen
        .into_iter()
        .rev()
        .flat_map(|t| [Message::new("user", &t.question), Message::new("assistant", &t.answer)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(question: &str, answer: &str) -> Turn {
        Turn {
            question: question.into(),
            answer: answer.into(),
            at_ms: 5,
            source: TurnSource::Local { backend: "cpu".into() },
            stats: None,
            cut: false,
        }
    }

    #[test]
    fn speed_counts_only_what_can_be_measured() {
        let stats = |first_token_ms, total_ms, tokens| Stats { first_token_ms, total_ms, tokens };
        assert_eq!(stats(200.0, 1200.0, 11).tokens_per_sec(), Some(10.0), "10 tokens after the first in 1 s");
        assert_eq!(stats(200.0, 200.0, 1).tokens_per_sec(), None, "one token");
        assert_eq!(stats(200.0, 200.0, 5).tokens_per_sec(), None, "no time after the first");
        assert_eq!(stats(300.0, 200.0, 5).tokens_per_sec(), None, "a clock gone backwards");
        assert_eq!(stats(f64::NAN, 200.0, 5).tokens_per_sec(), None);
        assert_eq!(stats(0.0, 1000.0, 0).tokens_per_sec(), None, "nothing arrived");
    }

    #[test]
    fn stored_conversations_read_back_and_newer_ones_are_refused() {
        let mut threads = Threads::default();
        let id = threads.new_thread(1_700_000_000_000, "What is 0G?");
        let provider = Address::repeat_byte(0xab);
        let mut paid = turn("What is 0G?", "A modular AI chain.");
        paid.source = TurnSource::Provider { provider, cost_wei: U256::from(12_345u64) };
        paid.stats = Some(Stats { first_token_ms: 150.5, total_ms: 900.0, tokens: 12 });
        threads.push_turn(id, paid).unwrap();
        let mut cut = turn("And Storage?", "It keeps");
        cut.cut = true;
        threads.push_turn(id, cut).unwrap();

        let json = threads.to_json();
        assert!(json.contains(r#""kind":"provider""#) && json.contains(r#""costWei""#), "{json}");
        assert!(json.contains(r#""firstTokenMs":150.5"#) && json.contains(r#""atMs":5"#), "{json}");
        assert_eq!(Threads::from_json(&json).unwrap(), threads);

        let newer = json.replacen(r#""version":1"#, r#""version":2"#, 1);
        assert_eq!(Threads::from_json(&newer).unwrap_err(), ThreadsError::NewerVersion(2));
        // A newer shape is still named as newer, not as unreadable.
        assert_eq!(Threads::from_json(r#"{"version":7,"chats":{}}"#).unwrap_err(), ThreadsError::NewerVersion(7));
        assert!(matches!(Threads::from_json(r#"{"threads":[]}"#), Err(ThreadsError::Unreadable(_))));
        assert!(matches!(Threads::from_json("[]"), Err(ThreadsError::Unreadable(_))));
    }

    #[test]
    fn conversations_list_most_recent_first_and_stay_bounded() {
        let mut threads = Threads::default();
        let a = threads.new_thread(1_000, "first");
        let b = threads.new_thread(1_000, "same millisecond");
        assert_ne!(a, b, "ids stay unique");
        let c = threads.new_thread(2_000, "third");
        let order = |t: &Threads| t.newest_first().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(order(&threads), [c, b, a]);
        threads.push_turn(a, turn("q", "a")).unwrap();
        assert_eq!(order(&threads), [a, c, b], "a new turn brings its conversation to the top");

        assert!(threads.delete(c));
        assert!(!threads.delete(c));
        assert_eq!(threads.push_turn(c, turn("q", "a")).unwrap_err(), ThreadsError::NoSuchThread(c));

        for i in 0..MAX_THREADS as u64 {
            threads.new_thread(10_000 + i, "more");
        }
        assert_eq!(threads.newest_first().count(), MAX_THREADS);
        assert!(threads.thread(a).is_none() && threads.thread(b).is_none(), "the least recently used went");

        let id = threads.newest_first().next().unwrap().id;
        for i in 0..MAX_TURNS + 3 {
            threads.push_turn(id, turn(&format!("q{i}"), "a")).unwrap();
        }
        let turns = &threads.thread(id).unwrap().turns;
        assert_eq!(turns.len(), MAX_TURNS);
        assert_eq!(turns[0].question, "q3", "the oldest turns went");

        // Stored beyond the bounds (by another build): trimmed on reading.
        let big = Threads {
            version: THREADS_VERSION,
            threads: (0..MAX_THREADS as u64 + 5)
                .map(|id| Thread { id, title: String::new(), turns: vec![turn("q", "a"); MAX_TURNS + 1] })
                .collect(),
        };
        let read = Threads::from_json(&big.to_json()).unwrap();
        assert_eq!(read.newest_first().count(), MAX_THREADS);
        assert!(read.newest_first().all(|t| t.turns.len() == MAX_TURNS));
    }

    #[test]
    fn regenerate_takes_back_the_last_turn() {
        let mut threads = Threads::default();
        let id = threads.new_thread(1, "one");
        threads.push_turn(id, turn("one", "1")).unwrap();
        threads.push_turn(id, turn("two", "2")).unwrap();
        assert_eq!(threads.regenerate(id).as_deref(), Some("two"));
        assert_eq!(threads.thread(id).unwrap().turns, [turn("one", "1")]);
        assert_eq!(threads.regenerate(id).as_deref(), Some("one"));
        assert_eq!(threads.regenerate(id), None, "nothing left to ask again");
        assert_eq!(threads.regenerate(999), None);
    }

    #[test]
    fn titles_are_the_first_line_cut_at_a_word() {
        assert_eq!(title_from("  What   is\t0G?  \nMore detail"), "What is 0G?");
        assert_eq!(title_from("\n\n  second line first"), "second line first");
        assert_eq!(title_from(" \n "), "");
        let long = "Explain how the storage network places segments across nodes and why";
        let title = title_from(long);
        assert_eq!(title, "Explain how the storage network places segments…");
        assert!(title.chars().count() <= TITLE_CHARS);
        // Exactly at a word's end: nothing lost.
        let exact = format!("{} tail", "a".repeat(TITLE_CHARS - 1));
        assert_eq!(title_from(&exact), format!("{}…", "a".repeat(TITLE_CHARS - 1)));
        // One long word is cut inside it rather than lost.
        assert_eq!(title_from(&"x".repeat(100)), format!("{}…", "x".repeat(TITLE_CHARS - 1)));
    }

    #[test]
    fn korean_titles_are_cut_between_characters() {
        // Three bytes a character: a byte cut at 47 would fall inside one.
        let unspaced = "가나다라마바사아자차카타파하".repeat(5);
        let title = title_from(&unspaced);
        assert_eq!(title.chars().count(), TITLE_CHARS);
        assert!(title.ends_with('…') && unspaced.starts_with(title.trim_end_matches('…')));
        let spaced =
            "0G 스토리지 네트워크는 세그먼트를 여러 노드에 어떻게 배치하고 왜 그렇게 하는지 자세히 설명해 주세요";
        let title = title_from(spaced);
        assert_eq!(title, "0G 스토리지 네트워크는 세그먼트를 여러 노드에 어떻게 배치하고 왜 그렇게 하는지…");
        assert!(title.chars().count() <= TITLE_CHARS);
    }

    #[test]
    fn history_is_the_latest_whole_turns_that_fit() {
        let mut cut = turn("third?", "partial");
        cut.cut = true;
        let turns = [turn("first?", "one"), turn("second?", "two"), turn("lost?", " "), cut, turn("fifth?", "five")];
        let roles_and_text =
            |m: Vec<Message>| m.into_iter().map(|m| format!("{}:{}", m.role, m.content)).collect::<Vec<_>>();
        assert_eq!(
            roles_and_text(history_messages(&turns, 1000)),
            [
                "user:first?",
                "assistant:one",
                "user:second?",
                "assistant:two",
                "user:third?",
                "assistant:partial",
                "user:fifth?",
                "assistant:five"
            ],
            "oldest first, the unanswered turn left out, the cut one with what arrived"
        );
        // "fifth?five" is 10 bytes, "third?partial" 13: 23 fit both, 22 only the last.
        assert_eq!(history_messages(&turns, 23).len(), 4);
        assert_eq!(roles_and_text(history_messages(&turns, 22)), ["user:fifth?", "assistant:five"]);
        assert!(history_messages(&turns, 9).is_empty(), "never half a turn");
        // An older turn that would fit behind one that does not is not sent: no gaps.
        let gap = [turn("a", "b"), turn("long question", "long answer"), turn("c", "d")];
        assert_eq!(roles_and_text(history_messages(&gap, 10)), ["user:c", "assistant:d"]);
        // Counted in bytes: Korean takes three a character.
        assert!(history_messages(&[turn("안녕", "네")], 8).is_empty());
        assert_eq!(history_messages(&[turn("안녕", "네")], 9).len(), 2);
    }
}
