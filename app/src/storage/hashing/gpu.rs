//! The WebGPU path: batches of complete segments are uploaded to the GPU, `keccak.wgsl`
//! computes their roots, and the tail (under a segment) is hashed on the CPU.
//!
//! The first segment root of every run is also computed on the CPU: a GPU or driver that
//! hashes wrongly is caught there and the file is hashed on the CPU instead.

use js_sys::{Array, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_light_client::storage::{num_chunks, FileTree, SEGMENT_CHUNKS, SEGMENT_SIZE};

use super::cpu::{self, SliceHashes};
use super::{assemble, Failure};
use crate::storage::source::FileSource;
use crate::webgpu::{
    message, obj, GpuBuffer, GpuDevice, GpuPipeline, COPY_DST, COPY_SRC, MAP_READ, MAP_READ_USAGE, STORAGE,
};

/// Segments per dispatch (8 MiB of file).
const BATCH_SEGMENTS: u64 = 32;
/// Scratch bytes per segment: two regions of 1024 hashes, written alternately per tree level.
const SCRATCH_BYTES_PER_SEGMENT: u64 = 2 * SEGMENT_CHUNKS as u64 * 32;

async fn wait(promise: Promise, what: &str) -> Result<JsValue, Failure> {
    JsFuture::from(promise).await.map_err(|e| Failure::Path(format!("{what}: {}", message(&e))))
}

fn path(what: &str) -> impl Fn(JsValue) -> Failure + '_ {
    move |e| Failure::Path(format!("{what}: {}", message(&e)))
}

/// Hashes on the GPU; with `software` false, a software adapter is refused (the CPU is faster).
pub(super) async fn hash(
    source: &FileSource,
    progress: &dyn Fn(u64),
    software: bool,
) -> Result<(FileTree, String), Failure> {
    let found = crate::webgpu::adapter().await.map_err(Failure::Path)?;
    let name = found.name;
    if !software && found.software {
        return Err(Failure::Path(format!("only a software adapter ({name}), slower than the CPU")));
    }
    let device: GpuDevice = wait(found.adapter.request_device(&Object::new()), "requestDevice").await?.unchecked_into();
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
