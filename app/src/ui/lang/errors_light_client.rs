//! The light client's errors in the user's language: header sync, state, receipt and call
//! proofs, 0G Storage Merkle proofs and the CometBFT consensus checks (`wasm_light_client`).
//!
//! The English is each enum's own `Display`, word for word; the Korean says what failed to
//! verify and what to do. Hashes, roots, addresses and numbers go in as they are.

use wasm_light_client::call::CallError;
use wasm_light_client::cometbft::bls::BlsError;
use wasm_light_client::cometbft::CometError;
use wasm_light_client::storage::StorageError;
use wasm_light_client::{HeaderError, InclusionError, NodeError, ProofError, SlotProblem, SyncError};

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};

impl Localized for SyncError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            // The endpoint's own words, composed where the request failed.
            SyncError::Transport(e) => e.localized(locale),
            SyncError::Header(e) => e.localized(locale),
            SyncError::UnknownCheckpoint(hash) => {
                fill(td_string!(locale, err_light_client.sync_unknown_checkpoint), &[("hash", hash)])
            }
            SyncError::BadAnswer { method, detail } => {
                fill(td_string!(locale, err_light_client.bad_answer), &[("method", method), ("detail", detail)])
            }
            // The reason is composed in English by the consensus verifier.
            SyncError::Consensus(reason) => {
                fill(td_string!(locale, err_light_client.sync_consensus), &[("reason", reason)])
            }
            // The detail (who served what) is composed in English by the provider.
            SyncError::Disagreement { block, agree, asked, needed, detail } => fill(
                td_string!(locale, err_light_client.sync_disagreement),
                &[("block", block), ("agree", agree), ("asked", asked), ("needed", needed), ("detail", detail)],
            ),
            SyncError::FromTheFuture { block, ahead_s } => fill(
                td_string!(locale, err_light_client.sync_from_the_future),
                &[("block", block), ("ahead_s", ahead_s)],
            ),
        }
    }
}

impl Localized for NodeError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            NodeError::Transport(e) => e.localized(locale),
            NodeError::Header(e) => e.localized(locale),
            NodeError::BadAnswer { method, detail } => {
                fill(td_string!(locale, err_light_client.bad_answer), &[("method", method), ("detail", detail)])
            }
        }
    }
}

impl Localized for HeaderError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            HeaderError::Malformed { number, reason } => {
                fill(td_string!(locale, err_light_client.header_malformed), &[("number", number), ("reason", reason)])
            }
            HeaderError::HashMismatch { number, claimed, computed } => fill(
                td_string!(locale, err_light_client.header_hash_mismatch),
                &[("number", number), ("claimed", claimed), ("computed", computed)],
            ),
            HeaderError::NotCheckpoint { number, computed, trusted } => fill(
                td_string!(locale, err_light_client.header_not_checkpoint),
                &[("number", number), ("computed", computed), ("trusted", trusted)],
            ),
            HeaderError::BrokenLink { number, parent, previous, expected } => fill(
                td_string!(locale, err_light_client.header_broken_link),
                &[("number", number), ("parent", parent), ("previous", previous), ("expected", expected)],
            ),
            HeaderError::NotConsecutive { number, previous } => fill(
                td_string!(locale, err_light_client.header_not_consecutive),
                &[("number", number), ("previous", previous)],
            ),
            HeaderError::Empty => td_string!(locale, err_light_client.header_empty).to_string(),
            // The rule's name and its numbers stay as the rules module words them.
            HeaderError::RuleBroken { number, rule, detail } => fill(
                td_string!(locale, err_light_client.header_rule_broken),
                &[("number", number), ("rule", rule), ("detail", detail)],
            ),
            HeaderError::ReorgTooDeep { oldest, window } => fill(
                td_string!(locale, err_light_client.header_reorg_too_deep),
                &[("oldest", oldest), ("window", window)],
            ),
            HeaderError::NotAncestor { number, child, computed, expected } => fill(
                td_string!(locale, err_light_client.header_not_ancestor),
                &[("number", number), ("child", child), ("computed", computed), ("expected", expected)],
            ),
        }
    }
}

