//! SmolLM2's forward pass on WebGPU (`llama.wgsl`), driven from the LLM worker (and from
//! the browser tests, which compare it with candle's).
//!
//! `zg_llm::gpu` lays the model out and plans a token's pass; this module makes the
//! buffers (token embeddings, other weights, activations, quantized activations, keys,
//! values), uploads the weights once, writes every dispatch's offsets and sizes once to a
//! uniform buffer read through dynamic offsets, and runs a token's pass (15 dispatches a
//! layer, four more around them) in one compute pass of one submission, followed by one
//! copy of the logits to a mappable buffer and one readback. A prompt's tokens run one after another
//! in a few submissions and are read back once. The position and token of each pass come
//! from a second dynamic uniform (one slot per position), so nothing but those slots is
//! written between tokens.
//!
//! The WebGPU calls are `crate::webgpu`'s; it finds `navigator.gpu` in a page or a worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Float32Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zg_llm::gpu::{fits, Acts, BufferSizes, Dispatch, GpuLimits, GpuLlama, Kernel, LlamaConfig};
use zg_llm::{Decoded, Sampling, SmolLm};

use super::local::{Backend, LocalError};
use crate::webgpu::{
    field, message, obj, GpuAdapter, GpuBuffer, GpuDevice, GpuPipeline, COMPUTE, COPY_DST, COPY_SRC, MAP_READ,
    MAP_READ_USAGE, STORAGE, UNIFORM,
};

/// Dynamic uniform offsets must be multiples of `minUniformBufferOffsetAlignment` (≤ 256).
const SLOT: u32 = 256;
/// Tokens of a prompt per submission: one submission of thousands of dispatches per token
/// would hold the queue (and a software adapter's threads) for seconds at a time.
const TOKENS_PER_SUBMISSION: usize = 16;
/// Words per `writeBuffer` while uploading the weights, so the browser's staging copy
/// stays small.
const UPLOAD_WORDS: usize = 4 << 20;

fn gpu_error(what: &str) -> impl Fn(JsValue) -> LocalError + '_ {
    move |e| LocalError::Gpu(format!("{what}: {}", message(&e)))
}

/// The shader compiler's errors, with their lines, as one `LocalError::Gpu`.
async fn shader_errors(module: &JsValue) -> Result<(), LocalError> {
    let Ok(info) = Reflect::get(module, &"getCompilationInfo".into()) else { return Ok(()) };
    let Some(info) = info.dyn_ref::<js_sys::Function>() else { return Ok(()) };
    let promise: Promise = info.call0(module).map_err(gpu_error("getCompilationInfo"))?.unchecked_into();
    let info = JsFuture::from(promise).await.map_err(gpu_error("getCompilationInfo"))?;
    let messages = Array::from(&field(&info, "messages"));
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| field(m, "type").as_string().as_deref() == Some("error"))
        .map(|m| {
            let line = field(&m, "lineNum").as_f64().unwrap_or(0.0);
            format!("line {line}: {}", field(&m, "message").as_string().unwrap_or_default())
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(LocalError::Gpu(format!("the model's kernels did not compile ({})", errors.join("; "))))
    }
}

/// What the adapter allows (WebGPU's defaults where it says nothing).
pub fn limits_of(adapter: &GpuAdapter) -> GpuLimits {
    let limits = adapter.limits();
    let n = |k: &str, default: u64| field(&limits, k).as_f64().map_or(default, |v| v as u64);
    GpuLimits {
        max_storage_buffer_binding_size: n("maxStorageBufferBindingSize", 128 << 20),
        max_buffer_size: n("maxBufferSize", 256 << 20),
        max_compute_workgroups_per_dimension: n("maxComputeWorkgroupsPerDimension", 65535),
    }
}

/// The llama on one WebGPU device.
pub struct LlamaGpu {
    device: GpuDevice,
    /// In `Kernel::ALL` order, so `Kernel as usize` indexes it.
    pipelines: Vec<GpuPipeline>,
    group: JsValue,
    acts: GpuBuffer,
    slots: GpuBuffer,
    readback: GpuBuffer,
    dispatches: Vec<Dispatch>,
    backend: Backend,
    config: LlamaConfig,
    logits_offset: u64,
    /// Positions the KV cache holds.
    pos: Cell<usize>,
    /// Set when the browser reports the device lost.
    lost: Rc<RefCell<Option<String>>>,
}

impl Drop for LlamaGpu {
    fn drop(&mut self) {
        self.device.destroy_device();
    }
}

