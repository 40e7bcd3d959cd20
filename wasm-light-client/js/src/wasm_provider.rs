//! `createVerifiedProvider({rpc, network, checkpoint})`: an EIP-1193 provider for any web
//! page or Node script whose answers come from the light client (wasm32 only).
//!
//! It answers only what it can prove, at the verified head: `eth_chainId`,
//! `eth_blockNumber`, `eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`,
//! `eth_getStorageAt`, `eth_call` (run locally over proven state) and `eth_getLogs` (one
//! address, proven complete through blooms and receipts roots). Every other method is
//! refused with EIP-1193's 4200 (unsupported) rather than passed through, so a caller
//! never mistakes a node's word for a proven value.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, B256, U256};
use js_sys::{Function, Promise, Reflect, JSON};
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use wasm_light_client::{
    jsonrpc, CallOutcome, CallRequest, ChainRules, CheckpointOnly, JsonRpcTransport, LogFilter, TransportError,
    Verified, VerifiedProvider,
};

use crate::body::BodyError;

/// JSON-RPC over the global `fetch` (browsers and Node 18+ alike).
struct GlobalFetch {
    url: String,
}

/// Long enough for a slow public node, short enough that a caller never hangs.
const TIMEOUT_MS: u32 = 20_000;
/// No JSON-RPC answer this client asks for is larger; reading a bigger one stops there.
const MAX_BODY: usize = 16 << 20;

impl GlobalFetch {
    async fn post(&self, body: &Value) -> Result<Value, TransportError> {
        let fail = |what: &str| TransportError(format!("{}: {what}", self.url));
        let global = js_sys::global();
        let get_fn = |target: &JsValue, name: &str| -> Option<Function> {
            Reflect::get(target, &name.into()).ok().and_then(|f| f.dyn_into().ok())
        };
        let fetch = get_fn(&global, "fetch").ok_or_else(|| fail("no fetch in this environment"))?;
        // One deadline over the whole exchange, body included: the AbortController's signal
        // cancels both the request and a body that stalls half way.
        let controller = get_fn(&global, "AbortController")
            .and_then(|ctor| Reflect::construct(&ctor, &js_sys::Array::new()).ok())
            .ok_or_else(|| fail("no AbortController in this environment"))?;
        let signal = Reflect::get(&controller, &"signal".into()).map_err(|_| fail("no abort signal"))?;
        let abort = get_fn(&controller, "abort").ok_or_else(|| fail("no abort()"))?.bind0(&controller);
        let set_timeout = get_fn(&global, "setTimeout").ok_or_else(|| fail("no setTimeout"))?;
        let timer = set_timeout.call2(&global, &abort, &TIMEOUT_MS.into()).map_err(|_| fail("setTimeout failed"))?;
        let clear = move || {
            if let Some(clear) = get_fn(&js_sys::global(), "clearTimeout") {
                let _ = clear.call1(&js_sys::global(), &timer);
            }
        };
        let timed_out = || Reflect::get(&signal, &"aborted".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);

        let init = JSON::parse(
            &json!({"method": "POST", "headers": {"content-type": "application/json"}, "body": body.to_string()})
                .to_string(),
        )
        .map_err(|_| fail("bad request"))?;
        let _ = Reflect::set(&init, &"signal".into(), &signal);
        let result = async {
            let response = JsFuture::from(Promise::from(
                fetch.call2(&global, &self.url.clone().into(), &init).map_err(|_| fail("fetch failed"))?,
            ))
            .await
            .map_err(|_| {
                if timed_out() {
                    fail(&format!("no answer within {} s; try again or use another RPC", TIMEOUT_MS / 1000))
                } else {
                    fail("unreachable; check the URL and that the node is running")
                }
            })?;
            let declared = Reflect::get(&response, &"headers".into())
                .ok()
                .and_then(|h| get_fn(&h, "get").and_then(|g| g.call1(&h, &"content-length".into()).ok()))
                .and_then(|v| v.as_string())
                .and_then(|v| v.parse::<usize>().ok());
            if declared.is_some_and(|n| n > MAX_BODY) {
                return Err(fail("sent an answer larger than 16 MiB; use another RPC"));
            }
            let body = crate::body::read_capped(&response, MAX_BODY).await.map_err(|e| match e {
                BodyError::TooLarge => fail("sent an answer larger than 16 MiB; use another RPC"),
                BodyError::Failed(_) if timed_out() => {
                    fail(&format!("stopped answering within {} s; try again or use another RPC", TIMEOUT_MS / 1000))
                }
                BodyError::Failed(_) => fail("the answer could not be read"),
            })?;
            serde_json::from_slice(&body).map_err(|_| fail("sent something that is not JSON"))
        }
        .await;
        clear();
        result
    }
}

