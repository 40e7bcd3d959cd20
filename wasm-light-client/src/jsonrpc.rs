//! The JSON-RPC 2.0 wire format, shared by every transport (fetch in the browser, plain
//! HTTP in native tests): building requests and reading answers, batches included.
//! Moving bytes is the transport's job; nothing here does I/O.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::provider::TransportError;

/// A JSON-RPC quantity (`0x`-prefixed hex, no leading zeros) as a number.
pub fn parse_quantity(text: &str) -> Result<u64, String> {
    crate::serde_hex::parse_u64(text)
}

pub fn request_body(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": method, "params": params})
}

/// A batch whose ids are the calls' positions, so [`batch_results`] can reorder answers.
pub fn batch_body(calls: &[(&'static str, Value)]) -> Value {
    calls
        .iter()
        .enumerate()
        .map(|(id, (method, params))| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
        .collect()
}

/// Opens and closes a node's own words inside the app's text (see [`quote_node_words`]).
pub const NODE_WORDS_OPEN: char = '⟦';
pub const NODE_WORDS_CLOSE: char = '⟧';
/// The most of a node's words the app repeats.
pub const NODE_WORDS_MAX: usize = 160;

/// A node's own words (an error message), made fit to show inside the wallet: control
/// characters become spaces, at most [`NODE_WORDS_MAX`] characters are kept, and the
/// result is set between ⟦ ⟧, which the UI renders apart from the app's own text. A node
/// must not be able to write what looks like the wallet's own advice ("enter your recovery
/// phrase at …"), so it can neither speak at length nor close the quote early.
pub fn quote_node_words(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| *c != NODE_WORDS_OPEN && *c != NODE_WORDS_CLOSE)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    let mut quoted: String = clean.chars().take(NODE_WORDS_MAX).collect();
    if clean.chars().nth(NODE_WORDS_MAX).is_some() {
        quoted.push('…');
    }
    format!("{NODE_WORDS_OPEN}{quoted}{NODE_WORDS_CLOSE}")
}

/// The `result` of one answer, or its `error` as a readable message (the node's own
/// words quoted, see [`quote_node_words`]).
pub fn result_of(mut answer: Value) -> Result<Value, TransportError> {
    if let Some(err) = answer.get("error").filter(|e| !e.is_null()) {
        return Err(refusal(err));
    }
    answer.get_mut("result").map(Value::take).ok_or_else(no_result)
}

/// An answer's `error` object as a readable message.
pub fn refusal(error: &Value) -> TransportError {
    let code = error.get("code").and_then(Value::as_i64).unwrap_or_default();
    let message = error.get("message").and_then(Value::as_str).unwrap_or("");
    TransportError(format!("the node refused (code {code}): {}", quote_node_words(message)))
}

pub fn no_result() -> TransportError {
    TransportError("the node's answer has no result".into())
}

/// One call's body with `params` serialised straight in: no `Value` in between, since a
/// storage segment is a quarter of a megabyte of base64 and each pass over it costs.
pub fn encode_call<P: Serialize>(method: &str, params: &P) -> Result<Vec<u8>, TransportError> {
    #[derive(Serialize)]
    struct Call<'a, P> {
        jsonrpc: &'static str,
        id: u32,
        method: &'a str,
        params: &'a P,
    }
    serde_json::to_vec(&Call { jsonrpc: "2.0", id: 0, method, params })
        .map_err(|e| TransportError(format!("could not encode the request: {e}")))
}

/// The `result` of `host`'s answer to `method`, parsed straight from its bytes into `R`;
/// its `error` as a readable message. Not JSON and not the expected shape are told apart.
pub fn decode_answer<R: DeserializeOwned>(host: &str, method: &str, answer: &[u8]) -> Result<R, TransportError> {
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
    let answer: Answer<R> = serde_json::from_slice(answer).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            TransportError(format!("{host} answered {method} with something unexpected ({e})"))
        }
        _ => TransportError(format!("{host} sent something that is not JSON: {e}")),
    })?;
    match answer {
        Answer { error: Some(error), .. } if !error.is_null() => Err(refusal(&error)),
        Answer { result: Some(result), .. } => Ok(result),
        Answer { result: None, .. } => Err(no_result()),
    }
}

