//! The governor, its vote counting and its timelock (contracts/src/governance/), as
//! zg-devnet deploys them over wrapped 0G on a real anvil: every tally rule at its exact
//! threshold, deposits returned and burned, votes read at the snapshot and changed, and
//! timelocked execution.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolValue};
use common::{decode_logs, rpc, Devnet};
use serde_json::{json, Value};
use zg_abi::governor::ZgGovernor as IGovernor;
use zg_abi::timelock::ZgTimelock as ITimelock;
use zg_abi::wrapped_zg::WrappedZG as IToken;

/// anvil's dev accounts #1–#6 ("test test … junk"); #0 is the faucet's, #9 the deployer's.
const ACCOUNTS: [&str; 6] = [
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
    "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
];
const DEPLOYER: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const BURN: &str = "0x000000000000000000000000000000000000dEaD";
const ONE_0G: u128 = 1_000_000_000_000_000_000;

const NO: u8 = 0;
const YES: u8 = 1;
const ABSTAIN: u8 = 2;
const VETO: u8 = 3;

// ProposalState, as OpenZeppelin numbers it.
const PENDING: u8 = 0;
const ACTIVE: u8 = 1;
const DEFEATED: u8 = 3;
const SUCCEEDED: u8 = 4;
const QUEUED: u8 = 5;
const EXECUTED: u8 = 7;

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

fn quantity(v: &Value) -> u128 {
    u128::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn addr(s: &str) -> Address {
    s.parse().unwrap()
}

fn og(n: u128) -> U256 {
    U256::from(n * ONE_0G)
}

/// One proposal: its actions and description, as `queue`/`execute` need them again.
#[derive(Clone)]
struct Proposal {
    id: U256,
    targets: Vec<Address>,
    values: Vec<U256>,
    calldatas: Vec<Bytes>,
    description: String,
}

impl Proposal {
    fn description_hash(&self) -> B256 {
        keccak256(self.description.as_bytes())
    }
}

struct Gov<'a> {
    devnet: &'a Devnet,
    governor: Address,
    timelock: Address,
    token: Address,
}

impl<'a> Gov<'a> {
    fn new(devnet: &'a Devnet) -> Gov<'a> {
        let c = &devnet.ready["contracts"];
        let gov = Gov {
            devnet,
            governor: c["governor"].as_str().unwrap().parse().unwrap(),
            timelock: c["timelock"].as_str().unwrap().parse().unwrap(),
            token: c["wrappedZG"].as_str().unwrap().parse().unwrap(),
        };
        assert_eq!(gov.view(gov.governor, IGovernor::timelockCall {}), gov.timelock);
        assert_eq!(gov.view(gov.governor, IGovernor::tokenCall {}), gov.token);
        gov
    }

    /// Sends a transaction from an unlocked dev account; returns the successful receipt.
    fn send(&self, from: &str, to: Address, data: &[u8], value: U256) -> Value {
        self.devnet.transact(from, to, data, value)
    }

    fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        self.devnet.view(to, call)
    }

    /// A view call on the state (and clock) of block `at`.
    fn view_at<C: SolCall>(&self, to: Address, call: C, at: &str) -> C::Return {
        self.devnet.view_at(to, call, at)
    }

    /// The error a call would revert with (anvil executes it exactly as a transaction).
    fn reverts<E: SolError>(&self, from: &str, to: Address, data: &[u8], value: U256) -> E {
        let tx = json!({"from": from, "to": to, "data": hex(data), "value": format!("0x{value:x}")});
        let error = rpc(&self.devnet.rpc_url, "eth_call", json!([tx, "latest"])).expect_err("the call did not revert");
        let bytes = common::revert_bytes(&error).unwrap_or_else(|| panic!("no revert data in {error}"));
        E::abi_decode(&bytes).unwrap_or_else(|_| panic!("expected {}, got {error}", E::SIGNATURE))
    }

    fn mine(&self, blocks: u64) {
        self.devnet.rpc("anvil_mine", json!([format!("0x{blocks:x}")]));
    }

    fn block_number(&self) -> u64 {
        quantity(&self.devnet.rpc("eth_blockNumber", json!([]))) as u64
    }

