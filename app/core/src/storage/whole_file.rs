//! A whole file arriving as a stream (0G's gateway serves `GET /file` only whole, with no
//! per-segment proofs), checked against its root as it arrives. Pure, tested natively.
//!
//! The bytes are hashed with the same `FileHasher` an upload uses and held back: `finish`
//! gives them out only when the stream's root equals the root asked for. A stream longer
//! than the file is cut off at once, so a gateway cannot make the page hold more than the
//! file's size.

use alloy_primitives::B256;
use wasm_light_client::storage::{num_segments, FileHasher, SEGMENT_SIZE};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WholeFileError {
    #[error("the gateway sent more than the file's {size} bytes; nothing it sent was used")]
    TooLong { size: u64 },
    #[error("the gateway sent {got} bytes where the file has {size}; nothing it sent was used")]
    WrongLength { got: u64, size: u64 },
    #[error("the gateway sent a file whose root is {got}, not {root}: it is corrupted or another file, and nothing it sent was used")]
    WrongRoot { root: B256, got: B256 },
    #[error("the gateway sent an empty file; 0G stores no empty files")]
    Empty,
}

/// A download in progress: bytes so far (unreleased) and their running hash.
pub struct WholeFileCheck {
    root: B256,
    size: u64,
    hasher: FileHasher,
    bytes: Vec<u8>,
}

impl WholeFileCheck {
    /// Expects `size` bytes whose 0G root is `root`. `size` may come from a node's word:
    /// memory is taken only as bytes arrive, never reserved on it.
    pub fn new(root: B256, size: u64) -> Self {
        Self { root, size, hasher: FileHasher::new(), bytes: Vec::new() }
    }

    /// Takes the next piece of the stream.
    pub fn push(&mut self, piece: &[u8]) -> Result<(), WholeFileError> {
        if self.bytes.len() as u64 + piece.len() as u64 > self.size {
            return Err(WholeFileError::TooLong { size: self.size });
        }
        self.hasher.update(piece);
        self.bytes.extend_from_slice(piece);
        Ok(())
    }

    /// Segments' worth of bytes received, for progress.
    pub fn segments_done(&self) -> u64 {
        (self.bytes.len() / SEGMENT_SIZE) as u64
    }

    pub fn segments_total(&self) -> u64 {
        num_segments(self.size)
    }

    /// The file, once all of it arrived and its root is the one asked for.
    pub fn finish(self) -> Result<Vec<u8>, WholeFileError> {
        let got = self.bytes.len() as u64;
        if got != self.size {
            return Err(WholeFileError::WrongLength { got, size: self.size });
        }
        let tree = self.hasher.finalize().map_err(|_| WholeFileError::Empty)?;
        if tree.root() != self.root {
            return Err(WholeFileError::WrongRoot { root: self.root, got: tree.root() });
        }
        Ok(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_light_client::storage::file_root;

    fn file(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    fn stream(check: &mut WholeFileCheck, bytes: &[u8], piece: usize) -> Result<(), WholeFileError> {
        bytes.chunks(piece).try_for_each(|p| check.push(p))
    }

    #[test]
    fn the_right_file_is_released_whatever_the_pieces() {
        let data = file(2 * SEGMENT_SIZE + 1000);
        let root = file_root(&data).unwrap();
        for piece in [1000, 4096, 65_537, data.len()] {
            let mut check = WholeFileCheck::new(root, data.len() as u64);
            stream(&mut check, &data, piece).unwrap();
            assert_eq!(check.segments_done(), 2);
            assert_eq!(check.segments_total(), 3);
            assert_eq!(check.finish().unwrap(), data);
        }
    }

    #[test]
    fn a_corrupted_byte_releases_nothing() {
        let data = file(SEGMENT_SIZE + 5);
        let root = file_root(&data).unwrap();
        let mut bad = data.clone();
        bad[SEGMENT_SIZE + 2] ^= 1;
        let mut check = WholeFileCheck::new(root, data.len() as u64);
        stream(&mut check, &bad, 4096).unwrap();
        assert!(matches!(check.finish(), Err(WholeFileError::WrongRoot { .. })));
    }

    #[test]
    fn short_and_long_streams_are_refused() {
        let data = file(3000);
        let root = file_root(&data).unwrap();
        let mut check = WholeFileCheck::new(root, data.len() as u64);
        stream(&mut check, &data[..2999], 512).unwrap();
        assert_eq!(check.finish(), Err(WholeFileError::WrongLength { got: 2999, size: 3000 }));
        let mut check = WholeFileCheck::new(root, data.len() as u64);
        let mut long = data.clone();
        long.push(0);
        assert_eq!(stream(&mut check, &long, 512), Err(WholeFileError::TooLong { size: 3000 }));
        assert_eq!(WholeFileCheck::new(root, 0).finish(), Err(WholeFileError::Empty));
    }
}
