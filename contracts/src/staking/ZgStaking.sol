// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Description, ZgValidator} from "./ZgValidator.sol";

/// @title ZgStaking (devnet stand-in for 0G's staking registry, `IStakingContract`)
/// @notice Creates one {ZgValidator} per 48-byte consensus public key, at an address
/// derived from the key (CREATE2), and holds the parameters every validator reads. Same
/// calls as 0G's registry: `createValidator(pubkey)`, `initializeValidator(description,
/// commissionRate, withdrawalFeeInGwei, pubkey, signature)` (payable: the self-delegation),
/// `createAndInitializeValidatorIfNecessary(…)`, `getValidator(pubkey)`,
/// `computeValidatorAddress(pubkey)`, `validatorCount()`, `maxValidatorCount()`.
///
/// Differences from 0G: the `signature` (a deposit signature the consensus layer checks)
/// is accepted and ignored; there is no minimum activation stake and validators never
/// join a consensus set; {validatorAt} and {getValidators} list validators (0G's clients
/// find them through the consensus layer). The withdrawal delay is counted in blocks.
contract ZgStaking {
    uint256 public constant PUBKEY_LENGTH = 48;

    /// @notice Blocks an undelegation waits before it can be paid.
    uint256 public immutable minWithdrawabilityDelay;
    uint32 public immutable maxValidatorCount;
    address[] private _validators;
    mapping(bytes32 pubkeyHash => address) private _byPubkey;

    event ValidatorCreated(bytes pubkey, address indexed validator);
    event ValidatorInitialized(address indexed validator, address indexed operator, uint256 selfDelegation);

    error InvalidPubkeyLength(uint256 length);
    error ValidatorExists(address validator);
    error ValidatorNotFound();
    error TooManyValidators(uint32 max);

    constructor(uint256 minWithdrawabilityDelay_, uint32 maxValidatorCount_) {
        minWithdrawabilityDelay = minWithdrawabilityDelay_;
        maxValidatorCount = maxValidatorCount_;
    }

    /// @notice Deploys the (uninitialised) validator contract for `pubkey`.
    function createValidator(bytes calldata pubkey) public returns (address validator) {
        if (pubkey.length != PUBKEY_LENGTH) revert InvalidPubkeyLength(pubkey.length);
        bytes32 key = keccak256(pubkey);
        if (_byPubkey[key] != address(0)) revert ValidatorExists(_byPubkey[key]);
        if (_validators.length >= maxValidatorCount) revert TooManyValidators(maxValidatorCount);
        validator = address(new ZgValidator{salt: key}());
        ZgValidator(validator).bind(pubkey);
        _byPubkey[key] = validator;
        _validators.push(validator);
        emit ValidatorCreated(pubkey, validator);
    }

    /// @notice Makes the sender the operator of `pubkey`'s validator and self-delegates
    /// `msg.value`. `commissionRate` is in parts per million (50_000 = 5%).
    function initializeValidator(
        Description calldata description,
        uint32 commissionRate,
        uint96 withdrawalFeeInGwei,
        bytes calldata pubkey,
        bytes calldata /* signature: checked by 0G's consensus layer, which the devnet lacks */
    ) public payable {
        address validator = _byPubkey[keccak256(pubkey)];
        if (validator == address(0)) revert ValidatorNotFound();
        ZgValidator(validator).initialize(msg.sender, description, commissionRate, withdrawalFeeInGwei);
        ZgValidator(validator).delegate{value: msg.value}(msg.sender);
        emit ValidatorInitialized(validator, msg.sender, msg.value);
    }

    /// @notice {createValidator} unless it exists, then {initializeValidator}.
    function createAndInitializeValidatorIfNecessary(
        Description calldata description,
        uint32 commissionRate,
        uint96 withdrawalFeeInGwei,
        bytes calldata pubkey,
        bytes calldata signature
    ) external payable returns (address validator) {
        validator = getValidator(pubkey);
        if (validator == address(0)) validator = createValidator(pubkey);
        initializeValidator(description, commissionRate, withdrawalFeeInGwei, pubkey, signature);
    }

    /// @notice The validator contract of `pubkey`, or the zero address.
    function getValidator(bytes memory pubkey) public view returns (address) {
        return _byPubkey[keccak256(pubkey)];
    }

    /// @notice Where `pubkey`'s validator contract is or will be.
    function computeValidatorAddress(bytes calldata pubkey) external view returns (address) {
        bytes32 hash = keccak256(
            abi.encodePacked(bytes1(0xff), address(this), keccak256(pubkey), keccak256(type(ZgValidator).creationCode))
        );
        return address(uint160(uint256(hash)));
    }

    function validatorCount() external view returns (uint32) {
        return uint32(_validators.length);
    }

    /// @notice The `index`-th validator created (0-based).
    function validatorAt(uint256 index) external view returns (address) {
        return _validators[index];
    }

    function getValidators() external view returns (address[] memory) {
        return _validators;
    }
}
