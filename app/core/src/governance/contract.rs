//! The governance contracts as the client sees them (contracts/src/governance/ZgGovernor.sol
//! and contracts/src/WrappedZG.sol): calldata, decoders, proposal states, and what their
//! reverts mean for the user. Pure, so it is tested natively.

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};

// The governor, and its token (native 0G wrapped 1:1, with ERC20Votes checkpoints and
// delegation) by name: both declare `getVotes`, the token's is the one meant here.
use zg_abi::governor::ZgGovernor::*;
use zg_abi::timelock::ZgTimelock::TimelockUnexpectedOperationState;
use zg_abi::wrapped_zg::WrappedZG::{
    balanceOfCall, delegateCall, delegatesCall, depositCall, getVotesCall, withdrawCall, ERC20InsufficientBalance,
};

/// The four options, with the governor's support values (OpenZeppelin's 0/1/2 kept, so
/// ordinary Governor tooling still reads Yes/No/Abstain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    No = 0,
    Yes = 1,
    Abstain = 2,
    NoWithVeto = 3,
}

impl Vote {
    pub const ALL: [Vote; 4] = [Vote::Yes, Vote::No, Vote::Abstain, Vote::NoWithVeto];

    pub fn label(self) -> &'static str {
        match self {
            Vote::Yes => "Yes",
            Vote::No => "No",
            Vote::Abstain => "Abstain",
            Vote::NoWithVeto => "No with veto",
        }
    }

    pub fn from_support(support: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|v| *v as u8 == support)
    }
}

/// OpenZeppelin's `ProposalState`, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalState {
    Pending,
    Active,
    Canceled,
    Defeated,
    Succeeded,
    Queued,
    Expired,
    Executed,
}

impl ProposalState {
    pub fn from_u8(v: u8) -> Option<Self> {
        use ProposalState::*;
        [Pending, Active, Canceled, Defeated, Succeeded, Queued, Expired, Executed].get(usize::from(v)).copied()
    }

    pub fn label(self) -> &'static str {
        match self {
            ProposalState::Pending => "Pending",
            ProposalState::Active => "Voting",
            ProposalState::Canceled => "Canceled",
            ProposalState::Defeated => "Defeated",
            ProposalState::Succeeded => "Passed",
            ProposalState::Queued => "Queued",
            ProposalState::Expired => "Expired",
            ProposalState::Executed => "Executed",
        }
    }

    /// Whether the deposit can be settled (returned, or burned if vetoed).
    pub fn is_final(self) -> bool {
        !matches!(self, ProposalState::Pending | ProposalState::Active)
    }
}

/// A proposal's tally in voting power at its snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub yes: U256,
    pub no: U256,
    pub abstain: U256,
    pub no_with_veto: U256,
}

impl Tally {
    pub fn total(&self) -> U256 {
        self.yes + self.no + self.abstain + self.no_with_veto
    }

    pub fn of(&self, vote: Vote) -> U256 {
        match vote {
            Vote::Yes => self.yes,
            Vote::No => self.no,
            Vote::Abstain => self.abstain,
            Vote::NoWithVeto => self.no_with_veto,
        }
    }

    /// The governor's rules as a preview while a vote runs (the outcome the page states is
    /// the contract's own: `state` and `isVetoed`, read through the light client). Quorum:
    /// every vote counts, abstain included. Passes: quorum, not vetoed, and more than half
    /// of the non-abstain votes Yes. Vetoed: quorum and more than a third NoWithVeto — a
    /// proposal that misses quorum is never vetoed, and its deposit comes back. Held to the
    /// contract's decisions by `tests::the_preview_rule_decides_every_case_as_the_contract`.
    pub fn passes(&self, quorum: U256) -> bool {
        self.quorum_reached(quorum)
            && !self.veto_share_exceeded()
            && U256::from(2) * self.yes > self.yes + self.no + self.no_with_veto
    }

    pub fn vetoed(&self, quorum: U256) -> bool {
        self.quorum_reached(quorum) && self.veto_share_exceeded()
    }

