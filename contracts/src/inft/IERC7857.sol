// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";

// ERC-7857 as 0G's reference declares it (0gfoundation/0g-agent-nft, contracts/interfaces/:
// IERC7857.sol, IERC7857Metadata.sol, IERC7857Cloneable.sol, IERC7857Authorize.sol,
// IERC7857DataVerifier.sol): the same functions, structs (fields in the same order), events
// and errors, so the same selectors, topics and ERC-165 interface ids. Written here from
// those signatures; the only addition is `OracleType.Signature` (below).

/// @dev One piece of an agent's data: what it is, and the 0G Storage root of its ciphertext.
struct IntelligentData {
    string dataDescription;
    bytes32 dataHash;
}

/// @dev Which kind of oracle vouches for an ownership proof. 0G's reference has TEE and ZKP;
/// `Signature` (2) is ours: the holder's own signature (SignatureVerifier). It is a uint8 in
/// the ABI either way, so the struct layout and every selector are unchanged.
enum OracleType {
    TEE,
    ZKP,
    Signature
}

/// @dev Signed by the receiver (or the access assistant it delegated to): "the data behind
/// `dataHash` is available to me". An empty `targetPubkey` means the receiver's own
/// Ethereum key.
struct AccessProof {
    bytes32 dataHash;
    bytes targetPubkey;
    bytes nonce;
    bytes proof;
}

/// @dev Vouches that the sender owns the data behind `dataHash` and that `sealedKey` is its
/// data key sealed to `targetPubkey`.
struct OwnershipProof {
    OracleType oracleType;
    bytes32 dataHash;
    bytes sealedKey;
    bytes targetPubkey;
    bytes nonce;
    bytes proof;
}

struct TransferValidityProof {
    AccessProof accessProof;
    OwnershipProof ownershipProof;
}

/// @dev What a verifier vouches for. `targetPubkey` is the ownership proof's, `wantedKey`
/// the access proof's.
struct TransferValidityProofOutput {
    bytes32 dataHash;
    bytes sealedKey;
    bytes targetPubkey;
    bytes wantedKey;
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

interface IERC7857Metadata is IERC721Metadata {
    function intelligentDatasOf(uint256 tokenId) external view returns (IntelligentData[] memory);
}

/// @notice ERC-7857: an ERC-721 whose token carries encrypted intelligent data and, per
/// holder, a sealed data key.
interface IERC7857 is IERC721, IERC7857Metadata {
    error ERC7857InvalidAssistant(address);
    error ERC7857EmptyProof();
    error ERC7857ProofCountMismatch();
    error ERC7857DataHashMismatch();
    error ERC7857AccessAssistantMismatch();
    error ERC7857WantedReceiverMismatch();
    error ERC7857TargetPubkeyMismatch();

    event Updated(uint256 indexed tokenId, IntelligentData[] oldDatas, IntelligentData[] newDatas);
    event PublishedSealedKey(address indexed to, uint256 indexed tokenId, bytes[] sealedKeys);
    event DelegateAccess(address indexed user, address indexed assistant);

    function verifier() external view returns (IERC7857DataVerifier);
    function iTransferFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs) external;
    function delegateAccess(address assistant) external;
    function getDelegateAccess(address user) external view returns (address);
}

interface IERC7857Cloneable is IERC7857 {
    event Cloned(uint256 indexed tokenId, uint256 indexed newTokenId, address from, address to);

    function iCloneFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs)
        external
        returns (uint256 newTokenId);
}

interface IERC7857Authorize is IERC7857 {
    error ERC7857InvalidAuthorizedUser(address);
    error ERC7857TooManyAuthorizedUsers();
    error ERC7857AlreadyAuthorized();
    error ERC7857NotAuthorized();

    event Authorization(address indexed from, address indexed to, uint256 indexed tokenId);
    event AuthorizationRevoked(address indexed from, address indexed to, uint256 indexed tokenId);

    function authorizeUsage(uint256 tokenId, address user) external;
    function revokeAuthorization(uint256 tokenId, address user) external;
    function authorizedUsersOf(uint256 tokenId) external view returns (address[] memory);
}
