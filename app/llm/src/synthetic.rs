//! Tiny llamas with deterministic weights, written as GGUF by candle, for tests that need a
//! model in milliseconds and no downloaded file (zg-llm's own tests, and the browser tests
//! that check the WebGPU forward pass against candle's). Not for anything a user runs.

use candle_core::quantized::gguf_file::{self, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};

/// A llama's shape. Every matrix's row length (`hidden`, `ffn`) must be a multiple of 32,
/// Q8_0's block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub hidden: usize,
    pub ffn: usize,
    pub layers: usize,
    pub heads: usize,
    pub kv_heads: usize,
}

impl Shape {
    /// The shape `tests/synthetic.rs` has always used.
    pub const SMALL: Shape = Shape { hidden: 64, ffn: 128, layers: 2, heads: 2, kv_heads: 1 };

    pub fn head_dim(&self) -> usize {
        self.hidden / self.heads
    }
}

fn byte_chars() -> Vec<String> {
    // GPT-2's map, rebuilt independently of the crate's.
    let mut shifted = 0;
    (0..=255u32)
        .map(|b| {
            let printable = (33..=126).contains(&b) || (161..=172).contains(&b) || (174..=255).contains(&b);
            if printable {
                char::from_u32(b).unwrap_or('?').to_string()
            } else {
                shifted += 1;
                char::from_u32(255 + shifted).unwrap_or('?').to_string()
            }
        })
        .collect()
}

/// A GGUF of `shape` with SmolLM2's tokenizer layout (special tokens, then the 256 byte
/// tokens, then three merges): Q8_0 embeddings (tied head), Q4_1 layer matrices as in
/// SmolLM2's file, F32 norms that are not all ones (so a missed norm weight shows).
pub fn gguf(shape: Shape) -> Vec<u8> {
    gguf_with_vocab(shape, 0)
}

/// [`gguf`] with the vocabulary padded by control tokens to at least `vocab` (SmolLM2's
/// 49,152, for a bench whose LM head costs what the real one does).
pub fn gguf_with_vocab(shape: Shape, vocab: usize) -> Vec<u8> {
    let Shape { hidden, ffn, layers, heads, kv_heads } = shape;
    let head_dim = shape.head_dim();
    let mut tokens = vec!["<|endoftext|>".to_string(), "<|im_start|>".into(), "<|im_end|>".into()];
    tokens.extend(byte_chars());
    let merges = ["Ġ t", "h e", "Ġt he"];
    tokens.extend(["Ġt", "he", "Ġthe"].map(String::from));
    let mut types = vec![3, 3, 3];
    types.resize(tokens.len(), 1);
    for i in tokens.len()..vocab {
        tokens.push(format!("<|pad{i}|>"));
        types.push(3);
    }
    let vocab = tokens.len();
    let strings = |v: &[String]| Value::Array(v.iter().cloned().map(Value::String).collect());
    let metadata: Vec<(&str, Value)> = vec![
        ("general.architecture", Value::String("llama".into())),
        ("llama.attention.head_count", Value::U32(heads as u32)),
        ("llama.attention.head_count_kv", Value::U32(kv_heads as u32)),
        ("llama.block_count", Value::U32(layers as u32)),
        ("llama.embedding_length", Value::U32(hidden as u32)),
        ("llama.feed_forward_length", Value::U32(ffn as u32)),
        ("llama.rope.dimension_count", Value::U32(head_dim as u32)),
        ("llama.attention.layer_norm_rms_epsilon", Value::F32(1e-5)),
        ("llama.rope.freq_base", Value::F32(10000.0)),
        ("tokenizer.ggml.model", Value::String("gpt2".into())),
        ("tokenizer.ggml.tokens", strings(&tokens)),
        ("tokenizer.ggml.merges", strings(&merges.map(String::from))),
        ("tokenizer.ggml.token_type", Value::Array(types.into_iter().map(Value::I32).collect())),
    ];
    let dev = Device::Cpu;
    let mut seed = 0.0f64;
    let mut tensor = |dims: &[usize], dtype: GgmlDType, centre: f64, amplitude: f64| {
        // Deterministic weights: a different sinusoid for each tensor.
        seed += 1.0;
        let n: usize = dims.iter().product();
        let values: Vec<f32> = (0..n).map(|i| (centre + amplitude * ((i as f64 * 0.7 + seed).sin())) as f32).collect();
        let t = Tensor::from_vec(values, dims, &dev).and_then(|t| QTensor::quantize(&t, dtype));
        t.expect("a synthetic tensor of a valid shape")
    };
    let mut tensors: Vec<(String, QTensor)> = vec![
        ("token_embd.weight".into(), tensor(&[vocab, hidden], GgmlDType::Q8_0, 0.0, 0.3)),
        ("output_norm.weight".into(), tensor(&[hidden], GgmlDType::F32, 1.0, 0.2)),
    ];
    let kv = kv_heads * head_dim;
    for l in 0..layers {
        let p = |n: &str| format!("blk.{l}.{n}.weight");
        tensors.push((p("attn_norm"), tensor(&[hidden], GgmlDType::F32, 1.0, 0.2)));
        tensors.push((p("ffn_norm"), tensor(&[hidden], GgmlDType::F32, 1.0, 0.2)));
        tensors.push((p("attn_q"), tensor(&[hidden, hidden], GgmlDType::Q4_1, 0.0, 0.3)));
        tensors.push((p("attn_k"), tensor(&[kv, hidden], GgmlDType::Q4_1, 0.0, 0.3)));
        tensors.push((p("attn_v"), tensor(&[kv, hidden], GgmlDType::Q4_1, 0.0, 0.3)));
        tensors.push((p("attn_output"), tensor(&[hidden, hidden], GgmlDType::Q4_1, 0.0, 0.3)));
        tensors.push((p("ffn_gate"), tensor(&[ffn, hidden], GgmlDType::Q4_1, 0.0, 0.3)));
        tensors.push((p("ffn_up"), tensor(&[ffn, hidden], GgmlDType::Q4_1, 0.0, 0.3)));
        tensors.push((p("ffn_down"), tensor(&[hidden, ffn], GgmlDType::Q4_1, 0.0, 0.3)));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    let meta: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (*k, v)).collect();
    let tens: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
    gguf_file::write(&mut out, &meta, &tens).expect("writing to memory");
    out.into_inner()
}
