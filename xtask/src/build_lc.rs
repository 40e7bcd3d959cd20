//! `cargo xtask build-lc`: the light client as a wasm-bindgen package for any web page
//! or Node (`--target web`; load with `init()` in a browser or `initSync()` in Node) in
//! `wasm-light-client/pkg/`.

use crate::util::{cmd, exec, human_bytes, root, Result};

pub fn run() -> Result {
    crate::setup::run(crate::setup::Needs::default())?;
    build()
}

pub fn build() -> Result {
    exec(cmd("cargo").args([
        "build",
        "--release",
        "--lib",
        "-p",
        "wasm-light-client",
        "--features",
        "js",
        "--target",
        "wasm32-unknown-unknown",
    ]))?;
    let wasm = root().join("target/wasm32-unknown-unknown/release/wasm_light_client.wasm");
    let out = root().join("wasm-light-client/pkg");
    exec(cmd("wasm-bindgen").arg("--target").arg("web").arg("--out-dir").arg(&out).arg(&wasm))?;
    let size = std::fs::metadata(out.join("wasm_light_client_bg.wasm")).map(|m| m.len()).unwrap_or(0);
    println!("light client package: {} ({})", out.strip_prefix(root()).unwrap_or(&out).display(), human_bytes(size));
    Ok(())
}
