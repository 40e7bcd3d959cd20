//! The devnet's Flow and FixedPriceMarket contracts (contracts/src/storage/), as zg-devnet
//! deploys them on a real anvil: every function, every revert path we can reach from an
//! account, and the fee arithmetic to the wei.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use common::{rpc, Devnet};
use serde_json::{json, Value};
use wasm_light_client::storage::{num_chunks, padded_chunks, FileTree, SEGMENT_SIZE};

/// anvil's dev accounts #2 (a user) and #9 (zg-devnet's deployer, the market's admin).
const USER: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const ADMIN: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const GWEI: u64 = 1_000_000_000;

alloy_sol_types::sol! {
    #![sol(all_derives)]
    struct SubmissionNode { bytes32 root; uint256 height; }
    struct SubmissionData { uint256 length; bytes tags; SubmissionNode[] nodes; }
    struct Submission { SubmissionData data; address submitter; }

    interface IFlow {
        event Submit(
            address indexed sender,
            bytes32 indexed identity,
            uint256 submissionIndex,
            uint256 startPos,
            uint256 length,
            SubmissionData submission
        );
        error EmptyFile();
        error NoNodes();
        error BadHeight(uint256 index, uint256 height);
        error HeightsNotDescending(uint256 index);
        error SectorsMismatch(uint256 expected, uint256 submitted);
        error FeeTooLow(uint256 required, uint256 sent);
        function submit(Submission submission) external payable returns (uint256, bytes32, uint256, uint256);
        function market() external view returns (address);
        function marketContract() external view returns (address);
        function firstBlock() external view returns (uint256);
        function flowLength() external view returns (uint256);
        function numSubmissions() external view returns (uint256);
        function submissionDigest(uint256 index) external view returns (bytes32);
        function paddedSectors(uint256 length) external pure returns (uint256);
        function fee(SubmissionData data) external view returns (uint256);
        function sectorsOf(SubmissionData data) external pure returns (uint256);
        function SECTOR_BYTES() external view returns (uint256);
        function MAX_HEIGHT() external view returns (uint256);
    }

    interface IMarket {
        event PriceChanged(uint256 pricePerSector);
        event FeeCharged(uint256 beforeLength, uint256 uploadSectors, uint256 paddingSectors);
        error OnlyAdmin();
        error OnlyFlow();
        error FlowAlreadySet();
        function pricePerSector() external view returns (uint256);
        function flow() external view returns (address);
        function admin() external view returns (address);
        function totalFees() external view returns (uint256);
        function setFlow(address flow_) external;
        function setPricePerSector(uint256 price) external;
        function chargeFee(uint256 beforeLength, uint256 uploadSectors, uint256 paddingSectors) external;
    }
}

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
    let error: Value = serde_json::from_str(&error).unwrap();
    let data = error["data"].as_str().unwrap_or_else(|| panic!("no revert data in {error}"));
    alloy_primitives::hex::decode(data).unwrap().into()
}

