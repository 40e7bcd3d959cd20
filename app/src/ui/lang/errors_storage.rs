//! Korean (and English) for the storage client's errors: `StorageError`, `TransferError`,
//! `NodeError`, `IndexerError`, `SegmentRefusal`, `Unreachable` and `WholeFileError`
//! (catalogue section `err_storage`).

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};
use crate::storage::discovery::Unreachable;
use crate::storage::segment::SegmentRefusal;
use crate::storage::service::StorageError;
use crate::storage::transfer::{IndexerError, NodeError, TransferError};
use crate::storage::whole_file::WholeFileError;

// Slots holding text composed elsewhere (a node's words, notes, reasons) are filled last, so
// that nothing inside them is taken for one of the message's own slots.

impl Localized for StorageError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            StorageError::NotConfigured => td_string!(locale, err_storage.not_configured).to_string(),
            StorageError::Transfer(e) => e.localized(locale),
            StorageError::TooLarge { size } => fill(td_string!(locale, err_storage.too_large), &[("size", size)]),
            StorageError::Chain(e) => e.localized(locale),
            // What the Flow or its market answered (`words_carried_b`).
            StorageError::Flow(fault) => fault.localized(locale),
            StorageError::Submission(fault) => {
                fill(td_string!(locale, err_storage.submission), &[("reason", &fault.localized(locale))])
            }
            StorageError::NodesBehind(seconds) => {
                fill(td_string!(locale, err_storage.nodes_behind), &[("seconds", seconds)])
            }
            StorageError::DownloadTooLarge { size } => {
                fill(td_string!(locale, err_storage.download_too_large), &[("size", size)])
            }
            StorageError::NoRoute { why } => {
                fill(td_string!(locale, err_storage.no_route), &[("why", &why.localized(locale))])
            }
            StorageError::AuditNeedsNodes => td_string!(locale, err_storage.audit_needs_nodes).to_string(),
        }
    }
}

impl Localized for TransferError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            TransferError::Merkle(e) => e.localized(locale),
            // The browser's words about reading the file.
            TransferError::File(reason) => reason.clone(),
            TransferError::Uncovered { missing, detail } => fill(
                td_string!(locale, err_storage.uncovered),
                &[("missing", &format!("{missing:?}")), ("detail", &detail.localized(locale))],
            ),
            TransferError::Upload { error, stored, total } => fill(
                td_string!(locale, err_storage.upload_stopped),
                &[("stored", stored), ("total", total), ("error", &error.localized(locale))],
            ),
            TransferError::Unavailable { index, reasons } => fill(
                td_string!(locale, err_storage.unavailable),
                &[("index", index), ("reasons", &reasons.localized(locale))],
            ),
            TransferError::Record(reason) => fill(td_string!(locale, err_storage.record), &[("reason", reason)]),
            TransferError::Gateway(e) => e.localized(locale),
            TransferError::GatewayUpload { error, stored, total } => fill(
                td_string!(locale, err_storage.upload_stopped),
                &[("stored", stored), ("total", total), ("error", &error.localized(locale))],
            ),
            TransferError::BothRoutes { direct, gateway } => fill(
                td_string!(locale, err_storage.both_routes),
                &[("direct", &direct.localized(locale)), ("gateway", &gateway.localized(locale))],
            ),
        }
    }
}

impl Localized for NodeError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            NodeError::Failed { node, reason } => {
                fill(td_string!(locale, err_storage.node_failed), &[("node", node), ("reason", reason)])
            }
        }
    }
}

impl Localized for IndexerError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            IndexerError::Unreachable { host, reason } => {
                fill(td_string!(locale, err_storage.indexer_unreachable), &[("host", host), ("reason", reason)])
            }
            IndexerError::Malformed { host, reason } => {
                fill(td_string!(locale, err_storage.indexer_malformed), &[("host", host), ("reason", reason)])
            }
            IndexerError::Refused { host, words, .. } => {
                fill(td_string!(locale, err_storage.gateway_refused), &[("host", host), ("words", words)])
            }
            IndexerError::Cut { host, reason } => {
                fill(td_string!(locale, err_storage.gateway_cut), &[("host", host), ("reason", reason)])
            }
            IndexerError::Corrupt { host, error } => fill(
                td_string!(locale, err_storage.gateway_corrupt),
                &[("host", host), ("error", &error.localized(locale))],
            ),
        }
    }
}

