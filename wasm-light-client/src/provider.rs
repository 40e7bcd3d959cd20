//! A verified provider: JSON-RPC reads that come back proven or labelled.
//!
//! It owns the header chain from the checkpoint, advances it to the node's head, and
//! proves account values against the tip's state root. It never returns a value whose
//! proof failed: that becomes [`Verified::Rejected`] with the reason.
//!
//! The transport is a trait so the same provider runs over `fetch` in the browser and
//! over plain HTTP in native tests.

use std::cell::RefCell;

use alloy_primitives::{Address, Bytes, B256};
use serde_json::{json, Value};

use crate::account::{verify_account_proof, verify_code, AccountProofResponse, AccountState, ProofError};
use crate::consensus::ConsensusVerifier;
use crate::header::{parse_rpc_header, HeaderChain, HeaderError, VerifiedHeader};
use crate::inclusion::{parse_receipts, prove_receipt, ProvenReceipt};
use crate::rules::ChainRules;

/// How many headers one batched request asks for while syncing.
const SYNC_BATCH: u64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// Sends JSON-RPC calls. Implementations return the `result` member, or an error that
/// already says which endpoint failed and how.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait JsonRpcTransport {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError>;

    /// Several calls in one round trip; results in the order of `calls`.
    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError>;
}

/// A chain value together with what the light client could establish about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified<T> {
    /// Proven against the state root of verified block `block`.
    Proven { value: T, block: u64 },
    /// Taken from the node without proof; `reason` says why it could not be proven.
    Unverified { value: T, reason: String },
    /// The node's proof failed. The value is withheld on purpose.
    Rejected { reason: String },
}

impl<T> Verified<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Verified::Proven { value, .. } | Verified::Unverified { value, .. } => Some(value),
            Verified::Rejected { .. } => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Verified<U> {
        match self {
            Verified::Proven { value, block } => Verified::Proven { value: f(value), block },
            Verified::Unverified { value, reason } => Verified::Unverified { value: f(value), reason },
            Verified::Rejected { reason } => Verified::Rejected { reason },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("could not reach the node: {0}")]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("the node does not know the checkpoint block {0}; it serves another network or has pruned it. Check the RPC URL or set another checkpoint")]
    UnknownCheckpoint(B256),
    #[error("the node answered {method} with something unexpected: {detail}")]
    BadAnswer { method: &'static str, detail: String },
    #[error("consensus check refused the head: {0}")]
    Consensus(String),
}

pub struct VerifiedProvider<T, C> {
    transport: T,
    consensus: C,
    checkpoint: B256,
    rules: ChainRules,
    chain: RefCell<Option<HeaderChain>>,
}

impl<T: JsonRpcTransport, C: ConsensusVerifier> VerifiedProvider<T, C> {
    pub fn new(transport: T, consensus: C, checkpoint: B256) -> Self {
        Self { transport, consensus, checkpoint, rules: ChainRules::default(), chain: RefCell::new(None) }
    }

    /// The header rules of the network (default: [`ChainRules::devnet`]).
    pub fn with_rules(mut self, rules: ChainRules) -> Self {
        self.rules = rules;
        self
    }

    pub fn checkpoint(&self) -> B256 {
        self.checkpoint
    }

    pub fn consensus(&self) -> &C {
        &self.consensus
    }

    /// The underlying transport, for calls that need no proof (sending a signed
    /// transaction) or cannot have one yet.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The newest verified header, if sync has run.
    pub fn tip(&self) -> Option<VerifiedHeader> {
        self.chain.borrow().as_ref().map(|c| c.tip().clone())
    }

