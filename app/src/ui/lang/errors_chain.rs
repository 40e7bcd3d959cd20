//! Korean (and English) for the chain's and the wallet's storage errors: `ChainError`,
//! `TransportError`, `NetworkError`, `AddressFieldError`, `AccountError`, `VaultFormatError`,
//! `StoreError`, `CryptoError` and the token list's `TokenError` (catalogue section `err_chain`; `VaultError`'s impl in
//! `lang/mod.rs` hands its `Damaged`, `Store` and `Crypto` variants to these).

use super::{fill, Localized};
use crate::chain::addresses::{AddressFieldError, ContractRole};
use crate::chain::client::ChainError;
use crate::chain::networks::NetworkError;
use crate::i18n::{td_string, Locale};
use crate::wallet::accounts::AccountError;
use crate::wallet::token_list::{TokenError, TokenListError};
use crate::wallet::vault_format::{VaultFormatError, MAX_ITERATIONS, MIN_ITERATIONS};
use crate::wallet::vault_store::StoreError;
use crate::wallet::webcrypto::CryptoError;
use wasm_light_client::TransportError;

// Slots holding text composed elsewhere (a node's or the browser's words, reasons, names a
// user typed) are filled last, so that nothing inside them is taken for one of the
// message's own slots.

impl Localized for ChainError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ChainError::Transport(e) => e.localized(locale),
            ChainError::Network(e) => e.localized(locale),
            ChainError::Sync(e) => e.localized(locale),
            ChainError::BadAnswer(method) => {
                fill(td_string!(locale, err_chain.chain_bad_answer), &[("method", method)])
            }
            ChainError::WrongTxHash { expected, reported } => fill(
                td_string!(locale, err_chain.chain_wrong_tx_hash),
                &[("expected", expected), ("reported", reported)],
            ),
            ChainError::NotIncluded(seconds) => {
                fill(td_string!(locale, err_chain.chain_not_included), &[("seconds", seconds)])
            }
            ChainError::NoFaucet => td_string!(locale, err_chain.chain_no_faucet).to_string(),
            ChainError::NeedsCheckpoint(what) => fill(
                td_string!(locale, err_chain.chain_needs_checkpoint),
                &[("what", &checkpoint_subject(what, locale))],
            ),
            ChainError::WouldFail(reason) => {
                fill(td_string!(locale, err_chain.chain_would_fail), &[("reason", reason)])
            }
            ChainError::WouldRevert(data) => {
                fill(td_string!(locale, err_chain.chain_would_revert), &[("data", &hex::encode(data))])
            }
            // Composed where it is raised (a verifier's or the light client's words).
            ChainError::NotProven(text) => text.clone(),
            ChainError::Faucet(reason) => fill(td_string!(locale, err_chain.chain_faucet), &[("reason", reason)]),
            ChainError::Reverted(block) => fill(td_string!(locale, err_chain.chain_reverted), &[("block", block)]),
            ChainError::Fee(e) => e.localized(locale),
            ChainError::Declined => td_string!(locale, err_chain.chain_declined).to_string(),
            ChainError::NoReviewer => td_string!(locale, err_chain.chain_no_reviewer).to_string(),
            ChainError::NoContract { what, address, network } => fill(
                td_string!(locale, err_chain.chain_no_contract),
                &[("address", address), ("what", &contract_words(what, locale)), ("network", network)],
            ),
            ChainError::StateUnproven { block, reason } => {
                fill(td_string!(locale, err_chain.chain_state_unproven), &[("block", block), ("reason", reason)])
            }
            ChainError::HasCode(address) => fill(td_string!(locale, err_chain.chain_has_code), &[("address", address)]),
        }
    }
}

/// What `ChainError::NeedsCheckpoint` says cannot be verified, in the user's language: the
/// words `ChainClient` passes, each with its own message; any other is kept as it is.
fn checkpoint_subject(what: &str, locale: Locale) -> String {
    let subjects: [fn(Locale) -> &'static str; 7] = [
        |l| td_string!(l, err_chain.subject_contract_reads),
        |l| td_string!(l, err_chain.subject_contract_code),
        |l| td_string!(l, err_chain.subject_transaction),
        |l| td_string!(l, err_chain.subject_event_logs),
        |l| td_string!(l, err_chain.subject_sweep_balance),
        |l| td_string!(l, err_chain.subject_tx_effect),
        |l| td_string!(l, err_chain.subject_activity),
    ];
    subjects.iter().find(|words| words(Locale::en) == what).map_or(what, |words| words(locale)).to_string()
}

