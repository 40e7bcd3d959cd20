//! zg-model's forward pass on WebGPU (`gpu_model.wgsl`).
//!
//! At start-up the weights go to one storage buffer (once per page: [`shared`] keeps the
//! engine), the KV cache and the activations get their own, and every dispatch's offsets
//! and sizes are written once to a uniform buffer read through dynamic offsets. A token's
//! pass is 1 + 8 × layers + 2 dispatches (embed; per layer: layer norm, QKV, KV store,
//! attention, output projection with the residual, layer norm, MLP up with GELU, MLP down
//! with the residual; final layer norm; tied LM head), all in one compute pass of one
//! submission, followed by one copy of the logits to a mappable buffer and one readback.
//! A prompt is one submission too: its tokens' passes one after another, read back once.
//! The position and token of each pass come from a second dynamic uniform (one slot per
//! position), so nothing but those slots is written between tokens.
//!
//! The WebGPU calls are `crate::webgpu`'s.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Float32Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use zg_model::Model;

use super::local::{fits, gpu_sizes, ActsLayout, Backend, GpuLimits, LocalError};
use crate::webgpu::{
    field, message, obj, GpuAdapter, GpuBuffer, GpuDevice, GpuPipeline, COMPUTE, COPY_DST, COPY_SRC, MAP_READ,
    MAP_READ_USAGE, STORAGE, UNIFORM,
};

/// Dynamic uniform offsets must be multiples of `minUniformBufferOffsetAlignment` (≤ 256).
const SLOT: u32 = 256;
const WORKGROUP: u32 = 64;

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

/// The kernels, in `gpu_model.wgsl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kernel {
    Embed,
    LayerNorm,
    Matvec,
    KvStore,
    Attention,
    Logits,
}

const KERNELS: [(Kernel, &str); 6] = [
    (Kernel::Embed, "embed"),
    (Kernel::LayerNorm, "layer_norm"),
    (Kernel::Matvec, "matvec"),
    (Kernel::KvStore, "kv_store"),
    (Kernel::Attention, "attention"),
    (Kernel::Logits, "logits"),
];

/// One dispatch of a token's pass: its kernel, its `Op` uniform and its workgroup count.
struct Dispatch {
    kernel: Kernel,
    op: [u32; 8],
    workgroups: u32,
}

fn groups(n: usize) -> u32 {
    (n as u32).div_ceil(WORKGROUP)
}

/// A token's pass as dispatches (offsets in f32; see the `Op` struct in the shader).
fn plan(model: &Model) -> Vec<Dispatch> {
    let c = model.config();
    let l = model.layout();
    let a = ActsLayout::new(c);
    let d = c.d_model;
    let u = |v: usize| v as u32;
    let mut out = vec![Dispatch {
        kernel: Kernel::Embed,
        op: [u(l.wte.start), u(l.wpe.start), 0, u(a.x), 0, u(d), 0, 0],
        workgroups: groups(d),
    }];
    let layer_norm = |g: usize, b: usize| Dispatch {
        kernel: Kernel::LayerNorm,
        op: [u(g), u(b), u(a.x), u(a.ln), u(d), u(d), 0, 0],
        workgroups: 1,
    };
    let matvec = |w: usize, b: usize, src: usize, dst: usize, n_in: usize, n_out: usize, mode: u32| Dispatch {
        kernel: Kernel::Matvec,
        op: [u(w), u(b), u(src), u(dst), u(n_in), u(n_out), mode, 0],
        workgroups: groups(n_out),
    };
    let hidden = zg_model::MLP_RATIO * d;
    for (i, b) in l.blocks.iter().enumerate() {
        let keys = i * c.context * d;
        let values = (c.layers + i) * c.context * d;
        out.push(layer_norm(b.ln1_g.start, b.ln1_b.start));
        out.push(matvec(b.w_qkv.start, b.b_qkv.start, a.ln, a.qkv, d, 3 * d, 0));
        out.push(Dispatch {
            kernel: Kernel::KvStore,
            op: [u(keys), u(values), u(a.qkv), 0, 0, u(d), 0, 0],
            workgroups: groups(d),
        });
        out.push(Dispatch {
            kernel: Kernel::Attention,
            op: [u(keys), u(values), u(a.qkv), u(a.att), u(d / c.heads), u(d), 0, u(c.heads)],
            workgroups: u(c.heads),
        });
        out.push(matvec(b.w_o.start, b.b_o.start, a.att, a.x, d, d, 2));
        out.push(layer_norm(b.ln2_g.start, b.ln2_b.start));
        out.push(matvec(b.w_fc.start, b.b_fc.start, a.ln, a.hidden, d, hidden, 1));
        out.push(matvec(b.w_fc2.start, b.b_fc2.start, a.hidden, a.x, hidden, d, 2));
    }
    out.push(layer_norm(l.lnf_g.start, l.lnf_b.start));
    out.push(Dispatch {
        kernel: Kernel::Logits,
        op: [u(l.wte.start), 0, u(a.ln), u(a.logits), u(d), u(c.vocab), 0, 0],
        workgroups: groups(c.vocab),
    });
    out
}

