//! Translates the errors of 0G Compute (providers, their signed answers and TEE attestation,
//! the local model), staking, governance, deploying contracts and network links (catalogue
//! section `err_services`).

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};

use crate::compute::answer::AnswerSignatureError;
use crate::compute::attestation::NotAttested;
use crate::compute::exchange::ProviderError;
use crate::compute::local::LocalError;
use crate::compute::service::ComputeError;
use crate::deploy::link::LinkError;
use crate::deploy::plan::{ParamsError, StepKind};
use crate::deploy::service::DeployError;
use crate::deploy::shipped::{CodeMismatch, ShippedError};
use crate::governance::service::GovernanceError;
use crate::staking::contract::PubkeyError;
use crate::staking::service::StakingError;

/// "1 character", "12 characters": how much of an answer arrived.
fn characters(n: usize, locale: Locale) -> String {
    if n == 1 {
        td_string!(locale, err_services.one_character).to_string()
    } else {
        fill(td_string!(locale, err_services.characters), &[("n", &n)])
    }
}

/// A contract the app deploys (`Kind::label`) or a deployment step's call (`StepKind::label`),
/// in the user's language (`StepKind`'s words, in `words_services.rs`); a name no step has
/// stays as it is.
fn deploy_label(what: &str, locale: Locale) -> String {
    StepKind::from_label(what).map_or_else(|| what.to_string(), |step| step.localized(locale))
}

/// What a GPU buffer of the local model holds (`zg_llm::gpu`'s names, in `LocalError::TooLarge`),
/// in the user's language; a name this list does not know stays as it is.
fn gpu_buffer(what: &str, locale: Locale) -> String {
    match what {
        "token embeddings" => td_string!(locale, words_services.gpu_token_embeddings),
        "layer weights" => td_string!(locale, words_services.gpu_layer_weights),
        "attention keys" => td_string!(locale, words_services.gpu_attention_keys),
        "attention values" => td_string!(locale, words_services.gpu_attention_values),
        "activations" => td_string!(locale, words_services.gpu_activations),
        "quantized activations" => td_string!(locale, words_services.gpu_quantized_activations),
        "output rows (in workgroups)" => td_string!(locale, words_services.gpu_output_rows),
        other => other,
    }
    .to_string()
}

impl Localized for ComputeError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ComputeError::NoContracts => td_string!(locale, err_services.compute_no_contracts).to_string(),
            ComputeError::Chain(e) => e.localized(locale),
            // The browser's own words, composed where it failed.
            ComputeError::Unexpected(text) => text.clone(),
            ComputeError::Refused(reason) => {
                fill(td_string!(locale, err_services.compute_refused), &[("reason", &reason.localized(locale))])
            }
            ComputeError::NotProven(reason) => fill(td_string!(locale, err_services.not_proven), &[("reason", reason)]),
            ComputeError::Provider(e) => e.localized(locale),
            ComputeError::BelowReserve { offered, needed, reserve } => fill(
                td_string!(locale, err_services.compute_below_reserve),
                &[("offered", offered), ("needed", needed), ("reserve", &reserve.localized(locale))],
            ),
            ComputeError::NoServiceName(address) => {
                fill(td_string!(locale, err_services.compute_no_service_name), &[("address", address)])
            }
        }
    }
}

impl Localized for LocalError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            LocalError::NoAdapter(reason) => {
                fill(td_string!(locale, err_services.local_no_adapter), &[("reason", reason)])
            }
            LocalError::TooLarge { adapter, what, need, limit } => fill(
                td_string!(locale, err_services.local_too_large),
                &[("adapter", adapter), ("need", need), ("limit", limit), ("what", &gpu_buffer(what, locale))],
            ),
            LocalError::DeviceLost(reason) => {
                fill(td_string!(locale, err_services.local_device_lost), &[("reason", reason)])
            }
            LocalError::Gpu(reason) => fill(td_string!(locale, err_services.local_gpu), &[("reason", reason)]),
            LocalError::Busy => td_string!(locale, err_services.local_busy).to_string(),
            LocalError::Worker(reason) => fill(td_string!(locale, err_services.local_worker), &[("reason", reason)]),
            // The model's own message (`zg_llm::LlmError`, made into text where it ran).
            LocalError::Model(text) => text.clone(),
        }
    }
}

