// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev A validator's public profile, as 0G's `IStakingContract.Description` defines it.
struct Description {
    string moniker;
    string identity;
    string website;
    string securityContact;
    string details;
}

/// @dev One undelegation waiting for the withdrawal delay (0G's documented `WithdrawEntry`):
/// paid to `delegatorAddress` (the withdrawal address named at undelegation) once the
/// chain reaches `completionHeight`.
struct WithdrawEntry {
    uint256 completionHeight;
    address delegatorAddress;
    uint256 amount;
}

interface IZgStakingDevnetParams {
    function devnetWithdrawalDelay() external view returns (uint256);
}

/// @dev Devnet-only: credits `to` with the value it is created with without running any
/// code at `to`, the way 0G's consensus layer credits a withdrawal (a balance change, not
/// a call). SELFDESTRUCT in the creating transaction still sends its balance (EIP-6780).
contract DevnetCredit {
    constructor(address payable to) payable {
        selfdestruct(to);
    }
}

/// @title ZgValidator (devnet stand-in for 0G's per-validator contract, `IValidatorContract`)
/// @notice The public surface is exactly 0G's documented `IValidatorContract`
/// (docs/developer-hub/building-on-0g/contracts-on-0g/staking-interfaces.md in
/// 0gfoundation/0g-doc): `delegate(delegatorAddress)` payable returning shares,
/// `undelegate(withdrawalAddress, shares)` payable (`msg.value` pays the withdrawal fee),
/// `withdrawCommission(withdrawalAddress)` (operator only), and the views `tokens`,
/// `delegatorShares`, `getDelegation`, `commissionRate` (parts per million),
/// `withdrawalFeeInGwei`. 0G documents no events for it, so it emits none.
///
/// Delegations are shares of the validator's pool: `tokens` 0G against `delegatorShares`
/// shares; a delegation is worth `shares × tokens / delegatorShares`. The first delegation
/// mints shares 1:1. An undelegation leaves the pool at once and waits the withdrawal
/// delay; on 0G the consensus layer then pays it (there is no withdraw call).
///
/// Beyond 0G's interface, and never called by the app:
/// - `initialize`: the registry's plumbing for `initializeValidator` (registry only).
/// - `devnetDistributeRewards` (payable): what 0G's consensus layer does when it mints
///   rewards into the pool; the commission is set aside for the operator first.
/// - `devnetPayMatured`: what 0G's consensus layer does when a withdrawal matures; it
///   credits each matured withdrawal's address (see {DevnetCredit}).
/// Never: slashing, jailing, minimum activation stakes, consensus signatures.
contract ZgValidator {
    uint32 private constant COMMISSION_DENOMINATOR = 1_000_000;
    /// @dev How many matured entries one {devnetPayMatured} call pays at most.
    uint256 private constant MAX_PAYOUTS_PER_CALL = 64;

    address private immutable _registry;
    bool private _initialized;
    address private _operator;
    uint32 public commissionRate;
    uint96 public withdrawalFeeInGwei;
    Description private _description;

    /// @notice 0G in the pool (delegations plus rewards, minus undelegations).
    uint256 public tokens;
    /// @notice Shares issued against `tokens`.
    uint256 public delegatorShares;
    /// @dev Commission and withdrawal fees owed to the operator.
    uint256 private _commission;
    mapping(address delegator => uint256) private _shares;

    WithdrawEntry[] private _queue;
    uint256 private _queueHead;

    /// @dev Error names from 0G's documentation (its troubleshooting section); 0G does not
    /// document their arguments, so these carry none.
    error DelegationBelowMinimum();
    error NotEnoughWithdrawalFee();
    // The devnet's own refusals, named for what failed.
    error OnlyRegistry();
    error OnlyOperator();
    error NotInitialized();
    error AlreadyInitialized();
    error ZeroAddress();
    error InsufficientShares(uint256 requested, uint256 held);
    error NoDelegations();
    error CommissionRateTooHigh(uint32 rate);
    error NativeTransferFailed(address to, uint256 amount);

    constructor() {
        _registry = msg.sender;
    }

    /// @dev Registry only, for `initializeValidator`; the self-delegation follows.
    function initialize(
        address operator_,
        Description calldata description_,
        uint32 commissionRate_,
        uint96 withdrawalFeeInGwei_
    ) external {
        if (msg.sender != _registry) revert OnlyRegistry();
        if (_initialized) revert AlreadyInitialized();
        if (commissionRate_ > COMMISSION_DENOMINATOR) revert CommissionRateTooHigh(commissionRate_);
        _initialized = true;
        _operator = operator_;
        _description = description_;
        commissionRate = commissionRate_;
        withdrawalFeeInGwei = withdrawalFeeInGwei_;
    }

    /// @notice Delegates `msg.value` for `delegatorAddress`; returns the shares it received.
    function delegate(address delegatorAddress) external payable returns (uint256 shares) {
        if (!_initialized) revert NotInitialized();
        if (delegatorAddress == address(0)) revert ZeroAddress();
        shares = delegatorShares == 0 ? msg.value : msg.value * delegatorShares / tokens;
        if (shares == 0) revert DelegationBelowMinimum();
        tokens += msg.value;
        delegatorShares += shares;
        _shares[delegatorAddress] += shares;
    }

    /// @notice Gives back `shares` of the sender's delegation; their value is paid to
    /// `withdrawalAddress` after the withdrawal delay. `msg.value` must cover the fee
    /// (`withdrawalFeeInGwei` gwei), which goes to the operator; any excess is paid back
    /// with the withdrawal. Returns the 0G that will be paid for the shares.
    function undelegate(address withdrawalAddress, uint256 shares) external payable returns (uint256 amount) {
        uint256 fee = uint256(withdrawalFeeInGwei) * 1 gwei;
        if (msg.value < fee) revert NotEnoughWithdrawalFee();
        if (withdrawalAddress == address(0)) revert ZeroAddress();
        uint256 held = _shares[msg.sender];
        if (shares == 0 || shares > held) revert InsufficientShares(shares, held);
        amount = shares * tokens / delegatorShares;
        _shares[msg.sender] = held - shares;
        delegatorShares -= shares;
        tokens -= amount;
        _commission += fee;
        uint256 completionHeight = block.number + IZgStakingDevnetParams(_registry).devnetWithdrawalDelay();
        _queue.push(WithdrawEntry(completionHeight, withdrawalAddress, amount + msg.value - fee));
    }

    /// @notice Pays the operator's accumulated commission to `withdrawalAddress`.
    function withdrawCommission(address withdrawalAddress) external returns (uint256 amount) {
        if (msg.sender != _operator) revert OnlyOperator();
        if (withdrawalAddress == address(0)) revert ZeroAddress();
        amount = _commission;
        _commission = 0;
        if (amount > 0) {
            (bool ok,) = withdrawalAddress.call{value: amount}("");
            if (!ok) revert NativeTransferFailed(withdrawalAddress, amount);
        }
    }

    /// @notice (this validator, the shares `delegator` holds).
    function getDelegation(address delegator) external view returns (address, uint256) {
        return (address(this), _shares[delegator]);
    }

    // ---- Devnet only: what 0G's consensus layer does. Never called by the app. ----

    /// @notice Devnet only: rewards minted into the pool. The commission goes to the
    /// operator, the rest raises the value of every share.
    function devnetDistributeRewards() external payable {
        if (delegatorShares == 0) revert NoDelegations();
        uint256 commission = msg.value * commissionRate / COMMISSION_DENOMINATOR;
        _commission += commission;
        tokens += msg.value - commission;
    }

    /// @notice Devnet only: credits the matured withdrawals at the head of the queue (up
    /// to 64) the way 0G's consensus layer does, without running the recipient's code.
    /// Anyone may call; returns how many it paid.
    function devnetPayMatured() external returns (uint256 paid) {
        while (paid < MAX_PAYOUTS_PER_CALL && _queueHead < _queue.length) {
            WithdrawEntry memory entry = _queue[_queueHead];
            if (entry.completionHeight > block.number) break;
            delete _queue[_queueHead];
            _queueHead += 1;
            paid += 1;
            new DevnetCredit{value: entry.amount}(payable(entry.delegatorAddress));
        }
    }
}
