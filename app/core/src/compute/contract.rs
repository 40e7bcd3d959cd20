//! 0G Compute's contracts as the client calls them (0g-serving-contract's
//! contracts/ledger/LedgerManager.sol and contracts/inference/*, and the devnet's stand-ins
//! in contracts/src/compute/: `LedgerManager` holds the user's ledger and the registry of
//! serving contracts, `InferenceServing` the provider registry and the user's sub-account
//! per provider). Same structs, field order, selectors and custom errors as 0G's; every
//! error in words. The locked reserve 0G's providers require before they answer
//! ([`Reserve`]). Pure, tested natively.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError};

use crate::format::format_0g;

// The user meets two contracts: the ledger (everything not named below) and the provider
// registry with the user's sub-accounts. Names both declare mean the ledger's.
use zg_abi::inference_serving::InferenceServing::{
    getAccountCall, getAllServicesCall, getServiceCall, lockTimeCall, revokeAllTokensCall, AccountExists,
    AccountNotExists, CannotRevokeWithNonZeroBalance, InvalidAddress, LimitTooLarge, ProviderCannotBeUser,
    ServiceNotExist, TooManyRefunds,
};
pub use zg_abi::inference_serving::InferenceServing::{Account, Service};
pub use zg_abi::ledger::LedgerManager::Ledger;
use zg_abi::ledger::LedgerManager::*;

/// `LedgerManager.MIN_ACCOUNT_BALANCE`: a new ledger needs at least 3 0G.
pub const MIN_LEDGER_DEPOSIT_WEI: u128 = 3_000_000_000_000_000_000;
/// `LedgerManager.MIN_TRANSFER_AMOUNT`: a new sub-account needs at least 1 0G.
pub const MIN_SUB_ACCOUNT_WEI: u128 = 1_000_000_000_000_000_000;
/// `InferenceServing.MAX_PAGE`.
pub const MAX_PAGE: u64 = 50;
/// 0G's `MinimumLockedBalance` (0g-serving-broker, api/inference/const/const.go): what a
/// provider requires to stay locked in the sub-account beyond a request's fee and the
/// unsettled fees, or it refuses the request.
pub const MINIMUM_LOCKED_BALANCE_WEI: u128 = 1_000_000_000_000_000_000;
/// The prompt a request's fee is budgeted for when funding (the app's requests ask for at
/// most `chat::MAX_TOKENS` answer tokens; prompts of agents with long memories are longer
/// than a typed question).
pub const BUDGETED_PROMPT_TOKENS: u64 = 4096;

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
/// Moves `amount` into the sub-account with `provider` in the serving contract registered
/// as `service_name` (its `ServiceInfo.fullName`, read on chain).
pub fn transfer_call(provider: Address, service_name: &str, amount: U256) -> Bytes {
    transferFundCall { provider, serviceName: service_name.into(), amount }.abi_encode().into()
}
pub fn service_info_call(serving: Address) -> Bytes {
    getServiceInfoCall { serviceAddress: serving }.abi_encode().into()
}
pub fn decode_service_info(out: &[u8]) -> Option<ServiceInfo> {
    getServiceInfoCall::abi_decode_returns(out).ok()
}
pub fn refund_call(amount: U256) -> Bytes {
    refundCall { amount }.abi_encode().into()
}
/// Asks for the sub-account's balance with `provider` back (it reaches the ledger after
/// the serving contract's lock time), and moves refunds whose lock time has passed into
/// the ledger's available balance. The same call does both, as 0G's SDK uses it.
pub fn retrieve_call(provider: Address, service_name: &str) -> Bytes {
    retrieveFundCall { providers: vec![provider], serviceName: service_name.into() }.abi_encode().into()
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
    refusal(data).map(|r| r.to_string())
}

