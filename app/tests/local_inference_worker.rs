//! The GPU engine where the console runs it: in a dedicated worker, whose navigator
//! (`WorkerNavigator.gpu`) `crate::webgpu` finds as it finds a page's. Same agreement with
//! candle as `local_inference.rs`, on its odd shape, fewer steps.
//!
//! `cargo xtask test wasm` runs it (headless Chromium with `--enable-unsafe-webgpu`).

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use zg_console::compute::gpu::LlamaGpu;
use zg_console::compute::local::Backend;
use zg_llm::gpu::GpuLlama;
use zg_llm::synthetic::{self, Shape};
use zg_llm::SmolLm;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const ODD: Shape = Shape { hidden: 96, ffn: 160, layers: 2, heads: 4, kv_heads: 1 };

#[wasm_bindgen_test]
async fn the_engine_runs_in_a_dedicated_worker_and_agrees_with_candle() {
    assert!(web_sys::window().is_none(), "this test must run in a worker");
    let bytes = synthetic::gguf(ODD);
    let cpu = SmolLm::from_bytes(&bytes).unwrap();
    let gpu = LlamaGpu::open(&GpuLlama::from_gguf(&bytes, 16).unwrap(), true)
        .await
        .unwrap_or_else(|e| panic!("no WebGPU engine in a worker: {e}"));
    assert!(matches!(gpu.backend(), Backend::WebGpu { software: true, .. }));
    let prompt = [3, 40, 77, 120, 5];
    let mut session = cpu.session();
    let mut on_cpu = session.feed(&prompt).unwrap();
    let mut on_gpu = gpu.prefill(&prompt).await.unwrap();
    for step in 0..8 {
        let scale = on_cpu.iter().fold(1.0f32, |m, v| m.max(v.abs()));
        let worst = on_gpu.iter().zip(&on_cpu).fold(0.0f32, |m, (g, c)| m.max((g - c).abs())) / scale;
        // The bound of local_inference.rs (measured there: 0 on this shape).
        assert!(worst < 5e-2, "step {step}: {worst}");
        let next = (0..on_cpu.len()).fold(0, |b, i| if on_cpu[i] > on_cpu[b] { i } else { b }) as u32;
        on_cpu = session.feed(&[next]).unwrap();
        on_gpu = gpu.step(next).await.unwrap();
    }
}
