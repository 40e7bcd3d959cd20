//! The anvil child process.
//!
//! Owns spawning anvil with the devnet's fixed chain settings, waiting until it answers,
//! and making sure it never outlives zg-devnet: [`Anvil`] kills and reaps the child on
//! drop, and on Linux the kernel kills it if zg-devnet itself dies without cleaning up.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use devnet::jsonrpc::{Endpoint, RpcError};
use serde_json::{json, Value};

/// The devnet's chain id: anvil's default, which wallets already know as a local chain.
pub const CHAIN_ID: u64 = 31337;
/// anvil's default mnemonic, passed explicitly so the dev accounts never change.
const MNEMONIC: &str = "test test test test test test test test test test test junk";
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);

#[derive(Debug, thiserror::Error)]
pub enum AnvilError {
    #[error("anvil not found at {0}: run `npm ci` in the workspace root to install it, or pass --anvil PATH")]
    Missing(PathBuf),
    #[error("could not create anvil's log file {path}: {source}")]
    Log { path: PathBuf, source: io::Error },
    #[error("could not start anvil at {path}: {source}. Reinstall it with `npm ci` or pass another --anvil PATH")]
    Spawn { path: PathBuf, source: io::Error },
    #[error(
        "anvil exited during start-up ({status}); is --rpc-port already in use? Its log ({log}) ends with:\n{tail}"
    )]
    ExitedEarly { status: ExitStatus, log: PathBuf, tail: String },
    #[error("anvil did not answer eth_chainId within {}s; see its log at {log}", READY_TIMEOUT.as_secs())]
    NotReady { log: PathBuf },
    #[error("anvil answers with chain id {found}, not {CHAIN_ID}; another node may own the RPC port")]
    WrongChain { found: String },
    #[error("interrupted while waiting for anvil to start")]
    Interrupted,
    #[error("could not read block 0 from anvil: {0}")]
    Checkpoint(RpcError),
}

/// What anvil is started with. `rpc_port` 0 lets anvil pick a free port.
pub struct AnvilConfig<'a> {
    pub program: &'a Path,
    pub rpc_port: u16,
    pub block_time: f64,
    pub log_path: PathBuf,
}

/// A running anvil. Dropping it kills and reaps the process.
pub struct Anvil {
    child: KillOnDrop,
    rpc: Endpoint,
    log_path: PathBuf,
}

impl Anvil {
    /// Spawns anvil and blocks until it answers `eth_chainId` with the devnet's chain id.
    /// `stop` aborts the wait (a signal arrived during start-up).
    pub fn start(config: AnvilConfig<'_>, stop: &AtomicBool) -> Result<Anvil, AnvilError> {
        if !config.program.is_file() {
            return Err(AnvilError::Missing(config.program.to_path_buf()));
        }
        let log = File::create(&config.log_path)
            .map_err(|source| AnvilError::Log { path: config.log_path.clone(), source })?;
        let log_err = log.try_clone().map_err(|source| AnvilError::Log { path: config.log_path.clone(), source })?;

        let mut command = Command::new(config.program);
        command
            .args(["--host", "127.0.0.1", "--port", &config.rpc_port.to_string()])
            .args(["--chain-id", &CHAIN_ID.to_string()])
            .args(["--block-time", &config.block_time.to_string()])
            .args(["--accounts", "10", "--balance", "10000", "--mnemonic", MNEMONIC])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        isolate_child(&mut command);
        let mut child = KillOnDrop(
            command.spawn().map_err(|source| AnvilError::Spawn { path: config.program.to_path_buf(), source })?,
        );
        let rpc = wait_ready(&mut child.0, &config.log_path, stop)?;
        Ok(Anvil { child, rpc, log_path: config.log_path })
    }

