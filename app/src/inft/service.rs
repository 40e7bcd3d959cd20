//! The agent service the Agents pages call: it joins the wallet's keys, 0G Storage and the
//! light client into the steps a holder takes. Every chain value it returns (owner, data
//! hash, sealed key, authorized users) was proven by the light client; every byte it
//! downloads was checked against the token's data hash before it is decrypted.
//!
//! Order of writes keeps the invariant "a token only points at data that is fully stored":
//! data is encrypted, uploaded and acknowledged by every node keeping it before the
//! transaction that points the token at it is signed.

use std::cell::RefCell;
use std::collections::HashMap;

use alloy_primitives::{Address, Bytes, B256, U256};
use k256::ecdsa::SigningKey;
use k256::{PublicKey, SecretKey};
use wasm_light_client::storage::FileTree;
use wasm_light_client::{CallOutcome, HeaderChain, LogFilter, ProvenLog, Verified};

use super::contract;
use super::envelope;
pub use super::handover::Step;
use super::handover::{self, AgentWorld, Handover, HandoverRefusal, HeldAgent};
use super::metadata::{AgentMetadata, MetadataError};
use super::offer::{Acceptance, Offer, OfferError};
use super::proofs::Operation;
use super::provenance::{self, Provenance, ProvenanceError};
use crate::chain::client::{ChainClient, ChainError, Inclusion};
use crate::platform::{BrowserClock, BrowserEntropy};
use crate::storage::plan::Placement;
use crate::storage::records::{self, UploadRecord};
use crate::storage::service::{StorageError, StorageService};
use crate::storage::source::FileSource;
use crate::wallet::signer::address_of;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    #[error("this network has no agent contract; agents need the local devnet (run `cargo xtask demo`)")]
    NoContract,
    #[error("storing the agent's data failed: {0}. The agent on chain is unchanged; try again")]
    Storage(StorageError),
    #[error("reading the agent's data failed: {0}")]
    Download(StorageError),
    #[error(transparent)]
    Chain(ChainError),
    /// The chain answered, but not as a mint does (no new token in the receipt).
    #[error("{0}")]
    Unexpected(UnexpectedAnswer),
    /// Something the user typed or pasted is not what it should be.
    #[error("{0}")]
    Input(BadInput),
    #[error("the agent contract would refuse this: {0}. Nothing was sent")]
    Refused(contract::Refusal),
    #[error("not proven by the light client: {0}")]
    NotProven(Unproven),
    #[error(transparent)]
    Offer(#[from] OfferError),
    #[error("the agent's data cannot be opened with your key: {0}")]
    Metadata(#[from] MetadataError),
    /// A handover step, or an action only the holder may take, refused before anything
    /// was signed.
    #[error(transparent)]
    Handover(#[from] HandoverRefusal),
    #[error("no data key for agent #{0} is sealed to you; only its holder can read it")]
    NoSealedKey(U256),
    #[error("agent #{token} is held by {owner}: its data is sealed to them, and your key cannot open it")]
    SealedToHolder { token: U256, owner: Address },
    #[error(transparent)]
    Provenance(#[from] ProvenanceError),
}

/// What the chain answered that the service did not expect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnexpectedAnswer {
    #[error("the mint's receipt has no Transfer of a new token to you")]
    NoNewToken,
}

/// Something the user pasted that is not what it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadInput {
    #[error("a public key is hex: 0x02… or 0x03… (33 bytes)")]
    KeyNotHex,
    #[error("that is not a secp256k1 public key; copy it again from the receiver's Agents page")]
    NotAPublicKey,
}

/// Why a value the agent service needs is not proven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unproven {
    /// The light client's own words (or the EVM's, for a call that halted).
    #[error("{0}")]
    Said(String),
    #[error("there is no agent #{0}")]
    NoSuchAgent(U256),
    #[error("authorizedUsersOf gave an answer that does not decode")]
    UsersDoNotDecode,
    #[error("the light client has no verified tip")]
    NoVerifiedTip,
    #[error("agent #{0} does not hold exactly one data item")]
    NotOneDataItem(U256),
}

impl From<ChainError> for AgentError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::WouldRevert(data) => {
                AgentError::Refused(contract::refusal(&data).unwrap_or(contract::Refusal::Data(data)))
            }
            other => AgentError::Chain(other),
        }
    }
}

