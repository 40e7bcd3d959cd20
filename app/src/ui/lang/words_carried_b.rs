//! Translates words that used to reach the pages as English `String`s: what the Flow and a
//! submission answered, the node notes and unanswered requests a storage error carries, what
//! a deployment check proved about each contract, what an answer's signature covers, and how
//! far a model's download has come (catalogue section `words_carried_b`).

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};

use crate::compute::answer::Coverage;
use crate::compute::llm_worker::DownloadProgress;
use crate::compute::service::AnswerCheck;
use crate::deploy::service::{CheckedNote, Found};
use crate::format::format_0g;
use crate::storage::discovery::NodeNotes;
use crate::storage::flow::{FlowFault, FlowRevert, SubmissionFault};
use crate::storage::transfer::{Miss, Unanswered};

// Slots holding text composed elsewhere (a node's words, another error's message, a reason
// from the light client) are filled last, so that nothing inside them is taken for one of
// the message's own slots. Joins and "x: y" forms that read the same in every language are
// built here, not in the catalogue.

impl Localized for FlowRevert {
    fn localized(&self, locale: Locale) -> String {
        match self {
            FlowRevert::NotEnoughFee { price, sectors, paid } => fill(
                td_string!(locale, words_carried_b.flow_not_enough_fee),
                &[
                    ("due", &format_0g(FlowRevert::due(*price, *sectors))),
                    ("sectors", sectors),
                    ("price", &format_0g(*price)),
                    ("paid", &format_0g(*paid)),
                ],
            ),
            FlowRevert::InvalidSubmission => td_string!(locale, words_carried_b.flow_invalid_submission).to_string(),
        }
    }
}

impl Localized for FlowFault {
    fn localized(&self, locale: Locale) -> String {
        match self {
            FlowFault::NoMarket => td_string!(locale, words_carried_b.flow_no_market).to_string(),
            FlowFault::NoPrice => td_string!(locale, words_carried_b.flow_no_price).to_string(),
            FlowFault::Refused(why) => {
                fill(td_string!(locale, words_carried_b.flow_refused), &[("why", &why.localized(locale))])
            }
            FlowFault::Reverted(data) => {
                fill(td_string!(locale, words_carried_b.flow_reverted), &[("data", &hex::encode(data))])
            }
        }
    }
}

impl Localized for SubmissionFault {
    fn localized(&self, locale: Locale) -> String {
        match self {
            // The light client's words about the receipt.
            SubmissionFault::NotProven(reason) => {
                fill(td_string!(locale, words_carried_b.submission_not_proven), &[("reason", reason)])
            }
            SubmissionFault::Reverted => td_string!(locale, words_carried_b.submission_reverted).to_string(),
            SubmissionFault::NoSubmitEvent => td_string!(locale, words_carried_b.submission_no_event).to_string(),
            SubmissionFault::OtherFile { root, size } => {
                fill(td_string!(locale, words_carried_b.submission_other_file), &[("root", root), ("size", size)])
            }
            SubmissionFault::NotPlaced => td_string!(locale, words_carried_b.submission_not_placed).to_string(),
        }
    }
}

impl Localized for NodeNotes {
    fn localized(&self, locale: Locale) -> String {
        self.0.iter().map(|note| note.localized(locale)).collect::<Vec<_>>().join("; ")
    }
}

impl Localized for Unanswered {
    fn localized(&self, locale: Locale) -> String {
        match self {
            Unanswered::NoHolder => td_string!(locale, words_carried_b.unanswered_no_holder).to_string(),
            Unanswered::NoOneToAsk => td_string!(locale, words_carried_b.unanswered_no_one_to_ask).to_string(),
            Unanswered::Asked(misses) => {
                misses.iter().map(|miss| miss.localized(locale)).collect::<Vec<_>>().join("; ")
            }
        }
    }
}

