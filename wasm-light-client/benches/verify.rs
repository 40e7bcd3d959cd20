//! `cargo xtask bench`, native half: criterion over the light client's three workloads, on
//! the same data the browser half (`bench/browser/`) feeds to the wasm package and to the
//! JavaScript reference libraries.
//!
//! - headers: JSON text in (an `eth_getBlockByNumber` array), verified chain out
//!   (`verify_header_chain_text`, as the wasm export runs it: parse, keccak256(rlp), hash
//!   links, the devnet rules). The chain is the four captured anvil headers followed by children of the last one, each a copy of
//!   its JSON with the number, parent hash, state root and base fee updated and the hash
//!   recomputed, so every header is what a node would serve and every link verifies.
//! - proofs: each captured `eth_getProof` answer as JSON text → `verify_account_proof`
//!   against the captured state root (account and storage proofs).
//! - storage: `storage::file_root` of a 64 MiB buffer, byte i = (i * 31 + 7) % 251 (the
//!   content rule of `tests/fixtures/storage/gen-roots.mjs`), on one core.
//! - consensus: one CometBFT skipping step (`cometbft::light::verify`, as a client a week
//!   behind takes it: the gap does not matter, only the set) over a block signed by 4 and by
//!   100 validators with one aggregated BLS12-381 signature, as 0G's commits are.
//!
//! Before measuring it writes the data to `$ZG_BENCH_DIR` (default `target/zg-bench/`):
//! `headers.json` (the exact text measured) and `meta.json` (counts, the trusted hash, the
//! expected storage root) for the browser half. Afterwards it reads criterion's median of
//! each workload and writes `native.json` (units per second) for the summary table.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use alloy_consensus::Header;
use alloy_eips::eip1559::BaseFeeParams;
use alloy_primitives::{keccak256, B256};
use criterion::{criterion_group, BenchmarkId, Criterion, SamplingMode, Throughput};
use serde_json::{json, Value};
use wasm_light_client::cometbft::block::{BlockId, Timestamp};
use wasm_light_client::cometbft::bls::Bls12381;
use wasm_light_client::cometbft::light::{self, TrustOptions};
use wasm_light_client::cometbft::{
    self,
    testnet::{self, TestValidators},
};
use wasm_light_client::header::verify_header_chain_text;
use wasm_light_client::{storage, verify_account_proof, AccountProofResponse};

/// Headers in the measured chain (the captured ones included): one `HeaderChain` window, so
/// every verified header is also returned (and the wasm export's count is the chain length).
const CHAIN_LEN: usize = 256;
/// The storage workload's file size.
const FILE_SIZE: usize = 64 << 20;

const HEADERS_FIXTURE: &str = include_str!("../tests/fixtures/anvil-headers.json");
const PROOFS_FIXTURE: &str = include_str!("../tests/fixtures/anvil-proofs.json");

fn hex_quantity(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

/// The captured headers extended to `len` by linked children, as JSON text.
fn header_chain_json(len: usize) -> (String, B256) {
    let mut blocks: Vec<Value> = serde_json::from_str(HEADERS_FIXTURE).expect("fixture is a JSON array");
    let trusted: B256 = serde_json::from_value(blocks[0]["hash"].clone()).expect("fixture hash");
    while blocks.len() < len {
        let parent_json = blocks.last().expect("fixture is not empty");
        let parent: Header = serde_json::from_value(parent_json.clone()).expect("fixture header");
        let parent_hash = parent.hash_slow();
        let number = parent.number + 1;
        let base_fee = parent.next_block_base_fee(BaseFeeParams::ethereum()).expect("post-London fixture");
        let mut child = parent_json.clone();
        child["number"] = hex_quantity(number);
        child["parentHash"] = json!(parent_hash);
        child["stateRoot"] = json!(keccak256(number.to_be_bytes()));
        child["baseFeePerGas"] = hex_quantity(base_fee);
        let header: Header = serde_json::from_value(child.clone()).expect("child header");
        child["hash"] = json!(header.hash_slow());
        blocks.push(child);
    }
    (serde_json::to_string_pretty(&blocks).expect("serializable"), trusted)
}

/// The captured `eth_getProof` answers, each as its own JSON text, and their state root.
fn proof_texts() -> (Vec<String>, B256) {
    let fixture: Value = serde_json::from_str(PROOFS_FIXTURE).expect("proofs fixture");
    let root: B256 = serde_json::from_value(fixture["stateRoot"].clone()).expect("state root");
    let texts = fixture["proofs"].as_array().expect("proofs array").iter().map(Value::to_string).collect();
    (texts, root)
}

fn file_content(size: usize) -> Vec<u8> {
    (0..size).map(|i| ((i * 31 + 7) % 251) as u8).collect()
}

/// The same path as the wasm export `verifyHeaderChain`: the JSON text straight to headers.
fn verify_headers(text: &str, trusted: B256) -> usize {
    let chain = verify_header_chain_text(trusted, text).expect("the bench chain verifies");
    chain.last().map_or(0, |h| h.number() as usize + 1)
}

fn verify_proofs(texts: &[String], root: B256) -> usize {
    texts
        .iter()
        .map(|text| {
            let response: AccountProofResponse = serde_json::from_str(text).expect("eth_getProof JSON");
            verify_account_proof(root, &response).expect("the fixture proof verifies").storage.len()
        })
        .sum()
}

fn bench_dir() -> PathBuf {
    std::env::var_os("ZG_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/zg-bench"))
}

