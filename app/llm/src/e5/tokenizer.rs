//! multilingual-e5-small's tokenizer: XLM-RoBERTa's SentencePiece unigram model. Text is
//! normalised code point by code point through the file's table (the SentencePiece
//! normaliser baked per code point: compatibility forms folded, controls dropped, every
//! kind of space made a plain one), runs of spaces collapsed and the ends trimmed, a `▁`
//! put before it and in place of each space; then the most probable split into pieces
//! (Viterbi over the pieces' log-probabilities), `<s>` first and `</s>` last.

use std::collections::HashMap;

use super::format::E5File;

/// What SentencePiece scores a character no piece covers: far below any piece.
const UNKNOWN_PENALTY: f32 = 10.0;

pub struct Unigram {
    pieces: HashMap<String, (u32, f32)>,
    normaliser: HashMap<char, Vec<char>>,
    /// The longest piece, in characters: no split looks further.
    longest: usize,
    unk: (u32, f32),
    bos: u32,
    eos: u32,
}

impl Unigram {
    pub fn new(file: &E5File) -> Unigram {
        let p = &file.pieces;
        let mut pieces = HashMap::with_capacity(p.texts.len());
        let mut longest = 1;
        for (id, (text, score)) in p.texts.iter().zip(&p.scores).enumerate() {
            let id = id as u32;
            // The control pieces are never matched against text.
            if [p.bos, p.eos, p.unk].contains(&id) || text.is_empty() || (text.starts_with('<') && text.ends_with('>'))
            {
                continue;
            }
            longest = longest.max(text.chars().count());
            pieces.entry(text.clone()).or_insert((id, *score));
        }
        let lowest = p.scores.iter().copied().fold(0.0f32, f32::min);
        let normaliser = file
            .normaliser
            .iter()
            .filter_map(|(from, to)| {
                let from = char::from_u32(*from)?;
                Some((from, to.iter().filter_map(|c| char::from_u32(*c)).collect()))
            })
            .collect();
        Unigram { pieces, normaliser, longest, unk: (p.unk, lowest - UNKNOWN_PENALTY), bos: p.bos, eos: p.eos }
    }

    /// The text as SentencePiece sees it before splitting.
    pub fn normalise(&self, text: &str) -> String {
        let mut mapped = String::with_capacity(text.len());
        for c in text.chars() {
            match self.normaliser.get(&c) {
                Some(to) => mapped.extend(to),
                None => mapped.push(c),
            }
        }
        let words: Vec<&str> = mapped.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return String::new();
        }
        format!("▁{}", words.join("▁"))
    }

    /// Token ids with `<s>` and `</s>`, at most `max` in all (the rest of a long text is cut).
    pub fn encode(&self, text: &str, max: usize) -> Vec<u32> {
        let mut ids = vec![self.bos];
        ids.extend(self.split(&self.normalise(text)).into_iter().take(max.saturating_sub(2)));
        ids.push(self.eos);
        ids
    }

    fn split(&self, text: &str) -> Vec<u32> {
        let bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let n = bounds.len() - 1;
        // best[i]: the best score of a split of the first i characters, and its last piece.
        let mut best: Vec<(f32, usize, u32)> = vec![(f32::NEG_INFINITY, 0, 0); n + 1];
        best[0].0 = 0.0;
        for start in 0..n {
            let here = best[start].0;
            if here == f32::NEG_INFINITY {
                continue;
            }
            let mut matched_one = false;
            for end in start + 1..=n.min(start + self.longest) {
                if let Some(&(id, score)) = self.pieces.get(&text[bounds[start]..bounds[end]]) {
                    matched_one |= end == start + 1;
                    if here + score > best[end].0 {
                        best[end] = (here + score, start, id);
                    }
                }
            }
            if !matched_one && here + self.unk.1 > best[start + 1].0 {
                best[start + 1] = (here + self.unk.1, start, self.unk.0);
            }
        }
        let mut ids = Vec::new();
        let mut at = n;
        while at > 0 {
            let (_, start, id) = best[at];
            ids.push(id);
            at = start;
        }
        ids.reverse();
        ids
    }
}