impl Localized for Miss {
    fn localized(&self, locale: Locale) -> String {
        match self {
            Miss::Segment { node, refusal } => format!("{node}: {}", refusal.localized(locale)),
            Miss::NodeUnaware { node } => {
                fill(td_string!(locale, words_carried_b.miss_node_unaware), &[("node", node)])
            }
            Miss::Node(e) => e.localized(locale),
            Miss::IndexerUnaware { host } => {
                fill(td_string!(locale, words_carried_b.miss_indexer_unaware), &[("host", host)])
            }
            Miss::Indexer(e) => e.localized(locale),
        }
    }
}

impl Localized for Found {
    fn localized(&self, locale: Locale) -> String {
        match self {
            Found::AgentNft { verifier } => {
                fill(td_string!(locale, words_carried_b.found_agent_nft), &[("verifier", verifier)])
            }
            Found::Governor { token, timelock } => {
                fill(td_string!(locale, words_carried_b.found_governor), &[("token", token), ("timelock", timelock)])
            }
            // The contract's own name, the same in every language.
            Found::Shipped(kind) => {
                fill(td_string!(locale, words_carried_b.found_shipped), &[("name", &kind.contract_name())])
            }
        }
    }
}

impl Localized for CheckedNote {
    fn localized(&self, locale: Locale) -> String {
        fill(
            td_string!(locale, words_carried_b.found_at_block),
            &[("block", &self.block), ("found", &self.found.localized(locale))],
        )
    }
}

/// What a valid signature was found to cover ([`Coverage::describe`] is the English).
fn coverage_words(locale: Locale, coverage: Coverage) -> &'static str {
    match coverage {
        Coverage::RequestAndAnswer => td_string!(locale, words_carried_b.coverage_request_and_answer),
        Coverage::AnswerOnly => td_string!(locale, words_carried_b.coverage_answer_only),
        Coverage::SignatureOnly => td_string!(locale, words_carried_b.coverage_signature_only),
    }
}

/// [`AnswerCheck::describe`] in the user's language.
impl Localized for AnswerCheck {
    fn localized(&self, locale: Locale) -> String {
        match self {
            AnswerCheck::Verified { signer, coverage } => format!("{} ({signer})", coverage_words(locale, *coverage)),
            // The reason is still composed in English where the check failed (`exchange::chat`,
            // `check_signature`); only the frame around it is translated here.
            AnswerCheck::Unverified { reason } => {
                fill(td_string!(locale, words_carried_b.answer_not_verified), &[("reason", reason)])
            }
        }
    }
}