/// A contract's role (`ContractRole::label`, or "a contract" for an address no role has)
/// in the user's language, in the words of the Settings page's address fields.
fn contract_words(label: &str, locale: Locale) -> String {
    if label == td_string!(Locale::en, err_chain.subject_a_contract) {
        return td_string!(locale, err_chain.subject_a_contract).to_string();
    }
    let Some(role) = ContractRole::ALL.into_iter().find(|role| role.label() == label) else {
        return label.to_string();
    };
    match role {
        ContractRole::Flow => td_string!(locale, settings.role_flow),
        ContractRole::AgentNft => td_string!(locale, settings.role_agent_nft),
        ContractRole::WrappedZg => td_string!(locale, settings.role_wrapped_zg),
        ContractRole::Governor => td_string!(locale, settings.role_governor),
        ContractRole::Timelock => td_string!(locale, settings.role_timelock),
        ContractRole::Staking => td_string!(locale, settings.role_staking),
        ContractRole::Ledger => td_string!(locale, settings.role_ledger),
        ContractRole::InferenceServing => td_string!(locale, settings.role_inference),
    }
    .to_string()
}

impl Localized for TransportError {
    /// Composed where it is raised, naming the endpoint and quoting the node's own words.
    fn localized(&self, _locale: Locale) -> String {
        self.0.clone()
    }
}

impl Localized for NetworkError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            NetworkError::WrongChain { name, expected, got } => fill(
                td_string!(locale, err_chain.network_wrong_chain),
                &[("got", got), ("expected", expected), ("name", name)],
            ),
            NetworkError::BadUrl => td_string!(locale, err_chain.network_bad_url).to_string(),
            NetworkError::BadWitnessUrl(url) => {
                fill(td_string!(locale, err_chain.network_bad_witness_url), &[("url", url)])
            }
            NetworkError::BadChainId => td_string!(locale, err_chain.network_bad_chain_id).to_string(),
            NetworkError::BadConsensusUrl => td_string!(locale, err_chain.network_bad_consensus_url).to_string(),
            NetworkError::BadConsensusChain => td_string!(locale, err_chain.network_bad_consensus_chain).to_string(),
            NetworkError::BadPinHeight => td_string!(locale, err_chain.network_bad_pin_height).to_string(),
            NetworkError::BadPinHash => td_string!(locale, err_chain.network_bad_pin_hash).to_string(),
        }
    }
}

impl Localized for AddressFieldError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            // "{label}: {problem}": the field's name and the address's own error, each
            // translated; a message of slots alone would be the same in both catalogues.
            AddressFieldError::Address { label, problem } => {
                format!("{}: {}", contract_words(label, locale), problem.localized(locale))
            }
            AddressFieldError::IndexerUrl => td_string!(locale, err_chain.address_indexer_url).to_string(),
            AddressFieldError::IndexerWithoutFlow => {
                td_string!(locale, err_chain.address_indexer_without_flow).to_string()
            }
        }
    }
}

impl Localized for TokenError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            TokenError::NotErc20(call) => fill(td_string!(locale, err_chain.token_not_erc20), &[("call", call)]),
            TokenError::PosesAsNative(symbol) => {
                fill(td_string!(locale, err_chain.token_poses_as_native), &[("symbol", symbol)])
            }
            TokenError::BadText { what, max } => {
                let what = match (*what, locale) {
                    ("symbol", Locale::ko) => "기호",
                    ("name", Locale::ko) => "이름",
                    (what, _) => what,
                };
                fill(td_string!(locale, err_chain.token_bad_text), &[("what", &what), ("max", max)])
            }
            TokenError::TooManyDecimals(n) => fill(td_string!(locale, err_chain.token_too_many_decimals), &[("n", n)]),
        }
    }
}

impl Localized for TokenListError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            TokenListError::Chain(e) => e.localized(locale),
            TokenListError::Token(e) => e.localized(locale),
            TokenListError::Record(e) => e.localized(locale),
        }
    }
}

