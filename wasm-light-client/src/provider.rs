//! A verified provider: JSON-RPC reads that come back proven or labelled.
//!
//! It owns the header chain from its root of trust, advances it to the node's head, and
//! proves account values against the tip's state root. It never returns a value whose
//! proof failed: that becomes [`Verified::Rejected`] with the reason.
//!
//! The root of trust is a checkpoint hash, or (on networks served by several independent
//! endpoints) a head that enough of them serve identically ([`TrustBasis`]). With
//! endpoints to agree, a tip far behind the head is not walked up to header by header: the
//! provider jumps to a head they agree on and starts its window there.
//!
//! It reads through [`EthNode`], the node's methods typed, so the same provider runs over
//! `fetch` in the browser, plain HTTP in native tests and a node in memory in unit tests.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, Bytes, TxKind, B256, KECCAK256_EMPTY, U256};
use serde_json::Value;

use crate::account::{verify_code, verify_requested_proof, AccountState};
use crate::call::{CallOutcome, CallRequest, Evm, Executed, ProvenState};
use crate::clock::{self, Clock};
use crate::consensus::ConsensusVerifier;
use crate::header::{verify_ancestors, HeaderChain, HeaderError, VerifiedHash, VerifiedHeader};
use crate::inclusion::{prove_block, prove_receipt, ProvenBlock, ProvenReceipt};
use crate::logs::{prove_block_logs, LogFilter, ProvenLog};
use crate::node::{EthNode, NodeError};
use crate::rules::ChainRules;

/// How many headers one batched request asks for while syncing.
const SYNC_BATCH: u64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// Sends JSON-RPC calls: the wire under [`EthNode`]'s JSON-RPC form, and the way to the
/// node for what needs no proof (sending a transaction). Implementations return the `result` member, or an error that
/// already says which endpoint failed and how.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait JsonRpcTransport {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError>;

    /// Several calls in one round trip; results in the order of `calls`.
    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError>;

    /// How the UI names this endpoint when endpoints disagree (its host, say).
    fn endpoint(&self) -> String {
        "the node".into()
    }
}

/// A borrowed transport is a transport: one node can serve a provider and a test, or
/// several providers.
impl<T: JsonRpcTransport> JsonRpcTransport for &T {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        (*self).request(method, params).await
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        (*self).batch(calls).await
    }

    fn endpoint(&self) -> String {
        (*self).endpoint()
    }
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
    #[error("{0}")]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Header(#[from] HeaderError),
    #[error("the node does not know the checkpoint block {0}; it serves another network or has pruned it. Check the RPC URL or set another checkpoint")]
    UnknownCheckpoint(B256),
    #[error("the node answered {method} with something unexpected: {detail}")]
    BadAnswer { method: &'static str, detail: String },
    #[error("consensus check refused the head: {0}")]
    Consensus(String),
    #[error("the endpoints disagree about block {block}: {agree} of {asked} agree with the verified header, {needed} must. The head is not moved. {detail}")]
    Disagreement { block: u64, agree: usize, asked: usize, needed: usize, detail: String },
    #[error("the node's head, block {block}, is dated {ahead_s} s ahead of this computer's clock; no honest chain makes blocks in the future. The head is not moved: check this computer's clock, or use another RPC")]
    FromTheFuture { block: u64, ahead_s: u64 },
}

impl From<NodeError> for SyncError {
    fn from(e: NodeError) -> Self {
        match e {
            NodeError::Transport(e) => SyncError::Transport(e),
            NodeError::Header(e) => SyncError::Header(e),
            NodeError::BadAnswer { method, detail } => SyncError::BadAnswer { method, detail },
        }
    }
}

/// What the verified headers rest on: every header is hash-linked back to this root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustBasis {
    /// The checkpoint the provider was given (or a head stored from it).
    Checkpoint { hash: B256 },
    /// A head `agree` of `asked` independent endpoints served identically at `block`: the
    /// first visit without a checkpoint, or a jump over blocks that were not walked.
    Agreement { block: u64, hash: B256, agree: usize, asked: usize },
    /// The EVM block carried by consensus block `height`, which validators holding more
    /// than 2/3 of the power signed, reached by the CometBFT light client from a pinned
    /// block ([`crate::cometbft`]).
    Consensus { block: u64, hash: B256, height: i64 },
}

impl std::fmt::Display for TrustBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrustBasis::Checkpoint { .. } => write!(f, "hash-linked from your checkpoint"),
            TrustBasis::Agreement { block, agree, asked, .. } => {
                write!(f, "hash-linked from block {block}, which {agree} of {asked} independent endpoints served alike")
            }
            TrustBasis::Consensus { block, height, .. } => write!(
                f,
                "hash-linked from block {block}, which 0G's validators finalised at consensus height {height} (CometBFT light client, experimental)"
            ),
        }
    }
}

/// A switch of branch seen while syncing: the blocks above `fork` were replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reorg {
    pub fork: u64,
    /// Hashes of the headers that left the canonical chain, oldest first.
    pub dropped: Vec<B256>,
    pub new_tip: u64,
}

