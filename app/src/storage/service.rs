//! The storage client's journeys, on one network: hash a file, quote and pay its Flow
//! submission, upload its segments to the nodes that keep them, download it back with
//! every segment proven against the root, and audit that it is still there.
//!
//! Everything the chain says is read through the light client (price, the submission's
//! receipt and its `Submit` event); everything a node or the indexer's gateway says is
//! checked against the file's Merkle root before it is used.
//!
//! Two paths to the data: straight to a complete set of storage nodes (found through the
//! network's 0G indexer, or its own node list), or, when the page cannot reach them (an
//! https page and http:// nodes, nodes that refuse or are down), through the indexer's
//! HTTPS gateway. `path()` says which; the page shows it.

use std::cell::RefCell;

use alloy_primitives::{Address, B256, U256};
use wasm_light_client::storage::{num_segments, FileTree, StorageError as MerkleError};
use wasm_light_client::Verified;

use super::discovery::{self, host, NodeNote, NodeNotes, ShardedNode, TransferPath};
use super::flow::{self, FlowFault, SubmissionFault};
use super::gateway::{Indexer, IndexerError};
use super::hashing::{self, worker, WorkerScript};
use super::node::{NodeError, StorageNode};
use super::plan::{self, NodeInfo, Placement};
use super::records::{RecordJournal, UploadRecord};
use super::segment::SegmentRefusal;
use super::source::FileSource;
use super::transfer::{self, DirectFailure, Miss, ProveHere, Prover, Unanswered, Upload, Via};
pub use super::transfer::{AuditCheck, Fault, TransferError};
use crate::chain::client::ChainClient;
use crate::chain::networks::StorageConfig;
use crate::platform::BrowserClock;
use crate::platform::BrowserEntropy;
use zg_core::env::{Clock, Entropy};

/// The largest file the browser client takes. Hashing streams, but the upload record,
/// proofs and downloads are sized for files a browser handles comfortably.
pub const MAX_FILE_SIZE: u64 = 4 << 30;
/// Segments from which a download is proven in workers (2 MiB): proving one segment on the
/// page takes a few milliseconds, starting the workers tens.
const PROVE_IN_WORKERS_FROM: u64 = 8;
/// How long nodes get to notice a new submission on chain.
const NODE_SYNC_TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("this network has no 0G Storage configured in zg-console")]
    NotConfigured,
    /// Reading, hashing, uploading or downloading the file.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error("this file is {size} bytes; the browser client takes files up to 4 GiB. Split it, or use 0G's command-line client")]
    TooLarge { size: u64 },
    #[error(transparent)]
    Chain(crate::chain::client::ChainError),
    /// The Flow or its market answered something that is not what they return, or would
    /// refuse the submission (said in 0G's words).
    #[error("{0}")]
    Flow(FlowFault),
    #[error("the submission transaction was included but {0}")]
    Submission(SubmissionFault),
    #[error("the storage nodes did not see the submission within {0} s; they may be behind the chain. Resume later from the Storage page")]
    NodesBehind(u32),
    #[error("a file of {size} bytes is more than this browser client downloads (4 GiB). If the nodes reported that size, they may be lying: give the size by hand")]
    DownloadTooLarge { size: u64 },
    #[error("no storage node can be reached from this page and there is no 0G indexer gateway to go through ({why})")]
    NoRoute { why: NodeNotes },
    #[error("an audit asks each storage node for sampled segments with their proofs, and this page reaches the nodes only through the 0G indexer gateway, which serves whole files and does not say which node sent what. Download the file instead: it is checked against its root")]
    AuditNeedsNodes,
}

impl From<MerkleError> for StorageError {
    fn from(e: MerkleError) -> Self {
        TransferError::Merkle(e).into()
    }
}

impl From<IndexerError> for StorageError {
    fn from(e: IndexerError) -> Self {
        TransferError::Gateway(e).into()
    }
}

impl StorageError {
    /// The uploads list could not be saved.
    pub fn record(reason: String) -> Self {
        TransferError::Record(reason).into()
    }
}

/// The storage fee for a file, from proven chain state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub market: Address,
    pub price_per_sector: U256,
    pub sectors: u64,
    pub fee: U256,
    /// The verified block the price was read at.
    pub block: u64,
}

