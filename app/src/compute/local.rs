//! Local inference: `zg-model` run in this browser, on WebGPU where `navigator.gpu` gives an
//! adapter (`gpu`: the forward pass as WGSL kernels, weights uploaded once) and otherwise on
//! the CPU in wasm (`zg_model::Model::feed`).
//!
//! Both backends drive the same [`zg_model::Decoding`], so prompt handling, the sliding
//! context window, sampling and UTF-8 streaming are zg-model's own; they differ only in the
//! logits (float rounding: see `app/tests/local_inference.rs` for the measured agreement).
//! The answer says which backend ran ([`Backend`]). With [`Prefer::Auto`], a browser with no
//! hardware adapter runs on the CPU (labelled, [`LocalAnswer::why_cpu`] says why); any other WebGPU
//! failure (a model too large for the adapter's limits, a lost device) is a [`LocalError`]
//! whose message says what to do, and [`LocalError::offers_cpu`] tells the page to offer
//! the CPU instead.
//!
//! The pure parts ([`Backend`], [`LocalError`], [`fits`]) are tested natively; the rest in
//! headless Chromium.

use std::fmt;
use std::rc::Rc;

use zg_model::{Config, Decoding, Model, Next, MLP_RATIO};

/// Where the model ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// On a WebGPU adapter: `adapter` is its short name ("swiftshader"), `description`
    /// everything the browser says about it; `software` when it is a CPU emulation
    /// (SwiftShader, or an adapter the browser calls a fallback).
    WebGpu { adapter: String, description: String, software: bool },
    /// On the CPU, in this page's wasm.
    Cpu,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::WebGpu { adapter, .. } => write!(f, "WebGPU · {adapter}"),
            Backend::Cpu => write!(f, "CPU, wasm"),
        }
    }
}

/// Which backend to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// WebGPU on a hardware adapter, else the CPU (a software adapter such as SwiftShader
    /// emulates a GPU on the CPU and is slower than the CPU path: `cargo xtask bench`).
    Auto,
    /// The CPU, whatever the browser offers.
    Cpu,
    /// WebGPU on any adapter, software included; no adapter is an error.
    WebGpu,
}

/// What a run streams to its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalEvent<'a> {
    /// The backend is chosen and its weights are loaded; tokens follow.
    Started(&'a Backend),
    /// New text (whole characters).
    Text(&'a str),
}

/// A finished local run.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAnswer {
    pub text: String,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    /// `on_event` asked to stop before the token limit.
    pub stopped_early: bool,
    pub backend: Backend,
    /// Why WebGPU was not used, when it was not asked to be avoided.
    pub why_cpu: Option<String>,
    /// From the start of the run (model and engine ready) to the first token's logits.
    pub first_token_ms: f64,
    /// The whole run, engine setup excluded.
    pub total_ms: f64,
}

impl LocalAnswer {
    /// Answer tokens per second over the whole run (prompt included, engine setup not).
    pub fn tokens_per_second(&self) -> f64 {
        if self.total_ms > 0.0 {
            self.completion_tokens as f64 * 1000.0 / self.total_ms
        } else {
            0.0
        }
    }

    /// The run's speed in words, for the answer's details line.
    pub fn speed(&self) -> String {
        format!("{:.0} tokens/s, first token after {:.0} ms", self.tokens_per_second(), self.first_token_ms)
    }
}

/// Sizes a device must allow (see [`fits`]); read from the adapter's `limits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuLimits {
    pub max_storage_buffer_binding_size: u64,
    pub max_buffer_size: u64,
    pub max_compute_workgroup_storage_size: u64,
}

/// Why a local run failed, in words that say what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LocalError {
    #[error("no WebGPU here ({0}), so the model runs on the CPU")]
    NoAdapter(String),
    #[error(
        "the model is too large for this GPU ({adapter}): its {what} need {need} bytes and the adapter allows {limit}. \
         Run it on the CPU instead"
    )]
    TooLarge { adapter: String, what: &'static str, need: u64, limit: u64 },
    #[error("the GPU device was lost ({0}). Run again to start a fresh device, or run on the CPU")]
    DeviceLost(String),
    #[error("WebGPU failed: {0}. Run on the CPU instead")]
    Gpu(String),
    #[error("a local run is already in progress; wait for it to finish")]
    Busy,
}

