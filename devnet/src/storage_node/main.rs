//! zg-storage-node: one shard of a 0G storage network for the devnet.
//!
//! Owns the command line, start-up (open the data directory, catch up with the Flow
//! contract's events, bind the port, print the ready line), the HTTP side of the JSON-RPC
//! (CORS, batches, body limits) and the loop that follows the chain until a signal.

mod cache;
mod chain;
mod rpc;
mod store;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use alloy_primitives::Address;
use devnet::cli::{self, Long, Short};
use devnet::serve::{BodyError, Method, Request, Response, Server};
use serde_json::{json, Value};

use crate::chain::{Chain, ChainError};
use crate::rpc::Node;
use crate::store::{Identity, Store, StoreError};

const POLL: Duration = Duration::from_millis(300);
/// Room for a batch of 0G's SDK (a few 256 KiB segments, base64) with a wide margin.
const MAX_BODY: usize = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
enum NodeError {
    #[error("{0}\nRun `zg-storage-node --help` for the options.")]
    Usage(String),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not listen on 127.0.0.1:{port}: {reason}. Pick another --port, or --port 0 for any free one")]
    Bind { port: u16, reason: String },
    #[error("could not install the signal handler: {0}")]
    Signals(#[from] ctrlc::Error),
}

struct Args {
    rpc: String,
    flow: Address,
    data_dir: PathBuf,
    shard_id: u64,
    num_shard: u64,
    port: u16,
}

const HELP: &str = "zg-storage-node — one shard of a 0G storage network, for zg-devnet

Follows a Flow contract's Submit events and serves 0G's storage node JSON-RPC (zgs_*):
segments are accepted only for submitted files, with a proof against the file root, and
only for this node's shard (segment i when i % NUM == ID). Everything acknowledged is on
disk (fsynced) before the answer, so the node can be killed at any moment and restarted
on the same --data-dir.

USAGE: zg-storage-node --rpc URL --flow ADDRESS --data-dir DIR [--shard ID/NUM] [--port N]

OPTIONS:
  --rpc URL          the EVM node's JSON-RPC (zg-devnet's rpcUrl)
  --flow ADDRESS     the Flow contract (contracts.flow in zg-devnet's ready line)
  --data-dir DIR     where segments and the chain state are kept (created if missing)
  --shard ID/NUM     this node's shard; NUM a power of two [default: 0/1]
  --port N           JSON-RPC port on 127.0.0.1, 0 = any free port [default: 5678]
  -h, --help         print this help

When serving it prints one line `ZG_STORAGE_NODE_READY {\"url\", \"shardId\", \"numShard\"}`.
SIGINT or SIGTERM stops it.
";

fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, NodeError> {
    read_args(raw).map_err(NodeError::Usage)
}

fn read_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let (mut rpc, mut flow, mut data_dir) = (None, None, None);
    let (mut shard_id, mut num_shard, mut port) = (0, 1, 5678);
    let mut parser = cli::Parser::from_args(raw);
    while let Some(arg) = cli::next(&mut parser)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("rpc") => rpc = Some(cli::text(&mut parser, "--rpc")?),
            Long("flow") => flow = Some(cli::value::<Address>(&mut parser, "--flow", "a 0x… contract address")?),
            Long("data-dir") => data_dir = Some(PathBuf::from(cli::text(&mut parser, "--data-dir")?)),
            Long("port") => port = cli::value(&mut parser, "--port", "a port number 0-65535 (0 = any free port)")?,
            Long("shard") => {
                let v = cli::text(&mut parser, "--shard")?;
                let bad = |what: &str| format!("--shard {v:?}: expected {what}");
                let parsed =
                    v.split_once('/').and_then(|(id, n)| Some((id.trim().parse().ok()?, n.trim().parse().ok()?)));
                let (id, n): (u64, u64) = parsed.ok_or_else(|| bad("ID/NUM such as 0/2"))?;
                if !n.is_power_of_two() || id >= n {
                    return Err(bad("ID/NUM with NUM a power of two and ID below NUM, as 0G requires"));
                }
                (shard_id, num_shard) = (id, n);
            }
            other => return Err(cli::unexpected(other)),
        }
    }
    Ok(Some(Args {
        rpc: cli::required(rpc, "--rpc")?,
        flow: cli::required(flow, "--flow")?,
        data_dir: cli::required(data_dir, "--data-dir")?,
        shard_id,
        num_shard,
        port,
    }))
}

