//! Local inference speed on WebGPU in headless Chromium, for `cargo xtask bench` (never
//! part of `cargo xtask test`): SmolLM2's forward pass (`compute::gpu::LlamaGpu`) on a
//! synthetic llama of SmolLM2's exact shape (30 layers, width 576, 9 heads over 3 KV heads,
//! FFN 1536, vocabulary 49,152: the same work per token as the real file, which this
//! harness cannot serve to the browser), a 32-token prompt then greedy single steps. The
//! adapter is whatever the browser gives — SwiftShader headless, a CPU emulation of a GPU,
//! and the printed label says so. SmolLM2 on the CPU runs in its worker, which this harness
//! cannot host; `app/llm/examples/wasm_bench.rs` times it. Prints one `ZG_LOCAL_BENCH {json}`
//! line; xtask builds it with `--release` and runs it with `--nocapture`.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use zg_console::compute::gpu::LlamaGpu;
use zg_console::compute::local::Backend;
use zg_llm::gpu::GpuLlama;
use zg_llm::synthetic::{self, Shape};

wasm_bindgen_test_configure!(run_in_browser);

const SMOLLM2: Shape = Shape { hidden: 576, ffn: 1536, layers: 30, heads: 9, kv_heads: 3 };
const PROMPT: usize = 32;
const STEPS: usize = 16;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

fn argmax(logits: &[f32]) -> u32 {
    (0..logits.len()).fold(0, |best, i| if logits[i] > logits[best] { i } else { best }) as u32
}

#[wasm_bindgen_test]
async fn tokens_per_second() {
    let llama = GpuLlama::from_gguf(&synthetic::gguf_with_vocab(SMOLLM2, 49152), PROMPT + STEPS + 1).unwrap();
    assert_eq!(llama.config.vocab, 49152);
    let gpu = match LlamaGpu::open(&llama, true).await {
        Ok(gpu) => gpu,
        Err(e) => return console_log!("ZG_LOCAL_BENCH_SKIPPED no WebGPU engine: {e}"),
    };
    drop(llama);
    let prompt: Vec<u32> = (0..PROMPT as u32).map(|i| 3 + i * 7).collect();
    // Warm-up: the kernels' first dispatches compile on some adapters.
    gpu.prefill(&prompt[..2]).await.unwrap();
    let started = now_ms();
    let mut logits = gpu.prefill(&prompt).await.unwrap();
    let first_token_ms = now_ms() - started;
    for _ in 0..STEPS {
        logits = gpu.step(argmax(&logits)).await.unwrap();
    }
    let total_ms = now_ms() - started;
    let tokens_per_sec = (STEPS + 1) as f64 * 1000.0 / total_ms;
    let label = match gpu.backend() {
        Backend::WebGpu { adapter, software: true, .. } => format!("{adapter} (software), synthetic SmolLM2 shape"),
        Backend::WebGpu { adapter, .. } => format!("{adapter}, synthetic SmolLM2 shape"),
        Backend::Cpu => unreachable!("the engine runs on WebGPU"),
    };
    console_log!(
        "ZG_LOCAL_BENCH {{\"backend\": \"webgpu\", \"adapter\": \"{label}\", \"tokensPerSec\": {tokens_per_sec:.2}, \"firstTokenMs\": {first_token_ms:.1}}}"
    );
}
