//! The provider against nodes in memory ([`crate::memory`]): header sync (following the
//! head, branch switches, witnesses, lies, the clock), then proven state (accounts, slots,
//! code, calls executed here, and the retries and refusals when a proof does not verify).
//! The same behaviours are also run against real anvil in `devnet/tests/`; these need no
//! process and reach cases a real node cannot be made to produce on demand.

use alloy_primitives::{Address, Bytes, B256, U256};

use crate::header::{HeaderChain, HeaderError};
use crate::memory::{genesis, MemoryNode};
use crate::provider::{Reorg, SyncError, TrustBasis, Verified, VerifiedProvider};
use crate::{CallOutcome, CallRequest, CheckpointOnly, Revm};

fn provider(node: &MemoryNode) -> VerifiedProvider<&MemoryNode, CheckpointOnly> {
    VerifiedProvider::new(node, CheckpointOnly, node.genesis_hash()).with_clock(|| None)
}

fn sync<T: crate::EthNode>(p: &VerifiedProvider<T, CheckpointOnly>) -> Result<u64, SyncError> {
    pollster::block_on(p.sync()).map(|tip| tip.number())
}

#[test]
fn syncs_from_the_checkpoint_to_the_head_and_follows_new_blocks() {
    let node = MemoryNode::new("node", 250);
    let p = provider(&node);
    assert_eq!(sync(&p).unwrap(), 250);
    assert_eq!(p.tip().unwrap().hash, node.hash_at(250));
    node.mine(7);
    assert_eq!(sync(&p).unwrap(), 257);
    assert_eq!(p.tip().unwrap().hash, node.hash_at(257));
    assert!(p.last_reorg().is_none());
}

#[test]
fn a_branch_switch_is_followed_back_to_the_fork_and_recorded() {
    let node = MemoryNode::new("node", 20);
    let p = provider(&node);
    sync(&p).unwrap();
    let dropped: Vec<B256> = (16..=20).map(|n| node.hash_at(n)).collect();
    node.reorganise(15, 8, 1);
    assert_eq!(sync(&p).unwrap(), 23);
    assert_eq!(p.tip().unwrap().hash, node.hash_at(23));
    assert_eq!(p.last_reorg(), Some(Reorg { fork: 15, dropped: dropped.clone(), new_tip: 23 }));
    // A value proven at block 18 of the old branch is known to be off the chain now.
    assert_eq!(p.is_canonical(18, dropped[2]), Some(false));
    assert_eq!(p.is_canonical(18, node.hash_at(18)), Some(true));
}

#[test]
fn a_switch_to_a_shorter_branch_is_followed_too() {
    let node = MemoryNode::new("node", 30);
    let p = provider(&node);
    sync(&p).unwrap();
    node.reorganise(25, 2, 1);
    assert_eq!(sync(&p).unwrap(), 27);
    assert_eq!(p.last_reorg().map(|r| (r.fork, r.dropped.len())), Some((25, 5)));
}

#[test]
fn a_switch_below_the_window_is_refused_and_the_tip_stays() {
    let node = MemoryNode::new("node", HeaderChain::WINDOW as u64 + 50);
    let p = provider(&node);
    let tip = sync(&p).unwrap();
    node.reorganise(10, HeaderChain::WINDOW as u64 + 60, 1);
    let error = sync(&p).unwrap_err();
    assert!(matches!(error, SyncError::Header(HeaderError::ReorgTooDeep { .. })), "{error}");
    assert_eq!(p.tip().unwrap().number(), tip);
    assert_eq!(p.tip().unwrap().hash, p.tip().unwrap().header.hash_slow());
}

#[test]
fn a_header_that_does_not_link_leaves_the_tip_where_it_was() {
    let node = MemoryNode::new("node", 10);
    let p = provider(&node);
    sync(&p).unwrap();
    let before = p.tip().unwrap();
    node.mine(10);
    // Block 15 changed: block 16 no longer names it as its parent.
    node.tamper(15, |h| h.gas_used = 21_000);
    let error = sync(&p).unwrap_err();
    assert!(matches!(error, SyncError::Header(_)), "{error}");
    assert_eq!(p.tip(), Some(before), "a sync is all or nothing");
}