impl Localized for DownloadProgress {
    fn localized(&self, locale: Locale) -> String {
        fill(
            td_string!(locale, words_carried_b.download_progress),
            &[
                ("loaded", &DownloadProgress::megabytes(self.loaded)),
                ("total", &DownloadProgress::megabytes(self.total)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, Bytes, B256, U256};

    use super::*;
    use crate::deploy::shipped::Kind;
    use crate::storage::discovery::NodeNote;
    use crate::storage::segment::SegmentRefusal;
    use crate::storage::transfer::{IndexerError, NodeError};
    use crate::ui::lang::tests::unfilled;

    /// English is the value's own text (`english`); Korean fills every slot and, where
    /// `translated`, is not the English (a carried string, or another error's words, may
    /// read the same).
    fn check<T: Localized>(value: &T, english: &str, translated: bool) {
        let (en, ko) = (value.localized(Locale::en), value.localized(Locale::ko));
        assert_eq!(en, english);
        assert!(!unfilled(&ko), "a slot was left unfilled: {ko}");
        if translated {
            assert_ne!(ko, en, "not translated: {en}");
        }
    }

    fn all<T: Localized + std::fmt::Display>(samples: Vec<(T, bool)>) {
        for (value, translated) in samples {
            check(&value, &value.to_string(), translated);
        }
    }

    fn s(text: &str) -> String {
        text.to_string()
    }

    fn og(milli: u64) -> U256 {
        U256::from(milli) * U256::from(10u64.pow(15))
    }

    fn node_error() -> NodeError {
        NodeError::Failed { node: s("127.0.0.1:5678"), reason: s("connection refused") }
    }

    #[test]
    fn what_the_flow_and_a_submission_answered_reads_as_the_core_says_it_and_is_translated() {
        let not_enough = FlowRevert::NotEnoughFee { price: og(1), sectors: U256::from(1000), paid: og(500) };
        all(vec![(not_enough.clone(), true), (FlowRevert::InvalidSubmission, true)]);
        let ko = not_enough.localized(Locale::ko);
        assert!(ko.contains("1 0G") && ko.contains("1000") && ko.contains("0.001 0G") && ko.contains("0.5 0G"), "{ko}");
        all(vec![
            (FlowFault::NoMarket, true),
            (FlowFault::NoPrice, true),
            (FlowFault::Refused(not_enough), true),
            (FlowFault::Refused(FlowRevert::InvalidSubmission), true),
            (FlowFault::Reverted(Bytes::from(vec![0xde, 0xad, 0xbe, 0xef])), true),
        ]);
        all(vec![
            (SubmissionFault::NotProven(s("the node sent no receipt proof")), true),
            (SubmissionFault::Reverted, true),
            (SubmissionFault::NoSubmitEvent, true),
            (SubmissionFault::OtherFile { root: B256::repeat_byte(0x11), size: 4096 }, true),
            (SubmissionFault::NotPlaced, true),
        ]);
    }

    #[test]
    fn notes_and_unanswered_requests_read_as_the_core_says_them_and_are_translated() {
        let notes = NodeNotes(vec![
            NodeNote::NoneListed { indexer: s("indexer-storage-testnet-turbo.0g.ai") },
            NodeNote::Replaced(node_error()),
        ]);
        all(vec![(notes, true), (NodeNotes::default(), false)]);
        let indexer = IndexerError::Unreachable { host: s("127.0.0.1:12345"), reason: s("connection refused") };
        let misses = vec![
            Miss::Segment { node: s("http://127.0.0.1:5678"), refusal: SegmentRefusal::Missing },
            Miss::NodeUnaware { node: s("http://127.0.0.1:5679") },
            Miss::Node(node_error()),
            Miss::IndexerUnaware { host: s("127.0.0.1:12345") },
            Miss::Indexer(indexer),
        ];
        all(misses.iter().cloned().map(|m| (m, true)).collect());
        all(vec![
            (Unanswered::NoHolder, true),
            (Unanswered::NoOneToAsk, true),
            (Unanswered::Asked(misses), true),
            (Unanswered::Asked(Vec::new()), false),
        ]);
    }

    #[test]
    fn what_a_deployment_check_proved_reads_as_the_service_says_it_and_is_translated() {
        let (a, b) = (Address::repeat_byte(0x11), Address::repeat_byte(0x22));
        let mut found = vec![Found::AgentNft { verifier: a }, Found::Governor { token: a, timelock: b }];
        found.extend(Kind::ALL.map(Found::Shipped));
        all(found.iter().map(|found| (CheckedNote { found: *found, block: 42 }, true)).collect());
        all(found.into_iter().map(|found| (found, true)).collect());
        let ko = CheckedNote { found: Found::Shipped(Kind::Flow), block: 42 }.localized(Locale::ko);
        assert!(ko.contains("Flow") && ko.contains("42"), "{ko}");
    }

    #[test]
    fn what_an_answers_signature_covers_reads_as_the_core_says_it_and_is_translated() {
        let signer = Address::repeat_byte(0x3c);
        for coverage in [Coverage::RequestAndAnswer, Coverage::AnswerOnly, Coverage::SignatureOnly] {
            let verified = AnswerCheck::Verified { signer, coverage };
            check(&verified, &verified.describe(), true);
            assert!(verified.localized(Locale::ko).ends_with(&format!("({signer})")));
        }
        let unverified = AnswerCheck::Unverified { reason: s("the signature response is malformed") };
        check(&unverified, &unverified.describe(), true);
    }

    #[test]
    fn a_downloads_progress_reads_as_the_worker_says_it_and_is_translated() {
        all(vec![
            (DownloadProgress { loaded: 41_900_000, total: 98_362_432 }, true),
            (DownloadProgress { loaded: 0, total: 0 }, true),
        ]);
        assert_eq!(
            DownloadProgress { loaded: 41_900_000, total: 98_362_432 }.localized(Locale::ko),
            "98.4 MB 중 41.9 MB"
        );
    }
}