    pub fn quorum_reached(&self, quorum: U256) -> bool {
        self.total() >= quorum
    }

    fn veto_share_exceeded(&self) -> bool {
        U256::from(3) * self.no_with_veto > self.total()
    }
}

/// A created proposal, from its `ProposalCreated` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: U256,
    pub proposer: Address,
    pub targets: Vec<Address>,
    pub values: Vec<U256>,
    pub calldatas: Vec<Bytes>,
    pub vote_start: u64,
    pub vote_end: u64,
    pub description: String,
}

/// What OpenZeppelin's Governor looks for at the end of a description: the marker and then
/// the only address allowed to propose it (`Governor._isValidDescriptionForProposer`).
const PROPOSER_MARKER: &str = "#proposer=";
/// The marker and `0x` + 40 hex digits: the governor reads exactly the last 52 bytes.
const PROPOSER_SUFFIX_LEN: usize = PROPOSER_MARKER.len() + 42;

/// The description this app proposes: `# title`, the body, and `#proposer=0x…` naming the
/// proposer. A proposal's id is a hash of its actions and description, so without that suffix
/// anyone who sees the transaction waiting could submit the same proposal first, becoming
/// its proposer (who may cancel it while pending) and making the real one revert. With it the
/// governor refuses the proposal from any other account (`GovernorRestrictedProposer`). The
/// address is written in lowercase, which the governor's parser accepts like any other case.
pub fn proposal_description(title: &str, body: &str, proposer: Address) -> String {
    let mut text = format!("# {}", title.trim());
    if !body.trim().is_empty() {
        text.push('\n');
        text.push_str(body.trim());
    }
    format!("{text}\n\n{PROPOSER_MARKER}0x{}", hex::encode(proposer))
}

impl Proposal {
    /// The first line of the description (its title, by the convention this app writes).
    pub fn title(&self) -> &str {
        self.description.lines().next().unwrap_or("").trim_start_matches('#').trim()
    }

    /// The only account the governor lets propose this description, read as the governor reads
    /// it: the last 52 bytes are `#proposer=` then `0x` and 40 hex digits of any case. `None`
    /// when there is no such suffix, and then anyone could have proposed it.
    pub fn bound_proposer(&self) -> Option<Address> {
        let d = self.description.as_bytes();
        let suffix = d.get(d.len().checked_sub(PROPOSER_SUFFIX_LEN)?..)?;
        let address = suffix.strip_prefix(PROPOSER_MARKER.as_bytes())?.strip_prefix(b"0x")?;
        let bytes: [u8; 20] = hex::decode(address).ok()?.try_into().ok()?;
        Some(Address::from(bytes))
    }

    /// The description after its title, without a proposer suffix the governor enforces.
    pub fn body(&self) -> String {
        let text = match self.bound_proposer() {
            Some(_) => &self.description[..self.description.len() - PROPOSER_SUFFIX_LEN],
            None => &self.description[..],
        };
        text.lines().skip(1).collect::<Vec<_>>().join("\n").trim().to_string()
    }

    pub fn description_hash(&self) -> B256 {
        keccak256(self.description.as_bytes())
    }
}

pub fn decode_proposal_created(log: &Log, governor: Address) -> Option<Proposal> {
    if log.address != governor {
        return None;
    }
    let e = ProposalCreated::decode_log_data(&log.data).ok()?;
    Some(Proposal {
        id: e.proposalId,
        proposer: e.proposer,
        targets: e.targets,
        values: e.values,
        calldatas: e.calldatas,
        vote_start: e.voteStart.saturating_to(),
        vote_end: e.voteEnd.saturating_to(),
        description: e.description,
    })
}

pub fn proposal_created_topic() -> B256 {
    ProposalCreated::SIGNATURE_HASH
}

/// What one action of a proposal does, in words, decoded from its calldata where it is a
/// call this app knows.
pub fn describe_action(target: Address, value: U256, calldata: &[u8], governor: Address) -> String {
    action(target, value, calldata, governor).to_string()
}

