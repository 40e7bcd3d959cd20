//! Header sync against a live anvil beyond the happy path: a chain reorganisation,
//! headers older than the checkpoint, proven event logs, head agreement between
//! endpoints, and a client far behind jumping to a head the endpoints agree on.

mod common;

use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use common::{Devnet, Tamper, UreqTransport, DEV_ACCOUNT_0};
use serde_json::{json, Value};
use wasm_light_client::{
    BaseFeeRule, ChainRules, CheckpointOnly, JsonRpcTransport, LogFilter, Revm, SyncError, TransportError, TrustBasis,
    Verified, VerifiedProvider,
};
use zg_abi::wrapped_zg::WrappedZG as IWrappedZG;

/// An endpoint without `eth_createAccessList`, as many public ones are.
struct NoHints(UreqTransport);

impl JsonRpcTransport for NoHints {
    async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
        if method == "eth_createAccessList" {
            return Err(TransportError("the method eth_createAccessList does not exist".into()));
        }
        self.0.request(method, params).await
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
        self.0.batch(calls).await
    }
}

fn http(devnet: &Devnet) -> UreqTransport {
    UreqTransport::new(&devnet.rpc_url)
}

fn block(devnet: &Devnet, number: u64) -> Value {
    devnet.rpc("eth_getBlockByNumber", json!([format!("0x{number:x}"), false]))
}

fn hash_at(devnet: &Devnet, number: u64) -> B256 {
    block(devnet, number)["hash"].as_str().unwrap().parse().unwrap()
}

fn head(devnet: &Devnet) -> u64 {
    let hex = devnet.rpc("eth_blockNumber", json!([]));
    u64::from_str_radix(hex.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn wait_for_block(devnet: &Devnet, number: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while head(devnet) < number {
        assert!(Instant::now() < deadline, "the devnet did not reach block {number} within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn checkpoint(devnet: &Devnet) -> B256 {
    devnet.ready["checkpoint"]["hash"].as_str().unwrap().parse().unwrap()
}

#[test]
fn a_reorg_is_followed_and_the_dropped_blocks_are_no_longer_canonical() {
    let devnet = Devnet::start();
    wait_for_block(&devnet, 6);
    // anvil does not roll its fee state back on a reorg (anvil 1.7.1: the re-mined
    // blocks carry the base fee the dropped branch would have had next), so its new
    // branch breaks EIP-1559. Every other rule is still checked.
    let rules = ChainRules { base_fee: BaseFeeRule::Unchecked, ..ChainRules::devnet() };
    let provider = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet)).with_rules(rules);
    let before = pollster::block_on(provider.sync()).unwrap();
    assert!(provider.last_reorg().is_none());

    // Replace the newest three blocks with fresh ones (anvil's reorg, same height).
    devnet.rpc("anvil_reorg", json!([3, []]));
    let after = pollster::block_on(provider.sync()).unwrap();
    let reorg = provider.last_reorg().expect("the branch switch was seen");
    assert!(reorg.fork < before.number(), "fork {} below the old tip {}", reorg.fork, before.number());
    assert!(reorg.dropped.contains(&before.hash));
    assert_eq!(provider.is_canonical(before.number(), before.hash), Some(false));
    assert_eq!(after.hash, hash_at(&devnet, after.number()), "the new tip is anvil's block");
    assert_eq!(provider.is_canonical(reorg.fork, hash_at(&devnet, reorg.fork)), Some(true));

    // State is proven against the new branch.
    let dev0: Address = DEV_ACCOUNT_0.parse().unwrap();
    assert!(
        matches!(pollster::block_on(provider.account(dev0)), Verified::Proven { block, .. } if block == after.number())
    );
}

/// The clock is the provider's to be given: held to one that reads an hour and more
/// before the devnet's blocks, the head is refused as dated in the future and nothing is
/// accepted; without a clock (a host that has none) the same node syncs.
#[test]
fn a_head_is_held_to_the_clock_the_provider_is_given() {
    let devnet = Devnet::start();
    wait_for_block(&devnet, 2);
    let early = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet))
        .with_clock(|| wasm_light_client::clock::system_now_s().map(|now| now - 2 * 3_600));
    match pollster::block_on(early.sync()) {
        Err(SyncError::FromTheFuture { ahead_s, .. }) => {
            assert!(ahead_s > wasm_light_client::provider::MAX_FUTURE_S, "ahead by {ahead_s} s")
        }
        other => panic!("expected the head refused as from the future, got {other:?}"),
    }
    let trusted = checkpoint(&devnet);
    assert!(early.tip().is_none_or(|t| t.hash == trusted), "nothing beyond the checkpoint was accepted");
    let no_clock = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet)).with_clock(|| None);
    assert!(pollster::block_on(no_clock.sync()).unwrap().number() >= 2);
}

