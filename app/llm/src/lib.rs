//! `zg-llm`: the chat model zg-console runs, SmolLM2-135M-Instruct (Apache-2.0), in the
//! devnet's compute provider and, compiled to wasm32, in the browser.
//!
//! - [`weights`]: where the GGUF file lives and the checksum it must have (`models/manifest.txt`,
//!   filled by `cargo xtask setup`).
//! - [`tokenizer`]: SmolLM2's byte-level BPE, read from the GGUF.
//! - [`chat`]: its ChatML template, with turn markers only where the template puts them.
//! - [`model`]: candle's quantized llama over the weights, generation with streamed text.
//! - [`gpu`]: the llama laid out for the app's WebGPU kernels (pure: layout, plan, limits).
//! - [`e5`]: multilingual-e5-small, the embeddings that find memories by meaning.
//!
//! The math is candle's (`candle_transformers::models::quantized_llama`); what is ours is the
//! tokenizer (see its module for why), the template and the generation loop.

#![forbid(unsafe_code)]

pub mod chat;
pub mod e5;
pub mod gpu;
pub mod model;
#[doc(hidden)]
pub mod synthetic;
pub mod tokenizer;
pub mod weights;

pub use chat::Message;
pub use model::{Decoded, Decoder, Generation, Generator, Sampling, Session, SmolLm, CONTEXT, LIMITS, MODEL_NAME};
pub use tokenizer::Tokenizer;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("{0}")]
    Missing(String),
    #[error("the model's weights could not be read: {0}")]
    Weights(String),
    #[error("the model's tokenizer could not be read: {0}")]
    Tokenizer(String),
    #[error("the prompt is empty: write a message first")]
    EmptyPrompt,
    #[error(
        "the conversation is {prompt} tokens and the answer may take {answer}, more than the model's {context}: \
         shorten the conversation or start a new one"
    )]
    TooLong { prompt: usize, answer: usize, context: usize },
    #[error("the model failed while computing: {0}")]
    Compute(String),
}
