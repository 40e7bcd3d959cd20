//! Translates what the Storage, Compute and Governance pages and the deploy card show that is
//! composed outside the views: storage nodes left out and answers skipped, how a file was
//! hashed, a compute ledger's refusals and reserve, a TEE quote's reasons, a proposal's
//! actions, and the deployment's steps (catalogue section `words_services`; a step's words are
//! `err_services`', which its errors use too).

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};

use crate::compute::attestation::{CollateralFault, QuoteUnreadable, ReportData};
use crate::compute::contract::{Refusal, Reserve};
use crate::deploy::plan::StepKind;
use crate::deploy::shipped::Kind;
use crate::format::format_0g;
use crate::governance::contract::{Action, ActionCall};
use crate::storage::discovery::NodeNote;
use crate::storage::hashing::HashPath;
use crate::storage::transfer::Fault;

// Slots holding text composed elsewhere (a node's words, hosts, another error's message) are
// filled last, so that nothing inside them is taken for one of the message's own slots.

impl Localized for NodeNote {
    fn localized(&self, locale: Locale) -> String {
        match self {
            NodeNote::ImpossibleShard { host, shard } => fill(
                td_string!(locale, words_services.note_impossible_shard),
                &[("id", &shard.shard_id), ("count", &shard.num_shard), ("host", host)],
            ),
            NodeNote::NoneListed { indexer } => {
                fill(td_string!(locale, words_services.note_none_listed), &[("indexer", indexer)])
            }
            NodeNote::IndexerFailed(e) => {
                fill(td_string!(locale, words_services.note_indexer_failed), &[("error", &e.localized(locale))])
            }
            NodeNote::Blocked(blocked) => {
                let list = blocked.iter().map(|u| u.localized(locale)).collect::<Vec<_>>().join("; ");
                fill(td_string!(locale, words_services.note_blocked), &[("count", &blocked.len()), ("list", &list)])
            }
            NodeNote::NodeFailed(e) => e.localized(locale),
            NodeNote::Replaced(e) => {
                fill(td_string!(locale, words_services.note_replaced), &[("error", &e.localized(locale))])
            }
            NodeNote::ShardCorrected { host, said, actual } => fill(
                td_string!(locale, words_services.note_shard_corrected),
                &[
                    ("said_id", &said.shard_id),
                    ("said_count", &said.num_shard),
                    ("id", &actual.shard_id),
                    ("count", &actual.num_shard),
                    ("host", host),
                ],
            ),
            NodeNote::LeftBehind(e) => {
                fill(td_string!(locale, words_services.note_left_behind), &[("error", &e.localized(locale))])
            }
        }
    }
}

impl Localized for Fault {
    fn localized(&self, locale: Locale) -> String {
        match self {
            Fault::Segment { index, node, refusal } => fill(
                td_string!(locale, words_services.fault_segment),
                &[("index", index), ("node", node), ("refusal", &refusal.localized(locale))],
            ),
            Fault::ToGateway(e) => {
                fill(td_string!(locale, words_services.fault_to_gateway), &[("error", &e.localized(locale))])
            }
            Fault::Locations(e) => {
                fill(td_string!(locale, words_services.fault_locations), &[("error", &e.localized(locale))])
            }
            Fault::Holder { host, error } => fill(
                td_string!(locale, words_services.fault_holder),
                &[("host", host), ("error", &error.localized(locale))],
            ),
        }
    }
}

impl Localized for HashPath {
    fn localized(&self, locale: Locale) -> String {
        match self {
            HashPath::WebGpu { adapter } => {
                fill(td_string!(locale, words_services.hash_webgpu), &[("adapter", adapter)])
            }
            HashPath::Workers { count: 1, .. } => td_string!(locale, words_services.hash_one_worker).to_string(),
            HashPath::Workers { count, .. } => {
                fill(td_string!(locale, words_services.hash_workers), &[("count", count)])
            }
            HashPath::MainThread { .. } => td_string!(locale, words_services.hash_main_thread).to_string(),
        }
    }
}

