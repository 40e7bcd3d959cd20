//! The storage client's journeys, on one network: hash a file, quote and pay its Flow
//! submission, upload its segments to the nodes that keep them, download it back with
//! every segment proven against the root, and audit that it is still there.
//!
//! Everything the chain says is read through the light client (price, the submission's
//! receipt and its `Submit` event); everything a node says is checked against the
//! file's Merkle root before it is used.

use alloy_primitives::{Address, B256, U256};
use gloo::timers::future::TimeoutFuture;
use wasm_light_client::storage::{
    num_segments, segment_data_range, verify_segment, FileTree, StorageError as MerkleError,
};
use wasm_light_client::Verified;

use super::flow;
use super::node::{NodeError, StorageNode};
use super::plan::{self, NodeInfo, Placement};
use super::records::{self, UploadRecord};
use super::source::FileSource;
use super::wire::SegmentWithProof;
use crate::chain::client::ChainClient;
use crate::chain::networks::StorageConfig;

/// The largest file the browser client takes. Hashing streams, but the upload record,
/// proofs and downloads are sized for files a browser handles comfortably.
pub const MAX_FILE_SIZE: u64 = 4 << 30;
/// Segments per `zgs_uploadSegments` request (0G's SDK sends 10).
const UPLOAD_BATCH: usize = 8;
const UPLOAD_ATTEMPTS: u32 = 3;
/// How long nodes get to notice a new submission on chain.
const NODE_SYNC_TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("this network has no 0G Storage configured in zg-console")]
    NotConfigured,
    #[error("{0}")]
    Merkle(#[from] MerkleError),
    #[error("{0}")]
    File(String),
    #[error("this file is {size} bytes; the browser client takes files up to 4 GiB. Split it, or use 0G's command-line client")]
    TooLarge { size: u64 },
    #[error(
        "no storage node keeps segment(s) {missing:?}: {detail}. The upload cannot complete until those nodes are back"
    )]
    Uncovered { missing: Vec<u64>, detail: String },
    #[error("{0}")]
    Chain(String),
    #[error("the submission transaction was included but {0}")]
    Submission(String),
    #[error("the storage nodes did not see the submission within {0} s; they may be behind the chain. Resume later from the Storage page")]
    NodesBehind(u32),
    #[error("{error}. {stored} of {total} segments are stored; resume the upload from the Storage page")]
    Upload { error: NodeError, stored: usize, total: u64 },
    #[error("a file of {size} bytes is more than this browser client downloads (4 GiB). If the nodes reported that size, they may be lying: give the size by hand")]
    DownloadTooLarge { size: u64 },
    #[error("segment {index} could not be downloaded from any node: {reasons}")]
    Unavailable { index: u64, reasons: String },
    #[error(
        "the uploads list could not be saved ({0}); the browser may be out of space. The upload itself is unaffected"
    )]
    Record(String),
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

/// One segment checked during an audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub segment: u64,
    pub node: String,
    /// `None` when the node served the segment with a valid proof; else why not.
    pub failure: Option<String>,
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
    pub faults: Vec<String>,
}

pub struct StorageService {
    config: StorageConfig,
    nodes: Vec<StorageNode>,
    /// Nodes that could not be reached when connecting, with why.
    pub unreachable: Vec<String>,
}

impl StorageService {
    pub async fn connect(config: Option<StorageConfig>) -> Result<Self, StorageError> {
        let config = config.ok_or(StorageError::NotConfigured)?;
        let mut nodes = Vec::new();
        let mut unreachable = Vec::new();
        for url in &config.nodes {
            match StorageNode::connect(url).await {
                Ok(node) => nodes.push(node),
                Err(e) => unreachable.push(e.to_string()),
            }
        }
        Ok(Self { config, nodes, unreachable })
    }

    pub fn nodes(&self) -> Vec<NodeInfo> {
        self.nodes.iter().map(|n| n.info.clone()).collect()
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
        let (tree, _path) = super::hashing::hash_file(source, &progress).await.map_err(StorageError::File)?;
        Ok(tree)
    }

