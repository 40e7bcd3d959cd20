//! SmolLM2's llama laid out for a GPU: the pure half of the WebGPU engine (the app's
//! `compute::gpu` drives the kernels). It reads the GGUF into the words the kernels read,
//! says where every tensor and activation lives, plans a token's dispatches, and checks
//! a model against an adapter's limits before anything is uploaded. Nothing here touches
//! a browser, so all of it is tested natively.
//!
//! The math is candle's `quantized_llama`, which the kernels follow step by step so the
//! two agree to float rounding: Q8_0 matrices (Q4_1 ones requantized as [`requantize`]
//! does) multiplied by the activations quantized to Q8_0 too (candle's CPU mat-vec does
//! that, and rounding the activations differently would cost far more than float
//! rounding), RMSNorm, interleaved rotary embeddings (`rope_i`, GGUF's llama) from tables
//! computed as candle computes them, grouped-query attention over a KV cache, SwiGLU and
//! the tied LM head.
//!
//! [`requantize`]: crate::model::requantize

use std::io::Cursor;

use candle_core::quantized::gguf_file::Content;
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::Device;

/// Values per Q8_0 block, each block with its own scale.
pub const BLOCK: usize = 32;
/// Every tensor starts on a multiple of this many words (and is padded to one): the
/// kernels read the weights as `vec4<u32>`, a block's eight words in two loads.
pub const ALIGN: usize = 4;

fn aligned(words: usize) -> usize {
    words.div_ceil(ALIGN) * ALIGN
}

/// Pads `words` to the next tensor's alignment.
fn pad(words: &mut Vec<u32>) {
    words.resize(aligned(words.len()), 0);
}
/// Threads per workgroup in every kernel.
pub const WORKGROUP: u32 = 64;

/// Why a GGUF cannot be laid out for the GPU.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LayoutError {
    #[error("the model file could not be read for the GPU: {0}")]
    Read(String),
    #[error("the model file has no `{0}`, which a llama needs")]
    Missing(String),
    #[error("the model's {tensor} is {dtype}, which the GPU kernels do not read (only Q8_0 and Q4_1 matrices)")]
    Unsupported { tensor: String, dtype: String },
    #[error("the model's shape does not suit the GPU kernels: {0}")]
    Shape(String),
}

/// The llama's hyper-parameters, from the GGUF's metadata and tensor shapes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LlamaConfig {
    pub vocab: usize,
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
    pub ffn: usize,
    pub rope_base: f32,
    pub rms_eps: f32,
    /// Positions the KV cache holds (prompt and answer together).
    pub context: usize,
}

impl LlamaConfig {
    /// Reads the config as candle's `ModelWeights::from_gguf` does (the same keys, the same
    /// defaults), with `context` positions of KV cache.
    pub fn from_gguf(content: &Content, context: usize) -> Result<LlamaConfig, LayoutError> {
        let get = |key: &str| content.metadata.get(key).ok_or_else(|| LayoutError::Missing(key.into()));
        let uint = |key: &str| -> Result<usize, LayoutError> {
            get(key)?.to_u32().map(|v| v as usize).map_err(|e| LayoutError::Read(format!("{key}: {e}")))
        };
        let heads = uint("llama.attention.head_count")?;
        let kv_heads = uint("llama.attention.head_count_kv")?;
        let hidden = uint("llama.embedding_length")?;
        let layers = uint("llama.block_count")?;
        let rope_dim = uint("llama.rope.dimension_count")?;
        let rms_eps = get("llama.attention.layer_norm_rms_epsilon")?
            .to_f32()
            .map_err(|e| LayoutError::Read(format!("layer_norm_rms_epsilon: {e}")))?;
        let rope_base = content.metadata.get("llama.rope.freq_base").and_then(|v| v.to_f32().ok()).unwrap_or(10000.0);
        let experts = content.metadata.get("llama.expert_count").and_then(|v| v.to_u32().ok()).unwrap_or(0);
        if experts > 1 {
            return Err(LayoutError::Shape(format!("a mixture of {experts} experts")));
        }
        let dims = |name: &str| {
            content
                .tensor_infos
                .get(name)
                .map(|t| t.shape.dims().to_vec())
                .ok_or_else(|| LayoutError::Missing(name.into()))
        };
        let vocab = dims("token_embd.weight")?[0];
        let ffn = dims("blk.0.ffn_up.weight")?[0];
        if heads == 0 || kv_heads == 0 || hidden % heads != 0 || heads % kv_heads != 0 {
            return Err(LayoutError::Shape(format!("{heads} heads, {kv_heads} KV heads, width {hidden}")));
        }
        let head_dim = hidden / heads;
        if rope_dim != head_dim || head_dim % 2 != 0 {
            return Err(LayoutError::Shape(format!("rotary dimension {rope_dim} for heads of {head_dim}")));
        }
        if hidden % BLOCK != 0 || ffn % BLOCK != 0 {
            return Err(LayoutError::Shape(format!("widths {hidden} and {ffn} are not multiples of {BLOCK}")));
        }
        if context == 0 {
            return Err(LayoutError::Shape("a context of no positions".into()));
        }
        Ok(LlamaConfig { vocab, hidden, layers, heads, kv_heads, head_dim, ffn, rope_base, rms_eps, context })
    }