    pub fn rpc(&self) -> &Endpoint {
        &self.rpc
    }

    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// Block 0's hash: the devnet's checkpoint, which changes on every start.
    pub fn genesis_hash(&self) -> Result<String, AnvilError> {
        let block = self.rpc.call("eth_getBlockByNumber", json!(["0x0", false])).map_err(AnvilError::Checkpoint)?;
        block.get("hash").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
            AnvilError::Checkpoint(RpcError::garbled(
                self.rpc.url(),
                "eth_getBlockByNumber",
                format!("block 0 has no hash: {block}"),
            ))
        })
    }

    /// `Some(status)` once anvil has exited on its own.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.0.try_wait().ok().flatten()
    }

    /// The last lines of anvil's log, for error messages.
    pub fn log_tail(&self) -> String {
        read_tail(&self.log_path, 2048)
    }
}

/// Kills and reaps the child when dropped, so every early return during start-up and
/// every exit path afterwards leaves nothing running.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // kill() fails only if the child has already exited; wait() reaps it either way so
        // no zombie is left.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_ready(child: &mut Child, log_path: &Path, stop: &AtomicBool) -> Result<Endpoint, AnvilError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut ready: Option<Endpoint> = None;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Err(AnvilError::Interrupted);
        }
        if let Some(status) = child.try_wait().ok().flatten() {
            return Err(AnvilError::ExitedEarly {
                status,
                log: log_path.to_path_buf(),
                tail: read_tail(log_path, 2048),
            });
        }
        if Instant::now() > deadline {
            return Err(AnvilError::NotReady { log: log_path.to_path_buf() });
        }
        // The port is taken from anvil's own "Listening on" line even when it was given:
        // that line appears only after anvil bound the port, so a different node already
        // listening there is never mistaken for ours.
        if ready.is_none() {
            ready = listening_port(log_path).map(|port| Endpoint::new(format!("http://127.0.0.1:{port}")));
        }
        if let Some(rpc) = &ready {
            if let Ok(id) = rpc.call("eth_chainId", json!([])) {
                let expected = format!("0x{CHAIN_ID:x}");
                return match id.as_str() {
                    Some(found) if found == expected => Ok(rpc.clone()),
                    _ => Err(AnvilError::WrongChain { found: id.to_string() }),
                };
            }
        }
        std::thread::sleep(POLL);
    }
}

/// Keeps a child (anvil, the storage nodes) out of zg-devnet's process group and ties its
/// life to zg-devnet's.
#[cfg(unix)]
pub(crate) fn isolate_child(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // A terminal's Ctrl-C goes to the whole foreground group; anvil in its own group stays
    // up until zg-devnet stops it, so an interrupt is never mistaken for anvil crashing.
    command.process_group(0);

    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs in the forked child before exec, where only
        // async-signal-safe calls are allowed. prctl, getppid and _exit are plain system
        // calls that allocate nothing and take no locks, and the closure only reads a
        // copied integer. PR_SET_PDEATHSIG makes the kernel SIGKILL anvil when the thread
        // that spawned it dies, which covers zg-devnet being SIGKILLed; spawning happens on
        // the main thread, which lives as long as the process. If zg-devnet died between
        // fork and prctl, the parent check catches it and the child exits at once.
        #[allow(unsafe_code)]
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                    return Err(io::Error::last_os_error());
                }
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn isolate_child(_command: &mut Command) {}

/// The port in anvil's "Listening on 127.0.0.1:PORT" line, once it is written.
fn listening_port(log: &Path) -> Option<u16> {
    let mut text = String::new();
    File::open(log).ok()?.read_to_string(&mut text).ok()?;
    let line = text.lines().find_map(|l| l.trim().strip_prefix("Listening on "))?;
    line.rsplit(':').next()?.trim().parse().ok()
}

fn read_tail(path: &Path, max: u64) -> String {
    let Ok(mut file) = File::open(path) else { return String::new() };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(max)));
    let mut bytes = Vec::new();
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_listening_port_in_anvils_log() {
        let dir = std::env::temp_dir().join(format!("zg-devnet-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("anvil.log");
        std::fs::write(&log, "Private Keys\n==========\n\nListening on 127.0.0.1:40113\n").unwrap();
        assert_eq!(listening_port(&log), Some(40113));
        std::fs::write(&log, "still starting\n").unwrap();
        assert_eq!(listening_port(&log), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
