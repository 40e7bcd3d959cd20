//! Builds the app with trunk (release, offline) into `dist/` and reports its size.

use std::path::PathBuf;

use crate::setup::{self, Needs};
use crate::util::{cmd, exec, human_bytes, root, Result};

pub struct BuildReport {
    pub wasm: PathBuf,
    pub raw: u64,
    pub gzip: u64,
}

pub fn run() -> Result<BuildReport> {
    setup::run(Needs::default())?;
    build()
}

/// Builds without the setup pass (callers that already ran it).
pub fn build() -> Result<BuildReport> {
    // The page and its four workers are five bins of `app` (app/index.html). Trunk starts a
    // cargo build for each, and cargo's lock on target/ runs them one after another, each
    // a single-threaded fat-LTO link: one core idle for minutes. Built here in one cargo
    // invocation, the links share both cores, and trunk's own builds find them fresh (the
    // same package, profile and target) and go straight to wasm-bindgen and wasm-opt.
    exec(cmd("cargo").args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "app", "--bins"]))?;
    exec(cmd("trunk").args(["build", "--release", "--offline"]))?;
    let report = measure()?;
    println!(
        "app wasm: {} raw, {} gzip ({}), loaded with the page",
        human_bytes(report.raw),
        human_bytes(report.gzip),
        report.wasm.strip_prefix(root()).unwrap_or(&report.wasm).display()
    );
    // The workers' wasm, and the verifiers' module, load only when their work is first asked for.
    for dir in ["hash-worker", "kdf-worker", "llm-worker", "verifiers"] {
        let Some(wasm) = wasm_in(&root().join("dist").join(dir)) else { continue };
        let (raw, gzip) = sizes(&wasm)?;
        println!("  {dir} wasm: {} raw, {} gzip, loaded on first use", human_bytes(raw), human_bytes(gzip));
    }
    Ok(report)
}

fn wasm_in(dir: &std::path::Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
}

fn sizes(wasm: &std::path::Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(wasm).map_err(|e| e.to_string())?.len();
    let gz =
        std::process::Command::new("gzip").args(["-9", "-c"]).arg(wasm).output().map_err(|e| format!("gzip: {e}"))?;
    Ok((raw, gz.stdout.len() as u64))
}

pub fn measure() -> Result<BuildReport> {
    let wasm = wasm_in(&root().join("dist")).ok_or("trunk produced no .wasm in dist/")?;
    let (raw, gzip) = sizes(&wasm)?;
    Ok(BuildReport { wasm, raw, gzip })
}
