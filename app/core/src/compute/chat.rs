//! The OpenAI chat-completions request the app sends and the answer it reads (providers,
//! and SmolLM2 in the browser, apply their own model's template to the messages). Pure.

use serde::Deserialize;
use serde_json::json;

use crate::inft::metadata::MemoryEntry;

/// Completion tokens asked for per answer.
pub const MAX_TOKENS: usize = 64;
/// SmolLM2's model card suggests 0.2; measured on the France question with an agent's
/// system prompt, 0.2 answered "Paris" 10 times in 10 seeds, 0.8 only 7.
pub const TEMPERATURE: f32 = 0.2;
/// Memory entries sent with each message: the nearest in meaning, else the most recent
/// (`compute::recall`).
pub const MEMORY_WINDOW: usize = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn new(role: &str, content: &str) -> Self {
        Self { role: role.into(), content: content.into() }
    }
}

/// The agent's system prompt, the memory entries recalled for this message (role "agent" →
/// "assistant", "note" → "system"; see `compute::recall`) and the user's message: the first
/// question of a conversation, or one asked without it.
pub fn messages(system_prompt: &str, recalled: &[&MemoryEntry], user: &str) -> Vec<Message> {
    messages_with_history(system_prompt, recalled, &[], user)
}

/// As [`messages`], with the conversation's earlier turns (`compute::thread::history_messages`)
/// between the memory and the question: memory is what the agent knows, the history what
/// was just said, and the question last, where a model attends to it most.
pub fn messages_with_history(
    system_prompt: &str,
    recalled: &[&MemoryEntry],
    history: &[Message],
    user: &str,
) -> Vec<Message> {
    let mut out = Vec::new();
    if !system_prompt.trim().is_empty() {
        out.push(Message::new("system", system_prompt.trim()));
    }
    for entry in recalled {
        let role = match entry.role.as_str() {
            "agent" | "assistant" => "assistant",
            "user" => "user",
            _ => "system",
        };
        out.push(Message::new(role, &entry.text));
    }
    out.extend_from_slice(history);
    out.push(Message::new("user", user));
    out
}

/// The request body, exactly as sent (its bytes are what the provider's signature covers).
/// Answers are streamed, so the user sees them form.
pub fn request_body(model: &str, messages: &[Message]) -> String {
    let messages: Vec<_> = messages.iter().map(|m| json!({"role": m.role, "content": m.content})).collect();
    json!({"model": model, "messages": messages, "max_tokens": MAX_TOKENS, "temperature": TEMPERATURE, "stream": true})
        .to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub id: String,
    pub text: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// Reads a streamed answer (`text/event-stream` of `chat.completion.chunk`s, then
/// `data: [DONE]`) as its bytes arrive, in whatever pieces the network cuts them into.
/// Keeps every byte: the provider's signature covers the whole body.
#[derive(Debug, Default)]
pub struct StreamReader {
    body: Vec<u8>,
    /// Where the next unread event starts in `body`.
    read: usize,
    /// How far past `read` has been searched for an event's end without finding one, so
    /// each byte is searched about once however finely the answer is cut.
    searched: usize,
    id: Option<String>,
    text: String,
    usage: Option<(u64, u64)>,
    done: bool,
}

#[derive(Deserialize)]
struct RawChunk {
    id: String,
    #[serde(default)]
    choices: Vec<RawDelta>,
    usage: Option<RawUsage>,
}
#[derive(Deserialize)]
struct RawDelta {
    #[serde(default)]
    delta: RawDeltaContent,
}
#[derive(Deserialize, Default)]
struct RawDeltaContent {
    content: Option<String>,
}
#[derive(Deserialize)]
struct RawUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// No answer this console asks for is larger; a provider that sends more is stopped.
pub const MAX_ANSWER_BYTES: usize = 4 << 20;

impl StreamReader {
    /// Takes the next bytes of the body; returns the answer text they completed (empty
    /// until a whole event has arrived).
    pub fn push(&mut self, bytes: &[u8]) -> Result<String, String> {
        if self.body.len() + bytes.len() > MAX_ANSWER_BYTES {
            return Err(format!(
                "the provider sent more than {} MiB for one answer; it was stopped there",
                MAX_ANSWER_BYTES >> 20
            ));
        }
        self.body.extend_from_slice(bytes);
        let mut new_text = String::new();
        loop {
            // A separator may straddle the previous piece's end: look back 3 bytes.
            let from = self.searched.saturating_sub(3);
            let Some((event_end, skip_end)) = find_event_end(&self.body[self.read + from..]) else {
                self.searched = self.body.len() - self.read;
                break;
            };
            let (event, skip) = (from + event_end, from + skip_end);
            let event = String::from_utf8(self.body[self.read..self.read + event].to_vec())
                .map_err(|_| "an event is not UTF-8".to_string())?;
            self.read += skip;
            self.searched = 0;
            if let Some(text) = self.event(&event)? {
                new_text.push_str(&text);
            }
        }
        Ok(new_text)
    }

    /// One event's `data:` lines (joined by newlines, as the SSE standard says); other
    /// fields and comments are ignored.
    fn event(&mut self, event: &str) -> Result<Option<String>, String> {
        let data: Vec<&str> =
            event.lines().filter_map(|l| l.strip_prefix("data:")).map(|d| d.strip_prefix(' ').unwrap_or(d)).collect();
        if data.is_empty() {
            return Ok(None);
        }
        let data = data.join("\n");
        if self.done {
            return Err("the provider sent more after [DONE]".into());
        }
        if data == "[DONE]" {
            self.done = true;
            return Ok(None);
        }
        let chunk: RawChunk = serde_json::from_str(&data).map_err(|e| format!("not a chat.completion.chunk: {e}"))?;
        match &self.id {
            Some(id) if *id != chunk.id => return Err("the stream mixes two answers".into()),
            Some(_) => {}
            None => self.id = Some(chunk.id),
        }
        if let Some(u) = chunk.usage {
            self.usage = Some((u.prompt_tokens, u.completion_tokens));
        }
        let text: String = chunk.choices.into_iter().filter_map(|c| c.delta.content).collect();
        self.text.push_str(&text);
        Ok(Some(text))
    }

    /// The text so far (all of it, once finished).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every byte received, exactly.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The answer, once the body has ended: only a stream that reached `[DONE]` with its
    /// usage is a whole answer.
    pub fn finish(&self) -> Result<Completion, StreamCut> {
        match (&self.id, self.usage, self.done) {
            (Some(id), Some((prompt_tokens, completion_tokens)), true) => {
                Ok(Completion { id: id.clone(), text: self.text.clone(), prompt_tokens, completion_tokens })
            }
            _ => Err(StreamCut { received: self.text.clone() }),
        }
    }
}

/// A streamed answer that ended before `[DONE]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCut {
    /// The text that did arrive.
    pub received: String,
}

