//! The `zgs_*` JSON-RPC methods, with the names, parameters and JSON shapes of 0G's storage
//! node (`node/rpc/src/zgs/api.rs` and `types.rs` in 0glabs/0g-storage-node, as called by
//! 0G's TypeScript SDK `StorageNode`).
//!
//! Errors follow 0G's form, `{code: -32602, message: "Invalid params: <param>", data}`, with
//! the reason (and what to do about it) in both `message` and `data`; 0G's own reason
//! phrases ("index out of bound", "already uploaded and finalized") are kept at the start of
//! `data` because 0G's SDK matches on them. 0G's internal errors are
//! `{code: -32603, message: "Internal error", data}` ("data root and tx seq not match").
//!
//! As 0G's node (`rpc_helper::put_segment_with_maybe_tx`): a segment of a file whose
//! `Submit` this node has not seen is proven against the root it names and cached
//! (`cache.rs`, files up to 10 MiB) until the submission arrives; a file's `uploadedSegNum`
//! is the segments received so far, and the file's whole segment count once finalized.

use std::sync::Mutex;

use alloy_primitives::B256;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_light_client::storage::{num_chunks, num_segments, verify_segment, SegmentProof, CHUNK_SIZE, SEGMENT_CHUNKS};

use crate::cache::{CachedSegment, SegmentCache};
use crate::chain::FileTx;
use crate::store::{Identity, Store, StoreError};

/// Every method served, for the "method not found" answer.
pub const METHODS: &[&str] = &[
    "zgs_getStatus",
    "zgs_getShardConfig",
    "zgs_uploadSegment",
    "zgs_uploadSegments",
    "zgs_uploadSegmentByTxSeq",
    "zgs_uploadSegmentsByTxSeq",
    "zgs_downloadSegment",
    "zgs_downloadSegmentByTxSeq",
    "zgs_downloadSegmentWithProof",
    "zgs_downloadSegmentWithProofByTxSeq",
    "zgs_getFileInfo",
    "zgs_getFileInfoByTxSeq",
    "zgs_checkFileFinalized",
];