impl Localized for StorageError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            StorageError::Empty => td_string!(locale, err_light_client.storage_empty).to_string(),
            StorageError::SegmentOutOfRange { index, segments } => fill(
                td_string!(locale, err_light_client.storage_segment_out_of_range),
                &[("index", index), ("segments", segments)],
            ),
            StorageError::SegmentLength { index, got, expected } => fill(
                td_string!(locale, err_light_client.storage_segment_length),
                &[("index", index), ("got", got), ("expected", expected)],
            ),
            StorageError::ProofFormat(reason) => {
                fill(td_string!(locale, err_light_client.storage_proof_format), &[("reason", reason)])
            }
            StorageError::ContentMismatch => td_string!(locale, err_light_client.storage_content_mismatch).to_string(),
            StorageError::RootMismatch { expected, got } => fill(
                td_string!(locale, err_light_client.storage_root_mismatch),
                &[("expected", expected), ("got", got)],
            ),
            StorageError::PositionMismatch { index } => {
                fill(td_string!(locale, err_light_client.storage_position_mismatch), &[("index", index)])
            }
            StorageError::InvalidProof => td_string!(locale, err_light_client.storage_invalid_proof).to_string(),
            StorageError::PaddingNotZero { step } => {
                fill(td_string!(locale, err_light_client.storage_padding_not_zero), &[("step", step)])
            }
        }
    }
}

impl Localized for ProofError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ProofError::Malformed(detail) => {
                fill(td_string!(locale, err_light_client.proof_malformed), &[("detail", detail)])
            }
            ProofError::Account { address, state_root, reason } => fill(
                td_string!(locale, err_light_client.proof_account),
                &[("address", address), ("state_root", state_root), ("reason", reason)],
            ),
            ProofError::Code { address, code_hash } => {
                fill(td_string!(locale, err_light_client.proof_code), &[("address", address), ("code_hash", code_hash)])
            }
            ProofError::Storage { address, slot, storage_root, reason } => fill(
                td_string!(locale, err_light_client.proof_storage),
                &[("address", address), ("slot", slot), ("storage_root", storage_root), ("reason", reason)],
            ),
            // One sentence per problem: the problem's English words sit mid-sentence, which
            // Korean word order cannot keep.
            ProofError::StorageAnswer { address, slot, problem } => {
                let template = match problem {
                    SlotProblem::LeftOut => td_string!(locale, err_light_client.proof_slot_left_out),
                    SlotProblem::Repeated => td_string!(locale, err_light_client.proof_slot_repeated),
                    SlotProblem::NotAsked => td_string!(locale, err_light_client.proof_slot_not_asked),
                };
                fill(template, &[("address", address), ("slot", slot)])
            }
        }
    }
}

impl Localized for CallError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            CallError::UnknownBlockHash(block) => {
                fill(td_string!(locale, err_light_client.call_unknown_block_hash), &[("block", block)])
            }
            // The reasons are revm's, or the module loader's, in English.
            CallError::Evm(reason) => fill(td_string!(locale, err_light_client.call_evm), &[("reason", reason)]),
            CallError::Unavailable(reason) => {
                fill(td_string!(locale, err_light_client.call_unavailable), &[("reason", reason)])
            }
        }
    }
}

impl Localized for BlsError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            BlsError::BadKey(len) => fill(td_string!(locale, err_light_client.bls_bad_key), &[("len", len)]),
            BlsError::BadSignature(len) => {
                fill(td_string!(locale, err_light_client.bls_bad_signature), &[("len", len)])
            }
            BlsError::Mismatch => td_string!(locale, err_light_client.bls_mismatch).to_string(),
            BlsError::Unavailable(reason) => {
                fill(td_string!(locale, err_light_client.bls_unavailable), &[("reason", reason)])
            }
        }
    }
}