impl Localized for Reserve {
    fn localized(&self, locale: Locale) -> String {
        // The Compute page's own words for the reserve (`compute.reserve`).
        fill(
            td_string!(locale, compute.reserve),
            &[
                ("total", &format_0g(self.total())),
                ("fee", &format_0g(self.fee)),
                ("unsettled", &format_0g(self.unsettled)),
                ("minimum", &format_0g(self.minimum)),
            ],
        )
    }
}

impl Localized for Refusal {
    fn localized(&self, locale: Locale) -> String {
        let words = |text: &str| text.to_string();
        match self {
            // The contract's own words.
            Refusal::Said(reason) => reason.clone(),
            Refusal::NoLedger => words(td_string!(locale, words_services.refusal_no_ledger)),
            Refusal::LedgerExists => words(td_string!(locale, words_services.refusal_ledger_exists)),
            Refusal::LowBalance => words(td_string!(locale, words_services.refusal_low_balance)),
            Refusal::NotAvailable { available, required } => fill(
                td_string!(locale, words_services.refusal_not_available),
                &[("available", &format_0g(*available)), ("required", &format_0g(*required))],
            ),
            Refusal::BelowMinimum { provided, required } => fill(
                td_string!(locale, words_services.refusal_below_minimum),
                &[("provided", &format_0g(*provided)), ("required", &format_0g(*required))],
            ),
            Refusal::TooManyProviders { requested, maximum } => fill(
                td_string!(locale, words_services.refusal_too_many_providers),
                &[("requested", requested), ("maximum", maximum)],
            ),
            Refusal::TooManyForService { current, maximum } => fill(
                td_string!(locale, words_services.refusal_too_many_for_service),
                &[("current", current), ("maximum", maximum)],
            ),
            Refusal::NoServiceName => words(td_string!(locale, words_services.refusal_no_service_name)),
            Refusal::LedgerLocked => words(td_string!(locale, words_services.refusal_ledger_locked)),
            Refusal::InfoTooLong { length, max } => {
                fill(td_string!(locale, words_services.refusal_info_too_long), &[("length", length), ("max", max)])
            }
            Refusal::ZeroAmount => words(td_string!(locale, words_services.refusal_zero_amount)),
            Refusal::ZeroAddress => words(td_string!(locale, words_services.refusal_zero_address)),
            Refusal::PayoutFailed => words(td_string!(locale, words_services.refusal_payout_failed)),
            Refusal::TransferRefused => words(td_string!(locale, words_services.refusal_transfer_refused)),
            Refusal::LedgerNotEmpty { remaining } => fill(
                td_string!(locale, words_services.refusal_ledger_not_empty),
                &[("remaining", &format_0g(*remaining))],
            ),
            Refusal::NotRegisteredService => words(td_string!(locale, words_services.refusal_not_registered_service)),
            Refusal::DirectDeposit => words(td_string!(locale, words_services.refusal_direct_deposit)),
            Refusal::NoSubAccount => words(td_string!(locale, words_services.refusal_no_sub_account)),
            Refusal::SubAccountExists => words(td_string!(locale, words_services.refusal_sub_account_exists)),
            Refusal::NotProvider(provider) => {
                fill(td_string!(locale, words_services.refusal_not_provider), &[("provider", provider)])
            }
            Refusal::TooManyRefunds => words(td_string!(locale, words_services.refusal_too_many_refunds)),
            Refusal::ProviderIsUser => words(td_string!(locale, words_services.refusal_provider_is_user)),
            Refusal::SubAccountNotEmpty { balance } => fill(
                td_string!(locale, words_services.refusal_sub_account_not_empty),
                &[("balance", &format_0g(*balance))],
            ),
            Refusal::LimitTooLarge { limit, max } => {
                fill(td_string!(locale, words_services.refusal_limit_too_large), &[("limit", limit), ("max", max)])
            }
            Refusal::Data(data) => {
                fill(td_string!(locale, words_services.refusal_data), &[("data", &hex::encode(data))])
            }
        }
    }
}

