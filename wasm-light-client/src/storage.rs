//! 0G Storage Merkle trees, computed bit for bit as 0G's own SDK computes them.
//!
//! The reference is `@0gfoundation/0g-ts-sdk` (pinned in the root `package.json`):
//! `AbstractFile.merkleTree()`, `AbstractFile.createSubmission()`, `MerkleTree.proofAt()` and
//! `Proof.validateHash()`. `tests/fixtures/storage/gen-roots.mjs` records the SDK's answers in
//! `roots.json`, and the tests here rebuild the same files and must agree.
//!
//! How 0G lays a file out:
//! - a chunk is 256 bytes, a segment 1024 chunks (256 KiB); the last chunk is zero-filled;
//! - the chunk count is padded with zero chunks ("flow padding"): if it is not a power of two,
//!   it is rounded up to a multiple of `nextPow2(chunks) / 16` (1 when `nextPow2 < 16`);
//! - leaf = keccak256(chunk), node = keccak256(left ‖ right), and an odd node at the end of a
//!   level moves up unchanged (the tree is never padded to a power of two);
//! - each segment of the padded data (the last one may hold fewer than 1024 chunks) gets the
//!   root of its chunk tree; the file root is the same tree over the segment roots;
//! - the Flow submission splits the padded chunk count into descending powers of two, each a
//!   `{root, height}` node whose root is its aligned complete subtree and `height = log2(chunks)`;
//! - a segment proof is a proof in the tree of segment roots: `lemma = [segment root,
//!   siblings bottom-up…, file root]`, `path[i]` = the node is the left child; a one-segment
//!   file has `lemma = [root]` and an empty path;
//! - on the wire, a segment holds its chunks up to the last one with data (zero padding
//!   chunks are not sent, segments made only of padding are never uploaded); the verifier
//!   pads it back with zero chunks before hashing, as the storage node does.

use alloy_primitives::{keccak256, B256};
use serde::{Deserialize, Serialize};

/// Bytes in a chunk, the tree's leaf.
pub const CHUNK_SIZE: usize = 256;
/// Chunks in a segment, the unit of upload and download.
pub const SEGMENT_CHUNKS: usize = 1024;
/// Bytes in a segment (256 KiB).
pub const SEGMENT_SIZE: usize = CHUNK_SIZE * SEGMENT_CHUNKS;

/// Why a file could not be hashed or a segment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("empty file: 0G Storage does not store zero-length data")]
    Empty,
    #[error("segment {index} is out of range: the file has {segments} segment(s) with data")]
    SegmentOutOfRange { index: u64, segments: u64 },
    #[error("segment {index} has {got} bytes, expected {expected}")]
    SegmentLength { index: u64, got: usize, expected: usize },
    #[error("malformed proof: {0}")]
    ProofFormat(&'static str),
    #[error("segment data does not hash to the proof's leaf")]
    ContentMismatch,
    #[error("the proof ends at root {got}, not the expected root {expected}")]
    RootMismatch { expected: B256, got: B256 },
    #[error("the proof's path does not lead to segment {index}")]
    PositionMismatch { index: u64 },
    #[error("the proof's hashes do not rebuild its root")]
    InvalidProof,
    /// 0G's nodes refuse such a proof ("invalid proof node value in the padding range"):
    /// the file's root was built over padding that is not zeros.
    #[error("the proof's hash at step {step} covers only the file's padding but is not the hash of zeros")]
    PaddingNotZero { step: usize },
}

/// One node of a Flow `Submission`: the root of `2^height` consecutive chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionNode {
    pub root: B256,
    pub height: u64,
}

/// A segment's proof against the file root, as `zgs_uploadSegments` and
/// `zgs_downloadSegmentWithProof` carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentProof {
    /// `[segment root, siblings bottom-up…, file root]`, or `[root]` for a one-segment file.
    pub lemma: Vec<B256>,
    /// `path[i]`: the node at step `i` is the left child.
    pub path: Vec<bool>,
}

/// Number of 256-byte chunks holding `size` bytes.
pub fn num_chunks(size: u64) -> u64 {
    size.div_ceil(CHUNK_SIZE as u64)
}

/// The chunk count after flow padding (the SDK's `computePaddedSize`).
pub fn padded_chunks(chunks: u64) -> u64 {
    let next = chunks.next_power_of_two();
    if next == chunks {
        return chunks;
    }
    let min_chunk = if next >= 16 { next / 16 } else { 1 };
    chunks.div_ceil(min_chunk) * min_chunk
}

