//! Hashing a file into its 0G tree without holding it whole and without freezing the page.
//!
//! Segments are independent, so the work splits there: WebGPU (a WGSL keccak, see `gpu`) or
//! a pool of Web Workers (see `worker`) turns slices of the file into segment roots, and the
//! cheap tree over those roots is built at the end by
//! [`FileTree::from_segment_roots`](wasm_light_client::storage::FileTree::from_segment_roots),
//! which applies 0G's padding exactly as the single-threaded `FileHasher` does. Paths are
//! tried fastest first; any failure of one (no adapter, a GPU error, a worker that cannot
//! load) falls back to the next, down to the main thread, and [`HashPath`] says which ran and
//! why the faster ones did not.

pub mod cpu;
#[cfg(target_arch = "wasm32")]
mod gpu;
pub mod worker;

use std::cell::{Cell, RefCell};
use std::fmt;

use wasm_light_client::storage::{num_chunks, FileTree, StorageError, SEGMENT_CHUNKS, SEGMENT_SIZE};

use super::source::FileSource;
use cpu::SliceHashes;
pub use worker::WorkerScript;

/// Bytes per slice sent to a worker: small enough for a smooth progress bar and little
/// memory in flight, large enough that messaging costs nothing next to hashing.
const WORKER_SLICE: u64 = 4 * SEGMENT_SIZE as u64;
/// Workers at most, whatever `navigator.hardwareConcurrency` claims.
const MAX_WORKERS: usize = 16;

/// Which path hashed the file, for the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashPath {
    WebGpu {
        adapter: String,
    },
    Workers {
        count: usize,
        gpu_skipped: String,
    },
    /// On the page itself, yielding between slices; `why` lists why nothing faster ran.
    MainThread {
        why: Vec<String>,
    },
}

impl fmt::Display for HashPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HashPath::WebGpu { adapter } => write!(f, "hashed on WebGPU ({adapter})"),
            HashPath::Workers { count: 1, .. } => write!(f, "hashed on 1 worker"),
            HashPath::Workers { count, .. } => write!(f, "hashed on {count} workers"),
            HashPath::MainThread { .. } => write!(f, "hashed on the main thread"),
        }
    }
}

/// When to hash on WebGPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpuUse {
    Never,
    /// Only on a hardware adapter: a software one (Chromium's SwiftShader, which headless
    /// Chromium offers with `--enable-unsafe-webgpu`) is far slower than the workers.
    Hardware,
    /// On any adapter, software included (tests and benches).
    Any,
}

/// Which paths to try; [`hash_file`] uses the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashOptions {
    pub gpu: GpuUse,
    /// 0 skips the workers.
    pub workers: usize,
    pub script: WorkerScript,
}

impl Default for HashOptions {
    fn default() -> Self {
        Self { gpu: GpuUse::Hardware, workers: default_workers(), script: WorkerScript::Trunk }
    }
}

/// `navigator.hardwareConcurrency`, at least 1.
pub fn default_workers() -> usize {
    web_sys::window().map(|w| w.navigator().hardware_concurrency() as usize).unwrap_or(1).clamp(1, MAX_WORKERS)
}

/// Why a path stopped: the file itself (every path would fail the same way) or the path.
#[derive(Debug)]
enum Failure {
    File(String),
    Path(String),
}

/// The file's 0G tree, hashed on the fastest path that works; `progress` gets bytes done.
pub async fn hash_file(source: &FileSource, progress: &dyn Fn(u64)) -> Result<(FileTree, HashPath), String> {
    let result = hash_file_with(source, progress, &HashOptions::default()).await;
    LAST_PATH.with(|last| *last.borrow_mut() = result.as_ref().ok().map(|(_, path)| path.clone()));
    result
}

thread_local!(static LAST_PATH: RefCell<Option<HashPath>> = const { RefCell::new(None) });

/// The path the latest [`hash_file`] ran on, for pages that get the tree through a service.
pub fn last_path() -> Option<HashPath> {
    LAST_PATH.with(|last| last.borrow().clone())
}

/// [`hash_file`] with a choice of paths (tests and benches force each one in turn).
pub async fn hash_file_with(
    source: &FileSource,
    progress: &dyn Fn(u64),
    options: &HashOptions,
) -> Result<(FileTree, HashPath), String> {
    if source.size == 0 {
        return Err(StorageError::Empty.to_string());
    }
    let mut why = Vec::new();
    if options.gpu == GpuUse::Never {
        why.push("WebGPU: not requested".into());
    } else if num_chunks(source.size) < SEGMENT_CHUNKS as u64 {
        why.push("WebGPU: the file is smaller than one segment".into());
    } else {
        match gpu_path(source, progress, options.gpu == GpuUse::Any).await {
            Ok((tree, adapter)) => return Ok((tree, HashPath::WebGpu { adapter })),
            Err(Failure::File(e)) => return Err(e),
            Err(Failure::Path(reason)) => why.push(format!("WebGPU: {reason}")),
        }
        progress(0);
    }
    let count = options.workers.min(source.size.div_ceil(WORKER_SLICE) as usize);
    if count > 0 {
        match worker_path(source, progress, options.script, count).await {
            Ok(tree) => return Ok((tree, HashPath::Workers { count, gpu_skipped: why.join("; ") })),
            Err(Failure::File(e)) => return Err(e),
            Err(Failure::Path(reason)) => why.push(format!("workers: {reason}")),
        }
        progress(0);
    } else {
        why.push("workers: not requested".into());
    }
    let tree = main_thread_path(source, progress).await?;
    Ok((tree, HashPath::MainThread { why }))
}

