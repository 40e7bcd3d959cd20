//! SmolLM2's tokenizer: byte-level BPE (GPT-2's scheme) read from the GGUF's metadata.
//!
//! Written here rather than taken from Hugging Face's `tokenizers`: that crate is heavy in
//! wasm32 and candle's GGUF helper for it is not built there. The tests hold this one to
//! `tokenizers` itself, assembled as SmolLM2's `tokenizer.json` is.
//!
//! Text is split the way SmolLM2's pre-tokenizer does it (every digit alone, then GPT-2's
//! pattern), each piece's bytes are mapped to GPT-2's printable characters and merged by
//! rank. Text is always text: `<|im_start|>` typed by a user is seven ordinary tokens, so
//! no message can forge a turn; the chat template inserts the special tokens by id.

use crate::LlmError;
use candle_core::quantized::gguf_file::{Content, Value};
use fancy_regex::Regex;
use std::collections::HashMap;

/// GPT-2's pattern, which SmolLM2's ByteLevel pre-tokenizer applies after the digit split.
const PATTERN: &str = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";
/// llama.cpp's token types: 3 is a control token (`<|im_start|>` and the like).
const CONTROL: i32 = 3;

pub struct Tokenizer {
    /// Token strings in GPT-2's byte-as-character form ("Ġthe" for " the").
    tokens: Vec<String>,
    ids: HashMap<String, u32>,
    /// (left, right) → (rank, merged id).
    merges: HashMap<(u32, u32), (u32, u32)>,
    /// The token id of each byte's character. SmolLM2's vocabulary lacks a few control
    /// bytes; like Hugging Face's BPE without an unknown token, those are dropped.
    byte_ids: [Option<u32>; 256],
    control: Vec<bool>,
    pattern: Regex,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer").field("vocabulary", &self.tokens.len()).field("merges", &self.merges.len()).finish()
    }
}

impl Tokenizer {
    /// `merges` are "left right" lines, most important first; `types` are llama.cpp's.
    pub fn new(tokens: Vec<String>, merges: &[String], types: &[i32]) -> Result<Tokenizer, LlmError> {
        let bad = |why: String| LlmError::Tokenizer(why);
        let ids: HashMap<String, u32> = tokens.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        let mut byte_ids = [None; 256];
        for (byte, c) in byte_chars().iter().enumerate() {
            byte_ids[byte] = ids.get(&c.to_string()).copied();
        }
        let mut ranks = HashMap::with_capacity(merges.len());
        for (rank, line) in merges.iter().enumerate() {
            let (left, right) =
                line.split_once(' ').ok_or_else(|| bad(format!("merge {rank} is not a pair: {line:?}")))?;
            let id =
                |s: &str| ids.get(s).copied().ok_or_else(|| bad(format!("merge {rank} names unknown token {s:?}")));
            let merged = id(&format!("{left}{right}"))?;
            ranks.entry((id(left)?, id(right)?)).or_insert((rank as u32, merged));
        }
        let control = (0..tokens.len()).map(|i| types.get(i) == Some(&CONTROL)).collect();
        let pattern = Regex::new(PATTERN).map_err(|e| bad(e.to_string()))?;
        Ok(Tokenizer { tokens, ids, merges: ranks, byte_ids, control, pattern })
    }

    pub fn from_gguf(content: &Content) -> Result<Tokenizer, LlmError> {
        let meta =
            |key: &str| content.metadata.get(key).ok_or_else(|| LlmError::Tokenizer(format!("the file has no {key}")));
        let kind = meta("tokenizer.ggml.model")?.to_string().map_err(|e| LlmError::Tokenizer(e.to_string()))?;
        if kind != "gpt2" {
            return Err(LlmError::Tokenizer(format!("a {kind:?} tokenizer, where byte-level BPE (gpt2) is expected")));
        }
        let strings = |key: &str| -> Result<Vec<String>, LlmError> {
            let array = meta(key)?.to_vec().map_err(|e| LlmError::Tokenizer(format!("{key}: {e}")))?;
            array
                .iter()
                .map(|v| v.to_string().cloned().map_err(|e| LlmError::Tokenizer(format!("{key}: {e}"))))
                .collect()
        };
        let types: Vec<i32> = match meta("tokenizer.ggml.token_type") {
            Ok(Value::Array(values)) => values.iter().map(|v| v.to_i32().unwrap_or(1)).collect(),
            _ => Vec::new(),
        };
        Tokenizer::new(strings("tokenizer.ggml.tokens")?, &strings("tokenizer.ggml.merges")?, &types)
    }

    pub fn vocabulary(&self) -> usize {
        self.tokens.len()
    }

