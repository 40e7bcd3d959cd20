//! zg-compute-provider: a 0G Compute inference provider for the devnet.
//!
//! Owns the command line, start-up (the TEE signer key, the port, registering the service
//! in `InferenceServing` with the provider's stake, the ready line), the HTTP side of 0G's
//! provider API and the settlement loop:
//! - `POST /v1/proxy/chat/completions` — OpenAI-compatible, streaming or not (`chat.rs`),
//!   authenticated by 0G's `app-sk-` session tokens (`auth.rs`), paid from the user's
//!   sub-account (`billing.rs`), answered by SmolLM2-135M-Instruct (`zg_llm`);
//! - `GET /v1/proxy/signature/{chatKey}?model=…` — `{text, signature, signing_address,
//!   signing_algo}` for a completed answer (`signer.rs`), filed as 0G's broker files it:
//!   under the chat key, a uuid sent in the answer's `ZG-Res-Key` header (the answer's
//!   `id` is `chatcmpl-<chat key>`, as 0G's broker rewrites it; the id itself finds nothing);
//! - `GET /v1/models` (`{object: "list", data}`, what 0G's SDK `getProviderModels` reads),
//!   `GET /v1/user/{address}/unsettledfee` (0G's broker: the token's own user only,
//!   `{userAddress, unsettledFee}`), `GET /v1/quote` and `GET /v1/proxy/attestation/report`
//!   (no TEE here: both say so and carry no quote and no `report_data`, so nothing can
//!   mistake the devnet for attested);
//! - `POST /__admin/settle`, `GET /__admin/state`, `POST /__admin/fault` — devnet-only
//!   controls for tests (settle now; make the provider down or slow).
//!
//! An answer is charged only once it was completely written to the client; its fee is
//! settled on chain with `settleFeesWithTEE` every `--settle-interval` seconds, or when
//! asked. The provider never answers with text it did not generate.

mod auth;
mod billing;
mod chain;
mod chat;
mod signer;

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use alloy_primitives::{Address, U256};
use devnet::cli::{self, Long, Short};
use devnet::serve::{Method, Request, Response, Server};
use serde_json::{json, Value};

use crate::billing::{Billing, Prices};
use crate::chain::{abi, Chain, ChainError};
use crate::signer::TeeSigner;

const MAX_BODY: usize = 1024 * 1024;
/// Answers whose signatures are kept for `GET /v1/proxy/signature/{chatId}`.
const SIGNATURES_KEPT: usize = 10_000;
/// The stake `addOrUpdateService` takes on first registration (0G's `MIN_PROVIDER_STAKE`).
const STAKE_WEI: u128 = 100_000_000_000_000_000_000;
const SERVICE_TYPE: &str = "chatbot";
const VERIFIABILITY: &str = "TeeML";
/// 0G's SDK parses `additionalInfo` as JSON (`ProviderType`, `TargetSeparated`,
/// `TargetTeeAddress`): the model runs inside this process, so the broker's own signer signs.
const ADDITIONAL_INFO: &str = r#"{"TargetSeparated":false,"devnet":"zg-devnet provider: real inference on a small model; no TEE, the signer key is kept on disk"}"#;

#[derive(Debug, thiserror::Error)]
enum ProviderError {
    #[error("{0}\nRun `zg-compute-provider --help` for the options.")]
    Usage(String),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("the TEE signer key at {path}: {source}")]
    SignerKey { path: PathBuf, source: std::io::Error },
    #[error("could not listen on 127.0.0.1:{port}: {reason}. Pick another --port, or --port 0 for any free one")]
    Bind { port: u16, reason: String },
    #[error("could not install the signal handler: {0}")]
    Signals(#[from] ctrlc::Error),
}

struct Args {
    rpc: String,
    serving: Address,
    provider: Address,
    data_dir: PathBuf,
    port: u16,
    input_price: u128,
    output_price: u128,
    settle_interval: Duration,
}