#[test]
fn a_header_that_breaks_the_chain_rules_is_refused() {
    let node = MemoryNode::new("node", 5);
    let p = provider(&node);
    sync(&p).unwrap();
    node.mine(1);
    node.tamper(6, |h| h.timestamp -= 10);
    let error = sync(&p).unwrap_err();
    assert!(error.to_string().contains("timestamp order"), "{error}");
    assert_eq!(p.tip().unwrap().number(), 5);
}

#[test]
fn a_node_behind_the_verified_tip_cannot_move_it_back() {
    let node = MemoryNode::new("node", 20);
    let p = provider(&node);
    sync(&p).unwrap();
    node.reorganise(18, 0, 0); // the same chain, cut at 18: the node is behind
    assert_eq!(sync(&p).unwrap(), 20);
    assert!(p.last_reorg().is_none());
}

#[test]
fn an_unknown_checkpoint_is_named() {
    let node = MemoryNode::new("node", 3);
    let other = B256::repeat_byte(7);
    let p = VerifiedProvider::new(&node, CheckpointOnly, other).with_clock(|| None);
    assert_eq!(pollster::block_on(p.sync()).unwrap_err(), SyncError::UnknownCheckpoint(other));
    assert!(p.tip().is_none());
}

#[test]
fn witnesses_must_serve_the_same_head() {
    let node = MemoryNode::new("primary", 30);
    let witness = MemoryNode::new("witness", 0);
    witness.follow(&node);
    let p = provider(&node).with_witnesses(vec![&witness], 2);
    assert_eq!(sync(&p).unwrap(), 30);

    // The witness goes its own way from block 26: the head is not moved, and the message
    // names who serves what.
    node.mine(5);
    witness.follow(&node);
    witness.reorganise(26, 9, 3);
    let error = sync(&p).unwrap_err();
    match &error {
        SyncError::Disagreement { agree, asked, needed, detail, .. } => {
            assert_eq!((*agree, *asked, *needed), (1, 2, 2));
            assert!(detail.contains("witness serves"), "{detail}");
            assert!(detail.contains("primary serves"), "{detail}");
        }
        other => panic!("expected a disagreement, got {other}"),
    }
    assert_eq!(p.tip().unwrap().number(), 30);

    // Back in agreement, the head moves.
    witness.follow(&node);
    assert_eq!(sync(&p).unwrap(), 35);
}

#[test]
fn a_witness_that_is_down_counts_against_the_quorum() {
    let node = MemoryNode::new("primary", 12);
    let (up, down) = (MemoryNode::new("up", 0), MemoryNode::new("down", 0));
    up.follow(&node);
    down.follow(&node);
    down.set_down(true);
    // 2 of 3 is enough with one witness down …
    let p = provider(&node).with_witnesses(vec![&up, &down], 2);
    assert_eq!(sync(&p).unwrap(), 12);
    // … 3 of 3 is not.
    let strict = provider(&node).with_witnesses(vec![&up, &down], 3);
    let error = sync(&strict).unwrap_err();
    assert!(error.to_string().contains("Too few endpoints answered"), "{error}");
    assert_eq!(strict.tip().map(|t| t.number()), Some(0), "still at the checkpoint");
}

#[test]
fn a_head_dated_in_the_future_is_refused() {
    let node = MemoryNode::new("node", 10);
    // Genesis is at 1_700_000_000 and blocks come a second apart: head at +10 s.
    let p = VerifiedProvider::new(&node, CheckpointOnly, node.genesis_hash())
        .with_clock(|| Some(genesis().timestamp - 3_600));
    assert_eq!(pollster::block_on(p.sync()).unwrap_err(), SyncError::FromTheFuture { block: 10, ahead_s: 3_610 });
    // Within the hour it is accepted.
    let fine = VerifiedProvider::new(&node, CheckpointOnly, node.genesis_hash())
        .with_clock(|| Some(genesis().timestamp - 3_000));
    assert_eq!(sync(&fine).unwrap(), 10);
}

#[test]
fn old_headers_are_reached_by_walking_parent_hashes_back() {
    let node = MemoryNode::new("node", HeaderChain::WINDOW as u64 + 300);
    let p = provider(&node);
    sync(&p).unwrap();
    for n in [5, 0, 299, 150] {
        let header = pollster::block_on(p.header(n)).unwrap();
        assert_eq!((header.number(), header.hash), (n, node.hash_at(n)));
    }
}

