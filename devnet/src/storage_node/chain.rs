//! What the storage node reads from the chain: the Flow contract's `Submit` events, found by
//! polling `eth_getLogs`, and the file roots they announce.
//!
//! A node learns of a file only from the chain, so an uploader cannot make it store data
//! nobody paid for: the root a segment is checked against is rebuilt here from the event.

use alloy_primitives::{keccak256, Address, B256};
use alloy_sol_types::{SolCall, SolEvent};
use devnet::jsonrpc::{Endpoint, RpcError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use wasm_light_client::storage::SubmissionNode;

mod abi {
    pub use zg_abi::flow::Flow::{firstBlockCall, Submit};
}

/// Blocks asked for per `eth_getLogs`, so a long catch-up never hits a node's range limit.
const MAX_LOG_RANGE: u64 = 2000;

#[derive(Debug, Clone, thiserror::Error)]
pub enum ChainError {
    #[error("{0} (is the devnet's anvil running at --rpc?)")]
    Rpc(#[from] RpcError),
    #[error(
        "no Flow contract answers firstBlock() at {0}; pass the `contracts.flow` address from zg-devnet's ready line"
    )]
    NotFlow(Address),
    #[error("a Submit event in block {block} does not decode ({detail}); is --flow really a Flow contract?")]
    BadEvent { block: u64, detail: String },
}

/// One file announced by a `Submit` event: 0G's `Transaction` as far as a node needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileTx {
    pub seq: u64,
    pub root: B256,
    pub size: u64,
    pub start_entry_index: u64,
    pub nodes: Vec<SubmissionNode>,
    pub block: u64,
}

/// The file root a submission commits to. The nodes are the complete subtrees of 0G's
/// tree in descending size; in that tree a subtree paired with everything to its right
/// (the smaller ones, carried up unchanged until they meet it), so the root is their right
/// fold: `h(n0, h(n1, … h(n_{k-2}, n_{k-1})))`.
pub fn root_of_nodes(nodes: &[SubmissionNode]) -> Option<B256> {
    let (last, rest) = nodes.split_last()?;
    Some(rest.iter().rev().fold(last.root, |right, node| {
        let mut pair = [0u8; 64];
        pair[..32].copy_from_slice(node.root.as_slice());
        pair[32..].copy_from_slice(right.as_slice());
        keccak256(pair)
    }))
}

pub fn submit_topic() -> B256 {
    abi::Submit::SIGNATURE_HASH
}

/// A blocking JSON-RPC client for the EVM node.
#[derive(Clone)]
pub struct Chain {
    rpc: Endpoint,
    pub flow: Address,
}

/// The head block: where a scan may go up to.
pub struct Head {
    pub number: u64,
    pub hash: B256,
}

impl Chain {
    pub fn new(url: &str, flow: Address) -> Chain {
        Chain { rpc: Endpoint::new(url), flow }
    }

    fn call(&self, method: &'static str, params: Value) -> Result<Value, ChainError> {
        Ok(self.rpc.call(method, params)?)
    }

    fn garbled(&self, method: &str, detail: String) -> ChainError {
        RpcError::garbled(self.rpc.url(), method, detail).into()
    }

    pub fn chain_id(&self) -> Result<u64, ChainError> {
        let id = self.call("eth_chainId", json!([]))?;
        quantity(&id).ok_or_else(|| self.garbled("eth_chainId", id.to_string()))
    }

    /// The block the Flow contract was deployed in (its `firstBlock()`): where scans start.
    pub fn flow_first_block(&self) -> Result<u64, ChainError> {
        let data = format!("0x{}", alloy_primitives::hex::encode(abi::firstBlockCall {}.abi_encode()));
        let answer = self.call("eth_call", json!([{"to": self.flow, "data": data}, "latest"]))?;
        let bytes = answer.as_str().and_then(|s| alloy_primitives::hex::decode(s).ok()).unwrap_or_default();
        let block = abi::firstBlockCall::abi_decode_returns(&bytes).map_err(|_| ChainError::NotFlow(self.flow))?;
        u64::try_from(block).map_err(|_| ChainError::NotFlow(self.flow))
    }

    pub fn head(&self) -> Result<Head, ChainError> {
        self.block("latest")
    }

    pub fn block(&self, tag: &str) -> Result<Head, ChainError> {
        let method = "eth_getBlockByNumber";
        let block = self.call(method, json!([tag, false]))?;
        let number = block.get("number").and_then(quantity);
        let hash = block.get("hash").and_then(Value::as_str).and_then(|h| h.parse().ok());
        match (number, hash) {
            (Some(number), Some(hash)) => Ok(Head { number, hash }),
            _ => Err(self.garbled(method, format!("block {tag}: {block}"))),
        }
    }

