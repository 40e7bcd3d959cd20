//! The transformer itself: seeded initialisation, the full-sequence forward pass (used
//! by training and by `Model::next_token_logits`), its backward pass, and the
//! incremental forward with a key/value cache (used by `Model::generate`).
//!
//! Architecture (GPT-2 style): token + learned position embeddings; `layers` blocks of
//! pre-LayerNorm causal multi-head self-attention and a GELU MLP, each added to the
//! residual stream; a final LayerNorm; logits from the tied token embedding.
//! Nothing here allocates per token except the logits vector it returns.

use crate::layout::{pair_mut, Layout, MLP_RATIO};
use crate::ops::{
    axpy, dot, gelu, gelu_grad, layer_norm, layer_norm_backward, linear, linear_backward, softmax_in_place,
};
use crate::rng::SplitMix64;
use crate::Config;

/// Standard deviation of the initial weights (GPT-2's 0.02).
const INIT_STD: f32 = 0.02;

/// GPT-2 initialisation from `seed`: normal(0, 0.02) matrices and embeddings, residual
/// output projections scaled by 1/√(2·layers), zero biases, unit LayerNorm gains.
pub(crate) fn init_params(config: &Config, layout: &Layout, seed: u64) -> Vec<f32> {
    let mut rng = SplitMix64::new(seed);
    let mut p = vec![0.0f32; layout.total];
    let mut normal = |s: &mut [f32], std: f32| {
        for v in s.iter_mut() {
            *v = rng.next_normal() * std;
        }
    };
    normal(layout.wte.of_mut(&mut p), INIT_STD);
    normal(layout.wpe.of_mut(&mut p), INIT_STD / 2.0);
    let resid_std = INIT_STD / (2.0 * config.layers as f32).sqrt();
    for b in &layout.blocks {
        normal(b.w_qkv.of_mut(&mut p), INIT_STD);
        normal(b.w_o.of_mut(&mut p), resid_std);
        normal(b.w_fc.of_mut(&mut p), INIT_STD);
        normal(b.w_fc2.of_mut(&mut p), resid_std);
    }
    for b in &layout.blocks {
        b.ln1_g.of_mut(&mut p).fill(1.0);
        b.ln2_g.of_mut(&mut p).fill(1.0);
    }
    layout.lnf_g.of_mut(&mut p).fill(1.0);
    p
}

/// What one block computed for a whole sequence, kept for the backward pass.
pub(crate) struct BlockActs {
    x_in: Vec<f32>,
    ln1: Vec<f32>,
    ln1_stats: Vec<(f32, f32)>,
    qkv: Vec<f32>,
    /// Attention probabilities, `[heads][t][t]` (row t uses columns 0..=t).
    att: Vec<f32>,
    att_out: Vec<f32>,
    x_mid: Vec<f32>,
    ln2: Vec<f32>,
    ln2_stats: Vec<(f32, f32)>,
    fc_pre: Vec<f32>,
    fc_act: Vec<f32>,
}

/// Everything a full forward pass computed.
pub(crate) struct Acts {
    blocks: Vec<BlockActs>,
    x_out: Vec<f32>,
    lnf: Vec<f32>,
    lnf_stats: Vec<(f32, f32)>,
    /// Logits for positions `logits_from..t`, `[positions][vocab]`.
    pub(crate) logits: Vec<f32>,
    logits_from: usize,
}

