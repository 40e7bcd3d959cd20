//! zg-indexer end to end: the indexer zg-devnet starts over its real storage nodes (on a
//! real anvil and Flow contract), called the way 0G's clients call an indexer: its JSON-RPC
//! at `POST /` and its REST gateway. Also a zg-indexer of our own in front of a node that
//! lies about segments and a URL where nothing listens.

// libc::kill on processes these tests started: a system call that touches no memory of ours.
#![allow(unsafe_code)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy_primitives::B256;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use common::flow::{self, content};
use common::{agent, http, rpc, Devnet};
use devnet::jsonrpc::RpcError;
use serde_json::{json, Value};
use wasm_light_client::storage::{segment_data, FileTree, SEGMENT_SIZE};

/// anvil's dev account #5: the faucet spends from #0 and the deployer is #9.
const SUBMITTER: &str = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";

/// Submits `data` to the Flow and waits until every storage node has seen the Submit event.
fn submit(devnet: &Devnet, data: &[u8]) -> FileTree {
    let tree = flow::submit(devnet, SUBMITTER, data);
    for node in devnet.ready["storageNodes"].as_array().unwrap() {
        let url = node["url"].as_str().unwrap();
        wait_for(&format!("{url} to see {}", tree.root()), || {
            !rpc(url, "zgs_getFileInfo", json!([tree.root(), true])).unwrap().is_null()
        });
    }
    tree
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "waited 20 s for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn indexer_url(devnet: &Devnet) -> String {
    devnet.ready["indexer"]["url"].as_str().expect("indexer.url in the ready line").to_owned()
}

/// A gateway answer's `{code, message, data}`.
fn gateway_get(url: &str) -> Value {
    let (status, body, _) = http(agent().get(url), None);
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("{url} did not answer JSON: {body:.200}"))
}

