//! The devnet's Flow and FixedPriceMarket contracts (contracts/src/storage/), as zg-devnet
//! deploys them on a real anvil: every function, every revert path we can reach from an
//! account, and the fee arithmetic to the wei.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{Revert, SolCall, SolError, SolEvent};
use common::{rpc, Devnet};
use serde_json::{json, Value};
use wasm_light_client::storage::{FileTree, SEGMENT_SIZE};
use zg_abi::flow::Flow as IFlow;
use zg_abi::flow::Flow::{Submission, SubmissionData, SubmissionNode};
use zg_abi::market::FixedPriceMarket as IMarket;

/// anvil's dev accounts #2 (a user), #3 (a relayer sending for the user) and #9
/// (zg-devnet's deployer, the market's admin).
const USER: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const RELAYER: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const ADMIN: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const GWEI: u64 = 1_000_000_000;

struct Contracts {
    flow: Address,
    market: Address,
}

fn contracts(devnet: &Devnet) -> Contracts {
    let c = &devnet.ready["contracts"];
    Contracts {
        flow: c["flow"].as_str().unwrap().parse().unwrap(),
        market: c["market"].as_str().unwrap().parse().unwrap(),
    }
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

fn quantity(v: &Value) -> u128 {
    u128::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// A view call's decoded return value.
fn view<C: SolCall>(devnet: &Devnet, to: Address, call: C) -> C::Return {
    let out = devnet.rpc("eth_call", json!([{"to": to, "data": hex(&call.abi_encode())}, "latest"]));
    C::abi_decode_returns(&alloy_primitives::hex::decode(out.as_str().unwrap()).unwrap()).unwrap()
}

/// The revert data of a call that must revert (executed by anvil exactly as a transaction).
fn revert_data(devnet: &Devnet, from: &str, to: Address, data: &[u8], value: U256) -> Bytes {
    let tx = json!({"from": from, "to": to, "data": hex(data), "value": format!("0x{value:x}")});
    let error = rpc(&devnet.rpc_url, "eth_call", json!([tx, "latest"])).expect_err("the call did not revert");
    common::revert_bytes(&error).unwrap_or_else(|| panic!("no revert data in {error}")).into()
}

fn assert_reverts(devnet: &Devnet, from: &str, to: Address, data: &[u8], value: U256, expected: impl SolError) {
    let got = revert_data(devnet, from, to, data, value);
    assert_eq!(got, Bytes::from(expected.abi_encode()), "expected {}", expected_name(&expected));
}

/// A `require(…, reason)` revert, as 0G's contracts raise most of theirs.
fn assert_reverts_with(devnet: &Devnet, from: &str, to: Address, data: &[u8], value: U256, reason: &str) {
    assert_reverts(devnet, from, to, data, value, Revert::from(reason));
}

fn expected_name<E: SolError>(_: &E) -> &'static str {
    E::SIGNATURE
}

/// Sends a transaction from an unlocked dev account; returns the successful receipt.
fn send(devnet: &Devnet, from: &str, to: Address, data: &[u8], value: U256) -> Value {
    let tx = json!({"from": from, "to": to, "data": hex(data), "value": format!("0x{value:x}")});
    let hash = devnet.rpc("eth_sendTransaction", json!([tx]));
    let receipt = devnet.wait_receipt(hash.as_str().unwrap());
    assert_eq!(receipt["status"], "0x1", "{receipt}");
    receipt
}

fn submission_of(tree: &FileTree) -> SubmissionData {
    SubmissionData {
        length: U256::from(tree.size()),
        tags: Bytes::from_static(b"zg-console"),
        nodes: tree
            .submission_nodes()
            .iter()
            .map(|n| SubmissionNode { root: n.root, height: U256::from(n.height) })
            .collect(),
    }
}

fn submission(data: SubmissionData) -> Submission {
    Submission { data, submitter: USER.parse().unwrap() }
}

fn submit_call(data: SubmissionData) -> Vec<u8> {
    IFlow::submitCall { submission: submission(data) }.abi_encode()
}

/// The `Submit` events of a receipt, in order.
fn submits(receipt: &Value) -> Vec<IFlow::Submit> {
    receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["topics"][0] == json!(IFlow::Submit::SIGNATURE_HASH))
        .map(|l| {
            let topics: Vec<B256> =
                l["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
            IFlow::Submit::decode_raw_log(topics, &alloy_primitives::hex::decode(l["data"].as_str().unwrap()).unwrap())
                .unwrap()
        })
        .collect()
}

/// 0G's placement rules (FlowTreeLib `pad` + `insertNode`), written out independently of
/// the contract: the flow starts with one identifier sector; a subtree of height h starts
/// at the next multiple of 2^h; a submission whose first subtree would start inside a
/// 1024-sector segment and end in a later one starts at the next segment instead.
/// Returns (start of the first subtree, the flow's length after).
fn place(flow_length: u64, heights: &[u64]) -> (u64, u64) {
    let align = |n: u64, h: u64| n.div_ceil(1 << h) << h;
    let size: u64 = heights.iter().map(|h| 1u64 << h).sum();
    let mut length = flow_length;
    let first = align(length, heights[0]);
    if first % 1024 != 0 && first / 1024 != (first + size - 1) / 1024 {
        length = align(first, 10);
    }
    let mut start = None;
    for &h in heights {
        let at = align(length, h);
        start.get_or_insert(at);
        length = at + (1 << h);
    }
    (start.unwrap(), length)
}

fn heights(data: &SubmissionData) -> Vec<u64> {
    data.nodes.iter().map(|n| n.height.to::<u64>()).collect()
}

fn file(size: usize) -> FileTree {
    FileTree::new(&(0..size).map(|i| (i % 251) as u8).collect::<Vec<_>>()).unwrap()
}

#[test]
fn submit_takes_the_fee_keeps_an_overpayment_and_announces_the_file_for_its_submitter() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    // One segment plus 65 chunks: padded to 1152 sectors, subtrees of 1024 and 128.
    let tree = file(SEGMENT_SIZE + 65 * 256);
    let data = submission_of(&tree);
    assert_eq!(heights(&data), [10, 7]);
    let price = view(&devnet, c.market, IMarket::pricePerSectorCall {});
    assert_eq!(price, U256::from(GWEI));
    assert_eq!(view(&devnet, c.flow, IFlow::sectorsOfCall { data: data.clone() }), U256::from(1152));
    let fee = view(&devnet, c.flow, IFlow::feeCall { data: data.clone() });
    assert_eq!(fee, U256::from(1152 * GWEI));

    // A relayer sends the user's submission and pays more than the fee.
    let excess = U256::from(10u64.pow(15));
    let receipt = send(&devnet, RELAYER, c.flow, &submit_call(data.clone()), fee + excess);
    let block = quantity(&receipt["blockNumber"]);
    let at = |n: u128| format!("0x{n:x}");
    let gas = quantity(&receipt["gasUsed"]) * quantity(&receipt["effectiveGasPrice"]);
    let (fee_wei, excess_wei) = (fee.to::<u128>(), excess.to::<u128>());
    let delta = |who: &str| (devnet.balance(who, &at(block)) as i128) - (devnet.balance(who, &at(block - 1)) as i128);
    assert_eq!(delta(&c.market.to_string()), fee_wei as i128, "the market got the fee");
    assert_eq!(delta(&c.flow.to_string()), excess_wei as i128, "the overpayment stays in the Flow, as on 0G");
    assert_eq!(delta(RELAYER), -((fee_wei + excess_wei + gas) as i128), "nothing came back");
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), fee);

    // The event names the submitter, not the relayer; the identity is 0G's digest of the roots.
    let [submit] = submits(&receipt).try_into().unwrap();
    let packed: Vec<u8> = data.nodes.iter().flat_map(|n| n.root.0).collect();
    assert_eq!(submit.sender, USER.parse::<Address>().unwrap());
    assert_eq!(submit.identity, keccak256(&packed));
    // The flow's sector 0 is its identifier: the first subtree (1024 sectors) starts at 1024.
    assert_eq!(place(1, &[10, 7]), (1024, 2176));
    assert_eq!(
        (submit.submissionIndex, submit.startPos, submit.length),
        (U256::ZERO, U256::from(1024), U256::from(1152))
    );
    assert_eq!(submit.submission, data);
    let charged = receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["topics"][0] == json!(IMarket::FeeCharged::SIGNATURE_HASH))
        .unwrap_or_else(|| panic!("no FeeCharged in {receipt}"));
    let charged = IMarket::FeeCharged::decode_raw_log(
        charged["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse::<B256>().unwrap()),
        &alloy_primitives::hex::decode(charged["data"].as_str().unwrap()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (charged.beforeLength, charged.uploadSectors, charged.paddingSectors),
        (U256::from(1), U256::from(1152), U256::from(1023))
    );
    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::from(1));
    assert_eq!(view(&devnet, c.flow, IFlow::submissionIndexCall {}), U256::from(1));

    // The next submission pays nothing itself: what the Flow holds covers it, as on 0G.
    let small = submission_of(&file(1000));
    let receipt = send(&devnet, USER, c.flow, &submit_call(small.clone()), U256::ZERO);
    let [submit] = submits(&receipt).try_into().unwrap();
    assert_eq!(
        (submit.submissionIndex, submit.startPos, submit.length),
        (U256::from(1), U256::from(2176), U256::from(4))
    );
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), fee + U256::from(4 * GWEI));
    assert_eq!(devnet.balance(&c.flow.to_string(), "latest"), excess_wei - 4 * GWEI as u128);
}