pub struct VerifiedProvider<T, C> {
    transport: T,
    consensus: C,
    /// The trusted hash to start from; `None`: start from a head the endpoints agree on.
    checkpoint: Option<B256>,
    /// The checkpoint is only a head verified earlier: if the node does not know it (another
    /// chain now answers at this address), start from the endpoints' agreement instead.
    agree_if_unknown: bool,
    trust: RefCell<Option<TrustBasis>>,
    /// A tip more than this many blocks behind the head jumps by agreement (with witnesses).
    jump_after: u64,
    rules: ChainRules,
    chain: RefCell<Option<HeaderChain>>,
    /// Verified headers older than the window, reached by walking parent hashes back.
    ancestors: RefCell<BTreeMap<u64, VerifiedHeader>>,
    /// Other endpoints of the same network that must vouch for a new head.
    witnesses: Vec<T>,
    /// How many endpoints (this one included) must agree on a head.
    quorum: usize,
    last_reorg: RefCell<Option<Reorg>>,
    chain_id: Cell<Option<u64>>,
    /// What "now" is when a head's timestamp is checked ([`MAX_FUTURE_S`]).
    clock: Clock,
}

/// How far ahead of this computer's clock a head may be dated. A node that serves future
/// timestamps could make time-locked state (a refund lock, a proposal deadline) look
/// expired. Generous, because clocks drift and test chains jump ahead on purpose.
pub const MAX_FUTURE_S: u64 = 3_600;

/// How far behind the head a tip may fall before the provider, when it has endpoints to
/// agree, jumps instead of walking: 1,000 headers are ten batched requests, and at 0G's
/// 0.4 s blocks a gap of 400 seconds.
pub const JUMP_AFTER: u64 = 1_000;

/// The fewest endpoints whose agreement can stand in for a checkpoint: one endpoint
/// "agreeing" with itself is only its word.
pub const MIN_AGREEMENT: usize = 2;

/// At most this many old headers are kept from backward walks.
const ANCESTOR_CACHE: usize = 4096;

/// The widest block range one [`VerifiedProvider::logs`] call reads.
pub const MAX_LOG_RANGE: u64 = 10_000;
/// Times a proof is asked for before its failure is final. A second answer is verified as
/// strictly as the first, so a lying node only fails twice. Why ask twice: the devnet's
/// anvil was seen (once in an e2e run, while blocks were mined every 0.4 s) to answer
/// `eth_getProof` for the newest block with a proof that did not match, and the same
/// request then verified; 10,000 direct tries did not reproduce it.
const PROOF_ATTEMPTS: u32 = 2;
/// A call that still touches unproven state after this many rounds is refused.
const CALL_ROUNDS: usize = 16;
/// Bounds on what a node's access-list hint can make the client prove.
const MAX_HINT_ACCOUNTS: usize = 64;
const MAX_HINT_SLOTS: usize = 256;
/// Blocks whose receipts are fetched in one batched request.
const RECEIPTS_BATCH: usize = 16;

impl<T: EthNode, C: ConsensusVerifier> VerifiedProvider<T, C> {
    pub fn new(transport: T, consensus: C, checkpoint: B256) -> Self {
        Self::starting_from(transport, consensus, Some(checkpoint))
    }

    /// A provider without a checkpoint: its first sync starts from a head that the
    /// endpoints given to [`Self::with_witnesses`] agree on (at least [`MIN_AGREEMENT`]).
    pub fn by_agreement(transport: T, consensus: C) -> Self {
        Self::starting_from(transport, consensus, None)
    }

    /// A provider resuming from `head`, a head verified in an earlier session from the
    /// endpoints' agreement: it starts there, or from a new agreement if the node does not
    /// know `head`.
    pub fn resuming(transport: T, consensus: C, head: B256) -> Self {
        Self { agree_if_unknown: true, ..Self::starting_from(transport, consensus, Some(head)) }
    }

    fn starting_from(transport: T, consensus: C, checkpoint: Option<B256>) -> Self {
        Self {
            transport,
            consensus,
            checkpoint,
            agree_if_unknown: false,
            trust: RefCell::new(checkpoint.map(|hash| TrustBasis::Checkpoint { hash })),
            jump_after: JUMP_AFTER,
            rules: ChainRules::default(),
            chain: RefCell::new(None),
            ancestors: RefCell::new(BTreeMap::new()),
            witnesses: Vec::new(),
            quorum: 1,
            last_reorg: RefCell::new(None),
            chain_id: Cell::new(None),
            clock: clock::system_now_s,
        }
    }

    /// The clock a head's timestamp is held to (default: the operating system's, which
    /// wasm32 does not have: a browser passes its own, or heads go unchecked against time).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The chain id the EVM reports to contracts; without it the node's `eth_chainId`
    /// is used.
    pub fn with_chain_id(self, chain_id: u64) -> Self {
        self.chain_id.set(Some(chain_id));
        self
    }

    /// Other endpoints of the same network. A new head is accepted only when `quorum`
    /// endpoints, this provider's own included, serve the same header at its height.
    pub fn with_witnesses(mut self, witnesses: Vec<T>, quorum: usize) -> Self {
        self.quorum = quorum.clamp(1, witnesses.len() + 1);
        self.witnesses = witnesses;
        self
    }

    /// The header rules of the network (default: [`ChainRules::devnet`]).
    pub fn with_rules(mut self, rules: ChainRules) -> Self {
        self.rules = rules;
        self
    }

