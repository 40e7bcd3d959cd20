//! Streaming file hashing in real headless Chromium: WebGPU, Web Workers and the main thread
//! must all give `FileTree::new`'s tree, bit for bit, and each path must really have run.
//!
//! `cargo xtask test wasm` runs it; `app/webdriver.json` passes `--enable-unsafe-webgpu`,
//! which SwiftShader (a CPU WebGPU adapter) needs headless. By hand:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown --test hashing`
//! Throughput figures for 64 MiB (`throughput_64_mib` prints them; add `-- --nocapture`):
//! build with `ZG_HASH_BENCH=1` and `--release --config 'profile.release.panic="unwind"'`
//! (tests unwind; with the profile's `abort` cargo builds the libraries twice and the
//! cdylib's unhashed file names collide), best with its own `CARGO_TARGET_DIR`.

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wasm_light_client::storage::{FileTree, SEGMENT_SIZE};
use zg_console::storage::hashing::{self, GpuUse, HashOptions, HashPath, WorkerScript};
use zg_console::storage::source::FileSource;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets workers started with `WorkerScript::SameModule` run this test binary's wasm.
#[wasm_bindgen(js_name = zgHashWorkerStart)]
pub fn zg_hash_worker_start() {
    hashing::worker::start();
}

const SIZES: [usize; 9] = [
    1,
    255,
    256,
    257,
    SEGMENT_SIZE - 1,
    SEGMENT_SIZE,
    SEGMENT_SIZE + 1,
    // Several segments and a partial one, spread over two worker slices.
    5 * SEGMENT_SIZE + 1000,
    // 16385 chunks: the padded file ends in a whole padding-only segment.
    16 * SEGMENT_SIZE + 1,
];