fn le_bytes<T: Copy>(values: &[T], to: fn(T) -> [u8; 4]) -> Vec<u8> {
    values.iter().flat_map(|&v| to(v)).collect()
}

fn limits_of(adapter: &GpuAdapter) -> GpuLimits {
    let limits = adapter.limits();
    let n = |k: &str, default: u64| field(&limits, k).as_f64().map_or(default, |v| v as u64);
    GpuLimits {
        max_storage_buffer_binding_size: n("maxStorageBufferBindingSize", 128 << 20),
        max_buffer_size: n("maxBufferSize", 256 << 20),
        max_compute_workgroup_storage_size: n("maxComputeWorkgroupStorageSize", 16384),
    }
}

/// The model on one WebGPU device.
pub struct GpuModel {
    device: GpuDevice,
    /// In `KERNELS` order, so `Kernel as usize` indexes it.
    pipelines: Vec<GpuPipeline>,
    group: JsValue,
    acts: GpuBuffer,
    slots: GpuBuffer,
    readback: GpuBuffer,
    dispatches: Vec<Dispatch>,
    backend: Backend,
    logits_offset: u64,
    vocab: usize,
    context: usize,
    /// Positions the KV cache holds.
    pos: Cell<usize>,
    /// Set when the browser reports the device lost.
    lost: Rc<RefCell<Option<String>>>,
}

impl Drop for GpuModel {
    fn drop(&mut self) {
        self.device.destroy_device();
    }
}

thread_local!(static SHARED: RefCell<Option<Rc<GpuModel>>> = const { RefCell::new(None) });

/// The page's engine for `model`: made on first use (adapter, device, weights uploaded),
/// then reused. A lost device is replaced by a fresh one on the next call. Without
/// `allow_software`, a software adapter is [`LocalError::NoAdapter`].
pub async fn shared(model: &Model, allow_software: bool) -> Result<Rc<GpuModel>, LocalError> {
    if let Some(gpu) = SHARED.with(|s| s.borrow().clone()) {
        if gpu.lost.borrow().is_none() {
            if let (Backend::WebGpu { adapter, software: true, .. }, false) = (&gpu.backend, allow_software) {
                return Err(software_only(adapter));
            }
            return Ok(gpu);
        }
    }
    let gpu = Rc::new(GpuModel::open(model, allow_software).await?);
    SHARED.with(|s| *s.borrow_mut() = Some(gpu.clone()));
    Ok(gpu)
}

/// Drops the shared engine (after a failure), so the next run starts a fresh device.
pub fn forget() {
    SHARED.with(|s| s.borrow_mut().take());
}

fn software_only(adapter: &str) -> LocalError {
    LocalError::NoAdapter(format!(
        "the only WebGPU adapter is a software one ({adapter}), which emulates a GPU on the CPU and is slower than running on the CPU directly"
    ))
}

