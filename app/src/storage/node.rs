//! One storage node's JSON-RPC (`zgs_*`) over `fetch`. Thin: answers are parsed into the
//! wire types and nothing is believed here; proofs are checked by the caller.

use alloy_primitives::B256;
use serde_json::{json, Value};
use wasm_light_client::JsonRpcTransport;

use super::plan::NodeInfo;
use super::segment::DOWNLOAD_METHOD;
pub use super::transfer::NodeError;
use super::transfer::SegmentNode;
use super::wire::{FileInfo, SegmentWithProof, ShardConfig};
use crate::chain::rpc::FetchTransport;

#[derive(Debug, Clone)]
pub struct StorageNode {
    pub info: NodeInfo,
    transport: FetchTransport,
}

impl StorageNode {
    /// Asks the node at `url` which shard it keeps.
    pub async fn connect(url: &str) -> Result<Self, NodeError> {
        let transport = FetchTransport::new(url.to_string());
        let answer = transport.request("zgs_getShardConfig", json!([])).await.map_err(|e| fail(url, e.to_string()))?;
        let shard: ShardConfig = serde_json::from_value(answer)
            .map_err(|e| fail(url, format!("zgs_getShardConfig answered something unexpected ({e})")))?;
        if shard.num_shard == 0 || shard.shard_id >= shard.num_shard {
            return Err(fail(url, format!("reports an impossible shard {}/{}", shard.shard_id, shard.num_shard)));
        }
        Ok(Self { info: NodeInfo { url: url.to_string(), shard }, transport })
    }

    pub fn url(&self) -> &str {
        &self.info.url
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, NodeError> {
        self.transport.request(method, params).await.map_err(|e| fail(&self.info.url, e.to_string()))
    }

    /// `null` until the node has seen the file's Flow submission.
    pub async fn file_info(&self, root: B256) -> Result<Option<FileInfo>, NodeError> {
        let answer = self.call("zgs_getFileInfo", json!([root, true])).await?;
        if answer.is_null() {
            return Ok(None);
        }
        serde_json::from_value(answer)
            .map(Some)
            .map_err(|e| fail(&self.info.url, format!("zgs_getFileInfo answered something unexpected ({e})")))
    }
}

impl SegmentNode for StorageNode {
    fn info(&self) -> &NodeInfo {
        &self.info
    }

    async fn upload(&self, segments: &[SegmentWithProof]) -> Result<(), NodeError> {
        self.transport
            .call::<_, Value>("zgs_uploadSegments", &(segments,))
            .await
            .map(|_| ())
            .map_err(|e| fail(&self.info.url, e.to_string()))
    }

    /// The node's answer's bytes, unread: [`super::segment::verified_segment`] reads and
    /// proves them, on the page or in a worker.
    async fn download_answer(&self, root: B256, index: u64) -> Result<Vec<u8>, NodeError> {
        self.transport
            .call_for_bytes(DOWNLOAD_METHOD, &(root, index))
            .await
            .map_err(|e| fail(&self.info.url, e.to_string()))
    }
}

fn fail(url: &str, reason: String) -> NodeError {
    NodeError::at(url, reason)
}
