//! Translates the reasons the agent, governance and staking errors carry (catalogue section
//! `words_carried_a`): why the agent NFT, the governor or a validator would refuse a call
//! (each contract's `Refusal`), why the agent service found a value not proven (`Unproven`),
//! what the chain answered unexpectedly (`UnexpectedAnswer`), and what was typed or pasted
//! wrong (`BadInput`, `ProposalInput`). The English of each is the core's own `Display`.

use super::{fill, Localized};
use crate::i18n::{td_string, Locale};

use crate::governance::contract::{ProposalState, Refusal as GovernorRefusal};
use crate::governance::service::ProposalInput;
use crate::inft::contract::Refusal as AgentRefusal;
use crate::inft::proofs::Operation;
use crate::inft::service::{BadInput, UnexpectedAnswer, Unproven};
use crate::staking::contract::Refusal as ValidatorRefusal;

/// Revert data no refusal explains, the same words for every contract (`words_services`').
fn revert_data(data: &[u8], locale: Locale) -> String {
    fill(td_string!(locale, words_services.refusal_data), &[("data", &hex::encode(data))])
}

/// "there is no agent #[token]": the handover's words (`err_agents`), the same sentence.
fn no_such_agent(token: &alloy_primitives::U256, locale: Locale) -> String {
    fill(td_string!(locale, err_agents.handover_no_such_agent), &[("token", token)])
}

impl Localized for AgentRefusal {
    fn localized(&self, locale: Locale) -> String {
        match self {
            AgentRefusal::HeldByOther { token, owner, sender } => fill(
                td_string!(locale, words_carried_a.agent_held_by_other),
                &[("token", token), ("owner", owner), ("sender", sender)],
            ),
            AgentRefusal::NotHolder(sender) => {
                fill(td_string!(locale, words_carried_a.agent_not_holder), &[("sender", sender)])
            }
            AgentRefusal::NoSuchAgent(token) => no_such_agent(token, locale),
            AgentRefusal::NotApproved { operator, token } => fill(
                td_string!(locale, words_carried_a.agent_not_approved),
                &[("operator", operator), ("token", token)],
            ),
            AgentRefusal::ZeroReceiver => td_string!(locale, words_carried_a.agent_zero_receiver).to_string(),
            AgentRefusal::DataChanged => td_string!(locale, words_carried_a.agent_data_changed).to_string(),
            AgentRefusal::NotSignedByReceiver => {
                td_string!(locale, words_carried_a.agent_not_signed_by_receiver).to_string()
            }
            AgentRefusal::SealedToAnotherKey => {
                td_string!(locale, words_carried_a.agent_sealed_to_another_key).to_string()
            }
            AgentRefusal::WrongOperation(sent) => {
                // The operation's own words, as the offer errors name it (`err_agents`).
                let operation = match sent {
                    Operation::Transfer => td_string!(locale, err_agents.op_transfer),
                    Operation::Clone => td_string!(locale, err_agents.op_clone),
                };
                fill(td_string!(locale, words_carried_a.agent_wrong_operation), &[("operation", &operation)])
            }
            AgentRefusal::WrongParties => td_string!(locale, words_carried_a.agent_wrong_parties).to_string(),
            AgentRefusal::AlreadyAuthorized => td_string!(locale, words_carried_a.agent_already_authorized).to_string(),
            AgentRefusal::NotAuthorized => td_string!(locale, words_carried_a.agent_not_authorized).to_string(),
            AgentRefusal::UserAlreadyAuthorized(user) => {
                fill(td_string!(locale, words_carried_a.agent_user_already_authorized), &[("user", user)])
            }
            AgentRefusal::UserNotAuthorized(user) => {
                fill(td_string!(locale, words_carried_a.agent_user_not_authorized), &[("user", user)])
            }
            AgentRefusal::ZeroUser => td_string!(locale, words_carried_a.agent_zero_user).to_string(),
            AgentRefusal::TooManyUsers => td_string!(locale, words_carried_a.agent_too_many_users).to_string(),
            AgentRefusal::UseITransferFrom => td_string!(locale, words_carried_a.agent_use_itransfer_from).to_string(),
            AgentRefusal::Expired { deadline } => {
                fill(td_string!(locale, words_carried_a.agent_expired), &[("deadline", deadline)])
            }
            AgentRefusal::BadSignature => td_string!(locale, words_carried_a.agent_bad_signature).to_string(),
            AgentRefusal::NotSignedByHolder { signer, holder } => fill(
                td_string!(locale, words_carried_a.agent_not_signed_by_holder),
                &[("signer", signer), ("holder", holder)],
            ),
            AgentRefusal::NonceReused(signer) => {
                fill(td_string!(locale, words_carried_a.agent_nonce_reused), &[("signer", signer)])
            }
            AgentRefusal::Altered => td_string!(locale, words_carried_a.agent_altered).to_string(),
            AgentRefusal::ClientBug => td_string!(locale, words_carried_a.agent_client_bug).to_string(),
            AgentRefusal::Data(data) => revert_data(data, locale),
        }
    }
}