const HELP: &str = "zg-compute-provider — a 0G Compute inference provider, for zg-devnet

Registers (or updates) its service in the InferenceServing contract from the provider
address (which the EVM node must hold unlocked: an anvil dev account), with a TEE signer
key kept in --data-dir, then serves 0G's provider API on 127.0.0.1: OpenAI-compatible
POST /v1/proxy/chat/completions (streaming with server-sent events) for holders of a
funded sub-account and a valid `app-sk-` session token, and GET /v1/proxy/signature/ID.
Fees are settled on chain with settleFeesWithTEE.

USAGE: zg-compute-provider --rpc URL --serving ADDRESS --provider ADDRESS --data-dir DIR [OPTIONS]

OPTIONS:
  --rpc URL               the EVM node's JSON-RPC (zg-devnet's rpcUrl)
  --serving ADDRESS       the InferenceServing contract
  --provider ADDRESS      the provider's account (unlocked in the node)
  --data-dir DIR          where the TEE signer key is kept (created if missing)
  --port N                HTTP port on 127.0.0.1, 0 = any free port [default: 0]
  --input-price WEI       price per prompt token [default: 1000000000000]
  --output-price WEI      price per answer token [default: 2000000000000]
  --settle-interval SECS  how often owed fees are settled on chain [default: 30]
  -h, --help              print this help

When serving it prints one line
`ZG_COMPUTE_PROVIDER_READY {\"url\", \"address\", \"model\", \"signer\"}`.
SIGINT or SIGTERM stops it.
";

fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, ProviderError> {
    read_args(raw).map_err(ProviderError::Usage)
}

fn read_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let (mut rpc, mut serving, mut provider, mut data_dir) = (None, None, None, None);
    let (mut port, mut input_price, mut output_price, mut settle_secs) =
        (0u16, 1_000_000_000_000u128, 2_000_000_000_000u128, 30u64);
    let mut parser = cli::Parser::from_args(raw);
    while let Some(arg) = cli::next(&mut parser)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("rpc") => rpc = Some(cli::text(&mut parser, "--rpc")?),
            Long("serving") => {
                serving = Some(cli::value::<Address>(&mut parser, "--serving", "a 0x… contract address")?)
            }
            Long("provider") => provider = Some(cli::value::<Address>(&mut parser, "--provider", "a 0x… address")?),
            Long("data-dir") => data_dir = Some(PathBuf::from(cli::text(&mut parser, "--data-dir")?)),
            Long("port") => port = cli::value(&mut parser, "--port", "a port number 0-65535 (0 = any free port)")?,
            Long("input-price") => input_price = cli::value(&mut parser, "--input-price", "a whole number of wei")?,
            Long("output-price") => output_price = cli::value(&mut parser, "--output-price", "a whole number of wei")?,
            Long("settle-interval") => {
                settle_secs = cli::value(&mut parser, "--settle-interval", "a positive number of seconds")?;
                if settle_secs == 0 {
                    return Err("--settle-interval \"0\": expected a positive number of seconds".into());
                }
            }
            other => return Err(cli::unexpected(other)),
        }
    }
    Ok(Some(Args {
        rpc: cli::required(rpc, "--rpc")?,
        serving: cli::required(serving, "--serving")?,
        provider: cli::required(provider, "--provider")?,
        data_dir: cli::required(data_dir, "--data-dir")?,
        port,
        input_price,
        output_price,
        settle_interval: Duration::from_secs(settle_secs),
    }))
}

/// The model, loaded on the first chat and kept: a devnet that never chats (most tests)
/// never pays the second and the few hundred megabytes it takes; chats that arrive while it
/// loads wait for that one load.
#[derive(Default)]
struct ModelSlot(std::sync::OnceLock<Result<Arc<zg_llm::SmolLm>, String>>);