/// Why the ledger or the provider registry refuses a call. Shown in the page's language;
/// `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A plain revert reason: the contract's own words.
    Said(String),
    NoLedger,
    LedgerExists,
    LowBalance,
    NotAvailable {
        available: U256,
        required: U256,
    },
    BelowMinimum {
        provided: U256,
        required: U256,
    },
    TooManyProviders {
        requested: U256,
        maximum: U256,
    },
    TooManyForService {
        current: U256,
        maximum: U256,
    },
    NoServiceName,
    LedgerLocked,
    InfoTooLong {
        length: U256,
        max: U256,
    },
    ZeroAmount,
    ZeroAddress,
    PayoutFailed,
    TransferRefused,
    LedgerNotEmpty {
        remaining: U256,
    },
    NotRegisteredService,
    DirectDeposit,
    NoSubAccount,
    SubAccountExists,
    NotProvider(Address),
    TooManyRefunds,
    ProviderIsUser,
    SubAccountNotEmpty {
        balance: U256,
    },
    LimitTooLarge {
        limit: U256,
        max: U256,
    },
    /// Revert data this app does not know (never from [`refusal`]: its callers' fallback).
    Data(Bytes),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Said(reason) => f.write_str(reason),
            Refusal::NoLedger => {
                f.write_str("you have no compute ledger yet; create one with a first deposit of at least 3 0G")
            }
            Refusal::LedgerExists => f.write_str("you already have a compute ledger; deposit into it instead"),
            Refusal::LowBalance => f.write_str("your ledger's available balance is too small; deposit more first"),
            Refusal::NotAvailable { available, required } => write!(
                f,
                "your ledger has {} available but this needs {}; deposit more first (money already with providers comes back through Retrieve)",
                format_0g(*available),
                format_0g(*required)
            ),
            Refusal::BelowMinimum { provided, required } => write!(
                f,
                "{} is below the minimum of {}: a new ledger needs 3 0G, a new provider sub-account 1 0G, and a ledger must keep 3 0G unless it is emptied completely",
                format_0g(*provided),
                format_0g(*required)
            ),
            Refusal::TooManyProviders { requested, maximum } => {
                write!(f, "{requested} providers at once; at most {maximum}")
            }
            Refusal::TooManyForService { current, maximum } => write!(
                f,
                "you already fund {current} providers of this service, the most a ledger may; retrieve and drop one first (at most {maximum})"
            ),
            Refusal::NoServiceName => {
                f.write_str("the ledger has no serving contract registered under this service name")
            }
            Refusal::LedgerLocked => {
                f.write_str("another operation on your ledger is in progress; try again in a moment")
            }
            Refusal::InfoTooLong { length, max } => {
                write!(f, "the ledger's additional info is {length} bytes; at most {max}")
            }
            Refusal::ZeroAmount => f.write_str("the amount must be more than zero"),
            Refusal::ZeroAddress => f.write_str("the zero address cannot have a ledger or a sub-account"),
            Refusal::PayoutFailed => f.write_str("the contract could not pay the 0G out; nothing changed"),
            Refusal::TransferRefused => {
                f.write_str("the serving contract refused the transfer into the sub-account; nothing changed")
            }
            Refusal::LedgerNotEmpty { remaining } => write!(
                f,
                "the ledger still holds {}; withdraw everything before deleting it",
                format_0g(*remaining)
            ),
            Refusal::NotRegisteredService => {
                f.write_str("only a serving contract registered in the ledger may spend from it")
            }
            Refusal::DirectDeposit => f.write_str("0G cannot be sent to this contract directly; use Deposit"),
            Refusal::NoSubAccount => f.write_str("you have no sub-account with this provider; fund the provider first"),
            Refusal::SubAccountExists => f.write_str("a sub-account with this provider exists already"),
            Refusal::NotProvider(provider) => write!(f, "{provider} is not a registered provider"),
            Refusal::TooManyRefunds => f.write_str(
                "too many refunds are pending with this provider; wait for the lock time to pass, then retrieve again",
            ),
            Refusal::ProviderIsUser => f.write_str("a provider cannot be its own user"),
            Refusal::SubAccountNotEmpty { balance } => write!(
                f,
                "the sub-account still holds {}; retrieve it before withdrawing the acknowledgement",
                format_0g(*balance)
            ),
            Refusal::LimitTooLarge { limit, max } => write!(f, "asked for {limit} entries at once; at most {max}"),
            Refusal::Data(data) => write!(f, "revert data 0x{}", hex::encode(data)),
        }
    }
}

