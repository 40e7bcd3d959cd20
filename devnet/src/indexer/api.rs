//! What zg-indexer answers: 0G's indexer JSON-RPC (`POST /`, namespace `indexer`, as in
//! `indexer/api.go` of 0gfoundation/0g-storage-client) and 0G's REST gateway
//! (`indexer/gateway/*.go` there): `GET /file`, `GET /file/info/:cid`, `GET /node/status`,
//! `POST /file/segment`.
//!
//! Gateway answers use 0G's envelope `{code, message, data}` (`common/api`): code 0
//! "Success", 1 "Invalid parameter", 101 "File not found", 103 "File not finalized yet",
//! all with HTTP 200; 2 "Internal server error" with HTTP 600. JSON-RPC errors use
//! go-ethereum's codes (-32000 for a failed call, -32601, -32602). Nothing here serves a
//! byte that was not checked against the file root (see `files`).

use alloy_primitives::B256;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use wasm_light_client::storage::{verify_segment, SegmentProof, CHUNK_SIZE};

use crate::files::{self, Cid, Located};
use crate::nodes::{select, Registry, ShardedNode};

pub const METHODS: &[&str] =
    &["indexer_getShardedNodes", "indexer_getSelectedNodes", "indexer_getNodeLocations", "indexer_getFileLocations"];

/// A JSON-RPC error object.
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

fn call_failed(message: impl Into<String>) -> RpcError {
    RpcError { code: -32000, message: message.into() }
}

fn invalid_argument(i: usize, reason: &str) -> RpcError {
    RpcError { code: -32602, message: format!("invalid argument {i}: {reason}") }
}

/// One `indexer_*` call.
pub fn rpc(registry: &Registry, method: &str, params: &Value) -> Result<Value, RpcError> {
    let params: &[Value] = match params {
        Value::Array(items) => items,
        Value::Null => &[],
        _ => {
            return Err(RpcError {
                code: -32602,
                message: "non-array args: pass the parameters as a JSON array".into(),
            })
        }
    };
    match method {
        "indexer_getShardedNodes" => Ok(json!({"trusted": registry.trusted(), "discovered": []})),
        "indexer_getSelectedNodes" => selected_nodes(registry, params),
        // 0G maps each node's IP to a geolocation; loopback nodes have none.
        "indexer_getNodeLocations" => Ok(json!({})),
        "indexer_getFileLocations" => {
            let root = params
                .first()
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<B256>().ok())
                .ok_or_else(|| invalid_argument(0, "expected a file root: 0x and 64 hex digits"))?;
            match files::locate(registry, Cid::Root(root)) {
                Located::Unknown => Err(call_failed("file not found")),
                // 0G answers null while the holders do not cover every shard.
                Located::Incomplete => Ok(Value::Null),
                Located::Found { nodes, .. } => Ok(json!(nodes)),
            }
        }
        _ => Err(RpcError {
            code: -32601,
            message: format!(
                "the method {method} does not exist/is not available; this indexer serves {}",
                METHODS.join(", ")
            ),
        }),
    }
}

/// `indexer_getSelectedNodes(expectedReplica, method, fullTrusted, dropped)`; every node
/// here is trusted, so `fullTrusted` changes nothing.
fn selected_nodes(registry: &Registry, params: &[Value]) -> Result<Value, RpcError> {
    let replica =
        params.first().and_then(Value::as_u64).ok_or_else(|| invalid_argument(0, "expected a replica count"))?;
    let method = match params.get(1) {
        None | Some(Value::Null) => "min",
        Some(v) => v.as_str().ok_or_else(|| invalid_argument(1, "expected min, max, random or a shard count"))?,
    };
    let dropped: Vec<String> = match params.get(3) {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => {
            serde_json::from_value(v.clone()).map_err(|_| invalid_argument(3, "expected a list of node URLs"))?
        }
    };
    let trusted: Vec<ShardedNode> = registry.trusted().into_iter().filter(|n| !dropped.contains(&n.url)).collect();
    match select(&trusted, replica, method) {
        Some(nodes) => Ok(json!({"trusted": nodes, "discovered": []})),
        None => {
            Err(call_failed("cannot select a subset from the returned nodes that meets the replication requirement"))
        }
    }
}

/// A gateway answer: HTTP status, content type, body, and a download's file name.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub attachment: Option<String>,
}

