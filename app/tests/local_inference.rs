//! zg-model in real headless Chromium: the WebGPU forward pass (`compute::gpu`) must give
//! zg-model's CPU logits to float tolerance, position after position, and a local run must
//! say which backend it used. (The CPU backend of a local run is SmolLM2 in its worker,
//! which needs the app's build around it: the compute e2e journey runs it.)
//!
//! `cargo xtask test wasm` runs it; `app/webdriver.json` passes `--enable-unsafe-webgpu`,
//! with which headless Chromium offers SwiftShader (a CPU emulation of a GPU), so the
//! kernels really run. By hand:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p app --target wasm32-unknown-unknown --test local_inference`
//!
//! The speed of both paths is measured by `local_inference_bench.rs`, from `cargo xtask bench`.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;
use zg_console::compute::chat::Message;
use zg_console::compute::gpu::GpuModel;
use zg_console::compute::local::{self, Backend, LocalError, LocalEvent, Prefer, Route};
use zg_model::{Config, Model};

wasm_bindgen_test_configure!(run_in_browser);

/// Largest |gpu - cpu| over the logits, relative to the logits' own scale (at least 1).
fn max_relative_diff(gpu: &[f32], cpu: &[f32]) -> f32 {
    assert_eq!(gpu.len(), cpu.len());
    let scale = cpu.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    gpu.iter().zip(cpu).fold(0.0f32, |m, (g, c)| m.max((g - c).abs())) / scale
}

fn argmax(logits: &[f32]) -> usize {
    let mut best = 0;
    for (i, &l) in logits.iter().enumerate() {
        if l > logits[best] {
            best = i;
        }
    }
    best
}

/// Measured on SwiftShader: 7.7e-7 for the devnet model, 1.8e-7 for the odd shape (the
/// kernels sum in the CPU's order; `exp`, `tanh` and `sqrt` differ in the last bits). The bound leaves room for real GPUs' fused
/// multiply-adds without letting a wrong offset or a missed residual through (those give
/// differences of order 1).
const TOLERANCE: f32 = 1e-3;

/// Feeds the same tokens to both backends — a prefill, then single steps — and checks every
/// position's logits agree.
async fn agree(model: &Model, prompt: &str, steps: usize) -> f32 {
    let gpu = GpuModel::open(model, true).await.unwrap_or_else(|e| {
        panic!("no WebGPU engine: {e}. app/webdriver.json must pass --enable-unsafe-webgpu to Chromium")
    });
    let mut cache = model.new_cache();
    let tokens = model.encode(prompt);
    let mut cpu = model.prefill(&mut cache, &tokens);
    let mut on_gpu = gpu.prefill(&tokens).await.unwrap();
    let mut worst = max_relative_diff(&on_gpu, &cpu);
    assert!(worst < TOLERANCE, "after the prompt: {worst}");
    for step in 0..steps {
        let next = argmax(&cpu) as u32;
        assert_eq!(argmax(&on_gpu) as u32, next, "step {step}: the backends pick different tokens");
        cpu = model.feed(&mut cache, next);
        on_gpu = gpu.step(next).await.unwrap();
        let diff = max_relative_diff(&on_gpu, &cpu);
        assert!(diff < TOLERANCE, "step {step}: {diff}");
        worst = worst.max(diff);
    }
    assert_eq!(gpu.len(), tokens.len() + steps);
    worst
}

#[wasm_bindgen_test]
async fn webgpu_logits_agree_with_the_cpu() {
    let model = local::model();
    let worst = agree(&model, "The agent keeps its memory on 0G Storage.", 40).await;
    console_log!("devnet model: largest relative logit difference {worst:e}");
}

/// A head dimension that is not a multiple of 8 takes the dot products' tail paths, and a
/// width that is not a multiple of 64 leaves idle threads in every workgroup.
#[wasm_bindgen_test]
async fn webgpu_agrees_on_an_odd_shape() {
    let config = Config { vocab: 256, d_model: 36, layers: 3, heads: 3, context: 48 };
    let model = Model::seeded(config, 11).unwrap();
    let worst = agree(&model, "odd", 44).await;
    console_log!("odd shape: largest relative logit difference {worst:e}");
}

#[wasm_bindgen_test]
async fn a_gpu_prefill_past_the_context_is_refused() {
    let model = local::model();
    let gpu = GpuModel::open(&model, true).await.unwrap();
    let too_long = vec![65u32; model.config().context + 1];
    let e = gpu.prefill(&too_long).await.unwrap_err();
    assert!(matches!(e, LocalError::Gpu(_)), "{e:?}");
    assert!(gpu.prefill(&[]).await.is_err());
}

fn ask(text: &str) -> Vec<Message> {
    vec![Message::new("user", text)]
}

