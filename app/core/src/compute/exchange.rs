//! One chat with a 0G Compute provider: the request, the streamed answer passed on as it
//! forms, its cost from the proven prices, and the provider's signature over the exchange
//! checked against the signer 0G's rule picks. Written over [`ProviderHttp`], so it runs
//! natively against a provider a test scripts; the app's is `fetch` with an idle watchdog.
//!
//! The endpoints and their order are 0G's broker's (0g-serving-broker,
//! api/inference/internal/ctrl/chatbot.go and proxy.go): `POST {url}/v1/proxy/chat/completions`
//! with the session token in `Authorization`, the chat key in the `ZG-Res-Key` answer
//! header, then `GET {url}/v1/proxy/signature/{chatKey}?model=…`.

use std::future::Future;
use std::pin::pin;

use alloy_primitives::{Address, U256};
use futures::future::{select, Either};
use wasm_light_client::jsonrpc::quote_node_words;

use super::answer;
use super::chat::{self, Message};
use super::contract::{self, Service};

/// Where a provider's error answer, or a signature, stops being read: they are short.
pub const MAX_SMALL_ANSWER: usize = 1 << 20;

/// Serializable: an attestation (which can carry one) comes back from the verifier's worker.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ProviderError {
    #[error("the provider at {url} did not answer ({reason}); it may be down, try again later")]
    ProviderDown { url: String, reason: String },
    #[error("the provider sent nothing for {0} s, so the app gave up; nothing is charged for an answer that did not arrive. Try again later")]
    Timeout(u32),
    #[error("the answer was cut off after {} ({reason}); nothing is charged for an answer that did not arrive whole. Ask again", characters(*.received_chars))]
    StreamCut { received_chars: usize, reason: String },
    #[error("stopped after {}; nothing is charged for an answer that did not arrive whole", characters(*.received_chars))]
    Stopped { received_chars: usize },
    #[error("the provider refused the session token: {0}. A fresh token is made for each message; if it says expired, check this computer's clock")]
    Unauthorized(String),
    #[error("your sub-account with this provider cannot pay for this answer: fund the provider first (Compute page → Fund provider). The provider said: {0}")]
    InsufficientBalance(String),
    #[error("the provider refused the request ({status}): {message}")]
    Refusal { status: u16, message: String },
    #[error("the provider's answer is malformed: {0}")]
    Malformed(String),
    /// The browser lacks something the request needs (aborting a request).
    #[error("this browser cannot make the request: {0}")]
    Unsupported(String),
}

/// "1 character", "12 characters".
fn characters(n: usize) -> String {
    if n == 1 {
        "1 character".into()
    } else {
        format!("{n} characters")
    }
}

/// A provider's HTTP, as a chat uses it.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait ProviderHttp {
    type Body: AnswerBody;

    /// POSTs `body` with `headers`; the status, the `ZG-Res-Key` header if any, and the
    /// body still to read. No answer at all is `ProviderDown` or `Timeout`.
    async fn post(&self, url: &str, headers: &[(&str, &str)], body: &str) -> Result<Posted<Self::Body>, ProviderError>;

    /// GETs `url` with `query` (and a session token where the endpoint wants one): the
    /// status and at most [`MAX_SMALL_ANSWER`] bytes of body.
    async fn get(
        &self,
        url: &str,
        query: &[(&str, &str)],
        authorization: Option<&str>,
    ) -> Result<(u16, Vec<u8>), ProviderError>;
}

pub struct Posted<B> {
    pub status: u16,
    pub res_key: Option<String>,
    pub body: B,
}

/// An answer's body as it arrives.
#[allow(async_fn_in_trait)]
pub trait AnswerBody {
    /// The next piece; `None` at the end. An error says, in words, why it broke off
    /// ("the provider went silent for 20 s", "the connection failed: …").
    async fn next(&mut self) -> Result<Option<Vec<u8>>, String>;
}

/// Whether an answer's signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerCheck {
    /// Signed by the signer 0G's rule picks from the proven registry; `coverage` says how
    /// much of our own bytes the signed text was found to cover.
    Verified {
        signer: Address,
        coverage: answer::Coverage,
    },
    Unverified {
        reason: String,
    },
}

