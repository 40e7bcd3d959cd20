// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The storage market as 0G's clients see it: a price per 256-byte sector.
interface IMarket {
    function pricePerSector() external view returns (uint256);

    /// @notice Called by the Flow contract with the fee for `uploadSectors` new sectors.
    function chargeFee(uint256 beforeLength, uint256 uploadSectors, uint256 paddingSectors) external;

    function flow() external view returns (address);
}