#[test]
fn headers_older_than_the_checkpoint_are_verified_backwards() {
    let devnet = Devnet::start();
    wait_for_block(&devnet, 12);
    // Trust block 10 only; blocks 2..10 are reached through parent hashes.
    let provider = VerifiedProvider::new(http(&devnet), CheckpointOnly, hash_at(&devnet, 10));
    pollster::block_on(provider.sync()).unwrap();
    let old = pollster::block_on(provider.header(2)).unwrap();
    assert_eq!(old.number(), 2);
    assert_eq!(old.hash, hash_at(&devnet, 2));
    assert_eq!(provider.is_canonical(2, old.hash), Some(true));
    // Reached again from the cache, and the blocks between are known too.
    assert_eq!(pollster::block_on(provider.header(5)).unwrap().hash, hash_at(&devnet, 5));
}

#[test]
fn event_logs_are_proven_from_receipts_and_blooms() {
    let devnet = Devnet::start();
    // Init code that emits LOG1(topic, data = 42) from its constructor and deploys nothing:
    // PUSH1 42 PUSH1 0 MSTORE PUSH32 topic PUSH1 32 PUSH1 0 LOG1 STOP
    let topic = B256::repeat_byte(0x7e);
    let init = format!("0x602a6000527f{}60206000a100", hex_of(topic.as_slice()));
    let tx = devnet.rpc("eth_sendTransaction", json!([{ "from": DEV_ACCOUNT_0, "data": init, "gas": "0x30000" }]));
    let receipt = devnet.wait_receipt(tx.as_str().unwrap());
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    let emitter: Address = receipt["contractAddress"].as_str().unwrap().parse().unwrap();
    let mined = u64::from_str_radix(receipt["blockNumber"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    wait_for_block(&devnet, mined + 1);

    let provider = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet));
    pollster::block_on(provider.sync()).unwrap();
    let from = mined.saturating_sub(3);
    let found = pollster::block_on(provider.logs(&LogFilter::new(emitter).topic(0, topic), from, mined + 1)).unwrap();
    let Verified::Proven { value: logs, .. } = found else { panic!("logs not proven: {found:?}") };
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].block, mined);
    assert_eq!(U256::from_be_slice(&logs[0].log.data.data), U256::from(42));

    let other = pollster::block_on(provider.logs(&LogFilter::new(emitter).topic(0, B256::repeat_byte(1)), from, mined))
        .unwrap();
    assert_eq!(other, Verified::Proven { value: vec![], block: mined });
    assert!(pollster::block_on(provider.logs(&LogFilter::new(emitter), 5, 4)).is_err(), "an empty range is refused");
}

#[test]
fn witnesses_must_agree_on_the_head() {
    let devnet = Devnet::start();
    let other_chain = Devnet::start();
    // Two fresh anvils started in the same second mine identical empty blocks; a
    // transaction on one makes the chains differ from its block on.
    let tx =
        other_chain.rpc("eth_sendTransaction", json!([{ "from": DEV_ACCOUNT_0, "to": DEV_ACCOUNT_0, "value": "0x1" }]));
    let receipt = other_chain.wait_receipt(tx.as_str().unwrap());
    let differs_from =
        u64::from_str_radix(receipt["blockNumber"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    wait_for_block(&devnet, differs_from + 1);
    wait_for_block(&other_chain, differs_from + 1);

    let agreeing = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet))
        .with_witnesses(vec![http(&devnet)], 2);
    let tip = pollster::block_on(agreeing.sync()).unwrap();
    assert_eq!(tip.hash, hash_at(&devnet, tip.number()));

    // The witness runs another chain: its header at every height differs, so the head
    // must not move past the checkpoint and the disagreement is reported.
    let outvoted = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet))
        .with_witnesses(vec![http(&other_chain)], 2);
    match pollster::block_on(outvoted.sync()) {
        Err(SyncError::Disagreement { agree: 1, needed: 2, detail, .. }) => {
            assert!(detail.contains(&other_chain.rpc_url), "the dissenting endpoint is named: {detail}")
        }
        other => panic!("expected a disagreement, got {other:?}"),
    }
    assert!(outvoted.tip().is_none_or(|t| t.number() < differs_from), "the tip did not move onto the disputed blocks");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn send(devnet: &Devnet, to: Address, data: Vec<u8>, value: U256) {
    let tx = devnet.rpc(
        "eth_sendTransaction",
        json!([{ "from": DEV_ACCOUNT_0, "to": to, "data": format!("0x{}", hex_of(&data)), "value": format!("0x{value:x}"), "gas": "0x200000" }]),
    );
    let receipt = devnet.wait_receipt(tx.as_str().unwrap());
    assert_eq!(receipt["status"], "0x1", "{receipt}");
}

