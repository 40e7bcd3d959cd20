//! `ComputeService`: the provider registry, the user's ledger and sub-accounts, each read by
//! a verified call at the light client's tip; ledger transactions sent with
//! `ChainClient::transact` (a would-revert call is explained and nothing is sent); chats
//! over `fetch` with the answer's signature checked against the signer the proven registry
//! acknowledges. Never marks an answer verified without that check.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use k256::ecdsa::SigningKey;
use wasm_light_client::jsonrpc::quote_node_words;
use wasm_light_client::{CallOutcome, Verified};

use super::answer;
use super::chat::{self, Message};
use super::contract::{self, Account, Ledger, Service};
use super::token;
use crate::chain::client::{ChainClient, ChainError, Inclusion};

/// How long a provider may stay silent: before its first byte, between two pieces of a
/// streamed answer, or when serving a signature.
pub const IDLE_TIMEOUT_MS: u32 = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputeError {
    #[error("this network has no 0G Compute contracts here; the local devnet deploys them")]
    NoContracts,
    #[error("{0}")]
    Chain(String),
    #[error("the contract would refuse this: {0}. Nothing was sent")]
    Refused(String),
    #[error("not proven by the light client: {0}")]
    NotProven(String),
    #[error("the provider at {url} did not answer ({reason}); it may be down, try again later")]
    ProviderDown { url: String, reason: String },
    #[error("the provider sent nothing for {0} s, so the app gave up; nothing is charged for an answer that did not arrive. Try again later")]
    Timeout(u32),
    #[error("the answer was cut off after {received_chars} characters ({reason}); nothing is charged for an answer that did not arrive whole. Ask again")]
    StreamCut { received_chars: usize, reason: String },
    #[error("the provider refused the session token: {0}. A fresh token is made for each message; if it says expired, check this computer's clock")]
    Unauthorized(String),
    #[error("your sub-account with this provider cannot pay for this answer: fund the provider first (Compute page → Fund provider). The provider said: {0}")]
    InsufficientBalance(String),
    #[error("the provider refused the request ({status}): {message}")]
    Refusal { status: u16, message: String },
    #[error("the provider's answer is malformed: {0}")]
    Malformed(String),
}

impl From<ChainError> for ComputeError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::WouldRevert(data) => ComputeError::Refused(
                contract::explain_revert(&data).unwrap_or_else(|| format!("revert data 0x{}", hex::encode(&data))),
            ),
            ChainError::NotProven(why) => ComputeError::NotProven(why),
            other => ComputeError::Chain(other.to_string()),
        }
    }
}

/// A proven value and the block it was proven at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtBlock<T> {
    pub value: T,
    pub block: u64,
}

/// Whether an answer's signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerCheck {
    /// Signed by the registry's acknowledged signer over our own request and answer bytes.
    Verified {
        signer: Address,
    },
    Unverified {
        reason: String,
    },
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
}

pub struct ComputeService {
    chain: Rc<ChainClient>,
    ledger: Address,
    serving: Address,
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

impl ComputeService {
    pub fn new(chain: Rc<ChainClient>) -> Result<Self, ComputeError> {
        let c = &chain.network().contracts;
        let (Some(ledger), Some(serving)) = (c.ledger, c.inference_serving) else {
            return Err(ComputeError::NoContracts);
        };
        Ok(Self { chain, ledger, serving })
    }

    /// A read that may revert with "not exists" (→ `None`).
    async fn read_optional<T>(
        &self,
        to: Address,
        data: Bytes,
        decode: fn(&[u8]) -> Option<T>,
        what: &str,
    ) -> Result<AtBlock<Option<T>>, ComputeError> {
        match self.chain.call(to, data).await {
            Verified::Proven { value: CallOutcome::Success(out), block } => {
                let value = decode(&out).ok_or_else(|| ComputeError::NotProven(format!("{what} did not decode")))?;
                Ok(AtBlock { value: Some(value), block })
            }
            Verified::Proven { value: CallOutcome::Revert(data), block } if contract::is_missing(&data) => {
                Ok(AtBlock { value: None, block })
            }
            Verified::Proven { value: CallOutcome::Revert(data), .. } => Err(ComputeError::NotProven(format!(
                "{what} reverted: {}",
                contract::explain_revert(&data).unwrap_or_else(|| "no reason given".into())
            ))),
            Verified::Proven { value: CallOutcome::Halt(why), .. } => {
                Err(ComputeError::NotProven(format!("{what} halted: {why}")))
            }
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => Err(ComputeError::NotProven(reason)),
        }
    }