impl ModelSlot {
    fn get(&self) -> Result<Arc<zg_llm::SmolLm>, String> {
        self.0
            .get_or_init(|| {
                let loaded = zg_llm::weights::smollm2()
                    .read()
                    .and_then(|bytes| zg_llm::SmolLm::from_bytes(&bytes))
                    .map(Arc::new)
                    .map_err(|e| format!("the model is not available: {e}"));
                if let Err(e) = &loaded {
                    eprintln!("zg-compute-provider: {e}");
                }
                loaded
            })
            .clone()
    }
}

/// Devnet fault injection (`POST /__admin/fault`).
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", default)]
struct Faults {
    /// Every proxy request answers 503.
    down: bool,
    /// Milliseconds before an answer starts.
    stall_ms: u64,
    /// Milliseconds added after each generated piece.
    delay_ms: u64,
    /// Streamed answers drop the connection after this many pieces (0: never), the way
    /// a failing network cuts them.
    cut_after_pieces: u64,
}

/// Chat id → (signed text, signature), and the ids oldest first for eviction.
type Signatures = (HashMap<String, (String, String)>, VecDeque<String>);

struct Provider {
    chain: Chain,
    chain_id: u64,
    url: String,
    signer: TeeSigner,
    model: ModelSlot,
    prices: Prices,
    billing: Mutex<Billing>,
    signatures: Mutex<Signatures>,
    faults: Mutex<Faults>,
    settling: Mutex<()>,
    answers: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

fn run(args: Args) -> Result<(), ProviderError> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))?;

    let chain = Chain::new(&args.rpc, args.serving, args.provider);
    let chain_id = chain.chain_id()?;
    std::fs::create_dir_all(&args.data_dir)
        .map_err(|source| ProviderError::SignerKey { path: args.data_dir.clone(), source })?;
    let key_path = args.data_dir.join("tee-signer.key");
    let signer =
        TeeSigner::load_or_create(&key_path).map_err(|source| ProviderError::SignerKey { path: key_path, source })?;

    let bind_error = |e: std::io::Error| ProviderError::Bind { port: args.port, reason: e.to_string() };
    let server = Server::bind(("127.0.0.1", args.port)).map_err(bind_error)?.max_body(MAX_BODY);
    let url = format!("http://{}", server.addr());
    let params = abi::ServiceParams {
        serviceType: SERVICE_TYPE.into(),
        url: url.clone(),
        model: zg_llm::MODEL_NAME.into(),
        verifiability: VERIFIABILITY.into(),
        inputPrice: U256::from(args.input_price),
        outputPrice: U256::from(args.output_price),
        additionalInfo: ADDITIONAL_INFO.into(),
        teeSignerAddress: signer.address,
    };
    chain.register(params, U256::from(STAKE_WEI))?;

    let provider = Arc::new(Provider {
        chain,
        chain_id,
        url: url.clone(),
        prices: Prices { input: args.input_price, output: args.output_price },
        signer,
        model: ModelSlot::default(),
        billing: Mutex::new(Billing::default()),
        signatures: Mutex::new((HashMap::new(), VecDeque::new())),
        faults: Mutex::new(Faults::default()),
        settling: Mutex::new(()),
        answers: AtomicU64::new(0),
    });
    let serving = {
        let provider = provider.clone();
        server.serve(move |request| handle(request, &provider)).map_err(bind_error)?
    };

    let ready = json!({
        "url": url, "address": provider.chain.provider, "model": zg_llm::MODEL_NAME,
        "signer": provider.signer.address,
    });
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "zg-compute-provider: serving {url} for provider {}", provider.chain.provider);
    let _ = writeln!(out, "ZG_COMPUTE_PROVIDER_READY {ready}");
    let _ = out.flush();
    drop(out);

    let mut next_settlement = Instant::now() + args.settle_interval;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        if Instant::now() >= next_settlement {
            next_settlement = Instant::now() + args.settle_interval;
            if let Err(e) = provider.settle() {
                eprintln!("zg-compute-provider: settlement failed, retrying later: {e}");
            }
        }
    }
    serving.stop();
    Ok(())
}

