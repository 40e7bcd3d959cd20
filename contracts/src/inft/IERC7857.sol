// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @dev One piece of an agent's data: what it is, and the 0G Storage root of its ciphertext.
struct IntelligentData {
    string dataDescription;
    bytes32 dataHash;
}

/// @dev Which kind of oracle vouches for an ownership proof. `Signature`: the holder's own
/// signature (zg-console's verifier); TEE and ZKP are kept for oracles that replace it.
enum OracleType {
    TEE,
    ZKP,
    Signature
}

/// @dev Signed by the receiver (or the assistant it delegated to): "I can open
/// `newDataHash` with the sealed key, and it is what `oldDataHash` held".
struct AccessProof {
    bytes32 oldDataHash;
    bytes32 newDataHash;
    bytes nonce;
    bytes encryptedPubKey;
    bytes proof;
}

/// @dev Vouches that `newDataHash` is `oldDataHash` re-encrypted for the receiver and that
/// `sealedKey` opens it.
struct OwnershipProof {
    OracleType oracleType;
    bytes32 oldDataHash;
    bytes32 newDataHash;
    bytes sealedKey;
    bytes encryptedPubKey;
    bytes nonce;
    bytes proof;
}

/// @dev One proof per data item, bound to the transfer it authorises (which contract is
/// asked is bound by the verifier: msg.sender).
struct TransferValidityProof {
    AccessProof accessProof;
    OwnershipProof ownershipProof;
    address from;
    address to;
    uint256 tokenId;
    uint256 deadline;
}

struct TransferValidityProofOutput {
    bytes32 oldDataHash;
    bytes32 newDataHash;
    bytes sealedKey;
    bytes encryptedPubKey;
    address accessAssistant;
    bytes accessProofNonce;
    bytes ownershipProofNonce;
}

/// @notice Checks transfer-validity proofs. The NFT trusts only what this returns, so a TEE
/// or ZKP oracle can replace the signature verifier without changing the NFT.
interface IERC7857DataVerifier {
    function verifyTransferValidity(TransferValidityProof[] calldata proofs)
        external
        returns (TransferValidityProofOutput[] memory);
}

/// @notice ERC-7857: an ERC-721 whose token carries encrypted intelligent data and, per
/// holder, a sealed data key.
interface IERC7857 is IERC721 {
    event Minted(
        uint256 indexed tokenId, address indexed creator, address indexed owner, bytes32[] dataHashes, string[] dataDescriptions
    );
    event Updated(uint256 indexed tokenId, IntelligentData[] oldDatas, IntelligentData[] newDatas);
    event Transferred(uint256 tokenId, address indexed from, address indexed to);
    event Cloned(uint256 indexed tokenId, uint256 indexed newTokenId, address from, address to);
    event PublishedSealedKey(address indexed to, uint256 indexed tokenId, bytes[] sealedKeys);
    event Authorization(address indexed from, address indexed to, uint256 indexed tokenId);
    event AuthorizationRevoked(address indexed from, address indexed to, uint256 indexed tokenId);
    event DelegateAccess(address indexed user, address indexed assistant);

    function verifier() external view returns (IERC7857DataVerifier);
    function intelligentDataOf(uint256 tokenId) external view returns (IntelligentData[] memory);
    function mint(IntelligentData[] calldata datas, address to, bytes[] calldata sealedKeys)
        external
        returns (uint256 tokenId);
    function update(uint256 tokenId, IntelligentData[] calldata newDatas, bytes[] calldata sealedKeys) external;
    function iTransferFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs) external;
    function iCloneFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs)
        external
        returns (uint256 newTokenId);
    function authorizeUsage(uint256 tokenId, address user) external;
    function revokeAuthorization(uint256 tokenId, address user) external;
    function authorizedUsersOf(uint256 tokenId) external view returns (address[] memory);
    function delegateAccess(address assistant) external;
    function getDelegateAccess(address user) external view returns (address);
}