impl Localized for AccountError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            AccountError::NoSuchAccount(index) => {
                fill(td_string!(locale, err_chain.account_no_such_account), &[("index", index)])
            }
            AccountError::Corrupt => td_string!(locale, err_chain.account_corrupt).to_string(),
            AccountError::Duplicate(name) => fill(td_string!(locale, err_chain.account_duplicate), &[("name", name)]),
            AccountError::NoMnemonic => td_string!(locale, err_chain.account_no_mnemonic).to_string(),
            AccountError::BadKey => td_string!(locale, err_chain.account_bad_key).to_string(),
        }
    }
}

impl Localized for VaultFormatError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            VaultFormatError::Unreadable(detail) => {
                fill(td_string!(locale, err_chain.vault_format_unreadable), &[("detail", detail)])
            }
            VaultFormatError::IterationsOutOfRange { iterations } => fill(
                td_string!(locale, err_chain.vault_format_iterations),
                &[("iterations", iterations), ("min", &MIN_ITERATIONS), ("max", &MAX_ITERATIONS)],
            ),
        }
    }
}

impl Localized for StoreError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            StoreError::Unavailable(detail) => {
                fill(td_string!(locale, err_chain.store_unavailable), &[("detail", detail)])
            }
            StoreError::WriteFailed(detail) => {
                fill(td_string!(locale, err_chain.store_write_failed), &[("detail", detail)])
            }
            StoreError::ReadFailed(detail) => {
                fill(td_string!(locale, err_chain.store_read_failed), &[("detail", detail)])
            }
        }
    }
}