/// Every revert of these calls as a [`Refusal`], or `None` for data we do not know.
pub fn refusal(data: &[u8]) -> Option<Refusal> {
    if let Ok(r) = alloy_sol_types::Revert::abi_decode(data) {
        return Some(Refusal::Said(r.reason));
    }
    Some(if LedgerNotExists::abi_decode(data).is_ok() {
        Refusal::NoLedger
    } else if LedgerExists::abi_decode(data).is_ok() {
        Refusal::LedgerExists
    } else if InsufficientBalance::abi_decode(data).is_ok() {
        Refusal::LowBalance
    } else if let Ok(e) = InsufficientAvailableBalance::abi_decode(data) {
        Refusal::NotAvailable { available: e.available, required: e.required }
    } else if let Ok(e) = MinimumDepositRequired::abi_decode(data) {
        Refusal::BelowMinimum { provided: e.provided, required: e.required }
    } else if let Ok(e) = TooManyProviders::abi_decode(data) {
        Refusal::TooManyProviders { requested: e.requested, maximum: e.maximum }
    } else if let Ok(e) = TooManyProvidersForService::abi_decode(data) {
        Refusal::TooManyForService { current: e.current, maximum: e.maximum }
    } else if ServiceNotFound::abi_decode(data).is_ok() {
        Refusal::NoServiceName
    } else if LedgerLocked::abi_decode(data).is_ok() {
        Refusal::LedgerLocked
    } else if let Ok(e) = AdditionalInfoTooLong::abi_decode(data) {
        Refusal::InfoTooLong { length: e.length, max: e.max }
    } else if ZeroAmountNotAllowed::abi_decode(data).is_ok() {
        Refusal::ZeroAmount
    } else if ZeroAddressNotAllowed::abi_decode(data).is_ok() || InvalidAddress::abi_decode(data).is_ok() {
        Refusal::ZeroAddress
    } else if TransferFailed::abi_decode(data).is_ok() {
        Refusal::PayoutFailed
    } else if CallFailed::abi_decode(data).is_ok() {
        Refusal::TransferRefused
    } else if let Ok(e) = MustWithdrawAllFundsFirst::abi_decode(data) {
        Refusal::LedgerNotEmpty { remaining: e.remainingBalance }
    } else if CallerNotRegisteredService::abi_decode(data).is_ok() {
        Refusal::NotRegisteredService
    } else if DirectDepositsDisabled::abi_decode(data).is_ok() {
        Refusal::DirectDeposit
    } else if AccountNotExists::abi_decode(data).is_ok() {
        Refusal::NoSubAccount
    } else if AccountExists::abi_decode(data).is_ok() {
        Refusal::SubAccountExists
    } else if let Ok(e) = ServiceNotExist::abi_decode(data) {
        Refusal::NotProvider(e.provider)
    } else if TooManyRefunds::abi_decode(data).is_ok() {
        Refusal::TooManyRefunds
    } else if ProviderCannotBeUser::abi_decode(data).is_ok() {
        Refusal::ProviderIsUser
    } else if let Ok(e) = CannotRevokeWithNonZeroBalance::abi_decode(data) {
        Refusal::SubAccountNotEmpty { balance: e.balance }
    } else if let Ok(e) = LimitTooLarge::abi_decode(data) {
        Refusal::LimitTooLarge { limit: e.limit, max: e.max }
    } else {
        return None;
    })
}

/// The locked balance 0G's providers require before they answer a request
/// (0g-serving-broker, ctrl/request.go `validateBalanceAdequacy`): the sub-account's
/// `balance - pendingRefund` must be at least the request's fee + the unsettled fees +
/// `MinimumLockedBalance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserve {
    /// One request's fee, budgeted at [`BUDGETED_PROMPT_TOKENS`] prompt tokens and the
    /// app's answer limit, at the proven prices.
    pub fee: U256,
    /// Fees the provider says are unsettled (its word: it cannot be proven until settled).
    pub unsettled: U256,
    pub minimum: U256,
}

impl Reserve {
    pub fn for_service(service: &Service, unsettled: U256) -> Reserve {
        Reserve {
            fee: fee(service, BUDGETED_PROMPT_TOKENS, super::chat::MAX_TOKENS as u64),
            unsettled,
            minimum: U256::from(MINIMUM_LOCKED_BALANCE_WEI),
        }
    }

    pub fn total(&self) -> U256 {
        self.fee.saturating_add(self.unsettled).saturating_add(self.minimum)
    }

    /// The least a transfer must bring for the sub-account (`None`: none yet) to meet the
    /// reserve; at least the ledger's 1 0G for a new sub-account. A transfer raises the
    /// locked balance by its whole amount (it first takes back pending refunds).
    pub fn top_up(&self, account: Option<&Account>) -> U256 {
        match account {
            None => self.total().max(U256::from(MIN_SUB_ACCOUNT_WEI)),
            Some(a) => self.total().saturating_sub(locked(a)),
        }
    }

    pub fn describe(&self) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Reserve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a request needs {} locked: its fee (up to {}) + unsettled fees ({}, as the provider reports) + the {} reserve 0G's providers keep",
            format_0g(self.total()),
            format_0g(self.fee),
            format_0g(self.unsettled),
            format_0g(self.minimum)
        )
    }
}

/// How much of a provider's reported unsettled fee to believe: never more than the
/// sub-account's locked balance. An honest broker admits a request only while the locked
/// balance covers the unsettled fees and more, so a larger claim is a lie meant to make
/// the user overfund; with no sub-account nothing can be owed.
pub fn believable_unsettled(claimed: U256, account: Option<&Account>) -> U256 {
    account.map_or(U256::ZERO, |a| claimed.min(locked(a)))
}

