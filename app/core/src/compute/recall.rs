//! Memory by meaning: which of an agent's memory entries go with a message. Each entry can
//! carry its text's embedding (multilingual-e5-small, computed in the browser when it is
//! saved, stored encrypted with the rest of the memory); a message's own embedding then
//! picks the entries nearest it in meaning, whatever their age or language. Entries saved
//! before embeddings existed, or when none could be computed, take the places left, newest
//! first, as all entries did before.
//!
//! An embedding is stored compactly: `e5:` and base64 of a little-endian f32 scale then one
//! signed byte per dimension (the vector divided by the scale), 520 characters for 384
//! dimensions against 2,048 as f32. Quantising a unit vector so moves a cosine by well under
//! 0.01 (tested), far less than what separates a relevant memory from another.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::inft::metadata::MemoryEntry;

const PREFIX: &str = "e5:";

/// A vector as stored in a memory entry.
pub fn encode_vector(vector: &[f32]) -> String {
    let largest = vector.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let scale = if largest > 0.0 { largest / 127.0 } else { 1.0 };
    let mut bytes = scale.to_le_bytes().to_vec();
    bytes.extend(vector.iter().map(|v| (v / scale).round().clamp(-127.0, 127.0) as i8 as u8));
    format!("{PREFIX}{}", STANDARD.encode(bytes))
}

/// The stored vector, or `None` if the text is not one (another format, damaged).
pub fn decode_vector(stored: &str) -> Option<Vec<f32>> {
    let bytes = STANDARD.decode(stored.strip_prefix(PREFIX)?).ok()?;
    let (scale, values) = bytes.split_first_chunk::<4>()?;
    let scale = f32::from_le_bytes(*scale);
    (scale.is_finite() && !values.is_empty()).then(|| values.iter().map(|&b| f32::from(b as i8) * scale).collect())
}

/// Cosine similarity (the vectors need not be unit length).
pub fn similarity(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return f32::NEG_INFINITY;
    }
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norms = a.iter().map(|x| x * x).sum::<f32>().sqrt() * b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norms > 0.0 {
        dot / norms
    } else {
        0.0
    }
}

/// One entry chosen to go with a message, and how near in meaning it was (`None`: chosen
/// for being recent).
#[derive(Debug, Clone, PartialEq)]
pub struct Recalled<'a> {
    pub entry: &'a MemoryEntry,
    pub similarity: Option<f32>,
}

/// Up to `window` entries for a message: by similarity to `query` when there is one, the
/// rest by recency; returned oldest first, the order they happened in.
pub fn recall<'a>(memory: &'a [MemoryEntry], query: Option<&[f32]>, window: usize) -> Vec<Recalled<'a>> {
    let mut scored: Vec<(usize, Option<f32>)> = memory
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let near = query.zip(e.embedding.as_deref().and_then(decode_vector)).map(|(q, v)| similarity(q, &v));
            (i, near)
        })
        .collect();
    // Nearest first; entries without a score after every scored one, newest first.
    scored.sort_by(|(ia, sa), (ib, sb)| match (sa, sb) {
        (Some(a), Some(b)) => b.total_cmp(a).then(ib.cmp(ia)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => ib.cmp(ia),
    });
    scored.truncate(window);
    scored.sort_by_key(|(i, _)| *i);
    scored.into_iter().map(|(i, similarity)| Recalled { entry: &memory[i], similarity }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at_ms: u64, text: &str, vector: Option<&[f32]>) -> MemoryEntry {
        MemoryEntry { at_ms, role: "user".into(), text: text.into(), embedding: vector.map(encode_vector) }
    }

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn a_stored_vector_keeps_its_direction() {
        let v = unit(&(0..384).map(|i| ((i as f32) * 0.37).sin() * (1.0 + (i % 7) as f32)).collect::<Vec<_>>());
        let stored = encode_vector(&v);
        assert_eq!(stored.len(), 3 + 4 * (388_usize).div_ceil(3));
        let back = decode_vector(&stored).unwrap();
        assert!(similarity(&v, &back) > 0.999, "{}", similarity(&v, &back));
        assert_eq!(decode_vector("e5:!!"), None);
        assert_eq!(decode_vector("f32:AAAA"), None);
        assert_eq!(decode_vector(&encode_vector(&[0.0; 4])).unwrap(), vec![0.0; 4]);
    }

    #[test]
    fn the_nearest_entries_go_in_the_order_they_happened() {
        let (a, b, c) = (unit(&[1.0, 0.0, 0.0]), unit(&[0.0, 1.0, 0.0]), unit(&[0.0, 0.0, 1.0]));
        let memory = vec![
            entry(1, "about a", Some(&a)),
            entry(2, "about b", Some(&b)),
            entry(3, "old, no vector", None),
            entry(4, "about c", Some(&c)),
            entry(5, "new, no vector", None),
        ];
        let query = unit(&[0.9, 0.0, 0.3]);
        let texts = |chosen: &[Recalled]| chosen.iter().map(|r| r.entry.text.clone()).collect::<Vec<_>>();
        let chosen = recall(&memory, Some(&query), 2);
        assert_eq!(texts(&chosen), ["about a", "about c"], "the two nearest");
        assert!(chosen[0].similarity.unwrap() > chosen[1].similarity.unwrap());
        // Places left after every entry with a vector go to the newest without one.
        let chosen = recall(&memory, Some(&query), 4);
        assert_eq!(texts(&chosen), ["about a", "about b", "about c", "new, no vector"]);
        assert_eq!(chosen[3].similarity, None);
        // Without a query: the newest, as before embeddings.
        let recent: Vec<u64> = recall(&memory, None, 2).iter().map(|r| r.entry.at_ms).collect();
        assert_eq!(recent, [4, 5]);
        assert_eq!(recall(&memory, Some(&query), 10).len(), 5);
    }

    #[test]
    fn a_vector_of_another_size_ranks_last() {
        let memory = vec![entry(1, "384", Some(&[1.0, 0.0])), entry(2, "3", Some(&[1.0, 0.0, 0.0]))];
        let chosen = recall(&memory, Some(&[1.0, 0.0, 0.0]), 1);
        assert_eq!(chosen[0].entry.text, "3");
    }
}