/// Full causal forward pass over `tokens` (at most `context` of them). Logits are
/// computed for positions `logits_from..tokens.len()` only.
pub(crate) fn forward(config: &Config, layout: &Layout, p: &[f32], tokens: &[u32], logits_from: usize) -> Acts {
    let d = config.d_model;
    let t_len = tokens.len();
    let heads = config.heads;
    let hd = d / heads;
    let hidden = MLP_RATIO * d;
    let scale = 1.0 / (hd as f32).sqrt();
    assert!(t_len <= config.context && logits_from <= t_len);

    let wte = layout.wte.of(p);
    let wpe = layout.wpe.of(p);
    let mut x = vec![0.0f32; t_len * d];
    for (t, &tok) in tokens.iter().enumerate() {
        let tok = tok as usize;
        for i in 0..d {
            x[t * d + i] = wte[tok * d + i] + wpe[t * d + i];
        }
    }

    let mut blocks = Vec::with_capacity(config.layers);
    let mut tmp = vec![0.0f32; d];
    for bl in &layout.blocks {
        let x_in = x.clone();
        let mut ln1 = vec![0.0f32; t_len * d];
        let mut ln1_stats = Vec::with_capacity(t_len);
        let mut qkv = vec![0.0f32; t_len * 3 * d];
        for t in 0..t_len {
            let row = t * d..(t + 1) * d;
            ln1_stats.push(layer_norm(&x[row.clone()], bl.ln1_g.of(p), bl.ln1_b.of(p), &mut ln1[row.clone()]));
            linear(&ln1[row], bl.w_qkv.of(p), bl.b_qkv.of(p), &mut qkv[t * 3 * d..(t + 1) * 3 * d]);
        }

        let mut att = vec![0.0f32; heads * t_len * t_len];
        let mut att_out = vec![0.0f32; t_len * d];
        for h in 0..heads {
            for t in 0..t_len {
                let q = &qkv[t * 3 * d + h * hd..t * 3 * d + (h + 1) * hd];
                let probs = &mut att[(h * t_len + t) * t_len..(h * t_len + t) * t_len + t + 1];
                for (t2, s) in probs.iter_mut().enumerate() {
                    let k = &qkv[t2 * 3 * d + d + h * hd..t2 * 3 * d + d + (h + 1) * hd];
                    *s = dot(q, k) * scale;
                }
                softmax_in_place(probs);
                let out = &mut att_out[t * d + h * hd..t * d + (h + 1) * hd];
                for (t2, &a) in probs.iter().enumerate() {
                    let v = &qkv[t2 * 3 * d + 2 * d + h * hd..t2 * 3 * d + 2 * d + (h + 1) * hd];
                    axpy(a, v, out);
                }
            }
        }

        for t in 0..t_len {
            let row = t * d..(t + 1) * d;
            linear(&att_out[row.clone()], bl.w_o.of(p), bl.b_o.of(p), &mut tmp);
            for (xi, ti) in x[row].iter_mut().zip(&tmp) {
                *xi += ti;
            }
        }
        let x_mid = x.clone();

        let mut ln2 = vec![0.0f32; t_len * d];
        let mut ln2_stats = Vec::with_capacity(t_len);
        let mut fc_pre = vec![0.0f32; t_len * hidden];
        let mut fc_act = vec![0.0f32; t_len * hidden];
        for t in 0..t_len {
            let row = t * d..(t + 1) * d;
            let hrow = t * hidden..(t + 1) * hidden;
            ln2_stats.push(layer_norm(&x[row.clone()], bl.ln2_g.of(p), bl.ln2_b.of(p), &mut ln2[row.clone()]));
            linear(&ln2[row.clone()], bl.w_fc.of(p), bl.b_fc.of(p), &mut fc_pre[hrow.clone()]);
            for (a, &z) in fc_act[hrow.clone()].iter_mut().zip(&fc_pre[hrow.clone()]) {
                *a = gelu(z);
            }
            linear(&fc_act[hrow], bl.w_fc2.of(p), bl.b_fc2.of(p), &mut tmp);
            for (xi, ti) in x[row].iter_mut().zip(&tmp) {
                *xi += ti;
            }
        }
        blocks.push(BlockActs { x_in, ln1, ln1_stats, qkv, att, att_out, x_mid, ln2, ln2_stats, fc_pre, fc_act });
    }

    let mut lnf = vec![0.0f32; t_len * d];
    let mut lnf_stats = Vec::with_capacity(t_len);
    for t in 0..t_len {
        let row = t * d..(t + 1) * d;
        lnf_stats.push(layer_norm(&x[row.clone()], layout.lnf_g.of(p), layout.lnf_b.of(p), &mut lnf[row]));
    }
    let v = config.vocab;
    let mut logits = vec![0.0f32; (t_len - logits_from) * v];
    for t in logits_from..t_len {
        let h = &lnf[t * d..(t + 1) * d];
        let out = &mut logits[(t - logits_from) * v..(t - logits_from + 1) * v];
        for (tok, o) in out.iter_mut().enumerate() {
            *o = dot(h, &wte[tok * d..(tok + 1) * d]);
        }
    }
    Acts { blocks, x_out: x, lnf, lnf_stats, logits, logits_from }
}