const STATUS_NAMES: [&str; 6] =
    ["SUCCESS", "PARTIAL", "PROVIDER_MISMATCH", "NO_TEE_SIGNER", "INVALID_NONCE", "INVALID_SIGNATURE"];

impl Provider {
    /// Settles every owed fee now, in batches of up to 50 users; returns one entry per
    /// user tried.
    fn settle(&self) -> Result<Vec<Value>, ChainError> {
        let _one_at_a_time = lock(&self.settling);
        let due = lock(&self.billing).snapshot();
        let mut report = Vec::new();
        for batch in due.chunks(50) {
            let mut entries = Vec::new();
            let mut sent = Vec::new();
            for d in batch {
                let account = match self.chain.account(d.user) {
                    Ok(account) => account,
                    Err(e) if e.is_missing_account() => {
                        // The sub-account is gone (the user withdrew everything): nothing to take.
                        lock(&self.billing).settled(d);
                        report.push(json!({"user": d.user, "amount": d.amount.to_string(), "status": "NO_ACCOUNT"}));
                        continue;
                    }
                    Err(e) => return Err(e),
                };
                let settlement = abi::TEESettlement {
                    requestsHash: d.requests_hash,
                    nonce: account.nonce + U256::from(1),
                    provider: self.chain.provider,
                    user: d.user,
                    totalFee: U256::from(d.amount),
                };
                let signature = self.signer.sign_settlement(self.chain_id, self.chain.serving, &settlement);
                entries.push(abi::TEESettlementData {
                    user: d.user,
                    provider: self.chain.provider,
                    totalFee: settlement.totalFee,
                    requestsHash: settlement.requestsHash,
                    nonce: settlement.nonce,
                    signature,
                });
                sent.push(d.clone());
            }
            if entries.is_empty() {
                continue;
            }
            let results = self.chain.settle(entries)?;
            for (d, (_, status, unsettled)) in sent.iter().zip(results) {
                // Paid in full or in part: done (a partial remainder is more than the
                // sub-account holds). Otherwise keep it for the next round.
                if status <= 1 {
                    lock(&self.billing).settled(d);
                }
                report.push(json!({
                    "user": d.user, "amount": d.amount.to_string(), "answers": d.answers,
                    "status": STATUS_NAMES.get(usize::from(status)).copied().unwrap_or("UNKNOWN"),
                    "unsettled": unsettled.to_string(),
                }));
            }
        }
        Ok(report)
    }

    fn store_signature(&self, id: &str, text: String, signature: String) {
        let mut kept = lock(&self.signatures);
        kept.0.insert(id.to_owned(), (text, signature));
        kept.1.push_back(id.to_owned());
        while kept.1.len() > SIGNATURES_KEPT {
            if let Some(old) = kept.1.pop_front() {
                kept.0.remove(&old);
            }
        }
    }

    fn forget_signature(&self, id: &str) {
        lock(&self.signatures).0.remove(id);
    }

    /// A fresh chat key: a random (version 4) uuid, as 0G's broker makes with
    /// `uuid.NewString()`. Random, not counted: a signature is served to whoever knows the key.
    fn new_chat_key(&self) -> String {
        let n = self.answers.fetch_add(1, Ordering::SeqCst);
        let mut b = [0u8; 16];
        if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b)).is_err() {
            let seed = format!("{}:{}:{n}:{}", std::process::id(), now().as_nanos(), self.signer.address);
            b.copy_from_slice(&alloy_primitives::keccak256(seed.as_bytes())[..16]);
        }
        uuid_v4(b)
    }
}

/// 16 random bytes as a version-4 uuid, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = alloy_primitives::hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

// ---- HTTP ----

const CORS: [(&str, &str); 5] = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Content-Type, Authorization"),
    ("Access-Control-Expose-Headers", "ZG-Res-Key"),
    ("Access-Control-Max-Age", "600"),
];