impl Localized for ProviderError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ProviderError::ProviderDown { url, reason } => {
                fill(td_string!(locale, err_services.provider_down), &[("url", url), ("reason", reason)])
            }
            ProviderError::Timeout(secs) => fill(td_string!(locale, err_services.provider_timeout), &[("secs", secs)]),
            ProviderError::StreamCut { received_chars, reason } => fill(
                td_string!(locale, err_services.provider_stream_cut),
                &[("received", &characters(*received_chars, locale)), ("reason", reason)],
            ),
            ProviderError::Stopped { received_chars } => fill(
                td_string!(locale, err_services.provider_stopped),
                &[("received", &characters(*received_chars, locale))],
            ),
            ProviderError::Unauthorized(reason) => {
                fill(td_string!(locale, err_services.provider_unauthorized), &[("reason", reason)])
            }
            ProviderError::InsufficientBalance(reason) => {
                fill(td_string!(locale, err_services.provider_insufficient_balance), &[("reason", reason)])
            }
            ProviderError::Refusal { status, message } => {
                fill(td_string!(locale, err_services.provider_refusal), &[("status", status), ("message", message)])
            }
            ProviderError::Malformed(reason) => {
                fill(td_string!(locale, err_services.provider_malformed), &[("reason", reason)])
            }
            ProviderError::Unsupported(reason) => {
                fill(td_string!(locale, err_services.provider_unsupported), &[("reason", reason)])
            }
        }
    }
}

impl Localized for NotAttested {
    fn localized(&self, locale: Locale) -> String {
        match self {
            NotAttested::NoQuote => td_string!(locale, err_services.attest_no_quote).to_string(),
            NotAttested::Unreadable(reason) => {
                fill(td_string!(locale, err_services.attest_unreadable), &[("reason", &reason.localized(locale))])
            }
            NotAttested::NotTdx => td_string!(locale, err_services.attest_not_tdx).to_string(),
            NotAttested::CollateralMissing(reason) => fill(
                td_string!(locale, err_services.attest_collateral_missing),
                &[("reason", &reason.localized(locale))],
            ),
            NotAttested::CollateralExpired(reason) => fill(
                td_string!(locale, err_services.attest_collateral_expired),
                &[("reason", &reason.localized(locale))],
            ),
            NotAttested::DoesNotVerify(reason) => {
                fill(td_string!(locale, err_services.attest_does_not_verify), &[("reason", reason)])
            }
            NotAttested::BindsAnotherKey { expected, found } => fill(
                td_string!(locale, err_services.attest_binds_another_key),
                &[("expected", expected), ("found", &found.localized(locale))],
            ),
            NotAttested::VerifierUnavailable(reason) => {
                fill(td_string!(locale, err_services.attest_verifier_unavailable), &[("reason", reason)])
            }
        }
    }
}

impl Localized for AnswerSignatureError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            AnswerSignatureError::ResponseMismatch => {
                td_string!(locale, err_services.sig_response_mismatch).to_string()
            }
            AnswerSignatureError::TextMalformed => td_string!(locale, err_services.sig_text_malformed).to_string(),
            AnswerSignatureError::Malformed => td_string!(locale, err_services.sig_malformed).to_string(),
            AnswerSignatureError::WrongSigner { signer, expected } => {
                fill(td_string!(locale, err_services.sig_wrong_signer), &[("signer", signer), ("expected", expected)])
            }
            AnswerSignatureError::NotAcknowledged => td_string!(locale, err_services.sig_not_acknowledged).to_string(),
            AnswerSignatureError::NoSignerRule(why) => {
                // The three ways `answer::signing_address` finds no rule; another stays as it is.
                let why = match *why {
                    "is empty" => td_string!(locale, err_services.sig_rule_empty),
                    "is not JSON" => td_string!(locale, err_services.sig_rule_not_json),
                    "names a TargetTeeAddress that is not an address" => {
                        td_string!(locale, err_services.sig_rule_bad_target)
                    }
                    other => other,
                };
                fill(td_string!(locale, err_services.sig_no_signer_rule), &[("why", &why)])
            }
        }
    }
}

impl Localized for StakingError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            StakingError::NoContract => td_string!(locale, err_services.staking_no_contract).to_string(),
            StakingError::NoCode(address) => {
                fill(td_string!(locale, err_services.staking_no_code), &[("address", address)])
            }
            StakingError::WrongInterface { address, why } => {
                fill(td_string!(locale, err_services.staking_wrong_interface), &[("address", address), ("why", why)])
            }
            StakingError::UnknownValidator(key) => {
                fill(td_string!(locale, err_services.staking_unknown_validator), &[("key", key)])
            }
            StakingError::Pubkey(e) => e.localized(locale),
            StakingError::Chain(e) => e.localized(locale),
            StakingError::Refused(reason) => {
                fill(td_string!(locale, err_services.staking_refused), &[("reason", &reason.localized(locale))])
            }
            StakingError::NotProven(reason) => fill(td_string!(locale, err_services.not_proven), &[("reason", reason)]),
        }
    }
}