    fn balance(&self, who: &str) -> U256 {
        U256::from(self.devnet.balance(who, "latest"))
    }

    /// Wraps `amount` 0G for `who` and delegates its votes to itself.
    fn wrap_and_self_delegate(&self, who: &str, amount: U256) {
        self.send(who, self.token, &IToken::depositCall {}.abi_encode(), amount);
        self.send(who, self.token, &IToken::delegateCall { delegatee: addr(who) }.abi_encode(), U256::ZERO);
    }

    fn propose_call(&self, targets: &[Address], values: &[U256], calldatas: &[Bytes], description: &str) -> Vec<u8> {
        IGovernor::proposeWithDepositCall {
            targets: targets.to_vec(),
            values: values.to_vec(),
            calldatas: calldatas.to_vec(),
            description: description.into(),
        }
        .abi_encode()
    }

    /// A proposal with `actions`, paying the minimum deposit.
    fn propose(&self, from: &str, description: &str, actions: &[(Address, U256, Bytes)]) -> Proposal {
        let targets: Vec<Address> = actions.iter().map(|a| a.0).collect();
        let values: Vec<U256> = actions.iter().map(|a| a.1).collect();
        let calldatas: Vec<Bytes> = actions.iter().map(|a| a.2.clone()).collect();
        let deposit = self.view(self.governor, IGovernor::proposalDepositCall {});
        let receipt =
            self.send(from, self.governor, &self.propose_call(&targets, &values, &calldatas, description), deposit);
        let paid = decode_logs::<IGovernor::DepositPaid>(&receipt, self.governor);
        assert_eq!(paid.len(), 1, "one DepositPaid event");
        assert_eq!((paid[0].depositor, paid[0].amount), (addr(from), deposit));
        Proposal { id: paid[0].proposalId, targets, values, calldatas, description: description.into() }
    }

    /// A proposal whose one action is harmless: the timelock pays itself nothing.
    fn propose_noop(&self, from: &str, description: &str) -> Proposal {
        self.propose(from, description, &[(self.timelock, U256::ZERO, Bytes::new())])
    }

    fn vote(&self, voter: &str, proposal: &Proposal, support: u8) -> Value {
        let call = IGovernor::castVoteCall { proposalId: proposal.id, support };
        self.send(voter, self.governor, &call.abi_encode(), U256::ZERO)
    }

    fn state(&self, proposal: &Proposal) -> u8 {
        self.view(self.governor, IGovernor::stateCall { proposalId: proposal.id })
    }

    fn tally(&self, proposal: &Proposal) -> [U256; 4] {
        let t = self.view(self.governor, IGovernor::proposalVotesCall { proposalId: proposal.id });
        [t.noVotes, t.yesVotes, t.abstainVotes, t.noWithVetoVotes]
    }

    /// Mines until every proposal in `proposals` accepts votes.
    fn mine_until_active(&self, proposals: &[&Proposal]) {
        let snapshot = proposals
            .iter()
            .map(|p| self.view(self.governor, IGovernor::proposalSnapshotCall { proposalId: p.id }).to::<u64>())
            .max()
            .unwrap();
        let now = self.block_number();
        if now <= snapshot {
            self.mine(snapshot + 1 - now);
        }
        for p in proposals {
            assert_eq!(self.state(p), ACTIVE);
        }
    }

    /// Mines past the deadline of every proposal in `proposals`.
    fn mine_past_deadline(&self, proposals: &[&Proposal]) {
        let deadline = proposals
            .iter()
            .map(|p| self.view(self.governor, IGovernor::proposalDeadlineCall { proposalId: p.id }).to::<u64>())
            .max()
            .unwrap();
        let now = self.block_number();
        if now <= deadline {
            self.mine(deadline + 1 - now);
        }
    }

    fn settle(&self, from: &str, proposal: &Proposal) -> Value {
        let call = IGovernor::settleDepositCall { proposalId: proposal.id };
        self.send(from, self.governor, &call.abi_encode(), U256::ZERO)
    }

    fn queue(&self, proposal: &Proposal) -> Vec<u8> {
        IGovernor::queueCall {
            targets: proposal.targets.clone(),
            values: proposal.values.clone(),
            calldatas: proposal.calldatas.clone(),
            descriptionHash: proposal.description_hash(),
        }
        .abi_encode()
    }

