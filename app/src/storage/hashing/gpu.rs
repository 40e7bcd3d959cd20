//! The WebGPU path: batches of complete segments are uploaded to the GPU, `keccak.wgsl`
//! computes their roots, and the tail (under a segment) is hashed on the CPU.
//!
//! web-sys 0.3's WebGPU bindings still need `--cfg=web_sys_unstable_apis` (a RUSTFLAGS
//! change for the whole build), so the few calls used here are declared below instead.
//! The first segment root of every run is also computed on the CPU: a GPU or driver that
//! hashes wrongly is caught there and the file is hashed on the CPU instead.

use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_light_client::storage::{num_chunks, FileTree, SEGMENT_CHUNKS, SEGMENT_SIZE};

use super::cpu::{self, SliceHashes};
use super::{assemble, Failure};
use crate::storage::source::FileSource;

/// Segments per dispatch (8 MiB of file).
const BATCH_SEGMENTS: u64 = 32;
/// Scratch bytes per segment: two regions of 1024 hashes, written alternately per tree level.
const SCRATCH_BYTES_PER_SEGMENT: u64 = 2 * SEGMENT_CHUNKS as u64 * 32;

const STORAGE: u32 = 0x80;
const COPY_SRC: u32 = 0x04;
const COPY_DST: u32 = 0x08;
const MAP_READ_USAGE: u32 = 0x01;
const MAP_READ: u32 = 0x01;

#[wasm_bindgen]
extern "C" {
    type Gpu;
    #[wasm_bindgen(method, js_name = requestAdapter)]
    fn request_adapter(this: &Gpu) -> Promise;

    type GpuAdapter;
    #[wasm_bindgen(method, js_name = requestDevice)]
    fn request_device(this: &GpuAdapter) -> Promise;
    #[wasm_bindgen(method, getter)]
    fn info(this: &GpuAdapter) -> JsValue;

    type GpuDevice;
    #[wasm_bindgen(method, getter)]
    fn queue(this: &GpuDevice) -> GpuQueue;
    #[wasm_bindgen(method, js_name = createShaderModule)]
    fn create_shader_module(this: &GpuDevice, descriptor: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = createComputePipelineAsync)]
    fn create_compute_pipeline_async(this: &GpuDevice, descriptor: &Object) -> Promise;
    #[wasm_bindgen(method, catch, js_name = createBuffer)]
    fn create_buffer(this: &GpuDevice, descriptor: &Object) -> Result<GpuBuffer, JsValue>;
    #[wasm_bindgen(method, js_name = createBindGroup)]
    fn create_bind_group(this: &GpuDevice, descriptor: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = createCommandEncoder)]
    fn create_command_encoder(this: &GpuDevice) -> GpuCommandEncoder;
    #[wasm_bindgen(method, js_name = pushErrorScope)]
    fn push_error_scope(this: &GpuDevice, filter: &str);
    #[wasm_bindgen(method, js_name = popErrorScope)]
    fn pop_error_scope(this: &GpuDevice) -> Promise;
    #[wasm_bindgen(method, js_name = destroy)]
    fn destroy_device(this: &GpuDevice);

    type GpuQueue;
    #[wasm_bindgen(method, catch, js_name = writeBuffer)]
    fn write_buffer(this: &GpuQueue, buffer: &GpuBuffer, offset: f64, data: &[u8]) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn submit(this: &GpuQueue, commands: &Array);

    type GpuBuffer;
    #[wasm_bindgen(method, js_name = mapAsync)]
    fn map_async(this: &GpuBuffer, mode: u32, offset: f64, size: f64) -> Promise;
    #[wasm_bindgen(method, catch, js_name = getMappedRange)]
    fn get_mapped_range(this: &GpuBuffer, offset: f64, size: f64) -> Result<ArrayBuffer, JsValue>;
    #[wasm_bindgen(method)]
    fn unmap(this: &GpuBuffer);

    type GpuPipeline;
    #[wasm_bindgen(method, js_name = getBindGroupLayout)]
    fn get_bind_group_layout(this: &GpuPipeline, index: u32) -> JsValue;

    type GpuCommandEncoder;
    #[wasm_bindgen(method, js_name = beginComputePass)]
    fn begin_compute_pass(this: &GpuCommandEncoder) -> GpuComputePass;
    #[wasm_bindgen(method, js_name = copyBufferToBuffer)]
    fn copy_buffer_to_buffer(
        this: &GpuCommandEncoder,
        src: &GpuBuffer,
        src_offset: f64,
        dst: &GpuBuffer,
        dst_offset: f64,
        size: f64,
    );
    #[wasm_bindgen(method)]
    fn finish(this: &GpuCommandEncoder) -> JsValue;

    type GpuComputePass;
    #[wasm_bindgen(method, js_name = setPipeline)]
    fn set_pipeline(this: &GpuComputePass, pipeline: &GpuPipeline);
    #[wasm_bindgen(method, js_name = setBindGroup)]
    fn set_bind_group(this: &GpuComputePass, index: u32, group: &JsValue);
    #[wasm_bindgen(method, js_name = dispatchWorkgroups)]
    fn dispatch_workgroups(this: &GpuComputePass, x: u32);
    #[wasm_bindgen(method)]
    fn end(this: &GpuComputePass);
}

