//! The chain service the UI calls: one connected network, its verified provider, and
//! the few unproven calls a wallet needs (send, receipts, faucet).
//!
//! Every account value goes through the light client. It verifies from the network's
//! checkpoint, or, without one, from a head enough independent endpoints agree on
//! ([`TrustRoot`]); where neither is possible, values come back as
//! [`Verified::Unverified`] with that reason. A failed proof comes back as
//! [`Verified::Rejected`] and its value is never returned.

use alloy_primitives::{Address, Bytes, Log, TxKind, B256, I256, U256};
use serde_json::{json, Value};
use wasm_light_client::{
    AccountState, CallOutcome, CallRequest, ChainRules, CheckpointOnly, Executed, JsonRpcTransport, LogFilter,
    ProvenLog, Reorg, SyncError, TransportError, TrustBasis, Verified, VerifiedHeader, VerifiedProvider,
};

use wasm_light_client::cometbft::verifier::{CometBftVerifier, Pin};
use wasm_light_client::{ConsensusVerifier, EthNode};

use super::activity::{changed_blocks, entries_of, payout, AccountAt, ActivityEntry, History, ProvenBlockInfo};
use super::checkpoint_store::{self, StoredHead};
use super::fees::{BaseFeeSource, FeeError, FeeQuote};
use super::networks::{check_chain_id, Network, NetworkError, TrustRoot};
use super::rpc::FetchTransport;
use crate::wallet::preview::{balance_changes, payment_changes, BalanceChange};
use crate::wallet::vault::Sealer;

/// What the light client's verified values rest on (the page says it in the user's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Hash-linked from the checkpoint the user (or the network's config) set.
    YourCheckpoint,
    /// Hash-linked from a head this browser verified on an earlier visit.
    EarlierHead,
    /// Hash-linked from a head `agree` of `asked` independent endpoints served alike.
    Agreement { block: u64, agree: usize, asked: usize },
    /// Hash-linked from a block 0G's validators finalised (the CometBFT light client).
    Consensus { block: u64, height: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Network(#[from] NetworkError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("the node answered {0} with something unexpected")]
    BadAnswer(&'static str),
    #[error("the node reported transaction hash {reported}, but the signed transaction's hash is {expected}; do not trust this endpoint")]
    WrongTxHash { expected: B256, reported: B256 },
    #[error(
        "the transaction was not included within {0} s; it may still be pending. Check again later before resending"
    )]
    NotIncluded(u32),
    #[error("this network has no faucet")]
    NoFaucet,
    #[error(
        "the light client has no checkpoint for this network and too few endpoints to agree on a head, so {0} cannot be verified; add a checkpoint or another endpoint in Settings"
    )]
    NeedsCheckpoint(&'static str),
    #[error("the transaction would fail: {0}. Nothing was sent")]
    WouldFail(String),
    #[error("the contract would refuse it (revert data 0x{}). Nothing was sent", hex::encode(.0))]
    WouldRevert(Bytes),
    #[error("{0}")]
    NotProven(String),
    #[error("the faucet refused: {0}")]
    Faucet(String),
    #[error("the transaction reverted in block {0}; nothing changed. Check the state and try again")]
    Reverted(u64),
    #[error(transparent)]
    Fee(#[from] FeeError),
    #[error("you declined the transaction; nothing was signed or sent")]
    Declined,
    #[error("this page cannot ask you to review a transaction, so nothing was signed or sent; reload the app")]
    NoReviewer,
    #[error(
        "there is no contract at {address} on {network}, where the app expects {what}. Nothing was read or sent; set the right address in Settings → Contract addresses"
    )]
    NoContract { what: &'static str, address: Address, network: String },
    #[error(
        "the account's state after block {block} could not be proven ({reason}); the node may not keep state that old: search a later range or use an archive endpoint"
    )]
    StateUnproven { block: u64, reason: String },
    #[error(
        "{0} has code (a contract or a delegated account), whose funds can move without a transaction of its own; its history cannot be proven complete this way"
    )]
    HasCode(Address),
}

/// Everything a person needs to decide whether to sign a transaction: what it calls, what
/// it sends, and the most it can cost. Shown before every signature the app makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxReview {
    pub chain_id: u64,
    pub network: String,
    pub from: Address,
    /// The recipient, or `TxKind::Create` for a contract deployment.
    pub to: TxKind,
    /// For a deployment: what is being deployed, in words.
    pub creates: Option<&'static str>,
    pub value: U256,
    /// The call's data (its first four bytes name the function); empty for a transfer.
    pub data: Bytes,
    pub gas_limit: u64,
    pub fees: FeeQuote,
    /// value + gas limit × max fee per gas: the most the account can lose to it.
    pub worst_case: U256,
    /// The account's proven balance when the transaction was prepared.
    pub balance: U256,
    pub nonce: u64,
    /// What the transaction moves for the account, from its simulation on proven state:
    /// 0G (with the most the fee can be) and tokens, in and out.
    pub changes: Vec<BalanceChange>,
    /// The site that asked for it, when a dapp did (`dapp_bridge`).
    pub requested_by: Option<String>,
}

