// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IGovernor, Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from
    "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {GovernorCountingVeto} from "./GovernorCountingVeto.sol";

/// @title zg-console Governor: Cosmos-style governance for wrapped 0G
/// @notice Votes are WrappedZG voting power (delegated, checkpointed per block) at the
/// proposal snapshot; options and tally rules are {GovernorCountingVeto}'s (0 No, 1 Yes,
/// 2 Abstain, 3 NoWithVeto). Passed proposals run through a {TimelockController}.
///
/// Parameters (constructor, then changeable only by governance):
/// - voting delay and voting period, in blocks (the token's clock);
/// - quorum, in per mille of the token's total supply at the snapshot (Cosmos: 334 = 33.4%);
/// - the minimum proposal deposit, in wei of native 0G.
///
/// Deposits: a proposal is created with {proposeWithDeposit}, sending at least
/// `proposalDeposit` native 0G as `msg.value` (plain {propose} works only while the
/// minimum deposit is zero). The governor holds the deposit until the proposal is final,
/// then anyone may call {settleDeposit}: it goes back to the proposer if the proposal
/// passed, failed without a veto (quorum missed included, as Cosmos with
/// `burn_vote_quorum = false`) or was cancelled, and is burned, sent to
/// `0x…dEaD`, if it was vetoed. Native 0G cannot be destroyed by a contract since
/// Cancun, so an address whose key nobody can hold is the burn.
///
/// Proposals are enumerable ({proposalCount}, {proposalIdAt}) and each tally is one
/// storage read away ({proposalVotes}, slots documented in {GovernorCountingVeto}).
contract ZgGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingVeto,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorTimelockControl
{
    /// @notice Where vetoed deposits go: no key can spend from it.
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    struct Deposit {
        address depositor;
        bool settled;
        uint256 amount;
    }

    /// @notice The smallest deposit {proposeWithDeposit} accepts, in wei.
    uint256 public proposalDeposit;
    /// @notice The deposit paid for each proposal.
    mapping(uint256 proposalId => Deposit) public deposits;
    /// @notice All native 0G this governor ever burned.
    uint256 public totalBurned;
    uint256[] private _proposalIds;
    uint256 private transient _incomingDeposit;
    bool private transient _depositPaid;

    event ProposalDepositSet(uint256 oldDeposit, uint256 newDeposit);
    event DepositPaid(uint256 indexed proposalId, address indexed depositor, uint256 amount);
    event DepositRefunded(uint256 indexed proposalId, address indexed depositor, uint256 amount);
    event DepositBurned(uint256 indexed proposalId, uint256 amount);

    error GovernorDepositTooSmall(uint256 required, uint256 sent);
    error GovernorDepositNotFinal(uint256 proposalId, ProposalState state);
    error GovernorDepositAlreadySettled(uint256 proposalId);
    error GovernorNativeTransferFailed(address to, uint256 amount);

    constructor(
        IVotes token_,
        TimelockController timelock_,
        uint48 votingDelay_,
        uint32 votingPeriod_,
        uint256 quorumPerMille_,
        uint256 proposalDeposit_
    )
        Governor("zg-console Governor")
        GovernorSettings(votingDelay_, votingPeriod_, 0)
        GovernorVotes(token_)
        GovernorVotesQuorumFraction(quorumPerMille_)
        GovernorTimelockControl(timelock_)
    {
        _setProposalDeposit(proposalDeposit_);
    }

    /// @notice Creates a proposal, paying `msg.value` (≥ {proposalDeposit}) as its deposit.
    function proposeWithDeposit(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) external payable returns (uint256) {
        if (msg.value < proposalDeposit) revert GovernorDepositTooSmall(proposalDeposit, msg.value);
        _incomingDeposit = msg.value;
        _depositPaid = true;
        uint256 proposalId = propose(targets, values, calldatas, description);
        _depositPaid = false;
        _incomingDeposit = 0;
        return proposalId;
    }

    /// @notice Without a deposit: allowed only while the minimum deposit is zero.
    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) public virtual override returns (uint256) {
        if (!_depositPaid && proposalDeposit > 0) revert GovernorDepositTooSmall(proposalDeposit, 0);
        return super.propose(targets, values, calldatas, description);
    }

    /// @notice Returns or burns the deposit of a proposal that can no longer change outcome.
    function settleDeposit(uint256 proposalId) external {
        ProposalState s = state(proposalId);
        if (s == ProposalState.Pending || s == ProposalState.Active) revert GovernorDepositNotFinal(proposalId, s);
        Deposit storage d = deposits[proposalId];
        if (d.settled) revert GovernorDepositAlreadySettled(proposalId);
        d.settled = true;
        uint256 amount = d.amount;
        if (s == ProposalState.Defeated && isVetoed(proposalId)) {
            totalBurned += amount;
            emit DepositBurned(proposalId, amount);
            _sendNative(BURN_ADDRESS, amount);
        } else {
            emit DepositRefunded(proposalId, d.depositor, amount);
            _sendNative(d.depositor, amount);
        }
    }

    /// @notice Changes the minimum deposit; only through a proposal.
    function setProposalDeposit(uint256 newDeposit) external onlyGovernance {
        _setProposalDeposit(newDeposit);
    }

    function proposalCount() external view returns (uint256) {
        return _proposalIds.length;
    }

    /// @notice The `index`-th proposal ever created (0-based, in creation order).
    function proposalIdAt(uint256 index) external view returns (uint256) {
        return _proposalIds[index];
    }

    /// @notice Quorum is in per mille (Cosmos quotes 33.4%).
    function quorumDenominator() public pure override returns (uint256) {
        return 1000;
    }

    function _setProposalDeposit(uint256 newDeposit) private {
        emit ProposalDepositSet(proposalDeposit, newDeposit);
        proposalDeposit = newDeposit;
    }

    function _sendNative(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert GovernorNativeTransferFailed(to, amount);
    }

    function _propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description,
        address proposer
    ) internal override returns (uint256 proposalId) {
        proposalId = super._propose(targets, values, calldatas, description, proposer);
        _proposalIds.push(proposalId);
        uint256 amount = _incomingDeposit;
        deposits[proposalId] = Deposit({depositor: proposer, settled: false, amount: amount});
        emit DepositPaid(proposalId, proposer, amount);
    }

    // The overrides Solidity requires where several bases define the same function.

    function votingDelay() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingDelay();
    }

    function votingPeriod() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.votingPeriod();
    }

    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    function quorum(uint256 timepoint) public view override(Governor, GovernorVotesQuorumFraction) returns (uint256) {
        return super.quorum(timepoint);
    }

    function state(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (ProposalState)
    {
        return super.state(proposalId);
    }

    function proposalNeedsQueuing(uint256 proposalId)
        public
        view
        override(Governor, GovernorTimelockControl)
        returns (bool)
    {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }
}
