//! Translates the words the Agents pages show that are composed outside the views
//! (catalogue section `words_agents`): a long operation's steps (`Step`), where an agent came
//! from (`Provenance::describe`) and the warnings about its origin (`Origin`), what a handover
//! will do (`Offer`'s summaries), and how a local model's answer ran (`Backend`, its speed)
//! and whose words a memory entry holds. The English of each is the core's own text.

use alloy_primitives::Address;

use super::{fill, Localized};
use crate::compute::local::{Backend, LocalAnswer};
use crate::i18n::{td_string, Locale};
use crate::inft::handover::Step;
use crate::inft::offer::Offer;
use crate::inft::proofs::Operation;
use crate::inft::provenance::{Arrival, Origin, Provenance};

impl Localized for Step {
    fn localized(&self, locale: Locale) -> String {
        match self {
            Step::Encrypting => td_string!(locale, words_agents.step_encrypting).to_string(),
            Step::Hashing => td_string!(locale, words_agents.step_hashing).to_string(),
            Step::Paying => td_string!(locale, words_agents.step_paying).to_string(),
            Step::Uploading { done, total } => {
                fill(td_string!(locale, words_agents.step_uploading), &[("done", done), ("total", total)])
            }
            Step::Signing => td_string!(locale, words_agents.step_signing).to_string(),
            Step::Confirming => td_string!(locale, words_agents.step_confirming).to_string(),
        }
    }
}

/// [`Provenance::describe`] in the user's language: who created the agent, in which block,
/// and how it reached its holder. Addresses stay in full (a short form is easy to imitate).
pub fn provenance_words(locale: Locale, p: &Provenance, mine: &[Address]) -> String {
    let who = |a: Address| {
        if a == p.holder {
            td_string!(locale, words_agents.who_you).to_string()
        } else if mine.contains(&a) {
            fill(td_string!(locale, words_agents.who_your_account), &[("address", &a)])
        } else {
            fill(td_string!(locale, words_agents.who_not_you), &[("address", &a)])
        }
    };
    let created =
        fill(td_string!(locale, words_agents.created_by), &[("who", &who(p.creator)), ("block", &p.created_block)]);
    match p.arrival {
        Arrival::Minted if p.creator == p.holder => created,
        Arrival::Minted => fill(td_string!(locale, words_agents.minted_to_you), &[("created", &created)]),
        Arrival::Cloned { source, from } => fill(
            td_string!(locale, words_agents.clone_of),
            &[("created", &created), ("source", &source), ("from", &who(from))],
        ),
        Arrival::Transferred { from, block } => fill(
            td_string!(locale, words_agents.received_from),
            &[("created", &created), ("from", &who(from)), ("block", &block)],
        ),
    }
}

/// [`Origin::warning`] in the user's language: for agents someone else made, or whose
/// origin could not be proven.
pub fn origin_warning(locale: Locale, origin: &Origin) -> Option<String> {
    match origin {
        Origin::Foreign { creator } => {
            Some(fill(td_string!(locale, words_agents.warning_foreign), &[("creator", creator)]))
        }
        Origin::Unproven => Some(td_string!(locale, words_agents.warning_unproven).to_string()),
        Origin::Own | Origin::Accepted { .. } => None,
    }
}

/// [`Origin::acknowledgement`] in the user's language: what the checkbox says.
pub fn origin_acknowledgement(locale: Locale, origin: &Origin) -> String {
    match origin {
        Origin::Foreign { creator } => {
            fill(td_string!(locale, words_agents.acknowledge_creator), &[("creator", creator)])
        }
        _ => td_string!(locale, words_agents.acknowledge_anyone).to_string(),
    }
}

/// [`Origin::note`] in the user's language: for agents accepted from someone else.
pub fn origin_note(locale: Locale, origin: &Origin) -> Option<String> {
    match origin {
        Origin::Accepted { from } => Some(fill(td_string!(locale, words_agents.note_accepted), &[("from", from)])),
        _ => None,
    }
}

/// [`Offer::receiver_summary`] in the user's language: what the receiver will get.
pub fn receiver_summary(locale: Locale, offer: &Offer) -> String {
    let text = match offer.kind {
        Operation::Transfer => td_string!(locale, words_agents.receiver_transfer),
        Operation::Clone => td_string!(locale, words_agents.receiver_clone),
    };
    fill(text, &[("token", &offer.token_id), ("from", &offer.from)])
}

