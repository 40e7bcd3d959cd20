//! How segments move between the browser and 0G's storage nodes: which node gets or is
//! asked for which segment, what counts as stored, what is saved for a resume, how a
//! failure is retried, and when a download falls back to the indexer's gateway.
//!
//! Written over traits ([`SegmentNode`], [`Gateway`], [`FileBytes`], [`Journal`],
//! [`Prover`], and [`Clock`] for the waits), so these rules run natively against nodes a
//! test makes fail or lie; the app's `StorageNode` and `Indexer` speak the real protocol
//! over `fetch`, and its `StorageService` chooses the nodes and the route.

use alloy_primitives::B256;
use futures::StreamExt;
use wasm_light_client::storage::{num_segments, segment_data_range, FileTree, StorageError as MerkleError};

use super::discovery::NodeNotes;
use super::plan::{self, NodeInfo, Placement};
use super::segment::{self, SegmentRefusal};
use super::whole_file::WholeFileError;
use super::wire::{GatewaySegment, SegmentWithProof, GATEWAY_FILE_NOT_FOUND, GATEWAY_NOT_FINALIZED};
use crate::env::Clock;

/// Segments per `zgs_uploadSegments` request (0G's SDK sends 10).
pub const UPLOAD_BATCH: usize = 8;
/// Direct upload requests, and segment downloads, in flight at once, across all nodes
/// (a browser opens at most six connections to each node). Measured with `cargo xtask
/// bench`: see the figures in ARCHITECTURE.md's storage entry.
pub const UPLOAD_IN_FLIGHT: usize = 8;
pub const DOWNLOAD_IN_FLIGHT: usize = 8;
/// Tries per upload request before its node counts as failed.
pub const UPLOAD_ATTEMPTS: u32 = 3;
/// The gateway picks its own nodes; asking it for more copies than it can place fails the
/// upload, so it gets 0G's default.
pub const GATEWAY_REPLICA: u64 = 1;
/// Gateway segment uploads in flight at once.
pub const GATEWAY_PARALLEL: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    #[error("storage node {node}: {reason}")]
    Failed { node: String, reason: String },
}

impl NodeError {
    /// `reason` from the node at `url`, named by its host and port.
    pub fn at(url: &str, reason: impl Into<String>) -> Self {
        let node = url.split("://").nth(1).unwrap_or(url).trim_end_matches('/').to_string();
        NodeError::Failed { node, reason: reason.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexerError {
    #[error("the 0G indexer at {host} is unreachable ({reason}); check the network's indexer URL, or try again later")]
    Unreachable { host: String, reason: String },
    #[error("the 0G indexer at {host} answered something unexpected: {reason}")]
    Malformed { host: String, reason: String },
    #[error("the 0G indexer's gateway at {host} refused: {words}")]
    Refused { host: String, code: i64, words: String },
    #[error("the 0G indexer's gateway at {host} did not finish sending the file ({reason}); try again")]
    Cut { host: String, reason: String },
    #[error("the 0G indexer's gateway at {host} sent a bad file: {0}", .error)]
    Corrupt { host: String, error: WholeFileError },
}

impl IndexerError {
    /// The gateway says it has no such file, or not all of it yet.
    pub fn not_yet_there(&self) -> bool {
        matches!(self, IndexerError::Refused { code: GATEWAY_FILE_NOT_FOUND | GATEWAY_NOT_FINALIZED, .. })
    }
}

/// Why a transfer stopped. Every upload error says how much is stored, and that stays
/// saved in the [`Journal`] for a resume.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    #[error("{0}")]
    Merkle(#[from] MerkleError),
    /// The file could not be read.
    #[error("{0}")]
    File(String),
    #[error(
        "no storage node keeps segment(s) {missing:?}: {detail}. The upload cannot complete until those nodes are back"
    )]
    Uncovered { missing: Vec<u64>, detail: NodeNotes },
    #[error("{error}. {stored} of {total} segments are stored; resume the upload from the Storage page")]
    Upload { error: NodeError, stored: usize, total: u64 },
    #[error("segment {index} could not be downloaded from any node: {reasons}")]
    Unavailable { index: u64, reasons: Unanswered },
    #[error(
        "the uploads list could not be saved ({0}); the browser may be out of space. The upload itself is unaffected"
    )]
    Record(String),
    #[error("{0}")]
    Gateway(#[from] IndexerError),
    #[error("{error}. {stored} of {total} segments are stored; resume the upload from the Storage page")]
    GatewayUpload { error: IndexerError, stored: usize, total: u64 },
    #[error("{direct}; and through the gateway: {gateway}")]
    BothRoutes { direct: Box<TransferError>, gateway: IndexerError },
}