impl Localized for Unproven {
    fn localized(&self, locale: Locale) -> String {
        match self {
            // The light client's (or the EVM's) own words.
            Unproven::Said(reason) => reason.clone(),
            Unproven::NoSuchAgent(token) => no_such_agent(token, locale),
            Unproven::UsersDoNotDecode => td_string!(locale, words_carried_a.users_do_not_decode).to_string(),
            Unproven::NoVerifiedTip => td_string!(locale, words_carried_a.no_verified_tip).to_string(),
            Unproven::NotOneDataItem(token) => {
                fill(td_string!(locale, words_carried_a.not_one_data_item), &[("token", token)])
            }
        }
    }
}

impl Localized for UnexpectedAnswer {
    fn localized(&self, locale: Locale) -> String {
        match self {
            UnexpectedAnswer::NoNewToken => td_string!(locale, words_carried_a.no_new_token).to_string(),
        }
    }
}

impl Localized for BadInput {
    fn localized(&self, locale: Locale) -> String {
        match self {
            BadInput::KeyNotHex => td_string!(locale, words_carried_a.key_not_hex),
            BadInput::NotAPublicKey => td_string!(locale, words_carried_a.not_a_public_key),
        }
        .to_string()
    }
}

impl Localized for ProposalInput {
    fn localized(&self, locale: Locale) -> String {
        match self {
            // The words the Governance page's error had for it before it was typed.
            ProposalInput::NoTitle => td_string!(locale, words_services.gov_give_title).to_string(),
        }
    }
}

/// A proposal's state as the Governance page names it (`ProposalState::label` in English);
/// a state the client does not know is "unknown".
fn proposal_state(state: Option<ProposalState>, locale: Locale) -> &'static str {
    match state {
        Some(ProposalState::Pending) => td_string!(locale, governance.state_pending),
        Some(ProposalState::Active) => td_string!(locale, governance.state_active),
        Some(ProposalState::Canceled) => td_string!(locale, governance.state_canceled),
        Some(ProposalState::Defeated) => td_string!(locale, governance.state_defeated),
        Some(ProposalState::Succeeded) => td_string!(locale, governance.state_succeeded),
        Some(ProposalState::Queued) => td_string!(locale, governance.state_queued),
        Some(ProposalState::Expired) => td_string!(locale, governance.state_expired),
        Some(ProposalState::Executed) => td_string!(locale, governance.state_executed),
        None => td_string!(locale, words_carried_a.gov_state_unknown),
    }
}