impl Localized for CometError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            CometError::WrongChain { expected, got } => {
                fill(td_string!(locale, err_light_client.comet_wrong_chain), &[("expected", expected), ("got", got)])
            }
            CometError::NotNewer { trusted, got } => {
                fill(td_string!(locale, err_light_client.comet_not_newer), &[("trusted", trusted), ("got", got)])
            }
            CometError::TimeNotIncreasing { height } => {
                fill(td_string!(locale, err_light_client.comet_time_not_increasing), &[("height", height)])
            }
            CometError::FromTheFuture { height, ahead_s } => fill(
                td_string!(locale, err_light_client.comet_from_the_future),
                &[("height", height), ("ahead_s", ahead_s)],
            ),
            CometError::TrustExpired { height, age_days, period_days } => fill(
                td_string!(locale, err_light_client.comet_trust_expired),
                &[("height", height), ("age_days", age_days), ("period_days", period_days)],
            ),
            CometError::ValidatorsMismatch { height } => {
                fill(td_string!(locale, err_light_client.comet_validators_mismatch), &[("height", height)])
            }
            CometError::UnannouncedValidators { height, trusted } => fill(
                td_string!(locale, err_light_client.comet_unannounced_validators),
                &[("height", height), ("trusted", trusted)],
            ),
            CometError::CommitForAnotherBlock { height } => {
                fill(td_string!(locale, err_light_client.comet_commit_for_another_block), &[("height", height)])
            }
            CometError::CommitSize { height, got, validators } => fill(
                td_string!(locale, err_light_client.comet_commit_size),
                &[("height", height), ("got", got), ("validators", validators)],
            ),
            CometError::DoubleSigned { address, height } => fill(
                td_string!(locale, err_light_client.comet_double_signed),
                &[("address", address), ("height", height)],
            ),
            // The reason is composed in English where the signature was checked.
            CometError::BadSignature { address, height, reason } => fill(
                td_string!(locale, err_light_client.comet_bad_signature),
                &[("address", address), ("height", height), ("reason", reason)],
            ),
            CometError::UnsupportedKey { address, kind } => fill(
                td_string!(locale, err_light_client.comet_unsupported_key),
                &[("address", address), ("kind", kind)],
            ),
            CometError::NotEnoughPower { height, signed, total } => fill(
                td_string!(locale, err_light_client.comet_not_enough_power),
                &[("height", height), ("signed", signed), ("total", total)],
            ),
            CometError::NotEnoughTrust { height, signed, total } => fill(
                td_string!(locale, err_light_client.comet_not_enough_trust),
                &[("height", height), ("signed", signed), ("total", total)],
            ),
            CometError::PinMismatch { height } => {
                fill(td_string!(locale, err_light_client.comet_pin_mismatch), &[("height", height)])
            }
            CometError::NoClock => td_string!(locale, err_light_client.comet_no_clock).to_string(),
            CometError::EvmBlockMissing { height, hash } => fill(
                td_string!(locale, err_light_client.comet_evm_block_missing),
                &[("height", height), ("hash", hash)],
            ),
            CometError::Binding(reason) => {
                fill(td_string!(locale, err_light_client.comet_binding), &[("reason", reason)])
            }
            CometError::UnverifiedAggregateKey { height, address } => fill(
                td_string!(locale, err_light_client.comet_unverified_aggregate_key),
                &[("height", height), ("address", address)],
            ),
            CometError::Malformed(detail) => {
                fill(td_string!(locale, err_light_client.comet_malformed), &[("detail", detail)])
            }
            CometError::Transport(detail) => {
                fill(td_string!(locale, err_light_client.comet_transport), &[("detail", detail)])
            }
        }
    }
}