/// Answers with JSON; true when all of it was handed to the connection.
fn respond_json(request: Request, status: u16, body: &Value, extra: &[(&str, &str)]) -> bool {
    let mut response = Response::json(status, body).header("X-Content-Type-Options", "nosniff");
    for (name, value) in CORS.iter().chain(extra) {
        response = response.header(name, value);
    }
    request.deliver(response)
}

/// OpenAI's error shape, so OpenAI clients show `message`.
fn error_body(kind: &str, message: &str) -> Value {
    json!({"error": {"message": message, "type": kind, "code": kind}})
}

fn fail(request: Request, status: u16, kind: &str, message: &str) {
    respond_json(request, status, &error_body(kind, message), &[]);
}

fn handle(request: Request, provider: &Provider) {
    let path = request.path().to_owned();
    let method = request.method().clone();
    if method == Method::OPTIONS {
        let mut response = Response::new(204);
        for (name, value) in CORS {
            response = response.header(name, value);
        }
        return request.respond(response);
    }
    let proxy = path.starts_with("/v1/proxy/");
    if proxy && lock(&provider.faults).down {
        return fail(request, 503, "provider_down", "the provider is down (devnet fault injection); try again later");
    }
    match (method, path.as_str()) {
        (Method::POST, "/v1/proxy/chat/completions") => {
            let body = match request.body() {
                Ok(body) => body.to_vec(),
                Err(e @ devnet::serve::BodyError::Unreadable(_)) => {
                    let message = e.to_string();
                    return fail(request, 400, "bad_request", &message);
                }
                Err(devnet::serve::BodyError::TooLarge { .. }) => {
                    return fail(request, 413, "bad_request", "the request body is over 1 MiB")
                }
            };
            chat_completion(request, provider, body)
        }
        (Method::GET, p) if p.starts_with("/v1/proxy/signature/") => {
            let key = &p["/v1/proxy/signature/".len()..];
            let found = lock(&provider.signatures).0.get(key).cloned();
            match found {
                Some((text, signature)) => {
                    let body = json!({
                        "text": text, "signature": signature,
                        "signing_address": provider.signer.address, "signing_algo": "ecdsa",
                    });
                    respond_json(request, 200, &body, &[]);
                }
                None => fail(
                    request,
                    404,
                    "not_found",
                    "no completed answer has this chat key (the uuid in the answer's ZG-Res-Key header)",
                ),
            }
        }
        (Method::GET, "/v1/models") => {
            let body = json!({"object": "list", "data": [{
                "id": zg_llm::MODEL_NAME, "object": "model", "owned_by": provider.chain.provider,
                "type": SERVICE_TYPE, "input_price": provider.prices.input.to_string(),
                "output_price": provider.prices.output.to_string(),
            }]});
            respond_json(request, 200, &body, &[]);
        }
        (Method::GET, p) if p.starts_with("/v1/user/") && p.ends_with("/unsettledfee") => {
            let asked = p["/v1/user/".len()..p.len() - "/unsettledfee".len()].to_owned();
            unsettled_fee(request, provider, &asked)
        }
        (Method::GET, "/v1/quote" | "/v1/proxy/attestation/report") => {
            let body = json!({
                "tee": false, "quote": null, "signing_address": provider.signer.address, "signing_algo": "ecdsa",
                "note": "zg-devnet has no TEE, so there is no quote to verify: the signer is acknowledged on chain by \
                         the devnet's owner only, and its answers prove who signed them, not where they ran",
            });
            respond_json(request, 200, &body, &[]);
        }
        (Method::POST, "/__admin/settle") => match provider.settle() {
            Ok(report) => {
                respond_json(request, 200, &json!({"settled": report}), &[]);
            }
            Err(e) => fail(request, 502, "settlement_failed", &e.to_string()),
        },
        (Method::GET, "/__admin/state") => {
            let billing = lock(&provider.billing);
            let owed: Vec<Value> = billing
                .snapshot()
                .iter()
                .map(|d| json!({"user": d.user, "amount": d.amount.to_string(), "answers": d.answers}))
                .collect();
            let body = json!({
                "url": provider.url, "owed": owed, "totalOwed": billing.total_unsettled().to_string(),
                "faults": *lock(&provider.faults),
            });
            drop(billing);
            respond_json(request, 200, &body, &[]);
        }
        (Method::POST, "/__admin/fault") => {
            match serde_json::from_slice::<Faults>(request.body().unwrap_or_default()) {
                Ok(faults) => {
                    *lock(&provider.faults) = faults.clone();
                    respond_json(request, 200, &json!({"faults": faults}), &[]);
                }
                Err(e) => fail(
                    request,
                    400,
                    "bad_request",
                    &format!("expected {{down, stallMs, delayMs, cutAfterPieces}}: {e}"),
                ),
            }
        }
        _ => fail(request, 404, "not_found", "no such endpoint; see POST /v1/proxy/chat/completions"),
    }
}

