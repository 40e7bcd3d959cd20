//! The few WebGPU calls zg-console makes (storage hashing, local inference in the LLM
//! worker), and finding the adapter from whichever global scope the code runs in.
//!
//! web-sys 0.3's WebGPU bindings still need `--cfg=web_sys_unstable_apis` (a RUSTFLAGS
//! change for the whole build), so the calls used are declared here instead. Descriptors
//! are plain objects made with [`obj`].

use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// `GPUBufferUsage` and `GPUMapMode` flags, and `GPUShaderStage.COMPUTE`.
pub const STORAGE: u32 = 0x80;
pub const UNIFORM: u32 = 0x40;
pub const COPY_SRC: u32 = 0x04;
pub const COPY_DST: u32 = 0x08;
pub const MAP_READ_USAGE: u32 = 0x01;
pub const MAP_READ: u32 = 0x01;
pub const COMPUTE: u32 = 0x4;

#[wasm_bindgen]
extern "C" {
    pub type Gpu;
    #[wasm_bindgen(method, js_name = requestAdapter)]
    pub fn request_adapter(this: &Gpu) -> Promise;

    pub type GpuAdapter;
    #[wasm_bindgen(method, js_name = requestDevice)]
    pub fn request_device(this: &GpuAdapter, descriptor: &Object) -> Promise;
    #[wasm_bindgen(method, getter)]
    pub fn info(this: &GpuAdapter) -> JsValue;
    #[wasm_bindgen(method, getter)]
    pub fn limits(this: &GpuAdapter) -> JsValue;

    pub type GpuDevice;
    #[wasm_bindgen(method, getter)]
    pub fn queue(this: &GpuDevice) -> GpuQueue;
    #[wasm_bindgen(method, getter)]
    pub fn lost(this: &GpuDevice) -> Promise;
    #[wasm_bindgen(method, js_name = createShaderModule)]
    pub fn create_shader_module(this: &GpuDevice, descriptor: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = createComputePipelineAsync)]
    pub fn create_compute_pipeline_async(this: &GpuDevice, descriptor: &Object) -> Promise;
    #[wasm_bindgen(method, catch, js_name = createBuffer)]
    pub fn create_buffer(this: &GpuDevice, descriptor: &Object) -> Result<GpuBuffer, JsValue>;
    #[wasm_bindgen(method, js_name = createBindGroup)]
    pub fn create_bind_group(this: &GpuDevice, descriptor: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = createBindGroupLayout)]
    pub fn create_bind_group_layout(this: &GpuDevice, descriptor: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = createPipelineLayout)]
    pub fn create_pipeline_layout(this: &GpuDevice, descriptor: &Object) -> JsValue;
    #[wasm_bindgen(method, js_name = createCommandEncoder)]
    pub fn create_command_encoder(this: &GpuDevice) -> GpuCommandEncoder;
    #[wasm_bindgen(method, js_name = pushErrorScope)]
    pub fn push_error_scope(this: &GpuDevice, filter: &str);
    #[wasm_bindgen(method, js_name = popErrorScope)]
    pub fn pop_error_scope(this: &GpuDevice) -> Promise;
    #[wasm_bindgen(method, js_name = destroy)]
    pub fn destroy_device(this: &GpuDevice);

    pub type GpuQueue;
    #[wasm_bindgen(method, catch, js_name = writeBuffer)]
    pub fn write_buffer(this: &GpuQueue, buffer: &GpuBuffer, offset: f64, data: &[u8]) -> Result<(), JsValue>;
    /// The words as a `Uint32Array` view of wasm memory: no byte copy on our side.
    #[wasm_bindgen(method, catch, js_name = writeBuffer)]
    pub fn write_buffer_words(this: &GpuQueue, buffer: &GpuBuffer, offset: f64, data: &[u32]) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    pub fn submit(this: &GpuQueue, commands: &Array);

    pub type GpuBuffer;
    #[wasm_bindgen(method, js_name = mapAsync)]
    pub fn map_async(this: &GpuBuffer, mode: u32, offset: f64, size: f64) -> Promise;
    #[wasm_bindgen(method, catch, js_name = getMappedRange)]
    pub fn get_mapped_range(this: &GpuBuffer, offset: f64, size: f64) -> Result<ArrayBuffer, JsValue>;
    #[wasm_bindgen(method)]
    pub fn unmap(this: &GpuBuffer);

    pub type GpuPipeline;
    #[wasm_bindgen(method, js_name = getBindGroupLayout)]
    pub fn get_bind_group_layout(this: &GpuPipeline, index: u32) -> JsValue;

    pub type GpuCommandEncoder;
    #[wasm_bindgen(method, js_name = beginComputePass)]
    pub fn begin_compute_pass(this: &GpuCommandEncoder) -> GpuComputePass;
    #[wasm_bindgen(method, js_name = copyBufferToBuffer)]
    pub fn copy_buffer_to_buffer(
        this: &GpuCommandEncoder,
        src: &GpuBuffer,
        src_offset: f64,
        dst: &GpuBuffer,
        dst_offset: f64,
        size: f64,
    );
    #[wasm_bindgen(method)]
    pub fn finish(this: &GpuCommandEncoder) -> JsValue;

    pub type GpuComputePass;
    #[wasm_bindgen(method, js_name = setPipeline)]
    pub fn set_pipeline(this: &GpuComputePass, pipeline: &GpuPipeline);
    #[wasm_bindgen(method, js_name = setBindGroup)]
    pub fn set_bind_group(this: &GpuComputePass, index: u32, group: &JsValue);
    #[wasm_bindgen(method, js_name = setBindGroup)]
    pub fn set_bind_group_with_offsets(this: &GpuComputePass, index: u32, group: &JsValue, dynamic_offsets: &Array);
    #[wasm_bindgen(method, js_name = dispatchWorkgroups)]
    pub fn dispatch_workgroups(this: &GpuComputePass, x: u32);
    #[wasm_bindgen(method)]
    pub fn end(this: &GpuComputePass);
}