/// Backward pass: given d(loss)/d(logits) for every position (the forward must have been
/// run with `logits_from == 0`), accumulates d(loss)/d(params) into `grads`.
pub(crate) fn backward(
    config: &Config,
    layout: &Layout,
    p: &[f32],
    tokens: &[u32],
    acts: &Acts,
    dlogits: &[f32],
    grads: &mut [f32],
) {
    let d = config.d_model;
    let v = config.vocab;
    let t_len = tokens.len();
    let heads = config.heads;
    let hd = d / heads;
    let hidden = MLP_RATIO * d;
    let scale = 1.0 / (hd as f32).sqrt();
    assert_eq!(acts.logits_from, 0);
    assert_eq!(dlogits.len(), t_len * v);

    // Tied LM head: logits[t][tok] = lnf[t] · wte[tok].
    let wte = layout.wte.of(p);
    let mut dlnf = vec![0.0f32; t_len * d];
    {
        let gwte = layout.wte.of_mut(grads);
        for t in 0..t_len {
            let h = &acts.lnf[t * d..(t + 1) * d];
            let dh = &mut dlnf[t * d..(t + 1) * d];
            for tok in 0..v {
                let g = dlogits[t * v + tok];
                axpy(g, &wte[tok * d..(tok + 1) * d], dh);
                axpy(g, h, &mut gwte[tok * d..(tok + 1) * d]);
            }
        }
    }

    // dx: gradient with respect to the residual stream, walked backwards.
    let mut dx = vec![0.0f32; t_len * d];
    {
        let (gg, gb) = pair_mut(grads, layout.lnf_g, layout.lnf_b);
        for t in 0..t_len {
            let row = t * d..(t + 1) * d;
            let (mean, rstd) = acts.lnf_stats[t];
            layer_norm_backward(
                &acts.x_out[row.clone()],
                mean,
                rstd,
                layout.lnf_g.of(p),
                &dlnf[row.clone()],
                &mut dx[row],
                gg,
                gb,
            );
        }
    }

    let mut d_fc_act = vec![0.0f32; hidden];
    let mut d_ln = vec![0.0f32; d];
    let mut d_att_out = vec![0.0f32; t_len * d];
    let mut d_qkv = vec![0.0f32; t_len * 3 * d];
    let mut datt = vec![0.0f32; t_len];
    for (bl, a) in layout.blocks.iter().zip(&acts.blocks).rev() {
        // MLP: x_out = x_mid + fc2(gelu(fc(ln2(x_mid)))).
        for t in 0..t_len {
            let row = t * d..(t + 1) * d;
            let hrow = t * hidden..(t + 1) * hidden;
            {
                let (gw, gb) = pair_mut(grads, bl.w_fc2, bl.b_fc2);
                linear_backward(&a.fc_act[hrow.clone()], bl.w_fc2.of(p), &dx[row.clone()], &mut d_fc_act, gw, gb);
            }
            for (g, &z) in d_fc_act.iter_mut().zip(&a.fc_pre[hrow]) {
                *g *= gelu_grad(z);
            }
            {
                let (gw, gb) = pair_mut(grads, bl.w_fc, bl.b_fc);
                linear_backward(&a.ln2[row.clone()], bl.w_fc.of(p), &d_fc_act, &mut d_ln, gw, gb);
            }
            let (gg, gb) = pair_mut(grads, bl.ln2_g, bl.ln2_b);
            let (mean, rstd) = a.ln2_stats[t];
            layer_norm_backward(&a.x_mid[row.clone()], mean, rstd, bl.ln2_g.of(p), &d_ln, &mut dx[row], gg, gb);
        }

        // Attention: x_mid = x_in + proj(attention(ln1(x_in))).
        {
            let (gw, gb) = pair_mut(grads, bl.w_o, bl.b_o);
            for t in 0..t_len {
                let row = t * d..(t + 1) * d;
                linear_backward(&a.att_out[row.clone()], bl.w_o.of(p), &dx[row.clone()], &mut d_att_out[row], gw, gb);
            }
        }
        d_qkv.fill(0.0);
        for h in 0..heads {
            for t in 0..t_len {
                let probs = &a.att[(h * t_len + t) * t_len..(h * t_len + t) * t_len + t + 1];
                let dout = &d_att_out[t * d + h * hd..t * d + (h + 1) * hd];
                let qo = t * 3 * d + h * hd;
                for t2 in 0..=t {
                    let vo = t2 * 3 * d + 2 * d + h * hd;
                    datt[t2] = dot(dout, &a.qkv[vo..vo + hd]);
                    axpy(probs[t2], dout, &mut d_qkv[vo..vo + hd]);
                }
                let s: f32 = probs.iter().zip(&datt[..=t]).map(|(p, g)| p * g).sum();
                for t2 in 0..=t {
                    let ds = probs[t2] * (datt[t2] - s) * scale;
                    let ko = t2 * 3 * d + d + h * hd;
                    for j in 0..hd {
                        d_qkv[qo + j] += ds * a.qkv[ko + j];
                        d_qkv[ko + j] += ds * a.qkv[qo + j];
                    }
                }
            }
        }
        for t in 0..t_len {
            let row = t * d..(t + 1) * d;
            {
                let (gw, gb) = pair_mut(grads, bl.w_qkv, bl.b_qkv);
                linear_backward(
                    &a.ln1[row.clone()],
                    bl.w_qkv.of(p),
                    &d_qkv[t * 3 * d..(t + 1) * 3 * d],
                    &mut d_ln,
                    gw,
                    gb,
                );
            }
            let (gg, gb) = pair_mut(grads, bl.ln1_g, bl.ln1_b);
            let (mean, rstd) = a.ln1_stats[t];
            layer_norm_backward(&a.x_in[row.clone()], mean, rstd, bl.ln1_g.of(p), &d_ln, &mut dx[row], gg, gb);
        }
    }

    // Embeddings.
    let (gwte, gwpe) = pair_mut(grads, layout.wte, layout.wpe);
    for (t, &tok) in tokens.iter().enumerate() {
        let tok = tok as usize;
        let g = &dx[t * d..(t + 1) * d];
        axpy(1.0, g, &mut gwte[tok * d..(tok + 1) * d]);
        axpy(1.0, g, &mut gwpe[t * d..(t + 1) * d]);
    }
}

