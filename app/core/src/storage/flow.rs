//! The Flow contract as the client sees it: the `submit` call that announces a file, the
//! `Submit` event that proves it was announced, and the fee. ABI identical to 0G's
//! `FixedPriceFlow` (checked against 0G's TypeScript SDK), so the same code pays 0G's
//! contract on Galileo and the devnet's stand-in.

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use wasm_light_client::storage::{FileTree, SubmissionNode};

// `Zg…`: the ABI's structs, apart from the light client's `SubmissionNode` they are built from.
use zg_abi::flow::Flow::{
    marketCall, submitCall, NotEnoughFee, Submission as ZgSubmission, SubmissionData as ZgSubmissionData,
    SubmissionNode as ZgSubmissionNode, Submit,
};
use zg_abi::market::FixedPriceMarket::pricePerSectorCall;

/// What a Flow revert means for the user, where it is one of the Flow's own errors. The
/// texts are 0G's `FixedPriceFlow` and `SubmissionLibrary` ones, which the devnet's Flow
/// raises too.
pub fn explain_revert(data: &[u8]) -> Option<String> {
    flow_revert(data).map(|r| r.to_string())
}

/// The Flow's own errors, read from revert data; `None` for data it does not raise.
pub fn flow_revert(data: &[u8]) -> Option<FlowRevert> {
    use alloy_sol_types::{Revert, SolError};
    if let Ok(e) = NotEnoughFee::abi_decode(data) {
        return Some(FlowRevert::NotEnoughFee { price: e.price, sectors: e.amount, paid: e.paid });
    }
    match Revert::abi_decode(data).ok()?.reason.as_str() {
        "Invalid submission" => Some(FlowRevert::InvalidSubmission),
        _ => None,
    }
}

/// Why the Flow refuses a submission, as 0G's `FixedPriceFlow` and `SubmissionLibrary` say
/// it. Shown in the page's language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowRevert {
    /// The payment covered less than `sectors` at the market's `price` each: the price
    /// changed since the quote.
    NotEnoughFee { price: U256, sectors: U256, paid: U256 },
    /// The file's description does not follow 0G's padding rule, or names no submitter.
    InvalidSubmission,
}

impl FlowRevert {
    /// What the fee is now: every sector at the current price.
    pub fn due(price: U256, sectors: U256) -> U256 {
        price.saturating_mul(sectors)
    }
}

impl std::fmt::Display for FlowRevert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::format::format_0g;
        match self {
            FlowRevert::NotEnoughFee { price, sectors, paid } => write!(
                f,
                "the storage fee is now {} ({sectors} sectors at {} each) and the payment covered {}: the price \
                 changed since the quote. Pick the file again for a new quote",
                format_0g(FlowRevert::due(*price, *sectors)),
                format_0g(*price),
                format_0g(*paid)
            ),
            FlowRevert::InvalidSubmission => f.write_str(
                "the Flow contract refused the file's description (its length and Merkle subtrees do not match 0G's \
                 padding rule, or no submitter was named); this is a bug in the client, nothing was paid",
            ),
        }
    }
}

/// What the Flow or its market answered that a quote or a submission cannot go on with.
/// Shown in the page's language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowFault {
    /// `Flow.market()` answered no address.
    NoMarket,
    /// The market's `pricePerSector()` answered no number.
    NoPrice,
    /// The Flow would refuse the submission, for one of its own reasons: nothing was sent.
    Refused(FlowRevert),
    /// The Flow would revert the submission with this data, not one of its own errors:
    /// nothing was sent.
    Reverted(Bytes),
}

impl std::fmt::Display for FlowFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlowFault::NoMarket => f.write_str("Flow.market() returned no address"),
            FlowFault::NoPrice => f.write_str("pricePerSector() returned no number"),
            FlowFault::Refused(why) => write!(f, "{why}. Nothing was sent and no fee was taken"),
            FlowFault::Reverted(data) => write!(
                f,
                "the Flow contract would refuse it (0x{}). Nothing was sent and no fee was taken",
                hex::encode(data)
            ),
        }
    }
}

/// What is wrong with a submission transaction that was included in a block. Shown in the
/// page's language; `Display` is the English, which follows "the submission transaction
/// was included but".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionFault {
    /// Its receipt could not be proven (the light client's reason).
    NotProven(String),
    /// It reverted: the storage fee came back.
    Reverted,
    /// Its receipt has no `Submit` event from the Flow.
    NoSubmitEvent,
    /// Its `Submit` event announces another file.
    OtherFile { root: B256, size: u64 },
    /// The upload's record lost where the file starts in the flow.
    NotPlaced,
}