/// Uploads every segment through the gateway's `POST /file/segment`.
fn upload_through_gateway(indexer: &str, data: &[u8], tree: &FileTree, replicas: u64) {
    for index in 0..data.len().div_ceil(SEGMENT_SIZE) as u64 {
        let request = json!({
            "root": tree.root(),
            "data": BASE64.encode(segment_data(data, index).unwrap()),
            "index": index,
            "proof": tree.segment_proof(index).unwrap(),
            "expectedReplica": replicas,
        });
        let (status, body, _) = http(agent().post(&format!("{indexer}/file/segment")), Some(&request.to_string()));
        assert_eq!(status, 200, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(answer, json!({"code": 0, "message": "Success", "data": "Succeeded to upload segment"}));
    }
}

/// The body of a gateway download and the headers a browser page would look at.
struct Download {
    bytes: Vec<u8>,
    content_type: Option<String>,
    cors: Option<String>,
    disposition: Option<String>,
}

fn download(url: &str) -> Download {
    let response = agent().get(url).set("Origin", "http://elsewhere.example").call().unwrap();
    let header = |name: &str| response.header(name).map(str::to_owned);
    let (content_type, cors, disposition) =
        (header("Content-Type"), header("Access-Control-Allow-Origin"), header("Content-Disposition"));
    let mut bytes = Vec::new();
    response.into_reader().read_to_end(&mut bytes).unwrap();
    Download { bytes, content_type, cors, disposition }
}

fn trusted_urls(indexer: &str) -> Vec<String> {
    let nodes = rpc(indexer, "indexer_getShardedNodes", json!([])).unwrap();
    nodes["trusted"].as_array().unwrap().iter().map(|n| n["url"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn devnet_indexer_answers_like_0gs() {
    let devnet = Devnet::start();
    let indexer = indexer_url(&devnet);
    let storage = devnet.ready["storageNodes"].as_array().unwrap().clone();

    // Every node trusted with its shard config; together they cover every shard twice.
    let sharded = rpc(&indexer, "indexer_getShardedNodes", json!([])).unwrap();
    assert_eq!(sharded["discovered"], json!([]));
    let trusted = sharded["trusted"].as_array().unwrap();
    assert_eq!(trusted.len(), storage.len());
    for node in &storage {
        let listed = trusted.iter().find(|t| t["url"] == node["url"]).unwrap_or_else(|| panic!("{node} not trusted"));
        assert_eq!(listed["config"], json!({"shardId": node["shardId"], "numShard": node["numShard"]}));
        assert!(listed["latency"].is_i64() && listed["since"].as_i64().unwrap() > 0, "{listed}");
    }
    let selected = rpc(&indexer, "indexer_getSelectedNodes", json!([2, "min", true, []])).unwrap();
    assert_eq!(selected["trusted"].as_array().unwrap().len(), 3, "{selected}");
    let err = rpc(&indexer, "indexer_getSelectedNodes", json!([3, "min", true, []])).unwrap_err();
    assert!(err.code() == Some(-32000) && err.to_string().contains("replication requirement"), "{err}");

    // Unknown root: 0G's JSON-RPC error, and the gateway's business error 101.
    let unknown = B256::repeat_byte(0xab);
    let err = rpc(&indexer, "indexer_getFileLocations", json!([unknown])).unwrap_err();
    assert!(
        matches!(&err, RpcError::Refused { code: -32000, message, data: None, .. } if message == "file not found"),
        "{err:?}"
    );
    let missing = json!({"code": 101, "message": "File not found", "data": null});
    assert_eq!(gateway_get(&format!("{indexer}/file?root={unknown}")), missing);
    assert_eq!(gateway_get(&format!("{indexer}/file/info/{unknown}")), missing);
    assert_eq!(gateway_get(&format!("{indexer}/file"))["code"], 1);

    // Submitted but not uploaded: no complete set of holders yet.
    let data = content(3 * SEGMENT_SIZE + 1000, 0x33);
    let tree = submit(&devnet, &data);
    assert_eq!(rpc(&indexer, "indexer_getFileLocations", json!([tree.root()])).unwrap(), Value::Null);
    assert_eq!(gateway_get(&format!("{indexer}/file?root={}", tree.root()))["code"], 103);

    // A segment whose proof does not lead to the root is refused before any node sees it.
    let forged = json!({
        "root": tree.root(),
        "data": BASE64.encode(segment_data(&data, 1).unwrap()),
        "index": 0,
        "proof": tree.segment_proof(0).unwrap(),
    });
    let (_, body, _) = http(agent().post(&format!("{indexer}/file/segment")), Some(&forged.to_string()));
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!((answer["code"].as_i64(), answer["message"].as_str()), (Some(1), Some("Invalid parameter")), "{answer}");
    assert!(answer["data"].as_str().unwrap().contains("Failed to validate merkle proof"), "{answer}");

    // Two replicas through the gateway: the full replica and both shards.
    upload_through_gateway(&indexer, &data, &tree, 2);
    let locations = rpc(&indexer, "indexer_getFileLocations", json!([tree.root()])).unwrap();
    let mut configs: Vec<(u64, u64)> = locations
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["config"]["shardId"].as_u64().unwrap(), n["config"]["numShard"].as_u64().unwrap()))
        .collect();
    configs.sort();
    assert_eq!(configs, [(0, 1), (0, 2), (1, 2)], "{locations}");

    let url = format!("{indexer}/file?root={}", tree.root());
    let got = download(&url);
    assert!(got.bytes == data, "the gateway's file differs from the uploaded one");
    assert_eq!(got.cors.as_deref(), Some("*"));
    assert_eq!(got.content_type.as_deref(), Some("application/octet-stream"));
    assert_eq!(got.disposition, Some(format!("attachment; filename=\"{}\"", tree.root())));
    assert!(download(&format!("{indexer}/file?txSeq=0")).bytes == data, "by submission number");

    let info = gateway_get(&format!("{indexer}/file/info/{}", tree.root()));
    assert_eq!((info["code"].as_i64(), info["data"]["finalized"].as_bool()), (Some(0), Some(true)), "{info}");
    assert_eq!(info["data"]["tx"]["size"], data.len());
    assert_eq!(gateway_get(&format!("{indexer}/file/info/0"))["data"]["tx"]["dataMerkleRoot"], json!(tree.root()));
    let status = gateway_get(&format!("{indexer}/node/status"));
    assert_eq!(status["data"]["networkIdentity"]["chainId"], 31337);
    assert_eq!(status["data"]["nextTxSeq"], 1);

    // A node that stops answering leaves `trusted` and its files are served from the others.
    // SIGSTOP, not SIGKILL: zg-devnet restarts a dead node within 100 ms.
    let replica = storage.iter().find(|n| n["numShard"] == 1).unwrap();
    let (replica_url, pid) = (replica["url"].as_str().unwrap(), replica["pid"].as_u64().unwrap() as libc::pid_t);
    // SAFETY: kill(2) on the pid zg-devnet reported for its own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
    wait_for("the stopped node to leave trusted", || !trusted_urls(&indexer).iter().any(|u| u == replica_url));
    let locations = rpc(&indexer, "indexer_getFileLocations", json!([tree.root()])).unwrap();
    assert_eq!(locations.as_array().unwrap().len(), 2, "{locations}");
    assert!(download(&url).bytes == data, "served from the two shards");
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGCONT) }, 0);
    wait_for("the node to be trusted again", || trusted_urls(&indexer).iter().any(|u| u == replica_url));
}

