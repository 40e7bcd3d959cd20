// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title The two interfaces 0G's compute ledger and its serving contracts talk through
/// @notice Same function names, argument orders and selectors as 0G's `IServing` and
/// `ILedger` (0g-serving-contract, contracts/ledger/LedgerManager.sol), so the ledger can
/// hold sub-accounts in any serving contract that implements `IServing` (0G has one for
/// inference and one for fine-tuning; the devnet deploys the inference one only).
interface IServing {
    function accountExists(address user, address provider) external view returns (bool);

    function getPendingRefund(address user, address provider) external view returns (uint256);

    function addAccount(address user, address provider, string memory additionalInfo) external payable;

    function depositFund(address user, address provider, uint256 cancelRetrievingAmount) external payable;

    function requestRefundAll(address user, address provider) external;

    function processRefund(address user, address provider)
        external
        returns (uint256 totalAmount, uint256 balance, uint256 pendingRefund);

    function deleteAccount(address user, address provider) external;
}

interface ILedger {
    function spendFund(address user, uint256 amount) external;

    function depositFundFor(address recipient) external payable;
}
