//! Local inference, in this browser: SmolLM2-135M-Instruct in a Web Worker of its own
//! (`llm_worker`: weights downloaded once and kept in Cache Storage), run either by candle
//! on the CPU or by the WGSL kernels of `gpu` on WebGPU, which the worker drives from the
//! same weights (tokenizer, template and sampling are shared). Every answer names the
//! model ([`LocalAnswer::model`]) and the backend that ran ([`Backend`]).
//!
//! [`route`] picks the backend from what the page's `navigator.gpu` offers: with
//! [`Prefer::Auto`], WebGPU on a hardware adapter, else the CPU with the reason
//! ([`LocalAnswer::why_cpu`]); if the worker's GPU engine cannot start (too little memory
//! for the adapter's limits, a shader that does not compile), Auto runs on the CPU and says
//! why. With [`Prefer::WebGpu`] such a failure is a [`LocalError`] whose message says what
//! to do, and [`LocalError::offers_cpu`] tells the page to offer the CPU instead.
//!
//! The pure parts ([`Backend`], [`LocalError`]) are tested natively; the GPU engine in
//! headless Chromium (`app/tests/local_inference.rs`), the worker in the compute e2e journey.

use std::fmt;
#[cfg(not(target_arch = "wasm32"))]
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::chat::Message;

/// Where the model ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Backend {
    /// On a WebGPU adapter: `adapter` is its short name ("swiftshader"), `description`
    /// everything the browser says about it; `software` when it is a CPU emulation
    /// (SwiftShader, or an adapter the browser calls a fallback).
    WebGpu { adapter: String, description: String, software: bool },
    /// On the CPU: candle, compiled to wasm, in the worker.
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

    /// Answer tokens per second as the details line writes it (the number alone, for the
    /// line in either language).
    pub fn shown_rate(&self) -> String {
        // A software adapter makes under one token a second: "0 tokens/s" would say nothing ran.
        let rate = self.tokens_per_second();
        let decimals = if rate < 10.0 { 1 } else { 0 };
        format!("{rate:.decimals$}")
    }

    /// The run's speed in words, for the answer's details line (in English; the Agents
    /// console says it in the user's language with the same numbers).
    pub fn speed(&self) -> String {
        format!("{} tokens/s, first token after {:.0} ms", self.shown_rate(), self.first_token_ms)
    }
}

/// Why a local run failed, in words that say what to do. Serializable: the worker sends
/// its GPU engine's failures to the page as they are.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum LocalError {
    #[error("no WebGPU here ({0}), so the model runs on the CPU")]
    NoAdapter(String),
    #[error(
        "the model is too large for this GPU ({adapter}): its {what} need {need} bytes and the adapter allows {limit}. \
         Run it on the CPU instead"
    )]
    TooLarge { adapter: String, what: String, need: u64, limit: u64 },
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

/// Milliseconds since the Unix epoch (natively, where the run happens in this process).
#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
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

/// Where a run goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    /// The worker's GPU engine; `fall_back`: on the CPU (saying why) if it cannot start.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    Gpu { backend: Backend, allow_software: bool, fall_back: bool },
    /// With why WebGPU was not used, when it was not asked to be avoided.
    Cpu(Option<String>),
}

/// Why a software adapter is passed over (the route, the worker and the engine say it alike).
#[cfg(target_arch = "wasm32")]
pub(crate) fn software_only(adapter: &str) -> String {
    format!(
        "the only WebGPU adapter is a software one ({adapter}), which emulates a GPU on the CPU and is slower than running on the CPU directly"
    )
}

