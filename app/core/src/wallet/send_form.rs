//! The Send page's form turned into a transaction to review: the typed fields read, the
//! fees held to the network's limits, and the account's proven balance and nonce used —
//! never a value whose proof failed, and an unproven nonce only with the reason, for the
//! user to accept explicitly.

use alloy_primitives::{Bytes, U256};
use wasm_light_client::{AccountState, Verified};

use super::signer::{Eip1559Request, TRANSFER_GAS};
use crate::chain::fees::{check_manual, FeeError, FeeLimits};
use crate::format::{capitalise, format_0g, parse_0g, parse_address, parse_gwei, AddressError, AmountError};

/// What the user typed.
#[derive(Debug, Clone, Default)]
pub struct SendForm<'a> {
    pub to: &'a str,
    pub amount: &'a str,
    pub max_fee: &'a str,
    pub priority: &'a str,
}

/// What is wrong with the form, in the words the page shows next to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendFormError {
    #[error("Recipient: {0}.")]
    Recipient(AddressError),
    #[error("Amount: {0}.")]
    Amount(AmountError),
    #[error("Amount: enter more than 0.")]
    ZeroAmount,
    #[error("Max fee: {0}.")]
    MaxFee(AmountError),
    #[error("Priority fee: {0}.")]
    Priority(AmountError),
    #[error("{}.", capitalise(&.0.to_string()))]
    Fees(FeeError),
    #[error("The balance is still loading.")]
    BalanceLoading,
    #[error("This account's balance failed verification; refusing to build a transaction on it.")]
    BalanceRejected,
    #[error("Not enough funds: this needs up to {} and the account holds {}.", format_0g(*.needs), format_0g(*.holds))]
    NotEnough { needs: U256, holds: U256 },
}

/// The network the transaction is for.
#[derive(Debug, Clone, Copy)]
pub struct SendContext {
    pub chain_id: u64,
    pub limits: FeeLimits,
    /// The verified tip's base fee (0 when unknown: the fees are then only held to limits).
    pub base_fee: u128,
}

