//! Finding a file on the trusted nodes, and fetching it segment by segment with every
//! segment checked against the file root before it is used.
//!
//! Storage nodes are not believed about data: a segment counts only if its proof leads to
//! the root the caller asked for (or, asked by submission number, the root the nodes agree
//! on). A node that is down, lacks the segment or sends one that does not check out is
//! skipped and the next node keeping that shard is asked.

use alloy_primitives::B256;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};
use wasm_light_client::storage::{num_segments, verify_segment, SegmentProof, SEGMENT_CHUNKS};

use crate::nodes::{select, Registry, ShardedNode};

/// What the caller names a file by: 0G's `Cid` (a root, or a submission number).
#[derive(Debug, Clone, Copy)]
pub enum Cid {
    Root(B256),
    TxSeq(u64),
}

/// The facts about a file that downloading needs, as the holding nodes agree on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFacts {
    pub root: B256,
    pub seq: u64,
    pub size: u64,
    pub start_entry_index: u64,
}

impl FileFacts {
    pub fn of_info(info: &Value) -> Option<FileFacts> {
        let tx = info.get("tx")?;
        Some(FileFacts {
            root: tx.get("dataMerkleRoot")?.as_str()?.parse().ok()?,
            seq: tx.get("seq")?.as_u64()?,
            size: tx.get("size")?.as_u64()?,
            start_entry_index: tx.get("startEntryIndex")?.as_u64()?,
        })
    }

    /// The index in the whole flow of the file's segment `index` (0G shards by it).
    pub fn flow_segment(&self, index: u64) -> u64 {
        self.start_entry_index / SEGMENT_CHUNKS as u64 + index
    }
}

/// Where a file is.
pub enum Located {
    /// No trusted node knows the file.
    Unknown,
    /// Known, but the nodes that hold it finalized do not cover every shard.
    Incomplete,
    /// Finalized on `nodes`, which together hold every segment.
    Found { facts: FileFacts, nodes: Vec<ShardedNode> },
}

/// One node's `FileInfo` for `cid`: `Ok(None)` when the node does not know the file.
pub fn file_info(registry: &Registry, url: &str, cid: Cid) -> Result<Option<Value>, devnet::jsonrpc::RpcError> {
    let info = match cid {
        Cid::Root(root) => registry.zgs.call(url, "zgs_getFileInfo", json!([root, true]))?,
        Cid::TxSeq(seq) => registry.zgs.call(url, "zgs_getFileInfoByTxSeq", json!([seq]))?,
    };
    Ok(Some(info).filter(|i| !i.is_null()))
}

/// 0G's `GetFileLocations`: the submission number from the first trusted node that knows
/// the root, then every trusted node that holds that submission finalized (and names the
/// same root). Facts that nodes disagree on are settled by the most nodes.
pub fn locate(registry: &Registry, cid: Cid) -> Located {
    let trusted = registry.trusted();
    let seq = match cid {
        Cid::TxSeq(seq) => seq,
        Cid::Root(_) => {
            let seq = trusted.iter().find_map(|node| {
                let info = file_info(registry, &node.url, cid).ok()??;
                FileFacts::of_info(&info).map(|f| f.seq)
            });
            match seq {
                Some(seq) => seq,
                None => return Located::Unknown,
            }
        }
    };
    let mut holders: Vec<(ShardedNode, FileFacts)> = Vec::new();
    let mut known: Vec<FileFacts> = Vec::new();
    for node in &trusted {
        let start = std::time::Instant::now();
        let Ok(Some(info)) = file_info(registry, &node.url, Cid::TxSeq(seq)) else { continue };
        let Some(facts) = FileFacts::of_info(&info) else { continue };
        if matches!(cid, Cid::Root(root) if root != facts.root) {
            continue;
        }
        known.push(facts);
        if info.get("finalized") == Some(&Value::Bool(true)) {
            let mut node = node.clone();
            node.latency = start.elapsed().as_millis() as i64;
            holders.push((node, facts));
        }
    }
    let Some(facts) = most_common(&known) else { return Located::Unknown };
    let nodes: Vec<ShardedNode> = holders.into_iter().filter(|(_, f)| *f == facts).map(|(n, _)| n).collect();
    if select(&nodes, 1, "min").is_some() {
        Located::Found { facts, nodes }
    } else {
        Located::Incomplete
    }
}

fn most_common(all: &[FileFacts]) -> Option<FileFacts> {
    all.iter().copied().max_by_key(|f| all.iter().filter(|g| *g == f).count())
}

#[derive(Debug, thiserror::Error)]
#[error("no node sent segment {index} of {root} that checks out against the root: {}", .reasons.join("; "))]
pub struct SegmentUnavailable {
    pub index: u64,
    pub root: B256,
    pub reasons: Vec<String>,
}

/// Segment `index`, verified against `facts.root`, from the first of `nodes` keeping its
/// shard that sends a valid one. Whole chunks, as nodes send it.
pub fn verified_segment(
    registry: &Registry,
    facts: &FileFacts,
    nodes: &[ShardedNode],
    index: u64,
) -> Result<Vec<u8>, SegmentUnavailable> {
    let mut reasons = Vec::new();
    let flow_segment = facts.flow_segment(index);
    for node in nodes.iter().filter(|n| n.config.has_segment(flow_segment)) {
        let answer = match registry.zgs.call(&node.url, "zgs_downloadSegmentWithProof", json!([facts.root, index])) {
            Ok(answer) => answer,
            Err(e) => {
                reasons.push(e.to_string());
                continue;
            }
        };
        let data = answer.get("data").and_then(Value::as_str).and_then(|d| BASE64.decode(d).ok());
        let proof = answer.get("proof").and_then(|p| serde_json::from_value::<SegmentProof>(p.clone()).ok());
        let (Some(data), Some(proof)) = (data, proof) else {
            reasons.push(format!("{} sent no segment with a proof", node.url));
            continue;
        };
        match verify_segment(facts.root, index, &data, &proof, facts.size) {
            Ok(()) => return Ok(data),
            Err(e) => reasons.push(format!("{} sent a segment that fails its proof ({e})", node.url)),
        }
    }
    if reasons.is_empty() {
        reasons.push(format!("no trusted node keeps flow segment {flow_segment}"));
    }
    Err(SegmentUnavailable { index, root: facts.root, reasons })
}

/// The whole file, every segment verified.
pub fn download(registry: &Registry, facts: &FileFacts, nodes: &[ShardedNode]) -> Result<Vec<u8>, SegmentUnavailable> {
    let mut bytes = Vec::with_capacity(facts.size as usize);
    for index in 0..num_segments(facts.size) {
        bytes.extend_from_slice(&verified_segment(registry, facts, nodes, index)?);
    }
    bytes.truncate(facts.size as usize);
    Ok(bytes)
}
