//! `ComputeService`: the provider registry, the user's ledger and sub-accounts, each read by
//! a verified call at the light client's tip; ledger transactions sent with
//! `ChainClient::transact` (a would-revert call is explained and nothing is sent); chats
//! over `fetch` with the answer's signature checked against the signer the proven registry
//! acknowledges. Never marks an answer verified without that check.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use k256::ecdsa::SigningKey;
use wasm_light_client::{CallOutcome, Verified};

use super::answer;
use super::chat::{self, Message};
use super::contract::{self, Account, Ledger, Service};
use super::token;
use crate::chain::client::{ChainClient, ChainError, Inclusion};

/// How long a provider may take to answer (or to serve a signature).
pub const CHAT_TIMEOUT_MS: u32 = 60_000;

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
    #[error("the provider did not answer within {0} s; try again later")]
    Timeout(u32),
    #[error("the provider refused the session token: {0}")]
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

    /// Asks `provider` (as the proven registry describes it) and checks the signed answer.
    pub async fn chat(
        &self,
        key: &SigningKey,
        provider: Address,
        messages: &[Message],
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
        let (status, response) = http(&url, Some((&authorization, &body))).await?;
        if status != 200 {
            let message = chat::error_message(&response)
                .unwrap_or_else(|| String::from_utf8_lossy(&response).chars().take(200).collect());
            return Err(match status {
                401 => ComputeError::Unauthorized(message),
                402 => ComputeError::InsufficientBalance(message),
                503 if message.contains("down") => ComputeError::ProviderDown { url: base, reason: message },
                _ => ComputeError::Refusal { status, message },
            });
        }
        let completion = chat::parse_completion(&response).map_err(ComputeError::Malformed)?;
        let cost = contract::fee(&service, completion.prompt_tokens, completion.completion_tokens);
        let check = match http(&format!("{base}/v1/proxy/signature/{}", completion.id), None).await {
            Ok((200, sig)) => check_signature(body.as_bytes(), &response, &sig, &service),
            Ok((status, other)) => AnswerCheck::Unverified {
                reason: format!(
                    "the provider served no signature ({status}: {})",
                    chat::error_message(&other).unwrap_or_default()
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

/// One HTTP exchange with a deadline: POST `(authorization, json)` or GET. Returns the
/// status and the exact body bytes.
async fn http(url: &str, post: Option<(&str, &str)>) -> Result<(u16, Vec<u8>), ComputeError> {
    let controller = web_sys::AbortController::new().map_err(|_| ComputeError::Chain("no AbortController".into()))?;
    let signal = controller.signal();
    let timed_out = Rc::new(std::cell::Cell::new(false));
    let flag = timed_out.clone();
    let _timer = gloo::timers::callback::Timeout::new(CHAT_TIMEOUT_MS, move || {
        flag.set(true);
        controller.abort();
    });
    let down = |e: gloo::net::Error| {
        if timed_out.get() {
            ComputeError::Timeout(CHAT_TIMEOUT_MS / 1000)
        } else {
            ComputeError::ProviderDown { url: url.split("/v1/").next().unwrap_or(url).into(), reason: e.to_string() }
        }
    };
    let request = match post {
        Some((authorization, json)) => gloo::net::http::Request::post(url)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .abort_signal(Some(&signal))
            .body(json.to_string())
            .map_err(|e| ComputeError::Malformed(e.to_string()))?,
        None => gloo::net::http::Request::get(url)
            .abort_signal(Some(&signal))
            .build()
            .map_err(|e| ComputeError::Malformed(e.to_string()))?,
    };
    let response = request.send().await.map_err(down)?;
    let status = response.status();
    let bytes = response.binary().await.map_err(down)?;
    Ok((status, bytes))
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
        Ok(Overview { providers, ledger: ledger.value, block: services.block.max(ledger.block) })
    }
}