    fn execute(&self, proposal: &Proposal) -> Vec<u8> {
        IGovernor::executeCall {
            targets: proposal.targets.clone(),
            values: proposal.values.clone(),
            calldatas: proposal.calldatas.clone(),
            descriptionHash: proposal.description_hash(),
        }
        .abi_encode()
    }
}

#[test]
fn tallies_follow_cosmos_rules_at_their_exact_thresholds_and_vetoes_burn_the_deposit() {
    let devnet = Devnet::start();
    let gov = Gov::new(&devnet);
    let [a, b, c, e, f, proposer] = ACCOUNTS;

    // The deployment: Cosmos' 33.4% quorum in per mille, devnet-short periods.
    // `_1`: the overload without arguments (solc lists the one taking a timepoint first).
    assert_eq!(gov.view(gov.governor, IGovernor::quorumNumerator_1Call {}), U256::from(334));
    assert_eq!(gov.view(gov.governor, IGovernor::quorumDenominatorCall {}), U256::from(1000));
    assert_eq!(gov.view(gov.governor, IGovernor::votingDelayCall {}), U256::from(1));
    assert_eq!(gov.view(gov.governor, IGovernor::votingPeriodCall {}), U256::from(150));
    assert_eq!(gov.view(gov.governor, IGovernor::proposalDepositCall {}), og(1));
    assert_eq!(gov.view(gov.governor, IGovernor::BURN_ADDRESSCall {}), addr(BURN));
    assert_eq!(
        gov.view(gov.governor, IGovernor::COUNTING_MODECall {}),
        "support=bravo,veto&quorum=for,against,abstain,veto"
    );

    // Voting power: a 200, b 100, c 100, e 50, f 50; supply 500, so quorum is 167.
    assert_eq!(gov.view(gov.token, IToken::totalSupplyCall {}), U256::ZERO, "nothing wrapped at start-up");
    for (who, amount) in [(a, 200), (b, 100), (c, 100), (e, 50), (f, 50)] {
        gov.wrap_and_self_delegate(who, og(amount));
    }
    gov.mine(1);

    // Every case of the shared rule table (tests/fixtures/tally_rules.json, which the app's
    // own preview rule is also held to) as one proposal, voted as the table says.
    let rules: Value = serde_json::from_str(include_str!("fixtures/tally_rules.json")).unwrap();
    let voter = |name: &str| match name {
        "a" => a,
        "b" => b,
        "c" => c,
        "e" => e,
        "f" => f,
        other => panic!("no voter {other}"),
    };
    let support = |vote: &str| match vote {
        "yes" => YES,
        "no" => NO,
        "abstain" => ABSTAIN,
        "veto" => VETO,
        other => panic!("no vote {other}"),
    };
    for (name, power) in rules["power"].as_object().unwrap() {
        let wrapped = gov.view(gov.token, IToken::getVotesCall { account: addr(voter(name)) });
        assert_eq!(wrapped, og(power.as_u64().unwrap().into()), "the table's power for {name}");
    }
    let cases: Vec<(Proposal, &Value)> = rules["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| (gov.propose_noop(proposer, case["name"].as_str().unwrap()), case))
        .collect();
    let all: Vec<&Proposal> = cases.iter().map(|(p, _)| p).collect();
    let named = |name: &str| &cases.iter().find(|(p, _)| p.description.starts_with(name)).unwrap().0;
    let snapshot = gov.view(gov.governor, IGovernor::proposalSnapshotCall { proposalId: all[0].id });
    let at_snapshot = format!("0x{snapshot:x}");
    let state_then = gov.view_at(gov.governor, IGovernor::stateCall { proposalId: all[0].id }, &at_snapshot);
    assert_eq!(state_then, PENDING, "no votes at the snapshot block itself");
    gov.mine_until_active(&all);
    let quorum = rules["quorum"].as_u64().unwrap();
    assert_eq!(gov.view(gov.governor, IGovernor::quorumCall { timepoint: snapshot }), og(quorum.into()));

    for (proposal, case) in &cases {
        for ballot in case["ballots"].as_array().unwrap() {
            let (who, vote) = (voter(ballot[0].as_str().unwrap()), support(ballot[1].as_str().unwrap()));
            let receipt = gov.vote(who, proposal, vote);
            let cast = decode_logs::<IGovernor::VoteCast>(&receipt, gov.governor);
            assert_eq!((cast[0].voter, cast[0].support), (addr(who), vote));
        }
    }
    let half = named("yes exactly half");
    let vetoed = named("vetoed:");
    assert_eq!(gov.tally(half), [og(50), og(100), U256::ZERO, og(50)]);
    assert_eq!(gov.tally(vetoed), [U256::ZERO, og(200), U256::ZERO, og(150)]);
    gov.mine_past_deadline(&all);

    let expect: Vec<(&Proposal, u8, bool)> = cases
        .iter()
        .map(|(p, case)| {
            let state = if case["succeeded"].as_bool().unwrap() { SUCCEEDED } else { DEFEATED };
            (p, state, case["vetoed"].as_bool().unwrap())
        })
        .collect();
    for &(proposal, state, is_vetoed) in &expect {
        assert_eq!(gov.state(proposal), state, "{}", proposal.description);
        let got = gov.view(gov.governor, IGovernor::isVetoedCall { proposalId: proposal.id });
        assert_eq!(got, is_vetoed, "{}", proposal.description);
    }

    // Deposits: anyone settles; the proposer gets every deposit back but the vetoed one,
    // which goes to the burn address.
    let settler = e;
    let burned_before = gov.balance(BURN);
    let proposer_before = gov.balance(proposer);
    let governor_before = gov.balance(&gov.governor.to_string());
    for &(proposal, _, is_vetoed) in &expect {
        let receipt = gov.settle(settler, proposal);
        if is_vetoed {
            let burned = decode_logs::<IGovernor::DepositBurned>(&receipt, gov.governor);
            assert_eq!((burned[0].proposalId, burned[0].amount), (proposal.id, og(1)));
        } else {
            let refunded = decode_logs::<IGovernor::DepositRefunded>(&receipt, gov.governor);
            assert_eq!((refunded[0].depositor, refunded[0].amount), (addr(proposer), og(1)));
        }
        let d = gov.view(gov.governor, IGovernor::depositsCall { proposalId: proposal.id });
        assert!(d.settled);
    }
    assert_eq!(gov.balance(BURN) - burned_before, og(1), "the vetoed deposit was burned");
    let refunded = expect.iter().filter(|(_, _, v)| !v).count() as u128;
    assert_eq!(gov.balance(proposer) - proposer_before, og(refunded), "every other deposit came back");
    assert_eq!(governor_before - gov.balance(&gov.governor.to_string()), og(expect.len() as u128));
    assert_eq!(gov.view(gov.governor, IGovernor::totalBurnedCall {}), og(1));
    let again = IGovernor::settleDepositCall { proposalId: vetoed.id }.abi_encode();
    let e2 = gov.reverts::<IGovernor::GovernorDepositAlreadySettled>(settler, gov.governor, &again, U256::ZERO);
    assert_eq!(e2.proposalId, vetoed.id);

    // Enumerable, in creation order, and each tally sits where TALLIES_SLOT says.
    assert_eq!(gov.view(gov.governor, IGovernor::proposalCountCall {}), U256::from(all.len()));
    for (i, p) in all.iter().enumerate() {
        assert_eq!(gov.view(gov.governor, IGovernor::proposalIdAtCall { index: U256::from(i) }), p.id);
    }
    let base = gov.view(gov.governor, IGovernor::TALLIES_SLOTCall {});
    assert_eq!(base, keccak256("zg-console.governor.tallies"));
    let first = U256::from_be_bytes(keccak256((vetoed.id, base).abi_encode()).0);
    for (k, expected) in gov.tally(vetoed).into_iter().enumerate() {
        let slot = B256::from(first + U256::from(k));
        let word = devnet.rpc("eth_getStorageAt", json!([gov.governor, slot, "latest"]));
        assert_eq!(word.as_str().unwrap().parse::<U256>().unwrap(), expected, "tally slot +{k}");
    }
}

#[test]
fn votes_count_at_the_snapshot_and_can_change_while_voting() {
    let devnet = Devnet::start();
    let gov = Gov::new(&devnet);
    let [a, b, c, d, _, proposer] = ACCOUNTS;

    // a 100, b 60, c 40: supply 200, quorum 66.8. b hands its votes to a before the snapshot.
    gov.wrap_and_self_delegate(a, og(100));
    gov.wrap_and_self_delegate(b, og(60));
    gov.wrap_and_self_delegate(c, og(40));
    gov.send(b, gov.token, &IToken::delegateCall { delegatee: addr(a) }.abi_encode(), U256::ZERO);
    gov.mine(1);
    let p = gov.propose_noop(proposer, "snapshot and re-voting");
    gov.mine_until_active(&[&p]);
    let snapshot = gov.view(gov.governor, IGovernor::proposalSnapshotCall { proposalId: p.id });
    assert_eq!(
        gov.view(gov.governor, IGovernor::quorumCall { timepoint: snapshot }),
        U256::from(668) * og(1) / U256::from(10)
    );

    // After the snapshot: c delegates to a, and d wraps 1000 0G. Neither changes the vote.
    gov.send(c, gov.token, &IToken::delegateCall { delegatee: addr(a) }.abi_encode(), U256::ZERO);
    gov.wrap_and_self_delegate(d, og(1000));
    assert_eq!(gov.view(gov.token, IToken::getVotesCall { account: addr(a) }), og(200));
    assert_eq!(
        gov.view(gov.governor, IGovernor::quorumCall { timepoint: snapshot }),
        U256::from(668) * og(1) / U256::from(10)
    );

    let weight = |receipt: &Value| decode_logs::<IGovernor::VoteCast>(receipt, gov.governor)[0].weight;
    assert_eq!(weight(&gov.vote(a, &p, YES)), og(160), "a's own 100 and b's 60, as at the snapshot");
    assert_eq!(weight(&gov.vote(b, &p, NO)), U256::ZERO, "b had delegated away before the snapshot");
    assert_eq!(weight(&gov.vote(c, &p, NO)), og(40), "c still held its 40 at the snapshot");
    assert_eq!(weight(&gov.vote(d, &p, VETO)), U256::ZERO, "d wrapped after the snapshot");
    assert_eq!(gov.tally(&p), [og(40), og(160), U256::ZERO, U256::ZERO]);

    // a changes its mind twice: the weight moves, it is never counted twice.
    let receipt = gov.vote(a, &p, VETO);
    let changed = decode_logs::<IGovernor::VoteChanged>(&receipt, gov.governor);
    assert_eq!((changed[0].previousSupport, changed[0].support, changed[0].weight), (YES, VETO, og(160)));
    assert_eq!(gov.tally(&p), [og(40), U256::ZERO, U256::ZERO, og(160)]);
    assert!(gov.view(gov.governor, IGovernor::isVetoedCall { proposalId: p.id }), "vetoed so far");
    gov.vote(c, &p, YES);
    gov.vote(a, &p, YES);
    assert_eq!(gov.tally(&p), [U256::ZERO, og(200), U256::ZERO, U256::ZERO]);
    let ballot = gov.view(gov.governor, IGovernor::voteOfCall { proposalId: p.id, account: addr(a) });
    assert_eq!((ballot.voted, ballot.support), (true, YES));
    assert!(gov.view(gov.governor, IGovernor::hasVotedCall { proposalId: p.id, account: addr(b) }));
    let ballot = gov.view(gov.governor, IGovernor::voteOfCall { proposalId: p.id, account: addr(proposer) });
    assert!(!ballot.voted);

    let bad = IGovernor::castVoteCall { proposalId: p.id, support: 4 }.abi_encode();
    gov.reverts::<IGovernor::GovernorInvalidVoteType>(a, gov.governor, &bad, U256::ZERO);

    gov.mine_past_deadline(&[&p]);
    assert_eq!(gov.state(&p), SUCCEEDED);
    let late = IGovernor::castVoteCall { proposalId: p.id, support: NO }.abi_encode();
    let e = gov.reverts::<IGovernor::GovernorUnexpectedProposalState>(a, gov.governor, &late, U256::ZERO);
    assert_eq!(e.current, SUCCEEDED);
}

#[test]
fn deposits_are_required_and_passed_proposals_run_through_the_timelock_after_its_delay() {
    let devnet = Devnet::start();
    let gov = Gov::new(&devnet);
    let [a, _, _, _, settler, proposer] = ACCOUNTS;

    // The timelock: 10 s, the governor alone proposes, nobody administers it from outside.
    assert_eq!(gov.view(gov.timelock, ITimelock::getMinDelayCall {}), U256::from(10));
    let role = |name: &str| keccak256(name.as_bytes());
    let has = |role: B256, who: Address| gov.view(gov.timelock, ITimelock::hasRoleCall { role, account: who });
    assert!(has(role("PROPOSER_ROLE"), gov.governor));
    assert!(has(role("CANCELLER_ROLE"), gov.governor));
    assert!(has(role("EXECUTOR_ROLE"), Address::ZERO), "anyone executes a ready operation");
    assert!(!has(B256::ZERO, addr(DEPLOYER)), "the deployer renounced the admin role");
    assert!(!has(role("PROPOSER_ROLE"), addr(DEPLOYER)));

    // The treasury: 5 0G in the timelock.
    gov.send(a, gov.timelock, &[], og(5));
    gov.wrap_and_self_delegate(a, og(100));
    gov.mine(1);

    // Two actions: pay 1 0G from the treasury, and raise the minimum deposit to 2 0G.
    let recipient = common::fresh_address();
    let set_deposit = IGovernor::setProposalDepositCall { newDeposit: og(2) }.abi_encode();
    let actions =
        [(addr(&recipient), og(1), Bytes::new()), (gov.governor, U256::ZERO, Bytes::from(set_deposit.clone()))];
    let targets: Vec<Address> = actions.iter().map(|x| x.0).collect();
    let values: Vec<U256> = actions.iter().map(|x| x.1).collect();
    let calldatas: Vec<Bytes> = actions.iter().map(|x| x.2.clone()).collect();

    // Too small a deposit, or none, is refused; so is the setter called directly.
    let call = gov.propose_call(&targets, &values, &calldatas, "treasury payment");
    let e = gov.reverts::<IGovernor::GovernorDepositTooSmall>(proposer, gov.governor, &call, og(1) - U256::from(1));
    assert_eq!((e.required, e.sent), (og(1), og(1) - U256::from(1)));
    let plain = IGovernor::proposeCall {
        targets: targets.clone(),
        values: values.clone(),
        calldatas: calldatas.clone(),
        description: "treasury payment".into(),
    }
    .abi_encode();
    let e = gov.reverts::<IGovernor::GovernorDepositTooSmall>(proposer, gov.governor, &plain, U256::ZERO);
    assert_eq!((e.required, e.sent), (og(1), U256::ZERO));
    let e = gov.reverts::<IGovernor::GovernorOnlyExecutor>(a, gov.governor, &set_deposit, U256::ZERO);
    assert_eq!(e.account, addr(a));

    // A deposit above the minimum is accepted whole.
    let receipt = gov.send(proposer, gov.governor, &call, og(3) / U256::from(2));
    let paid = decode_logs::<IGovernor::DepositPaid>(&receipt, gov.governor);
    let p = Proposal { id: paid[0].proposalId, targets, values, calldatas, description: "treasury payment".into() };
    assert_eq!(paid[0].amount, og(3) / U256::from(2));
    let settle = IGovernor::settleDepositCall { proposalId: p.id }.abi_encode();
    let e = gov.reverts::<IGovernor::GovernorDepositNotFinal>(settler, gov.governor, &settle, U256::ZERO);
    assert_eq!(e.state, PENDING);

    gov.mine_until_active(&[&p]);
    let e = gov.reverts::<IGovernor::GovernorDepositNotFinal>(settler, gov.governor, &settle, U256::ZERO);
    assert_eq!(e.state, ACTIVE);
    gov.vote(a, &p, YES);
    gov.mine_past_deadline(&[&p]);
    assert_eq!(gov.state(&p), SUCCEEDED);

    // Not queued yet: the timelock has nothing ready to run.
    gov.reverts::<ITimelock::TimelockUnexpectedOperationState>(settler, gov.governor, &gov.execute(&p), U256::ZERO);
    gov.send(settler, gov.governor, &gov.queue(&p), U256::ZERO);
    assert_eq!(gov.state(&p), QUEUED);
    let block = devnet.rpc("eth_getBlockByNumber", json!(["latest", false]));
    let eta = gov.view(gov.governor, IGovernor::proposalEtaCall { proposalId: p.id });
    assert!(eta >= U256::from(quantity(&block["timestamp"]) + 9), "eta {eta} is about 10 s ahead");

    // Too early: refused, and nothing moved.
    gov.reverts::<ITimelock::TimelockUnexpectedOperationState>(settler, gov.governor, &gov.execute(&p), U256::ZERO);
    assert_eq!(gov.balance(&recipient), U256::ZERO);

    devnet.rpc("evm_increaseTime", json!([11]));
    gov.mine(1);
    gov.send(settler, gov.governor, &gov.execute(&p), U256::ZERO);
    assert_eq!(gov.state(&p), EXECUTED);
    assert_eq!(gov.balance(&recipient), og(1), "the treasury paid");
    assert_eq!(gov.balance(&gov.timelock.to_string()), og(4));
    assert_eq!(gov.view(gov.governor, IGovernor::proposalDepositCall {}), og(2), "the setter ran");

    // Executed: the whole deposit goes back to the proposer, whoever settles.
    let before = gov.balance(proposer);
    gov.settle(settler, &p);
    assert_eq!(gov.balance(proposer) - before, og(3) / U256::from(2));
}

/// A description bound to its proposer the way the app writes one
/// (`app/src/governance/contract.rs`, `proposal_description`): `# title`, the body, then
/// `#proposer=` and the proposer's address in lowercase.
fn bound_description(title: &str, body: &str, proposer: &str) -> String {
    format!("# {title}\n{body}\n\n#proposer=0x{}", alloy_primitives::hex::encode(addr(proposer)))
}

#[test]
fn a_proposal_bound_to_its_proposer_cannot_be_front_run() {
    let devnet = Devnet::start();
    let gov = Gov::new(&devnet);
    let [attacker, _, _, _, _, proposer] = ACCOUNTS;
    let deposit = gov.view(gov.governor, IGovernor::proposalDepositCall {});
    let actions = [(gov.timelock, U256::ZERO, Bytes::new())];
    let (targets, values, calldatas) = (vec![actions[0].0], vec![actions[0].1], vec![actions[0].2.clone()]);

    // The attack: without a proposer suffix, whoever copies a waiting proposal and submits it
    // first becomes its proposer (and may cancel it while pending); the real one then reverts.
    let unbound = gov.propose_call(&targets, &values, &calldatas, "# Unbound\nanyone can submit this");
    gov.send(attacker, gov.governor, &unbound, deposit);
    let e = gov.reverts::<IGovernor::GovernorUnexpectedProposalState>(proposer, gov.governor, &unbound, deposit);
    assert_eq!(e.current, PENDING, "the copy took the proposal's id");

    // Bound to the proposer: the governor refuses it from anyone else, in any address case.
    let description = bound_description("Fund the docs", "Pay the writer.", proposer);
    assert!(description.ends_with(&format!("#proposer={}", proposer.to_lowercase())));
    let call = gov.propose_call(&targets, &values, &calldatas, &description);
    let e = gov.reverts::<IGovernor::GovernorRestrictedProposer>(attacker, gov.governor, &call, deposit);
    assert_eq!(e.proposer, addr(attacker));
    let checksummed = format!("# Fund the docs\nPay the writer.\n\n#proposer={proposer}");
    let copy = gov.propose_call(&targets, &values, &calldatas, &checksummed);
    gov.reverts::<IGovernor::GovernorRestrictedProposer>(attacker, gov.governor, &copy, deposit);

    // The proposer's own submission goes through, and the proposal is theirs.
    let p = gov.propose(proposer, &description, &actions);
    assert_eq!(gov.state(&p), PENDING);
    let p2 = gov.propose(proposer, &checksummed, &actions);
    assert_ne!(p2.id, p.id, "a different description is a different proposal");
}
