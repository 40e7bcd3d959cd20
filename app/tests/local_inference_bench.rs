//! Local inference speed in headless Chromium, for `cargo xtask bench` (never part of
//! `cargo xtask test`): greedy generation of 256 tokens of zg-model on WebGPU after a 66-byte
//! prompt, after one warm-up run, median of three. (SmolLM2 on the CPU runs in its worker,
//! which this harness cannot host; `app/llm/examples/wasm_bench.rs` times it.) Prints one `ZG_LOCAL_BENCH {json}` line
//! per backend; xtask builds it with `--release` and runs it with `--nocapture`.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use zg_console::compute::chat::Message;
use zg_console::compute::local::{self, Prefer};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn tokens_per_second() {
    let prompt = [Message::new("user", "Intelligent NFTs keep an agent's memory encrypted on 0G Storage.")];
    let prompt = &prompt;
    for (label, prefer) in [("webgpu", Prefer::WebGpu)] {
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
