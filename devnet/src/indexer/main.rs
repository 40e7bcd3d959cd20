//! zg-indexer: a 0G storage indexer for the devnet.
//!
//! Owns the command line, the HTTP side (one port for 0G's indexer JSON-RPC at `POST /` and
//! its REST gateway, as 0G serves them; CORS for any origin; body limits) and the loop
//! that re-checks the storage nodes. It keeps no data of its own and never serves a byte
//! it has not verified against the file root.

mod api;
mod files;
mod nodes;

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use devnet::serve::{BodyError, Method, Request, Response, Server};
use serde_json::{json, Value};

use crate::nodes::Registry;
use devnet::cli::{self, Long, Short};
use devnet::jsonrpc::Client;

/// A gateway segment upload (256 KiB, base64, with its proof) with a wide margin.
const MAX_BODY: usize = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
enum IndexerError {
    #[error("{0}\nRun `zg-indexer --help` for the options.")]
    Usage(String),
    #[error("could not listen on 127.0.0.1:{port}: {reason}. Pick another --port, or --port 0 for any free one")]
    Bind { port: u16, reason: String },
    #[error("could not install the signal handler: {0}")]
    Signals(#[from] ctrlc::Error),
}

struct Args {
    trusted: Vec<String>,
    port: u16,
    check_interval: Duration,
}

const HELP: &str = "zg-indexer — a 0G storage indexer over the devnet's storage nodes

Serves 0G's indexer JSON-RPC (POST /: indexer_getShardedNodes, indexer_getSelectedNodes,
indexer_getNodeLocations, indexer_getFileLocations) and its REST gateway on one port:
  GET  /file?root=0x…|txSeq=N[&name=…]   the whole file, each segment verified against the root
  GET  /file/info/:cid                   the file's FileInfo (cid: a root or a submission number)
  GET  /node/status                      the trusted nodes' status, merged
  POST /file/segment                     {root, txSeq, data, index, proof, expectedReplica}
A node is trusted while it answers zgs_getShardConfig (a valid config) and zgs_getStatus;
every node is asked again each --check-interval.

USAGE: zg-indexer --trusted URL[,URL…] [--port N] [--check-interval SECS]

OPTIONS:
  --trusted URLS          storage node JSON-RPC URLs, comma-separated (repeatable)
  --port N                port on 127.0.0.1, 0 = any free port [default: 12345, as 0G's]
  --check-interval SECS   seconds between node checks [default: 1]
  -h, --help              print this help

When serving it prints one line `ZG_INDEXER_READY {\"url\"}`. SIGINT or SIGTERM stops it.
";

fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, IndexerError> {
    read_args(raw).map_err(IndexerError::Usage)
}

fn read_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut args = Args { trusted: Vec::new(), port: 12345, check_interval: Duration::from_secs(1) };
    let mut parser = cli::Parser::from_args(raw);
    while let Some(arg) = cli::next(&mut parser)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("trusted") => {
                let v = cli::text(&mut parser, "--trusted")?;
                for url in v.split(',').map(str::trim).filter(|u| !u.is_empty()) {
                    if !(url.starts_with("http://") || url.starts_with("https://")) {
                        return Err(format!("--trusted {v:?}: expected http(s):// URLs separated by commas"));
                    }
                    args.trusted.push(url.to_owned());
                }
            }
            Long("port") => {
                args.port = cli::value(&mut parser, "--port", "a port number 0-65535 (0 = any free port)")?;
            }
            Long("check-interval") => {
                let secs: f64 = cli::value(&mut parser, "--check-interval", "a positive number of seconds")?;
                if !(secs.is_finite() && secs > 0.0) {
                    return Err(format!("--check-interval {secs}: expected a positive number of seconds"));
                }
                args.check_interval = Duration::from_secs_f64(secs);
            }
            other => return Err(cli::unexpected(other)),
        }
    }
    if args.trusted.is_empty() {
        return Err("--trusted is required: the storage nodes to index".into());
    }
    Ok(Some(args))
}