impl TxReview {
    /// The transaction this review describes, ready to sign.
    pub fn request(&self) -> crate::wallet::signer::Eip1559Request {
        crate::wallet::signer::Eip1559Request {
            chain_id: self.chain_id,
            nonce: self.nonce,
            to: self.to,
            value: self.value,
            gas_limit: self.gas_limit,
            max_fee_per_gas: self.fees.max_fee_per_gas,
            max_priority_fee_per_gas: self.fees.tip,
            input: self.data.clone(),
        }
    }
}

/// A transaction run on proven state: the gas it spent, and what it moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulated {
    pub gas_spent: u64,
    /// What the call returned.
    pub output: Bytes,
    /// The sender's 0G after minus before, fees aside (value sent, 0G paid back).
    pub sender_change: I256,
    pub logs: Vec<Log>,
}

/// Asks the person at the screen; resolves to true only if they approved.
pub type Reviewer = std::rc::Rc<dyn Fn(TxReview) -> futures::future::LocalBoxFuture<'static, bool>>;

/// The consensus seam as the app fills it: hash links from a checkpoint or from the
/// endpoints' agreement, or 0G's validators' signatures (experimental).
pub enum AppConsensus {
    Links(CheckpointOnly),
    Validators(Box<CometBftVerifier<FetchTransport>>),
}

impl ConsensusVerifier for AppConsensus {
    fn accept_head(&self, head: &VerifiedHeader) -> Result<(), String> {
        match self {
            AppConsensus::Links(c) => c.accept_head(head),
            AppConsensus::Validators(c) => c.accept_head(head),
        }
    }

    async fn finalized_head<N: EthNode>(
        &self,
        nodes: &[&N],
        quorum: usize,
    ) -> Result<(VerifiedHeader, TrustBasis), SyncError> {
        match self {
            AppConsensus::Links(c) => c.finalized_head(nodes, quorum).await,
            AppConsensus::Validators(c) => c.finalized_head(nodes, quorum).await,
        }
    }

    fn proves_heads(&self) -> bool {
        matches!(self, AppConsensus::Validators(_))
    }

    fn describe(&self) -> &'static str {
        match self {
            AppConsensus::Links(c) => c.describe(),
            AppConsensus::Validators(c) => c.describe(),
        }
    }
}

/// How many times a dropped connection is tried again.
pub const CONNECT_RETRIES: u32 = 3;

pub struct ChainClient {
    network: Network,
    provider: VerifiedProvider<FetchTransport, AppConsensus>,
    /// The last head written to the checkpoint store.
    saved_head: std::cell::Cell<u64>,
    /// Asks the user to approve each transaction before it is signed. None: nothing is signed.
    reviewer: std::cell::RefCell<Option<Reviewer>>,
    /// Seals verified heads for the next session (set while the wallet is unlocked).
    head_sealer: std::cell::RefCell<Option<Sealer>>,
    /// Addresses proven to hold code; each is checked once per connection.
    proven_contracts: std::cell::RefCell<std::collections::HashSet<Address>>,
    /// The last reorganisation [`Self::new_reorg`] returned.
    announced_reorg: std::cell::RefCell<Option<Reorg>>,
}

/// The gas limit offered for a transaction that spent `gas_spent` in simulation: headroom
/// for the 63/64 rule and for state moving between simulation and inclusion.
pub fn gas_limit_for(gas_spent: u64) -> u64 {
    gas_spent + gas_spent / 4 + 20_000
}

/// Persist the verified head at most this often (in blocks): it only saves re-verification.
const SAVE_EVERY: u64 = 64;

/// Where a transaction stands after broadcast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inclusion {
    pub block: u64,
    pub block_hash: B256,
    pub success: bool,
    /// The receipt's logs (proven with it when the inclusion is).
    pub logs: Vec<Log>,
}

impl ChainClient {
    /// [`Self::connect`], trying again after a dropped connection (`CONNECT_RETRIES`
    /// times, waiting 1, 2, then 4 s on `clock`); a wrong chain id or a bad answer is final.
    pub async fn connect_retrying(
        network: Network,
        stored: Option<StoredHead>,
        clock: &impl zg_core::env::Clock,
    ) -> Result<Self, ChainError> {
        let mut attempt = 0;
        loop {
            match Self::connect(network.clone(), stored).await {
                Err(ChainError::Transport(_)) if attempt < CONNECT_RETRIES => {
                    attempt += 1;
                    clock.sleep(500 << attempt).await;
                }
                other => return other,
            }
        }
    }

