// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IMarket} from "./IMarket.sol";

/// @title Fixed-price storage market (devnet stand-in for 0G's FixedPrice market)
/// @notice Holds the storage fees the Flow contract forwards. The price per sector is set
/// by the admin; the devnet deploys it with a price a test can read back. As 0G's
/// `FixedPrice`: only the Flow may charge, a charge needs the fee for its uploaded sectors
/// already paid in, and payments are accepted from anyone (0G forwards them all to the
/// mining reward; the devnet has no miners, so they stay here, counted in `totalFees`).
contract FixedPriceMarket is IMarket {
    uint256 public override pricePerSector;
    address public override flow;
    address public immutable admin;
    /// @notice Fees received so far (what 0G pays out to storage miners as rewards).
    uint256 public totalFees;

    event PriceChanged(uint256 pricePerSector);
    event FeeCharged(uint256 beforeLength, uint256 uploadSectors, uint256 paddingSectors);

    error OnlyAdmin();
    error FlowAlreadySet();

    constructor(uint256 price) {
        admin = msg.sender;
        pricePerSector = price;
    }

    /// @notice Binds the market to its Flow contract, once.
    function setFlow(address flow_) external {
        if (msg.sender != admin) revert OnlyAdmin();
        if (flow != address(0)) revert FlowAlreadySet();
        flow = flow_;
    }

    function setPricePerSector(uint256 price) external {
        if (msg.sender != admin) revert OnlyAdmin();
        pricePerSector = price;
        emit PriceChanged(price);
    }

    function chargeFee(uint256 beforeLength, uint256 uploadSectors, uint256 paddingSectors) external override {
        require(msg.sender == flow, "Sender does not have permission");
        require(pricePerSector * uploadSectors <= address(this).balance, "Not enough paid fee");
        emit FeeCharged(beforeLength, uploadSectors, paddingSectors);
    }

    receive() external payable {
        totalFees += msg.value;
    }
}
