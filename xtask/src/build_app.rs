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
    exec(cmd("trunk").args(["build", "--release", "--offline"]))?;
    let report = measure()?;
    println!(
        "app wasm: {} raw, {} gzip ({})",
        human_bytes(report.raw),
        human_bytes(report.gzip),
        report.wasm.strip_prefix(root()).unwrap_or(&report.wasm).display()
    );
    Ok(report)
}

pub fn measure() -> Result<BuildReport> {
    let dist = root().join("dist");
    let wasm = std::fs::read_dir(&dist)
        .map_err(|e| format!("reading {}: {e}", dist.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wasm"))
        .ok_or("trunk produced no .wasm in dist/")?;
    let raw = std::fs::metadata(&wasm).map_err(|e| e.to_string())?.len();
    let gz =
        std::process::Command::new("gzip").args(["-9", "-c"]).arg(&wasm).output().map_err(|e| format!("gzip: {e}"))?;
    Ok(BuildReport { wasm, raw, gzip: gz.stdout.len() as u64 })
}
