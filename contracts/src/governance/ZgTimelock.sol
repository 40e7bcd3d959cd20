// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title zg-console Timelock: OpenZeppelin's TimelockController, deployable on its own
/// @notice Holds the treasury and runs passed proposals after `minDelay` seconds. Anyone
/// may execute a ready operation (executor role open); scheduling is for the governor only.
///
/// Wiring, which the governor's address makes a second step (zg-devnet's `deploy_all`
/// does it): deploy this with a temporary `admin`, deploy {ZgGovernor} pointing here, then
/// as `admin` grant PROPOSER_ROLE and CANCELLER_ROLE to the governor and renounce
/// DEFAULT_ADMIN_ROLE. After that only the timelock itself (so: a proposal) changes roles.
contract ZgTimelock is TimelockController {
    constructor(uint256 minDelay, address admin)
        TimelockController(minDelay, new address[](0), _anyone(), admin)
    {}

    function _anyone() private pure returns (address[] memory executors) {
        executors = new address[](1);
        executors[0] = address(0);
    }
}
