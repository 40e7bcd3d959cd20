//! An EVM node in memory, for testing the provider without a network: a chain of
//! synthetic headers that follow the devnet's rules, served over [`JsonRpcTransport`] the
//! way a node serves them (`eth_blockNumber`, `eth_getBlockByNumber`, `eth_getBlockByHash`,
//! `eth_chainId`, batches), and switched to another branch on command.
//!
//! Headers only: a method it does not serve is a transport error that names it, so a test
//! that reaches further than headers fails loudly instead of reading nothing.

use std::cell::{Cell, RefCell};

use alloy_consensus::{Header, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::eip1559::BaseFeeParams;
use alloy_primitives::{Bytes, B256};
use serde_json::{json, Value};

use crate::provider::{JsonRpcTransport, TransportError};

/// The genesis every [`MemoryNode`] starts from (fixed, so two nodes share it).
pub fn genesis() -> Header {
    Header {
        number: 0,
        gas_limit: 30_000_000,
        base_fee_per_gas: Some(1_000_000_000),
        timestamp: 1_700_000_000,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        ..Header::default()
    }
}

/// The child of `parent` that the devnet's rules accept: one second later, empty, its base
/// fee as EIP-1559 sets it. `branch` goes into `extra_data`, so two branches built on the
/// same parent differ in hash.
pub fn child(parent: &Header, branch: u8) -> Header {
    Header {
        parent_hash: parent.hash_slow(),
        number: parent.number + 1,
        gas_limit: parent.gas_limit,
        base_fee_per_gas: parent.next_block_base_fee(BaseFeeParams::ethereum()),
        timestamp: parent.timestamp + 1,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        extra_data: Bytes::from(vec![branch]),
        ..Header::default()
    }
}

/// An EVM node that holds one chain of headers in memory.
pub struct MemoryNode {
    name: String,
    chain: RefCell<Vec<Header>>,
    chain_id: u64,
    /// While set, every request fails as if the node were down.
    down: Cell<bool>,
}

impl MemoryNode {
    /// A node whose chain is genesis plus `blocks` blocks.
    pub fn new(name: &str, blocks: u64) -> MemoryNode {
        let node = MemoryNode {
            name: name.into(),
            chain: RefCell::new(vec![genesis()]),
            chain_id: 31337,
            down: Cell::new(false),
        };
        node.mine(blocks);
        node
    }

    /// The checkpoint a provider trusts: genesis' hash.
    pub fn genesis_hash(&self) -> B256 {
        self.chain.borrow()[0].hash_slow()
    }

    pub fn hash_at(&self, number: u64) -> B256 {
        self.chain.borrow()[number as usize].hash_slow()
    }

    /// Extends the chain by `blocks` blocks.
    pub fn mine(&self, blocks: u64) {
        self.mine_branch(blocks, 0);
    }

    fn mine_branch(&self, blocks: u64, branch: u8) {
        let mut chain = self.chain.borrow_mut();
        for _ in 0..blocks {
            let next = child(chain.last().expect("genesis is never removed"), branch);
            chain.push(next);
        }
    }

    /// Switches to another branch: the blocks above `fork` are replaced by `blocks` new
    /// ones tagged `branch` (nonzero, so they differ from the first branch).
    pub fn reorganise(&self, fork: u64, blocks: u64, branch: u8) {
        self.chain.borrow_mut().truncate(fork as usize + 1);
        self.mine_branch(blocks, branch);
    }

    /// Changes one header in place (after which the chain no longer links): what a node
    /// that lies about one block serves.
    pub fn tamper(&self, number: u64, f: impl FnOnce(&mut Header)) {
        f(&mut self.chain.borrow_mut()[number as usize]);
    }

    /// Copies another node's chain (a second endpoint of the same network).
    pub fn follow(&self, other: &MemoryNode) {
        *self.chain.borrow_mut() = other.chain.borrow().clone();
    }

    pub fn set_down(&self, down: bool) {
        self.down.set(down);
    }

    fn block_json(header: &Header) -> Value {
        let mut block = serde_json::to_value(header).expect("a header serialises");
        block["hash"] = json!(header.hash_slow());
        block
    }

    fn answer(&self, method: &str, params: &Value) -> Result<Value, TransportError> {
        if self.down.get() {
            return Err(TransportError(format!("{} did not answer {method}: connection refused", self.name)));
        }
        let chain = self.chain.borrow();
        let quantity = |v: &Value| v.as_str().and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
        match method {
            "eth_chainId" => Ok(json!(format!("0x{:x}", self.chain_id))),
            "eth_blockNumber" => Ok(json!(format!("0x{:x}", chain.len() - 1))),
            "eth_getBlockByNumber" => {
                let number = match &params[0] {
                    Value::String(tag) if tag == "latest" => Some(chain.len() as u64 - 1),
                    other => quantity(other),
                };
                let number = number.ok_or_else(|| TransportError(format!("bad block number {}", params[0])))?;
                Ok(chain.get(number as usize).map_or(Value::Null, Self::block_json))
            }
            "eth_getBlockByHash" => {
                let hash: B256 = serde_json::from_value(params[0].clone())
                    .map_err(|e| TransportError(format!("bad block hash {}: {e}", params[0])))?;
                Ok(chain.iter().find(|h| h.hash_slow() == hash).map_or(Value::Null, Self::block_json))
            }
            other => Err(TransportError(format!("{} (in memory) does not serve {other}", self.name))),
        }
    }
}

impl JsonRpcTransport for MemoryNode {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        self.answer(method, &params)
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        calls.iter().map(|(method, params)| self.answer(method, params)).collect()
    }

    fn endpoint(&self) -> String {
        self.name.clone()
    }
}