/// A descriptor: a plain object with these fields.
pub fn obj(entries: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in entries {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

/// `o[k]`, undefined when absent.
pub fn field(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A WebGPU error's message (an `Error`, a `GPUError`, or a string).
pub fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| field(e, "message").as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an unknown WebGPU error".into())
}

/// The browser's WebGPU adapter and what it says about itself.
pub struct Adapter {
    pub adapter: GpuAdapter,
    /// Everything the browser names, e.g. "google swiftshader".
    pub name: String,
    /// The most specific single name, e.g. "swiftshader", for badges.
    pub short: String,
    /// A CPU emulation (SwiftShader, or an adapter the browser calls a fallback).
    pub software: bool,
}

/// `navigator.gpu`'s adapter, or why there is none. The navigator is the global scope's,
/// so this works on a page and in a dedicated worker (`WorkerNavigator.gpu`) alike.
pub async fn adapter() -> Result<Adapter, String> {
    let navigator = field(&js_sys::global(), "navigator");
    if navigator.is_undefined() || navigator.is_null() {
        return Err("this scope has no navigator".into());
    }
    let gpu = field(&navigator, "gpu");
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
    let info = adapter.info();
    let text = |k: &str| field(&info, k).as_string().unwrap_or_default();
    let (vendor, architecture, description) = (text("vendor"), text("architecture"), text("description"));
    let parts: Vec<&str> =
        [vendor.as_str(), architecture.as_str(), description.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
    let name = if parts.is_empty() { "unnamed adapter".to_string() } else { parts.join(" ") };
    let short = [&architecture, &description, &vendor]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| "unnamed adapter".into());
    let software = field(&info, "isFallbackAdapter").is_truthy()
        || field(&adapter, "isFallbackAdapter").is_truthy()
        || name.to_ascii_lowercase().contains("swiftshader");
    Ok(Adapter { adapter, name, short, software })
}
