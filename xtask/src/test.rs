//! `cargo xtask test`: every layer, one summary.
//!
//! 0. `cargo fmt --check`, and clippy on the light client's JS API
//! 1. native tests of the whole workspace (pure logic, devnet, live light client), run by
//!    cargo-nextest so that every binary's tests share one queue (see `.config/nextest.toml`),
//!    built with clippy as the workspace's compiler and warnings as errors
//! 2. wasm-bindgen tests of the browser-only code in headless Chromium, clippy likewise
//! 3. the light client's JS package, loaded and exercised in Node
//! 4. a release build of the app with trunk
//! 5. the e2e journeys (Playwright + Chromium) against a fresh devnet per test file, and
//!    0G's TypeScript SDK uploading to and downloading from the devnet's storage nodes
//!
//! A failing step does not stop the later ones, so one run shows every failure.

use std::time::Instant;

use crate::setup::{self, Needs, CHROMEDRIVER, CHROMIUM};
use crate::tap;
use crate::util::{cmd, exec, Result};

/// What a cold `cargo xtask test` writes: target/ (7.7 GB: native and wasm builds), the
/// installed tools and crates, node_modules and Chromium. Measured on a fresh machine,
/// December 2026: 10 GB (the summary's `disk:` line prints each run's).
const COLD_RUN_BYTES: u64 = DISK_NEEDED_GB << 30;
const DISK_NEEDED_GB: u64 = 10;

fn gigabytes(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / (1u64 << 30) as f64)
}

fn disk_line(before: Option<u64>, after: Option<u64>) -> String {
    match (before, after) {
        (Some(before), Some(after)) => format!(
            "disk: {} free before, {} after ({} used by this run)",
            gigabytes(before),
            gigabytes(after),
            gigabytes(before.saturating_sub(after))
        ),
        _ => "disk: df could not tell the free space".into(),
    }
}

/// What the native tests build: cargo's default selection for `cargo test` (libraries,
/// binaries and integration tests with `test = true`, examples built but not run). Not
/// `--bins --tests`, which would also build the app's wasm-only targets (`test = false` in
/// app/Cargo.toml) and with them a second, test-less copy of its library. The benches are
/// built apart: nextest cannot list harness-less binaries.
const NATIVE_TARGETS: [&str; 1] = ["--workspace"];

/// A cargo command whose workspace crates are compiled by clippy, warnings denied.
///
/// This is what `cargo clippy` does, under a `cargo check`: clippy-driver is rustc with
/// clippy's lints added, so under a build it emits the same code and the lints come with
/// the compile the tests need anyway. Run as separate `cargo clippy` passes, the lints cost
/// a second compile of every dependency for each target (check-mode metadata is never
/// shared with a build): 5 min native and 3 min wasm32 of every cold run.
///
/// `CLIPPY_ARGS` is how cargo-clippy hands its `-- -D warnings` to clippy-driver (arguments
/// joined by `__CLIPPY_HACKERY__`). The wrapper is part of the workspace crates' hashes
/// only, so builds with and without it keep apart only those, never the dependencies.
fn linted(mut command: std::process::Command) -> std::process::Command {
    command
        .env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver")
        .env("CLIPPY_ARGS", "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__");
    command
}

/// The devnet's binaries (zg-devnet, zg-tamper, the nodes) in `target/debug`, built by the
/// very invocation nextest makes, so after the native tests this is a no-op. `cargo build
/// -p devnet` resolves features for the devnet alone, differently from the workspace's
/// test build, and so rebuilt some 200 crates and the binaries: five minutes of every run.
/// The app's tests that run in headless Chromium (app/tests/, `test = false` in its
/// manifest, so only named). `local_inference_bench` is `cargo xtask bench`'s.
const BROWSER_TESTS: [&str; 5] = ["browser", "hashing", "kdf_worker", "local_inference", "local_inference_worker"];

pub fn build_devnet() -> Result {
    exec(linted(cmd("cargo")).args(["test", "--quiet", "--no-run"]).args(NATIVE_TARGETS))
}

