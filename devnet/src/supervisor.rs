//! zg-devnet's one supervisor for the services it starts beside anvil (storage nodes, the
//! indexer, the compute provider): start each with its log file, wait for the one
//! `PREFIX {json}` line that says it is ready, restart it on its old port if it dies, and
//! make sure none outlives zg-devnet.
//!
//! Each service's launch module says only what differs: the program, its arguments, its
//! ready line's prefix and what that line carries.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("{binary} not found at {path}: build it next to zg-devnet with `cargo build -p devnet`")]
    Missing { binary: &'static str, path: PathBuf },
    #[error("could not prepare {path} for {name}: {source}")]
    Files { name: String, path: PathBuf, source: io::Error },
    #[error("could not start {path}: {source}")]
    Spawn { path: PathBuf, source: io::Error },
    #[error("{name} exited during start-up ({status}); its log ({log}) ends with:\n{tail}")]
    ExitedEarly { name: String, status: ExitStatus, log: PathBuf, tail: String },
    #[error("{name} was not ready within {secs}s; see its log at {log}")]
    NotReady { name: String, secs: u64, log: PathBuf },
    #[error("interrupted while waiting for {name} to start")]
    Interrupted { name: String },
}

/// What a service's ready line says about it: at least where it listens. zg-devnet adds the
/// process id, so a test can kill the service (and watch it come back).
pub trait Announced: DeserializeOwned + Clone {
    fn url(&self) -> &str;
    fn set_pid(&mut self, pid: u32);
}

/// How to start one service, the same way every time.
pub struct ServiceSpec {
    /// How messages name it: "storage node 0/2", "the indexer".
    pub name: String,
    pub program: PathBuf,
    /// Its arguments, except `--port`, which the supervisor adds (0 the first time, the
    /// same port on a restart).
    pub args: Vec<OsString>,
    /// Where its stdout and stderr go (appended: a restart's output follows the crash's).
    pub log: PathBuf,
    /// Its ready line's prefix, e.g. `ZG_INDEXER_READY `.
    pub ready: &'static str,
}

impl ServiceSpec {
    fn spawn(&self, port: u16) -> Result<Child, LaunchError> {
        let files = |source| LaunchError::Files { name: self.name.clone(), path: self.log.clone(), source };
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).map_err(files)?;
        let log_err = log.try_clone().map_err(files)?;
        let mut command = Command::new(&self.program);
        command.args(&self.args).args(["--port", &port.to_string()]).stdin(Stdio::null()).stdout(log).stderr(log_err);
        // The same tie as anvil's: own process group, killed if zg-devnet dies.
        crate::anvil::isolate_child(&mut command);
        command.spawn().map_err(|source| LaunchError::Spawn { path: self.program.clone(), source })
    }
}

/// `binary`, next to the running zg-devnet (cargo builds them side by side).
pub fn sibling(binary: &'static str) -> Result<PathBuf, LaunchError> {
    let program = std::env::current_exe()
        .map_err(|source| LaunchError::Files { name: binary.into(), path: PathBuf::from(binary), source })?
        .with_file_name(binary);
    if program.is_file() {
        Ok(program)
    } else {
        Err(LaunchError::Missing { binary, path: program })
    }
}

struct Service<I> {
    child: Child,
    spec: ServiceSpec,
    /// `None` until its ready line is read.
    info: Option<I>,
}

/// Running services of one kind. Dropping this kills and reaps them all, also on every
/// early return during start-up.
pub struct Supervised<I> {
    services: Vec<Service<I>>,
}