impl From<StorageError> for AgentError {
    fn from(e: StorageError) -> Self {
        AgentError::Storage(e)
    }
}

/// An agent as its holder sees it: proven on chain, decrypted from storage.
#[derive(Clone)]
pub struct OpenedAgent {
    pub token: U256,
    pub owner: Address,
    pub data_hash: B256,
    /// The block the owner and data hash were proven at.
    pub block: u64,
    pub metadata: AgentMetadata,
}

impl OpenedAgent {
    pub fn agent_address(&self) -> Option<Address> {
        self.metadata.agent_key().ok().map(|k| address_of(&k))
    }
}

/// What one filter's scan has proven so far.
#[derive(Clone)]
struct Scanned {
    to: u64,
    to_hash: B256,
    logs: Vec<ProvenLog>,
}

/// Where a cached scan goes on from, and the logs it keeps. If the block it was scanned up
/// to has left the chain, a reorganisation replaced blocks already read, whose new logs
/// were never read: everything a reorganisation can reach is read again (the light client
/// refuses deeper ones).
fn resume_scan(
    cached: Option<Scanned>,
    first_block: u64,
    is_canonical: impl Fn(u64, B256) -> Option<bool>,
) -> (u64, Vec<ProvenLog>) {
    match cached {
        Some(s) if is_canonical(s.to, s.to_hash) == Some(false) => {
            let from = s.to.saturating_sub(HeaderChain::WINDOW as u64).max(first_block);
            (from, s.logs.into_iter().filter(|l| l.block < from).collect())
        }
        Some(s) => (s.to + 1, s.logs),
        None => (first_block, Vec::new()),
    }
}

/// A log filter's topics (`None`: any), the key of the scan cache.
type Topics = Vec<Option<B256>>;

pub struct AgentService {
    chain: std::rc::Rc<ChainClient>,
    storage: StorageService,
    nft: Address,
    /// Where log scans start (the devnet's first contract block).
    first_block: u64,
    /// Proven logs per filter, and the block (number, hash) they were scanned up to, so
    /// each refresh only reads new blocks.
    scanned: RefCell<HashMap<Topics, Scanned>>,
}

impl AgentService {
    pub async fn connect(chain: std::rc::Rc<ChainClient>) -> Result<Self, AgentError> {
        let network = chain.network().clone();
        let nft = network.contracts.agent_nft.ok_or(AgentError::NoContract)?;
        let first_block = network.contracts_first_block();
        let storage = StorageService::connect(network.storage).await?;
        Ok(Self { chain, storage, nft, first_block, scanned: RefCell::new(HashMap::new()) })
    }

    pub fn nft(&self) -> Address {
        self.nft
    }

    pub fn chain(&self) -> &ChainClient {
        &self.chain
    }

    /// The compressed public key others seal agents to (shown so a sender can paste it).
    pub fn public_key(key: &SigningKey) -> Bytes {
        envelope::compressed_public_key(key)
    }

    /// Encrypts a new agent for `key`'s account, stores it and mints its token.
    pub async fn create(
        &self,
        key: &SigningKey,
        metadata: &AgentMetadata,
        step: &dyn Fn(Step),
    ) -> Result<(U256, Inclusion), AgentError> {
        step(Step::Encrypting);
        let sealed = metadata.seal(&PublicKey::from(key.verifying_key()));
        let (root, _) = self.store(key, &sealed.ciphertext, &metadata.name, step).await?;
        step(Step::Signing);
        let me = address_of(key);
        let included = self.send(key, contract::mint_call(root, me, sealed.sealed_key.into())).await?;
        step(Step::Confirming);
        let token = included
            .logs
            .iter()
            .filter_map(|l| contract::decode_transfer(l, self.nft))
            .find(|(from, to, _)| from.is_zero() && *to == me)
            .map(|(_, _, token)| token)
            .ok_or(AgentError::Unexpected(UnexpectedAnswer::NoNewToken))?;
        Ok((token, included))
    }