pub fn run(args: &[String]) -> Result {
    let started = Instant::now();
    // A full disk fails every later step with "No space left on device" (CI once did);
    // saying how much was free makes that cause plain in the log's head and tail.
    let free_at_start = crate::util::free_bytes(&crate::util::root());
    if let Some(free) = free_at_start.filter(|free| *free < COLD_RUN_BYTES) {
        println!(
            "warning: {} free on the disk holding the workspace; a cold run writes about {DISK_NEEDED_GB} GB. \
             Free some space (another checkout's target/, say) if steps fail with \"No space left on device\".",
            gigabytes(free)
        );
    }
    setup::run(Needs { browser: true })?;
    let only = |name: &str| args.is_empty() || args.iter().any(|a| a == name);

    let mut results: Vec<(&str, Result, f64)> = Vec::new();
    let mut step = |name: &'static str, f: &dyn Fn() -> Result| {
        let t = Instant::now();
        println!("\n=== {name} ===");
        let r = f();
        results.push((name, r, t.elapsed().as_secs_f64()));
    };

    if only("lint") {
        step("lint", &|| {
            exec(cmd("cargo").args(["fmt", "--all", "--check"]))?;
            // The light client's JS API exists only for wasm32 with `exports`, which no
            // other build enables. Everything else is linted as the tests build it.
            exec(cmd("cargo").args([
                "clippy",
                "-p",
                "wasm-light-client-js",
                "--target",
                "wasm32-unknown-unknown",
                "--features",
                "exports",
                "--lib",
                "--",
                "-D",
                "warnings",
            ]))
        });
    }
    if only("native") {
        step("native", &|| {
            exec(linted(cmd("cargo")).args(["nextest", "run"]).args(NATIVE_TARGETS).arg("--no-fail-fast"))?;
            // Built only to be linted; `cargo xtask bench` runs them.
            exec(linted(cmd("cargo")).args(["test", "--quiet", "--no-run", "--workspace", "--benches"]))
        });
    }
    if only("wasm") {
        step("wasm", &|| {
            // The page's and the workers' entry points and the browser bench, built only to
            // be linted (for wasm32, where they run); they share the tests' build of the app.
            exec(linted(cmd("cargo")).args(["build", "-p", "app", "--target", "wasm32-unknown-unknown", "--bins"]))?;
            exec(linted(cmd("cargo")).args([
                "test",
                "-p",
                "app",
                "--target",
                "wasm32-unknown-unknown",
                "--no-run",
                "--test",
                "local_inference_bench",
            ]))?;
            exec(
                linted(cmd("cargo"))
                    .args(["test", "-p", "app", "--target", "wasm32-unknown-unknown"])
                    .args(BROWSER_TESTS.iter().flat_map(|t| ["--test", t]))
                    .env("CHROMEDRIVER", CHROMEDRIVER)
                    .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
            )
        });
    }
    if only("lc-pkg") {
        step("lc-pkg", &|| {
            crate::build_lc::build()?;
            // The JS tests put zg-tamper (built with the devnet) between the package and anvil.
            build_devnet()?;
            exec(cmd("node").args(["--test", "wasm-light-client/tests/js/"]))
        });
    }
    if only("e2e") {
        step("build", &|| crate::build_app::build().map(|_| ()));
        step("e2e", &|| {
            build_devnet()?;
            let report = crate::util::root().join("e2e/artifacts/e2e.tap");
            std::fs::create_dir_all(report.parent().expect("a file in a directory")).map_err(|e| e.to_string())?;
            exec(
                // e2e journeys, then 0G's own SDK against the devnet's Flow and storage nodes.
                // Two files at a time (each its own devnet and browser): they mostly wait, and
                // two took 5.7-6.0 min against 10 at one. Raised only once the devnet's HTTP
                // server stopped queueing connections (devnet/src/serve.rs), which had made
                // parallel runs flaky.
                cmd("node")
                    .args(["--test", "--test-concurrency=2"])
                    .args(["--test-reporter=tap", "--test-reporter-destination=stdout"])
                    .args([
                        "--test-reporter=tap".to_string(),
                        format!("--test-reporter-destination={}", report.display()),
                    ])
                    .args(["e2e/", "devnet/tests/js/"])
                    .env("ZG_CHROMIUM", CHROMIUM)
                    .env("ZG_DEVNET_BIN", crate::util::root().join("target/debug/zg-devnet")),
            )
            .map_err(|e| {
                let failures = std::fs::read_to_string(&report).map(|tap| tap::failures(&tap)).unwrap_or_default();
                format!("{e}\n    {}", failures.join("\n    "))
            })
        });
    }

    println!("\n=== summary ({:.0} s) ===", started.elapsed().as_secs_f64());
    let failed = results.iter().filter(|(_, r, _)| r.is_err()).count();
    for (name, r, secs) in &results {
        match r {
            Ok(()) => println!("  ok    {name:<8} {secs:>6.1} s"),
            Err(e) => println!("  FAIL  {name:<8} {secs:>6.1} s  {e}"),
        }
    }
    println!("steps: {} passed, {failed} failed", results.len() - failed);
    println!("{}", disk_line(free_at_start, crate::util::free_bytes(&crate::util::root())));
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} step(s) failed"))
    }
}