/// Headless Chromium's only adapter is SwiftShader: Auto leaves it for the CPU and says why.
#[wasm_bindgen_test]
async fn auto_passes_over_a_software_adapter_and_says_why() {
    match local::route(Prefer::Auto).await.unwrap() {
        Route::Cpu { why: Some(why) } => assert!(why.contains("software one (swiftshader)"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Asked for, the software adapter is used.
    let gpu = local::generate(&ask("0G"), 8, 0.0, 0, Prefer::WebGpu, &mut |_| true).await.unwrap();
    assert!(matches!(gpu.backend, Backend::WebGpu { software: true, .. }), "{:?}", gpu.backend);
    assert_eq!(gpu.model, "zg-tiny-lm-v1");
    // And the engine kept for the page still refuses Auto.
    assert!(matches!(local::route(Prefer::Auto).await.unwrap(), Route::Cpu { why: Some(_) }));
    assert_eq!(local::route(Prefer::Cpu).await.unwrap(), Route::Cpu { why: None });
}

/// The runs the console makes on WebGPU: it says so, and greedy text equals the CPU's, the
/// context window sliding twice on the way (300 tokens, context 256, a prompt of 168).
#[wasm_bindgen_test]
async fn a_local_run_on_webgpu_says_so_and_writes_the_cpus_text() {
    let prompt = "The wallet proves every balance it shows. ".repeat(4);
    let mut started = Vec::new();
    let mut streamed = String::new();
    let gpu = local::generate(&ask(prompt.trim()), 300, 0.0, 0, Prefer::WebGpu, &mut |e| {
        match e {
            LocalEvent::Started(b) => started.push(b.clone()),
            LocalEvent::Text(t) => streamed.push_str(t),
            LocalEvent::Downloading { .. } | LocalEvent::Loaded { .. } => panic!("zg-model's weights are in the app"),
        }
        true
    })
    .await
    .unwrap();
    match &gpu.backend {
        Backend::WebGpu { adapter, software, .. } => {
            console_log!("ran on {} ({adapter}, software: {software})", gpu.backend);
            assert!(*software, "headless Chromium's adapter is SwiftShader");
        }
        Backend::Cpu => panic!("WebGpu ran on the CPU: {:?}", gpu.why_cpu),
    }
    assert_eq!(started, vec![gpu.backend.clone()]);
    assert_eq!(gpu.why_cpu, None);
    assert_eq!(streamed, gpu.text);
    assert_eq!(gpu.completion_tokens, 300);

    let template = zg_console::compute::chat::prompt(&ask(prompt.trim()));
    let on_cpu = local::model().generate(&template, 300, 0.0, 0, &mut |_| true);
    assert_eq!(gpu.text, on_cpu.text);
}

#[wasm_bindgen_test]
async fn a_sampled_local_run_on_webgpu_is_zg_models_own() {
    let gpu = local::generate(&ask("0G is"), 64, 0.8, 42, Prefer::WebGpu, &mut |_| true).await.unwrap();
    assert!(matches!(gpu.backend, Backend::WebGpu { .. }));
    let template = zg_console::compute::chat::prompt(&ask("0G is"));
    assert_eq!(gpu.text, local::model().generate(&template, 64, 0.8, 42, &mut |_| true).text);
}

#[wasm_bindgen_test]
async fn one_local_run_at_a_time() {
    let (mut on_first, mut on_second) = (|_: LocalEvent<'_>| true, |_: LocalEvent<'_>| true);
    // A GPU run waits on every readback, so the second call comes while it is running (a
    // short CPU run finishes before it first yields).
    let (one, two) = (ask("one"), ask("two"));
    let first = local::generate(&one, 32, 0.0, 0, Prefer::WebGpu, &mut on_first);
    let second = local::generate(&two, 32, 0.0, 0, Prefer::WebGpu, &mut on_second);
    let (a, b) = futures::join!(first, second);
    assert!(a.is_ok());
    assert_eq!(b.unwrap_err(), LocalError::Busy);
    // The flag is cleared afterwards.
    assert!(local::generate(&ask("three"), 4, 0.0, 0, Prefer::WebGpu, &mut |_| true).await.is_ok());
}

#[wasm_bindgen_test]
async fn stopping_a_run_early_keeps_what_was_written() {
    let mut pieces = 0;
    let answer = local::generate(&ask("The agent"), 64, 0.0, 0, Prefer::WebGpu, &mut |e| {
        if matches!(e, LocalEvent::Text(_)) {
            pieces += 1;
        }
        pieces < 5
    })
    .await
    .unwrap();
    assert!(answer.stopped_early);
    assert!(answer.completion_tokens < 64);
    assert!(!answer.text.is_empty());
}

/// A model whose attention needs more workgroup memory than any WebGPU adapter gives (Dawn
/// caps it at 32 KiB; context 8192 needs 33,032 bytes) is refused before anything is
/// uploaded, with the reason and the offer of the CPU.
#[wasm_bindgen_test]
async fn a_model_too_large_for_the_adapter_is_refused_with_the_cpu_offered() {
    let config = Config { vocab: 256, d_model: 8, layers: 1, heads: 1, context: 8192 };
    let model = Model::seeded(config, 3).unwrap();
    let e = match GpuModel::open(&model, true).await {
        Ok(_) => panic!("an 8192-token context fitted the adapter's workgroup memory"),
        Err(e) => e,
    };
    match &e {
        LocalError::TooLarge { what, need, limit, .. } => {
            assert!(what.contains("workgroup memory"), "{what}");
            assert_eq!(*need, 4 * (8192 + 66));
            assert!(need > limit);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.offers_cpu());
    assert!(e.to_string().contains("Run it on the CPU instead"), "{e}");
}