/// One action of a proposal: what it pays and what it calls. Shown in the page's language;
/// `Display` is the English ([`describe_action`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub target: Address,
    /// Native 0G sent with the call.
    pub value: U256,
    pub call: ActionCall,
}

/// What an action's calldata asks of its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionCall {
    /// No calldata: a plain transfer (or, with no value, a call that does nothing).
    Nothing,
    /// The governor's own `setProposalDeposit`.
    SetProposalDeposit(U256),
    /// A call this app does not decode: its selector (hex, without `0x`) and the length
    /// of its arguments in bytes.
    Other { selector: String, argument_bytes: usize },
}

/// [`Action`] out of a proposal's target, value and calldata.
pub fn action(target: Address, value: U256, calldata: &[u8], governor: Address) -> Action {
    let call = if calldata.is_empty() {
        ActionCall::Nothing
    } else {
        let deposit = if target == governor { setProposalDepositCall::abi_decode(calldata).ok() } else { None };
        match deposit {
            Some(c) => ActionCall::SetProposalDeposit(c.newDeposit),
            None => ActionCall::Other {
                selector: calldata.get(..4).map(hex::encode).unwrap_or_default(),
                argument_bytes: calldata.len().saturating_sub(4),
            },
        }
    };
    Action { target, value, call }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Action { target, value, call } = self;
        let pay = (!value.is_zero()).then(|| format!("send {} to {target}", crate::format::format_0g(*value)));
        let call = match call {
            ActionCall::Nothing => return f.write_str(&pay.unwrap_or_else(|| format!("call {target} with no data"))),
            ActionCall::SetProposalDeposit(deposit) => {
                format!("set the proposal deposit to {}", crate::format::format_0g(*deposit))
            }
            ActionCall::Other { selector, argument_bytes } => {
                format!("call {target} (selector 0x{selector}, {argument_bytes} bytes of arguments)")
            }
        };
        match pay {
            Some(pay) => write!(f, "{pay} and {call}"),
            None => f.write_str(&call),
        }
    }
}

pub fn deposit_call() -> Bytes {
    depositCall {}.abi_encode().into()
}

pub fn withdraw_call(amount: U256) -> Bytes {
    withdrawCall { amount }.abi_encode().into()
}

pub fn balance_call(account: Address) -> Bytes {
    balanceOfCall { account }.abi_encode().into()
}

pub fn votes_call(account: Address) -> Bytes {
    getVotesCall { account }.abi_encode().into()
}

pub fn delegates_call(account: Address) -> Bytes {
    delegatesCall { account }.abi_encode().into()
}

pub fn delegate_call(delegatee: Address) -> Bytes {
    delegateCall { delegatee }.abi_encode().into()
}

pub fn propose_call(targets: Vec<Address>, values: Vec<U256>, calldatas: Vec<Bytes>, description: String) -> Bytes {
    proposeWithDepositCall { targets, values, calldatas, description }.abi_encode().into()
}

pub fn vote_call(id: U256, vote: Vote, reason: String) -> Bytes {
    castVoteWithReasonCall { proposalId: id, support: vote as u8, reason }.abi_encode().into()
}

pub fn queue_call(p: &Proposal) -> Bytes {
    queueCall {
        targets: p.targets.clone(),
        values: p.values.clone(),
        calldatas: p.calldatas.clone(),
        descriptionHash: p.description_hash(),
    }
    .abi_encode()
    .into()
}

pub fn execute_call(p: &Proposal) -> Bytes {
    executeCall {
        targets: p.targets.clone(),
        values: p.values.clone(),
        calldatas: p.calldatas.clone(),
        descriptionHash: p.description_hash(),
    }
    .abi_encode()
    .into()
}

pub fn settle_call(id: U256) -> Bytes {
    settleDepositCall { proposalId: id }.abi_encode().into()
}

pub fn proposal_count_call() -> Bytes {
    proposalCountCall {}.abi_encode().into()
}