#[derive(Debug, thiserror::Error)]
pub enum ZgsError {
    #[error("method {0:?} is not served by this node; it serves {list}", list = METHODS.join(", "))]
    MethodNotFound(String),
    #[error("Invalid params: {param}: {reason}")]
    InvalidParams { param: &'static str, reason: String },
    #[error("Internal error: {0}")]
    Store(#[from] StoreError),
    #[error("Internal error: {0}")]
    Internal(String),
}

impl ZgsError {
    /// The JSON-RPC error object.
    pub fn to_json(&self) -> Value {
        match self {
            ZgsError::MethodNotFound(_) => json!({"code": -32601, "message": self.to_string()}),
            ZgsError::InvalidParams { reason, .. } => {
                json!({"code": -32602, "message": self.to_string(), "data": reason})
            }
            ZgsError::Store(e) => json!({"code": -32603, "message": "Internal error", "data": e.to_string()}),
            ZgsError::Internal(why) => json!({"code": -32603, "message": "Internal error", "data": why}),
        }
    }
}

fn invalid(param: &'static str, reason: impl Into<String>) -> ZgsError {
    ZgsError::InvalidParams { param, reason: reason.into() }
}

/// The node as the RPC sees it.
pub struct Node {
    pub store: Mutex<Store>,
    pub identity: Identity,
    pub chain_id: u64,
    /// Segments that arrived before their file's `Submit`.
    pub cache: Mutex<SegmentCache>,
}

impl Node {
    pub fn new(store: Store, identity: Identity, chain_id: u64) -> Node {
        Node { store: Mutex::new(store), identity, chain_id, cache: Mutex::default() }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A worker that panicked mid-call left the index as consistent as any other moment:
        // every mutation is a single insert.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, SegmentCache> {
        self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stores the cached segments of files whose `Submit` has now been seen: those this
    /// shard keeps, for a file of the size they were proven for. Called after each scan.
    pub fn adopt_cached(&self) -> Result<(), StoreError> {
        let roots = self.cache().roots();
        for root in roots {
            let Some(tx) = tx_by_root(self, &root) else { continue };
            let Some(file) = self.cache().take(&root) else { continue };
            if file.size != tx.size || self.store().finalized(&tx) {
                continue;
            }
            for (index, segment) in file.segments {
                if self.identity.holds(tx.start_entry_index, index) && !self.store().holds(&root, index) {
                    let segments = self.store().segments.clone();
                    segments.write(&root, index, &segment.proof, &segment.data)?;
                    self.store().mark_held(root, index);
                }
            }
        }
        self.cache().expire(std::time::Instant::now());
        Ok(())
    }
}

/// 0G's `SegmentWithProof` as it arrives: `data` is base64.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SegmentIn {
    root: B256,
    data: String,
    index: u64,
    proof: SegmentProof,
    file_size: u64,
}

/// Answers one call; `Ok(Value::Null)` is 0G's `null` (unknown file, segment not here yet).
pub fn call(node: &Node, method: &str, params: &Value) -> Result<Value, ZgsError> {
    let params = Params::new(params)?;
    match method {
        "zgs_getStatus" => Ok(status(node)),
        "zgs_getShardConfig" => Ok(json!({"shardId": node.identity.shard_id, "numShard": node.identity.num_shard})),
        "zgs_uploadSegment" => put_segment(node, params.get(0, "segment")?, None).map(|()| Value::Null),
        "zgs_uploadSegments" => put_segments(node, params.get(0, "segments")?, None),
        "zgs_uploadSegmentByTxSeq" => {
            let seq = params.u64(1, "tx_seq")?;
            put_segment(node, params.get(0, "segment")?, Some(seq)).map(|()| Value::Null)
        }
        "zgs_uploadSegmentsByTxSeq" => {
            let seq = params.u64(1, "tx_seq")?;
            put_segments(node, params.get(0, "segments")?, Some(seq))
        }
        "zgs_downloadSegment" => match tx_by_root(node, &params.root(0)?) {
            Some(tx) => download_chunks(node, &tx, params.u64(1, "start_index")?, params.u64(2, "end_index")?),
            None => Ok(Value::Null),
        },
        "zgs_downloadSegmentByTxSeq" => match tx_by_seq(node, params.u64(0, "tx_seq")?) {
            Some(tx) => download_chunks(node, &tx, params.u64(1, "start_index")?, params.u64(2, "end_index")?),
            None => Ok(Value::Null),
        },
        "zgs_downloadSegmentWithProof" => match tx_by_root(node, &params.root(0)?) {
            Some(tx) => download_with_proof(node, &tx, params.u64(1, "index")?),
            None => Ok(Value::Null),
        },
        "zgs_downloadSegmentWithProofByTxSeq" => match tx_by_seq(node, params.u64(0, "tx_seq")?) {
            Some(tx) => download_with_proof(node, &tx, params.u64(1, "index")?),
            None => Ok(Value::Null),
        },
        "zgs_getFileInfo" => {
            let root = params.root(0)?;
            // needAvailable skips pruned copies in 0G; this node never prunes.
            params.optional_bool(1, "need_available")?;
            let store = node.store();
            Ok(store.tx_by_root(&root).map_or(Value::Null, |tx| file_info(&store, &tx)))
        }
        "zgs_getFileInfoByTxSeq" => {
            let store = node.store();
            Ok(store.tx_by_seq(params.u64(0, "tx_seq")?).map_or(Value::Null, |tx| file_info(&store, &tx)))
        }
        "zgs_checkFileFinalized" => {
            let store = node.store();
            let tx = match params.value(0, "tx_seq_or_root")? {
                Value::Number(n) => n.as_u64().and_then(|seq| store.tx_by_seq(seq)),
                Value::String(s) => {
                    let root = s.parse().map_err(|_| invalid("tx_seq_or_root", NOT_A_ROOT))?;
                    store.tx_by_root(&root)
                }
                _ => return Err(invalid("tx_seq_or_root", "expected a submission index or a 0x… file root")),
            };
            Ok(tx.map_or(Value::Null, |tx| Value::Bool(store.finalized(&tx))))
        }
        _ => Err(ZgsError::MethodNotFound(method.to_owned())),
    }
}

// These take the lock for one lookup only: a guard in a `match` scrutinee would live through
// the arms, and the arms lock again.
fn tx_by_root(node: &Node, root: &B256) -> Option<FileTx> {
    node.store().tx_by_root(root)
}

fn tx_by_seq(node: &Node, seq: u64) -> Option<FileTx> {
    node.store().tx_by_seq(seq)
}

const NOT_A_ROOT: &str = "expected a file root: 0x and 64 hex digits";

struct Params<'a>(&'a [Value]);

impl<'a> Params<'a> {
    fn new(params: &'a Value) -> Result<Params<'a>, ZgsError> {
        match params {
            Value::Array(items) => Ok(Params(items)),
            Value::Null => Ok(Params(&[])),
            _ => Err(invalid("params", "pass the parameters as a JSON array, in the order 0G's API lists them")),
        }
    }

    fn value(&self, i: usize, name: &'static str) -> Result<&'a Value, ZgsError> {
        self.0.get(i).ok_or_else(|| invalid(name, format!("missing (parameter {})", i + 1)))
    }

    fn get<T: serde::de::DeserializeOwned>(&self, i: usize, name: &'static str) -> Result<T, ZgsError> {
        serde_json::from_value(self.value(i, name)?.clone()).map_err(|e| {
            invalid(name, format!("{e}; a segment is {{root, data (base64), index, proof: {{lemma, path}}, fileSize}}"))
        })
    }

    fn root(&self, i: usize) -> Result<B256, ZgsError> {
        self.value(i, "data_root")?
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("data_root", NOT_A_ROOT))
    }

    fn u64(&self, i: usize, name: &'static str) -> Result<u64, ZgsError> {
        self.value(i, name)?.as_u64().ok_or_else(|| invalid(name, "expected a non-negative integer"))
    }

    fn optional_bool(&self, i: usize, name: &'static str) -> Result<Option<bool>, ZgsError> {
        match self.0.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(invalid(name, "expected true or false")),
        }
    }
}

fn status(node: &Node) -> Value {
    let store = node.store();
    let (height, hash) = store.last_block();
    json!({
        "connectedPeers": 0,
        "logSyncHeight": height,
        "logSyncBlock": hash,
        "nextTxSeq": store.next_tx_seq(),
        "networkIdentity": {
            "chainId": node.chain_id,
            "flowAddress": format!("{:#x}", node.identity.flow),
            "p2pProtocolVersion": {"major": 0, "minor": 0, "build": 0},
        },
    })
}

/// 0G's `FileInfo`. `uploadedSegNum`, as in 0G's node: the segments this node has taken
/// while the upload is under way, and the file's whole segment count once it is finalized.
fn file_info(store: &Store, tx: &FileTx) -> Value {
    let finalized = store.finalized(tx);
    json!({
        "tx": {
            "streamIds": [],
            "data": [],
            "dataMerkleRoot": tx.root,
            // 0G's (depth, root) pairs: a node of 2^height chunks has depth height + 1.
            "merkleNodes": tx.nodes.iter().map(|n| json!([n.height + 1, n.root])).collect::<Vec<_>>(),
            "startEntryIndex": tx.start_entry_index,
            "size": tx.size,
            "seq": tx.seq,
        },
        "finalized": finalized,
        "isCached": false,
        "uploadedSegNum": if finalized { num_segments(tx.size) } else { store.uploaded(&tx.root) },
        "pruned": false,
    })
}

fn put_segments(node: &Node, segments: Vec<Value>, by_seq: Option<u64>) -> Result<Value, ZgsError> {
    for segment in segments {
        let segment = serde_json::from_value(segment).map_err(|e| {
            invalid(
                "segments",
                format!("{e}; each is {{root, data (base64), index, proof: {{lemma, path}}, fileSize}}"),
            )
        })?;
        put_segment(node, segment, by_seq)?;
    }
    Ok(Value::Null)
}

/// Takes one segment for the file named by its root or by `by_seq`. The submission, when
/// known, decides size, shard and finality; before it is known the segment is cached.
fn put_segment(node: &Node, segment: SegmentIn, by_seq: Option<u64>) -> Result<(), ZgsError> {
    let SegmentIn { root, data, index, proof, file_size } = segment;
    let tx = match by_seq {
        Some(seq) => tx_by_seq(node, seq),
        None => tx_by_root(node, &root),
    };
    if let Some(tx) = &tx {
        if tx.root != root {
            return Err(ZgsError::Internal(format!(
                "data root and tx seq not match: submission {} is file {}, not {root}",
                tx.seq, tx.root
            )));
        }
        if file_size != tx.size {
            return Err(invalid(
                "file_size",
                format!(
                    "segment file size not matched with tx file size: the submission says {} bytes, not {file_size}",
                    tx.size
                ),
            ));
        }
        check_index(node, tx, index)?;
        let store = node.store();
        if store.finalized(tx) {
            return Err(invalid("root", format!("already uploaded and finalized: this node holds all of {root}")));
        }
        if store.holds(&root, index) {
            return Ok(());
        }
    } else if file_size > crate::cache::MAX_CACHED_FILE {
        return Err(invalid("file_size", crate::cache::CacheError::FileTooLarge { size: file_size }.to_string()));
    }
    let data = BASE64
        .decode(data.as_bytes())
        .map_err(|e| invalid("data", format!("not base64 ({e}); send the segment's bytes base64-encoded")))?;
    if file_size == 0 || index >= num_segments(file_size) {
        return Err(invalid(
            "index",
            format!("index out of bound: a {file_size}-byte file has {} segment(s)", num_segments(file_size)),
        ));
    }
    // 0G's rule: whole chunks, the last one zero-filled; never the bare tail.
    let chunks_here = (num_chunks(file_size) - index * SEGMENT_CHUNKS as u64).min(SEGMENT_CHUNKS as u64);
    let expected = chunks_here as usize * CHUNK_SIZE;
    if data.len() != expected {
        return Err(invalid(
            "data",
            format!(
                "invalid data length: segment {index} of a {file_size}-byte file is {expected} bytes (whole \
                 256-byte chunks, the last chunk zero-filled), not {}",
                data.len()
            ),
        ));
    }
    verify_segment(root, index, &data, &proof, file_size).map_err(|e| {
        let phrase = match e {
            wasm_light_client::storage::StorageError::PaddingNotZero { .. } => {
                "invalid proof node value in the padding range"
            }
            _ => "validation failed",
        };
        invalid("proof", format!("{phrase}: {e}; build the proof from the whole file's tree (0G's proofAt({index}))"))
    })?;
    if tx.is_none() {
        // Not submitted yet (as far as this node has followed the chain): keep it until it is.
        return node
            .cache()
            .insert(root, file_size, index, CachedSegment { proof, data }, std::time::Instant::now())
            .map_err(|e| invalid("root", e.to_string()));
    }
    let segments_dir = node.store().segments.clone();
    segments_dir.write(&root, index, &proof, &data)?;
    node.store().mark_held(root, index);
    Ok(())
}

fn check_index(node: &Node, tx: &FileTx, index: u64) -> Result<(), ZgsError> {
    let segments = num_segments(tx.size);
    if index >= segments {
        return Err(invalid(
            "index",
            format!("index out of bound: a {}-byte file has segments 0 to {}, not {index}", tx.size, segments - 1),
        ));
    }
    let id = node.identity;
    if !id.holds(tx.start_entry_index, index) {
        let shard = id.shard_of(tx.start_entry_index, index);
        return Err(invalid(
            "index",
            format!(
                "segment {index} is held by shard {shard}/{n}, and this node is shard {}/{n}; send it to, or ask, \
                 the node whose zgs_getShardConfig answers shardId {shard}",
                id.shard_id,
                n = id.num_shard
            ),
        ));
    }
    Ok(())
}

fn download_with_proof(node: &Node, tx: &FileTx, index: u64) -> Result<Value, ZgsError> {
    check_index(node, tx, index)?;
    let segments = node.store().segments.clone();
    let Some(segment) = segments.read(&tx.root, index)? else { return Ok(Value::Null) };
    Ok(json!({
        "root": tx.root,
        "data": BASE64.encode(&segment.data),
        "index": index,
        "proof": segment.proof,
        "fileSize": tx.size,
    }))
}

/// Chunks `start..end` of the file (at most one segment's worth), base64.
fn download_chunks(node: &Node, tx: &FileTx, start: u64, end: u64) -> Result<Value, ZgsError> {
    if start >= end {
        return Err(invalid("end_index", "invalid chunk index: end_index must be greater than start_index"));
    }
    if end - start > SEGMENT_CHUNKS as u64 {
        return Err(invalid(
            "end_index",
            format!("exceeds maximum chunks {SEGMENT_CHUNKS}: ask for one segment at a time"),
        ));
    }
    if end > num_chunks(tx.size) {
        return Err(invalid("end_index", format!("out of bound: the file has {} chunks", num_chunks(tx.size))));
    }
    let segments = node.store().segments.clone();
    let mut bytes = Vec::with_capacity((end - start) as usize * CHUNK_SIZE);
    let per = SEGMENT_CHUNKS as u64;
    for index in start / per..=(end - 1) / per {
        check_index(node, tx, index)?;
        let Some(segment) = segments.read(&tx.root, index)? else { return Ok(Value::Null) };
        let from = (start.max(index * per) - index * per) as usize * CHUNK_SIZE;
        let to = (end.min((index + 1) * per) - index * per) as usize * CHUNK_SIZE;
        bytes.extend_from_slice(&segment.data[from..to]);
    }
    Ok(Value::String(BASE64.encode(bytes)))
}