/// `GET /v1/user/{address}/unsettledfee`, as 0G's broker answers it: only with a valid
/// session token, only for the token's own user, `{userAddress, unsettledFee}` in neuron
/// (what is owed and not yet settled; here also what is held for answers being written).
fn unsettled_fee(request: Request, provider: &Provider, asked: &str) {
    let authorization = request.header("Authorization").map(str::to_owned);
    let now_ms = i64::try_from(now().as_millis()).unwrap_or(i64::MAX);
    let authorized = match auth::verify(authorization.as_deref(), provider.chain.provider, now_ms) {
        Ok(authorized) => authorized,
        Err(e) => return fail(request, 401, "unauthorized", &e.to_string()),
    };
    if asked.parse::<Address>().ok() != Some(authorized.user) {
        respond_json(request, 403, &json!({"error": "you can only query your own unsettled fee"}), &[]);
        return;
    }
    let owed = lock(&provider.billing).owed(authorized.user);
    let body = json!({"userAddress": authorized.token.address, "unsettledFee": owed.to_string()});
    respond_json(request, 200, &body, &[]);
}

/// A request that may go to the model: who pays, the prompt's tokens, the fee held back.
struct Admitted {
    user: Address,
    prompt: Vec<u32>,
    reserved: u128,
}

/// Everything a request must pass before inference starts; `Err` is (status, kind, message).
fn admit(
    request: &Request,
    provider: &Provider,
    chat: &chat::ChatRequest,
    model: &zg_llm::SmolLm,
) -> Result<Admitted, (u16, &'static str, String)> {
    let authorization = request.header("Authorization");
    let now_ms = i64::try_from(now().as_millis()).unwrap_or(i64::MAX);
    let authorized = auth::verify(authorization, provider.chain.provider, now_ms)
        .map_err(|e| (401, "unauthorized", e.to_string()))?;
    let unreachable = |e: ChainError| (502, "chain_unavailable", format!("could not read the chain: {e}"));
    let service = provider.chain.service().map_err(unreachable)?;
    if !service.teeSignerAcknowledged {
        return Err((503, "signer_not_acknowledged", "service not acknowledge the tee signer".into()));
    }
    let account = match provider.chain.account(authorized.user) {
        Ok(account) => account,
        Err(e) if e.is_missing_account() => {
            return Err((
                402,
                "insufficient_balance",
                format!(
                    "no sub-account of {} with provider {}: open a ledger and transfer funds to this provider first \
                     (LedgerManager.transferFund(provider, \"inference-v1.0\", amount))",
                    authorized.user, provider.chain.provider
                ),
            ))
        }
        Err(e) => return Err(unreachable(e)),
    };
    auth::check_revocation(&authorized.token, account.generation, account.revokedBitmap)
        .map_err(|e| (401, "unauthorized", e.to_string()))?;
    if !account.acknowledged {
        return Err((403, "not_acknowledged", "user not acknowledge the provider: acknowledgeTEESigner first".into()));
    }
    let prompt = model.prompt(&chat.messages).map_err(|e| (500, "model_unavailable", e.to_string()))?;
    if prompt.len() + chat.max_tokens > zg_llm::CONTEXT {
        let e = zg_llm::LlmError::TooLong { prompt: prompt.len(), answer: chat.max_tokens, context: zg_llm::CONTEXT };
        return Err((400, "bad_request", e.to_string()));
    }
    let worst = provider.prices.fee(prompt.len(), chat.max_tokens);
    // 0G's locked balance: what the sub-account holds beyond its pending refunds.
    let available = account.balance.saturating_sub(account.pendingRefund);
    let available = u128::try_from(available).unwrap_or(u128::MAX);
    lock(&provider.billing)
        .reserve(authorized.user, worst, available, provider.chain.provider)
        .map_err(|e| (402, "insufficient_balance", e.to_string()))?;
    Ok(Admitted { user: authorized.user, prompt, reserved: worst })
}

