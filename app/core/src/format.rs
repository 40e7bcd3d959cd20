//! How amounts and addresses are written for people, and how typed amounts are read.
//! Exact decimal arithmetic on wei: no floating point anywhere near money.

use alloy_primitives::{Address, U256};

pub const DECIMALS: usize = 18;
pub const UNIT: &str = "0G";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("enter an amount, e.g. 1.5")]
    Empty,
    #[error("\"{0}\" is not a number; use digits and one decimal point, e.g. 0.25")]
    NotANumber(String),
    #[error("0G has 18 decimals; use at most 18 digits after the point")]
    TooPrecise,
    #[error("that amount is too large")]
    TooLarge,
}

/// `wei` as 0G with up to `max_decimals` decimals, trailing zeros trimmed: "1.5", "0.000001".
pub fn format_units(wei: U256, max_decimals: usize) -> String {
    format_amount(wei, DECIMALS, max_decimals)
}

/// An amount of a token with `decimals` decimals (an ERC-20's own), written as
/// [`format_units`] writes 0G.
pub fn format_amount(wei: U256, decimals: usize, max_decimals: usize) -> String {
    let s = wei.to_string();
    let (int, frac) = if s.len() > decimals {
        (s[..s.len() - decimals].to_string(), s[s.len() - decimals..].to_string())
    } else {
        ("0".to_string(), format!("{s:0>decimals$}"))
    };
    let frac = frac[..max_decimals.min(decimals)].trim_end_matches('0');
    let int = group_thousands(&int);
    if frac.is_empty() {
        if wei.is_zero() || max_decimals >= decimals {
            int
        } else if int == "0" {
            // Non-zero but below display precision: say so rather than show 0.
            format!("<0.{}1", "0".repeat(max_decimals.saturating_sub(1)))
        } else {
            int
        }
    } else {
        format!("{int}.{frac}")
    }
}

/// `wei` as "1.5 0G".
pub fn format_0g(wei: U256) -> String {
    format!("{} {UNIT}", format_units(wei, 6))
}

/// Reads "1.5" (0G) into wei, exactly.
pub fn parse_0g(input: &str) -> Result<U256, AmountError> {
    // A comma is taken only as a thousands separator ("1,250.5"): "1,5" means 1.5 in much
    // of the world and 15 here, so a comma anywhere else refuses the amount.
    if !commas_group_thousands(input.trim()) {
        return Err(AmountError::NotANumber(input.trim().chars().take(40).collect()));
    }
    let t = input.trim().replace(['_', ','], "");
    if t.is_empty() {
        return Err(AmountError::Empty);
    }
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err(AmountError::NotANumber(input.trim().chars().take(40).collect()));
    }
    if frac.len() > DECIMALS {
        return Err(AmountError::TooPrecise);
    }
    let joined = format!("{}{frac:0<DECIMALS$}", if int.is_empty() { "0" } else { int });
    U256::from_str_radix(&joined, 10).map_err(|_| AmountError::TooLarge)
}

/// Whether every comma in `text` separates groups of three digits before the point.
fn commas_group_thousands(text: &str) -> bool {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if !text.contains(',') {
        return true;
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or_default();
    !frac.contains(',') && (1..=3).contains(&first.len()) && groups.all(|g| g.len() == 3)
}

/// Gas prices in gwei with up to 3 decimals.
/// The text with its first letter upper-case: an error message made a sentence.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

pub fn format_gwei(wei: u128) -> String {
    let whole = wei / 1_000_000_000;
    let milli = (wei % 1_000_000_000) / 1_000_000;
    if milli == 0 {
        format!("{whole} gwei")
    } else {
        format!("{whole}.{}", format!("{milli:03}").trim_end_matches('0')) + " gwei"
    }
}

/// Reads a gwei amount ("1.5") into wei.
pub fn parse_gwei(input: &str) -> Result<u128, AmountError> {
    let wei = parse_0g(input)? / U256::from(1_000_000_000u64);
    u128::try_from(wei).map_err(|_| AmountError::TooLarge)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("enter an address: 0x followed by 40 hexadecimal characters")]
    Empty,
    #[error("that is not an address: use 0x followed by 40 hexadecimal characters")]
    Malformed,
    /// Mixed case is an EIP-55 checksum, and this one does not match: a character was
    /// changed or mistyped, so the address may belong to nobody, or to someone else.
    #[error("this address's capitalisation (its EIP-55 checksum) is wrong, so a character was probably mistyped; copy the address again from its source")]
    BadChecksum,
}

/// Reads an address a person typed or pasted. All-lowercase and all-uppercase carry no
/// checksum and are taken as they are; mixed case is an EIP-55 checksum and must match, so a
/// mistyped character in a checksummed address is caught before anything is sent to it.
/// The one place the UI turns typed text into an [`Address`].
pub fn parse_address(input: &str) -> Result<Address, AddressError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(AddressError::Empty);
    }
    let digits = text.strip_prefix("0x").ok_or(AddressError::Malformed)?;
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressError::Malformed);
    }
    let address: Address = digits.parse().map_err(|_| AddressError::Malformed)?;
    let mixed = digits.bytes().any(|b| b.is_ascii_lowercase()) && digits.bytes().any(|b| b.is_ascii_uppercase());
    // EIP-55 itself, not a chain-specific variant (EIP-1191): what wallets and explorers show.
    if mixed && address.to_checksum(None)[2..] != *digits {
        return Err(AddressError::BadChecksum);
    }
    Ok(address)
}