impl LocalError {
    /// Whether the page should offer a run on the CPU instead.
    pub fn offers_cpu(&self) -> bool {
        matches!(self, LocalError::TooLarge { .. } | LocalError::DeviceLost(_) | LocalError::Gpu(_))
    }
}

/// Offsets (in f32) of the GPU engine's activations inside one buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActsLayout {
    pub x: usize,
    pub ln: usize,
    pub qkv: usize,
    pub att: usize,
    pub hidden: usize,
    pub logits: usize,
    pub total: usize,
}

impl ActsLayout {
    pub fn new(c: &Config) -> ActsLayout {
        let d = c.d_model;
        let (x, ln, qkv, att, hidden) = (0, d, 2 * d, 5 * d, 6 * d);
        let logits = hidden + MLP_RATIO * d;
        ActsLayout { x, ln, qkv, att, hidden, logits, total: logits + c.vocab }
    }
}

/// Bytes of the WebGPU engine's buffers: (parameters, KV cache, activations, attention's
/// workgroup memory).
pub fn gpu_sizes(config: &Config) -> (u64, u64, u64, u64) {
    let params = 4 * config.parameter_count() as u64;
    let kv = 4 * 2 * (config.layers * config.context * config.d_model) as u64;
    let acts = 4 * ActsLayout::new(config).total as u64;
    // scores[context] + red[64] + stats (vec2).
    let workgroup = 4 * (config.context as u64 + 64 + 2);
    (params, kv, acts, workgroup)
}

/// Whether a model of this shape fits a device with these limits; the error names the
/// first buffer that does not.
pub fn fits(config: &Config, limits: &GpuLimits, adapter: &str) -> Result<(), LocalError> {
    let (params, kv, acts, workgroup) = gpu_sizes(config);
    let binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
    let checks = [
        ("parameters", params, binding),
        ("KV cache", kv, binding),
        ("activations", acts, binding),
        ("attention scores (workgroup memory)", workgroup, limits.max_compute_workgroup_storage_size),
    ];
    for (what, need, limit) in checks {
        if need > limit {
            return Err(LocalError::TooLarge { adapter: adapter.to_string(), what, need, limit });
        }
    }
    Ok(())
}

/// The model for local runs, loaded once.
pub fn model() -> Rc<Model> {
    thread_local! {
        static MODEL: Rc<Model> = Rc::new(Model::devnet());
    }
    MODEL.with(Rc::clone)
}

/// Milliseconds on a monotonic clock (`performance.now()` in the browser).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::time::{SystemTime, UNIX_EPOCH};
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
    }
}

/// The CPU yields to the event loop at least this often, so the page stays responsive.
#[cfg(target_arch = "wasm32")]
const YIELD_EVERY_MS: f64 = 12.0;

/// Lets the browser handle pending events and paint, then carries on. A zero timeout is
/// clamped to 4 ms once timers nest (`cargo xtask bench` measured that as a quarter of the
/// CPU path's time); a message posted on a fresh channel comes back as soon as the event
/// loop is free.
#[cfg(target_arch = "wasm32")]
async fn yield_to_browser() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return gloo::timers::future::TimeoutFuture::new(0).await;
    };
    let delivered = js_sys::Promise::new(&mut |resolve, _| channel.port1().set_onmessage(Some(&resolve)));
    if channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_ok() {
        let _ = wasm_bindgen_futures::JsFuture::from(delivered).await;
    }
}

enum Engine {
    #[cfg(target_arch = "wasm32")]
    Gpu(Rc<super::gpu::GpuModel>),
    Cpu(Rc<Model>, zg_model::Cache),
}

