//! `cargo xtask bench` part 3: upload and download throughput against the devnet's storage
//! nodes on loopback, with a plain native client doing what the browser client does
//! (segments batched 8 at a time with their proofs, to every node that keeps them; every
//! downloaded segment checked against the root).
//!
//! Starts its own zg-devnet (the binary next to this example, `cargo build -p devnet`),
//! stores a 64 MiB file and prints `{"uploadMiBs":…,"downloadMiBs":…}` as its last line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use base64::Engine;
use devnet::jsonrpc::Client;
use serde_json::{json, Value};
use wasm_light_client::storage::{num_segments, segment_data, verify_segment, FileTree, SegmentProof, SEGMENT_CHUNKS};

use zg_abi::flow::Flow::{submitCall, Submission, SubmissionData as Data, SubmissionNode as Node};

const SIZE: usize = 64 << 20;
const BATCH: usize = 8;
/// anvil's dev account #5: the faucet uses #0 and the deployer #9.
const SENDER: &str = "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc";

fn rpc(url: &str, method: &str, params: Value) -> Value {
    let client = Client::new(Duration::from_secs(2), Duration::from_secs(60));
    client.call(url, method, params).unwrap_or_else(|e| panic!("{e}"))
}

fn main() {
    let devnet_bin = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("zg-devnet");
    let dist = std::env::temp_dir().join(format!("zg-bench-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    let mut child = Command::new(&devnet_bin)
        .args(["--port", "0", "--rpc-port", "0", "--dist"])
        .arg(&dist)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}; build it with `cargo build -p devnet`", devnet_bin.display()));
    let ready: Value = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("ZG_DEVNET_READY ").map(|j| serde_json::from_str(j).unwrap()))
        .expect("zg-devnet's ready line");
    let result = std::panic::catch_unwind(|| measure(&ready));
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dist);
    let (up, down) = result.unwrap_or_else(|_| std::process::exit(1));
    println!("{}", json!({"uploadMiBs": up, "downloadMiBs": down, "sizeMiB": SIZE >> 20}));
}

fn measure(ready: &Value) -> (f64, f64) {
    let rpc_url = ready["rpcUrl"].as_str().unwrap();
    let flow: Address = ready["contracts"]["flow"].as_str().unwrap().parse().unwrap();
    let price: U256 = ready["contracts"]["pricePerSectorWei"].as_str().unwrap().parse().unwrap();
    let nodes: Vec<(String, u64, u64)> = ready["storageNodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (n["url"].as_str().unwrap().to_owned(), n["shardId"].as_u64().unwrap(), n["numShard"].as_u64().unwrap())
        })
        .collect();

    let data: Vec<u8> = (0..SIZE).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let tree = FileTree::new(&data).unwrap();
    let sub_nodes: Vec<Node> =
        tree.submission_nodes().iter().map(|n| Node { root: n.root, height: U256::from(n.height) }).collect();
    let sectors: u64 = tree.submission_nodes().iter().map(|n| 1u64 << n.height).sum();
    let call = submitCall {
        submission: Submission {
            data: Data { length: U256::from(SIZE), tags: Bytes::new(), nodes: sub_nodes },
            submitter: SENDER.parse().unwrap(),
        },
    };
    let tx = json!({"from": SENDER, "to": flow, "value": format!("0x{:x}", price * U256::from(sectors)),
        "data": format!("0x{}", hex(&call.abi_encode())), "gas": "0x1000000"});
    let hash = rpc(rpc_url, "eth_sendTransaction", json!([tx]));
    let deadline = Instant::now() + Duration::from_secs(30);
    while rpc(rpc_url, "eth_getTransactionReceipt", json!([hash])).is_null() {
        assert!(Instant::now() < deadline, "the submission was not mined");
        std::thread::sleep(Duration::from_millis(50));
    }
    let start_entry = loop {
        let info = rpc(&nodes[0].0, "zgs_getFileInfo", json!([tree.root(), true]));
        if !info.is_null() {
            break info["tx"]["startEntryIndex"].as_u64().unwrap();
        }
        assert!(Instant::now() < deadline, "the nodes did not see the submission");
        std::thread::sleep(Duration::from_millis(50));
    };
    let holds = |n: &(String, u64, u64), i: u64| (start_entry / SEGMENT_CHUNKS as u64 + i) % n.2 == n.1;
    let segments = num_segments(SIZE as u64);
    let b64 = base64::engine::general_purpose::STANDARD;

    let started = Instant::now();
    let all: Vec<u64> = (0..segments).collect();
    for chunk in all.chunks(BATCH) {
        for node in &nodes {
            let batch: Vec<Value> = chunk
                .iter()
                .filter(|&&i| holds(node, i))
                .map(|&i| {
                    json!({"root": tree.root(), "data": b64.encode(segment_data(&data, i).unwrap()), "index": i,
                        "proof": tree.segment_proof(i).unwrap(), "fileSize": SIZE})
                })
                .collect();
            if !batch.is_empty() {
                rpc(&node.0, "zgs_uploadSegments", json!([batch]));
            }
        }
    }
    let upload = (SIZE as f64 / (1 << 20) as f64) / started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut back = Vec::with_capacity(SIZE);
    for i in 0..segments {
        let node = nodes.iter().find(|n| holds(n, i)).unwrap();
        let seg = rpc(&node.0, "zgs_downloadSegmentWithProof", json!([tree.root(), i]));
        let bytes = b64.decode(seg["data"].as_str().unwrap()).unwrap();
        let proof: SegmentProof = serde_json::from_value(seg["proof"].clone()).unwrap();
        verify_segment(tree.root(), i, &bytes, &proof, SIZE as u64).unwrap();
        back.extend_from_slice(&bytes);
    }
    back.truncate(SIZE);
    let download = (SIZE as f64 / (1 << 20) as f64) / started.elapsed().as_secs_f64();
    assert!(back == data, "the download differs from the upload");
    (upload, download)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