/// Segments in the padded file: the leaves of the file tree.
pub fn num_segments_padded(size: u64) -> u64 {
    padded_chunks(num_chunks(size)).div_ceil(SEGMENT_CHUNKS as u64)
}

/// Segments that hold file data: the ones a storage node serves.
pub fn num_segments(size: u64) -> u64 {
    num_chunks(size).div_ceil(SEGMENT_CHUNKS as u64)
}

fn hash_pair(left: &B256, right: &B256) -> B256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(left.as_slice());
    buf[32..].copy_from_slice(right.as_slice());
    keccak256(buf)
}

fn empty_chunk_hash() -> B256 {
    keccak256([0u8; CHUNK_SIZE])
}

/// The root of 0G's tree over `leaves`: pairs hashed left to right, an odd last node moved up
/// unchanged. `None` for no leaves.
pub fn merkle_root(leaves: &[B256]) -> Option<B256> {
    let mut level = leaves.to_vec();
    if level.is_empty() {
        return None;
    }
    while level.len() > 1 {
        level = next_level(&level);
    }
    Some(level[0])
}

fn next_level(level: &[B256]) -> Vec<B256> {
    level.chunks(2).map(|p| if p.len() == 2 { hash_pair(&p[0], &p[1]) } else { p[0] }).collect()
}

/// Hash of each 256-byte chunk of `bytes`, the last one zero-filled.
fn chunk_leaves(bytes: &[u8]) -> impl Iterator<Item = B256> + '_ {
    bytes.chunks(CHUNK_SIZE).map(|c| {
        if c.len() == CHUNK_SIZE {
            keccak256(c)
        } else {
            let mut full = [0u8; CHUNK_SIZE];
            full[..c.len()].copy_from_slice(c);
            keccak256(full)
        }
    })
}

/// The path (`true` = left child, bottom-up) from leaf `index` to the root of a tree of
/// `leaves` leaves; steps where the node moves up unchanged have no entry.
fn expected_path(mut index: u64, mut leaves: u64) -> Vec<bool> {
    let mut path = Vec::new();
    while leaves > 1 {
        if index % 2 == 1 {
            path.push(false);
        } else if index + 1 < leaves {
            path.push(true);
        }
        index /= 2;
        leaves = leaves.div_ceil(2);
    }
    path
}

/// Hashes a file handed over in slices of any size, keeping only one segment's chunk hashes
/// and the segment roots in memory.
#[derive(Debug, Clone, Default)]
pub struct FileHasher {
    size: u64,
    partial: Vec<u8>,
    leaves: Vec<B256>,
    segment_roots: Vec<B256>,
}

impl FileHasher {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes of the file.
    pub fn update(&mut self, mut data: &[u8]) {
        self.size += data.len() as u64;
        if !self.partial.is_empty() {
            let take = (CHUNK_SIZE - self.partial.len()).min(data.len());
            self.partial.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.partial.len() < CHUNK_SIZE {
                return;
            }
            let leaf = keccak256(&self.partial);
            self.partial.clear();
            self.push_leaf(leaf);
        }
        let mut chunks = data.chunks_exact(CHUNK_SIZE);
        for chunk in &mut chunks {
            self.push_leaf(keccak256(chunk));
        }
        self.partial.extend_from_slice(chunks.remainder());
    }

    fn push_leaf(&mut self, leaf: B256) {
        self.leaves.push(leaf);
        if self.leaves.len() == SEGMENT_CHUNKS {
            self.close_segment();
        }
    }

    fn close_segment(&mut self) {
        let root = merkle_root(&self.leaves).expect("a segment has chunks");
        self.segment_roots.push(root);
        self.leaves.clear();
    }

    /// Pads the file as 0G does and builds its tree. Refuses an empty file.
    pub fn finalize(mut self) -> Result<FileTree, StorageError> {
        if self.size == 0 {
            return Err(StorageError::Empty);
        }
        if !self.partial.is_empty() {
            self.partial.resize(CHUNK_SIZE, 0);
            let leaf = keccak256(&self.partial);
            self.partial.clear();
            self.push_leaf(leaf);
        }
        let chunks = num_chunks(self.size);
        let mut padding = padded_chunks(chunks) - chunks;
        let empty = empty_chunk_hash();
        // Fill the open segment, then whole empty segments by their (constant) root, then
        // the chunks of a last, partial, empty segment.
        while padding > 0 && !self.leaves.is_empty() {
            self.push_leaf(empty);
            padding -= 1;
        }
        if padding >= SEGMENT_CHUNKS as u64 {
            let empty_segment = merkle_root(&[empty; SEGMENT_CHUNKS]).expect("non-empty");
            while padding >= SEGMENT_CHUNKS as u64 {
                self.segment_roots.push(empty_segment);
                padding -= SEGMENT_CHUNKS as u64;
            }
        }
        self.leaves.extend(std::iter::repeat_n(empty, padding as usize));
        let last_partial = if self.leaves.is_empty() {
            Vec::new()
        } else {
            let leaves = self.leaves.clone();
            self.close_segment();
            leaves
        };
        let root = merkle_root(&self.segment_roots).expect("a non-empty file has a segment");
        Ok(FileTree { size: self.size, root, segment_roots: self.segment_roots, last_partial })
    }
}