impl Localized for SegmentRefusal {
    fn localized(&self, locale: Locale) -> String {
        match self {
            SegmentRefusal::Node { node, reason } => {
                fill(td_string!(locale, err_storage.node_failed), &[("node", node), ("reason", reason)])
            }
            SegmentRefusal::Missing => td_string!(locale, err_storage.segment_missing).to_string(),
            SegmentRefusal::Another { index, root } => {
                fill(td_string!(locale, err_storage.segment_another), &[("index", index), ("root", root)])
            }
            SegmentRefusal::Proof(e) => {
                fill(td_string!(locale, err_storage.segment_proof), &[("error", &e.localized(locale))])
            }
        }
    }
}

impl Localized for Unreachable {
    fn localized(&self, locale: Locale) -> String {
        match self {
            Unreachable::MixedContent { url } => fill(td_string!(locale, err_storage.mixed_content), &[("url", url)]),
            Unreachable::NotHttp { url } => fill(td_string!(locale, err_storage.not_http), &[("url", url)]),
        }
    }
}

impl Localized for WholeFileError {
    fn localized(&self, locale: Locale) -> String {
        match self {
            WholeFileError::TooLong { size } => fill(td_string!(locale, err_storage.whole_too_long), &[("size", size)]),
            WholeFileError::WrongLength { got, size } => {
                fill(td_string!(locale, err_storage.whole_wrong_length), &[("got", got), ("size", size)])
            }
            WholeFileError::WrongRoot { root, got } => {
                fill(td_string!(locale, err_storage.whole_wrong_root), &[("root", root), ("got", got)])
            }
            WholeFileError::Empty => td_string!(locale, err_storage.whole_empty).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::B256;
    use wasm_light_client::storage::StorageError as MerkleError;

    use super::*;
    use crate::chain::client::ChainError;
    use crate::storage::discovery::{NodeNote, NodeNotes};
    use crate::storage::flow::{FlowFault, FlowRevert, SubmissionFault};
    use crate::storage::transfer::{Miss, Unanswered};
    use crate::ui::lang::tests::unfilled;

    /// English is the enum's own text; Korean fills every slot and, unless the whole text is
    /// a carried string or another error's words (`carried`), is not the English.
    fn check<E: Localized + std::fmt::Display>(e: &E, carried: bool) {
        assert_eq!(e.localized(Locale::en), e.to_string());
        let ko = e.localized(Locale::ko);
        assert!(!unfilled(&ko), "a slot was left unfilled: {ko}");
        if !carried {
            assert_ne!(ko, e.to_string(), "not translated");
        }
    }

    fn node_error() -> NodeError {
        NodeError::Failed { node: "127.0.0.1:5678".into(), reason: "connection refused".into() }
    }

    /// What finding nodes noted, as a route's or an upload's error carries it.
    fn notes() -> NodeNotes {
        NodeNotes(vec![
            NodeNote::NoneListed { indexer: "indexer-storage-testnet-turbo.0g.ai".into() },
            NodeNote::NodeFailed(node_error()),
        ])
    }

    fn indexer_errors() -> Vec<IndexerError> {
        let host = || "indexer-storage-testnet-turbo.0g.ai".to_string();
        vec![
            IndexerError::Unreachable { host: host(), reason: "no answer within 30 s".into() },
            IndexerError::Malformed { host: host(), reason: "missing field `root`".into() },
            IndexerError::Refused { host: host(), code: 101, words: "file not found".into() },
            IndexerError::Cut { host: host(), reason: "network error".into() },
            IndexerError::Corrupt { host: host(), error: WholeFileError::Empty },
        ]
    }

    fn whole_file_errors() -> Vec<WholeFileError> {
        vec![
            WholeFileError::TooLong { size: 1000 },
            WholeFileError::WrongLength { got: 999, size: 1000 },
            WholeFileError::WrongRoot { root: B256::repeat_byte(0x11), got: B256::repeat_byte(0x22) },
            WholeFileError::Empty,
        ]
    }

    fn transfer_errors() -> Vec<(TransferError, bool)> {
        vec![
            (TransferError::Merkle(MerkleError::Empty), true),
            (TransferError::File("NotReadableError: the file could not be read".into()), true),
            (TransferError::Uncovered { missing: vec![3, 7], detail: notes() }, false),
            (TransferError::Upload { error: node_error(), stored: 3, total: 10 }, false),
            (
                TransferError::Unavailable {
                    index: 4,
                    reasons: Unanswered::Asked(vec![Miss::Segment {
                        node: "http://127.0.0.1:5678".into(),
                        refusal: SegmentRefusal::Missing,
                    }]),
                },
                false,
            ),
            (TransferError::Unavailable { index: 0, reasons: Unanswered::NoOneToAsk }, false),
            (TransferError::Record("QuotaExceededError".into()), false),
            (TransferError::Gateway(IndexerError::Cut { host: "gw".into(), reason: "reset".into() }), false),
            (
                TransferError::GatewayUpload {
                    error: IndexerError::Refused { host: "gw".into(), code: 1, words: "busy".into() },
                    stored: 2,
                    total: 9,
                },
                false,
            ),
            (
                TransferError::BothRoutes {
                    direct: Box::new(TransferError::Unavailable { index: 0, reasons: Unanswered::NoHolder }),
                    gateway: IndexerError::Unreachable { host: "gw".into(), reason: "offline".into() },
                },
                false,
            ),
        ]
    }

    #[test]
    fn english_error_messages_match_the_enums_and_korean_fills_every_slot() {
        let storage = [
            (StorageError::NotConfigured, false),
            (StorageError::Transfer(TransferError::Record("QuotaExceededError".into())), false),
            (StorageError::TooLarge { size: 5_000_000_000 }, false),
            (StorageError::Chain(ChainError::NoFaucet), true),
            (StorageError::Flow(FlowFault::NoPrice), false),
            (StorageError::Flow(FlowFault::Refused(FlowRevert::InvalidSubmission)), false),
            (StorageError::Submission(SubmissionFault::NoSubmitEvent), false),
            (StorageError::Submission(SubmissionFault::NotProven("no proof from the node".into())), false),
            (StorageError::NodesBehind(30), false),
            (StorageError::DownloadTooLarge { size: 5_000_000_000 }, false),
            (StorageError::NoRoute { why: notes() }, false),
            (StorageError::NoRoute { why: NodeNotes::default() }, false),
            (StorageError::AuditNeedsNodes, false),
        ];
        for (e, carried) in &storage {
            check(e, *carried);
        }
        for (e, carried) in &transfer_errors() {
            check(e, *carried);
            check(&StorageError::Transfer(e.clone()), *carried);
        }
        check(&node_error(), false);
        for e in &indexer_errors() {
            check(e, false);
        }
        let refusals = [
            SegmentRefusal::Node { node: "127.0.0.1:5678".into(), reason: "method not found".into() },
            SegmentRefusal::Missing,
            SegmentRefusal::Another { index: 2, root: B256::repeat_byte(0x33) },
            SegmentRefusal::Proof(MerkleError::InvalidProof),
        ];
        for e in &refusals {
            check(e, false);
        }
        for e in [
            Unreachable::MixedContent { url: "http://203.0.113.7:5678".into() },
            Unreachable::NotHttp { url: "ws://x".into() },
        ] {
            check(&e, false);
        }
        for e in &whole_file_errors() {
            check(e, false);
        }
    }

    #[test]
    fn korean_keeps_the_numbers_and_says_what_to_do() {
        let ko = StorageError::NodesBehind(30).localized(Locale::ko);
        assert!(ko.contains("30초") && ko.contains("스토리지 페이지"), "{ko}");
        let ko = TransferError::Upload { error: node_error(), stored: 3, total: 10 }.localized(Locale::ko);
        assert!(
            ko.starts_with("스토리지 노드 127.0.0.1:5678: connection refused.") && ko.contains("10개 중 3개"),
            "{ko}"
        );
        let ko = TransferError::Uncovered { missing: vec![3, 7], detail: notes() }.localized(Locale::ko);
        assert!(ko.contains("[3, 7]"), "{ko}");
    }
}