#[test]
fn eth_call_runs_locally_over_proven_state() {
    use alloy_sol_types::{SolCall, SolError};
    use wasm_light_client::{CallOutcome, CallRequest};

    let devnet = Devnet::start();
    // zg-devnet deployed it from contracts/out/ and announced where.
    let token: Address = devnet.ready["contracts"]["wrappedZG"].as_str().unwrap().parse().unwrap();
    let dev0: Address = DEV_ACCOUNT_0.parse().unwrap();
    let five = U256::from(5u128 * 10u128.pow(18));
    send(&devnet, token, IWrappedZG::depositCall {}.abi_encode(), five);
    send(&devnet, token, IWrappedZG::delegateCall { delegatee: dev0 }.abi_encode(), U256::ZERO);

    let provider = VerifiedProvider::new(http(&devnet), CheckpointOnly, checkpoint(&devnet));
    let tip = pollster::block_on(provider.sync()).unwrap();

    // Without the node's access-list hint the EVM finds every slot it needs itself.
    let unhinted = VerifiedProvider::new(NoHints(http(&devnet)), CheckpointOnly, checkpoint(&devnet));
    let unhinted_tip = pollster::block_on(unhinted.sync()).unwrap();
    let request = CallRequest {
        from: None,
        to: token.into(),
        data: IWrappedZG::getVotesCall { account: dev0 }.abi_encode().into(),
        value: U256::ZERO,
    };
    match pollster::block_on(unhinted.call(&request, &Revm)) {
        Verified::Proven { value: CallOutcome::Success(out), block } => {
            assert_eq!(block, unhinted_tip.number());
            assert_eq!(U256::from_be_slice(&out), five);
        }
        other => panic!("not proven without hints: {other:?}"),
    }

    let call = |data: Vec<u8>| {
        let request = CallRequest { from: Some(dev0), to: token.into(), data: data.into(), value: U256::ZERO };
        pollster::block_on(provider.call(&request, &Revm))
    };
    let uint = |outcome: Verified<CallOutcome>| match outcome {
        Verified::Proven { value: CallOutcome::Success(out), block } => {
            assert_eq!(block, tip.number());
            U256::from_be_slice(&out)
        }
        other => panic!("not proven: {other:?}"),
    };
    assert_eq!(uint(call(IWrappedZG::balanceOfCall { account: dev0 }.abi_encode())), five);
    assert_eq!(uint(call(IWrappedZG::getVotesCall { account: dev0 }.abi_encode())), five);
    assert_eq!(uint(call(IWrappedZG::totalSupplyCall {}.abi_encode())), five);
    // Someone who never deposited: zero, proven from an empty slot.
    assert_eq!(uint(call(IWrappedZG::balanceOfCall { account: Address::repeat_byte(0x42) }.abi_encode())), U256::ZERO);

    // The same answer the node gives, byte for byte.
    let data = IWrappedZG::getVotesCall { account: dev0 }.abi_encode();
    let node = devnet.rpc(
        "eth_call",
        json!([{ "to": token, "data": format!("0x{}", hex_of(&data)) }, format!("0x{:x}", tip.number())]),
    );
    assert_eq!(node.as_str().unwrap(), format!("0x{}", hex_of(&five.to_be_bytes::<32>())));

    // A call that reverts is a proven revert, with the contract's reason.
    match call(IWrappedZG::withdrawCall { amount: five * U256::from(2) }.abi_encode()) {
        Verified::Proven { value: CallOutcome::Revert(reason), .. } => {
            let decoded = IWrappedZG::ERC20InsufficientBalance::abi_decode(&reason).unwrap();
            assert_eq!(decoded.balance, five);
        }
        other => panic!("expected a proven revert, got {other:?}"),
    }

    // The storage read behind it, proven directly: ERC20's _balances is slot 0.
    let slot = alloy_primitives::keccak256([dev0.into_word().as_slice(), &[0u8; 32]].concat());
    match pollster::block_on(provider.storage(token, &[U256::from_be_bytes(slot.0)])) {
        Verified::Proven { value, .. } => assert_eq!(value[0].1, five),
        other => panic!("slot not proven: {other:?}"),
    }
}

/// Refuses every head above `limit`, like a consensus check that finds no commit for it.
struct RefuseAbove(u64);

impl wasm_light_client::ConsensusVerifier for RefuseAbove {
    fn accept_head(&self, head: &wasm_light_client::VerifiedHeader) -> Result<(), String> {
        if head.number() > self.0 {
            Err(format!("no commit for block {}", head.number()))
        } else {
            Ok(())
        }
    }