    /// How far behind the head the tip may fall before a jump (default [`JUMP_AFTER`]).
    pub fn with_jump_after(mut self, blocks: u64) -> Self {
        self.jump_after = blocks;
        self
    }

    pub fn checkpoint(&self) -> Option<B256> {
        self.checkpoint
    }

    /// What the verified headers rest on; `None` before a provider without a checkpoint
    /// has found a head the endpoints agree on.
    pub fn trust(&self) -> Option<TrustBasis> {
        self.trust.borrow().clone()
    }

    /// Whether a head can be had without walking to it: from the endpoints' agreement, or
    /// from a consensus verifier that proves heads.
    fn can_agree(&self) -> bool {
        self.quorum >= MIN_AGREEMENT || self.consensus.proves_heads()
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

    /// The newest branch switch seen by [`Self::sync`], if any.
    pub fn last_reorg(&self) -> Option<Reorg> {
        self.last_reorg.borrow().clone()
    }

    /// Whether `hash` is the verified header at `number`: `Some(false)` means a value
    /// proven at that block was proven on a branch that is no longer canonical.
    /// `None` when the block is outside what the client holds.
    pub fn is_canonical(&self, number: u64, hash: B256) -> Option<bool> {
        if let Some(known) = self.chain.borrow().as_ref().and_then(|c| c.is_canonical(number, hash)) {
            return Some(known);
        }
        self.ancestors.borrow().get(&number).map(|h| h.hash == hash)
    }

    /// Follows the node's head from the current tip (or the checkpoint) and returns the
    /// new verified tip. Every header on the way is hashed, linked and rule-checked; a
    /// switch of branch is followed back to the fork and recorded (see
    /// [`Self::last_reorg`]). With witnesses, the head is only moved to a height enough
    /// endpoints agree on.
    ///
    /// A sync is all or nothing: it works on a copy of the chain, and the copy replaces
    /// the verified chain only once every step (headers, the witnesses' quorum, the
    /// consensus check) has accepted it. A node that serves good headers and then a broken
    /// one, or a head the witnesses or the consensus check refuse, leaves the tip where it
    /// was, and no reader ever sees a header that was not accepted, even while a sync
    /// is still waiting on the network.
    pub async fn sync(&self) -> Result<VerifiedHeader, SyncError> {
        self.start_chain().await?;
        let before = self.chain.borrow().clone().expect("the chain was started above");
        // A consensus verifier names the head itself; otherwise the node does, and the
        // witnesses (if any) must follow it there.
        let finalized = match self.consensus.proves_heads() {
            true => Some(self.agreed_head().await?),
            false => None,
        };
        let head = match &finalized {
            Some((finalized, _)) if finalized.number() <= before.tip().number() => return Ok(before.tip().clone()),
            Some((finalized, _)) => finalized.number(),
            None => self.transport.block_number().await?,
        };
        if self.can_agree() && head > before.tip().number().saturating_add(self.jump_after) {
            let found = match finalized {
                Some(found) => found,
                None => self.agreed_head().await?,
            };
            return self.jump(&before, found);
        }
        let mut scratch = before.clone();
        let reorg = if self.witnesses.is_empty() || finalized.is_some() {
            self.follow(&mut scratch, head).await?
        } else {
            self.follow_with_witnesses(&mut scratch, head).await?
        };
        let tip = scratch.tip().clone();
        if let Some((finalized, _)) = &finalized {
            if tip.hash != finalized.hash {
                return Err(SyncError::Consensus(format!(
                    "the node's block {} is not the one consensus finalised ({}); it serves another branch",
                    tip.number(),
                    finalized.hash
                )));
            }
        }
        self.check_head(&tip)?;
        let mut chain = self.chain.borrow_mut();
        let current = chain.as_ref().expect("started");
        if current.tip().hash != before.tip().hash {
            // Another sync committed while this one waited; its accepted chain stands.
            return Ok(current.tip().clone());
        }
        *chain = Some(scratch);
        if let Some(reorg) = reorg {
            *self.last_reorg.borrow_mut() = Some(reorg);
        }
        if let Some((_, trust)) = finalized {
            *self.trust.borrow_mut() = Some(trust);
        }
        Ok(tip)
    }

    /// The checks a new tip passes before it is committed: not dated in the future, and
    /// accepted by the consensus check.
    fn check_head(&self, tip: &VerifiedHeader) -> Result<(), SyncError> {
        if let Some(ahead_s) = (self.clock)().and_then(|now| tip.header.timestamp.checked_sub(now)) {
            if ahead_s > MAX_FUTURE_S {
                return Err(SyncError::FromTheFuture { block: tip.number(), ahead_s });
            }
        }
        self.consensus.accept_head(tip).map_err(SyncError::Consensus)
    }

    async fn start_chain(&self) -> Result<(), SyncError> {
        if self.chain.borrow().is_some() {
            return Ok(());
        }
        let Some(checkpoint) = self.checkpoint else {
            return self.start_by_agreement().await;
        };
        let Some(parsed) = self.transport.header_by_hash(checkpoint).await? else {
            if self.agree_if_unknown {
                return self.start_by_agreement().await;
            }
            return Err(SyncError::UnknownCheckpoint(checkpoint));
        };
        if parsed.hash != checkpoint {
            return Err(HeaderError::NotCheckpoint {
                number: parsed.header.number,
                computed: parsed.hash,
                trusted: checkpoint,
            }
            .into());
        }
        let start = VerifiedHeader { hash: parsed.hash, header: parsed.header };
        self.chain.borrow_mut().get_or_insert_with(|| HeaderChain::with_rules(start, self.rules));
        Ok(())
    }

    async fn start_by_agreement(&self) -> Result<(), SyncError> {
        let (start, trust) = self.agreed_head().await?;
        self.check_head(&start)?;
        if self.chain.borrow().is_none() {
            *self.chain.borrow_mut() = Some(HeaderChain::with_rules(start, self.rules));
            *self.trust.borrow_mut() = Some(trust);
        }
        Ok(())
    }

    /// Moves the tip to a head the endpoints agree on, far above `before`'s tip, and
    /// starts the header window there. What was verified below stays out of reach of the
    /// new window except through parent hashes walked down from it.
    fn jump(
        &self,
        before: &HeaderChain,
        (tip, trust): (VerifiedHeader, TrustBasis),
    ) -> Result<VerifiedHeader, SyncError> {
        if tip.number() <= before.tip().number() {
            // The endpoints agree on nothing newer than what is verified: nothing to do.
            return Ok(before.tip().clone());
        }
        self.check_head(&tip)?;
        let mut chain = self.chain.borrow_mut();
        if chain.as_ref().expect("started").tip().hash != before.tip().hash {
            return Ok(chain.as_ref().expect("started").tip().clone());
        }
        *chain = Some(HeaderChain::with_rules(tip.clone(), self.rules));
        self.ancestors.borrow_mut().clear();
        *self.trust.borrow_mut() = Some(trust);
        Ok(tip)
    }

    /// A head the consensus rule accepts, from this provider's node and its witnesses
    /// (`ConsensusVerifier::finalized_head`; by default their agreement). With too few
    /// endpoints configured to agree, it says so.
    async fn agreed_head(&self) -> Result<(VerifiedHeader, TrustBasis), SyncError> {
        if !self.can_agree() {
            return Err(SyncError::Disagreement {
                block: 0,
                agree: 0,
                asked: self.witnesses.len() + 1,
                needed: MIN_AGREEMENT,
                detail: "there is no checkpoint, and too few endpoints are configured to agree on a head; add a checkpoint or another endpoint in Settings".into(),
            });
        }
        let nodes: Vec<&T> = std::iter::once(&self.transport).chain(&self.witnesses).collect();
        self.consensus.finalized_head(&nodes, self.quorum).await
    }

    /// Whether `hash` is the header at `number` on `chain`, or among the verified ancestors
    /// below it.
    fn is_canonical_on(&self, chain: &HeaderChain, number: u64, hash: B256) -> Option<bool> {
        chain.is_canonical(number, hash).or_else(|| self.ancestors.borrow().get(&number).map(|h| h.hash == hash))
    }

    /// Moves `chain` to the node's block `head`. The first header fetched is the node's
    /// block at the current tip's height: if it differs from the verified one, the node
    /// has switched branch and the fork is found before going on. Returns the newest
    /// branch switch on the way.
    async fn follow(&self, chain: &mut HeaderChain, head: u64) -> Result<Option<Reorg>, SyncError> {
        let mut reorg = None;
        loop {
            let tip = chain.tip().clone();
            let from = tip.number().min(head);
            let to = head.min(tip.number() + SYNC_BATCH);
            let mut fetched = fetch_headers(&self.transport, from, to).await?;
            let first = fetched.remove(0);
            let canonical = self.is_canonical_on(chain, first.header.number, first.hash);
            if canonical.is_none() {
                return Err(SyncError::BadAnswer {
                    method: "eth_blockNumber",
                    detail: format!(
                        "the node's head {head} is far below the verified head {}; it is out of date or replaying old blocks",
                        tip.number()
                    ),
                });
            }
            if canonical == Some(true) {
                if from < tip.number() {
                    // The node is behind the verified tip (lagging, or replaying an old
                    // head); nothing it says can move the tip back.
                    return Ok(reorg);
                }
                for header in fetched {
                    chain.push(header)?;
                }
            } else {
                let mut branch = self.branch_back_to_fork(chain, first.header.number).await?;
                branch.push(first);
                branch.extend(fetched);
                let dropped = chain.reorganise(branch)?;
                if let Some(fork) = dropped.first().map(|h| h.number() - 1) {
                    reorg = Some(Reorg {
                        fork,
                        dropped: dropped.iter().map(|h| h.hash).collect(),
                        new_tip: chain.tip().number(),
                    });
                }
            }
            if chain.tip().number() >= head {
                return Ok(reorg);
            }
        }
    }

    /// The node's headers from just above the fork point up to `below - 1`, ascending:
    /// walks down from `below` until the node's header matches one `chain` holds.
    async fn branch_back_to_fork(&self, chain: &HeaderChain, below: u64) -> Result<Vec<VerifiedHash>, SyncError> {
        const STEP: u64 = 32;
        let oldest = chain.oldest().number();
        let mut branch: Vec<VerifiedHash> = Vec::new();
        let mut top = below;
        while top > oldest {
            let from = top.saturating_sub(STEP).max(oldest);
            let mut fetched = fetch_headers(&self.transport, from, top - 1).await?;
            while let Some(header) = fetched.pop() {
                if self.is_canonical_on(chain, header.header.number, header.hash) == Some(true) {
                    branch.reverse();
                    return Ok(branch);
                }
                branch.push(header);
            }
            top = from;
        }
        Err(HeaderError::ReorgTooDeep { oldest, window: HeaderChain::WINDOW }.into())
    }

    /// Moves `chain` to the highest block that `quorum` endpoints have reached, then asks
    /// every witness for its header there. Too few matching hashes is an error, and the
    /// caller drops `chain`.
    async fn follow_with_witnesses(&self, chain: &mut HeaderChain, own_head: u64) -> Result<Option<Reorg>, SyncError> {
        let mut heads = vec![own_head];
        for witness in &self.witnesses {
            if let Ok(head) = witness.block_number().await {
                heads.push(head);
            }
        }
        heads.sort_unstable_by(|a, b| b.cmp(a));
        let Some(&target) = heads.get(self.quorum - 1) else {
            return Err(SyncError::Disagreement {
                block: own_head,
                agree: heads.len(),
                asked: self.witnesses.len() + 1,
                needed: self.quorum,
                detail: "Too few endpoints answered; check the network's RPC list".into(),
            });
        };
        let reorg = self.follow(chain, target).await?;
        let tip = chain.tip().clone();
        let mut agree = 1;
        let mut dissent = Vec::new();
        for witness in &self.witnesses {
            match witness.headers(tip.number(), tip.number()).await.map(|mut h| h.pop().flatten()) {
                Ok(Some(h)) if h.hash == tip.hash => agree += 1,
                Ok(Some(h)) => {
                    dissent.push(format!("{} serves {} at block {}", witness.endpoint(), h.hash, tip.number()))
                }
                Ok(None) => dissent.push(format!("{} has no block {}", witness.endpoint(), tip.number())),
                Err(e) => dissent.push(format!("{}: {e}", witness.endpoint())),
            }
        }
        if agree < self.quorum {
            return Err(SyncError::Disagreement {
                block: tip.number(),
                agree,
                asked: self.witnesses.len() + 1,
                needed: self.quorum,
                detail: format!("{} serves {}; {}", self.transport.endpoint(), tip.hash, dissent.join("; ")),
            });
        }
        Ok(reorg)
    }

    /// The verified header at `number`: from the window, by syncing forward, or by
    /// walking parent hashes back from the oldest verified header.
    pub async fn header(&self, number: u64) -> Result<VerifiedHeader, SyncError> {
        // A receipt can name a block the last sync did not reach yet (a sync already under
        // way when the block was mined ends below it), so sync again before refusing.
        for _ in 0..3 {
            if self.tip().is_some_and(|t| t.number() >= number) {
                break;
            }
            self.sync().await?;
        }
        let (oldest, in_window) = {
            let chain = self.chain.borrow();
            let chain = chain.as_ref().expect("synced above");
            if number > chain.tip().number() {
                return Err(SyncError::BadAnswer {
                    method: "eth_blockNumber",
                    detail: format!("block {number} is above the node's head {}", chain.tip().number()),
                });
            }
            (chain.oldest().clone(), chain.get(number).cloned())
        };
        if let Some(h) = in_window {
            return Ok(h);
        }
        if let Some(h) = self.ancestors.borrow().get(&number) {
            return Ok(h.clone());
        }
        // Walk down from the nearest verified header above `number`, a batch at a time.
        let nearest = self.ancestors.borrow().range(number + 1..).next().map(|(_, h)| h.clone());
        let mut child = nearest.unwrap_or(oldest);
        while child.number() > number {
            let from = child.number().saturating_sub(SYNC_BATCH).max(number);
            let mut fetched = fetch_headers(&self.transport, from, child.number() - 1).await?;
            fetched.reverse();
            let verified = verify_ancestors(&self.rules, &child, fetched)?;
            let mut cache = self.ancestors.borrow_mut();
            for h in verified {
                child = h.clone();
                cache.insert(h.number(), h);
            }
            while cache.len() > ANCESTOR_CACHE {
                cache.pop_last();
            }
        }
        Ok(child)
    }

    /// The account at the verified tip, proven with `eth_getProof`.
    pub async fn account(&self, address: Address) -> Verified<AccountState> {
        let Some(tip) = self.tip() else {
            return Verified::Rejected { reason: "the light client has not synced yet".into() };
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let response = match self.transport.proofs(tip.number(), &[(address, vec![])]).await {
                Ok(mut answers) if answers.len() == 1 => answers.remove(0),
                Ok(_) => return Verified::Rejected { reason: "the node answered one proof with several".into() },
                Err(NodeError::Transport(e)) => {
                    return self.unproven_account(address, tip.number(), format!("eth_getProof failed: {e}")).await
                }
                Err(e) => return Verified::Rejected { reason: e.to_string() },
            };
            if response.address != address {
                return Verified::Rejected {
                    reason: format!("asked for {address}, the node proved {}", response.address),
                };
            }
            match verify_requested_proof(tip.state_root(), &response, &[]) {
                Ok(account) => return Verified::Proven { value: account, block: tip.number() },
                Err(_) if attempt < PROOF_ATTEMPTS => continue,
                Err(e) => return Verified::Rejected { reason: e.to_string() },
            }
        }
    }

    /// The account as it was after block `number`, proven against that block's verified
    /// header: what an account's history is read from. A node that keeps no state that old
    /// (not an archive node) gives `Rejected` with its words.
    pub async fn account_at(&self, address: Address, number: u64) -> Result<Verified<AccountState>, SyncError> {
        let header = self.header(number).await?;
        let response = match self.transport.proofs(number, &[(address, vec![])]).await {
            Ok(mut answers) if answers.len() == 1 => answers.remove(0),
            Ok(_) => return Ok(Verified::Rejected { reason: "the node answered one proof with several".into() }),
            Err(NodeError::Transport(e)) => return Err(e.into()),
            Err(e) => return Ok(Verified::Rejected { reason: e.to_string() }),
        };
        if response.address != address {
            return Ok(Verified::Rejected {
                reason: format!("asked for {address}, the node proved {}", response.address),
            });
        }
        Ok(match verify_requested_proof(header.state_root(), &response, &[]) {
            Ok(account) => Verified::Proven { value: account, block: number },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        })
    }

    /// The code at `address` at the verified tip, checked against its proven code hash.
    pub async fn code(&self, address: Address) -> Verified<Bytes> {
        let (account, block) = match self.account(address).await {
            Verified::Proven { value, block } => (value, block),
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Verified::Rejected { reason: format!("the account could not be proven: {reason}") }
            }
        };
        let code = match self.transport.codes(block, &[address]).await.map(|mut c| c.pop()) {
            Ok(Some(code)) => code,
            Ok(None) => return Verified::Rejected { reason: "eth_getCode gave no answer".into() },
            Err(e) => return Verified::Rejected { reason: e.to_string() },
        };
        match verify_code(&account, &code) {
            Ok(()) => Verified::Proven { value: code, block },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        }
    }