impl Engine {
    async fn pass(&mut self, next: Next<'_>) -> Result<Vec<f32>, LocalError> {
        match (self, next) {
            (_, Next::Done) => unreachable!("no pass after Done"),
            #[cfg(target_arch = "wasm32")]
            (Engine::Gpu(gpu), Next::Prefill(tokens)) => gpu.prefill(tokens).await,
            #[cfg(target_arch = "wasm32")]
            (Engine::Gpu(gpu), Next::Step(token)) => gpu.step(token).await,
            (Engine::Cpu(model, cache), Next::Prefill(tokens)) => Ok(model.prefill(cache, tokens)),
            (Engine::Cpu(model, cache), Next::Step(token)) => Ok(model.feed(cache, token)),
        }
    }
}

/// Picks the engine for `prefer`: the WebGPU engine (made once, then reused) or the CPU.
async fn engine(model: &Rc<Model>, prefer: Prefer) -> Result<(Engine, Backend, Option<String>), LocalError> {
    let cpu = |why: Option<String>| Ok((Engine::Cpu(model.clone(), model.new_cache()), Backend::Cpu, why));
    if prefer == Prefer::Cpu {
        return cpu(None);
    }
    #[cfg(target_arch = "wasm32")]
    {
        match super::gpu::shared(model, prefer == Prefer::WebGpu).await {
            Ok(gpu) => {
                let backend = gpu.backend();
                Ok((Engine::Gpu(gpu), backend, None))
            }
            Err(LocalError::NoAdapter(why)) if prefer == Prefer::Auto => cpu(Some(why)),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    match prefer {
        Prefer::WebGpu => Err(LocalError::NoAdapter("not a browser".into())),
        _ => cpu(Some("not a browser".into())),
    }
}

thread_local!(static RUNNING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });

/// Clears the running flag however the run ends.
struct RunGuard;

impl Drop for RunGuard {
    fn drop(&mut self) {
        RUNNING.with(|r| r.set(false));
    }
}

/// Generates up to `max_tokens` after `prompt` with zg-model's rules (greedy when
/// `temperature` is 0, else sampled with `seed`), on the backend `prefer` picks.
/// `on_event` hears the backend once it is ready, then each piece of text; returning
/// `false` from a text event stops the run. One run at a time ([`LocalError::Busy`]).
pub async fn generate(
    prompt: &str,
    max_tokens: usize,
    temperature: f32,
    seed: u64,
    prefer: Prefer,
    on_event: &mut dyn FnMut(LocalEvent<'_>) -> bool,
) -> Result<LocalAnswer, LocalError> {
    if RUNNING.with(|r| r.replace(true)) {
        return Err(LocalError::Busy);
    }
    let _guard = RunGuard;
    let model = model();
    let (mut engine, backend, why_cpu) = engine(&model, prefer).await?;
    on_event(LocalEvent::Started(&backend));
    let started = now_ms();
    let mut first_token_ms = 0.0;
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused_mut, unused_variables))]
    let mut last_yield = started;
    let mut decoding = Decoding::new(&model, prompt, max_tokens, temperature, seed);
    loop {
        let next = decoding.next();
        if next == Next::Done {
            break;
        }
        let logits = match engine.pass(next).await {
            Ok(l) => l,
            Err(e) => {
                #[cfg(target_arch = "wasm32")]
                super::gpu::forget();
                return Err(e);
            }
        };
        if decoding.completion_tokens() == 0 {
            first_token_ms = now_ms() - started;
        }
        let piece = decoding.push_logits(&logits);
        if !piece.is_empty() && !on_event(LocalEvent::Text(&piece)) {
            decoding.stop();
            break;
        }
        #[cfg(target_arch = "wasm32")]
        if matches!(engine, Engine::Cpu(..)) && now_ms() - last_yield >= YIELD_EVERY_MS {
            yield_to_browser().await;
            last_yield = now_ms();
        }
    }
    let (generation, rest) = decoding.finish();
    if !rest.is_empty() {
        on_event(LocalEvent::Text(&rest));
    }
    Ok(LocalAnswer {
        text: generation.text,
        prompt_tokens: generation.prompt_tokens,
        completion_tokens: generation.completion_tokens,
        stopped_early: generation.stopped_early,
        backend,
        why_cpu,
        first_token_ms,
        total_ms: now_ms() - started,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMY: GpuLimits = GpuLimits {
        max_storage_buffer_binding_size: 128 << 20,
        max_buffer_size: 256 << 20,
        max_compute_workgroup_storage_size: 16384,
    };

    #[test]
    fn the_devnet_model_fits_webgpu_default_limits() {
        let c = Config::devnet();
        assert_eq!(fits(&c, &ROOMY, "any"), Ok(()));
        let (params, kv, acts, wg) = gpu_sizes(&c);
        assert_eq!(params, 4 * c.parameter_count() as u64);
        assert_eq!(kv, 4 * 2 * 2 * 256 * 64);
        assert_eq!(acts, 4 * (10 * 64 + 256));
        assert_eq!(wg, 4 * (256 + 66));
    }

    #[test]
    fn a_model_too_large_for_the_gpu_says_so_and_offers_the_cpu() {
        let big = Config { vocab: 256, d_model: 4096, layers: 64, heads: 32, context: 8192 };
        let e = fits(&big, &ROOMY, "swiftshader").unwrap_err();
        assert!(matches!(e, LocalError::TooLarge { what: "parameters", .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("too large for this GPU (swiftshader)"), "{text}");
        assert!(text.contains("Run it on the CPU instead"), "{text}");
        assert!(e.offers_cpu());
        // Long contexts outgrow the attention's workgroup memory first.
        let long = Config { context: 8192, ..Config::devnet() };
        let small_params = GpuLimits { max_storage_buffer_binding_size: 1 << 30, max_buffer_size: 1 << 30, ..ROOMY };
        assert!(
            matches!(fits(&long, &small_params, "x"), Err(LocalError::TooLarge { what, .. }) if what.contains("workgroup"))
        );
        assert!(!LocalError::NoAdapter("none".into()).offers_cpu());
        assert!(!LocalError::Busy.offers_cpu());
    }

    #[test]
    fn backends_read_as_the_badge_says() {
        let gpu =
            Backend::WebGpu { adapter: "swiftshader".into(), description: "google swiftshader".into(), software: true };
        assert_eq!(gpu.to_string(), "WebGPU · swiftshader");
        assert_eq!(Backend::Cpu.to_string(), "CPU, wasm");
    }

    #[test]
    fn speed_reads_tokens_per_second_and_first_token() {
        let answer = LocalAnswer {
            text: String::new(),
            prompt_tokens: 10,
            completion_tokens: 64,
            stopped_early: false,
            backend: Backend::Cpu,
            why_cpu: None,
            first_token_ms: 12.4,
            total_ms: 320.0,
        };
        assert_eq!(answer.tokens_per_second(), 200.0);
        assert_eq!(answer.speed(), "200 tokens/s, first token after 12 ms");
        assert_eq!(LocalAnswer { total_ms: 0.0, ..answer }.tokens_per_second(), 0.0);
    }

    /// Natively there is no browser: Auto runs on the CPU and says why, exactly as
    /// `Model::generate` would.
    #[test]
    fn native_runs_use_the_cpu_and_match_generate() {
        let answer =
            futures::executor::block_on(generate("The wallet", 24, 0.0, 0, Prefer::Auto, &mut |_| true)).unwrap();
        let expected = model().generate("The wallet", 24, 0.0, 0, &mut |_| true);
        assert_eq!(answer.text, expected.text);
        assert_eq!((answer.prompt_tokens, answer.completion_tokens), (10, 24));
        assert_eq!(answer.backend, Backend::Cpu);
        assert!(answer.why_cpu.is_some());
        let gpu_only = futures::executor::block_on(generate("x", 1, 0.0, 0, Prefer::WebGpu, &mut |_| true));
        assert!(matches!(gpu_only, Err(LocalError::NoAdapter(_))));
    }
}