    /// Re-encrypts the edited agent under a fresh key, stores it, then points the token at it.
    pub async fn save(
        &self,
        key: &SigningKey,
        token: U256,
        metadata: &AgentMetadata,
        step: &dyn Fn(Step),
    ) -> Result<Inclusion, AgentError> {
        self.require_holder(token, address_of(key)).await?;
        step(Step::Encrypting);
        let sealed = metadata.seal(&PublicKey::from(key.verifying_key()));
        let (root, _) = self.store(key, &sealed.ciphertext, &metadata.name, step).await?;
        step(Step::Signing);
        self.send(key, contract::update_call(token, root, sealed.sealed_key.into())).await
    }

    /// The tokens `owner` holds: every token a proven `Transfer` brought it, kept if a
    /// proven `ownerOf` still names it. Returns them with the block they were proven at.
    pub async fn owned(&self, owner: Address) -> Result<(Vec<U256>, u64), AgentError> {
        let (received, scanned_to) =
            self.scan_to(vec![Some(contract::transfer_topic()), None, Some(owner.into_word())]).await?;
        let mut tokens: Vec<U256> =
            received.iter().filter_map(|l| contract::decode_transfer(&l.log, self.nft)).map(|(_, _, t)| t).collect();
        tokens.sort();
        tokens.dedup();
        let mut held = Vec::new();
        let mut block = scanned_to;
        for token in tokens {
            let (holder, at) = self.owner_of(token).await?;
            block = block.max(at);
            if holder == Some(owner) {
                held.push(token);
            }
        }
        Ok((held, block))
    }

