// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ERC165} from "@openzeppelin/contracts/utils/introspection/ERC165.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IServing, ILedger} from "./IServing.sol";

/*
 * InferenceServing — the devnet's stand-in for 0G Compute's inference registry and
 * per-provider sub-accounts, written from 0G's published interface
 * (0g-serving-contract: contracts/inference/InferenceServing.sol, InferenceService.sol,
 * InferenceAccount.sol).
 *
 * Kept exactly as 0G has them, because a browser client or 0G's SDK depends on them:
 *  - the structs `ServiceParams`, `Service`, `Account`, `Refund`, `TEESettlementData` and
 *    the enum `SettlementStatus`, field for field and in the same order (so the ABI
 *    tuples decode the same);
 *  - function names, argument orders and return shapes: `addOrUpdateService(ServiceParams)`
 *    (payable: the first registration stakes `MIN_PROVIDER_STAKE`), `removeService()`,
 *    `getService(provider)`, `getAllServices(offset, limit) -> (Service[], total)`,
 *    `serviceExists`, `getAccount(user, provider)`, `getAccountsByProvider`,
 *    `getAccountsByUser`, `accountExists`, `getPendingRefund`, `acknowledgeTEESignerByOwner`,
 *    `acknowledgeTEESigner(provider, bool)`, `revokeTEESignerAcknowledgement`,
 *    `revokeToken(provider, uint8)`, `revokeTokens`, `revokeAllTokens`, `isTokenRevoked`,
 *    `settleFeesWithTEE(TEESettlementData[]) -> uint8[] statuses`, `lockTime()`,
 *    `ledgerAddress()` and the ledger-only `IServing` functions;
 *  - the EIP-712 settlement signature: domain ("0G Inference Serving", "1", chainId, this
 *    contract) and `TEESettlement(bytes32 requestsHash,uint256 nonce,address provider,
 *    address user,uint256 totalFee)`, signed by the service's `teeSignerAddress`;
 *  - settlement semantics: a batch never reverts for one bad entry; each entry gets a
 *    status (SUCCESS, PARTIAL when the sub-account holds less than the fee — only what it
 *    holds is paid —, PROVIDER_MISMATCH, NO_TEE_SIGNER, INVALID_NONCE for a nonce not above
 *    the account's last one, i.e. a replay, INVALID_SIGNATURE) and a `TEESettlementResult`
 *    event;
 *  - the event names and fields (`BalanceUpdated`, `RefundRequested`, `ServiceUpdated`,
 *    `ServiceRemoved`, `TEESettlementResult`, `ProviderTEESignerAcknowledged`,
 *    `ProviderStaked`, `ProviderStakeReturned`, `TokenRevoked`, `TokensRevoked`,
 *    `AllTokensRevoked`, `AccountDeleted`) and most custom errors.
 *
 * Different from 0G, on purpose:
 *  - a plain contract with a constructor (0G deploys an upgradeable beacon proxy with
 *    `initialize` and ERC-7201 storage); the deployer is the owner;
 *  - the refund lock time is a constructor argument with no 1 h..7 days bound, so the
 *    devnet can use minutes;
 *  - a sub-account's pending refunds are kept as a compact array (0G keeps a grow-only array
 *    with a `validRefundsLength` boundary and migration helpers); the fields keep 0G's
 *    meaning: `refunds[0..validRefundsLength)` are the pending ones;
 *  - left out: `previewSettlementResults`, `getAllAccounts`, `getBatchAccountsByUsers`,
 *    `updateLockTime`, `migrateRefunds`, and the BabyJub/ZK settlement path of older
 *    versions.
 */

/// @notice What a provider registers (0G's `ServiceParams`).
struct ServiceParams {
    string serviceType;
    string url;
    string model;
    string verifiability;
    uint256 inputPrice;
    uint256 outputPrice;
    string additionalInfo;
    address teeSignerAddress;
}

/// @notice A registered service, as `getService`/`getAllServices` return it (0G's `Service`).
struct Service {
    address provider;
    string serviceType;
    string url;
    uint256 inputPrice;
    uint256 outputPrice;
    uint256 updatedAt;
    string model;
    string verifiability;
    string additionalInfo;
    address teeSignerAddress;
    bool teeSignerAcknowledged;
}