    /// A transaction's receipt, proven through the transactions and receipts roots of a
    /// verified header. `Ok(None)` while the node knows no receipt (still pending).
    pub async fn receipt(&self, tx_hash: B256) -> Result<Option<Verified<ProvenReceipt>>, SyncError> {
        let Some(block) = self.transport.receipt_block(tx_hash).await? else {
            return Ok(None);
        };
        let header = match self.header(block).await {
            Ok(h) => h,
            Err(e) => {
                return Ok(Some(Verified::Rejected { reason: format!("block {block} could not be verified: {e}") }))
            }
        };
        let receipts = match self.transport.block_receipts(&[block]).await {
            Ok(mut r) if r.len() == 1 => r.remove(0),
            Ok(_) => return Ok(Some(Verified::Rejected { reason: "eth_getBlockReceipts gave no list".into() })),
            Err(NodeError::Transport(e)) => return Err(e.into()),
            Err(e) => return Ok(Some(Verified::Rejected { reason: e.to_string() })),
        };
        let raw = match self.transport.raw_transactions(block, receipts.len()).await {
            Ok(raw) => raw,
            Err(NodeError::Transport(e)) => return Err(e.into()),
            Err(_) => {
                return Ok(Some(Verified::Rejected { reason: "the node's raw transactions are malformed".into() }))
            }
        };
        Ok(Some(match prove_receipt(&header.header, &raw, &receipts, tx_hash) {
            Ok(r) => Verified::Proven { block: r.block, value: r },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        }))
    }