impl GpuModel {
    /// Opens the adapter and a device, checks the model fits its limits, compiles the
    /// kernels and uploads the weights. A software adapter is refused unless
    /// `allow_software`.
    pub async fn open(model: &Model, allow_software: bool) -> Result<GpuModel, LocalError> {
        let crate::webgpu::Adapter { adapter, name: full, short, software } =
            crate::webgpu::adapter().await.map_err(LocalError::NoAdapter)?;
        if software && !allow_software {
            return Err(software_only(&short));
        }
        let limits = limits_of(&adapter);
        let config = *model.config();
        fits(&config, &limits, &short)?;
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
        let built = Self::build(device, model, backend, lost).await?;
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
        model: &Model,
        backend: Backend,
        lost: Rc<RefCell<Option<String>>>,
    ) -> Result<GpuModel, LocalError> {
        let config = *model.config();
        let (params_bytes, kv_bytes, acts_bytes, _) = gpu_sizes(&config);
        let code = format!("const CONTEXT: u32 = {}u;\n{}", config.context, include_str!("gpu_model.wgsl"));
        let module = device.create_shader_module(&obj(&[("code", code.into())]));
        shader_errors(&module).await?;
        let storage = |kind: &str| obj(&[("type", kind.into())]);
        let entry = |binding: u32, buffer: Object| {
            JsValue::from(obj(&[
                ("binding", binding.into()),
                ("visibility", COMPUTE.into()),
                ("buffer", buffer.into()),
            ]))
        };
        let dynamic = || obj(&[("type", "uniform".into()), ("hasDynamicOffset", true.into())]);
        let entries = Array::new();
        entries.push(&entry(0, storage("read-only-storage")));
        entries.push(&entry(1, storage("storage")));
        entries.push(&entry(2, storage("storage")));
        entries.push(&entry(3, dynamic()));
        entries.push(&entry(4, dynamic()));
        let group_layout = device.create_bind_group_layout(&obj(&[("entries", entries.into())]));
        let layout = device.create_pipeline_layout(&obj(&[("bindGroupLayouts", Array::of1(&group_layout).into())]));
        let mut pipelines = Vec::new();
        for (kernel, entry_point) in KERNELS {
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
        let dispatches = plan(model);
        let params = buffer(params_bytes, STORAGE | COPY_DST)?;
        let acts = buffer(acts_bytes, STORAGE | COPY_SRC)?;
        let kv = buffer(kv_bytes, STORAGE)?;
        let ops = buffer(dispatches.len() as u64 * SLOT as u64, UNIFORM | COPY_DST)?;
        let slots = buffer(config.context as u64 * SLOT as u64, UNIFORM | COPY_DST)?;
        let readback = buffer(4 * config.vocab as u64, MAP_READ_USAGE | COPY_DST)?;
        let queue = device.queue();
        queue
            .write_buffer(&params, 0.0, &le_bytes(model.params(), f32::to_le_bytes))
            .map_err(gpu_error("uploading the weights"))?;
        let mut op_bytes = vec![0u8; dispatches.len() * SLOT as usize];
        for (i, d) in dispatches.iter().enumerate() {
            let at = i * SLOT as usize;
            op_bytes[at..at + 32].copy_from_slice(&le_bytes(&d.op, u32::to_le_bytes));
        }
        queue.write_buffer(&ops, 0.0, &op_bytes).map_err(gpu_error("writing the dispatch table"))?;

        let bound = |binding: u32, buffer: &GpuBuffer, size: Option<u32>| {
            let resource = obj(&[("buffer", buffer.into())]);
            if let Some(size) = size {
                let _ = Reflect::set(&resource, &"size".into(), &size.into());
            }
            JsValue::from(obj(&[("binding", binding.into()), ("resource", resource.into())]))
        };
        let entries = Array::new();
        entries.push(&bound(0, &params, None));
        entries.push(&bound(1, &acts, None));
        entries.push(&bound(2, &kv, None));
        entries.push(&bound(3, &ops, Some(32)));
        entries.push(&bound(4, &slots, Some(16)));
        let group = device.create_bind_group(&obj(&[("layout", group_layout), ("entries", entries.into())]));
        Ok(GpuModel {
            device,
            pipelines,
            group,
            acts,
            slots,
            readback,
            dispatches,
            backend,
            logits_offset: 4 * ActsLayout::new(&config).logits as u64,
            vocab: config.vocab,
            context: config.context,
            pos: Cell::new(0),
            lost,
        })
    }

    /// Which adapter this runs on.
    pub fn backend(&self) -> Backend {
        self.backend.clone()
    }

    /// Positions the KV cache holds.
    pub fn len(&self) -> usize {
        self.pos.get()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.get() == 0
    }

    /// Clears the cache, feeds `tokens` (1..=context) and returns the logits after the last:
    /// one submission, one readback.
    pub async fn prefill(&self, tokens: &[u32]) -> Result<Vec<f32>, LocalError> {
        if tokens.is_empty() || tokens.len() > self.context {
            return Err(LocalError::Gpu(format!("a prefill takes 1 to {} tokens, not {}", self.context, tokens.len())));
        }
        self.pos.set(0);
        self.run(tokens).await
    }

    /// Feeds one token at the next position and returns the logits after it.
    pub async fn step(&self, token: u32) -> Result<Vec<f32>, LocalError> {
        if self.pos.get() >= self.context {
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
        let mut slot_bytes = vec![0u8; tokens.len() * SLOT as usize];
        for (i, &t) in tokens.iter().enumerate() {
            let at = i * SLOT as usize;
            let token = t.min(self.vocab as u32 - 1);
            slot_bytes[at..at + 4].copy_from_slice(&token.to_le_bytes());
            slot_bytes[at + 4..at + 8].copy_from_slice(&((first + i) as u32).to_le_bytes());
        }
        queue
            .write_buffer(&self.slots, (first as u64 * SLOT as u64) as f64, &slot_bytes)
            .map_err(gpu_error("writing the token"))?;
        let encoder = self.device.create_command_encoder();
        let pass = encoder.begin_compute_pass();
        for i in 0..tokens.len() {
            let slot = ((first + i) as u32 * SLOT) as f64;
            for (j, d) in self.dispatches.iter().enumerate() {
                pass.set_pipeline(&self.pipelines[d.kernel as usize]);
                let offsets = Array::of2(&((j as u32 * SLOT) as f64).into(), &slot.into());
                pass.set_bind_group_with_offsets(0, &self.group, &offsets);
                pass.dispatch_workgroups(d.workgroups);
            }
        }
        pass.end();
        let bytes = 4.0 * self.vocab as f64;
        encoder.copy_buffer_to_buffer(&self.acts, self.logits_offset as f64, &self.readback, 0.0, bytes);
        queue.submit(&Array::of1(&encoder.finish()));
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