    /// The Submit events in blocks `from..=to`, in chain order; `to - from` may be large.
    pub fn submits(&self, from: u64, to: u64) -> Result<Vec<FileTx>, ChainError> {
        let mut txs = Vec::new();
        let mut start = from;
        while start <= to {
            let end = to.min(start + MAX_LOG_RANGE - 1);
            let filter = json!({
                "address": self.flow,
                "fromBlock": format!("0x{start:x}"),
                "toBlock": format!("0x{end:x}"),
                "topics": [submit_topic()],
            });
            let logs = self.call("eth_getLogs", json!([filter]))?;
            let logs = logs.as_array().ok_or_else(|| self.garbled("eth_getLogs", logs.to_string()))?;
            for log in logs {
                txs.push(decode_submit(log)?);
            }
            start = end + 1;
        }
        Ok(txs)
    }
}

fn quantity(v: &Value) -> Option<u64> {
    u64::from_str_radix(v.as_str()?.strip_prefix("0x")?, 16).ok()
}

fn decode_submit(log: &Value) -> Result<FileTx, ChainError> {
    let block = log.get("blockNumber").and_then(quantity).unwrap_or_default();
    let bad = |detail: String| ChainError::BadEvent { block, detail };
    let topics: Vec<B256> = log
        .get("topics")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(|t| t.as_str()?.parse().ok()).collect())
        .unwrap_or_default();
    let data = log
        .get("data")
        .and_then(Value::as_str)
        .and_then(|d| alloy_primitives::hex::decode(d).ok())
        .ok_or_else(|| bad("no data".into()))?;
    let event = abi::Submit::decode_raw_log(topics, &data).map_err(|e| bad(e.to_string()))?;
    let small =
        |v: alloy_primitives::U256, what: &str| u64::try_from(v).map_err(|_| bad(format!("{what} {v} is too large")));
    let nodes = event
        .submission
        .nodes
        .iter()
        .map(|n| Ok(SubmissionNode { root: n.root, height: small(n.height, "height")? }))
        .collect::<Result<Vec<_>, ChainError>>()?;
    let root = root_of_nodes(&nodes).ok_or_else(|| bad("a submission without nodes".into()))?;
    Ok(FileTx {
        seq: small(event.submissionIndex, "submissionIndex")?,
        root,
        size: small(event.submission.length, "length")?,
        start_entry_index: small(event.startPos, "startPos")?,
        nodes,
        block,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_light_client::storage::{FileTree, SEGMENT_SIZE};

    fn content(size: usize) -> Vec<u8> {
        (0..size).map(|i| ((i * 131 + 17) % 253) as u8).collect()
    }

    /// The right fold of the submission nodes is the file root the light client's tree
    /// (checked against 0G's SDK) computes, across one node, several, sub-segment tails and
    /// carried odd subtrees.
    #[test]
    fn root_of_submission_nodes_is_the_file_root() {
        let sizes = [
            1,
            256,
            257,
            4096 + 1,
            17 * 256,
            33 * 256 + 100,
            SEGMENT_SIZE - 1,
            SEGMENT_SIZE,
            SEGMENT_SIZE + 1,
            SEGMENT_SIZE + 256 * 65,
            3 * SEGMENT_SIZE + 777,
        ];
        for size in sizes {
            let tree = FileTree::new(&content(size)).unwrap();
            let nodes = tree.submission_nodes();
            assert_eq!(root_of_nodes(&nodes), Some(tree.root()), "{size}-byte file, nodes {nodes:?}");
        }
        assert!(sizes.iter().any(|&s| FileTree::new(&content(s)).unwrap().submission_nodes().len() >= 3));
        assert_eq!(root_of_nodes(&[]), None);
    }

    #[test]
    fn decodes_a_submit_log() {
        let tree = FileTree::new(&content(3 * SEGMENT_SIZE + 777)).unwrap();
        let nodes = tree.submission_nodes();
        let event = abi::Submit {
            sender: Address::repeat_byte(1),
            identity: B256::repeat_byte(2),
            submissionIndex: alloy_primitives::U256::from(7),
            startPos: alloy_primitives::U256::from(4096),
            length: alloy_primitives::U256::from(4096),
            submission: zg_abi::flow::Flow::SubmissionData {
                length: alloy_primitives::U256::from(tree.size()),
                tags: Default::default(),
                nodes: nodes
                    .iter()
                    .map(|n| zg_abi::flow::Flow::SubmissionNode {
                        root: n.root,
                        height: alloy_primitives::U256::from(n.height),
                    })
                    .collect(),
            },
        };
        let log_data = event.encode_log_data();
        let log = json!({
            "blockNumber": "0x2a",
            "topics": log_data.topics(),
            "data": format!("0x{}", alloy_primitives::hex::encode(&log_data.data)),
        });
        let tx = decode_submit(&log).unwrap();
        assert_eq!(
            tx,
            FileTx { seq: 7, root: tree.root(), size: tree.size(), start_entry_index: 4096, nodes, block: 42 }
        );
        assert!(decode_submit(&json!({"blockNumber": "0x1", "topics": [], "data": "0x"})).is_err());
    }
}
