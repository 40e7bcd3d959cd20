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
 * Kept exactly as 0G has them (a browser client depends on them): the `Ledger` struct
 * (user, availableBalance, totalBalance, additionalInfo); `addLedger(string) payable
 * returns (uint, uint)`, `depositFund() payable`, `depositFundFor(address) payable`,
 * `refund(uint)`, `transferFund(address provider, string serviceName, uint amount)`,
 * `retrieveFund(address[] providers, string serviceName)`, `deleteLedger()`,
 * `updateAdditionalInfo(string)`, `getLedger(address)`, `getAllLedgers(offset, limit)`,
 * `getLedgerProviders(user, serviceName)`, `spendFund(user, amount)`, and the service
 * registry (`registerService(serviceType, version, address, description)` naming a service
 * "<type>-<version>", e.g. "inference-v1.0", `getServiceAddressByName`,
 * `getAllActiveServices`); the minimums (3 0G to open a ledger, 1 0G for a new
 * sub-account, keep 3 0G or withdraw everything); the events `ServiceRegistered`,
 * `LedgerInfoUpdated`, `FundSpent` and the errors `LedgerNotExists`, `LedgerExists`,
 * `InsufficientBalance`, `TooManyProviders`, with 0G's revert strings for the rest.
 *
 * Different from 0G, on purpose: a plain contract owned by its deployer (0G: a beacon
 * proxy with `initialize` and ERC-7201 storage); OpenZeppelin's `nonReentrant` instead of
 * 0G's per-user operation lock; the "recommended version" registry
 * (`setRecommendedService`, `getRecommendedService`, `getAllVersions`,
 * `isRecommendedVersion`), `getServiceInfo` and the data migration helper are left out.
 */

/// @notice One user's ledger (0G's `Ledger`).
struct Ledger {
    address user;
    uint256 availableBalance;
    uint256 totalBalance;
    string additionalInfo;
}

/// @notice A serving contract the ledger funds (0G's `ServiceInfo`, without the
/// recommendation flag).
struct ServiceInfo {
    address serviceAddress;
    string serviceType;
    string version;
    string fullName;
    string description;
    uint256 registeredAt;
}

