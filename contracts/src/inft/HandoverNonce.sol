// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev What one handover (a transfer or a clone of one token) is, as both parties sign it.
/// 0G's proof structs have no field for the operation, the parties, the token, the chain,
/// the new data or a deadline, but each proof carries a `nonce` its signer chooses and
/// signs: ours is this struct, ABI-encoded (10 words, 320 bytes). The access and the
/// ownership nonce of one proof hold the same terms and differ only in `salt`.
struct Handover {
    /// `AgentNFT.TRANSFER_OPERATION` or `CLONE_OPERATION`: always the first 32 bytes.
    bytes32 operation;
    uint256 chainId;
    /// The agent NFT that may use the proof.
    address nft;
    uint256 tokenId;
    address from;
    address to;
    /// The 0G Storage root of the data re-encrypted for `to`: what the token (or the
    /// clone) holds afterwards. The proofs' `dataHash` is the data the token holds now.
    bytes32 newDataHash;
    /// keccak256 of the ownership proof's `sealedKey`, so the receiver signs the very key
    /// it checked opens the new data (0G's access-proof digest does not cover it).
    bytes32 sealedKeyHash;
    /// Unix seconds; the proofs are refused after it.
    uint256 deadline;
    /// Random: makes the nonce single-use.
    bytes32 salt;
}

library HandoverNonce {
    uint256 internal constant LENGTH = 320;
    /// Everything but the salt.
    uint256 internal constant TERMS_LENGTH = 288;

    /// @dev The handover `nonce` encodes, or ok = false when it is not one: another length,
    /// or an address word with bits above 160 set (abi.decode would revert with no reason).
    function decode(bytes memory nonce) internal pure returns (bool ok, Handover memory h) {
        if (nonce.length != LENGTH) return (false, h);
        uint256[10] memory w;
        for (uint256 i = 0; i < 10; i++) {
            uint256 word;
            assembly {
                word := mload(add(add(nonce, 32), mul(i, 32)))
            }
            w[i] = word;
        }
        if (w[2] >> 160 != 0 || w[4] >> 160 != 0 || w[5] >> 160 != 0) return (false, h);
        h = Handover({
            operation: bytes32(w[0]),
            chainId: w[1],
            nft: address(uint160(w[2])),
            tokenId: w[3],
            from: address(uint160(w[4])),
            to: address(uint160(w[5])),
            newDataHash: bytes32(w[6]),
            sealedKeyHash: bytes32(w[7]),
            deadline: w[8],
            salt: bytes32(w[9])
        });
        return (true, h);
    }

    /// @dev Both are handover nonces with the same terms (salts aside).
    function sameTerms(bytes memory a, bytes memory b) internal pure returns (bool) {
        if (a.length != LENGTH || b.length != LENGTH) return false;
        bytes32 ha;
        bytes32 hb;
        assembly {
            ha := keccak256(add(a, 32), TERMS_LENGTH)
            hb := keccak256(add(b, 32), TERMS_LENGTH)
        }
        return ha == hb;
    }
}
