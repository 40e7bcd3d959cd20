//! The ERC-20 tokens an account keeps in view: the calls that read a token's symbol, name,
//! decimals and a balance, the checks a token's self-description must pass before it is
//! shown, and the list itself (add, hide, show again). Pure, so it is tested natively; the
//! app reads every value through the light client and keeps the list sealed per account.
//!
//! A token names itself: anyone can deploy one called "0G" or "USDC". So what a token says
//! about itself is held to plain rules (short, printable, not the chain's own coin), and
//! the list keys tokens by contract address, never by symbol.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use serde::{Deserialize, Serialize};
use thiserror::Error;
// ERC-20's calls by their standard selectors: WrappedZG is an OpenZeppelin ERC-20, so its
// bindings are the ones every ERC-20 answers.
use zg_abi::wrapped_zg::WrappedZG::{balanceOfCall, decimalsCall, nameCall, symbolCall};

/// Longest symbol and name shown; longer ones are refused rather than cut, since a cut
/// name can be made to read as another.
pub const MAX_SYMBOL_CHARS: usize = 16;
pub const MAX_NAME_CHARS: usize = 64;
/// ERC-20 allows any `uint8`; beyond this no amount reads sensibly (and 10^decimals
/// must fit the arithmetic).
pub const MAX_DECIMALS: u8 = 36;

pub fn symbol_call() -> Bytes {
    symbolCall {}.abi_encode().into()
}
pub fn name_call() -> Bytes {
    nameCall {}.abi_encode().into()
}
pub fn decimals_call() -> Bytes {
    decimalsCall {}.abi_encode().into()
}
pub fn balance_call(owner: Address) -> Bytes {
    balanceOfCall { account: owner }.abi_encode().into()
}
pub fn decode_string(out: &[u8]) -> Option<String> {
    symbolCall::abi_decode_returns(out).ok()
}
/// The word must hold a `uint8`: the decoder alone would keep the low byte of anything.
pub fn decode_decimals(out: &[u8]) -> Option<u8> {
    u8::try_from(<U256 as SolValue>::abi_decode(out).ok()?).ok()
}
pub fn decode_balance(out: &[u8]) -> Option<U256> {
    balanceOfCall::abi_decode_returns(out).ok()
}

/// What a token says about itself, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub address: Address,
    pub symbol: String,
    pub name: String,
    pub decimals: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("the contract did not answer {0}() as an ERC-20 does; check that the address is a token's")]
    NotErc20(&'static str),
    #[error("the token calls itself \"{0}\", the network's own coin; a token cannot be 0G, so it is not added")]
    PosesAsNative(String),
    #[error("the token's {what} is empty, too long (over {max} characters) or holds characters that are not printable; it is not added")]
    BadText { what: &'static str, max: usize },
    #[error("the token says it has {0} decimals; more than 36 cannot be shown, so it is not added")]
    TooManyDecimals(u8),
}

/// The chain's own coin by the names it goes by; a token taking one is refused.
const NATIVE_NAMES: [&str; 3] = ["0G", "OG", "A0GI"];

fn printable(text: &str, max: usize) -> bool {
    let trimmed = text.trim();
    !trimmed.is_empty() && trimmed.chars().count() <= max && !trimmed.chars().any(|c| c.is_control() || is_invisible(c))
}

/// Characters that draw nothing or reorder text: a symbol holding one can look like another.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// A token from its answers to `symbol()`, `name()` and `decimals()`, or why not.
pub fn token_from(address: Address, symbol: &str, name: &str, decimals: u8) -> Result<Token, TokenError> {
    if !printable(symbol, MAX_SYMBOL_CHARS) {
        return Err(TokenError::BadText { what: "symbol", max: MAX_SYMBOL_CHARS });
    }
    if !printable(name, MAX_NAME_CHARS) {
        return Err(TokenError::BadText { what: "name", max: MAX_NAME_CHARS });
    }
    let symbol = symbol.trim().to_string();
    if NATIVE_NAMES.iter().any(|n| n.eq_ignore_ascii_case(&symbol)) {
        return Err(TokenError::PosesAsNative(symbol));
    }
    if decimals > MAX_DECIMALS {
        return Err(TokenError::TooManyDecimals(decimals));
    }
    Ok(Token { address, symbol, name: name.trim().to_string(), decimals })
}

/// One token of the list, and whether the user hid it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub token: Token,
    pub hidden: bool,
}

/// The tokens an account keeps, in the order added; one entry per contract.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenList {
    pub entries: Vec<Entry>,
}