/// A file's 0G tree: its root, its segment roots, and what a Flow submission needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTree {
    size: u64,
    root: B256,
    segment_roots: Vec<B256>,
    /// Chunk hashes of the last padded segment when it holds fewer than 1024 chunks.
    last_partial: Vec<B256>,
}

impl FileTree {
    /// Hashes a whole file held in memory.
    pub fn new(data: &[u8]) -> Result<Self, StorageError> {
        let mut hasher = FileHasher::new();
        hasher.update(data);
        hasher.finalize()
    }

    /// The file root (the SDK's `merkleTree().rootHash()`, the on-chain data root).
    pub fn root(&self) -> B256 {
        self.root
    }

    /// File size in bytes, without padding.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Roots of the padded file's segments, the leaves of the file tree.
    pub fn segment_roots(&self) -> &[B256] {
        &self.segment_roots
    }

    /// The Flow submission's nodes, as the SDK's `createSubmission` builds them.
    pub fn submission_nodes(&self) -> Vec<SubmissionNode> {
        let padded = padded_chunks(num_chunks(self.size));
        let mut remaining = padded;
        let mut node_chunks = padded.next_power_of_two();
        let mut offset = 0u64;
        let mut nodes = Vec::new();
        while remaining > 0 {
            if remaining >= node_chunks {
                let root = if node_chunks >= SEGMENT_CHUNKS as u64 {
                    let first = (offset / SEGMENT_CHUNKS as u64) as usize;
                    let count = (node_chunks / SEGMENT_CHUNKS as u64) as usize;
                    merkle_root(&self.segment_roots[first..first + count])
                } else {
                    // Nodes under a segment only exist at the tail, inside the last partial segment.
                    let first = (offset % SEGMENT_CHUNKS as u64) as usize;
                    merkle_root(&self.last_partial[first..first + node_chunks as usize])
                };
                nodes.push(SubmissionNode {
                    root: root.expect("a node covers chunks"),
                    height: u64::from(node_chunks.trailing_zeros()),
                });
                remaining -= node_chunks;
                offset += node_chunks;
            }
            node_chunks /= 2;
        }
        nodes
    }

    /// The proof of segment `index` (of the padded file) against the root, as the SDK's
    /// `proofAt` builds it.
    pub fn segment_proof(&self, index: u64) -> Result<SegmentProof, StorageError> {
        let segments = self.segment_roots.len() as u64;
        if index >= segments {
            return Err(StorageError::SegmentOutOfRange { index, segments });
        }
        Ok(proof_over(&self.segment_roots, self.root, index as usize))
    }
}

/// The proof of leaf `index` among `leaves`, whose tree has root `root`.
fn proof_over(leaves: &[B256], root: B256, index: usize) -> SegmentProof {
    if leaves.len() == 1 {
        return SegmentProof { lemma: vec![root], path: Vec::new() };
    }
    let mut lemma = vec![leaves[index]];
    let mut path = Vec::new();
    let mut level = leaves.to_vec();
    let mut pos = index;
    while level.len() > 1 {
        if pos % 2 == 1 {
            lemma.push(level[pos - 1]);
            path.push(false);
        } else if pos + 1 < level.len() {
            lemma.push(level[pos + 1]);
            path.push(true);
        }
        level = next_level(&level);
        pos /= 2;
    }
    lemma.push(root);
    SegmentProof { lemma, path }
}

/// Roots of all-zero trees: `ZeroRoots::of(h)` is the root of 2^h zero chunks.
struct ZeroRoots(Vec<B256>);

impl ZeroRoots {
    fn new() -> Self {
        let mut roots = vec![empty_chunk_hash()];
        for h in 0..63 {
            let below = roots[h];
            roots.push(hash_pair(&below, &below));
        }
        ZeroRoots(roots)
    }

    fn of(&self, height: u32) -> B256 {
        self.0[height as usize]
    }

