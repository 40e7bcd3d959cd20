// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {
    AccessProof,
    IERC7857DataVerifier,
    OracleType,
    OwnershipProof,
    TransferValidityProof,
    TransferValidityProofOutput
} from "./IERC7857.sol";
import {Handover, HandoverNonce} from "./HandoverNonce.sol";

/// @title Transfer-validity verifier without a trusted third party
/// @notice 0G's `IERC7857DataVerifier`, where the holder's own signature stands in for the
/// TEE: the holder re-encrypts the agent in its browser, seals the new key to the receiver
/// and signs the ownership proof; the receiver checks that the sealed key opens the new
/// data and that its hash is the offered one, then signs the access proof.
///
/// Both signatures are made exactly as 0G's reference `Verifier` checks its proofs
/// (contracts/verifiers/Verifier.sol): EIP-191 `personal_sign` of the 66-character hex
/// string of
///   access:    keccak256(abi.encodePacked(dataHash, targetPubkey, nonce))
///   ownership: keccak256(abi.encodePacked(dataHash, sealedKey, targetPubkey, nonce))
/// so a wallet or tool that signs 0G access proofs signs ours. The rest of what the
/// design guarantees is carried by the nonces (see `Handover`), which both digests cover:
///
/// | guarantee                         | where it lives in 0G's proof fields                   |
/// |-----------------------------------|-------------------------------------------------------|
/// | the data the token holds now      | `dataHash` of both proofs (equal; the NFT compares it) |
/// | the re-encrypted data's root      | nonce `newDataHash`, signed by both                   |
/// | the sealed key the receiver tried | `ownershipProof.sealedKey`; its hash in both nonces    |
/// | sealed to the receiver's key      | `ownershipProof.targetPubkey` (64-byte key whose       |
/// |                                   | address the NFT requires to be `to`), access           |
/// |                                   | `targetPubkey` empty = "my own key", as in 0G          |
/// | holder consents                   | `ownershipProof.proof` recovers to nonce `from`        |
/// | receiver consents                 | `accessProof.proof` → `accessAssistant` (the NFT       |
/// |                                   | requires `to` or its delegate)                         |
/// | transfer vs clone                 | nonce `operation` (first 32 bytes), checked by the NFT |
/// | chain and contract binding        | nonce `chainId`, `nft` = block.chainid, msg.sender     |
/// | deadline                          | nonce `deadline` >= block.timestamp                    |
/// | replay                            | each nonce once per signer (`nonceUsed`)               |
/// | both proofs about one handover    | the two nonces' terms are equal (salts aside)          |
///
/// `oracleType` must be `Signature`. Chain, contract and deadline are checked here and again
/// by the NFT, so neither relies on the other.
contract SignatureVerifier is IERC7857DataVerifier {
    /// @notice signer => keccak256(nonce) => used
    mapping(address => mapping(bytes32 => bool)) public nonceUsed;

    error WrongOracleType(OracleType oracleType);
    error HashesDisagree();
    error MalformedNonce();
    error NoncesDisagree();
    error NotForThisContract(uint256 chainId, address nft);
    error ProofExpired(uint256 deadline);
    error SealedKeyDisagrees();
    error BadSignature();
    error NotSignedByHolder(address signer, address holder);
    error NonceReused(address signer, bytes nonce);

    /// @notice What the receiver (or its access assistant) signs, as 0G's Verifier hashes it.
    function accessDigest(AccessProof calldata p) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(p.dataHash, p.targetPubkey, p.nonce));
    }

    /// @notice What the holder signs, as 0G's Verifier hashes a TEE's ownership proof.
    function ownershipDigest(OwnershipProof calldata p) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(p.dataHash, p.sealedKey, p.targetPubkey, p.nonce));
    }

    function verifyTransferValidity(TransferValidityProof[] calldata proofs)
        external
        returns (TransferValidityProofOutput[] memory outputs)
    {
        outputs = new TransferValidityProofOutput[](proofs.length);
        for (uint256 i = 0; i < proofs.length; i++) {
            outputs[i] = _verify(proofs[i]);
        }
    }

    function _verify(TransferValidityProof calldata p) private returns (TransferValidityProofOutput memory) {
        if (p.ownershipProof.oracleType != OracleType.Signature) {
            revert WrongOracleType(p.ownershipProof.oracleType);
        }
        if (p.accessProof.dataHash != p.ownershipProof.dataHash) revert HashesDisagree();
        (bool ok, Handover memory h) = HandoverNonce.decode(p.ownershipProof.nonce);
        if (!ok) revert MalformedNonce();
        if (!HandoverNonce.sameTerms(p.ownershipProof.nonce, p.accessProof.nonce)) revert NoncesDisagree();
        if (h.chainId != block.chainid || h.nft != msg.sender) revert NotForThisContract(h.chainId, h.nft);
        if (block.timestamp > h.deadline) revert ProofExpired(h.deadline);
        if (h.sealedKeyHash != keccak256(p.ownershipProof.sealedKey)) revert SealedKeyDisagrees();

        address holder = _recover(ownershipDigest(p.ownershipProof), p.ownershipProof.proof);
        if (holder != h.from) revert NotSignedByHolder(holder, h.from);
        _useNonce(holder, p.ownershipProof.nonce);

        address assistant = _recover(accessDigest(p.accessProof), p.accessProof.proof);
        _useNonce(assistant, p.accessProof.nonce);

        return TransferValidityProofOutput({
            dataHash: p.ownershipProof.dataHash,
            sealedKey: p.ownershipProof.sealedKey,
            targetPubkey: p.ownershipProof.targetPubkey,
            wantedKey: p.accessProof.targetPubkey,
            accessAssistant: assistant,
            accessProofNonce: p.accessProof.nonce,
            ownershipProofNonce: p.ownershipProof.nonce
        });
    }

    /// @dev 0G's message: personal_sign of "0x" + 64 lowercase hex digits of the digest.
    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        bytes32 message = MessageHashUtils.toEthSignedMessageHash(bytes(Strings.toHexString(uint256(digest), 32)));
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(message, signature);
        if (err != ECDSA.RecoverError.NoError || recovered == address(0)) revert BadSignature();
        return recovered;
    }

    function _useNonce(address signer, bytes calldata nonce) private {
        bytes32 key = keccak256(nonce);
        if (nonceUsed[signer][key]) revert NonceReused(signer, nonce);
        nonceUsed[signer][key] = true;
    }
}
