//! `storage::verify_segment` on segments and proofs a storage node could send.
//!
//! Each input picks one of a few files of awkward sizes and one of its segments, then edits the
//! segment bytes and the proof (lemma and path) the way a lying node could. An `Ok` must mean
//! the segment holds the file's real bytes (the oracle). A second call with fuzzed index, size
//! and root checks that no parameter combination panics.
#![no_main]

use std::sync::OnceLock;

use alloy_primitives::B256;
use arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use wasm_light_client::storage::{self, FileTree, SegmentProof, CHUNK_SIZE, SEGMENT_SIZE};

#[derive(Debug, Arbitrary)]
enum Edit {
    FlipData { at: u32, xor: u8 },
    Truncate { len: u32 },
    Extend { bytes: Vec<u8> },
    SetLemma { at: u8, hash: [u8; 32] },
    SwapLemma { a: u8, b: u8 },
    DropLemma { at: u8 },
    PushLemma { hash: [u8; 32] },
    FlipPath { at: u8 },
    PushPath { left: bool },
    DropPath { at: u8 },
    OtherSegment { index: u8 },
    OtherProof { index: u8 },
}

/// A file, its tree and its wire segments, built once per process: hashing megabytes per input
/// would leave the fuzzer a few runs per second.
struct File {
    size: u64,
    tree: FileTree,
    segments: Vec<Vec<u8>>,
}

fn files() -> &'static [File] {
    static FILES: OnceLock<Vec<File>> = OnceLock::new();
    FILES.get_or_init(|| {
        // One chunk, a partial chunk, one exact segment, a segment and a chunk, two segments
        // and change, three plus a byte, four plus a byte (a padding-only segment), five and a
        // partial chunk: multi-level proofs, odd carried nodes, partial tails, flow padding.
        let sizes = [
            1,
            300,
            SEGMENT_SIZE,
            SEGMENT_SIZE + CHUNK_SIZE,
            2 * SEGMENT_SIZE + 12345,
            3 * SEGMENT_SIZE + 1,
            4 * SEGMENT_SIZE + 1,
            5 * SEGMENT_SIZE + 300,
        ];
        sizes
            .iter()
            .map(|&size| {
                let data: Vec<u8> = (0..size).map(|i| ((i * 31 + 7) % 251) as u8).collect();
                let tree = FileTree::new(&data).expect("non-empty");
                let segments = (0..storage::num_segments(size as u64))
                    .map(|i| storage::segment_data(&data, i).expect("in range"))
                    .collect::<Vec<_>>();
                for (i, segment) in segments.iter().enumerate() {
                    let proof = tree.segment_proof(i as u64).expect("in range");
                    storage::verify_segment(tree.root(), i as u64, segment, &proof, size as u64)
                        .expect("an honest segment verifies");
                }
                File { size: size as u64, tree, segments }
            })
            .collect()
    })
}

fn padded(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.resize(bytes.len().div_ceil(CHUNK_SIZE) * CHUNK_SIZE, 0);
    bytes
}

fn run(u: &mut Unstructured) -> Result<()> {
    let file = u.choose(files())?;
    let (size, tree) = (file.size, &file.tree);
    let segments = file.segments.len() as u64;
    let index = u.int_in_range(0..=segments - 1)?;
    let mut segment = file.segments[index as usize].clone();
    let mut proof = tree.segment_proof(index).expect("in range");

    for edit in u.arbitrary_iter::<Edit>()? {
        let lemma = &mut proof.lemma;
        let path = &mut proof.path;
        match edit? {
            Edit::FlipData { at, xor } if !segment.is_empty() => {
                let at = at as usize % segment.len();
                segment[at] ^= xor;
            }
            Edit::Truncate { len } => segment.truncate(len as usize % (segment.len() + 1)),
            Edit::Extend { bytes } => segment.extend_from_slice(&bytes),
            Edit::SetLemma { at, hash } if !lemma.is_empty() => {
                let at = at as usize % lemma.len();
                lemma[at] = B256::from(hash);
            }
            Edit::SwapLemma { a, b } if !lemma.is_empty() => {
                let n = lemma.len();
                lemma.swap(a as usize % n, b as usize % n);
            }
            Edit::DropLemma { at } if !lemma.is_empty() => {
                let at = at as usize % lemma.len();
                lemma.remove(at);
            }
            Edit::PushLemma { hash } => lemma.push(B256::from(hash)),
            Edit::FlipPath { at } if !path.is_empty() => {
                let at = at as usize % path.len();
                path[at] = !path[at];
            }
            Edit::PushPath { left } => path.push(left),
            Edit::DropPath { at } if !path.is_empty() => {
                let at = at as usize % path.len();
                path.remove(at);
            }
            Edit::OtherSegment { index } => segment = file.segments[usize::from(index) % file.segments.len()].clone(),
            Edit::OtherProof { index } => {
                proof = tree.segment_proof(u64::from(index) % tree.segment_roots().len() as u64).expect("in range")
            }
            _ => {}
        }
    }
    if storage::verify_segment(tree.root(), index, &segment, &proof, size).is_ok() {
        let real = &file.segments[index as usize];
        assert_eq!(&padded(segment.clone()), real, "segment {index} verified with forged bytes");
    }

    // Any index, size and root: an error or Ok, never a panic.
    let index: u64 = u.arbitrary()?;
    let file_size: u64 = u.arbitrary()?;
    let root = if u.arbitrary()? { tree.root() } else { B256::from(u.arbitrary::<[u8; 32]>()?) };
    let proof = SegmentProof { lemma: u.arbitrary::<Vec<[u8; 32]>>()?.into_iter().map(B256::from).collect(), ..proof };
    let _ = storage::verify_segment(root, index, &segment, &proof, file_size);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
