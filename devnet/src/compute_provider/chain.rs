//! The provider's view of the chain: the `InferenceServing` ABI (0G's names and struct
//! layouts, see contracts/src/compute/InferenceServing.sol), blocking JSON-RPC reads
//! (`eth_call`) and the provider's own transactions.
//!
//! Transactions go through `eth_sendTransaction` from the provider's address, which the
//! devnet's anvil holds unlocked (a dev account): this process never holds the provider's
//! chain key. It does hold the TEE signer key, which only signs answers and settlements.

use std::time::{Duration, Instant};

use alloy_primitives::{hex, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolError};
use devnet::jsonrpc::{Endpoint, RpcError};
use serde_json::{json, Value};

pub mod abi {
    pub use zg_abi::inference_serving::InferenceServing::*;
    pub use zg_abi::inference_serving::TEESettlement;
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ChainError {
    #[error("the EVM node: {0}")]
    Rpc(#[from] RpcError),
    #[error("the call reverted{}", revert_text(.0))]
    Reverted(Vec<u8>),
    #[error("transaction {hash} {what}")]
    Transaction { hash: String, what: String },
}

fn revert_text(data: &[u8]) -> String {
    if let Ok(e) = abi::AccountNotExists::abi_decode(data) {
        return format!(": no sub-account of {} with provider {}", e.user, e.provider);
    }
    if let Ok(e) = abi::ServiceNotExist::abi_decode(data) {
        return format!(": provider {} has no service", e.provider);
    }
    if data.is_empty() {
        String::new()
    } else {
        format!(" with data 0x{}", hex::encode(data))
    }
}

impl ChainError {
    /// True when `getAccount` reverted because the sub-account does not exist.
    pub fn is_missing_account(&self) -> bool {
        matches!(self, ChainError::Reverted(data) if abi::AccountNotExists::abi_decode(data).is_ok())
    }
}

/// A blocking JSON-RPC client bound to one serving contract and one provider address.
#[derive(Clone)]
pub struct Chain {
    rpc: Endpoint,
    pub serving: Address,
    pub provider: Address,
}

impl Chain {
    pub fn new(url: &str, serving: Address, provider: Address) -> Chain {
        Chain { rpc: Endpoint::new(url), serving, provider }
    }

    fn request(&self, method: &'static str, params: Value) -> Result<Value, ChainError> {
        Ok(self.rpc.call(method, params)?)
    }

    fn garbled(&self, method: &str, detail: String) -> ChainError {
        RpcError::garbled(self.rpc.url(), method, detail).into()
    }

    pub fn chain_id(&self) -> Result<u64, ChainError> {
        let id = self.request("eth_chainId", json!([]))?;
        quantity(&id).ok_or_else(|| self.garbled("eth_chainId", id.to_string()))
    }

    /// `eth_call` against the serving contract at the latest block.
    pub fn view<C: SolCall>(&self, call: &C) -> Result<C::Return, ChainError> {
        let tx =
            json!({"from": self.provider, "to": self.serving, "data": format!("0x{}", hex::encode(call.abi_encode()))});
        match self.rpc.call("eth_call", json!([tx, "latest"])) {
            Ok(answer) => {
                let bytes = answer.as_str().and_then(|s| hex::decode(s).ok()).unwrap_or_default();
                C::abi_decode_returns(&bytes).map_err(|e| self.garbled("eth_call", format!("{}: {e}", C::SIGNATURE)))
            }
            // anvil reports a revert as error 3 with the revert data.
            Err(error) if error.code() == Some(3) => Err(ChainError::Reverted(
                error.data().and_then(Value::as_str).and_then(|s| hex::decode(s).ok()).unwrap_or_default(),
            )),
            Err(error) => Err(error.into()),
        }
    }

    pub fn service(&self) -> Result<abi::Service, ChainError> {
        self.view(&abi::getServiceCall { provider: self.provider })
    }

    pub fn account(&self, user: Address) -> Result<abi::Account, ChainError> {
        self.view(&abi::getAccountCall { user, provider: self.provider })
    }

    /// Sends a transaction from the provider to the serving contract and waits (30 s) until
    /// it is mined; returns the receipt. A reverted transaction is an error.
    pub fn send(&self, data: Vec<u8>, value: U256) -> Result<Value, ChainError> {
        let tx = json!({
            "from": self.provider, "to": self.serving, "data": format!("0x{}", hex::encode(data)),
            "value": format!("0x{value:x}"), "gas": "0x1000000",
        });
        let hash = self.request("eth_sendTransaction", json!([tx]))?;
        let hash_text = hash.as_str().unwrap_or_default().to_owned();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let receipt = self.request("eth_getTransactionReceipt", json!([hash]))?;
            if !receipt.is_null() {
                if receipt["status"] != "0x1" {
                    return Err(ChainError::Transaction { hash: hash_text, what: "reverted".into() });
                }
                return Ok(receipt);
            }
            if Instant::now() > deadline {
                return Err(ChainError::Transaction { hash: hash_text, what: "was not mined within 30 s".into() });
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Registers or updates the provider's service (staking on first registration).
    pub fn register(&self, params: abi::ServiceParams, stake: U256) -> Result<(), ChainError> {
        let staked = self.view(&abi::providerStakeCall(self.provider))?;
        let value = if staked.is_zero() { stake } else { U256::ZERO };
        self.send(abi::addOrUpdateServiceCall { params }.abi_encode(), value).map(|_| ())
    }

    /// Submits settlements; returns each entry's status (0 = SUCCESS … 5 =
    /// INVALID_SIGNATURE) and unsettled amount, read from the receipt's events.
    pub fn settle(&self, settlements: Vec<abi::TEESettlementData>) -> Result<Vec<(Address, u8, U256)>, ChainError> {
        let receipt = self.send(abi::settleFeesWithTEECall { settlements }.abi_encode(), U256::ZERO)?;
        let topic = <abi::TEESettlementResult as alloy_sol_types::SolEvent>::SIGNATURE_HASH;
        let mut results = Vec::new();
        for log in receipt["logs"].as_array().into_iter().flatten() {
            let topics: Vec<B256> = serde_json::from_value(log["topics"].clone()).unwrap_or_default();
            if topics.first() != Some(&topic) || topics.len() < 2 {
                continue;
            }
            let data: Bytes = serde_json::from_value(log["data"].clone()).unwrap_or_default();
            if data.len() >= 64 {
                let user = Address::from_slice(&topics[1][12..]);
                let status = data[31];
                let unsettled = U256::from_be_slice(&data[32..64]);
                results.push((user, status, unsettled));
            }
        }
        Ok(results)
    }
}

fn quantity(v: &Value) -> Option<u64> {
    u64::from_str_radix(v.as_str()?.trim_start_matches("0x"), 16).ok()
}