#[test]
fn a_header_above_the_tip_syncs_first_and_beyond_the_head_is_refused() {
    let node = MemoryNode::new("node", 10);
    let p = provider(&node);
    sync(&p).unwrap();
    node.mine(5);
    assert_eq!(pollster::block_on(p.header(14)).unwrap().hash, node.hash_at(14));
    let error = pollster::block_on(p.header(100)).unwrap_err();
    assert!(error.to_string().contains("block 100 is above the node's head 15"), "{error}");
}

#[test]
fn a_node_that_goes_down_is_a_transport_error_naming_it() {
    let node = MemoryNode::new("node-a", 3);
    let p = provider(&node);
    sync(&p).unwrap();
    node.set_down(true);
    let error = sync(&p).unwrap_err();
    assert!(matches!(&error, SyncError::Transport(e) if e.0.contains("node-a")), "{error}");
    assert_eq!(p.tip().unwrap().number(), 3);
}

// ---- Proven state ----

const ALICE: Address = Address::repeat_byte(0xa1);
const READER: Address = Address::repeat_byte(0xc1);
const FORWARDER: Address = Address::repeat_byte(0xc2);

/// SLOAD(0), returned as one word.
const READ_SLOT_0: [u8; 11] = [0x60, 0x00, 0x54, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];

/// STATICCALLs `target` and returns the word it returned.
fn forward_to(target: Address) -> Bytes {
    let mut code = vec![0x60, 0x20, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73];
    code.extend_from_slice(target.as_slice());
    code.extend_from_slice(&[0x5a, 0xfa, 0x50, 0x60, 0x20, 0x60, 0x00, 0xf3]);
    code.into()
}

/// A node (synced by the returned provider) whose state holds Alice's funds, a contract
/// that reads its slot 0 (holding 42) and one that forwards to it.
fn node_with_state() -> MemoryNode {
    let node = MemoryNode::new("node", 0);
    node.set_account(ALICE, |a| {
        a.balance = U256::from(5_000_000_000u64);
        a.nonce = 3;
    });
    node.set_account(READER, |a| {
        a.code = Bytes::from_static(&READ_SLOT_0);
        a.storage.insert(U256::ZERO, U256::from(42));
        a.storage.insert(U256::from(7), U256::from(700));
    });
    node.set_account(FORWARDER, |a| a.code = forward_to(READER));
    node.mine(3);
    node
}

fn synced(node: &MemoryNode) -> VerifiedProvider<&MemoryNode, CheckpointOnly> {
    let p = provider(node);
    sync(&p).unwrap();
    p
}

#[test]
fn an_account_is_proven_against_the_tips_state_root() {
    let node = node_with_state();
    let p = synced(&node);
    match pollster::block_on(p.account(ALICE)) {
        Verified::Proven { value, block } => {
            assert_eq!((value.balance, value.nonce, block), (U256::from(5_000_000_000u64), 3, 3));
        }
        other => panic!("expected a proven account, got {other:?}"),
    }
    // An account the state does not hold is proven absent: empty, not unknown.
    let nobody = pollster::block_on(p.account(Address::repeat_byte(0x99)));
    assert!(
        matches!(&nobody, Verified::Proven { value, .. } if value.balance.is_zero() && value.nonce == 0),
        "{nobody:?}"
    );
}

#[test]
fn a_proof_that_fails_once_is_asked_for_again_and_twice_is_refused() {
    let node = node_with_state();
    let p = synced(&node);
    node.serve_bad_proofs(1);
    let once = pollster::block_on(p.account(ALICE));
    assert!(
        matches!(&once, Verified::Proven { value, .. } if value.balance == U256::from(5_000_000_000u64)),
        "{once:?}"
    );
    assert_eq!(node.proofs_served(), 2, "asked a second time");

    node.serve_bad_proofs(2);
    let twice = pollster::block_on(p.account(ALICE));
    match &twice {
        Verified::Rejected { reason } => assert!(reason.contains("state root"), "{reason}"),
        other => panic!("a balance whose proof failed was shown: {other:?}"),
    }
    assert_eq!(twice.value(), None, "the claimed balance is withheld");
}