    /// Where agent `token`, held by `holder`, came from — from proven logs only: its
    /// `Minted` event (creator and block), the newest proven `Transfer` of it to `holder`
    /// (how it arrived), and, when it arrived by a mint, whether that mint's transaction
    /// also emitted `Cloned` (a clone the holder accepted, not an unasked mint).
    pub async fn provenance(&self, token: U256, holder: Address) -> Result<Provenance, AgentError> {
        let minted = self.scan(vec![Some(contract::minted_topic()), Some(B256::from(token))]).await?;
        // The same filter as `owned`: cached, so this reads only blocks it has not read.
        let received = self.scan(vec![Some(contract::transfer_topic()), None, Some(holder.into_word())]).await?;
        let (mint_log, _) = provenance::mint_of(self.nft, token, &minted)?;
        // One block only, so it is not cached: its header's bloom rules it out unless a
        // clone of this token happened there.
        let filter = LogFilter::new(self.nft).topic(0, contract::cloned_topic()).topic(2, B256::from(token));
        let clones = match self.chain.logs(&filter, mint_log.block, mint_log.block).await? {
            Verified::Proven { value, .. } => value,
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(AgentError::NotProven(Unproven::Said(reason)))
            }
        };
        Ok(Provenance::from_logs(self.nft, token, holder, &minted, &received, &clones)?)
    }

    /// Proves the token's holder and data, downloads the data (checked against its
    /// hash) and opens it with the data key sealed to `key`'s account.
    pub async fn open(&self, key: &SigningKey, token: U256) -> Result<OpenedAgent, AgentError> {
        let me = address_of(key);
        // A number looked up or linked to may be a token minted since the last background sync.
        self.chain.sync().await?;
        let (owner, block) = self.owner_of(token).await?;
        let owner = owner.ok_or(AgentError::NotProven(Unproven::NoSuchAgent(token)))?;
        let data_hash = self.data_hash(token).await?;
        let ciphertext = self.fetch(data_hash).await?;
        let published =
            self.scan(vec![Some(contract::sealed_key_topic()), Some(me.into_word()), Some(B256::from(token))]).await?;
        // The newest key sealed to this account is the one for the token's current data
        // if this account holds it; an older one (held before a transfer) opens nothing.
        let sealed = published.iter().rev().find_map(|l| contract::decode_sealed_key(&l.log, self.nft));
        let opened = match sealed {
            Some((_, _, sealed)) => AgentMetadata::open(&ciphertext, &sealed, &secret_of(key)),
            None => {
                return Err(if owner == me {
                    AgentError::NoSealedKey(token)
                } else {
                    AgentError::SealedToHolder { token, owner }
                })
            }
        };
        match opened {
            Ok(metadata) => Ok(OpenedAgent { token, owner, data_hash, block, metadata }),
            // A former holder still has a key for the data it held; the new data is sealed
            // to the new holder, and that key does not open it.
            Err(_) if owner != me => Err(AgentError::SealedToHolder { token, owner }),
            Err(e) => Err(e.into()),
        }
    }

    /// The handover protocol (`zg_core::inft::handover`) over this service, the browser's
    /// clock and its randomness.
    fn handover(&self) -> Handover<'_, Self, BrowserClock, BrowserEntropy> {
        Handover {
            world: self,
            clock: &BrowserClock,
            entropy: &BrowserEntropy,
            chain_id: self.chain.network().chain_id,
            nft: self.nft,
        }
    }

    /// Makes an offer of `agent` to the holder of `receiver_key`: the agent is re-encrypted
    /// for the receiver under a fresh key (a clone also gets a fresh agent key, so the two
    /// agents' funds stay apart), uploaded, and the ownership proof signed.
    pub async fn offer(
        &self,
        key: &SigningKey,
        agent: &OpenedAgent,
        kind: Operation,
        receiver_key: &[u8],
        step: &dyn Fn(Step),
    ) -> Result<Offer, AgentError> {
        let held = HeldAgent { token: agent.token, data_hash: agent.data_hash, metadata: &agent.metadata };
        self.handover().offer(key, held, kind, receiver_key, step).await
    }

    /// The receiver's checks of an offer: addressed to `key`'s account, signed by the
    /// holder, who still holds the token with the data it was made for; the new data is
    /// downloaded, checked against its hash and opened. Returns what the receiver gets.
    pub async fn inspect(&self, key: &SigningKey, offer: &Offer) -> Result<AgentMetadata, AgentError> {
        self.handover().inspect(key, offer).await
    }

    /// After [`Self::inspect`]: the receiver's signed access proof, for the operation the
    /// offer states (which `inspect` checked is the one the holder signed).
    pub fn accept(key: &SigningKey, offer: Offer) -> Result<Acceptance, AgentError> {
        Ok(handover::accept(key, offer, &BrowserEntropy)?)
    }

    /// The holder's review of an acceptance, before anything is signed: both signatures
    /// check out for the operation the code states, the offer is this account's, and it
    /// still holds the token with the data the offer was made for. After it,
    /// [`Offer::holder_summary`] says truthfully what [`Self::complete`] will send.
    pub async fn review(&self, key: &SigningKey, acceptance: &Acceptance) -> Result<(), AgentError> {
        self.handover().review(key, acceptance).await
    }

    /// The holder completes a transfer or clone the receiver accepted and the holder
    /// reviewed; the review is repeated, since the chain may have moved on. Returns the
    /// inclusion and, for a clone, the new token.
    pub async fn complete(
        &self,
        key: &SigningKey,
        acceptance: &Acceptance,
    ) -> Result<(Inclusion, Option<U256>), AgentError> {
        let call = self.handover().completion(key, acceptance).await?;
        let included = self.send(key, call).await?;
        let offer = &acceptance.offer;
        let new_token = (offer.kind == Operation::Clone)
            .then(|| {
                included
                    .logs
                    .iter()
                    .filter_map(|l| contract::decode_transfer(l, self.nft))
                    .find(|(from, to, _)| from.is_zero() && *to == offer.to)
                    .map(|(_, _, t)| t)
            })
            .flatten();
        Ok((included, new_token))
    }

    /// Who the holder authorized to use the agent, proven at the verified tip.
    pub async fn authorized(&self, token: U256) -> Result<(Vec<Address>, u64), AgentError> {
        let (out, block) = self.chain.read(self.nft, contract::authorized_users_call(token)).await?;
        let users = contract::decode_authorized_users(&out).ok_or(AgentError::NotProven(Unproven::UsersDoNotDecode))?;
        Ok((users, block))
    }

    pub async fn authorize(&self, key: &SigningKey, token: U256, user: Address) -> Result<Inclusion, AgentError> {
        self.send_for_user(key, contract::authorize_call(token, user), user).await
    }

    pub async fn revoke(&self, key: &SigningKey, token: U256, user: Address) -> Result<Inclusion, AgentError> {
        self.send_for_user(key, contract::revoke_call(token, user), user).await
    }

    /// [`Self::send`] of an authorization change for `user`, whose reverts name `user`.
    async fn send_for_user(&self, key: &SigningKey, data: Bytes, user: Address) -> Result<Inclusion, AgentError> {
        match self.chain.transact(key, self.nft, U256::ZERO, data).await {
            Ok(included) => Ok(included),
            Err(ChainError::WouldRevert(data)) => match contract::authorization_refusal(&data, user) {
                Some(why) => Err(AgentError::Refused(why)),
                None => Err(ChainError::WouldRevert(data).into()),
            },
            Err(e) => Err(e.into()),
        }
    }

    /// Moves the agent's own funds to `to`.
    pub async fn sweep(&self, agent: &OpenedAgent, to: Address) -> Result<(U256, Inclusion), AgentError> {
        let agent_key = agent.metadata.agent_key()?;
        let (hash, amount) = self.chain.sweep(&agent_key, to).await?;
        Ok((amount, self.chain.proven_success(hash).await?))
    }

    async fn owner_of(&self, token: U256) -> Result<(Option<Address>, u64), AgentError> {
        match self.chain.call(self.nft, contract::owner_call(token)).await {
            Verified::Proven { value: CallOutcome::Success(out), block } => Ok((contract::decode_owner(&out), block)),
            // ownerOf reverts for a token that does not exist (or was never minted).
            Verified::Proven { value: CallOutcome::Revert(_), block } => Ok((None, block)),
            Verified::Proven { value: CallOutcome::Halt(why), .. } => Err(AgentError::NotProven(Unproven::Said(why))),
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                Err(AgentError::NotProven(Unproven::Said(reason)))
            }
        }
    }

    async fn require_holder(&self, token: U256, who: Address) -> Result<(), AgentError> {
        match self.owner_of(token).await? {
            (Some(owner), _) if owner == who => Ok(()),
            (Some(owner), _) => Err(HandoverRefusal::NotHolder { token, owner, you: who }.into()),
            (None, _) => Err(HandoverRefusal::NoSuchAgent(token).into()),
        }
    }

    /// Proven logs of the agent NFT matching `topics`, from the first contract block to
    /// the verified tip; only blocks not read before are scanned.
    async fn scan(&self, topics: Topics) -> Result<Vec<ProvenLog>, AgentError> {
        Ok(self.scan_to(topics).await?.0)
    }

    /// [`Self::scan`], and the block the logs are proven complete up to.
    async fn scan_to(&self, topics: Topics) -> Result<(Vec<ProvenLog>, u64), AgentError> {
        self.chain.sync().await?;
        let tip = self.chain.tip().ok_or(AgentError::NotProven(Unproven::NoVerifiedTip))?;
        let cached = self.scanned.borrow().get(&topics).cloned();
        let (from, mut logs) = resume_scan(cached, self.first_block, |n, h| self.chain.is_canonical(n, h));
        if from <= tip.number() {
            let mut filter = LogFilter::new(self.nft);
            for (i, t) in topics.iter().enumerate() {
                if let Some(t) = t {
                    filter = filter.topic(i, *t);
                }
            }
            match self.chain.logs(&filter, from, tip.number()).await? {
                Verified::Proven { value, .. } => logs.extend(value),
                Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                    return Err(AgentError::NotProven(Unproven::Said(reason)))
                }
            }
            // A reorg may have replaced scanned blocks: keep only logs still canonical.
            logs.retain(|l| self.chain.is_canonical(l.block, l.block_hash) != Some(false));
            let scanned = Scanned { to: tip.number(), to_hash: tip.hash, logs: logs.clone() };
            self.scanned.borrow_mut().insert(topics, scanned);
        }
        Ok((logs, tip.number()))
    }

    /// Signs and sends `data` to the agent NFT, then proves the receipt.
    async fn send(&self, key: &SigningKey, data: Bytes) -> Result<Inclusion, AgentError> {
        Ok(self.chain.transact(key, self.nft, U256::ZERO, data).await?)
    }
}

