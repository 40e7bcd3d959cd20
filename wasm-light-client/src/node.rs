//! The node's methods the provider reads through, typed: heads, headers, proofs, code,
//! receipts. [`EthNode`] is what [`crate::provider::VerifiedProvider`] is written
//! against; every [`JsonRpcTransport`] is one (the JSON-RPC form of each method is here,
//! and nowhere else), and so is [`crate::memory::MemoryNode`], which answers from memory.
//!
//! Nothing here verifies anything: a header is hashed (that is how it is read), a proof
//! is decoded, and the provider decides what either is worth.

use alloy_consensus::ReceiptEnvelope;
use alloy_primitives::{Address, Bytes, Log, TxKind, B256, U256};
use serde_json::{json, Value};

use crate::account::AccountProofResponse;
use crate::call::CallRequest;
use crate::header::{parse_rpc_header, HeaderError, VerifiedHash};
use crate::inclusion::parse_receipts;
use crate::provider::{JsonRpcTransport, TransportError};

/// Why a node's answer could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    /// It did not answer, or refused.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// A header it served is malformed or not the one it claims to be.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// It answered with something that is not what was asked for.
    #[error("the node answered {method} with something unexpected: {detail}")]
    BadAnswer { method: &'static str, detail: String },
}

/// An account with the storage slots wanted from it, as `eth_getProof` asks.
pub type ProofRequest = (Address, Vec<B256>);

/// The accounts and slots a node guesses a call touches (`eth_createAccessList`).
pub type AccessList = Vec<(Address, Vec<U256>)>;

/// An EVM node, as the light client reads it. Methods taking several items answer in
/// one round trip where the node allows it, in the order asked.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait EthNode {
    /// How the UI names this node when nodes disagree (its host, say).
    fn endpoint(&self) -> String;

    async fn block_number(&self) -> Result<u64, NodeError>;

    async fn chain_id(&self) -> Result<u64, NodeError>;

    /// The header with this hash, hashed here; `None` when the node does not know it.
    async fn header_by_hash(&self, hash: B256) -> Result<Option<VerifiedHash>, NodeError>;

    /// Headers `from..=to`, each hashed here; `None` where the node has no such block.
    async fn headers(&self, from: u64, to: u64) -> Result<Vec<Option<VerifiedHash>>, NodeError>;

    /// `eth_getProof` at `block` for each request.
    async fn proofs(&self, block: u64, requests: &[ProofRequest]) -> Result<Vec<AccountProofResponse>, NodeError>;

    /// The code of each address at `block`.
    async fn codes(&self, block: u64, addresses: &[Address]) -> Result<Vec<Bytes>, NodeError>;

    /// The block the node says holds transaction `tx`; `None` while it knows no receipt.
    async fn receipt_block(&self, tx: B256) -> Result<Option<u64>, NodeError>;

    /// Every receipt of each block.
    async fn block_receipts(&self, blocks: &[u64]) -> Result<Vec<Vec<ReceiptEnvelope<Log>>>, NodeError>;

    /// The first `count` transactions of `block`, as signed and encoded.
    async fn raw_transactions(&self, block: u64, count: usize) -> Result<Vec<Bytes>, NodeError>;

    /// What the node guesses `request` touches at `block`.
    async fn access_list(&self, request: &CallRequest, block: u64) -> Result<AccessList, NodeError>;

    /// Balance and nonce as the node reports them, for endpoints that cannot prove them.
    async fn balance_and_nonce(&self, address: Address, block: u64) -> Result<(U256, u64), NodeError>;
}

fn tag(block: u64) -> String {
    format!("0x{block:x}")
}

fn bad(method: &'static str, detail: impl Into<String>) -> NodeError {
    NodeError::BadAnswer { method, detail: detail.into() }
}

fn quantity(method: &'static str, answer: &Value) -> Result<u64, NodeError> {
    answer.as_str().and_then(|s| crate::serde_hex::parse_u64(s).ok()).ok_or_else(|| bad(method, answer.to_string()))
}

/// The JSON-RPC form of each method, over any transport.
impl<T: JsonRpcTransport> EthNode for T {
    fn endpoint(&self) -> String {
        JsonRpcTransport::endpoint(self)
    }

    async fn block_number(&self) -> Result<u64, NodeError> {
        quantity("eth_blockNumber", &self.request("eth_blockNumber", json!([])).await?)
    }

    async fn chain_id(&self) -> Result<u64, NodeError> {
        quantity("eth_chainId", &self.request("eth_chainId", json!([])).await?)
    }

    async fn header_by_hash(&self, hash: B256) -> Result<Option<VerifiedHash>, NodeError> {
        let block = self.request("eth_getBlockByHash", json!([hash, false])).await?;
        Ok(if block.is_null() { None } else { Some(parse_rpc_header(&block)?) })
    }