    fn describe(&self) -> &'static str {
        "refuses above a height"
    }
}

#[test]
fn a_head_the_consensus_check_refuses_never_becomes_the_tip() {
    let devnet = Devnet::start();
    wait_for_block(&devnet, 3);
    let limit = head(&devnet);
    let provider = VerifiedProvider::new(http(&devnet), RefuseAbove(limit), checkpoint(&devnet));
    // Everything up to the limit is accepted.
    let accepted = pollster::block_on(provider.sync());
    if let Ok(tip) = &accepted {
        assert!(tip.number() <= limit);
    }
    wait_for_block(&devnet, limit + 2);
    let tip_before = provider.tip();
    let err = pollster::block_on(provider.sync()).unwrap_err();
    assert!(matches!(&err, SyncError::Consensus(why) if why.contains("no commit for block")), "{err}");
    // The refused head and the headers below it were not kept: the tip is where it was,
    // and nothing proven is read against a refused state root.
    assert_eq!(provider.tip(), tip_before, "a refused sync moved the tip");
    assert!(provider.tip().is_none_or(|t| t.number() <= limit));
    if let Some(tip) = provider.tip() {
        assert!(
            matches!(pollster::block_on(provider.account(DEV_ACCOUNT_0.parse().unwrap())), Verified::Proven { block, .. } if block == tip.number())
        );
    }
}

#[test]
fn a_client_far_behind_jumps_to_the_head_the_endpoints_agree_on() {
    let devnet = Devnet::start();
    // Three endpoints of one network: proxies in front of anvil, which count what they
    // serve and can be made to serve a private fork.
    let (a, b, c) = (Tamper::start(&devnet.rpc_url), Tamper::start(&devnet.rpc_url), Tamper::start(&devnet.rpc_url));
    // A smaller gap than the default's thousand blocks keeps anvil quick; what is fetched
    // does not depend on the gap's size.
    const JUMP_AFTER: u64 = 50;
    let p = VerifiedProvider::new(UreqTransport::new(&a.url), CheckpointOnly, checkpoint(&devnet))
        .with_witnesses(vec![UreqTransport::new(&b.url), UreqTransport::new(&c.url)], 2)
        .with_jump_after(JUMP_AFTER);
    let before = pollster::block_on(p.sync()).unwrap().number();
    assert!(matches!(p.trust(), Some(TrustBasis::Checkpoint { .. })));

    // The client was away while the chain went on: more blocks than it walks.
    devnet.rpc("anvil_mine", json!([format!("0x{:x}", 4 * JUMP_AFTER)]));
    let headers = || a.state()["calls"]["eth_getBlockByNumber"].as_u64().unwrap_or(0);
    let headers_before = headers();
    let tip = pollster::block_on(p.sync()).unwrap();
    assert!(tip.number() >= before + 4 * JUMP_AFTER);
    assert_eq!(tip.hash, hash_at(&devnet, tip.number()));
    match p.trust() {
        Some(TrustBasis::Agreement { block, agree: 3, asked: 3, .. }) => assert_eq!(block, tip.number()),
        other => panic!("expected a head agreed by all three, got {other:?}"),
    }
    let served = headers() - headers_before;
    assert!(served <= 2, "the gap of {} blocks was walked: {served} headers served", 4 * JUMP_AFTER);
    let dev: Address = DEV_ACCOUNT_0.parse().unwrap();
    assert!(matches!(pollster::block_on(p.account(dev)), Verified::Proven { block, .. } if block == tip.number()));

    // One endpoint on a private fork is outvoted (and the agreement says 2 of 3) …
    c.set(Some("private-fork"));
    devnet.rpc("anvil_mine", json!([format!("0x{:x}", 4 * JUMP_AFTER)]));
    let tip = pollster::block_on(p.sync()).unwrap();
    assert_eq!(tip.hash, hash_at(&devnet, tip.number()));
    assert!(matches!(p.trust(), Some(TrustBasis::Agreement { agree: 2, asked: 3, .. })), "{:?}", p.trust());

    // … two are not: the tip stays, and the message names who serves what.
    b.set(Some("private-fork"));
    devnet.rpc("anvil_mine", json!([format!("0x{:x}", 4 * JUMP_AFTER)]));
    match pollster::block_on(p.sync()) {
        Err(SyncError::Disagreement { agree: 1, needed: 2, asked: 3, detail, .. }) => {
            assert!(detail.contains(&b.url) && detail.contains(&c.url), "{detail}");
        }
        other => panic!("expected a disagreement, got {other:?}"),
    }
    assert_eq!(p.tip().unwrap().hash, tip.hash, "the tip did not move");
}
