//! What deploying a set of contracts takes, transaction by transaction. Pure: the service
//! (`service.rs`) sends each step and feeds the addresses it proved back in.
//!
//! Agents: the handover verifier, then the agent NFT naming it. Governance: Wrapped 0G,
//! the timelock (the deployer its admin for the wiring only), the governor over both, then
//! the timelock's roles — the governor alone proposes and cancels, anyone executes what it
//! queued — and the deployer gives the admin role up, so nobody but governance controls it
//! (the order `zg-devnet` deploys them in, `devnet/src/deploy.rs`).

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolValue};

use super::shipped::{Kind, Shipped};
use crate::chain::addresses::{AddressOverrides, ContractRole};

use zg_abi::timelock::ZgTimelock::{grantRoleCall, renounceRoleCall};

/// A set of contracts a page needs and offers to deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    Agents,
    Governance,
}

impl Suite {
    pub fn label(self) -> &'static str {
        match self {
            Suite::Agents => "the agent contracts",
            Suite::Governance => "the governance contracts",
        }
    }

    /// The steps, in order.
    pub fn steps(self) -> &'static [StepKind] {
        match self {
            Suite::Agents => &[StepKind::Create(Kind::SignatureVerifier), StepKind::Create(Kind::AgentNft)],
            Suite::Governance => &[
                StepKind::Create(Kind::WrappedZg),
                StepKind::Create(Kind::Timelock),
                StepKind::Create(Kind::Governor),
                StepKind::GrantProposer,
                StepKind::GrantCanceller,
                StepKind::RenounceAdmin,
            ],
        }
    }

    /// The contracts the suite creates.
    pub fn kinds(self) -> impl Iterator<Item = Kind> {
        self.steps().iter().filter_map(|s| match s {
            StepKind::Create(kind) => Some(*kind),
            _ => None,
        })
    }

    /// The addresses the app keeps for the network once the suite is deployed (the
    /// verifier is not kept: the agent NFT names it, and it is read from there).
    pub fn overrides(self, deployed: &BTreeMap<Kind, Address>) -> AddressOverrides {
        let mut overrides = AddressOverrides::default();
        for kind in self.kinds() {
            if let (Some(role), Some(address)) = (role_of(kind), deployed.get(&kind)) {
                overrides.insert(role, *address);
            }
        }
        overrides
    }
}

/// The contract role a deployed kind fills in the app, if it is one the app calls.
pub fn role_of(kind: Kind) -> Option<ContractRole> {
    match kind {
        Kind::SignatureVerifier => None,
        Kind::AgentNft => Some(ContractRole::AgentNft),
        Kind::WrappedZg => Some(ContractRole::WrappedZg),
        Kind::Timelock => Some(ContractRole::Timelock),
        Kind::Governor => Some(ContractRole::Governor),
        Kind::Flow => Some(ContractRole::Flow),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    Create(Kind),
    GrantProposer,
    GrantCanceller,
    RenounceAdmin,
}

impl StepKind {
    /// What the step does, as the progress line and its errors name it (in English; the
    /// app shows it in the user's language).
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Create(kind) => kind.label(),
            StepKind::GrantProposer => "lets the governor propose to the timelock",
            StepKind::GrantCanceller => "lets the governor cancel in the timelock",
            StepKind::RenounceAdmin => "gives up your admin role over the timelock, leaving it to governance",
        }
    }

    /// The step a [`Self::label`] names (deployments report their steps by label).
    pub fn from_label(label: &str) -> Option<StepKind> {
        Kind::ALL
            .into_iter()
            .map(StepKind::Create)
            .chain([StepKind::GrantProposer, StepKind::GrantCanceller, StepKind::RenounceAdmin])
            .find(|step| step.label() == label)
    }

    /// Whether the step can be simulated before the deployment starts. The governor's
    /// constructor asks its token for the clock (OpenZeppelin's quorum history), and the
    /// role calls go to the timelock: neither exists until the earlier steps ran.
    pub fn simulable_first(self) -> bool {
        matches!(self, StepKind::Create(kind) if kind != Kind::Governor)
    }
}

