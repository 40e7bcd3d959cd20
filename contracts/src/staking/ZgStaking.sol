// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Description, ZgValidator} from "./ZgValidator.sol";

/// @title ZgStaking (devnet stand-in for 0G's staking registry, `IStakingContract`)
/// @notice The public surface is exactly 0G's documented `IStakingContract`
/// (docs/developer-hub/building-on-0g/contracts-on-0g/staking-interfaces.md in
/// 0gfoundation/0g-doc): `createValidator(pubkey)`, `initializeValidator(description,
/// commissionRate, withdrawalFeeInGwei, pubkey, signature)` (payable: the
/// self-delegation), `createAndInitializeValidatorIfNecessary(…)`, `getValidator(pubkey)`,
/// `computeValidatorAddress(pubkey)`, `validatorCount()`, `maxValidatorCount()`. One
/// {ZgValidator} per 48-byte consensus public key, at an address derived from the key
/// (CREATE2). 0G documents no events and no way to list validators, so there is none.
///
/// Beyond 0G's interface, and never called by the app: `devnetWithdrawalDelay()`, the
/// blocks an undelegation waits (a parameter 0G names, `minWithdrawabilityDelay`, without
/// documenting a call for it). Differences from 0G: the `signature` (a deposit signature
/// 0G's consensus layer checks) is accepted and ignored; there is no minimum activation
/// stake and validators never join a consensus set.
contract ZgStaking {
    uint256 private constant PUBKEY_LENGTH = 48;

    uint256 private immutable _withdrawalDelay;
    uint32 public immutable maxValidatorCount;
    uint32 public validatorCount;
    mapping(bytes32 pubkeyHash => address) private _byPubkey;

    error InvalidPubkeyLength(uint256 length);
    error ValidatorExists(address validator);
    error ValidatorNotFound();
    error TooManyValidators(uint32 max);

    constructor(uint256 withdrawalDelay, uint32 maxValidatorCount_) {
        _withdrawalDelay = withdrawalDelay;
        maxValidatorCount = maxValidatorCount_;
    }

    /// @notice Deploys the (uninitialised) validator contract for `pubkey`.
    function createValidator(bytes calldata pubkey) public returns (address validator) {
        if (pubkey.length != PUBKEY_LENGTH) revert InvalidPubkeyLength(pubkey.length);
        bytes32 key = keccak256(pubkey);
        if (_byPubkey[key] != address(0)) revert ValidatorExists(_byPubkey[key]);
        if (validatorCount >= maxValidatorCount) revert TooManyValidators(maxValidatorCount);
        validator = address(new ZgValidator{salt: key}());
        _byPubkey[key] = validator;
        validatorCount += 1;
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

    /// @notice Devnet only: blocks an undelegation waits before the (simulated) consensus
    /// layer pays it. Never called by the app.
    function devnetWithdrawalDelay() external view returns (uint256) {
        return _withdrawalDelay;
    }
}
