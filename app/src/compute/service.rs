//! `ComputeService`: the provider registry, the user's ledger and sub-accounts, each read by
//! a verified call at the light client's tip; ledger transactions sent with
//! `ChainClient::transact` (a would-revert call is explained and nothing is sent), naming
//! the serving contract by the `fullName` the ledger's proven `getServiceInfo` gives;
//! funding refused below the locked reserve 0G's providers require (`contract::Reserve`);
//! chats over `fetch` whose signature is fetched by the `ZG-Res-Key` chat key (the
//! completion id only when the header is absent) and checked against the signer 0G's rule
//! picks from the proven registry (`answer::signing_address`). Never marks an answer
//! verified without that check, and says what it covered.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use k256::ecdsa::SigningKey;
use wasm_light_client::{CallOutcome, Verified};

use super::attestation::{Attestation, NotAttested, QuoteUnreadable};
use super::chat::Message;
use super::contract::{self, Account, Ledger, Refusal, Reserve, Service};
use super::exchange::{self, AnswerBody, Posted, ProviderHttp};
pub use super::exchange::{AnswerCheck, ChatAnswer, ProviderError};
use super::token;
use crate::chain::client::{ChainClient, ChainError, Inclusion};
use crate::platform::{BrowserClock, BrowserEntropy};
use zg_core::env::{Clock, Entropy};

/// How long a provider may stay silent: before its first byte, between two pieces of a
/// streamed answer, or when serving a signature.
pub const IDLE_TIMEOUT_MS: u32 = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputeError {
    #[error("this network has no 0G Compute contracts here; the local devnet deploys them")]
    NoContracts,
    #[error(transparent)]
    Chain(ChainError),
    /// The browser lacks something a request needs (randomness, aborting).
    #[error("{0}")]
    Unexpected(String),
    #[error("the contract would refuse this: {0}. Nothing was sent")]
    Refused(Refusal),
    #[error("not proven by the light client: {0}")]
    NotProven(String),
    /// Talking to a provider: it is down, silent, refuses, or answers badly.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("{offered} would leave this provider's sub-account short of what its requests need: {reserve}. Transfer at least {needed}. Nothing was sent")]
    BelowReserve { offered: String, needed: String, reserve: Box<Reserve> },
    #[error("the ledger names no service at the inference contract {0}; this network's compute contracts do not fit together")]
    NoServiceName(Address),
}

impl From<ChainError> for ComputeError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::WouldRevert(data) => {
                ComputeError::Refused(contract::refusal(&data).unwrap_or(Refusal::Data(data)))
            }
            ChainError::NotProven(why) => ComputeError::NotProven(why),
            other => ComputeError::Chain(other),
        }
    }
}

/// A proven value and the block it was proven at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtBlock<T> {
    pub value: T,
    pub block: u64,
}

pub struct ComputeService {
    chain: Rc<ChainClient>,
    ledger: Address,
    serving: Address,
    /// The serving contract's `fullName` in the ledger, once proven.
    service_name: std::cell::RefCell<Option<String>>,
}

