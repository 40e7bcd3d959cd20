//! The governance service the Governance page calls. Every value it returns was proven by
//! the light client: proposals come from `ProposalCreated` logs proven complete against
//! verified headers (and their count is checked against the governor's proven
//! `proposalCount`), and every state, tally, quorum and voting power is a call executed
//! locally over proven state at the verified tip.

use std::cell::RefCell;
use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use k256::ecdsa::SigningKey;
use wasm_light_client::{LogFilter, Verified};

use super::ballots::{self, Ballot};
use super::contract::{self, Proposal, ProposalState, Tally, Vote};
use crate::chain::client::{ChainClient, ChainError, Inclusion};
use crate::wallet::signer::address_of;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GovernanceError {
    #[error(
        "this network has no governance contracts; they are deployed on the local devnet (run `cargo xtask demo`)"
    )]
    NoContracts,
    #[error(transparent)]
    Chain(ChainError),
    #[error("the governor would refuse this: {0}. Nothing was sent")]
    Refused(contract::Refusal),
    #[error("not proven by the light client: {0}")]
    NotProven(String),
    #[error("{0}")]
    Input(ProposalInput),
}

/// Something the user typed for a proposal that is not what it should be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalInput {
    #[error("give the proposal a title")]
    NoTitle,
}

impl From<ChainError> for GovernanceError {
    fn from(e: ChainError) -> Self {
        match e {
            ChainError::WouldRevert(data) => {
                GovernanceError::Refused(contract::refusal(&data).unwrap_or(contract::Refusal::Data(data)))
            }
            ChainError::NotProven(why) => GovernanceError::NotProven(why),
            other => GovernanceError::Chain(other),
        }
    }
}

/// An account's voting position, proven at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Power {
    /// Wrapped 0G held.
    pub wrapped: U256,
    /// Votes it casts now: its own and what others delegated to it.
    pub votes: U256,
    /// Whom its wrapped 0G is delegated to (zero: nobody, so it counts for no one).
    pub delegate: Address,
    pub block: u64,
}

/// A proposal with everything the page shows about it, proven at `block`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalView {
    pub proposal: Proposal,
    pub state: ProposalState,
    pub tally: Tally,
    /// Votes needed in total; `None` until the snapshot block has passed.
    pub quorum: Option<U256>,
    pub my_vote: Option<Vote>,
    pub deposit: U256,
    pub deposit_settled: bool,
    /// The contract's own `isVetoed` (quorum reached and over a third NoWithVeto): what
    /// decides whether the deposit is burned. `None` until the snapshot block has passed.
    pub vetoed: Option<bool>,
    /// Unix time the timelock lets it execute, once queued.
    pub eta: Option<u64>,
    pub block: u64,
}

/// A proposal with one action: `value` 0G to `target` with `calldata`, paid by the timelock.
pub struct NewProposal {
    pub title: String,
    pub body: String,
    pub target: Address,
    pub value: U256,
    pub calldata: Bytes,
    pub deposit: U256,
}

pub struct GovernanceService {
    chain: Rc<ChainClient>,
    token: Address,
    governor: Address,
    pub timelock: Option<Address>,
    /// Proposals found so far and the block the scan reached.
    found: RefCell<(u64, Vec<Proposal>)>,
}

impl GovernanceService {
    pub fn new(chain: Rc<ChainClient>) -> Result<Self, GovernanceError> {
        let network = chain.network().clone();
        let (Some(token), Some(governor)) = (network.contracts.wrapped_zg, network.contracts.governor) else {
            return Err(GovernanceError::NoContracts);
        };
        let first_block = network.contracts_first_block();
        Ok(Self {
            chain,
            token,
            governor,
            timelock: network.contracts.timelock,
            found: RefCell::new((first_block.saturating_sub(1), Vec::new())),
        })
    }

    pub fn chain(&self) -> &ChainClient {
        &self.chain
    }

    async fn read_u256(&self, to: Address, data: Bytes, what: &str) -> Result<(U256, u64), GovernanceError> {
        let (out, block) = self.chain.read(to, data).await?;
        let value =
            contract::decode_u256(&out).ok_or_else(|| GovernanceError::NotProven(format!("{what} did not decode")))?;
        Ok((value, block))
    }

