//! Translates the agents' errors (catalogue section `err_agents`): `AgentError`, `OfferError`,
//! `MetadataError`, `HandoverRefusal`, `ProvenanceError` and `EnvelopeError`.

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};
use crate::inft::envelope::EnvelopeError;
use crate::inft::handover::HandoverRefusal;
use crate::inft::metadata::MetadataError;
use crate::inft::offer::OfferError;
use crate::inft::proofs::Operation;
use crate::inft::provenance::ProvenanceError;
use crate::inft::service::AgentError;

/// A handover's operation in words ("transfer", "clone": its `Display` in English).
fn operation(op: Operation, locale: Locale) -> &'static str {
    match op {
        Operation::Transfer => td_string!(locale, err_agents.op_transfer),
        Operation::Clone => td_string!(locale, err_agents.op_clone),
    }
}

/// Which code an `OfferError` is about: `offer.rs` passes "offer" or "acceptance".
fn code_kind(what: &'static str, locale: Locale) -> &'static str {
    match what {
        "offer" => td_string!(locale, err_agents.code_offer),
        "acceptance" => td_string!(locale, err_agents.code_acceptance),
        other => other,
    }
}

/// Why a sealed key is malformed: `envelope.rs` says "empty", "wrong length" or "bad ephemeral key".
fn key_problem(why: &'static str, locale: Locale) -> &'static str {
    match why {
        "empty" => td_string!(locale, err_agents.key_empty),
        "wrong length" => td_string!(locale, err_agents.key_wrong_length),
        "bad ephemeral key" => td_string!(locale, err_agents.key_bad_ephemeral),
        other => other,
    }
}

impl Localized for AgentError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            AgentError::NoContract => td_string!(locale, err_agents.agent_no_contract).to_string(),
            AgentError::Storage(e) => {
                fill(td_string!(locale, err_agents.agent_storage_failed), &[("error", &e.localized(locale))])
            }
            AgentError::Download(e) => {
                fill(td_string!(locale, err_agents.agent_download_failed), &[("error", &e.localized(locale))])
            }
            AgentError::Chain(e) => e.localized(locale),
            // Their words are in `words_carried_a.rs`.
            AgentError::Unexpected(what) => what.localized(locale),
            AgentError::Input(what) => what.localized(locale),
            AgentError::Refused(why) => {
                fill(td_string!(locale, err_agents.agent_refused), &[("reason", &why.localized(locale))])
            }
            AgentError::NotProven(why) => {
                fill(td_string!(locale, err_agents.agent_not_proven), &[("reason", &why.localized(locale))])
            }
            AgentError::Offer(e) => e.localized(locale),
            AgentError::Metadata(e) => {
                fill(td_string!(locale, err_agents.agent_metadata), &[("error", &e.localized(locale))])
            }
            AgentError::Handover(e) => e.localized(locale),
            AgentError::NoSealedKey(token) => {
                fill(td_string!(locale, err_agents.agent_no_sealed_key), &[("token", token)])
            }
            AgentError::SealedToHolder { token, owner } => {
                fill(td_string!(locale, err_agents.agent_sealed_to_holder), &[("token", token), ("owner", owner)])
            }
            AgentError::Provenance(e) => e.localized(locale),
        }
    }
}