fn assert_reverts(devnet: &Devnet, from: &str, to: Address, data: &[u8], value: U256, expected: impl SolError) {
    let got = revert_data(devnet, from, to, data, value);
    assert_eq!(got, Bytes::from(expected.abi_encode()), "expected {}", expected_name(&expected));
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

fn submit_call(data: SubmissionData) -> Vec<u8> {
    IFlow::submitCall { submission: Submission { data, submitter: USER.parse().unwrap() } }.abi_encode()
}

fn file(size: usize) -> FileTree {
    FileTree::new(&(0..size).map(|i| (i % 251) as u8).collect::<Vec<_>>()).unwrap()
}

#[test]
fn submit_takes_sectors_times_price_refunds_the_rest_and_announces_the_file() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    // One segment plus 65 chunks: padded to 1152 sectors, nodes of 1024 and 128.
    let tree = file(SEGMENT_SIZE + 65 * 256);
    let data = submission_of(&tree);
    assert_eq!(data.nodes.len(), 2);
    let price = view(&devnet, c.market, IMarket::pricePerSectorCall {});
    assert_eq!(price, U256::from(GWEI));
    assert_eq!(view(&devnet, c.flow, IFlow::sectorsOfCall { data: data.clone() }), U256::from(1152));
    let fee = view(&devnet, c.flow, IFlow::feeCall { data: data.clone() });
    assert_eq!(fee, U256::from(1152 * GWEI));

    let excess = U256::from(10u64.pow(18));
    let receipt = send(&devnet, USER, c.flow, &submit_call(data.clone()), fee + excess);
    let block = quantity(&receipt["blockNumber"]);
    let at = |n: u128| format!("0x{n:x}");
    let paid = quantity(&receipt["gasUsed"]) * quantity(&receipt["effectiveGasPrice"]);
    let fee_wei = fee.to::<u128>();
    assert_eq!(
        devnet.balance(&c.market.to_string(), &at(block)),
        devnet.balance(&c.market.to_string(), &at(block - 1)) + fee_wei
    );
    assert_eq!(
        devnet.balance(USER, &at(block)),
        devnet.balance(USER, &at(block - 1)) - fee_wei - paid,
        "the excess came back"
    );
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), fee);

    // The event: everything a storage node needs, and the digest as the identity.
    let logs = receipt["logs"].as_array().unwrap();
    let log = |address: Address, topic: B256| {
        logs.iter()
            .find(|l| {
                l["address"].as_str().unwrap().parse::<Address>().unwrap() == address && l["topics"][0] == json!(topic)
            })
            .unwrap_or_else(|| panic!("no {topic} log from {address} in {receipt}"))
    };
    let decode = |l: &Value| {
        let topics: Vec<B256> =
            l["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
        (topics, alloy_primitives::hex::decode(l["data"].as_str().unwrap()).unwrap())
    };
    let (topics, bytes) = decode(log(c.flow, IFlow::Submit::SIGNATURE_HASH));
    let submit = IFlow::Submit::decode_raw_log(topics, &bytes).unwrap();
    let digest = keccak256((data.clone(),).abi_encode_params());
    assert_eq!(submit.sender, USER.parse::<Address>().unwrap());
    assert_eq!(submit.identity, digest);
    assert_eq!((submit.submissionIndex, submit.startPos, submit.length), (U256::ZERO, U256::ZERO, U256::from(1152)));
    assert_eq!(submit.submission, data);
    let (topics, bytes) = decode(log(c.market, IMarket::FeeCharged::SIGNATURE_HASH));
    let charged = IMarket::FeeCharged::decode_raw_log(topics, &bytes).unwrap();
    assert_eq!(
        (charged.beforeLength, charged.uploadSectors, charged.paddingSectors),
        (U256::ZERO, U256::from(1152), U256::ZERO)
    );
    assert_eq!(view(&devnet, c.flow, IFlow::flowLengthCall {}), U256::from(1152));
    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::from(1));
    assert_eq!(view(&devnet, c.flow, IFlow::submissionDigestCall { index: U256::ZERO }), digest);

    // A second file, exact fee: it starts where the first ended.
    let small = file(1000);
    let small_data = submission_of(&small);
    let small_fee = U256::from(4 * GWEI);
    let receipt = send(&devnet, USER, c.flow, &submit_call(small_data.clone()), small_fee);
    let (topics, bytes) = decode(
        &receipt["logs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["topics"][0] == json!(IFlow::Submit::SIGNATURE_HASH))
            .unwrap()
            .clone(),
    );
    let submit = IFlow::Submit::decode_raw_log(topics, &bytes).unwrap();
    assert_eq!(
        (submit.submissionIndex, submit.startPos, submit.length),
        (U256::from(1), U256::from(1152), U256::from(4))
    );
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), fee + small_fee);
    assert_eq!(view(&devnet, c.flow, IFlow::flowLengthCall {}), U256::from(1156));
}

