//! The worker's side: fetch or read the weights, load SmolLM2 once, answer one conversation
//! at a time, token by token, with a look at the mailbox (Stop) between tokens. On the CPU
//! candle computes the logits; on WebGPU the engine of `compute::gpu`, built from the same
//! weights the first time it is asked for; the choice of each token is the same
//! `zg_llm::Decoder` either way.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zg_llm::e5::E5;
use zg_llm::weights::WeightFile;
use zg_llm::{Message, Sampling, SmolLm};

use super::{FromWorker, ToWorker, WantBackend, CACHE_NAME};
use crate::compute::gpu::{GpuRun, LlamaGpu};
use crate::compute::local::{Backend, LocalError};

thread_local! {
    static MODEL: RefCell<Option<Rc<SmolLm>>> = const { RefCell::new(None) };
    static ENGINE: RefCell<Option<Rc<LlamaGpu>>> = const { RefCell::new(None) };
    static EMBEDDER: RefCell<Option<Rc<E5>>> = const { RefCell::new(None) };
    static STOP: Cell<bool> = const { Cell::new(false) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

fn scope() -> web_sys::DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(message: &FromWorker) {
    let _ = scope().post_message(&JsValue::from_str(&message.to_json()));
}

/// Installs the message handler and says `Ready`. Idempotent.
pub fn start() {
    thread_local!(static STARTED: Cell<bool> = const { Cell::new(false) });
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match ToWorker::parse(&text) {
            Ok(ToWorker::Stop) => STOP.with(|s| s.set(true)),
            Ok(ToWorker::Generate { weights_url, messages, max_tokens, temperature, seed, backend }) => {
                if BUSY.with(|b| b.replace(true)) {
                    return post(&FromWorker::Failed { message: "the local model is already answering".into() });
                }
                STOP.with(|s| s.set(false));
                let messages = messages.into_iter().map(|m| Message::new(m.role, m.content)).collect::<Vec<_>>();
                let sampling = Sampling { max_tokens, temperature, seed };
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(message) = answer(&weights_url, &messages, sampling, backend).await {
                        post(&FromWorker::Failed { message });
                    }
                    BUSY.with(|b| b.set(false));
                });
            }
            Ok(ToWorker::Embed { weights_url, texts, query }) => {
                if BUSY.with(|b| b.replace(true)) {
                    return post(&FromWorker::Failed { message: "the local model is already busy".into() });
                }
                wasm_bindgen_futures::spawn_local(async move {
                    match embed(&weights_url, &texts, query).await {
                        Ok(vectors) => post(&FromWorker::Embedded { vectors }),
                        Err(message) => post(&FromWorker::Failed { message }),
                    }
                    BUSY.with(|b| b.set(false));
                });
            }
            Err(message) => post(&FromWorker::Failed { message }),
        }
    });
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&FromWorker::Ready);
}

async fn answer(weights_url: &str, messages: &[Message], sampling: Sampling, want: WantBackend) -> Result<(), String> {
    let model = model(weights_url).await?;
    let prompt = model.prompt(messages).map_err(|e| e.to_string())?;
    let mut why_cpu = None;
    if let WantBackend::WebGpu { allow_software, fall_back } = want {
        match engine(weights_url, allow_software).await {
            Ok(engine) => {
                post(&FromWorker::Started { backend: engine.backend(), why_cpu: None });
                return match on_gpu(&model, &engine, &prompt, sampling).await {
                    Ok(()) => Ok(()),
                    Err(GpuRun::Model(message)) => Err(message),
                    Err(GpuRun::Gpu(error)) => {
                        // A device that failed once is not trusted with the next answer.
                        ENGINE.with(|e| e.borrow_mut().take());
                        post(&FromWorker::GpuFailed { error });
                        Ok(())
                    }
                };
            }
            Err(error) if fall_back => why_cpu = Some(error.to_string()),
            Err(error) => {
                post(&FromWorker::GpuFailed { error });
                return Ok(());
            }
        }
    }
    post(&FromWorker::Started { backend: Backend::Cpu, why_cpu });
    let started = now_ms();
    let mut generator = model.start(&prompt, sampling).map_err(|e| e.to_string())?;
    let mut first_token_ms = None;
    let mut stopped = false;
    loop {
        if STOP.with(Cell::get) {
            stopped = true;
            break;
        }
        let Some(piece) = generator.step().map_err(|e| e.to_string())? else { break };
        first_token_ms.get_or_insert_with(|| now_ms() - started);
        if !piece.is_empty() {
            post(&FromWorker::Piece { text: piece });
        }
        crate::compute::local::yield_to_event_loop().await;
    }
    let completion_tokens = generator.completion_tokens();
    let rest = generator.finish();
    if !rest.is_empty() {
        post(&FromWorker::Piece { text: rest });
    }
    post(&FromWorker::Done {
        prompt_tokens: prompt.len(),
        completion_tokens,
        stopped,
        first_token_ms: first_token_ms.unwrap_or(0.0),
        total_ms: now_ms() - started,
    });
    Ok(())
}