fn envelope(status: u16, code: i64, message: &str, data: Value) -> Reply {
    let body = json!({"code": code, "message": message, "data": data}).to_string().into_bytes();
    Reply { status, body, attachment: None }
}

fn success(data: Value) -> Reply {
    envelope(200, 0, "Success", data)
}

fn invalid(data: impl Into<String>) -> Reply {
    envelope(200, 1, "Invalid parameter", Value::String(data.into()))
}

fn internal(data: impl Into<String>) -> Reply {
    envelope(600, 2, "Internal server error", Value::String(data.into()))
}

fn not_found() -> Reply {
    envelope(200, 101, "File not found", Value::Null)
}

fn not_finalized() -> Reply {
    envelope(200, 103, "File not finalized yet", Value::Null)
}

/// 0G's `NewCid`: a decimal number is a submission number, anything else a root.
fn cid(text: &str) -> Result<Cid, Reply> {
    let text = text.trim();
    if let Ok(seq) = text.parse::<u64>() {
        return Ok(Cid::TxSeq(seq));
    }
    text.parse()
        .map(Cid::Root)
        .map_err(|_| invalid(format!("{text:?} is neither a file root (0x and 64 hex digits) nor a submission number")))
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(value))
    })
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = || std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex()) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `GET /file?root=…` or `?txSeq=…` (and `&name=` for the attachment's name): the whole file,
/// every segment verified against the root before a byte is sent.
pub fn download_file(registry: &Registry, query: &str) -> Reply {
    let root = query_param(query, "root").filter(|r| !r.is_empty());
    let seq = query_param(query, "txSeq").filter(|s| !s.is_empty());
    let cid = match (root, seq) {
        (Some(root), _) => match root.trim().parse() {
            Ok(root) => Cid::Root(root),
            Err(_) => return invalid(format!("root {root:?}: expected 0x and 64 hex digits")),
        },
        (None, Some(seq)) => match seq.trim().parse() {
            Ok(seq) => Cid::TxSeq(seq),
            Err(_) => return invalid(format!("txSeq {seq:?}: expected a submission number")),
        },
        (None, None) => return invalid("Either 'root' or 'txSeq' must be provided"),
    };
    let (facts, nodes) = match files::locate(registry, cid) {
        Located::Unknown => return not_found(),
        Located::Incomplete => return not_finalized(),
        Located::Found { facts, nodes } => (facts, nodes),
    };
    match files::download(registry, &facts, &nodes) {
        Ok(bytes) => {
            let name =
                query_param(query, "name").filter(|n| !n.is_empty()).unwrap_or_else(|| format!("{:#x}", facts.root));
            Reply { status: 200, body: bytes, attachment: Some(name) }
        }
        Err(e) => internal(format!("Failed to download file: {e}")),
    }
}

/// `GET /file/info/:cid`: 0G's `FileInfo`, merged over the nodes holding the file (or, if it
/// is not complete anywhere, over every trusted node): finalized only if all say so, the
/// smallest `uploadedSegNum`.
pub fn file_info(registry: &Registry, cid_text: &str) -> Reply {
    let cid = match cid(cid_text) {
        Ok(cid) => cid,
        Err(reply) => return reply,
    };
    let nodes = match files::locate(registry, cid) {
        Located::Found { nodes, .. } => nodes,
        Located::Unknown => return not_found(),
        Located::Incomplete => registry.trusted(),
    };
    let mut merged: Option<Value> = None;
    for node in &nodes {
        let info = match files::file_info(registry, &node.url, cid) {
            Ok(Some(info)) => info,
            Ok(None) => return not_found(),
            Err(e) => return internal(format!("Failed to retrieve file info: {e}")),
        };
        let Some(all) = merged.as_mut() else {
            merged = Some(info);
            continue;
        };
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        all["finalized"] = json!(flag(all, "finalized") && flag(&info, "finalized"));
        all["isCached"] = json!(flag(all, "isCached") && flag(&info, "isCached"));
        all["pruned"] = json!(flag(all, "pruned") || flag(&info, "pruned"));
        let count = |v: &Value| v.get("uploadedSegNum").and_then(Value::as_u64).unwrap_or(0);
        all["uploadedSegNum"] = json!(count(all).min(count(&info)));
    }
    merged.map_or_else(not_found, success)
}

/// `GET /node/status`: 0G's `Status` merged over the trusted nodes (the lowest sync height
/// and next submission number, the most peers).
pub fn node_status(registry: &Registry) -> Reply {
    let mut merged: Option<Value> = None;
    for node in registry.trusted() {
        let status = match registry.zgs.call(&node.url, "zgs_getStatus", json!([])) {
            Ok(status) => status,
            // It went down after the last check: it is not trusted any more.
            Err(_) => continue,
        };
        let Some(all) = merged.as_mut() else {
            merged = Some(status);
            continue;
        };
        let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
        if num(all, "logSyncHeight") > num(&status, "logSyncHeight") {
            all["logSyncHeight"] = status["logSyncHeight"].clone();
            all["logSyncBlock"] = status["logSyncBlock"].clone();
        }
        all["connectedPeers"] = json!(num(all, "connectedPeers").max(num(&status, "connectedPeers")));
        all["nextTxSeq"] = json!(num(all, "nextTxSeq").min(num(&status, "nextTxSeq")));
    }
    success(merged.unwrap_or(Value::Null))
}

/// 0G's `UploadSegmentRequest`; `data` is base64, as Go encodes `[]byte`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SegmentUpload {
    #[serde(default)]
    root: Option<B256>,
    #[serde(default)]
    tx_seq: Option<u64>,
    data: String,
    index: u64,
    proof: SegmentProof,
    #[serde(default)]
    expected_replica: u64,
}

