//! The handful of protobuf encodings CometBFT hashes and signs, written by hand: a header's
//! fields, a validator, a vote. Each is a few scalar fields, and the bytes must be exactly
//! what gogoproto emits (proto3: zero scalars and empty bytes left out; non-nullable
//! embedded messages always written), which a generic codec would have to be configured
//! into anyway. Checked against tendermint-rs' encodings in `cometbft_tests.rs`.

#[derive(Default)]
pub struct Proto(Vec<u8>);

impl Proto {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The message preceded by its length, as CometBFT signs votes.
    pub fn into_delimited(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 2);
        push_varint(&mut out, self.0.len() as u64);
        out.extend(self.0);
        out
    }

    fn key(&mut self, field: u32, wire: u8) {
        push_varint(&mut self.0, (u64::from(field) << 3) | u64::from(wire));
    }

    pub fn uint(mut self, field: u32, value: u64) -> Self {
        if value != 0 {
            self.key(field, 0);
            push_varint(&mut self.0, value);
        }
        self
    }

    /// int64 and int32 (negative values as ten-byte varints, as protobuf does).
    pub fn int(self, field: u32, value: i64) -> Self {
        self.uint(field, value as u64)
    }

    pub fn sfixed64(mut self, field: u32, value: i64) -> Self {
        if value != 0 {
            self.key(field, 1);
            self.0.extend(value.to_le_bytes());
        }
        self
    }

    pub fn bytes(mut self, field: u32, value: &[u8]) -> Self {
        if !value.is_empty() {
            self.key(field, 2);
            push_varint(&mut self.0, value.len() as u64);
            self.0.extend(value);
        }
        self
    }

    /// An embedded message, written even when empty (gogoproto's non-nullable fields).
    pub fn message(mut self, field: u32, value: Proto) -> Self {
        self.key(field, 2);
        push_varint(&mut self.0, value.0.len() as u64);
        self.0.extend(value.0);
        self
    }
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_follow_proto3() {
        assert_eq!(Proto::new().uint(1, 0).bytes(2, b"").into_bytes(), Vec::<u8>::new());
        assert_eq!(Proto::new().uint(1, 300).into_bytes(), [0x08, 0xac, 0x02]);
        assert_eq!(Proto::new().int(2, -1).into_bytes().len(), 11);
        assert_eq!(Proto::new().sfixed64(2, 5).into_bytes(), [0x11, 5, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(Proto::new().message(4, Proto::new()).into_delimited(), [2, 0x22, 0]);
    }
}
