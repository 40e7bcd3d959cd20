// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev A validator's public profile, as 0G's staking contracts (and Cosmos) define it.
struct Description {
    string moniker;
    string identity;
    string website;
    string securityContact;
    string details;
}

/// @dev One undelegation waiting for its delay: paid to `delegatorAddress` (the withdrawal
/// address named at undelegation) once the chain reaches `completionHeight`.
struct WithdrawEntry {
    uint256 completionHeight;
    address delegatorAddress;
    uint256 amount;
}

interface IZgStakingParams {
    function minWithdrawabilityDelay() external view returns (uint256);
}

/// @title ZgValidator (devnet stand-in for 0G's per-validator staking contract)
/// @notice Same calls as 0G's `IValidatorContract`: `delegate(delegatorAddress)` payable
/// returning shares, `undelegate(withdrawalAddress, shares)` payable (`msg.value` pays the
/// withdrawal fee), `withdrawCommission`, `tokens`, `delegatorShares`, `getDelegation`,
/// `commissionRate` (parts per million), `withdrawalFeeInGwei`, `convertToShares`,
/// `convertToTokens`.
///
/// Delegations are shares of the validator's pool: `tokens` native 0G against
/// `delegatorShares` shares; the first delegation mints shares 1:1. Rewards raise `tokens`
/// and so the value of every share (no claiming, as on 0G). On 0G the consensus layer mints
/// rewards into the pool; here anyone pays them in with {distributeRewards}, which first
/// sets the validator's commission aside for its operator. An undelegation leaves the pool
/// at once and waits `minWithdrawabilityDelay` blocks in a queue; on 0G the consensus layer
/// then pays it automatically, here anyone triggers the payment with {processWithdrawQueue}.
///
/// Never: slashing, jailing, a minimum self-delegation, consensus signatures (no consensus
/// layer here to check them against).
contract ZgValidator {
    uint32 public constant COMMISSION_DENOMINATOR = 1_000_000;
    /// @dev How many matured entries one {processWithdrawQueue} call pays at most.
    uint256 public constant MAX_PAYOUTS_PER_CALL = 64;

    /// @notice The registry that created this validator.
    address public immutable registry;
    bytes public pubkey;
    address public operator;
    bool public initialized;
    uint32 public commissionRate;
    uint96 public withdrawalFeeInGwei;
    Description private _description;

    /// @notice Native 0G in the pool (delegations plus rewards, minus undelegations).
    uint256 public tokens;
    /// @notice Shares issued against `tokens`.
    uint256 public delegatorShares;
    /// @notice Commission (and withdrawal fees) owed to the operator.
    uint256 public accumulatedCommission;
    mapping(address delegator => uint256) private _shares;

    WithdrawEntry[] private _queue;
    /// @notice Index of the first unpaid entry of the withdrawal queue.
    uint256 public queueHead;
    /// @notice Matured withdrawals whose recipient refused the payment; claim with {withdrawUnclaimed}.
    mapping(address => uint256) public unclaimed;

    event Delegated(address indexed delegator, uint256 amount, uint256 shares);
    event Undelegated(
        address indexed delegator,
        address indexed withdrawalAddress,
        uint256 shares,
        uint256 amount,
        uint256 completionHeight
    );
    event Withdrawn(address indexed to, uint256 amount);
    event WithdrawalHeld(address indexed to, uint256 amount);
    event RewardsDistributed(uint256 amount, uint256 commission);
    event CommissionWithdrawn(address indexed to, uint256 amount);

    error OnlyRegistry();
    error OnlyOperator();
    error NotInitialized();
    error AlreadyInitialized();
    error ZeroAddress();
    error DelegationBelowMinimum(uint256 amount);
    error NotEnoughWithdrawalFee(uint256 required, uint256 sent);
    error InsufficientShares(uint256 requested, uint256 held);
    error NoDelegations();
    error CommissionRateTooHigh(uint32 rate);
    error NativeTransferFailed(address to, uint256 amount);

    constructor() {
        registry = msg.sender;
    }

    modifier onlyRegistry() {
        if (msg.sender != registry) revert OnlyRegistry();
        _;
    }

    /// @dev Called by the registry right after creation.
    function bind(bytes calldata pubkey_) external onlyRegistry {
        pubkey = pubkey_;
    }

    /// @dev Called by the registry for `initializeValidator`; the self-delegation follows.
    function initialize(
        address operator_,
        Description calldata description_,
        uint32 commissionRate_,
        uint96 withdrawalFeeInGwei_
    ) external onlyRegistry {
        if (initialized) revert AlreadyInitialized();
        if (commissionRate_ > COMMISSION_DENOMINATOR) revert CommissionRateTooHigh(commissionRate_);
        initialized = true;
        operator = operator_;
        _description = description_;
        commissionRate = commissionRate_;
        withdrawalFeeInGwei = withdrawalFeeInGwei_;
    }

    function description() external view returns (Description memory) {
        return _description;
    }

    /// @notice Delegates `msg.value` for `delegatorAddress`; returns the shares it received.
    function delegate(address delegatorAddress) external payable returns (uint256 shares) {
        if (!initialized) revert NotInitialized();
        if (delegatorAddress == address(0)) revert ZeroAddress();
        shares = convertToShares(msg.value);
        if (shares == 0) revert DelegationBelowMinimum(msg.value);
        tokens += msg.value;
        delegatorShares += shares;
        _shares[delegatorAddress] += shares;
        emit Delegated(delegatorAddress, msg.value, shares);
    }

    /// @notice Gives back `shares` of the sender's delegation; their value is paid to
    /// `withdrawalAddress` after the withdrawal delay. `msg.value` must cover the fee
    /// (`withdrawalFeeInGwei`), which goes to the operator; any excess is paid back with
    /// the withdrawal. Returns the amount of 0G that will be paid.
    function undelegate(address withdrawalAddress, uint256 shares) external payable returns (uint256 amount) {
        uint256 fee = uint256(withdrawalFeeInGwei) * 1 gwei;
        if (msg.value < fee) revert NotEnoughWithdrawalFee(fee, msg.value);
        if (withdrawalAddress == address(0)) revert ZeroAddress();
        uint256 held = _shares[msg.sender];
        if (shares == 0 || shares > held) revert InsufficientShares(shares, held);
        amount = convertToTokens(shares);
        _shares[msg.sender] = held - shares;
        delegatorShares -= shares;
        tokens -= amount;
        accumulatedCommission += fee;
        uint256 completionHeight = block.number + IZgStakingParams(registry).minWithdrawabilityDelay();
        _queue.push(WithdrawEntry(completionHeight, withdrawalAddress, amount + msg.value - fee));
        emit Undelegated(msg.sender, withdrawalAddress, shares, amount, completionHeight);
    }

    /// @notice Pays the matured withdrawals at the head of the queue (up to
    /// {MAX_PAYOUTS_PER_CALL}); anyone may call. Returns how many entries it settled.
    function processWithdrawQueue() external returns (uint256 settled) {
        while (settled < MAX_PAYOUTS_PER_CALL) {
            // Re-read each round: a recipient may re-enter and advance the queue itself.
            uint256 head = queueHead;
            if (head >= _queue.length) break;
            WithdrawEntry memory entry = _queue[head];
            if (entry.completionHeight > block.number) break;
            delete _queue[head];
            queueHead = head + 1;
            settled += 1;
            (bool ok,) = entry.delegatorAddress.call{value: entry.amount}("");
            if (ok) {
                emit Withdrawn(entry.delegatorAddress, entry.amount);
            } else {
                unclaimed[entry.delegatorAddress] += entry.amount;
                emit WithdrawalHeld(entry.delegatorAddress, entry.amount);
            }
        }
    }

    /// @notice Claims withdrawals a failed payment left with this contract.
    function withdrawUnclaimed() external returns (uint256 amount) {
        amount = unclaimed[msg.sender];
        unclaimed[msg.sender] = 0;
        _send(msg.sender, amount);
        emit Withdrawn(msg.sender, amount);
    }

    /// @notice Pays rewards into the pool: the commission goes to the operator, the rest
    /// raises the value of every share.
    function distributeRewards() external payable {
        if (delegatorShares == 0) revert NoDelegations();
        uint256 commission = msg.value * commissionRate / COMMISSION_DENOMINATOR;
        accumulatedCommission += commission;
        tokens += msg.value - commission;
        emit RewardsDistributed(msg.value, commission);
    }

    /// @notice Pays the operator's accumulated commission to `withdrawalAddress`.
    function withdrawCommission(address withdrawalAddress) external returns (uint256 amount) {
        if (msg.sender != operator) revert OnlyOperator();
        if (withdrawalAddress == address(0)) revert ZeroAddress();
        amount = accumulatedCommission;
        accumulatedCommission = 0;
        _send(withdrawalAddress, amount);
        emit CommissionWithdrawn(withdrawalAddress, amount);
    }

    /// @notice (this validator, the shares `delegator` holds).
    function getDelegation(address delegator) external view returns (address, uint256) {
        return (address(this), _shares[delegator]);
    }

    /// @notice Shares `amount` of 0G would buy now (rounded down).
    function convertToShares(uint256 amount) public view returns (uint256) {
        return delegatorShares == 0 ? amount : amount * delegatorShares / tokens;
    }

    /// @notice 0G that `shares` are worth now (rounded down).
    function convertToTokens(uint256 shares) public view returns (uint256) {
        return delegatorShares == 0 ? 0 : shares * tokens / delegatorShares;
    }

    /// @notice Undelegations of `delegator`'s withdrawal address still in the queue.
    function pendingWithdrawals(address withdrawalAddress) external view returns (WithdrawEntry[] memory entries) {
        uint256 n;
        for (uint256 i = queueHead; i < _queue.length; i++) {
            if (_queue[i].delegatorAddress == withdrawalAddress) n++;
        }
        entries = new WithdrawEntry[](n);
        n = 0;
        for (uint256 i = queueHead; i < _queue.length; i++) {
            if (_queue[i].delegatorAddress == withdrawalAddress) entries[n++] = _queue[i];
        }
    }

    function withdrawQueueLength() external view returns (uint256) {
        return _queue.length;
    }

    function _send(address to, uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert NativeTransferFailed(to, amount);
    }
}