/// Why no one gave a segment, or said where a file is. Shown in the page's language;
/// `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unanswered {
    /// No node of the set keeps the segment.
    NoHolder,
    /// There was neither a storage node nor a gateway to ask.
    NoOneToAsk,
    /// What each node, or the indexer, asked answered, in the order asked.
    Asked(Vec<Miss>),
}

/// One node's, or the indexer's, answer that gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// The node at `node` (its URL) gave no segment that could be kept.
    Segment { node: String, refusal: SegmentRefusal },
    /// The node at `node` (its URL) does not know the file.
    NodeUnaware { node: String },
    /// A node could not be asked.
    Node(NodeError),
    /// The indexer at `host` does not know the file.
    IndexerUnaware { host: String },
    /// The indexer could not be asked.
    Indexer(IndexerError),
}

impl std::fmt::Display for Unanswered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unanswered::NoHolder => f.write_str("no node keeps it"),
            Unanswered::NoOneToAsk => f.write_str("no storage node or gateway to ask"),
            Unanswered::Asked(misses) => {
                f.write_str(&misses.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
            }
        }
    }
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::Segment { node, refusal } => write!(f, "{node}: {refusal}"),
            Miss::NodeUnaware { node } => write!(f, "{node}: does not know it"),
            Miss::Node(e) => write!(f, "{e}"),
            Miss::IndexerUnaware { host } => write!(f, "the indexer at {host} does not know it"),
            Miss::Indexer(e) => write!(f, "{e}"),
        }
    }
}

/// One storage node, as a transfer uses it (0G's `zgs_*` JSON-RPC).
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait SegmentNode {
    /// Where it is and which shard it keeps (its own word, asked when connecting).
    fn info(&self) -> &NodeInfo;

    fn url(&self) -> &str {
        &self.info().url
    }

    /// `zgs_uploadSegments`: the node takes the segments or refuses them all.
    async fn upload(&self, segments: &[SegmentWithProof]) -> Result<(), NodeError>;

    /// The node's answer to [`segment::DOWNLOAD_METHOD`], unread: a [`Prover`] reads and
    /// proves it.
    async fn download_answer(&self, root: B256, index: u64) -> Result<Vec<u8>, NodeError>;
}

/// 0G's indexer gateway: single segments up, whole files down.
#[allow(async_fn_in_trait)]
pub trait Gateway {
    fn host(&self) -> String;

    /// `POST /file/segment`.
    async fn upload_segment(&self, segment: &GatewaySegment<'_>) -> Result<(), IndexerError>;

    /// `GET /file`: the whole file, released only once its root matches (a
    /// [`super::whole_file::WholeFileCheck`]); `progress(segments done, total)`.
    async fn download(&self, root: B256, size: u64, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, IndexerError>;
}

/// Reads and proves a node's answer for one segment against the file's root.
#[allow(async_fn_in_trait)]
pub trait Prover {
    async fn prove(
        &self,
        node: &str,
        answer: &[u8],
        root: B256,
        index: u64,
        size: u64,
    ) -> Result<Vec<u8>, SegmentRefusal>;
}

/// Proves on the calling thread.
pub struct ProveHere;

impl Prover for ProveHere {
    async fn prove(
        &self,
        node: &str,
        answer: &[u8],
        root: B256,
        index: u64,
        size: u64,
    ) -> Result<Vec<u8>, SegmentRefusal> {
        segment::verified_segment(node, answer, root, index, size)
    }
}

/// The bytes of the file being uploaded, read a range at a time (a browser `File` is
/// never read whole).
#[allow(async_fn_in_trait)]
pub trait FileBytes {
    async fn read(&self, start: u64, end: u64) -> Result<Vec<u8>, String>;
}

/// Where an upload's acknowledged segments are kept, so that a reload resumes it.
#[allow(async_fn_in_trait)]
pub trait Journal {
    async fn save(&self, acknowledged: &[u64]) -> Result<(), String>;
}

/// A file on its way up: its bytes and tree, where its progress is saved, and the clock
/// that times the retries.
pub struct Upload<'a, F, J, C> {
    pub file: &'a F,
    pub tree: &'a FileTree,
    pub journal: &'a J,
    pub clock: &'a C,
}

/// Why a direct upload to one set of nodes stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectFailure {
    /// This node kept failing: the caller should choose a set without it.
    Node {
        url: String,
        error: NodeError,
    },
    /// No node of the set keeps these segments: nothing was sent.
    Uncovered(Vec<u64>),
    Other(TransferError),
}

