//! zg-devnet's side of the indexer (compiled into zg-devnet): starts one `zg-indexer` over
//! the storage nodes' URLs, waits for its ready line, restarts it on its address if it
//! dies, and makes sure it never outlives zg-devnet.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

const BINARY: &str = "zg-indexer";
const READY: &str = "ZG_INDEXER_READY ";
const READY_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum IndexerLaunchError {
    #[error("{BINARY} not found at {0}: build it next to zg-devnet with `cargo build -p devnet`")]
    Missing(PathBuf),
    #[error("could not prepare {path} for the indexer: {source}")]
    Files { path: PathBuf, source: io::Error },
    #[error("could not start {path}: {source}")]
    Spawn { path: PathBuf, source: io::Error },
    #[error("the indexer exited during start-up ({status}); its log ({log}) ends with:\n{tail}")]
    ExitedEarly { status: ExitStatus, log: PathBuf, tail: String },
    #[error("the indexer was not ready within {}s; see its log at {log}", READY_TIMEOUT.as_secs())]
    NotReady { log: PathBuf },
    #[error("interrupted while waiting for the indexer to start")]
    Interrupted,
}

/// The indexer as `/devnet.json` names it (`indexer`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexerInfo {
    pub url: String,
    /// Its process, so a test can stop it (zg-devnet then restarts it).
    #[serde(default)]
    pub pid: u32,
}

/// The running indexer; dropping this kills and reaps it.
pub struct Indexer {
    child: Child,
    program: PathBuf,
    trusted: String,
    log: PathBuf,
    pub info: IndexerInfo,
}

fn spawn(program: &Path, trusted: &str, port: u16, log: &Path) -> Result<Child, IndexerLaunchError> {
    let files = |source| IndexerLaunchError::Files { path: log.to_path_buf(), source };
    let out = std::fs::OpenOptions::new().create(true).append(true).open(log).map_err(files)?;
    let err = out.try_clone().map_err(files)?;
    let mut command = Command::new(program);
    command.args(["--trusted", trusted, "--port", &port.to_string()]).stdin(Stdio::null()).stdout(out).stderr(err);
    // The same tie as anvil's: own process group, killed if zg-devnet dies.
    crate::anvil::isolate_child(&mut command);
    command.spawn().map_err(|source| IndexerLaunchError::Spawn { path: program.to_path_buf(), source })
}

/// Starts the indexer over `node_urls` (log: `indexer.log` in `dir`) and returns once it
/// printed its ready line.
pub fn start(node_urls: &[String], dir: &Path, stop: &AtomicBool) -> Result<Indexer, IndexerLaunchError> {
    let program = std::env::current_exe()
        .map_err(|source| IndexerLaunchError::Files { path: PathBuf::from(BINARY), source })?
        .with_file_name(BINARY);
    if !program.is_file() {
        return Err(IndexerLaunchError::Missing(program));
    }
    let log = dir.join("indexer.log");
    let _ = std::fs::remove_file(&log);
    let trusted = node_urls.join(",");
    let mut child = spawn(&program, &trusted, 0, &log)?;
    let deadline = Instant::now() + READY_TIMEOUT;
    let url = loop {
        if stop.load(Ordering::SeqCst) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(IndexerLaunchError::Interrupted);
        }
        if let Some(ready) = crate::child_log::ready_line::<IndexerInfo>(&log, READY) {
            break ready.url;
        }
        if let Some(status) = child.try_wait().ok().flatten() {
            return Err(IndexerLaunchError::ExitedEarly {
                status,
                log: log.clone(),
                tail: crate::child_log::text(&log),
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(IndexerLaunchError::NotReady { log });
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let info = IndexerInfo { url, pid: child.id() };
    Ok(Indexer { child, program, trusted, log, info })
}

impl Indexer {
    /// Restarts the indexer on its old port if it died; says what it did.
    pub fn restart_dead(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        let port = self.info.url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0);
        Some(match spawn(&self.program, &self.trusted, port, &self.log) {
            Ok(child) => {
                self.info.pid = child.id();
                self.child = child;
                format!("the indexer exited ({status}); restarted on {}", self.info.url)
            }
            Err(e) => format!("the indexer exited ({status}) and could not restart: {e}"),
        })
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        // It keeps no state: SIGKILL loses nothing.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
