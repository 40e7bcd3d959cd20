//! Local inference speed in headless Chromium, for `cargo xtask bench` (never part of
//! `cargo xtask test`): greedy generation of 256 tokens after a 66-byte prompt on each
//! backend, after one warm-up run, median of three. Prints one `ZG_LOCAL_BENCH {json}` line
//! per backend; xtask builds it with `--release` and runs it with `--nocapture`.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use zg_console::compute::local::{self, Prefer};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn tokens_per_second() {
    let prompt = "Intelligent NFTs keep an agent's memory encrypted on 0G Storage. ";
    for (label, prefer) in [("cpu", Prefer::Cpu), ("webgpu", Prefer::WebGpu)] {
        local::generate(prompt, 16, 0.0, 0, prefer, &mut |_| true).await.unwrap();
        let mut runs = Vec::new();
        for _ in 0..3 {
            runs.push(local::generate(prompt, 256, 0.0, 0, prefer, &mut |_| true).await.unwrap());
        }
        runs.sort_by(|a, b| a.tokens_per_second().total_cmp(&b.tokens_per_second()));
        let median = &runs[1];
        assert_eq!(median.completion_tokens, 256);
        console_log!(
            "ZG_LOCAL_BENCH {{\"backend\": \"{label}\", \"adapter\": \"{}\", \"tokensPerSec\": {:.1}, \"firstTokenMs\": {:.2}}}",
            median.backend,
            median.tokens_per_second(),
            median.first_token_ms
        );
    }
}
