//! SmolLM2-135M-Instruct: candle's quantized llama over the GGUF's weights, with our
//! tokenizer and template, generating token by token with the text streamed as it forms.

use crate::chat::{self, Message};
use crate::tokenizer::{TextStream, Tokenizer};
use crate::LlmError;
use candle_core::quantized::gguf_file::{self, Content};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use candle_transformers::generation::LogitsProcessor;
use candle_transformers::models::quantized_llama::{ModelWeights, MAX_SEQ_LEN};
use std::io::{Read, Seek};

/// The name the provider serves it under and the console shows.
pub const MODEL_NAME: &str = "SmolLM2-135M-Instruct";
/// What the console says of it, so nobody mistakes it for a large model.
pub const LIMITS: &str = "SmolLM2-135M-Instruct: 135M parameters, English only, short answers; it can be wrong.";
/// Positions candle's llama has rotary tables for: prompt and answer together.
pub const CONTEXT: usize = MAX_SEQ_LEN;
/// The prompt goes through the model this many tokens at a time, which bounds the
/// attention's memory (a 4,096-token prompt at once would need 600 MB for its scores).
const PREFILL_CHUNK: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sampling {
    pub max_tokens: usize,
    /// 0 is greedy: always the likeliest token.
    pub temperature: f32,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub text: String,
    pub completion_tokens: usize,
    /// The caller's callback asked to stop before the model did.
    pub stopped_early: bool,
}

pub struct SmolLm {
    weights: ModelWeights,
    tokenizer: Tokenizer,
    end_of_turn: u32,
    parameters: usize,
}

impl std::fmt::Debug for SmolLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmolLm").field("parameters", &self.parameters).field("tokenizer", &self.tokenizer).finish()
    }
}

impl SmolLm {
    /// Loads a GGUF as it is. [`SmolLm::from_bytes`] is the faster way in.
    pub fn from_gguf<R: Read + Seek>(reader: &mut R) -> Result<SmolLm, LlmError> {
        let content = Content::read(reader).map_err(|e| LlmError::Weights(e.to_string()))?;
        let tokenizer = Tokenizer::from_gguf(&content)?;
        let end_of_turn =
            tokenizer.id("<|im_end|>").ok_or_else(|| LlmError::Tokenizer("no <|im_end|> token".into()))?;
        let parameters = content.tensor_infos.values().map(|t| t.shape.elem_count()).sum();
        let weights =
            ModelWeights::from_gguf(content, reader, &Device::Cpu).map_err(|e| LlmError::Weights(e.to_string()))?;
        Ok(SmolLm { weights, tokenizer, end_of_turn, parameters })
    }

    /// Loads a GGUF with its Q4_1 matrices requantized to Q8_0 (see [`requantize`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<SmolLm, LlmError> {
        let faster = requantize(bytes)?;
        SmolLm::from_gguf(&mut std::io::Cursor::new(faster))
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    pub fn parameters(&self) -> usize {
        self.parameters
    }

    /// The conversation as the model reads it (see [`chat`]).
    pub fn prompt(&self, messages: &[Message]) -> Result<Vec<u32>, LlmError> {
        chat::prompt_ids(&self.tokenizer, messages)
    }

    /// Generates an answer to `prompt` (token ids), calling `on_piece` with each piece of
    /// text as it forms; `on_piece` returning false stops generation there.
    pub fn generate(
        &self,
        prompt: &[u32],
        sampling: Sampling,
        on_piece: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Generation, LlmError> {
        let mut generator = self.start(prompt, sampling)?;
        let mut text = String::new();
        while let Some(piece) = generator.step()? {
            if piece.is_empty() {
                continue;
            }
            text.push_str(&piece);
            if !on_piece(&piece) {
                return Ok(Generation { text, completion_tokens: generator.completion_tokens(), stopped_early: true });
            }
        }
        let completion_tokens = generator.completion_tokens();
        let rest = generator.finish();
        let mut stopped_early = false;
        if !rest.is_empty() {
            text.push_str(&rest);
            stopped_early = !on_piece(&rest);
        }
        Ok(Generation { text, completion_tokens, stopped_early })
    }

    /// Reads the prompt and returns a generator that makes the answer one token per
    /// [`Generator::step`], for callers that must stay responsive between tokens (a Web
    /// Worker that listens for Stop).
    pub fn start(&self, prompt: &[u32], sampling: Sampling) -> Result<Generator<'_>, LlmError> {
        let decoder = self.decoder(prompt, sampling)?;
        let mut session = self.session();
        let logits = Some(session.feed_tensor(prompt)?);
        Ok(Generator { decoder, session, logits })
    }