    /// Every registered provider, proven.
    pub async fn services(&self) -> Result<AtBlock<Vec<Service>>, ComputeError> {
        self.chain.sync().await?;
        let (out, block) = self.chain.read(self.serving, contract::all_services_call(0, contract::MAX_PAGE)).await?;
        let (services, _) = contract::decode_all_services(&out)
            .ok_or_else(|| ComputeError::NotProven("getAllServices did not decode".into()))?;
        Ok(AtBlock { value: services, block })
    }

    pub async fn service(&self, provider: Address) -> Result<AtBlock<Service>, ComputeError> {
        let (out, block) = self.chain.read(self.serving, contract::service_call(provider)).await?;
        let value = contract::decode_service(&out)
            .ok_or_else(|| ComputeError::NotProven("getService did not decode".into()))?;
        Ok(AtBlock { value, block })
    }

    pub async fn ledger(&self, user: Address) -> Result<AtBlock<Option<Ledger>>, ComputeError> {
        self.read_optional(self.ledger, contract::ledger_call(user), contract::decode_ledger, "getLedger").await
    }

    pub async fn account(&self, user: Address, provider: Address) -> Result<AtBlock<Option<Account>>, ComputeError> {
        self.read_optional(self.serving, contract::account_call(user, provider), contract::decode_account, "getAccount")
            .await
    }

    /// Opens the ledger with a first deposit (at least 3 0G).
    pub async fn create_ledger(&self, key: &SigningKey, amount: U256) -> Result<Inclusion, ComputeError> {
        Ok(self.chain.transact(key, self.ledger, amount, contract::add_ledger_call()).await?)
    }

    pub async fn deposit(&self, key: &SigningKey, amount: U256) -> Result<Inclusion, ComputeError> {
        Ok(self.chain.transact(key, self.ledger, amount, contract::deposit_call()).await?)
    }

    /// Moves `amount` from the ledger into the sub-account with `provider`.
    pub async fn fund_provider(
        &self,
        key: &SigningKey,
        provider: Address,
        amount: U256,
    ) -> Result<Inclusion, ComputeError> {
        Ok(self.chain.transact(key, self.ledger, U256::ZERO, contract::transfer_call(provider, amount)).await?)
    }

    /// Asks `provider` (as the proven registry describes it), streaming the answer's text
    /// to `on_text` as it arrives, then checks the signature over the whole exchange. An
    /// answer that does not arrive whole is an error (the provider charges nothing for it).
    pub async fn chat(
        &self,
        key: &SigningKey,
        provider: Address,
        messages: &[Message],
        on_text: &dyn Fn(&str),
    ) -> Result<ChatAnswer, ComputeError> {
        let _ = self.chain.sync().await;
        let service = self.service(provider).await?.value;
        let me = crate::wallet::signer::address_of(key);
        // The token must carry the sub-account's current generation; no sub-account is
        // the provider's to refuse (402), with its own words.
        let generation = match self.account(me, provider).await?.value {
            Some(a) => u64::try_from(a.generation).unwrap_or(u64::MAX),
            None => 0,
        };
        let mut nonce = [0u8; 16];
        getrandom::getrandom(&mut nonce).map_err(|e| ComputeError::Chain(format!("no randomness: {e}")))?;
        let authorization = token::session_header(key, provider, now_ms(), generation, &hex::encode(nonce));
        let body = chat::request_body(&service.model, messages);
        let base = service.url.trim_end_matches('/').to_string();
        let url = format!("{base}/v1/proxy/chat/completions");

        let watchdog = Watchdog::new(IDLE_TIMEOUT_MS)?;
        let request = gloo::net::http::Request::post(&url)
            .header("Authorization", &authorization)
            .header("Content-Type", "application/json")
            .abort_signal(Some(&watchdog.signal()))
            .body(body.clone())
            .map_err(|e| ComputeError::Malformed(e.to_string()))?;
        let response = request.send().await.map_err(|e| watchdog.explain(&base, e.to_string()))?;
        let status = response.status();
        if status != 200 {
            let response = read_small(response).await.map_err(|e| watchdog.explain(&base, e))?;
            let message = quote_node_words(
                &chat::error_message(&response).unwrap_or_else(|| String::from_utf8_lossy(&response).into_owned()),
            );
            return Err(match status {
                401 => ComputeError::Unauthorized(message),
                402 => ComputeError::InsufficientBalance(message),
                503 if message.contains("down") => ComputeError::ProviderDown { url: base, reason: message },
                _ => ComputeError::Refusal { status, message },
            });
        }
        let stream = read_stream(&response, &watchdog, on_text).await?;
        let completion = stream.finish().map_err(|cut| ComputeError::StreamCut {
            received_chars: cut.received.chars().count(),
            reason: "the stream ended before [DONE]".into(),
        })?;
        let cost = contract::fee(&service, completion.prompt_tokens, completion.completion_tokens);
        let check = match http_get(&format!("{base}/v1/proxy/signature/{}", completion.id)).await {
            Ok((200, sig)) => check_signature(body.as_bytes(), stream.body(), &sig, &service),
            Ok((status, other)) => AnswerCheck::Unverified {
                reason: format!(
                    "the provider served no signature ({status}: {})",
                    quote_node_words(&chat::error_message(&other).unwrap_or_default())
                ),
            },
            Err(e) => AnswerCheck::Unverified { reason: format!("could not fetch the signature: {e}") },
        };
        Ok(ChatAnswer {
            text: completion.text,
            prompt_tokens: completion.prompt_tokens,
            completion_tokens: completion.completion_tokens,
            cost,
            check,
            chat_id: completion.id,
        })
    }