impl ComputeService {
    pub fn new(chain: Rc<ChainClient>) -> Result<Self, ComputeError> {
        let c = &chain.network().contracts;
        let (Some(ledger), Some(serving)) = (c.ledger, c.inference_serving) else {
            return Err(ComputeError::NoContracts);
        };
        Ok(Self { chain, ledger, serving, service_name: Default::default() })
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

    /// The name `transferFund` and `retrieveFund` take for the inference contract: its
    /// `fullName` in the ledger's proven `getServiceInfo` (0G's SDK reads it the same way).
    pub async fn service_name(&self) -> Result<String, ComputeError> {
        if let Some(name) = self.service_name.borrow().clone() {
            return Ok(name);
        }
        let (out, _) = self.chain.read(self.ledger, contract::service_info_call(self.serving)).await?;
        let info = contract::decode_service_info(&out)
            .ok_or_else(|| ComputeError::NotProven("getServiceInfo did not decode".into()))?;
        if info.fullName.is_empty() || info.serviceAddress != self.serving {
            return Err(ComputeError::NoServiceName(self.serving));
        }
        *self.service_name.borrow_mut() = Some(info.fullName.clone());
        Ok(info.fullName)
    }

    /// The fees `provider` says `key`'s account owes it and it has not settled yet
    /// (`GET /v1/user/{address}/unsettledfee`, with a session token). Its word, not proven:
    /// `None` when it does not say (older brokers have no such endpoint).
    pub async fn unsettled_fee(&self, key: &SigningKey, service: &Service) -> Option<U256> {
        let me = crate::wallet::signer::address_of(key);
        let authorization = self.session_header(key, service.provider).await.ok()?;
        let base = service.url.trim_end_matches('/');
        let url = format!("{base}/v1/user/{}/unsettledfee", me.to_checksum(None));
        let (status, body) = BrowserHttp.get(&url, &[], Some(&authorization)).await.ok()?;
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Unsettled {
            unsettled_fee: String,
        }
        let parsed: Unsettled = serde_json::from_slice(&body).ok().filter(|_| status == 200)?;
        U256::from_str_radix(parsed.unsettled_fee.trim(), 10).ok()
    }

    /// The provider's TEE attestation: its `GET /v1/quote` (the same idle deadline and 1 MiB
    /// body cap as every short provider answer), verified by the verifiers module (`crate::verifiers::attest`) at
    /// `now_secs` against the signer the registry names. 0G's broker serves the quote without
    /// Intel's collateral and this app does not fetch collateral itself yet, so a real quote
    /// is reported as "collateral missing" unless the provider serves it beside the quote.
    pub async fn attestation(&self, service: &Service, now_secs: u64) -> Attestation {
        let base = service.url.trim_end_matches('/');
        let url = format!("{base}/v1/quote");
        match BrowserHttp.get(&url, &[], None).await {
            Err(e) => Attestation::NotAttested(NotAttested::Unreadable(QuoteUnreadable::Request(e))),
            Ok((404, _)) => Attestation::NotAttested(NotAttested::NoQuote),
            Ok((status, _)) if status != 200 => {
                Attestation::NotAttested(NotAttested::Unreadable(QuoteUnreadable::Status(status)))
            }
            Ok((_, body)) => crate::verifiers::attest(&body, now_secs, service.teeSignerAddress).await,
        }
    }

    /// Moves `amount` from the ledger into the sub-account with `provider`, refused (with
    /// nothing sent) when the sub-account would still be short of 0G's locked reserve:
    /// a budgeted request's fee + the unsettled fees the provider reports (believed up to
    /// the locked balance) + 1 0G.
    pub async fn fund_provider(
        &self,
        key: &SigningKey,
        provider: Address,
        amount: U256,
    ) -> Result<Inclusion, ComputeError> {
        let me = crate::wallet::signer::address_of(key);
        let service = self.service(provider).await?.value;
        let account = self.account(me, provider).await?.value;
        let claimed = self.unsettled_fee(key, &service).await.unwrap_or_default();
        let reserve = Reserve::for_service(&service, contract::believable_unsettled(claimed, account.as_ref()));
        let needed = reserve.top_up(account.as_ref());
        if amount < needed {
            return Err(ComputeError::BelowReserve {
                offered: crate::format::format_0g(amount),
                needed: crate::format::format_0g(needed),
                reserve: Box::new(reserve),
            });
        }
        let name = self.service_name().await?;
        Ok(self.chain.transact(key, self.ledger, U256::ZERO, contract::transfer_call(provider, &name, amount)).await?)
    }

    /// A fresh ephemeral session token for `provider`, carrying the sub-account's current
    /// generation (no sub-account: 0, the provider's to refuse).
    async fn session_header(&self, key: &SigningKey, provider: Address) -> Result<String, ComputeError> {
        let me = crate::wallet::signer::address_of(key);
        let generation = match self.account(me, provider).await?.value {
            Some(a) => u64::try_from(a.generation).unwrap_or(u64::MAX),
            None => 0,
        };
        let mut nonce = [0u8; 16];
        BrowserEntropy.fill(&mut nonce);
        let now_ms = i64::try_from(BrowserClock.now_ms()).unwrap_or(i64::MAX);
        Ok(token::session_header(key, provider, now_ms, generation, &hex::encode(nonce)))
    }

    /// Asks `provider` (as the proven registry describes it), streaming the answer's text
    /// to `on_text` as it arrives, then checks the signature over the whole exchange. An
    /// answer that does not arrive whole is an error (the provider charges nothing for it).
    /// `stop` resolving ends it early, aborting the request (`exchange::chat`).
    pub async fn chat(
        &self,
        key: &SigningKey,
        provider: Address,
        messages: &[Message],
        on_text: &dyn Fn(&str),
        stop: impl std::future::Future<Output = ()>,
    ) -> Result<ChatAnswer, ComputeError> {
        let _ = self.chain.sync().await;
        let service = self.service(provider).await?.value;
        // No sub-account is the provider's to refuse (402), with its own words.
        let authorization = self.session_header(key, provider).await?;
        Ok(exchange::chat(&BrowserHttp, &service, &authorization, messages, on_text, stop).await?)
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
        let name = self.service_name().await?;
        Ok(self.chain.transact(key, self.ledger, U256::ZERO, contract::retrieve_call(provider, &name)).await?)
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

/// A provider's HTTP in the browser: `fetch` with the idle watchdog on every request.
struct BrowserHttp;

impl ProviderHttp for BrowserHttp {
    type Body = StreamedBody;

    async fn post(
        &self,
        url: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Posted<StreamedBody>, ProviderError> {
        let watchdog = Watchdog::new(IDLE_TIMEOUT_MS)?;
        let mut request = gloo::net::http::Request::post(url).abort_signal(Some(&watchdog.signal()));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let request = request.body(body.to_string()).map_err(|e| ProviderError::Malformed(e.to_string()))?;
        let response = request.send().await.map_err(|e| watchdog.explain(provider_base(url), e.to_string()))?;
        let status = response.status();
        let res_key = response.headers().get("ZG-Res-Key");
        let reader = response.body().map(|body| {
            use wasm_bindgen::JsCast;
            body.get_reader().unchecked_into::<web_sys::ReadableStreamDefaultReader>()
        });
        Ok(Posted { status, res_key, body: StreamedBody { reader, watchdog } })
    }

    async fn get(
        &self,
        url: &str,
        query: &[(&str, &str)],
        authorization: Option<&str>,
    ) -> Result<(u16, Vec<u8>), ProviderError> {
        let watchdog = Watchdog::new(IDLE_TIMEOUT_MS)?;
        let base = provider_base(url);
        let mut request = gloo::net::http::Request::get(url).abort_signal(Some(&watchdog.signal()));
        if !query.is_empty() {
            request = request.query(query.iter().copied());
        }
        if let Some(authorization) = authorization {
            request = request.header("Authorization", authorization);
        }
        let response = request.send().await.map_err(|e| watchdog.explain(base, e.to_string()))?;
        let status = response.status();
        let bytes = read_small(response).await.map_err(|e| watchdog.explain(base, e))?;
        watchdog.stop();
        Ok((status, bytes))
    }
}

/// The provider's address in an endpoint's URL, for error text.
fn provider_base(url: &str) -> &str {
    url.split("/v1/").next().unwrap_or(url)
}

/// An answer's body as `fetch` streams it, the watchdog fed by each piece.
struct StreamedBody {
    reader: Option<web_sys::ReadableStreamDefaultReader>,
    watchdog: Watchdog,
}

impl AnswerBody for StreamedBody {
    async fn next(&mut self) -> Result<Option<Vec<u8>>, String> {
        let reader = self.reader.as_ref().ok_or("the answer has no body")?;
        self.watchdog.feed();
        let chunk = match wasm_bindgen_futures::JsFuture::from(reader.read()).await {
            Ok(chunk) => chunk,
            Err(_) if self.watchdog.fired() => {
                return Err(format!("the provider went silent for {} s", IDLE_TIMEOUT_MS / 1000))
            }
            Err(e) => return Err(format!("the connection failed: {}", js_error_text(&e))),
        };
        let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            self.watchdog.stop();
            return Ok(None);
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).unwrap_or_default();
        Ok(Some(js_sys::Uint8Array::new(&value).to_vec()))
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

/// A request whose future or body is dropped (the chat was stopped, or the page left) is
/// aborted, so the browser closes the connection; after an answer has ended, aborting
/// does nothing.
impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop();
        self.controller.abort();
    }
}

impl Watchdog {
    fn new(ms: u32) -> Result<Self, ProviderError> {
        let controller =
            web_sys::AbortController::new().map_err(|_| ProviderError::Unsupported("no AbortController".into()))?;
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
    fn explain(&self, base: &str, reason: String) -> ProviderError {
        if self.fired() {
            ProviderError::Timeout(self.ms / 1000)
        } else {
            ProviderError::ProviderDown { url: base.into(), reason }
        }
    }
}

/// A body that should be small (an error, a signature, a quote), read only up to 1 MiB:
/// a provider's word must not size what the page holds.
async fn read_small(response: gloo::net::http::Response) -> Result<Vec<u8>, String> {
    use zg_light_client_js::body::{read_capped, BodyError};
    let raw: web_sys::Response = response.into();
    read_capped(raw.as_ref(), exchange::MAX_SMALL_ANSWER).await.map_err(|e| match e {
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