/// The sub-account's locked balance as 0G's providers count it: what it holds beyond its
/// pending refunds.
pub fn locked(account: &Account) -> U256 {
    account.balance.saturating_sub(account.pendingRefund)
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
    use zg_abi::inference_serving::InferenceServing::Refund;

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
        assert_eq!(getServiceInfoCall::SELECTOR.to_vec(), k("getServiceInfo(address)"));
        assert_eq!(MinimumDepositRequired::SELECTOR.to_vec(), k("MinimumDepositRequired(uint256,uint256)"));
        assert_eq!(InsufficientAvailableBalance::SELECTOR.to_vec(), k("InsufficientAvailableBalance(uint256,uint256)"));
        assert_eq!(ServiceNotFound::SELECTOR.to_vec(), k("ServiceNotFound(address)"));
        assert_eq!(LedgerLocked::SELECTOR.to_vec(), k("LedgerLocked()"));
    }

    #[test]
    fn the_service_name_comes_from_the_ledgers_service_info() {
        let info = ServiceInfo {
            serviceAddress: Address::repeat_byte(2),
            serviceContract: Address::repeat_byte(2),
            serviceType: "inference".into(),
            version: "v1.0".into(),
            fullName: "inference-v1.0".into(),
            description: "d".into(),
            isRecommended: true,
            registeredAt: U256::from(7),
        };
        let out = getServiceInfoCall::abi_encode_returns(&info);
        assert_eq!(decode_service_info(&out), Some(info));
        let call =
            transferFundCall::abi_decode(&transfer_call(Address::ZERO, "inference-v2.0", U256::from(1))).unwrap();
        assert_eq!(call.serviceName, "inference-v2.0");
    }

    #[test]
    fn zero_gs_custom_errors_read_as_words() {
        let og = |n: u64| U256::from(n) * U256::from(1_000_000_000_000_000_000u128);
        let data = MinimumDepositRequired { provided: og(2), required: og(3) }.abi_encode();
        let text = explain_revert(&data).unwrap();
        assert!(text.starts_with("2 0G is below the minimum of 3 0G"), "{text}");
        let data = InsufficientAvailableBalance { available: og(1), required: og(4) }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("has 1 0G available but this needs 4 0G"));
        for data in [
            ServiceNotFound { serviceAddress: Address::ZERO }.abi_encode(),
            LedgerLocked {}.abi_encode(),
            MustWithdrawAllFundsFirst { remainingBalance: og(1) }.abi_encode(),
            DirectDepositsDisabled {}.abi_encode(),
            TooManyProvidersForService { current: U256::from(50), maximum: U256::from(50) }.abi_encode(),
            CallFailed {}.abi_encode(),
            ZeroAmountNotAllowed {}.abi_encode(),
        ] {
            let text = explain_revert(&data).unwrap();
            assert!(!text.contains("0x"), "{text}");
        }
    }

    #[test]
    fn the_reserve_is_fee_plus_unsettled_plus_one_0g() {
        let one = U256::from(MINIMUM_LOCKED_BALANCE_WEI);
        let s = Service { inputPrice: U256::from(2), outputPrice: U256::from(3), ..Default::default() };
        let r = Reserve::for_service(&s, U256::from(100));
        let fee = U256::from(2 * BUDGETED_PROMPT_TOKENS + 3 * crate::compute::chat::MAX_TOKENS as u64);
        assert_eq!(r.total(), fee + U256::from(100) + one);
        // No sub-account: the reserve (above the 1 0G a new sub-account needs).
        assert_eq!(r.top_up(None), r.total());
        let mut account = Account {
            user: Address::ZERO,
            provider: Address::ZERO,
            nonce: U256::ZERO,
            balance: one,
            pendingRefund: U256::ZERO,
            refunds: vec![],
            additionalInfo: String::new(),
            acknowledged: true,
            validRefundsLength: U256::ZERO,
            generation: U256::ZERO,
            revokedBitmap: U256::ZERO,
        };
        // 1 0G locked is not enough: the fee and the unsettled fees come on top.
        assert_eq!(r.top_up(Some(&account)), fee + U256::from(100));
        // Pending refunds do not count as locked.
        account.balance = r.total();
        assert_eq!(r.top_up(Some(&account)), U256::ZERO);
        account.pendingRefund = U256::from(5);
        assert_eq!(r.top_up(Some(&account)), U256::from(5));
        // A provider's unsettled claim is believed up to the locked balance only.
        account.pendingRefund = U256::ZERO;
        assert_eq!(believable_unsettled(U256::from(7), Some(&account)), U256::from(7));
        assert_eq!(believable_unsettled(U256::MAX, Some(&account)), r.total());
        assert_eq!(believable_unsettled(U256::MAX, None), U256::ZERO);
        // Free providers still need the 1 0G reserve, and a new sub-account 1 0G.
        let free = Reserve::for_service(&Service::default(), U256::ZERO);
        assert_eq!((free.total(), free.top_up(None)), (one, one));
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