    pub async fn power(&self, account: Address) -> Result<Power, GovernanceError> {
        self.chain.sync().await?;
        let (wrapped, block) = self.read_u256(self.token, contract::balance_call(account), "balanceOf").await?;
        let (votes, _) = self.read_u256(self.token, contract::votes_call(account), "getVotes").await?;
        let (out, _) = self.chain.read(self.token, contract::delegates_call(account)).await?;
        let delegate =
            contract::decode_address(&out).ok_or(GovernanceError::NotProven("delegates did not decode".into()))?;
        Ok(Power { wrapped, votes, delegate, block })
    }

    pub async fn minimum_deposit(&self) -> Result<U256, GovernanceError> {
        Ok(self.read_u256(self.governor, contract::proposal_deposit_call(), "proposalDeposit").await?.0)
    }

    /// Every proposal, newest first, each with its proven state and tally.
    pub async fn proposals(&self, me: Address) -> Result<(Vec<ProposalView>, u64), GovernanceError> {
        self.chain.sync().await?;
        let tip = self.chain.tip().ok_or(GovernanceError::NotProven("the light client has no verified tip".into()))?;
        let (scanned, mut known) = self.found.borrow().clone();
        if scanned < tip.number() {
            let filter = LogFilter::new(self.governor).topic(0, contract::proposal_created_topic());
            match self.chain.logs(&filter, scanned + 1, tip.number()).await? {
                Verified::Proven { value, .. } => {
                    known.extend(value.iter().filter_map(|l| contract::decode_proposal_created(&l.log, self.governor)))
                }
                Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                    return Err(GovernanceError::NotProven(reason))
                }
            }
            *self.found.borrow_mut() = (tip.number(), known.clone());
        }
        // The logs are proven complete; the governor's own count must agree with them.
        let (count, _) = self.read_u256(self.governor, contract::proposal_count_call(), "proposalCount").await?;
        if count != U256::from(known.len()) {
            return Err(GovernanceError::NotProven(format!(
                "the governor counts {count} proposals but {} were found in its proven events",
                known.len()
            )));
        }
        let mut views = Vec::new();
        for proposal in known.into_iter().rev() {
            views.push(self.view(proposal, me).await?);
        }
        Ok((views, tip.number()))
    }

    async fn view(&self, proposal: Proposal, me: Address) -> Result<ProposalView, GovernanceError> {
        let id = proposal.id;
        let (out, block) = self.chain.read(self.governor, contract::state_call(id)).await?;
        let state = contract::decode_state(&out).ok_or(GovernanceError::NotProven("state did not decode".into()))?;
        let (out, _) = self.chain.read(self.governor, contract::tally_call(id)).await?;
        let tally =
            contract::decode_tally(&out).ok_or(GovernanceError::NotProven("proposalVotes did not decode".into()))?;
        // quorum(snapshot) is only defined once the snapshot block is in the past.
        let (quorum, vetoed) = if block > proposal.vote_start {
            let quorum = self.read_u256(self.governor, contract::quorum_call(proposal.vote_start), "quorum").await?.0;
            let (out, _) = self.chain.read(self.governor, contract::is_vetoed_call(id)).await?;
            let vetoed =
                contract::decode_is_vetoed(&out).ok_or(GovernanceError::NotProven("isVetoed did not decode".into()))?;
            (Some(quorum), Some(vetoed))
        } else {
            (None, None)
        };
        let (out, _) = self.chain.read(self.governor, contract::vote_of_call(id, me)).await?;
        let my_vote =
            contract::decode_vote_of(&out).ok_or(GovernanceError::NotProven("voteOf did not decode".into()))?;
        let (out, _) = self.chain.read(self.governor, contract::deposit_info_call(id)).await?;
        let (_, deposit, deposit_settled) =
            contract::decode_deposit_info(&out).ok_or(GovernanceError::NotProven("deposits did not decode".into()))?;
        let eta = if state == ProposalState::Queued {
            Some(self.read_u256(self.governor, contract::eta_call(id), "proposalEta").await?.0.saturating_to())
        } else {
            None
        };
        Ok(ProposalView { proposal, state, tally, quorum, my_vote, deposit, deposit_settled, vetoed, eta, block })
    }

    pub async fn wrap(&self, key: &SigningKey, amount: U256) -> Result<Inclusion, GovernanceError> {
        Ok(self.chain.transact(key, self.token, amount, contract::deposit_call()).await?)
    }

    pub async fn unwrap(&self, key: &SigningKey, amount: U256) -> Result<Inclusion, GovernanceError> {
        Ok(self.chain.transact(key, self.token, U256::ZERO, contract::withdraw_call(amount)).await?)
    }

    pub async fn delegate(&self, key: &SigningKey, to: Address) -> Result<Inclusion, GovernanceError> {
        Ok(self.chain.transact(key, self.token, U256::ZERO, contract::delegate_call(to)).await?)
    }

    /// Submits `proposal`, paying its deposit. Its description names the signer as the only
    /// account allowed to propose it ([`contract::proposal_description`]), so it cannot be
    /// front-run and then cancelled by whoever copied it.
    pub async fn propose(&self, key: &SigningKey, proposal: NewProposal) -> Result<Inclusion, GovernanceError> {
        if proposal.title.trim().is_empty() {
            return Err(GovernanceError::Input(ProposalInput::NoTitle));
        }
        let description = contract::proposal_description(&proposal.title, &proposal.body, address_of(key));
        let data =
            contract::propose_call(vec![proposal.target], vec![proposal.value], vec![proposal.calldata], description);
        Ok(self.chain.transact(key, self.governor, proposal.deposit, data).await?)
    }

    pub async fn vote(
        &self,
        key: &SigningKey,
        id: U256,
        vote: Vote,
        reason: &str,
    ) -> Result<Inclusion, GovernanceError> {
        let data = contract::vote_call(id, vote, reason.trim().to_string());
        Ok(self.chain.transact(key, self.governor, U256::ZERO, data).await?)
    }

    pub async fn queue(&self, key: &SigningKey, p: &Proposal) -> Result<Inclusion, GovernanceError> {
        Ok(self.chain.transact(key, self.governor, U256::ZERO, contract::queue_call(p)).await?)
    }

    pub async fn execute(&self, key: &SigningKey, p: &Proposal) -> Result<Inclusion, GovernanceError> {
        Ok(self.chain.transact(key, self.governor, U256::ZERO, contract::execute_call(p)).await?)
    }

    pub async fn settle(&self, key: &SigningKey, id: U256) -> Result<Inclusion, GovernanceError> {
        Ok(self.chain.transact(key, self.governor, U256::ZERO, contract::settle_call(id)).await?)
    }

    pub fn governor(&self) -> Address {
        self.governor
    }

    /// Who voted what on `proposal`: the last vote event of each voter, from the governor's
    /// events proven complete over the voting window up to the block the tally is read at,
    /// and refused unless they add up to that proven tally. Returns the block.
    pub async fn ballots(&self, proposal: &Proposal) -> Result<(Vec<Ballot>, u64), GovernanceError> {
        let (out, block) = self.chain.read(self.governor, contract::tally_call(proposal.id)).await?;
        let tally =
            contract::decode_tally(&out).ok_or(GovernanceError::NotProven("proposalVotes did not decode".into()))?;
        // Votes are taken after the snapshot and up to the deadline (OpenZeppelin's Governor).
        let (from, to) = (proposal.vote_start + 1, proposal.vote_end.min(block));
        let mut logs = Vec::new();
        if from <= to {
            for topic in ballots::vote_topics() {
                let filter = LogFilter::new(self.governor).topic(0, topic);
                match self.chain.logs(&filter, from, to).await? {
                    Verified::Proven { value, .. } => logs.extend(value),
                    Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
                        return Err(GovernanceError::NotProven(reason))
                    }
                }
            }
        }
        logs.sort_by_key(|l| (l.block, l.log_index));
        let list = ballots::ballots(logs.iter().map(|l| (l.block, &l.log)), self.governor, proposal.id)
            .and_then(|list| ballots::check_against(&list, &tally).map(|()| list))
            .map_err(|e| GovernanceError::NotProven(e.to_string()))?;
        Ok((list, block))
    }
}
