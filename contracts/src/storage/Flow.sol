// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarket} from "./IMarket.sol";

/// @dev One complete power-of-two subtree of a file's Merkle tree: its root and its
/// height in 256-byte sectors (the subtree covers 2^height sectors).
struct SubmissionNode {
    bytes32 root;
    uint256 height;
}

/// @dev What a file occupies in the flow: its byte length, free-form tags, and its
/// padded sectors split into descending powers of two.
struct SubmissionData {
    uint256 length;
    bytes tags;
    SubmissionNode[] nodes;
}

struct Submission {
    SubmissionData data;
    address submitter;
}

/// @title Flow (devnet stand-in for 0G's FixedPriceFlow)
/// @notice The log every 0G storage node follows: a file is announced here, with its
/// Merkle subtrees, before any node accepts its data. It refuses what 0G's
/// `FixedPriceFlow` refuses and places files where 0G's places them, so a client that
/// passes here passes on Galileo and mainnet:
/// - a submission is valid only as 0G's `SubmissionLibrary.valid` says (a submitter, 1 to
///   4 strictly descending subtrees, a length the subtrees are the padding of), else
///   `revert("Invalid submission")`;
/// - the fee is sectors × `pricePerSector`, checked against everything the contract holds
///   (`NotEnoughFee(price, sectors, paid)`); an overpayment stays in the Flow and pays for
///   later submissions, as on 0G, so a client should pay the exact fee;
/// - the flow starts with one identifier sector; each subtree starts at the next multiple of
///   its size; a submission whose first subtree would start inside a 1024-sector segment
///   and run past its end moves to the next segment boundary;
/// - the event's `sender` is `submission.submitter` and its identity is
///   keccak256(abi.encodePacked(subtree roots)).
/// Mining, epochs, pausing and the flow's own Merkle root are left out: no client reads them.
contract Flow {
    uint256 public constant SECTOR_BYTES = 256;
    uint256 public constant SECTORS_PER_SEGMENT = 1024;
    /// @dev 0G's MAX_DEPTH: a subtree is lower than 2^64 sectors.
    uint256 public constant MAX_HEIGHT = 64;
    /// @dev 0G's MAX_LENGTH: the first and last subtrees' heights differ by less than this.
    uint256 public constant MAX_HEIGHT_SPAN = 4;

    IMarket public immutable marketContract;
    uint256 public immutable firstBlock;
    /// @dev Sectors placed so far, alignment gaps included. Sector 0 is the flow's
    /// identifier, so the first file starts at sector 1 at the earliest.
    uint256 private currentLength = 1;
    uint256 public submissionIndex;

    event Submit(
        address indexed sender,
        bytes32 indexed identity,
        uint256 submissionIndex,
        uint256 startPos,
        uint256 length,
        SubmissionData submission
    );

    /// @notice 0G's `FixedPriceFlow` error: `amount` is the submission's sectors, `paid`
    /// what the Flow holds (this payment and any earlier overpayment).
    error NotEnoughFee(uint256 price, uint256 amount, uint256 paid);

    constructor(IMarket market_) {
        marketContract = market_;
        firstBlock = block.number;
    }

    function market() external view returns (address payable) {
        return payable(address(marketContract));
    }

    function numSubmissions() external view returns (uint256) {
        return submissionIndex;
    }

    /// @notice Announces several files in one transaction, each exactly as `submit` would.
    function batchSubmit(Submission[] calldata submissions)
        external
        payable
        returns (
            uint256[] memory indexes,
            bytes32[] memory digests,
            uint256[] memory startIndexes,
            uint256[] memory lengths
        )
    {
        uint256 n = submissions.length;
        indexes = new uint256[](n);
        digests = new bytes32[](n);
        startIndexes = new uint256[](n);
        lengths = new uint256[](n);
        for (uint256 i = 0; i < n; i++) {
            (indexes[i], digests[i], startIndexes[i], lengths[i]) = _submit(submissions[i]);
        }
    }

    function submit(Submission calldata submission)
        external
        payable
        returns (uint256 index, bytes32 digest, uint256 startIndex, uint256 length)
    {
        return _submit(submission);
    }

    function _submit(Submission calldata submission)
        private
        returns (uint256 index, bytes32 digest, uint256 startIndex, uint256 length)
    {
        require(isValid(submission), "Invalid submission");
        SubmissionData calldata data = submission.data;
        length = sectorsOf(data);
        _collectFee(length);

        uint256 previous = currentLength;
        startIndex = _place(data);
        marketContract.chargeFee(previous, currentLength - startIndex, startIndex - previous);

        digest = identityOf(data);
        index = submissionIndex++;
        emit Submit(submission.submitter, digest, index, startIndex, length, data);
    }

    /// @dev Pays the market for `sectors` out of everything the Flow holds, as
    /// `FixedPriceFlow._beforeSubmit` does (so a batch's one payment covers all of it).
    function _collectFee(uint256 sectors) private {
        uint256 price = marketContract.pricePerSector();
        uint256 due = sectors * price;
        uint256 held = address(this).balance;
        if (due > held) revert NotEnoughFee(price, sectors, held);
        if (due > 0) {
            (bool paid,) = address(marketContract).call{value: due}("");
            require(paid, "market refused the fee");
        }
    }

    /// @dev Puts the subtrees in the flow; returns where the first starts.
    function _place(SubmissionData calldata data) private returns (uint256 startIndex) {
        uint256 first = alignUp(currentLength, data.nodes[0].height);
        uint256 lastSector = first + sectorsOf(data) - 1;
        bool crossesSegment = first / SECTORS_PER_SEGMENT != lastSector / SECTORS_PER_SEGMENT;
        if (first % SECTORS_PER_SEGMENT != 0 && crossesSegment) {
            currentLength = alignUp(first, 10);
        }
        for (uint256 i = 0; i < data.nodes.length; i++) {
            uint256 height = data.nodes[i].height;
            uint256 start = alignUp(currentLength, height);
            if (i == 0) startIndex = start;
            currentLength = start + (uint256(1) << height);
        }
    }

    /// @notice 0G's validity rule for a submission (`SubmissionLibrary.valid`).
    function isValid(Submission calldata submission) public pure returns (bool) {
        SubmissionData calldata data = submission.data;
        uint256 count = data.nodes.length;
        if (submission.submitter == address(0) || count == 0) return false;
        uint256 top = data.nodes[0].height;
        // In 0G's order. Ascending heights underflow on the span: solc's arithmetic panic.
        if (top - data.nodes[count - 1].height >= MAX_HEIGHT_SPAN) return false;
        if (top >= MAX_HEIGHT) return false;
        for (uint256 i = 1; i < count; i++) {
            if (data.nodes[i].height >= data.nodes[i - 1].height) return false;
        }
        uint256 capacity = sectorsOf(data);
        if (data.length > capacity * SECTOR_BYTES) return false;
        // The length must need this padding: a file that would fit in the next smaller
        // padded size is refused, so every length has exactly one valid set of subtrees.
        uint256 smaller;
        if (capacity < (uint256(1) << MAX_HEIGHT_SPAN)) {
            smaller = capacity - 1;
        } else if (count == 1) {
            smaller = capacity - (capacity >> MAX_HEIGHT_SPAN);
        } else {
            smaller = capacity - (uint256(1) << (top - MAX_HEIGHT_SPAN + 1));
        }
        return data.length > smaller * SECTOR_BYTES;
    }

    /// @notice The fee for a submission: every sector it occupies at the market's price.
    /// (Devnet-only convenience; 0G's clients compute it from `pricePerSector`.)
    function fee(SubmissionData calldata data) external view returns (uint256) {
        return sectorsOf(data) * marketContract.pricePerSector();
    }

    function sectorsOf(SubmissionData calldata data) public pure returns (uint256 sectors) {
        for (uint256 i = 0; i < data.nodes.length; i++) {
            sectors += uint256(1) << data.nodes[i].height;
        }
    }

    /// @notice The `Submit` event's identity: the subtree roots, packed, hashed.
    function identityOf(SubmissionData calldata data) public pure returns (bytes32) {
        bytes32[] memory roots = new bytes32[](data.nodes.length);
        for (uint256 i = 0; i < roots.length; i++) {
            roots[i] = data.nodes[i].root;
        }
        return keccak256(abi.encodePacked(roots));
    }

    /// @dev The smallest multiple of 2^exp that is at least `n`.
    function alignUp(uint256 n, uint256 exp) private pure returns (uint256) {
        uint256 size = uint256(1) << exp;
        return ((n + size - 1) / size) * size;
    }
}