/// Where a journey stands, for the progress view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Hashing { done: u64, total: u64 },
    Submitting,
    WaitingForNodes,
    Uploading { done: u64, total: u64 },
    Downloading { done: u64, total: u64 },
}

/// A proven Flow submission of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submitted {
    pub tx_hash: B256,
    pub block: u64,
    pub placement: Placement,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub bytes: Vec<u8>,
    /// Nodes that failed or lied on the way (the download went on without them).
    pub faults: Vec<Fault>,
    /// How the bytes came.
    pub path: TransferPath,
}

/// How many copies of each segment an upload aims for when the nodes allow it; fewer
/// (down to one, 0G's default) when they do not. Two means one node can die and every
/// segment is still kept.
pub const EXPECTED_REPLICA: u64 = 2;
/// How many times an upload moves on to another set of nodes after one failed.
const RESELECTIONS: usize = 4;

/// How the service reaches the data right now.
enum Route {
    Direct,
    Gateway,
    None,
}

pub struct StorageService {
    config: StorageConfig,
    indexer: Option<Indexer>,
    /// Nodes the page may call (listed by the indexer, or the network's own list), with
    /// the shard each is believed to keep (corrected from the node's own word once asked).
    listed: RefCell<Vec<ShardedNode>>,
    /// Nodes asked for their shard and answering, by URL.
    connected: RefCell<Vec<StorageNode>>,
    /// Nodes that failed; the next selection leaves them out.
    dropped: RefCell<Vec<String>>,
    /// The selected complete set (URLs) and the copies it keeps; `None`: no direct route.
    set: RefCell<Option<(Vec<String>, u64)>>,
    /// What went wrong finding nodes, for the page.
    notes: RefCell<Vec<NodeNote>>,
}

impl StorageService {
    /// Finds nodes: through the network's indexer when it has one (0G's
    /// `indexer_getShardedNodes`), else its own node list; picks a complete set the page
    /// can reach, or falls back to the indexer's gateway.
    pub async fn connect(config: Option<StorageConfig>) -> Result<Self, StorageError> {
        let config = config.ok_or(StorageError::NotConfigured)?;
        let page_https = web_sys::window().and_then(|w| w.location().protocol().ok()).as_deref() == Some("https:");
        let mut notes = Vec::new();
        let mut listed = Vec::new();
        let mut connected = Vec::new();
        let mut blocked = Vec::new();
        let indexer = config.indexer.as_deref().map(Indexer::new);
        if let Some(indexer) = &indexer {
            match indexer.sharded_nodes().await {
                Ok(nodes) => {
                    for node in nodes.trusted.into_iter().chain(nodes.discovered) {
                        if !discovery::valid_config(&node.config) {
                            notes.push(NodeNote::ImpossibleShard { host: host(&node.url), shard: node.config });
                        } else if let Err(e) = discovery::reachable(page_https, &node.url) {
                            blocked.push(e);
                        } else if !listed.iter().any(|n: &ShardedNode| n.url == node.url) {
                            listed.push(node);
                        }
                    }
                    if listed.is_empty() && blocked.is_empty() {
                        notes.push(NodeNote::NoneListed { indexer: indexer.host() });
                    }
                }
                Err(e) => notes.push(NodeNote::IndexerFailed(e)),
            }
        }
        if listed.is_empty() {
            for url in &config.nodes {
                if let Err(e) = discovery::reachable(page_https, url) {
                    blocked.push(e);
                    continue;
                }
                match StorageNode::connect(url).await {
                    Ok(node) => {
                        listed.push(ShardedNode { url: url.clone(), config: node.info.shard, latency: 0, since: 0 });
                        connected.push(node);
                    }
                    Err(e) => notes.push(NodeNote::NodeFailed(e)),
                }
            }
        }
        if !blocked.is_empty() {
            notes.push(NodeNote::Blocked(blocked));
        }
        if listed.is_empty() && indexer.is_none() && config.nodes.is_empty() {
            return Err(StorageError::NotConfigured);
        }
        let service = Self {
            config,
            indexer,
            listed: RefCell::new(listed),
            connected: RefCell::new(connected),
            dropped: RefCell::new(Vec::new()),
            set: RefCell::new(None),
            notes: RefCell::new(notes),
        };
        service.select_set().await;
        Ok(service)
    }

