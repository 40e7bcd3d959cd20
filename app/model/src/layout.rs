//! Where each weight tensor lives inside the model's single flat `Vec<f32>` (public, for
//! backends that upload [`Model::params`](crate::Model::params) and index it themselves).
//!
//! Keeping every parameter in one buffer makes serialisation, the optimiser and
//! gradient accumulation one loop each. The order below *is* the file format's
//! parameter order: changing it needs a new format version.

use crate::Config;

/// The MLP's hidden width is this many times `d_model` (GPT-2's choice).
pub const MLP_RATIO: usize = 4;

/// A tensor's place in the flat parameter buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Index of the first f32 in the flat parameter buffer.
    pub start: usize,
    pub len: usize,
}

impl Span {
    pub(crate) fn of<'a>(&self, p: &'a [f32]) -> &'a [f32] {
        &p[self.start..self.start + self.len]
    }

    pub(crate) fn of_mut<'a>(&self, p: &'a mut [f32]) -> &'a mut [f32] {
        &mut p[self.start..self.start + self.len]
    }
}

/// Two disjoint tensors borrowed mutably at once (`a` must come before `b`).
pub(crate) fn pair_mut(p: &mut [f32], a: Span, b: Span) -> (&mut [f32], &mut [f32]) {
    assert!(a.start + a.len <= b.start, "spans out of order");
    let (lo, hi) = p.split_at_mut(b.start);
    (&mut lo[a.start..a.start + a.len], &mut hi[..b.len])
}

/// One transformer block's tensors. Matrices are `[in][out]`, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockLayout {
    pub ln1_g: Span,
    pub ln1_b: Span,
    /// `[d][3d]`: query, key and value projections side by side.
    pub w_qkv: Span,
    pub b_qkv: Span,
    /// `[d][d]`: attention output projection.
    pub w_o: Span,
    pub b_o: Span,
    pub ln2_g: Span,
    pub ln2_b: Span,
    /// `[d][4d]`
    pub w_fc: Span,
    pub b_fc: Span,
    /// `[4d][d]`
    pub w_fc2: Span,
    pub b_fc2: Span,
}

/// The whole model. The LM head is tied to the token embedding `wte`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `[vocab][d]`
    pub wte: Span,
    /// `[context][d]`
    pub wpe: Span,
    pub blocks: Vec<BlockLayout>,
    pub lnf_g: Span,
    pub lnf_b: Span,
    pub total: usize,
}

impl Layout {
    /// Lays out `config`, which must already be validated.
    pub(crate) fn new(config: &Config) -> Layout {
        let d = config.d_model;
        let h = MLP_RATIO * d;
        let mut next = 0usize;
        let mut take = |len: usize| {
            let s = Span { start: next, len };
            next += len;
            s
        };
        let wte = take(config.vocab * d);
        let wpe = take(config.context * d);
        let blocks = (0..config.layers)
            .map(|_| BlockLayout {
                ln1_g: take(d),
                ln1_b: take(d),
                w_qkv: take(d * 3 * d),
                b_qkv: take(3 * d),
                w_o: take(d * d),
                b_o: take(d),
                ln2_g: take(d),
                ln2_b: take(d),
                w_fc: take(d * h),
                b_fc: take(h),
                w_fc2: take(h * d),
                b_fc2: take(d),
            })
            .collect();
        let lnf_g = take(d);
        let lnf_b = take(d);
        Layout { wte, wpe, blocks, lnf_g, lnf_b, total: next }
    }
}