fn criterion_dir() -> PathBuf {
    std::env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion"))
}

fn workloads(c: &mut Criterion) {
    let (headers, trusted) = header_chain_json(CHAIN_LEN);
    let (proofs, state_root) = proof_texts();
    let file = file_content(FILE_SIZE);
    let file_root = storage::file_root(&file).expect("non-empty");
    assert_eq!(verify_headers(&headers, trusted), CHAIN_LEN);
    verify_proofs(&proofs, state_root);

    let dir = bench_dir();
    std::fs::create_dir_all(&dir).expect("creating the bench directory");
    std::fs::write(dir.join("headers.json"), &headers).expect("writing headers.json");
    let meta = json!({
        "headers": CHAIN_LEN,
        "trustedHash": trusted,
        "proofs": proofs.len(),
        "stateRoot": state_root,
        "fileSize": FILE_SIZE,
        "fileRoot": file_root,
    });
    std::fs::write(dir.join("meta.json"), serde_json::to_string_pretty(&meta).unwrap()).expect("writing meta.json");

    let mut group = c.benchmark_group("headers");
    group.throughput(Throughput::Elements(CHAIN_LEN as u64));
    group.bench_function(BenchmarkId::new("verify_header_chain", CHAIN_LEN), |b| {
        b.iter(|| verify_headers(black_box(&headers), trusted))
    });
    group.finish();

    let mut group = c.benchmark_group("proofs");
    group.throughput(Throughput::Elements(proofs.len() as u64));
    group.bench_function(BenchmarkId::new("verify_account_proof", proofs.len()), |b| {
        b.iter(|| verify_proofs(black_box(&proofs), state_root))
    });
    group.finish();

    let mut group = c.benchmark_group("consensus");
    for validators in [4usize, 100] {
        let (trusted, block) = consensus_step(validators);
        group.bench_function(BenchmarkId::new("skip_verify", validators), |b| {
            b.iter(|| {
                light::verify(
                    "zg-bench-1",
                    black_box(&trusted),
                    black_box(&block),
                    T_NOW,
                    TrustOptions::default(),
                    &Bls12381,
                )
                .unwrap()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("storage");
    group.throughput(Throughput::Bytes(FILE_SIZE as u64));
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.bench_function(BenchmarkId::new("file_root", "64MiB"), |b| {
        b.iter(|| storage::file_root(black_box(&file)).unwrap())
    });
    group.finish();
}

const T_NOW: i64 = 1_770_000_000;

/// A trusted block 1 and a block a week of 0G's blocks later, both signed by the same
/// `n` validators (aggregated).
fn consensus_step(n: usize) -> (light::Trusted, cometbft::LightBlock) {
    let seeds: Vec<String> = (0..n).map(|i| format!("bench-validator-{i}")).collect();
    let set = TestValidators::new(&seeds.iter().map(String::as_str).collect::<Vec<_>>(), &vec![10; n]);
    let at = |h: i64| Timestamp { seconds: T_NOW - 60 + h / 1_000_000, nanos: (h % 1_000_000) as i32 };
    let first = testnet::light_block("zg-bench-1", 1, at(1), BlockId::default(), &[vec![1]], &set, &set);
    let week = 1_512_000;
    let far = testnet::light_block("zg-bench-1", week, at(week), BlockId::default(), &[vec![2]], &set, &set);
    let trusted =
        light::Trusted { hash: first.header.hash(), header: first.header, next_validators: first.next_validators };
    (trusted, far)
}

/// Criterion's median time of one iteration of `group/function/parameter`, in seconds.
fn median_secs(id: &str) -> Option<f64> {
    let text = std::fs::read_to_string(criterion_dir().join(id).join("new/estimates.json")).ok()?;
    let estimates: Value = serde_json::from_str(&text).ok()?;
    Some(estimates["median"]["point_estimate"].as_f64()? / 1e9)
}

fn write_summary() {
    let proofs = proof_texts().0.len();
    let rate = |id: &str, units: f64| median_secs(id).map(|s| units / s);
    let summary = json!({
        "headers_native": rate(&format!("headers/verify_header_chain/{CHAIN_LEN}"), CHAIN_LEN as f64),
        "proofs_native": rate(&format!("proofs/verify_account_proof/{proofs}"), proofs as f64),
        "storage_native": rate("storage/file_root/64MiB", (FILE_SIZE >> 20) as f64),
        "consensus_skip_4_ms": median_secs("consensus/skip_verify/4").map(|s| s * 1e3),
        "consensus_skip_100_ms": median_secs("consensus/skip_verify/100").map(|s| s * 1e3),
    });
    let path = bench_dir().join("native.json");
    match std::fs::write(&path, serde_json::to_string_pretty(&summary).unwrap()) {
        Ok(()) => println!("native figures: {}", path.display()),
        Err(e) => eprintln!("could not write {}: {e}", path.display()),
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(20);
    targets = workloads
}

fn main() {
    // `cargo test --all-targets` (part of `cargo xtask test`) runs bench targets without
    // `--bench`; measuring and writing the data is only for `cargo bench`.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test" || a == "--list") {
        println!("wasm-light-client benches: run with `cargo xtask bench` (or `cargo bench`)");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
    write_summary();
}
