//! 0G's staking calls exactly as 0G documents them (0gfoundation/0g-doc,
//! docs/developer-hub/building-on-0g/contracts-on-0g/staking-interfaces.md): the registry
//! (`IStakingContract`: `getValidator(pubkey)`, `validatorCount()`) and one contract per
//! validator (`IValidatorContract`: `delegate`, `undelegate` with its fee, `tokens`,
//! `delegatorShares`, `getDelegation`, `commissionRate`, `withdrawalFeeInGwei`). Nothing
//! else is called: 0G documents no way to list validators, no events, no conversion or
//! withdrawal-queue views, and no withdraw call (its consensus layer pays withdrawals).
//! Pure, tested natively.

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError};

// The registry, then one validator's contract (the stand-ins' ABIs are 0G's documented ones).
use zg_abi::staking::ZgStaking::{getValidatorCall, validatorCountCall};
use zg_abi::validator::ZgValidator::*;

/// `commissionRate` is in parts per million (0G's docs: 50000 = 5%).
pub const COMMISSION_DENOMINATOR: u32 = 1_000_000;
/// A consensus public key: 48 bytes (0G's docs: "Identified by 48-byte consensus public key").
pub const PUBKEY_LENGTH: usize = 48;
const GWEI: u64 = 1_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PubkeyError {
    #[error("a validator's consensus public key is 48 bytes written as 96 hex digits (0x…); this is not hex")]
    NotHex,
    #[error("a validator's consensus public key is 48 bytes (96 hex digits); this one has {0} bytes")]
    WrongLength(usize),
}

/// A consensus public key typed or pasted by the user, with or without `0x`.
pub fn parse_pubkey(text: &str) -> Result<Bytes, PubkeyError> {
    let bytes = hex::decode(text.trim().trim_start_matches("0x")).map_err(|_| PubkeyError::NotHex)?;
    if bytes.len() != PUBKEY_LENGTH {
        return Err(PubkeyError::WrongLength(bytes.len()));
    }
    Ok(bytes.into())
}

pub fn get_validator_call(pubkey: Bytes) -> Bytes {
    getValidatorCall { pubkey }.abi_encode().into()
}
/// The validator contract of a key; the zero address when the registry has none.
pub fn decode_address(out: &[u8]) -> Option<Address> {
    getValidatorCall::abi_decode_returns(out).ok()
}
pub fn validator_count_call() -> Bytes {
    validatorCountCall {}.abi_encode().into()
}
pub fn decode_count(out: &[u8]) -> Option<u32> {
    validatorCountCall::abi_decode_returns(out).ok()
}
pub fn tokens_call() -> Bytes {
    tokensCall {}.abi_encode().into()
}
pub fn delegator_shares_call() -> Bytes {
    delegatorSharesCall {}.abi_encode().into()
}
pub fn decode_u256(out: &[u8]) -> Option<U256> {
    tokensCall::abi_decode_returns(out).ok()
}
pub fn commission_call() -> Bytes {
    commissionRateCall {}.abi_encode().into()
}
pub fn decode_commission(out: &[u8]) -> Option<u32> {
    commissionRateCall::abi_decode_returns(out).ok()
}
pub fn fee_call() -> Bytes {
    withdrawalFeeInGweiCall {}.abi_encode().into()
}
/// The withdrawal fee in wei (the contract states it in gwei).
pub fn decode_fee(out: &[u8]) -> Option<U256> {
    let gwei = withdrawalFeeInGweiCall::abi_decode_returns(out).ok()?;
    Some(U256::from(gwei) * U256::from(GWEI))
}
pub fn delegation_call(delegator: Address) -> Bytes {
    getDelegationCall { delegator }.abi_encode().into()
}
/// The delegator's shares.
pub fn decode_delegation(out: &[u8]) -> Option<U256> {
    getDelegationCall::abi_decode_returns(out).ok().map(|r| r._1)
}
pub fn delegate_call(delegator: Address) -> Bytes {
    delegateCall { delegatorAddress: delegator }.abi_encode().into()
}
pub fn undelegate_call(withdrawal_address: Address, shares: U256) -> Bytes {
    undelegateCall { withdrawalAddress: withdrawal_address, shares }.abi_encode().into()
}

/// What `shares` are worth: `shares × tokens / delegatorShares`, rounded down (0G's
/// documented formula). None when the pool has no shares or the product overflows.
pub fn share_value(shares: U256, tokens: U256, delegator_shares: U256) -> Option<U256> {
    if delegator_shares.is_zero() {
        return None;
    }
    Some(shares.checked_mul(tokens)? / delegator_shares)
}

/// The shares to undelegate so that at least `amount` comes back: the fewest whose
/// [`share_value`] reaches it (`amount × delegatorShares / tokens`, rounded up), and all of
/// `held` when that is more than is held. None when the pool holds nothing or the product
/// overflows.
pub fn shares_for(amount: U256, tokens: U256, delegator_shares: U256, held: U256) -> Option<U256> {
    if tokens.is_zero() || delegator_shares.is_zero() {
        return None;
    }
    let product = amount.checked_mul(delegator_shares)?;
    let shares = product.div_ceil(tokens);
    Some(shares.min(held))
}

