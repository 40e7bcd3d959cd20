//! Dapps using the wallet: zg-console as an EIP-1193 provider to other web pages.
//!
//! A dapp's page loads `zg-provider.js` from the wallet's own address; the provider opens
//! zg-console in a popup window and the two talk by `postMessage` (announced the EIP-6963
//! way, beside whatever other wallets the browser has). The wallet thus keeps its keys and
//! its light client in its own origin, and the dapp sees only answers.
//!
//! Here are the pure parts: the messages on the wire, what a request asks
//! ([`request`]), and which sites are connected with which accounts ([`sites`]). The
//! window, the approvals and the answers themselves live in the app.
//!
//! The wire, all messages objects with a `type`:
//! - wallet → opener, once loaded: `{type: "zg-console:ready"}` (target `*`: it carries
//!   nothing);
//! - dapp → wallet: `{type: "zg-console:request", id, method, params}`;
//! - wallet → dapp, to the requesting origin only: `{type: "zg-console:response", id,
//!   result}` or `{…, id, error: {code, message}}`;
//! - wallet → dapp: `{type: "zg-console:event", event, data}`, the event being
//!   `accountsChanged`, `chainChanged` or `disconnect`.

use alloy_primitives::Address;
use serde_json::{json, Number, Value};

pub mod request;
pub mod sites;

use request::{accounts_json, chain_id_hex, DappError};

pub const READY: &str = "zg-console:ready";
pub const REQUEST: &str = "zg-console:request";
pub const RESPONSE: &str = "zg-console:response";
pub const EVENT: &str = "zg-console:event";

/// A dapp's request as `postMessage` delivered it, before [`request::DappRequest::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The provider's number for the request, given back with the answer as it came.
    pub id: Number,
    pub method: String,
    /// `null` when the dapp sent none.
    pub params: Value,
}

/// The request in a message's `data`, or `None` for anything else: other scripts on the
/// page post messages too, and one without an id could not be answered anyway.
pub fn incoming(data: &Value) -> Option<Incoming> {
    if data.get("type")?.as_str()? != REQUEST {
        return None;
    }
    let id = data.get("id")?.as_number()?.clone();
    let method = data.get("method")?.as_str()?.to_string();
    let params = data.get("params").cloned().unwrap_or(Value::Null);
    Some(Incoming { id, method, params })
}

/// The message saying the wallet's window is ready for requests.
pub fn ready() -> Value {
    json!({ "type": READY })
}

/// The answer to request `id`.
pub fn response(id: &Number, answer: Result<Value, DappError>) -> Value {
    match answer {
        Ok(result) => json!({ "type": RESPONSE, "id": id, "result": result }),
        Err(error) => json!({ "type": RESPONSE, "id": id, "error": error.to_json() }),
    }
}

/// What the wallet tells a connected site without being asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DappEvent {
    /// The site's accounts now, `[]` once it is disconnected.
    AccountsChanged(Vec<Address>),
    /// The wallet moved to another network.
    ChainChanged(u64),
    /// The wallet can no longer answer (its network is unreachable, say).
    Disconnect(DappError),
}

/// The message carrying `event`.
pub fn event(event: &DappEvent) -> Value {
    let (name, data) = match event {
        DappEvent::AccountsChanged(accounts) => ("accountsChanged", accounts_json(accounts)),
        DappEvent::ChainChanged(chain_id) => ("chainChanged", Value::String(chain_id_hex(*chain_id))),
        DappEvent::Disconnect(error) => ("disconnect", error.to_json()),
    };
    json!({ "type": EVENT, "event": name, "data": data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_message_is_read_and_anything_else_ignored() {
        let data = json!({"type": REQUEST, "id": 7, "method": "eth_chainId"});
        assert_eq!(
            incoming(&data),
            Some(Incoming { id: Number::from(7), method: "eth_chainId".into(), params: Value::Null })
        );
        let with_params = json!({"type": REQUEST, "id": 8, "method": "eth_getBalance", "params": ["0x1"]});
        assert_eq!(incoming(&with_params).map(|m| m.params), Some(json!(["0x1"])));
        for other in [
            json!({"type": READY}),
            json!({"type": REQUEST, "method": "eth_chainId"}),
            json!({"type": REQUEST, "id": "7", "method": "eth_chainId"}),
            json!({"type": REQUEST, "id": 7, "method": 1}),
            json!({"id": 7, "method": "eth_chainId"}),
            json!("zg-console:request"),
        ] {
            assert_eq!(incoming(&other), None, "{other}");
        }
    }

    #[test]
    fn answers_and_events_on_the_wire() {
        let id = Number::from(3);
        assert_eq!(ready(), json!({"type": "zg-console:ready"}));
        assert_eq!(response(&id, Ok(json!("0x40da"))), json!({"type": RESPONSE, "id": 3, "result": "0x40da"}));
        assert_eq!(response(&id, Ok(Value::Null)), json!({"type": RESPONSE, "id": 3, "result": null}));
        let refused = response(&id, Err(DappError::UserRejected));
        assert_eq!(refused["error"]["code"], json!(4001));
        assert_eq!(refused.get("result"), None);
        let accounts = event(&DappEvent::AccountsChanged(vec![Address::repeat_byte(0xab)]));
        assert_eq!(
            accounts,
            json!({"type": EVENT, "event": "accountsChanged", "data": [format!("0x{}", "ab".repeat(20))]})
        );
        assert_eq!(event(&DappEvent::ChainChanged(16_602))["data"], json!("0x40da"));
        let gone = event(&DappEvent::Disconnect(DappError::Disconnected));
        assert_eq!((gone["event"].clone(), gone["data"]["code"].clone()), (json!("disconnect"), json!(4900)));
    }
}
