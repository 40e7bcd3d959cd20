//! Byte-level tokenizer: one token per UTF-8 byte (vocabulary 256). Every string round
//! trips exactly; a model can produce byte sequences that are not valid UTF-8, which
//! decode to U+FFFD rather than failing.

/// The vocabulary a byte-level model needs.
pub const BYTE_VOCAB: usize = 256;

pub(crate) fn encode(text: &str) -> Vec<u32> {
    text.bytes().map(u32::from).collect()
}

/// Tokens ≥ 256 (impossible from this model) decode to U+FFFD.
pub(crate) fn decode(tokens: &[u32]) -> String {
    let mut out = String::new();
    let mut stream = Utf8Stream::default();
    for &t in tokens {
        out.push_str(&stream.push(t));
    }
    out.push_str(&stream.finish());
    out
}

/// Turns a stream of byte tokens into text pieces as soon as they form complete
/// characters, so a streamed answer never shows half a multi-byte character.
#[derive(Debug, Default, Clone)]
pub(crate) struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// Adds one token; returns the text it completes (often empty mid-character).
    pub(crate) fn push(&mut self, token: u32) -> String {
        let Ok(byte) = u8::try_from(token) else {
            let mut out = self.finish();
            out.push(char::REPLACEMENT_CHARACTER);
            return out;
        };
        self.pending.push(byte);
        let mut out = String::new();
        loop {
            match core::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.push_str(s);
                    self.pending.clear();
                    return out;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    out.push_str(core::str::from_utf8(&self.pending[..valid]).unwrap_or_default());
                    match e.error_len() {
                        // Invalid bytes: replace them and keep scanning.
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.pending.drain(..valid + bad);
                        }
                        // An incomplete character at the end: wait for more bytes.
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                    }
                }
            }
        }
    }

    /// Whatever is left (an unfinished character) as U+FFFD.
    pub(crate) fn finish(&mut self) -> String {
        let out = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_waits_for_whole_characters() {
        let mut s = Utf8Stream::default();
        let bytes = "é€".as_bytes();
        let pieces: Vec<String> = bytes.iter().map(|&b| s.push(b as u32)).collect();
        assert_eq!(pieces, ["", "é", "", "", "€"]);
        assert_eq!(s.finish(), "");
    }

    #[test]
    fn invalid_and_unfinished_bytes_become_replacement_characters() {
        assert_eq!(decode(&[0x61, 0xFF, 0x62]), "a\u{FFFD}b");
        assert_eq!(decode(&[0x61, 0xE2, 0x82]), "a\u{FFFD}");
        assert_eq!(decode(&[0x61, 300]), "a\u{FFFD}");
    }
}
