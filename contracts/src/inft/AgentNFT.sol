// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {
    IERC7857,
    IERC7857DataVerifier,
    IntelligentData,
    TransferValidityProof,
    TransferValidityProofOutput
} from "./IERC7857.sol";

/// @title zg-console agent NFT (ERC-7857)
/// @notice An agent is a token; its config, memory and keys are encrypted (the ciphertext's
/// 0G Storage root is each item's dataHash) and the data key is sealed to the holder. The
/// token only changes hands with proofs that the receiver can open re-encrypted data
/// (`iTransferFrom`), so a plain ERC-721 transfer, which would leave the new holder unable
/// to read the agent, is refused.
///
/// Transfer or clone is decided by both parties' signatures, not by which function the
/// holder calls: the first 32 bytes of every access and ownership nonce are the operation
/// tag (`TRANSFER_OPERATION` or `CLONE_OPERATION`), and both digests the verifier checks
/// cover keccak256(nonce). `iTransferFrom` accepts only proofs tagged for a transfer,
/// `iCloneFrom` only proofs tagged for a clone, so neither side can turn a promised clone
/// into a transfer or the reverse. The tags are read from the verifier's outputs, which
/// carry both nonces in ERC-7857's shape, so a verifier without an operation parameter
/// (0G's reference ABI) keeps the rule.
contract AgentNFT is ERC721, IERC7857 {
    bytes32 public constant TRANSFER_OPERATION = keccak256("zg-console/inft/op/transfer");
    bytes32 public constant CLONE_OPERATION = keccak256("zg-console/inft/op/clone");

    IERC7857DataVerifier public immutable override verifier;
    uint256 public nextTokenId = 1;

    mapping(uint256 => IntelligentData[]) private _datas;
    mapping(uint256 => address[]) private _authorized;
    mapping(address => address) private _delegates;
    /// @dev Set only inside iTransferFrom, the one path allowed to move a token.
    bool private _provenTransfer;

    error ERC7857EmptyData();
    error ERC7857KeyCountMismatch(uint256 datas, uint256 sealedKeys);
    error ERC7857ProofCountMismatch(uint256 datas, uint256 proofs);
    error ERC7857DataHashMismatch(uint256 index);
    error ERC7857WrongParties(uint256 index);
    error ERC7857AccessAssistantMismatch(address signer, address receiver);
    error ERC7857NotOwner(address caller, uint256 tokenId);
    error ERC7857UseITransferFrom();
    error ERC7857AlreadyAuthorized(address user);
    error ERC7857NotAuthorized(address user);
    error ERC7857InvalidUser(address user);
    /// @dev Proof `index`'s access or ownership nonce does not start with `expected`: the
    /// parties signed for the other operation (or for none).
    error ERC7857WrongOperation(uint256 index, bytes32 expected);

    constructor(IERC7857DataVerifier verifier_) ERC721("zg-console Agent", "AGENT") {
        verifier = verifier_;
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == type(IERC7857).interfaceId || super.supportsInterface(interfaceId);
    }

    function intelligentDataOf(uint256 tokenId) external view returns (IntelligentData[] memory) {
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
        bytes32[] memory hashes = new bytes32[](datas.length);
        string[] memory descriptions = new string[](datas.length);
        for (uint256 i = 0; i < datas.length; i++) {
            _datas[tokenId].push(datas[i]);
            hashes[i] = datas[i].dataHash;
            descriptions[i] = datas[i].dataDescription;
        }
        _safeMint(to, tokenId);
        emit Minted(tokenId, msg.sender, to, hashes, descriptions);
        emit PublishedSealedKey(to, tokenId, sealedKeys);
    }

    /// @notice The holder replaces the token's data (re-encrypted, re-uploaded) and keys.
    function update(uint256 tokenId, IntelligentData[] calldata newDatas, bytes[] calldata sealedKeys) external {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner) revert ERC7857NotOwner(msg.sender, tokenId);
        if (newDatas.length == 0) revert ERC7857EmptyData();
        if (newDatas.length != sealedKeys.length) revert ERC7857KeyCountMismatch(newDatas.length, sealedKeys.length);
        IntelligentData[] memory old = _datas[tokenId];
        delete _datas[tokenId];
        for (uint256 i = 0; i < newDatas.length; i++) {
            _datas[tokenId].push(newDatas[i]);
        }
        emit Updated(tokenId, old, newDatas);
        emit PublishedSealedKey(owner, tokenId, sealedKeys);
    }

    function iTransferFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs)
        external
    {
        if (!_isAuthorized(_requireOwned(tokenId), msg.sender, tokenId)) {
            revert ERC721InsufficientApproval(msg.sender, tokenId);
        }
        (IntelligentData[] memory newDatas, bytes[] memory keys) =
            _checkProofs(from, to, tokenId, proofs, TRANSFER_OPERATION);
        IntelligentData[] memory old = _datas[tokenId];
        delete _datas[tokenId];
        for (uint256 i = 0; i < newDatas.length; i++) {
            _datas[tokenId].push(newDatas[i]);
        }
        // Usage rights were granted by the old holder; they do not pass with the token.
        delete _authorized[tokenId];
        _provenTransfer = true;
        _safeTransfer(from, to, tokenId);
        _provenTransfer = false;
        emit Updated(tokenId, old, newDatas);
        emit Transferred(tokenId, from, to);
        emit PublishedSealedKey(to, tokenId, keys);
    }

    /// @notice A new token for `to` holding the same agent, re-encrypted for `to`; the
    /// original is unchanged.
    function iCloneFrom(address from, address to, uint256 tokenId, TransferValidityProof[] calldata proofs)
        external
        returns (uint256 newTokenId)
    {
        if (!_isAuthorized(_requireOwned(tokenId), msg.sender, tokenId)) {
            revert ERC721InsufficientApproval(msg.sender, tokenId);
        }
        (IntelligentData[] memory newDatas, bytes[] memory keys) =
            _checkProofs(from, to, tokenId, proofs, CLONE_OPERATION);
        newTokenId = nextTokenId++;
        bytes32[] memory hashes = new bytes32[](newDatas.length);
        string[] memory descriptions = new string[](newDatas.length);
        for (uint256 i = 0; i < newDatas.length; i++) {
            _datas[newTokenId].push(newDatas[i]);
            hashes[i] = newDatas[i].dataHash;
            descriptions[i] = newDatas[i].dataDescription;
        }
        _safeMint(to, newTokenId);
        emit Minted(newTokenId, msg.sender, to, hashes, descriptions);
        emit Cloned(tokenId, newTokenId, from, to);
        emit PublishedSealedKey(to, newTokenId, keys);
    }

    /// @dev `operation` is the tag every nonce must start with: what both parties signed
    /// for must be what is being done.
    function _checkProofs(
        address from,
        address to,
        uint256 tokenId,
        TransferValidityProof[] calldata proofs,
        bytes32 operation
    ) private returns (IntelligentData[] memory newDatas, bytes[] memory keys) {
        IntelligentData[] storage current = _datas[tokenId];
        if (proofs.length != current.length) revert ERC7857ProofCountMismatch(current.length, proofs.length);
        if (ownerOf(tokenId) != from) revert ERC721IncorrectOwner(from, tokenId, ownerOf(tokenId));
        if (to == address(0)) revert ERC721InvalidReceiver(address(0));
        for (uint256 i = 0; i < proofs.length; i++) {
            if (proofs[i].from != from || proofs[i].to != to || proofs[i].tokenId != tokenId) {
                revert ERC7857WrongParties(i);
            }
        }
        TransferValidityProofOutput[] memory outputs = verifier.verifyTransferValidity(proofs);
        newDatas = new IntelligentData[](outputs.length);
        keys = new bytes[](outputs.length);
        for (uint256 i = 0; i < outputs.length; i++) {
            if (outputs[i].oldDataHash != current[i].dataHash) revert ERC7857DataHashMismatch(i);
            address assistant = outputs[i].accessAssistant;
            if (assistant != to && assistant != _delegates[to]) {
                revert ERC7857AccessAssistantMismatch(assistant, to);
            }
            if (
                !_taggedFor(outputs[i].accessProofNonce, operation)
                    || !_taggedFor(outputs[i].ownershipProofNonce, operation)
            ) revert ERC7857WrongOperation(i, operation);
            newDatas[i] = IntelligentData({dataDescription: current[i].dataDescription, dataHash: outputs[i].newDataHash});
            keys[i] = outputs[i].sealedKey;
        }
    }

    /// @dev A nonce shorter than the tag carries no operation and is refused, rather than
    /// read zero-padded.
    function _taggedFor(bytes memory nonce, bytes32 operation) private pure returns (bool) {
        return nonce.length >= 32 && bytes32(nonce) == operation;
    }

    function authorizeUsage(uint256 tokenId, address user) external {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner) revert ERC7857NotOwner(msg.sender, tokenId);
        if (user == address(0)) revert ERC7857InvalidUser(user);
        address[] storage users = _authorized[tokenId];
        for (uint256 i = 0; i < users.length; i++) {
            if (users[i] == user) revert ERC7857AlreadyAuthorized(user);
        }
        users.push(user);
        emit Authorization(owner, user, tokenId);
    }

    function revokeAuthorization(uint256 tokenId, address user) external {
        address owner = _requireOwned(tokenId);
        if (msg.sender != owner) revert ERC7857NotOwner(msg.sender, tokenId);
        address[] storage users = _authorized[tokenId];
        for (uint256 i = 0; i < users.length; i++) {
            if (users[i] == user) {
                users[i] = users[users.length - 1];
                users.pop();
                emit AuthorizationRevoked(owner, user, tokenId);
                return;
            }
        }
        revert ERC7857NotAuthorized(user);
    }

    function authorizedUsersOf(uint256 tokenId) external view returns (address[] memory) {
        _requireOwned(tokenId);
        return _authorized[tokenId];
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