    /// The root of `n` zero leaves, each the root of 2^`height` zero chunks, except the
    /// last, which holds `last_chunks` zero chunks. 0G pairs a level left to right and
    /// moves an odd last node up, so the tree is a full left part of the largest power of
    /// two below `n` and whatever is left on the right.
    fn range(&self, n: u64, height: u32, last_chunks: u64) -> B256 {
        if n == 1 {
            return self.chunks(last_chunks);
        }
        let left = n.next_power_of_two() / 2;
        hash_pair(&self.of(height + left.trailing_zeros()), &self.range(n - left, height, last_chunks))
    }

    /// The root of `k` zero chunks.
    fn chunks(&self, k: u64) -> B256 {
        if k.is_power_of_two() {
            return self.of(k.trailing_zeros());
        }
        let left = k.next_power_of_two() / 2;
        hash_pair(&self.of(left.trailing_zeros()), &self.chunks(k - left))
    }
}

/// 0G's rear-padding rule: every proof hash that covers only segments past the file's data
/// must be the hash of zeros, so a root built over non-zero padding is refused. `path` must
/// already be the expected path of `index` (it was checked).
fn check_rear_padding(proof: &SegmentProof, index: u64, file_size: u64) -> Result<(), StorageError> {
    let padded = padded_chunks(num_chunks(file_size));
    let leaves = padded.div_ceil(SEGMENT_CHUNKS as u64);
    let data_segments = num_segments(file_size);
    if leaves == data_segments {
        return Ok(());
    }
    let last_chunks = padded - (leaves - 1) * SEGMENT_CHUNKS as u64;
    let zeros = ZeroRoots::new();
    let (mut pos, mut width, mut step) = (index, leaves, 0);
    let mut level = 0u32;
    while width > 1 {
        if pos % 2 == 1 {
            step += 1;
        } else if pos + 1 < width {
            step += 1;
            let first = (pos + 1) << level;
            if first >= data_segments {
                let end = ((pos + 2) << level).min(leaves);
                let tail = if end == leaves { last_chunks } else { SEGMENT_CHUNKS as u64 };
                let expected = zeros.range(end - first, SEGMENT_CHUNKS.trailing_zeros(), tail);
                if proof.lemma[step] != expected {
                    return Err(StorageError::PaddingNotZero { step });
                }
            }
        }
        pos /= 2;
        width = width.div_ceil(2);
        level += 1;
    }
    Ok(())
}

impl FileTree {
    /// Builds the tree from segment work done elsewhere (Web Workers, a GPU): the roots of
    /// the file's complete 1024-chunk segments in order, and the hashes of the chunks after
    /// them (fewer than 1024, the last chunk zero-filled). Padding is then applied by
    /// [`FileHasher::finalize`] itself, so the result equals [`FileTree::new`] on the same
    /// bytes. `None` for an empty file or counts that do not fit `size`.
    pub fn from_segment_roots(size: u64, segment_roots: Vec<B256>, tail_leaves: Vec<B256>) -> Option<FileTree> {
        let chunks = num_chunks(size);
        let full = chunks / SEGMENT_CHUNKS as u64;
        if size == 0
            || segment_roots.len() as u64 != full
            || tail_leaves.len() as u64 != chunks - full * SEGMENT_CHUNKS as u64
        {
            return None;
        }
        let hasher = FileHasher { size, partial: Vec::new(), leaves: tail_leaves, segment_roots };
        hasher.finalize().ok()
    }
}

/// The root of a file held in memory.
pub fn file_root(data: &[u8]) -> Result<B256, StorageError> {
    Ok(FileTree::new(data)?.root())
}

/// The Flow submission nodes of a file held in memory.
pub fn submission_nodes(data: &[u8]) -> Result<Vec<SubmissionNode>, StorageError> {
    Ok(FileTree::new(data)?.submission_nodes())
}

/// The proof of segment `index` of a file held in memory.
pub fn segment_proof(data: &[u8], index: u64) -> Result<SegmentProof, StorageError> {
    FileTree::new(data)?.segment_proof(index)
}

/// The bytes of a `size`-byte file that segment `index` covers, as `(start, end)`: a
/// caller reading the file in slices fetches exactly these, then zero-fills to the chunk.
pub fn segment_data_range(size: u64, index: u64) -> Result<(u64, u64), StorageError> {
    if size == 0 {
        return Err(StorageError::Empty);
    }
    let segments = num_segments(size);
    if index >= segments {
        return Err(StorageError::SegmentOutOfRange { index, segments });
    }
    let start = index * SEGMENT_SIZE as u64;
    Ok((start, (start + SEGMENT_SIZE as u64).min(size)))
}