#[test]
fn storage_slots_are_proven_and_an_unset_slot_is_proven_zero() {
    let node = node_with_state();
    let p = synced(&node);
    let slots = [U256::ZERO, U256::from(7), U256::from(8)];
    let proven = pollster::block_on(p.storage(READER, &slots));
    let expected = vec![(U256::ZERO, U256::from(42)), (U256::from(7), U256::from(700)), (U256::from(8), U256::ZERO)];
    assert_eq!(proven, Verified::Proven { value: expected, block: 3 });
}

#[test]
fn code_is_checked_against_the_proven_code_hash() {
    let node = node_with_state();
    let p = synced(&node);
    assert_eq!(
        pollster::block_on(p.code(READER)),
        Verified::Proven { value: Bytes::from_static(&READ_SLOT_0), block: 3 }
    );
    node.serve_bad_code(true);
    let bad = pollster::block_on(p.code(READER));
    assert!(matches!(&bad, Verified::Rejected { reason } if reason.contains("code")), "{bad:?}");
}

#[test]
fn a_call_runs_here_over_state_proven_round_by_round() {
    let node = node_with_state();
    let p = synced(&node);
    // No hint: the EVM finds the forwarder's code, the reader, its code and its slot one
    // round after another, and each is proven before the next round.
    let request = CallRequest { to: FORWARDER.into(), ..Default::default() };
    let outcome = pollster::block_on(p.call(&request, &Revm));
    assert_eq!(outcome, Verified::Proven { value: CallOutcome::Success(B256::from(U256::from(42)).into()), block: 3 });

    // The state changes in a new block: the same call, synced again, reads the new value.
    node.set_account(READER, |a| {
        a.storage.insert(U256::ZERO, U256::from(43));
    });
    node.mine(1);
    sync(&p).unwrap();
    let outcome = pollster::block_on(p.call(&request, &Revm));
    assert_eq!(outcome, Verified::Proven { value: CallOutcome::Success(B256::from(U256::from(43)).into()), block: 4 });
}

#[test]
fn a_nodes_access_list_only_seeds_what_is_proven() {
    let node = node_with_state();
    let p = synced(&node);
    // A hint that names the reader and a slot the call never reads, and leaves out slot 0:
    // the bogus entry costs a proof, the missing one a round, and the answer is the same.
    node.set_access_list(vec![(READER, vec![U256::from(9)])]);
    let request = CallRequest { to: FORWARDER.into(), ..Default::default() };
    let outcome = pollster::block_on(p.call(&request, &Revm));
    assert_eq!(outcome, Verified::Proven { value: CallOutcome::Success(B256::from(U256::from(42)).into()), block: 3 });
}

#[test]
fn a_call_over_a_proof_that_keeps_failing_is_refused_not_guessed() {
    let node = node_with_state();
    let p = synced(&node);
    node.serve_bad_proofs(2);
    let request = CallRequest { to: READER.into(), ..Default::default() };
    let outcome = pollster::block_on(p.call(&request, &Revm));
    assert!(matches!(&outcome, Verified::Rejected { reason } if reason.contains("state root")), "{outcome:?}");
    // Failing once is retried and the call is answered.
    node.serve_bad_proofs(1);
    let outcome = pollster::block_on(p.call(&request, &Revm));
    assert_eq!(outcome, Verified::Proven { value: CallOutcome::Success(B256::from(U256::from(42)).into()), block: 3 });
}

#[test]
fn an_endpoint_without_proofs_shows_balances_marked_unverified() {
    let node = node_with_state();
    let p = synced(&node);
    node.refuse_proofs(true);
    match pollster::block_on(p.account(ALICE)) {
        Verified::Unverified { value, reason } => {
            assert_eq!(value.balance, U256::from(5_000_000_000u64));
            assert!(reason.contains("eth_getProof failed") && reason.contains("does not exist"), "{reason}");
        }
        other => panic!("expected an unverified balance, got {other:?}"),
    }
    // A call cannot be run without proofs: it is refused with the reason.
    let request = CallRequest { to: READER.into(), ..Default::default() };
    let outcome = pollster::block_on(p.call(&request, &Revm));
    assert!(matches!(&outcome, Verified::Rejected { reason } if reason.contains("eth_getProof failed")), "{outcome:?}");
}