impl Localized for PubkeyError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            PubkeyError::NotHex => td_string!(locale, err_services.pubkey_not_hex).to_string(),
            PubkeyError::WrongLength(bytes) => {
                fill(td_string!(locale, err_services.pubkey_wrong_length), &[("bytes", bytes)])
            }
        }
    }
}

impl Localized for GovernanceError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            GovernanceError::NoContracts => td_string!(locale, err_services.governance_no_contracts).to_string(),
            GovernanceError::Chain(e) => e.localized(locale),
            GovernanceError::Refused(reason) => {
                fill(td_string!(locale, err_services.governance_refused), &[("reason", &reason.localized(locale))])
            }
            GovernanceError::NotProven(reason) => {
                fill(td_string!(locale, err_services.not_proven), &[("reason", reason)])
            }
            // Its words are in `words_carried_a.rs`.
            GovernanceError::Input(what) => what.localized(locale),
        }
    }
}

impl Localized for DeployError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            DeployError::Shipped(e) => e.localized(locale),
            DeployError::Bundle(reason) => fill(td_string!(locale, err_services.deploy_bundle), &[("reason", reason)]),
            DeployError::Chain(e) => e.localized(locale),
            DeployError::Params(e) => e.localized(locale),
            DeployError::Code { what, address, mismatch } => fill(
                td_string!(locale, err_services.deploy_code),
                &[
                    ("what", &deploy_label(what, locale)),
                    ("address", address),
                    ("mismatch", &mismatch.localized(locale)),
                ],
            ),
            DeployError::CodeNotProven { address, reason } => fill(
                td_string!(locale, err_services.deploy_code_not_proven),
                &[("address", address), ("reason", reason)],
            ),
            DeployError::Wiring(reason) => fill(td_string!(locale, err_services.deploy_wiring), &[("reason", reason)]),
            DeployError::Step { step, steps, what, source } => fill(
                td_string!(locale, err_services.deploy_step),
                &[
                    ("steps", steps),
                    ("step", step),
                    ("what", &deploy_label(what, locale)),
                    ("error", &source.localized(locale)),
                ],
            ),
        }
    }
}

impl Localized for ShippedError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ShippedError::Unreadable(reason) => {
                fill(td_string!(locale, err_services.shipped_unreadable), &[("reason", reason)])
            }
            ShippedError::Missing(name) => fill(td_string!(locale, err_services.shipped_missing), &[("name", name)]),
            ShippedError::BadImmutable(name) => {
                fill(td_string!(locale, err_services.shipped_bad_immutable), &[("name", name)])
            }
        }
    }
}

impl Localized for CodeMismatch {
    fn localized(&self, locale: Locale) -> String {
        match self {
            CodeMismatch::NoCode => td_string!(locale, err_services.mismatch_no_code).to_string(),
            CodeMismatch::Length { what, expected, got } => fill(
                td_string!(locale, err_services.mismatch_length),
                &[("expected", expected), ("got", got), ("what", &deploy_label(what, locale))],
            ),
            CodeMismatch::Differs { what, offset } => fill(
                td_string!(locale, err_services.mismatch_differs),
                &[("offset", offset), ("what", &deploy_label(what, locale))],
            ),
        }
    }
}

impl Localized for ParamsError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ParamsError::VotingPeriod => td_string!(locale, err_services.params_voting_period),
            ParamsError::VotingDelay => td_string!(locale, err_services.params_voting_delay),
            ParamsError::Quorum => td_string!(locale, err_services.params_quorum),
        }
        .to_string()
    }
}

