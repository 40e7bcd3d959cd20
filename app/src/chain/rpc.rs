//! JSON-RPC over the browser's `fetch`, with a timeout. Implements the light client's
//! [`JsonRpcTransport`]; knows nothing about proofs.

use gloo::net::http::Request;
use serde_json::{json, Value};
use wasm_light_client::{JsonRpcTransport, TransportError};

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

/// The `result` of a JSON-RPC response, or its `error` as a readable message.
fn result_of(mut answer: Value) -> Result<Value, TransportError> {
    if let Some(err) = answer.get("error").filter(|e| !e.is_null()) {
        let code = err.get("code").and_then(Value::as_i64).unwrap_or_default();
        let message = err.get("message").and_then(Value::as_str).unwrap_or("unknown error");
        return Err(TransportError(format!("the node refused: {message} (code {code})")));
    }
    answer.get_mut("result").map(Value::take).ok_or_else(|| TransportError("the node's answer has no result".into()))
}

impl JsonRpcTransport for FetchTransport {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        result_of(self.post(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})).await?)
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        let body: Vec<Value> = calls
            .iter()
            .enumerate()
            .map(|(id, (method, params))| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .collect();
        let answers = self.post(&Value::Array(body)).await?;
        let Value::Array(answers) = answers else {
            return Err(TransportError("the node does not support batched requests".into()));
        };
        // Batch answers may come in any order; put them back by id.
        let mut out = vec![Value::Null; calls.len()];
        let mut seen = vec![false; calls.len()];
        for answer in answers {
            let id = answer.get("id").and_then(Value::as_u64).map(|i| i as usize);
            match id {
                Some(i) if i < out.len() && !seen[i] => {
                    seen[i] = true;
                    out[i] = result_of(answer)?;
                }
                _ => return Err(TransportError("the node's batch answer has an unknown id".into())),
            }
        }
        if seen.iter().all(|s| *s) {
            Ok(out)
        } else {
            Err(TransportError("the node's batch answer is missing results".into()))
        }
    }
}
