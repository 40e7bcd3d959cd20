//! Files for the storage tests: deterministic content, and its submission to the devnet's
//! Flow as 0G's SDK makes it (fee = sectors × price).

use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use serde_json::json;
use wasm_light_client::storage::FileTree;

use super::Devnet;

use zg_abi::flow::Flow::{submitCall, Submission, SubmissionData, SubmissionNode};

/// `size` bytes that differ per `seed` and never repeat on a chunk boundary.
pub fn content(size: usize, seed: u8) -> Vec<u8> {
    (0..size).map(|i| ((i * 131 + 17) % 251) as u8 ^ seed).collect()
}

/// Submits `data` from the dev account `submitter` and returns its tree once the
/// transaction is mined.
pub fn submit(devnet: &Devnet, submitter: &str, data: &[u8]) -> FileTree {
    let tree = FileTree::new(data).unwrap();
    let nodes = tree.submission_nodes();
    let sectors: u64 = nodes.iter().map(|n| 1u64 << n.height).sum();
    let price: u64 = devnet.ready["contracts"]["pricePerSectorWei"].as_str().unwrap().parse().unwrap();
    let call = submitCall {
        submission: Submission {
            data: SubmissionData {
                length: U256::from(data.len()),
                tags: Default::default(),
                nodes: nodes.iter().map(|n| SubmissionNode { root: n.root, height: U256::from(n.height) }).collect(),
            },
            submitter: submitter.parse().unwrap(),
        },
    };
    let tx = devnet.rpc(
        "eth_sendTransaction",
        json!([{
            "from": submitter,
            "to": devnet.ready["contracts"]["flow"],
            "data": format!("0x{}", alloy_primitives::hex::encode(call.abi_encode())),
            "value": format!("0x{:x}", sectors * price),
        }]),
    );
    let receipt = devnet.wait_receipt(tx.as_str().unwrap());
    assert_eq!(receipt["status"], "0x1", "submit reverted: {receipt}");
    tree
}