#[test]
fn values_are_proven_at_the_tip_the_provider_verified_not_the_nodes_newest() {
    let node = node_with_state();
    let p = synced(&node);
    node.set_account(ALICE, |a| a.balance = U256::from(1));
    node.mine(2);
    // Not synced yet: the provider proves at block 3, where Alice still had her funds.
    let before = pollster::block_on(p.account(ALICE));
    assert!(matches!(&before, Verified::Proven { value, block: 3 } if value.balance == U256::from(5_000_000_000u64)));
    sync(&p).unwrap();
    let after = pollster::block_on(p.account(ALICE));
    assert!(matches!(&after, Verified::Proven { value, block: 5 } if value.balance == U256::from(1)), "{after:?}");
}

// ---- A root of trust by agreement, and jumps ----

/// Three endpoints of one network, serving the same chain of `blocks` blocks.
fn three_endpoints(blocks: u64) -> (MemoryNode, MemoryNode, MemoryNode) {
    let (a, b, c) =
        (MemoryNode::new("a.example", blocks), MemoryNode::new("b.example", 0), MemoryNode::new("c.example", 0));
    b.follow(&a);
    c.follow(&a);
    (a, b, c)
}

fn by_agreement<'n>(
    own: &'n MemoryNode,
    witnesses: Vec<&'n MemoryNode>,
    quorum: usize,
) -> VerifiedProvider<&'n MemoryNode, CheckpointOnly> {
    VerifiedProvider::by_agreement(own, CheckpointOnly).with_clock(|| None).with_witnesses(witnesses, quorum)
}

#[test]
fn without_a_checkpoint_the_first_sync_starts_from_a_head_the_endpoints_agree_on() {
    let (a, b, c) = three_endpoints(5_000);
    let p = by_agreement(&a, vec![&b, &c], 2);
    assert_eq!(p.trust(), None);
    assert_eq!(sync(&p).unwrap(), 5_000);
    assert_eq!(p.tip().unwrap().hash, a.hash_at(5_000));
    assert_eq!(p.trust(), Some(TrustBasis::Agreement { block: 5_000, hash: a.hash_at(5_000), agree: 3, asked: 3 }));
    assert_eq!(
        p.trust().unwrap().to_string(),
        "hash-linked from block 5000, which 3 of 3 independent endpoints served alike"
    );
    // Blocks below the agreed head are reached by parent hashes, as from a checkpoint.
    assert_eq!(pollster::block_on(p.header(4_990)).unwrap().hash, a.hash_at(4_990));
    // State is proven against the agreed head's root.
    assert!(matches!(pollster::block_on(p.account(ALICE)), Verified::Proven { block: 5_000, .. }));
}

#[test]
fn a_tip_far_behind_jumps_to_the_agreed_head_without_walking_the_gap() {
    let (a, b, c) = three_endpoints(10);
    let p =
        VerifiedProvider::new(&a, CheckpointOnly, a.genesis_hash()).with_clock(|| None).with_witnesses(vec![&b, &c], 2);
    assert_eq!(sync(&p).unwrap(), 10);
    assert_eq!(p.trust(), Some(TrustBasis::Checkpoint { hash: a.genesis_hash() }));
    // Away for long (a week is 1.5 million blocks at 0G's pace; the gap's size does not
    // change what is fetched, so a smaller one keeps the test quick).
    a.mine(100_000);
    b.follow(&a);
    c.follow(&a);
    let served_before = a.headers_served();
    assert_eq!(sync(&p).unwrap(), 100_010);
    assert!(a.headers_served() - served_before < 10, "the gap was not walked");
    assert_eq!(p.trust().map(|t| matches!(t, TrustBasis::Agreement { block: 100_010, agree: 3, .. })), Some(true));
    // Close behind, the tip walks again (hash-linked from the agreed head).
    a.mine(20);
    b.follow(&a);
    c.follow(&a);
    assert_eq!(sync(&p).unwrap(), 100_030);
    assert!(matches!(p.trust(), Some(TrustBasis::Agreement { block: 100_010, .. })));
}

