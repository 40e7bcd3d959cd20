//! The faucet: turns `{"address":"0x…"}` into a 10 0G transfer from anvil's dev account #0.
//!
//! Owns input validation and the transaction it sends; HTTP status mapping lives in
//! `http.rs`. Account #0 is unlocked in anvil, so anvil signs the transaction itself and
//! no key is handled here.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::json;

use devnet::jsonrpc::{Endpoint, RpcError};

/// 10 0G, in wei.
pub const AMOUNT_WEI: u128 = 10_000_000_000_000_000_000;
/// anvil's dev account #0 for the "test test … junk" mnemonic.
pub const DEV_ACCOUNT_0: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// Bigger bodies are not faucet requests; refusing them bounds what a request can cost.
pub const MAX_BODY: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum FaucetError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the devnet node did not send the faucet transaction: {0}")]
    Node(#[from] RpcError),
}

#[derive(Deserialize)]
struct DripRequest {
    address: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Drip {
    pub tx_hash: String,
    pub amount_wei: String,
}

pub struct Faucet {
    rpc: Endpoint,
    // One transfer at a time: every drip spends from the same account, and serialising
    // them keeps anvil's nonce assignment trivially in order.
    sending: Mutex<()>,
}

impl Faucet {
    pub fn new(rpc: Endpoint) -> Faucet {
        Faucet { rpc, sending: Mutex::new(()) }
    }

    /// Validates a request body and sends the transfer; returns once anvil accepted it
    /// (it is mined with the next block).
    pub fn drip(&self, body: &[u8]) -> Result<Drip, FaucetError> {
        let request: DripRequest = serde_json::from_slice(body).map_err(|_| {
            FaucetError::BadRequest(
                r#"send a JSON body like {"address":"0x…"} with Content-Type: application/json"#.into(),
            )
        })?;
        let to = parse_address(&request.address)?;
        let tx = json!({"from": DEV_ACCOUNT_0, "to": to, "value": format!("0x{AMOUNT_WEI:x}")});
        let _one_at_a_time = self.sending.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let hash = self.rpc.call("eth_sendTransaction", json!([tx]))?;
        let tx_hash = hash.as_str().map(str::to_owned).ok_or_else(|| {
            RpcError::garbled(self.rpc.url(), "eth_sendTransaction", format!("expected a transaction hash, got {hash}"))
        })?;
        Ok(Drip { tx_hash, amount_wei: AMOUNT_WEI.to_string() })
    }
}

/// A 20-byte hex address, `0x` and all; returned lower-cased.
pub fn parse_address(input: &str) -> Result<String, FaucetError> {
    let input = input.trim();
    let valid = input.len() == 42
        && (input.starts_with("0x") || input.starts_with("0X"))
        && input[2..].bytes().all(|b| b.is_ascii_hexdigit());
    if valid {
        Ok(format!("0x{}", input[2..].to_ascii_lowercase()))
    } else {
        Err(FaucetError::BadRequest(format!(
            "{input:?} is not an address: give 0x followed by 40 hex digits (20 bytes), e.g. {DEV_ACCOUNT_0}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_20_byte_hex_in_any_case() {
        assert_eq!(parse_address(DEV_ACCOUNT_0).unwrap(), DEV_ACCOUNT_0.to_ascii_lowercase());
        assert!(parse_address(" 0XABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD ").is_ok());
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "0x",
            "f39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0x1234",
            "0xg39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        ] {
            assert!(matches!(parse_address(bad), Err(FaucetError::BadRequest(_))), "{bad}");
        }
        let long = format!("{DEV_ACCOUNT_0}00");
        assert!(parse_address(&long).is_err());
    }

    #[test]
    fn amount_is_ten_0g() {
        assert_eq!(AMOUNT_WEI, 10u128.pow(19));
    }
}