    /// The serving contract's refund lock time, in seconds, proven.
    pub async fn lock_time(&self) -> Result<u64, ComputeError> {
        let (out, _) = self.chain.read(self.serving, contract::lock_time_call()).await?;
        let lock = contract::decode_lock_time(&out)
            .ok_or_else(|| ComputeError::NotProven("lockTime did not decode".into()))?;
        Ok(u64::try_from(lock).unwrap_or(u64::MAX))
    }

    /// Asks for the sub-account's balance with `provider` back, and moves refunds whose
    /// lock time has passed into the ledger (0G's `retrieveFund`).
    pub async fn retrieve(&self, key: &SigningKey, provider: Address) -> Result<Inclusion, ComputeError> {
        Ok(self.chain.transact(key, self.ledger, U256::ZERO, contract::retrieve_call(provider)).await?)
    }

    /// Pays `amount` of the ledger's available balance back to the wallet.
    pub async fn withdraw(&self, key: &SigningKey, amount: U256) -> Result<Inclusion, ComputeError> {
        Ok(self.chain.transact(key, self.ledger, U256::ZERO, contract::refund_call(amount)).await?)
    }

    /// Makes every session token issued so far for `provider` worthless (a leaked token
    /// can no longer spend the sub-account); the next message gets a token of the new
    /// generation.
    pub async fn revoke_tokens(&self, key: &SigningKey, provider: Address) -> Result<Inclusion, ComputeError> {
        Ok(self.chain.transact(key, self.serving, U256::ZERO, contract::revoke_all_tokens_call(provider)).await?)
    }
}

/// Reads a streamed answer's body to its end, passing new text on as it forms.
async fn read_stream(
    response: &gloo::net::http::Response,
    watchdog: &Watchdog,
    on_text: &dyn Fn(&str),
) -> Result<chat::StreamReader, ComputeError> {
    use wasm_bindgen::JsCast;
    let mut stream = chat::StreamReader::default();
    let body = response.body().ok_or_else(|| ComputeError::Malformed("the answer has no body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        watchdog.feed();
        let read = wasm_bindgen_futures::JsFuture::from(reader.read()).await;
        let chunk = match read {
            Ok(chunk) => chunk,
            Err(_) if watchdog.fired() => {
                return Err(ComputeError::StreamCut {
                    received_chars: stream.text().chars().count(),
                    reason: format!("the provider went silent for {} s", IDLE_TIMEOUT_MS / 1000),
                });
            }
            Err(e) => {
                return Err(ComputeError::StreamCut {
                    received_chars: stream.text().chars().count(),
                    reason: format!("the connection failed: {}", js_error_text(&e)),
                })
            }
        };
        let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            watchdog.stop();
            return Ok(stream);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).unwrap_or_default();
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        let text = stream.push(&bytes).map_err(ComputeError::Malformed)?;
        if !text.is_empty() {
            on_text(&text);
        }
    }
}

fn js_error_text(e: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "network error".into())
}

/// Aborts a request when the provider stays silent for `ms`: armed by `feed` each time
/// bytes arrive.
struct Watchdog {
    controller: web_sys::AbortController,
    timer: std::cell::RefCell<Option<gloo::timers::callback::Timeout>>,
    fired: Rc<std::cell::Cell<bool>>,
    ms: u32,
}