    /// Block `number`'s transactions and receipts, proven against its verified header.
    /// `Err` only when the node cannot be reached or the header cannot be verified; a node
    /// whose block data does not rebuild the header's roots gives `Rejected`, with why.
    pub async fn block(&self, number: u64) -> Result<Verified<ProvenBlock>, SyncError> {
        let header = self.header(number).await?;
        let receipts = match self.transport.block_receipts(&[number]).await {
            Ok(mut r) if r.len() == 1 => r.remove(0),
            Ok(_) => return Ok(Verified::Rejected { reason: "eth_getBlockReceipts gave no list".into() }),
            Err(NodeError::Transport(e)) => return Err(e.into()),
            Err(e) => return Ok(Verified::Rejected { reason: e.to_string() }),
        };
        let raw = match self.transport.raw_transactions(number, receipts.len()).await {
            Ok(raw) => raw,
            Err(NodeError::Transport(e)) => return Err(e.into()),
            Err(_) => return Ok(Verified::Rejected { reason: "the node's raw transactions are malformed".into() }),
        };
        Ok(match prove_block(&header.header, raw, receipts) {
            Ok(b) => Verified::Proven { block: number, value: b },
            Err(e) => Verified::Rejected { reason: e.to_string() },
        })
    }

    /// The storage slots of `address` at the verified tip, proven.
    pub async fn storage(&self, address: Address, slots: &[U256]) -> Verified<Vec<(U256, U256)>> {
        let Some(tip) = self.tip() else {
            return Verified::Rejected { reason: "the light client has not synced yet".into() };
        };
        let mut state = ProvenState::default();
        let want = BTreeMap::from([(address, slots.iter().copied().collect::<BTreeSet<_>>())]);
        if let Err(reason) = self.prove_into(&mut state, &tip, &want, &BTreeSet::new()).await {
            return Verified::Rejected { reason };
        }
        let account = state.account(&address).expect("proven above");
        // verify_requested_proof refused any answer without every slot, so each is here;
        // a slot that is not is still never read as zero.
        let values: Option<Vec<(U256, U256)>> = slots
            .iter()
            .map(|slot| account.storage.iter().find(|(k, _)| k == slot).map(|(_, v)| (*slot, *v)))
            .collect();
        match values {
            Some(values) => Verified::Proven { value: values, block: tip.number() },
            None => Verified::Rejected { reason: "the node did not prove every slot asked for".into() },
        }
    }

