//! SmolLM2's speed inside WebAssembly, as the browser's worker runs it (release, simd128):
//!
//! ```text
//! cargo build --release -p zg-llm --example wasm_bench --target wasm32-unknown-unknown
//! node app/llm/examples/wasm_bench.mjs target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm models/SmolLM2-135M-Instruct.Q4_1.gguf
//! ```
//! Plain C-ABI exports, so Node runs it without wasm-bindgen's glue: `reserve` gives a buffer
//! for the weights, `load` reads them, `answer` makes a greedy answer and returns its tokens.

// `no_mangle` counts as unsafe code: the exported names are unique in this module.
#![allow(unsafe_code)]

use std::sync::{Mutex, OnceLock};
use zg_llm::{Message, Sampling, SmolLm};

static WEIGHTS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static MODEL: OnceLock<SmolLm> = OnceLock::new();

/// A buffer of `n` bytes for the weights; JavaScript writes them at the returned address.
#[no_mangle]
pub extern "C" fn reserve(n: u32) -> *mut u8 {
    let mut weights = WEIGHTS.lock().unwrap();
    *weights = vec![0; n as usize];
    weights.as_mut_ptr()
}

/// Loads the weights written into the buffer; returns the parameter count (0 if they fail).
#[no_mangle]
pub extern "C" fn load() -> u32 {
    let bytes = std::mem::take(&mut *WEIGHTS.lock().unwrap());
    match SmolLm::from_bytes(&bytes) {
        Ok(model) => MODEL.get_or_init(|| model).parameters() as u32,
        Err(_) => 0,
    }
}

/// A greedy answer of at most `n` tokens to a fixed question; returns the tokens made.
#[no_mangle]
pub extern "C" fn answer(n: u32) -> u32 {
    let Some(model) = MODEL.get() else { return 0 };
    let prompt = model.prompt(&[Message::new("user", "Tell me a long story about a wallet.")]).unwrap();
    let greedy = Sampling { max_tokens: n as usize, temperature: 0.0, seed: 0 };
    model.generate(&prompt, greedy, &mut |_| true).map(|g| g.completion_tokens as u32).unwrap_or(0)
}