    pub fn kv_dim(&self) -> usize {
        self.kv_heads * self.head_dim
    }
}

/// A Q8_0 matrix in a word buffer: `rows × cols / 4` words of four int8 quants each (row
/// by row, little-endian), then `rows × cols / 32` f32 block scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matrix {
    pub quants: u32,
    pub scales: u32,
    pub rows: u32,
    pub cols: u32,
}

/// One transformer block's tensors in the weights buffer (norms as f32 words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerTensors {
    pub attn_norm: u32,
    pub ffn_norm: u32,
    pub q: Matrix,
    pub k: Matrix,
    pub v: Matrix,
    pub o: Matrix,
    pub gate: Matrix,
    pub up: Matrix,
    pub down: Matrix,
}

/// Offsets (in f32) of the activations inside one buffer. `q`, `k` and `v` are adjacent:
/// the rotary kernel walks them as one range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acts {
    pub x: u32,
    pub normed: u32,
    pub q: u32,
    pub k: u32,
    pub v: u32,
    pub att: u32,
    pub gate: u32,
    pub logits: u32,
    /// Attention weights, `context` per head.
    pub scores: u32,
    pub total: u32,
}

impl Acts {
    pub fn new(c: &LlamaConfig) -> Acts {
        let u = |v: usize| v as u32;
        let x = 0;
        let normed = x + u(c.hidden);
        let q = normed + u(c.hidden);
        let k = q + u(c.hidden);
        let v = k + u(c.kv_dim());
        let att = v + u(c.kv_dim());
        let gate = att + u(c.hidden);
        let logits = gate + u(c.ffn);
        let scores = logits + u(c.vocab);
        let total = scores + u(c.heads * c.context);
        Acts { x, normed, q, k, v, att, gate, logits, scores, total }
    }
}

/// The quantized activation buffer: quants of the widest input, then its block scales.
pub fn quantized_scales_offset(c: &LlamaConfig) -> u32 {
    (c.hidden.max(c.ffn) / 4) as u32
}

/// Bytes of every buffer the engine makes, by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferSizes {
    pub embedding: u64,
    pub weights: u64,
    pub keys: u64,
    pub values: u64,
    pub activations: u64,
    pub quantized: u64,
}

impl BufferSizes {
    pub fn new(c: &LlamaConfig) -> BufferSizes {
        let matrix = |rows: usize, cols: usize| 4 * (aligned(rows * cols / 4) + aligned(rows * cols / BLOCK)) as u64;
        let (h, kv, f) = (c.hidden, c.kv_dim(), c.ffn);
        let vector = 4 * aligned(h) as u64;
        let layer = 2 * vector + 2 * matrix(h, h) + 2 * matrix(kv, h) + 3 * matrix(f, h);
        let rope = 4 * aligned(c.context * c.head_dim) as u64;
        let cache = 4 * (c.layers * c.context * kv) as u64;
        let widest = h.max(f);
        BufferSizes {
            embedding: matrix(c.vocab, h),
            weights: c.layers as u64 * layer + vector + rope,
            keys: cache,
            values: cache,
            activations: 4 * Acts::new(c).total as u64,
            quantized: 4 * (widest / 4 + aligned(widest / BLOCK)) as u64,
        }
    }

