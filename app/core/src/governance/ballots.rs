//! Who voted what on one proposal, from the governor's vote events.
//!
//! The governor emits `VoteCast` (or `VoteCastWithParams`) for every vote, first or
//! changed (`contracts/src/governance/GovernorCountingVeto.sol`: Cosmos lets an account
//! re-vote while the proposal is active, and its whole weight moves). The light client
//! proves the events of a block range complete, so the last event of each voter is the
//! ballot that counts; [`check_against`] then holds the ballots to the tally the governor
//! keeps in storage, so a list that disagrees with the proven tally is never shown as
//! the votes.

use alloy_primitives::{Address, Log, U256};
use alloy_sol_types::SolEvent;
use thiserror::Error;
use zg_abi::governor::ZgGovernor::{VoteCast, VoteCastWithParams};

use super::contract::{Tally, Vote};

/// One account's standing vote on a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub voter: Address,
    pub vote: Vote,
    /// Voting power at the proposal's snapshot.
    pub weight: U256,
    pub reason: String,
    /// The block of the vote that stands.
    pub block: u64,
    /// The account voted more than once; only the last counts.
    pub changed: bool,
}

/// The vote events' first topics, for a log filter (the governor emits one or the other).
pub fn vote_topics() -> [alloy_primitives::B256; 2] {
    [VoteCast::SIGNATURE_HASH, VoteCastWithParams::SIGNATURE_HASH]
}

struct Cast {
    voter: Address,
    proposal: U256,
    support: u8,
    weight: U256,
    reason: String,
}

fn decode(log: &Log) -> Option<Cast> {
    if let Ok(e) = VoteCast::decode_log_data(&log.data) {
        return Some(Cast {
            voter: e.voter,
            proposal: e.proposalId,
            support: e.support,
            weight: e.weight,
            reason: e.reason,
        });
    }
    let e = VoteCastWithParams::decode_log_data(&log.data).ok()?;
    Some(Cast { voter: e.voter, proposal: e.proposalId, support: e.support, weight: e.weight, reason: e.reason })
}

/// The standing ballots on `proposal` from the governor's logs, given in chain order with
/// their blocks; heaviest first, then by address, so the list reads the same every time.
/// Logs of another contract or proposal are passed over; a vote event whose support is
/// none of the four options is refused, since the governor could not have counted it.
pub fn ballots<'a>(
    logs: impl IntoIterator<Item = (u64, &'a Log)>,
    governor: Address,
    proposal: U256,
) -> Result<Vec<Ballot>, BallotError> {
    let mut standing: Vec<Ballot> = Vec::new();
    for (block, log) in logs {
        if log.address != governor {
            continue;
        }
        let Some(cast) = decode(log) else { continue };
        if cast.proposal != proposal {
            continue;
        }
        let vote = Vote::from_support(cast.support).ok_or(BallotError::UnknownSupport(cast.support))?;
        let ballot =
            Ballot { voter: cast.voter, vote, weight: cast.weight, reason: cast.reason, block, changed: false };
        match standing.iter_mut().find(|b| b.voter == cast.voter) {
            Some(previous) => *previous = Ballot { changed: true, ..ballot },
            None => standing.push(ballot),
        }
    }
    standing.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.voter.cmp(&b.voter)));
    Ok(standing)
}

/// What the ballots add up to, option by option.
pub fn tally_of(ballots: &[Ballot]) -> Tally {
    let mut t = Tally::default();
    for b in ballots {
        let slot = match b.vote {
            Vote::Yes => &mut t.yes,
            Vote::No => &mut t.no,
            Vote::Abstain => &mut t.abstain,
            Vote::NoWithVeto => &mut t.no_with_veto,
        };
        *slot = slot.saturating_add(b.weight);
    }
    t
}

