//! zg-devnet's side of the indexer (compiled into zg-devnet): one `zg-indexer` over the
//! storage nodes' URLs, run by [`crate::supervisor`]. It keeps no state, so a restart loses
//! nothing.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::supervisor::{self, Announced, LaunchError, ServiceSpec, Supervised};

const BINARY: &str = "zg-indexer";
const READY: &str = "ZG_INDEXER_READY ";
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The indexer as `/devnet.json` names it (`indexer`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexerInfo {
    pub url: String,
    /// Its process, so a test can stop it (zg-devnet then restarts it).
    #[serde(default)]
    pub pid: u32,
}

impl Announced for IndexerInfo {
    fn url(&self) -> &str {
        &self.url
    }
    fn set_pid(&mut self, pid: u32) {
        self.pid = pid;
    }
}

pub type Indexer = Supervised<IndexerInfo>;

/// Starts the indexer over `node_urls` (log: `indexer.log` in `dir`) and returns once it
/// printed its ready line.
pub fn start(node_urls: &[String], dir: &Path, stop: &AtomicBool) -> Result<Indexer, LaunchError> {
    let spec = ServiceSpec {
        name: "the indexer".into(),
        program: supervisor::sibling(BINARY)?,
        args: vec!["--trusted".into(), node_urls.join(",").into()],
        log: dir.join("indexer.log"),
        ready: READY,
    };
    Supervised::start(vec![spec], READY_TIMEOUT, stop)
}
