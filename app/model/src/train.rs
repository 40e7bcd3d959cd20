//! Training: next-byte prediction with cross-entropy, hand-written backprop
//! ([`transformer::backward`]) and Adam, on random windows of a text corpus. Fully
//! deterministic for a given config, corpus and [`TrainOptions`]: no clock, no
//! threads, no randomness but the seeded [`SplitMix64`].
//!
//! The last tenth of the corpus is held out and never trained on, so
//! [`TrainReport::held_out_loss`] says how much the model learned beyond memorising.

use crate::layout::Layout;
use crate::rng::SplitMix64;
use crate::transformer::{backward, forward, init_params};
use crate::{Config, Model, ModelError, Provenance};

/// How to train. [`TrainOptions::devnet`] is the recipe behind [`Model::devnet`].
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Seeds both the initial weights and the choice of training windows.
    pub seed: u64,
    /// Optimiser steps.
    pub steps: usize,
    /// Tokens per training window (at most the model's context). Position embeddings
    /// beyond it are never trained, so use the full context for a model that will
    /// generate that far.
    pub seq_len: usize,
    /// Windows per step.
    pub batch: usize,
    /// Peak Adam learning rate (short linear warm-up, then cosine decay to a tenth).
    pub learning_rate: f32,
}

impl TrainOptions {
    /// The recipe that made the bundled devnet weights.
    pub fn devnet() -> TrainOptions {
        TrainOptions { seed: 0x0067_5A47_4C4D, steps: 2000, seq_len: 256, batch: 4, learning_rate: 3e-3 }
    }
}

/// What training measured. Losses are mean cross-entropy in nats per byte; a model
/// that knows nothing scores ln(256) ≈ 5.545.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport {
    pub steps: usize,
    pub corpus_bytes: usize,
    /// On the training part of the corpus, before the first step.
    pub initial_loss: f32,
    /// On the training part of the corpus, after the last step.
    pub final_loss: f32,
    /// On the held-out last tenth of the corpus, after the last step.
    pub held_out_loss: f32,
}

const WARMUP_STEPS: usize = 20;
const GRAD_CLIP: f32 = 1.0;
const ADAM_B1: f32 = 0.9;
const ADAM_B2: f32 = 0.99;
const ADAM_EPS: f32 = 1e-8;
/// Evaluation uses at most this many windows, so it stays cheap on a big corpus.
const EVAL_WINDOWS: usize = 24;

/// Mean cross-entropy of `tokens[1..]` given `tokens[..n-1]`; if `dlogits` is given,
/// also writes d(loss)/d(logits) scaled by `grad_scale`.
fn window_loss(
    config: &Config,
    layout: &Layout,
    params: &[f32],
    window: &[u32],
    grad: Option<(&mut [f32], f32)>,
) -> f32 {
    let input = &window[..window.len() - 1];
    let targets = &window[1..];
    let acts = forward(config, layout, params, input, 0);
    let v = config.vocab;
    let mut loss = 0.0f32;
    let mut dlogits = vec![0.0f32; acts.logits.len()];
    for (t, &target) in targets.iter().enumerate() {
        let row = &acts.logits[t * v..(t + 1) * v];
        let probs = &mut dlogits[t * v..(t + 1) * v];
        probs.copy_from_slice(row);
        crate::ops::softmax_in_place(probs);
        loss -= probs[target as usize].max(1e-30).ln();
    }
    loss /= targets.len() as f32;
    if let Some((grads, scale)) = grad {
        for (t, &target) in targets.iter().enumerate() {
            dlogits[t * v + target as usize] -= 1.0;
        }
        for g in dlogits.iter_mut() {
            *g *= scale;
        }
        backward(config, layout, params, input, &acts, &dlogits, grads);
    }
    loss
}

/// Mean loss over evenly spaced windows of `text`.
fn eval_loss(config: &Config, layout: &Layout, params: &[f32], text: &[u32], seq_len: usize) -> f32 {
    let w = seq_len + 1;
    let count = (text.len() / w).clamp(1, EVAL_WINDOWS);
    let stride = if count > 1 { (text.len() - w) / (count - 1) } else { 0 };
    let mut total = 0.0f32;
    for i in 0..count {
        let start = i * stride;
        total += window_loss(config, layout, params, &text[start..start + w], None);
    }
    total / count as f32
}