impl<I: Announced> Supervised<I> {
    /// Starts every service side by side (each log truncated first) and returns once each
    /// has printed its ready line, or at the first failure (having killed the others).
    pub fn start(specs: Vec<ServiceSpec>, timeout: Duration, stop: &AtomicBool) -> Result<Self, LaunchError> {
        let mut started = Supervised { services: Vec::new() };
        for spec in specs {
            let _ = std::fs::remove_file(&spec.log);
            let child = spec.spawn(0)?;
            started.services.push(Service { child, spec, info: None });
        }
        let deadline = Instant::now() + timeout;
        while started.services.iter().any(|s| s.info.is_none()) {
            for Service { child, spec, info } in started.services.iter_mut().filter(|s| s.info.is_none()) {
                if let Some(mut ready) = ready_line::<I>(&spec.log, spec.ready) {
                    ready.set_pid(child.id());
                    *info = Some(ready);
                    continue;
                }
                let (name, log) = (spec.name.clone(), spec.log.clone());
                if let Some(status) = child.try_wait().ok().flatten() {
                    return Err(LaunchError::ExitedEarly { name, status, tail: text(&log), log });
                }
                if stop.load(Ordering::SeqCst) {
                    return Err(LaunchError::Interrupted { name });
                }
                if Instant::now() > deadline {
                    return Err(LaunchError::NotReady { name, secs: timeout.as_secs(), log });
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(started)
    }

    /// What each service's ready line said, in start order.
    pub fn infos(&self) -> Vec<I> {
        self.services.iter().filter_map(|s| s.info.clone()).collect()
    }

    /// Restarts, on its old port (and so its old data), any service that has died, as a
    /// supervisor would in production. Returns what it did, for zg-devnet's output.
    pub fn restart_dead(&mut self) -> Vec<String> {
        let mut report = Vec::new();
        for service in &mut self.services {
            let Some(info) = service.info.as_mut() else { continue };
            let Ok(Some(status)) = service.child.try_wait() else { continue };
            let name = &service.spec.name;
            match service.spec.spawn(port_of(info.url())) {
                Ok(new) => {
                    info.set_pid(new.id());
                    service.child = new;
                    report.push(format!("{name} exited ({status}); restarted on {}", info.url()));
                }
                Err(e) => report.push(format!("{name} exited ({status}) and could not restart: {e}")),
            }
        }
        report
    }
}

impl<I> Drop for Supervised<I> {
    fn drop(&mut self) {
        // Every service is crash-safe or stateless by design, so SIGKILL loses nothing
        // (a compute provider's unsettled fees are lost, as with a crash). All are signalled
        // before any is waited for; kill() fails only for a child that already exited, and
        // wait() reaps either way.
        for service in &mut self.services {
            let _ = service.child.kill();
        }
        for service in &mut self.services {
            let _ = service.child.wait();
        }
    }
}

/// The port of `http://host:port[/]`; 0 (any free port) if there is none.
fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse().ok()).unwrap_or(0)
}

/// Everything the child wrote so far (empty if the log cannot be read).
fn text(log: &Path) -> String {
    let mut text = String::new();
    let _ = File::open(log).and_then(|mut f| f.read_to_string(&mut text));
    text
}

/// The JSON after `prefix` on the log's ready line, once that line is complete: the child
/// may be halfway through writing it.
pub fn ready_line<T: DeserializeOwned>(log: &Path, prefix: &str) -> Option<T> {
    let line = text(log)
        .split_inclusive('\n')
        .find_map(|l| l.strip_prefix(prefix).filter(|l| l.ends_with('\n')).map(str::to_owned))?;
    serde_json::from_str(line.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, serde::Deserialize)]
    struct Ready {
        url: String,
        #[serde(default)]
        pid: u32,
    }

    impl Announced for Ready {
        fn url(&self) -> &str {
            &self.url
        }
        fn set_pid(&mut self, pid: u32) {
            self.pid = pid;
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("zg-devnet-supervisor-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_only_a_complete_ready_line() {
        let dir = temp_dir("line");
        let log = dir.join("x.log");
        let line = r#"X_READY {"url":"http://127.0.0.1:4000"}"#;
        std::fs::write(&log, format!("starting\n{}", &line[..20])).unwrap();
        assert!(ready_line::<Ready>(&log, "X_READY ").is_none());
        std::fs::write(&log, format!("starting\n{line}\n")).unwrap();
        assert_eq!(ready_line::<Ready>(&log, "X_READY ").unwrap().url, "http://127.0.0.1:4000");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn finds_the_port_to_restart_on() {
        assert_eq!(port_of("http://127.0.0.1:4000"), 4000);
        assert_eq!(port_of("http://127.0.0.1:4000/"), 4000);
        assert_eq!(port_of("nowhere"), 0);
    }

    fn shell(name: &str, dir: &Path, script: &str) -> ServiceSpec {
        // `sh -c SCRIPT NAME --port N`: the script sees the port the supervisor adds as $2.
        ServiceSpec {
            name: name.into(),
            program: PathBuf::from("/bin/sh"),
            args: vec!["-c".into(), script.into(), name.into()],
            log: dir.join(format!("{name}.log")),
            ready: "X_READY ",
        }
    }

    #[test]
    fn a_service_that_dies_before_it_is_ready_is_reported_with_its_log() {
        let dir = temp_dir("early");
        let stop = AtomicBool::new(false);
        let specs = vec![
            shell("good", &dir, r#"echo 'X_READY {"url":"http://127.0.0.1:1"}'; sleep 30"#),
            shell("bad", &dir, "echo 'cannot open the data dir' >&2; exit 3"),
        ];
        let error = Supervised::<Ready>::start(specs, Duration::from_secs(10), &stop).err().unwrap();
        match error {
            LaunchError::ExitedEarly { name, tail, .. } => {
                assert_eq!(name, "bad");
                assert!(tail.contains("cannot open the data dir"), "{tail}");
            }
            other => panic!("expected ExitedEarly, got {other}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ready_services_are_restarted_on_their_port_when_they_die() {
        let dir = temp_dir("restart");
        let stop = AtomicBool::new(false);
        // Announces the port it was given (0 the first time: stands for "any free port").
        let script = r#"echo "X_READY {\"url\":\"http://127.0.0.1:$2\"}"; sleep 30"#;
        let mut services =
            Supervised::<Ready>::start(vec![shell("svc", &dir, script)], Duration::from_secs(10), &stop).unwrap();
        let first = services.infos()[0].clone();
        assert!(first.pid > 0);
        assert!(services.restart_dead().is_empty(), "nothing has died yet");
        std::process::Command::new("kill").args(["-9", &first.pid.to_string()]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let report = loop {
            let report = services.restart_dead();
            if !report.is_empty() || Instant::now() > deadline {
                break report;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(report.len(), 1, "{report:?}");
        assert!(report[0].starts_with("svc exited"), "{report:?}");
        let second = services.infos()[0].clone();
        assert_ne!(second.pid, first.pid);
        assert_eq!(second.url, first.url);
        drop(services);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