    /// `eth_call` at the verified tip, executed locally over proven state (see
    /// [`crate::call`]) by `evm` ([`crate::call::Revm`] unless revm lives elsewhere). The
    /// node is asked only for proofs, code and an access-list hint.
    pub async fn call(&self, request: &CallRequest, evm: &dyn Evm) -> Verified<CallOutcome> {
        self.execute(request, evm).await.map(|e| e.outcome)
    }

    /// Like [`Self::call`], with the gas the execution spent: a verified gas estimate.
    pub async fn execute(&self, request: &CallRequest, evm: &dyn Evm) -> Verified<Executed> {
        let Some(tip) = self.tip() else {
            return Verified::Rejected { reason: "the light client has not synced yet".into() };
        };
        let chain_id = match self.chain_id().await {
            Ok(id) => id,
            Err(e) => return Verified::Rejected { reason: e.to_string() },
        };
        let block_hashes: BTreeMap<u64, B256> = {
            let chain = self.chain.borrow();
            let chain = chain.as_ref().expect("a tip implies a chain");
            (chain.oldest().number()..=chain.tip().number()).filter_map(|n| chain.get(n).map(|h| (n, h.hash))).collect()
        };
        let mut want: BTreeMap<Address, BTreeSet<U256>> = BTreeMap::new();
        if let TxKind::Call(to) = request.to {
            want.entry(to).or_default();
        }
        if let Some(from) = request.from {
            want.entry(from).or_default();
        }
        for (address, slots) in self.access_list_hint(request, tip.number()).await {
            want.entry(address).or_default().extend(slots);
        }
        let mut state = ProvenState::default();
        let mut code = BTreeSet::new();
        for _ in 0..CALL_ROUNDS {
            if let Err(reason) = self.prove_into(&mut state, &tip, &want, &code).await {
                return Verified::Rejected { reason };
            }
            match evm.run_round(&tip.header, chain_id, &block_hashes, &state, request) {
                Ok((executed, missing)) if missing.is_empty() => {
                    return Verified::Proven { value: executed, block: tip.number() }
                }
                Ok((_, missing)) => {
                    want = missing.slots;
                    code = missing.code;
                }
                Err(e) => return Verified::Rejected { reason: e.to_string() },
            }
        }
        Verified::Rejected {
            reason: format!(
                "the call kept touching unproven state after {CALL_ROUNDS} rounds; it is too large to verify here"
            ),
        }
    }