impl LlamaGpu {
    /// Opens the adapter and a device, checks the model fits its limits, compiles the
    /// kernels and uploads the weights. A software adapter is refused unless
    /// `allow_software`.
    pub async fn open(llama: &GpuLlama, allow_software: bool) -> Result<LlamaGpu, LocalError> {
        let crate::webgpu::Adapter { adapter, name: full, short, software } =
            crate::webgpu::adapter().await.map_err(LocalError::NoAdapter)?;
        if software && !allow_software {
            return Err(LocalError::NoAdapter(super::local::software_only(&short)));
        }
        let limits = limits_of(&adapter);
        fits(&llama.config, &limits).map_err(|e| LocalError::TooLarge {
            adapter: short.clone(),
            what: e.what.to_string(),
            need: e.need,
            limit: e.limit,
        })?;
        let required = obj(&[
            ("maxStorageBufferBindingSize", (limits.max_storage_buffer_binding_size as f64).into()),
            ("maxBufferSize", (limits.max_buffer_size as f64).into()),
        ]);
        let device: GpuDevice = JsFuture::from(adapter.request_device(&obj(&[("requiredLimits", required.into())])))
            .await
            .map_err(gpu_error("requestDevice"))?
            .unchecked_into();
        let lost = Rc::new(RefCell::new(None));
        {
            let lost = lost.clone();
            let promise = device.lost();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(info) = JsFuture::from(promise).await {
                    let why = field(&info, "message").as_string().filter(|m| !m.is_empty());
                    let reason = field(&info, "reason").as_string().unwrap_or_default();
                    *lost.borrow_mut() = Some(why.unwrap_or(reason));
                }
            });
        }
        device.push_error_scope("out-of-memory");
        device.push_error_scope("validation");
        let backend = Backend::WebGpu { adapter: short, description: full, software };
        let built = Self::build(device, llama, backend, lost).await?;
        for scope in ["validation", "out-of-memory"] {
            let error = JsFuture::from(built.device.pop_error_scope()).await.map_err(gpu_error("popErrorScope"))?;
            if !error.is_null() && !error.is_undefined() {
                return Err(LocalError::Gpu(format!("setting up the model ({scope}): {}", message(&error))));
            }
        }
        Ok(built)
    }

    async fn build(
        device: GpuDevice,
        llama: &GpuLlama,
        backend: Backend,
        lost: Rc<RefCell<Option<String>>>,
    ) -> Result<LlamaGpu, LocalError> {
        let config = llama.config;
        let sizes = BufferSizes::new(&config);
        let code = format!("const CONTEXT: u32 = {}u;\n{}", config.context, include_str!("llama.wgsl"));
        let module = device.create_shader_module(&obj(&[("code", code.into())]));
        shader_errors(&module).await?;
        let entry = |binding: u32, kind: &str, dynamic: bool| {
            let buffer = obj(&[("type", kind.into()), ("hasDynamicOffset", dynamic.into())]);
            JsValue::from(obj(&[
                ("binding", binding.into()),
                ("visibility", COMPUTE.into()),
                ("buffer", buffer.into()),
            ]))
        };
        let entries = Array::new();
        for (binding, kind) in [
            (0, "read-only-storage"),
            (1, "read-only-storage"),
            (2, "storage"),
            (3, "storage"),
            (4, "storage"),
            (5, "storage"),
        ] {
            entries.push(&entry(binding, kind, false));
        }
        entries.push(&entry(6, "uniform", true));
        entries.push(&entry(7, "uniform", true));
        let group_layout = device.create_bind_group_layout(&obj(&[("entries", entries.into())]));
        let layout = device.create_pipeline_layout(&obj(&[("bindGroupLayouts", Array::of1(&group_layout).into())]));
        let mut pipelines = Vec::new();
        for kernel in Kernel::ALL {
            let entry_point = kernel.entry_point();
            let compute = obj(&[("module", module.clone()), ("entryPoint", entry_point.into())]);
            let pipeline = JsFuture::from(
                device.create_compute_pipeline_async(&obj(&[("layout", layout.clone()), ("compute", compute.into())])),
            )
            .await
            .map_err(|e| LocalError::Gpu(format!("the {entry_point} kernel did not compile: {}", message(&e))))?;
            debug_assert_eq!(kernel as usize, pipelines.len());
            pipelines.push(pipeline.unchecked_into());
        }

        let buffer = |size: u64, usage: u32| {
            device
                .create_buffer(&obj(&[("size", (size.max(16) as f64).into()), ("usage", usage.into())]))
                .map_err(gpu_error("createBuffer"))
        };
        let dispatches = llama.plan();
        let embedding = buffer(sizes.embedding, STORAGE | COPY_DST)?;
        let weights = buffer(sizes.weights, STORAGE | COPY_DST)?;
        let acts = buffer(sizes.activations, STORAGE | COPY_SRC)?;
        let quantized = buffer(sizes.quantized, STORAGE)?;
        let keys = buffer(sizes.keys, STORAGE)?;
        let values = buffer(sizes.values, STORAGE)?;
        let ops = buffer(dispatches.len() as u64 * SLOT as u64, UNIFORM | COPY_DST)?;
        let slots = buffer(config.context as u64 * SLOT as u64, UNIFORM | COPY_DST)?;
        let readback = buffer(4 * config.vocab as u64, MAP_READ_USAGE | COPY_DST)?;
        let queue = device.queue();
        for (target, words) in [(&embedding, &llama.embedding_words), (&weights, &llama.weight_words)] {
            for (i, chunk) in words.chunks(UPLOAD_WORDS).enumerate() {
                queue
                    .write_buffer_words(target, (4 * i * UPLOAD_WORDS) as f64, chunk)
                    .map_err(gpu_error("uploading the weights"))?;
            }
        }
        let mut op_words = vec![0u32; dispatches.len() * SLOT as usize / 4];
        for (i, d) in dispatches.iter().enumerate() {
            let at = i * SLOT as usize / 4;
            op_words[at..at + 8].copy_from_slice(&d.op);
        }
        queue.write_buffer_words(&ops, 0.0, &op_words).map_err(gpu_error("writing the dispatch table"))?;

        let bound = |binding: u32, buffer: &GpuBuffer, size: Option<u32>| {
            let resource = obj(&[("buffer", buffer.into())]);
            if let Some(size) = size {
                let _ = Reflect::set(&resource, &"size".into(), &size.into());
            }
            JsValue::from(obj(&[("binding", binding.into()), ("resource", resource.into())]))
        };
        let entries = Array::new();
        for (binding, buffer) in [(0, &embedding), (1, &weights), (2, &acts), (3, &quantized), (4, &keys), (5, &values)]
        {
            entries.push(&bound(binding, buffer, None));
        }
        entries.push(&bound(6, &ops, Some(32)));
        entries.push(&bound(7, &slots, Some(16)));
        let group = device.create_bind_group(&obj(&[("layout", group_layout), ("entries", entries.into())]));
        Ok(LlamaGpu {
            device,
            pipelines,
            group,
            acts,
            slots,
            readback,
            dispatches,
            backend,
            config,
            logits_offset: 4 * Acts::new(&config).logits as u64,
            pos: Cell::new(0),
            lost,
        })
    }

    /// Which adapter this runs on.
    pub fn backend(&self) -> Backend {
        self.backend.clone()
    }

    pub fn config(&self) -> &LlamaConfig {
        &self.config
    }

    /// Positions the KV cache holds.
    pub fn len(&self) -> usize {
        self.pos.get()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.get() == 0
    }

    /// Whether the browser took the device away (the engine is then of no further use).
    pub fn is_lost(&self) -> bool {
        self.lost.borrow().is_some()
    }

    /// Clears the cache, feeds `tokens` (1..=context) and returns the logits after the last.
    pub async fn prefill(&self, tokens: &[u32]) -> Result<Vec<f32>, LocalError> {
        if tokens.is_empty() || tokens.len() > self.config.context {
            let context = self.config.context;
            return Err(LocalError::Gpu(format!("a prefill takes 1 to {context} tokens, not {}", tokens.len())));
        }
        self.pos.set(0);
        self.run(tokens).await
    }

    /// Feeds one token at the next position and returns the logits after it.
    pub async fn step(&self, token: u32) -> Result<Vec<f32>, LocalError> {
        if self.pos.get() >= self.config.context {
            return Err(LocalError::Gpu("the KV cache is full".into()));
        }
        self.run(&[token]).await
    }

    async fn run(&self, tokens: &[u32]) -> Result<Vec<f32>, LocalError> {
        if let Some(why) = self.lost.borrow().clone() {
            return Err(LocalError::DeviceLost(why));
        }
        let first = self.pos.get();
        let queue = self.device.queue();
        let vocab = self.config.vocab as u32;
        let mut slot_words = vec![0u32; tokens.len() * SLOT as usize / 4];
        for (i, &t) in tokens.iter().enumerate() {
            let at = i * SLOT as usize / 4;
            slot_words[at] = t.min(vocab - 1);
            slot_words[at + 1] = (first + i) as u32;
        }
        queue
            .write_buffer_words(&self.slots, (first as u64 * SLOT as u64) as f64, &slot_words)
            .map_err(gpu_error("writing the tokens"))?;
        let bytes = 4.0 * self.config.vocab as f64;
        let chunks = tokens.len().div_ceil(TOKENS_PER_SUBMISSION);
        for chunk in 0..chunks {
            let encoder = self.device.create_command_encoder();
            let pass = encoder.begin_compute_pass();
            let from = chunk * TOKENS_PER_SUBMISSION;
            for i in from..tokens.len().min(from + TOKENS_PER_SUBMISSION) {
                let slot = ((first + i) as u32 * SLOT) as f64;
                for (j, d) in self.dispatches.iter().enumerate() {
                    pass.set_pipeline(&self.pipelines[d.kernel as usize]);
                    let offsets = Array::of2(&((j as u32 * SLOT) as f64).into(), &slot.into());
                    pass.set_bind_group_with_offsets(0, &self.group, &offsets);
                    pass.dispatch_workgroups(d.workgroups);
                }
            }
            pass.end();
            if chunk + 1 == chunks {
                encoder.copy_buffer_to_buffer(&self.acts, self.logits_offset as f64, &self.readback, 0.0, bytes);
            }
            queue.submit(&Array::of1(&encoder.finish()));
        }
        let mapped = JsFuture::from(self.readback.map_async(MAP_READ, 0.0, bytes)).await;
        if let Err(e) = mapped {
            let lost = self.lost.borrow().clone();
            return Err(match lost {
                Some(why) => LocalError::DeviceLost(why),
                None => LocalError::Gpu(format!("reading the logits back: {}", message(&e))),
            });
        }
        let range = self.readback.get_mapped_range(0.0, bytes).map_err(gpu_error("getMappedRange"))?;
        let logits = Float32Array::new(&range).to_vec();
        self.readback.unmap();
        self.pos.set(first + tokens.len());
        if logits.iter().any(|l| !l.is_finite()) {
            return Err(LocalError::Gpu("the GPU computed non-finite logits".into()));
        }
        Ok(logits)
    }
}