    fn named(&self) -> [(&'static str, u64); 6] {
        [
            ("token embeddings", self.embedding),
            ("layer weights", self.weights),
            ("attention keys", self.keys),
            ("attention values", self.values),
            ("activations", self.activations),
            ("quantized activations", self.quantized),
        ]
    }
}

/// What an adapter allows, from its `limits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuLimits {
    pub max_storage_buffer_binding_size: u64,
    pub max_buffer_size: u64,
    pub max_compute_workgroups_per_dimension: u64,
}

/// A model that does not fit an adapter: the first thing that does not, and by how much.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the model's {what} need {need} bytes in one GPU buffer and this adapter allows {limit}")]
pub struct TooLarge {
    pub what: &'static str,
    pub need: u64,
    pub limit: u64,
}

/// Whether a model of this shape fits a device with these limits (every buffer within
/// both the binding and the buffer limits, every dispatch within the workgroup count).
pub fn fits(c: &LlamaConfig, limits: &GpuLimits) -> Result<(), TooLarge> {
    let most = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
    for (what, need) in BufferSizes::new(c).named() {
        if need > most {
            return Err(TooLarge { what, need, limit: most });
        }
    }
    let widest = c.vocab.max(c.ffn).max(c.hidden) as u64;
    let groups = widest.div_ceil(WORKGROUP as u64);
    if groups > limits.max_compute_workgroups_per_dimension {
        return Err(TooLarge {
            what: "output rows (in workgroups)",
            need: groups,
            limit: limits.max_compute_workgroups_per_dimension,
        });
    }
    Ok(())
}

/// The model in the words the kernels read: the token embeddings (also the LM head) in
/// one buffer, everything else in another, so neither nears the 128 MiB binding every
/// adapter allows for SmolLM2.
#[derive(Debug, Clone)]
pub struct GpuLlama {
    pub config: LlamaConfig,
    pub embedding: Matrix,
    pub embedding_words: Vec<u32>,
    pub layers: Vec<LayerTensors>,
    pub output_norm: u32,
    /// Per position, `head_dim / 2` cosines then as many sines.
    pub rope: u32,
    pub weight_words: Vec<u32>,
}

fn read_err(e: candle_core::Error) -> LayoutError {
    LayoutError::Read(e.to_string())
}

/// Appends a Q8_0 matrix (converted from Q4_1 as `requantize` converts it) and returns
/// where it went.
fn push_matrix(words: &mut Vec<u32>, name: &str, tensor: QTensor) -> Result<Matrix, LayoutError> {
    let tensor = match tensor.dtype() {
        GgmlDType::Q8_0 => tensor,
        GgmlDType::Q4_1 => {
            QTensor::quantize(&tensor.dequantize(&Device::Cpu).map_err(read_err)?, GgmlDType::Q8_0).map_err(read_err)?
        }
        other => return Err(LayoutError::Unsupported { tensor: name.into(), dtype: format!("{other:?}") }),
    };
    let (rows, cols) = tensor.shape().dims2().map_err(read_err)?;
    let data = tensor.data().map_err(read_err)?;
    // A Q8_0 block: an f16 scale, then 32 int8 quants.
    let blocks = data.chunks_exact(2 + BLOCK);
    pad(words);
    let quants = words.len() as u32;
    let mut scales = Vec::with_capacity(rows * cols / BLOCK);
    for block in blocks {
        scales.push(half::f16::from_le_bytes([block[0], block[1]]).to_f32().to_bits());
        words.extend(block[2..].chunks_exact(4).map(|q| u32::from_le_bytes([q[0], q[1], q[2], q[3]])));
    }
    if scales.len() != rows * cols / BLOCK {
        return Err(LayoutError::Read(format!("{name} holds {} blocks, not {}", scales.len(), rows * cols / BLOCK)));
    }
    pad(words);
    let scales_at = words.len() as u32;
    words.extend(scales);
    pad(words);
    Ok(Matrix { quants, scales: scales_at, rows: rows as u32, cols: cols as u32 })
}