fn chat_completion(request: Request, provider: &Provider, body: Vec<u8>) {
    let chat = match chat::parse(&body) {
        Ok(chat) => chat,
        Err(e) => return fail(request, 400, "bad_request", &e),
    };
    if let Some(asked) = chat.model.as_deref().filter(|m| !m.is_empty() && *m != zg_llm::MODEL_NAME) {
        let message = format!("this provider serves {:?}, not {asked:?}", zg_llm::MODEL_NAME);
        return fail(request, 404, "model_not_found", &message);
    }
    let model = match provider.model.get() {
        Ok(model) => model,
        Err(e) => return fail(request, 503, "model_unavailable", &e),
    };
    let Admitted { user, prompt, reserved } = match admit(&request, provider, &chat, &model) {
        Ok(admitted) => admitted,
        Err((status, kind, message)) => return fail(request, status, kind, &message),
    };
    let faults = lock(&provider.faults).clone();
    if faults.stall_ms > 0 {
        std::thread::sleep(Duration::from_millis(faults.stall_ms));
    }
    let key = provider.new_chat_key();
    let id = format!("chatcmpl-{key}");
    let answer = chat::Answer { id: &id, key: &key, created: now().as_secs(), model: zg_llm::MODEL_NAME };
    let prompt_tokens = prompt.len();
    let sampling = |seed| zg_llm::Sampling { max_tokens: chat.max_tokens, temperature: chat.temperature, seed };
    let seed =
        chat.seed.unwrap_or_else(|| u64::from_be_bytes(alloy_primitives::keccak256(&key)[..8].try_into().unwrap()));
    let delay = Duration::from_millis(faults.delay_ms);

    let delivered = if chat.stream {
        stream(request, provider, &model, &prompt, sampling(seed), &answer, &body, &faults)
    } else {
        let generated = model.generate(&prompt, sampling(seed), &mut |_| {
            if !delay.is_zero() {
                std::thread::sleep(delay);
            }
            true
        });
        let generation = match generated {
            Ok(generation) => generation,
            Err(e) => {
                lock(&provider.billing).release(user, reserved);
                return fail(request, 500, "inference_failed", &e.to_string());
            }
        };
        let finish = chat::finish_reason(generation.completion_tokens, chat.max_tokens);
        let response = answer.completion(&generation.text, prompt_tokens, generation.completion_tokens, finish);
        let text = signer::answer_text(&body, response.to_string().as_bytes());
        provider.store_signature(&key, text.clone(), provider.signer.sign_text(&text));
        let fee = provider.prices.fee(prompt_tokens, generation.completion_tokens);
        if respond_json(request, 200, &response, &[("ZG-Res-Key", &key)]) {
            Some((fee, text))
        } else {
            None
        }
    };
    match delivered {
        Some((fee, text)) => lock(&provider.billing).complete(user, reserved, fee, &text),
        None => {
            provider.forget_signature(&key);
            lock(&provider.billing).release(user, reserved);
        }
    }
}