impl JsonRpcTransport for GlobalFetch {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        jsonrpc::result_of(self.post(&jsonrpc::request_body(method, params)).await?)
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        jsonrpc::batch_results(calls.len(), self.post(&jsonrpc::batch_body(&calls)).await?)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Options {
    rpc: String,
    #[serde(default)]
    network: Option<String>,
    /// Required for a network this package does not know by name.
    #[serde(default)]
    chain_id: Option<u64>,
    /// Without one, the provider starts from a head `rpc` and the witnesses serve alike.
    #[serde(default)]
    checkpoint: Option<String>,
    /// Other operators' endpoints of the same chain; a majority of all must serve a head.
    #[serde(default)]
    witnesses: Vec<String>,
}

/// The chain ids of the networks known by name.
fn known_chain_id(network: &str) -> Option<u64> {
    match network {
        "devnet" => Some(31337),
        "galileo" => Some(16602),
        "mainnet" => Some(16661),
        _ => None,
    }
}

#[derive(Deserialize)]
struct RequestArgs {
    method: String,
    #[serde(default)]
    params: Vec<Value>,
}

#[wasm_bindgen(js_name = VerifiedProvider)]
pub struct JsVerifiedProvider {
    inner: Rc<VerifiedProvider<GlobalFetch, CheckpointOnly>>,
    /// The configured chain id: what `eth_chainId` answers and what `CHAINID` is in a
    /// proven `eth_call`. The node's own answer is only checked against it.
    chain_id: u64,
    /// Set once the node has reported `chain_id`; until then nothing is answered.
    node_checked: Rc<std::cell::Cell<bool>>,
}

/// Creates a provider that trusts only `checkpoint` (a block hash), or, without one, a head
/// that a majority of `rpc` and `witnesses` (two endpoints at least) serve alike. `network`
/// picks the header rules and the chain id: "devnet" (default, 31337) or a 0G network
/// ("galileo", 16602; "mainnet", 16661). Any other network needs `chainId`.
#[wasm_bindgen(js_name = createVerifiedProvider)]
pub fn create_verified_provider(options: JsValue) -> Result<JsVerifiedProvider, JsError> {
    let options: Options = serde_wasm_bindgen::from_value(options).map_err(|e| {
        JsError::new(&format!("createVerifiedProvider needs {{rpc, checkpoint?, witnesses?, network?, chainId?}}: {e}"))
    })?;
    let checkpoint: Option<B256> = match &options.checkpoint {
        Some(text) => {
            Some(text.parse().map_err(|_| JsError::new("checkpoint must be a 0x-prefixed 32-byte block hash"))?)
        }
        None if options.witnesses.is_empty() => {
            return Err(JsError::new(
                "give a checkpoint, or witnesses: one endpoint alone cannot stand in for a checkpoint",
            ))
        }
        None => None,
    };
    let network = options.network.as_deref().unwrap_or("devnet");
    let chain_id = match (known_chain_id(network), options.chain_id) {
        (Some(known), Some(given)) if known != given => {
            return Err(JsError::new(&format!(
                "network \"{network}\" has chain id {known}, not {given}; drop chainId or name another network"
            )))
        }
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => {
            return Err(JsError::new(&format!(
                "network \"{network}\" is not one this package knows (devnet, galileo, mainnet); give its chainId"
            )))
        }
    };
    let rules = ChainRules::for_chain(chain_id);
    let transport = GlobalFetch { url: options.rpc };
    let provider = match checkpoint {
        Some(checkpoint) => VerifiedProvider::new(transport, CheckpointOnly, checkpoint),
        None => VerifiedProvider::by_agreement(transport, CheckpointOnly),
    };
    // A majority of all endpoints, as the app's networks count it.
    let endpoints = options.witnesses.len() + 1;
    let quorum = endpoints / 2 + 1;
    let witnesses = options.witnesses.into_iter().map(|url| GlobalFetch { url }).collect();
    Ok(JsVerifiedProvider {
        inner: Rc::new(
            provider
                .with_witnesses(witnesses, quorum)
                .with_rules(rules)
                .with_chain_id(chain_id)
                .with_clock(crate::clock::now_s),
        ),
        chain_id,
        node_checked: Rc::new(std::cell::Cell::new(false)),
    })
}

/// Refuses a node that serves another chain than the configured one: its headers could
/// still link to a checkpoint shared by two chains (a fork), and its proofs would then
/// prove another chain's state.
async fn check_node_chain_id(inner: &VerifiedProvider<GlobalFetch, CheckpointOnly>, want: u64) -> Result<(), JsValue> {
    let answer = inner.transport().request("eth_chainId", json!([])).await.map_err(|e| rpc_error(-32000, e.0))?;
    match answer.as_str().and_then(|s| jsonrpc::parse_quantity(s).ok()) {
        Some(id) if id == want => Ok(()),
        Some(id) => Err(rpc_error(
            4901,
            format!(
                "the node serves chain {id}, not the configured chain {want}; use an RPC of the configured network"
            ),
        )),
        None => Err(rpc_error(-32000, "the node's eth_chainId answer is not a number")),
    }
}

/// An EIP-1193 error object (`{code, message}`) thrown into the caller's promise.
fn rpc_error(code: i32, message: impl Into<String>) -> JsValue {
    let e = js_sys::Error::new(&message.into());
    let _ = Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

fn proven<T>(v: Verified<T>) -> Result<T, JsValue> {
    match v {
        Verified::Proven { value, .. } => Ok(value),
        Verified::Unverified { reason, .. } | Verified::Rejected { reason } => Err(rpc_error(-32000, reason)),
    }
}

fn address_and_head(params: &[Value], tip: u64) -> Result<Address, JsValue> {
    let address: Address = params
        .first()
        .and_then(|a| serde_json::from_value(a.clone()).ok())
        .ok_or_else(|| rpc_error(-32602, "the first parameter must be an address"))?;
    match params.get(1).and_then(Value::as_str) {
        None | Some("latest") => Ok(address),
        Some(tag) if jsonrpc::parse_quantity(tag).ok() == Some(tip) => Ok(address),
        Some(tag) => {
            Err(rpc_error(-32602, format!("only the verified head (latest = block {tip}) can be proven, not {tag}")))
        }
    }
}

fn param(params: &[Value], i: usize) -> Result<Value, JsValue> {
    Ok(params.get(i).cloned().unwrap_or(Value::Null))
}

/// `eth_call`'s `[{from?, to, data | input, value?}, block?]`, at the verified head only.
fn call_request(params: &[Value], tip: u64) -> Result<CallRequest, JsValue> {
    #[derive(Deserialize)]
    struct Tx {
        from: Option<Address>,
        to: Address,
        data: Option<Bytes>,
        input: Option<Bytes>,
        value: Option<U256>,
    }
    let tx: Tx = serde_json::from_value(param(params, 0)?)
        .map_err(|e| rpc_error(-32602, format!("eth_call needs {{to, data}}: {e}")))?;
    address_and_head(&[json!(tx.to), param(params, 1)?], tip)?;
    Ok(CallRequest {
        from: tx.from,
        to: tx.to.into(),
        data: tx.input.or(tx.data).unwrap_or_default(),
        value: tx.value.unwrap_or_default(),
    })
}

/// `eth_getLogs`' filter: one `address`, positional `topics` (null or one hash each),
/// `fromBlock`/`toBlock` as numbers or "latest".
fn log_filter(params: &[Value], tip: u64) -> Result<(LogFilter, u64, u64), JsValue> {
    let filter = param(params, 0)?;
    let address: Address = serde_json::from_value(filter.get("address").cloned().unwrap_or(Value::Null))
        .map_err(|_| rpc_error(-32602, "eth_getLogs here needs exactly one contract address"))?;
    let mut out = LogFilter::new(address);
    if let Some(topics) = filter.get("topics").and_then(Value::as_array) {
        for (i, t) in topics.iter().enumerate() {
            if t.is_null() {
                continue;
            }
            let topic: B256 = serde_json::from_value(t.clone())
                .map_err(|_| rpc_error(-32602, "each topic must be null or one 32-byte hash"))?;
            out = out.topic(i, topic);
        }
    }
    let block = |key: &str, default: u64| -> Result<u64, JsValue> {
        match filter.get(key).and_then(Value::as_str) {
            None | Some("latest") => Ok(default),
            Some("earliest") => Ok(0),
            Some(tag) => jsonrpc::parse_quantity(tag).map_err(|_| rpc_error(-32602, format!("bad {key}: {tag}"))),
        }
    };
    Ok((out, block("fromBlock", tip)?, block("toBlock", tip)?))
}

#[wasm_bindgen(js_class = VerifiedProvider)]
impl JsVerifiedProvider {
    /// EIP-1193 `request({method, params})`: a promise of the proven result.
    pub fn request(&self, args: JsValue) -> Promise {
        let inner = self.inner.clone();
        let chain_id = self.chain_id;
        let node_checked = self.node_checked.clone();
        future_to_promise(async move {
            let args: RequestArgs = serde_wasm_bindgen::from_value(args)
                .map_err(|e| rpc_error(-32602, format!("request needs {{method, params}}: {e}")))?;
            let to_js = |v: Value| JSON::parse(&v.to_string()).map_err(|_| rpc_error(-32603, "internal error"));
            if args.method == "eth_chainId" {
                return to_js(json!(format!("0x{chain_id:x}")));
            }
            if !node_checked.get() {
                check_node_chain_id(&inner, chain_id).await?;
                node_checked.set(true);
            }
            let tip = inner.sync().await.map_err(|e| rpc_error(-32000, e.to_string()))?;
            match args.method.as_str() {
                "eth_blockNumber" => to_js(json!(format!("0x{:x}", tip.number()))),
                "eth_getBalance" => {
                    let address = address_and_head(&args.params, tip.number())?;
                    to_js(json!(format!("0x{:x}", proven(inner.account(address).await)?.balance)))
                }
                "eth_getTransactionCount" => {
                    let address = address_and_head(&args.params, tip.number())?;
                    to_js(json!(format!("0x{:x}", proven(inner.account(address).await)?.nonce)))
                }
                "eth_getCode" => {
                    let address = address_and_head(&args.params, tip.number())?;
                    to_js(json!(proven(inner.code(address).await)?))
                }
                "eth_getStorageAt" => {
                    let address = address_and_head(&[param(&args.params, 0)?, param(&args.params, 2)?], tip.number())?;
                    let slot: U256 = serde_json::from_value(param(&args.params, 1)?)
                        .map_err(|_| rpc_error(-32602, "the second parameter must be a storage slot"))?;
                    let values = proven(inner.storage(address, &[slot]).await)?;
                    to_js(json!(B256::from(values[0].1)))
                }
                "eth_call" => {
                    let request = call_request(&args.params, tip.number())?;
                    match proven(inner.call(&request, &wasm_light_client::Revm).await)? {
                        CallOutcome::Success(out) => to_js(json!(out)),
                        CallOutcome::Revert(data) => {
                            let e = rpc_error(3, "execution reverted");
                            let _ = Reflect::set(&e, &"data".into(), &json!(data).as_str().unwrap_or("0x").into());
                            Err(e)
                        }
                        CallOutcome::Halt(reason) => Err(rpc_error(-32000, format!("execution halted: {reason}"))),
                    }
                }
                "eth_getLogs" => {
                    let (filter, from, to) = log_filter(&args.params, tip.number())?;
                    let logs = inner.logs(&filter, from, to).await.map_err(|e| rpc_error(-32000, e.to_string()))?;
                    let logs: Vec<Value> = proven(logs)?
                        .into_iter()
                        .map(|l| {
                            json!({
                                "address": l.log.address,
                                "topics": l.log.topics(),
                                "data": l.log.data.data,
                                "blockNumber": format!("0x{:x}", l.block),
                                "blockHash": l.block_hash,
                                "transactionIndex": format!("0x{:x}", l.transaction_index),
                                "logIndex": format!("0x{:x}", l.log_index),
                                "removed": false,
                            })
                        })
                        .collect();
                    to_js(json!(logs))
                }
                other => Err(rpc_error(
                    4200,
                    format!("{other} cannot be verified by this light client yet, so it is not answered"),
                )),
            }
        })
    }
}
