//! What a transaction may pay for gas. Pure: the numbers come from the verified chain and
//! from limits the user controls, never from a node alone.
//!
//! A node's `eth_maxPriorityFeePerGas` is only a suggestion: a lying node could name a tip
//! that drains the account through fees. So every fee is bounded by [`FeeLimits`], a pair
//! of per-network ceilings (the tip, and the whole price per gas) that only the user can
//! raise, in Settings. The base fee is the verified tip's where there is a checkpoint; the
//! node's word otherwise, which the review then says.

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

use crate::format::format_gwei;

pub const GWEI: u128 = 1_000_000_000;
/// The tip used when a node suggests none.
pub const DEFAULT_PRIORITY_FEE: u128 = GWEI;

/// The most a transaction may offer per gas on one network, unless the user raises it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeLimits {
    /// Ceiling on the priority fee (tip) per gas, in wei.
    pub max_tip: u128,
    /// Ceiling on the max fee per gas (base fee headroom plus tip), in wei.
    pub max_fee: u128,
}

impl FeeLimits {
    /// The shipped limits. The devnet's base fee is about 1 gwei; 0G's public networks
    /// get more headroom, still far below what could empty an account through fees.
    pub fn default_for(network_id: &str) -> Self {
        match network_id {
            "devnet" => Self { max_tip: 10 * GWEI, max_fee: 100 * GWEI },
            _ => Self { max_tip: 50 * GWEI, max_fee: 1_000 * GWEI },
        }
    }
}

/// Where the base fee in a quote came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseFeeSource {
    /// The base fee of the verified header at this block.
    Verified(u64),
    /// The node's latest block, unverified (the network has no checkpoint).
    Node,
}

/// The fees a transaction will offer, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeQuote {
    pub base_fee: u128,
    pub base_fee_source: BaseFeeSource,
    /// What the node suggested as the tip, if it answered.
    pub node_tip: Option<u128>,
    /// The tip offered: the node's suggestion, lowered to the limit if above it.
    pub tip: u128,
    pub max_fee_per_gas: u128,
    pub limits: FeeLimits,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error("a priority fee of {tip} is above this network's limit of {cap} per gas; lower it, or raise the limit in Settings if you mean to pay it")]
    TipAboveLimit { tip: String, cap: String },
    #[error("a max fee of {max} per gas is above this network's limit of {cap}; lower it, or raise the limit in Settings if you mean to pay it")]
    MaxFeeAboveLimit { max: String, cap: String },
    #[error("the base fee is {base}, so a transaction needs up to {needed} per gas, above this network's limit of {cap}. Wait for fees to fall, or raise the limit in Settings")]
    BaseFeeAboveLimit { base: String, needed: String, cap: String },
    #[error("the priority fee cannot be higher than the max fee")]
    TipAboveMax,
    #[error("a max fee of {max} is below the current base fee of {base}: the transaction would not be included")]
    MaxFeeBelowBase { max: String, base: String },
}

impl FeeQuote {
    /// The suggestion for a transaction now: max fee = 2 × base fee + tip, so it stays
    /// includable through six full blocks in a row (each may raise the base fee by
    /// 12.5%); only the fee actually due is charged. Refused when even that is above the
    /// limit: the user decides whether to pay more, not the node.
    pub fn suggest(
        base_fee: u128,
        base_fee_source: BaseFeeSource,
        node_tip: Option<u128>,
        limits: FeeLimits,
    ) -> Result<Self, FeeError> {
        let tip = node_tip.unwrap_or(DEFAULT_PRIORITY_FEE).min(limits.max_tip);
        let max_fee_per_gas = base_fee.saturating_mul(2).saturating_add(tip);
        if max_fee_per_gas > limits.max_fee {
            return Err(FeeError::BaseFeeAboveLimit {
                base: format_gwei(base_fee),
                needed: format_gwei(max_fee_per_gas),
                cap: format_gwei(limits.max_fee),
            });
        }
        Ok(Self { base_fee, base_fee_source, node_tip, tip, max_fee_per_gas, limits })
    }

    /// Whether the node asked for more tip than the limit allows (and was not obeyed).
    pub fn tip_was_lowered(&self) -> bool {
        self.node_tip.is_some_and(|t| t > self.tip)
    }

    /// Fees the user typed (the Send page's form), held to the same limits.
    pub fn with_manual(self, max_fee_per_gas: u128, tip: u128) -> Result<Self, FeeError> {
        check_manual(max_fee_per_gas, tip, self.base_fee, self.limits)?;
        Ok(Self { tip, max_fee_per_gas, ..self })
    }