impl Localized for QuoteUnreadable {
    fn localized(&self, locale: Locale) -> String {
        match self {
            QuoteUnreadable::Request(e) => e.localized(locale),
            QuoteUnreadable::Status(status) => {
                fill(td_string!(locale, words_services.quote_status), &[("status", status)])
            }
            QuoteUnreadable::NotJson(error) => {
                fill(td_string!(locale, words_services.quote_not_json), &[("error", error)])
            }
            QuoteUnreadable::NotHex(error) => {
                fill(td_string!(locale, words_services.quote_not_hex), &[("error", error)])
            }
            QuoteUnreadable::BadCollateral(error) => {
                fill(td_string!(locale, words_services.quote_bad_collateral), &[("error", error)])
            }
        }
    }
}

impl Localized for CollateralFault {
    fn localized(&self, locale: Locale) -> String {
        // `TCB info` and `QE identity` are Intel's names, the same in every language.
        match self {
            CollateralFault::NotSent => td_string!(locale, words_services.collateral_not_sent).to_string(),
            CollateralFault::NotJson(part, error) => {
                fill(td_string!(locale, words_services.collateral_not_json), &[("part", part), ("error", error)])
            }
            CollateralFault::NoDate(part, field) => {
                fill(td_string!(locale, words_services.collateral_no_date), &[("part", part), ("field", field)])
            }
            CollateralFault::IssuedLater(part, date) => {
                fill(td_string!(locale, words_services.collateral_issued_later), &[("part", part), ("date", date)])
            }
            CollateralFault::Expired(part, date) => {
                fill(td_string!(locale, words_services.collateral_expired), &[("part", part), ("date", date)])
            }
        }
    }
}

impl Localized for ReportData {
    fn localized(&self, locale: Locale) -> String {
        match self {
            // The text itself, in quotes: the same in every language.
            ReportData::Text(_) => self.to_string(),
            ReportData::Bytes(hex) => fill(td_string!(locale, words_services.report_bytes), &[("hex", hex)]),
        }
    }
}

impl Localized for Action {
    fn localized(&self, locale: Locale) -> String {
        let Action { target, value, call } = self;
        let pay = (!value.is_zero()).then(|| {
            fill(td_string!(locale, words_services.action_send), &[("amount", &format_0g(*value)), ("target", target)])
        });
        let call = match call {
            ActionCall::Nothing => {
                return pay
                    .unwrap_or_else(|| fill(td_string!(locale, words_services.action_no_data), &[("target", target)]))
            }
            ActionCall::SetProposalDeposit(deposit) => {
                fill(td_string!(locale, words_services.action_set_deposit), &[("amount", &format_0g(*deposit))])
            }
            ActionCall::Other { selector, argument_bytes } => fill(
                td_string!(locale, words_services.action_call),
                &[("bytes", argument_bytes), ("selector", selector), ("target", target)],
            ),
        };
        match pay {
            Some(pay) => fill(td_string!(locale, words_services.action_and), &[("pay", &pay), ("call", &call)]),
            None => call,
        }
    }
}

impl Localized for StepKind {
    fn localized(&self, locale: Locale) -> String {
        match self {
            StepKind::Create(Kind::SignatureVerifier) => td_string!(locale, err_services.label_signature_verifier),
            StepKind::Create(Kind::AgentNft) => td_string!(locale, err_services.label_agent_nft),
            StepKind::Create(Kind::WrappedZg) => td_string!(locale, err_services.label_wrapped_zg),
            StepKind::Create(Kind::Timelock) => td_string!(locale, err_services.label_timelock),
            StepKind::Create(Kind::Governor) => td_string!(locale, err_services.label_governor),
            StepKind::Create(Kind::Flow) => td_string!(locale, err_services.label_flow),
            StepKind::GrantProposer => td_string!(locale, err_services.step_grant_proposer),
            StepKind::GrantCanceller => td_string!(locale, err_services.step_grant_canceller),
            StepKind::RenounceAdmin => td_string!(locale, err_services.step_renounce_admin),
        }
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Address, Bytes, B256, U256};

    use crate::compute::exchange::ProviderError;
    use crate::deploy::plan::Suite;
    use crate::storage::discovery::Unreachable;
    use crate::storage::segment::SegmentRefusal;
    use crate::storage::transfer::{IndexerError, NodeError, TransferError};
    use crate::storage::wire::ShardConfig;

