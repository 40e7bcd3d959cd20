// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {
    IERC7857DataVerifier,
    OracleType,
    TransferValidityProof,
    TransferValidityProofOutput
} from "./IERC7857.sol";

/// @title Transfer-validity verifier without a trusted third party
/// @notice The receiver signs the access proof after its console has checked that it can
/// decrypt the new data and that the hashes match; the holder signs the ownership proof.
/// Both are EIP-191 signatures over a digest that binds the chain, the NFT contract (the
/// caller), the token, both parties, both data hashes, the sealed key, the receiver's
/// public key, a nonce and a deadline. Each nonce is accepted once per signer. A nonce
/// starts with the operation tag (transfer or clone, see `AgentNFT`), so signing the nonce
/// signs which operation the proofs are for; the NFT checks the tag on the nonces this
/// verifier returns.
contract SignatureVerifier is IERC7857DataVerifier {
    bytes32 public constant ACCESS_TYPEHASH = keccak256("zg-console/inft/access-proof/v1");
    bytes32 public constant OWNERSHIP_TYPEHASH = keccak256("zg-console/inft/ownership-proof/v1");

    /// @notice signer => keccak256(nonce) => used
    mapping(address => mapping(bytes32 => bool)) public nonceUsed;

    error ProofExpired(uint256 deadline);
    error HashesDisagree();
    error PublicKeyDisagrees();
    error WrongOracleType(OracleType oracleType);
    error BadSignature();
    error NotSignedByHolder(address signer, address holder);
    error NonceReused(address signer, bytes nonce);

    /// @notice The digest the receiver (or its access assistant) signs.
    function accessDigest(address nft, TransferValidityProof calldata p) public view returns (bytes32) {
        return keccak256(
            abi.encode(
                ACCESS_TYPEHASH,
                block.chainid,
                nft,
                p.tokenId,
                p.from,
                p.to,
                p.accessProof.oldDataHash,
                p.accessProof.newDataHash,
                keccak256(p.ownershipProof.sealedKey),
                keccak256(p.accessProof.encryptedPubKey),
                keccak256(p.accessProof.nonce),
                p.deadline
            )
        );
    }

    /// @notice The digest the holder signs.
    function ownershipDigest(address nft, TransferValidityProof calldata p) public view returns (bytes32) {
        return keccak256(
            abi.encode(
                OWNERSHIP_TYPEHASH,
                block.chainid,
                nft,
                p.tokenId,
                p.from,
                p.to,
                p.ownershipProof.oldDataHash,
                p.ownershipProof.newDataHash,
                keccak256(p.ownershipProof.sealedKey),
                keccak256(p.ownershipProof.encryptedPubKey),
                keccak256(p.ownershipProof.nonce),
                p.deadline
            )
        );
    }

    function verifyTransferValidity(TransferValidityProof[] calldata proofs)
        external
        returns (TransferValidityProofOutput[] memory outputs)
    {
        outputs = new TransferValidityProofOutput[](proofs.length);
        for (uint256 i = 0; i < proofs.length; i++) {
            TransferValidityProof calldata p = proofs[i];
            if (block.timestamp > p.deadline) revert ProofExpired(p.deadline);
            if (
                p.accessProof.oldDataHash != p.ownershipProof.oldDataHash
                    || p.accessProof.newDataHash != p.ownershipProof.newDataHash
            ) revert HashesDisagree();
            if (keccak256(p.accessProof.encryptedPubKey) != keccak256(p.ownershipProof.encryptedPubKey)) {
                revert PublicKeyDisagrees();
            }
            if (p.ownershipProof.oracleType != OracleType.Signature) {
                revert WrongOracleType(p.ownershipProof.oracleType);
            }

            address holder = _recover(ownershipDigest(msg.sender, p), p.ownershipProof.proof);
            if (holder != p.from) revert NotSignedByHolder(holder, p.from);
            _useNonce(holder, p.ownershipProof.nonce);

            address assistant = _recover(accessDigest(msg.sender, p), p.accessProof.proof);
            _useNonce(assistant, p.accessProof.nonce);

            outputs[i] = TransferValidityProofOutput({
                oldDataHash: p.accessProof.oldDataHash,
                newDataHash: p.accessProof.newDataHash,
                sealedKey: p.ownershipProof.sealedKey,
                encryptedPubKey: p.accessProof.encryptedPubKey,
                accessAssistant: assistant,
                accessProofNonce: p.accessProof.nonce,
                ownershipProofNonce: p.ownershipProof.nonce
            });
        }
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        (address recovered, ECDSA.RecoverError err,) =
            ECDSA.tryRecover(MessageHashUtils.toEthSignedMessageHash(digest), signature);
        if (err != ECDSA.RecoverError.NoError || recovered == address(0)) revert BadSignature();
        return recovered;
    }

    function _useNonce(address signer, bytes calldata nonce) private {
        bytes32 key = keccak256(nonce);
        if (nonceUsed[signer][key]) revert NonceReused(signer, nonce);
        nonceUsed[signer][key] = true;
    }
}