fn push_vector(words: &mut Vec<u32>, tensor: QTensor, len: usize, name: &str) -> Result<u32, LayoutError> {
    let values = tensor.dequantize(&Device::Cpu).and_then(|t| t.to_vec1::<f32>()).map_err(read_err)?;
    if values.len() != len {
        return Err(LayoutError::Shape(format!("{name} has {} values, not {len}", values.len())));
    }
    pad(words);
    let at = words.len() as u32;
    words.extend(values.iter().map(|v| v.to_bits()));
    pad(words);
    Ok(at)
}

/// candle's rotary tables (`precomput_freqs_cis`): θᵢ = 1 / base^(2i/d) in f32, the angle
/// position × θᵢ in f32, then its cosine and sine.
pub fn rope_table(c: &LlamaConfig) -> Vec<f32> {
    let theta: Vec<f32> =
        (0..c.head_dim).step_by(2).map(|i| 1f32 / c.rope_base.powf(i as f32 / c.head_dim as f32)).collect();
    let mut table = Vec::with_capacity(c.context * c.head_dim);
    for pos in 0..c.context {
        let angles: Vec<f32> = theta.iter().map(|t| pos as f32 * t).collect();
        table.extend(angles.iter().map(|a| a.cos()));
        table.extend(angles.iter().map(|a| a.sin()));
    }
    table
}

impl GpuLlama {
    /// Lays out a GGUF (SmolLM2's file as downloaded, or one already requantized) with
    /// `context` positions of KV cache.
    pub fn from_gguf(bytes: &[u8], context: usize) -> Result<GpuLlama, LayoutError> {
        let mut reader = Cursor::new(bytes);
        let content = Content::read(&mut reader).map_err(read_err)?;
        let config = LlamaConfig::from_gguf(&content, context)?;
        let mut tensor = |name: &str| {
            if !content.tensor_infos.contains_key(name) {
                return Err(LayoutError::Missing(name.into()));
            }
            content.tensor(&mut reader, name, &Device::Cpu).map_err(read_err)
        };
        let mut embedding_words = Vec::new();
        let embedding = push_matrix(&mut embedding_words, "token_embd.weight", tensor("token_embd.weight")?)?;
        let sizes = BufferSizes::new(&config);
        let mut words = Vec::with_capacity((sizes.weights / 4) as usize);
        let mut layers = Vec::with_capacity(config.layers);
        for l in 0..config.layers {
            let name = |n: &str| format!("blk.{l}.{n}.weight");
            let mut matrix = |n: &str, words: &mut Vec<u32>, rows: usize, cols: usize| {
                let full = name(n);
                let m = push_matrix(words, &full, tensor(&full)?)?;
                if (m.rows as usize, m.cols as usize) != (rows, cols) {
                    return Err(LayoutError::Shape(format!("{full} is {}×{}, not {rows}×{cols}", m.rows, m.cols)));
                }
                Ok(m)
            };
            let (h, kv, f) = (config.hidden, config.kv_dim(), config.ffn);
            let q = matrix("attn_q", &mut words, h, h)?;
            let k = matrix("attn_k", &mut words, kv, h)?;
            let v = matrix("attn_v", &mut words, kv, h)?;
            let o = matrix("attn_output", &mut words, h, h)?;
            let gate = matrix("ffn_gate", &mut words, f, h)?;
            let up = matrix("ffn_up", &mut words, f, h)?;
            let down = matrix("ffn_down", &mut words, h, f)?;
            let attn_norm = push_vector(&mut words, tensor(&name("attn_norm"))?, h, &name("attn_norm"))?;
            let ffn_norm = push_vector(&mut words, tensor(&name("ffn_norm"))?, h, &name("ffn_norm"))?;
            layers.push(LayerTensors { attn_norm, ffn_norm, q, k, v, o, gate, up, down });
        }
        if content.tensor_infos.contains_key("output.weight") {
            // candle would use a separate head; SmolLM2 ties it to the embeddings.
            return Err(LayoutError::Shape("an untied output matrix".into()));
        }
        let output_norm = push_vector(&mut words, tensor("output_norm.weight")?, config.hidden, "output_norm")?;
        pad(&mut words);
        let rope = words.len() as u32;
        words.extend(rope_table(&config).iter().map(|v| v.to_bits()));
        pad(&mut words);
        if embedding.rows as usize != config.vocab || embedding.cols as usize != config.hidden {
            return Err(LayoutError::Shape(format!("token embeddings {}×{}", embedding.rows, embedding.cols)));
        }
        Ok(GpuLlama { config, embedding, embedding_words, layers, output_norm, rope, weight_words: words })
    }
}