fn run(args: Args) -> Result<(), NodeError> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))?;

    let chain = Chain::new(&args.rpc, args.flow);
    let chain_id = chain.chain_id()?;
    let first_block = chain.flow_first_block()?;
    let identity = Identity { flow: args.flow, shard_id: args.shard_id, num_shard: args.num_shard };
    let store = Store::open(&args.data_dir, identity, first_block)?;
    let node = Arc::new(Node::new(store, identity, chain_id));
    // Catch up before announcing readiness, so a file submitted before start is known at once.
    sync(&chain, &node)?;

    let server = Server::bind(("127.0.0.1", args.port))
        .map_err(|e| NodeError::Bind { port: args.port, reason: e.to_string() })?
        .max_body(MAX_BODY);
    let url = format!("http://{}", server.addr());
    let serving = {
        let node = node.clone();
        server.serve(move |request| handle(request, &node))
    }
    .map_err(|e| NodeError::Bind { port: args.port, reason: e.to_string() })?;

    let ready = json!({"url": url, "shardId": args.shard_id, "numShard": args.num_shard});
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "zg-storage-node: shard {}/{} serving {url}, data in {}",
        args.shard_id,
        args.num_shard,
        args.data_dir.display()
    );
    let _ = writeln!(out, "ZG_STORAGE_NODE_READY {ready}");
    let _ = out.flush();
    drop(out);

    // Follows the chain until a signal. A failing EVM node is reported once per outage and
    // retried: the devnet restarts nothing, but a test may pause anvil.
    let mut failing = false;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(POLL);
        match sync(&chain, &node) {
            Ok(()) if failing => {
                eprintln!("zg-storage-node: following the chain again");
                failing = false;
            }
            Ok(()) => {}
            Err(e) if !failing => {
                eprintln!("zg-storage-node: {e}; retrying every {} ms", POLL.as_millis());
                failing = true;
            }
            Err(_) => {}
        }
    }
    serving.stop();
    Ok(())
}

/// Scans from the last scanned block to the head and adopts what it found, then the cached
/// segments of files it now knows. The store is locked only to adopt, never while the EVM
/// node is asked; this loop is the only writer of the scan position, so nothing moves it in
/// between.
fn sync(chain: &Chain, node: &Node) -> Result<(), NodeError> {
    let lock = || node.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let (last, _) = lock().last_block();
    let head = chain.head()?;
    if head.number > last {
        let found = chain.submits(last + 1, head.number)?;
        lock().apply_scan(found, head.number, head.hash)?;
    }
    node.adopt_cached()?;
    Ok(())
}

fn respond(request: Request, status: u16, body: Option<String>) {
    let response = Response::new(status)
        .header("Content-Type", "application/json")
        // The app calls from another origin (its own port).
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "POST, OPTIONS")
        .header("Access-Control-Allow-Headers", "Content-Type")
        .header("Access-Control-Max-Age", "600")
        .body(body.unwrap_or_default());
    request.respond(response);
}

fn rpc_error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn handle(request: Request, node: &Node) {
    match *request.method() {
        Method::OPTIONS => return respond(request, 204, None),
        Method::POST => {}
        _ => {
            let body = rpc_error(Value::Null, -32600, "send JSON-RPC 2.0 requests (zgs_* methods) with POST");
            return respond(request, 405, Some(body.to_string()));
        }
    }
    let body = match request.body() {
        Ok(body) => body,
        Err(e @ BodyError::Unreadable(_)) => {
            let answer = rpc_error(Value::Null, -32700, &e.to_string());
            return respond(request, 400, Some(answer.to_string()));
        }
        Err(BodyError::TooLarge { .. }) => {
            let answer = rpc_error(Value::Null, -32600, "the request is over 64 MiB: upload fewer segments per call");
            return respond(request, 413, Some(answer.to_string()));
        }
    };
    let answer = match serde_json::from_slice::<Value>(body) {
        Err(e) => rpc_error(Value::Null, -32700, &format!("the body is not JSON ({e})")),
        Ok(Value::Array(calls)) if calls.is_empty() => rpc_error(Value::Null, -32600, "an empty batch"),
        Ok(Value::Array(calls)) => Value::Array(calls.iter().map(|c| answer_one(node, c)).collect()),
        Ok(call) => answer_one(node, &call),
    };
    respond(request, 200, Some(answer.to_string()));
}

fn answer_one(node: &Node, call: &Value) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = call.get("method").and_then(Value::as_str) else {
        return rpc_error(id, -32600, "a JSON-RPC 2.0 request needs a \"method\"");
    };
    match rpc::call(node, method, call.get("params").unwrap_or(&Value::Null)) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(e) => json!({"jsonrpc": "2.0", "id": id, "error": e.to_json()}),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("zg-storage-node: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zg-storage-node: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, NodeError> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    const FLOW: &str = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    #[test]
    fn parses_the_options() {
        let a = parse(&["--rpc", "http://x", "--flow", FLOW, "--data-dir", "d", "--shard=1/4", "--port", "0"])
            .unwrap()
            .unwrap();
        assert_eq!((a.rpc.as_str(), a.shard_id, a.num_shard, a.port), ("http://x", 1, 4, 0));
        assert_eq!(a.flow, FLOW.parse::<Address>().unwrap());
        let a = parse(&["--rpc", "r", "--flow", FLOW, "--data-dir", "d"]).unwrap().unwrap();
        assert_eq!((a.shard_id, a.num_shard, a.port), (0, 1, 5678));
        assert!(parse(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn refuses_bad_options() {
        let base = ["--rpc", "r", "--flow", FLOW, "--data-dir", "d"];
        for extra in
            [&["--shard", "2/2"][..], &["--shard", "0/3"], &["--shard", "1"], &["--port", "x"], &["--nope", "1"]]
        {
            let args: Vec<&str> = base.iter().chain(extra).copied().collect();
            let err = parse(&args).err().unwrap_or_else(|| panic!("{extra:?} was accepted"));
            assert!(err.to_string().contains("--help"), "{err}");
        }
        assert!(parse(&["--rpc", "r", "--data-dir", "d"]).err().unwrap().to_string().contains("--flow is required"));
        assert!(parse(&["--rpc", "r", "--flow", "0x12", "--data-dir", "d"]).is_err());
    }
}