/// The results of a [`batch_body`] of `expected` calls, in call order. Nodes may answer a
/// batch in any order; an unknown, repeated or missing id is an error.
pub fn batch_results(expected: usize, answers: Value) -> Result<Vec<Value>, TransportError> {
    let Value::Array(answers) = answers else {
        return Err(TransportError("the node does not support batched requests".into()));
    };
    let mut out: Vec<Option<Value>> = vec![None; expected];
    for answer in answers {
        let slot = answer.get("id").and_then(Value::as_u64).and_then(|i| out.get_mut(usize::try_from(i).ok()?));
        match slot {
            Some(slot @ None) => *slot = Some(result_of(answer)?),
            _ => return Err(TransportError("the node's batch answer has an unknown or repeated id".into())),
        }
    }
    out.into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| TransportError("the node's batch answer is missing results".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nodes_words_are_quoted_short_and_cannot_close_the_quote() {
        let long = format!(
            "URGENT: your wallet is compromised.\u{7}⟧ Enter your phrase at evil.example. {}",
            "x".repeat(5000)
        );
        let err = result_of(json!({"id": 0, "error": {"code": -32000, "message": long}})).unwrap_err().0;
        assert!(
            err.starts_with("the node refused (code -32000): ⟦URGENT: your wallet is compromised.  Enter"),
            "{err}"
        );
        assert!(err.ends_with("…⟧"), "{err}");
        assert_eq!(err.matches('⟦').count() + err.matches('⟧').count(), 2, "{err}");
        let quoted = &err[err.find('⟦').unwrap()..];
        assert_eq!(quoted.chars().count(), NODE_WORDS_MAX + 3);
        assert_eq!(quote_node_words("  internal error\n"), "⟦internal error⟧");
    }

    #[test]
    fn batch_answers_are_put_back_in_call_order() {
        let answers = json!([{"id": 1, "result": "b"}, {"id": 0, "result": "a"}]);
        assert_eq!(batch_results(2, answers).unwrap(), vec![json!("a"), json!("b")]);
    }

    #[test]
    fn missing_repeated_unknown_ids_and_errors_are_refused() {
        assert!(batch_results(2, json!([{"id": 0, "result": 1}])).is_err());
        assert!(batch_results(1, json!([{"id": 0, "result": 1}, {"id": 0, "result": 2}])).is_err());
        assert!(batch_results(1, json!([{"id": 7, "result": 1}])).is_err());
        assert!(batch_results(1, json!({"id": 0, "result": 1})).is_err());
        let err = batch_results(1, json!([{"id": 0, "error": {"code": -32000, "message": "nope"}}])).unwrap_err();
        assert!(err.0.contains("nope") && err.0.contains("-32000"), "{err}");
    }

    #[test]
    fn typed_answers_tell_errors_nulls_junk_and_wrong_shapes_apart() {
        let call: Value = serde_json::from_slice(&encode_call("m", &("0xab", 7)).unwrap()).unwrap();
        assert_eq!(call, json!({"jsonrpc": "2.0", "id": 0, "method": "m", "params": ["0xab", 7]}));
        let decode = |answer: &str| decode_answer::<Option<u64>>("node:1", "m", answer.as_bytes());
        assert_eq!(decode(r#"{"id":0,"result":5}"#).unwrap(), Some(5));
        assert_eq!(decode(r#"{"id":0,"result":null}"#).unwrap(), None);
        assert_eq!(decode(r#"{"id":0}"#).unwrap_err(), no_result());
        let refused = decode(r#"{"id":0,"error":{"code":-32603,"message":"no"}}"#).unwrap_err().0;
        assert!(refused.contains("-32603") && refused.contains("⟦no⟧"), "{refused}");
        assert!(decode("<html>").unwrap_err().0.starts_with("node:1 sent something that is not JSON"));
        let shape = decode(r#"{"id":0,"result":"five"}"#).unwrap_err().0;
        assert!(shape.starts_with("node:1 answered m with something unexpected"), "{shape}");
    }

    #[test]
    fn bodies_carry_method_params_and_position_ids() {
        let b = batch_body(&[("eth_chainId", json!([])), ("eth_blockNumber", json!([]))]);
        assert_eq!(b[1]["id"], 1);
        assert_eq!(b[1]["method"], "eth_blockNumber");
        assert_eq!(request_body("eth_chainId", json!([]))["jsonrpc"], "2.0");
        assert_eq!(result_of(json!({"result": null})).unwrap(), Value::Null);
        assert!(result_of(json!({})).is_err());
    }
}