impl Localized for GovernorRefusal {
    fn localized(&self, locale: Locale) -> String {
        use crate::format::format_0g;
        match self {
            GovernorRefusal::DepositTooSmall { required, sent } => fill(
                td_string!(locale, words_carried_a.gov_deposit_too_small),
                &[("required", &format_0g(*required)), ("sent", &format_0g(*sent))],
            ),
            GovernorRefusal::NotOpen(state) => {
                fill(td_string!(locale, words_carried_a.gov_not_open), &[("state", &proposal_state(*state, locale))])
            }
            GovernorRefusal::RestrictedProposer { you } => {
                fill(td_string!(locale, words_carried_a.gov_restricted_proposer), &[("you", you)])
            }
            GovernorRefusal::InvalidVote => td_string!(locale, words_carried_a.gov_invalid_vote).to_string(),
            GovernorRefusal::DepositNotFinal => td_string!(locale, words_carried_a.gov_deposit_not_final).to_string(),
            GovernorRefusal::DepositSettled => td_string!(locale, words_carried_a.gov_deposit_settled).to_string(),
            GovernorRefusal::NoSuchProposal => td_string!(locale, words_carried_a.gov_no_such_proposal).to_string(),
            GovernorRefusal::NoActions => td_string!(locale, words_carried_a.gov_no_actions).to_string(),
            GovernorRefusal::TimelockNotReady => td_string!(locale, words_carried_a.gov_timelock_not_ready).to_string(),
            GovernorRefusal::NotEnoughWrapped { balance, needed } => fill(
                td_string!(locale, words_carried_a.gov_not_enough_wrapped),
                &[("balance", &format_0g(*balance)), ("needed", &format_0g(*needed))],
            ),
            GovernorRefusal::Data(data) => revert_data(data, locale),
        }
    }
}