/// Uploads to `nodes` every segment not in `acknowledged`, in batches to the nodes that
/// keep them. A segment is acknowledged once every node of the set keeping it took it;
/// `acknowledged` is saved to `journal` after each batch, and when a node fails (with
/// what the others took), so the caller can resume with another set.
pub async fn upload_direct<N: SegmentNode, F: FileBytes, J: Journal, C: Clock>(
    nodes: &[N],
    at: Placement,
    upload: &Upload<'_, F, J, C>,
    acknowledged: &mut Vec<u64>,
    progress: &dyn Fn(u64, u64),
) -> Result<(), DirectFailure> {
    let Upload { file, tree, journal, clock } = *upload;
    let total = num_segments(tree.size());
    let infos: Vec<NodeInfo> = nodes.iter().map(|n| n.info().clone()).collect();
    let missing = plan::uncovered(&infos, at, total);
    if !missing.is_empty() {
        return Err(DirectFailure::Uncovered(missing));
    }
    let pending: Vec<u64> = (0..total).filter(|s| !acknowledged.contains(s)).collect();
    let mut acks: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
    let sends = plan::upload_batches(&infos, at, &pending, UPLOAD_BATCH).into_iter().map(|(node_index, segments)| {
        let node = &nodes[node_index];
        async move {
            let mut batch = Vec::with_capacity(segments.len());
            for &index in &segments {
                batch.push(segment_with_proof(file, tree, index).await.map_err(DirectFailure::Other)?);
            }
            with_retries(clock, || node.upload(&batch))
                .await
                .map_err(|error| DirectFailure::Node { url: node.url().to_string(), error })?;
            Ok(segments)
        }
    });
    let mut sends = futures::stream::iter(sends).buffer_unordered(UPLOAD_IN_FLIGHT);
    while let Some(sent) = sends.next().await {
        let segments = match sent {
            Ok(segments) => segments,
            Err(failure) => {
                if let DirectFailure::Node { .. } = failure {
                    journal.save(acknowledged).await.map_err(|e| DirectFailure::Other(TransferError::Record(e)))?;
                }
                return Err(failure);
            }
        };
        for &index in &segments {
            let count = acks.entry(index).or_default();
            *count += 1;
            if *count == plan::holders(&infos, at, index).len() {
                acknowledged.push(index);
            }
        }
        acknowledged.sort_unstable();
        journal.save(acknowledged).await.map_err(|e| DirectFailure::Other(TransferError::Record(e)))?;
        progress(acknowledged.len() as u64, total);
    }
    Ok(())
}

/// Uploads every segment not in `acknowledged` through the gateway, one per request
/// (0G's `POST /file/segment`), a few in flight, saving to `journal` after each group.
pub async fn upload_gateway<F: FileBytes, J: Journal, C: Clock>(
    gateway: &impl Gateway,
    upload: &Upload<'_, F, J, C>,
    acknowledged: &mut Vec<u64>,
    progress: &dyn Fn(u64, u64),
) -> Result<(), TransferError> {
    let Upload { file, tree, journal, clock } = *upload;
    let total = num_segments(tree.size());
    let pending: Vec<u64> = (0..total).filter(|s| !acknowledged.contains(s)).collect();
    for group in pending.chunks(GATEWAY_PARALLEL) {
        let mut segments = Vec::with_capacity(group.len());
        for &index in group {
            segments.push(segment_with_proof(file, tree, index).await?);
        }
        let sends = segments.iter().map(|s| async move {
            let body = GatewaySegment {
                root: s.root,
                data: s.data.clone(),
                index: s.index,
                proof: &s.proof,
                expected_replica: GATEWAY_REPLICA,
            };
            with_retries(clock, || gateway.upload_segment(&body)).await.map(|()| s.index)
        });
        let mut failure = None;
        for result in futures::future::join_all(sends).await {
            match result {
                Ok(index) => acknowledged.push(index),
                Err(e) => failure = failure.or(Some(e)),
            }
        }
        acknowledged.sort_unstable();
        acknowledged.dedup();
        journal.save(acknowledged).await.map_err(TransferError::Record)?;
        progress(acknowledged.len() as u64, total);
        if let Some(error) = failure {
            return Err(TransferError::GatewayUpload { error, stored: acknowledged.len(), total });
        }
    }
    Ok(())
}