impl AnswerCheck {
    /// What was checked, in words.
    pub fn describe(&self) -> String {
        match self {
            AnswerCheck::Verified { signer, coverage } => format!("{} ({signer})", coverage.describe()),
            AnswerCheck::Unverified { reason } => format!("not verified: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatAnswer {
    pub text: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// prices × tokens, from the proven service.
    pub cost: U256,
    pub check: AnswerCheck,
    pub chat_id: String,
    /// The key the signature was asked for: the `ZG-Res-Key` header, or the completion id
    /// when a provider sends no header (`key_from_header` false).
    pub chat_key: String,
    pub key_from_header: bool,
}

/// Asks the provider `service` describes (as the proven registry has it), with the
/// session token `authorization`, streaming the answer's text to `on_text` as it arrives,
/// then checks the signature over the whole exchange. An answer that does not arrive
/// whole is an error (the provider charges nothing for it); a signature that does not
/// check leaves the answer marked unverified, with why. When `stop` resolves before the
/// answer is whole (the user pressed Stop, or left the page), the request and its body
/// are dropped — the browser's abort the connection — and the chat is `Stopped`.
pub async fn chat<H: ProviderHttp>(
    http: &H,
    service: &Service,
    authorization: &str,
    messages: &[Message],
    on_text: &dyn Fn(&str),
    stop: impl Future<Output = ()>,
) -> Result<ChatAnswer, ProviderError> {
    let mut stop = pin!(stop);
    let body = chat::request_body(&service.model, messages);
    let base = service.url.trim_end_matches('/').to_string();
    let url = format!("{base}/v1/proxy/chat/completions");
    let headers = [("Authorization", authorization), ("Content-Type", "application/json")];
    let posted = match select(pin!(http.post(&url, &headers, &body)), stop.as_mut()).await {
        Either::Left((posted, _)) => posted?,
        Either::Right(((), _)) => return Err(ProviderError::Stopped { received_chars: 0 }),
    };
    let Posted { status, res_key, body: mut answer } = posted;
    if status != 200 {
        let said = read_small(&mut answer)
            .await
            .map_err(|reason| ProviderError::ProviderDown { url: base.clone(), reason })?;
        let message = quote_node_words(
            &chat::error_message(&said).unwrap_or_else(|| String::from_utf8_lossy(&said).into_owned()),
        );
        return Err(match status {
            401 => ProviderError::Unauthorized(message),
            402 => ProviderError::InsufficientBalance(message),
            503 if message.contains("down") => ProviderError::ProviderDown { url: base, reason: message },
            _ => ProviderError::Refusal { status, message },
        });
    }
    let mut stream = chat::StreamReader::default();
    loop {
        let received_chars = stream.text().chars().count();
        let piece = match select(pin!(answer.next()), stop.as_mut()).await {
            Either::Left((piece, _)) => piece.map_err(|reason| ProviderError::StreamCut { received_chars, reason })?,
            Either::Right(((), _)) => return Err(ProviderError::Stopped { received_chars }),
        };
        let Some(piece) = piece else { break };
        let text = stream.push(&piece).map_err(ProviderError::Malformed)?;
        if !text.is_empty() {
            on_text(&text);
        }
    }
    let completion = stream.finish().map_err(|cut| ProviderError::StreamCut {
        received_chars: cut.received.chars().count(),
        reason: "the stream ended before [DONE]".into(),
    })?;
    let cost = contract::fee(service, completion.prompt_tokens, completion.completion_tokens);
    // 0G's broker files the signature under the uuid it sends in `ZG-Res-Key`.
    let header_key = res_key.filter(|k| !k.is_empty());
    let signature_key = answer::signature_key(header_key.as_deref(), &completion.id);
    let (chat_key, key_from_header) =
        signature_key.clone().unwrap_or_else(|| (header_key.unwrap_or_else(|| completion.id.clone()), false));
    let check = if signature_key.is_none() {
        AnswerCheck::Unverified { reason: "the provider's chat key is not a valid identifier".into() }
    } else {
        let url = format!("{base}/v1/proxy/signature/{chat_key}");
        match http.get(&url, &[("model", service.model.as_str())], None).await {
            Ok((200, signed)) => check_signature(body.as_bytes(), stream.body(), &signed, service),
            Ok((status, other)) => AnswerCheck::Unverified {
                reason: format!(
                    "the provider served no signature for chat {chat_key} ({status}: {})",
                    quote_node_words(&chat::error_message(&other).unwrap_or_default())
                ),
            },
            Err(e) => AnswerCheck::Unverified { reason: format!("could not fetch the signature: {e}") },
        }
    };
    Ok(ChatAnswer {
        text: completion.text,
        prompt_tokens: completion.prompt_tokens,
        completion_tokens: completion.completion_tokens,
        cost,
        check,
        chat_id: completion.id,
        chat_key,
        key_from_header,
    })
}

/// A body that should be short (an error), read up to [`MAX_SMALL_ANSWER`]: a provider's
/// word must not size what the page holds.
async fn read_small(body: &mut impl AnswerBody) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(piece) = body.next().await? {
        if out.len() + piece.len() > MAX_SMALL_ANSWER {
            return Err("sent more than 1 MiB where a short answer was due".into());
        }
        out.extend_from_slice(&piece);
    }
    Ok(out)
}

/// The provider's `{text, signature}` checked against the exchange's bytes and the signer
/// 0G's rule picks from `service`.
pub fn check_signature(request: &[u8], response: &[u8], signed: &[u8], service: &Service) -> AnswerCheck {
    #[derive(serde::Deserialize)]
    struct Signed {
        text: String,
        signature: String,
    }
    let Ok(signed) = serde_json::from_slice::<Signed>(signed) else {
        return AnswerCheck::Unverified { reason: "the signature response is malformed".into() };
    };
    let choice = match answer::signing_address(service) {
        Ok(choice) => choice,
        Err(e) => return AnswerCheck::Unverified { reason: e.to_string() },
    };
    match answer::verify(request, response, &signed.text, &signed.signature, choice, service.teeSignerAcknowledged) {
        Ok(coverage) => AnswerCheck::Verified { signer: choice.address, coverage },
        Err(e) => AnswerCheck::Unverified { reason: e.to_string() },
    }
}

#[cfg(test)]
#[path = "exchange_tests.rs"]
mod tests;