    /// Connects and checks the endpoint's chain id against the network's. `stored`: a head
    /// verified in an earlier session from the same checkpoint, already authenticated
    /// (`checkpoint_store::load`), to resume from.
    pub async fn connect(network: Network, stored: Option<StoredHead>) -> Result<Self, ChainError> {
        let transport = FetchTransport::new(network.rpc_url.clone());
        let id = transport.request("eth_chainId", json!([])).await?;
        let id = id.as_str().and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
        check_chain_id(&network, id.ok_or(ChainError::BadAnswer("eth_chainId"))?)?;
        let rules = ChainRules::for_chain(network.chain_id);
        let witnesses = network.witness_urls.iter().map(|u| FetchTransport::new(u.clone())).collect();
        let links = AppConsensus::Links(CheckpointOnly);
        let (provider, saved_head) = match network.trust_root() {
            TrustRoot::Checkpoint(configured) => {
                let start = checkpoint_store::start_from(configured, stored);
                (VerifiedProvider::new(transport, links, start.hash), start.number)
            }
            TrustRoot::Agreement { .. } => match stored.filter(|s| s.root == checkpoint_store::AGREED) {
                // A head this browser verified before, from the endpoints' agreement.
                Some(head) => (VerifiedProvider::resuming(transport, links, head.hash), head.number),
                None => (VerifiedProvider::by_agreement(transport, links), 0),
            },
            // Every head comes from the validators' signatures, starting at the pin each
            // visit (a stored EVM head would not carry the consensus state to resume from).
            TrustRoot::Consensus(pin) => {
                let config = network.consensus.as_ref().expect("a consensus trust root has its configuration");
                let scheme =
                    crate::verifiers::signature_scheme().await.map_err(|e| ChainError::NotProven(e.to_string()))?;
                let verifier = CometBftVerifier::new(
                    FetchTransport::new(config.url.clone()),
                    config.chain_id.clone(),
                    Pin { height: pin.height, hash: pin.hash.0 },
                    zg_light_client_js::clock::now_s,
                    scheme,
                );
                (VerifiedProvider::by_agreement(transport, AppConsensus::Validators(Box::new(verifier))), 0)
            }
            // The provider can never sync; it stays, unused, so the transport has one owner.
            TrustRoot::Nothing => (VerifiedProvider::new(transport, links, B256::ZERO), 0),
        };
        let provider = provider
            .with_rules(rules)
            .with_chain_id(network.chain_id)
            .with_witnesses(witnesses, network.quorum())
            .with_clock(zg_light_client_js::clock::now_s);
        Ok(Self {
            provider,
            saved_head: std::cell::Cell::new(saved_head),
            network,
            reviewer: std::cell::RefCell::new(None),
            head_sealer: std::cell::RefCell::new(None),
            proven_contracts: Default::default(),
            announced_reorg: Default::default(),
        })
    }

    /// Where verified heads are sealed for the next session; `None` (the wallet locked)
    /// stops saving them.
    pub fn set_head_sealer(&self, sealer: Option<Sealer>) {
        *self.head_sealer.borrow_mut() = sealer;
    }

    /// Installs the one way transactions are approved: the UI's review dialog.
    pub fn set_reviewer(&self, reviewer: Reviewer) {
        *self.reviewer.borrow_mut() = Some(reviewer);
    }