impl TokenList {
    /// Adds `token`, or shows it again if it was hidden (its description refreshed).
    pub fn add(&mut self, token: Token) {
        match self.entries.iter_mut().find(|e| e.token.address == token.address) {
            Some(e) => *e = Entry { token, hidden: false },
            None => self.entries.push(Entry { token, hidden: false }),
        }
    }

    /// Hides or shows the token at `address`; false if the list has none.
    pub fn set_hidden(&mut self, address: Address, hidden: bool) -> bool {
        match self.entries.iter_mut().find(|e| e.token.address == address) {
            Some(e) => {
                e.hidden = hidden;
                true
            }
            None => false,
        }
    }

    /// The token at `address`, hidden or shown: hiding a token does not change how its
    /// amounts are written.
    pub fn get(&self, address: Address) -> Option<&Token> {
        self.entries.iter().map(|e| &e.token).find(|t| t.address == address)
    }

    pub fn visible(&self) -> impl Iterator<Item = &Token> {
        self.entries.iter().filter(|e| !e.hidden).map(|e| &e.token)
    }

    pub fn hidden(&self) -> impl Iterator<Item = &Token> {
        self.entries.iter().filter(|e| e.hidden).map(|e| &e.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const T1: Address = address!("00000000000000000000000000000000000000a1");

    fn token(addr: Address, symbol: &str) -> Token {
        token_from(addr, symbol, "A token", 18).unwrap()
    }

    #[test]
    fn answers_decode_as_erc20_returns_them() {
        assert_eq!(decode_string(&"W0G".to_string().abi_encode()).as_deref(), Some("W0G"));
        assert_eq!(decode_decimals(&U256::from(6).abi_encode()), Some(6));
        assert_eq!(decode_decimals(&U256::from(256).abi_encode()), None, "not a uint8");
        assert_eq!(decode_balance(&U256::from(12345).abi_encode()), Some(U256::from(12345)));
        assert_eq!(decode_string(&[]), None);
        // The standard selectors, from their signatures.
        let sel = |sig: &str| alloy_primitives::keccak256(sig)[..4].to_vec();
        assert_eq!(symbol_call().to_vec(), sel("symbol()"));
        assert_eq!(decimals_call().to_vec(), sel("decimals()"));
        assert_eq!(balance_call(T1)[..4].to_vec(), sel("balanceOf(address)"));
    }

    #[test]
    fn a_token_posing_as_the_chains_coin_or_hiding_characters_is_refused() {
        assert_eq!(token_from(T1, " 0g ", "Zero G", 18), Err(TokenError::PosesAsNative("0g".into())));
        assert_eq!(token_from(T1, "OG", "x", 18), Err(TokenError::PosesAsNative("OG".into())));
        assert!(matches!(token_from(T1, "US\u{200B}DC", "x", 6), Err(TokenError::BadText { what: "symbol", .. })));
        assert!(matches!(token_from(T1, "", "x", 6), Err(TokenError::BadText { what: "symbol", .. })));
        assert!(matches!(
            token_from(T1, "ABC", &"n".repeat(MAX_NAME_CHARS + 1), 6),
            Err(TokenError::BadText { what: "name", .. })
        ));
        assert_eq!(token_from(T1, "ABC", "x", 37), Err(TokenError::TooManyDecimals(37)));
        let ok = token_from(T1, " W0G ", " Wrapped 0G ", 18).unwrap();
        assert_eq!((ok.symbol.as_str(), ok.name.as_str()), ("W0G", "Wrapped 0G"));
    }

    #[test]
    fn the_list_keeps_one_entry_per_contract_and_hiding_is_undone_by_adding() {
        let t2 = address!("00000000000000000000000000000000000000b2");
        let mut list = TokenList::default();
        list.add(token(T1, "AAA"));
        list.add(token(t2, "BBB"));
        list.add(token(T1, "AAA2"));
        assert_eq!(list.entries.len(), 2, "by address, not by symbol");
        assert_eq!(list.entries[0].token.symbol, "AAA2", "the description is refreshed");
        assert!(list.set_hidden(T1, true));
        assert_eq!(list.get(T1).map(|t| t.symbol.as_str()), Some("AAA2"), "a hidden token is still known");
        assert_eq!(list.get(address!("00000000000000000000000000000000000000c3")), None);
        assert_eq!(list.visible().map(|t| t.address).collect::<Vec<_>>(), vec![t2]);
        assert_eq!(list.hidden().map(|t| t.address).collect::<Vec<_>>(), vec![T1]);
        assert!(!list.set_hidden(address!("00000000000000000000000000000000000000c3"), true));
        list.add(token(T1, "AAA"));
        assert_eq!(list.visible().count(), 2);
        let json = serde_json::to_string(&list).unwrap();
        assert_eq!(serde_json::from_str::<TokenList>(&json).unwrap(), list);
    }
}