/// Gas for a step that cannot be simulated in advance, from what it is: a role change as
/// measured on the devnet (51,000–54,000), a creation from its size — the transaction's
/// base and creation cost, its calldata, 200 per byte of code stored — plus an allowance
/// for the constructor's own work. Only for the estimate shown before the user starts;
/// each transaction is simulated on proven state before it is signed.
pub fn gas_guess(step: &Step, shipped: &Shipped) -> u64 {
    const ROLE_CALL: u64 = 60_000;
    const CONSTRUCTOR_ALLOWANCE: u64 = 500_000;
    match step {
        Step::Call { .. } => ROLE_CALL,
        Step::Create { kind, code } => {
            let calldata: u64 = code.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum();
            53_000 + calldata + 200 * shipped.get(*kind).runtime.len() as u64 + CONSTRUCTOR_ALLOWANCE
        }
    }
}

/// The governor's settings, chosen by whoever deploys it (then changeable only by a vote).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GovernanceParams {
    /// Blocks between a proposal and the start of its vote.
    pub voting_delay_blocks: u64,
    /// Blocks a vote stays open.
    pub voting_period_blocks: u64,
    /// Quorum, per mille of the voting supply at the snapshot (334 = 33.4%, as Cosmos).
    pub quorum_per_mille: u64,
    /// Native 0G a proposer deposits (returned unless vetoed).
    pub proposal_deposit: U256,
    /// Seconds a passed proposal waits in the timelock before it can run.
    pub timelock_delay_secs: u64,
}

