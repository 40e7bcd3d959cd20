//! The node's data directory: what it learnt from the chain and the segments it accepted.
//!
//! Layout: `state.json` (the Flow and shard it serves, the last scanned block, every
//! `Submit` seen) and `segments/<root>/<index>.seg` (one accepted segment with the proof it
//! came with). Every file is written as temp file → fsync → rename → fsync of the
//! directory, so after a crash a name is either absent or names complete, durable bytes;
//! leftover temp files are deleted on start. A segment is acknowledged only after that
//! sequence finished, and a root's `Submit` is durable before any of its segments is taken.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};
use wasm_light_client::storage::{num_segments, verify_segment, SegmentProof, SEGMENT_CHUNKS};

use crate::chain::FileTx;

const STATE_FILE: &str = "state.json";
const STATE_VERSION: u32 = 1;
const SEGMENT_MAGIC: &[u8; 8] = b"ZGSEG01\n";
/// A scan that found nothing is persisted at most this often: rescanning a few blocks after
/// a crash is harmless, an fsync every 300 ms is not free.
const IDLE_PERSIST: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}. Check that the data directory is writable and the disk is not full")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} is not a state file this node wrote ({detail}); move it away or use a fresh --data-dir")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the data directory holds {found}, but this node was started for {wanted}; use a fresh --data-dir or the same options"
    )]
    OtherIdentity { found: String, wanted: String },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}

/// What a data directory belongs to; a node never mixes two flows or two shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub flow: Address,
    pub shard_id: u64,
    pub num_shard: u64,
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Flow {} shard {}/{}", self.flow, self.shard_id, self.num_shard)
    }
}

impl Identity {
    /// The shard that keeps segment `index` of a file starting at flow sector
    /// `start_entry`. 0G shards by position in the flow, not in the file: flow segment
    /// `start_entry / 1024 + index` goes to shard `(that) % numShard` (0G's node and SDK).
    pub fn shard_of(&self, start_entry: u64, index: u64) -> u64 {
        (start_entry / SEGMENT_CHUNKS as u64 + index) % self.num_shard
    }

    pub fn holds(&self, start_entry: u64, index: u64) -> bool {
        self.shard_of(start_entry, index) == self.shard_id
    }