/// The kernels (entry points of the app's `llama.wgsl`, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Embed,
    RmsNorm,
    Quantize,
    Matvec,
    LmHead,
    RopeStore,
    Attention,
}

impl Kernel {
    pub const ALL: [Kernel; 7] = [
        Kernel::Embed,
        Kernel::RmsNorm,
        Kernel::Quantize,
        Kernel::Matvec,
        Kernel::LmHead,
        Kernel::RopeStore,
        Kernel::Attention,
    ];

    pub fn entry_point(self) -> &'static str {
        match self {
            Kernel::Embed => "embed",
            Kernel::RmsNorm => "rms_norm",
            Kernel::Quantize => "quantize",
            Kernel::Matvec => "matvec",
            Kernel::LmHead => "lm_head",
            Kernel::RopeStore => "rope_store",
            Kernel::Attention => "attention",
        }
    }
}

/// What a mat-vec does with its result (the shader's `op.mode`).
pub mod mode {
    pub const WRITE: u32 = 0;
    /// Adds to the output (the residual stream).
    pub const ADD: u32 = 1;
    /// Writes silu(gate) × result, gate read at `op.extra` (SwiGLU).
    pub const SWIGLU: u32 = 2;
}

/// One dispatch of a token's pass: its kernel, its `Op` uniform (see the shader) and its
/// workgroup count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatch {
    pub kernel: Kernel,
    pub op: [u32; 8],
    pub workgroups: u32,
}

fn groups(n: usize) -> u32 {
    (n as u32).div_ceil(WORKGROUP)
}