    /// Follows the node's head from the current tip (or the checkpoint) and returns the
    /// new verified tip. Every header on the way is hashed and linked.
    pub async fn sync(&self) -> Result<VerifiedHeader, SyncError> {
        if self.chain.borrow().is_none() {
            let block = self.transport.request("eth_getBlockByHash", json!([self.checkpoint, false])).await?;
            if block.is_null() {
                return Err(SyncError::UnknownCheckpoint(self.checkpoint));
            }
            let parsed = parse_rpc_header(&block)?;
            if parsed.hash != self.checkpoint {
                return Err(HeaderError::NotCheckpoint {
                    number: parsed.header.number,
                    computed: parsed.hash,
                    trusted: self.checkpoint,
                }
                .into());
            }
            let start = VerifiedHeader { hash: parsed.hash, header: parsed.header };
            self.chain.borrow_mut().get_or_insert_with(|| HeaderChain::with_rules(start, self.rules));
        }

        let head = self.transport.request("eth_blockNumber", json!([])).await?;
        let head = head
            .as_str()
            .and_then(|s| crate::serde_hex::parse_u64(s).ok())
            .ok_or_else(|| SyncError::BadAnswer { method: "eth_blockNumber", detail: head.to_string() })?;

        loop {
            let from = self.tip().expect("chain was set above").number() + 1;
            if from > head {
                break;
            }
            let to = head.min(from + SYNC_BATCH - 1);
            let calls = (from..=to).map(|n| ("eth_getBlockByNumber", json!([format!("0x{n:x}"), false]))).collect();
            let blocks = self.transport.batch(calls).await?;
            // Parse and hash outside the borrow; only linking needs the chain.
            let parsed = blocks
                .iter()
                .map(|b| {
                    if b.is_null() {
                        Err(SyncError::BadAnswer {
                            method: "eth_getBlockByNumber",
                            detail: "a block below the reported head is missing".into(),
                        })
                    } else {
                        Ok(parse_rpc_header(b)?)
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut chain = self.chain.borrow_mut();
            let chain = chain.as_mut().expect("chain was set above");
            for header in parsed {
                chain.push(header)?;
            }
        }

        let tip = self.tip().expect("chain was set above");
        self.consensus.accept_head(&tip).map_err(SyncError::Consensus)?;
        Ok(tip)
    }

    /// The account at the verified tip, proven with `eth_getProof`.
    pub async fn account(&self, address: Address) -> Verified<AccountState> {
        let Some(tip) = self.tip() else {
            return Verified::Rejected { reason: "the light client has not synced yet".into() };
        };
        let answer =
            match self.transport.request("eth_getProof", json!([address, [], format!("0x{:x}", tip.number())])).await {
                Ok(v) => v,
                Err(e) => {
                    return self.unproven_account(address, tip.number(), format!("eth_getProof failed: {e}")).await
                }
            };
        let response: AccountProofResponse = match serde_json::from_value(answer) {
            Ok(r) => r,
            Err(e) => return Verified::Rejected { reason: ProofError::Malformed(e.to_string()).to_string() },
        };
        if response.address != address {
            return Verified::Rejected { reason: format!("asked for {address}, the node proved {}", response.address) };
        }
        match verify_account_proof(tip.state_root(), &response) {
            Ok(account) => Verified::Proven { value: account, block: tip.number() },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        }
    }

    /// The code at `address` at the verified tip, checked against its proven code hash.
    pub async fn code(&self, address: Address) -> Verified<Bytes> {
        let (account, block) = match self.account(address).await {
            Verified::Proven { value, block } => (value, block),
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Verified::Rejected { reason: format!("the account could not be proven: {reason}") }
            }
        };
        let answer = match self.transport.request("eth_getCode", json!([address, format!("0x{block:x}")])).await {
            Ok(v) => v,
            Err(e) => return Verified::Rejected { reason: e.to_string() },
        };
        let Ok(code) = serde_json::from_value::<Bytes>(answer) else {
            return Verified::Rejected { reason: "eth_getCode did not answer hex bytes".into() };
        };
        match verify_code(&account, &code) {
            Ok(()) => Verified::Proven { value: code, block },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        }
    }

    /// A transaction's receipt, proven through the transactions and receipts roots of a
    /// verified header. `Ok(None)` while the node knows no receipt (still pending).
    pub async fn receipt(&self, tx_hash: B256) -> Result<Option<Verified<ProvenReceipt>>, SyncError> {
        let hint = self.transport.request("eth_getTransactionReceipt", json!([tx_hash])).await?;
        if hint.is_null() {
            return Ok(None);
        }
        // Only the block number is taken from the node's receipt, as a place to look.
        let block =
            hint.get("blockNumber").and_then(Value::as_str).and_then(|s| crate::serde_hex::parse_u64(s).ok()).ok_or(
                SyncError::BadAnswer { method: "eth_getTransactionReceipt", detail: "no block number".into() },
            )?;
        if self.tip().is_none_or(|t| t.number() < block) {
            self.sync().await?;
        }
        let Some(header) = self.chain.borrow().as_ref().and_then(|c| c.get(block).cloned()) else {
            return Ok(Some(Verified::Rejected {
                reason: format!("block {block} is not among the verified headers (ahead of the verified head, or older than its window)"),
            }));
        };
        let tag = format!("0x{block:x}");
        let receipts = self.transport.request("eth_getBlockReceipts", json!([tag])).await?;
        let receipts = match receipts.as_array().map(|r| parse_receipts(r)) {
            Some(Ok(r)) => r,
            Some(Err(e)) => return Ok(Some(Verified::Rejected { reason: e.to_string() })),
            None => return Ok(Some(Verified::Rejected { reason: "eth_getBlockReceipts gave no list".into() })),
        };
        let calls = (0..receipts.len())
            .map(|i| ("eth_getRawTransactionByBlockNumberAndIndex", json!([tag, format!("0x{i:x}")])))
            .collect();
        let raw: Result<Vec<Bytes>, _> =
            self.transport.batch(calls).await?.into_iter().map(serde_json::from_value).collect();
        let Ok(raw) = raw else {
            return Ok(Some(Verified::Rejected { reason: "the node's raw transactions are malformed".into() }));
        };
        Ok(Some(match prove_receipt(&header.header, &raw, &receipts, tx_hash) {
            Ok(r) => Verified::Proven { block: r.block, value: r },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        }))
    }

    /// Endpoints without `eth_getProof` still answer balance and nonce; show those as
    /// unverified rather than nothing.
    async fn unproven_account(&self, address: Address, block: u64, reason: String) -> Verified<AccountState> {
        let tag = format!("0x{block:x}");
        let answers = self
            .transport
            .batch(vec![("eth_getBalance", json!([address, tag])), ("eth_getTransactionCount", json!([address, tag]))])
            .await;
        let parsed = answers.ok().and_then(|a| {
            let balance = crate::serde_hex::parse_u256(a.first()?.as_str()?).ok()?;
            let nonce = crate::serde_hex::parse_u64(a.get(1)?.as_str()?).ok()?;
            Some((balance, nonce))
        });
        match parsed {
            Some((balance, nonce)) => Verified::Unverified {
                value: AccountState {
                    address,
                    balance,
                    nonce,
                    code_hash: B256::ZERO,
                    storage_root: B256::ZERO,
                    storage: vec![],
                },
                reason,
            },
            None => Verified::Rejected { reason },
        }
    }
}
