//! zg-devnet's side of the storage network (compiled into zg-devnet, not the node): starts
//! one `zg-storage-node` per shard against the devnet's anvil and Flow contract, waits for
//! their ready lines, and makes sure none outlives zg-devnet, as `anvil.rs` does for anvil.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The devnet's storage network as `(shardId, numShard)`: two shards, so every
/// multi-segment upload spans nodes, and one full replica, so a client can fall back to
/// another node when one fails or lies.
pub const LAYOUT: [(u64, u64); 3] = [(0, 2), (1, 2), (0, 1)];
const BINARY: &str = "zg-storage-node";
const READY: &str = "ZG_STORAGE_NODE_READY ";
const READY_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("{BINARY} not found at {0}: build it next to zg-devnet with `cargo build -p devnet`")]
    Missing(PathBuf),
    #[error("could not prepare {path} for a storage node: {source}")]
    Files { path: PathBuf, source: io::Error },
    #[error("could not start {path}: {source}")]
    Spawn { path: PathBuf, source: io::Error },
    #[error("storage node {shard} exited during start-up ({status}); its log ({log}) ends with:\n{tail}")]
    ExitedEarly { shard: String, status: ExitStatus, log: PathBuf, tail: String },
    #[error("storage node {shard} was not ready within {}s; see its log at {log}", READY_TIMEOUT.as_secs())]
    NotReady { shard: String, log: PathBuf },
    #[error("interrupted while waiting for the storage nodes to start")]
    Interrupted,
}

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

/// The running nodes. Dropping this kills and reaps them, also on every early return
/// during start-up.
pub struct StorageNodes {
    children: Vec<Child>,
    specs: Vec<Spec>,
    pub infos: Vec<NodeInfo>,
}

/// How one node was started, to start it again the same way (same port, same data).
struct Spec {
    program: PathBuf,
    rpc_url: String,
    flow: String,
    shard: String,
    data_dir: PathBuf,
    log: PathBuf,
}

impl Spec {
    fn spawn(&self, port: u16) -> Result<Child, LaunchError> {
        let files = |source| LaunchError::Files { path: self.log.clone(), source };
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).map_err(files)?;
        let log_err = log.try_clone().map_err(files)?;
        let mut command = Command::new(&self.program);
        command
            .args(["--rpc", &self.rpc_url, "--flow", &self.flow, "--shard", &self.shard, "--port", &port.to_string()])
            .arg("--data-dir")
            .arg(&self.data_dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        // The same tie as anvil's: own process group, killed if zg-devnet dies.
        crate::anvil::isolate_child(&mut command);
        command.spawn().map_err(|source| LaunchError::Spawn { path: self.program.clone(), source })
    }
}

impl StorageNodes {
    /// Restarts, on its old port and data directory, any node that has died (as a
    /// supervisor would in production). Returns what it did, for zg-devnet's output.
    pub fn restart_dead(&mut self) -> Vec<String> {
        let mut report = Vec::new();
        for ((child, spec), info) in self.children.iter_mut().zip(&self.specs).zip(&mut self.infos) {
            let Ok(Some(status)) = child.try_wait() else { continue };
            let port = info.url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).unwrap_or(0);
            match spec.spawn(port) {
                Ok(new) => {
                    info.pid = new.id();
                    *child = new;
                    report.push(format!("storage node {} exited ({status}); restarted on {}", spec.shard, info.url));
                }
                Err(e) => {
                    report.push(format!("storage node {} exited ({status}) and could not restart: {e}", spec.shard))
                }
            }
        }
        report
    }
}

impl Drop for StorageNodes {
    fn drop(&mut self) {
        // The nodes are crash-safe by design, so SIGKILL loses nothing. All are signalled
        // before any is waited for; kill() fails only for a child that already exited, and
        // wait() reaps either way.
        for child in &mut self.children {
            let _ = child.kill();
        }
        for child in &mut self.children {
            let _ = child.wait();
        }
    }
}

/// Starts the nodes side by side (each with `storage-<shard>/` and `storage-<shard>.log` in
/// `dir`) and returns once every one has printed its ready line.
pub fn start(rpc_url: &str, flow: &str, dir: &Path, stop: &AtomicBool) -> Result<StorageNodes, LaunchError> {
    let program = std::env::current_exe()
        .map_err(|source| LaunchError::Files { path: PathBuf::from(BINARY), source })?
        .with_file_name(BINARY);
    if !program.is_file() {
        return Err(LaunchError::Missing(program));
    }
    let mut nodes = StorageNodes { children: Vec::new(), specs: Vec::new(), infos: Vec::new() };
    let mut logs = Vec::new();
    for (i, (shard_id, num_shard)) in LAYOUT.into_iter().enumerate() {
        let spec = Spec {
            program: program.clone(),
            rpc_url: rpc_url.to_owned(),
            flow: flow.to_owned(),
            shard: format!("{shard_id}/{num_shard}"),
            data_dir: dir.join(format!("storage-{i}")),
            log: dir.join(format!("storage-{i}.log")),
        };
        let _ = std::fs::remove_file(&spec.log);
        nodes.children.push(spec.spawn(0)?);
        logs.push(spec.log.clone());
        nodes.specs.push(spec);
    }

    let deadline = Instant::now() + READY_TIMEOUT;
    let mut infos: Vec<Option<NodeInfo>> = vec![None; nodes.children.len()];
    while infos.iter().any(Option::is_none) {
        if stop.load(Ordering::SeqCst) {
            return Err(LaunchError::Interrupted);
        }
        for ((child, log), (info, spec)) in nodes.children.iter_mut().zip(&logs).zip(infos.iter_mut().zip(&nodes.specs))
        {
            let shard = spec.shard.clone();
            if info.is_some() {
                continue;
            }
            *info = ready_line(log).map(|i| NodeInfo { pid: child.id(), ..i });
            if info.is_none() {
                if let Some(status) = child.try_wait().ok().flatten() {
                    return Err(LaunchError::ExitedEarly {
                        shard,
                        status,
                        log: log.clone(),
                        tail: crate::child_log::text(log),
                    });
                }
                if Instant::now() > deadline {
                    return Err(LaunchError::NotReady { shard, log: log.clone() });
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    nodes.infos = infos.into_iter().flatten().collect();
    Ok(nodes)
}

fn ready_line(log: &Path) -> Option<NodeInfo> {
    crate::child_log::ready_line(log, READY)
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
        assert!(ready_line(&log).is_none());
        std::fs::write(&log, format!("zg-storage-node: starting\n{line}\n")).unwrap();
        let info = ready_line(&log).unwrap();
        assert_eq!((info.url.as_str(), info.shard_id, info.num_shard), ("http://127.0.0.1:4000", 1, 2));
        assert_eq!(LAYOUT.iter().filter(|(_, n)| *n == 1).count(), 1, "one full replica");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