    /// The most a transaction of `gas_limit` sending `value` can take from the account.
    pub fn worst_case(&self, gas_limit: u64, value: U256) -> U256 {
        value.saturating_add(U256::from(gas_limit).saturating_mul(U256::from(self.max_fee_per_gas)))
    }
}

/// Checks fees typed by hand against the limits and the base fee they must cover.
pub fn check_manual(max_fee_per_gas: u128, tip: u128, base_fee: u128, limits: FeeLimits) -> Result<(), FeeError> {
    if tip > limits.max_tip {
        return Err(FeeError::TipAboveLimit { tip: format_gwei(tip), cap: format_gwei(limits.max_tip) });
    }
    if max_fee_per_gas > limits.max_fee {
        return Err(FeeError::MaxFeeAboveLimit { max: format_gwei(max_fee_per_gas), cap: format_gwei(limits.max_fee) });
    }
    if tip > max_fee_per_gas {
        return Err(FeeError::TipAboveMax);
    }
    if max_fee_per_gas < base_fee {
        return Err(FeeError::MaxFeeBelowBase { max: format_gwei(max_fee_per_gas), base: format_gwei(base_fee) });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEVNET: FeeLimits = FeeLimits { max_tip: 10 * GWEI, max_fee: 100 * GWEI };

    #[test]
    fn a_modest_suggestion_is_taken_as_it_is() {
        let q = FeeQuote::suggest(7, BaseFeeSource::Verified(3), Some(2 * GWEI), DEVNET).unwrap();
        assert_eq!((q.tip, q.max_fee_per_gas), (2 * GWEI, 2 * GWEI + 14));
        assert!(!q.tip_was_lowered());
        let q = FeeQuote::suggest(GWEI, BaseFeeSource::Node, None, DEVNET).unwrap();
        assert_eq!((q.tip, q.max_fee_per_gas), (DEFAULT_PRIORITY_FEE, 3 * GWEI));
    }

    #[test]
    fn a_node_cannot_set_the_tip_above_the_limit() {
        // A lying node's tip of 10,000 0G per gas would take a whole balance as fees.
        let q = FeeQuote::suggest(GWEI, BaseFeeSource::Verified(9), Some(10_000 * GWEI * GWEI), DEVNET).unwrap();
        assert_eq!(q.tip, DEVNET.max_tip);
        assert_eq!(q.max_fee_per_gas, 2 * GWEI + DEVNET.max_tip);
        assert!(q.tip_was_lowered());
        assert_eq!(q.worst_case(21_000, U256::from(5)), U256::from(5 + 21_000 * (12 * GWEI)));
    }

    #[test]
    fn a_base_fee_beyond_the_limit_is_refused_not_paid() {
        // Without a checkpoint the base fee is the node's word; it is bounded too.
        let err = FeeQuote::suggest(60 * GWEI, BaseFeeSource::Node, Some(GWEI), DEVNET).unwrap_err();
        assert!(matches!(err, FeeError::BaseFeeAboveLimit { .. }), "{err}");
        assert!(err.to_string().contains("raise the limit in Settings"), "{err}");
        let raised = FeeLimits { max_fee: 200 * GWEI, ..DEVNET };
        assert_eq!(
            FeeQuote::suggest(60 * GWEI, BaseFeeSource::Node, Some(GWEI), raised).unwrap().max_fee_per_gas,
            121 * GWEI
        );
    }

    #[test]
    fn fees_typed_by_hand_are_held_to_the_same_limits() {
        let q = FeeQuote::suggest(GWEI, BaseFeeSource::Verified(1), Some(GWEI), DEVNET).unwrap();
        assert_eq!(q.with_manual(5 * GWEI, 2 * GWEI).unwrap().tip, 2 * GWEI);
        assert!(matches!(q.with_manual(50 * GWEI, 11 * GWEI), Err(FeeError::TipAboveLimit { .. })));
        assert!(matches!(q.with_manual(101 * GWEI, GWEI), Err(FeeError::MaxFeeAboveLimit { .. })));
        assert!(matches!(q.with_manual(GWEI, 2 * GWEI), Err(FeeError::TipAboveMax)));
        assert!(matches!(q.with_manual(GWEI / 2, 0), Err(FeeError::MaxFeeBelowBase { .. })));
    }

    #[test]
    fn the_worst_case_never_overflows() {
        let q = FeeQuote::suggest(
            0,
            BaseFeeSource::Verified(1),
            None,
            FeeLimits { max_tip: u128::MAX, max_fee: u128::MAX },
        )
        .unwrap();
        assert_eq!(q.worst_case(u64::MAX, U256::MAX), U256::MAX);
    }
}
