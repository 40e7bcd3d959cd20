//! 0G Compute's contracts as the client calls them (contracts/src/compute/:
//! `LedgerManager` holds the user's ledger, `InferenceServing` the provider registry and
//! the user's sub-account per provider). Same structs, field order and selectors as 0G's.
//! Pure, tested natively.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolError};

use crate::format::format_0g;

sol! {
    #[derive(Debug, Default, PartialEq, Eq)]
    struct Service {
        address provider;
        string serviceType;
        string url;
        uint256 inputPrice;
        uint256 outputPrice;
        uint256 updatedAt;
        string model;
        string verifiability;
        string additionalInfo;
        address teeSignerAddress;
        bool teeSignerAcknowledged;
    }
    #[derive(Debug, PartialEq, Eq)]
    struct Refund { uint256 index; uint256 amount; uint256 createdAt; bool processed; }
    #[derive(Debug, PartialEq, Eq)]
    struct Account {
        address user;
        address provider;
        uint256 nonce;
        uint256 balance;
        uint256 pendingRefund;
        Refund[] refunds;
        string additionalInfo;
        bool acknowledged;
        uint256 validRefundsLength;
        uint256 generation;
        uint256 revokedBitmap;
    }
    #[derive(Debug, PartialEq, Eq)]
    struct Ledger { address user; uint256 availableBalance; uint256 totalBalance; string additionalInfo; }

    function getAllServices(uint256 offset, uint256 limit) external view returns (Service[] memory services, uint256 total);
    function getService(address provider) external view returns (Service memory);
    function getAccount(address user, address provider) external view returns (Account memory);
    function getLedger(address user) external view returns (Ledger memory);
    function addLedger(string memory additionalInfo) external payable returns (uint256, uint256);
    function depositFund() external payable;
    function transferFund(address provider, string memory serviceName, uint256 amount) external;
    function refund(uint256 amount) external;
    function retrieveFund(address[] memory providers, string memory serviceName) external;
    function revokeAllTokens(address provider) external;
    function lockTime() external view returns (uint256);

    error LedgerNotExists(address user);
    error LedgerExists(address user);
    error InsufficientBalance(address user);
    error TooManyProviders(uint256 requested, uint256 maximum);
    error AccountNotExists(address user, address provider);
    error AccountExists(address user, address provider);
    error ServiceNotExist(address provider);
    error ProviderCannotBeUser();
    error TooManyRefunds(address user, address provider);
}

/// The name `transferFund` takes for the inference serving contract (0G's
/// `serviceType-version`; the devnet registers "inference" "v1.0").
pub const INFERENCE_SERVICE_NAME: &str = "inference-v1.0";
/// `LedgerManager.MIN_ACCOUNT_BALANCE`: a new ledger needs at least 3 0G.
pub const MIN_LEDGER_DEPOSIT_WEI: u128 = 3_000_000_000_000_000_000;
/// `LedgerManager.MIN_TRANSFER_AMOUNT`: a new sub-account needs at least 1 0G.
pub const MIN_SUB_ACCOUNT_WEI: u128 = 1_000_000_000_000_000_000;
/// `InferenceServing.MAX_PAGE`.
pub const MAX_PAGE: u64 = 50;