    /// Shows `review` to the user and waits for their answer. Every path that signs a
    /// transaction from a service goes through here, after the fees were bounded.
    async fn approve(&self, review: TxReview) -> Result<(), ChainError> {
        let reviewer = self.reviewer.borrow().clone().ok_or(ChainError::NoReviewer)?;
        if reviewer(review).await {
            Ok(())
        } else {
            Err(ChainError::Declined)
        }
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    fn transport(&self) -> &FetchTransport {
        self.provider.transport()
    }

    pub fn tip(&self) -> Option<VerifiedHeader> {
        self.provider.tip()
    }

    /// Whether a value proven at block `number` with hash `hash` is still on the
    /// canonical chain (`None`: too old or too new to tell).
    pub fn is_canonical(&self, number: u64, hash: B256) -> Option<bool> {
        self.provider.is_canonical(number, hash)
    }

    /// The newest chain reorganisation the light client followed.
    pub fn last_reorg(&self) -> Option<Reorg> {
        self.provider.last_reorg()
    }

    /// The newest reorganisation, once: `None` until another one happens, so the user is
    /// told of each reorganisation a single time.
    pub fn new_reorg(&self) -> Option<Reorg> {
        let reorg = self.last_reorg()?;
        let mut announced = self.announced_reorg.borrow_mut();
        if announced.as_ref() == Some(&reorg) {
            return None;
        }
        *announced = Some(reorg.clone());
        Some(reorg)
    }

    /// Whether values can be verified on this network at all.
    fn verifies(&self) -> bool {
        self.network.trust_root().verifies()
    }

    /// What the verified values rest on; `None` before the first sync.
    pub fn trust(&self) -> Option<Trust> {
        Some(match self.provider.trust()? {
            TrustBasis::Checkpoint { hash } if self.network.checkpoint.is_some_and(|c| c.hash == hash) => {
                Trust::YourCheckpoint
            }
            TrustBasis::Checkpoint { .. } => Trust::EarlierHead,
            TrustBasis::Agreement { block, agree, asked, .. } => Trust::Agreement { block, agree, asked },
            TrustBasis::Consensus { block, height, .. } => Trust::Consensus { block, height },
        })
    }

    /// Verifies headers from the root of trust (or the last verified tip) to the head.
    pub async fn sync(&self) -> Result<Option<VerifiedHeader>, ChainError> {
        let root = match self.network.trust_root() {
            TrustRoot::Checkpoint(configured) => Some(configured.hash),
            TrustRoot::Agreement { .. } => Some(checkpoint_store::AGREED),
            TrustRoot::Consensus(_) => None,
            TrustRoot::Nothing => return Ok(None),
        };
        let tip = self.provider.sync().await?;
        let Some(root) = root else { return Ok(Some(tip)) };
        let sealer = self.head_sealer.borrow().clone();
        if let Some(sealer) = sealer.filter(|_| tip.number() >= self.saved_head.get() + SAVE_EVERY) {
            self.saved_head.set(tip.number());
            let head = StoredHead { root, number: tip.number(), hash: tip.hash };
            checkpoint_store::save(&self.network.id, &head, &sealer).await;
        }
        Ok(Some(tip))
    }

    /// The chain's pace over the last few hundred verified blocks, to place a block yet
    /// to come in time (`chain::block_clock`); `None` before a head is verified or when
    /// the headers give no pace.
    pub async fn block_clock(&self) -> Option<super::block_clock::BlockClock> {
        let tip = self.provider.tip()?;
        let back = tip.number().saturating_sub(1).min(256);
        if back == 0 {
            return None;
        }
        let earlier = self.provider.header(tip.number() - back).await.ok()?;
        super::block_clock::BlockClock::measure(
            (tip.number(), tip.header.timestamp),
            (earlier.number(), earlier.header.timestamp),
        )
    }

    /// Balance and nonce of `address`: proven at the tip of the last [`Self::sync`], or
    /// labelled. Syncing is the caller's job, once for however many accounts it reads.
    pub async fn account(&self, address: Address) -> Verified<AccountState> {
        if !self.verifies() {
            return self.unverified_account(address, "this network has no checkpoint and too few endpoints to agree on a head, so the light client cannot prove values; add a checkpoint or another endpoint in Settings").await;
        }
        self.provider.account(address).await
    }

    async fn unverified_account(&self, address: Address, reason: &str) -> Verified<AccountState> {
        let answers = self
            .transport()
            .batch(vec![
                ("eth_getBalance", json!([address, "latest"])),
                ("eth_getTransactionCount", json!([address, "latest"])),
            ])
            .await;
        let parsed = answers.ok().and_then(|a| Some((parse_u256(a.first()?)?, parse_u256(a.get(1)?)?)));
        match parsed {
            Some((balance, nonce)) => Verified::Unverified {
                value: AccountState {
                    address,
                    balance,
                    nonce: nonce.saturating_to(),
                    code_hash: B256::ZERO,
                    storage_root: B256::ZERO,
                    storage: vec![],
                },
                reason: reason.to_string(),
            },
            None => Verified::Rejected { reason: format!("{reason}; and the node did not answer the balance query") },
        }
    }

    /// A contract read, executed locally over state proven at the verified tip.
    pub async fn call(&self, to: Address, data: Bytes) -> Verified<CallOutcome> {
        if !self.verifies() {
            return Verified::Rejected { reason: ChainError::NeedsCheckpoint("contract reads").to_string() };
        }
        let evm = match crate::verifiers::evm().await {
            Ok(evm) => evm,
            Err(e) => return Verified::Rejected { reason: e.to_string() },
        };
        self.provider.call(&CallRequest { from: None, to: to.into(), data, value: U256::ZERO }, &*evm).await
    }

    /// Proves that code lives at `to` before the app reads from or sends to it, so a wrong
    /// or missing contract address is named as such rather than surfacing as an undecodable
    /// answer. An account that cannot be proven is left to the call, which reports why.
    pub async fn require_contract(&self, to: Address) -> Result<(), ChainError> {
        if self.proven_contracts.borrow().contains(&to) {
            return Ok(());
        }
        if let Verified::Proven { value, .. } = self.provider.account(to).await {
            if value.code_hash == alloy_primitives::KECCAK256_EMPTY || value.code_hash == B256::ZERO {
                let what = super::addresses::role_of(&self.network, to).map_or("a contract", |role| role.label());
                return Err(ChainError::NoContract { what, address: to, network: self.network.name.clone() });
            }
            self.proven_contracts.borrow_mut().insert(to);
        }
        Ok(())
    }

    /// The code at `address`, proven against its account's code hash at the verified tip.
    pub async fn code(&self, address: Address) -> Verified<Bytes> {
        if !self.verifies() {
            return Verified::Rejected { reason: ChainError::NeedsCheckpoint("contract code").to_string() };
        }
        self.provider.code(address).await
    }

    /// A mined transaction and its receipt, both proven through a verified header's
    /// transactions and receipts roots. `Ok(None)` while the node knows no receipt.
    pub async fn proven_transaction(
        &self,
        hash: B256,
    ) -> Result<Option<Verified<wasm_light_client::ProvenReceipt>>, ChainError> {
        if !self.verifies() {
            return Err(ChainError::NeedsCheckpoint("a transaction"));
        }
        Ok(self.provider.receipt(hash).await?)
    }

    /// A read whose successful output is needed as a value: reverts and unproven
    /// answers become errors that say why.
    pub async fn read(&self, to: Address, data: Bytes) -> Result<(Bytes, u64), ChainError> {
        if self.verifies() {
            self.require_contract(to).await?;
        }
        match self.call(to, data).await {
            Verified::Proven { value: CallOutcome::Success(out), block } => Ok((out, block)),
            Verified::Proven { value: CallOutcome::Revert(_), .. } => {
                Err(ChainError::NotProven(format!("the contract at {to} refused the read (reverted)")))
            }
            Verified::Proven { value: CallOutcome::Halt(why), .. } => {
                Err(ChainError::NotProven(format!("the read from {to} halted: {why}")))
            }
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => Err(ChainError::NotProven(reason)),
        }
    }

    /// Every log matching `filter` in blocks `from..=to`, proven complete against the
    /// verified headers; ranges wider than the light client takes at once are read in parts.
    pub async fn logs(&self, filter: &LogFilter, from: u64, to: u64) -> Result<Verified<Vec<ProvenLog>>, ChainError> {
        if !self.verifies() {
            return Err(ChainError::NeedsCheckpoint("event logs"));
        }
        let mut found = Vec::new();
        let mut start = from;
        while start <= to {
            let end = to.min(start + wasm_light_client::provider::MAX_LOG_RANGE - 1);
            match self.provider.logs(filter, start, end).await? {
                Verified::Proven { value, .. } => found.extend(value),
                other => return Ok(other),
            }
            start = end + 1;
        }
        Ok(Verified::Proven { value: found, block: to })
    }

    /// `me`'s balance and nonce after block `number`, proven against that block's header.
    pub async fn account_at(&self, me: Address, number: u64) -> Result<AccountAt, ChainError> {
        match self.provider.account_at(me, number).await? {
            Verified::Proven { value, .. } if value.code_hash != alloy_primitives::KECCAK256_EMPTY => {
                Err(ChainError::HasCode(me))
            }
            Verified::Proven { value, .. } => Ok(AccountAt { balance: value.balance, nonce: value.nonce }),
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                Err(ChainError::StateUnproven { block: number, reason })
            }
        }
    }

