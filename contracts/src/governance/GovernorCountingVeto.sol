// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";

/// @title Cosmos-style vote counting for an OpenZeppelin Governor
/// @notice Four options, with the Cosmos SDK's x/gov tally rules:
///
///   support 0 = No, 1 = Yes, 2 = Abstain (OpenZeppelin's Against / For / Abstain, so
///   ordinary Governor tooling still reads them), 3 = NoWithVeto.
///
/// - Quorum: every option counts (yes + no + abstain + noWithVeto ≥ quorum at the snapshot).
/// - Passes: yes > 1/2 of the non-abstain votes (yes + no + noWithVeto), and not vetoed.
///   A tie, or yes at exactly one half, fails.
/// - Vetoed: quorum reached and noWithVeto > 1/3 of all votes (abstain included). Exactly
///   one third is not a veto. A vetoed proposal fails; the governor burns its deposit.
///
/// An account may change its vote while the proposal is active (Cosmos allows re-voting):
/// its weight moves from the old option to the new one. The weight is its voting power at
/// the proposal snapshot, so it is the same every time. Each vote, first or changed, emits
/// `VoteCast`; the tally in storage is the authority.
///
/// The tallies live in a plain mapping at a fixed, documented slot (not one the compiler
/// picks through inheritance), so a client can prove them with `eth_getProof`:
/// the four counters of proposal `id` are at `keccak256(abi.encode(id, TALLIES_SLOT)) + k`,
/// k = support value (0 no, 1 yes, 2 abstain, 3 noWithVeto).
abstract contract GovernorCountingVeto is Governor {
    uint8 internal constant VOTE_NO = 0;
    uint8 internal constant VOTE_YES = 1;
    uint8 internal constant VOTE_ABSTAIN = 2;
    uint8 internal constant VOTE_NO_WITH_VETO = 3;

    /// @notice Base slot of `mapping(uint256 proposalId => uint256[4] votesBySupport)`.
    bytes32 public constant TALLIES_SLOT = keccak256("zg-console.governor.tallies");
    /// @notice Base slot of `mapping(uint256 proposalId => mapping(address => uint8))`:
    /// 0 = has not voted, otherwise support + 1.
    bytes32 public constant BALLOTS_SLOT = keccak256("zg-console.governor.ballots");

    /// @dev A changed vote: `weight` moved from `previousSupport` to the new support.
    event VoteChanged(address indexed voter, uint256 indexed proposalId, uint8 previousSupport, uint8 support, uint256 weight);

    // solhint-disable-next-line func-name-mixedcase
    function COUNTING_MODE() public pure virtual override returns (string memory) {
        return "support=bravo,veto&quorum=for,against,abstain,veto";
    }

    function hasVoted(uint256 proposalId, address account) public view virtual override returns (bool) {
        return _ballots()[proposalId][account] != 0;
    }

    /// @notice The option `account` currently votes for; `voted` is false if it has not voted.
    function voteOf(uint256 proposalId, address account) public view virtual returns (bool voted, uint8 support) {
        uint8 ballot = _ballots()[proposalId][account];
        return (ballot != 0, ballot == 0 ? 0 : ballot - 1);
    }

    /// @notice The tally of `proposalId`, in voting power at its snapshot.
    function proposalVotes(uint256 proposalId)
        public
        view
        virtual
        returns (uint256 noVotes, uint256 yesVotes, uint256 abstainVotes, uint256 noWithVetoVotes)
    {
        uint256[4] storage t = _tallies()[proposalId];
        return (t[VOTE_NO], t[VOTE_YES], t[VOTE_ABSTAIN], t[VOTE_NO_WITH_VETO]);
    }

    /// @notice True when quorum is reached and more than a third of all votes are NoWithVeto.
    /// Final once voting has ended; while voting it describes the tally so far.
    function isVetoed(uint256 proposalId) public view virtual returns (bool) {
        return _quorumReached(proposalId) && _vetoed(_tallies()[proposalId]);
    }

    function _quorumReached(uint256 proposalId) internal view virtual override returns (bool) {
        return quorum(proposalSnapshot(proposalId)) <= _total(_tallies()[proposalId]);
    }

    function _voteSucceeded(uint256 proposalId) internal view virtual override returns (bool) {
        uint256[4] storage t = _tallies()[proposalId];
        uint256 nonAbstain = t[VOTE_YES] + t[VOTE_NO] + t[VOTE_NO_WITH_VETO];
        return !_vetoed(t) && 2 * t[VOTE_YES] > nonAbstain;
    }

    function _countVote(uint256 proposalId, address account, uint8 support, uint256 totalWeight, bytes memory)
        internal
        virtual
        override
        returns (uint256)
    {
        if (support > VOTE_NO_WITH_VETO) revert GovernorInvalidVoteType();
        uint256[4] storage t = _tallies()[proposalId];
        mapping(address => uint8) storage ballots = _ballots()[proposalId];
        uint8 previous = ballots[account];
        if (previous != 0) {
            t[previous - 1] -= totalWeight;
            emit VoteChanged(account, proposalId, previous - 1, support, totalWeight);
        }
        t[support] += totalWeight;
        ballots[account] = support + 1;
        return totalWeight;
    }

    function _vetoed(uint256[4] storage t) private view returns (bool) {
        return 3 * t[VOTE_NO_WITH_VETO] > _total(t);
    }

    function _total(uint256[4] storage t) private view returns (uint256) {
        return t[VOTE_NO] + t[VOTE_YES] + t[VOTE_ABSTAIN] + t[VOTE_NO_WITH_VETO];
    }

    function _tallies() private pure returns (mapping(uint256 => uint256[4]) storage tallies) {
        bytes32 slot = TALLIES_SLOT;
        assembly {
            tallies.slot := slot
        }
    }

    function _ballots() private pure returns (mapping(uint256 => mapping(address => uint8)) storage ballots) {
        bytes32 slot = BALLOTS_SLOT;
        assembly {
            ballots.slot := slot
        }
    }
}