impl Localized for CryptoError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            CryptoError::Unavailable => td_string!(locale, err_chain.crypto_unavailable).to_string(),
            CryptoError::WrongPassword => td_string!(locale, err_chain.crypto_wrong_password).to_string(),
            CryptoError::Failed(detail) => fill(td_string!(locale, err_chain.crypto_failed), &[("detail", detail)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::fees::FeeError;
    use crate::format::AddressError;
    use crate::wallet::vault::VaultError;
    use alloy_primitives::{Address, Bytes, B256};

    /// English is the enum's own text; Korean fills every slot and, unless the message is
    /// all another error's words or a carried string, differs from the English.
    fn check(e: &(impl Localized + std::fmt::Display), translated: bool) {
        assert_eq!(e.localized(Locale::en), e.to_string());
        let ko = e.localized(Locale::ko);
        assert!(!ko.contains('['), "a slot was left unfilled: {ko}");
        assert!(!ko.trim().is_empty(), "an empty message for {e}");
        if translated {
            assert_ne!(ko, e.to_string(), "not translated: {ko}");
        }
    }

    #[test]
    fn chain_errors_read_the_same_in_english_and_are_translated() {
        let hash = |b: u8| B256::repeat_byte(b);
        let translated = [
            ChainError::Network(NetworkError::BadUrl),
            ChainError::BadAnswer("eth_chainId"),
            ChainError::WrongTxHash { expected: hash(1), reported: hash(2) },
            ChainError::NotIncluded(60),
            ChainError::NoFaucet,
            ChainError::NeedsCheckpoint("contract reads"),
            ChainError::NeedsCheckpoint("contract code"),
            ChainError::NeedsCheckpoint("a transaction"),
            ChainError::NeedsCheckpoint("event logs"),
            ChainError::NeedsCheckpoint("the balance to sweep"),
            ChainError::NeedsCheckpoint("the transaction's effect"),
            ChainError::NeedsCheckpoint("the account's activity"),
            ChainError::NeedsCheckpoint("something new"),
            ChainError::WouldFail("the account holds too little".into()),
            ChainError::WouldRevert(Bytes::from(vec![0x08, 0xc3, 0x79, 0xa0])),
            ChainError::Faucet("the faucet is empty".into()),
            ChainError::Reverted(1234),
            ChainError::Fee(FeeError::TipAboveMax),
            ChainError::Declined,
            ChainError::NoReviewer,
            ChainError::StateUnproven { block: 7, reason: "missing trie node".into() },
            ChainError::HasCode(Address::repeat_byte(0x11)),
            ChainError::NoContract {
                what: "Governor",
                address: Address::repeat_byte(0xab),
                network: "0G mainnet".into(),
            },
            ChainError::NoContract { what: "a contract", address: Address::ZERO, network: "Custom network".into() },
        ];
        for e in &translated {
            check(e, true);
        }
        let carried = [
            ChainError::Transport(TransportError("https://rpc.example: the node does not answer".into())),
            ChainError::Sync(wasm_light_client::SyncError::UnknownCheckpoint(hash(3))),
            ChainError::NotProven("the EVM could not start".into()),
        ];
        for e in &carried {
            check(e, false);
        }
        let ko = ChainError::NeedsCheckpoint("event logs").localized(Locale::ko);
        assert!(ko.contains("이벤트 로그") && !ko.contains("event logs"), "{ko}");
        let ko = ChainError::NoContract { what: "Governor", address: Address::ZERO, network: "0G".into() }
            .localized(Locale::ko);
        assert!(ko.contains("거버너") && !ko.contains("Governor"), "{ko}");
    }

    #[test]
    fn token_refusals_read_as_the_core_says_them_and_are_translated() {
        for e in [
            TokenError::NotErc20("decimals"),
            TokenError::PosesAsNative("0G".into()),
            TokenError::BadText { what: "symbol", max: 16 },
            TokenError::BadText { what: "name", max: 64 },
            TokenError::TooManyDecimals(40),
        ] {
            check(&e, true);
        }
        let ko = TokenError::BadText { what: "symbol", max: 16 }.localized(Locale::ko);
        assert!(ko.contains("기호") && !ko.contains("symbol"), "{ko}");
    }

    #[test]
    fn every_contract_role_and_checkpoint_subject_has_its_words() {
        for role in ContractRole::ALL {
            assert_ne!(contract_words(role.label(), Locale::ko), role.label(), "{role:?}");
            assert_eq!(contract_words(role.label(), Locale::en), role.label());
        }
        assert_eq!(contract_words("a contract", Locale::en), "a contract");
        assert_eq!(checkpoint_subject("something new", Locale::ko), "something new");
    }

    #[test]
    fn the_wallets_errors_read_the_same_in_english_and_are_translated() {
        check(&TransportError("the node refused (code -32000): ⟦nonce too low⟧".into()), false);
        for e in [
            NetworkError::WrongChain { name: "0G Galileo testnet".into(), expected: 16602, got: 1 },
            NetworkError::BadUrl,
            NetworkError::BadWitnessUrl("ftp://example.org".into()),
            NetworkError::BadChainId,
            NetworkError::BadConsensusUrl,
            NetworkError::BadConsensusChain,
            NetworkError::BadPinHeight,
            NetworkError::BadPinHash,
        ] {
            check(&e, true);
        }
        for e in [
            AddressFieldError::Address { label: "0G Storage Flow", problem: AddressError::Empty },
            AddressFieldError::Address { label: "Governor", problem: AddressError::Malformed },
            AddressFieldError::Address { label: "Staking", problem: AddressError::BadChecksum },
            AddressFieldError::IndexerUrl,
            AddressFieldError::IndexerWithoutFlow,
        ] {
            check(&e, true);
        }
        for e in [
            AccountError::NoSuchAccount(3),
            AccountError::Corrupt,
            AccountError::Duplicate("Account 2".into()),
            AccountError::NoMnemonic,
            AccountError::BadKey,
        ] {
            check(&e, true);
        }
        for e in [
            VaultFormatError::Unreadable("unknown version 2".into()),
            VaultFormatError::IterationsOutOfRange { iterations: 1000 },
        ] {
            check(&e, true);
        }
        for e in [
            StoreError::Unavailable("SecurityError".into()),
            StoreError::WriteFailed("QuotaExceededError".into()),
            StoreError::ReadFailed("AbortError".into()),
        ] {
            check(&e, true);
        }
        for e in [
            CryptoError::Unavailable,
            CryptoError::WrongPassword,
            CryptoError::Failed("deriveKey: OperationError".into()),
        ] {
            check(&e, true);
        }
        for e in [
            VaultError::NoVault,
            VaultError::WrongPassword,
            VaultError::NotConfirmed,
            VaultError::Damaged(VaultFormatError::Unreadable("bad ciphertext".into())),
            VaultError::Store(StoreError::ReadFailed("AbortError".into())),
            VaultError::Crypto(CryptoError::Unavailable),
        ] {
            check(&e, true);
        }
    }

    #[test]
    fn the_light_client_sentence_wraps_the_chains_error() {
        let e = ChainError::NoFaucet;
        let en = fill(td_string!(Locale::en, err_chain.chain_unverified), &[("error", &e.localized(Locale::en))]);
        assert_eq!(en, format!("the light client could not verify the chain: {e}"));
    }
}
