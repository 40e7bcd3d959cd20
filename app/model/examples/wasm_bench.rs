//! Times the devnet model inside WebAssembly, the way the browser would run it:
//!
//! ```text
//! cargo build --release -p zg-model --example wasm_bench --target wasm32-unknown-unknown
//! node app/model/examples/wasm_bench.mjs target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm
//! ```
//! Exports plain C-ABI functions so no JavaScript glue is needed.

// `no_mangle` counts as unsafe code: the two exported names are unique in this module.
#![allow(unsafe_code)]

use std::sync::OnceLock;
use zg_model::Model;

static MODEL: OnceLock<Model> = OnceLock::new();

/// Parses the bundled weights; returns the parameter count.
#[no_mangle]
pub extern "C" fn load() -> u32 {
    MODEL.get_or_init(Model::devnet).parameter_count() as u32
}

/// Greedy generation of `n` tokens after a fixed prompt; returns the tokens made.
#[no_mangle]
pub extern "C" fn generate(n: u32) -> u32 {
    let model = MODEL.get_or_init(Model::devnet);
    model.generate("The wallet", n as usize, 0.0, 0, &mut |_| true).completion_tokens as u32
}