    /// The fee to announce `tree`, from the market's price proven at the verified tip.
    pub async fn quote(&self, chain: &ChainClient, tree: &FileTree) -> Result<Quote, StorageError> {
        let chain_err = |e: crate::chain::client::ChainError| StorageError::Chain(e.to_string());
        chain.sync().await.map_err(chain_err)?;
        let (out, _) = chain.read(self.config.flow, flow::market_call()).await.map_err(chain_err)?;
        let market =
            flow::decode_address(&out).ok_or(StorageError::Chain("Flow.market() returned no address".into()))?;
        let (out, block) = chain.read(market, flow::price_call()).await.map_err(chain_err)?;
        let price =
            flow::decode_price(&out).ok_or(StorageError::Chain("pricePerSector() returned no number".into()))?;
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
        let chain_err = |e: crate::chain::client::ChainError| StorageError::Chain(e.to_string());
        let submitter = crate::wallet::signer::address_of(key);
        let data = flow::submit_call(tree, submitter);
        let hash = match chain.send_call(key, self.config.flow, quote.fee, data).await {
            Ok(hash) => hash,
            Err(crate::chain::client::ChainError::WouldRevert(data)) => {
                let why = flow::explain_revert(&data)
                    .unwrap_or_else(|| format!("the Flow contract would refuse it (0x{})", hex::encode(&data)));
                return Err(StorageError::Chain(format!("{why}. Nothing was sent and no fee was taken")));
            }
            Err(e) => return Err(chain_err(e)),
        };
        let inclusion = chain.wait_for_inclusion(hash, 60).await.map_err(chain_err)?;
        let included = match inclusion {
            Verified::Proven { value, .. } => value,
            Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                return Err(StorageError::Submission(format!("its receipt could not be proven: {reason}")))
            }
        };
        if !included.success {
            return Err(StorageError::Submission(
                "it reverted; no fee was taken. Check the balance and try again".into(),
            ));
        }
        let announced = included
            .logs
            .iter()
            .find_map(|log| flow::decode_submit(log, self.config.flow))
            .ok_or(StorageError::Submission("it carries no Submit event from the Flow contract".into()))?;
        if announced.root != tree.root() || announced.size != tree.size() {
            return Err(StorageError::Submission(format!(
                "its Submit event announces root {} ({} bytes), not this file",
                announced.root, announced.size
            )));
        }
        Ok(Submitted {
            tx_hash: hash,
            block: included.block,
            placement: Placement { start_entry: announced.start_entry },
        })
    }

    /// Waits until every node has seen the submission of `root`.
    pub async fn wait_until_known(&self, root: B256) -> Result<(), StorageError> {
        let mut waited = 0;
        loop {
            let mut all = true;
            for node in &self.nodes {
                if !matches!(node.file_info(root).await, Ok(Some(_))) {
                    all = false;
                }
            }
            if all {
                return Ok(());
            }
            if waited >= NODE_SYNC_TIMEOUT_MS {
                return Err(StorageError::NodesBehind(NODE_SYNC_TIMEOUT_MS / 1000));
            }
            TimeoutFuture::new(300).await;
            waited += 300;
        }
    }

    /// Uploads every segment `record` does not list as acknowledged, to every node that
    /// keeps it, saving progress after each batch so a reload can resume.
    pub async fn upload(
        &self,
        source: &FileSource,
        tree: &FileTree,
        record: &mut UploadRecord,
        progress: &dyn Fn(Progress),
    ) -> Result<(), StorageError> {
        let total = num_segments(tree.size());
        let infos = self.nodes();
        let at = Placement {
            start_entry: record
                .start_entry
                .ok_or(StorageError::Submission("its place in the flow was not recorded; submit again".into()))?,
        };
        let missing = plan::uncovered(&infos, at, total);
        if !missing.is_empty() {
            return Err(StorageError::Uncovered { missing, detail: self.unreachable.join("; ") });
        }
        let pending: Vec<u64> = (0..total).filter(|s| !record.acknowledged.contains(s)).collect();
        // A segment counts as stored once every node keeping it acknowledged it.
        let mut acks: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
        for (node_index, segments) in plan::upload_batches(&infos, at, &pending, UPLOAD_BATCH) {
            let node = &self.nodes[node_index];
            let mut batch = Vec::with_capacity(segments.len());
            for &index in &segments {
                let (start, end) = segment_data_range(tree.size(), index)?;
                let mut data = source.read(start, end).await.map_err(StorageError::File)?;
                data.resize(data.len().div_ceil(256) * 256, 0);
                batch.push(SegmentWithProof {
                    root: tree.root(),
                    data,
                    index,
                    proof: tree.segment_proof(index)?,
                    file_size: tree.size(),
                });
            }
            let mut attempt = 0;
            loop {
                attempt += 1;
                match node.upload(&batch).await {
                    Ok(()) => break,
                    Err(e) if attempt >= UPLOAD_ATTEMPTS => {
                        records::save(record).await.map_err(StorageError::Record)?;
                        return Err(StorageError::Upload { error: e, stored: record.acknowledged.len(), total });
                    }
                    Err(_) => TimeoutFuture::new(400 * 2u32.pow(attempt)).await,
                }
            }
            for &index in &segments {
                let count = acks.entry(index).or_default();
                *count += 1;
                if *count == plan::holders(&infos, at, index).len() {
                    record.acknowledged.push(index);
                }
            }
            record.acknowledged.sort_unstable();
            records::save(record).await.map_err(StorageError::Record)?;
            progress(Progress::Uploading { done: record.acknowledged.len() as u64, total });
        }
        Ok(())
    }

    /// Downloads `size` bytes of `root`, each segment verified against the root before
    /// it is kept; a node that fails or lies is skipped for the next one that keeps the
    /// segment.
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
        let total = num_segments(size);
        let infos = self.nodes();
        // Grown only by verified segments: `size` may come from a node (`locate`), and
        // memory reserved on its word could abort the page before any proof is checked.
        let mut bytes = Vec::new();
        let mut faults = Vec::new();
        for index in 0..total {
            let mut reasons = Vec::new();
            let mut got = None;
            for holder in plan::holders(&infos, at, index) {
                let node = &self.nodes[holder];
                match self.fetch_verified(node, root, index, size).await {
                    Ok(data) => {
                        got = Some(data);
                        break;
                    }
                    Err(reason) => {
                        let fault = format!("{}: {reason}", node.url());
                        reasons.push(fault.clone());
                        faults.push(format!("segment {index} from {fault}"));
                    }
                }
            }
            let Some(data) = got else {
                let reasons = if reasons.is_empty() { "no node keeps it".to_string() } else { reasons.join("; ") };
                return Err(StorageError::Unavailable { index, reasons });
            };
            bytes.extend_from_slice(&data);
            progress(Progress::Downloading { done: index + 1, total });
        }
        bytes.truncate(size as usize);
        Ok(Downloaded { bytes, faults })
    }

    /// Where the nodes say `root` sits in the flow, and its size: the first node that
    /// knows the file answers. Unproven, and used only to route requests (every byte
    /// downloaded is still checked against the root; a wrong size fails the proofs).
    pub async fn locate(&self, root: B256) -> Result<(Placement, u64), StorageError> {
        let mut reasons = Vec::new();
        for node in &self.nodes {
            match node.file_info(root).await {
                Ok(Some(info)) => return Ok((Placement { start_entry: info.tx.start_entry_index }, info.tx.size)),
                Ok(None) => reasons.push(format!("{}: does not know it", node.url())),
                Err(e) => reasons.push(e.to_string()),
            }
        }
        Err(StorageError::Unavailable { index: 0, reasons: reasons.join("; ") })
    }

    async fn fetch_verified(&self, node: &StorageNode, root: B256, index: u64, size: u64) -> Result<Vec<u8>, String> {
        let segment = node.download(root, index).await.map_err(|e| e.to_string())?.ok_or("does not have it")?;
        if segment.root != root || segment.index != index {
            return Err(format!("answered with segment {} of root {} instead", segment.index, segment.root));
        }
        verify_segment(root, index, &segment.data, &segment.proof, size).map_err(|e| format!("proof refused: {e}"))?;
        Ok(segment.data)
    }

    /// Samples `k` random segments and asks every node that should keep each of them
    /// for it with its proof: the client-side twin of 0G's Proof of Random Access.
    pub async fn audit(&self, root: B256, size: u64, at: Placement, k: u64) -> Vec<AuditCheck> {
        let infos = self.nodes();
        let sample = plan::audit_sample(num_segments(size), k, random_below);
        let mut checks = Vec::new();
        for segment in sample {
            for holder in plan::holders(&infos, at, segment) {
                let node = &self.nodes[holder];
                let failure = self.fetch_verified(node, root, segment, size).await.err();
                checks.push(AuditCheck { segment, node: node.url().to_string(), failure });
            }
        }
        checks
    }
}

/// A uniform value below `n` from the browser's CSPRNG (an audit must not be
/// predictable by the nodes it checks).
fn random_below(n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).expect("the browser's crypto.getRandomValues");
    // Modulo bias is below 2^-40 for any n a file can have.
    u64::from_le_bytes(bytes) % n.max(1)
}
