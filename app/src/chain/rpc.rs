//! JSON-RPC over the browser's `fetch`, with a timeout. Implements the light client's
//! [`JsonRpcTransport`]; knows nothing about proofs.

use gloo::net::http::Request;
use serde_json::Value;
use wasm_light_client::{jsonrpc, JsonRpcTransport, TransportError};

/// Long enough for a slow public node, short enough that the UI never hangs.
const TIMEOUT_MS: u32 = 20_000;

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
        let controller = web_sys::AbortController::new().map_err(|_| TransportError("fetch is unavailable".into()))?;
        let signal = controller.signal();
        let timeout = gloo::timers::callback::Timeout::new(TIMEOUT_MS, move || controller.abort());
        let host = host_of(&self.url);
        let response = Request::post(&self.url)
            .abort_signal(Some(&signal))
            .json(body)
            .map_err(|e| TransportError(format!("could not encode the request: {e}")))?
            .send()
            .await
            .map_err(|e| {
                if signal.aborted() {
                    TransportError(format!(
                        "{host} did not answer within {} s; try again or use another RPC",
                        TIMEOUT_MS / 1000
                    ))
                } else {
                    TransportError(format!(
                        "{host} is unreachable ({e}); check the RPC URL and that the node is running"
                    ))
                }
            })?;
        drop(timeout);
        if !response.ok() {
            return Err(TransportError(format!("{host} answered HTTP {}", response.status())));
        }
        response.json().await.map_err(|e| TransportError(format!("{host} sent something that is not JSON: {e}")))
    }
}

fn host_of(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).split('/').next().unwrap_or(url).to_string()
}

impl JsonRpcTransport for FetchTransport {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        jsonrpc::result_of(self.post(&jsonrpc::request_body(method, params)).await?)
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        jsonrpc::batch_results(calls.len(), self.post(&jsonrpc::batch_body(&calls)).await?)
    }
}