impl Localized for OfferError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            OfferError::NotACode(what, prefix) => fill(
                td_string!(locale, err_agents.offer_not_a_code),
                &[("what", &code_kind(what, locale)), ("prefix", prefix)],
            ),
            OfferError::Damaged(what, reason) => fill(
                td_string!(locale, err_agents.offer_damaged),
                &[("what", &code_kind(what, locale)), ("reason", reason)],
            ),
            OfferError::WrongChain { offered, connected } => fill(
                td_string!(locale, err_agents.offer_wrong_chain),
                &[("offered", offered), ("connected", connected)],
            ),
            OfferError::WrongContract { offered, expected } => fill(
                td_string!(locale, err_agents.offer_wrong_contract),
                &[("offered", offered), ("expected", expected)],
            ),
            OfferError::NotForYou { to, you } => {
                fill(td_string!(locale, err_agents.offer_not_for_you), &[("to", to), ("you", you)])
            }
            OfferError::WrongKey => td_string!(locale, err_agents.offer_wrong_key).to_string(),
            OfferError::NotSignedByHolder { from } => {
                fill(td_string!(locale, err_agents.offer_not_signed_by_holder), &[("from", from)])
            }
            OfferError::NotSignedByReceiver { to, signer } => {
                fill(td_string!(locale, err_agents.offer_not_signed_by_receiver), &[("to", to), ("signer", signer)])
            }
            OfferError::Expired => td_string!(locale, err_agents.offer_expired).to_string(),
            OfferError::OperationAltered { says, signed } => fill(
                td_string!(locale, err_agents.offer_operation_altered),
                &[("says", &operation(*says, locale)), ("signed", &operation(*signed, locale))],
            ),
        }
    }
}

impl Localized for MetadataError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            MetadataError::Envelope(e) => e.localized(locale),
            MetadataError::NotMetadata(reason) => {
                fill(td_string!(locale, err_agents.metadata_not_metadata), &[("reason", reason)])
            }
            MetadataError::NewerVersion(format) => {
                fill(td_string!(locale, err_agents.metadata_newer_version), &[("format", format)])
            }
            MetadataError::BadAgentKey => td_string!(locale, err_agents.metadata_bad_agent_key).to_string(),
        }
    }
}

impl Localized for HandoverRefusal {
    fn localized(&self, locale: Locale) -> String {
        match self {
            HandoverRefusal::NotAKey => td_string!(locale, err_agents.handover_not_a_key).to_string(),
            HandoverRefusal::NotHolder { token, owner, you } => fill(
                td_string!(locale, err_agents.handover_not_holder),
                &[("token", token), ("owner", owner), ("you", you)],
            ),
            HandoverRefusal::NoSuchAgent(token) => {
                fill(td_string!(locale, err_agents.handover_no_such_agent), &[("token", token)])
            }
            HandoverRefusal::StaleOffer { token } => {
                fill(td_string!(locale, err_agents.handover_stale_offer), &[("token", token)])
            }
        }
    }
}

impl Localized for ProvenanceError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ProvenanceError::NoMint(token) => {
                fill(td_string!(locale, err_agents.provenance_no_mint), &[("token", token)])
            }
            ProvenanceError::MintedTwice(token) => {
                fill(td_string!(locale, err_agents.provenance_minted_twice), &[("token", token)])
            }
            ProvenanceError::NoArrival { token, holder } => {
                fill(td_string!(locale, err_agents.provenance_no_arrival), &[("token", token), ("holder", holder)])
            }
            ProvenanceError::MintElsewhere { token, holder, block, minted } => fill(
                td_string!(locale, err_agents.provenance_mint_elsewhere),
                &[("token", token), ("holder", holder), ("block", block), ("minted", minted)],
            ),
        }
    }
}

impl Localized for EnvelopeError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            EnvelopeError::UnknownVersion(version) => {
                fill(td_string!(locale, err_agents.envelope_unknown_version), &[("version", version)])
            }
            EnvelopeError::MalformedKey(why) => {
                fill(td_string!(locale, err_agents.envelope_malformed_key), &[("reason", &key_problem(why, locale))])
            }
            EnvelopeError::NotForThisKey => td_string!(locale, err_agents.envelope_not_for_this_key).to_string(),
            EnvelopeError::MalformedData => td_string!(locale, err_agents.envelope_malformed_data).to_string(),
            EnvelopeError::Tampered => td_string!(locale, err_agents.envelope_tampered).to_string(),
            EnvelopeError::BadPublicKey => td_string!(locale, err_agents.envelope_bad_public_key).to_string(),
        }
    }
}