async fn choose(prefer: Prefer) -> Result<Choice, LocalError> {
    if prefer == Prefer::Cpu {
        return Ok(Choice::Cpu(None));
    }
    #[cfg(target_arch = "wasm32")]
    {
        // The page's adapter stands for the worker's: both ask the same browser.
        let auto = prefer == Prefer::Auto;
        match crate::webgpu::adapter().await {
            Err(why) if auto => Ok(Choice::Cpu(Some(why))),
            Err(why) => Err(LocalError::NoAdapter(why)),
            Ok(a) if a.software && auto => Ok(Choice::Cpu(Some(software_only(&a.short)))),
            Ok(a) => Ok(Choice::Gpu {
                backend: Backend::WebGpu { adapter: a.short, description: a.name, software: a.software },
                allow_software: !auto,
                fall_back: auto,
            }),
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
        Choice::Gpu { backend, .. } => Route::WebGpu(backend),
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
    let choice = choose(prefer).await?;
    in_worker(messages, max_tokens, temperature, seed, choice, on_event).await
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

/// SmolLM2 in its Web Worker, on the backend chosen.
#[cfg(target_arch = "wasm32")]
async fn in_worker(
    messages: &[Message],
    max_tokens: usize,
    temperature: f32,
    seed: u64,
    choice: Choice,
    on_event: &mut dyn FnMut(LocalEvent<'_>) -> bool,
) -> Result<LocalAnswer, LocalError> {
    use super::llm_worker::{client::LlmWorker, weights_path, ChatMessage, FromWorker, ToWorker, WantBackend};
    let worker = LlmWorker::shared().await.map_err(LocalError::Worker)?;
    let weights_url = app_url(&weights_path())?;
    let messages = messages.iter().map(|m| ChatMessage { role: m.role.clone(), content: m.content.clone() }).collect();
    let (backend, mut why_cpu) = match choice {
        Choice::Gpu { allow_software, fall_back, .. } => (WantBackend::WebGpu { allow_software, fall_back }, None),
        Choice::Cpu(why) => (WantBackend::Cpu, why),
    };
    worker
        .send(&ToWorker::Generate { weights_url, messages, max_tokens, temperature, seed, backend })
        .map_err(LocalError::Worker)?;
    let mut text = String::new();
    let mut stop_sent = false;
    let mut ran_on = Backend::Cpu;
    loop {
        match worker.next().await {
            Some(FromWorker::Progress { loaded, total }) => {
                on_event(LocalEvent::Downloading { loaded, total });
            }
            Some(FromWorker::Loaded { cached, ms, .. }) => {
                on_event(LocalEvent::Loaded { cached, ms });
            }
            Some(FromWorker::Started { backend, why_cpu: why }) => {
                ran_on = backend;
                if why.is_some() {
                    why_cpu = why;
                }
                on_event(LocalEvent::Started(&ran_on));
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
                    backend: ran_on,
                    why_cpu,
                    first_token_ms,
                    total_ms,
                })
            }
            Some(FromWorker::GpuFailed { error }) => return Err(error),
            Some(FromWorker::Failed { message }) => return Err(LocalError::Worker(message)),
            Some(FromWorker::Ready | FromWorker::Embedded { .. }) => {}
            None => return Err(LocalError::Worker("it went away".into())),
        }
    }
}

/// Natively (tests, no browser): SmolLM2 on the CPU in this process, as the worker runs it.
#[cfg(not(target_arch = "wasm32"))]
async fn in_worker(
    messages: &[Message],
    max_tokens: usize,
    temperature: f32,
    seed: u64,
    choice: Choice,
    on_event: &mut dyn FnMut(LocalEvent<'_>) -> bool,
) -> Result<LocalAnswer, LocalError> {
    let why_cpu = match choice {
        Choice::Cpu(why) => why,
        Choice::Gpu { .. } => Some("not a browser".into()),
    };
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
        why_cpu,
        first_token_ms: first_token_ms.unwrap_or(0.0),
        total_ms: now_ms() - started,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_too_large_for_the_gpu_says_so_and_offers_the_cpu() {
        let e = LocalError::TooLarge { adapter: "swiftshader".into(), what: "layer weights".into(), need: 9, limit: 8 };
        let text = e.to_string();
        assert!(text.contains("too large for this GPU (swiftshader)"), "{text}");
        assert!(text.contains("Run it on the CPU instead"), "{text}");
        assert!(e.offers_cpu());
        assert!(!LocalError::NoAdapter("none".into()).offers_cpu());
        assert!(!LocalError::Busy.offers_cpu());
        // The worker sends it as it is.
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<LocalError>(&json).unwrap(), e);
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
        let slow = LocalAnswer { completion_tokens: 8, total_ms: 20_000.0, ..answer.clone() };
        assert_eq!(slow.speed(), "0.4 tokens/s, first token after 12 ms", "a slow run is not shown as 0 tokens/s");
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