fn obj(entries: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an unknown WebGPU error".into())
}

async fn wait(promise: Promise, what: &str) -> Result<JsValue, Failure> {
    JsFuture::from(promise).await.map_err(|e| Failure::Path(format!("{what}: {}", message(&e))))
}

fn path(what: &str) -> impl Fn(JsValue) -> Failure + '_ {
    move |e| Failure::Path(format!("{what}: {}", message(&e)))
}

/// A readable name for the adapter, e.g. "google swiftshader".
fn adapter_name(adapter: &GpuAdapter) -> String {
    let info = adapter.info();
    let field = |k: &str| Reflect::get(&info, &k.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let parts: Vec<String> =
        [field("vendor"), field("architecture"), field("description")].into_iter().filter(|s| !s.is_empty()).collect();
    if parts.is_empty() {
        "unnamed adapter".into()
    } else {
        parts.join(" ")
    }
}

/// The adapter's name if `navigator.gpu` gives one, else why not.
async fn adapter() -> Result<(GpuAdapter, String), String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let gpu = Reflect::get(&navigator, &"gpu".into()).unwrap_or(JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser has no WebGPU (navigator.gpu is missing)".into());
    }
    let adapter = JsFuture::from(gpu.unchecked_into::<Gpu>().request_adapter())
        .await
        .map_err(|e| format!("requestAdapter failed: {}", message(&e)))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("navigator.gpu gave no adapter (Chromium without a GPU needs --enable-unsafe-webgpu)".into());
    }
    let adapter: GpuAdapter = adapter.unchecked_into();
    let name = adapter_name(&adapter);
    Ok((adapter, name))
}

/// Whether the adapter is a software one (SwiftShader, or one the browser calls a fallback).
fn is_software(adapter: &GpuAdapter, name: &str) -> bool {
    let flag = |o: &JsValue| Reflect::get(o, &"isFallbackAdapter".into()).ok().is_some_and(|v| v.is_truthy());
    flag(&adapter.info()) || flag(adapter) || name.to_ascii_lowercase().contains("swiftshader")
}

/// Hashes on the GPU; with `software` false, a software adapter is refused (the CPU is faster).
pub(super) async fn hash(
    source: &FileSource,
    progress: &dyn Fn(u64),
    software: bool,
) -> Result<(FileTree, String), Failure> {
    let (adapter, name) = adapter().await.map_err(Failure::Path)?;
    if !software && is_software(&adapter, &name) {
        return Err(Failure::Path(format!("only a software adapter ({name}), slower than the CPU")));
    }
    let device: GpuDevice = wait(adapter.request_device(), "requestDevice").await?.unchecked_into();
    let result = run(&device, source, progress).await;
    device.destroy_device();
    result.map(|tree| (tree, name))
}