    /// The answer's sampling and text without a forward pass, for another backend (the
    /// app's WebGPU engine) that computes the logits: the same tokenizer, end of turn,
    /// sampler and limits as [`SmolLm::start`], so both backends answer alike.
    pub fn decoder(&self, prompt: &[u32], sampling: Sampling) -> Result<Decoder<'_>, LlmError> {
        if prompt.is_empty() {
            return Err(LlmError::EmptyPrompt);
        }
        if prompt.len() + sampling.max_tokens > CONTEXT {
            return Err(LlmError::TooLong { prompt: prompt.len(), answer: sampling.max_tokens, context: CONTEXT });
        }
        let temperature = (sampling.temperature > 0.0).then_some(f64::from(sampling.temperature));
        Ok(Decoder {
            model: self,
            sampler: LogitsProcessor::new(sampling.seed, temperature, None),
            stream: TextStream::default(),
            completion_tokens: 0,
            max_tokens: sampling.max_tokens,
        })
    }

    /// candle's forward pass with its own attention cache, fed as the caller likes.
    pub fn session(&self) -> Session {
        // Each session has its own attention cache; the weights are shared, not copied.
        Session { weights: self.weights.clone(), position: 0 }
    }

    /// Logits for the token after `prompt` (greedy checks and tests).
    pub fn next_logits(&self, prompt: &[u32]) -> Result<Vec<f32>, LlmError> {
        self.session().feed(prompt)
    }
}

/// Rewrites a GGUF with every Q4_1 matrix as Q8_0. candle has SIMD kernels for Q8_0 in
/// wasm (simd128) and none for Q4_1: measured in Node on this machine, 18 ms a token against
/// 80. Each Q4_1 value is a 4-bit step of its block, which Q8_0's 8-bit steps hold to within
/// half a step of the new scale, so the answers stay the reference's (the tests check the
/// greedy answer through this path). Costs 1.5× the matrices' memory and a second at load.
pub fn requantize(bytes: &[u8]) -> Result<Vec<u8>, LlmError> {
    let weights = |e: candle_core::Error| LlmError::Weights(e.to_string());
    let mut reader = std::io::Cursor::new(bytes);
    let content = Content::read(&mut reader).map_err(weights)?;
    let mut tensors = Vec::with_capacity(content.tensor_infos.len());
    for name in content.tensor_infos.keys() {
        let tensor = content.tensor(&mut reader, name, &Device::Cpu).map_err(weights)?;
        let tensor = if tensor.dtype() == GgmlDType::Q4_1 {
            QTensor::quantize(&tensor.dequantize(&Device::Cpu).map_err(weights)?, GgmlDType::Q8_0).map_err(weights)?
        } else {
            tensor
        };
        tensors.push((name.as_str(), tensor));
    }
    let metadata: Vec<_> = content.metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let tensors: Vec<_> = tensors.iter().map(|(k, t)| (*k, t)).collect();
    let mut out = std::io::Cursor::new(Vec::with_capacity(bytes.len() * 3 / 2));
    gguf_file::write(&mut out, &metadata, &tensors).map_err(weights)?;
    Ok(out.into_inner())
}

/// candle's llama with an attention cache (see [`SmolLm::session`]).
pub struct Session {
    weights: ModelWeights,
    position: usize,
}