/// "5%" from parts per million.
pub fn commission_percent(ppm: u32) -> String {
    let tenths = u64::from(ppm) * 1000 / u64::from(COMMISSION_DENOMINATOR);
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{}.{}%", tenths / 10, tenths % 10)
    }
}

/// An undelegation read back from a proven raw transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelegation {
    pub from: Address,
    pub validator: Address,
    pub withdrawal_address: Address,
    pub shares: U256,
    pub fee_paid: U256,
}

/// Decodes a signed transaction (EIP-2718 bytes) as a call of `undelegate`; None when it
/// is something else. The sender is recovered from the signature, not taken on trust.
pub fn decode_undelegation(raw: &[u8]) -> Option<Undelegation> {
    let tx = TxEnvelope::decode_2718(&mut &raw[..]).ok()?;
    let call = undelegateCall::abi_decode(tx.input()).ok()?;
    Some(Undelegation {
        from: tx.recover_signer().ok()?,
        validator: tx.to()?,
        withdrawal_address: call.withdrawalAddress,
        shares: call.shares,
        fee_paid: tx.value(),
    })
}

/// Why a validator refuses a call, when the revert data names a reason. Shown in the page's
/// language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    BelowMinimum,
    FeeTooLow,
    NotEnoughShares {
        held: U256,
        requested: U256,
    },
    NotInitialized,
    ZeroAddress,
    /// Revert data none of the above explains.
    Data(Bytes),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::BelowMinimum => {
                f.write_str("the amount is below the validator's minimum delegation; delegate more")
            }
            Refusal::FeeTooLow => {
                f.write_str("the withdrawal fee sent is less than the validator asks; refresh and try again")
            }
            Refusal::NotEnoughShares { held, requested } => write!(f, "you hold {held} shares, not {requested}"),
            Refusal::NotInitialized => f.write_str("this validator is not initialised yet, so it takes no delegations"),
            Refusal::ZeroAddress => f.write_str("an address in the call is the zero address"),
            Refusal::Data(data) => write!(f, "revert data 0x{}", hex::encode(data)),
        }
    }
}

/// A validator's refusal, when the revert data names one.
pub fn refusal(data: &[u8]) -> Option<Refusal> {
    if DelegationBelowMinimum::abi_decode(data).is_ok() {
        return Some(Refusal::BelowMinimum);
    }
    if NotEnoughWithdrawalFee::abi_decode(data).is_ok() {
        return Some(Refusal::FeeTooLow);
    }
    if let Ok(e) = InsufficientShares::abi_decode(data) {
        return Some(Refusal::NotEnoughShares { held: e.held, requested: e.requested });
    }
    if NotInitialized::abi_decode(data).is_ok() {
        return Some(Refusal::NotInitialized);
    }
    if ZeroAddress::abi_decode(data).is_ok() {
        return Some(Refusal::ZeroAddress);
    }
    None
}