/// The browser's world for a handover: the agent NFT's state proven by the light client,
/// and 0G Storage through [`StorageService`].
impl AgentWorld for AgentService {
    type Error = AgentError;

    async fn holder(&self, token: U256) -> Result<Option<Address>, AgentError> {
        // A handover code is checked moments after the other side made it, often about a
        // token minted after this page's last background sync: read at a fresh tip, or a
        // new agent would be refused as one that does not exist.
        self.chain.sync().await?;
        Ok(self.owner_of(token).await?.0)
    }

    async fn data_hash(&self, token: U256) -> Result<B256, AgentError> {
        let (out, _) = self.chain.read(self.nft, contract::data_call(token)).await?;
        contract::decode_data_hash(&out).ok_or(AgentError::NotProven(Unproven::NotOneDataItem(token)))
    }

    /// Uploads `bytes` to 0G Storage (paid from `key`'s account) and returns its root and
    /// size once every node keeping a segment has acknowledged it.
    async fn store(
        &self,
        key: &SigningKey,
        bytes: &[u8],
        label: &str,
        step: &dyn Fn(Step),
    ) -> Result<(B256, u64), AgentError> {
        let source = FileSource::from_bytes(&format!("agent {label} (encrypted)"), bytes);
        step(Step::Hashing);
        let tree: FileTree = StorageService::hash(&source, &|_| {}).await?;
        let quote = self.storage.quote(&self.chain, &tree).await?;
        step(Step::Paying);
        let submitted = self.storage.submit(&self.chain, key, &tree, &quote).await?;
        let mut record = UploadRecord {
            network: self.chain.network().id.clone(),
            root: tree.root(),
            name: source.name.clone(),
            size: source.size,
            tx_hash: Some(submitted.tx_hash),
            submitted_block: Some(submitted.block),
            start_entry: Some(submitted.placement.start_entry),
            acknowledged: vec![],
            segments: wasm_light_client::storage::num_segments(tree.size()),
            created_ms: zg_core::env::Clock::now_ms(&BrowserClock),
        };
        records::save(&record).await.map_err(StorageError::record)?;
        self.storage.wait_until_known(tree.root()).await?;
        let total = record.segments;
        step(Step::Uploading { done: 0, total });
        self.storage
            .upload(&source, &tree, &mut record, &|p| {
                if let crate::storage::service::Progress::Uploading { done, total } = p {
                    step(Step::Uploading { done, total });
                }
            })
            .await?;
        Ok((tree.root(), tree.size()))
    }