pub fn state_call(id: U256) -> Bytes {
    stateCall { proposalId: id }.abi_encode().into()
}

pub fn tally_call(id: U256) -> Bytes {
    proposalVotesCall { proposalId: id }.abi_encode().into()
}

pub fn deposit_info_call(id: U256) -> Bytes {
    depositsCall { proposalId: id }.abi_encode().into()
}

pub fn vote_of_call(id: U256, account: Address) -> Bytes {
    voteOfCall { proposalId: id, account }.abi_encode().into()
}

pub fn quorum_call(timepoint: u64) -> Bytes {
    quorumCall { timepoint: U256::from(timepoint) }.abi_encode().into()
}

pub fn proposal_deposit_call() -> Bytes {
    proposalDepositCall {}.abi_encode().into()
}

pub fn is_vetoed_call(id: U256) -> Bytes {
    isVetoedCall { proposalId: id }.abi_encode().into()
}

pub fn decode_is_vetoed(output: &[u8]) -> Option<bool> {
    isVetoedCall::abi_decode_returns(output).ok()
}

pub fn eta_call(id: U256) -> Bytes {
    proposalEtaCall { proposalId: id }.abi_encode().into()
}

pub fn decode_u256(output: &[u8]) -> Option<U256> {
    <alloy_sol_types::sol_data::Uint<256> as alloy_sol_types::SolType>::abi_decode(output).ok()
}

pub fn decode_address(output: &[u8]) -> Option<Address> {
    <alloy_sol_types::sol_data::Address as alloy_sol_types::SolType>::abi_decode(output).ok()
}

pub fn decode_state(output: &[u8]) -> Option<ProposalState> {
    ProposalState::from_u8(stateCall::abi_decode_returns(output).ok()?)
}

pub fn decode_tally(output: &[u8]) -> Option<Tally> {
    let r = proposalVotesCall::abi_decode_returns(output).ok()?;
    Some(Tally { yes: r.yesVotes, no: r.noVotes, abstain: r.abstainVotes, no_with_veto: r.noWithVetoVotes })
}

/// (depositor, amount, settled).
pub fn decode_deposit_info(output: &[u8]) -> Option<(Address, U256, bool)> {
    let r = depositsCall::abi_decode_returns(output).ok()?;
    Some((r.depositor, r.amount, r.settled))
}

pub fn decode_vote_of(output: &[u8]) -> Option<Option<Vote>> {
    let r = voteOfCall::abi_decode_returns(output).ok()?;
    Some(if r.voted { Some(Vote::from_support(r.support)?) } else { None })
}

/// Why the governor, the timelock or the wrapped-0G token refuses a call, where the revert
/// is one of theirs. Shown in the page's language; `Display` is the English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    DepositTooSmall {
        required: U256,
        sent: U256,
    },
    /// The proposal's state (`None`: one the client does not know) does not allow the step.
    NotOpen(Option<ProposalState>),
    /// `GovernorRestrictedProposer`: the description names another proposer than `you`.
    RestrictedProposer {
        you: Address,
    },
    InvalidVote,
    DepositNotFinal,
    DepositSettled,
    NoSuchProposal,
    NoActions,
    TimelockNotReady,
    /// `ERC20InsufficientBalance` of the wrapped 0G.
    NotEnoughWrapped {
        balance: U256,
        needed: U256,
    },
    /// Revert data none of the above explains.
    Data(Bytes),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::format::format_0g;
        match self {
            Refusal::DepositTooSmall { required, sent } => write!(
                f,
                "a proposal needs a deposit of at least {} (offered {})",
                format_0g(*required),
                format_0g(*sent)
            ),
            Refusal::NotOpen(state) => {
                let state = state.map_or("unknown", |s| s.label());
                write!(f, "the proposal is {state} now, so this step is not open")
            }
            Refusal::RestrictedProposer { you } => write!(
                f,
                "this proposal's description ends with #proposer= naming another account, so only that account can submit it (you are {you})"
            ),
            Refusal::InvalidVote => f.write_str("that is not one of the four options"),
            Refusal::DepositNotFinal => f.write_str("the deposit is settled once voting has ended"),
            Refusal::DepositSettled => f.write_str("this proposal's deposit was already settled"),
            Refusal::NoSuchProposal => f.write_str("there is no such proposal"),
            Refusal::NoActions => f.write_str("a proposal needs at least one action"),
            Refusal::TimelockNotReady => {
                f.write_str("the timelock is not ready for this step yet (queue it, then wait out the delay)")
            }
            Refusal::NotEnoughWrapped { balance, needed } => write!(
                f,
                "you hold {} wrapped 0G, less than the {} asked",
                format_0g(*balance),
                format_0g(*needed)
            ),
            Refusal::Data(data) => write!(f, "revert data 0x{}", hex::encode(data)),
        }
    }
}