struct Refund {
    uint256 index;
    uint256 amount;
    uint256 createdAt;
    bool processed;
}

/// @notice A user's sub-account with one provider (0G's `Account`).
struct Account {
    address user;
    address provider;
    uint256 nonce;
    uint256 balance;
    uint256 pendingRefund;
    Refund[] refunds;
    string additionalInfo;
    bool acknowledged;
    uint256 validRefundsLength;
    uint256 generation;
    uint256 revokedBitmap;
}

struct TEESettlementData {
    address user;
    address provider;
    uint256 totalFee;
    bytes32 requestsHash;
    uint256 nonce;
    bytes signature;
}

enum SettlementStatus {
    SUCCESS,
    PARTIAL,
    PROVIDER_MISMATCH,
    NO_TEE_SIGNER,
    INVALID_NONCE,
    INVALID_SIGNATURE
}

contract InferenceServing is Ownable, ReentrancyGuard, ERC165, IServing {
    using EnumerableSet for EnumerableSet.Bytes32Set;
    using EnumerableSet for EnumerableSet.AddressSet;

    uint256 public constant MIN_PROVIDER_STAKE = 100 ether;
    uint256 public constant MAX_ADDITIONAL_INFO_LENGTH = 4096;
    uint256 public constant MAX_REFUNDS_PER_ACCOUNT = 5;
    uint256 public constant MAX_PAGE = 50;
    uint256 public constant MAX_SETTLEMENTS = 50;

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 public constant SETTLEMENT_TYPEHASH =
        keccak256("TEESettlement(bytes32 requestsHash,uint256 nonce,address provider,address user,uint256 totalFee)");

    uint256 public immutable lockTime;
    address public immutable ledgerAddress;

    mapping(bytes32 => Account) private _accounts;
    EnumerableSet.Bytes32Set private _accountKeys;
    mapping(address => EnumerableSet.Bytes32Set) private _byProvider;
    mapping(address => EnumerableSet.Bytes32Set) private _byUser;

    mapping(address => Service) private _services;
    EnumerableSet.AddressSet private _providers;
    mapping(address => uint256) public providerStake;

    event BalanceUpdated(address indexed user, address indexed provider, uint256 amount, uint256 pendingRefund);
    event RefundRequested(address indexed user, address indexed provider, uint256 indexed index, uint256 timestamp);
    event ServiceUpdated(
        address indexed service,
        string serviceType,
        string url,
        uint256 inputPrice,
        uint256 outputPrice,
        uint256 updatedAt,
        string model,
        string verifiability
    );
    event ServiceRemoved(address indexed service);
    event TEESettlementResult(address indexed user, SettlementStatus status, uint256 unsettledAmount);
    event ProviderTEESignerAcknowledged(address indexed provider, address indexed teeSignerAddress, bool acknowledged);
    event ProviderStaked(address indexed provider, uint256 amount);
    event ProviderStakeReturned(address indexed provider, uint256 amount);
    event TokenRevoked(address indexed user, address indexed provider, uint8 tokenId);
    event TokensRevoked(address indexed user, address indexed provider, uint8[] tokenIds);
    event AllTokensRevoked(address indexed user, address indexed provider, uint256 newGeneration);
    event AccountDeleted(address indexed user, address indexed provider, uint256 refundedAmount);

    error AccountNotExists(address user, address provider);
    error AccountExists(address user, address provider);
    error TooManyRefunds(address user, address provider);
    error CannotRevokeWithNonZeroBalance(address user, address provider, uint256 balance);
    error ServiceNotExist(address provider);
    error AdditionalInfoTooLong();
    error CallerNotLedger(address caller);
    error LimitTooLarge(uint256 limit, uint256 max);
    error InvalidAddress(address addr);
    error TransferFailed();
    error CannotAddStakeWhenUpdating();
    error InsufficientStake(uint256 provided, uint256 required);
    error NoSettlementsProvided();
    error TooManySettlements(uint256 count, uint256 max);
    error ProviderCannotBeUser();
    error DirectDepositsDisabled();

    constructor(uint256 lockTime_, address ledger_) Ownable(msg.sender) {
        if (ledger_ == address(0)) revert InvalidAddress(ledger_);
        lockTime = lockTime_;
        ledgerAddress = ledger_;
    }

    modifier onlyLedgerManager() {
        if (msg.sender != ledgerAddress) revert CallerNotLedger(msg.sender);
        _;
    }

    // ---- services ----

    function addOrUpdateService(ServiceParams calldata params) external payable {
        if (bytes(params.additionalInfo).length > MAX_ADDITIONAL_INFO_LENGTH) revert AdditionalInfoTooLong();
        if (providerStake[msg.sender] > 0) {
            if (msg.value != 0) revert CannotAddStakeWhenUpdating();
        } else {
            if (msg.value < MIN_PROVIDER_STAKE) revert InsufficientStake(msg.value, MIN_PROVIDER_STAKE);
            providerStake[msg.sender] = msg.value;
            emit ProviderStaked(msg.sender, msg.value);
        }

        Service storage s = _services[msg.sender];
        bool isNew = _providers.add(msg.sender);
        // As 0G: a change of what the signer vouches for (type, model, verifiability, signer,
        // additional info) needs a new acknowledgement; price and URL changes do not.
        bool critical = isNew || !_same(s.serviceType, params.serviceType) || !_same(s.model, params.model)
            || !_same(s.verifiability, params.verifiability) || s.teeSignerAddress != params.teeSignerAddress
            || !_same(s.additionalInfo, params.additionalInfo);
        s.provider = msg.sender;
        s.serviceType = params.serviceType;
        s.url = params.url;
        s.inputPrice = params.inputPrice;
        s.outputPrice = params.outputPrice;
        s.updatedAt = block.timestamp;
        s.model = params.model;
        s.verifiability = params.verifiability;
        s.additionalInfo = params.additionalInfo;
        s.teeSignerAddress = params.teeSignerAddress;
        if (critical) s.teeSignerAcknowledged = false;

        emit ServiceUpdated(
            msg.sender,
            params.serviceType,
            params.url,
            params.inputPrice,
            params.outputPrice,
            block.timestamp,
            params.model,
            params.verifiability
        );
    }

    function removeService() external nonReentrant {
        if (!_providers.remove(msg.sender)) revert ServiceNotExist(msg.sender);
        delete _services[msg.sender];
        uint256 stake = providerStake[msg.sender];
        providerStake[msg.sender] = 0;
        if (stake > 0) emit ProviderStakeReturned(msg.sender, stake);
        emit ServiceRemoved(msg.sender);
        if (stake > 0) {
            (bool ok,) = payable(msg.sender).call{value: stake}("");
            if (!ok) revert TransferFailed();
        }
    }

    function getService(address provider) public view returns (Service memory) {
        if (!_providers.contains(provider)) revert ServiceNotExist(provider);
        return _services[provider];
    }

    function serviceExists(address provider) public view returns (bool) {
        return _providers.contains(provider);
    }

    /// @notice Up to `limit` services from `offset` (limit 0 means 50, at most 50).
    function getAllServices(uint256 offset, uint256 limit) public view returns (Service[] memory services, uint256 total) {
        total = _providers.length();
        uint256 end = _pageEnd(offset, limit, total);
        services = new Service[](end > offset ? end - offset : 0);
        for (uint256 i = 0; i < services.length; i++) {
            services[i] = _services[_providers.at(offset + i)];
        }
    }

    function acknowledgeTEESignerByOwner(address provider) external onlyOwner {
        Service storage s = _existingService(provider);
        s.teeSignerAcknowledged = true;
        emit ProviderTEESignerAcknowledged(provider, s.teeSignerAddress, true);
    }

    function revokeTEESignerAcknowledgement(address provider) external onlyOwner {
        Service storage s = _existingService(provider);
        s.teeSignerAcknowledged = false;
        emit ProviderTEESignerAcknowledged(provider, s.teeSignerAddress, false);
    }

    // ---- accounts (the user's side) ----

    /// @notice The user's own acknowledgement of `provider` (0G sets it on the first
    /// transfer; withdrawing it needs an empty sub-account).
    function acknowledgeTEESigner(address provider, bool acknowledged) external {
        Account storage a = _existingAccount(msg.sender, provider);
        if (a.acknowledged && !acknowledged && a.balance != 0) {
            revert CannotRevokeWithNonZeroBalance(msg.sender, provider, a.balance);
        }
        a.acknowledged = acknowledged;
    }

    /// @notice Revokes one persistent session token (ids 0-254) of the caller's.
    function revokeToken(address provider, uint8 tokenId) external {
        Account storage a = _existingAccount(msg.sender, provider);
        a.revokedBitmap |= uint256(1) << tokenId;
        emit TokenRevoked(msg.sender, provider, tokenId);
    }

    function revokeTokens(address provider, uint8[] calldata tokenIds) external {
        Account storage a = _existingAccount(msg.sender, provider);
        for (uint256 i = 0; i < tokenIds.length; i++) {
            a.revokedBitmap |= uint256(1) << tokenIds[i];
        }
        emit TokensRevoked(msg.sender, provider, tokenIds);
    }

    /// @notice Revokes every token issued so far: tokens carry the generation they were
    /// made for, and the provider refuses any other.
    function revokeAllTokens(address provider) external {
        Account storage a = _existingAccount(msg.sender, provider);
        a.generation++;
        a.revokedBitmap = 0;
        emit AllTokensRevoked(msg.sender, provider, a.generation);
    }

    function isTokenRevoked(address user, address provider, uint8 tokenId) external view returns (bool) {
        return (_existingAccount(user, provider).revokedBitmap & (uint256(1) << tokenId)) != 0;
    }

    function getAccount(address user, address provider) public view returns (Account memory) {
        return _existingAccount(user, provider);
    }

    function accountExists(address user, address provider) public view returns (bool) {
        return _accountKeys.contains(_key(user, provider));
    }

    function getPendingRefund(address user, address provider) public view returns (uint256) {
        return _existingAccount(user, provider).pendingRefund;
    }

    function getAccountsByProvider(address provider, uint256 offset, uint256 limit)
        public
        view
        returns (Account[] memory accounts, uint256 total)
    {
        return _page(_byProvider[provider], offset, limit);
    }

    function getAccountsByUser(address user, uint256 offset, uint256 limit)
        public
        view
        returns (Account[] memory accounts, uint256 total)
    {
        return _page(_byUser[user], offset, limit);
    }

    // ---- accounts (the ledger's side: IServing) ----

    function addAccount(address user, address provider, string memory additionalInfo)
        external
        payable
        onlyLedgerManager
    {
        _checkPair(user, provider);
        bytes32 key = _key(user, provider);
        if (!_accountKeys.add(key)) revert AccountExists(user, provider);
        _byProvider[provider].add(key);
        _byUser[user].add(key);
        // nonce and generation survive a deleted account, so old signatures stay dead.
        Account storage a = _accounts[key];
        a.user = user;
        a.provider = provider;
        a.balance = msg.value;
        a.additionalInfo = additionalInfo;
        // As 0G: funding a provider acknowledges it.
        a.acknowledged = true;
        emit BalanceUpdated(user, provider, a.balance, a.pendingRefund);
    }

    function depositFund(address user, address provider, uint256 cancelRetrievingAmount)
        external
        payable
        onlyLedgerManager
    {
        _checkPair(user, provider);
        Account storage a = _existingAccount(user, provider);
        if (cancelRetrievingAmount > 0) _cancelRefunds(a, cancelRetrievingAmount);
        a.balance += msg.value;
        if (!a.acknowledged) a.acknowledged = true;
        emit BalanceUpdated(user, provider, a.balance, a.pendingRefund);
    }

    function requestRefundAll(address user, address provider) external onlyLedgerManager {
        Account storage a = _existingAccount(user, provider);
        uint256 amount = a.balance - a.pendingRefund;
        if (amount == 0) return;
        if (a.refunds.length >= MAX_REFUNDS_PER_ACCOUNT) revert TooManyRefunds(user, provider);
        uint256 index = a.refunds.length;
        a.refunds.push(Refund(index, amount, block.timestamp, false));
        a.validRefundsLength = a.refunds.length;
        a.pendingRefund += amount;
        emit RefundRequested(user, provider, index, block.timestamp);
    }

    /// @notice Pays the ledger every refund whose lock time has passed.
    function processRefund(address user, address provider)
        external
        onlyLedgerManager
        returns (uint256 totalAmount, uint256 balance, uint256 pendingRefund)
    {
        Account storage a = _existingAccount(user, provider);
        uint256 kept = 0;
        for (uint256 i = 0; i < a.refunds.length; i++) {
            Refund memory r = a.refunds[i];
            if (block.timestamp >= r.createdAt + lockTime) {
                totalAmount += r.amount;
            } else {
                r.index = kept;
                a.refunds[kept++] = r;
            }
        }
        while (a.refunds.length > kept) a.refunds.pop();
        a.validRefundsLength = kept;
        a.balance -= totalAmount;
        a.pendingRefund -= totalAmount;
        balance = a.balance;
        pendingRefund = a.pendingRefund;
        if (totalAmount > 0) {
            emit BalanceUpdated(user, provider, balance, pendingRefund);
            (bool ok,) = payable(msg.sender).call{value: totalAmount}("");
            if (!ok) revert TransferFailed();
        }
    }

    function deleteAccount(address user, address provider) external onlyLedgerManager {
        bytes32 key = _key(user, provider);
        if (!_accountKeys.remove(key)) return;
        _byProvider[provider].remove(key);
        _byUser[user].remove(key);
        Account storage a = _accounts[key];
        uint256 refunded = a.balance;
        a.balance = 0;
        a.pendingRefund = 0;
        a.acknowledged = false;
        a.validRefundsLength = 0;
        a.revokedBitmap = 0;
        delete a.refunds;
        delete a.additionalInfo;
        emit AccountDeleted(user, provider, refunded);
        if (refunded > 0) {
            (bool ok,) = payable(msg.sender).call{value: refunded}("");
            if (!ok) revert TransferFailed();
        }
    }

    // ---- settlement ----

    /// @notice Settles fees signed by the provider's acknowledged TEE signer. One status per
    /// entry, in order; the provider is paid the sum of what was settled.
    function settleFeesWithTEE(TEESettlementData[] calldata settlements)
        external
        nonReentrant
        returns (uint8[] memory statuses)
    {
        if (settlements.length == 0) revert NoSettlementsProvided();
        if (settlements.length > MAX_SETTLEMENTS) revert TooManySettlements(settlements.length, MAX_SETTLEMENTS);
        statuses = new uint8[](settlements.length);
        uint256 paid = 0;
        for (uint256 i = 0; i < settlements.length; i++) {
            (SettlementStatus status, uint256 unsettled, uint256 settled) = _settle(settlements[i]);
            statuses[i] = uint8(status);
            paid += settled;
            emit TEESettlementResult(settlements[i].user, status, unsettled);
        }
        if (paid > 0) {
            (bool ok,) = payable(msg.sender).call{value: paid}("");
            if (!ok) revert TransferFailed();
        }
    }

    /// @notice The EIP-712 digest a TEE signer signs for one settlement.
    function settlementDigest(bytes32 requestsHash, uint256 nonce, address provider, address user, uint256 totalFee)
        public
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(SETTLEMENT_TYPEHASH, requestsHash, nonce, provider, user, totalFee));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("0G Inference Serving"), keccak256("1"), block.chainid, address(this)
            )
        );
    }

    /// @notice As 0G: native 0G arrives only with the ledger's calls.
    receive() external payable {
        revert DirectDepositsDisabled();
    }

    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return interfaceId == type(IServing).interfaceId || super.supportsInterface(interfaceId);
    }

    // ---- internals ----

    function _settle(TEESettlementData calldata s)
        private
        returns (SettlementStatus status, uint256 unsettled, uint256 settled)
    {
        if (s.provider != msg.sender || !_providers.contains(msg.sender)) {
            return (SettlementStatus.PROVIDER_MISMATCH, s.totalFee, 0);
        }
        if (!accountExists(s.user, msg.sender)) return (SettlementStatus.INVALID_SIGNATURE, s.totalFee, 0);
        Account storage a = _accounts[_key(s.user, msg.sender)];
        Service storage svc = _services[msg.sender];
        if (!a.acknowledged || !svc.teeSignerAcknowledged || svc.teeSignerAddress == address(0)) {
            return (SettlementStatus.NO_TEE_SIGNER, s.totalFee, 0);
        }
        if (s.nonce <= a.nonce) return (SettlementStatus.INVALID_NONCE, s.totalFee, 0);
        bytes32 digest = settlementDigest(s.requestsHash, s.nonce, s.provider, s.user, s.totalFee);
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, s.signature);
        if (err != ECDSA.RecoverError.NoError || signer != svc.teeSignerAddress) {
            return (SettlementStatus.INVALID_SIGNATURE, s.totalFee, 0);
        }
        a.nonce = s.nonce;
        settled = s.totalFee > a.balance ? a.balance : s.totalFee;
        unsettled = s.totalFee - settled;
        if (settled > 0) {
            // Fees come out of the unlocked balance first, then out of pending refunds
            // (newest first), as 0G does.
            uint256 free = a.balance - a.pendingRefund;
            if (settled > free) _cancelRefundsNewestFirst(a, settled - free);
            a.balance -= settled;
            ILedger(ledgerAddress).spendFund(s.user, settled);
            emit BalanceUpdated(s.user, msg.sender, a.balance, a.pendingRefund);
        }
        status = unsettled > 0 ? SettlementStatus.PARTIAL : SettlementStatus.SUCCESS;
    }

    /// @dev Cancels `amount` of pending refunds, oldest first (a deposit reclaims them).
    function _cancelRefunds(Account storage a, uint256 amount) private {
        uint256 kept = 0;
        for (uint256 i = 0; i < a.refunds.length; i++) {
            Refund memory r = a.refunds[i];
            uint256 cut = amount < r.amount ? amount : r.amount;
            amount -= cut;
            a.pendingRefund -= cut;
            r.amount -= cut;
            if (r.amount > 0) {
                r.index = kept;
                a.refunds[kept++] = r;
            }
        }
        while (a.refunds.length > kept) a.refunds.pop();
        a.validRefundsLength = kept;
    }

    function _cancelRefundsNewestFirst(Account storage a, uint256 amount) private {
        while (amount > 0 && a.refunds.length > 0) {
            Refund storage r = a.refunds[a.refunds.length - 1];
            uint256 cut = amount < r.amount ? amount : r.amount;
            amount -= cut;
            a.pendingRefund -= cut;
            r.amount -= cut;
            if (r.amount == 0) a.refunds.pop();
        }
        a.validRefundsLength = a.refunds.length;
    }

    function _page(EnumerableSet.Bytes32Set storage keys, uint256 offset, uint256 limit)
        private
        view
        returns (Account[] memory accounts, uint256 total)
    {
        total = keys.length();
        uint256 end = _pageEnd(offset, limit, total);
        accounts = new Account[](end > offset ? end - offset : 0);
        for (uint256 i = 0; i < accounts.length; i++) {
            accounts[i] = _accounts[keys.at(offset + i)];
        }
    }

    function _pageEnd(uint256 offset, uint256 limit, uint256 total) private pure returns (uint256) {
        if (limit > MAX_PAGE) revert LimitTooLarge(limit, MAX_PAGE);
        uint256 end = offset + (limit == 0 ? MAX_PAGE : limit);
        return end > total ? total : end;
    }

    function _existingAccount(address user, address provider) private view returns (Account storage) {
        bytes32 key = _key(user, provider);
        if (!_accountKeys.contains(key)) revert AccountNotExists(user, provider);
        return _accounts[key];
    }

    function _existingService(address provider) private view returns (Service storage) {
        if (!_providers.contains(provider)) revert ServiceNotExist(provider);
        return _services[provider];
    }

    function _checkPair(address user, address provider) private pure {
        if (user == address(0)) revert InvalidAddress(user);
        if (provider == address(0)) revert InvalidAddress(provider);
        if (user == provider) revert ProviderCannotBeUser();
    }

    function _key(address user, address provider) private pure returns (bytes32) {
        return keccak256(abi.encode(user, provider));
    }

    function _same(string memory a, string memory b) private pure returns (bool) {
        return keccak256(bytes(a)) == keccak256(bytes(b));
    }
}