    /// Downloads the data at `root`, each segment checked against it.
    async fn fetch(&self, root: B256) -> Result<Vec<u8>, AgentError> {
        let (at, size): (Placement, u64) = self.storage.locate(root).await.map_err(AgentError::Download)?;
        let got = self.storage.download(root, size, at, &|_| {}).await.map_err(AgentError::Download)?;
        Ok(got.bytes)
    }
}

fn secret_of(key: &SigningKey) -> SecretKey {
    SecretKey::from(key.as_nonzero_scalar())
}

/// Parses a pasted public key (hex, with or without 0x) into its SEC1 bytes.
pub fn parse_pasted_key(text: &str) -> Result<PublicKey, AgentError> {
    let bytes =
        hex::decode(text.trim().trim_start_matches("0x")).map_err(|_| AgentError::Input(BadInput::KeyNotHex))?;
    envelope::parse_public_key(&bytes).map_err(|_| AgentError::Input(BadInput::NotAPublicKey))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_at(block: u64) -> ProvenLog {
        ProvenLog {
            block,
            block_hash: B256::repeat_byte(block as u8),
            transaction_index: 0,
            log_index: 0,
            log: Default::default(),
        }
    }

    #[test]
    fn a_scan_goes_on_after_the_block_it_reached_while_that_block_is_canonical() {
        let cached = Scanned { to: 900, to_hash: B256::repeat_byte(9), logs: vec![log_at(10), log_at(800)] };
        let (from, logs) = resume_scan(Some(cached), 5, |_, _| Some(true));
        assert_eq!((from, logs.len()), (901, 2));
        assert_eq!(resume_scan(None, 5, |_, _| Some(true)).0, 5);
    }

    #[test]
    fn a_reorganised_scan_reads_again_what_a_reorganisation_can_reach() {
        let cached = Scanned { to: 900, to_hash: B256::repeat_byte(9), logs: vec![log_at(10), log_at(800)] };
        let (from, logs) = resume_scan(Some(cached), 5, |n, _| Some(n != 900));
        assert_eq!(from, 900 - HeaderChain::WINDOW as u64);
        assert_eq!(logs.iter().map(|l| l.block).collect::<Vec<_>>(), vec![10], "logs in the re-read range are dropped");
        let young = Scanned { to: 40, to_hash: B256::ZERO, logs: vec![log_at(30)] };
        assert_eq!(resume_scan(Some(young), 5, |_, _| Some(false)), (5, vec![]));
    }
}