    /// The chain id for the EVM's CHAINID: the configured one, or the node's answer
    /// (which the app has already checked against the network it expects).
    async fn chain_id(&self) -> Result<u64, SyncError> {
        if let Some(id) = self.chain_id.get() {
            return Ok(id);
        }
        let id = self.transport.chain_id().await?;
        self.chain_id.set(Some(id));
        Ok(id)
    }

    /// The node's guess of what a call touches. Only a list of things to prove: a
    /// missing entry costs a round, a bogus one costs a proof, nothing is believed.
    async fn access_list_hint(&self, request: &CallRequest, block: u64) -> Vec<(Address, Vec<U256>)> {
        let Ok(list) = self.transport.access_list(request, block).await else { return Vec::new() };
        list.into_iter()
            .take(MAX_HINT_ACCOUNTS)
            .map(|(address, mut slots)| {
                slots.truncate(MAX_HINT_SLOTS);
                (address, slots)
            })
            .collect()
    }

    /// Proves the accounts and slots in `want` (and the code of `code_of`, and of any
    /// newly proven contract) at `tip`, adding them to `state`.
    async fn prove_into(
        &self,
        state: &mut ProvenState,
        tip: &VerifiedHeader,
        want: &BTreeMap<Address, BTreeSet<U256>>,
        code_of: &BTreeSet<Address>,
    ) -> Result<(), String> {
        let block = tip.number();
        if !want.is_empty() {
            let requests: Vec<(Address, Vec<B256>)> = want
                .iter()
                .map(|(address, slots)| (*address, slots.iter().map(|s| B256::from(*s)).collect()))
                .collect();
            let answers = self.transport.proofs(block, &requests).await.map_err(|e| proof_failure(&e))?;
            if answers.len() != requests.len() {
                return Err(format!("the node answered {} proofs for {} asked", answers.len(), requests.len()));
            }
            for (request, answer) in requests.iter().zip(answers) {
                let address = request.0;
                let asked: Vec<U256> = want[&address].iter().copied().collect();
                let mut response = answer;
                let mut attempt = 1;
                let account = loop {
                    if response.address != address {
                        return Err(format!("asked for {address}, the node proved {}", response.address));
                    }
                    match verify_requested_proof(tip.state_root(), &response, &asked) {
                        Ok(account) => break account,
                        Err(_) if attempt < PROOF_ATTEMPTS => {
                            attempt += 1;
                            let mut again = self
                                .transport
                                .proofs(block, std::slice::from_ref(request))
                                .await
                                .map_err(|e| proof_failure(&e))?;
                            response = again.pop().ok_or("the node answered no proof")?;
                        }
                        Err(e) => return Err(e.to_string()),
                    }
                };
                state.insert_account(account);
            }
        }
        let needs_code: Vec<(Address, B256)> = want
            .keys()
            .chain(code_of)
            .filter_map(|a| state.account(a).map(|acc| (*a, acc.code_hash)))
            .filter(|(_, hash)| *hash != KECCAK256_EMPTY && !state.has_code(hash))
            .collect();
        if !needs_code.is_empty() {
            let addresses: Vec<Address> = needs_code.iter().map(|(a, _)| *a).collect();
            let answers = self.transport.codes(block, &addresses).await.map_err(|e| match e {
                NodeError::Transport(e) => format!("eth_getCode failed: {e}"),
                other => other.to_string(),
            })?;
            if answers.len() != needs_code.len() {
                return Err("the node did not answer eth_getCode for every account".into());
            }
            for ((address, hash), code) in needs_code.into_iter().zip(answers) {
                let account = state.account(&address).expect("filtered on a proven account");
                verify_code(account, &code).map_err(|e| e.to_string())?;
                state.insert_code(hash, code);
            }
        }
        Ok(())
    }