    /// Picks a complete set out of the listed nodes that are not dropped, asking each
    /// chosen node for its shard; a node that fails is dropped and the choice made again.
    async fn select_set(&self) {
        loop {
            let listed = self.listed.borrow().clone();
            let chosen = discovery::choose_set(&listed, &self.dropped.borrow(), EXPECTED_REPLICA);
            let Some((mut set, replica)) = chosen else {
                *self.set.borrow_mut() = None;
                return;
            };
            // In the list's order (the indexer's, by latency, or the network's), not the
            // selection's: downloads try holders in this order, and a whole replica first
            // would leave the others untried.
            set.sort_by_key(|n| listed.iter().position(|l| l.url == n.url));
            let mut redo = false;
            for claim in &set {
                let known = self.connected.borrow().iter().find(|n| n.url() == claim.url).map(|n| n.info.shard);
                let actual = match known {
                    Some(shard) => shard,
                    None => match StorageNode::connect(&claim.url).await {
                        Ok(node) => {
                            let shard = node.info.shard;
                            self.connected.borrow_mut().push(node);
                            shard
                        }
                        Err(e) => {
                            self.note(NodeNote::Replaced(e));
                            self.dropped.borrow_mut().push(claim.url.clone());
                            redo = true;
                            break;
                        }
                    },
                };
                if actual != claim.config {
                    // The node's own word decides which segments it accepts.
                    self.note(NodeNote::ShardCorrected { host: host(&claim.url), said: claim.config, actual });
                    for node in self.listed.borrow_mut().iter_mut().filter(|n| n.url == claim.url) {
                        node.config = actual;
                    }
                    redo = true;
                    break;
                }
            }
            if !redo {
                *self.set.borrow_mut() = Some((set.into_iter().map(|n| n.url).collect(), replica));
                return;
            }
        }
    }

