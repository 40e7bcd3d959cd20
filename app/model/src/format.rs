//! The weights file: a fixed header, the parameters as little-endian f32 in
//! [`Layout`](crate::layout::Layout) order, and an FNV-1a 64-bit checksum of everything
//! before it. The checksum catches corruption, not tampering: a file from an untrusted
//! source must be pinned by a cryptographic hash elsewhere.
//!
//! ```text
//! offset  size  field
//!      0     4  magic "ZGLM"
//!      4     4  format version (u32 LE) = 1
//!      8    20  vocab, d_model, layers, heads, context (u32 LE each)
//!     28     1  provenance: 0 = seeded, 1 = trained
//!     29     8  seed (u64 LE)
//!     37     4  training steps (u32 LE; 0 when seeded)
//!     41     4  corpus bytes (u32 LE; 0 when seeded)
//!     45     4  loss before training (f32 LE; nats per byte; 0 when seeded)
//!     49     4  loss after training (f32 LE; 0 when seeded)
//!     53     8  parameter count n (u64 LE)
//!     61    4n  parameters (f32 LE)
//!  61+4n     8  FNV-1a 64 of bytes 0..61+4n (u64 LE)
//! ```

use crate::{Config, Model, ModelError, Provenance};

pub(crate) const MAGIC: [u8; 4] = *b"ZGLM";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_LEN: usize = 61;

pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

pub(crate) fn to_bytes(model: &Model) -> Vec<u8> {
    let c = model.config();
    let mut out = Vec::with_capacity(HEADER_LEN + 4 * model.params.len() + 8);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    for v in [c.vocab, c.d_model, c.layers, c.heads, c.context] {
        out.extend_from_slice(&(v as u32).to_le_bytes());
    }
    let (kind, seed, steps, corpus, before, after) = match model.provenance {
        Provenance::Seeded { seed } => (0u8, seed, 0, 0, 0.0, 0.0),
        Provenance::Trained { seed, steps, corpus_bytes, loss_before, loss_after } => {
            (1u8, seed, steps, corpus_bytes, loss_before, loss_after)
        }
    };
    out.push(kind);
    out.extend_from_slice(&seed.to_le_bytes());
    out.extend_from_slice(&steps.to_le_bytes());
    out.extend_from_slice(&corpus.to_le_bytes());
    out.extend_from_slice(&f32::to_le_bytes(before));
    out.extend_from_slice(&f32::to_le_bytes(after));
    out.extend_from_slice(&(model.params.len() as u64).to_le_bytes());
    debug_assert_eq!(out.len(), HEADER_LEN);
    for p in &model.params {
        out.extend_from_slice(&p.to_le_bytes());
    }
    let sum = fnv1a64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

pub(crate) fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
    if b.len() >= 4 && b[..4] != MAGIC {
        return Err(ModelError::BadMagic { found: [b[0], b[1], b[2], b[3]] });
    }
    if b.len() < HEADER_LEN + 8 {
        return Err(ModelError::TooShort { len: b.len(), need: HEADER_LEN + 8 });
    }
    let version = u32_at(b, 4);
    if version != VERSION {
        return Err(ModelError::UnsupportedVersion { found: version, supported: VERSION });
    }
    let cfg = |i: usize| u32_at(b, 8 + 4 * i) as usize;
    let config = Config { vocab: cfg(0), d_model: cfg(1), layers: cfg(2), heads: cfg(3), context: cfg(4) };
    config.validate()?;
    let expected_params = config.parameter_count();
    let stored_params = u64_at(b, 53);
    if stored_params != expected_params as u64 {
        return Err(ModelError::ParameterCountMismatch { stored: stored_params, expected: expected_params });
    }
    let expected_len = HEADER_LEN + 4 * expected_params + 8;
    if b.len() != expected_len {
        return Err(ModelError::LengthMismatch { found: b.len(), expected: expected_len });
    }
    let body = &b[..expected_len - 8];
    let stored = u64_at(b, expected_len - 8);
    let computed = fnv1a64(body);
    if stored != computed {
        return Err(ModelError::ChecksumMismatch { stored, computed });
    }
    let seed = u64_at(b, 29);
    let provenance = match b[28] {
        0 => Provenance::Seeded { seed },
        1 => Provenance::Trained {
            seed,
            steps: u32_at(b, 37),
            corpus_bytes: u32_at(b, 41),
            loss_before: f32::from_bits(u32_at(b, 45)),
            loss_after: f32::from_bits(u32_at(b, 49)),
        },
        kind => return Err(ModelError::UnknownProvenance { kind }),
    };
    let mut params = Vec::with_capacity(expected_params);
    for (index, chunk) in body[HEADER_LEN..].chunks_exact(4).enumerate() {
        let v = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        if !v.is_finite() {
            return Err(ModelError::NonFiniteWeight { index });
        }
        params.push(v);
    }
    Ok(Model::from_parts(config, params, provenance))
}
