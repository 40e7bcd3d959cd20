//! zg-devnet's side of 0G Compute (compiled into zg-devnet, not the provider): starts one
//! `zg-compute-provider` against the devnet's anvil and `InferenceServing` contract, waits
//! for its ready line, restarts it on its old port and data directory if it dies, and makes
//! sure it never outlives zg-devnet, as `storage_node/launch.rs` does for storage nodes.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// The provider's chain account: anvil's dev account #8 ("test test … junk"), which no
/// test or tool spends from (#0 is the faucet's, #9 the deployer's, #1–#6 the tests').
pub const PROVIDER_ACCOUNT: &str = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
const BINARY: &str = "zg-compute-provider";
const READY: &str = "ZG_COMPUTE_PROVIDER_READY ";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum ComputeLaunchError {
    #[error("{BINARY} not found at {0}: build it next to zg-devnet with `cargo build -p devnet`")]
    Missing(PathBuf),
    #[error("could not prepare {path} for the compute provider: {source}")]
    Files { path: PathBuf, source: io::Error },
    #[error("could not start {path}: {source}")]
    Spawn { path: PathBuf, source: io::Error },
    #[error("the compute provider exited during start-up ({status}); its log ({log}) ends with:\n{tail}")]
    ExitedEarly { status: ExitStatus, log: PathBuf, tail: String },
    #[error("the compute provider was not ready within {}s; see its log at {log}", READY_TIMEOUT.as_secs())]
    NotReady { log: PathBuf },
    #[error("interrupted while waiting for the compute provider to start")]
    Interrupted,
}

/// One provider as `/devnet.json` lists it (`computeProviders`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderInfo {
    pub url: String,
    pub address: String,
    pub model: String,
    /// The TEE signer's address (the service's `teeSignerAddress`).
    pub signer: String,
    /// The provider's process, so a test can kill it (zg-devnet then restarts it).
    #[serde(default)]
    pub pid: u32,
}

/// The running provider. Dropping this kills and reaps it.
pub struct ComputeProviders {
    child: Child,
    spec: Spec,
    pub infos: Vec<ProviderInfo>,
}

struct Spec {
    program: PathBuf,
    rpc_url: String,
    serving: String,
    data_dir: PathBuf,
    log: PathBuf,
}

impl Spec {
    fn spawn(&self, port: u16) -> Result<Child, ComputeLaunchError> {
        let files = |source| ComputeLaunchError::Files { path: self.log.clone(), source };
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).map_err(files)?;
        let log_err = log.try_clone().map_err(files)?;
        let mut command = Command::new(&self.program);
        command
            .args(["--rpc", &self.rpc_url, "--serving", &self.serving, "--provider", PROVIDER_ACCOUNT])
            .args(["--port", &port.to_string()])
            .arg("--data-dir")
            .arg(&self.data_dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        // The same tie as anvil's: own process group, killed if zg-devnet dies.
        crate::anvil::isolate_child(&mut command);
        command.spawn().map_err(|source| ComputeLaunchError::Spawn { path: self.program.clone(), source })
    }
}

impl ComputeProviders {
    /// Restarts the provider on its old port and data directory (so the same signer key)
    /// if it has died. Returns what it did, for zg-devnet's output.
    pub fn restart_dead(&mut self) -> Vec<String> {
        let Ok(Some(status)) = self.child.try_wait() else { return Vec::new() };
        let info = &mut self.infos[0];
        let port = info.url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).unwrap_or(0);
        match self.spec.spawn(port) {
            Ok(new) => {
                info.pid = new.id();
                self.child = new;
                vec![format!("compute provider exited ({status}); restarted on {}", info.url)]
            }
            Err(e) => vec![format!("compute provider exited ({status}) and could not restart: {e}")],
        }
    }
}

impl Drop for ComputeProviders {
    fn drop(&mut self) {
        // Owed fees not yet settled are lost, as they would be with a crashed provider.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider (data in `compute-0/`, log in `compute-0.log` under `dir`) and
/// returns once it has registered its service and printed its ready line.
pub fn start(
    rpc_url: &str,
    serving: &str,
    dir: &Path,
    stop: &AtomicBool,
) -> Result<ComputeProviders, ComputeLaunchError> {
    let program = std::env::current_exe()
        .map_err(|source| ComputeLaunchError::Files { path: PathBuf::from(BINARY), source })?
        .with_file_name(BINARY);
    if !program.is_file() {
        return Err(ComputeLaunchError::Missing(program));
    }
    let spec = Spec {
        program,
        rpc_url: rpc_url.to_owned(),
        serving: serving.to_owned(),
        data_dir: dir.join("compute-0"),
        log: dir.join("compute-0.log"),
    };
    let _ = std::fs::remove_file(&spec.log);
    let mut child = spec.spawn(0)?;
    let deadline = Instant::now() + READY_TIMEOUT;
    let info = loop {
        if stop.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ComputeLaunchError::Interrupted);
        }
        if let Some(info) = ready_line(&spec.log) {
            break ProviderInfo { pid: child.id(), ..info };
        }
        if let Some(status) = child.try_wait().ok().flatten() {
            return Err(ComputeLaunchError::ExitedEarly {
                status,
                log: spec.log.clone(),
                tail: crate::child_log::text(&spec.log),
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ComputeLaunchError::NotReady { log: spec.log.clone() });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(ComputeProviders { child, spec, infos: vec![info] })
}

fn ready_line(log: &Path) -> Option<ProviderInfo> {
    crate::child_log::ready_line(log, READY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_a_complete_ready_line() {
        let dir = std::env::temp_dir().join(format!("zg-devnet-compute-launch-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("compute-0.log");
        let line =
            r#"ZG_COMPUTE_PROVIDER_READY {"url":"http://127.0.0.1:4000","address":"0x1","model":"m","signer":"0x2"}"#;
        std::fs::write(&log, format!("starting\n{}", &line[..50])).unwrap();
        assert!(ready_line(&log).is_none());
        std::fs::write(&log, format!("starting\n{line}\n")).unwrap();
        let info = ready_line(&log).unwrap();
        assert_eq!((info.url.as_str(), info.signer.as_str(), info.pid), ("http://127.0.0.1:4000", "0x2", 0));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