    /// `me`'s 0G history in blocks `from+1..=to`: every block where its proven balance or
    /// nonce changed (found by bisection, [`changed_blocks`], at most `budget` states read),
    /// each block's entries read from its proven transactions and receipts, and any 0G a
    /// contract paid in that no transaction explains ([`payout`]).
    pub async fn history(&self, me: Address, from: u64, to: u64, budget: usize) -> Result<History, ChainError> {
        if !self.verifies() {
            return Err(ChainError::NeedsCheckpoint("the account's activity"));
        }
        let (from, at_from) = match self.account_at(me, from).await {
            Ok(at) => (from, at),
            // Anvil reports its genesis with the empty trie's root, against which no account
            // can be proven; the search then starts from block 1's state.
            Err(ChainError::StateUnproven { block: 0, .. }) if to > 0 => (1, self.account_at(me, 1).await?),
            Err(e) => return Err(e),
        };
        let at_to = self.account_at(me, to).await?;
        let search = changed_blocks((from, at_from), (to, at_to), budget, |b| self.account_at(me, b)).await?;
        let mut entries = Vec::new();
        let mut reads = search.reads + 2;
        for &number in &search.found {
            let (before, after) = (self.account_at(me, number - 1).await?, self.account_at(me, number).await?);
            reads += 2;
            let (found, timestamp) = match self.provider.block(number).await? {
                Verified::Proven { value, .. } => match entries_of(&value, me) {
                    Ok(found) => (found, value.timestamp),
                    Err(e) => return Err(ChainError::NotProven(e.to_string())),
                },
                Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                    return Err(ChainError::StateUnproven { block: number, reason })
                }
            };
            let extra = payout(&found, before, after, &ProvenBlockInfo { number, timestamp });
            entries.extend(found);
            entries.extend(extra);
        }
        Ok(History { from, to, entries, unsearched: search.unsearched, reads })
    }

    /// What `me` did and received in block `number`, read from the block's transactions and
    /// receipts proven against its verified header ([`zg_core::chain::activity`]).
    /// `Rejected` when the node's block data does not rebuild the header's roots.
    pub async fn activity_in(&self, me: Address, number: u64) -> Result<Verified<Vec<ActivityEntry>>, ChainError> {
        if !self.verifies() {
            return Err(ChainError::NeedsCheckpoint("the account's activity"));
        }
        Ok(match self.provider.block(number).await? {
            Verified::Proven { value, block } => match entries_of(&value, me) {
                Ok(entries) => Verified::Proven { value: entries, block },
                Err(e) => Verified::Rejected { reason: e.to_string() },
            },
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => Verified::Rejected { reason },
        })
    }

    /// Sends everything `key`'s account holds to `to` (an account without code), less the
    /// most the transfer's gas can cost; returns the hash and the amount sent.
    pub async fn sweep(&self, key: &k256::ecdsa::SigningKey, to: Address) -> Result<(B256, U256), ChainError> {
        if !self.verifies() {
            return Err(ChainError::NeedsCheckpoint("the balance to sweep"));
        }
        const TRANSFER_GAS: u64 = 21_000;
        let from = crate::wallet::signer::address_of(key);
        let fees = self.fee_quote().await?;
        let account = match self.provider.account(from).await {
            Verified::Proven { value, .. } => value,
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(ChainError::NotProven(format!("the balance to sweep could not be proven: {reason}")))
            }
        };
        let reserve = fees.worst_case(TRANSFER_GAS, U256::ZERO);
        let Some(value) = account.balance.checked_sub(reserve).filter(|v| !v.is_zero()) else {
            return Err(ChainError::WouldFail(format!(
                "the account holds {}, not more than the {} the transfer's gas may cost",
                crate::format::format_0g(account.balance),
                crate::format::format_0g(reserve)
            )));
        };
        let mut review = self.review(from, to.into(), value, Bytes::new(), TRANSFER_GAS, fees, &account);
        review.changes = payment_changes(from, value, review.worst_case - value);
        let tx = review.request();
        self.approve(review).await?;
        let signed = crate::wallet::signer::sign_eip1559(key, &tx);
        Ok((self.send_raw(&signed.raw, signed.hash).await?, value))
    }

    /// Signs and broadcasts a contract call from `key`'s account. Nonce, balance and the
    /// outcome are checked first on proven state: the call is executed locally at the
    /// verified tip, and a call that would revert is not sent. Returns the hash.
    pub async fn send_call(
        &self,
        key: &k256::ecdsa::SigningKey,
        to: Address,
        value: U256,
        data: Bytes,
    ) -> Result<B256, ChainError> {
        self.send_tx(key, TxKind::Call(to), None, value, data, None).await.map(|(hash, _)| hash)
    }

    /// A transaction a dapp asked for (`dapp_bridge`): the same checks and review as
    /// [`Self::send_call`], the review naming the site; a deployment when `to` is `Create`.
    pub async fn send_for_site(
        &self,
        key: &k256::ecdsa::SigningKey,
        to: TxKind,
        value: U256,
        data: Bytes,
        site: String,
    ) -> Result<B256, ChainError> {
        self.send_tx(key, to, None, value, data, Some(site)).await.map(|(hash, _)| hash)
    }

    /// Deploys `code` (creation code with its constructor's arguments) from `key`'s
    /// account, with the same checks and review as [`Self::send_call`] (the review says
    /// `what` is being deployed), waits for the proven receipt and returns the new
    /// contract's address — the sender's and nonce's, as CREATE derives it — with it.
    pub async fn deploy(
        &self,
        key: &k256::ecdsa::SigningKey,
        what: &'static str,
        code: Bytes,
    ) -> Result<(Address, Inclusion), ChainError> {
        let (hash, nonce) = self.send_tx(key, TxKind::Create, Some(what), U256::ZERO, code, None).await?;
        let inclusion = self.proven_success(hash).await?;
        Ok((crate::wallet::signer::address_of(key).create(nonce), inclusion))
    }

    /// The gas `from` would spend sending `value` and `data` to `to` now, run on proven
    /// state at the verified tip. A revert or halt is an error that explains it.
    pub async fn simulate(&self, from: Address, to: TxKind, value: U256, data: Bytes) -> Result<u64, ChainError> {
        self.simulate_effects(from, to, value, data).await.map(|s| s.gas_spent)
    }

    /// [`Self::simulate`], with what the run moved: the sender's 0G (fees aside) and the
    /// logs it emitted, from which its token transfers are read.
    pub async fn simulate_effects(
        &self,
        from: Address,
        to: TxKind,
        value: U256,
        data: Bytes,
    ) -> Result<Simulated, ChainError> {
        let request = CallRequest { from: Some(from), to, data, value };
        let evm = crate::verifiers::evm().await.map_err(|e| ChainError::NotProven(e.to_string()))?;
        match self.provider.execute(&request, &*evm).await {
            Verified::Proven {
                value: Executed { outcome: CallOutcome::Success(output), gas_spent, logs, sender_change },
                ..
            } => Ok(Simulated { gas_spent, output, sender_change, logs }),
            Verified::Proven { value: Executed { outcome: CallOutcome::Revert(out), .. }, .. } => {
                Err(ChainError::WouldRevert(out))
            }
            Verified::Proven { value: Executed { outcome: CallOutcome::Halt(why), .. }, .. } => {
                Err(ChainError::WouldFail(why))
            }
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                Err(ChainError::NotProven(format!("the call could not be simulated on proven state: {reason}")))
            }
        }
    }

    /// A call or a deployment: proven nonce and balance, simulated, reviewed, signed, sent.
    /// Returns the hash and the nonce it was signed with.
    async fn send_tx(
        &self,
        key: &k256::ecdsa::SigningKey,
        to: TxKind,
        creates: Option<&'static str>,
        value: U256,
        data: Bytes,
        requested_by: Option<String>,
    ) -> Result<(B256, u64), ChainError> {
        if !self.verifies() {
            return Err(ChainError::NeedsCheckpoint("the transaction's effect"));
        }
        let from = crate::wallet::signer::address_of(key);
        // Syncs the light client once; the account and the simulation then use that tip.
        let fees = self.fee_quote().await?;
        // The app's own calls go to contracts it expects; a site may also pay an account.
        if let (TxKind::Call(contract), None) = (to, &requested_by) {
            self.require_contract(contract).await?;
        }
        let account = match self.provider.account(from).await {
            Verified::Proven { value, .. } => value,
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(ChainError::NotProven(format!("your account could not be proven: {reason}")))
            }
        };
        let simulated = self.simulate_effects(from, to, value, data.clone()).await?;
        let gas_limit = gas_limit_for(simulated.gas_spent);
        let most = fees.worst_case(gas_limit, value);
        if most > account.balance {
            return Err(ChainError::WouldFail(format!(
                "not enough funds: this needs up to {} and the account holds {}",
                crate::format::format_0g(most),
                crate::format::format_0g(account.balance)
            )));
        }
        let mut review = self.review(from, to, value, data, gas_limit, fees, &account);
        review.creates = creates;
        review.requested_by = requested_by;
        // `most` counts the value too, which the simulation's own change already holds.
        review.changes = balance_changes(from, simulated.sender_change, most.saturating_sub(value), &simulated.logs);
        let tx = review.request();
        self.approve(review).await?;
        let signed = crate::wallet::signer::sign_eip1559(key, &tx);
        Ok((self.send_raw(&signed.raw, signed.hash).await?, account.nonce))
    }

    #[allow(clippy::too_many_arguments)] // one review's fields, named at the two call sites
    fn review(
        &self,
        from: Address,
        to: TxKind,
        value: U256,
        data: Bytes,
        gas_limit: u64,
        fees: FeeQuote,
        account: &AccountState,
    ) -> TxReview {
        TxReview {
            chain_id: self.network.chain_id,
            network: self.network.name.clone(),
            from,
            to,
            creates: None,
            value,
            data,
            gas_limit,
            worst_case: fees.worst_case(gas_limit, value),
            fees,
            balance: account.balance,
            nonce: account.nonce,
            changes: vec![],
            requested_by: None,
        }
    }

    /// [`Self::send_call`], then waits for the transaction's receipt and proves it: the
    /// returned inclusion succeeded, in a verified block.
    pub async fn transact(
        &self,
        key: &k256::ecdsa::SigningKey,
        to: Address,
        value: U256,
        data: Bytes,
    ) -> Result<Inclusion, ChainError> {
        let hash = self.send_call(key, to, value, data).await?;
        self.proven_success(hash).await
    }

    /// Waits for `hash` and proves its receipt; a revert or an unproven receipt is an error.
    pub async fn proven_success(&self, hash: B256) -> Result<Inclusion, ChainError> {
        match self.wait_for_inclusion(hash, 60).await? {
            Verified::Proven { value, .. } if value.success => Ok(value),
            Verified::Proven { value, .. } => Err(ChainError::Reverted(value.block)),
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                Err(ChainError::NotProven(format!("the transaction's receipt: {reason}")))
            }
        }
    }

    /// The fees a transaction offers now: the base fee of the newest verified block (or
    /// the node's latest, unverified, without a checkpoint) and the node's suggested tip,
    /// both held to the network's [`super::fees::FeeLimits`]. A node cannot raise them.
    pub async fn fee_quote(&self) -> Result<FeeQuote, ChainError> {
        let (base_fee, source) = match self.sync().await? {
            Some(tip) => {
                let base = tip.header.base_fee_per_gas.map(u128::from);
                (base, BaseFeeSource::Verified(tip.number()))
            }
            None => {
                let block = self.transport().request("eth_getBlockByNumber", json!(["latest", false])).await?;
                (block.get("baseFeePerGas").and_then(parse_u256).map(|v| v.saturating_to()), BaseFeeSource::Node)
            }
        };
        let node_tip = self
            .transport()
            .request("eth_maxPriorityFeePerGas", json!([]))
            .await
            .ok()
            .as_ref()
            .and_then(parse_u256)
            .map(|v| v.saturating_to());
        Ok(FeeQuote::suggest(base_fee.unwrap_or(super::fees::GWEI), source, node_tip, self.network.fee_limits())?)
    }

    /// Broadcasts a signed transaction and checks the node reports its real hash.
    pub async fn send_raw(&self, raw: &[u8], expected: B256) -> Result<B256, ChainError> {
        let answer =
            self.transport().request("eth_sendRawTransaction", json!([format!("0x{}", hex::encode(raw))])).await?;
        let reported: B256 =
            serde_json::from_value(answer).map_err(|_| ChainError::BadAnswer("eth_sendRawTransaction"))?;
        if reported != expected {
            return Err(ChainError::WrongTxHash { expected, reported });
        }
        Ok(reported)
    }

    /// Polls until the transaction is in a block, then proves its receipt through the
    /// verified header's transactions and receipts roots. Without a checkpoint the
    /// node's receipt is returned as unverified.
    pub async fn wait_for_inclusion(&self, hash: B256, timeout_s: u32) -> Result<Verified<Inclusion>, ChainError> {
        self.wait_for_any(|| vec![hash], timeout_s).await.map(|(_, inclusion)| inclusion)
    }

    /// [`Self::wait_for_inclusion`] of whichever of `hashes()` is included first: a pending
    /// transaction and the replacements (speed-up, cancel) sent for its nonce, of which
    /// only one can be. `hashes` is asked again every half second, so a replacement sent
    /// meanwhile is waited for too.
    pub async fn wait_for_any(
        &self,
        hashes: impl Fn() -> Vec<B256>,
        timeout_s: u32,
    ) -> Result<(B256, Verified<Inclusion>), ChainError> {
        for _ in 0..timeout_s * 2 {
            for hash in hashes() {
                if let Some(inclusion) = self.receipt_now(hash).await? {
                    return Ok((hash, inclusion));
                }
            }
            gloo::timers::future::TimeoutFuture::new(500).await;
        }
        Err(ChainError::NotIncluded(timeout_s))
    }

    /// The transaction's receipt if it is in a block already.
    pub async fn receipt_now(&self, hash: B256) -> Result<Option<Verified<Inclusion>>, ChainError> {
        if self.verifies() {
            return Ok(self.provider.receipt(hash).await?.map(|verdict| {
                verdict.map(|r| Inclusion {
                    block: r.block,
                    block_hash: r.block_hash,
                    success: r.success,
                    logs: r.logs,
                })
            }));
        }
        let receipt = self.transport().request("eth_getTransactionReceipt", json!([hash])).await?;
        if receipt.is_null() {
            return Ok(None);
        }
        let block = receipt
            .get("blockNumber")
            .and_then(parse_u256)
            .ok_or(ChainError::BadAnswer("eth_getTransactionReceipt"))?;
        let success = receipt.get("status").and_then(Value::as_str) == Some("0x1");
        let block_hash = receipt
            .get("blockHash")
            .and_then(|h| serde_json::from_value(h.clone()).ok())
            .ok_or(ChainError::BadAnswer("eth_getTransactionReceipt"))?;
        Ok(Some(Verified::Unverified {
            value: Inclusion { block: block.saturating_to(), block_hash, success, logs: vec![] },
            reason: "this network has no checkpoint and too few endpoints to agree on a head, so the receipt is the node's word".into(),
        }))
    }

    /// Devnet only: asks the faucet for funds; returns the funding transaction's hash.
    pub async fn request_faucet(&self, address: Address) -> Result<B256, ChainError> {
        let url = self.network.faucet_url.as_deref().ok_or(ChainError::NoFaucet)?;
        let response = gloo::net::http::Request::post(url)
            .json(&json!({"address": address}))
            .map_err(|e| ChainError::Faucet(e.to_string()))?
            .send()
            .await
            .map_err(|e| ChainError::Faucet(format!("the faucet is unreachable ({e}); is the devnet running?")))?;
        let body: Value = response.json().await.map_err(|e| ChainError::Faucet(e.to_string()))?;
        if !response.ok() {
            let why = body.get("error").and_then(Value::as_str).unwrap_or("unknown error");
            return Err(ChainError::Faucet(wasm_light_client::jsonrpc::quote_node_words(why)));
        }
        body.get("txHash")
            .and_then(|h| serde_json::from_value(h.clone()).ok())
            .ok_or_else(|| ChainError::Faucet("the faucet's answer has no transaction hash".into()))
    }
}

fn parse_u256(v: &Value) -> Option<U256> {
    let s = v.as_str()?.strip_prefix("0x")?;
    U256::from_str_radix(s, 16).ok()
}
