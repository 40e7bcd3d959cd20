//! The storage node's JSON-RPC shapes (`zgs_*`), as 0G's node and SDKs spell them.

use alloy_primitives::B256;
use base64::Engine;
use serde::{Deserialize, Serialize};
use wasm_light_client::storage::SegmentProof;

/// `SegmentWithProof`: what `zgs_uploadSegments` takes and `zgs_downloadSegmentWithProof`
/// returns. `data` is base64, as Go encodes `[]byte`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentWithProof {
    pub root: B256,
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
    pub index: u64,
    pub proof: SegmentProof,
    pub file_size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardConfig {
    pub shard_id: u64,
    pub num_shard: u64,
}

impl ShardConfig {
    /// 0G's rule: a node keeps segment `i` when `i % numShard == shardId`.
    pub fn holds(&self, segment: u64) -> bool {
        self.num_shard > 0 && segment % self.num_shard == self.shard_id
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    pub tx: FileTx,
    pub finalized: bool,
    #[serde(default)]
    pub uploaded_seg_num: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileTx {
    pub data_merkle_root: B256,
    pub size: u64,
    pub seq: u64,
    #[serde(default)]
    pub start_entry_index: u64,
}

/// An answer of 0G's indexer REST gateway: `{code, message, data}` (0G's `common/api`),
/// code 0 for success. Errors come with HTTP 200 too, so the code decides.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GatewayReply {
    pub code: i64,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// 0G's gateway codes the client acts on.
pub const GATEWAY_FILE_NOT_FOUND: i64 = 101;
pub const GATEWAY_NOT_FINALIZED: i64 = 103;

impl GatewayReply {
    /// The reply's `data` on success; else the gateway's own words, for a message.
    pub fn into_result(self) -> Result<serde_json::Value, (i64, String)> {
        if self.code == 0 {
            return Ok(self.data);
        }
        let detail = match &self.data {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => format!(": {s}"),
            other => format!(": {other}"),
        };
        Err((self.code, format!("{} (code {}){detail}", self.message, self.code)))
    }
}

/// The body of the gateway's `POST /file/segment` (0G's `UploadSegmentRequest`): the
/// gateway checks the proof against the submitted root and hands the segment to nodes
/// keeping its shard, `expectedReplica` copies.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySegment<'a> {
    pub root: B256,
    #[serde(with = "base64_bytes")]
    pub data: Vec<u8>,
    pub index: u64,
    pub proof: &'a SegmentProof,
    pub expected_replica: u64,
}

mod base64_bytes {
    use super::*;

    pub fn serialize<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_json_uses_0g_field_names_and_base64() {
        let seg = SegmentWithProof {
            root: B256::repeat_byte(1),
            data: vec![0, 1, 2, 255],
            index: 3,
            proof: SegmentProof { lemma: vec![B256::repeat_byte(2)], path: vec![] },
            file_size: 4,
        };
        let json = serde_json::to_value(&seg).unwrap();
        assert_eq!(json["data"], "AAEC/w==");
        assert_eq!(json["fileSize"], 4);
        assert_eq!(json["proof"]["lemma"][0], format!("{}", B256::repeat_byte(2)));
        assert_eq!(serde_json::from_value::<SegmentWithProof>(json).unwrap(), seg);
    }

    #[test]
    fn shards_split_segments_round_robin() {
        let a = ShardConfig { shard_id: 0, num_shard: 2 };
        let b = ShardConfig { shard_id: 1, num_shard: 2 };
        assert!(a.holds(0) && a.holds(2) && !a.holds(1));
        assert!(b.holds(1) && !b.holds(4));
        assert!(!ShardConfig { shard_id: 0, num_shard: 0 }.holds(0));
    }

    #[test]
    fn file_info_reads_0g_json() {
        let json = r#"{"tx":{"streamIds":[],"data":"","dataMerkleRoot":"0x0101010101010101010101010101010101010101010101010101010101010101","startEntryIndex":0,"size":300,"seq":2},"finalized":false,"isCached":false,"uploadedSegNum":1,"pruned":false}"#;
        let info: FileInfo = serde_json::from_str(json).unwrap();
        assert_eq!((info.tx.size, info.tx.seq, info.uploaded_seg_num, info.finalized), (300, 2, 1, false));
        assert_eq!(info.tx.start_entry_index, 0);
    }

    #[test]
    fn gateway_replies_read_0g_envelopes() {
        let ok: GatewayReply =
            serde_json::from_str(r#"{"code":0,"message":"Success","data":"Succeeded to upload segment"}"#).unwrap();
        assert_eq!(ok.into_result().unwrap(), "Succeeded to upload segment");
        let missing: GatewayReply =
            serde_json::from_str(r#"{"code":101,"message":"File not found","data":null}"#).unwrap();
        assert_eq!(missing.into_result(), Err((GATEWAY_FILE_NOT_FOUND, "File not found (code 101)".into())));
        let bad: GatewayReply = serde_json::from_str(
            r#"{"code":1,"message":"Invalid parameter","data":"Failed to validate merkle proof"}"#,
        )
        .unwrap();
        assert_eq!(bad.into_result().unwrap_err().1, "Invalid parameter (code 1): Failed to validate merkle proof");
    }

    #[test]
    fn gateway_segment_uses_0g_field_names() {
        let proof = SegmentProof { lemma: vec![B256::repeat_byte(2)], path: vec![] };
        let body = GatewaySegment {
            root: B256::repeat_byte(1),
            data: vec![1, 2],
            index: 7,
            proof: &proof,
            expected_replica: 1,
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["data"], "AQI=");
        assert_eq!(json["expectedReplica"], 1);
        assert_eq!(json["index"], 7);
        assert!(json["proof"]["lemma"].is_array() && json.get("txSeq").is_none());
    }
}
