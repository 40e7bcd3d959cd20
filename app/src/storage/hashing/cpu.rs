//! The CPU half of the split: a slice of the file (starting on a segment boundary) becomes
//! the roots of its complete segments and, for the file's last slice, the chunk hashes after
//! them. Pure, so a worker, the main thread and the GPU path's tail all run the same code.

use alloy_primitives::{keccak256, B256};
use wasm_light_client::storage::{merkle_root, CHUNK_SIZE, SEGMENT_CHUNKS, SEGMENT_SIZE};

/// What one slice contributes to the file tree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SliceHashes {
    /// Roots of the slice's segments that have 1024 chunks (a zero-filled last chunk counts).
    pub roots: Vec<B256>,
    /// Chunk hashes of a final segment with fewer than 1024 chunks; only the file's last
    /// slice can have one.
    pub tail: Vec<B256>,
}

/// Hash of a 256-byte chunk, zero-filled when the file ends inside it.
pub fn chunk_leaf(chunk: &[u8]) -> B256 {
    if chunk.len() == CHUNK_SIZE {
        keccak256(chunk)
    } else {
        let mut full = [0u8; CHUNK_SIZE];
        full[..chunk.len()].copy_from_slice(chunk);
        keccak256(full)
    }
}

/// Hashes one slice; `bytes` must start on a segment boundary of the file.
pub fn hash_slice(bytes: &[u8]) -> SliceHashes {
    let mut out = SliceHashes::default();
    let mut leaves = Vec::with_capacity(SEGMENT_CHUNKS);
    for segment in bytes.chunks(SEGMENT_SIZE) {
        leaves.clear();
        leaves.extend(segment.chunks(CHUNK_SIZE).map(chunk_leaf));
        if leaves.len() == SEGMENT_CHUNKS {
            out.roots.push(merkle_root(&leaves).expect("a segment has chunks"));
        } else {
            out.tail = leaves.clone();
        }
    }
    out
}

/// Hashes as raw bytes (32 per hash), the form they cross a worker boundary in.
pub fn to_bytes(hashes: &[B256]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

/// The inverse of [`to_bytes`]; `None` when the length is not a multiple of 32.
pub fn from_bytes(bytes: &[u8]) -> Option<Vec<B256>> {
    if bytes.len() % 32 != 0 {
        return None;
    }
    Some(bytes.chunks_exact(32).map(B256::from_slice).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_light_client::storage::FileTree;

    fn content(size: usize) -> Vec<u8> {
        (0..size).map(|i| (i * 131 % 253) as u8).collect()
    }

    /// Slices of one segment and of several, cut the way the pool cuts a file (few sizes:
    /// keccak is unoptimised in debug builds; `storage.rs` covers every padding boundary).
    #[test]
    fn slices_rebuild_the_whole_file_tree() {
        for size in [1, 257, SEGMENT_SIZE - 1, SEGMENT_SIZE + 1, 2 * SEGMENT_SIZE + 1000] {
            let data = content(size);
            let expected = FileTree::new(&data).unwrap();
            for slice in [SEGMENT_SIZE, 2 * SEGMENT_SIZE] {
                let mut roots = Vec::new();
                let mut tail = Vec::new();
                for piece in data.chunks(slice) {
                    let h = hash_slice(piece);
                    roots.extend(h.roots);
                    tail = h.tail;
                }
                let tree = FileTree::from_segment_roots(size as u64, roots, tail).unwrap();
                assert_eq!(tree, expected, "{size} bytes in {slice}-byte slices");
            }
        }
    }

    #[test]
    fn hashes_round_trip_through_bytes() {
        let hashes = vec![keccak256(b"a"), keccak256(b"b")];
        assert_eq!(from_bytes(&to_bytes(&hashes)).unwrap(), hashes);
        assert_eq!(from_bytes(&[]).unwrap(), Vec::<B256>::new());
        assert!(from_bytes(&[0; 31]).is_none());
    }
}