impl Localized for LinkError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            LinkError::NotALink => td_string!(locale, err_services.link_not_a_link).to_string(),
            LinkError::UnknownNetwork(name) => {
                fill(td_string!(locale, err_services.link_unknown_network), &[("name", name)])
            }
            LinkError::ChainMismatch { name, expected, link } => fill(
                td_string!(locale, err_services.link_chain_mismatch),
                &[("expected", expected), ("link", link), ("name", name)],
            ),
            LinkError::NoChainId => td_string!(locale, err_services.link_no_chain_id).to_string(),
            LinkError::BadChainId(value) => {
                fill(td_string!(locale, err_services.link_bad_chain_id), &[("value", value)])
            }
            LinkError::NoRpc => td_string!(locale, err_services.link_no_rpc).to_string(),
            LinkError::Network(e) => {
                fill(td_string!(locale, err_services.link_network), &[("error", &e.localized(locale))])
            }
            LinkError::BadCheckpoint => {
                // `<block number>:<block hash>`: a catalogue cannot hold `<` or `>` (leptos_i18n
                // reads them as components), so the brackets are put around its words here.
                let shape = format!(
                    "<{}>:<{}>",
                    td_string!(locale, err_services.link_block_number),
                    td_string!(locale, err_services.link_block_hash)
                );
                fill(td_string!(locale, err_services.link_bad_checkpoint), &[("shape", &shape)])
            }
            LinkError::BadAddress { key, problem } => fill(
                td_string!(locale, err_services.link_bad_address),
                &[("key", key), ("problem", &problem.localized(locale))],
            ),
            LinkError::UnknownField(field) => {
                fill(td_string!(locale, err_services.link_unknown_field), &[("field", field)])
            }
            LinkError::Repeated(name) => fill(td_string!(locale, err_services.link_repeated), &[("name", name)]),
            LinkError::FlowOfKnownNetwork => td_string!(locale, err_services.link_flow_of_known_network).to_string(),
            LinkError::IndexerWithoutFlow => td_string!(locale, err_services.link_indexer_without_flow).to_string(),
            LinkError::BadFirstBlock(value) => {
                fill(td_string!(locale, err_services.link_bad_first_block), &[("value", value)])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::client::ChainError;
    use crate::chain::networks::NetworkError;
    use crate::compute::attestation::{CollateralFault, QuoteUnreadable, ReportData, Signed};
    use crate::compute::contract::{Refusal, Reserve};
    use crate::deploy::shipped::Kind;
    use crate::format::AddressError;
    use crate::governance::contract::Refusal as GovernorRefusal;
    use crate::governance::service::ProposalInput;
    use crate::staking::contract::Refusal as ValidatorRefusal;
    use alloy_primitives::{Address, U256};

    /// English is the enum's own text; Korean fills every slot and, where `translated`, is
    /// not the English (a carried string or another error's words may read the same).
    fn check(english: String, en: String, ko: String, translated: bool) {
        assert_eq!(en, english);
        assert!(!ko.contains('['), "a slot was left unfilled: {ko}");
        if translated {
            assert_ne!(ko, english, "not translated: {english}");
        }
    }

    fn all<E: Localized + std::fmt::Display>(samples: Vec<(E, bool)>) {
        for (e, translated) in samples {
            check(e.to_string(), e.localized(Locale::en), e.localized(Locale::ko), translated);
        }
    }

    fn s(text: &str) -> String {
        text.to_string()
    }

    #[test]
    fn compute_errors_read_as_the_enums_in_english_and_are_translated() {
        let a = Address::repeat_byte(0x11);
        all(vec![
            (ComputeError::NoContracts, true),
            (ComputeError::Chain(ChainError::Declined), false),
            (ComputeError::Unexpected(s("no randomness")), false),
            (ComputeError::Refused(Refusal::Said(s("LedgerNotExists"))), true),
            (ComputeError::Refused(Refusal::NoLedger), true),
            (ComputeError::Refused(Refusal::Data(alloy_primitives::Bytes::from(vec![0xde, 0xad]))), true),
            (ComputeError::NotProven(s("getLedger did not decode")), true),
            (ComputeError::Provider(ProviderError::Timeout(20)), true),
            (
                ComputeError::BelowReserve {
                    offered: s("0.5 0G"),
                    needed: s("1.2 0G"),
                    reserve: Box::new(Reserve {
                        fee: U256::from(7),
                        unsettled: U256::ZERO,
                        minimum: U256::from(10u64.pow(18)),
                    }),
                },
                true,
            ),
            (ComputeError::NoServiceName(a), true),
        ]);
        all(vec![
            (LocalError::NoAdapter(s("no navigator.gpu")), true),
            (LocalError::TooLarge { adapter: s("swiftshader"), what: s("layer weights"), need: 9, limit: 8 }, true),
            (LocalError::TooLarge { adapter: s("swiftshader"), what: s("something new"), need: 9, limit: 8 }, true),
            (LocalError::DeviceLost(s("destroyed")), true),
            (LocalError::Gpu(s("the model's kernels did not compile")), true),
            (LocalError::Busy, true),
            (LocalError::Worker(s("it went away")), true),
            (LocalError::Model(s("the prompt is empty: write a message first")), false),
        ]);
        all(vec![
            (ProviderError::ProviderDown { url: s("http://127.0.0.1:3080"), reason: s("connection refused") }, true),
            (ProviderError::Timeout(20), true),
            (ProviderError::StreamCut { received_chars: 1, reason: s("network error") }, true),
            (ProviderError::StreamCut { received_chars: 42, reason: s("network error") }, true),
            (ProviderError::Stopped { received_chars: 1 }, true),
            (ProviderError::Stopped { received_chars: 7 }, true),
            (ProviderError::Unauthorized(s("token expired")), true),
            (ProviderError::InsufficientBalance(s("insufficient balance")), true),
            (ProviderError::Refusal { status: 500, message: s("internal error") }, true),
            (ProviderError::Malformed(s("not JSON")), true),
            (ProviderError::Unsupported(s("no AbortController")), true),
        ]);
        all(vec![
            (NotAttested::NoQuote, true),
            (NotAttested::Unreadable(QuoteUnreadable::Status(500)), true),
            (NotAttested::Unreadable(QuoteUnreadable::Request(ProviderError::Timeout(20))), true),
            (NotAttested::Unreadable(QuoteUnreadable::NotJson(s("expected value at line 1"))), true),
            (NotAttested::NotTdx, true),
            (NotAttested::CollateralMissing(CollateralFault::NotSent), true),
            (NotAttested::CollateralMissing(CollateralFault::NoDate(Signed::TcbInfo, s("issueDate"))), true),
            (
                NotAttested::CollateralExpired(CollateralFault::Expired(Signed::QeIdentity, s("2025-01-01T00:00:00Z"))),
                true,
            ),
            (NotAttested::DoesNotVerify(s("bad signature")), true),
            (NotAttested::BindsAnotherKey { expected: s("0x11"), found: ReportData::Text(s("0x22")) }, true),
            (NotAttested::BindsAnotherKey { expected: s("0x11"), found: ReportData::Bytes(s("00ff")) }, true),
            (NotAttested::VerifierUnavailable(s("the worker did not start")), true),
        ]);
        all(vec![
            (AnswerSignatureError::ResponseMismatch, true),
            (AnswerSignatureError::TextMalformed, true),
            (AnswerSignatureError::Malformed, true),
            (AnswerSignatureError::WrongSigner { signer: a, expected: Address::repeat_byte(0x22) }, true),
            (AnswerSignatureError::NotAcknowledged, true),
            (AnswerSignatureError::NoSignerRule("is empty"), true),
            (AnswerSignatureError::NoSignerRule("is not JSON"), true),
            (AnswerSignatureError::NoSignerRule("names a TargetTeeAddress that is not an address"), true),
            (AnswerSignatureError::NoSignerRule("is something new"), true),
        ]);
        assert_eq!(
            ProviderError::StreamCut { received_chars: 42, reason: s("reset") }.localized(Locale::ko).split('(').next(),
            Some("답변이 42자까지 도착한 뒤 끊겼습니다")
        );
    }

    #[test]
    fn staking_and_governance_errors_read_as_the_enums_in_english_and_are_translated() {
        let a = Address::repeat_byte(0x11);
        all(vec![
            (StakingError::NoContract, true),
            (StakingError::NoCode(a), true),
            (StakingError::WrongInterface { address: a, why: s("getValidator reverted") }, true),
            (StakingError::UnknownValidator(s("0xa1a1")), true),
            (StakingError::Pubkey(PubkeyError::NotHex), true),
            (StakingError::Pubkey(PubkeyError::WrongLength(47)), true),
            (StakingError::Chain(ChainError::Declined), false),
            (StakingError::Refused(ValidatorRefusal::FeeTooLow), true),
            (
                StakingError::Refused(ValidatorRefusal::NotEnoughShares {
                    held: U256::from(2u64),
                    requested: U256::from(5u64),
                }),
                true,
            ),
            (StakingError::Refused(ValidatorRefusal::Data(alloy_primitives::Bytes::from(vec![0xde, 0xad]))), true),
            (StakingError::NotProven(s("tokens did not decode")), true),
        ]);
        all(vec![(PubkeyError::NotHex, true), (PubkeyError::WrongLength(47), true)]);
        all(vec![
            (GovernanceError::NoContracts, true),
            (GovernanceError::Chain(ChainError::Declined), false),
            (GovernanceError::Refused(GovernorRefusal::NoSuchProposal), true),
            (GovernanceError::Refused(GovernorRefusal::NotOpen(None)), true),
            (GovernanceError::Refused(GovernorRefusal::Data(alloy_primitives::Bytes::from(vec![0xde, 0xad]))), true),
            (GovernanceError::NotProven(s("state did not decode")), true),
            (GovernanceError::Input(ProposalInput::NoTitle), true),
        ]);
    }

    #[test]
    fn deploy_and_link_errors_read_as_the_enums_in_english_and_are_translated() {
        let a = Address::repeat_byte(0x11);
        let mismatch = CodeMismatch::Differs { what: Kind::Governor.label(), offset: 12 };
        all(vec![
            (DeployError::Shipped(ShippedError::Missing("AgentNFT")), true),
            (DeployError::Bundle(s("HTTP 404")), true),
            (DeployError::Chain(ChainError::Declined), false),
            (DeployError::Params(ParamsError::Quorum), true),
            (DeployError::Code { what: Kind::AgentNft.label(), address: a, mismatch: CodeMismatch::NoCode }, true),
            (DeployError::CodeNotProven { address: a, reason: s("the node is unreachable") }, true),
            (DeployError::Wiring(s("the timelock at 0x11 does not let the governor at 0x22 propose")), true),
            (
                DeployError::Step {
                    step: 2,
                    steps: 6,
                    what: "lets the governor propose to the timelock",
                    source: Box::new(DeployError::Code { what: Kind::Governor.label(), address: a, mismatch }),
                },
                true,
            ),
            (
                DeployError::Step {
                    step: 1,
                    steps: 2,
                    what: Kind::SignatureVerifier.label(),
                    source: Box::new(DeployError::Chain(ChainError::Declined)),
                },
                true,
            ),
        ]);
        all(vec![
            (ShippedError::Unreadable(s("expected value at line 1")), true),
            (ShippedError::Missing("SignatureVerifier"), true),
            (ShippedError::BadImmutable("AgentNFT"), true),
        ]);
        let mut mismatches = vec![(CodeMismatch::NoCode, true)];
        for kind in Kind::ALL {
            mismatches.push((CodeMismatch::Length { what: kind.label(), expected: 100, got: 90 }, true));
            mismatches.push((CodeMismatch::Differs { what: kind.label(), offset: 3 }, true));
        }
        all(mismatches);
        all(vec![(ParamsError::VotingPeriod, true), (ParamsError::VotingDelay, true), (ParamsError::Quorum, true)]);
        all(vec![
            (LinkError::NotALink, true),
            (LinkError::UnknownNetwork(s("mainnet")), true),
            (LinkError::ChainMismatch { name: s("Galileo"), expected: 16602, link: 31337 }, true),
            (LinkError::NoChainId, true),
            (LinkError::BadChainId(s("abc")), true),
            (LinkError::NoRpc, true),
            (LinkError::Network(NetworkError::BadUrl), true),
            (LinkError::BadCheckpoint, true),
            (LinkError::BadAddress { key: s("governor"), problem: AddressError::Malformed }, true),
            (LinkError::UnknownField(s("ledger")), true),
            (LinkError::Repeated(s("governor")), true),
            (LinkError::FlowOfKnownNetwork, true),
            (LinkError::IndexerWithoutFlow, true),
            (LinkError::BadFirstBlock(s("x")), true),
        ]);
        assert_eq!(
            LinkError::BadCheckpoint.localized(Locale::ko),
            "링크의 체크포인트는 <블록 번호>:<블록 해시> 형식이어야 합니다"
        );
    }

    /// Every contract and step a deployment names has its own words, so none is left in
    /// English inside a Korean message.
    #[test]
    fn every_deployed_contract_and_step_is_named_in_korean() {
        let steps = [
            "lets the governor propose to the timelock",
            "lets the governor cancel in the timelock",
            "gives up your admin role over the timelock, leaving it to governance",
        ];
        for what in Kind::ALL.map(Kind::label).into_iter().chain(steps) {
            assert_eq!(deploy_label(what, Locale::en), what);
            assert_ne!(deploy_label(what, Locale::ko), what);
        }
        assert_eq!(deploy_label("something new", Locale::ko), "something new");
    }
}