/// How a download's bytes came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Nodes,
    Gateway { host: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// Nodes that failed or lied on the way (the download went on without them).
    pub faults: Vec<Fault>,
    pub via: Via,
}

/// A node or a route a download went on without, and why. Shown in the page's language;
/// `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The node at `node` (its URL) gave no segment `index` that could be kept.
    Segment { index: u64, node: String, refusal: SegmentRefusal },
    /// The nodes could not give the whole file, so it came through the gateway.
    ToGateway(TransferError),
    /// The indexer could not say which nodes hold the file (`indexer_getFileLocations`).
    Locations(IndexerError),
    /// A node the indexer says holds the file could not be asked.
    Holder { host: String, error: NodeError },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Segment { index, node, refusal } => write!(f, "segment {index} from {node}: {refusal}"),
            Fault::ToGateway(e) => write!(f, "{e}; fetching the whole file through the gateway instead"),
            Fault::Locations(e) => write!(f, "file locations: {e}"),
            Fault::Holder { host, error } => write!(f, "the indexer says {host} holds the file, but {error}"),
        }
    }
}

/// Downloads `size` bytes of `root`. From `nodes` when there are any (each segment proven
/// by `prover` before it is kept; a node that fails or lies is skipped for the next one
/// keeping the segment); when that fails, or there are no nodes, the whole file through
/// `gateway`, which releases it only when its root matches. With neither, the direct
/// error stands.
pub async fn download<N: SegmentNode, G: Gateway>(
    nodes: Option<(&[N], Placement)>,
    gateway: Option<&G>,
    prover: &impl Prover,
    root: B256,
    size: u64,
    progress: &dyn Fn(u64, u64),
) -> Result<Fetched, TransferError> {
    let mut faults = Vec::new();
    let mut direct_failure = None;
    if let Some((nodes, at)) = nodes {
        match download_direct(nodes, at, prover, root, size, progress, &mut faults).await {
            Ok(bytes) => return Ok(Fetched { bytes, faults, via: Via::Nodes }),
            Err(e) if gateway.is_none() => return Err(e),
            Err(e) => {
                faults.push(Fault::ToGateway(e.clone()));
                direct_failure = Some(e);
            }
        }
    }
    let Some(gateway) = gateway else {
        return Err(TransferError::Unavailable { index: 0, reasons: Unanswered::NoOneToAsk });
    };
    progress(0, num_segments(size));
    let bytes = gateway.download(root, size, progress).await.map_err(|gateway| match direct_failure {
        Some(direct) => TransferError::BothRoutes { direct: Box::new(direct), gateway },
        None => TransferError::Gateway(gateway),
    })?;
    Ok(Fetched { bytes, faults, via: Via::Gateway { host: gateway.host() } })
}

