//! Local inference, in this browser. On the CPU: SmolLM2-135M-Instruct in a Web Worker of
//! its own (`llm_worker`: candle in wasm, weights downloaded once and kept in Cache
//! Storage). On WebGPU, where `navigator.gpu` gives an adapter: `zg-model`, the small
//! transformer whose forward pass exists as WGSL kernels (`gpu`), until SmolLM2's llama
//! kernels are written; the answer names the model that ran ([`LocalAnswer::model`]) and the
//! backend ([`Backend`]).
//!
//! The WebGPU path drives [`zg_model::Decoding`] as zg-model's CPU code would (see
//! `app/tests/local_inference.rs` for the measured agreement). With [`Prefer::Auto`], a browser with no
//! hardware adapter runs on the CPU (labelled, [`LocalAnswer::why_cpu`] says why); any other WebGPU
//! failure (a model too large for the adapter's limits, a lost device) is a [`LocalError`]
//! whose message says what to do, and [`LocalError::offers_cpu`] tells the page to offer
//! the CPU instead.
//!
//! The pure parts ([`Backend`], [`LocalError`], [`fits`]) are tested natively; the rest in
//! headless Chromium.

use std::fmt;
use std::rc::Rc;

use super::chat::Message;
use zg_model::{Config, Model, MLP_RATIO};
#[cfg(target_arch = "wasm32")]
use zg_model::{Decoding, Next};

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
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LocalEvent<'a> {
    /// The model's weights are being downloaded (first run in this browser only).
    Downloading { loaded: u64, total: u64 },
    /// The model is loaded: from the browser's cache (`cached`) or just downloaded.
    Loaded { cached: bool, ms: f64 },
    /// The backend is chosen and its weights are loaded; tokens follow.
    Started(&'a Backend),
    /// New text (whole characters).
    Text(&'a str),
}

/// A finished local run.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalAnswer {
    /// The model that ran.
    pub model: &'static str,
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
    #[error("the local model's worker failed: {0}. Run again to start it afresh, or send the message to a provider")]
    Worker(String),
    #[error("{0}")]
    Model(String),
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

/// Lets the browser (or a worker's mailbox) handle pending events, then carries on. A zero
/// timeout is clamped to 4 ms once timers nest (`cargo xtask bench` measured that as a
/// quarter of a CPU run's time); a message posted on a fresh channel comes back as soon as
/// the event loop is free.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn yield_to_event_loop() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return gloo::timers::future::TimeoutFuture::new(0).await;
    };
    let delivered = js_sys::Promise::new(&mut |resolve, _| channel.port1().set_onmessage(Some(&resolve)));
    if channel.port2().post_message(&wasm_bindgen::JsValue::NULL).is_ok() {
        let _ = wasm_bindgen_futures::JsFuture::from(delivered).await;
    }
}

/// Where a run goes: the WebGPU engine (made once, then reused), or the CPU.
enum Choice {
    #[cfg(target_arch = "wasm32")]
    Gpu(Rc<super::gpu::GpuModel>, Backend),
    /// With why WebGPU was not used, when it was not asked to be avoided.
    Cpu(Option<String>),
}

async fn choose(prefer: Prefer) -> Result<Choice, LocalError> {
    if prefer == Prefer::Cpu {
        return Ok(Choice::Cpu(None));
    }
    #[cfg(target_arch = "wasm32")]
    {
        match super::gpu::shared(&model(), prefer == Prefer::WebGpu).await {
            Ok(gpu) => {
                let backend = gpu.backend();
                Ok(Choice::Gpu(gpu, backend))
            }
            Err(LocalError::NoAdapter(why)) if prefer == Prefer::Auto => Ok(Choice::Cpu(Some(why))),
            Err(e) => Err(e),
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    match prefer {
        Prefer::WebGpu => Err(LocalError::NoAdapter("not a browser".into())),
        _ => Ok(Choice::Cpu(Some("not a browser".into()))),
    }
}

/// Where a run with this preference would go, and why: for the page's hints and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    WebGpu(Backend),
    Cpu { why: Option<String> },
}

pub async fn route(prefer: Prefer) -> Result<Route, LocalError> {
    Ok(match choose(prefer).await? {
        #[cfg(target_arch = "wasm32")]
        Choice::Gpu(_, backend) => Route::WebGpu(backend),
        Choice::Cpu(why) => Route::Cpu { why },
    })
}

thread_local!(static RUNNING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });

/// Clears the running flag however the run ends.
struct RunGuard;

impl Drop for RunGuard {
    fn drop(&mut self) {
        RUNNING.with(|r| r.set(false));
    }
}

/// Answers `messages` with up to `max_tokens` (greedy when `temperature` is 0, else sampled
/// with `seed`) on the backend `prefer` picks. `on_event` hears the download's progress, the
/// backend once the model is ready, then each piece of text; returning `false` from a text
/// event stops the run. One run at a time ([`LocalError::Busy`]).
pub async fn generate(
    messages: &[Message],
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
    match choose(prefer).await? {
        #[cfg(target_arch = "wasm32")]
        Choice::Gpu(gpu, backend) => on_gpu(&gpu, backend, messages, max_tokens, temperature, seed, on_event).await,
        Choice::Cpu(why_cpu) => {
            let mut answer = on_cpu(messages, max_tokens, temperature, seed, on_event).await?;
            answer.why_cpu = why_cpu;
            Ok(answer)
        }
    }
}

/// multilingual-e5-small vectors of `texts` (as queries, or as stored passages), for the
/// agent's memory by meaning; `on_progress` hears the weights' download on first use.
/// Shares the one-run-at-a-time rule with [`generate`].
pub async fn embed(
    texts: &[String],
    query: bool,
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<Vec<f32>>, LocalError> {
    if RUNNING.with(|r| r.replace(true)) {
        return Err(LocalError::Busy);
    }
    let _guard = RunGuard;
    embed_here(texts, query, on_progress).await
}

#[cfg(target_arch = "wasm32")]
async fn embed_here(
    texts: &[String],
    query: bool,
    on_progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<Vec<f32>>, LocalError> {
    use super::llm_worker::{client::LlmWorker, embedding_weights_path, FromWorker, ToWorker};
    let worker = LlmWorker::shared().await.map_err(LocalError::Worker)?;
    let weights_url = app_url(&embedding_weights_path())?;
    worker.send(&ToWorker::Embed { weights_url, texts: texts.to_vec(), query }).map_err(LocalError::Worker)?;
    loop {
        match worker.next().await {
            Some(FromWorker::Progress { loaded, total }) => on_progress(loaded, total),
            Some(FromWorker::Embedded { vectors }) if vectors.len() == texts.len() => return Ok(vectors),
            Some(FromWorker::Embedded { .. }) => {
                return Err(LocalError::Worker("it sent the wrong number of vectors".into()))
            }
            Some(FromWorker::Failed { message }) => return Err(LocalError::Worker(message)),
            Some(_) => {}
            None => return Err(LocalError::Worker("it went away".into())),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
async fn embed_here(
    texts: &[String],
    query: bool,
    _on_progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<Vec<f32>>, LocalError> {
    thread_local!(static E5: std::cell::OnceCell<Rc<zg_llm::e5::E5>> = const { std::cell::OnceCell::new() });
    let model = loaded_here(&E5, zg_llm::weights::e5(), zg_llm::e5::E5::from_bytes)?;
    texts
        .iter()
        .map(|t| if query { model.query(t) } else { model.passage(t) }.map_err(|e| LocalError::Model(e.to_string())))
        .collect()
}

/// A model read from `models/` once per thread (natively, where no worker holds it).
#[cfg(not(target_arch = "wasm32"))]
fn loaded_here<T: 'static>(
    slot: &'static std::thread::LocalKey<std::cell::OnceCell<Rc<T>>>,
    file: zg_llm::weights::WeightFile,
    load: fn(&[u8]) -> Result<T, zg_llm::LlmError>,
) -> Result<Rc<T>, LocalError> {
    if let Some(model) = slot.with(|m| m.get().cloned()) {
        return Ok(model);
    }
    let bytes = file.read().map_err(|e| LocalError::Model(e.to_string()))?;
    let model = Rc::new(load(&bytes).map_err(|e| LocalError::Model(e.to_string()))?);
    Ok(slot.with(|m| m.get_or_init(|| model).clone()))
}

/// A path beside the app as an absolute URL.
#[cfg(target_arch = "wasm32")]
fn app_url(path: &str) -> Result<String, LocalError> {
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
    web_sys::Url::new_with_base(path, &base.unwrap_or_default())
        .map(|u| u.href())
        .map_err(|_| LocalError::Worker(format!("no URL for {path}")))
}

/// zg-model on the WebGPU engine, driven by its `Decoding`.
#[cfg(target_arch = "wasm32")]
async fn on_gpu(
    gpu: &super::gpu::GpuModel,
    backend: Backend,
    messages: &[Message],
    max_tokens: usize,
    temperature: f32,
    seed: u64,
    on_event: &mut dyn FnMut(LocalEvent<'_>) -> bool,
) -> Result<LocalAnswer, LocalError> {
    let model = model();
    on_event(LocalEvent::Started(&backend));
    let started = now_ms();
    let mut first_token_ms = 0.0;
    let mut decoding = Decoding::new(&model, &super::chat::prompt(messages), max_tokens, temperature, seed);
    loop {
        let logits = match decoding.next() {
            Next::Done => break,
            Next::Prefill(tokens) => gpu.prefill(tokens).await,
            Next::Step(token) => gpu.step(token).await,
        };
        let logits = logits.inspect_err(|_| super::gpu::forget())?;
        if decoding.completion_tokens() == 0 {
            first_token_ms = now_ms() - started;
        }
        let piece = decoding.push_logits(&logits);
        if !piece.is_empty() && !on_event(LocalEvent::Text(&piece)) {
            decoding.stop();
            break;
        }
    }
    let (generation, rest) = decoding.finish();
    if !rest.is_empty() {
        on_event(LocalEvent::Text(&rest));
    }
    Ok(LocalAnswer {
        model: zg_model::MODEL_NAME,
        text: generation.text,
        prompt_tokens: generation.prompt_tokens,
        completion_tokens: generation.completion_tokens,
        stopped_early: generation.stopped_early,
        backend,
        why_cpu: None,
        first_token_ms,
        total_ms: now_ms() - started,
    })
}

/// SmolLM2 in its Web Worker.
#[cfg(target_arch = "wasm32")]
async fn on_cpu(
    messages: &[Message],
    max_tokens: usize,
    temperature: f32,
    seed: u64,
    on_event: &mut dyn FnMut(LocalEvent<'_>) -> bool,
) -> Result<LocalAnswer, LocalError> {
    use super::llm_worker::{client::LlmWorker, weights_path, ChatMessage, FromWorker, ToWorker};
    let worker = LlmWorker::shared().await.map_err(LocalError::Worker)?;
    let weights_url = app_url(&weights_path())?;
    let messages = messages.iter().map(|m| ChatMessage { role: m.role.clone(), content: m.content.clone() }).collect();
    worker
        .send(&ToWorker::Generate { weights_url, messages, max_tokens, temperature, seed })
        .map_err(LocalError::Worker)?;
    let mut text = String::new();
    let mut stop_sent = false;
    loop {
        match worker.next().await {
            Some(FromWorker::Progress { loaded, total }) => {
                on_event(LocalEvent::Downloading { loaded, total });
            }
            Some(FromWorker::Loaded { cached, ms, .. }) => {
                on_event(LocalEvent::Loaded { cached, ms });
                on_event(LocalEvent::Started(&Backend::Cpu));
            }
            Some(FromWorker::Piece { text: piece }) => {
                text.push_str(&piece);
                if !on_event(LocalEvent::Text(&piece)) && !stop_sent {
                    stop_sent = worker.send(&ToWorker::Stop).is_ok();
                }
            }
            Some(FromWorker::Done { prompt_tokens, completion_tokens, stopped, first_token_ms, total_ms }) => {
                return Ok(LocalAnswer {
                    model: zg_llm::MODEL_NAME,
                    text,
                    prompt_tokens,
                    completion_tokens,
                    stopped_early: stopped,
                    backend: Backend::Cpu,
                    why_cpu: None,
                    first_token_ms,
                    total_ms,
                })
            }
            Some(FromWorker::Failed { message }) => return Err(LocalError::Worker(message)),
            Some(FromWorker::Ready | FromWorker::Embedded { .. }) => {}
            None => return Err(LocalError::Worker("it went away".into())),
        }
    }
}

/// Natively (tests, no browser): SmolLM2 in this process, as the worker runs it.
#[cfg(not(target_arch = "wasm32"))]
async fn on_cpu(
    messages: &[Message],
    max_tokens: usize,
    temperature: f32,
    seed: u64,
    on_event: &mut dyn FnMut(LocalEvent<'_>) -> bool,
) -> Result<LocalAnswer, LocalError> {
    thread_local!(static LLM: std::cell::OnceCell<Rc<zg_llm::SmolLm>> = const { std::cell::OnceCell::new() });
    let llm = loaded_here(&LLM, zg_llm::weights::smollm2(), zg_llm::SmolLm::from_bytes)?;
    on_event(LocalEvent::Started(&Backend::Cpu));
    let conversation: Vec<_> = messages.iter().map(|m| zg_llm::Message::new(&m.role, &m.content)).collect();
    let prompt = llm.prompt(&conversation).map_err(|e| LocalError::Model(e.to_string()))?;
    let started = now_ms();
    let sampling = zg_llm::Sampling { max_tokens, temperature, seed };
    let mut first_token_ms = None;
    let generation = llm
        .generate(&prompt, sampling, &mut |piece| {
            first_token_ms.get_or_insert_with(|| now_ms() - started);
            on_event(LocalEvent::Text(piece))
        })
        .map_err(|e| LocalError::Model(e.to_string()))?;
    Ok(LocalAnswer {
        model: zg_llm::MODEL_NAME,
        text: generation.text,
        prompt_tokens: prompt.len(),
        completion_tokens: generation.completion_tokens,
        stopped_early: generation.stopped_early,
        backend: Backend::Cpu,
        why_cpu: None,
        first_token_ms: first_token_ms.unwrap_or(0.0),
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

    /// Natively the memory's vectors come from the same model the worker runs.
    #[test]
    fn native_embeddings_are_e5s() {
        let texts = vec!["오늘 서울 날씨가 어때요?".to_string()];
        let q = futures::executor::block_on(embed(&texts, true, &mut |_, _| {})).unwrap();
        let p = futures::executor::block_on(embed(
            &["서울은 오늘 맑고 기온은 영상 5도입니다.".to_string()],
            false,
            &mut |_, _| {},
        ))
        .unwrap();
        assert_eq!((q.len(), q[0].len()), (1, 384));
        assert!((q[0][0] - 0.02589).abs() < 2e-3, "the reference's first component");
        let near = zg_core::compute::recall::similarity(&q[0], &p[0]);
        assert!((near - 0.910).abs() < 0.01, "{near}");
    }

    #[test]
    fn speed_reads_tokens_per_second_and_first_token() {
        let answer = LocalAnswer {
            model: "m",
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

    /// Natively there is no browser: Auto runs SmolLM2 on the CPU and says why, exactly as
    /// the model's own `generate` would answer.
    #[test]
    fn native_runs_use_the_cpu_and_match_smollm2() {
        let messages = [Message::new("user", "What is the capital of France?")];
        let answer = futures::executor::block_on(generate(&messages, 24, 0.0, 0, Prefer::Auto, &mut |_| true)).unwrap();
        assert_eq!(answer.text, "The capital of France is Paris.");
        assert_eq!(answer.model, "SmolLM2-135M-Instruct");
        assert_eq!((answer.prompt_tokens, answer.completion_tokens), (16, 8));
        assert_eq!(answer.backend, Backend::Cpu);
        assert!(answer.why_cpu.is_some());
        let gpu_only = futures::executor::block_on(generate(&messages, 1, 0.0, 0, Prefer::WebGpu, &mut |_| true));
        assert!(matches!(gpu_only, Err(LocalError::NoAdapter(_))));
    }
}