/// The ballots must add up to the governor's own tally; if they do not, some vote is
/// missing or invented and the list is not the votes.
pub fn check_against(ballots: &[Ballot], tally: &Tally) -> Result<(), BallotError> {
    let sums = tally_of(ballots);
    for vote in Vote::ALL {
        if sums.of(vote) != tally.of(vote) {
            return Err(BallotError::Disagrees { option: vote.label(), events: sums.of(vote), tally: tally.of(vote) });
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BallotError {
    #[error("a vote event carries support {0}, which is none of the four options; the governor at this address is not the one the app knows")]
    UnknownSupport(u8),
    #[error("the vote events add up to {events} for {option} but the governor's tally says {tally}; the list is not shown — refresh, or try another endpoint")]
    Disagrees { option: &'static str, events: U256, tally: U256 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, Bytes};

    const GOV: Address = address!("00000000000000000000000000000000000000aa");
    const ALICE: Address = address!("000000000000000000000000000000000000a11c");
    const BOB: Address = address!("0000000000000000000000000000000000000b0b");

    fn cast(voter: Address, id: u64, support: u8, weight: u64, reason: &str) -> Log {
        let e =
            VoteCast { voter, proposalId: U256::from(id), support, weight: U256::from(weight), reason: reason.into() };
        Log { address: GOV, data: e.encode_log_data() }
    }

    #[test]
    fn the_last_vote_of_each_voter_stands_and_the_heaviest_come_first() {
        let logs = [
            cast(ALICE, 7, 1, 10, "first"),
            cast(BOB, 7, 0, 30, ""),
            cast(ALICE, 7, 3, 10, "changed my mind"),
            cast(BOB, 8, 1, 99, "another proposal"),
        ];
        let list = ballots(logs.iter().enumerate().map(|(i, l)| (i as u64 + 1, l)), GOV, U256::from(7)).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!((list[0].voter, list[0].vote, list[0].changed), (BOB, Vote::No, false));
        assert_eq!((list[1].voter, list[1].vote, list[1].block), (ALICE, Vote::NoWithVeto, 3));
        assert!(list[1].changed);
        assert_eq!(list[1].reason, "changed my mind");
        let t = tally_of(&list);
        assert_eq!((t.no, t.no_with_veto, t.yes), (U256::from(30), U256::from(10), U256::ZERO));
    }

    #[test]
    fn votes_with_params_count_and_other_contracts_do_not() {
        let with_params = VoteCastWithParams {
            voter: ALICE,
            proposalId: U256::from(7),
            support: 2,
            weight: U256::from(5),
            reason: String::new(),
            params: Bytes::from_static(b"x"),
        };
        let mut elsewhere = cast(BOB, 7, 1, 50, "");
        elsewhere.address = address!("00000000000000000000000000000000000000bb");
        let logs = [Log { address: GOV, data: with_params.encode_log_data() }, elsewhere];
        let list = ballots(logs.iter().map(|l| (1, l)), GOV, U256::from(7)).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].voter, list[0].vote), (ALICE, Vote::Abstain));
    }

    #[test]
    fn a_support_outside_the_four_options_is_refused() {
        let logs = [cast(ALICE, 7, 4, 10, "")];
        let err = ballots(logs.iter().map(|l| (1, l)), GOV, U256::from(7)).unwrap_err();
        assert_eq!(err, BallotError::UnknownSupport(4));
    }

    #[test]
    fn ballots_must_add_up_to_the_governors_tally() {
        let logs = [cast(ALICE, 7, 1, 10, ""), cast(BOB, 7, 3, 30, "")];
        let list = ballots(logs.iter().map(|l| (1, l)), GOV, U256::from(7)).unwrap();
        let tally = Tally { yes: U256::from(10), no_with_veto: U256::from(30), ..Tally::default() };
        assert_eq!(check_against(&list, &tally), Ok(()));
        // A vote left out of the list (or one the tally never counted) is caught.
        let short = &list[..1];
        let err = check_against(short, &tally).unwrap_err();
        assert!(matches!(err, BallotError::Disagrees { option: "Yes", .. }), "{err:?}");
        assert!(err.to_string().contains("not shown"), "{err}");
    }
}
