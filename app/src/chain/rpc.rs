//! JSON-RPC over the browser's `fetch`, with a timeout and a size cap. Implements the
//! light client's [`JsonRpcTransport`]; knows nothing about proofs.

use gloo::net::http::Request;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_light_client::body::{read_capped, BodyError};
use wasm_light_client::{jsonrpc, JsonRpcTransport, TransportError};

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
    /// parsed straight into `R`, with no `Value` in between: a storage segment is a
    /// quarter of a megabyte of base64, and each pass over it costs the page.
    pub async fn call<P: Serialize, R: DeserializeOwned>(&self, method: &str, params: &P) -> Result<R, TransportError> {
        #[derive(Serialize)]
        struct Call<'a, P> {
            jsonrpc: &'static str,
            id: u32,
            method: &'a str,
            params: &'a P,
        }
        #[derive(Deserialize)]
        #[serde(bound(deserialize = "R: Deserialize<'de>"))]
        struct Answer<R> {
            #[serde(default, deserialize_with = "present")]
            result: Option<R>,
            #[serde(default)]
            error: Option<Value>,
        }
        /// Some even for `null`: `R` may itself be an `Option` (a segment the node lacks).
        fn present<'de, D: serde::Deserializer<'de>, R: Deserialize<'de>>(d: D) -> Result<Option<R>, D::Error> {
            R::deserialize(d).map(Some)
        }
        let call = Call { jsonrpc: "2.0", id: 0, method, params };
        let body =
            serde_json::to_vec(&call).map_err(|e| TransportError(format!("could not encode the request: {e}")))?;
        let answer = self.exchange(&body).await?;
        let answer: Answer<R> = serde_json::from_slice(&answer).map_err(|e| {
            let host = host_of(&self.url);
            match e.classify() {
                serde_json::error::Category::Data => {
                    TransportError(format!("{host} answered {method} with something unexpected ({e})"))
                }
                _ => TransportError(format!("{host} sent something that is not JSON: {e}")),
            }
        })?;
        match answer {
            Answer { error: Some(error), .. } if !error.is_null() => Err(jsonrpc::refusal(&error)),
            Answer { result: Some(result), .. } => Ok(result),
            Answer { result: None, .. } => Err(jsonrpc::no_result()),
        }
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
