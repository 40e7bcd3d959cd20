//! Speeding up or cancelling a pending transaction: a new one with the same nonce and
//! higher fees, which nodes take in its place.
//!
//! The rule is geth's txpool's (`core/txpool/legacypool/list.go`, `list.Add`, with
//! `PriceBump` 10 from `DefaultConfig` in `legacypool.go`): a replacement must raise both
//! the max fee and the tip above the original's, and each to at least 110% of it (the
//! threshold rounded down). Anvil's pool (`crates/anvil/src/eth/pool/transactions.rs`)
//! only asks for a strictly higher price, so what passes geth passes it too. A
//! replacement offering less is refused by the node as "replacement transaction
//! underpriced", and the original stays pending.
//!
//! The bumped fees are held to the network's [`FeeLimits`] like any other: a stuck
//! transaction is no reason to pay more than the user allowed.

use alloy_primitives::{Address, Bytes, TxKind, U256};

use super::signer::{Eip1559Request, TRANSFER_GAS};
use crate::chain::fees::{check_manual, FeeError, FeeLimits};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplacementError {
    #[error("replacing the pending transaction needs a priority fee of {needed} per gas, above this network's limit of {cap}; raise the limit in Settings, or wait for the transaction to be included")]
    TipAboveLimit { needed: String, cap: String },
    #[error("replacing the pending transaction needs a max fee of {needed} per gas, above this network's limit of {cap}; raise the limit in Settings, or wait for the transaction to be included")]
    MaxFeeAboveLimit { needed: String, cap: String },
    /// What [`check_manual`] refuses that the bump cannot cause (the max fee is built
    /// to cover the base fee and the tip); kept rather than unwrapped.
    #[error("{0}")]
    Fees(FeeError),
}

/// `original` again, with fees that replace it: each the larger of the bump over the
/// original's and what the network asks now (the node's `current_tip`, held to the
/// limit, and twice `current_base_fee` on top, as [`crate::chain::fees::FeeQuote::suggest`]).
pub fn speed_up(
    original: &Eip1559Request,
    current_base_fee: u128,
    current_tip: u128,
    limits: FeeLimits,
) -> Result<Eip1559Request, ReplacementError> {
    let (max_fee_per_gas, max_priority_fee_per_gas) =
        replacement_fees(original, current_base_fee, current_tip, limits)?;
    Ok(Eip1559Request { max_fee_per_gas, max_priority_fee_per_gas, ..original.clone() })
}

/// A transaction that takes `original`'s nonce and does nothing: 0 sent from `from` to
/// itself, at the plain transfer's gas, with the same fees [`speed_up`] would offer. If
/// it is included first, `original` can never be.
pub fn cancel(
    original: &Eip1559Request,
    from: Address,
    current_base_fee: u128,
    current_tip: u128,
    limits: FeeLimits,
) -> Result<Eip1559Request, ReplacementError> {
    let (max_fee_per_gas, max_priority_fee_per_gas) =
        replacement_fees(original, current_base_fee, current_tip, limits)?;
    Ok(Eip1559Request {
        chain_id: original.chain_id,
        nonce: original.nonce,
        to: TxKind::Call(from),
        value: U256::ZERO,
        gas_limit: TRANSFER_GAS,
        max_fee_per_gas,
        max_priority_fee_per_gas,
        input: Bytes::new(),
    })
}

/// The least fee that replaces `fee`: ⌈1.1 × fee⌉, and at least one more than it (geth
/// wants both higher, which 10% of a fee under 10 wei rounded down would not be).
/// `fee + ⌈fee / 10⌉` is ⌈1.1 × fee⌉ without a multiplication that could overflow.
fn bumped(fee: u128) -> u128 {
    fee.saturating_add(fee.div_ceil(10).max(1))
}

