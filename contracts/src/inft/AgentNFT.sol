// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {
    IERC7857,
    IERC7857Authorize,
    IERC7857Cloneable,
    IERC7857DataVerifier,
    IERC7857Metadata,
    IntelligentData,
    TransferValidityProof,
    TransferValidityProofOutput
} from "./IERC7857.sol";
import {Handover, HandoverNonce} from "./HandoverNonce.sol";

/// @title zg-console agent NFT (ERC-7857, 0G's reference ABI)
/// @notice An agent is a token; its config, memory and keys are encrypted (the ciphertext's
/// 0G Storage root is each item's dataHash) and the data key is sealed to the holder.
///
/// It exposes 0G's reference interfaces (0gfoundation/0g-agent-nft: IERC7857,
/// IERC7857Metadata, IERC7857Cloneable, IERC7857Authorize) with their selectors, structs,
/// events and errors, plus the batch forms of its AgentNFT (`batchAuthorizeUsage`,
/// `clearAuthorizedUsers`), so code written against 0G's reference reads, transfers and
/// clones these agents. `iTransferFrom` and `iCloneFrom` run 0G's checks on the verifier's
/// outputs (`dataHash` is the token's, the access assistant is `to` or its delegate, an
/// empty wanted key means `targetPubkey` is `to`'s own 64-byte key, else the two keys are
/// equal). How the proof fields carry our guarantees: see SignatureVerifier.sol.
///
/// What differs from 0G's reference, and why:
/// - Transfers and clones re-encrypt. The proofs' `dataHash` is the data the token holds
///   now (as in 0G); the root of the data re-encrypted for the receiver is `newDataHash`
///   in the signed nonces (`Handover`), and the token (or the clone) holds it afterwards
///   (`Updated` says so). 0G's reference keeps the data unchanged and publishes the same
///   data key to the receiver; a clone here also gets a fresh agent key, so its data must
///   differ.
/// - Every proof's nonces are a `Handover`: their first 32 bytes are the operation tag
///   (`TRANSFER_OPERATION` / `CLONE_OPERATION`) and they name chain, contract, token,
///   parties, deadline and the sealed key's hash. This contract checks them against the
///   call (`_checkTerms`), so proofs signed for a clone cannot make a transfer (which would
///   hand over the agent's wallet key) nor the reverse, whatever the verifier.
/// - A plain ERC-721 transfer is refused (`ERC7857UseITransferFrom`): it would leave the
///   receiver holding a token whose data it cannot open. 0G's reference allows it.
/// - `mint` and `update` take the data keys sealed to the holder and publish them
///   (`PublishedSealedKey`), so a holder needs nothing but its wallet to open its agent;
///   `mint` also emits `Minted` (the creator, for provenance). 0G's `mint(datas, to)` and
///   `update(tokenId, datas)` take no keys and have other selectors.
/// - No admin, roles, pause, mint fee, token URIs, creator registry or upgradeability:
///   anyone may deploy this, and nobody can change its verifier afterwards.
/// - Token ids start at 1 (0G's at 0).
contract AgentNFT is ERC721, IERC7857Cloneable, IERC7857Authorize {
    using EnumerableSet for EnumerableSet.AddressSet;

    bytes32 public constant TRANSFER_OPERATION = keccak256("zg-console/inft/op/transfer");
    bytes32 public constant CLONE_OPERATION = keccak256("zg-console/inft/op/clone");
    /// @notice 0G's bound on a token's authorized users.
    uint256 public constant MAX_AUTHORIZED_USERS = 100;

    IERC7857DataVerifier public immutable override verifier;
    uint256 public nextTokenId = 1;

    mapping(uint256 => IntelligentData[]) private _datas;
    mapping(uint256 => EnumerableSet.AddressSet) private _authorized;
    mapping(address => address) private _delegates;
    /// @dev Set only inside iTransferFrom, the one path allowed to move a token.
    bool private _provenTransfer;

    /// @notice A new token: `creator` is who called `mint` (or `iCloneFrom`), `owner` whom
    /// it was minted to.
    event Minted(
        uint256 indexed tokenId, address indexed creator, address indexed owner, bytes32[] dataHashes, string[] dataDescriptions
    );
    /// @notice 0G's AgentNFT event for `clearAuthorizedUsers`.
    event AuthorizedUsersCleared(address indexed owner, uint256 indexed tokenId);

    error ERC7857EmptyData();
    error ERC7857KeyCountMismatch(uint256 datas, uint256 sealedKeys);
    error ERC7857UseITransferFrom();
    error ERC7857NoUsers();
    /// @dev Proof `index`'s nonces are not one `Handover` (see HandoverNonce.sol).
    error ERC7857MalformedNonce(uint256 index);
    /// @dev Proof `index` was signed for the other operation than `expected`.
    error ERC7857WrongOperation(uint256 index, bytes32 expected);
    /// @dev Proof `index` names another chain, contract, token, sender or receiver.
    error ERC7857WrongParties(uint256 index);
    error ERC7857ProofExpired(uint256 index, uint256 deadline);
    /// @dev Proof `index` publishes another sealed key than both parties signed.
    error ERC7857SealedKeyMismatch(uint256 index);

    constructor(IERC7857DataVerifier verifier_) ERC721("zg-console Agent", "AGENT") {
        verifier = verifier_;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IERC7857).interfaceId || interfaceId == type(IERC7857Metadata).interfaceId
            || interfaceId == type(IERC7857Cloneable).interfaceId || interfaceId == type(IERC7857Authorize).interfaceId
            || super.supportsInterface(interfaceId);
    }

    function intelligentDatasOf(uint256 tokenId) external view returns (IntelligentData[] memory) {
        _requireOwned(tokenId);
        return _datas[tokenId];
    }

    function mint(IntelligentData[] calldata datas, address to, bytes[] calldata sealedKeys)
        external
        returns (uint256 tokenId)
    {
        if (datas.length == 0) revert ERC7857EmptyData();
        if (datas.length != sealedKeys.length) revert ERC7857KeyCountMismatch(datas.length, sealedKeys.length);
        tokenId = nextTokenId++;
        for (uint256 i = 0; i < datas.length; i++) {
            _datas[tokenId].push(datas[i]);
        }
        _safeMint(to, tokenId);
        _announceMint(tokenId, to, datas);
        emit PublishedSealedKey(to, tokenId, sealedKeys);
    }

    /// @notice The holder replaces the token's data (re-encrypted, re-uploaded) and keys.
    function update(uint256 tokenId, IntelligentData[] calldata newDatas, bytes[] calldata sealedKeys) external {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner) revert ERC721IncorrectOwner(msg.sender, tokenId, owner);
        if (newDatas.length == 0) revert ERC7857EmptyData();
        if (newDatas.length != sealedKeys.length) revert ERC7857KeyCountMismatch(newDatas.length, sealedKeys.length);
        _replaceData(tokenId, newDatas);
        emit PublishedSealedKey(owner, tokenId, sealedKeys);
    }

    function iTransferFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs)
        external
    {
        _requireHolderAndCaller(from, tokenId);
        (IntelligentData[] memory newDatas, bytes[] memory keys) =
            _proofCheck(from, to, tokenId, proofs, TRANSFER_OPERATION);
        // Usage rights were granted by the old holder; they do not pass with the token.
        _authorized[tokenId].clear();
        _replaceData(tokenId, newDatas);
        _provenTransfer = true;
        _safeTransfer(from, to, tokenId);
        _provenTransfer = false;
        emit PublishedSealedKey(to, tokenId, keys);
    }

    /// @notice A new token for `to` holding the same agent, re-encrypted for `to`; the
    /// original is unchanged.
    function iCloneFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs)
        external
        returns (uint256 newTokenId)
    {
        _requireHolderAndCaller(from, tokenId);
        (IntelligentData[] memory newDatas, bytes[] memory keys) =
            _proofCheck(from, to, tokenId, proofs, CLONE_OPERATION);
        newTokenId = nextTokenId++;
        for (uint256 i = 0; i < newDatas.length; i++) {
            _datas[newTokenId].push(newDatas[i]);
        }
        _safeMint(to, newTokenId);
        _announceMint(newTokenId, to, newDatas);
        emit Cloned(tokenId, newTokenId, from, to);
        emit PublishedSealedKey(to, newTokenId, keys);
    }

    /// @dev `from` holds the token (0G: ERC721InvalidSender) and the caller may move it.
    function _requireHolderAndCaller(address from, uint256 tokenId) private view {
        address owner = _requireOwned(tokenId);
        if (owner != from) revert ERC721InvalidSender(from);
        if (!_isAuthorized(owner, msg.sender, tokenId)) revert ERC721InsufficientApproval(msg.sender, tokenId);
    }

    /// @dev 0G's `_proofCheck`, then our terms: `operation` is the tag every nonce must
    /// start with, so what both parties signed for is what is being done.
    function _proofCheck(
        address from,
        address to,
        uint256 tokenId,
        TransferValidityProof[] calldata proofs,
        bytes32 operation
    ) private returns (IntelligentData[] memory newDatas, bytes[] memory keys) {
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        if (proofs.length == 0) revert ERC7857EmptyProof();
        IntelligentData[] storage current = _datas[tokenId];
        if (proofs.length != current.length) revert ERC7857ProofCountMismatch();
        TransferValidityProofOutput[] memory outputs = verifier.verifyTransferValidity(proofs);
        if (outputs.length != current.length) revert ERC7857ProofCountMismatch();
        newDatas = new IntelligentData[](outputs.length);
        keys = new bytes[](outputs.length);
        for (uint256 i = 0; i < outputs.length; i++) {
            TransferValidityProofOutput memory o = outputs[i];
            if (o.dataHash != current[i].dataHash) revert ERC7857DataHashMismatch();
            if (o.accessAssistant == address(0) || (o.accessAssistant != to && o.accessAssistant != _delegates[to])) {
                revert ERC7857AccessAssistantMismatch();
            }
            if (o.wantedKey.length == 0) {
                // "My own key": the data key is sealed to the receiver's Ethereum key.
                if (o.targetPubkey.length != 64 || address(uint160(uint256(keccak256(o.targetPubkey)))) != to) {
                    revert ERC7857WantedReceiverMismatch();
                }
            } else if (keccak256(o.targetPubkey) != keccak256(o.wantedKey)) {
                revert ERC7857TargetPubkeyMismatch();
            }
            bytes32 newDataHash = _checkTerms(i, o, from, to, tokenId, operation);
            newDatas[i] = IntelligentData({dataDescription: current[i].dataDescription, dataHash: newDataHash});
            keys[i] = o.sealedKey;
        }
    }

    /// @dev The handover both nonces describe must be this call; returns the new data's root.
    function _checkTerms(
        uint256 i,
        TransferValidityProofOutput memory o,
        address from,
        address to,
        uint256 tokenId,
        bytes32 operation
    ) private view returns (bytes32) {
        (bool ok, Handover memory h) = HandoverNonce.decode(o.ownershipProofNonce);
        if (!ok || !HandoverNonce.sameTerms(o.ownershipProofNonce, o.accessProofNonce)) {
            revert ERC7857MalformedNonce(i);
        }
        if (h.operation != operation) revert ERC7857WrongOperation(i, operation);
        if (h.chainId != block.chainid || h.nft != address(this) || h.tokenId != tokenId || h.from != from || h.to != to)
        {
            revert ERC7857WrongParties(i);
        }
        if (block.timestamp > h.deadline) revert ERC7857ProofExpired(i, h.deadline);
        if (h.sealedKeyHash != keccak256(o.sealedKey)) revert ERC7857SealedKeyMismatch(i);
        return h.newDataHash;
    }

    function _replaceData(uint256 tokenId, IntelligentData[] memory newDatas) private {
        IntelligentData[] memory old = _datas[tokenId];
        delete _datas[tokenId];
        for (uint256 i = 0; i < newDatas.length; i++) {
            _datas[tokenId].push(newDatas[i]);
        }
        emit Updated(tokenId, old, newDatas);
    }

    /// @dev A new token's events: ours (`Minted`), and 0G's `Updated` from no data.
    function _announceMint(uint256 tokenId, address to, IntelligentData[] memory datas) private {
        bytes32[] memory hashes = new bytes32[](datas.length);
        string[] memory descriptions = new string[](datas.length);
        for (uint256 i = 0; i < datas.length; i++) {
            hashes[i] = datas[i].dataHash;
            descriptions[i] = datas[i].dataDescription;
        }
        emit Minted(tokenId, msg.sender, to, hashes, descriptions);
        emit Updated(tokenId, new IntelligentData[](0), datas);
    }

    function authorizeUsage(uint256 tokenId, address user) external {
        if (user == address(0)) revert ERC7857InvalidAuthorizedUser(address(0));
        _requireHolder(tokenId);
        _authorize(tokenId, user);
    }

    /// @notice 0G's AgentNFT batch form of `authorizeUsage`.
    function batchAuthorizeUsage(uint256 tokenId, address[] calldata users) external {
        if (users.length == 0) revert ERC7857NoUsers();
        _requireHolder(tokenId);
        for (uint256 i = 0; i < users.length; i++) {
            if (users[i] == address(0)) revert ERC7857InvalidAuthorizedUser(address(0));
            _authorize(tokenId, users[i]);
        }
    }

    function revokeAuthorization(uint256 tokenId, address user) external {
        if (_ownerOf(tokenId) != msg.sender) revert ERC721InvalidSender(msg.sender);
        if (user == address(0)) revert ERC7857InvalidAuthorizedUser(user);
        if (!_authorized[tokenId].remove(user)) revert ERC7857NotAuthorized();
        emit AuthorizationRevoked(msg.sender, user, tokenId);
    }

    /// @notice 0G's AgentNFT: the holder revokes every authorization at once.
    function clearAuthorizedUsers(uint256 tokenId) external {
        _requireHolder(tokenId);
        _authorized[tokenId].clear();
        emit AuthorizedUsersCleared(msg.sender, tokenId);
    }

    function authorizedUsersOf(uint256 tokenId) external view returns (address[] memory) {
        _requireOwned(tokenId);
        return _authorized[tokenId].values();
    }

    function _requireHolder(uint256 tokenId) private view {
        address owner = _ownerOf(tokenId);
        if (owner != msg.sender) revert ERC721IncorrectOwner(msg.sender, tokenId, owner);
    }

    function _authorize(uint256 tokenId, address user) private {
        EnumerableSet.AddressSet storage users = _authorized[tokenId];
        if (users.length() >= MAX_AUTHORIZED_USERS) revert ERC7857TooManyAuthorizedUsers();
        if (!users.add(user)) revert ERC7857AlreadyAuthorized();
        emit Authorization(msg.sender, user, tokenId);
    }

    function delegateAccess(address assistant) external {
        _delegates[msg.sender] = assistant;
        emit DelegateAccess(msg.sender, assistant);
    }

    function getDelegateAccess(address user) external view returns (address) {
        return _delegates[user];
    }

    /// @dev Mints and proven transfers only: a plain transfer would hand over a token
    /// whose data the receiver cannot decrypt.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address) {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0) && !_provenTransfer) revert ERC7857UseITransferFrom();
        return super._update(to, tokenId, auth);
    }
}