/// [`Offer::holder_summary`] in the user's language: what the holder's transaction will do.
pub fn holder_summary(locale: Locale, offer: &Offer) -> String {
    let text = match offer.kind {
        Operation::Transfer => td_string!(locale, words_agents.holder_transfer),
        Operation::Clone => td_string!(locale, words_agents.holder_clone),
    };
    fill(text, &[("token", &offer.token_id), ("to", &offer.to)])
}

/// Where a local run went, as the badge and the progress line name it (the `Display` of
/// [`Backend`] in English; an adapter's name is the browser's own and stays as it is).
pub fn backend_words(locale: Locale, backend: &Backend) -> String {
    match backend {
        Backend::WebGpu { .. } => backend.to_string(),
        Backend::Cpu => td_string!(locale, words_agents.backend_cpu).to_string(),
    }
}

/// [`LocalAnswer::speed`] in the user's language.
pub fn speed_words(locale: Locale, answer: &LocalAnswer) -> String {
    fill(
        td_string!(locale, words_agents.speed),
        &[("rate", &answer.shown_rate()), ("ms", &format!("{:.0}", answer.first_token_ms))],
    )
}

/// Whose words a memory entry holds, as the console labels it: the roles the console saves
/// ("user", "agent") in the user's language, any other role as it was saved.
pub fn memory_role(locale: Locale, role: &str) -> String {
    match role {
        "user" => td_string!(locale, words_agents.role_user).to_string(),
        "agent" => td_string!(locale, words_agents.role_agent).to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, Bytes, B256, U256};

    use super::*;

    const ME: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    const MY_OTHER: Address = address!("00000000000000000000000000000000000000b2");
    const STRANGER: Address = address!("976EA74026E726554dB657fA54763abd0C3a0aa9");

    fn korean_is_filled_and_translated(en: &str, ko: &str) {
        assert!(!ko.contains('['), "a slot was left unfilled: {ko}");
        assert_ne!(ko, en, "not translated");
    }

    #[test]
    fn every_step_matches_its_label_and_is_translated() {
        let steps = [
            Step::Encrypting,
            Step::Hashing,
            Step::Paying,
            Step::Uploading { done: 3, total: 12 },
            Step::Signing,
            Step::Confirming,
        ];
        for s in steps {
            assert_eq!(s.localized(Locale::en), s.label());
            korean_is_filled_and_translated(&s.label(), &s.localized(Locale::ko));
        }
        assert!(Step::Uploading { done: 3, total: 12 }.localized(Locale::ko).contains("3/12"));
    }

    fn provenance(creator: Address, arrival: Arrival) -> Provenance {
        Provenance { token: U256::from(7u64), holder: ME, creator, created_block: 40, arrival }
    }

    #[test]
    fn provenance_matches_describe_and_is_translated() {
        let mine = [ME, MY_OTHER];
        let all = [
            provenance(ME, Arrival::Minted),
            provenance(MY_OTHER, Arrival::Minted),
            provenance(STRANGER, Arrival::Minted),
            provenance(STRANGER, Arrival::Cloned { source: U256::from(2u64), from: STRANGER }),
            provenance(ME, Arrival::Cloned { source: U256::from(2u64), from: MY_OTHER }),
            provenance(STRANGER, Arrival::Transferred { from: STRANGER, block: 60 }),
            provenance(MY_OTHER, Arrival::Transferred { from: MY_OTHER, block: 60 }),
        ];
        for p in all {
            for mine in [&mine[..], &[ME][..]] {
                assert_eq!(provenance_words(Locale::en, &p, mine), p.describe(mine));
                korean_is_filled_and_translated(&p.describe(mine), &provenance_words(Locale::ko, &p, mine));
            }
        }
        let ko = provenance_words(Locale::ko, &provenance(STRANGER, Arrival::Minted), &mine);
        assert!(ko.contains(&STRANGER.to_string()) && ko.contains("40"), "addresses in full, the block: {ko}");
    }

    #[test]
    fn origin_words_match_the_core_and_are_translated() {
        let all =
            [Origin::Own, Origin::Accepted { from: STRANGER }, Origin::Foreign { creator: STRANGER }, Origin::Unproven];
        for o in all {
            assert_eq!(origin_warning(Locale::en, &o), o.warning());
            assert_eq!(origin_acknowledgement(Locale::en, &o), o.acknowledgement());
            assert_eq!(origin_note(Locale::en, &o), o.note());
            assert_eq!(origin_warning(Locale::ko, &o).is_some(), o.warning().is_some());
            assert_eq!(origin_note(Locale::ko, &o).is_some(), o.note().is_some());
            if let (Some(en), Some(ko)) = (o.warning(), origin_warning(Locale::ko, &o)) {
                korean_is_filled_and_translated(&en, &ko);
            }
            if let (Some(en), Some(ko)) = (o.note(), origin_note(Locale::ko, &o)) {
                korean_is_filled_and_translated(&en, &ko);
            }
            korean_is_filled_and_translated(&o.acknowledgement(), &origin_acknowledgement(Locale::ko, &o));
        }
        let ko = origin_warning(Locale::ko, &Origin::Foreign { creator: STRANGER }).unwrap();
        assert!(ko.contains(&STRANGER.to_string()), "{ko}");
    }

    fn offer(kind: Operation) -> Offer {
        Offer {
            kind,
            chain_id: 31337,
            nft: Address::repeat_byte(0xaa),
            token_id: U256::from(5u64),
            from: ME,
            to: STRANGER,
            receiver_key: Bytes::new(),
            old_data_hash: B256::repeat_byte(1),
            new_data_hash: B256::repeat_byte(2),
            new_size: 900,
            sealed_key: Bytes::new(),
            owner_salt: B256::repeat_byte(5),
            deadline: 2_000,
            owner_signature: Bytes::new(),
        }
    }

    #[test]
    fn summaries_match_the_core_and_are_translated() {
        for kind in [Operation::Transfer, Operation::Clone] {
            let o = offer(kind);
            assert_eq!(receiver_summary(Locale::en, &o), o.receiver_summary());
            assert_eq!(holder_summary(Locale::en, &o), o.holder_summary());
            korean_is_filled_and_translated(&o.receiver_summary(), &receiver_summary(Locale::ko, &o));
            korean_is_filled_and_translated(&o.holder_summary(), &holder_summary(Locale::ko, &o));
        }
        assert!(holder_summary(Locale::ko, &offer(Operation::Transfer)).starts_with("이전"));
        assert!(receiver_summary(Locale::ko, &offer(Operation::Clone)).starts_with("복제"));
    }

    fn local(backend: Backend) -> LocalAnswer {
        LocalAnswer {
            model: "SmolLM2-135M-Instruct",
            text: "hello".into(),
            prompt_tokens: 12,
            completion_tokens: 4,
            stopped_early: false,
            backend,
            why_cpu: None,
            first_token_ms: 12.4,
            total_ms: 10_000.0,
        }
    }

    #[test]
    fn a_local_run_s_words_match_the_english_and_are_translated() {
        let gpu = Backend::WebGpu { adapter: "swiftshader".into(), description: "SwiftShader".into(), software: true };
        assert_eq!(backend_words(Locale::en, &gpu), gpu.to_string());
        assert_eq!(backend_words(Locale::ko, &gpu), gpu.to_string(), "an adapter's name is the browser's");
        assert_eq!(backend_words(Locale::en, &Backend::Cpu), Backend::Cpu.to_string());
        korean_is_filled_and_translated(&Backend::Cpu.to_string(), &backend_words(Locale::ko, &Backend::Cpu));

        let slow = local(Backend::Cpu);
        assert_eq!(speed_words(Locale::en, &slow), slow.speed());
        korean_is_filled_and_translated(&slow.speed(), &speed_words(Locale::ko, &slow));
        assert!(speed_words(Locale::ko, &slow).contains("0.4"), "{}", speed_words(Locale::ko, &slow));
    }

    #[test]
    fn memory_roles_are_named_in_the_user_s_language() {
        for role in ["user", "agent"] {
            assert_eq!(memory_role(Locale::en, role), role);
            korean_is_filled_and_translated(role, &memory_role(Locale::ko, role));
        }
        assert_eq!(memory_role(Locale::ko, "system"), "system", "a role the console does not save stays as saved");
    }
}