    async fn headers(&self, from: u64, to: u64) -> Result<Vec<Option<VerifiedHash>>, NodeError> {
        let calls = (from..=to).map(|n| ("eth_getBlockByNumber", json!([tag(n), false]))).collect();
        let blocks = self.batch(calls).await?;
        Ok(blocks
            .iter()
            .map(|b| if b.is_null() { Ok(None) } else { parse_rpc_header(b).map(Some) })
            .collect::<Result<_, _>>()?)
    }

    async fn proofs(&self, block: u64, requests: &[ProofRequest]) -> Result<Vec<AccountProofResponse>, NodeError> {
        let calls =
            requests.iter().map(|(address, keys)| ("eth_getProof", json!([address, keys, tag(block)]))).collect();
        let answers = self.batch(calls).await?;
        answers
            .into_iter()
            .map(|a| serde_json::from_value(a).map_err(|e| bad("eth_getProof", format!("a malformed proof: {e}"))))
            .collect()
    }

    async fn codes(&self, block: u64, addresses: &[Address]) -> Result<Vec<Bytes>, NodeError> {
        let calls = addresses.iter().map(|a| ("eth_getCode", json!([a, tag(block)]))).collect();
        let answers = self.batch(calls).await?;
        answers
            .into_iter()
            .map(|a| serde_json::from_value(a).map_err(|_| bad("eth_getCode", "not hex bytes")))
            .collect()
    }

    async fn receipt_block(&self, tx: B256) -> Result<Option<u64>, NodeError> {
        let receipt = self.request("eth_getTransactionReceipt", json!([tx])).await?;
        if receipt.is_null() {
            return Ok(None);
        }
        // Only the block number is taken from the node's receipt, as a place to look.
        let number = receipt.get("blockNumber").ok_or_else(|| bad("eth_getTransactionReceipt", "no block number"))?;
        quantity("eth_getTransactionReceipt", number).map(Some)
    }

    async fn block_receipts(&self, blocks: &[u64]) -> Result<Vec<Vec<ReceiptEnvelope<Log>>>, NodeError> {
        let calls = blocks.iter().map(|n| ("eth_getBlockReceipts", json!([tag(*n)]))).collect();
        let answers = self.batch(calls).await?;
        answers
            .iter()
            .zip(blocks)
            .map(|(answer, n)| {
                let list =
                    answer.as_array().ok_or_else(|| bad("eth_getBlockReceipts", format!("no list for block {n}")))?;
                parse_receipts(list).map_err(|e| bad("eth_getBlockReceipts", e.to_string()))
            })
            .collect()
    }

    async fn raw_transactions(&self, block: u64, count: usize) -> Result<Vec<Bytes>, NodeError> {
        let calls = (0..count)
            .map(|i| ("eth_getRawTransactionByBlockNumberAndIndex", json!([tag(block), format!("0x{i:x}")])))
            .collect();
        let answers = self.batch(calls).await?;
        answers
            .into_iter()
            .map(|a| {
                serde_json::from_value(a)
                    .map_err(|_| bad("eth_getRawTransactionByBlockNumberAndIndex", "not hex bytes"))
            })
            .collect()
    }

    async fn access_list(&self, request: &CallRequest, block: u64) -> Result<AccessList, NodeError> {
        let mut call = json!({ "data": request.data, "value": format!("0x{:x}", request.value) });
        if let TxKind::Call(to) = request.to {
            call["to"] = json!(to);
        }
        if let Some(from) = request.from {
            call["from"] = json!(from);
        }
        let answer = self.request("eth_createAccessList", json!([call, tag(block)])).await?;
        let list =
            answer.get("accessList").and_then(Value::as_array).ok_or_else(|| bad("eth_createAccessList", "no list"))?;
        Ok(list
            .iter()
            .filter_map(|entry| {
                let address: Address = serde_json::from_value(entry.get("address")?.clone()).ok()?;
                let keys: Vec<B256> = serde_json::from_value(entry.get("storageKeys")?.clone()).ok()?;
                Some((address, keys.into_iter().map(|k| U256::from_be_bytes(k.0)).collect()))
            })
            .collect())
    }

    async fn balance_and_nonce(&self, address: Address, block: u64) -> Result<(U256, u64), NodeError> {
        let answers = self
            .batch(vec![
                ("eth_getBalance", json!([address, tag(block)])),
                ("eth_getTransactionCount", json!([address, tag(block)])),
            ])
            .await?;
        let balance = answers
            .first()
            .and_then(Value::as_str)
            .and_then(|s| crate::serde_hex::parse_u256(s).ok())
            .ok_or_else(|| bad("eth_getBalance", "not a quantity"))?;
        let nonce = quantity("eth_getTransactionCount", answers.get(1).unwrap_or(&Value::Null))?;
        Ok((balance, nonce))
    }
}