impl Session {
    /// Feeds `ids` after what was fed before and returns the logits after the last.
    pub fn feed(&mut self, ids: &[u32]) -> Result<Vec<f32>, LlmError> {
        self.feed_tensor(ids)?.to_vec1().map_err(compute)
    }

    /// Positions fed so far.
    pub fn position(&self) -> usize {
        self.position
    }

    fn feed_tensor(&mut self, ids: &[u32]) -> Result<Tensor, LlmError> {
        let mut last = None;
        for chunk in ids.chunks(PREFILL_CHUNK) {
            last = Some(forward(&mut self.weights, chunk, self.position)?);
            self.position += chunk.len();
        }
        last.ok_or(LlmError::EmptyPrompt)
    }
}

/// An answer's tokens chosen from logits computed elsewhere (see [`SmolLm::decoder`]).
pub struct Decoder<'m> {
    model: &'m SmolLm,
    sampler: LogitsProcessor,
    stream: TextStream,
    completion_tokens: usize,
    max_tokens: usize,
}

/// What a [`Decoder`] made of one token's logits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A token: the text it completed (empty while a character is split across tokens),
    /// and the token to feed for the next logits, `None` once the answer reached its limit.
    Token { piece: String, feed: Option<u32> },
    /// The model ended its turn.
    End,
}

impl Decoder<'_> {
    /// Chooses the next token from the logits after the last one.
    pub fn push(&mut self, logits: &[f32]) -> Result<Decoded, LlmError> {
        let scores = Tensor::new(logits, &Device::Cpu).map_err(compute)?;
        self.choose(&scores)
    }

    fn choose(&mut self, scores: &Tensor) -> Result<Decoded, LlmError> {
        let next = self.sampler.sample(scores).map_err(compute)?;
        self.completion_tokens += 1;
        if next == self.model.end_of_turn {
            return Ok(Decoded::End);
        }
        let piece = self.stream.push(&self.model.tokenizer, next);
        let feed = (self.completion_tokens < self.max_tokens).then_some(next);
        Ok(Decoded::Token { piece, feed })
    }

    /// Tokens made so far, the end-of-turn token included (it is generated like any other).
    pub fn completion_tokens(&self) -> usize {
        self.completion_tokens
    }

    /// The text of a character left unfinished when the answer stopped (U+FFFD), if any.
    pub fn finish(self) -> String {
        self.stream.finish()
    }
}

/// An answer in the making (see [`SmolLm::start`]).
pub struct Generator<'m> {
    decoder: Decoder<'m>,
    session: Session,
    /// Scores for the next token; `None` once the answer is over.
    logits: Option<Tensor>,
}

impl Generator<'_> {
    /// Makes one token: `Some(text)` it completed (empty while a character is split across
    /// tokens), or `None` when the model ended its turn or the answer reached its limit.
    pub fn step(&mut self) -> Result<Option<String>, LlmError> {
        let Some(scores) = self.logits.take() else { return Ok(None) };
        match self.decoder.choose(&scores)? {
            Decoded::End => Ok(None),
            Decoded::Token { piece, feed } => {
                if let Some(next) = feed {
                    self.logits = Some(self.session.feed_tensor(&[next])?);
                }
                Ok(Some(piece))
            }
        }
    }

    /// Tokens made so far, the end-of-turn token included (it is generated like any other).
    pub fn completion_tokens(&self) -> usize {
        self.decoder.completion_tokens()
    }

    /// The text of a character left unfinished when the answer stopped (U+FFFD), if any.
    pub fn finish(self) -> String {
        self.decoder.finish()
    }
}

fn forward(weights: &mut ModelWeights, ids: &[u32], position: usize) -> Result<Tensor, LlmError> {
    let input = Tensor::new(ids, &Device::Cpu).and_then(|t| t.unsqueeze(0)).map_err(compute)?;
    weights.forward(&input, position).and_then(|t| t.squeeze(0)).map_err(compute)
}

fn compute(e: candle_core::Error) -> LlmError {
    LlmError::Compute(e.to_string())
}