impl GpuLlama {
    /// A token's pass as dispatches: embed; per layer RMSNorm, quantize, Q, K, V, rotary +
    /// cache store, attention, quantize, output projection onto the residual, RMSNorm,
    /// quantize, gate, up with SwiGLU, quantize, down onto the residual; final RMSNorm,
    /// quantize, LM head.
    pub fn plan(&self) -> Vec<Dispatch> {
        let c = &self.config;
        let a = Acts::new(c);
        let u = |v: usize| v as u32;
        let xq_scales = quantized_scales_offset(c);
        let eps = c.rms_eps.to_bits();
        let mut out = vec![Dispatch {
            kernel: Kernel::Embed,
            op: [self.embedding.quants, self.embedding.scales, 0, a.x, 0, u(c.hidden), 0, 0],
            workgroups: groups(c.hidden),
        }];
        let norm = |weight: u32, src: u32, dst: u32| Dispatch {
            kernel: Kernel::RmsNorm,
            op: [weight, 0, src, dst, u(c.hidden), u(c.hidden), 0, eps],
            workgroups: 1,
        };
        let quantize = |src: u32, n: usize| Dispatch {
            kernel: Kernel::Quantize,
            op: [0, xq_scales, src, 0, u(n), 0, 0, 0],
            workgroups: groups(n / BLOCK),
        };
        let matvec = |m: Matrix, dst: u32, mode: u32, extra: u32| Dispatch {
            kernel: Kernel::Matvec,
            op: [m.quants, m.scales, xq_scales, dst, m.cols, m.rows, mode, extra],
            workgroups: groups(m.rows as usize),
        };
        let scale = ((1.0 / (c.head_dim as f64).sqrt()) as f32).to_bits();
        for (i, l) in self.layers.iter().enumerate() {
            let cache = u(i * c.context * c.kv_dim());
            out.push(norm(l.attn_norm, a.x, a.normed));
            out.push(quantize(a.normed, c.hidden));
            out.push(matvec(l.q, a.q, mode::WRITE, 0));
            out.push(matvec(l.k, a.k, mode::WRITE, 0));
            out.push(matvec(l.v, a.v, mode::WRITE, 0));
            out.push(Dispatch {
                kernel: Kernel::RopeStore,
                op: [self.rope, u(c.kv_heads), a.q, cache, u(c.head_dim), u(c.heads), 0, 0],
                workgroups: groups((c.heads + c.kv_heads) * c.head_dim / 2 + c.kv_dim()),
            });
            out.push(Dispatch {
                kernel: Kernel::Attention,
                op: [cache, u(c.kv_heads), a.q, a.att, u(c.head_dim), u(c.heads), scale, a.scores],
                workgroups: u(c.heads),
            });
            out.push(quantize(a.att, c.hidden));
            out.push(matvec(l.o, a.x, mode::ADD, 0));
            out.push(norm(l.ffn_norm, a.x, a.normed));
            out.push(quantize(a.normed, c.hidden));
            out.push(matvec(l.gate, a.gate, mode::WRITE, 0));
            // The up projection overwrites the gate it reads, each thread its own element.
            out.push(matvec(l.up, a.gate, mode::SWIGLU, a.gate));
            out.push(quantize(a.gate, c.ffn));
            out.push(matvec(l.down, a.x, mode::ADD, 0));
        }
        out.push(norm(self.output_norm, a.x, a.normed));
        out.push(quantize(a.normed, c.hidden));
        out.push(Dispatch {
            kernel: Kernel::LmHead,
            op: [self.embedding.quants, self.embedding.scales, xq_scales, a.logits, u(c.hidden), u(c.vocab), 0, 0],
            workgroups: groups(c.vocab),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{self, Shape};

    const DEFAULTS: GpuLimits = GpuLimits {
        max_storage_buffer_binding_size: 128 << 20,
        max_buffer_size: 256 << 20,
        max_compute_workgroups_per_dimension: 65535,
    };

    fn smollm2(context: usize) -> LlamaConfig {
        LlamaConfig {
            vocab: 49152,
            hidden: 576,
            layers: 30,
            heads: 9,
            kv_heads: 3,
            head_dim: 64,
            ffn: 1536,
            rope_base: 100000.0,
            rms_eps: 1e-5,
            context,
        }
    }

    #[test]
    fn smollm2_fits_webgpus_default_limits_with_its_whole_context() {
        let c = smollm2(crate::CONTEXT);
        assert_eq!(fits(&c, &DEFAULTS), Ok(()));
        let s = BufferSizes::new(&c);
        // 1 byte a weight plus a 4-byte scale per 32.
        assert_eq!(s.embedding, 49152 * 576 + 49152 * 576 / 8);
        assert_eq!(s.keys, 4 * 30 * 4096 * 192);
        assert!(s.weights < 128 << 20, "{}", s.weights);
    }

    #[test]
    fn a_model_too_big_for_the_adapter_is_refused_naming_the_buffer() {
        // A 1.7B-sized llama: its layers need far more than one 128 MiB binding.
        let big =
            LlamaConfig { hidden: 2048, layers: 24, heads: 32, kv_heads: 32, head_dim: 64, ffn: 8192, ..smollm2(4096) };
        let e = fits(&big, &DEFAULTS).unwrap_err();
        assert_eq!(e.what, "layer weights");
        assert_eq!(e.limit, 128 << 20);
        assert!(e.need > e.limit);
        assert!(e.to_string().contains("need"), "{e}");
        // SmolLM2 itself on an adapter that binds only 16 MiB at a time.
        let small = GpuLimits { max_storage_buffer_binding_size: 16 << 20, ..DEFAULTS };
        let e = fits(&smollm2(4096), &small).unwrap_err();
        assert_eq!((e.what, e.limit), ("token embeddings", 16 << 20));
        // The buffer limit counts too, whatever the binding limit says.
        let tight = GpuLimits { max_storage_buffer_binding_size: 1 << 30, max_buffer_size: 90 << 20, ..DEFAULTS };
        assert_eq!(fits(&smollm2(4096), &tight).unwrap_err().what, "layer weights");
        let few_groups = GpuLimits { max_compute_workgroups_per_dimension: 700, ..DEFAULTS };
        assert_eq!(fits(&smollm2(64), &few_groups).unwrap_err().need, 768);
    }

    #[test]
    fn a_synthetic_gguf_is_laid_out_where_the_plan_reads_it() {
        let shape = Shape { hidden: 96, ffn: 160, layers: 2, heads: 4, kv_heads: 1 };
        let llama = GpuLlama::from_gguf(&synthetic::gguf(shape), 40).unwrap();
        let c = llama.config;
        assert_eq!((c.hidden, c.ffn, c.layers, c.heads, c.kv_heads, c.head_dim), (96, 160, 2, 4, 1, 24));
        assert_eq!(c.vocab, 262);
        let sizes = BufferSizes::new(&c);
        assert_eq!(4 * llama.weight_words.len() as u64, sizes.weights);
        assert_eq!(4 * llama.embedding_words.len() as u64, sizes.embedding);
        // Every dispatch's weights lie inside their buffer, the quants on vec4 boundaries.
        for d in llama.plan() {
            let words = match d.kernel {
                Kernel::Embed | Kernel::LmHead => llama.embedding_words.len() as u32,
                _ => llama.weight_words.len() as u32,
            };
            if matches!(d.kernel, Kernel::Matvec | Kernel::LmHead) {
                let n = d.op[4] * d.op[5];
                assert!(d.op[0] + n / 4 <= words && d.op[1] + n / 32 <= words, "{d:?}");
                assert_eq!(d.op[0] % ALIGN as u32, 0, "{d:?}");
                assert!(d.op[3] + d.op[5] <= Acts::new(&c).total);
            }
        }
        // The first layer's Q matrix starts the weights; its scales follow its quants.
        assert_eq!(llama.layers[0].q, Matrix { quants: 0, scales: 96 * 96 / 4, rows: 96, cols: 96 });
        // Q8_0 embeddings are copied as they are: the first block's scale and quants.
        let bytes = synthetic::gguf(shape);
        let mut reader = Cursor::new(&bytes[..]);
        let content = Content::read(&mut reader).unwrap();
        let t = content.tensor(&mut reader, "token_embd.weight", &Device::Cpu).unwrap();
        let raw = t.data().unwrap();
        let scale = half::f16::from_le_bytes([raw[0], raw[1]]).to_f32();
        assert_eq!(f32::from_bits(llama.embedding_words[llama.embedding.scales as usize]), scale);
        assert_eq!(llama.embedding_words[0], u32::from_le_bytes([raw[2], raw[3], raw[4], raw[5]]));
        // The rotary table at position 0 is cos 1, sin 0; at position 3 candle's angles.
        let table = rope_table(&c);
        assert_eq!(table[..12], [1.0; 12]);
        assert_eq!(table[12..24], [0.0; 12]);
        let theta1 = 1f32 / 10000f32.powf(2.0 / 24.0);
        assert_eq!(table[3 * 24 + 1], (3.0 * theta1).cos());
    }

    #[test]
    fn the_config_comes_from_the_file_and_odd_files_are_refused() {
        let bytes = synthetic::gguf(Shape::SMALL);
        let llama = GpuLlama::from_gguf(&bytes, 16).unwrap();
        assert_eq!(llama.config.rope_base, 10000.0);
        assert_eq!(llama.config.rms_eps, 1e-5);
        assert!(matches!(GpuLlama::from_gguf(&bytes[..bytes.len() / 2], 16), Err(LayoutError::Read(_))));
        assert!(matches!(GpuLlama::from_gguf(&bytes, 0), Err(LayoutError::Shape(_))));
    }

    /// SmolLM2's own file, where `cargo xtask setup` put it: its config as the model card
    /// gives it, and its buffers within WebGPU's default limits.
    #[test]
    fn smollm2s_file_lays_out_within_default_limits() {
        let Ok(bytes) = crate::weights::smollm2().read() else {
            eprintln!("SmolLM2's weights are not in models/ (cargo xtask setup): skipped");
            return;
        };
        let llama = GpuLlama::from_gguf(&bytes, crate::CONTEXT).unwrap();
        let c = llama.config;
        assert_eq!(c, LlamaConfig { rope_base: c.rope_base, ..smollm2(crate::CONTEXT) });
        assert_eq!(c.rope_base, 100000.0);
        assert_eq!(fits(&c, &DEFAULTS), Ok(()));
        assert_eq!(4 * llama.weight_words.len() as u64, BufferSizes::new(&c).weights);
    }
}
