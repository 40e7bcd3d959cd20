//! zg-devnet: the local 0G network for demos and tests.
//!
//! Owns the command line, the start-up order (app port first so a taken port fails fast,
//! then anvil, then the routes), the ready lines that `cargo xtask` and the tests parse,
//! and shutdown: on SIGINT/SIGTERM/SIGHUP, or when anvil dies, anvil is killed and reaped
//! before the process exits.

mod anvil;
#[path = "compute_provider/launch.rs"]
mod compute_launch;
mod consensus;
mod deploy;
mod faucet;
mod http;
#[path = "indexer/launch.rs"]
mod indexer_launch;
mod static_files;
#[path = "storage_node/launch.rs"]
mod storage_launch;
mod supervisor;

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use devnet::cli::{self, Long, Short};
use serde::Serialize;

use crate::anvil::{Anvil, AnvilConfig, AnvilError, CHAIN_ID};
use crate::faucet::{Faucet, AMOUNT_WEI};
use crate::static_files::{StaticError, StaticFiles};

const DEFAULT_ANVIL: &str = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

#[derive(Debug, thiserror::Error)]
enum DevnetError {
    #[error("{0}\nRun `zg-devnet --help` for the options.")]
    Usage(String),
    #[error(transparent)]
    Anvil(#[from] AnvilError),
    #[error(transparent)]
    Dist(#[from] StaticError),
    #[error(transparent)]
    Deploy(#[from] crate::deploy::DeployError),
    #[error(transparent)]
    Launch(#[from] crate::supervisor::LaunchError),
    #[error("could not listen on {addr}: {reason}. Pick another --port, or --port 0 for any free one")]
    Bind { addr: SocketAddr, reason: String },
    #[error("could not create the log directory {path}: {source}")]
    LogDir { path: PathBuf, source: std::io::Error },
    #[error("the consensus stand-in could not build its first block: {0}")]
    Consensus(String),
    #[error("could not install the signal handler: {0}")]
    Signals(#[from] ctrlc::Error),
    #[error("anvil exited on its own ({status}); its log ({log}) ends with:\n{tail}")]
    AnvilDied { status: std::process::ExitStatus, log: PathBuf, tail: String },
}

struct Args {
    anvil: PathBuf,
    dist: PathBuf,
    host: IpAddr,
    port: u16,
    rpc_port: u16,
    block_time: f64,
}

fn workspace_root() -> PathBuf {
    // The binary always lives in this workspace (it is a dev tool), so the manifest
    // directory known at compile time locates node_modules wherever it is started from.
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("devnet/ sits in the workspace root").to_path_buf()
}

fn help() -> String {
    format!(
        "zg-devnet — the local 0G network for zg-console demos and tests

Starts anvil (a real EVM node, chain id {CHAIN_ID}, 10 funded dev accounts from the
\"test test … junk\" mnemonic), deploys the contracts from contracts/out/ (Flow and its
storage market, the wrapped-0G voting token, 0G Compute's ledger and inference registry),
starts three 0G storage nodes (shards 0/2 and 1/2 and a full replica, zg-storage-node),
a 0G indexer over them (zg-indexer: 0G's indexer JSON-RPC and REST gateway) and a 0G
Compute provider (zg-compute-provider, its TEE signer acknowledged) and serves the built
app, /devnet.json (with the contract addresses, storage node, indexer and compute
provider URLs) and a faucet.

USAGE: zg-devnet [OPTIONS]

OPTIONS:
  --anvil PATH         anvil binary [default: <workspace>/{DEFAULT_ANVIL}; `npm ci` installs it]
  --dist DIR           the built app (`cargo xtask build`) [default: dist]
  --host IP            address of the app + faucet server [default: 127.0.0.1]
  --port N             app + faucet port, 0 = any free port [default: 8080]
  --rpc-port N         anvil's JSON-RPC port on 127.0.0.1, 0 = any free port [default: 8545]
  --block-time SECS    seconds between blocks [default: 0.4, like 0G]
  -h, --help           print this help

When ready it prints `zg-console devnet ready: …` and then one line
`ZG_DEVNET_READY {{json}}` (the /devnet.json document plus \"appUrl\").
anvil's output goes to {}/zg-devnet-<pid>/anvil.log (the storage nodes' and indexer's logs, the nodes' data
beside it), removed on a clean stop and kept when anvil fails. Ctrl-C or SIGTERM stops
the storage nodes and anvil and exits.
",
        std::env::temp_dir().display()
    )
}

/// `Ok(None)` means --help was asked for.
fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, DevnetError> {
    read_args(raw).map_err(DevnetError::Usage)
}

fn read_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args {
        anvil: workspace_root().join(DEFAULT_ANVIL),
        dist: PathBuf::from("dist"),
        host: IpAddr::from([127, 0, 0, 1]),
        port: 8080,
        rpc_port: 8545,
        block_time: 0.4,
    };
    let port = "a port number 0-65535 (0 = any free port)";
    let mut parser = cli::Parser::from_args(raw);
    while let Some(arg) = cli::next(&mut parser)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("anvil") => args.anvil = PathBuf::from(cli::text(&mut parser, "--anvil")?),
            Long("dist") => args.dist = PathBuf::from(cli::text(&mut parser, "--dist")?),
            Long("host") => args.host = cli::value(&mut parser, "--host", "an IP address such as 127.0.0.1")?,
            Long("port") => args.port = cli::value(&mut parser, "--port", port)?,
            Long("rpc-port") => args.rpc_port = cli::value(&mut parser, "--rpc-port", port)?,
            Long("block-time") => {
                let expected = "a positive number of seconds such as 0.4";
                let secs: f64 = cli::value(&mut parser, "--block-time", expected)?;
                if !(secs.is_finite() && secs > 0.0) {
                    return Err(format!("--block-time {secs}: expected {expected}"));
                }
                args.block_time = secs;
            }
            other => return Err(cli::unexpected(other)),
        }
    }
    Ok(Some(args))
}

/// `/devnet.json`; the ready line adds `appUrl`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DevnetInfo {
    name: &'static str,
    chain_id: u64,
    rpc_url: String,
    checkpoint: Checkpoint,
    faucet: FaucetInfo,
    block_time: f64,
    contracts: crate::deploy::Deployed,
    storage_nodes: Vec<crate::storage_launch::NodeInfo>,
    indexer: crate::indexer_launch::IndexerInfo,
    compute_providers: Vec<crate::compute_launch::ProviderInfo>,
    /// The stand-in for 0G's consensus RPC, for the CometBFT light client.
    consensus: crate::consensus::ConsensusInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    app_url: Option<String>,
}

#[derive(Serialize)]
struct Checkpoint {
    number: u64,
    hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FaucetInfo {
    url: &'static str,
    amount_wei: String,
}

enum Stopped {
    Signal,
    AnvilDied(DevnetError),
}

fn run(args: Args) -> Result<(), DevnetError> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))?;

    // Cheap checks first, so a typo costs no anvil start-up.
    if !args.anvil.is_file() {
        return Err(AnvilError::Missing(args.anvil).into());
    }
    let files = StaticFiles::open(&args.dist)?;
    let addr = SocketAddr::new(args.host, args.port);
    let server = devnet::serve::Server::bind(addr).map_err(|e| DevnetError::Bind { addr, reason: e.to_string() })?;
    let app_addr = server.addr();

    let log_dir = std::env::temp_dir().join(format!("zg-devnet-{}", std::process::id()));
    std::fs::create_dir_all(&log_dir).map_err(|source| DevnetError::LogDir { path: log_dir.clone(), source })?;
    let config = AnvilConfig {
        program: &args.anvil,
        rpc_port: args.rpc_port,
        block_time: args.block_time,
        log_path: log_dir.join("anvil.log"),
    };
    let mut anvil = Anvil::start(config, &stop)?;
    let checkpoint = anvil.genesis_hash()?;
    let contracts = crate::deploy::deploy_all(anvil.rpc(), &workspace_root().join("contracts/out"))?;
    let mut storage = crate::storage_launch::start(anvil.rpc().url(), &contracts.flow, &log_dir, &stop)?;
    let node_urls: Vec<String> = storage.infos().into_iter().map(|n| n.url).collect();
    let mut indexer = crate::indexer_launch::start(&node_urls, &log_dir, &stop)?;
    let mut compute = crate::compute_launch::start(anvil.rpc().url(), &contracts.inference_serving, &log_dir, &stop)?;
    for provider in &compute.infos() {
        crate::deploy::acknowledge_tee_signer(anvil.rpc(), &contracts.inference_serving, &provider.address)?;
    }

    let app_url = format!("http://{app_addr}");
    let standin = crate::consensus::StandIn::new(anvil.rpc().clone());
    let pin = standin.pin().map_err(DevnetError::Consensus)?;
    let mut info = DevnetInfo {
        name: "devnet",
        chain_id: CHAIN_ID,
        rpc_url: anvil.rpc().url().to_owned(),
        checkpoint: Checkpoint { number: 0, hash: checkpoint },
        faucet: FaucetInfo { url: "/faucet", amount_wei: AMOUNT_WEI.to_string() },
        block_time: args.block_time,
        contracts,
        storage_nodes: storage.infos(),
        indexer: indexer.infos().into_iter().next().expect("one indexer was started"),
        compute_providers: compute.infos(),
        consensus: crate::consensus::ConsensusInfo {
            url: format!("{app_url}/cometbft"),
            chain_id: crate::consensus::CHAIN_ID,
            pin,
        },
        app_url: None,
    };
    let devnet_json = serde_json::to_string(&info).expect("DevnetInfo always serialises");
    info.app_url = Some(app_url.clone());
    let ready_json = serde_json::to_string(&info).expect("DevnetInfo always serialises");

    let files_root = files.root().to_path_buf();
    let index = std::fs::read_to_string(files.root().join("index.html")).unwrap_or_default();
    let csp = http::content_security_policy(&index);
    let workers = http::serve(
        server,
        http::Routes { devnet_json, faucet: Faucet::new(anvil.rpc().clone()), consensus: standin, files, csp },
    )
    .map_err(|e| DevnetError::Bind { addr, reason: e.to_string() })?;

    let mut out = std::io::stdout().lock();
    // If stdout is gone (the reader quit) there is nobody to tell; keep serving.
    let _ = writeln!(out, "zg-devnet: serving {}; anvil log at {}", files_root.display(), anvil.log_path().display());
    let _ = writeln!(out, "zg-console devnet ready: app {app_url}  rpc {}  indexer {}", info.rpc_url, info.indexer.url);
    let _ = writeln!(out, "ZG_DEVNET_READY {ready_json}");
    let _ = out.flush();
    drop(out);

    let mut ticks: u64 = 0;
    let stopped = loop {
        ticks += 1;
        if stop.load(Ordering::SeqCst) {
            break Stopped::Signal;
        }
        if let Some(status) = anvil.exited() {
            break Stopped::AnvilDied(DevnetError::AnvilDied {
                status,
                log: anvil.log_path().to_path_buf(),
                tail: anvil.log_tail(),
            });
        }
        let restarted = storage.restart_dead().into_iter().chain(indexer.restart_dead()).chain(compute.restart_dead());
        for line in restarted {
            eprintln!("zg-devnet: {line}");
        }
        // Once a second, play 0G's consensus layer: pay undelegations whose delay is over.
        if ticks % 10 == 0 {
            if let Err(e) = crate::deploy::pay_matured_withdrawals(anvil.rpc(), &info.contracts.validator_contracts) {
                eprintln!("zg-devnet: paying matured staking withdrawals failed: {e}");
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    };

    // anvil goes first (after the storage nodes that follow it): a faucet call in flight
    // then fails at once instead of holding a worker until its timeout.
    drop(compute);
    drop(indexer);
    drop(storage);
    drop(anvil);
    workers.stop();
    match stopped {
        Stopped::Signal => {
            let _ = std::fs::remove_dir_all(&log_dir);
            Ok(())
        }
        Stopped::AnvilDied(error) => Err(error),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{}", help());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zg-devnet: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zg-devnet: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, DevnetError> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_overrides() {
        let a = parse(&[]).unwrap().unwrap();
        assert_eq!((a.port, a.rpc_port, a.block_time), (8080, 8545, 0.4));
        assert_eq!(a.dist, PathBuf::from("dist"));
        assert!(a.anvil.ends_with(DEFAULT_ANVIL));
        let a = parse(&["--port", "0", "--rpc-port=0", "--block-time", "1", "--dist", "x", "--host", "::1"])
            .unwrap()
            .unwrap();
        assert_eq!((a.port, a.rpc_port, a.block_time), (0, 0, 1.0));
        assert_eq!(a.host, "::1".parse::<IpAddr>().unwrap());
        assert!(parse(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn refuses_bad_arguments() {
        for bad in [&["--port"][..], &["--port", "x"], &["--block-time", "0"], &["--host", "localhost:1"], &["--nope"]]
        {
            let err = parse(bad).err().unwrap_or_else(|| panic!("{bad:?} was accepted"));
            assert!(err.to_string().contains("--help"), "{err}");
        }
    }
}
