//! The OpenAI chat-completions request the app sends and the answer it reads, plus the
//! provider's prompt template (devnet/src/compute_provider/chat.rs: one `Role: text` line
//! per message, then `Assistant:`), so a local run sees the same prompt. Pure.

use serde::Deserialize;
use serde_json::json;

use crate::inft::metadata::MemoryEntry;

/// Completion tokens asked for per answer.
pub const MAX_TOKENS: usize = 64;
pub const TEMPERATURE: f32 = 0.8;
/// Memory entries sent with each message (the most recent).
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

/// The agent's system prompt, its recent memory (role "agent" → "assistant", "note" →
/// "system") and the user's message.
pub fn messages(system_prompt: &str, memory: &[MemoryEntry], user: &str) -> Vec<Message> {
    let mut out = Vec::new();
    if !system_prompt.trim().is_empty() {
        out.push(Message::new("system", system_prompt.trim()));
    }
    let start = memory.len().saturating_sub(MEMORY_WINDOW);
    for entry in &memory[start..] {
        let role = match entry.role.as_str() {
            "agent" | "assistant" => "assistant",
            "user" => "user",
            _ => "system",
        };
        out.push(Message::new(role, &entry.text));
    }
    out.push(Message::new("user", user));
    out
}

/// The request body, exactly as sent (its bytes are what the provider's signature covers).
pub fn request_body(model: &str, messages: &[Message]) -> String {
    let messages: Vec<_> = messages.iter().map(|m| json!({"role": m.role, "content": m.content})).collect();
    json!({"model": model, "messages": messages, "max_tokens": MAX_TOKENS, "temperature": TEMPERATURE, "stream": false})
        .to_string()
}

/// The provider's prompt template, for running the same conversation locally.
pub fn prompt(messages: &[Message]) -> String {
    let mut prompt = String::new();
    for m in messages {
        let mut chars = m.role.trim().chars();
        let label: String = chars.next().into_iter().flat_map(char::to_uppercase).chain(chars).collect();
        prompt.push_str(&format!("{label}: {}\n", m.content.trim()));
    }
    prompt.push_str("Assistant:");
    prompt
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub id: String,
    pub text: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

#[derive(Deserialize)]
struct RawCompletion {
    id: String,
    choices: Vec<RawChoice>,
    usage: RawUsage,
}
#[derive(Deserialize)]
struct RawChoice {
    message: RawMessage,
}
#[derive(Deserialize)]
struct RawMessage {
    content: String,
}
#[derive(Deserialize)]
struct RawUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

/// Reads a `chat.completion` body.
pub fn parse_completion(body: &[u8]) -> Result<Completion, String> {
    let raw: RawCompletion = serde_json::from_slice(body).map_err(|e| format!("not a chat completion: {e}"))?;
    let text = raw.choices.into_iter().next().map(|c| c.message.content).ok_or("the answer has no choices")?;
    Ok(Completion {
        id: raw.id,
        text,
        prompt_tokens: raw.usage.prompt_tokens,
        completion_tokens: raw.usage.completion_tokens,
    })
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
        let memory = vec![
            MemoryEntry { at_ms: 1, role: "user".into(), text: "Hello".into() },
            MemoryEntry { at_ms: 2, role: "agent".into(), text: " Hi ".into() },
        ];
        let m = messages("Be brief.", &memory, "What is 0G?");
        assert_eq!(prompt(&m), "System: Be brief.\nUser: Hello\nAssistant: Hi\nUser: What is 0G?\nAssistant:");
        let body: serde_json::Value = serde_json::from_str(&request_body("zg-tiny-lm-v1", &m)).unwrap();
        assert_eq!(body["messages"][2]["role"], "assistant");
        assert_eq!(body["stream"], false);
    }

    #[test]
    fn reads_answers_and_errors() {
        let body = br#"{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#;
        let c = parse_completion(body).unwrap();
        assert_eq!((c.id.as_str(), c.text.as_str(), c.prompt_tokens, c.completion_tokens), ("chatcmpl-1", "hi", 3, 2));
        assert_eq!(error_message(br#"{"error":{"message":"no","type":"x"}}"#).as_deref(), Some("no"));
        assert!(parse_completion(b"{}").is_err());
    }
}
