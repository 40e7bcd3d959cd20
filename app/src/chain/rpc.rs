//! JSON-RPC over the browser's `fetch`, with a timeout and a size cap. Implements the
//! light client's [`JsonRpcTransport`]; knows nothing about proofs.

use gloo::net::http::Request;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_light_client::{jsonrpc, JsonRpcTransport, TransportError};
use zg_light_client_js::body::{read_capped, BodyError};

/// Long enough for a slow public node, short enough that the UI never hangs.
const TIMEOUT_MS: u32 = 20_000;
/// Far above any answer the app asks for (a batch of 100 headers is ~100 KiB), far below
/// what would hurt the tab.
const MAX_BODY: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct FetchTransport {
    url: String,
}

impl FetchTransport {
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into() }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn post(&self, body: &Value) -> Result<Value, TransportError> {
        let body =
            serde_json::to_vec(body).map_err(|e| TransportError(format!("could not encode the request: {e}")))?;
        let answer = self.exchange(&body).await?;
        serde_json::from_slice(&answer)
            .map_err(|e| TransportError(format!("{} sent something that is not JSON: {e}", host_of(&self.url))))
    }

    /// One call whose params are serialised straight into the body and whose result is
    /// parsed straight into `R` ([`jsonrpc::encode_call`], [`jsonrpc::decode_answer`]).
    pub async fn call<P: Serialize, R: DeserializeOwned>(&self, method: &str, params: &P) -> Result<R, TransportError> {
        let answer = self.call_for_bytes(method, params).await?;
        jsonrpc::decode_answer(&host_of(&self.url), method, &answer)
    }

    /// One call, its answer's bytes unread: for answers parsed elsewhere (a storage
    /// segment is parsed and proven in a worker).
    pub async fn call_for_bytes<P: Serialize>(&self, method: &str, params: &P) -> Result<Vec<u8>, TransportError> {
        self.exchange(&jsonrpc::encode_call(method, params)?).await
    }

    /// POSTs a JSON body and returns the answer's bytes. The body goes to `fetch` as bytes,
    /// not a string: the string would be re-encoded by the browser (a third of an upload's
    /// main-thread time in `cargo xtask bench`'s profile).
    async fn exchange(&self, body: &[u8]) -> Result<Vec<u8>, TransportError> {
        let controller = web_sys::AbortController::new().map_err(|_| TransportError("fetch is unavailable".into()))?;
        let signal = controller.signal();
        // Aborting also fails a body read in progress, so this one timer bounds the whole
        // exchange: a node that sends headers and then stalls is cut off too.
        let timeout = gloo::timers::callback::Timeout::new(TIMEOUT_MS, move || controller.abort());
        let host = host_of(&self.url);
        let late = || {
            TransportError(format!(
                "{host} did not answer within {} s; try again or use another RPC",
                TIMEOUT_MS / 1000
            ))
        };
        let too_large = || {
            TransportError(format!(
                "{host} sent an answer larger than {} MiB, which no JSON-RPC answer needs; use another RPC",
                MAX_BODY / (1024 * 1024)
            ))
        };
        let response = Request::post(&self.url)
            .abort_signal(Some(&signal))
            .header("Content-Type", "application/json")
            .body(js_sys::Uint8Array::from(body))
            .map_err(|e| TransportError(format!("could not encode the request: {e}")))?
            .send()
            .await
            .map_err(|e| {
                if signal.aborted() {
                    late()
                } else {
                    TransportError(format!(
                        "{host} is unreachable ({e}); check the RPC URL and that the node is running"
                    ))
                }
            })?;
        if !response.ok() {
            return Err(TransportError(format!("{host} answered HTTP {}", response.status())));
        }
        let announced = response.headers().get("content-length").and_then(|l| l.trim().parse::<u64>().ok());
        if announced.is_some_and(|length| length > MAX_BODY as u64) {
            return Err(too_large());
        }
        let response = web_sys::Response::from(response);
        let bytes = read_capped(&response, MAX_BODY).await.map_err(|e| match e {
            BodyError::TooLarge => too_large(),
            BodyError::Failed(_) if signal.aborted() => late(),
            BodyError::Failed(e) => TransportError(format!("{host} broke off its answer ({e}); try again")),
        })?;
        drop(timeout);
        Ok(bytes)
    }
}

fn host_of(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or(url).to_string()
}

impl JsonRpcTransport for FetchTransport {
    fn endpoint(&self) -> String {
        host_of(&self.url)
    }

    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        jsonrpc::result_of(self.post(&jsonrpc::request_body(method, params)).await?)
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        jsonrpc::batch_results(calls.len(), self.post(&jsonrpc::batch_body(&calls)).await?)
    }
}