impl Watchdog {
    fn new(ms: u32) -> Result<Self, ComputeError> {
        let controller =
            web_sys::AbortController::new().map_err(|_| ComputeError::Chain("no AbortController".into()))?;
        let watchdog = Self { controller, timer: Default::default(), fired: Default::default(), ms };
        watchdog.feed();
        Ok(watchdog)
    }

    fn signal(&self) -> web_sys::AbortSignal {
        self.controller.signal()
    }

    fn feed(&self) {
        let (controller, fired) = (self.controller.clone(), self.fired.clone());
        // Replacing the old timeout cancels it.
        *self.timer.borrow_mut() = Some(gloo::timers::callback::Timeout::new(self.ms, move || {
            fired.set(true);
            controller.abort();
        }));
    }

    fn stop(&self) {
        self.timer.borrow_mut().take();
    }

    fn fired(&self) -> bool {
        self.fired.get()
    }

    /// A failed request: timed out, or the provider is unreachable.
    fn explain(&self, base: &str, reason: String) -> ComputeError {
        if self.fired() {
            ComputeError::Timeout(self.ms / 1000)
        } else {
            ComputeError::ProviderDown { url: base.into(), reason }
        }
    }
}

fn check_signature(request: &[u8], response: &[u8], body: &[u8], service: &Service) -> AnswerCheck {
    #[derive(serde::Deserialize)]
    struct Signed {
        text: String,
        signature: String,
    }
    let Ok(signed) = serde_json::from_slice::<Signed>(body) else {
        return AnswerCheck::Unverified { reason: "the signature response is malformed".into() };
    };
    match answer::verify(
        request,
        response,
        &signed.text,
        &signed.signature,
        service.teeSignerAddress,
        service.teeSignerAcknowledged,
    ) {
        Ok(()) => AnswerCheck::Verified { signer: service.teeSignerAddress },
        Err(e) => AnswerCheck::Unverified { reason: e.to_string() },
    }
}

/// A GET with the idle deadline. Returns the status and the exact body bytes.
async fn http_get(url: &str) -> Result<(u16, Vec<u8>), ComputeError> {
    let watchdog = Watchdog::new(IDLE_TIMEOUT_MS)?;
    let base = url.split("/v1/").next().unwrap_or(url);
    let response = gloo::net::http::Request::get(url)
        .abort_signal(Some(&watchdog.signal()))
        .send()
        .await
        .map_err(|e| watchdog.explain(base, e.to_string()))?;
    let status = response.status();
    let bytes = read_small(response).await.map_err(|e| watchdog.explain(base, e))?;
    watchdog.stop();
    Ok((status, bytes))
}

/// A body that should be small (an error, a signature, a quote), read only up to 1 MiB:
/// a provider's word must not size what the page holds.
async fn read_small(response: gloo::net::http::Response) -> Result<Vec<u8>, String> {
    use wasm_light_client::body::{read_capped, BodyError};
    let raw: web_sys::Response = response.into();
    read_capped(raw.as_ref(), 1 << 20).await.map_err(|e| match e {
        BodyError::TooLarge => "sent more than 1 MiB where a short answer was due".to_string(),
        BodyError::Failed(why) => why,
    })
}

/// One provider as the Compute page shows it: its proven service and the user's
/// sub-account with it (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderView {
    pub service: Service,
    pub account: Option<Account>,
}

/// Everything the Compute page shows, proven at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub providers: Vec<ProviderView>,
    pub ledger: Option<Ledger>,
    pub block: u64,
    /// Seconds a requested refund stays locked in the serving contract.
    pub lock_time: u64,
    /// The verified tip's timestamp: the clock refunds unlock by.
    pub now: u64,
}

impl ComputeService {
    pub async fn overview(&self, me: Address) -> Result<Overview, ComputeError> {
        let services = self.services().await?;
        let ledger = self.ledger(me).await?;
        let mut providers = Vec::new();
        for service in services.value {
            let account = self.account(me, service.provider).await?.value;
            providers.push(ProviderView { service, account });
        }
        let lock_time = self.lock_time().await?;
        let now = self.chain.tip().map(|t| t.header.timestamp).unwrap_or_default();
        Ok(Overview { providers, ledger: ledger.value, block: services.block.max(ledger.block), lock_time, now })
    }
}