/// Keys and values of every position seen so far, per block, so each new token costs
/// O(context) attention instead of a full recompute.
pub(crate) struct KvCache {
    k: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    len: usize,
    // Scratch buffers, reused every step.
    x: Vec<f32>,
    ln: Vec<f32>,
    qkv: Vec<f32>,
    att_out: Vec<f32>,
    tmp: Vec<f32>,
    hidden: Vec<f32>,
    scores: Vec<f32>,
}

impl KvCache {
    pub(crate) fn new(config: &Config) -> KvCache {
        let d = config.d_model;
        KvCache {
            k: vec![vec![0.0; config.context * d]; config.layers],
            v: vec![vec![0.0; config.context * d]; config.layers],
            len: 0,
            x: vec![0.0; d],
            ln: vec![0.0; d],
            qkv: vec![0.0; 3 * d],
            att_out: vec![0.0; d],
            tmp: vec![0.0; d],
            hidden: vec![0.0; MLP_RATIO * d],
            scores: vec![0.0; config.context],
        }
    }

    /// Positions filled so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Feeds one token at the next position and returns the logits for the token after
    /// it. The cache must not be full (`len() < context`).
    pub(crate) fn step(&mut self, config: &Config, layout: &Layout, p: &[f32], token: u32) -> Vec<f32> {
        let d = config.d_model;
        let heads = config.heads;
        let hd = d / heads;
        let scale = 1.0 / (hd as f32).sqrt();
        let pos = self.len;
        assert!(pos < config.context, "KV cache full");
        let wte = layout.wte.of(p);
        let wpe = layout.wpe.of(p);
        let tok = token as usize;
        for i in 0..d {
            self.x[i] = wte[tok * d + i] + wpe[pos * d + i];
        }
        for (l, bl) in layout.blocks.iter().enumerate() {
            layer_norm(&self.x, bl.ln1_g.of(p), bl.ln1_b.of(p), &mut self.ln);
            linear(&self.ln, bl.w_qkv.of(p), bl.b_qkv.of(p), &mut self.qkv);
            self.k[l][pos * d..(pos + 1) * d].copy_from_slice(&self.qkv[d..2 * d]);
            self.v[l][pos * d..(pos + 1) * d].copy_from_slice(&self.qkv[2 * d..3 * d]);
            self.att_out.fill(0.0);
            for h in 0..heads {
                let q = &self.qkv[h * hd..(h + 1) * hd];
                let scores = &mut self.scores[..=pos];
                for (t2, s) in scores.iter_mut().enumerate() {
                    *s = dot(q, &self.k[l][t2 * d + h * hd..t2 * d + (h + 1) * hd]) * scale;
                }
                softmax_in_place(scores);
                let out = &mut self.att_out[h * hd..(h + 1) * hd];
                for (t2, &a) in scores.iter().enumerate() {
                    axpy(a, &self.v[l][t2 * d + h * hd..t2 * d + (h + 1) * hd], out);
                }
            }
            linear(&self.att_out, bl.w_o.of(p), bl.b_o.of(p), &mut self.tmp);
            for (xi, ti) in self.x.iter_mut().zip(&self.tmp) {
                *xi += ti;
            }
            layer_norm(&self.x, bl.ln2_g.of(p), bl.ln2_b.of(p), &mut self.ln);
            linear(&self.ln, bl.w_fc.of(p), bl.b_fc.of(p), &mut self.hidden);
            for z in self.hidden.iter_mut() {
                *z = gelu(*z);
            }
            linear(&self.hidden, bl.w_fc2.of(p), bl.b_fc2.of(p), &mut self.tmp);
            for (xi, ti) in self.x.iter_mut().zip(&self.tmp) {
                *xi += ti;
            }
        }
        layer_norm(&self.x, layout.lnf_g.of(p), layout.lnf_b.of(p), &mut self.ln);
        self.len += 1;
        (0..config.vocab).map(|t| dot(&self.ln, &wte[t * d..(t + 1) * d])).collect()
    }
}