/// "0x1234…abcd": enough to recognise, short enough for a phone.
pub fn short_address(address: &Address) -> String {
    let full = address.to_checksum(None);
    format!("{}…{}", &full[..6], &full[full.len() - 4..])
}

pub fn short_hash(hash: &str) -> String {
    if hash.len() > 14 {
        format!("{}…{}", &hash[..8], &hash[hash.len() - 6..])
    } else {
        hash.to_string()
    }
}

fn group_thousands(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wei(s: &str) -> U256 {
        U256::from_str_radix(s, 10).unwrap()
    }

    #[test]
    fn formats_whole_fractional_and_tiny_amounts() {
        assert_eq!(format_0g(U256::ZERO), "0 0G");
        assert_eq!(format_0g(wei("1000000000000000000")), "1 0G");
        assert_eq!(format_0g(wei("1500000000000000000")), "1.5 0G");
        assert_eq!(format_0g(wei("10000000000000000000000")), "10,000 0G");
        assert_eq!(format_0g(wei("1")), "<0.000001 0G");
        assert_eq!(format_units(wei("1"), 18), "0.000000000000000001");
        assert_eq!(format_units(wei("123456789"), 18), "0.000000000123456789");
    }

    #[test]
    fn token_amounts_follow_the_tokens_decimals() {
        assert_eq!(format_amount(wei("1234567"), 6, 6), "1.234567");
        assert_eq!(format_amount(wei("1234567"), 6, 2), "1.23");
        assert_eq!(format_amount(wei("5"), 6, 2), "<0.01");
        assert_eq!(format_amount(wei("1500"), 0, 6), "1,500", "a token without decimals");
        assert_eq!(format_amount(U256::ZERO, 6, 6), "0");
    }

    #[test]
    fn parses_exactly_and_refuses_nonsense() {
        assert_eq!(parse_0g("1.5").unwrap(), wei("1500000000000000000"));
        assert_eq!(parse_0g(" .25 ").unwrap(), wei("250000000000000000"));
        assert_eq!(parse_0g("3").unwrap(), wei("3000000000000000000"));
        assert_eq!(parse_0g("0.000000000000000001").unwrap(), wei("1"));
        assert_eq!(parse_0g(""), Err(AmountError::Empty));
        assert!(matches!(parse_0g("1.2.3"), Err(AmountError::NotANumber(_))));
        // Commas group thousands, nothing else: "1,5" is not read as 15.
        assert_eq!(parse_0g("1,250.5").unwrap(), wei("1250500000000000000000"));
        assert_eq!(parse_0g("12,345,678").unwrap(), wei("12345678000000000000000000"));
        for ambiguous in ["1,5", "1,25", "1,2345", ",100", "1,000,00", "0.1,5", "1234,567"] {
            assert!(matches!(parse_0g(ambiguous), Err(AmountError::NotANumber(_))), "{ambiguous}");
        }
        assert!(matches!(parse_0g("-1"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse_0g("1e18"), Err(AmountError::NotANumber(_))));
        assert!(matches!(parse_0g("."), Err(AmountError::NotANumber(_))));
        assert_eq!(parse_0g("0.0000000000000000001"), Err(AmountError::TooPrecise));
    }

    #[test]
    fn round_trips() {
        for s in ["0.1", "42", "12345.678901", "0.000001"] {
            assert_eq!(format_units(parse_0g(s).unwrap(), 18).replace(',', ""), s);
        }
    }

    #[test]
    fn typed_addresses_follow_eip_55() {
        // EIP-55's published test vectors: all caps, all lower, and checksummed.
        let vectors = [
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77",
            "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ];
        for v in vectors {
            let a = parse_address(v).unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(a.to_checksum(None).to_lowercase(), v.to_lowercase());
            assert_eq!(parse_address(&format!("  {v}\n")), Ok(a), "surrounding space is trimmed");
        }
        // The checksummed vectors with one letter's case flipped: the checksum catches it.
        for v in &vectors[4..] {
            let i = v.char_indices().skip(2).find(|(_, c)| c.is_ascii_alphabetic()).unwrap().0;
            let mut flipped = v.to_string();
            let c = flipped.as_bytes()[i] as char;
            let swapped = if c.is_ascii_uppercase() { c.to_ascii_lowercase() } else { c.to_ascii_uppercase() };
            flipped.replace_range(i..=i, &swapped.to_string());
            let err = parse_address(&flipped).unwrap_err();
            assert_eq!(err, AddressError::BadChecksum, "{flipped}");
            assert!(err.to_string().contains("EIP-55"));
        }
        // A mistyped digit in a checksummed address: the case pattern no longer fits.
        assert_eq!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAee"), Err(AddressError::BadChecksum));
        assert_eq!(parse_address(" "), Err(AddressError::Empty));
        for bad in [
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f",
            "0xzz",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedaa",
        ] {
            assert_eq!(parse_address(bad), Err(AddressError::Malformed), "{bad}");
        }
    }

    #[test]
    fn gwei_and_addresses() {
        assert_eq!(format_gwei(1_000_000_000), "1 gwei");
        assert_eq!(format_gwei(2_500_000_000), "2.5 gwei");
        assert_eq!(parse_gwei("2.5").unwrap(), 2_500_000_000);
        let a: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse().unwrap();
        assert_eq!(short_address(&a), "0xf39F…2266");
    }
}