async fn run(device: &GpuDevice, source: &FileSource, progress: &dyn Fn(u64)) -> Result<FileTree, Failure> {
    device.push_error_scope("validation");
    let module = device.create_shader_module(&obj(&[("code", include_str!("keccak.wgsl").into())]));
    let compute = obj(&[("module", module), ("entryPoint", "segment_roots".into())]);
    let pipeline: GpuPipeline = wait(
        device.create_compute_pipeline_async(&obj(&[("layout", "auto".into()), ("compute", compute.into())])),
        "the keccak shader did not compile",
    )
    .await?
    .unchecked_into();

    let buffer = |size: u64, usage: u32| {
        device
            .create_buffer(&obj(&[("size", (size as f64).into()), ("usage", usage.into())]))
            .map_err(path("createBuffer"))
    };
    let data = buffer(BATCH_SEGMENTS * SEGMENT_SIZE as u64, STORAGE | COPY_DST)?;
    let scratch = buffer(BATCH_SEGMENTS * SCRATCH_BYTES_PER_SEGMENT, STORAGE)?;
    let roots = buffer(BATCH_SEGMENTS * 32, STORAGE | COPY_SRC)?;
    let readback = buffer(BATCH_SEGMENTS * 32, MAP_READ_USAGE | COPY_DST)?;
    let entry = |binding: u32, buffer: &GpuBuffer| {
        JsValue::from(obj(&[("binding", binding.into()), ("resource", obj(&[("buffer", buffer.into())]).into())]))
    };
    let group = device.create_bind_group(&obj(&[
        ("layout", pipeline.get_bind_group_layout(0)),
        ("entries", Array::of3(&entry(0, &data), &entry(1, &scratch), &entry(2, &roots)).into()),
    ]));
    let queue = device.queue();

    // Complete segments (1024 chunks, the last possibly ending inside a zero-filled chunk)
    // go to the GPU; the chunks after them are the tail.
    let full = num_chunks(source.size) / SEGMENT_CHUNKS as u64;
    let mut all_roots = Vec::with_capacity(full as usize);
    let mut first = 0;
    while first < full {
        let count = (full - first).min(BATCH_SEGMENTS);
        let start = first * SEGMENT_SIZE as u64;
        let mut bytes = source.read(start, start + count * SEGMENT_SIZE as u64).await.map_err(Failure::File)?;
        // Zero-fills the file's last chunk and overwrites the previous batch's bytes.
        bytes.resize((count * SEGMENT_SIZE as u64) as usize, 0);
        queue.write_buffer(&data, 0.0, &bytes).map_err(path("writeBuffer"))?;
        let encoder = device.create_command_encoder();
        let pass = encoder.begin_compute_pass();
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &group);
        pass.dispatch_workgroups(count as u32);
        pass.end();
        encoder.copy_buffer_to_buffer(&roots, 0.0, &readback, 0.0, (count * 32) as f64);
        queue.submit(&Array::of1(&encoder.finish()));
        wait(readback.map_async(MAP_READ, 0.0, (count * 32) as f64), "reading the roots back").await?;
        let mapped = readback.get_mapped_range(0.0, (count * 32) as f64).map_err(path("getMappedRange"))?;
        let batch = cpu::from_bytes(&Uint8Array::new(&mapped).to_vec());
        readback.unmap();
        let batch = batch.ok_or_else(|| Failure::Path("the GPU returned a partial root".into()))?;
        if first == 0 && cpu::hash_slice(&bytes[..SEGMENT_SIZE]).roots.first() != batch.first() {
            return Err(Failure::Path("the GPU computed a wrong segment root, so its results are not used".into()));
        }
        all_roots.extend(batch);
        first += count;
        progress((first * SEGMENT_SIZE as u64).min(source.size));
    }
    let error = wait(device.pop_error_scope(), "popErrorScope").await?;
    if !error.is_null() && !error.is_undefined() {
        return Err(Failure::Path(format!("WebGPU reported: {}", message(&error))));
    }
    let tail_start = full * SEGMENT_SIZE as u64;
    let tail = if tail_start < source.size {
        cpu::hash_slice(&source.read(tail_start, source.size).await.map_err(Failure::File)?).tail
    } else {
        Vec::new()
    };
    progress(source.size);
    assemble(source.size, vec![SliceHashes { roots: all_roots, tail }]).map_err(Failure::Path)
}