contract LedgerManager is Ownable, ReentrancyGuard {
    using EnumerableSet for EnumerableSet.AddressSet;
    using ERC165Checker for address;

    uint256 public constant MAX_PROVIDERS_PER_BATCH = 20;
    uint256 public constant MAX_ADDITIONAL_INFO_LENGTH = 4096;
    uint256 public constant MIN_ACCOUNT_BALANCE = 3 ether;
    uint256 public constant MIN_TRANSFER_AMOUNT = 1 ether;

    mapping(address => Ledger) private _ledgers;
    EnumerableSet.AddressSet private _users;
    mapping(address => ServiceInfo) private _services;
    mapping(string => address) private _serviceByName;
    EnumerableSet.AddressSet private _serviceAddresses;
    /// user => serving contract => providers with a sub-account there
    mapping(address => mapping(address => EnumerableSet.AddressSet)) private _providersOf;

    event ServiceRegistered(address indexed serviceAddress, string serviceName);
    event LedgerInfoUpdated(address indexed user, string additionalInfo);
    event FundSpent(address indexed user, address indexed service, uint256 amount);

    error LedgerNotExists(address user);
    error LedgerExists(address user);
    error InsufficientBalance(address user);
    error TooManyProviders(uint256 requested, uint256 maximum);

    constructor() Ownable(msg.sender) {}

    // ---- ledgers ----

    function addLedger(string memory additionalInfo) external payable nonReentrant returns (uint256, uint256) {
        require(msg.value >= MIN_ACCOUNT_BALANCE, "Minimum deposit of 3 0G required");
        require(bytes(additionalInfo).length <= MAX_ADDITIONAL_INFO_LENGTH, "Additional info exceeds 4KB limit");
        if (_users.contains(msg.sender)) revert LedgerExists(msg.sender);
        _create(msg.sender, msg.value, additionalInfo);
        return (msg.value, 0);
    }

    function updateAdditionalInfo(string memory additionalInfo) external {
        require(bytes(additionalInfo).length <= MAX_ADDITIONAL_INFO_LENGTH, "Additional info exceeds 4KB limit");
        _get(msg.sender).additionalInfo = additionalInfo;
        emit LedgerInfoUpdated(msg.sender, additionalInfo);
    }

    function depositFund() external payable nonReentrant {
        _deposit(msg.sender, msg.value);
    }

    function depositFundFor(address recipient) external payable nonReentrant {
        require(recipient != address(0), "Invalid recipient address");
        _deposit(recipient, msg.value);
    }

    /// @notice Pays `amount` of the available balance back to the caller. The ledger must
    /// keep at least 3 0G or be emptied; an empty ledger is deleted.
    function refund(uint256 amount) external nonReentrant {
        Ledger storage ledger = _get(msg.sender);
        if (ledger.availableBalance < amount) revert InsufficientBalance(msg.sender);
        uint256 remaining = ledger.availableBalance - amount;
        require(
            remaining == 0 || remaining >= MIN_ACCOUNT_BALANCE,
            "Must maintain minimum balance of 3 0G or withdraw all funds"
        );
        ledger.availableBalance -= amount;
        ledger.totalBalance -= amount;
        bool empty = ledger.totalBalance == 0;
        if (empty) _delete(msg.sender);
        (bool ok,) = payable(msg.sender).call{value: amount}("");
        require(ok, "0G transfer failed");
    }

    /// @notice Moves `amount` from the caller's ledger into its sub-account with `provider`
    /// in the serving contract named `serviceName`, creating the sub-account (at least
    /// 1 0G) or first reclaiming refunds it has pending.
    function transferFund(address provider, string memory serviceName, uint256 amount) external nonReentrant {
        Ledger storage ledger = _get(msg.sender);
        address serviceAddress = _serviceByName[serviceName];
        require(serviceAddress != address(0), "Service not found");
        IServing serving = IServing(serviceAddress);

        uint256 transferAmount = amount;
        bytes memory payload;
        if (serving.accountExists(msg.sender, provider)) {
            uint256 retrieving = serving.getPendingRefund(msg.sender, provider);
            uint256 cancel = amount < retrieving ? amount : retrieving;
            transferAmount -= cancel;
            payload = abi.encodeCall(IServing.depositFund, (msg.sender, provider, cancel));
        } else {
            require(amount >= MIN_TRANSFER_AMOUNT, "Minimum 1 0G required for new sub account");
            payload = abi.encodeCall(IServing.addAccount, (msg.sender, provider, ledger.additionalInfo));
            _providersOf[msg.sender][serviceAddress].add(provider);
        }
        require(ledger.availableBalance >= transferAmount, "Insufficient balance");
        ledger.availableBalance -= transferAmount;
        (bool ok,) = serviceAddress.call{value: transferAmount}(payload);
        require(ok, "Call to child contract failed");
    }

    /// @notice For each provider: moves refunds whose lock time has passed back to the
    /// available balance, then asks for a refund of everything still unlocked.
    function retrieveFund(address[] memory providers, string memory serviceName) external nonReentrant {
        if (providers.length > MAX_PROVIDERS_PER_BATCH) {
            revert TooManyProviders(providers.length, MAX_PROVIDERS_PER_BATCH);
        }
        address serviceAddress = _serviceByName[serviceName];
        require(serviceAddress != address(0), "Service not found");
        IServing serving = IServing(serviceAddress);
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

    function deleteLedger() external nonReentrant {
        Ledger storage ledger = _get(msg.sender);
        require(ledger.totalBalance == 0, "Must withdraw all funds first");
        _delete(msg.sender);
    }

    /// @notice Called by a registered serving contract when it settles `amount` of fees
    /// out of `user`'s sub-account (the funds already sit in that contract).
    function spendFund(address user, uint256 amount) external {
        require(_services[msg.sender].serviceAddress != address(0), "Caller is not a registered service");
        Ledger storage ledger = _get(user);
        require((ledger.totalBalance - ledger.availableBalance) >= amount, "Insufficient balance");
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
        require(serviceAddress != address(0), "Service not found");
        return _providersOf[user][serviceAddress].values();
    }

    // ---- the service registry ----

    function registerService(
        string memory serviceType,
        string memory version,
        address serviceAddress,
        string memory description
    ) external onlyOwner {
        require(serviceAddress != address(0), "Invalid service address");
        require(bytes(serviceType).length > 0, "Service type required");
        require(bytes(version).length > 0, "Version required");
        require(_services[serviceAddress].serviceAddress == address(0), "Service already registered");
        string memory fullName = string.concat(serviceType, "-", version);
        require(_serviceByName[fullName] == address(0), "Service name already exists");
        require(
            serviceAddress.supportsInterface(type(IServing).interfaceId), "Service must implement IServing interface"
        );
        _services[serviceAddress] =
            ServiceInfo(serviceAddress, serviceType, version, fullName, description, block.timestamp);
        _serviceByName[fullName] = serviceAddress;
        _serviceAddresses.add(serviceAddress);
        emit ServiceRegistered(serviceAddress, fullName);
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

    /// @notice Only serving contracts send native 0G here (matured refunds).
    receive() external payable {
        require(
            _services[msg.sender].serviceAddress != address(0), "Direct deposits disabled; use depositFund() instead"
        );
    }

    // ---- internals ----

    function _deposit(address user, uint256 amount) private {
        require(amount > 0, "Deposit amount must be greater than zero");
        if (!_users.contains(user)) {
            require(amount >= MIN_ACCOUNT_BALANCE, "Minimum deposit of 3 0G required for new account");
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

    function _delete(address user) private {
        for (uint256 i = 0; i < _serviceAddresses.length(); i++) {
            address serviceAddress = _serviceAddresses.at(i);
            EnumerableSet.AddressSet storage providers = _providersOf[user][serviceAddress];
            address[] memory list = providers.values();
            for (uint256 j = 0; j < list.length; j++) {
                IServing(serviceAddress).deleteAccount(user, list[j]);
                providers.remove(list[j]);
            }
        }
        _users.remove(user);
        delete _ledgers[user];
    }

    function _get(address user) private view returns (Ledger storage) {
        if (!_users.contains(user)) revert LedgerNotExists(user);
        return _ledgers[user];
    }
}