fn replacement_fees(
    original: &Eip1559Request,
    base_fee: u128,
    node_tip: u128,
    limits: FeeLimits,
) -> Result<(u128, u128), ReplacementError> {
    let tip = bumped(original.max_priority_fee_per_gas).max(node_tip.min(limits.max_tip));
    let max_fee = bumped(original.max_fee_per_gas).max(base_fee.saturating_mul(2).saturating_add(tip));
    check_manual(max_fee, tip, base_fee, limits).map_err(|e| match e {
        FeeError::TipAboveLimit { tip, cap } => ReplacementError::TipAboveLimit { needed: tip, cap },
        FeeError::MaxFeeAboveLimit { max, cap } => ReplacementError::MaxFeeAboveLimit { needed: max, cap },
        other => ReplacementError::Fees(other),
    })?;
    Ok((max_fee, tip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::fees::GWEI;

    const LIMITS: FeeLimits = FeeLimits { max_tip: 10 * GWEI, max_fee: 100 * GWEI };
    const ME: Address = Address::repeat_byte(0x11);

    fn pending(max_fee: u128, tip: u128) -> Eip1559Request {
        Eip1559Request {
            chain_id: 16602,
            nonce: 7,
            to: TxKind::Call(Address::repeat_byte(0x22)),
            value: U256::from(5_000),
            gas_limit: 80_000,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: tip,
            input: Bytes::from_static(&[0xa9, 0x05, 0x9c, 0xbb]),
        }
    }

    /// geth's check, restated with its own arithmetic (`list.Add`): both higher, and each
    /// at least `old * 110 / 100`, rounded down.
    fn geth_accepts(old: &Eip1559Request, new: &Eip1559Request) -> bool {
        let threshold = |fee: u128| U256::from(fee) * U256::from(110) / U256::from(100);
        new.nonce == old.nonce
            && new.max_fee_per_gas > old.max_fee_per_gas
            && new.max_priority_fee_per_gas > old.max_priority_fee_per_gas
            && U256::from(new.max_fee_per_gas) >= threshold(old.max_fee_per_gas)
            && U256::from(new.max_priority_fee_per_gas) >= threshold(old.max_priority_fee_per_gas)
    }

    #[test]
    fn the_bump_rounds_up_and_always_raises() {
        assert_eq!([0, 1, 9, 10, 15, 20].map(bumped), [1, 2, 10, 11, 17, 22]);
        assert_eq!(bumped(GWEI), GWEI + GWEI / 10);
        assert_eq!(bumped(u128::MAX), u128::MAX, "saturates; the limits refuse it");
    }

    #[test]
    fn a_speed_up_changes_only_the_fees_and_passes_geths_rule() {
        let unlimited = FeeLimits { max_tip: u128::MAX, max_fee: u128::MAX };
        for (max_fee, tip) in [(1, 1), (2, 0), (9, 9), (3 * GWEI, GWEI), (12_345_678_901, 987_654_321)] {
            let old = pending(max_fee, tip);
            // A network asking for nothing: the bump alone decides.
            let new = speed_up(&old, 0, 0, unlimited).unwrap();
            assert!(geth_accepts(&old, &new), "{old:?} -> {new:?}");
            assert_eq!(
                Eip1559Request { max_fee_per_gas: max_fee, max_priority_fee_per_gas: tip, ..new.clone() },
                old,
                "same nonce, recipient, value, data and gas"
            );
        }
        let old = pending(3 * GWEI, GWEI);
        let new = speed_up(&old, GWEI, GWEI, LIMITS).unwrap();
        assert_eq!((new.max_fee_per_gas, new.max_priority_fee_per_gas), (3_300_000_000, 1_100_000_000));
    }

    #[test]
    fn a_busier_network_sets_the_fees_when_it_asks_more_than_the_bump() {
        let old = pending(3 * GWEI, GWEI);
        let new = speed_up(&old, 5 * GWEI, 2 * GWEI, LIMITS).unwrap();
        assert_eq!((new.max_fee_per_gas, new.max_priority_fee_per_gas), (12 * GWEI, 2 * GWEI));
        // A node's tip above the limit is held to it, as for a new transaction.
        let new = speed_up(&old, GWEI, 1_000 * GWEI, LIMITS).unwrap();
        assert_eq!(new.max_priority_fee_per_gas, LIMITS.max_tip);
    }

    #[test]
    fn fees_beyond_the_limits_are_refused_with_the_way_out() {
        // The original already sat at the limits: 10% more is over them.
        let err = speed_up(&pending(100 * GWEI, 5 * GWEI), GWEI, GWEI, LIMITS).unwrap_err();
        assert!(matches!(err, ReplacementError::MaxFeeAboveLimit { .. }), "{err}");
        assert!(err.to_string().contains("raise the limit in Settings"), "{err}");
        let err = cancel(&pending(20 * GWEI, 10 * GWEI), ME, GWEI, GWEI, LIMITS).unwrap_err();
        assert!(matches!(err, ReplacementError::TipAboveLimit { .. }), "{err}");
        assert!(err.to_string().contains("raise the limit in Settings"), "{err}");
        // A base fee that has run away: twice it is more than the limit allows.
        let err = speed_up(&pending(3 * GWEI, GWEI), 60 * GWEI, GWEI, LIMITS).unwrap_err();
        assert!(matches!(err, ReplacementError::MaxFeeAboveLimit { .. }), "{err}");
    }

    #[test]
    fn a_cancel_is_nothing_sent_to_oneself_under_the_same_nonce() {
        let old = pending(3 * GWEI, GWEI);
        let new = cancel(&old, ME, GWEI, GWEI, LIMITS).unwrap();
        assert_eq!(
            new,
            Eip1559Request {
                chain_id: 16602,
                nonce: 7,
                to: TxKind::Call(ME),
                value: U256::ZERO,
                gas_limit: TRANSFER_GAS,
                max_fee_per_gas: 3_300_000_000,
                max_priority_fee_per_gas: 1_100_000_000,
                input: Bytes::new(),
            }
        );
        assert!(geth_accepts(&old, &new));
        // Cancelling a deployment works the same way.
        let deploy = Eip1559Request { to: TxKind::Create, ..old };
        assert_eq!(cancel(&deploy, ME, GWEI, GWEI, LIMITS).unwrap().to, TxKind::Call(ME));
    }
}
