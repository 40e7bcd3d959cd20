// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ERC165Checker} from "@openzeppelin/contracts/utils/introspection/ERC165Checker.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IServing} from "./IServing.sol";

/*
 * LedgerManager — the devnet's stand-in for 0G Compute's ledger, written from 0G's
 * published interface (0g-serving-contract: contracts/ledger/LedgerManager.sol).
 *
 * A user keeps one ledger here and moves funds from it into per-provider sub-accounts held
 * by a serving contract (`transferFund`); fees are paid out of the sub-accounts
 * (`spendFund`, called by the serving contract on settlement). Getting funds back out of a
 * sub-account takes the serving contract's lock time: `retrieveFund` requests a refund of
 * everything unlocked and, on a later call once the lock time has passed, moves the matured
 * refunds back to the ledger's available balance; `refund` then pays the wallet.
 *
 * Kept exactly as 0G has them (0G's compute SDK and the browser client depend on them):
 * the structs `Ledger` (user, availableBalance, totalBalance, additionalInfo) and
 * `ServiceInfo` (serviceAddress, serviceContract, serviceType, version, fullName,
 * description, isRecommended, registeredAt), field for field; `addLedger(string) payable
 * returns (uint, uint)`, `depositFund() payable`, `depositFundFor(address) payable`,
 * `refund(uint)`, `transferFund(address provider, string serviceName, uint amount)`,
 * `retrieveFund(address[] providers, string serviceName)`, `deleteLedger()`,
 * `updateAdditionalInfo(string)`, `getLedger(address)`, `getAllLedgers(offset, limit)`,
 * `getLedgerProviders(user, serviceName)`, `spendFund(user, amount)`; the service registry
 * (`registerService(serviceType, version, address, description)` naming a service
 * "<type>-<version>", e.g. "inference-v1.0", `setRecommendedService`, `getServiceInfo`
 * — what 0G's SDK reads the service name from —, `getServiceAddressByName`,
 * `getAllActiveServices`, `getRecommendedService`, `getAllVersions`,
 * `isRecommendedVersion`); the minimums (3 0G to open a ledger, 1 0G for a new
 * sub-account, keep 3 0G or withdraw everything, 50 providers per user and service); the
 * per-user operation lock (`LedgerLocked`); the events and every custom error, with 0G's
 * names, arguments and the conditions 0G raises them on.
 *
 * Different from 0G, on purpose: a plain contract owned by its deployer (0G: a beacon
 * proxy with `initialize` and ERC-7201 storage), and the data migration helpers are left
 * out.
 */

/// @notice One user's ledger (0G's `Ledger`).
struct Ledger {
    address user;
    uint256 availableBalance;
    uint256 totalBalance;
    string additionalInfo;
}

/// @notice A serving contract the ledger funds (0G's `ServiceInfo`, same fields, same order).
struct ServiceInfo {
    address serviceAddress;
    IServing serviceContract;
    string serviceType;
    string version;
    string fullName;
    string description;
    bool isRecommended;
    uint256 registeredAt;
}

