//! zg-devnet's side of the storage network (compiled into zg-devnet, not the node): one
//! `zg-storage-node` per shard against the devnet's anvil and Flow contract, run by
//! [`crate::supervisor`].

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::supervisor::{self, Announced, LaunchError, ServiceSpec, Supervised};

/// The devnet's storage network as `(shardId, numShard)`: two shards, so every
/// multi-segment upload spans nodes, and one full replica, so a client can fall back to
/// another node when one fails or lies.
pub const LAYOUT: [(u64, u64); 3] = [(0, 2), (1, 2), (0, 1)];
const BINARY: &str = "zg-storage-node";
const READY: &str = "ZG_STORAGE_NODE_READY ";
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// One node as `/devnet.json` lists it (`storageNodes`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeInfo {
    pub url: String,
    pub shard_id: u64,
    pub num_shard: u64,
    /// The node's process, so a test can kill it (zg-devnet then restarts it).
    #[serde(default)]
    pub pid: u32,
}

impl Announced for NodeInfo {
    fn url(&self) -> &str {
        &self.url
    }
    fn set_pid(&mut self, pid: u32) {
        self.pid = pid;
    }
}

/// The running nodes; they are crash-safe by design, so the supervisor's SIGKILL loses
/// nothing.
pub type StorageNodes = Supervised<NodeInfo>;

/// Starts the nodes side by side (each with `storage-<i>/` and `storage-<i>.log` in `dir`)
/// and returns once every one has printed its ready line.
pub fn start(rpc_url: &str, flow: &str, dir: &Path, stop: &AtomicBool) -> Result<StorageNodes, LaunchError> {
    let program = supervisor::sibling(BINARY)?;
    let specs = LAYOUT
        .into_iter()
        .enumerate()
        .map(|(i, (shard_id, num_shard))| {
            let shard = format!("{shard_id}/{num_shard}");
            let data_dir = dir.join(format!("storage-{i}"));
            ServiceSpec {
                name: format!("storage node {shard}"),
                program: program.clone(),
                args: vec![
                    "--rpc".into(),
                    rpc_url.into(),
                    "--flow".into(),
                    flow.into(),
                    "--shard".into(),
                    shard.into(),
                    "--data-dir".into(),
                    data_dir.into(),
                ],
                log: dir.join(format!("storage-{i}.log")),
                ready: READY,
            }
        })
        .collect();
    Supervised::start(specs, READY_TIMEOUT, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_a_complete_ready_line() {
        let dir = std::env::temp_dir().join(format!("zg-devnet-launch-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("storage-0.log");
        let line = r#"ZG_STORAGE_NODE_READY {"url":"http://127.0.0.1:4000","shardId":1,"numShard":2}"#;
        std::fs::write(&log, format!("zg-storage-node: starting\n{}", &line[..40])).unwrap();
        assert!(supervisor::ready_line::<NodeInfo>(&log, READY).is_none());
        std::fs::write(&log, format!("zg-storage-node: starting\n{line}\n")).unwrap();
        let info: NodeInfo = supervisor::ready_line(&log, READY).unwrap();
        assert_eq!((info.url.as_str(), info.shard_id, info.num_shard), ("http://127.0.0.1:4000", 1, 2));
        assert_eq!(LAYOUT.iter().filter(|(_, n)| *n == 1).count(), 1, "one full replica");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
