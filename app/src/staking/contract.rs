//! 0G's staking calls as the client uses them (contracts/src/staking/: `ZgStaking` is the
//! registry, `ZgValidator` one validator). Pure, tested natively.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolError};

sol! {
    struct Description {
        string moniker;
        string identity;
        string website;
        string securityContact;
        string details;
    }

    struct WithdrawEntry {
        uint256 completionHeight;
        address delegatorAddress;
        uint256 amount;
    }

    function getValidators() external view returns (address[] memory);
    function description() external view returns (Description memory);
    function commissionRate() external view returns (uint32);
    function tokens() external view returns (uint256);
    function withdrawalFeeInGwei() external view returns (uint96);
    function getDelegation(address delegator) external view returns (address, uint256);
    function convertToTokens(uint256 shares) external view returns (uint256);
    function pendingWithdrawals(address withdrawalAddress) external view returns (WithdrawEntry[] memory entries);
    function delegate(address delegatorAddress) external payable returns (uint256 shares);
    function undelegate(address withdrawalAddress, uint256 shares) external payable returns (uint256 amount);
    function processWithdrawQueue() external returns (uint256 settled);

    error DelegationBelowMinimum(uint256 amount);
    error NotEnoughWithdrawalFee(uint256 required, uint256 sent);
    error InsufficientShares(uint256 requested, uint256 held);
    error NotInitialized();
}

/// `commissionRate` is in parts per million.
pub const COMMISSION_DENOMINATOR: u32 = 1_000_000;

pub fn validators_call() -> Bytes {
    getValidatorsCall {}.abi_encode().into()
}
pub fn decode_validators(out: &[u8]) -> Option<Vec<Address>> {
    getValidatorsCall::abi_decode_returns(out).ok()
}
pub fn description_call() -> Bytes {
    descriptionCall {}.abi_encode().into()
}
pub fn decode_moniker(out: &[u8]) -> Option<String> {
    descriptionCall::abi_decode_returns(out).ok().map(|d| d.moniker)
}
pub fn commission_call() -> Bytes {
    commissionRateCall {}.abi_encode().into()
}
pub fn decode_commission(out: &[u8]) -> Option<u32> {
    commissionRateCall::abi_decode_returns(out).ok()
}
pub fn tokens_call() -> Bytes {
    tokensCall {}.abi_encode().into()
}
pub fn fee_call() -> Bytes {
    withdrawalFeeInGweiCall {}.abi_encode().into()
}
/// The withdrawal fee in wei.
pub fn decode_fee(out: &[u8]) -> Option<U256> {
    let gwei = withdrawalFeeInGweiCall::abi_decode_returns(out).ok()?;
    Some(U256::from(gwei) * U256::from(1_000_000_000u64))
}
pub fn delegation_call(delegator: Address) -> Bytes {
    getDelegationCall { delegator }.abi_encode().into()
}
/// The delegator's shares.
pub fn decode_delegation(out: &[u8]) -> Option<U256> {
    getDelegationCall::abi_decode_returns(out).ok().map(|r| r._1)
}
pub fn to_tokens_call(shares: U256) -> Bytes {
    convertToTokensCall { shares }.abi_encode().into()
}
pub fn pending_call(address: Address) -> Bytes {
    pendingWithdrawalsCall { withdrawalAddress: address }.abi_encode().into()
}
/// (completion block, amount) of each withdrawal waiting for `address`.
pub fn decode_pending(out: &[u8]) -> Option<Vec<(u64, U256)>> {
    let entries = pendingWithdrawalsCall::abi_decode_returns(out).ok()?;
    Some(entries.into_iter().map(|e| (e.completionHeight.saturating_to(), e.amount)).collect())
}
pub fn delegate_call(delegator: Address) -> Bytes {
    delegateCall { delegatorAddress: delegator }.abi_encode().into()
}
pub fn undelegate_call(withdrawal_address: Address, shares: U256) -> Bytes {
    undelegateCall { withdrawalAddress: withdrawal_address, shares }.abi_encode().into()
}
pub fn process_queue_call() -> Bytes {
    processWithdrawQueueCall {}.abi_encode().into()
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

pub fn explain_revert(data: &[u8]) -> Option<String> {
    if let Ok(e) = DelegationBelowMinimum::abi_decode(data) {
        return Some(format!("{} buys no shares; delegate more", crate::format::format_0g(e.amount)));
    }
    if let Ok(e) = NotEnoughWithdrawalFee::abi_decode(data) {
        return Some(format!("the validator asks a withdrawal fee of {}", crate::format::format_0g(e.required)));
    }
    if let Ok(e) = InsufficientShares::abi_decode(data) {
        return Some(format!("you hold {} shares, not {}", e.held, e.requested));
    }
    if NotInitialized::abi_decode(data).is_ok() {
        return Some("this validator is not initialised yet".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commission_reads_as_a_percentage() {
        assert_eq!(commission_percent(50_000), "5%");
        assert_eq!(commission_percent(100_000), "10%");
        assert_eq!(commission_percent(12_500), "1.2%");
        assert_eq!(commission_percent(0), "0%");
    }

    #[test]
    fn selectors_are_0g_staking_signatures() {
        let k = |s: &str| alloy_primitives::keccak256(s)[..4].to_vec();
        assert_eq!(delegateCall::SELECTOR.to_vec(), k("delegate(address)"));
        assert_eq!(undelegateCall::SELECTOR.to_vec(), k("undelegate(address,uint256)"));
        assert_eq!(getDelegationCall::SELECTOR.to_vec(), k("getDelegation(address)"));
    }

    #[test]
    fn fee_is_read_in_gwei_and_returned_in_wei() {
        let out = U256::from(1).to_be_bytes::<32>();
        assert_eq!(decode_fee(&out), Some(U256::from(1_000_000_000u64)));
        let data = InsufficientShares { requested: U256::from(5), held: U256::from(2) }.abi_encode();
        assert_eq!(explain_revert(&data).unwrap(), "you hold 2 shares, not 5");
    }
}