impl std::fmt::Display for SubmissionFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SubmissionFault::NotProven(reason) => write!(f, "its receipt could not be proven: {reason}"),
            SubmissionFault::Reverted => f.write_str("it reverted; no fee was taken. Check the balance and try again"),
            SubmissionFault::NoSubmitEvent => f.write_str("it carries no Submit event from the Flow contract"),
            SubmissionFault::OtherFile { root, size } => {
                write!(f, "its Submit event announces root {root} ({size} bytes), not this file")
            }
            SubmissionFault::NotPlaced => f.write_str("its place in the flow was not recorded; submit again"),
        }
    }
}

/// Calldata for `market()`.
pub fn market_call() -> Bytes {
    marketCall {}.abi_encode().into()
}

pub fn decode_address(output: &[u8]) -> Option<Address> {
    marketCall::abi_decode_returns(output).ok()
}

/// Calldata for the market's `pricePerSector()`.
pub fn price_call() -> Bytes {
    pricePerSectorCall {}.abi_encode().into()
}

pub fn decode_price(output: &[u8]) -> Option<U256> {
    pricePerSectorCall::abi_decode_returns(output).ok()
}

/// Sectors (256-byte chunks) the file occupies in the flow once padded.
pub fn sectors(nodes: &[SubmissionNode]) -> u64 {
    nodes.iter().map(|n| 1u64 << n.height).sum()
}

/// What submitting costs: every sector at the market's price.
pub fn fee(nodes: &[SubmissionNode], price_per_sector: U256) -> U256 {
    U256::from(sectors(nodes)) * price_per_sector
}

/// Calldata announcing `tree`'s file, submitted by `submitter`.
pub fn submit_call(tree: &FileTree, submitter: Address) -> Bytes {
    let nodes = tree
        .submission_nodes()
        .into_iter()
        .map(|n| ZgSubmissionNode { root: n.root, height: U256::from(n.height) })
        .collect();
    let data = ZgSubmissionData { length: U256::from(tree.size()), tags: Bytes::new(), nodes };
    submitCall { submission: ZgSubmission { data, submitter } }.abi_encode().into()
}

/// A file announcement read from a proven `Submit` log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub sender: Address,
    pub index: u64,
    /// The flow sector the file starts at (0G's `startEntryIndex`); it decides the shards.
    pub start_entry: u64,
    pub size: u64,
    /// The file root the submission's subtrees add up to.
    pub root: B256,
}

/// Reads a `Submit` event emitted by `flow`. The root is recomputed from the event's
/// subtrees (0G's tree folds its descending power-of-two subtrees from the right), so a
/// caller can match it with the file it hashed.
pub fn decode_submit(log: &Log, flow: Address) -> Option<Announced> {
    if log.address != flow {
        return None;
    }
    let event = Submit::decode_log_data(&log.data).ok()?;
    let roots: Vec<B256> = event.submission.nodes.iter().map(|n| n.root).collect();
    Some(Announced {
        sender: event.sender,
        index: event.submissionIndex.saturating_to(),
        start_entry: event.startPos.saturating_to(),
        size: event.submission.length.saturating_to(),
        root: fold_subtrees(&roots)?,
    })
}