contract LedgerManager is Ownable, ReentrancyGuard {
    using EnumerableSet for EnumerableSet.AddressSet;
    using ERC165Checker for address;

    uint256 public constant MAX_PROVIDERS_PER_BATCH = 20;
    uint256 public constant MAX_SERVICES = 500;
    uint256 public constant MAX_PROVIDERS_PER_USER_PER_SERVICE = 50;
    uint256 public constant MAX_ADDITIONAL_INFO_LENGTH = 4096;
    uint256 public constant MIN_ACCOUNT_BALANCE = 3 ether;
    uint256 public constant MIN_TRANSFER_AMOUNT = 1 ether;

    mapping(address => Ledger) private _ledgers;
    EnumerableSet.AddressSet private _users;
    mapping(address => bool) private _locked;
    mapping(address => ServiceInfo) private _services;
    mapping(string => address) private _serviceByName;
    EnumerableSet.AddressSet private _serviceAddresses;
    /// keccak256(serviceType) => the recommended serving contract of that type
    mapping(bytes32 => address) private _recommendedByType;
    /// user => serving contract => providers with a sub-account there
    mapping(address => mapping(address => EnumerableSet.AddressSet)) private _providersOf;

    event ServiceRegistered(address indexed serviceAddress, string serviceName);
    event RecommendedServiceUpdated(string serviceType, string version, address serviceAddress);
    event LedgerInfoUpdated(address indexed user, string additionalInfo);
    event FundSpent(address indexed user, address indexed service, uint256 amount);

    error LedgerNotExists(address user);
    error LedgerExists(address user);
    error InsufficientBalance(address user);
    error TooManyProviders(uint256 requested, uint256 maximum);
    error TooManyProvidersForService(uint256 current, uint256 maximum);
    error InvalidServiceType(string serviceType);
    error ServiceNotRegistered(address serviceAddress);
    error ServiceNameExists(string serviceName);
    error InvalidServiceAddress(address serviceAddress);
    error LedgerLocked();
    error CallerNotRegisteredService(address caller);
    error ServiceNotFound(address serviceAddress);
    error MinimumDepositRequired(uint256 provided, uint256 required);
    error AdditionalInfoTooLong(uint256 length, uint256 max);
    error ZeroAmountNotAllowed();
    error ZeroAddressNotAllowed();
    error InsufficientAvailableBalance(uint256 available, uint256 required);
    error TransferFailed();
    error CallFailed();
    error MustWithdrawAllFundsFirst(uint256 remainingBalance);
    error ServiceTypeRequired();
    error VersionRequired();
    error ServiceAlreadyRegistered(address serviceAddress);
    error ServiceMustImplementIServing(address serviceAddress);
    error ServiceRegistryLimitReached(uint256 limit);
    error NoRecommendedService(string serviceType);
    error DirectDepositsDisabled();

    constructor() Ownable(msg.sender) {}

    /// @dev 0G's per-user operation lock: one ledger operation of a user at a time.
    modifier withLedgerLock(address user) {
        if (_locked[user]) revert LedgerLocked();
        _locked[user] = true;
        _;
        _locked[user] = false;
    }

    modifier onlyServing() {
        if (_services[msg.sender].serviceAddress == address(0)) revert CallerNotRegisteredService(msg.sender);
        _;
    }

    // ---- ledgers ----

    function addLedger(string memory additionalInfo)
        external
        payable
        withLedgerLock(msg.sender)
        returns (uint256, uint256)
    {
        if (msg.value < MIN_ACCOUNT_BALANCE) revert MinimumDepositRequired(msg.value, MIN_ACCOUNT_BALANCE);
        _checkInfo(additionalInfo);
        if (_users.contains(msg.sender)) revert LedgerExists(msg.sender);
        _create(msg.sender, msg.value, additionalInfo);
        return (msg.value, 0);
    }

    function updateAdditionalInfo(string memory additionalInfo) external withLedgerLock(msg.sender) {
        _checkInfo(additionalInfo);
        _get(msg.sender).additionalInfo = additionalInfo;
        emit LedgerInfoUpdated(msg.sender, additionalInfo);
    }

    function depositFund() external payable withLedgerLock(msg.sender) {
        _deposit(msg.sender, msg.value);
    }

    function depositFundFor(address recipient) external payable withLedgerLock(recipient) {
        if (recipient == address(0)) revert ZeroAddressNotAllowed();
        _deposit(recipient, msg.value);
    }

    /// @notice Pays `amount` of the available balance back to the caller. The ledger must
    /// keep at least 3 0G or be emptied; an emptied ledger is deleted with its sub-accounts.
    function refund(uint256 amount) external withLedgerLock(msg.sender) {
        Ledger storage ledger = _get(msg.sender);
        if (ledger.availableBalance < amount) revert InsufficientBalance(msg.sender);
        uint256 remaining = ledger.availableBalance - amount;
        if (remaining != 0 && remaining < MIN_ACCOUNT_BALANCE) {
            revert MinimumDepositRequired(remaining, MIN_ACCOUNT_BALANCE);
        }
        ledger.availableBalance -= amount;
        ledger.totalBalance -= amount;
        if (ledger.totalBalance == 0) {
            _users.remove(msg.sender);
            delete _ledgers[msg.sender];
            _deleteAllServiceAccounts(msg.sender);
        }
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    /// @notice Moves `amount` from the caller's ledger into its sub-account with `provider`
    /// in the serving contract named `serviceName`, creating the sub-account (at least
    /// 1 0G) or first reclaiming refunds it has pending.
    function transferFund(address provider, string memory serviceName, uint256 amount)
        external
        withLedgerLock(msg.sender)
    {
        Ledger storage ledger = _get(msg.sender);
        address serviceAddress = _serviceByName[serviceName];
        if (serviceAddress == address(0)) revert ServiceNotFound(serviceAddress);
        IServing serving = _services[serviceAddress].serviceContract;

        uint256 transferAmount = amount;
        bytes memory payload;
        if (serving.accountExists(msg.sender, provider)) {
            uint256 retrieving = serving.getPendingRefund(msg.sender, provider);
            uint256 cancel = amount < retrieving ? amount : retrieving;
            transferAmount -= cancel;
            payload = abi.encodeCall(IServing.depositFund, (msg.sender, provider, cancel));
        } else {
            if (amount < MIN_TRANSFER_AMOUNT) revert MinimumDepositRequired(amount, MIN_TRANSFER_AMOUNT);
            payload = abi.encodeCall(IServing.addAccount, (msg.sender, provider, ledger.additionalInfo));
            EnumerableSet.AddressSet storage providers = _providersOf[msg.sender][serviceAddress];
            if (providers.length() >= MAX_PROVIDERS_PER_USER_PER_SERVICE) {
                revert TooManyProvidersForService(providers.length(), MAX_PROVIDERS_PER_USER_PER_SERVICE);
            }
            providers.add(provider);
        }
        if (ledger.availableBalance < transferAmount) {
            revert InsufficientAvailableBalance(ledger.availableBalance, transferAmount);
        }
        ledger.availableBalance -= transferAmount;
        (bool ok,) = serviceAddress.call{value: transferAmount}(payload);
        if (!ok) revert CallFailed();
    }

    /// @notice For each provider: moves refunds whose lock time has passed back to the
    /// available balance, then asks for a refund of everything still unlocked.
    function retrieveFund(address[] memory providers, string memory serviceName)
        external
        withLedgerLock(msg.sender)
    {
        if (providers.length > MAX_PROVIDERS_PER_BATCH) {
            revert TooManyProviders(providers.length, MAX_PROVIDERS_PER_BATCH);
        }
        address serviceAddress = _serviceByName[serviceName];
        if (serviceAddress == address(0)) revert ServiceNotFound(serviceAddress);
        IServing serving = _services[serviceAddress].serviceContract;
        Ledger storage ledger = _get(msg.sender);
        uint256 total = 0;
        for (uint256 i = 0; i < providers.length; i++) {
            if (serving.accountExists(msg.sender, providers[i])) {
                (uint256 amount,,) = serving.processRefund(msg.sender, providers[i]);
                total += amount;
                serving.requestRefundAll(msg.sender, providers[i]);
            }
        }
        ledger.availableBalance += total;
    }

    function deleteLedger() external nonReentrant withLedgerLock(msg.sender) {
        Ledger storage ledger = _get(msg.sender);
        if (ledger.totalBalance != 0) revert MustWithdrawAllFundsFirst(ledger.totalBalance);
        _deleteAllServiceAccounts(msg.sender);
        _users.remove(msg.sender);
        delete _ledgers[msg.sender];
    }

    /// @notice Called by a registered serving contract when it settles `amount` of fees
    /// out of `user`'s sub-account (the funds already sit in that contract).
    function spendFund(address user, uint256 amount) external onlyServing withLedgerLock(user) {
        Ledger storage ledger = _get(user);
        uint256 locked = ledger.totalBalance - ledger.availableBalance;
        if (locked < amount) revert InsufficientAvailableBalance(locked, amount);
        ledger.totalBalance -= amount;
        emit FundSpent(user, msg.sender, amount);
    }

    function getLedger(address user) public view returns (Ledger memory) {
        return _get(user);
    }

    function getAllLedgers(uint256 offset, uint256 limit) public view returns (Ledger[] memory ledgers, uint256 total) {
        total = _users.length();
        if (offset >= total) return (new Ledger[](0), total);
        uint256 end = offset + (limit == 0 ? 50 : limit);
        if (end > total) end = total;
        ledgers = new Ledger[](end - offset);
        for (uint256 i = 0; i < ledgers.length; i++) {
            ledgers[i] = _ledgers[_users.at(offset + i)];
        }
    }

    function getLedgerProviders(address user, string memory serviceName) public view returns (address[] memory) {
        address serviceAddress = _serviceByName[serviceName];
        if (serviceAddress == address(0)) revert ServiceNotFound(serviceAddress);
        return _providersOf[user][serviceAddress].values();
    }

    // ---- the service registry ----

    function registerService(
        string memory serviceType,
        string memory version,
        address serviceAddress,
        string memory description
    ) external onlyOwner {
        if (serviceAddress == address(0)) revert InvalidServiceAddress(serviceAddress);
        if (bytes(serviceType).length == 0) revert ServiceTypeRequired();
        if (bytes(version).length == 0) revert VersionRequired();
        if (_services[serviceAddress].serviceAddress != address(0)) revert ServiceAlreadyRegistered(serviceAddress);
        string memory fullName = string.concat(serviceType, "-", version);
        if (_serviceByName[fullName] != address(0)) revert ServiceNameExists(fullName);
        if (!serviceAddress.supportsInterface(type(IServing).interfaceId)) {
            revert ServiceMustImplementIServing(serviceAddress);
        }
        if (_serviceAddresses.length() >= MAX_SERVICES) revert ServiceRegistryLimitReached(MAX_SERVICES);
        _services[serviceAddress] = ServiceInfo({
            serviceAddress: serviceAddress,
            serviceContract: IServing(serviceAddress),
            serviceType: serviceType,
            version: version,
            fullName: fullName,
            description: description,
            isRecommended: false,
            registeredAt: block.timestamp
        });
        _serviceByName[fullName] = serviceAddress;
        _serviceAddresses.add(serviceAddress);
        emit ServiceRegistered(serviceAddress, fullName);
    }

    /// @notice Marks "<serviceType>-<version>" the recommended service of its type (one per
    /// type; the previous one loses the mark).
    function setRecommendedService(string memory serviceType, string memory version) external onlyOwner {
        address serviceAddress = _serviceByName[string.concat(serviceType, "-", version)];
        if (serviceAddress == address(0)) revert ServiceNotFound(serviceAddress);
        bytes32 typeKey = keccak256(bytes(serviceType));
        address old = _recommendedByType[typeKey];
        if (old != address(0) && old != serviceAddress) _services[old].isRecommended = false;
        _recommendedByType[typeKey] = serviceAddress;
        _services[serviceAddress].isRecommended = true;
        emit RecommendedServiceUpdated(serviceType, version, serviceAddress);
    }

    /// @notice A serving contract's registration (all zero when it is not registered, as 0G).
    function getServiceInfo(address serviceAddress) external view returns (ServiceInfo memory) {
        return _services[serviceAddress];
    }

    function getServiceAddressByName(string memory serviceName) external view returns (address) {
        return _serviceByName[serviceName];
    }

    function getAllActiveServices() external view returns (ServiceInfo[] memory services) {
        services = new ServiceInfo[](_serviceAddresses.length());
        for (uint256 i = 0; i < services.length; i++) {
            services[i] = _services[_serviceAddresses.at(i)];
        }
    }

    function getRecommendedService(string memory serviceType)
        external
        view
        returns (string memory version, address serviceAddress)
    {
        serviceAddress = _recommendedByType[keccak256(bytes(serviceType))];
        if (serviceAddress == address(0)) revert NoRecommendedService(serviceType);
        version = _services[serviceAddress].version;
    }

    function getAllVersions(string memory serviceType)
        external
        view
        returns (string[] memory versions, address[] memory addresses, bool[] memory isRecommendedFlags)
    {
        bytes32 typeKey = keccak256(bytes(serviceType));
        uint256 count = _serviceAddresses.length();
        uint256 matches = 0;
        for (uint256 i = 0; i < count; i++) {
            if (keccak256(bytes(_services[_serviceAddresses.at(i)].serviceType)) == typeKey) matches++;
        }
        versions = new string[](matches);
        addresses = new address[](matches);
        isRecommendedFlags = new bool[](matches);
        uint256 j = 0;
        for (uint256 i = 0; i < count; i++) {
            ServiceInfo storage service = _services[_serviceAddresses.at(i)];
            if (keccak256(bytes(service.serviceType)) == typeKey) {
                versions[j] = service.version;
                addresses[j] = service.serviceAddress;
                isRecommendedFlags[j] = service.isRecommended;
                j++;
            }
        }
    }

    function isRecommendedVersion(string memory serviceType, string memory version) external view returns (bool) {
        address serviceAddress = _serviceByName[string.concat(serviceType, "-", version)];
        return serviceAddress != address(0) && _services[serviceAddress].isRecommended;
    }

    /// @notice Only serving contracts send native 0G here (matured refunds).
    receive() external payable {
        if (_services[msg.sender].serviceAddress == address(0)) revert DirectDepositsDisabled();
    }

    // ---- internals ----

    function _checkInfo(string memory additionalInfo) private pure {
        if (bytes(additionalInfo).length > MAX_ADDITIONAL_INFO_LENGTH) {
            revert AdditionalInfoTooLong(bytes(additionalInfo).length, MAX_ADDITIONAL_INFO_LENGTH);
        }
    }

    function _deposit(address user, uint256 amount) private {
        if (amount == 0) revert ZeroAmountNotAllowed();
        if (!_users.contains(user)) {
            if (amount < MIN_ACCOUNT_BALANCE) revert MinimumDepositRequired(amount, MIN_ACCOUNT_BALANCE);
            _create(user, amount, "");
        } else {
            Ledger storage ledger = _ledgers[user];
            ledger.availableBalance += amount;
            ledger.totalBalance += amount;
        }
    }

    function _create(address user, uint256 amount, string memory additionalInfo) private {
        _users.add(user);
        _ledgers[user] = Ledger(user, amount, amount, additionalInfo);
    }

    /// @dev As 0G: every sub-account of `user` is deleted; one that fails is dropped anyway.
    function _deleteAllServiceAccounts(address user) private {
        for (uint256 i = 0; i < _serviceAddresses.length(); i++) {
            address serviceAddress = _serviceAddresses.at(i);
            EnumerableSet.AddressSet storage providers = _providersOf[user][serviceAddress];
            address[] memory list = providers.values();
            for (uint256 j = 0; j < list.length; j++) {
                try _services[serviceAddress].serviceContract.deleteAccount(user, list[j]) {} catch {}
                providers.remove(list[j]);
            }
        }
    }

    function _get(address user) private view returns (Ledger storage) {
        if (!_users.contains(user)) revert LedgerNotExists(user);
        return _ledgers[user];
    }
}