#[test]
fn submit_refuses_what_0g_would_not_store() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    let tree = file(SEGMENT_SIZE + 65 * 256);
    let data = submission_of(&tree);
    let fee = U256::from(1152 * GWEI);
    let node = |height: u64| SubmissionNode { root: B256::repeat_byte(height as u8), height: U256::from(height) };
    let with = |length: usize, nodes: Vec<SubmissionNode>| SubmissionData {
        length: U256::from(length),
        tags: Bytes::new(),
        nodes,
    };

    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(data.clone()),
        fee - U256::from(1),
        IFlow::FeeTooLow { required: fee, sent: fee - U256::from(1) },
    );
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(data.clone()),
        U256::ZERO,
        IFlow::FeeTooLow { required: fee, sent: U256::ZERO },
    );
    assert_reverts(&devnet, USER, c.flow, &submit_call(with(0, vec![node(0)])), fee, IFlow::EmptyFile {});
    assert_reverts(&devnet, USER, c.flow, &submit_call(with(1000, vec![])), fee, IFlow::NoNodes {});
    // Nodes must be strictly descending: equal and ascending heights both fail at index 1.
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(with(2048 * 256, vec![node(10), node(10)])),
        fee,
        IFlow::HeightsNotDescending { index: U256::from(1) },
    );
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(with(1152 * 256, vec![node(7), node(10)])),
        fee,
        IFlow::HeightsNotDescending { index: U256::from(1) },
    );
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(with(1000, vec![node(64)])),
        fee,
        IFlow::BadHeight { index: U256::ZERO, height: U256::from(64) },
    );
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(with(11, vec![node(12), node(64)])),
        fee,
        IFlow::BadHeight { index: U256::from(1), height: U256::from(64) },
    );
    // The nodes must cover exactly the padded file: 1152 sectors, not 1024 nor 2048.
    let mut short = data.clone();
    short.nodes.pop();
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(short),
        fee,
        IFlow::SectorsMismatch { expected: U256::from(1152), submitted: U256::from(1024) },
    );
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(with(SEGMENT_SIZE + 65 * 256, vec![node(11)])),
        fee,
        IFlow::SectorsMismatch { expected: U256::from(1152), submitted: U256::from(2048) },
    );
    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::ZERO);
    assert_eq!(view(&devnet, c.flow, IFlow::flowLengthCall {}), U256::ZERO);

    // The views: the padding rule is 0G's (the light client's, checked against the SDK).
    for length in [
        1u64,
        255,
        256,
        257,
        4096,
        15 * 256,
        16 * 256 + 1,
        17 * 256 + 1,
        262_143,
        262_145,
        1 << 20,
        (1 << 20) + 1,
        4 * 1048576 + 1,
    ] {
        let contract = view(&devnet, c.flow, IFlow::paddedSectorsCall { length: U256::from(length) });
        assert_eq!(contract, U256::from(padded_chunks(num_chunks(length))), "padding of {length} bytes");
    }
    assert_eq!(view(&devnet, c.flow, IFlow::paddedSectorsCall { length: U256::ZERO }), U256::ZERO);
    assert_eq!(view(&devnet, c.flow, IFlow::marketCall {}), c.market);
    assert_eq!(view(&devnet, c.flow, IFlow::marketContractCall {}), c.market);
    assert_eq!(
        view(&devnet, c.flow, IFlow::firstBlockCall {}),
        U256::from(devnet.ready["contracts"]["firstBlock"].as_u64().unwrap())
    );
    assert_eq!(view(&devnet, c.flow, IFlow::SECTOR_BYTESCall {}), U256::from(256));
    assert_eq!(view(&devnet, c.flow, IFlow::MAX_HEIGHTCall {}), U256::from(64));
    assert_eq!(view(&devnet, c.flow, IFlow::submissionDigestCall { index: U256::ZERO }), B256::ZERO);
}

#[test]
fn the_market_answers_only_its_admin_and_its_flow() {
    let devnet = Devnet::start();
    let c = contracts(&devnet);
    let admin: Address = ADMIN.parse().unwrap();
    assert_eq!(view(&devnet, c.market, IMarket::adminCall {}), admin);
    assert_eq!(view(&devnet, c.market, IMarket::flowCall {}), c.flow);
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), U256::ZERO);

    let charge =
        IMarket::chargeFeeCall { beforeLength: U256::ZERO, uploadSectors: U256::from(1), paddingSectors: U256::ZERO };
    assert_reverts(&devnet, USER, c.market, &charge.abi_encode(), U256::ZERO, IMarket::OnlyFlow {});
    assert_reverts(&devnet, ADMIN, c.market, &charge.abi_encode(), U256::ZERO, IMarket::OnlyFlow {});
    // Fees arrive only from the Flow; a stray payment is refused, not kept.
    assert_reverts(&devnet, USER, c.market, &[], U256::from(1), IMarket::OnlyFlow {});
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
    assert_eq!(view(&devnet, c.market, IMarket::pricePerSectorCall {}), U256::from(5 * GWEI));
    let data = submission_of(&file(1000));
    assert_eq!(view(&devnet, c.flow, IFlow::feeCall { data: data.clone() }), U256::from(4 * 5 * GWEI));
    assert_reverts(
        &devnet,
        USER,
        c.flow,
        &submit_call(data.clone()),
        U256::from(4 * GWEI),
        IFlow::FeeTooLow { required: U256::from(20 * GWEI), sent: U256::from(4 * GWEI) },
    );
    send(&devnet, USER, c.flow, &submit_call(data), U256::from(20 * GWEI));
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), U256::from(20 * GWEI));

    // A price of zero makes storage free, and free submissions still work.
    send(&devnet, ADMIN, c.market, &IMarket::setPricePerSectorCall { price: U256::ZERO }.abi_encode(), U256::ZERO);
    let free = submission_of(&file(300));
    send(&devnet, USER, c.flow, &submit_call(free), U256::ZERO);
    assert_eq!(view(&devnet, c.flow, IFlow::numSubmissionsCall {}), U256::from(2));
    assert_eq!(view(&devnet, c.market, IMarket::totalFeesCall {}), U256::from(20 * GWEI));
}