#[cfg(target_arch = "wasm32")]
async fn gpu_path(source: &FileSource, progress: &dyn Fn(u64), software: bool) -> Result<(FileTree, String), Failure> {
    gpu::hash(source, progress, software).await
}

#[cfg(not(target_arch = "wasm32"))]
async fn gpu_path(_: &FileSource, _: &dyn Fn(u64), _: bool) -> Result<(FileTree, String), Failure> {
    Err(Failure::Path("WebGPU exists only in the browser".into()))
}

/// Slices of `size` bytes starting at `from`, each a whole number of segments but the last.
fn slices(from: u64, size: u64, slice: u64) -> Vec<(u64, u64)> {
    (from..size).step_by(slice as usize).map(|start| (start, (start + slice).min(size))).collect()
}

/// The tree from per-slice results in file order.
fn assemble(size: u64, parts: Vec<SliceHashes>) -> Result<FileTree, String> {
    let mut roots = Vec::new();
    let mut tail = Vec::new();
    for part in parts {
        roots.extend(part.roots);
        tail = part.tail;
    }
    FileTree::from_segment_roots(size, roots, tail)
        .ok_or_else(|| "the hashed slices do not add up to the file; please report this bug".to_string())
}

async fn worker_path(
    source: &FileSource,
    progress: &dyn Fn(u64),
    script: WorkerScript,
    count: usize,
) -> Result<FileTree, Failure> {
    let pool = worker::Pool::start(script, count).await.map_err(Failure::Path)?;
    let plan = slices(0, source.size, WORKER_SLICE);
    let results: RefCell<Vec<SliceHashes>> = RefCell::new(vec![SliceHashes::default(); plan.len()]);
    let next = Cell::new(0usize);
    let done = Cell::new(0u64);
    // Two lanes per worker: one slice is read from the file while the other is hashed.
    let lanes = (0..2 * pool.len()).map(|lane| {
        let (pool, plan, results, next, done) = (&pool, &plan, &results, &next, &done);
        async move {
            loop {
                let i = next.get();
                let Some(&(start, end)) = plan.get(i) else { return Ok(()) };
                next.set(i + 1);
                let bytes = source.read(start, end).await.map_err(Failure::File)?;
                let hashes = pool.hash(lane % pool.len(), &bytes).await.map_err(Failure::Path)?;
                results.borrow_mut()[i] = hashes;
                done.set(done.get() + (end - start));
                progress(done.get());
            }
        }
    });
    futures::future::try_join_all(lanes).await?;
    assemble(source.size, results.into_inner()).map_err(Failure::Path)
}

async fn main_thread_path(source: &FileSource, progress: &dyn Fn(u64)) -> Result<FileTree, String> {
    let mut parts = Vec::new();
    for (start, end) in slices(0, source.size, WORKER_SLICE) {
        parts.push(cpu::hash_slice(&source.read(start, end).await?));
        progress(end);
        // Let the page paint and take input between slices.
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
    assemble(source.size, parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_the_file_on_segment_boundaries() {
        assert_eq!(slices(0, 1, WORKER_SLICE), vec![(0, 1)]);
        let size = 3 * WORKER_SLICE + 5;
        let plan = slices(0, size, WORKER_SLICE);
        assert_eq!(plan.len(), 4);
        assert_eq!(plan.last(), Some(&(3 * WORKER_SLICE, size)));
        assert!(plan.windows(2).all(|w| w[0].1 == w[1].0 && w[0].0 % SEGMENT_SIZE as u64 == 0));
        assert_eq!(slices(SEGMENT_SIZE as u64, 2 * SEGMENT_SIZE as u64, WORKER_SLICE).len(), 1);
    }

    #[test]
    fn paths_read_well_in_the_ui() {
        assert_eq!(HashPath::Workers { count: 2, gpu_skipped: String::new() }.to_string(), "hashed on 2 workers");
        assert_eq!(HashPath::WebGpu { adapter: "SwiftShader".into() }.to_string(), "hashed on WebGPU (SwiftShader)");
        assert_eq!(HashPath::MainThread { why: vec![] }.to_string(), "hashed on the main thread");
    }
}