impl Localized for crate::compute::thread::ThreadsError {
    fn localized(&self, locale: Locale) -> String {
        use crate::compute::thread::ThreadsError;
        match self {
            ThreadsError::Unreadable(why) => fill(td_string!(locale, err_agents.threads_unreadable), &[("why", why)]),
            ThreadsError::NewerVersion(v) => fill(td_string!(locale, err_agents.threads_newer), &[("version", v)]),
            ThreadsError::NoSuchThread(_) => td_string!(locale, err_agents.thread_gone).to_string(),
        }
    }
}

impl Localized for crate::sealed_records::RecordError {
    fn localized(&self, locale: Locale) -> String {
        use crate::sealed_records::RecordError;
        match self {
            RecordError::Storage(why) => fill(td_string!(locale, err_agents.record_storage), &[("why", why)]),
            RecordError::Seal(why) => fill(td_string!(locale, err_agents.record_seal), &[("why", why)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, U256};

    use super::*;
    use crate::chain::client::ChainError;
    use crate::inft::contract::Refusal as AgentRefusal;
    use crate::inft::service::{BadInput, UnexpectedAnswer, Unproven};
    use crate::storage::service::StorageError;

    fn addr(byte: u8) -> Address {
        Address::repeat_byte(byte)
    }

    #[test]
    fn conversation_and_record_errors_match_their_enums() {
        use crate::compute::thread::ThreadsError;
        use crate::sealed_records::RecordError;
        let check = |en: String, display: String, ko: String| {
            assert_eq!(en, display);
            assert!(!crate::ui::lang::tests::unfilled(&ko) && ko != display, "{ko}");
        };
        for e in [ThreadsError::Unreadable("eof".into()), ThreadsError::NewerVersion(9), ThreadsError::NoSuchThread(3)]
        {
            check(e.localized(Locale::en), e.to_string(), e.localized(Locale::ko));
        }
        for e in [RecordError::Storage("QuotaExceededError".into()), RecordError::Seal("OperationError".into())] {
            check(e.localized(Locale::en), e.to_string(), e.localized(Locale::ko));
        }
    }

    fn envelope_errors() -> Vec<EnvelopeError> {
        vec![
            EnvelopeError::UnknownVersion(7),
            EnvelopeError::MalformedKey("empty"),
            EnvelopeError::MalformedKey("wrong length"),
            EnvelopeError::MalformedKey("bad ephemeral key"),
            EnvelopeError::NotForThisKey,
            EnvelopeError::MalformedData,
            EnvelopeError::Tampered,
            EnvelopeError::BadPublicKey,
        ]
    }

    fn metadata_errors() -> Vec<MetadataError> {
        let mut all: Vec<_> = envelope_errors().into_iter().map(MetadataError::Envelope).collect();
        all.extend([
            MetadataError::NotMetadata("expected value at line 1 column 1".into()),
            MetadataError::NewerVersion(99),
            MetadataError::BadAgentKey,
        ]);
        all
    }

    fn offer_errors() -> Vec<OfferError> {
        vec![
            OfferError::NotACode("offer", "zg-agent-offer:"),
            OfferError::NotACode("acceptance", "zg-agent-accept:"),
            OfferError::Damaged("offer", "not base64".into()),
            OfferError::Damaged("acceptance", "the receiver key is not a public key".into()),
            OfferError::WrongChain { offered: 16601, connected: 31337 },
            OfferError::WrongContract { offered: addr(0xaa), expected: addr(0xbb) },
            OfferError::NotForYou { to: addr(1), you: addr(2) },
            OfferError::WrongKey,
            OfferError::NotSignedByHolder { from: addr(3) },
            OfferError::NotSignedByReceiver { to: addr(4), signer: addr(5) },
            OfferError::Expired,
            OfferError::OperationAltered { says: Operation::Transfer, signed: Operation::Clone },
            OfferError::OperationAltered { says: Operation::Clone, signed: Operation::Transfer },
        ]
    }

    fn handover_refusals() -> Vec<HandoverRefusal> {
        vec![
            HandoverRefusal::NotAKey,
            HandoverRefusal::NotHolder { token: U256::from(12u64), owner: addr(6), you: addr(7) },
            HandoverRefusal::NoSuchAgent(U256::from(404u64)),
            HandoverRefusal::StaleOffer { token: U256::from(12u64) },
        ]
    }

    fn provenance_errors() -> Vec<ProvenanceError> {
        vec![
            ProvenanceError::NoMint(U256::from(3u64)),
            ProvenanceError::MintedTwice(U256::from(3u64)),
            ProvenanceError::NoArrival { token: U256::from(3u64), holder: addr(8) },
            ProvenanceError::MintElsewhere { token: U256::from(3u64), holder: addr(8), block: 120, minted: 100 },
        ]
    }

    /// The English is the enum's own text; the Korean has every slot filled and, when
    /// `translated`, is not the English.
    fn check(e: &(impl Localized + std::fmt::Display), translated: bool) {
        assert_eq!(e.localized(Locale::en), e.to_string());
        let ko = e.localized(Locale::ko);
        assert!(!ko.contains('['), "a slot was left unfilled: {ko}");
        if translated {
            assert_ne!(ko, e.to_string(), "not translated");
        }
    }

    #[test]
    fn english_matches_the_enums_and_korean_is_filled_in() {
        for e in envelope_errors() {
            check(&e, true);
        }
        for e in metadata_errors() {
            check(&e, true);
        }
        for e in offer_errors() {
            check(&e, true);
        }
        for e in handover_refusals() {
            check(&e, true);
        }
        for e in provenance_errors() {
            check(&e, true);
        }
    }

    #[test]
    fn every_agent_error_matches_its_english_and_is_translated() {
        let own = [
            AgentError::NoContract,
            AgentError::Storage(StorageError::NotConfigured),
            AgentError::Storage(StorageError::NodesBehind(30)),
            AgentError::Download(StorageError::NotConfigured),
            AgentError::Refused(AgentRefusal::NoSuchAgent(U256::from(9u64))),
            AgentError::Refused(AgentRefusal::Data(alloy_primitives::Bytes::from(vec![0xde, 0xad]))),
            AgentError::NotProven(Unproven::NoVerifiedTip),
            AgentError::NotProven(Unproven::Said("the node is unreachable".into())),
            AgentError::Unexpected(UnexpectedAnswer::NoNewToken),
            AgentError::Input(BadInput::KeyNotHex),
            AgentError::Input(BadInput::NotAPublicKey),
            AgentError::Metadata(MetadataError::BadAgentKey),
            AgentError::Metadata(MetadataError::Envelope(EnvelopeError::NotForThisKey)),
            AgentError::NoSealedKey(U256::from(9u64)),
            AgentError::SealedToHolder { token: U256::from(9u64), owner: addr(9) },
        ];
        for e in &own {
            check(e, true);
        }
        let wrapped = offer_errors()
            .into_iter()
            .map(AgentError::Offer)
            .chain(handover_refusals().into_iter().map(AgentError::Handover))
            .chain(provenance_errors().into_iter().map(AgentError::Provenance));
        for e in wrapped {
            check(&e, true);
        }
        // Another error's words: only the English is checked (and that every slot is filled).
        let carried = [AgentError::Chain(ChainError::NoFaucet), AgentError::Chain(ChainError::Declined)];
        for e in &carried {
            check(e, false);
        }
        assert_eq!(
            AgentError::NotProven(Unproven::Said("as said".into())).localized(Locale::ko),
            "라이트 클라이언트로 증명되지 않았습니다: as said",
            "the light client's own words are shown as they are"
        );
    }

    #[test]
    fn korean_names_the_code_and_the_operation() {
        let ko =
            OfferError::OperationAltered { says: Operation::Transfer, signed: Operation::Clone }.localized(Locale::ko);
        assert!(ko.contains("이전") && ko.contains("복제"), "{ko}");
        let ko = OfferError::Damaged("acceptance", "not base64".into()).localized(Locale::ko);
        assert!(ko.starts_with("수락 코드") && ko.contains("not base64"), "{ko}");
        let ko = AgentError::NoSealedKey(U256::from(9u64)).localized(Locale::ko);
        assert!(ko.contains("#9") && ko.contains("데이터 키") && ko.contains("봉인"), "{ko}");
    }
}