/// `POST /file/segment`: checks the segment's proof against the submitted file, then hands
/// it to the nodes that keep its shard, in a set of `expectedReplica` (default 1) copies.
pub fn upload_segment(registry: &Registry, body: &[u8]) -> Reply {
    let upload: SegmentUpload = match serde_json::from_slice(body) {
        Ok(upload) => upload,
        Err(e) => {
            return invalid(format!(
                "{e}; send {{root, txSeq, data (base64), index, proof: {{lemma, path}}, expectedReplica}}"
            ))
        }
    };
    let mut data = match BASE64.decode(upload.data.as_bytes()) {
        Ok(data) => data,
        Err(e) => return invalid(format!("data is not base64 ({e})")),
    };
    if data.is_empty() {
        return invalid("Segment data is empty");
    }
    let cid = match (upload.tx_seq, upload.root) {
        (Some(seq), _) => Cid::TxSeq(seq),
        (None, Some(root)) => Cid::Root(root),
        (None, None) => return invalid("Either 'root' or 'txSeq' must be provided"),
    };
    // The trusted nodes that have seen the Submit event.
    let mut facts = None;
    let mut knowing = Vec::new();
    for node in registry.trusted() {
        if let Ok(Some(info)) = files::file_info(registry, &node.url, cid) {
            if let Some(f) = files::FileFacts::of_info(&info) {
                facts = Some(f);
                knowing.push(node);
            }
        }
    }
    let Some(facts) = facts else { return not_found() };
    if let Some(root) = upload.root.filter(|r| !r.is_zero() && *r != facts.root) {
        return invalid(format!("root {root} is not the root of submission {} ({})", facts.seq, facts.root));
    }
    if let Err(e) = verify_segment(facts.root, upload.index, &data, &upload.proof, facts.size) {
        return invalid(format!("Failed to validate merkle proof: {e}"));
    }
    // Nodes take whole chunks; the verifier also accepted the file's exact tail.
    data.resize(data.len().div_ceil(CHUNK_SIZE) * CHUNK_SIZE, 0);
    let Some(targets) = select(&knowing, upload.expected_replica.max(1), "min") else {
        return internal(
            "Failed to upload segment with proof: cannot select a subset from the returned nodes that meets the \
             replication requirement",
        );
    };
    let segment = json!({
        "root": facts.root,
        "data": BASE64.encode(&data),
        "index": upload.index,
        "proof": upload.proof,
        "fileSize": facts.size,
    });
    let flow_segment = facts.flow_segment(upload.index);
    for node in targets.iter().filter(|n| n.config.has_segment(flow_segment)) {
        match registry.zgs.call(&node.url, "zgs_uploadSegmentsByTxSeq", json!([[segment], facts.seq])) {
            Ok(_) => {}
            // 0G's uploader treats this as done.
            Err(e) if e.to_string().contains("already uploaded and finalized") => {}
            Err(e) => return internal(format!("Failed to upload segment with proof: {e}")),
        }
    }
    success(json!("Succeeded to upload segment"))
}
