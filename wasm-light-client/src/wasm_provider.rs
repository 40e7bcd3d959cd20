//! `createVerifiedProvider({rpc, network, checkpoint})`: an EIP-1193 provider for any web
//! page or Node script whose answers come from the light client (wasm32 only).
//!
//! It answers only what it can prove, at the verified head: `eth_chainId`,
//! `eth_blockNumber`, `eth_getBalance`, `eth_getTransactionCount`, `eth_getCode`. Every
//! other method is refused with EIP-1193's 4200 (unsupported) rather than passed through,
//! so a caller never mistakes a node's word for a proven value.

use std::rc::Rc;

use alloy_primitives::{Address, B256};
use js_sys::{Function, Promise, Reflect, JSON};
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::{jsonrpc, ChainRules, CheckpointOnly, JsonRpcTransport, TransportError, Verified, VerifiedProvider};

/// JSON-RPC over the global `fetch` (browsers and Node 18+ alike).
struct GlobalFetch {
    url: String,
}

impl GlobalFetch {
    async fn post(&self, body: &Value) -> Result<Value, TransportError> {
        let fail = |what: &str| TransportError(format!("{}: {what}", self.url));
        let global = js_sys::global();
        let fetch: Function = Reflect::get(&global, &"fetch".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| fail("no fetch"))?;
        let init = JSON::parse(
            &json!({"method": "POST", "headers": {"content-type": "application/json"}, "body": body.to_string()})
                .to_string(),
        )
        .map_err(|_| fail("bad request"))?;
        let response = JsFuture::from(Promise::from(
            fetch.call2(&global, &self.url.clone().into(), &init).map_err(|_| fail("fetch failed"))?,
        ))
        .await
        .map_err(|_| fail("unreachable"))?;
        let text: Function = Reflect::get(&response, &"text".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| fail("no body"))?;
        let text = JsFuture::from(Promise::from(text.call0(&response).map_err(|_| fail("no body"))?))
            .await
            .map_err(|_| fail("body unreadable"))?;
        serde_json::from_str(&text.as_string().unwrap_or_default()).map_err(|_| fail("answer is not JSON"))
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
struct Options {
    rpc: String,
    #[serde(default)]
    network: Option<String>,
    checkpoint: String,
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
}

/// Creates a provider that trusts only `checkpoint` (a block hash). `network` picks the
/// header rules: "devnet" (default) or a 0G network ("galileo", "mainnet").
#[wasm_bindgen(js_name = createVerifiedProvider)]
pub fn create_verified_provider(options: JsValue) -> Result<JsVerifiedProvider, JsError> {
    let options: Options = serde_wasm_bindgen::from_value(options)
        .map_err(|e| JsError::new(&format!("createVerifiedProvider needs {{rpc, checkpoint, network?}}: {e}")))?;
    let checkpoint: B256 =
        options.checkpoint.parse().map_err(|_| JsError::new("checkpoint must be a 0x-prefixed 32-byte block hash"))?;
    let rules = match options.network.as_deref() {
        None | Some("devnet") => ChainRules::devnet(),
        Some(_) => ChainRules::zero_g(),
    };
    let transport = GlobalFetch { url: options.rpc };
    Ok(JsVerifiedProvider {
        inner: Rc::new(VerifiedProvider::new(transport, CheckpointOnly, checkpoint).with_rules(rules)),
    })
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
        Some(tag) if crate::serde_hex::parse_u64(tag).ok() == Some(tip) => Ok(address),
        Some(tag) => {
            Err(rpc_error(-32602, format!("only the verified head (latest = block {tip}) can be proven, not {tag}")))
        }
    }
}

#[wasm_bindgen(js_class = VerifiedProvider)]
impl JsVerifiedProvider {
    /// EIP-1193 `request({method, params})`: a promise of the proven result.
    pub fn request(&self, args: JsValue) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let args: RequestArgs = serde_wasm_bindgen::from_value(args)
                .map_err(|e| rpc_error(-32602, format!("request needs {{method, params}}: {e}")))?;
            let to_js = |v: Value| JSON::parse(&v.to_string()).map_err(|_| rpc_error(-32603, "internal error"));
            if args.method == "eth_chainId" {
                let id =
                    inner.transport().request("eth_chainId", json!([])).await.map_err(|e| rpc_error(-32000, e.0))?;
                return to_js(id);
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
                other => Err(rpc_error(
                    4200,
                    format!("{other} cannot be verified by this light client yet, so it is not answered"),
                )),
            }
        })
    }
}