#[test]
fn a_single_endpoint_never_stands_in_for_a_checkpoint() {
    let a = MemoryNode::new("a.example", 5_000);
    let p = VerifiedProvider::by_agreement(&a, CheckpointOnly).with_clock(|| None);
    let error = sync(&p).unwrap_err();
    assert!(error.to_string().contains("too few endpoints are configured"), "{error}");
    assert!(p.tip().is_none() && p.trust().is_none());
    // With a checkpoint and no witnesses, a far tip is walked, never jumped.
    let walked = VerifiedProvider::new(&a, CheckpointOnly, a.genesis_hash()).with_clock(|| None);
    assert_eq!(sync(&walked).unwrap(), 5_000);
    assert_eq!(walked.trust(), Some(TrustBasis::Checkpoint { hash: a.genesis_hash() }));
}

#[test]
fn endpoints_that_disagree_are_named_and_nothing_is_accepted_until_they_agree() {
    let (a, b, c) = three_endpoints(3_000);
    // b serves a private fork from block 2,500; c is far behind.
    b.reorganise(2_500, 500, 7);
    c.reorganise(1_000, 0, 0);
    let p = by_agreement(&a, vec![&b, &c], 2);
    let error = sync(&p).unwrap_err();
    match &error {
        SyncError::Disagreement { block, agree, asked, needed, detail } => {
            assert_eq!((*block, *agree, *asked, *needed), (3_000, 1, 3, 2));
            assert!(detail.contains("a.example serves") && detail.contains("b.example serves"), "{detail}");
            assert!(detail.contains("c.example has no block 3000"), "{detail}");
        }
        other => panic!("expected a disagreement, got {other}"),
    }
    assert!(p.tip().is_none(), "no head was accepted");
    assert_eq!(pollster::block_on(p.account(ALICE)).value(), None, "no value is shown on an unaccepted head");
    // b comes back to the network's chain: the endpoints agree again.
    b.follow(&a);
    assert_eq!(sync(&p).unwrap(), 3_000);
    assert!(matches!(p.trust(), Some(TrustBasis::Agreement { agree: 2, asked: 3, .. })));
}

#[test]
fn a_jump_refused_by_the_endpoints_leaves_the_tip_where_it_was() {
    let (a, b, c) = three_endpoints(10);
    let p =
        VerifiedProvider::new(&a, CheckpointOnly, a.genesis_hash()).with_clock(|| None).with_witnesses(vec![&b, &c], 3);
    sync(&p).unwrap();
    a.mine(2_000);
    b.follow(&a);
    c.follow(&a);
    c.reorganise(1_900, 110, 4);
    let error = sync(&p).unwrap_err();
    assert!(matches!(error, SyncError::Disagreement { agree: 2, needed: 3, .. }), "{error}");
    assert_eq!(p.tip().unwrap().number(), 10);
    assert_eq!(p.trust(), Some(TrustBasis::Checkpoint { hash: a.genesis_hash() }));
}

#[test]
fn a_head_stored_from_another_chain_falls_back_to_a_new_agreement() {
    let (a, b, c) = three_endpoints(40);
    // Resuming from a head this chain never had (the address now serves another network).
    let elsewhere = B256::repeat_byte(0xee);
    let p =
        VerifiedProvider::resuming(&a, CheckpointOnly, elsewhere).with_clock(|| None).with_witnesses(vec![&b, &c], 2);
    assert_eq!(sync(&p).unwrap(), 40);
    assert!(matches!(p.trust(), Some(TrustBasis::Agreement { block: 40, agree: 3, .. })));
    // Resuming from a head it has: the trust is that head, hash-linked onwards.
    let stored = a.hash_at(30);
    let resumed =
        VerifiedProvider::resuming(&a, CheckpointOnly, stored).with_clock(|| None).with_witnesses(vec![&b, &c], 2);
    assert_eq!(sync(&resumed).unwrap(), 40);
    assert_eq!(resumed.trust(), Some(TrustBasis::Checkpoint { hash: stored }));
    // A configured checkpoint the node does not know is still an error, never replaced.
    let pinned =
        VerifiedProvider::new(&a, CheckpointOnly, elsewhere).with_clock(|| None).with_witnesses(vec![&b, &c], 2);
    assert_eq!(pollster::block_on(pinned.sync()).unwrap_err(), SyncError::UnknownCheckpoint(elsewhere));
}
