//! A chat against a provider scripted in memory: it streams its answer in the pieces a
//! test chooses, signs the exchange as 0G's broker does (EIP-191 over
//! `sha256hex(request):sha256hex(answer)`, filed under its `ZG-Res-Key`), and can refuse,
//! break off, alter the answer after signing, or sign with another key.

use std::cell::{Cell, RefCell};

use alloy_primitives::eip191_hash_message;
use futures::executor::block_on;
use k256::ecdsa::SigningKey;

use super::*;
use crate::compute::answer::{signed_text, Coverage};
use crate::wallet::signer::address_of;

const URL: &str = "http://provider.test:8080/";

fn tee_key() -> SigningKey {
    SigningKey::from_slice(&[7u8; 32]).unwrap()
}

fn service() -> Service {
    Service {
        provider: Address::repeat_byte(0x11),
        url: URL.into(),
        model: "zg-tiny-lm-v1".into(),
        inputPrice: U256::from(2),
        outputPrice: U256::from(5),
        teeSignerAddress: address_of(&tee_key()),
        teeSignerAcknowledged: true,
        additionalInfo: "{}".into(),
        ..Default::default()
    }
}

/// The answer's events, as 0G's broker relays them.
fn events(pieces: &[&str], usage: (u64, u64)) -> Vec<u8> {
    let chunk = |delta: String, extra: String| {
        format!(
            r#"data: {{"id":"chatcmpl-9","object":"chat.completion.chunk","choices":[{{"index":0,"delta":{delta}}}]{extra}}}"#
        ) + "\n\n"
    };
    let mut out: Vec<String> = pieces.iter().map(|p| chunk(format!(r#"{{"content":"{p}"}}"#), String::new())).collect();
    out.push(chunk(
        "{}".into(),
        format!(r#","usage":{{"prompt_tokens":{},"completion_tokens":{}}}"#, usage.0, usage.1),
    ));
    out.push("data: [DONE]\n\n".into());
    out.concat().into_bytes()
}

/// Headers or a query, as pairs.
type Pairs = Vec<(String, String)>;

struct TestProvider {
    status: u16,
    res_key: Option<String>,
    /// The answer's bytes as they go out, cut where the network cuts them; an `Err` breaks
    /// the connection there.
    pieces: Vec<Result<Vec<u8>, String>>,
    /// Signs these bytes as the answer instead of what it sent.
    signs_instead: Option<Vec<u8>>,
    signer: SigningKey,
    /// The signature endpoint's status.
    signature_status: u16,
    /// Goes silent after its pieces instead of ending the body.
    stalls: bool,
    body_dropped: std::rc::Rc<Cell<bool>>,
    /// Each POST: URL, headers, body.
    posted: RefCell<Vec<(String, Pairs, String)>>,
    /// Each GET: URL, query.
    asked: RefCell<Vec<(String, Pairs)>>,
}

impl TestProvider {
    fn answering(answer: Vec<u8>, cut_every: usize) -> Self {
        TestProvider {
            status: 200,
            res_key: Some("0b3f1c2e-8d5a-4f7e-9a61-2c4d6e8f0a1b".into()),
            pieces: answer.chunks(cut_every).map(|c| Ok(c.to_vec())).collect(),
            signs_instead: None,
            signer: tee_key(),
            signature_status: 200,
            stalls: false,
            body_dropped: Default::default(),
            posted: RefCell::new(Vec::new()),
            asked: RefCell::new(Vec::new()),
        }
    }

    fn refusing(status: u16, body: &str) -> Self {
        TestProvider { status, res_key: None, ..Self::answering(body.as_bytes().to_vec(), 4096) }
    }

    fn sent(&self) -> Vec<u8> {
        self.pieces.iter().filter_map(|p| p.as_ref().ok()).flatten().copied().collect()
    }
}

/// The answer's body as the test provider sends it: after its pieces, it goes silent if
/// told to (a provider still thinking), and it notes when the client drops it.
struct Pieces {
    pieces: std::vec::IntoIter<Result<Vec<u8>, String>>,
    stalls: bool,
    dropped: std::rc::Rc<Cell<bool>>,
}

impl AnswerBody for Pieces {
    async fn next(&mut self) -> Result<Option<Vec<u8>>, String> {
        match self.pieces.next() {
            None if self.stalls => futures::future::pending().await,
            piece => piece.transpose(),
        }
    }
}

impl Drop for Pieces {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

impl ProviderHttp for TestProvider {
    type Body = Pieces;

    async fn post(&self, url: &str, headers: &[(&str, &str)], body: &str) -> Result<Posted<Pieces>, ProviderError> {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.posted.borrow_mut().push((url.into(), headers, body.into()));
        let body =
            Pieces { pieces: self.pieces.clone().into_iter(), stalls: self.stalls, dropped: self.body_dropped.clone() };
        Ok(Posted { status: self.status, res_key: self.res_key.clone(), body })
    }

    async fn get(
        &self,
        url: &str,
        query: &[(&str, &str)],
        _authorization: Option<&str>,
    ) -> Result<(u16, Vec<u8>), ProviderError> {
        self.asked.borrow_mut().push((url.into(), query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()));
        if self.signature_status != 200 {
            return Ok((self.signature_status, br#"{"error":{"message":"chat not found"}}"#.to_vec()));
        }
        let request = self.posted.borrow()[0].2.clone();
        let answer = self.signs_instead.clone().unwrap_or_else(|| self.sent());
        let text = signed_text(request.as_bytes(), &answer);
        let (sig, rec) = self.signer.sign_prehash_recoverable(eip191_hash_message(text.as_bytes()).as_slice()).unwrap();
        let mut bytes = sig.to_bytes().to_vec();
        bytes.push(27 + rec.to_byte());
        let signed = serde_json::json!({ "text": text, "signature": format!("0x{}", hex::encode(bytes)) });
        Ok((200, serde_json::to_vec(&signed).unwrap()))
    }
}

fn ask(provider: &TestProvider) -> (Result<ChatAnswer, ProviderError>, Vec<String>) {
    ask_until(provider, futures::future::pending())
}

/// Asks, stopping when `stop` resolves.
fn ask_until(
    provider: &TestProvider,
    stop: impl Future<Output = ()>,
) -> (Result<ChatAnswer, ProviderError>, Vec<String>) {
    let streamed = RefCell::new(Vec::new());
    let messages = [Message::new("user", "What is 0G?")];
    let on_text = |text: &str| streamed.borrow_mut().push(text.to_string());
    let answer = block_on(chat(provider, &service(), "Bearer app-sk-test", &messages, &on_text, stop));
    (answer, streamed.into_inner())
}

#[test]
fn an_answer_streams_as_it_forms_and_costs_the_proven_prices_times_its_tokens() {
    let provider = TestProvider::answering(events(&["Hel", "lo, ", "world"], (12, 3)), 40);
    let (answer, streamed) = ask(&provider);
    let answer = answer.unwrap();
    assert_eq!(answer.text, "Hello, world");
    // Passed on piece by piece, not at the end.
    assert!(streamed.len() >= 2, "{streamed:?}");
    assert_eq!(streamed.concat(), "Hello, world");
    assert_eq!((answer.prompt_tokens, answer.completion_tokens), (12, 3));
    assert_eq!(answer.cost, U256::from(12 * 2 + 3 * 5));
    assert_eq!(
        answer.check,
        AnswerCheck::Verified { signer: address_of(&tee_key()), coverage: Coverage::RequestAndAnswer }
    );
    assert!(answer.key_from_header);
    assert_eq!(answer.chat_key, "0b3f1c2e-8d5a-4f7e-9a61-2c4d6e8f0a1b");
    // 0G's broker's endpoints, with the token and the model.
    let (url, headers, _) = provider.posted.borrow()[0].clone();
    assert_eq!(url, "http://provider.test:8080/v1/proxy/chat/completions");
    assert!(headers.contains(&("Authorization".into(), "Bearer app-sk-test".into())));
    let asked = provider.asked.borrow()[0].clone();
    assert_eq!(asked.0, "http://provider.test:8080/v1/proxy/signature/0b3f1c2e-8d5a-4f7e-9a61-2c4d6e8f0a1b");
    assert_eq!(asked.1, vec![("model".to_string(), "zg-tiny-lm-v1".to_string())]);
}

#[test]
fn without_a_res_key_the_signature_is_asked_for_by_the_completion_id() {
    let mut provider = TestProvider::answering(events(&["Hi"], (4, 1)), 1000);
    provider.res_key = None;
    let answer = ask(&provider).0.unwrap();
    assert!(!answer.key_from_header);
    assert_eq!(answer.chat_key, "chatcmpl-9");
    assert!(matches!(answer.check, AnswerCheck::Verified { .. }));
}

#[test]
fn an_answer_altered_after_signing_is_shown_unverified_and_says_so() {
    let mut provider = TestProvider::answering(events(&["Yes"], (4, 1)), 1000);
    provider.signs_instead = Some(events(&["No"], (4, 1)));
    let answer = ask(&provider).0.unwrap();
    let AnswerCheck::Unverified { reason } = &answer.check else { panic!("{:?}", answer.check) };
    assert!(reason.contains("altered on the way"), "{reason}");
    // The text is still the one received, and still costs what it cost.
    assert_eq!(answer.text, "Yes");
    assert_eq!(answer.cost, U256::from(4 * 2 + 5));
}

#[test]
fn a_signature_by_another_key_or_none_at_all_leaves_the_answer_unverified() {
    let mut provider = TestProvider::answering(events(&["Yes"], (4, 1)), 1000);
    provider.signer = SigningKey::from_slice(&[8u8; 32]).unwrap();
    let check = ask(&provider).0.unwrap().check;
    assert!(
        matches!(&check, AnswerCheck::Unverified { reason } if reason.contains("not by the provider's acknowledged signer")),
        "{check:?}"
    );

    let mut provider = TestProvider::answering(events(&["Yes"], (4, 1)), 1000);
    provider.signature_status = 404;
    let check = ask(&provider).0.unwrap().check;
    assert!(
        matches!(&check, AnswerCheck::Unverified { reason } if reason.contains("(404: ⟦chat not found⟧)")),
        "{check:?}"
    );
}

#[test]
fn an_answer_cut_before_done_is_an_error_that_says_how_much_arrived() {
    let full = events(&["Hello", " there"], (4, 2));
    let cut_at = full.len() - "data: [DONE]\n\n".len();
    let mut provider = TestProvider::answering(full[..cut_at].to_vec(), 30);
    let (answer, streamed) = ask(&provider);
    assert_eq!(
        answer,
        Err(ProviderError::StreamCut { received_chars: 11, reason: "the stream ended before [DONE]".into() })
    );
    assert_eq!(streamed.concat(), "Hello there");
    // Broken off by the network: the reason is the body's.
    provider.pieces.push(Err("the provider went silent for 20 s".into()));
    let (answer, _) = ask(&provider);
    assert_eq!(
        answer,
        Err(ProviderError::StreamCut { received_chars: 11, reason: "the provider went silent for 20 s".into() })
    );
    // Nothing is asked about an answer that did not arrive.
    assert!(provider.asked.borrow().is_empty());
}

#[test]
fn refusals_are_told_apart_in_the_providers_words() {
    let error = |status, body: &str| ask(&TestProvider::refusing(status, body)).0.unwrap_err();
    let body = |message: &str| format!(r#"{{"error":{{"message":"{message}"}}}}"#);
    // Quoted (⟦…⟧): the provider's words are never shown as the app's.
    assert_eq!(
        error(402, &body("insufficient balance")),
        ProviderError::InsufficientBalance("⟦insufficient balance⟧".into())
    );
    assert_eq!(error(401, &body("token expired")), ProviderError::Unauthorized("⟦token expired⟧".into()));
    assert!(matches!(error(503, &body("model is down")), ProviderError::ProviderDown { .. }));
    assert_eq!(error(500, "oops"), ProviderError::Refusal { status: 500, message: "⟦oops⟧".into() });
}

#[test]
fn an_error_answer_longer_than_a_short_one_is_not_read_whole() {
    let provider = TestProvider::refusing(500, &"x".repeat(MAX_SMALL_ANSWER + 1));
    let error = ask(&provider).0.unwrap_err();
    assert!(
        matches!(&error, ProviderError::ProviderDown { reason, .. } if reason.contains("more than 1 MiB")),
        "{error:?}"
    );
}

#[test]
fn a_stopped_answer_keeps_what_arrived_drops_the_request_and_asks_for_no_signature() {
    let full = events(&["Hello", " there"], (4, 2));
    let before_done = full.len() - "data: [DONE]\n\n".len();
    let mut provider = TestProvider::answering(full[..before_done].to_vec(), 30);
    provider.stalls = true;
    // Stop is pressed while the provider is still thinking.
    let (answer, streamed) = ask_until(&provider, futures::future::ready(()));
    assert_eq!(answer, Err(ProviderError::Stopped { received_chars: 11 }));
    assert_eq!(streamed.concat(), "Hello there");
    assert!(provider.body_dropped.get(), "the body is dropped, which aborts the browser's request");
    assert!(provider.asked.borrow().is_empty());
    // A stop that never comes leaves a whole answer alone.
    let provider = TestProvider::answering(full.clone(), 30);
    assert!(ask_until(&provider, futures::future::pending()).0.is_ok());
}
