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
/// Merkle subtrees and a fee of (sectors × pricePerSector) paid to the market, before any
/// node accepts its data. Same `submit` ABI and `Submit` event as 0G's contract, so 0G's
/// SDK and zg-console speak to it unchanged. Mining, epochs and the digest history of
/// 0G's contract are left out: nothing in the client reads them.
contract Flow {
    uint256 public constant SECTOR_BYTES = 256;
    uint256 public constant MAX_HEIGHT = 64;

    IMarket public immutable marketContract;
    uint256 public immutable firstBlock;
    /// @notice Sectors appended so far, padding included (the next file starts at or after it).
    uint256 public flowLength;
    uint256 public numSubmissions;
    mapping(uint256 => bytes32) public submissionDigest;

    event Submit(
        address indexed sender,
        bytes32 indexed identity,
        uint256 submissionIndex,
        uint256 startPos,
        uint256 length,
        SubmissionData submission
    );

    error EmptyFile();
    error NoNodes();
    error BadHeight(uint256 index, uint256 height);
    error HeightsNotDescending(uint256 index);
    error SectorsMismatch(uint256 expected, uint256 submitted);
    error FeeTooLow(uint256 required, uint256 sent);
    error RefundFailed();

    constructor(IMarket market_) {
        marketContract = market_;
        firstBlock = block.number;
    }

    function market() external view returns (address payable) {
        return payable(address(marketContract));
    }

    /// @notice The sectors a file of `length` bytes occupies once padded the way 0G pads:
    /// whole chunks, rounded up to a multiple of nextPow2(chunks)/16 (at least 1).
    function paddedSectors(uint256 length) public pure returns (uint256) {
        uint256 chunks = (length + SECTOR_BYTES - 1) / SECTOR_BYTES;
        uint256 pow2 = 1;
        while (pow2 < chunks) pow2 <<= 1;
        if (pow2 == chunks) return chunks;
        uint256 align = pow2 / 16;
        if (align == 0) align = 1;
        return ((chunks + align - 1) / align) * align;
    }

    /// @notice The fee for a submission: every sector it occupies at the market's price.
    function fee(SubmissionData calldata data) public view returns (uint256) {
        return sectorsOf(data) * marketContract.pricePerSector();
    }

    function sectorsOf(SubmissionData calldata data) public pure returns (uint256 sectors) {
        for (uint256 i = 0; i < data.nodes.length; i++) {
            sectors += uint256(1) << data.nodes[i].height;
        }
    }

    function submit(Submission calldata submission)
        external
        payable
        returns (uint256 index, bytes32 digest, uint256 startIndex, uint256 length)
    {
        SubmissionData calldata data = submission.data;
        if (data.length == 0) revert EmptyFile();
        if (data.nodes.length == 0) revert NoNodes();
        for (uint256 i = 0; i < data.nodes.length; i++) {
            if (data.nodes[i].height >= MAX_HEIGHT) revert BadHeight(i, data.nodes[i].height);
            if (i > 0 && data.nodes[i].height >= data.nodes[i - 1].height) revert HeightsNotDescending(i);
        }
        length = sectorsOf(data);
        uint256 expected = paddedSectors(data.length);
        if (length != expected) revert SectorsMismatch(expected, length);

        uint256 required = length * marketContract.pricePerSector();
        if (msg.value < required) revert FeeTooLow(required, msg.value);

        index = numSubmissions++;
        // As 0G's flow does: every subtree starts at a multiple of its own size. The nodes
        // descend, so aligning the first aligns them all; the gap is padding, not charged.
        uint256 firstNode = uint256(1) << data.nodes[0].height;
        uint256 before = flowLength;
        startIndex = ((before + firstNode - 1) / firstNode) * firstNode;
        flowLength = startIndex + length;
        digest = keccak256(abi.encode(data));
        submissionDigest[index] = digest;
        marketContract.chargeFee(before, length, startIndex - before);
        emit Submit(msg.sender, digest, index, startIndex, length, data);

        if (required > 0) {
            (bool paid,) = address(marketContract).call{value: required}("");
            if (!paid) revert FeeTooLow(required, msg.value);
        }
        if (msg.value > required) {
            (bool refunded,) = msg.sender.call{value: msg.value - required}("");
            if (!refunded) revert RefundFailed();
        }
    }
}
