//! Parsing of JSON-RPC quantities ("0x1a") that some nodes send with and some without
//! leading zeros. Kept here so every module reads numbers the same way.

use alloy_primitives::U256;

/// Parses a JSON-RPC quantity or 32-byte hex word into a U256.
pub(crate) fn parse_u256(s: &str) -> Result<U256, String> {
    let digits =
        s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).ok_or_else(|| format!("{s:?} is not 0x-prefixed hex"))?;
    if digits.is_empty() {
        return Err(format!("{s:?} has no digits"));
    }
    U256::from_str_radix(digits, 16).map_err(|e| format!("{s:?} is not a hex number: {e}"))
}

pub(crate) fn parse_u64(s: &str) -> Result<u64, String> {
    let v = parse_u256(s)?;
    u64::try_from(v).map_err(|_| format!("{s:?} does not fit in 64 bits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_quantities_and_words() {
        assert_eq!(parse_u64("0x0").unwrap(), 0);
        assert_eq!(parse_u64("0x1a").unwrap(), 26);
        assert_eq!(parse_u256(&format!("0x{}", "00".repeat(31) + "ff")).unwrap(), U256::from(255));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_u64("12").is_err());
        assert!(parse_u64("0x").is_err());
        assert!(parse_u64("0xzz").is_err());
        assert!(parse_u64("0x1ffffffffffffffff").is_err());
    }
}