    /// The id of a token by its exact string, such as `<|im_end|>`.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    /// Plain text to ids; special-token strings in it are encoded as text.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::new();
        for piece in digit_split(text) {
            for found in self.pattern.find_iter(piece) {
                // The pattern's last alternative matches any whitespace, so every character
                // belongs to some match; a failure would need a backtracking limit this
                // pattern cannot reach.
                let Ok(found) = found else { continue };
                self.merge_word(found.as_str().as_bytes(), &mut ids);
            }
        }
        ids
    }

    fn merge_word(&self, bytes: &[u8], out: &mut Vec<u32>) {
        let mut word: Vec<u32> = bytes.iter().filter_map(|b| self.byte_ids[*b as usize]).collect();
        // The lowest-ranked adjacent pair is merged first, leftmost on ties; words are short.
        loop {
            let best = word
                .windows(2)
                .enumerate()
                .filter_map(|(at, pair)| self.merges.get(&(pair[0], pair[1])).map(|&(rank, id)| (rank, at, id)))
                .min();
            let Some((_, at, id)) = best else { break };
            word[at] = id;
            word.remove(at + 1);
        }
        out.extend(word);
    }

    /// The bytes a token stands for; control tokens stand for none.
    pub fn token_bytes(&self, id: u32) -> Vec<u8> {
        let Some(token) = self.tokens.get(id as usize) else { return Vec::new() };
        if self.control[id as usize] {
            return Vec::new();
        }
        let chars = byte_chars();
        token.chars().filter_map(|c| chars.iter().position(|&b| b == c).map(|b| b as u8)).collect()
    }

    pub fn decode(&self, ids: &[u32]) -> String {
        let bytes: Vec<u8> = ids.iter().flat_map(|&id| self.token_bytes(id)).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

/// Text decoded as tokens arrive: a character split across tokens is held back until it is
/// whole, so every piece handed out is valid UTF-8.
#[derive(Debug, Default)]
pub struct TextStream {
    pending: Vec<u8>,
}

impl TextStream {
    pub fn push(&mut self, tokenizer: &Tokenizer, id: u32) -> String {
        self.pending.extend(tokenizer.token_bytes(id));
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // An error with no length is an incomplete character at the end: wait for more.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned(),
        };
        let rest = self.pending.split_off(valid);
        String::from_utf8(std::mem::replace(&mut self.pending, rest)).unwrap_or_default()
    }

    /// What is left when generation ends (an unfinished character becomes U+FFFD).
    pub fn finish(self) -> String {
        String::from_utf8_lossy(&self.pending).into_owned()
    }
}

/// SmolLM2's first pre-tokenizer: every numeric character is a piece of its own.
fn digit_split(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if c.is_numeric() {
            if start < at {
                pieces.push(&text[start..at]);
            }
            pieces.push(&text[at..at + c.len_utf8()]);
            start = at + c.len_utf8();
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// GPT-2's byte → character map: printable bytes stand for themselves, the rest are moved
/// to U+0100 and up, so every token is a printable string.
fn byte_chars() -> [char; 256] {
    let mut chars = ['\0'; 256];
    let mut shifted = 0u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        chars[b as usize] = if printable {
            char::from(b)
        } else {
            shifted += 1;
            char::from_u32(255 + shifted).unwrap_or('\u{FFFD}')
        };
    }
    chars
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A vocabulary of the 256 byte characters, a few merges and two control tokens.
    pub(crate) fn tiny() -> Tokenizer {
        let mut tokens: Vec<String> = vec!["<|im_start|>".into(), "<|im_end|>".into()];
        tokens.extend(byte_chars().iter().map(|c| c.to_string()));
        let merges: Vec<String> = ["h e", "l l", "he ll", "hell o", "Ġ w"].iter().map(|s| s.to_string()).collect();
        for m in &merges {
            tokens.push(m.replace(' ', ""));
        }
        let mut types = vec![CONTROL, CONTROL];
        types.resize(tokens.len(), 1);
        Tokenizer::new(tokens, &merges, &types).unwrap()
    }

    #[test]
    fn the_byte_map_is_a_bijection_onto_printable_characters() {
        let chars = byte_chars();
        let mut sorted = chars.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 256);
        assert_eq!(chars[b' ' as usize], 'Ġ');
        assert_eq!(chars[b'\n' as usize], 'Ċ');
        assert!(chars.iter().all(|c| !c.is_whitespace() && !c.is_control()));
    }

    #[test]
    fn merges_apply_by_rank_and_round_trip() {
        let t = tiny();
        let ids = t.encode("hello world");
        let hello = t.id("hello").unwrap();
        assert_eq!(ids[0], hello, "h e → he, l l → ll, he ll → hell, hell o → hello");
        assert_eq!(ids[1], t.id("Ġw").unwrap());
        assert_eq!(t.decode(&ids), "hello world");
        // Bytes outside ASCII go through the byte map and come back.
        let text = "가 🙂 é\n\t 42";
        assert_eq!(t.decode(&t.encode(text)), text);
    }

    #[test]
    fn digits_stand_alone_and_special_strings_stay_text() {
        let t = tiny();
        assert_eq!(digit_split("ab12 c3"), vec!["ab", "1", "2", " c", "3"]);
        let ids = t.encode("<|im_end|>");
        assert!(!ids.contains(&t.id("<|im_end|>").unwrap()), "typed text never becomes a control token");
        assert_eq!(t.decode(&ids), "<|im_end|>");
        assert_eq!(t.decode(&[t.id("<|im_start|>").unwrap()]), "", "control tokens decode to nothing");
    }

    #[test]
    fn a_stream_holds_back_a_split_character() {
        let t = tiny();
        let ids = t.encode("가");
        assert_eq!(ids.len(), 3, "three bytes, no merges");
        let mut stream = TextStream::default();
        assert_eq!(stream.push(&t, ids[0]), "");
        assert_eq!(stream.push(&t, ids[1]), "");
        assert_eq!(stream.push(&t, ids[2]), "가");
        let mut cut = TextStream::default();
        cut.push(&t, ids[0]);
        assert_eq!(cut.finish(), "\u{FFFD}");
    }

    #[test]
    fn a_merge_naming_an_unknown_token_is_refused() {
        let tokens: Vec<String> = byte_chars().iter().map(|c| c.to_string()).collect();
        let err = Tokenizer::new(tokens, &["a b".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("unknown token \"ab\""), "{err}");
    }
}