impl Localized for ValidatorRefusal {
    fn localized(&self, locale: Locale) -> String {
        match self {
            ValidatorRefusal::BelowMinimum => td_string!(locale, words_carried_a.validator_below_minimum).to_string(),
            ValidatorRefusal::FeeTooLow => td_string!(locale, words_carried_a.validator_fee_too_low).to_string(),
            ValidatorRefusal::NotEnoughShares { held, requested } => fill(
                td_string!(locale, words_carried_a.validator_not_enough_shares),
                &[("held", held), ("requested", requested)],
            ),
            ValidatorRefusal::NotInitialized => {
                td_string!(locale, words_carried_a.validator_not_initialized).to_string()
            }
            ValidatorRefusal::ZeroAddress => td_string!(locale, words_carried_a.validator_zero_address).to_string(),
            ValidatorRefusal::Data(data) => revert_data(data, locale),
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, Bytes, U256};

    use super::*;

    fn addr(byte: u8) -> Address {
        Address::repeat_byte(byte)
    }

    fn og(n: u64) -> U256 {
        U256::from(n) * U256::from(10u64.pow(18))
    }

    /// English is the value's own text; Korean fills every slot and, where `translated`, is
    /// not the English (a carried string reads the same).
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

    #[test]
    fn agent_refusals_read_as_the_core_says_them_and_are_translated() {
        let token = U256::from(7u64);
        all(vec![
            (AgentRefusal::HeldByOther { token, owner: addr(1), sender: addr(2) }, true),
            (AgentRefusal::NotHolder(addr(2)), true),
            (AgentRefusal::NoSuchAgent(token), true),
            (AgentRefusal::NotApproved { operator: addr(3), token }, true),
            (AgentRefusal::ZeroReceiver, true),
            (AgentRefusal::DataChanged, true),
            (AgentRefusal::NotSignedByReceiver, true),
            (AgentRefusal::SealedToAnotherKey, true),
            (AgentRefusal::WrongOperation(Operation::Transfer), true),
            (AgentRefusal::WrongOperation(Operation::Clone), true),
            (AgentRefusal::WrongParties, true),
            (AgentRefusal::AlreadyAuthorized, true),
            (AgentRefusal::NotAuthorized, true),
            (AgentRefusal::UserAlreadyAuthorized(addr(4)), true),
            (AgentRefusal::UserNotAuthorized(addr(4)), true),
            (AgentRefusal::ZeroUser, true),
            (AgentRefusal::TooManyUsers, true),
            (AgentRefusal::UseITransferFrom, true),
            (AgentRefusal::Expired { deadline: U256::from(1_750_000_000u64) }, true),
            (AgentRefusal::BadSignature, true),
            (AgentRefusal::NotSignedByHolder { signer: addr(5), holder: addr(6) }, true),
            (AgentRefusal::NonceReused(addr(5)), true),
            (AgentRefusal::Altered, true),
            (AgentRefusal::ClientBug, true),
            (AgentRefusal::Data(Bytes::from(vec![0xde, 0xad, 0xbe, 0xef])), true),
        ]);
        let ko = AgentRefusal::WrongOperation(Operation::Clone).localized(Locale::ko);
        assert!(ko.contains("복제"), "{ko}");
        let ko = AgentRefusal::Data(Bytes::from(vec![0xde, 0xad])).localized(Locale::ko);
        assert!(ko.contains("0xdead"), "{ko}");
    }

    #[test]
    fn the_agent_services_own_reasons_read_as_it_says_them_and_are_translated() {
        all(vec![
            (Unproven::Said("the node did not answer".into()), false),
            (Unproven::NoSuchAgent(U256::from(404u64)), true),
            (Unproven::UsersDoNotDecode, true),
            (Unproven::NoVerifiedTip, true),
            (Unproven::NotOneDataItem(U256::from(3u64)), true),
        ]);
        assert_eq!(Unproven::Said("as said".into()).localized(Locale::ko), "as said", "the light client's words");
        all(vec![(UnexpectedAnswer::NoNewToken, true)]);
        all(vec![(BadInput::KeyNotHex, true), (BadInput::NotAPublicKey, true)]);
        assert!(BadInput::KeyNotHex.localized(Locale::ko).contains("0x02…"));
    }

    #[test]
    fn governor_refusals_read_as_the_core_says_them_and_are_translated() {
        let mut samples = vec![
            (GovernorRefusal::DepositTooSmall { required: og(1), sent: U256::ZERO }, true),
            (GovernorRefusal::NotOpen(None), true),
            (GovernorRefusal::RestrictedProposer { you: addr(7) }, true),
            (GovernorRefusal::InvalidVote, true),
            (GovernorRefusal::DepositNotFinal, true),
            (GovernorRefusal::DepositSettled, true),
            (GovernorRefusal::NoSuchProposal, true),
            (GovernorRefusal::NoActions, true),
            (GovernorRefusal::TimelockNotReady, true),
            (GovernorRefusal::NotEnoughWrapped { balance: og(1), needed: og(2) }, true),
            (GovernorRefusal::Data(Bytes::from(vec![0xde, 0xad, 0xbe, 0xef])), true),
        ];
        for v in 0..8 {
            samples.push((GovernorRefusal::NotOpen(ProposalState::from_u8(v)), true));
        }
        all(samples);
        all(vec![(ProposalInput::NoTitle, true)]);
        let ko = GovernorRefusal::NotOpen(ProposalState::from_u8(3)).localized(Locale::ko);
        assert!(ko.contains("부결"), "{ko}");
    }

    #[test]
    fn validator_refusals_read_as_the_core_says_them_and_are_translated() {
        all(vec![
            (ValidatorRefusal::BelowMinimum, true),
            (ValidatorRefusal::FeeTooLow, true),
            (ValidatorRefusal::NotEnoughShares { held: U256::from(2u64), requested: U256::from(5u64) }, true),
            (ValidatorRefusal::NotInitialized, true),
            (ValidatorRefusal::ZeroAddress, true),
            (ValidatorRefusal::Data(Bytes::from(vec![0xde, 0xad, 0xbe, 0xef])), true),
        ]);
    }
}