/// The transfer `form` describes from the account whose state is `account` (`None`
/// while it loads), and why its nonce is unproven if it is.
pub fn build(
    form: &SendForm<'_>,
    context: SendContext,
    account: Option<&Verified<AccountState>>,
) -> Result<(Eip1559Request, Option<String>), SendFormError> {
    let to = parse_address(form.to).map_err(SendFormError::Recipient)?;
    let value = parse_0g(form.amount).map_err(SendFormError::Amount)?;
    if value.is_zero() {
        return Err(SendFormError::ZeroAmount);
    }
    let max_fee_per_gas = parse_gwei(form.max_fee).map_err(SendFormError::MaxFee)?;
    let max_priority_fee_per_gas = parse_gwei(form.priority).map_err(SendFormError::Priority)?;
    check_manual(max_fee_per_gas, max_priority_fee_per_gas, context.base_fee, context.limits)
        .map_err(SendFormError::Fees)?;
    let account = account.ok_or(SendFormError::BalanceLoading)?;
    let unproven = match account {
        Verified::Unverified { reason, .. } => Some(reason.clone()),
        _ => None,
    };
    let state = account.value().ok_or(SendFormError::BalanceRejected)?;
    // The worst case: every unit of gas at the highest fee offered.
    let needs = value + U256::from(TRANSFER_GAS) * U256::from(max_fee_per_gas);
    if needs > state.balance {
        return Err(SendFormError::NotEnough { needs, holds: state.balance });
    }
    let request = Eip1559Request {
        chain_id: context.chain_id,
        nonce: state.nonce,
        to: to.into(),
        value,
        gas_limit: TRANSFER_GAS,
        max_fee_per_gas,
        max_priority_fee_per_gas,
        input: Bytes::new(),
    };
    Ok((request, unproven))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, TxKind, B256};

    use super::*;

    const TO: &str = "0x00000000000000000000000000000000000000aa";
    const GWEI: u128 = 1_000_000_000;

    fn form<'a>(amount: &'a str, max_fee: &'a str) -> SendForm<'a> {
        SendForm { to: TO, amount, max_fee, priority: "1" }
    }

    fn context() -> SendContext {
        SendContext { chain_id: 31337, limits: FeeLimits::default_for("devnet"), base_fee: GWEI }
    }

    fn account(balance: U256, nonce: u64) -> AccountState {
        AccountState {
            address: Address::repeat_byte(1),
            balance,
            nonce,
            code_hash: B256::ZERO,
            storage_root: B256::ZERO,
            storage: vec![],
        }
    }

    fn proven(balance: U256, nonce: u64) -> Verified<AccountState> {
        Verified::Proven { value: account(balance, nonce), block: 5 }
    }

    fn one_0g() -> U256 {
        U256::from(10u64).pow(U256::from(18))
    }

    #[test]
    fn a_proven_account_gives_a_transfer_at_its_proven_nonce() {
        let state = proven(one_0g() * U256::from(2), 7);
        let (request, unproven) = build(&form("1.5", "3"), context(), Some(&state)).unwrap();
        assert_eq!(unproven, None);
        assert_eq!(request.nonce, 7);
        assert_eq!(request.chain_id, 31337);
        assert_eq!(request.to, TxKind::Call(TO.parse().unwrap()));
        assert_eq!(request.value, one_0g() * U256::from(3) / U256::from(2));
        assert_eq!((request.max_fee_per_gas, request.max_priority_fee_per_gas), (3 * GWEI, GWEI));
        assert_eq!(request.gas_limit, TRANSFER_GAS);
    }

    #[test]
    fn the_worst_case_fee_counts_against_the_balance() {
        // 1 0G plus 21,000 gas at 3 gwei: just over a balance of exactly 1 0G.
        let state = proven(one_0g(), 0);
        let needs = one_0g() + U256::from(21_000u64 * 3 * GWEI as u64);
        assert_eq!(
            build(&form("1", "3"), context(), Some(&state)).unwrap_err(),
            SendFormError::NotEnough { needs, holds: one_0g() }
        );
        let enough = proven(needs, 0);
        assert!(build(&form("1", "3"), context(), Some(&enough)).is_ok());
    }

    #[test]
    fn a_balance_that_failed_its_proof_builds_nothing_and_an_unproven_one_says_why() {
        let rejected = Verified::Rejected { reason: "bad proof".into() };
        assert_eq!(build(&form("1", "3"), context(), Some(&rejected)).unwrap_err(), SendFormError::BalanceRejected);
        let unverified =
            Verified::Unverified { value: account(one_0g() * U256::from(2), 1), reason: "no checkpoint".into() };
        let (_, unproven) = build(&form("1", "3"), context(), Some(&unverified)).unwrap();
        assert_eq!(unproven.as_deref(), Some("no checkpoint"));
        assert_eq!(build(&form("1", "3"), context(), None).unwrap_err(), SendFormError::BalanceLoading);
    }

    #[test]
    fn each_field_is_named_in_its_error() {
        let state = proven(one_0g(), 0);
        let bad = |f: SendForm| build(&f, context(), Some(&state)).unwrap_err().to_string();
        assert!(bad(SendForm { to: "0x12", ..form("1", "3") }).starts_with("Recipient: "));
        assert!(bad(form("one", "3")).starts_with("Amount: "));
        assert_eq!(bad(form("0", "3")), "Amount: enter more than 0.");
        assert!(bad(form("1", "x")).starts_with("Max fee: "));
        assert!(bad(SendForm { priority: "-", ..form("1", "3") }).starts_with("Priority fee: "));
        // A max fee below the base fee plus the tip can never be included.
        let low = bad(form("0.1", "0.5"));
        assert!(low.ends_with('.') && low.chars().next().unwrap().is_uppercase(), "{low}");
    }
}