/// Trains a fresh model of shape `config` on `corpus`. `progress(step, loss)` is called
/// after every step with that step's batch loss.
pub fn train(
    config: &Config,
    corpus: &str,
    options: &TrainOptions,
    progress: &mut dyn FnMut(usize, f32),
) -> Result<(Model, TrainReport), ModelError> {
    config.validate()?;
    let seq_len = options.seq_len.clamp(1, config.context);
    let tokens = crate::tokenizer::encode(corpus);
    let held_out_start = tokens.len() - tokens.len() / 10;
    let (train_text, held_out) = tokens.split_at(held_out_start);
    let need = 10 * (seq_len + 1) + 10;
    if held_out.len() < seq_len + 1 || tokens.len() < need {
        return Err(ModelError::CorpusTooShort { len: tokens.len(), need });
    }

    let layout = Layout::new(config);
    let mut params = init_params(config, &layout, options.seed);
    let initial_loss = eval_loss(config, &layout, &params, train_text, seq_len);

    let mut rng = SplitMix64::new(options.seed ^ 0xDA7A_5EED);
    let mut grads = vec![0.0f32; layout.total];
    let mut m = vec![0.0f32; layout.total];
    let mut v = vec![0.0f32; layout.total];
    let batch = options.batch.max(1);
    let scale = 1.0 / (batch * seq_len) as f32;
    for step in 0..options.steps {
        grads.fill(0.0);
        let mut loss = 0.0f32;
        for _ in 0..batch {
            let start = rng.below(train_text.len() - seq_len);
            let window = &train_text[start..start + seq_len + 1];
            loss += window_loss(config, &layout, &params, window, Some((&mut grads, scale)));
        }
        loss /= batch as f32;

        let norm = grads.iter().map(|g| g * g).sum::<f32>().sqrt();
        let clip = if norm > GRAD_CLIP { GRAD_CLIP / norm } else { 1.0 };
        let lr = learning_rate(options, step);
        let t = (step + 1) as i32;
        let c1 = 1.0 - ADAM_B1.powi(t);
        let c2 = 1.0 - ADAM_B2.powi(t);
        for i in 0..params.len() {
            let g = grads[i] * clip;
            m[i] = ADAM_B1 * m[i] + (1.0 - ADAM_B1) * g;
            v[i] = ADAM_B2 * v[i] + (1.0 - ADAM_B2) * g * g;
            params[i] -= lr * (m[i] / c1) / ((v[i] / c2).sqrt() + ADAM_EPS);
        }
        progress(step, loss);
    }

    let final_loss = eval_loss(config, &layout, &params, train_text, seq_len);
    let held_out_loss = eval_loss(config, &layout, &params, held_out, seq_len);
    let provenance = Provenance::Trained {
        seed: options.seed,
        steps: options.steps as u32,
        corpus_bytes: tokens.len() as u32,
        loss_before: initial_loss,
        loss_after: final_loss,
    };
    let report =
        TrainReport { steps: options.steps, corpus_bytes: tokens.len(), initial_loss, final_loss, held_out_loss };
    Ok((Model::from_parts(*config, params, provenance), report))
}

fn learning_rate(options: &TrainOptions, step: usize) -> f32 {
    let peak = options.learning_rate;
    if step < WARMUP_STEPS {
        return peak * (step + 1) as f32 / WARMUP_STEPS as f32;
    }
    let span = options.steps.saturating_sub(WARMUP_STEPS).max(1) as f32;
    let progress = ((step - WARMUP_STEPS) as f32 / span).min(1.0);
    let cosine = 0.5 * (1.0 + (core::f32::consts::PI * progress).cos());
    peak * (0.1 + 0.9 * cosine)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Config {
        Config { vocab: 256, d_model: 8, layers: 2, heads: 2, context: 8 }
    }

    /// The hand-written backward pass agrees with finite differences of the loss.
    #[test]
    fn gradients_match_finite_differences() {
        let config = tiny();
        let layout = Layout::new(&config);
        let mut params = init_params(&config, &layout, 3);
        // Larger weights than the 0.02 initialisation so every gradient is well above
        // f32 rounding noise.
        let mut rng = SplitMix64::new(9);
        for p in params.iter_mut() {
            *p += rng.next_normal() * 0.3;
        }
        let window: Vec<u32> = b"wallets!".iter().map(|&b| b as u32).collect();
        let mut grads = vec![0.0f32; layout.total];
        window_loss(&config, &layout, &params, &window, Some((&mut grads, 1.0 / 7.0)));

        let mut checked = 0;
        let mut substantial = 0;
        let mut probe = SplitMix64::new(11);
        let used_tokens: Vec<usize> = window.iter().map(|&t| t as usize).collect();
        for _ in 0..400 {
            let i = probe.below(layout.total);
            // Rows of wte for tokens that never occur get only the (tiny) softmax
            // gradient; skip most of them to spend the budget on the interesting weights.
            if i < layout.wte.len && !used_tokens.contains(&(i / config.d_model)) && probe.below(10) > 0 {
                continue;
            }
            let h = 1e-2f32;
            let orig = params[i];
            params[i] = orig + h;
            let up = window_loss(&config, &layout, &params, &window, None);
            params[i] = orig - h;
            let down = window_loss(&config, &layout, &params, &window, None);
            params[i] = orig;
            let numeric = (up - down) / (2.0 * h);
            let analytic = grads[i];
            let tol = 2e-3 + 0.05 * numeric.abs().max(analytic.abs());
            assert!((numeric - analytic).abs() <= tol, "parameter {i}: numeric {numeric}, analytic {analytic}");
            checked += 1;
            substantial += usize::from(analytic.abs() > 2e-2);
        }
        assert!(checked > 100);
        // The check is not vacuous: many gradients are well above the tolerance.
        assert!(substantial > checked / 4, "{substantial} of {checked}");
    }

    #[test]
    fn a_tiny_model_learns_and_training_is_deterministic() {
        let config = Config { vocab: 256, d_model: 16, layers: 1, heads: 2, context: 32 };
        let corpus = "the wallet signs. the agent stores. the wallet signs. ".repeat(8);
        let opts = TrainOptions { seed: 5, steps: 40, seq_len: 16, batch: 2, learning_rate: 1e-2 };
        let (a, report) = train(&config, &corpus, &opts, &mut |_, _| {}).unwrap();
        assert!((report.initial_loss - 256f32.ln()).abs() < 0.1, "{report:?}");
        assert!(report.final_loss < report.initial_loss - 1.5, "{report:?}");
        let (b, _) = train(&config, &corpus, &opts, &mut |_, _| {}).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
    }

    #[test]
    fn short_corpus_is_an_error() {
        let err = train(&tiny(), "too short", &TrainOptions::devnet(), &mut |_, _| {}).unwrap_err();
        assert!(matches!(err, ModelError::CorpusTooShort { .. }), "{err}");
    }
}
