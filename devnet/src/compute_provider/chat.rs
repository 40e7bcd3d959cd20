//! The OpenAI chat-completions wire format, as far as the provider speaks it.
//!
//! Request: `{model?, messages: [{role, content}], max_tokens? | max_completion_tokens?,
//! temperature?, seed?, stream?}`. The messages go to the model through its own chat
//! template (`zg_llm::chat`, ChatML), and `prompt_tokens` is the number of tokens that makes.
//!
//! Answers: `chat.completion` JSON, or for `stream: true` server-sent events, one
//! `data: {chat.completion.chunk}` per piece of text (the first carries the role, the last
//! the `finish_reason` and `usage`), then `data: [DONE]`. Every answer's `id` is
//! `chatcmpl-<chat key>`, as 0G's broker rewrites it; the chat key itself (a uuid) goes in
//! the `ZG-Res-Key` header, and the signature is filed under it.

use serde::Deserialize;
use serde_json::{json, Value};

pub const DEFAULT_MAX_TOKENS: usize = 64;
pub const MAX_TOKENS_CAP: usize = 256;
pub const DEFAULT_TEMPERATURE: f32 = 0.8;

#[derive(Debug, Deserialize)]
struct RawRequest {
    #[serde(default)]
    model: Option<String>,
    messages: Vec<RawMessage>,
    #[serde(default)]
    max_tokens: Option<u64>,
    #[serde(default)]
    max_completion_tokens: Option<u64>,
    #[serde(default)]
    temperature: Option<f32>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    stream: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct RawMessage {
    role: String,
    content: Content,
}

/// OpenAI allows a string or a list of parts; only text parts are used.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Content {
    Text(String),
    Parts(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub model: Option<String>,
    pub messages: Vec<zg_llm::Message>,
    pub max_tokens: usize,
    pub temperature: f32,
    pub seed: Option<u64>,
    pub stream: bool,
}

pub fn parse(body: &[u8]) -> Result<ChatRequest, String> {
    let raw: RawRequest = serde_json::from_slice(body).map_err(|e| format!("the body is not a chat request: {e}"))?;
    if raw.messages.is_empty() {
        return Err("messages is empty: send at least one {\"role\": \"user\", \"content\": \"…\"}".into());
    }
    let max = raw.max_completion_tokens.or(raw.max_tokens).unwrap_or(DEFAULT_MAX_TOKENS as u64);
    if max == 0 || max > MAX_TOKENS_CAP as u64 {
        return Err(format!("max_tokens must be between 1 and {MAX_TOKENS_CAP}, not {max}"));
    }
    let temperature = raw.temperature.unwrap_or(DEFAULT_TEMPERATURE);
    if !temperature.is_finite() || !(0.0..=2.0).contains(&temperature) {
        return Err("temperature must be between 0 and 2".into());
    }
    let mut messages = Vec::new();
    for (i, message) in raw.messages.iter().enumerate() {
        let text = match &message.content {
            Content::Text(t) => t.clone(),
            Content::Parts(parts) => {
                parts.iter().filter_map(|p| p.get("text").and_then(Value::as_str)).collect::<Vec<_>>().join("\n")
            }
        };
        let role = message.role.trim();
        if role.is_empty() {
            return Err(format!("messages[{i}].role is empty"));
        }
        messages.push(zg_llm::Message::new(role, text.trim()));
    }
    Ok(ChatRequest {
        model: raw.model,
        messages,
        max_tokens: max as usize,
        temperature,
        seed: raw.seed,
        stream: raw.stream.unwrap_or(false),
    })
}

pub fn finish_reason(completion_tokens: usize, max_tokens: usize) -> &'static str {
    if completion_tokens >= max_tokens {
        "length"
    } else {
        "stop"
    }
}

fn usage(prompt_tokens: usize, completion_tokens: usize) -> Value {
    json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    })
}

pub struct Answer<'a> {
    pub id: &'a str,
    /// The chat key (`ZG-Res-Key`) the answer's signature is filed under.
    pub key: &'a str,
    pub created: u64,
    pub model: &'a str,
}

impl Answer<'_> {
    pub fn completion(&self, text: &str, prompt_tokens: usize, completion_tokens: usize, finish: &str) -> Value {
        json!({
            "id": self.id, "object": "chat.completion", "created": self.created, "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": usage(prompt_tokens, completion_tokens),
        })
    }

    fn chunk(&self, delta: Value, finish: Option<&str>) -> Value {
        json!({
            "id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        })
    }

    pub fn first_event(&self) -> String {
        event(&self.chunk(json!({"role": "assistant", "content": ""}), None))
    }

    pub fn piece_event(&self, piece: &str) -> String {
        event(&self.chunk(json!({"content": piece}), None))
    }

    pub fn last_event(&self, prompt_tokens: usize, completion_tokens: usize, finish: &str) -> String {
        let mut chunk = self.chunk(json!({}), Some(finish));
        chunk["usage"] = usage(prompt_tokens, completion_tokens);
        event(&chunk)
    }
}

pub const DONE_EVENT: &str = "data: [DONE]\n\n";

fn event(value: &Value) -> String {
    format!("data: {value}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_messages_and_the_settings() {
        let body = br#"{"model":"m","messages":[{"role":"system","content":"Be brief."},
            {"role":"user","content":[{"type":"text","text":"Hello"}]},{"role":"assistant","content":" Hi "},
            {"role":"user","content":"What is 0G?"}],"max_tokens":10,"stream":true,"seed":4}"#;
        let r = parse(body).unwrap();
        let roles: Vec<_> = r.messages.iter().map(|m| (m.role.as_str(), m.content.as_str())).collect();
        assert_eq!(roles, [("system", "Be brief."), ("user", "Hello"), ("assistant", "Hi"), ("user", "What is 0G?")]);
        assert_eq!((r.max_tokens, r.stream, r.seed), (10, true, Some(4)));
        let r = parse(br#"{"messages":[{"role":"user","content":"x"}]}"#).unwrap();
        assert_eq!((r.max_tokens, r.stream, r.temperature), (DEFAULT_MAX_TOKENS, false, DEFAULT_TEMPERATURE));
    }

    #[test]
    fn refuses_bad_requests() {
        for body in [
            &b"nope"[..],
            br#"{"messages":[]}"#,
            br#"{"messages":[{"role":"user","content":"x"}],"max_tokens":0}"#,
            br#"{"messages":[{"role":"user","content":"x"}],"max_tokens":257}"#,
            br#"{"messages":[{"role":"user","content":"x"}],"temperature":9}"#,
            br#"{"messages":[{"role":"","content":"x"}]}"#,
        ] {
            assert!(parse(body).is_err(), "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn events_are_sse_lines() {
        let a = Answer { id: "chatcmpl-1", key: "1", created: 5, model: "m" };
        let last = a.last_event(3, 2, "length");
        assert!(last.starts_with("data: {") && last.ends_with("}\n\n"));
        let v: Value = serde_json::from_str(last.trim_start_matches("data: ").trim()).unwrap();
        assert_eq!(v["usage"]["total_tokens"], 5);
        assert_eq!(v["choices"][0]["finish_reason"], "length");
        assert_eq!(finish_reason(3, 3), "length");
        assert_eq!(finish_reason(2, 3), "stop");
    }
}
