//! A node's answer to `zgs_downloadSegmentWithProof`, read and proven: the segment's bytes
//! only if its proof ties them to the file root at the asked index. Pure, so the page and
//! the hashing workers (which prove downloads off the page's thread) run the same code.

use alloy_primitives::B256;
use wasm_light_client::jsonrpc;
use wasm_light_client::storage::{verify_segment, StorageError as MerkleError};

use super::discovery::host;
use super::wire::SegmentWithProof;

pub const DOWNLOAD_METHOD: &str = "zgs_downloadSegmentWithProof";

/// Why a node's answer yields no segment. Shown as one fault of a download.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentRefusal {
    /// Its answer was an error, or not an answer (the same words as a failed call).
    #[error("storage node {node}: {reason}")]
    Node { node: String, reason: String },
    #[error("does not have it")]
    Missing,
    #[error("answered with segment {index} of root {root} instead")]
    Another { index: u64, root: B256 },
    #[error("proof refused: {0}")]
    Proof(MerkleError),
}

/// The bytes of segment `index` of the file `root` (of `size` bytes) from `answer`, the
/// body the node at `node_url` sent.
pub fn verified_segment(
    node_url: &str,
    answer: &[u8],
    root: B256,
    index: u64,
    size: u64,
) -> Result<Vec<u8>, SegmentRefusal> {
    let node = host(node_url);
    let segment: Option<SegmentWithProof> = jsonrpc::decode_answer(&node, DOWNLOAD_METHOD, answer)
        .map_err(|e| SegmentRefusal::Node { node: node.clone(), reason: e.to_string() })?;
    let segment = segment.ok_or(SegmentRefusal::Missing)?;
    if segment.root != root || segment.index != index {
        return Err(SegmentRefusal::Another { index: segment.index, root: segment.root });
    }
    verify_segment(root, index, &segment.data, &segment.proof, size).map_err(SegmentRefusal::Proof)?;
    Ok(segment.data)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use wasm_light_client::storage::{file_root, segment_data, segment_proof, SEGMENT_SIZE};

    use super::*;

    const NODE: &str = "http://127.0.0.1:5678";

    fn file() -> Vec<u8> {
        (0..3 * SEGMENT_SIZE + 1000).map(|i| (i * 7 + 3) as u8).collect()
    }

    fn answer(data: &[u8], index: u64, tamper: impl FnOnce(&mut SegmentWithProof)) -> Vec<u8> {
        let mut segment = SegmentWithProof {
            root: file_root(data).unwrap(),
            data: segment_data(data, index).unwrap(),
            index,
            proof: segment_proof(data, index).unwrap(),
            file_size: data.len() as u64,
        };
        tamper(&mut segment);
        serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": 0, "result": segment})).unwrap()
    }

    #[test]
    fn an_honest_segment_is_proven_and_returned() {
        let data = file();
        let root = file_root(&data).unwrap();
        for index in 0..4 {
            let got = verified_segment(NODE, &answer(&data, index, |_| {}), root, index, data.len() as u64).unwrap();
            assert_eq!(got, segment_data(&data, index).unwrap());
        }
    }

    #[test]
    fn lies_gaps_and_errors_are_refused_with_their_reason() {
        let data = file();
        let (root, size) = (file_root(&data).unwrap(), data.len() as u64);
        let flipped = answer(&data, 1, |s| s.data[5] ^= 1);
        assert!(matches!(verified_segment(NODE, &flipped, root, 1, size), Err(SegmentRefusal::Proof(_))));
        let other = answer(&data, 2, |_| {});
        assert_eq!(verified_segment(NODE, &other, root, 1, size), Err(SegmentRefusal::Another { index: 2, root }));
        assert_eq!(
            verified_segment(NODE, br#"{"jsonrpc":"2.0","id":0,"result":null}"#, root, 1, size),
            Err(SegmentRefusal::Missing)
        );
        let refused = br#"{"jsonrpc":"2.0","id":0,"error":{"code":-32603,"message":"data root and tx seq not match"}}"#;
        let error = verified_segment(NODE, refused, root, 1, size).unwrap_err().to_string();
        assert!(error.starts_with("storage node 127.0.0.1:5678: the node refused (code -32603)"), "{error}");
        let junk = verified_segment(NODE, b"<html>", root, 1, size).unwrap_err().to_string();
        assert!(junk.contains("not JSON"), "{junk}");
    }
}
