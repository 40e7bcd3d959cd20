//! Segments uploaded before the node has seen their file's `Submit`, held in memory until
//! it does, as 0G's chunk pool holds them: a client may send a small file's segments the
//! moment its transaction is broadcast, before any node has followed the chain that far.
//!
//! Only proven segments get here (the proof checked against the root and size the segment
//! itself names), only for files up to 0G's `max_cache_file_size` (10 MiB), within an
//! overall cap, and for at most 0G's default expiry of five minutes. Nothing here is
//! durable: a node that restarts forgets its cache, as 0G's does, and the client uploads
//! again.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use alloy_primitives::B256;
use wasm_light_client::storage::SegmentProof;

/// 0G's `max_cache_file_size`: larger files must be submitted before they are uploaded.
pub const MAX_CACHED_FILE: u64 = 10 * 1024 * 1024;
/// All cached segments together (0G's pool allows 1 GiB; the devnet's nodes are small).
pub const MAX_CACHED_BYTES: usize = 64 * 1024 * 1024;
/// 0G's `chunk_pool_expiration_time_secs` default.
pub const EXPIRY: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    #[error(
        "caching of large file when tx is unavailable is not supported: {size} bytes is over {MAX_CACHED_FILE}; submit the file to the Flow contract, wait until zgs_getFileInfo answers, then upload"
    )]
    FileTooLarge { size: u64 },
    #[error("the node's segment cache is full; submit the file to the Flow contract first, or upload again shortly")]
    Full,
    #[error(
        "segment file size not matched with the cached segments: {cached} bytes earlier, {size} now; upload the same file"
    )]
    OtherSize { cached: u64, size: u64 },
}

/// One cached segment: its proof and bytes, already verified against its root.
pub struct CachedSegment {
    pub proof: SegmentProof,
    pub data: Vec<u8>,
}

/// A file's cached segments.
pub struct CachedFile {
    pub size: u64,
    pub segments: BTreeMap<u64, CachedSegment>,
    since: Instant,
}

#[derive(Default)]
pub struct SegmentCache {
    files: HashMap<B256, CachedFile>,
    bytes: usize,
}

impl SegmentCache {
    /// Keeps a verified segment of a file the node has not seen submitted.
    pub fn insert(
        &mut self,
        root: B256,
        size: u64,
        index: u64,
        segment: CachedSegment,
        now: Instant,
    ) -> Result<(), CacheError> {
        if size > MAX_CACHED_FILE {
            return Err(CacheError::FileTooLarge { size });
        }
        self.expire(now);
        if let Some(file) = self.files.get(&root) {
            if file.size != size {
                return Err(CacheError::OtherSize { cached: file.size, size });
            }
            if file.segments.contains_key(&index) {
                return Ok(());
            }
        }
        if self.bytes + segment.data.len() > MAX_CACHED_BYTES {
            return Err(CacheError::Full);
        }
        self.bytes += segment.data.len();
        let file = self.files.entry(root).or_insert_with(|| CachedFile { size, segments: BTreeMap::new(), since: now });
        file.segments.insert(index, segment);
        Ok(())
    }

    /// The roots with cached segments.
    pub fn roots(&self) -> Vec<B256> {
        self.files.keys().copied().collect()
    }

    /// Hands over a file's segments (once its `Submit` is known) and forgets them.
    pub fn take(&mut self, root: &B256) -> Option<CachedFile> {
        let file = self.files.remove(root)?;
        self.bytes -= file.segments.values().map(|s| s.data.len()).sum::<usize>();
        Some(file)
    }

    /// Drops files cached longer than [`EXPIRY`].
    pub fn expire(&mut self, now: Instant) {
        let stale: Vec<B256> =
            self.files.iter().filter(|(_, f)| now.duration_since(f.since) >= EXPIRY).map(|(r, _)| *r).collect();
        for root in stale {
            self.take(&root);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(len: usize) -> CachedSegment {
        CachedSegment { proof: SegmentProof { lemma: vec![B256::ZERO], path: vec![] }, data: vec![7; len] }
    }

    #[test]
    fn keeps_segments_by_root_until_taken() {
        let mut cache = SegmentCache::default();
        let now = Instant::now();
        let root = B256::repeat_byte(1);
        cache.insert(root, 2000, 0, segment(1024), now).unwrap();
        cache.insert(root, 2000, 0, segment(1024), now).unwrap();
        cache.insert(root, 2000, 1, segment(1024), now).unwrap();
        assert_eq!(cache.bytes, 2048, "a segment sent twice is kept once");
        assert_eq!(
            cache.insert(root, 3000, 2, segment(10), now),
            Err(CacheError::OtherSize { cached: 2000, size: 3000 })
        );
        assert_eq!(cache.roots(), vec![root]);
        let file = cache.take(&root).unwrap();
        assert_eq!((file.size, file.segments.keys().copied().collect::<Vec<_>>()), (2000, vec![0, 1]));
        assert!(cache.roots().is_empty() && cache.bytes == 0);
        assert!(cache.take(&root).is_none());
    }

    #[test]
    fn refuses_large_files_and_a_full_cache() {
        let mut cache = SegmentCache::default();
        let now = Instant::now();
        let too_big = MAX_CACHED_FILE + 1;
        assert_eq!(
            cache.insert(B256::ZERO, too_big, 0, segment(1), now),
            Err(CacheError::FileTooLarge { size: too_big })
        );
        assert!(CacheError::FileTooLarge { size: too_big }.to_string().starts_with("caching of large file"));
        let chunk = 256 * 1024;
        for i in 0..(MAX_CACHED_BYTES / chunk) as u64 {
            cache.insert(B256::with_last_byte(i as u8), MAX_CACHED_FILE, 0, segment(chunk), now).unwrap();
        }
        assert_eq!(cache.insert(B256::repeat_byte(0xee), 100, 0, segment(1), now), Err(CacheError::Full));
    }

    #[test]
    fn forgets_files_after_the_expiry() {
        let mut cache = SegmentCache::default();
        let start = Instant::now();
        cache.insert(B256::repeat_byte(1), 100, 0, segment(100), start).unwrap();
        cache.insert(B256::repeat_byte(2), 100, 0, segment(100), start + EXPIRY / 2).unwrap();
        cache.expire(start + EXPIRY);
        assert_eq!(cache.roots(), vec![B256::repeat_byte(2)]);
        assert_eq!(cache.bytes, 100);
    }
}