fn content(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

fn file(bytes: &[u8]) -> FileSource {
    let parts = Array::of1(&Uint8Array::from(bytes));
    FileSource::new(web_sys::File::new_with_u8_array_sequence(&parts, "test.bin").unwrap())
}

fn options(gpu: GpuUse, workers: usize, script: WorkerScript) -> HashOptions {
    HashOptions { gpu, workers, script }
}

/// Hashes every size with `options`, checks the tree and returns the paths that ran.
async fn check_all(options: &HashOptions) -> Vec<HashPath> {
    let mut paths = Vec::new();
    for size in SIZES {
        let data = content(size);
        let expected = FileTree::new(&data).unwrap();
        let last = Cell::new(0u64);
        let progress = |done: u64| {
            assert!(done <= size as u64, "progress {done} beyond {size} bytes");
            last.set(done);
        };
        let (tree, path) = hashing::hash_file_with(&file(&data), &progress, options).await.unwrap();
        assert_eq!(tree, expected, "{size} bytes on {path:?}");
        assert_eq!(tree.submission_nodes(), expected.submission_nodes(), "{size} bytes on {path:?}");
        assert_eq!(last.get(), size as u64, "progress ends at the file size ({path:?})");
        paths.push(path);
    }
    paths
}

#[wasm_bindgen_test]
async fn webgpu_gives_the_reference_tree() {
    let paths = check_all(&options(GpuUse::Any, 0, WorkerScript::SameModule)).await;
    console_log!("WebGPU path: {:?}", paths.last());
    for (size, path) in SIZES.iter().zip(paths) {
        if *size < SEGMENT_SIZE - 255 {
            // Under 1024 chunks there is no complete segment for the GPU to hash.
            assert!(matches!(path, HashPath::MainThread { .. }), "{size} bytes: {path:?}");
            continue;
        }
        assert!(
            matches!(path, HashPath::WebGpu { .. }),
            "expected WebGPU, got {path:?}. Headless Chromium offers its SwiftShader adapter only with \
             --enable-unsafe-webgpu: app/webdriver.json must pass it to Chromium"
        );
    }
}

#[wasm_bindgen_test]
async fn workers_give_the_reference_tree() {
    let paths = check_all(&options(GpuUse::Never, 2, WorkerScript::SameModule)).await;
    for (size, path) in SIZES.iter().zip(paths) {
        // One worker per 1 MiB slice at most.
        let count = if *size > 4 * SEGMENT_SIZE { 2 } else { 1 };
        assert!(matches!(path, HashPath::Workers { count: c, .. } if c == count), "{size} bytes: {path:?}");
    }
}

#[wasm_bindgen_test]
async fn a_worker_proves_an_honest_segment_and_refuses_a_flipped_byte() {
    use wasm_light_client::storage::{file_root, segment_data, segment_proof};
    use zg_console::storage::hashing::worker::{Pool, Proven};
    use zg_console::storage::wire::SegmentWithProof;

    let data = content(3 * SEGMENT_SIZE + 1000);
    let (root, size) = (file_root(&data).unwrap(), data.len() as u64);
    let answer = |flip: bool| {
        let mut segment = SegmentWithProof {
            root,
            data: segment_data(&data, 1).unwrap(),
            index: 1,
            proof: segment_proof(&data, 1).unwrap(),
            file_size: size,
        };
        segment.data[9] ^= u8::from(flip);
        serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "id": 0, "result": segment})).unwrap()
    };
    let pool = Pool::start(WorkerScript::SameModule, 1).await.expect("a worker starts");
    let node = "http://127.0.0.1:5678";
    let honest = pool.prove_segment(0, node, &answer(false), root, 1, size).await.unwrap();
    assert_eq!(honest, Proven::Segment(segment_data(&data, 1).unwrap()));
    match pool.prove_segment(0, node, &answer(true), root, 1, size).await.unwrap() {
        Proven::Refused(reason) => assert!(reason.starts_with("proof refused"), "{reason}"),
        other => panic!("a flipped byte was proven: {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn main_thread_gives_the_reference_tree() {
    for path in check_all(&options(GpuUse::Never, 0, WorkerScript::SameModule)).await {
        assert!(matches!(path, HashPath::MainThread { .. }), "{path:?}");
    }
}

/// By default a software adapter is passed over for the workers, which are faster; the
/// reason is kept for the UI.
#[wasm_bindgen_test]
async fn the_default_skips_a_software_adapter() {
    let data = content(2 * SEGMENT_SIZE);
    let (tree, path) =
        hashing::hash_file_with(&file(&data), &|_| {}, &options(GpuUse::Hardware, 2, WorkerScript::SameModule))
            .await
            .unwrap();
    assert_eq!(tree, FileTree::new(&data).unwrap());
    match path {
        HashPath::Workers { gpu_skipped, .. } => {
            assert!(
                gpu_skipped.contains("only a software adapter (google swiftshader)"),
                "{gpu_skipped} (with no adapter at all: app/webdriver.json must pass it to Chromium)"
            )
        }
        other => panic!("expected the workers, got {other:?}"),
    }
}

/// A worker whose wasm cannot load (the trunk-built worker is not served to tests) must not
/// fail the hash: the main thread takes over and the reason is kept.
#[wasm_bindgen_test]
async fn a_worker_that_cannot_load_falls_back_to_the_main_thread() {
    let data = content(3 * SEGMENT_SIZE);
    let (tree, path) =
        hashing::hash_file_with(&file(&data), &|_| {}, &options(GpuUse::Never, 2, WorkerScript::Trunk)).await.unwrap();
    assert_eq!(tree, FileTree::new(&data).unwrap());
    match path {
        HashPath::MainThread { why } => {
            assert!(why.iter().any(|w| w.starts_with("workers: ")), "{why:?}")
        }
        other => panic!("expected the main thread, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn an_empty_file_is_refused() {
    let err = hashing::hash_file_with(&file(&[]), &|_| {}, &HashOptions::default()).await.unwrap_err();
    assert!(err.contains("empty file"), "{err}");
}

/// 64 MiB through every path, timed; only when built with `ZG_HASH_BENCH` set (use
/// `--release`: the debug build's keccak is unoptimised).
#[wasm_bindgen_test]
async fn throughput_64_mib() {
    if option_env!("ZG_HASH_BENCH").is_none() {
        return;
    }
    let size = 64 << 20;
    let data = content(size);
    let source = file(&data);
    let expected = FileTree::new(&data).unwrap().root();
    drop(data);
    let performance = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now = || {
        js_sys::Reflect::get(&performance, &"now".into())
            .unwrap()
            .unchecked_into::<js_sys::Function>()
            .call0(&performance)
            .unwrap()
            .as_f64()
            .unwrap()
    };
    let all = hashing::default_workers();
    let runs = [
        ("main thread", options(GpuUse::Never, 0, WorkerScript::SameModule)),
        ("1 worker", options(GpuUse::Never, 1, WorkerScript::SameModule)),
        ("all workers", options(GpuUse::Never, all, WorkerScript::SameModule)),
        ("WebGPU", options(GpuUse::Any, 0, WorkerScript::SameModule)),
    ];
    for (label, options) in runs {
        let t0 = now();
        let (tree, path) = hashing::hash_file_with(&source, &|_| {}, &options).await.unwrap();
        let seconds = (now() - t0) / 1000.0;
        assert_eq!(tree.root(), expected, "{label}");
        console_log!("ZG_HASH_BENCH {label}: {:.1} MiB/s ({seconds:.2} s, {path:?})", 64.0 / seconds);
    }
}
