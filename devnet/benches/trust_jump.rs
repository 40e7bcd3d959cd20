//! `cargo xtask bench`: how long a returning client, far behind the head, takes to its
//! first verified balance (issue 16's target: under 2 s on loopback), by jumping to a head
//! three endpoints agree on, against walking every header of the gap.
//!
//! anvil mines too slowly to make a week of 0G's blocks (1.5 million), and a jump fetches
//! the same few headers whatever the gap, so the gap here is `GAP` blocks: the jump is
//! timed as it is, and the walk's time per header is scaled up to a week. Starts its own
//! zg-devnet; the three endpoints are zg-tamper proxies in front of its anvil. Prints one
//! `ZG_TRUST_BENCH {json}` line (medians of 5). Under `cargo test` (no `--bench`
//! argument) it jumps once and checks the balance was proven, so the target cannot rot.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use alloy_primitives::{Address, B256};
use common::{Devnet, Tamper, UreqTransport, DEV_ACCOUNT_0};
use serde_json::json;
use wasm_light_client::{CheckpointOnly, TrustBasis, Verified, VerifiedProvider};

const GAP: u64 = 2_000;
/// A week of 0G's 0.4 s blocks.
const WEEK: u64 = 7 * 24 * 3_600 * 10 / 4;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

type Provider = VerifiedProvider<UreqTransport, CheckpointOnly>;

/// A provider over the three proxies, synced from `start`; `jump_after` as given.
fn provider(endpoints: &[Tamper; 3], start: B256, jump_after: u64) -> Provider {
    let p = VerifiedProvider::new(UreqTransport::new(&endpoints[0].url), CheckpointOnly, start)
        .with_witnesses(endpoints[1..].iter().map(|t| UreqTransport::new(&t.url)).collect(), 2)
        .with_jump_after(jump_after);
    pollster::block_on(p.sync()).expect("the first sync");
    p
}

/// Seconds from a sync far behind the head to a proven balance.
fn first_verified_balance(p: &Provider) -> f64 {
    let started = Instant::now();
    pollster::block_on(p.sync()).expect("the sync after the gap");
    let dev: Address = DEV_ACCOUNT_0.parse().unwrap();
    match pollster::block_on(p.account(dev)) {
        Verified::Proven { .. } => started.elapsed().as_secs_f64(),
        other => panic!("the balance was not proven: {other:?}"),
    }
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let devnet = Devnet::start();
    let endpoints = [Tamper::start(&devnet.rpc_url), Tamper::start(&devnet.rpc_url), Tamper::start(&devnet.rpc_url)];
    // In steps: one long anvil_mine outlasts the client's read timeout.
    let mine = || (0..GAP / 250).for_each(|_| _ = devnet.rpc("anvil_mine", json!(["0xfa"])));
    let runs = if benching { 5 } else { 1 };
    let mut jumps = Vec::new();
    let mut walks = Vec::new();
    for _ in 0..runs {
        // Each run starts from the head just reached, so both clients face the same gap.
        let head = devnet.rpc("eth_getBlockByNumber", json!(["latest", false]));
        let start: B256 = head["hash"].as_str().unwrap().parse().unwrap();
        let jumping = provider(&endpoints, start, 1_000);
        let walking = provider(&endpoints, start, u64::MAX);
        mine();
        jumps.push(first_verified_balance(&jumping));
        assert!(matches!(jumping.trust(), Some(TrustBasis::Agreement { agree: 3, asked: 3, .. })));
        if benching {
            walks.push(first_verified_balance(&walking));
        }
    }
    if !benching {
        println!("trust_jump: jumped {GAP} blocks to a proven balance (run with `cargo bench` for figures)");
        return;
    }
    let jump_s = median(jumps);
    let walk_s = median(walks);
    let week_walk_s = walk_s / GAP as f64 * WEEK as f64;
    println!(
        "ZG_TRUST_BENCH {{\"gap\": {GAP}, \"jumpS\": {jump_s:.3}, \"walkS\": {walk_s:.3}, \"weekBlocks\": {WEEK}, \"weekWalkS\": {week_walk_s:.0}}}"
    );
}