/// [`refusal`] in words (the English).
pub fn explain_revert(data: &[u8]) -> Option<String> {
    refusal(data).map(|r| r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_for_an_amount_are_worth_at_least_it_and_never_more_than_held() {
        // A pool whose shares are worth 1.5 each after rewards.
        let (tokens, shares) = (U256::from(3_000u64), U256::from(2_000u64));
        let held = U256::from(600u64);
        let s = shares_for(U256::from(100u64), tokens, shares, held).unwrap();
        assert_eq!(s, U256::from(67u64), "100 / 1.5 rounded up");
        assert!(share_value(s, tokens, shares).unwrap() >= U256::from(100u64));
        assert!(share_value(s - U256::from(1u64), tokens, shares).unwrap() < U256::from(100u64), "the fewest");
        // Here the stake's shown worth (rounded down) takes every share.
        let worth = share_value(held, tokens, shares).unwrap();
        assert_eq!(shares_for(worth, tokens, shares, held), Some(held));
        assert_eq!(shares_for(U256::from(10_000u64), tokens, shares, held), Some(held), "capped at what is held");
        assert_eq!(shares_for(U256::from(1u64), U256::ZERO, shares, held), None);
        assert_eq!(shares_for(U256::MAX, tokens, shares, held), None, "overflow is refused, not wrapped");
    }

    #[test]
    fn commission_reads_as_a_percentage() {
        assert_eq!(commission_percent(50_000), "5%");
        assert_eq!(commission_percent(100_000), "10%");
        assert_eq!(commission_percent(12_500), "1.2%");
        assert_eq!(commission_percent(0), "0%");
    }

    #[test]
    fn selectors_are_the_documented_signatures() {
        let k = |s: &str| alloy_primitives::keccak256(s)[..4].to_vec();
        for (selector, signature) in [
            (getValidatorCall::SELECTOR, "getValidator(bytes)"),
            (validatorCountCall::SELECTOR, "validatorCount()"),
            (delegateCall::SELECTOR, "delegate(address)"),
            (undelegateCall::SELECTOR, "undelegate(address,uint256)"),
            (getDelegationCall::SELECTOR, "getDelegation(address)"),
            (tokensCall::SELECTOR, "tokens()"),
            (delegatorSharesCall::SELECTOR, "delegatorShares()"),
            (commissionRateCall::SELECTOR, "commissionRate()"),
            (withdrawalFeeInGweiCall::SELECTOR, "withdrawalFeeInGwei()"),
        ] {
            assert_eq!(selector.to_vec(), k(signature), "{signature}");
        }
    }

    #[test]
    fn get_validator_calldata_matches_the_one_in_zero_g_docs() {
        // 0G's docs give this eth_call for computeValidatorAddress (selector 0x1ab06aa7):
        // the same ABI layout (offset 0x20, length 0x30, key, 16 zero bytes) follows
        // getValidator's selector.
        let key = parse_pubkey(
            "0xaa0f99735a6436d6b7ed763c2eaa8452d753c5152a4fb1e4dc0bd7e33bcfc8cd4fac0e2d6cbab941f423c17728fecc56",
        )
        .unwrap();
        let data = get_validator_call(key.clone());
        assert_eq!(data.len(), 4 + 32 + 32 + 64);
        assert_eq!(U256::from_be_slice(&data[4..36]), U256::from(0x20));
        assert_eq!(U256::from_be_slice(&data[36..68]), U256::from(48));
        assert_eq!(&data[68..116], &key[..]);
        assert!(data[116..].iter().all(|b| *b == 0));
    }

    #[test]
    fn pubkeys_must_be_48_bytes_of_hex() {
        assert_eq!(parse_pubkey(&"ab".repeat(48)).unwrap().len(), 48);
        assert_eq!(parse_pubkey(&format!("  0x{}  ", "ab".repeat(48))).unwrap().len(), 48);
        assert_eq!(parse_pubkey(&"ab".repeat(47)), Err(PubkeyError::WrongLength(47)));
        assert_eq!(parse_pubkey("0xzz"), Err(PubkeyError::NotHex));
    }

    #[test]
    fn a_delegation_is_worth_shares_times_tokens_over_delegator_shares() {
        let og = |tenths: u64| U256::from(tenths) * U256::from(100_000_000_000_000_000u64);
        // The devnet test's pool: 174.4 0G for 160 shares; 20 shares are worth 21.8 0G.
        assert_eq!(share_value(og(200), og(1744), og(1600)), Some(og(218)));
        // Rounded down, as the contract does.
        assert_eq!(share_value(U256::from(1), U256::from(2), U256::from(3)), Some(U256::ZERO));
        assert_eq!(share_value(U256::from(10), U256::from(7), U256::from(3)), Some(U256::from(23)));
        assert_eq!(share_value(U256::from(5), U256::from(5), U256::ZERO), None, "an empty pool prices nothing");
        assert_eq!(share_value(U256::MAX, U256::from(2), U256::from(1)), None, "overflow is not a value");
    }

    #[test]
    fn the_fee_is_read_in_gwei_and_returned_in_wei() {
        let out = U256::from(3).to_be_bytes::<32>();
        assert_eq!(decode_fee(&out), Some(U256::from(3_000_000_000u64)));
    }

    #[test]
    fn refusals_are_explained_in_words() {
        let data = InsufficientShares { requested: U256::from(5), held: U256::from(2) }.abi_encode();
        assert_eq!(explain_revert(&data).unwrap(), "you hold 2 shares, not 5");
        assert!(explain_revert(&NotEnoughWithdrawalFee {}.abi_encode()).unwrap().contains("withdrawal fee"));
        assert!(explain_revert(&DelegationBelowMinimum {}.abi_encode()).unwrap().contains("minimum"));
        assert_eq!(explain_revert(&[1, 2, 3, 4]), None);
        assert_eq!(refusal(&NotInitialized {}.abi_encode()), Some(Refusal::NotInitialized));
        assert_eq!(Refusal::Data(Bytes::from_static(&[0xde, 0xad])).to_string(), "revert data 0xdead");
    }

    #[test]
    fn an_undelegation_is_read_back_from_its_signed_transaction() {
        let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let me = crate::wallet::signer::address_of(&key);
        let validator = Address::repeat_byte(0x11);
        let to = Address::repeat_byte(0x22);
        let request = crate::wallet::signer::Eip1559Request {
            chain_id: 31337,
            nonce: 4,
            to: validator.into(),
            value: U256::from(GWEI),
            gas_limit: 100_000,
            max_fee_per_gas: 2_000_000_000,
            max_priority_fee_per_gas: 1_000_000_000,
            input: undelegate_call(to, U256::from(42)),
        };
        let signed = crate::wallet::signer::sign_eip1559(&key, &request);
        let u = decode_undelegation(&signed.raw).unwrap();
        assert_eq!(
            u,
            Undelegation {
                from: me,
                validator,
                withdrawal_address: to,
                shares: U256::from(42),
                fee_paid: U256::from(GWEI)
            }
        );
        let delegation = crate::wallet::signer::Eip1559Request { input: delegate_call(me), ..request };
        assert_eq!(decode_undelegation(&crate::wallet::signer::sign_eip1559(&key, &delegation).raw), None);
    }
}