pub fn all_services_call(offset: u64, limit: u64) -> Bytes {
    getAllServicesCall { offset: U256::from(offset), limit: U256::from(limit) }.abi_encode().into()
}
pub fn decode_all_services(out: &[u8]) -> Option<(Vec<Service>, U256)> {
    getAllServicesCall::abi_decode_returns(out).ok().map(|r| (r.services, r.total))
}
pub fn service_call(provider: Address) -> Bytes {
    getServiceCall { provider }.abi_encode().into()
}
pub fn decode_service(out: &[u8]) -> Option<Service> {
    getServiceCall::abi_decode_returns(out).ok()
}
pub fn account_call(user: Address, provider: Address) -> Bytes {
    getAccountCall { user, provider }.abi_encode().into()
}
pub fn decode_account(out: &[u8]) -> Option<Account> {
    getAccountCall::abi_decode_returns(out).ok()
}
pub fn ledger_call(user: Address) -> Bytes {
    getLedgerCall { user }.abi_encode().into()
}
pub fn decode_ledger(out: &[u8]) -> Option<Ledger> {
    getLedgerCall::abi_decode_returns(out).ok()
}
pub fn add_ledger_call() -> Bytes {
    addLedgerCall { additionalInfo: String::new() }.abi_encode().into()
}
pub fn deposit_call() -> Bytes {
    depositFundCall {}.abi_encode().into()
}
pub fn transfer_call(provider: Address, amount: U256) -> Bytes {
    transferFundCall { provider, serviceName: INFERENCE_SERVICE_NAME.into(), amount }.abi_encode().into()
}
pub fn refund_call(amount: U256) -> Bytes {
    refundCall { amount }.abi_encode().into()
}
/// Asks for the sub-account's balance with `provider` back (it reaches the ledger after
/// the serving contract's lock time), and moves refunds whose lock time has passed into
/// the ledger's available balance. The same call does both, as 0G's SDK uses it.
pub fn retrieve_call(provider: Address) -> Bytes {
    retrieveFundCall { providers: vec![provider], serviceName: INFERENCE_SERVICE_NAME.into() }.abi_encode().into()
}
/// Kills every session token made so far for `provider` (tokens carry the sub-account's
/// generation, and this bumps it).
pub fn revoke_all_tokens_call(provider: Address) -> Bytes {
    revokeAllTokensCall { provider }.abi_encode().into()
}
pub fn lock_time_call() -> Bytes {
    lockTimeCall {}.abi_encode().into()
}
pub fn decode_lock_time(out: &[u8]) -> Option<U256> {
    lockTimeCall::abi_decode_returns(out).ok()
}

/// Whether a read's revert says "no such ledger" / "no such sub-account" (an empty
/// state, not a failure).
pub fn is_missing(revert: &[u8]) -> bool {
    LedgerNotExists::abi_decode(revert).is_ok() || AccountNotExists::abi_decode(revert).is_ok()
}

/// The fee a provider charges: input price × prompt tokens + output price × completion tokens.
pub fn fee(service: &Service, prompt_tokens: u64, completion_tokens: u64) -> U256 {
    service
        .inputPrice
        .saturating_mul(U256::from(prompt_tokens))
        .saturating_add(service.outputPrice.saturating_mul(U256::from(completion_tokens)))
}

/// Every revert of these calls in words, or `None` for data we do not know.
pub fn explain_revert(data: &[u8]) -> Option<String> {
    if let Ok(r) = alloy_sol_types::Revert::abi_decode(data) {
        return Some(r.reason);
    }
    if LedgerNotExists::abi_decode(data).is_ok() {
        return Some("you have no compute ledger yet; create one with a first deposit of at least 3 0G".into());
    }
    if LedgerExists::abi_decode(data).is_ok() {
        return Some("you already have a compute ledger; deposit into it instead".into());
    }
    if InsufficientBalance::abi_decode(data).is_ok() {
        return Some("your ledger's available balance is too small; deposit more first".into());
    }
    if let Ok(e) = TooManyProviders::abi_decode(data) {
        return Some(format!("{} providers at once; at most {}", e.requested, e.maximum));
    }
    if AccountNotExists::abi_decode(data).is_ok() {
        return Some("you have no sub-account with this provider; fund the provider first".into());
    }
    if AccountExists::abi_decode(data).is_ok() {
        return Some("a sub-account with this provider exists already".into());
    }
    if let Ok(e) = ServiceNotExist::abi_decode(data) {
        return Some(format!("{} is not a registered provider", e.provider));
    }
    if TooManyRefunds::abi_decode(data).is_ok() {
        return Some(
            "too many refunds are pending with this provider; wait for the lock time to pass, then retrieve again"
                .into(),
        );
    }
    if ProviderCannotBeUser::abi_decode(data).is_ok() {
        return Some("a provider cannot be its own user".into());
    }
    None
}

/// A sub-account's pending refunds at time `now` (seconds, the chain's clock): what the
/// next retrieve moves to the ledger, what is still locked, and when the last lock ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PendingRefunds {
    pub ready: U256,
    pub locked: U256,
    pub unlocks_at: Option<u64>,
}