    /// Every log of `filter` in blocks `from..=to`, proven complete: blocks whose
    /// verified bloom rules a match out are skipped, the rest have their receipts
    /// checked against the verified receipts root. Too wide a range is refused rather
    /// than left half-read.
    pub async fn logs(&self, filter: &LogFilter, from: u64, to: u64) -> Result<Verified<Vec<ProvenLog>>, SyncError> {
        if to < from || to - from >= MAX_LOG_RANGE {
            return Err(SyncError::BadAnswer {
                method: "logs",
                detail: format!("blocks {from}..={to}: ask for 1 to {MAX_LOG_RANGE} blocks at a time"),
            });
        }
        let mut candidates = Vec::new();
        for number in from..=to {
            let header = self.header(number).await?;
            if filter.may_match(&header.header) {
                candidates.push(header);
            }
        }
        let mut found = Vec::new();
        for chunk in candidates.chunks(RECEIPTS_BATCH) {
            let numbers: Vec<u64> = chunk.iter().map(VerifiedHeader::number).collect();
            let answers = match self.transport.block_receipts(&numbers).await {
                Ok(answers) if answers.len() == chunk.len() => answers,
                Ok(_) => {
                    return Ok(Verified::Rejected { reason: "the node did not give every block's receipts".into() })
                }
                Err(NodeError::Transport(e)) => return Err(e.into()),
                Err(e) => return Ok(Verified::Rejected { reason: e.to_string() }),
            };
            for (header, receipts) in chunk.iter().zip(answers) {
                match prove_block_logs(&header.header, header.hash, &receipts, filter) {
                    Ok(logs) => found.extend(logs),
                    Err(e) => return Ok(Verified::Rejected { reason: e.to_string() }),
                }
            }
        }
        Ok(Verified::Proven { value: found, block: to })
    }

    /// Endpoints without `eth_getProof` still answer balance and nonce; show those as
    /// unverified rather than nothing.
    async fn unproven_account(&self, address: Address, block: u64, reason: String) -> Verified<AccountState> {
        match self.transport.balance_and_nonce(address, block).await {
            Ok((balance, nonce)) => Verified::Unverified {
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
            Err(_) => Verified::Rejected { reason },
        }
    }
}

/// Why proofs could not be had, as the UI says it.
fn proof_failure(e: &NodeError) -> String {
    match e {
        NodeError::Transport(e) => format!("eth_getProof failed: {e}"),
        other => other.to_string(),
    }
}

/// The node's headers `from..=to`, each hashed locally; nothing is linked yet.
async fn fetch_headers(node: &impl EthNode, from: u64, to: u64) -> Result<Vec<VerifiedHash>, SyncError> {
    let headers = node.headers(from, to).await?;
    if headers.len() as u64 != to - from + 1 {
        return Err(SyncError::BadAnswer {
            method: "eth_getBlockByNumber",
            detail: format!("asked for {} blocks, got {}", to - from + 1, headers.len()),
        });
    }
    headers
        .into_iter()
        .zip(from..=to)
        .map(|(header, n)| match header {
            None => Err(SyncError::BadAnswer {
                method: "eth_getBlockByNumber",
                detail: format!("block {n}, at or below the reported head, is missing"),
            }),
            Some(parsed) if parsed.header.number != n => Err(SyncError::BadAnswer {
                method: "eth_getBlockByNumber",
                detail: format!("asked for block {n}, got block {}", parsed.header.number),
            }),
            Some(parsed) => Ok(parsed),
        })
        .collect()
}