    /// English is the value's own text; Korean fills every slot and, where `translated`, is
    /// not the English (a carried string, or another error's words, may read the same).
    fn all<T: Localized + std::fmt::Display>(samples: Vec<(T, bool)>) {
        for (value, translated) in samples {
            let (en, ko) = (value.localized(Locale::en), value.localized(Locale::ko));
            assert_eq!(en, value.to_string());
            assert!(!ko.contains('['), "a slot was left unfilled: {ko}");
            if translated {
                assert_ne!(ko, en, "not translated: {en}");
            }
        }
    }

    fn s(text: &str) -> String {
        text.to_string()
    }

    fn og(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64.pow(18))
    }

    fn node_error() -> NodeError {
        NodeError::Failed { node: s("127.0.0.1:9"), reason: s("connection refused") }
    }

    #[test]
    fn storage_notes_and_faults_read_as_the_core_says_them_and_are_translated() {
        let shard = |shard_id, num_shard| ShardConfig { shard_id, num_shard };
        let indexer = IndexerError::Unreachable { host: s("127.0.0.1:12345"), reason: s("connection refused") };
        all(vec![
            (NodeNote::ImpossibleShard { host: s("n:1"), shard: shard(3, 3) }, true),
            (NodeNote::NoneListed { indexer: s("127.0.0.1:12345") }, true),
            (NodeNote::IndexerFailed(indexer.clone()), true),
            (
                NodeNote::Blocked(vec![
                    Unreachable::MixedContent { url: s("http://203.0.113.7:5678") },
                    Unreachable::NotHttp { url: s("ws://x") },
                ]),
                true,
            ),
            (NodeNote::NodeFailed(node_error()), true),
            (NodeNote::Replaced(node_error()), true),
            (NodeNote::ShardCorrected { host: s("n:1"), said: shard(0, 1), actual: shard(1, 2) }, true),
            (NodeNote::LeftBehind(node_error()), true),
        ]);
        let ko =
            NodeNote::ShardCorrected { host: s("n:1"), said: shard(0, 1), actual: shard(1, 2) }.localized(Locale::ko);
        assert!(ko.contains("0/1") && ko.contains("1/2"), "{ko}");
        all(vec![
            (Fault::Segment { index: 2, node: s("http://n:1"), refusal: SegmentRefusal::Missing }, true),
            (
                Fault::Segment {
                    index: 0,
                    node: s("http://n:1"),
                    refusal: SegmentRefusal::Another { index: 3, root: B256::repeat_byte(7) },
                },
                true,
            ),
            (
                Fault::ToGateway(TransferError::Unavailable {
                    index: 1,
                    reasons: crate::storage::transfer::Unanswered::Asked(vec![
                        crate::storage::transfer::Miss::Segment {
                            node: s("http://n:1"),
                            refusal: SegmentRefusal::Missing,
                        },
                    ]),
                }),
                true,
            ),
            (Fault::Locations(indexer), true),
            (Fault::Holder { host: s("n:2"), error: node_error() }, true),
        ]);
    }

    #[test]
    fn every_hashing_path_is_named_in_both_languages() {
        all(vec![
            (HashPath::WebGpu { adapter: s("nvidia") }, true),
            (HashPath::Workers { count: 1, gpu_skipped: s("") }, true),
            (HashPath::Workers { count: 8, gpu_skipped: s("no adapter") }, true),
            (HashPath::MainThread { why: vec![s("no workers")] }, true),
        ]);
    }

    #[test]
    fn the_local_models_limits_read_as_zg_llm_says_them() {
        let limits =
            |locale: Locale| fill(td_string!(locale, words_services.model_limits), &[("name", &zg_llm::MODEL_NAME)]);
        assert_eq!(limits(Locale::en), zg_llm::LIMITS);
        assert!(limits(Locale::ko).starts_with(zg_llm::MODEL_NAME) && limits(Locale::ko) != zg_llm::LIMITS);
    }

    #[test]
    fn compute_refusals_and_the_reserve_read_as_the_core_says_them_and_are_translated() {
        let a = Address::repeat_byte(0x11);
        let n = |v: u64| U256::from(v);
        all(vec![
            (Refusal::Said(s("Minimum deposit of 3 0G required")), false),
            (Refusal::NoLedger, true),
            (Refusal::LedgerExists, true),
            (Refusal::LowBalance, true),
            (Refusal::NotAvailable { available: og(1), required: og(4) }, true),
            (Refusal::BelowMinimum { provided: og(2), required: og(3) }, true),
            (Refusal::TooManyProviders { requested: n(60), maximum: n(50) }, true),
            (Refusal::TooManyForService { current: n(50), maximum: n(50) }, true),
            (Refusal::NoServiceName, true),
            (Refusal::LedgerLocked, true),
            (Refusal::InfoTooLong { length: n(5000), max: n(4096) }, true),
            (Refusal::ZeroAmount, true),
            (Refusal::ZeroAddress, true),
            (Refusal::PayoutFailed, true),
            (Refusal::TransferRefused, true),
            (Refusal::LedgerNotEmpty { remaining: og(1) }, true),
            (Refusal::NotRegisteredService, true),
            (Refusal::DirectDeposit, true),
            (Refusal::NoSubAccount, true),
            (Refusal::SubAccountExists, true),
            (Refusal::NotProvider(a), true),
            (Refusal::TooManyRefunds, true),
            (Refusal::ProviderIsUser, true),
            (Refusal::SubAccountNotEmpty { balance: og(2) }, true),
            (Refusal::LimitTooLarge { limit: n(100), max: n(50) }, true),
            (Refusal::Data(Bytes::from(vec![0xde, 0xad, 0xbe, 0xef])), true),
        ]);
        all(vec![(Reserve { fee: n(7), unsettled: n(3), minimum: og(1) }, true)]);
    }

    #[test]
    fn a_quotes_reasons_read_as_the_core_says_them_and_are_translated() {
        use crate::compute::attestation::Signed;
        all(vec![
            (QuoteUnreadable::Request(ProviderError::Timeout(20)), true),
            (QuoteUnreadable::Status(500), true),
            (QuoteUnreadable::NotJson(s("expected value at line 1 column 1")), true),
            (QuoteUnreadable::NotHex(s("Invalid character 'z' at position 0")), true),
            (QuoteUnreadable::BadCollateral(s("missing field `tcb_info`")), true),
        ]);
        all(vec![
            (CollateralFault::NotSent, true),
            (CollateralFault::NotJson(Signed::TcbInfo, s("EOF while parsing")), true),
            (CollateralFault::NoDate(Signed::QeIdentity, s("nextUpdate")), true),
            (CollateralFault::IssuedLater(Signed::TcbInfo, s("2025-06-19T10:16:03Z")), true),
            (CollateralFault::Expired(Signed::QeIdentity, s("2025-07-19T10:16:03Z")), true),
        ]);
        all(vec![
            (ReportData::Text(s("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC")), false),
            (ReportData::Bytes(s("00ff")), true),
        ]);
    }

    #[test]
    fn proposal_actions_read_as_the_core_says_them_and_are_translated() {
        use crate::governance::contract::action;
        let (to, governor) = (Address::repeat_byte(2), Address::repeat_byte(9));
        let set = alloy_sol_types::SolCall::abi_encode(&zg_abi::governor::ZgGovernor::setProposalDepositCall {
            newDeposit: og(2),
        });
        let odd = [0xde, 0xad, 0xbe, 0xef, 0];
        let mut samples = Vec::new();
        for value in [U256::ZERO, og(1)] {
            samples.push((action(to, value, &[], governor), true));
            samples.push((action(to, value, &odd, governor), true));
            samples.push((action(governor, value, &set, governor), true));
        }
        all(samples);
        assert_eq!(action(governor, U256::ZERO, &set, governor).localized(Locale::ko), "제안 보증금을 2 0G(으)로 변경");
    }

    /// Every contract and step a deployment names has its own words, so the progress line
    /// and its errors never show one in English in Korean.
    #[test]
    fn every_deployment_step_is_named_in_both_languages() {
        let steps: Vec<StepKind> =
            [Suite::Agents, Suite::Governance].iter().flat_map(|suite| suite.steps().iter().copied()).collect();
        for step in steps.into_iter().chain(Kind::ALL.map(StepKind::Create)) {
            assert_eq!(step.localized(Locale::en), step.label());
            assert_ne!(step.localized(Locale::ko), step.label());
        }
    }
}
