//! `cargo xtask build-lc`: the light client as a wasm-bindgen package for any web page
//! or Node (`--target web`; load with `init()` in a browser or `initSync()` in Node) in
//! `wasm-light-client/pkg/`.

use std::path::Path;

use crate::util::{cmd, exec, human_bytes, root, Result};

pub fn run() -> Result {
    crate::setup::run(crate::setup::Needs::default())?;
    build()
}

pub fn build() -> Result {
    let out = root().join("wasm-light-client/pkg");
    package(&out, &root().join("target"), None)?;
    let size = std::fs::metadata(out.join("wasm_light_client_bg.wasm")).map(|m| m.len()).unwrap_or(0);
    println!("light client package: {} ({})", out.strip_prefix(root()).unwrap_or(&out).display(), human_bytes(size));
    Ok(())
}

/// Builds the JS package into `out`, compiling in `target` with an optional `--config`
/// override (the bench's opt-level comparisons use their own target directory).
pub fn package(out: &Path, target: &Path, config: Option<&str>) -> Result {
    let mut build = cmd("cargo");
    build.args(["build", "--release", "--lib", "-p", "wasm-light-client-js", "--features", "exports"]);
    build.args(["--target", "wasm32-unknown-unknown"]).env("CARGO_TARGET_DIR", target);
    if let Some(config) = config {
        build.args(["--config", config]);
    }
    exec(&mut build)?;
    let wasm = target.join("wasm32-unknown-unknown/release/zg_light_client_js.wasm");
    // The package keeps the name it has always had (`wasm_light_client.js`).
    exec(
        cmd("wasm-bindgen")
            .args(["--target", "web", "--out-name", "wasm_light_client", "--out-dir"])
            .arg(out)
            .arg(&wasm),
    )
}