/// A storage node in front of a real one that flips a byte of every segment it sends.
struct Liar {
    url: String,
    lies: Arc<AtomicU64>,
    _serving: devnet::serve::Running,
}

fn start_liar(upstream: String) -> Liar {
    let server = devnet::serve::Server::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", server.addr());
    let lies = Arc::new(AtomicU64::new(0));
    let counter = lies.clone();
    let serving = server
        .serve(move |request| {
            let body = request.body().unwrap_or_default().to_vec();
            let call: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let mut answer: Value = match agent().post(&upstream).send_bytes(&body) {
                Ok(r) => r.into_json().unwrap(),
                Err(e) => json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32000, "message": e.to_string()}}),
            };
            if call["method"] == "zgs_downloadSegmentWithProof" {
                if let Some(data) = answer["result"]["data"].as_str() {
                    let mut bytes = BASE64.decode(data).unwrap();
                    bytes[0] ^= 1;
                    answer["result"]["data"] = json!(BASE64.encode(bytes));
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            }
            request.respond(devnet::serve::Response::json(200, &answer));
        })
        .unwrap();
    Liar { url, lies, _serving: serving }
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_lying_node_is_not_believed_and_a_dead_one_not_trusted() {
    let devnet = Devnet::start();
    let data = content(2 * SEGMENT_SIZE + 4321, 0x77);
    let tree = submit(&devnet, &data);
    upload_through_gateway(&indexer_url(&devnet), &data, &tree, 2);

    let storage = devnet.ready["storageNodes"].as_array().unwrap();
    let url_of = |num_shard: u64, shard_id: u64| {
        let node = storage.iter().find(|n| n["numShard"] == num_shard && n["shardId"] == shard_id).unwrap();
        node["url"].as_str().unwrap().to_owned()
    };
    let liar = start_liar(url_of(1, 0));
    let nobody = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    // The liar first: it is asked first for every segment.
    let trusted = [liar.url.clone(), nobody.clone(), url_of(2, 0), url_of(2, 1)].join(",");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zg-indexer"))
        .args(["--trusted", &trusted, "--port", "0", "--check-interval", "0.5"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let child = KillOnDrop(child);
    let ready = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("ZG_INDEXER_READY ").map(str::to_owned))
        .expect("zg-indexer printed its ready line");
    let indexer = serde_json::from_str::<Value>(&ready).unwrap()["url"].as_str().unwrap().to_owned();

    assert_eq!(trusted_urls(&indexer), [liar.url.clone(), url_of(2, 0), url_of(2, 1)], "{nobody} must not be trusted");
    let locations = rpc(&indexer, "indexer_getFileLocations", json!([tree.root()])).unwrap();
    assert_eq!(locations.as_array().unwrap().len(), 3, "the liar claims the file too: {locations}");

    let got = download(&format!("{indexer}/file?root={}", tree.root()));
    assert!(got.bytes == data, "the gateway served bytes that differ from the file");
    assert!(liar.lies.load(Ordering::SeqCst) >= 3, "the liar was asked for every segment first");
    drop(child);
}