/// The answer with the GPU computing the logits: every readback awaits the device, so
/// Stop reaches the mailbox between tokens without an extra yield.
async fn on_gpu(model: &SmolLm, engine: &LlamaGpu, prompt: &[u32], sampling: Sampling) -> Result<(), GpuRun> {
    let started = now_ms();
    let mut on_piece = |piece: &str| post(&FromWorker::Piece { text: piece.into() });
    let stop = || STOP.with(Cell::get);
    let answer = crate::compute::gpu::answer(engine, model, prompt, sampling, &stop, &mut on_piece).await?;
    post(&FromWorker::Done {
        prompt_tokens: prompt.len(),
        completion_tokens: answer.completion_tokens,
        stopped: answer.stopped,
        first_token_ms: answer.first_token_at.map_or(0.0, |at| at - started),
        total_ms: now_ms() - started,
    });
    Ok(())
}

/// The GPU engine, built on first use from the weights (read again from Cache Storage,
/// laid out by `zg_llm::gpu`, uploaded) and kept while its device lives.
async fn engine(weights_url: &str, allow_software: bool) -> Result<Rc<LlamaGpu>, LocalError> {
    if let Some(engine) = ENGINE.with(|e| e.borrow().clone()) {
        let software = matches!(engine.backend(), Backend::WebGpu { software: true, .. });
        if !engine.is_lost() && (allow_software || !software) {
            return Ok(engine);
        }
    }
    ENGINE.with(|e| e.borrow_mut().take());
    // Whether there is an adapter at all is known before the weights are read again.
    let adapter = crate::webgpu::adapter().await.map_err(LocalError::NoAdapter)?;
    if adapter.software && !allow_software {
        return Err(LocalError::NoAdapter(crate::compute::local::software_only(&adapter.short)));
    }
    drop(adapter);
    let (bytes, _) = weights(weights_url, &zg_llm::weights::smollm2()).await.map_err(LocalError::Worker)?;
    let llama =
        zg_llm::gpu::GpuLlama::from_gguf(&bytes, zg_llm::CONTEXT).map_err(|e| LocalError::Gpu(e.to_string()))?;
    drop(bytes);
    let engine = Rc::new(LlamaGpu::open(&llama, allow_software).await?);
    ENGINE.with(|e| *e.borrow_mut() = Some(engine.clone()));
    Ok(engine)
}

async fn embed(weights_url: &str, texts: &[String], query: bool) -> Result<Vec<Vec<f32>>, String> {
    let embedder = match EMBEDDER.with(|m| m.borrow().clone()) {
        Some(embedder) => embedder,
        None => {
            let started = now_ms();
            let (bytes, cached) = weights(weights_url, &zg_llm::weights::e5()).await?;
            let embedder = Rc::new(E5::from_bytes(&bytes).map_err(|e| e.to_string())?);
            post(&FromWorker::Loaded { parameters: 0, cached, ms: now_ms() - started });
            EMBEDDER.with(|m| *m.borrow_mut() = Some(embedder.clone()));
            embedder
        }
    };
    let mut vectors = Vec::with_capacity(texts.len());
    for text in texts {
        let vector = if query { embedder.query(text) } else { embedder.passage(text) };
        vectors.push(vector.map_err(|e| e.to_string())?);
        crate::compute::local::yield_to_event_loop().await;
    }
    Ok(vectors)
}