async fn download_direct<N: SegmentNode>(
    nodes: &[N],
    at: Placement,
    prover: &impl Prover,
    root: B256,
    size: u64,
    progress: &dyn Fn(u64, u64),
    faults: &mut Vec<Fault>,
) -> Result<Vec<u8>, TransferError> {
    let total = num_segments(size);
    let infos: Vec<NodeInfo> = nodes.iter().map(|n| n.info().clone()).collect();
    let fetches = (0..total).map(|index| {
        let infos = &infos;
        async move {
            let mut tried = Vec::new();
            for holder in plan::holders(infos, at, index) {
                let node = &nodes[holder];
                match proven_segment(node, prover, root, index, size).await {
                    Ok(data) => return (index, Some(data), tried),
                    Err(refusal) => tried.push((node.url().to_string(), refusal)),
                }
            }
            (index, None, tried)
        }
    });
    // In file order, a few in flight; each segment is proven inside its own fetch.
    let mut fetches = futures::stream::iter(fetches).buffered(DOWNLOAD_IN_FLIGHT);
    // Grown only by proven segments: `size` may come from a node, and memory reserved on
    // its word could abort the page before any proof is checked.
    let mut bytes = Vec::new();
    while let Some((index, got, tried)) = fetches.next().await {
        let said: Vec<Miss> = tried
            .iter()
            .map(|(node, refusal)| Miss::Segment { node: node.clone(), refusal: refusal.clone() })
            .collect();
        faults.extend(tried.into_iter().map(|(node, refusal)| Fault::Segment { index, node, refusal }));
        let Some(data) = got else {
            let reasons = if said.is_empty() { Unanswered::NoHolder } else { Unanswered::Asked(said) };
            return Err(TransferError::Unavailable { index, reasons });
        };
        bytes.extend_from_slice(&data);
        progress(index + 1, total);
    }
    bytes.truncate(size as usize);
    Ok(bytes)
}

/// One segment checked by an audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub segment: u64,
    pub node: String,
    /// `None` when the node served the segment with a valid proof; else why not.
    pub failure: Option<SegmentRefusal>,
}

/// Asks every node keeping each of `sample`'s segments for it with its proof: the
/// client-side twin of 0G's Proof of Random Access. The sample comes from the caller
/// ([`plan::audit_sample`] over unpredictable randomness: the nodes must not guess it).
pub async fn audit<N: SegmentNode>(
    nodes: &[N],
    at: Placement,
    root: B256,
    size: u64,
    sample: &[u64],
) -> Vec<AuditCheck> {
    let infos: Vec<NodeInfo> = nodes.iter().map(|n| n.info().clone()).collect();
    let mut checks = Vec::new();
    for &segment in sample {
        for holder in plan::holders(&infos, at, segment) {
            let node = &nodes[holder];
            let failure = proven_segment(node, &ProveHere, root, segment, size).await.err();
            checks.push(AuditCheck { segment, node: node.url().to_string(), failure });
        }
    }
    checks
}

async fn proven_segment(
    node: &impl SegmentNode,
    prover: &impl Prover,
    root: B256,
    index: u64,
    size: u64,
) -> Result<Vec<u8>, SegmentRefusal> {
    // A failed call reads as a node's error answer does (`SegmentRefusal::Node` is
    // `NodeError`'s words).
    let answer = node
        .download_answer(root, index)
        .await
        .map_err(|NodeError::Failed { node: host, reason }| SegmentRefusal::Node { node: host, reason })?;
    prover.prove(node.url(), &answer, root, index, size).await
}

/// `send` up to [`UPLOAD_ATTEMPTS`] times, backing off 0.8 s, then 1.6 s (a node may be
/// busy writing, or restarting).
pub async fn with_retries<E, F: std::future::Future<Output = Result<(), E>>>(
    clock: &impl Clock,
    mut send: impl FnMut() -> F,
) -> Result<(), E> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match send().await {
            Ok(()) => return Ok(()),
            Err(error) if attempt >= UPLOAD_ATTEMPTS => return Err(error),
            Err(_) => clock.sleep(400 * 2u32.pow(attempt)).await,
        }
    }
}

/// Segment `index` of the file with its proof, zero-filled to whole chunks as nodes take it.
pub async fn segment_with_proof(
    file: &impl FileBytes,
    tree: &FileTree,
    index: u64,
) -> Result<SegmentWithProof, TransferError> {
    let (start, end) = segment_data_range(tree.size(), index)?;
    let mut data = file.read(start, end).await.map_err(TransferError::File)?;
    data.resize(data.len().div_ceil(256) * 256, 0);
    Ok(SegmentWithProof { root: tree.root(), data, index, proof: tree.segment_proof(index)?, file_size: tree.size() })
}

#[cfg(test)]
#[path = "transfer_tests.rs"]
mod tests;