/// The length of the first whole event in `bytes` and how many bytes to skip past its
/// blank line (`\n\n`, `\r\n\r\n` or `\r\r`), if one has arrived.
fn find_event_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < bytes.len() {
        for sep in [&b"\r\n\r\n"[..], b"\n\n", b"\r\r"] {
            if bytes[i..].starts_with(sep) {
                return Some((i, i + sep.len()));
            }
        }
        i += 1;
    }
    None
}

/// The `message` of an OpenAI error body, if it is one.
pub fn error_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v["error"]["message"].as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_providers_prompt_from_memory() {
        let memory = [
            MemoryEntry { at_ms: 1, role: "user".into(), text: "Hello".into(), embedding: None },
            MemoryEntry { at_ms: 2, role: "agent".into(), text: " Hi ".into(), embedding: None },
        ];
        let recalled: Vec<&MemoryEntry> = memory.iter().collect();
        let m = messages("Be brief.", &recalled, "What is 0G?");
        let turns: Vec<(&str, &str)> = m.iter().map(|m| (m.role.as_str(), m.content.trim())).collect();
        assert_eq!(turns, [("system", "Be brief."), ("user", "Hello"), ("assistant", "Hi"), ("user", "What is 0G?")]);
        let body: serde_json::Value = serde_json::from_str(&request_body("zg-tiny-lm-v1", &m)).unwrap();
        assert_eq!(body["messages"][2]["role"], "assistant");
        assert_eq!(body["stream"], true);
    }

    #[test]
    fn history_goes_between_memory_and_the_question() {
        let memory = [MemoryEntry { at_ms: 1, role: "note".into(), text: "Likes Rust".into(), embedding: None }];
        let recalled: Vec<&MemoryEntry> = memory.iter().collect();
        let history = [Message::new("user", "What is 0G?"), Message::new("assistant", "A chain.")];
        let m = messages_with_history("Be brief.", &recalled, &history, "And its storage?");
        let turns: Vec<(&str, &str)> = m.iter().map(|m| (m.role.as_str(), m.content.as_str())).collect();
        assert_eq!(
            turns,
            [
                ("system", "Be brief."),
                ("system", "Likes Rust"),
                ("user", "What is 0G?"),
                ("assistant", "A chain."),
                ("user", "And its storage?")
            ]
        );
        assert_eq!(messages("", &[], "hi"), messages_with_history("", &[], &[], "hi"));
        assert_eq!(messages("", &[], "hi"), [Message::new("user", "hi")], "no empty system prompt");
    }

    /// The provider's events (devnet/src/compute_provider/chat.rs), as bytes.
    fn provider_stream() -> Vec<u8> {
        let chunk = |delta: &str, extra: &str| {
            format!(
                r#"data: {{"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{delta},"finish_reason":null}}]{extra}}}"#
            ) + "\n\n"
        };
        [
            chunk(r#"{"role":"assistant","content":""}"#, ""),
            chunk(r#"{"content":"Hel"}"#, ""),
            chunk(r#"{"content":"lo é"}"#, ""),
            chunk("{}", r#","usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}"#),
            "data: [DONE]\n\n".to_string(),
        ]
        .concat()
        .into_bytes()
    }

    #[test]
    fn reads_a_stream_in_any_cut() {
        let body = provider_stream();
        // Every split point, including inside "é" and inside "\n\n".
        for cut in 0..body.len() {
            let mut reader = StreamReader::default();
            let mut shown = reader.push(&body[..cut]).unwrap();
            shown += &reader.push(&body[cut..]).unwrap();
            assert_eq!(shown, "Hello é");
            let c = reader.finish().unwrap();
            assert_eq!(
                (c.id.as_str(), c.text.as_str(), c.prompt_tokens, c.completion_tokens),
                ("chatcmpl-7", "Hello é", 9, 4)
            );
            assert_eq!(reader.body(), &body[..], "every byte is kept for the signature check");
        }
        // CRLF line ends and comments are read too.
        let mut reader = StreamReader::default();
        let crlf = String::from_utf8(body.clone()).unwrap().replace("\n\n", "\r\n\r\n");
        assert_eq!(reader.push(format!(": keep-alive\r\n\r\n{crlf}").as_bytes()).unwrap(), "Hello é");
        assert!(reader.finish().is_ok());
    }

    #[test]
    fn an_answer_read_a_byte_at_a_time_is_the_same_answer() {
        let body = String::from_utf8(provider_stream()).unwrap().replace("\n\n", "\r\n\r\n");
        let mut reader = StreamReader::default();
        let mut shown = String::new();
        for byte in body.as_bytes() {
            shown += &reader.push(std::slice::from_ref(byte)).unwrap();
        }
        assert_eq!(shown, "Hello é");
        assert_eq!(reader.finish().unwrap().text, "Hello é");
    }

    #[test]
    fn an_answer_past_the_cap_is_stopped() {
        let mut reader = StreamReader::default();
        let piece = vec![b'x'; 1 << 20];
        for _ in 0..(MAX_ANSWER_BYTES >> 20) {
            assert_eq!(reader.push(&piece).unwrap(), "");
        }
        let err = reader.push(b"x").unwrap_err();
        assert!(err.contains("more than 4 MiB"), "{err}");
        assert_eq!(reader.body().len(), MAX_ANSWER_BYTES, "nothing past the cap is kept");
    }

    #[test]
    fn a_stream_without_done_is_cut() {
        let body = provider_stream();
        let without_done = &body[..body.len() - "data: [DONE]\n\n".len()];
        let mut reader = StreamReader::default();
        reader.push(without_done).unwrap();
        assert_eq!(reader.finish(), Err(StreamCut { received: "Hello é".into() }));
        // Cut in the middle of an event: the half event is not shown.
        let mut reader = StreamReader::default();
        let half = body.windows(5).position(|w| w == b"lo \xc3\xa9").unwrap();
        assert_eq!(reader.push(&body[..half]).unwrap(), "Hel");
        assert_eq!(reader.finish(), Err(StreamCut { received: "Hel".into() }));
    }

    #[test]
    fn refuses_streams_that_are_not_one_answer() {
        let mut reader = StreamReader::default();
        assert!(reader.push(b"data: {\"nope\":1}\n\n").unwrap_err().contains("chat.completion.chunk"));
        let mut reader = StreamReader::default();
        let two = "data: {\"id\":\"a\",\"choices\":[]}\n\ndata: {\"id\":\"b\",\"choices\":[]}\n\n";
        assert!(reader.push(two.as_bytes()).unwrap_err().contains("two answers"));
        let mut reader = StreamReader::default();
        let after = "data: [DONE]\n\ndata: [DONE]\n\n";
        assert!(reader.push(after.as_bytes()).unwrap_err().contains("after [DONE]"));
    }

    #[test]
    fn reads_errors() {
        assert_eq!(error_message(br#"{"error":{"message":"no","type":"x"}}"#).as_deref(), Some("no"));
        assert_eq!(error_message(b"{}"), None);
    }
}
