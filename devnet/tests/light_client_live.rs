//! The project's light client against the live devnet, natively: header sync from the
//! devnet's checkpoint, account proofs, and refusal of a wrong checkpoint.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use common::{agent, fresh_address, http, Devnet, UreqTransport, DEV_ACCOUNT_0};
use serde_json::{json, Value};
use wasm_light_client::{CheckpointOnly, Verified, VerifiedProvider};

fn provider(devnet: &Devnet, checkpoint: B256) -> VerifiedProvider<UreqTransport, CheckpointOnly> {
    VerifiedProvider::new(UreqTransport::new(&devnet.rpc_url), CheckpointOnly, checkpoint)
}

fn devnet_checkpoint(devnet: &Devnet) -> B256 {
    devnet.ready["checkpoint"]["hash"].as_str().unwrap().parse().unwrap()
}

fn head(devnet: &Devnet) -> u64 {
    let hex = devnet.rpc("eth_blockNumber", json!([]));
    u64::from_str_radix(hex.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// Lets anvil mine a few blocks so sync has a chain to follow, not just block 0.
fn wait_for_block(devnet: &Devnet, number: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while head(devnet) < number {
        assert!(Instant::now() < deadline, "the devnet did not reach block {number} within 20 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn syncs_from_the_devnet_checkpoint_to_the_head() {
    let devnet = Devnet::start();
    wait_for_block(&devnet, 3);
    let provider = provider(&devnet, devnet_checkpoint(&devnet));

    let head_before = head(&devnet);
    let tip = pollster::block_on(provider.sync()).expect("sync from the devnet's own checkpoint");
    assert!(tip.number() >= head_before, "synced to {} but the head was already {head_before}", tip.number());
    let block = devnet.rpc("eth_getBlockByNumber", json!([format!("0x{:x}", tip.number()), false]));
    assert_eq!(format!("{:#x}", tip.hash), block["hash"].as_str().unwrap(), "the tip is anvil's block");

    // Syncing again follows the blocks mined since, from the tip rather than from scratch.
    wait_for_block(&devnet, tip.number() + 2);
    let next = pollster::block_on(provider.sync()).unwrap();
    assert!(next.number() >= tip.number() + 2);
}

#[test]
fn accounts_are_proven_with_the_balance_anvil_reports() {
    let devnet = Devnet::start();
    wait_for_block(&devnet, 1);
    let provider = provider(&devnet, devnet_checkpoint(&devnet));
    let tip = pollster::block_on(provider.sync()).unwrap();

    let dev0: Address = DEV_ACCOUNT_0.parse().unwrap();
    let at_tip = format!("0x{:x}", tip.number());
    match pollster::block_on(provider.account(dev0)) {
        Verified::Proven { value, block } => {
            assert_eq!(block, tip.number());
            assert_eq!(value.address, dev0);
            assert_eq!(value.balance, U256::from(devnet.balance(DEV_ACCOUNT_0, &at_tip)));
            assert!(value.balance > U256::ZERO);
        }
        other => panic!("dev account #0 was not proven: {other:?}"),
    }

    // A faucet payment, once mined and synced, is proven too.
    let to = fresh_address();
    let (status, answer, _) = http(agent().post(&devnet.url("/faucet")), Some(&json!({ "address": to }).to_string()));
    assert_eq!(status, 200, "{answer}");
    let tx: Value = serde_json::from_str(&answer).unwrap();
    let receipt = devnet.wait_receipt(tx["txHash"].as_str().unwrap());
    let mined_in = u64::from_str_radix(receipt["blockNumber"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    let tip = pollster::block_on(provider.sync()).unwrap();
    assert!(tip.number() >= mined_in);
    match pollster::block_on(provider.account(to.parse().unwrap())) {
        Verified::Proven { value, .. } => assert_eq!(value.balance, U256::from(10u128.pow(19))),
        other => panic!("the faucet's recipient was not proven: {other:?}"),
    }

    // An account without code has the empty code proven; the node cannot slip code in.
    match pollster::block_on(provider.code(dev0)) {
        Verified::Proven { value, .. } => assert!(value.is_empty()),
        other => panic!("dev account #0's (empty) code was not proven: {other:?}"),
    }

    // And the faucet transaction itself: found by hash in its block, receipt proven.
    let hash: B256 = tx["txHash"].as_str().unwrap().parse().unwrap();
    match pollster::block_on(provider.receipt(hash)).unwrap() {
        Some(Verified::Proven { value, block }) => {
            assert_eq!(block, mined_in);
            assert!(value.success);
        }
        other => panic!("the faucet transaction's receipt was not proven: {other:?}"),
    }
}

#[test]
fn a_wrong_checkpoint_fails_sync() {
    let devnet = Devnet::start();
    let real = devnet_checkpoint(&devnet);
    let mut wrong = real;
    wrong.0[31] ^= 1;
    let provider = provider(&devnet, wrong);
    let error = pollster::block_on(provider.sync()).expect_err("a checkpoint that is not on this chain must fail");
    assert!(error.to_string().contains(&format!("{wrong}")), "the error names the checkpoint: {error}");
    assert!(provider.tip().is_none(), "nothing is trusted after a failed sync");
    assert!(
        matches!(pollster::block_on(provider.account(DEV_ACCOUNT_0.parse().unwrap())), Verified::Rejected { .. }),
        "no account is proven without a verified header"
    );
}