#[test]
fn files_of_every_shape_land_where_0gs_rules_place_them() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    let sizes = [
        1,
        300,
        1000,
        SEGMENT_SIZE - 1,
        200 * 256,
        SEGMENT_SIZE + 1,
        700 * 256,
        16 * 256 + 1,
        3 * SEGMENT_SIZE + 4096,
        100 * 256,
        5 * SEGMENT_SIZE,
        900 * 256,
        2 * 256,
    ];
    let datas: Vec<SubmissionData> = sizes.iter().map(|&s| submission_of(&file(s))).collect();
    let fee_of = |d: &SubmissionData| view(&devnet, c.flow, IFlow::feeCall { data: d.clone() });

    // Half one at a time, half in one batchSubmit paid once.
    let (singles, batch) = datas.split_at(datas.len() / 2);
    let mut events = Vec::new();
    for d in singles {
        events.extend(submits(&send(&devnet, USER, c.flow, &submit_call(d.clone()), fee_of(d))));
    }
    let total = batch.iter().map(fee_of).fold(U256::ZERO, |a, b| a + b);
    let call = IFlow::batchSubmitCall { submissions: batch.iter().cloned().map(submission).collect() };
    events.extend(submits(&send(&devnet, USER, c.flow, &call.abi_encode(), total)));
    assert_eq!(events.len(), sizes.len());
    assert_eq!(devnet.balance(&c.flow.to_string(), "latest"), 0, "exact fees leave nothing in the Flow");

    // Replay 0G's rules over the announced files.
    let (mut flow_length, mut moved, mut shares_a_segment) = (1u64, 0, 0);
    for (i, (event, data)) in events.iter().zip(&datas).enumerate() {
        let hs = heights(data);
        let (start, after) = place(flow_length, &hs);
        assert_eq!(event.submission, *data, "file {i}");
        assert_eq!(event.submissionIndex, U256::from(i), "file {i}");
        assert_eq!(event.startPos, U256::from(start), "file {i} ({} bytes) after {flow_length} sectors", sizes[i]);
        assert_eq!(event.length, U256::from(hs.iter().map(|h| 1u64 << h).sum::<u64>()), "file {i}");
        let naive = flow_length.div_ceil(1 << hs[0]) << hs[0];
        moved += usize::from(start != naive);
        shares_a_segment += usize::from(start % 1024 != 0);
        flow_length = after;
    }
    // The sizes were picked so that both of 0G's special cases happen.
    assert!(moved >= 1, "no file was moved to a segment boundary");
    assert!(shares_a_segment >= 1, "no file started inside a segment");
    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::from(sizes.len()));
}