/// Segment `index` as 0G sends it on the wire: up to 256 KiB, the last segment cut after its
/// last chunk with data (that chunk zero-filled to 256 bytes).
pub fn segment_data(data: &[u8], index: u64) -> Result<Vec<u8>, StorageError> {
    let (start, end) = segment_data_range(data.len() as u64, index)?;
    let mut bytes = data[start as usize..end as usize].to_vec();
    bytes.resize(bytes.len().div_ceil(CHUNK_SIZE) * CHUNK_SIZE, 0);
    Ok(bytes)
}

/// Checks segment `index` of a `file_size`-byte file against the file `root`.
///
/// `segment` is the segment as a storage node sends it: a full 256 KiB, or for the last
/// segment with data its chunks up to the last one with data. The exact unpadded tail of the
/// file is accepted too (it is zero-filled to the chunk). Segments made only of padding are
/// never stored, so `index` must be below [`num_segments`].
pub fn verify_segment(
    root: B256,
    index: u64,
    segment: &[u8],
    proof: &SegmentProof,
    file_size: u64,
) -> Result<(), StorageError> {
    if file_size == 0 {
        return Err(StorageError::Empty);
    }
    let chunks = num_chunks(file_size);
    let segments = num_segments(file_size);
    if index >= segments {
        return Err(StorageError::SegmentOutOfRange { index, segments });
    }
    let first_chunk = index * SEGMENT_CHUNKS as u64;
    let data_chunks = (chunks - first_chunk).min(SEGMENT_CHUNKS as u64) as usize;
    let expected = data_chunks * CHUNK_SIZE;
    let exact_tail = (file_size - first_chunk * CHUNK_SIZE as u64) as usize;
    let last = index + 1 == segments;
    if segment.len() != expected && !(last && segment.len() == exact_tail) {
        return Err(StorageError::SegmentLength { index, got: segment.len(), expected });
    }

    // The segment's chunk tree, padded with zero chunks as far as the padded file reaches.
    let padded_in_segment = (padded_chunks(chunks) - first_chunk).min(SEGMENT_CHUNKS as u64) as usize;
    let mut leaves: Vec<B256> = chunk_leaves(segment).collect();
    leaves.resize(padded_in_segment, empty_chunk_hash());
    let segment_root = merkle_root(&leaves).expect("a segment has chunks");

    if proof.path.is_empty() {
        if proof.lemma.len() != 1 {
            return Err(StorageError::ProofFormat("an empty path needs a lemma of exactly one hash"));
        }
    } else if proof.lemma.len() != proof.path.len() + 2 {
        return Err(StorageError::ProofFormat("the lemma must hold the leaf, one sibling per step and the root"));
    }
    if proof.lemma[0] != segment_root {
        return Err(StorageError::ContentMismatch);
    }
    let proof_root = proof.lemma[proof.lemma.len() - 1];
    if proof_root != root {
        return Err(StorageError::RootMismatch { expected: root, got: proof_root });
    }
    if proof.path != expected_path(index, num_segments_padded(file_size)) {
        return Err(StorageError::PositionMismatch { index });
    }
    let rebuilt = proof.path.iter().zip(&proof.lemma[1..]).fold(segment_root, |hash, (&is_left, sibling)| {
        if is_left {
            hash_pair(&hash, sibling)
        } else {
            hash_pair(sibling, &hash)
        }
    });
    if rebuilt != root {
        return Err(StorageError::InvalidProof);
    }
    check_rear_padding(proof, index, file_size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn content(size: usize) -> Vec<u8> {
        (0..size).map(|i| ((i * 31 + 7) % 251) as u8).collect()
    }

    fn fixture() -> Value {
        serde_json::from_str(include_str!("../tests/fixtures/storage/roots.json")).unwrap()
    }

    fn b256(v: &Value) -> B256 {
        v.as_str().unwrap().parse().unwrap()
    }

    #[test]
    fn padding_matches_the_sdk_rule() {
        assert_eq!(padded_chunks(1), 1);
        assert_eq!(padded_chunks(3), 3);
        assert_eq!(padded_chunks(5), 5);
        assert_eq!(padded_chunks(15), 15);
        assert_eq!(padded_chunks(16), 16);
        assert_eq!(padded_chunks(17), 18);
        assert_eq!(padded_chunks(1025), 1152);
        assert_eq!(padded_chunks(4097), 4608);
        assert_eq!(padded_chunks(16385), 18432);
    }

    /// Every fixture file: root, segment count, submission nodes and the SDK's own segment
    /// proofs, in memory and streamed (one test, so each file is hashed only twice).
    #[test]
    fn roots_submissions_and_proofs_match_the_sdk() {
        let fixture = fixture();
        let files = fixture["files"].as_array().unwrap();
        assert!(files.len() >= 20);
        for f in files {
            let size = f["size"].as_u64().unwrap() as usize;
            let data = content(size);
            let tree = FileTree::new(&data).unwrap();
            assert_eq!(tree.root(), b256(&f["root"]), "root of a {size}-byte file");
            assert_eq!(tree.segment_roots().len() as u64, f["numSegmentsPadded"].as_u64().unwrap(), "size {size}");
            assert_eq!(num_segments_padded(size as u64), tree.segment_roots().len() as u64);
            let nodes: Vec<SubmissionNode> = serde_json::from_value(f["nodes"].clone()).unwrap();
            assert_eq!(tree.submission_nodes(), nodes, "submission of a {size}-byte file");
            if size < SEGMENT_SIZE {
                assert_eq!(file_root(&data).unwrap(), tree.root());
                assert_eq!(submission_nodes(&data).unwrap(), nodes);
            }

            // Streaming in awkward slices gives the same tree.
            let mut hasher = FileHasher::new();
            for piece in data.chunks(if size < 5000 { 7 } else { 100_003 }) {
                hasher.update(piece);
            }
            assert_eq!(hasher.finalize().unwrap(), tree, "streamed {size}-byte file");

            for p in f["proofs"].as_array().unwrap() {
                let index = p["index"].as_u64().unwrap();
                let sdk: SegmentProof = serde_json::from_value(p.clone()).unwrap();
                assert_eq!(tree.segment_proof(index).unwrap(), sdk, "proof of segment {index}, size {size}");
                if index < num_segments(size as u64) {
                    let seg = segment_data(&data, index).unwrap();
                    verify_segment(tree.root(), index, &seg, &sdk, size as u64).unwrap();
                }
            }
        }
    }

    #[test]
    fn every_segment_round_trips() {
        for size in [1, 1000, SEGMENT_SIZE, SEGMENT_SIZE + 1, 2 * SEGMENT_SIZE + 12345, 5 * SEGMENT_SIZE - 3] {
            let data = content(size);
            let tree = FileTree::new(&data).unwrap();
            for index in 0..num_segments(size as u64) {
                let proof =
                    if index == 0 { segment_proof(&data, 0).unwrap() } else { tree.segment_proof(index).unwrap() };
                let seg = segment_data(&data, index).unwrap();
                verify_segment(tree.root(), index, &seg, &proof, size as u64).unwrap();
                if index + 1 == num_segments(size as u64) {
                    // The unpadded tail is accepted too.
                    let tail = &data[index as usize * SEGMENT_SIZE..];
                    verify_segment(tree.root(), index, tail, &proof, size as u64).unwrap();
                }
            }
        }
    }

    #[test]
    fn padding_only_segment_is_in_the_tree_but_never_served() {
        let size = 4 * 1024 * 1024 + 1;
        let data = content(size);
        let tree = FileTree::new(&data).unwrap();
        assert_eq!(num_segments(size as u64), 17);
        assert_eq!(tree.segment_roots().len(), 18);
        assert!(tree.segment_proof(17).is_ok());
        assert_eq!(segment_data(&data, 17), Err(StorageError::SegmentOutOfRange { index: 17, segments: 17 }));
        let proof = tree.segment_proof(16).unwrap();
        let seg = segment_data(&data, 16).unwrap();
        assert_eq!(seg.len(), CHUNK_SIZE);
        verify_segment(tree.root(), 16, &seg, &proof, size as u64).unwrap();
    }

    #[test]
    fn a_root_over_padding_that_is_not_zeros_is_refused() {
        // 16385 chunks pad to 18 segments, of which 17 hold data: segment 17 is padding.
        let size = 4 * 1024 * 1024 + 1;
        let data = content(size);
        let tree = FileTree::new(&data).unwrap();
        let seg = segment_data(&data, 16).unwrap();
        let honest = proof_over(tree.segment_roots(), tree.root(), 16);
        assert_eq!(honest, tree.segment_proof(16).unwrap());
        verify_segment(tree.root(), 16, &seg, &honest, size as u64).unwrap();
        assert_eq!(honest.lemma[1], ZeroRoots::new().of(10), "segment 16's sibling is a zero segment");

        // The same file with something in its padding segment: a consistent tree, and 0G refuses it.
        let mut leaves = tree.segment_roots().to_vec();
        leaves[17] = keccak256(b"not zeros");
        let forged_root = merkle_root(&leaves).unwrap();
        let forged = proof_over(&leaves, forged_root, 16);
        assert_eq!(
            verify_segment(forged_root, 16, &seg, &forged, size as u64),
            Err(StorageError::PaddingNotZero { step: 1 })
        );
        // Segment 0's proof meets the padding only inside a sibling that also holds data: fine.
        let first = segment_data(&data, 0).unwrap();
        verify_segment(forged_root, 0, &first, &proof_over(&leaves, forged_root, 0), size as u64).unwrap();
    }

    #[test]
    fn zero_roots_follow_the_odd_node_rule() {
        let zeros = ZeroRoots::new();
        let leaf = empty_chunk_hash();
        for k in 1..=40u64 {
            assert_eq!(zeros.chunks(k), merkle_root(&vec![leaf; k as usize]).unwrap(), "{k} chunks");
        }
        // Three full zero segments and one of 256 zero chunks.
        let seg = merkle_root(&vec![leaf; SEGMENT_CHUNKS]).unwrap();
        let short = merkle_root(&vec![leaf; 256]).unwrap();
        assert_eq!(zeros.range(4, 10, 256), merkle_root(&[seg, seg, seg, short]).unwrap());
        assert_eq!(zeros.range(3, 10, 1024), merkle_root(&[seg, seg, seg]).unwrap());
    }

    #[test]
    fn forged_segments_and_proofs_are_refused() {
        let size = 3 * SEGMENT_SIZE + 777;
        let data = content(size);
        let tree = FileTree::new(&data).unwrap();
        let root = tree.root();
        let proof = tree.segment_proof(1).unwrap();
        let seg = segment_data(&data, 1).unwrap();
        verify_segment(root, 1, &seg, &proof, size as u64).unwrap();

        let mut tampered = seg.clone();
        tampered[1000] ^= 1;
        assert_eq!(verify_segment(root, 1, &tampered, &proof, size as u64), Err(StorageError::ContentMismatch));

        // Another segment's bytes under this proof, and this segment claimed at another index.
        let seg2 = segment_data(&data, 2).unwrap();
        assert_eq!(verify_segment(root, 1, &seg2, &proof, size as u64), Err(StorageError::ContentMismatch));
        assert_eq!(
            verify_segment(root, 2, &seg, &proof, size as u64),
            Err(StorageError::PositionMismatch { index: 2 })
        );
        // Index 0 with segment 0's proof except the path: position check.
        let mut moved = tree.segment_proof(0).unwrap();
        moved.lemma[0] = proof.lemma[0];
        assert_eq!(
            verify_segment(root, 1, &seg, &moved, size as u64),
            Err(StorageError::PositionMismatch { index: 1 })
        );

        let wrong_root = keccak256(b"another file");
        assert_eq!(
            verify_segment(wrong_root, 1, &seg, &proof, size as u64),
            Err(StorageError::RootMismatch { expected: wrong_root, got: root })
        );

        // A forged sibling with a matching root at the end: rebuilt hash differs.
        let mut forged = proof.clone();
        forged.lemma[1] = keccak256(b"forged");
        assert_eq!(verify_segment(root, 1, &seg, &forged, size as u64), Err(StorageError::InvalidProof));

        let mut short = proof.clone();
        short.lemma.pop();
        assert!(matches!(verify_segment(root, 1, &seg, &short, size as u64), Err(StorageError::ProofFormat(_))));

        assert_eq!(
            verify_segment(root, 4, &seg, &proof, size as u64),
            Err(StorageError::SegmentOutOfRange { index: 4, segments: 4 })
        );
        assert!(matches!(
            verify_segment(root, 1, &seg[..CHUNK_SIZE], &proof, size as u64),
            Err(StorageError::SegmentLength { index: 1, .. })
        ));
        // A wrong file size changes the expected layout.
        let last = segment_data(&data, 3).unwrap();
        let last_proof = tree.segment_proof(3).unwrap();
        verify_segment(root, 3, &last, &last_proof, size as u64).unwrap();
        assert!(verify_segment(root, 3, &last, &last_proof, size as u64 + 1024).is_err());
    }

    #[test]
    fn single_segment_file_proof_is_the_root() {
        let data = content(5000);
        let tree = FileTree::new(&data).unwrap();
        let proof = tree.segment_proof(0).unwrap();
        assert_eq!(proof, SegmentProof { lemma: vec![tree.root()], path: vec![] });
        verify_segment(tree.root(), 0, &segment_data(&data, 0).unwrap(), &proof, 5000).unwrap();
        let mut bad = data.clone();
        bad[0] ^= 0xff;
        assert_eq!(
            verify_segment(tree.root(), 0, &segment_data(&bad, 0).unwrap(), &proof, 5000),
            Err(StorageError::ContentMismatch)
        );
    }

    #[test]
    fn empty_file_is_refused() {
        assert_eq!(file_root(&[]), Err(StorageError::Empty));
        assert_eq!(submission_nodes(&[]), Err(StorageError::Empty));
        assert_eq!(segment_proof(&[], 0), Err(StorageError::Empty));
        assert_eq!(segment_data(&[], 0), Err(StorageError::Empty));
        assert_eq!(FileHasher::new().finalize(), Err(StorageError::Empty));
        let proof = SegmentProof { lemma: vec![B256::ZERO], path: vec![] };
        assert_eq!(verify_segment(B256::ZERO, 0, &[], &proof, 0), Err(StorageError::Empty));
    }

    /// Segment roots and tail leaves computed independently of `FileHasher`, as a worker does:
    /// a segment is complete when it has 1024 chunks, even if its last chunk is zero-filled.
    fn split_work(data: &[u8]) -> (Vec<B256>, Vec<B256>) {
        let mut roots = Vec::new();
        let mut tail = Vec::new();
        for segment in data.chunks(SEGMENT_SIZE) {
            let leaves: Vec<B256> = chunk_leaves(segment).collect();
            if leaves.len() == SEGMENT_CHUNKS {
                roots.push(merkle_root(&leaves).unwrap());
            } else {
                tail = leaves;
            }
        }
        (roots, tail)
    }

    /// Every padding boundary: chunk counts around each power of two (where the padding
    /// multiple changes), around multiples of the padding unit, around segment boundaries,
    /// and files that end in whole padding-only segments (from 16385 chunks). Larger counts
    /// get one size each: debug-build keccak is slow and the tree shape depends on the count.
    #[test]
    fn tree_from_segment_roots_equals_the_whole_file_tree() {
        let mut chunk_counts: Vec<usize> = vec![1, 2, 3, 15, 16, 17, 31, 33, 1000, 2047, 2048, 2049];
        for p in 5..=11 {
            let pow = 1usize << p;
            chunk_counts.extend([pow - 1, pow, pow + 1, pow + pow / 16, pow + pow / 16 + 1]);
        }
        chunk_counts.sort_unstable();
        chunk_counts.dedup();
        let mut sizes = Vec::new();
        for c in chunk_counts {
            if c <= SEGMENT_CHUNKS + 1 {
                sizes.extend([c * CHUNK_SIZE - CHUNK_SIZE + 1, c * CHUNK_SIZE - 1, c * CHUNK_SIZE]);
            } else {
                sizes.push(c * CHUNK_SIZE - 100);
            }
        }
        for c in [3073, 4095, 4097, 4353, 8193, 16385, 17409] {
            sizes.push(c * CHUNK_SIZE - 100);
        }
        let largest = *sizes.iter().max().unwrap();
        let all = content(largest);
        for size in sizes {
            let data = &all[..size];
            let expected = FileTree::new(data).unwrap();
            let (roots, tail) = split_work(data);
            let built = FileTree::from_segment_roots(size as u64, roots, tail).unwrap();
            assert_eq!(built, expected, "a {size}-byte file");
            assert_eq!(built.submission_nodes(), expected.submission_nodes(), "a {size}-byte file");
        }
    }

    #[test]
    fn tree_from_segment_roots_refuses_counts_that_do_not_fit() {
        let data = content(2 * SEGMENT_SIZE + 300);
        let (roots, tail) = split_work(&data);
        assert_eq!(tail.len(), 2);
        let size = data.len() as u64;
        assert!(FileTree::from_segment_roots(size, roots.clone(), tail.clone()).is_some());
        assert!(FileTree::from_segment_roots(size, roots[..1].to_vec(), tail.clone()).is_none());
        assert!(FileTree::from_segment_roots(size, roots.clone(), tail[..1].to_vec()).is_none());
        assert!(FileTree::from_segment_roots(size + 256, roots, tail).is_none());
        assert!(FileTree::from_segment_roots(0, Vec::new(), Vec::new()).is_none());
    }

    #[test]
    fn expected_path_skips_carried_nodes() {
        // Five leaves: ((01)(23))4 — leaf 4 moves up twice and pairs once.
        assert_eq!(expected_path(4, 5), vec![false]);
        assert_eq!(expected_path(0, 5), vec![true, true, true]);
        assert_eq!(expected_path(3, 5), vec![false, false, true]);
        assert_eq!(expected_path(0, 1), Vec::<bool>::new());
    }
}
