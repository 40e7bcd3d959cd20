//! The one blocking JSON-RPC client of the devnet: how `zg-devnet` talks to anvil, the
//! storage node and the compute provider to the chain, and the indexer to storage nodes.
//!
//! A failure says which endpoint and which method, and keeps what the other side said:
//! a node's error code, message and `data` (a revert's bytes, or 0G's reason text) reach
//! the caller intact, so each service can explain it in its own terms.

use std::time::Duration;

use serde_json::{json, Value};

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RpcError {
    /// Nothing usable came back: refused connection, timeout, an HTTP error without a
    /// JSON-RPC body.
    #[error("{url} did not answer {method}: {detail}")]
    Unreachable { url: String, method: String, detail: String },
    /// The endpoint answered with a JSON-RPC error.
    #[error("{url} refused {method}: error {code}: {message}{}", data_text(.data))]
    Refused { url: String, method: String, code: i64, message: String, data: Option<Box<Value>> },
    /// The answer is not a JSON-RPC answer, or its result is not what the method returns.
    #[error("{url} answered {method} with something unexpected: {detail}")]
    Garbled { url: String, method: String, detail: String },
}

fn data_text(data: &Option<Box<Value>>) -> String {
    match data.as_deref() {
        Some(Value::String(text)) => format!(" ({text})"),
        Some(Value::Null) | None => String::new(),
        Some(other) => format!(" ({other})"),
    }
}

impl RpcError {
    /// The JSON-RPC error code, when the endpoint answered with one.
    pub fn code(&self) -> Option<i64> {
        match self {
            RpcError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The error's `data` member, when the endpoint sent one (anvil: a revert's bytes).
    pub fn data(&self) -> Option<&Value> {
        match self {
            RpcError::Refused { data, .. } => data.as_deref(),
            _ => None,
        }
    }

    /// A result of the wrong shape, said the same way as a garbled answer.
    pub fn garbled(url: &str, method: &str, detail: impl Into<String>) -> RpcError {
        RpcError::Garbled { url: url.into(), method: method.into(), detail: detail.into() }
    }
}

/// A JSON-RPC client for any endpoint (the indexer asks many storage nodes). Cloning
/// shares the connection pool.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    pub fn new(connect: Duration, call: Duration) -> Client {
        Client { agent: ureq::AgentBuilder::new().timeout_connect(connect).timeout(call).build() }
    }

    /// Calls `method` at `url` and returns its `result`.
    pub fn call(&self, url: &str, method: &str, params: Value) -> Result<Value, RpcError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let unreachable = |detail: String| RpcError::Unreachable { url: url.into(), method: method.into(), detail };
        let answer: Value = match self.agent.post(url).send_json(body) {
            Ok(response) => {
                response.into_json().map_err(|e| RpcError::garbled(url, method, format!("not JSON ({e})")))?
            }
            // A JSON-RPC error may come with a non-200 status; its body still says why.
            Err(ureq::Error::Status(code, response)) => {
                let text = response.into_string().unwrap_or_default();
                match serde_json::from_str::<Value>(&text) {
                    Ok(answer) if answer.get("error").is_some() => answer,
                    _ => return Err(unreachable(format!("HTTP {code}: {}", text.trim()))),
                }
            }
            Err(e) => return Err(unreachable(e.to_string())),
        };
        result_of(url, method, answer)
    }
}

/// A JSON-RPC client bound to one endpoint (the EVM node, for most services).
#[derive(Clone)]
pub struct Endpoint {
    client: Client,
    url: String,
}

impl Endpoint {
    /// An endpoint with the devnet's usual patience: 2 s to connect, 15 s per call.
    pub fn new(url: impl Into<String>) -> Endpoint {
        Endpoint { client: Client::new(Duration::from_secs(2), Duration::from_secs(15)), url: url.into() }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Calls `method` and returns its `result`.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        self.client.call(&self.url, method, params)
    }
}

fn result_of(url: &str, method: &str, mut answer: Value) -> Result<Value, RpcError> {
    if let Some(error) = answer.get("error") {
        return Err(RpcError::Refused {
            url: url.into(),
            method: method.into(),
            code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: error.get("message").and_then(Value::as_str).unwrap_or("no message").to_owned(),
            // Boxed: a `Value` is large and every call returns this error type.
            data: error.get("data").cloned().map(Box::new),
        });
    }
    match answer.get_mut("result") {
        Some(result) => Ok(result.take()),
        None => Err(RpcError::garbled(url, method, "neither result nor error")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_keeps_its_code_message_and_data() {
        let answer =
            json!({"jsonrpc": "2.0", "id": 1, "error": {"code": 3, "message": "execution reverted", "data": "0x1234"}});
        let error = result_of("http://n", "eth_call", answer).unwrap_err();
        assert_eq!(error.code(), Some(3));
        assert_eq!(error.data(), Some(&json!("0x1234")));
        assert_eq!(error.to_string(), "http://n refused eth_call: error 3: execution reverted (0x1234)");
    }

    #[test]
    fn a_result_is_returned_and_an_answer_without_one_is_garbled() {
        assert_eq!(result_of("u", "m", json!({"id": 1, "result": "0x1"})).unwrap(), json!("0x1"));
        // `null` is a result (a missing receipt), not a missing one.
        assert_eq!(result_of("u", "m", json!({"id": 1, "result": null})).unwrap(), Value::Null);
        let error = result_of("u", "m", json!({"id": 1})).unwrap_err();
        assert!(matches!(error, RpcError::Garbled { .. }), "{error:?}");
    }

    #[test]
    fn a_closed_port_is_unreachable_and_named() {
        // Bind then drop: the port is free and nothing listens on it.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let error = Endpoint::new(url.clone()).call("eth_chainId", json!([])).unwrap_err();
        assert!(matches!(&error, RpcError::Unreachable { url: u, method, .. } if *u == url && method == "eth_chainId"));
    }
}