    /// How many of the file's segments this shard holds.
    pub fn share(&self, start_entry: u64, size: u64) -> u64 {
        (0..num_segments(size)).filter(|&i| self.holds(start_entry, i)).count() as u64
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StateFile {
    version: u32,
    identity: Identity,
    last_block: u64,
    last_block_hash: B256,
    txs: Vec<FileTx>,
}

/// One stored segment, as read back.
pub struct Segment {
    pub proof: SegmentProof,
    pub data: Vec<u8>,
}

/// Segment files; usable without the index lock (writes of distinct segments are
/// independent, and two writes of one segment write the same verified bytes).
#[derive(Clone)]
pub struct Segments {
    dir: PathBuf,
}

impl Segments {
    fn root_dir(&self, root: &B256) -> PathBuf {
        self.dir.join(alloy_primitives::hex::encode(root))
    }

    /// Writes one verified segment durably; returns only once it survives a crash.
    pub fn write(&self, root: &B256, index: u64, proof: &SegmentProof, data: &[u8]) -> Result<(), StoreError> {
        let dir = self.root_dir(root);
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        // Also when the directory already existed: another upload may have created it a
        // moment ago and not yet made its entry durable.
        sync_dir(&self.dir)?;
        let proof = serde_json::to_vec(proof).expect("a proof always serialises");
        let mut bytes = Vec::with_capacity(SEGMENT_MAGIC.len() + 4 + proof.len() + data.len());
        bytes.extend_from_slice(SEGMENT_MAGIC);
        bytes.extend_from_slice(&(proof.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&proof);
        bytes.extend_from_slice(data);
        write_atomic(&dir, &format!("{index}.seg"), &bytes)
    }

    pub fn read(&self, root: &B256, index: u64) -> Result<Option<Segment>, StoreError> {
        let path = self.root_dir(root).join(format!("{index}.seg"));
        match fs::read(&path) {
            Ok(bytes) => decode_segment(&bytes)
                .map(Some)
                .ok_or_else(|| StoreError::Corrupt { path, detail: "not a segment file".into() }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Io { path, source }),
        }
    }
}

fn decode_segment(bytes: &[u8]) -> Option<Segment> {
    let rest = bytes.strip_prefix(SEGMENT_MAGIC)?;
    let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let proof = serde_json::from_slice(rest.get(4..4 + len)?).ok()?;
    Some(Segment { proof, data: rest[4 + len..].to_vec() })
}

/// The node's index: files from the chain and which of their segments are on disk.
pub struct Store {
    dir: PathBuf,
    identity: Identity,
    pub segments: Segments,
    last_block: u64,
    last_block_hash: B256,
    txs: BTreeMap<u64, FileTx>,
    /// The first submission of each root: a root submitted twice is stored once.
    first_by_root: HashMap<B256, u64>,
    held: HashMap<B256, BTreeSet<u64>>,
    persisted_at: Instant,
}

impl Store {
    /// Opens (or creates) the data directory. A fresh one starts scanning at `first_block`.
    /// Segments are re-verified against their file roots: only what checks out is served.
    pub fn open(dir: &Path, identity: Identity, first_block: u64) -> Result<Store, StoreError> {
        let segments_dir = dir.join("segments");
        fs::create_dir_all(&segments_dir).map_err(io_err(&segments_dir))?;
        sync_dir(dir)?;
        remove_temp_files(dir)?;

        let state_path = dir.join(STATE_FILE);
        let state = match fs::read(&state_path) {
            Ok(bytes) => {
                let state: StateFile = serde_json::from_slice(&bytes)
                    .map_err(|e| StoreError::Corrupt { path: state_path.clone(), detail: e.to_string() })?;
                if state.version != STATE_VERSION {
                    return Err(StoreError::Corrupt {
                        path: state_path,
                        detail: format!("version {} (this node writes {STATE_VERSION})", state.version),
                    });
                }
                if state.identity != identity {
                    return Err(StoreError::OtherIdentity {
                        found: state.identity.to_string(),
                        wanted: identity.to_string(),
                    });
                }
                state
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => StateFile {
                version: STATE_VERSION,
                identity,
                last_block: first_block.saturating_sub(1),
                last_block_hash: B256::ZERO,
                txs: Vec::new(),
            },
            Err(source) => return Err(StoreError::Io { path: state_path, source }),
        };

        let mut store = Store {
            dir: dir.to_path_buf(),
            identity,
            segments: Segments { dir: segments_dir },
            last_block: state.last_block,
            last_block_hash: state.last_block_hash,
            txs: BTreeMap::new(),
            first_by_root: HashMap::new(),
            held: HashMap::new(),
            persisted_at: Instant::now(),
        };
        for tx in state.txs {
            store.index_tx(tx);
        }
        store.load_segments()?;
        Ok(store)
    }

    fn index_tx(&mut self, tx: FileTx) {
        self.first_by_root.entry(tx.root).or_insert(tx.seq);
        self.txs.insert(tx.seq, tx);
    }

    fn load_segments(&mut self) -> Result<(), StoreError> {
        let dir = self.segments.dir.clone();
        for entry in fs::read_dir(&dir).map_err(io_err(&dir))? {
            let entry = entry.map_err(io_err(&dir))?;
            let Some(root) = entry.file_name().to_str().and_then(|n| n.parse::<B256>().ok()) else { continue };
            remove_temp_files(&entry.path())?;
            let Some(tx) = self.tx_by_root(&root) else {
                eprintln!("zg-storage-node: ignoring segments of {root}: no Submit event for it in the state file");
                continue;
            };
            for file in fs::read_dir(entry.path()).map_err(io_err(&entry.path()))? {
                let file = file.map_err(io_err(&entry.path()))?;
                let name = file.file_name();
                let Some(index) = name.to_str().and_then(|n| n.strip_suffix(".seg")).and_then(|n| n.parse().ok())
                else {
                    continue;
                };
                let verified = self.segments.read(&root, index).ok().flatten().is_some_and(|s| {
                    verify_segment(root, index, &s.data, &s.proof, tx.size).is_ok()
                        && self.identity.holds(tx.start_entry_index, index)
                });
                // Renames make torn files impossible; this guards against anything else
                // (a disk error, a hand edit) ever reaching a client.
                if verified {
                    self.held.entry(root).or_default().insert(index);
                } else {
                    eprintln!(
                        "zg-storage-node: {} does not verify against {root}; not serving it",
                        file.path().display()
                    );
                }
            }
        }
        Ok(())
    }

    pub fn last_block(&self) -> (u64, B256) {
        (self.last_block, self.last_block_hash)
    }

    pub fn next_tx_seq(&self) -> u64 {
        self.txs.keys().next_back().map_or(0, |s| s + 1)
    }

    pub fn tx_by_root(&self, root: &B256) -> Option<FileTx> {
        self.first_by_root.get(root).and_then(|seq| self.txs.get(seq)).cloned()
    }

    pub fn tx_by_seq(&self, seq: u64) -> Option<FileTx> {
        self.txs.get(&seq).cloned()
    }

    pub fn holds(&self, root: &B256, index: u64) -> bool {
        self.held.get(root).is_some_and(|h| h.contains(&index))
    }

    pub fn uploaded(&self, root: &B256) -> u64 {
        self.held.get(root).map_or(0, |h| h.len() as u64)
    }

    /// Every segment of this shard's share is on disk (vacuously when the share is empty).
    pub fn finalized(&self, tx: &FileTx) -> bool {
        self.uploaded(&tx.root) == self.identity.share(tx.start_entry_index, tx.size)
    }

    /// Records a segment already written durably by [`Segments::write`].
    pub fn mark_held(&mut self, root: B256, index: u64) {
        self.held.entry(root).or_default().insert(index);
    }

    /// Adopts a scan up to block `to`: the new submissions are durable before they are
    /// visible, so no segment is ever accepted for a root a restart would forget.
    pub fn apply_scan(&mut self, new: Vec<FileTx>, to: u64, hash: B256) -> Result<(), StoreError> {
        let found = !new.is_empty();
        for tx in new {
            self.index_tx(tx);
        }
        self.last_block = to;
        self.last_block_hash = hash;
        if found || self.persisted_at.elapsed() >= IDLE_PERSIST {
            self.persist()?;
        }
        Ok(())
    }

    fn persist(&mut self) -> Result<(), StoreError> {
        let state = StateFile {
            version: STATE_VERSION,
            identity: self.identity,
            last_block: self.last_block,
            last_block_hash: self.last_block_hash,
            txs: self.txs.values().cloned().collect(),
        };
        let bytes = serde_json::to_vec(&state).expect("the state always serialises");
        write_atomic(&self.dir, STATE_FILE, &bytes)?;
        self.persisted_at = Instant::now();
        Ok(())
    }
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))
}

/// temp → fsync → rename → fsync(dir): the name appears only with complete, durable bytes.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!("{name}.tmp-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
    let written = File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(source) = written.and_then(|()| fs::rename(&tmp, dir.join(name))) {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::Io { path: tmp, source });
    }
    sync_dir(dir)
}