/// The chat model, loaded on first use from Cache Storage or the network.
async fn model(weights_url: &str) -> Result<Rc<SmolLm>, String> {
    if let Some(model) = MODEL.with(|m| m.borrow().clone()) {
        return Ok(model);
    }
    let started = now_ms();
    let (bytes, cached) = weights(weights_url, &zg_llm::weights::smollm2()).await?;
    let model = Rc::new(SmolLm::from_bytes(&bytes).map_err(|e| e.to_string())?);
    drop(bytes);
    post(&FromWorker::Loaded { parameters: model.parameters() as u64, cached, ms: now_ms() - started });
    MODEL.with(|m| *m.borrow_mut() = Some(model.clone()));
    Ok(model)
}

/// A weight file's bytes, checked: from Cache Storage (`true`), or downloaded and kept.
async fn weights(weights_url: &str, file: &WeightFile) -> Result<(Vec<u8>, bool), String> {
    let cache = open_cache().await;
    if let Some(cache) = &cache {
        if let Some(found) = read_cached(cache, weights_url).await {
            if file.check(&found).is_ok() {
                return Ok((found, true));
            }
            // Damaged or from another version: dropped, and fetched again.
            let _ = JsFuture::from(cache.delete_with_str(weights_url)).await;
        }
    }
    let fetched = download(weights_url, file.bytes).await?;
    file.check(&fetched).map_err(|e| {
        format!("the model's weights from {weights_url} failed their check ({e}); nothing was kept, try again")
    })?;
    if let Some(cache) = &cache {
        // Not kept is only slower next time; the work goes on.
        let _ = keep(cache, weights_url, &fetched).await;
    }
    Ok((fetched, false))
}

async fn open_cache() -> Option<web_sys::Cache> {
    let caches = scope().caches().ok()?;
    JsFuture::from(caches.open(CACHE_NAME)).await.ok()?.dyn_into().ok()
}

async fn read_cached(cache: &web_sys::Cache, url: &str) -> Option<Vec<u8>> {
    let found = JsFuture::from(cache.match_with_str(url)).await.ok()?;
    let response: web_sys::Response = found.dyn_into().ok()?;
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

async fn keep(cache: &web_sys::Cache, url: &str, bytes: &[u8]) -> Result<(), JsValue> {
    let body = Uint8Array::from(bytes);
    let response = web_sys::Response::new_with_opt_buffer_source(Some(&body))?;
    JsFuture::from(cache.put_with_str(url, &response)).await.map(|_| ())
}

/// The weights, read chunk by chunk with `Progress` every few megabytes.
async fn download(url: &str, total: u64) -> Result<Vec<u8>, String> {
    let failed = |why: String| format!("the model's weights could not be downloaded from {url}: {why}");
    let response: web_sys::Response = JsFuture::from(scope().fetch_with_str(url))
        .await
        .map_err(|e| failed(js_text(&e)))?
        .dyn_into()
        .map_err(|_| failed("no response".into()))?;
    if !response.ok() {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let body = response.body().ok_or_else(|| failed("the response has no body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader =
        body.get_reader().dyn_into().map_err(|_| failed("the body cannot be read".into()))?;
    let mut bytes = Vec::with_capacity(total as usize);
    let mut reported = 0;
    post(&FromWorker::Progress { loaded: 0, total });
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| failed(js_text(&e)))?;
        if js_sys::Reflect::get(&chunk, &"done".into()).map(|d| d.is_truthy()).unwrap_or(true) {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|e| failed(js_text(&e)))?;
        bytes.extend(Uint8Array::new(&value).to_vec());
        if bytes.len() as u64 > total {
            return Err(failed(format!("it is larger than the {total} bytes it should be")));
        }
        if bytes.len() - reported >= 4 << 20 {
            reported = bytes.len();
            post(&FromWorker::Progress { loaded: reported as u64, total });
        }
    }
    post(&FromWorker::Progress { loaded: bytes.len() as u64, total });
    Ok(bytes)
}

fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

fn js_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}