#[test]
fn submit_refuses_what_0g_refuses_and_changes_nothing() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    let tree = file(SEGMENT_SIZE + 65 * 256);
    let data = submission_of(&tree);
    let fee = U256::from(1152 * GWEI);
    let price = U256::from(GWEI);

    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(data.clone()),
        fee - U256::from(1),
        IFlow::NotEnoughFee { price, amount: U256::from(1152), paid: fee - U256::from(1) },
    );
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(data.clone()),
        U256::ZERO,
        IFlow::NotEnoughFee { price, amount: U256::from(1152), paid: U256::ZERO },
    );

    let node = |height: u64| SubmissionNode { root: B256::repeat_byte(height as u8 + 1), height: U256::from(height) };
    let with = |length: usize, nodes: Vec<SubmissionNode>| SubmissionData {
        length: U256::from(length),
        tags: Bytes::new(),
        nodes,
    };
    let invalid = |what: &str, submission: Submission| {
        let call = IFlow::submitCall { submission }.abi_encode();
        // Validity is checked before the fee: a generous payment changes nothing.
        let got = revert_data(&devnet, USER, c.flow, &call, fee * U256::from(4));
        assert_eq!(got, Bytes::from(Revert::from("Invalid submission").abi_encode()), "{what}");
    };
    invalid("no submitter", Submission { data: data.clone(), submitter: Address::ZERO });
    invalid("no subtrees", submission(with(1000, vec![])));
    invalid("an empty file", submission(with(0, vec![node(0)])));
    invalid("equal heights", submission(with(2048 * 256, vec![node(10), node(10)])));
    // 0G's check of the heights' span comes first and underflows on ascending heights:
    // solc's arithmetic panic, not "Invalid submission". The devnet does the same.
    let ascending = IFlow::submitCall { submission: submission(with(1152 * 256, vec![node(7), node(10)])) };
    let panic_0x11 = alloy_sol_types::Panic::from(alloy_sol_types::PanicKind::UnderOverflow).abi_encode();
    assert_eq!(revert_data(&devnet, USER, c.flow, &ascending.abi_encode(), fee), Bytes::from(panic_0x11));
    invalid("a subtree of 2^64 sectors", submission(with(1000, vec![node(64)])));
    invalid("heights four apart", submission(with(1088 * 256, vec![node(10), node(6)])));
    invalid("more bytes than the subtrees hold", submission(with(1152 * 256 + 1, data.nodes.clone())));
    // 1024 sectors' worth fits one segment: 0G refuses the 1152-sector padding for it.
    invalid("a length that needs less padding", submission(with(1024 * 256, data.nodes.clone())));
    invalid("eight sectors for four sectors' worth", submission(with(1000, vec![node(3)])));
    let mut short = data.clone();
    short.nodes.pop();
    invalid("subtrees short of the length", submission(short));

    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::ZERO);
    assert_eq!(view(&devnet, c.flow, IFlow::marketCall {}), c.market);
    assert_eq!(view(&devnet, c.flow, IFlow::marketContractCall {}), c.market);
    assert_eq!(
        view(&devnet, c.flow, IFlow::firstBlockCall {}),
        U256::from(devnet.ready["contracts"]["firstBlock"].as_u64().unwrap())
    );
    assert_eq!(view(&devnet, c.flow, IFlow::SECTOR_BYTESCall {}), U256::from(256));
    assert_eq!(view(&devnet, c.flow, IFlow::MAX_HEIGHTCall {}), U256::from(64));
}

