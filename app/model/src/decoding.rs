//! Generation as a state machine, independent of where the forward pass runs.
//!
//! [`Model::generate`] drives it with the CPU's KV cache; a browser backend (WebGPU) drives
//! the same machine with its own forward pass, so both share the prompt handling, the
//! sliding context window, the sampling and the UTF-8 streaming exactly, and differ only
//! in the logits they compute.

use crate::rng::SplitMix64;
use crate::tokenizer::{self, Utf8Stream};
use crate::{ops, Generation, Model};

/// What the backend must compute next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next<'a> {
    /// Clear the KV cache, feed these tokens at positions `0..len` (at least one, at most
    /// `context`) and return the logits after the last one.
    Prefill(&'a [u32]),
    /// Feed this token at the cache's next position and return the logits after it.
    Step(u32),
    /// Generation is over: call [`Decoding::finish`].
    Done,
}

/// One generation in progress: alternate [`Decoding::next`] (what to compute) and
/// [`Decoding::push_logits`] (the logits it gave) until [`Next::Done`].
#[derive(Debug, Clone)]
pub struct Decoding {
    history: Vec<u32>,
    context: usize,
    max_new_tokens: usize,
    temperature: f32,
    rng: SplitMix64,
    stream: Utf8Stream,
    out: Generation,
    /// Positions the backend's cache holds after the work `next` asked for.
    cache_len: usize,
    pending: Pending,
    stopped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Prefill { start: usize },
    Step(u32),
    Done,
}

impl Decoding {
    /// Starts generating up to `max_new_tokens` after `prompt`, with [`Model::generate`]'s
    /// rules (greedy when `temperature` is not a positive number, else sampled with `seed`).
    pub fn new(model: &Model, prompt: &str, max_new_tokens: usize, temperature: f32, seed: u64) -> Decoding {
        let mut history = tokenizer::encode(prompt);
        let prompt_tokens = history.len();
        if history.is_empty() {
            history.push(u32::from(b'\n'));
        }
        let context = model.config().context;
        let start = history.len().saturating_sub(context);
        let pending = if max_new_tokens == 0 { Pending::Done } else { Pending::Prefill { start } };
        Decoding {
            cache_len: history.len() - start,
            history,
            context,
            max_new_tokens,
            temperature,
            rng: SplitMix64::new(seed),
            stream: Utf8Stream::default(),
            out: Generation { text: String::new(), prompt_tokens, completion_tokens: 0, stopped_early: false },
            pending,
            stopped: false,
        }
    }

    /// The forward pass the machine needs next.
    pub fn next(&self) -> Next<'_> {
        match self.pending {
            Pending::Prefill { start } => Next::Prefill(&self.history[start..]),
            Pending::Step(token) => Next::Step(token),
            Pending::Done => Next::Done,
        }
    }

    /// Takes the logits [`Decoding::next`]'s pass produced, picks the next token and returns
    /// the text it completes (often empty inside a multi-byte character).
    ///
    /// # Panics
    /// When called after [`Next::Done`].
    pub fn push_logits(&mut self, logits: &[f32]) -> String {
        assert!(self.pending != Pending::Done, "push_logits after Next::Done");
        let next = pick(logits, self.temperature, &mut self.rng);
        self.out.completion_tokens += 1;
        let piece = self.stream.push(next);
        self.out.text.push_str(&piece);
        if self.out.completion_tokens == self.max_new_tokens {
            self.pending = Pending::Done;
            return piece;
        }
        self.history.push(next);
        self.pending = if self.cache_len == self.context {
            // The window slides: rebuild the cache from the most recent half-context.
            let keep = (self.context / 2).max(1);
            self.cache_len = keep;
            Pending::Prefill { start: self.history.len() - keep }
        } else {
            self.cache_len += 1;
            Pending::Step(next)
        };
        piece
    }

    /// Stops early (the caller's `on_token` said so); an unfinished character is dropped.
    pub fn stop(&mut self) {
        self.out.stopped_early = self.out.completion_tokens < self.max_new_tokens;
        self.pending = Pending::Done;
        self.stopped = true;
    }

    /// Tokens generated so far.
    pub fn completion_tokens(&self) -> usize {
        self.out.completion_tokens
    }

    /// The generation, and the text of an unfinished character at the end (already part of
    /// the generation's text; empty unless the model stopped inside a character).
    pub fn finish(mut self) -> (Generation, String) {
        let rest = if self.stopped { String::new() } else { self.stream.finish() };
        self.out.text.push_str(&rest);
        (self.out, rest)
    }
}

/// Greedy argmax (lowest index on ties) or a temperature sample.
pub(crate) fn pick(logits: &[f32], temperature: f32, rng: &mut SplitMix64) -> u32 {
    let sampled = temperature.is_finite() && temperature > 0.0;
    if !sampled {
        let mut best = 0;
        for (i, &l) in logits.iter().enumerate() {
            if l > logits[best] {
                best = i;
            }
        }
        return best as u32;
    }
    let mut probs: Vec<f32> = logits.iter().map(|l| l / temperature).collect();
    ops::softmax_in_place(&mut probs);
    let r = rng.next_f32();
    let mut acc = 0.0f32;
    for (i, p) in probs.iter().enumerate() {
        acc += p;
        if r < acc {
            return i as u32;
        }
    }
    (probs.len() - 1) as u32
}
