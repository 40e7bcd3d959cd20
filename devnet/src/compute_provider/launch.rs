//! zg-devnet's side of 0G Compute (compiled into zg-devnet, not the provider): one
//! `zg-compute-provider` against the devnet's anvil and `InferenceServing` contract, run by
//! [`crate::supervisor`] (restarted on its old port and data directory, so with the same
//! signer key).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::supervisor::{self, Announced, LaunchError, ServiceSpec, Supervised};

/// The provider's chain account: anvil's dev account #8 ("test test … junk"), which no
/// test or tool spends from (#0 is the faucet's, #9 the deployer's, #1–#6 the tests').
pub const PROVIDER_ACCOUNT: &str = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";
const BINARY: &str = "zg-compute-provider";
const READY: &str = "ZG_COMPUTE_PROVIDER_READY ";
const READY_TIMEOUT: Duration = Duration::from_secs(30);

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

impl Announced for ProviderInfo {
    fn url(&self) -> &str {
        &self.url
    }
    fn set_pid(&mut self, pid: u32) {
        self.pid = pid;
    }
}

/// The running provider. Owed fees not yet settled when it is killed are lost, as they
/// would be with a crashed provider.
pub type ComputeProviders = Supervised<ProviderInfo>;

/// Starts the provider (data in `compute-0/`, log in `compute-0.log` under `dir`) and
/// returns once it has registered its service and printed its ready line.
pub fn start(rpc_url: &str, serving: &str, dir: &Path, stop: &AtomicBool) -> Result<ComputeProviders, LaunchError> {
    let spec = ServiceSpec {
        name: "compute provider".into(),
        program: supervisor::sibling(BINARY)?,
        args: vec![
            "--rpc".into(),
            rpc_url.into(),
            "--serving".into(),
            serving.into(),
            "--provider".into(),
            PROVIDER_ACCOUNT.into(),
            "--data-dir".into(),
            dir.join("compute-0").into(),
        ],
        log: dir.join("compute-0.log"),
        ready: READY,
    };
    Supervised::start(vec![spec], READY_TIMEOUT, stop)
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
        assert!(supervisor::ready_line::<ProviderInfo>(&log, READY).is_none());
        std::fs::write(&log, format!("starting\n{line}\n")).unwrap();
        let info: ProviderInfo = supervisor::ready_line(&log, READY).unwrap();
        assert_eq!((info.url.as_str(), info.signer.as_str(), info.pid), ("http://127.0.0.1:4000", "0x2", 0));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