impl Localized for InclusionError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            InclusionError::Malformed(detail) => {
                fill(td_string!(locale, err_light_client.inclusion_malformed), &[("detail", detail)])
            }
            InclusionError::TransactionsRoot { block } => {
                fill(td_string!(locale, err_light_client.inclusion_transactions_root), &[("block", block)])
            }
            InclusionError::ReceiptsRoot { block } => {
                fill(td_string!(locale, err_light_client.inclusion_receipts_root), &[("block", block)])
            }
            InclusionError::CountMismatch { block, transactions, receipts } => fill(
                td_string!(locale, err_light_client.inclusion_count_mismatch),
                &[("block", block), ("transactions", transactions), ("receipts", receipts)],
            ),
            InclusionError::NotInBlock(tx, block) => {
                fill(td_string!(locale, err_light_client.inclusion_not_in_block), &[("tx", tx), ("block", block)])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256, U256};
    use wasm_light_client::TransportError;

    use super::*;

    fn hash(byte: u8) -> B256 {
        B256::repeat_byte(byte)
    }

    fn header_errors() -> Vec<HeaderError> {
        vec![
            HeaderError::Malformed { number: "0x10".into(), reason: "missing field `stateRoot`".into() },
            HeaderError::HashMismatch { number: 16, claimed: hash(0x11), computed: hash(0x22) },
            HeaderError::NotCheckpoint { number: 16, computed: hash(0x22), trusted: hash(0x33) },
            HeaderError::BrokenLink { number: 17, parent: hash(0x44), previous: 16, expected: hash(0x22) },
            HeaderError::NotConsecutive { number: 19, previous: 16 },
            HeaderError::Empty,
            HeaderError::RuleBroken { number: 17, rule: "gas used ≤ gas limit", detail: "used 31 of 30".into() },
            HeaderError::ReorgTooDeep { oldest: 1200, window: 256 },
            HeaderError::NotAncestor { number: 15, child: 16, computed: hash(0x55), expected: hash(0x66) },
        ]
    }

    /// English equals the enum's own text; Korean has every slot filled and, unless the
    /// text is carried words (`carried`), is not the English.
    fn check(en: String, ko: String, display: String, carried: bool) {
        assert_eq!(en, display);
        assert!(!ko.contains('['), "a slot was left unfilled: {ko}");
        assert!(carried || ko != display, "not translated: {ko}");
    }

    #[test]
    fn english_is_the_enums_text_and_korean_is_filled_in() {
        let transport = || TransportError("rpc.example: HTTP 502".into());

        for e in header_errors() {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }

        let mut sync = vec![
            SyncError::UnknownCheckpoint(hash(0x77)),
            SyncError::BadAnswer { method: "eth_getBlockByNumber", detail: "not an object".into() },
            SyncError::Consensus("the node's block 10 is not the one consensus finalised".into()),
            SyncError::Disagreement {
                block: 42,
                agree: 1,
                asked: 3,
                needed: 2,
                detail: "b.example serves 0x01 at block 42".into(),
            },
            SyncError::FromTheFuture { block: 42, ahead_s: 3600 },
        ];
        sync.extend(header_errors().into_iter().map(SyncError::Header));
        for e in sync {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }
        let e = SyncError::Transport(transport());
        check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), true);

        let mut node = vec![NodeError::BadAnswer { method: "eth_getProof", detail: "not an object".into() }];
        node.extend(header_errors().into_iter().map(NodeError::Header));
        for e in node {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }
        let e = NodeError::Transport(transport());
        check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), true);

        let storage = [
            StorageError::Empty,
            StorageError::SegmentOutOfRange { index: 4, segments: 3 },
            StorageError::SegmentLength { index: 2, got: 100, expected: 262_144 },
            StorageError::ProofFormat("an empty path needs a lemma of exactly one hash"),
            StorageError::ContentMismatch,
            StorageError::RootMismatch { expected: hash(0x11), got: hash(0x22) },
            StorageError::PositionMismatch { index: 2 },
            StorageError::InvalidProof,
            StorageError::PaddingNotZero { step: 3 },
        ];
        for e in storage {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }

        let address = Address::repeat_byte(0xab);
        let slot = U256::from(7u64);
        let proof = [
            ProofError::Malformed("missing field `accountProof`".into()),
            ProofError::Account { address, state_root: hash(0x11), reason: "value mismatch".into() },
            ProofError::Code { address, code_hash: hash(0x22) },
            ProofError::Storage { address, slot, storage_root: hash(0x33), reason: "value mismatch".into() },
            ProofError::StorageAnswer { address, slot, problem: SlotProblem::LeftOut },
            ProofError::StorageAnswer { address, slot, problem: SlotProblem::Repeated },
            ProofError::StorageAnswer { address, slot, problem: SlotProblem::NotAsked },
        ];
        for e in proof {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }

        let call = [
            CallError::UnknownBlockHash(41),
            CallError::Evm("out of gas".into()),
            CallError::Unavailable("the module did not load".into()),
        ];
        for e in call {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }

        let bls = [
            BlsError::BadKey(95),
            BlsError::BadSignature(95),
            BlsError::Mismatch,
            BlsError::Unavailable("the module did not load".into()),
        ];
        for e in bls {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }

        let validator = || "A1B2C3".to_string();
        let comet = [
            CometError::WrongChain { expected: "0gchain-16602".into(), got: "other-1".into() },
            CometError::NotNewer { trusted: 10, got: 9 },
            CometError::TimeNotIncreasing { height: 11 },
            CometError::FromTheFuture { height: 11, ahead_s: 60 },
            CometError::TrustExpired { height: 10, age_days: 9, period_days: 7 },
            CometError::ValidatorsMismatch { height: 11 },
            CometError::UnannouncedValidators { height: 11, trusted: 10 },
            CometError::CommitForAnotherBlock { height: 11 },
            CometError::CommitSize { height: 11, got: 3, validators: 4 },
            CometError::DoubleSigned { address: validator(), height: 11 },
            CometError::BadSignature { address: validator(), height: 11, reason: "not a G2 point".into() },
            CometError::UnsupportedKey { address: validator(), kind: "ed25519" },
            CometError::NotEnoughPower { height: 11, signed: 60, total: 100 },
            CometError::NotEnoughTrust { height: 11, signed: 30, total: 100 },
            CometError::PinMismatch { height: 10 },
            CometError::NoClock,
            CometError::EvmBlockMissing { height: 11, hash: hash(0x44) },
            CometError::Binding("no execution payload".into()),
            CometError::UnverifiedAggregateKey { height: 11, address: validator() },
            CometError::Malformed("missing field `commit`".into()),
            CometError::Transport("HTTP 503".into()),
        ];
        for e in comet {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }

        let inclusion = [
            InclusionError::Malformed("receipt: missing field `status`".into()),
            InclusionError::TransactionsRoot { block: 42 },
            InclusionError::ReceiptsRoot { block: 42 },
            InclusionError::CountMismatch { block: 42, transactions: 3, receipts: 2 },
            InclusionError::NotInBlock(hash(0x99), 42),
        ];
        for e in inclusion {
            check(e.localized(Locale::en), e.localized(Locale::ko), e.to_string(), false);
        }
    }

    #[test]
    fn korean_keeps_hashes_and_numbers_and_says_what_to_do() {
        let e = HeaderError::HashMismatch { number: 16, claimed: hash(0x11), computed: hash(0x22) };
        let ko = e.localized(Locale::ko);
        assert!(ko.contains(&hash(0x11).to_string()) && ko.contains(&hash(0x22).to_string()), "{ko}");
        assert!(ko.contains("블록 16") && ko.contains("다른 엔드포인트"), "{ko}");
        let ko = CometError::TrustExpired { height: 10, age_days: 9, period_days: 7 }.localized(Locale::ko);
        assert!(ko.contains("설정") && ko.contains("9일"), "{ko}");
        let ko = ProofError::Code { address: Address::repeat_byte(0xab), code_hash: hash(0x22) }.localized(Locale::ko);
        assert!(ko.contains(&Address::repeat_byte(0xab).to_string()), "{ko}");
    }
}