/// How a GPU answer failed: in the model's own code (as it would on the CPU), or on the
/// device.
#[derive(Debug, Clone, PartialEq)]
pub enum GpuRun {
    Model(String),
    Gpu(LocalError),
}

/// A GPU answer's counts (its text went to `on_piece`).
#[derive(Debug, Clone, PartialEq)]
pub struct GpuAnswer {
    pub completion_tokens: usize,
    /// `stop` said so before the model ended its turn or reached the limit.
    pub stopped: bool,
    /// `performance.now()` when the first token was chosen.
    pub first_token_at: Option<f64>,
}

fn now_ms() -> f64 {
    Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

/// SmolLM2's answer to `prompt` with the engine computing the logits and `model`'s
/// [`zg_llm::Decoder`] choosing the tokens, so it is the CPU's answer (same tokenizer,
/// sampler, limits and end of turn). `stop` is asked before each token; every piece of text
/// goes to `on_piece`, the character left unfinished at the end included.
pub async fn answer(
    engine: &LlamaGpu,
    model: &SmolLm,
    prompt: &[u32],
    sampling: Sampling,
    stop: &dyn Fn() -> bool,
    on_piece: &mut dyn FnMut(&str),
) -> Result<GpuAnswer, GpuRun> {
    let model_error = |e: zg_llm::LlmError| GpuRun::Model(e.to_string());
    let mut decoder = model.decoder(prompt, sampling).map_err(model_error)?;
    let mut logits = engine.prefill(prompt).await.map_err(GpuRun::Gpu)?;
    let mut first_token_at = None;
    let mut stopped = false;
    loop {
        if stop() {
            stopped = true;
            break;
        }
        let decoded = decoder.push(&logits).map_err(model_error)?;
        first_token_at.get_or_insert_with(now_ms);
        let Decoded::Token { piece, feed } = decoded else { break };
        if !piece.is_empty() {
            on_piece(&piece);
        }
        let Some(next) = feed else { break };
        logits = engine.step(next).await.map_err(GpuRun::Gpu)?;
    }
    let completion_tokens = decoder.completion_tokens();
    let rest = decoder.finish();
    if !rest.is_empty() {
        on_piece(&rest);
    }
    Ok(GpuAnswer { completion_tokens, stopped, first_token_at })
}