/// What a governor, timelock or token revert means for the user.
pub fn refusal(data: &[u8]) -> Option<Refusal> {
    if let Ok(e) = GovernorDepositTooSmall::abi_decode(data) {
        return Some(Refusal::DepositTooSmall { required: e.required, sent: e.sent });
    }
    if let Ok(e) = GovernorUnexpectedProposalState::abi_decode(data) {
        return Some(Refusal::NotOpen(ProposalState::from_u8(e.current)));
    }
    if let Ok(e) = GovernorRestrictedProposer::abi_decode(data) {
        return Some(Refusal::RestrictedProposer { you: e.proposer });
    }
    if GovernorInvalidVoteType::abi_decode(data).is_ok() {
        return Some(Refusal::InvalidVote);
    }
    if GovernorDepositNotFinal::abi_decode(data).is_ok() {
        return Some(Refusal::DepositNotFinal);
    }
    if GovernorDepositAlreadySettled::abi_decode(data).is_ok() {
        return Some(Refusal::DepositSettled);
    }
    if GovernorNonexistentProposal::abi_decode(data).is_ok() {
        return Some(Refusal::NoSuchProposal);
    }
    if GovernorInvalidProposalLength::abi_decode(data).is_ok() {
        return Some(Refusal::NoActions);
    }
    if TimelockUnexpectedOperationState::abi_decode(data).is_ok() {
        return Some(Refusal::TimelockNotReady);
    }
    if let Ok(e) = ERC20InsufficientBalance::abi_decode(data) {
        return Some(Refusal::NotEnoughWrapped { balance: e.balance, needed: e.needed });
    }
    None
}

