//! `cargo xtask bench`: how fast the verification core is, natively (release build).
//! Figures, not assertions: speed targets live here, never in tests.

use std::hint::black_box;
use std::time::Instant;

use alloy_consensus::Header;
use alloy_primitives::{B256, U256};
use serde_json::Value;
use wasm_light_client::{verify_account_proof, verify_header_chain, AccountProofResponse};

/// A linked chain of `n` Prague-style headers as a node would serve them (JSON).
fn synthetic_chain(n: u64) -> Vec<Value> {
    let template: Vec<Value> = serde_json::from_str(include_str!("../tests/fixtures/anvil-headers.json")).unwrap();
    let mut header: Header = serde_json::from_value(template.last().unwrap().clone()).unwrap();
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n {
        header.number = i;
        header.state_root = B256::from(U256::from(i));
        let hash = header.hash_slow();
        let mut json = serde_json::to_value(&header).unwrap();
        json["hash"] = Value::String(hash.to_string());
        out.push(json);
        header.parent_hash = hash;
        header.base_fee_per_gas = header.next_block_base_fee(alloy_eips::eip1559::BaseFeeParams::ethereum());
    }
    out
}

fn time<T>(label: &str, units: f64, unit: &str, mut f: impl FnMut() -> T) {
    f(); // warm up
    let rounds = 5;
    let start = Instant::now();
    for _ in 0..rounds {
        black_box(f());
    }
    let secs = start.elapsed().as_secs_f64() / rounds as f64;
    println!("{label:<44} {:>12.0} {unit}/s   ({:.3} ms per run)", units / secs, secs * 1e3);
}

fn main() {
    println!("wasm-light-client, native release build, best of warm runs\n");
    let chain = synthetic_chain(2_000);
    let trusted: B256 = serde_json::from_value(chain[0]["hash"].clone()).unwrap();
    time("header chain: parse + keccak(rlp) + link", chain.len() as f64, "headers", || {
        verify_header_chain(trusted, &chain).unwrap().len()
    });

    let fixture: Value = serde_json::from_str(include_str!("../tests/fixtures/anvil-proofs.json")).unwrap();
    let root: B256 = serde_json::from_value(fixture["stateRoot"].clone()).unwrap();
    let proofs: Vec<AccountProofResponse> =
        fixture["proofs"].as_array().unwrap().iter().map(|p| serde_json::from_value(p.clone()).unwrap()).collect();
    let file: Vec<u8> = (0..64usize << 20).map(|i| (i * 31 + 7) as u8).collect();
    time("0G storage file root, 64 MiB (one core)", 64.0, "MiB", || {
        wasm_light_client::storage::file_root(&file).unwrap()
    });

    time("account + storage proofs (anvil fixture)", proofs.len() as f64, "proofs", || {
        proofs.iter().map(|p| verify_account_proof(root, p).unwrap().storage.len()).sum::<usize>()
    });
}