/// The root over descending subtree roots: `H(n0, H(n1, … H(n_{k-2}, n_{k-1})))`.
pub fn fold_subtrees(roots: &[B256]) -> Option<B256> {
    let (last, rest) = roots.split_last()?;
    Some(
        rest.iter()
            .rev()
            .fold(*last, |acc, node| alloy_primitives::keccak256([node.as_slice(), acc.as_slice()].concat())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::LogData;
    use wasm_light_client::storage::SEGMENT_SIZE;

    fn file(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn the_subtrees_of_a_submission_fold_back_to_the_file_root() {
        for len in [1, 300, SEGMENT_SIZE - 1, SEGMENT_SIZE + 1, 3 * SEGMENT_SIZE + 4096, 5 * SEGMENT_SIZE] {
            let tree = FileTree::new(&file(len)).unwrap();
            let roots: Vec<B256> = tree.submission_nodes().iter().map(|n| n.root).collect();
            assert_eq!(fold_subtrees(&roots), Some(tree.root()), "size {len}");
        }
    }

    #[test]
    fn fee_is_sectors_times_price() {
        let tree = FileTree::new(&file(SEGMENT_SIZE + 1)).unwrap();
        let nodes = tree.submission_nodes();
        // 1025 chunks pad to a multiple of 2048/16 = 128: 1152 sectors.
        assert_eq!(sectors(&nodes), 1152);
        assert_eq!(fee(&nodes, U256::from(7)), U256::from(1152 * 7));
    }

    #[test]
    fn submit_event_round_trips_and_is_tied_to_the_flow_address() {
        let tree = FileTree::new(&file(2 * SEGMENT_SIZE + 10)).unwrap();
        let flow = Address::repeat_byte(0xf1);
        let sender = Address::repeat_byte(0x5e);
        let nodes = tree
            .submission_nodes()
            .into_iter()
            .map(|n| ZgSubmissionNode { root: n.root, height: U256::from(n.height) })
            .collect();
        let event = Submit {
            sender,
            identity: B256::repeat_byte(1),
            submissionIndex: U256::from(4),
            startPos: U256::from(2048),
            length: U256::from(1),
            submission: ZgSubmissionData { length: U256::from(tree.size()), tags: Bytes::new(), nodes },
        };
        let log = Log { address: flow, data: event.encode_log_data() };
        let announced = decode_submit(&log, flow).unwrap();
        assert_eq!(announced, Announced { sender, index: 4, start_entry: 2048, size: tree.size(), root: tree.root() });
        assert_eq!(decode_submit(&Log { address: Address::ZERO, data: log.data.clone() }, flow), None);
        assert_eq!(decode_submit(&Log { address: flow, data: LogData::empty() }, flow), None);
    }

    #[test]
    fn flow_reverts_are_explained() {
        use alloy_sol_types::SolError;
        let data = NotEnoughFee {
            price: U256::from(10u64.pow(15)),
            amount: U256::from(1000),
            paid: U256::from(5 * 10u64.pow(17)),
        }
        .abi_encode();
        let text = explain_revert(&data).unwrap();
        assert!(
            text.contains("now 1 0G")
                && text.contains("1000 sectors")
                && text.contains("0.5 0G")
                && text.contains("new quote"),
            "{text}"
        );
        assert_eq!(
            text,
            "the storage fee is now 1 0G (1000 sectors at 0.001 0G each) and the payment covered 0.5 0G: the price \
             changed since the quote. Pick the file again for a new quote"
        );
        let invalid = alloy_sol_types::Revert::from("Invalid submission").abi_encode();
        assert_eq!(flow_revert(&invalid), Some(FlowRevert::InvalidSubmission));
        assert!(explain_revert(&invalid).unwrap().contains("padding rule"));
        assert_eq!(explain_revert(&alloy_sol_types::Revert::from("something else").abi_encode()), None);
        assert_eq!(explain_revert(&[1, 2, 3, 4]), None);
    }

    #[test]
    fn flow_and_submission_faults_read_as_before() {
        assert_eq!(FlowFault::NoMarket.to_string(), "Flow.market() returned no address");
        assert_eq!(FlowFault::NoPrice.to_string(), "pricePerSector() returned no number");
        assert_eq!(
            FlowFault::Reverted(Bytes::from(vec![0xde, 0xad])).to_string(),
            "the Flow contract would refuse it (0xdead). Nothing was sent and no fee was taken"
        );
        assert!(FlowFault::Refused(FlowRevert::InvalidSubmission)
            .to_string()
            .ends_with("nothing was paid. Nothing was sent and no fee was taken"));
        let root = B256::repeat_byte(0xab);
        assert_eq!(
            SubmissionFault::OtherFile { root, size: 10 }.to_string(),
            format!("its Submit event announces root {root} (10 bytes), not this file")
        );
        assert_eq!(
            SubmissionFault::NotProven("no proof".into()).to_string(),
            "its receipt could not be proven: no proof"
        );
    }

    #[test]
    fn submit_calldata_starts_with_the_sdk_selector() {
        // 0G's SDK ABI: submit(((uint256,bytes,(bytes32,uint256)[]),address))
        let selector = alloy_primitives::keccak256("submit(((uint256,bytes,(bytes32,uint256)[]),address))");
        let data = submit_call(&FileTree::new(&file(10)).unwrap(), Address::ZERO);
        assert_eq!(&data[..4], &selector[..4]);
    }
}