/// [`refusal`] in words (the English).
pub fn explain_revert(data: &[u8]) -> Option<String> {
    refusal(data).map(|r| r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    const GOV: Address = address!("00000000000000000000000000000000000000aa");

    fn tally(yes: u64, no: u64, abstain: u64, veto: u64) -> Tally {
        Tally { yes: U256::from(yes), no: U256::from(no), abstain: U256::from(abstain), no_with_veto: U256::from(veto) }
    }

    #[test]
    fn tally_rules_match_the_governor_at_their_edges() {
        let q = U256::from(10u64);
        assert!(tally(51, 49, 0, 0).passes(q));
        assert!(!tally(50, 50, 0, 0).passes(q), "a tie fails");
        assert!(!tally(50, 40, 100, 10).passes(q), "exactly half of the non-abstain votes fails");
        assert!(tally(51, 40, 100, 10).passes(q), "abstain does not count against");
        assert!(!tally(2, 0, 1, 1).vetoed(U256::from(4u64)), "exactly a third is not a veto");
        assert!(tally(2, 0, 0, 2).vetoed(U256::from(4u64)));
        assert!(!tally(10, 0, 0, 6).passes(q), "a vetoed proposal fails even with a Yes majority");
        // The bug this rule once had: a veto share without quorum is no veto.
        assert!(!tally(0, 0, 0, 50).vetoed(U256::from(167u64)));
        assert!(!tally(9, 0, 0, 0).passes(q), "no quorum, no pass");
    }

    /// The contract decides every case of `devnet/tests/fixtures/tally_rules.json` as written
    /// there (`devnet/tests/governance_contract.rs` runs them on the real governor); the
    /// preview must decide them the same way.
    #[test]
    fn the_preview_rule_decides_every_case_as_the_contract() {
        let rules: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../devnet/tests/fixtures/tally_rules.json"
        )))
        .unwrap();
        let power = |name: &str| rules["power"][name].as_u64().unwrap_or_else(|| panic!("no power for {name}"));
        let quorum = U256::from(rules["quorum"].as_u64().unwrap());
        let cases = rules["cases"].as_array().unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let mut t = tally(0, 0, 0, 0);
            for ballot in case["ballots"].as_array().unwrap() {
                let weight = U256::from(power(ballot[0].as_str().unwrap()));
                match ballot[1].as_str().unwrap() {
                    "yes" => t.yes += weight,
                    "no" => t.no += weight,
                    "abstain" => t.abstain += weight,
                    "veto" => t.no_with_veto += weight,
                    other => panic!("no vote {other}"),
                }
            }
            let name = case["name"].as_str().unwrap();
            assert_eq!(t.passes(quorum), case["succeeded"].as_bool().unwrap(), "{name}: passes");
            assert_eq!(t.vetoed(quorum), case["vetoed"].as_bool().unwrap(), "{name}: vetoed");
        }
    }

    #[test]
    fn states_and_votes_follow_the_contract_encoding() {
        assert_eq!(ProposalState::from_u8(1), Some(ProposalState::Active));
        assert_eq!(ProposalState::from_u8(7), Some(ProposalState::Executed));
        assert_eq!(ProposalState::from_u8(8), None);
        assert_eq!(Vote::from_support(3), Some(Vote::NoWithVeto));
        assert_eq!(Vote::from_support(0), Some(Vote::No));
        assert_eq!(Vote::from_support(4), None);
        let call = castVoteWithReasonCall::abi_decode(&vote_call(U256::from(9), Vote::NoWithVeto, "too risky".into()))
            .unwrap();
        assert_eq!(call.support, 3);
        assert_eq!(call.reason, "too risky");
    }

    #[test]
    fn proposal_created_decodes_and_hashes_its_description() {
        let event = ProposalCreated {
            proposalId: U256::from(77),
            proposer: address!("0000000000000000000000000000000000000001"),
            targets: vec![address!("0000000000000000000000000000000000000002")],
            values: vec![U256::from(10).pow(U256::from(18))],
            signatures: vec![String::new()],
            calldatas: vec![Bytes::new()],
            voteStart: U256::from(5),
            voteEnd: U256::from(155),
            description: "# Fund the docs\nPay the writer.".into(),
        };
        let log = Log { address: GOV, data: event.encode_log_data() };
        let p = decode_proposal_created(&log, GOV).unwrap();
        assert_eq!(p.title(), "Fund the docs");
        assert_eq!(p.description_hash(), keccak256("# Fund the docs\nPay the writer."));
        assert_eq!((p.vote_start, p.vote_end), (5, 155));
        assert!(decode_proposal_created(&log, Address::ZERO).is_none());
    }

    fn proposal(description: String) -> Proposal {
        Proposal {
            id: U256::from(1),
            proposer: Address::ZERO,
            targets: vec![],
            values: vec![],
            calldatas: vec![],
            vote_start: 0,
            vote_end: 0,
            description,
        }
    }

    #[test]
    fn descriptions_are_bound_to_their_proposer_as_the_governor_reads_them() {
        let me = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        let d = proposal_description(" Fund the docs ", "Pay the writer.\n", me);
        assert_eq!(d, "# Fund the docs\nPay the writer.\n\n#proposer=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
        // OpenZeppelin reads the last 52 bytes: the marker, then 0x and 40 hex digits.
        let tail = &d[d.len() - 52..];
        assert!(tail.starts_with("#proposer=0x"), "{tail}");
        let p = proposal(d);
        assert_eq!(p.bound_proposer(), Some(me));
        assert_eq!(p.title(), "Fund the docs");
        assert_eq!(p.body(), "Pay the writer.");

        let bare = proposal(proposal_description("Title only", "  ", me));
        assert_eq!(bare.description, "# Title only\n\n#proposer=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
        assert_eq!((bare.title(), bare.body().as_str(), bare.bound_proposer()), ("Title only", "", Some(me)));

        // Checksummed or upper-case suffixes bind too (the governor's parser takes any case).
        let checksummed = proposal(format!("# T\nbody#proposer={}", me.to_checksum(None)));
        assert_eq!(checksummed.bound_proposer(), Some(me));
        assert_eq!(checksummed.body(), "body");
        // What the governor does not enforce is not shown as bound: no 0x, too short, no marker.
        for unbound in [
            "# T\n#proposer=f39fd6e51aad88f6f4ce6ab8827279cfffb92266".to_string(),
            "# T\n#proposer=0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226".to_string(),
            "# T\n#proposed=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266".to_string(),
            "# T\n#proposer=0xg39fd6e51aad88f6f4ce6ab8827279cfffb92266".to_string(),
            "# Fund the docs\nPay the writer.".to_string(),
            "é".repeat(30),
        ] {
            assert_eq!(proposal(unbound.clone()).bound_proposer(), None, "{unbound}");
        }
        let refused = GovernorRestrictedProposer { proposer: address!("70997970C51812dc3A010C7d01b50e0d17dc79C8") };
        assert!(explain_revert(&refused.abi_encode()).unwrap().contains("only that account can submit it"));
    }

    #[test]
    fn actions_are_described_in_words() {
        let to = address!("0000000000000000000000000000000000000002");
        let one = U256::from(10).pow(U256::from(18));
        assert!(describe_action(to, one, &[], GOV).starts_with("send 1 0G to 0x"));
        let set = setProposalDepositCall { newDeposit: one * U256::from(2) }.abi_encode();
        assert_eq!(describe_action(GOV, U256::ZERO, &set, GOV), "set the proposal deposit to 2 0G");
        assert!(describe_action(to, U256::ZERO, &[0xde, 0xad, 0xbe, 0xef, 0], GOV).contains("selector 0xdeadbeef"));
        assert_eq!(
            describe_action(to, one, &[0xde, 0xad, 0xbe, 0xef, 0], GOV),
            format!("send 1 0G to {to} and call {to} (selector 0xdeadbeef, 1 bytes of arguments)")
        );
        assert_eq!(describe_action(to, U256::ZERO, &[], GOV), format!("call {to} with no data"));
        assert_eq!(
            describe_action(to, one, &set, GOV),
            format!("send 1 0G to {to} and call {to} (selector 0x{}, 32 bytes of arguments)", hex::encode(&set[..4]))
        );
        assert_eq!(action(GOV, one, &set, GOV).call, ActionCall::SetProposalDeposit(one * U256::from(2)));
    }

    #[test]
    fn reverts_are_explained() {
        let data =
            GovernorDepositTooSmall { required: U256::from(10).pow(U256::from(18)), sent: U256::ZERO }.abi_encode();
        assert!(explain_revert(&data).unwrap().contains("deposit of at least 1 0G"));
        let data =
            GovernorUnexpectedProposalState { proposalId: U256::from(1), current: 3, expectedStates: B256::ZERO }
                .abi_encode();
        assert_eq!(explain_revert(&data).unwrap(), "the proposal is Defeated now, so this step is not open");
        assert_eq!(explain_revert(&[1, 2, 3, 4]), None);
        let data =
            GovernorUnexpectedProposalState { proposalId: U256::from(1), current: 9, expectedStates: B256::ZERO }
                .abi_encode();
        assert_eq!(refusal(&data), Some(Refusal::NotOpen(None)));
        assert_eq!(explain_revert(&data).unwrap(), "the proposal is unknown now, so this step is not open");
        assert_eq!(Refusal::Data(Bytes::from_static(&[0xde, 0xad])).to_string(), "revert data 0xdead");
    }
}