fn run(args: Args) -> Result<(), IndexerError> {
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))?;

    // Shorter than 0G's 3 s: on loopback a node that takes a second is not serving.
    let registry = Arc::new(Registry::new(&args.trusted, Client::new(Duration::from_secs(1), Duration::from_secs(4))));
    for line in registry.check() {
        eprintln!("zg-indexer: {line}");
    }

    let bind_error = |e: std::io::Error| IndexerError::Bind { port: args.port, reason: e.to_string() };
    let server = Server::bind(("127.0.0.1", args.port)).map_err(bind_error)?.max_body(MAX_BODY);
    let url = format!("http://{}", server.addr());
    let serving = {
        let registry = registry.clone();
        server.serve(move |request| handle(request, &registry)).map_err(bind_error)?
    };

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "zg-indexer: serving {url} over {} storage nodes", args.trusted.len());
    let _ = writeln!(out, "ZG_INDEXER_READY {}", json!({"url": url}));
    let _ = out.flush();
    drop(out);

    let mut next_check = Instant::now() + args.check_interval;
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
        if Instant::now() >= next_check {
            for line in registry.check() {
                eprintln!("zg-indexer: {line}");
            }
            next_check = Instant::now() + args.check_interval;
        }
    }
    serving.stop();
    Ok(())
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>, attachment: Option<&str>) {
    let mut response = Response::new(status)
        .header("Content-Type", content_type)
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
        // Pages of any origin call the gateway and the RPC, as 0G's (gin-contrib/cors, all origins).
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS")
        .header("Access-Control-Allow-Headers", "Content-Type, Origin, Content-Length")
        .header("Access-Control-Expose-Headers", "Content-Disposition, Content-Length")
        .header("Access-Control-Max-Age", "600")
        .body(body);
    if let Some(name) = attachment {
        let name: String = name.chars().filter(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';')).collect();
        response = response.header("Content-Disposition", &format!("attachment; filename=\"{name}\""));
    }
    request.respond(response);
}

fn reply(request: Request, reply: api::Reply) {
    let content_type = if reply.attachment.is_some() { "application/octet-stream" } else { "application/json" };
    respond(request, reply.status, content_type, reply.body, reply.attachment.as_deref());
}

fn read_body(request: &Request) -> Result<&[u8], String> {
    request.body().map_err(|e| match e {
        BodyError::TooLarge { .. } => "the request body is over 4 MiB: send one segment per request".into(),
        unreadable => unreadable.to_string(),
    })
}

fn handle(request: Request, registry: &Registry) {
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let method = request.method().clone();
    match (&method, path) {
        (&Method::OPTIONS, _) => respond(request, 204, "text/plain", Vec::new(), None),
        (&Method::POST, "/") => {
            let answer = match read_body(&request) {
                Ok(body) => rpc_answer(registry, body),
                Err(e) => rpc_error(Value::Null, -32600, &e),
            };
            respond(request, 200, "application/json", answer.to_string().into_bytes(), None);
        }
        (&Method::GET | &Method::HEAD, "/file") => reply(request, api::download_file(registry, query)),
        (&Method::GET | &Method::HEAD, "/node/status") => reply(request, api::node_status(registry)),
        (&Method::GET | &Method::HEAD, _) if path.starts_with("/file/info/") => {
            let cid = path.trim_start_matches("/file/info/").to_owned();
            reply(request, api::file_info(registry, &cid))
        }
        (&Method::POST, "/file/segment") => {
            let answer = match read_body(&request) {
                Ok(body) => api::upload_segment(registry, body),
                Err(e) => api::Reply {
                    status: 413,
                    body: json!({"code": 1, "message": "Invalid parameter", "data": e}).to_string().into_bytes(),
                    attachment: None,
                },
            };
            reply(request, answer)
        }
        _ => {
            let body = json!({
                "code": 404,
                "message": "not found",
                "data": "zg-indexer serves POST / (JSON-RPC), GET /file, GET /file/info/:cid, GET /node/status, POST /file/segment",
            });
            respond(request, 404, "application/json", body.to_string().into_bytes(), None)
        }
    }
}

fn rpc_error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn rpc_answer(registry: &Registry, body: &[u8]) -> Value {
    match serde_json::from_slice::<Value>(body) {
        Err(e) => rpc_error(Value::Null, -32700, &format!("parse error: the body is not JSON ({e})")),
        Ok(Value::Array(calls)) if calls.is_empty() => rpc_error(Value::Null, -32600, "empty batch"),
        Ok(Value::Array(calls)) => Value::Array(calls.iter().map(|c| rpc_one(registry, c)).collect()),
        Ok(call) => rpc_one(registry, &call),
    }
}

fn rpc_one(registry: &Registry, call: &Value) -> Value {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = call.get("method").and_then(Value::as_str) else {
        return rpc_error(id, -32600, "a JSON-RPC 2.0 request needs a \"method\"");
    };
    match api::rpc(registry, method, call.get("params").unwrap_or(&Value::Null)) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(e) => rpc_error(id, e.code, &e.message),
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
            eprintln!("zg-indexer: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zg-indexer: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, IndexerError> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_the_options() {
        let a = parse(&["--trusted", "http://a:1,http://b:2", "--trusted=http://c:3", "--port", "0"]).unwrap().unwrap();
        assert_eq!(a.trusted, ["http://a:1", "http://b:2", "http://c:3"]);
        assert_eq!((a.port, a.check_interval), (0, Duration::from_secs(1)));
        assert!(parse(&["--help"]).unwrap().is_none());
        for bad in [&[][..], &["--trusted", "a:1"], &["--trusted", "http://a", "--port", "x"], &["--nope", "1"]] {
            let err = parse(bad).err().unwrap_or_else(|| panic!("{bad:?} was accepted"));
            assert!(err.to_string().contains("--help"), "{err}");
        }
    }
}