/// Writes the answer as server-sent events while the model generates it. Returns the fee
/// and the signed text only if every byte reached the client.
#[allow(clippy::too_many_arguments)]
fn stream(
    request: Request,
    provider: &Provider,
    model: &zg_llm::SmolLm,
    prompt: &[u32],
    sampling: zg_llm::Sampling,
    answer: &chat::Answer<'_>,
    request_body: &[u8],
    faults: &Faults,
) -> Option<(u128, String)> {
    let delay = Duration::from_millis(faults.delay_ms);
    let mut head = Response::new(200)
        .header("Content-Type", "text/event-stream")
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .header("ZG-Res-Key", answer.key);
    for (name, value) in CORS {
        head = head.header(name, value);
    }
    let mut writer = request.stream(head);
    let mut sent = Vec::new();
    let send = |writer: &mut devnet::serve::Stream, event: &str, sent: &mut Vec<u8>| -> bool {
        sent.extend_from_slice(event.as_bytes());
        writer.send(event)
    };
    if !send(&mut writer, &answer.first_event(), &mut sent) {
        return None;
    }
    let mut connected = true;
    let mut pieces = 0;
    let generated = model.generate(prompt, sampling, &mut |piece| {
        if faults.cut_after_pieces > 0 && pieces == faults.cut_after_pieces {
            connected = false;
            return false;
        }
        pieces += 1;
        connected = send(&mut writer, &answer.piece_event(piece), &mut sent);
        if connected && !delay.is_zero() {
            std::thread::sleep(delay);
        }
        connected
    });
    if faults.cut_after_pieces > 0 && pieces == faults.cut_after_pieces {
        // A moment after the pieces: a browser that reads the pieces and the cut in one go
        // drops both, and the user would not see what did arrive.
        std::thread::sleep(Duration::from_millis(300));
        writer.cut();
        return None;
    }
    // A model that fails mid-answer leaves the answer cut, as a dropped connection does.
    let generation = generated.ok()?;
    if !connected || generation.stopped_early {
        return None;
    }
    let prompt_tokens = prompt.len();
    let finish = chat::finish_reason(generation.completion_tokens, sampling.max_tokens);
    let last = answer.last_event(prompt_tokens, generation.completion_tokens, finish);
    let mut whole = sent.clone();
    whole.extend_from_slice(last.as_bytes());
    whole.extend_from_slice(chat::DONE_EVENT.as_bytes());
    let text = signer::answer_text(request_body, &whole);
    // Stored before the last bytes go out, so a client that reads [DONE] finds it.
    provider.store_signature(answer.key, text.clone(), provider.signer.sign_text(&text));
    let finished =
        send(&mut writer, &last, &mut sent) && send(&mut writer, chat::DONE_EVENT, &mut sent) && writer.finish();
    finished.then(|| (provider.prices.fee(prompt_tokens, generation.completion_tokens), text))
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zg-compute-provider: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zg-compute-provider: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDR: &str = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    fn parse(args: &[&str]) -> Result<Option<Args>, ProviderError> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn chat_keys_are_version_4_uuids() {
        let key = uuid_v4([0xff; 16]);
        assert_eq!(key, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn parses_the_options() {
        let base = ["--rpc", "http://x", "--serving", ADDR, "--provider", ADDR, "--data-dir", "d"];
        let a = parse(&base).unwrap().unwrap();
        assert_eq!((a.port, a.input_price, a.settle_interval), (0, 1_000_000_000_000, Duration::from_secs(30)));
        let more: Vec<&str> = base.iter().copied().chain(["--port=9", "--output-price", "7"]).collect();
        let a = parse(&more).unwrap().unwrap();
        assert_eq!((a.port, a.output_price), (9, 7));
        assert!(parse(&["--help"]).unwrap().is_none());
        for extra in [&["--port", "x"][..], &["--settle-interval", "0"], &["--nope", "1"]] {
            let args: Vec<&str> = base.iter().chain(extra).copied().collect();
            assert!(parse(&args).err().unwrap().to_string().contains("--help"));
        }
        assert!(parse(&["--rpc", "r"]).err().unwrap().to_string().contains("is required"));
    }
}