#[test]
fn the_market_charges_only_for_its_flow_and_follows_its_admins_price() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    let admin: Address = ADMIN.parse().unwrap();
    assert_eq!(view(&devnet, c.market, IMarket::adminCall {}), admin);
    assert_eq!(view(&devnet, c.market, IMarket::flowCall {}), c.flow);
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), U256::ZERO);

    let charge =
        IMarket::chargeFeeCall { beforeLength: U256::ZERO, uploadSectors: U256::from(1), paddingSectors: U256::ZERO };
    for who in [USER, ADMIN] {
        assert_reverts_with(
            &devnet,
            who,
            c.market,
            &charge.abi_encode(),
            U256::ZERO,
            "Sender does not have permission",
        );
    }
    let set_flow = IMarket::setFlowCall { flow_: Address::repeat_byte(1) }.abi_encode();
    assert_reverts(&devnet, USER, c.market, &set_flow, U256::ZERO, IMarket::OnlyAdmin {});
    assert_reverts(&devnet, ADMIN, c.market, &set_flow, U256::ZERO, IMarket::FlowAlreadySet {});
    let five = IMarket::setPricePerSectorCall { price: U256::from(5 * GWEI) }.abi_encode();
    assert_reverts(&devnet, USER, c.market, &five, U256::ZERO, IMarket::OnlyAdmin {});
    assert_eq!(view(&devnet, c.market, IMarket::pricePerSectorCall {}), U256::from(GWEI));

    // The admin changes the price; the Flow charges the new one from then on.
    let receipt = send(&devnet, ADMIN, c.market, &five, U256::ZERO);
    let log = &receipt["logs"][0];
    assert_eq!(log["topics"][0], json!(IMarket::PriceChanged::SIGNATURE_HASH));
    assert_eq!(
        U256::from_str_radix(log["data"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap(),
        U256::from(5 * GWEI)
    );
    let data = submission_of(&file(1000));
    assert_eq!(view(&devnet, c.flow, IFlow::feeCall { data: data.clone() }), U256::from(4 * 5 * GWEI));
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(data.clone()),
        U256::from(4 * GWEI),
        IFlow::NotEnoughFee { price: U256::from(5 * GWEI), amount: U256::from(4), paid: U256::from(4 * GWEI) },
    );
    send(&devnet, USER, c.flow, &submit_call(data), U256::from(20 * GWEI));
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), U256::from(20 * GWEI));

    // A price of zero makes storage free, and free submissions still work.
    send(&devnet, ADMIN, c.market, &IMarket::setPricePerSectorCall { price: U256::ZERO }.abi_encode(), U256::ZERO);
    send(&devnet, USER, c.flow, &submit_call(submission_of(&file(300))), U256::ZERO);
    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::from(2));
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), U256::from(20 * GWEI));
}