/// Leftovers of writes a crash interrupted: never acknowledged, so safe to drop.
fn remove_temp_files(dir: &Path) -> Result<(), StoreError> {
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        if entry.file_name().to_str().is_some_and(|n| n.contains(".tmp-")) {
            fs::remove_file(entry.path()).map_err(io_err(&entry.path()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_light_client::storage::{segment_data, FileTree, SEGMENT_SIZE};

    struct Dir(PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
    fn temp(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("zg-storage-unit-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        Dir(dir)
    }

    fn identity(shard_id: u64) -> Identity {
        Identity { flow: Address::repeat_byte(7), shard_id, num_shard: 2 }
    }

    fn file(size: usize, seq: u64) -> (Vec<u8>, FileTree, FileTx) {
        let data: Vec<u8> = (0..size).map(|i| (i * 7 + seq as usize) as u8).collect();
        let tree = FileTree::new(&data).unwrap();
        let tx = FileTx {
            seq,
            root: tree.root(),
            size: size as u64,
            start_entry_index: 0,
            nodes: tree.submission_nodes(),
            block: 5,
        };
        (data, tree, tx)
    }

    #[test]
    fn shares_split_segments_by_index() {
        // 4 segments: shard 0 holds 0 and 2, shard 1 holds 1 and 3; 3 segments: 2 and 1.
        assert_eq!(
            (identity(0).share(0, 4 * SEGMENT_SIZE as u64), identity(1).share(0, 4 * SEGMENT_SIZE as u64)),
            (2, 2)
        );
        assert_eq!(
            (identity(0).share(0, 3 * SEGMENT_SIZE as u64), identity(1).share(0, 3 * SEGMENT_SIZE as u64)),
            (2, 1)
        );
        assert_eq!((identity(0).share(0, 10), identity(1).share(0, 10)), (1, 0));
        // A file starting in flow segment 1 puts its segment 0 on shard 1.
        assert_eq!(
            (identity(0).share(1024, 3 * SEGMENT_SIZE as u64), identity(1).share(1024, 3 * SEGMENT_SIZE as u64)),
            (1, 2)
        );
        assert!(identity(1).holds(1024, 0) && identity(0).holds(1536, 1));
    }

    #[test]
    fn everything_acknowledged_survives_a_reopen_and_temp_files_vanish() {
        let dir = temp("reopen");
        let (data, tree, tx) = file(2 * SEGMENT_SIZE + 1000, 0);
        let mut store = Store::open(&dir.0, identity(0), 3).unwrap();
        assert_eq!(store.last_block().0, 2);
        store.apply_scan(vec![tx.clone()], 9, B256::repeat_byte(9)).unwrap();
        for index in [0, 2] {
            let seg = segment_data(&data, index).unwrap();
            store.segments.write(&tx.root, index, &tree.segment_proof(index).unwrap(), &seg).unwrap();
            store.mark_held(tx.root, index);
        }
        assert!(store.finalized(&tx));
        // A crash mid-write leaves a temp file and no visible segment; a torn .seg never verifies.
        let root_dir = store.segments.root_dir(&tx.root);
        fs::write(root_dir.join("4.seg.tmp-1-1"), b"half a segm").unwrap();
        fs::write(root_dir.join("6.seg"), b"ZGSEG01\n\x05\0\0\0{}").unwrap();
        drop(store);

        let store = Store::open(&dir.0, identity(0), 3).unwrap();
        assert_eq!(store.last_block(), (9, B256::repeat_byte(9)));
        assert_eq!(store.tx_by_root(&tx.root), Some(tx.clone()));
        assert_eq!(store.uploaded(&tx.root), 2);
        assert!(store.holds(&tx.root, 2) && !store.holds(&tx.root, 6));
        assert!(!root_dir.join("4.seg.tmp-1-1").exists());
        let back = store.segments.read(&tx.root, 2).unwrap().unwrap();
        assert_eq!(back.data, segment_data(&data, 2).unwrap());
        assert_eq!(back.proof, tree.segment_proof(2).unwrap());
    }

    #[test]
    fn a_data_dir_serves_one_flow_and_shard() {
        let dir = temp("identity");
        drop(Store::open(&dir.0, identity(0), 1).unwrap().persist());
        let err = Store::open(&dir.0, identity(1), 1).err().unwrap();
        assert!(matches!(err, StoreError::OtherIdentity { .. }), "{err}");
        fs::write(dir.0.join(STATE_FILE), b"{").unwrap();
        assert!(matches!(Store::open(&dir.0, identity(0), 1), Err(StoreError::Corrupt { .. })));
    }

    #[test]
    fn a_root_submitted_twice_is_one_file() {
        let dir = temp("twice");
        let (_, _, tx) = file(100, 0);
        let again = FileTx { seq: 1, ..tx.clone() };
        let mut store = Store::open(&dir.0, identity(0), 1).unwrap();
        store.apply_scan(vec![tx.clone(), again.clone()], 4, B256::ZERO).unwrap();
        assert_eq!(store.tx_by_root(&tx.root), Some(tx));
        assert_eq!(store.tx_by_seq(1), Some(again));
        assert_eq!(store.next_tx_seq(), 2);
    }
}