    fn note(&self, note: NodeNote) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&note) {
            notes.push(note);
        }
    }

    /// What went wrong finding nodes (dead, blocked, misdescribed).
    pub fn notes(&self) -> Vec<NodeNote> {
        self.notes.borrow().clone()
    }

    /// [`Self::notes`], for the errors that carry them.
    fn notes_now(&self) -> NodeNotes {
        NodeNotes(self.notes.borrow().clone())
    }

    fn route(&self) -> Route {
        if self.set.borrow().is_some() {
            Route::Direct
        } else if self.indexer.is_some() {
            Route::Gateway
        } else {
            Route::None
        }
    }

    /// How transfers go now: straight to the selected nodes, or through the gateway.
    pub fn path(&self) -> Option<TransferPath> {
        match self.route() {
            Route::Direct => self
                .set
                .borrow()
                .as_ref()
                .map(|(urls, replica)| TransferPath::Direct { nodes: urls.len(), replica: *replica }),
            Route::Gateway => self.indexer.as_ref().map(|i| TransferPath::Gateway { host: i.host() }),
            Route::None => None,
        }
    }

    fn no_route(&self) -> StorageError {
        StorageError::NoRoute { why: self.notes_now() }
    }

    /// The selected set's nodes (empty on the gateway path).
    fn set_nodes(&self) -> Vec<StorageNode> {
        let set = self.set.borrow();
        let Some((urls, _)) = set.as_ref() else { return Vec::new() };
        let connected = self.connected.borrow();
        urls.iter().filter_map(|u| connected.iter().find(|n| n.url() == u).cloned()).collect()
    }

    /// The selected nodes, as the page lists them.
    pub fn nodes(&self) -> Vec<NodeInfo> {
        self.set_nodes().iter().map(|n| n.info.clone()).collect()
    }

    pub fn flow(&self) -> Address {
        self.config.flow
    }

    /// The file's 0G Merkle tree, read in slices; refuses an empty file.
    pub async fn hash(source: &FileSource, progress: &dyn Fn(Progress)) -> Result<FileTree, StorageError> {
        if source.size > MAX_FILE_SIZE {
            return Err(StorageError::TooLarge { size: source.size });
        }
        if source.size == 0 {
            return Err(MerkleError::Empty.into());
        }
        let total = source.size;
        let progress = |done| progress(Progress::Hashing { done, total });
        let (tree, _path) = super::hashing::hash_file(source, &progress)
            .await
            .map_err(|e| StorageError::from(TransferError::File(e)))?;
        Ok(tree)
    }

    /// The fee to announce `tree`, from the market's price proven at the verified tip.
    /// The market is the one the Flow contract names (`Flow.market()`), as 0G's clients do.
    pub async fn quote(&self, chain: &ChainClient, tree: &FileTree) -> Result<Quote, StorageError> {
        let chain_err = StorageError::Chain;
        chain.sync().await.map_err(chain_err)?;
        let (out, _) = chain.read(self.config.flow, flow::market_call()).await.map_err(chain_err)?;
        let market = flow::decode_address(&out).ok_or(StorageError::Flow(FlowFault::NoMarket))?;
        let (out, block) = chain.read(market, flow::price_call()).await.map_err(chain_err)?;
        let price = flow::decode_price(&out).ok_or(StorageError::Flow(FlowFault::NoPrice))?;
        let nodes = tree.submission_nodes();
        Ok(Quote {
            market,
            price_per_sector: price,
            sectors: flow::sectors(&nodes),
            fee: flow::fee(&nodes, price),
            block,
        })
    }

    /// Pays and announces the file; returns once its `Submit` event is proven in a
    /// verified block and names this file's root.
    pub async fn submit(
        &self,
        chain: &ChainClient,
        key: &k256::ecdsa::SigningKey,
        tree: &FileTree,
        quote: &Quote,
    ) -> Result<Submitted, StorageError> {
        let chain_err = StorageError::Chain;
        let submitter = crate::wallet::signer::address_of(key);
        let data = flow::submit_call(tree, submitter);
        let hash = match chain.send_call(key, self.config.flow, quote.fee, data).await {
            Ok(hash) => hash,
            Err(crate::chain::client::ChainError::WouldRevert(data)) => {
                let fault = flow::flow_revert(&data).map_or(FlowFault::Reverted(data), FlowFault::Refused);
                return Err(StorageError::Flow(fault));
            }
            Err(e) => return Err(chain_err(e)),
        };
        let inclusion = chain.wait_for_inclusion(hash, 60).await.map_err(chain_err)?;
        let included = match inclusion {
            Verified::Proven { value, .. } => value,
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(StorageError::Submission(SubmissionFault::NotProven(reason)))
            }
        };
        if !included.success {
            return Err(StorageError::Submission(SubmissionFault::Reverted));
        }
        let announced = included
            .logs
            .iter()
            .find_map(|log| flow::decode_submit(log, self.config.flow))
            .ok_or(StorageError::Submission(SubmissionFault::NoSubmitEvent))?;
        if announced.root != tree.root() || announced.size != tree.size() {
            return Err(StorageError::Submission(SubmissionFault::OtherFile {
                root: announced.root,
                size: announced.size,
            }));
        }
        Ok(Submitted {
            tx_hash: hash,
            block: included.block,
            placement: Placement { start_entry: announced.start_entry },
        })
    }

    /// Waits until the nodes that will take the file have seen its submission: every
    /// node of the selected set, or the gateway's nodes.
    pub async fn wait_until_known(&self, root: B256) -> Result<(), StorageError> {
        let mut waited = 0;
        loop {
            let known = match self.route() {
                Route::Direct => {
                    let mut all = true;
                    for node in self.set_nodes() {
                        if !matches!(node.file_info(root).await, Ok(Some(_))) {
                            all = false;
                        }
                    }
                    all
                }
                Route::Gateway => {
                    let indexer = self.indexer.as_ref().expect("the gateway route has an indexer");
                    match indexer.file_info(root).await {
                        Ok(info) => info.is_some(),
                        Err(e @ IndexerError::Unreachable { .. }) => return Err(e.into()),
                        Err(_) => false,
                    }
                }
                Route::None => return Err(self.no_route()),
            };
            if known {
                return Ok(());
            }
            if waited >= NODE_SYNC_TIMEOUT_MS {
                return Err(StorageError::NodesBehind(NODE_SYNC_TIMEOUT_MS / 1000));
            }
            BrowserClock.sleep(300).await;
            waited += 300;
        }
    }

    /// Uploads every segment `record` does not list as acknowledged, saving progress after
    /// each batch so a reload can resume. Straight to the selected nodes, moving to another
    /// set when one fails; through the gateway when no set is reachable.
    pub async fn upload(
        &self,
        source: &FileSource,
        tree: &FileTree,
        record: &mut UploadRecord,
        progress: &dyn Fn(Progress),
    ) -> Result<TransferPath, StorageError> {
        let at =
            Placement { start_entry: record.start_entry.ok_or(StorageError::Submission(SubmissionFault::NotPlaced))? };
        let total = num_segments(tree.size());
        let journal = RecordJournal(record.clone());
        let upload = Upload { file: source, tree, journal: &journal, clock: &BrowserClock };
        let progress = |done, total| progress(Progress::Uploading { done, total });
        for _ in 0..=RESELECTIONS {
            let path = self.path().ok_or_else(|| self.no_route())?;
            let acknowledged = &mut record.acknowledged;
            match self.route() {
                Route::Direct => {
                    let nodes = self.set_nodes();
                    let sent = transfer::upload_direct(&nodes, at, &upload, acknowledged, &progress).await;
                    match sent {
                        Ok(()) => return Ok(path),
                        Err(DirectFailure::Node { url, error }) => {
                            self.dropped.borrow_mut().push(url);
                            self.select_set().await;
                            if self.path().is_none() {
                                let stored = acknowledged.len();
                                return Err(TransferError::Upload { error, stored, total }.into());
                            }
                            self.note(NodeNote::LeftBehind(error));
                            // New nodes may still be catching up with the chain.
                            self.wait_until_known(tree.root()).await?;
                        }
                        Err(DirectFailure::Uncovered(missing)) => {
                            let detail = self.notes_now();
                            return Err(TransferError::Uncovered { missing, detail }.into());
                        }
                        Err(DirectFailure::Other(e)) => return Err(e.into()),
                    }
                }
                Route::Gateway => {
                    let indexer = self.indexer.as_ref().ok_or_else(|| self.no_route())?;
                    transfer::upload_gateway(indexer, &upload, acknowledged, &progress).await?;
                    return Ok(path);
                }
                Route::None => return Err(self.no_route()),
            }
        }
        Err(TransferError::Upload {
            error: NodeError::Failed { node: "several nodes".into(), reason: "each set chosen failed in turn".into() },
            stored: record.acknowledged.len(),
            total,
        }
        .into())
    }

    /// Downloads `size` bytes of `root`. Direct: each segment verified against the root
    /// before it is kept, from the selected nodes and the nodes the indexer says hold the
    /// file; a node that fails or lies is skipped for the next one keeping the segment.
    /// Through the gateway (no reachable set, or every node failed a segment): the whole
    /// file, released only when its root matches.
    pub async fn download(
        &self,
        root: B256,
        size: u64,
        at: Placement,
        progress: &dyn Fn(Progress),
    ) -> Result<Downloaded, StorageError> {
        if size > MAX_FILE_SIZE {
            return Err(StorageError::DownloadTooLarge { size });
        }
        let mut faults = Vec::new();
        // The nodes to ask first; none on the gateway route.
        let nodes = match self.route() {
            Route::Direct => Some(self.download_nodes(root, &mut faults).await),
            Route::Gateway => None,
            Route::None => return Err(self.no_route()),
        };
        // Answers are read and proven off the page's thread when the workers start; on the
        // page when they do not, and for small files (an agent's data), where starting the
        // workers would cost more than it saves.
        let pool = if nodes.is_some() && num_segments(size) >= PROVE_IN_WORKERS_FROM {
            worker::Pool::start(WorkerScript::Trunk, hashing::default_workers()).await.ok()
        } else {
            None
        };
        let direct = nodes.as_deref().map(|nodes| (nodes, at));
        let progress = |done, total| progress(Progress::Downloading { done, total });
        let fetched =
            transfer::download(direct, self.indexer.as_ref(), &PoolProver(pool.as_ref()), root, size, &progress)
                .await?;
        faults.extend(fetched.faults);
        let path = match fetched.via {
            Via::Nodes => {
                let replica = self.set.borrow().as_ref().map_or(1, |(_, r)| *r);
                TransferPath::Direct { nodes: nodes.as_ref().map_or(0, Vec::len), replica }
            }
            Via::Gateway { host } => TransferPath::Gateway { host },
        };
        Ok(Downloaded { bytes: fetched.bytes, faults, path })
    }

    /// The selected set, then the nodes the indexer says hold `root` (0G's
    /// `indexer_getFileLocations`) that the page can reach and that answer.
    async fn download_nodes(&self, root: B256, faults: &mut Vec<Fault>) -> Vec<StorageNode> {
        let mut nodes = self.set_nodes();
        let Some(indexer) = &self.indexer else { return nodes };
        let locations = match indexer.file_locations(root).await {
            Ok(locations) => locations,
            Err(e) => {
                faults.push(Fault::Locations(e));
                return nodes;
            }
        };
        let page_https = web_sys::window().and_then(|w| w.location().protocol().ok()).as_deref() == Some("https:");
        for location in locations {
            if nodes.iter().any(|n| n.url() == location.url) || discovery::reachable(page_https, &location.url).is_err()
            {
                continue;
            }
            match StorageNode::connect(&location.url).await {
                Ok(node) => nodes.push(node),
                Err(error) => faults.push(Fault::Holder { host: host(&location.url), error }),
            }
        }
        nodes
    }

    /// Where the nodes say `root` sits in the flow, and its size: the first selected node
    /// that knows the file answers, else the gateway. Unproven, and used only to route
    /// requests (every byte downloaded is still checked against the root).
    pub async fn locate(&self, root: B256) -> Result<(Placement, u64), StorageError> {
        let mut misses = Vec::new();
        for node in self.set_nodes() {
            match node.file_info(root).await {
                Ok(Some(info)) => return Ok((Placement { start_entry: info.tx.start_entry_index }, info.tx.size)),
                Ok(None) => misses.push(Miss::NodeUnaware { node: node.url().to_string() }),
                Err(e) => misses.push(Miss::Node(e)),
            }
        }
        if let Some(indexer) = &self.indexer {
            match indexer.file_info(root).await {
                Ok(Some(info)) => return Ok((Placement { start_entry: info.tx.start_entry_index }, info.tx.size)),
                Ok(None) => misses.push(Miss::IndexerUnaware { host: indexer.host() }),
                Err(e) => misses.push(Miss::Indexer(e)),
            }
        }
        Err(TransferError::Unavailable { index: 0, reasons: Unanswered::Asked(misses) }.into())
    }

    /// Samples `k` random segments and asks every node of the set that should keep each
    /// of them for it with its proof: the client-side twin of 0G's Proof of Random Access.
    /// Needs the nodes themselves: the gateway serves only whole files and never says
    /// which node sent what.
    pub async fn audit(&self, root: B256, size: u64, at: Placement, k: u64) -> Result<Vec<AuditCheck>, StorageError> {
        if !matches!(self.route(), Route::Direct) {
            return Err(StorageError::AuditNeedsNodes);
        }
        // Unpredictable: the nodes must not know which segments will be asked for.
        let sample = plan::audit_sample(num_segments(size), k, |n| BrowserEntropy.below(n));
        Ok(transfer::audit(&self.set_nodes(), at, root, size, &sample).await)
    }
}

/// Proves downloaded segments in a worker of the pool when there is one that works, else
/// on the page.
struct PoolProver<'a>(Option<&'a worker::Pool>);

impl Prover for PoolProver<'_> {
    async fn prove(
        &self,
        node: &str,
        answer: &[u8],
        root: B256,
        index: u64,
        size: u64,
    ) -> Result<Vec<u8>, SegmentRefusal> {
        if let Some(pool) = self.0.filter(|pool| !pool.is_empty()) {
            let worker = (index % pool.len() as u64) as usize;
            match pool.prove_segment(worker, node, answer, root, index, size).await {
                Ok(worker::Proven::Segment(data)) => return Ok(data),
                // A worker says why only in words: the same check on the page gives the
                // reason as a type, for the page to show in its language. Only a node that
                // lied pays this second check.
                Ok(worker::Proven::Refused(_)) => {}
                // The pool broke: the answer is still here to prove.
                Err(_) => {}
            }
        }
        ProveHere.prove(node, answer, root, index, size).await
    }
}