pub fn pending_refunds(account: &Account, lock_time: U256, now: u64) -> PendingRefunds {
    let valid = usize::try_from(account.validRefundsLength).unwrap_or(usize::MAX);
    let mut out = PendingRefunds::default();
    for r in account.refunds.iter().take(valid).filter(|r| !r.processed) {
        let unlocks = r.createdAt.saturating_add(lock_time);
        if unlocks <= U256::from(now) {
            out.ready += r.amount;
        } else {
            out.locked += r.amount;
            let at = u64::try_from(unlocks).unwrap_or(u64::MAX);
            out.unlocks_at = Some(out.unlocks_at.map_or(at, |t| t.max(at)));
        }
    }
    out
}

/// The minimum a new ledger needs, for messages.
pub fn min_ledger_text() -> String {
    format_0g(U256::from(MIN_LEDGER_DEPOSIT_WEI))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_0gs() {
        let k = |s: &str| alloy_primitives::keccak256(s)[..4].to_vec();
        assert_eq!(addLedgerCall::SELECTOR.to_vec(), k("addLedger(string)"));
        assert_eq!(depositFundCall::SELECTOR.to_vec(), k("depositFund()"));
        assert_eq!(transferFundCall::SELECTOR.to_vec(), k("transferFund(address,string,uint256)"));
        assert_eq!(refundCall::SELECTOR.to_vec(), k("refund(uint256)"));
        assert_eq!(retrieveFundCall::SELECTOR.to_vec(), k("retrieveFund(address[],string)"));
        assert_eq!(revokeAllTokensCall::SELECTOR.to_vec(), k("revokeAllTokens(address)"));
        assert_eq!(lockTimeCall::SELECTOR.to_vec(), k("lockTime()"));
        assert_eq!(getLedgerCall::SELECTOR.to_vec(), k("getLedger(address)"));
        assert_eq!(getAccountCall::SELECTOR.to_vec(), k("getAccount(address,address)"));
        assert_eq!(getAllServicesCall::SELECTOR.to_vec(), k("getAllServices(uint256,uint256)"));
        assert_eq!(getServiceCall::SELECTOR.to_vec(), k("getService(address)"));
    }

    #[test]
    fn reverts_read_as_words() {
        let data = alloy_sol_types::Revert::from("Minimum deposit of 3 0G required").abi_encode();
        assert_eq!(explain_revert(&data).unwrap(), "Minimum deposit of 3 0G required");
        let data = AccountNotExists { user: Address::ZERO, provider: Address::ZERO }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("fund the provider"));
        assert!(is_missing(&data));
        assert!(is_missing(&LedgerNotExists { user: Address::ZERO }.abi_encode()));
        assert!(!is_missing(&LedgerExists { user: Address::ZERO }.abi_encode()));
        assert_eq!(explain_revert(&[1, 2, 3]), None);
    }

    #[test]
    fn refunds_unlock_after_the_lock_time() {
        let refund = |amount: u64, at: u64, processed: bool| Refund {
            index: U256::ZERO,
            amount: U256::from(amount),
            createdAt: U256::from(at),
            processed,
        };
        let account = Account {
            user: Address::ZERO,
            provider: Address::ZERO,
            nonce: U256::ZERO,
            balance: U256::from(100),
            pendingRefund: U256::from(7),
            // The last one is past validRefundsLength: not pending.
            refunds: vec![refund(2, 1_000, false), refund(5, 1_100, false), refund(9, 900, true), refund(4, 1, false)],
            additionalInfo: String::new(),
            acknowledged: true,
            validRefundsLength: U256::from(3),
            generation: U256::ZERO,
            revokedBitmap: U256::ZERO,
        };
        let lock = U256::from(120);
        assert_eq!(
            pending_refunds(&account, lock, 1_119),
            PendingRefunds { ready: U256::ZERO, locked: U256::from(7), unlocks_at: Some(1_220) }
        );
        assert_eq!(
            pending_refunds(&account, lock, 1_120),
            PendingRefunds { ready: U256::from(2), locked: U256::from(5), unlocks_at: Some(1_220) }
        );
        assert_eq!(
            pending_refunds(&account, lock, 1_220),
            PendingRefunds { ready: U256::from(7), ..Default::default() }
        );
    }

    #[test]
    fn fee_is_prices_times_tokens() {
        let s = Service { inputPrice: U256::from(3), outputPrice: U256::from(5), ..Default::default() };
        assert_eq!(fee(&s, 10, 2), U256::from(40));
    }
}