impl Default for GovernanceParams {
    /// The devnet's settings: a vote of 150 blocks (a minute at 0G's 0.4 s blocks).
    fn default() -> Self {
        GovernanceParams {
            voting_delay_blocks: 1,
            voting_period_blocks: 150,
            quorum_per_mille: 334,
            proposal_deposit: U256::from(10u64).pow(U256::from(18u64)),
            timelock_delay_secs: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamsError {
    #[error("the voting period must be at least 10 blocks (4 seconds at 0.4 s blocks) and at most 2^32 − 1")]
    VotingPeriod,
    #[error("the voting delay must be at most 2^48 − 1 blocks")]
    VotingDelay,
    #[error("the quorum must be between 1 and 1000 per mille")]
    Quorum,
}

impl GovernanceParams {
    /// The governor's own bounds (uint32 period, uint48 delay; OpenZeppelin refuses a zero
    /// period) and a quorum that can be met.
    pub fn check(&self) -> Result<(), ParamsError> {
        if !(10..=u64::from(u32::MAX)).contains(&self.voting_period_blocks) {
            return Err(ParamsError::VotingPeriod);
        }
        if self.voting_delay_blocks >= 1 << 48 {
            return Err(ParamsError::VotingDelay);
        }
        if !(1..=1000).contains(&self.quorum_per_mille) {
            return Err(ParamsError::Quorum);
        }
        Ok(())
    }
}

/// One transaction of a deployment, ready to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Create `kind` with this code (creation code and constructor arguments).
    Create { kind: Kind, code: Bytes },
    /// Call a contract created earlier in the deployment.
    Call { target: Kind, what: &'static str, data: Bytes },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} must be deployed first")]
pub struct NotYet(&'static str);

fn role(name: &str) -> B256 {
    keccak256(name)
}

/// The transaction for `step`, given what was deployed before it.
pub fn resolve(
    step: StepKind,
    shipped: &Shipped,
    params: &GovernanceParams,
    deployer: Address,
    deployed: &BTreeMap<Kind, Address>,
) -> Result<Step, NotYet> {
    let at = |kind: Kind| deployed.get(&kind).copied().ok_or(NotYet(kind.label()));
    let create = |kind: Kind, args: Vec<u8>| Step::Create { kind, code: shipped.get(kind).creation_with(&args) };
    Ok(match step {
        StepKind::Create(Kind::SignatureVerifier) => create(Kind::SignatureVerifier, vec![]),
        StepKind::Create(Kind::AgentNft) => create(Kind::AgentNft, at(Kind::SignatureVerifier)?.abi_encode()),
        StepKind::Create(Kind::WrappedZg) => create(Kind::WrappedZg, vec![]),
        StepKind::Create(Kind::Flow) => unreachable!("no suite deploys a storage Flow"),
        StepKind::Create(Kind::Timelock) => {
            create(Kind::Timelock, (U256::from(params.timelock_delay_secs), deployer).abi_encode_params())
        }
        StepKind::Create(Kind::Governor) => create(
            Kind::Governor,
            (
                at(Kind::WrappedZg)?,
                at(Kind::Timelock)?,
                U256::from(params.voting_delay_blocks),
                U256::from(params.voting_period_blocks),
                U256::from(params.quorum_per_mille),
                params.proposal_deposit,
            )
                .abi_encode_params(),
        ),
        StepKind::GrantProposer | StepKind::GrantCanceller => {
            let name = if step == StepKind::GrantProposer { "PROPOSER_ROLE" } else { "CANCELLER_ROLE" };
            let account = at(Kind::Governor)?;
            at(Kind::Timelock)?;
            Step::Call {
                target: Kind::Timelock,
                what: step.label(),
                data: grantRoleCall { role: role(name), account }.abi_encode().into(),
            }
        }
        StepKind::RenounceAdmin => {
            at(Kind::Governor)?;
            at(Kind::Timelock)?;
            Step::Call {
                target: Kind::Timelock,
                what: step.label(),
                data: renounceRoleCall { role: B256::ZERO, callerConfirmation: deployer }.abi_encode().into(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::shipped::tests::bundle;

    #[test]
    fn each_step_waits_for_the_contracts_it_names_and_the_whole_order_resolves() {
        let shipped = bundle();
        let params = GovernanceParams::default();
        let me = Address::repeat_byte(0x11);
        let none = BTreeMap::new();
        let refused = |step| resolve(step, &shipped, &params, me, &none).unwrap_err();
        assert_eq!(refused(StepKind::Create(Kind::AgentNft)), NotYet(Kind::SignatureVerifier.label()));
        assert_eq!(refused(StepKind::Create(Kind::Governor)), NotYet(Kind::WrappedZg.label()));
        assert_eq!(refused(StepKind::GrantProposer), NotYet(Kind::Governor.label()));
        assert_eq!(refused(StepKind::RenounceAdmin), NotYet(Kind::Governor.label()));
        // In order, with each created contract recorded, every step resolves.
        for suite in [Suite::Agents, Suite::Governance] {
            let mut deployed = BTreeMap::new();
            for (i, step) in suite.steps().iter().enumerate() {
                if let Step::Create { kind, code } = resolve(*step, &shipped, &params, me, &deployed).unwrap() {
                    assert!(code.starts_with(&shipped.get(kind).creation));
                    deployed.insert(kind, Address::repeat_byte(0xa0 + i as u8));
                }
            }
            assert_eq!(deployed.len(), suite.kinds().count());
        }
    }

    #[test]
    fn constructor_arguments_are_the_abi_encoding_of_what_the_contracts_take() {
        let shipped = bundle();
        let params = GovernanceParams::default();
        let me = Address::repeat_byte(0x11);
        let (token, timelock, verifier) = (Address::repeat_byte(1), Address::repeat_byte(2), Address::repeat_byte(3));
        let deployed =
            BTreeMap::from([(Kind::WrappedZg, token), (Kind::Timelock, timelock), (Kind::SignatureVerifier, verifier)]);
        let args = |step| match resolve(step, &shipped, &params, me, &deployed).unwrap() {
            Step::Create { kind, code } => code[shipped.get(kind).creation.len()..].to_vec(),
            other => panic!("{other:?}"),
        };
        let governor = args(StepKind::Create(Kind::Governor));
        assert_eq!(governor.len(), 6 * 32);
        assert_eq!(&governor[12..32], token.as_slice());
        assert_eq!(&governor[44..64], timelock.as_slice());
        assert_eq!(U256::from_be_slice(&governor[96..128]), U256::from(150u64));
        assert_eq!(U256::from_be_slice(&governor[160..192]), U256::from(10u64).pow(U256::from(18u64)));
        let lock = args(StepKind::Create(Kind::Timelock));
        assert_eq!((U256::from_be_slice(&lock[..32]), &lock[44..64]), (U256::from(10u64), me.as_slice()));
        assert_eq!(&args(StepKind::Create(Kind::AgentNft))[12..], verifier.as_slice());
        assert!(args(StepKind::Create(Kind::WrappedZg)).is_empty());
    }

    #[test]
    fn the_timelock_is_left_to_the_governor_alone() {
        let shipped = bundle();
        let me = Address::repeat_byte(0x11);
        let gov = Address::repeat_byte(0x60);
        let deployed = BTreeMap::from([(Kind::Governor, gov), (Kind::Timelock, Address::repeat_byte(0x70))]);
        let call = |s| match resolve(s, &shipped, &GovernanceParams::default(), me, &deployed).unwrap() {
            Step::Call { target: Kind::Timelock, data, .. } => data,
            other => panic!("{other:?}"),
        };
        let grant = grantRoleCall::abi_decode(&call(StepKind::GrantProposer)).unwrap();
        assert_eq!((grant.role, grant.account), (keccak256("PROPOSER_ROLE"), gov));
        let grant = grantRoleCall::abi_decode(&call(StepKind::GrantCanceller)).unwrap();
        assert_eq!((grant.role, grant.account), (keccak256("CANCELLER_ROLE"), gov));
        let renounce = renounceRoleCall::abi_decode(&call(StepKind::RenounceAdmin)).unwrap();
        assert_eq!((renounce.role, renounce.callerConfirmation), (B256::ZERO, me));
    }

    #[test]
    fn every_step_is_found_again_by_its_label() {
        let shipped = bundle();
        let me = Address::repeat_byte(0x11);
        let mut deployed = BTreeMap::new();
        for (i, step) in Suite::Governance.steps().iter().enumerate() {
            assert_eq!(StepKind::from_label(step.label()), Some(*step));
            // The label a deployment reports for the step is this one.
            match resolve(*step, &shipped, &GovernanceParams::default(), me, &deployed).unwrap() {
                Step::Create { kind, .. } => {
                    assert_eq!(kind.label(), step.label());
                    deployed.insert(kind, Address::repeat_byte(0xa0 + i as u8));
                }
                Step::Call { what, .. } => assert_eq!(what, step.label()),
            }
        }
        for kind in Kind::ALL {
            assert_eq!(StepKind::from_label(kind.label()), Some(StepKind::Create(kind)));
        }
        assert_eq!(StepKind::from_label("something new"), None);
    }

    #[test]
    fn the_saved_addresses_are_the_roles_the_app_calls() {
        let deployed = BTreeMap::from([
            (Kind::SignatureVerifier, Address::repeat_byte(1)),
            (Kind::AgentNft, Address::repeat_byte(2)),
        ]);
        let saved = Suite::Agents.overrides(&deployed);
        assert_eq!(saved.get(ContractRole::AgentNft), Some(Address::repeat_byte(2)));
        assert_eq!(ContractRole::ALL.iter().filter(|r| saved.get(**r).is_some()).count(), 1);
    }

    #[test]
    fn steps_that_need_earlier_ones_are_guessed_from_their_size() {
        let shipped = bundle();
        let simulable: Vec<_> = Suite::Governance.steps().iter().map(|s| s.simulable_first()).collect();
        assert_eq!(simulable, [true, true, false, false, false, false]);
        assert!(Suite::Agents.steps().iter().all(|s| s.simulable_first()));
        let deployed =
            BTreeMap::from([(Kind::WrappedZg, Address::repeat_byte(1)), (Kind::Timelock, Address::repeat_byte(2))]);
        let me = Address::repeat_byte(0x11);
        let governor =
            resolve(StepKind::Create(Kind::Governor), &shipped, &GovernanceParams::default(), me, &deployed).unwrap();
        // Storing the governor's code alone costs 200 gas a byte.
        let stored = 200 * shipped.get(Kind::Governor).runtime.len() as u64;
        assert!(gas_guess(&governor, &shipped) > stored + 53_000);
        let call = Step::Call { target: Kind::Timelock, what: "", data: Bytes::new() };
        assert_eq!(gas_guess(&call, &shipped), 60_000);
    }

    #[test]
    fn governance_settings_are_held_to_the_governors_bounds() {
        let ok = GovernanceParams::default();
        assert_eq!(ok.check(), Ok(()));
        assert_eq!(GovernanceParams { voting_period_blocks: 0, ..ok }.check(), Err(ParamsError::VotingPeriod));
        assert_eq!(GovernanceParams { voting_period_blocks: 1 << 32, ..ok }.check(), Err(ParamsError::VotingPeriod));
        assert_eq!(GovernanceParams { quorum_per_mille: 1001, ..ok }.check(), Err(ParamsError::Quorum));
        assert_eq!(GovernanceParams { voting_delay_blocks: 1 << 48, ..ok }.check(), Err(ParamsError::VotingDelay));
    }
}
