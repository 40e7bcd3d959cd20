//! Deploys the project's contracts (compiled by `contracts/build.mjs` into
//! `contracts/out/`) onto the devnet's anvil, so the app, the storage nodes and the tests
//! find them at addresses announced in `/devnet.json`.
//!
//! Deployment uses anvil's dev account #9 (unlocked, so anvil signs): the faucet spends
//! from #0, and a separate account keeps the two from racing for nonces.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolValue};
use serde::Serialize;
use serde_json::{json, Value};
use zg_abi::inference_serving::InferenceServing::acknowledgeTEESignerByOwnerCall;
use zg_abi::ledger::LedgerManager::{registerServiceCall, setRecommendedServiceCall};
use zg_abi::market::FixedPriceMarket::setFlowCall;
use zg_abi::staking::ZgStaking::{createAndInitializeValidatorIfNecessaryCall, getValidatorCall, Description};
use zg_abi::timelock::ZgTimelock::{grantRoleCall, renounceRoleCall};
use zg_abi::validator::ZgValidator::{devnetDistributeRewardsCall, devnetPayMaturedCall};

use devnet::jsonrpc::{Endpoint, RpcError};

/// anvil's dev account #9 for the "test test … junk" mnemonic.
pub const DEPLOYER: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
/// The devnet's storage price: 1 gwei per 256-byte sector (4096 gwei per MiB).
pub const PRICE_PER_SECTOR_WEI: u64 = 1_000_000_000;

/// Governance on the devnet: short enough to demo a proposal end to end (blocks are 0.4 s).
/// A 0G deployment would pass days: e.g. a 7-day period is ~1.5 M blocks.
pub mod governance {
    /// Blocks between a proposal and its snapshot (voting starts after it).
    pub const VOTING_DELAY_BLOCKS: u64 = 1;
    /// Blocks voting stays open: 150 blocks, about a minute.
    pub const VOTING_PERIOD_BLOCKS: u64 = 150;
    /// Quorum in per mille of wrapped 0G's total supply at the snapshot (Cosmos' 33.4%).
    pub const QUORUM_PER_MILLE: u64 = 334;
    /// The minimum proposal deposit: 1 0G, in wei.
    pub const PROPOSAL_DEPOSIT_WEI: u64 = 1_000_000_000_000_000_000;
    /// Seconds a passed proposal waits in the timelock.
    pub const TIMELOCK_DELAY_SECS: u64 = 10;
}

/// The staking stand-in on the devnet.
pub mod staking {
    /// Blocks an undelegation waits before it can be paid (about 10 s).
    pub const WITHDRAWAL_DELAY_BLOCKS: u64 = 25;
    pub const MAX_VALIDATORS: u64 = 100;
    /// The validators registered at start-up: (moniker, pubkey byte, commission in ppm,
    /// self-delegation in 0G). The deployer operates them.
    pub const VALIDATORS: [(&str, u8, u32, u64); 2] =
        [("zg-devnet-alpha", 0xa1, 50_000, 1000), ("zg-devnet-beta", 0xb2, 100_000, 500)];
    /// Rewards paid into the first validator at start-up, so shares are worth more than 1 0G.
    pub const INITIAL_REWARD_WEI: u64 = 1_000_000_000_000_000_000;
    /// The withdrawal fee every devnet validator asks, in gwei.
    pub const WITHDRAWAL_FEE_GWEI: u64 = 1;
    /// The account that plays 0G's consensus layer paying matured withdrawals: no dev
    /// account (their balances are the tests'), but an address anvil impersonates and
    /// funds for gas at start-up.
    pub const CONSENSUS_PAYER: &str = "0x00000000000000000000000000000000c0115e50";

    /// A devnet validator's 48-byte consensus public key: `byte` repeated.
    pub fn pubkey(byte: u8) -> Vec<u8> {
        vec![byte; 48]
    }
}

/// 0G Compute on the devnet (contracts/src/compute/).
pub mod compute {
    /// Seconds a sub-account refund waits before `retrieveFund` can move it back to the
    /// ledger (0G's mainnet uses hours; two minutes lets a demo show the whole cycle).
    pub const REFUND_LOCK_SECS: u64 = 120;
    /// The name `transferFund`/`retrieveFund` take for the inference serving contract.
    pub const SERVICE_TYPE: &str = "inference";
    pub const SERVICE_VERSION: &str = "v1.0";
}

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("{path}: {reason}. Run `cargo xtask setup` (or `node contracts/build.mjs`) to compile the contracts")]
    Artifact { path: PathBuf, reason: String },
    #[error("deploying {contract}: {source}")]
    Node { contract: &'static str, source: RpcError },
    #[error("deploying {contract}: the transaction failed or was not mined within 30 s ({detail})")]
    Failed { contract: &'static str, detail: String },
    #[error("deploying {contract}: {value:?} is not an address; the node answered something unexpected")]
    NotAnAddress { contract: &'static str, value: String },
}

/// Where each contract lives on the devnet (`contracts` in `/devnet.json`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployed {
    pub flow: String,
    pub market: String,
    #[serde(rename = "wrappedZG")]
    pub wrapped_zg: String,
    pub price_per_sector_wei: String,
    /// The ERC-7857 agent NFT and the verifier of its transfer proofs.
    pub agent_nft: String,
    pub inft_verifier: String,
    /// The block the Flow contract was created in: where log scans can start.
    pub first_block: u64,
    /// The Cosmos-style governor over wrapped 0G votes, and the timelock that executes
    /// (and holds the treasury of) passed proposals.
    pub governor: String,
    pub timelock: String,
    /// The staking registry (stand-in for 0G's `IStakingContract`).
    pub staking: String,
    /// The consensus public keys of the validators registered at start-up. 0G's
    /// documented interface cannot list validators, only find one by its key
    /// (`getValidator(pubkey)`), so a client needs the keys.
    pub staking_validators: Vec<String>,
    /// The validator contracts of those keys, for the simulated consensus layer
    /// ([`pay_matured_withdrawals`]).
    #[serde(skip)]
    pub validator_contracts: Vec<String>,
    /// 0G Compute: the ledger users fund, and the inference registry holding their
    /// per-provider sub-accounts (registered in the ledger as "inference-v1.0").
    pub ledger: String,
    pub inference_serving: String,
}

pub fn deploy_all(rpc: &Endpoint, artifacts: &Path) -> Result<Deployed, DeployError> {
    let market = deploy(rpc, artifacts, "FixedPriceMarket", &U256::from(PRICE_PER_SECTOR_WEI).abi_encode())?;
    let flow = deploy(rpc, artifacts, "Flow", &address("Flow", &market.address)?.abi_encode())?;
    let set_flow = setFlowCall { flow_: address("FixedPriceMarket.setFlow", &flow.address)? }.abi_encode();
    send(rpc, "FixedPriceMarket.setFlow", json!({"from": DEPLOYER, "to": market.address, "data": hex(&set_flow)}))?;
    let wrapped = deploy(rpc, artifacts, "WrappedZG", &[])?;
    let verifier = deploy(rpc, artifacts, "SignatureVerifier", &[])?;
    let agent_nft = deploy(rpc, artifacts, "AgentNFT", &address("AgentNFT", &verifier.address)?.abi_encode())?;
    let (governor, timelock, staking, validator_contracts) =
        deploy_governance_and_staking(rpc, artifacts, &wrapped.address)?;
    let (ledger, inference_serving) = deploy_compute(rpc, artifacts)?;
    Ok(Deployed {
        flow: flow.address,
        market: market.address,
        wrapped_zg: wrapped.address,
        price_per_sector_wei: PRICE_PER_SECTOR_WEI.to_string(),
        agent_nft: agent_nft.address,
        inft_verifier: verifier.address,
        first_block: flow.block,
        governor,
        timelock,
        staking,
        staking_validators: staking::VALIDATORS.iter().map(|v| hex(&staking::pubkey(v.1))).collect(),
        validator_contracts,
        ledger,
        inference_serving,
    })
}

/// The 0G Compute ledger and inference registry, the registry registered in the ledger
/// and recommended for its type.
/// Returns (ledger, inferenceServing).
fn deploy_compute(rpc: &Endpoint, artifacts: &Path) -> Result<(String, String), DeployError> {
    let ledger = deploy(rpc, artifacts, "LedgerManager", &[])?;
    let serving_args = (U256::from(compute::REFUND_LOCK_SECS), address("InferenceServing", &ledger.address)?);
    let serving = deploy(rpc, artifacts, "InferenceServing", &serving_args.abi_encode_params())?;
    let register = registerServiceCall {
        serviceType: compute::SERVICE_TYPE.into(),
        version: compute::SERVICE_VERSION.into(),
        serviceAddress: address("LedgerManager.registerService", &serving.address)?,
        description: "zg-devnet inference serving (0G's InferenceServing interface)".into(),
    };
    let tx = json!({"from": DEPLOYER, "to": ledger.address, "data": hex(&register.abi_encode())});
    send(rpc, "LedgerManager.registerService", tx)?;
    // As on 0G's networks, the one inference version is the recommended one.
    let recommend = setRecommendedServiceCall {
        serviceType: compute::SERVICE_TYPE.into(),
        version: compute::SERVICE_VERSION.into(),
    };
    let tx = json!({"from": DEPLOYER, "to": ledger.address, "data": hex(&recommend.abi_encode())});
    send(rpc, "LedgerManager.setRecommendedService", tx)?;
    Ok((ledger.address, serving.address))
}

/// Acknowledges a provider's TEE signer as the registry's owner (0G's
/// `acknowledgeTEESignerByOwner`), once the provider has registered its service.
pub fn acknowledge_tee_signer(rpc: &Endpoint, serving: &str, provider: &str) -> Result<(), DeployError> {
    let call = acknowledgeTEESignerByOwnerCall {
        provider: address("InferenceServing.acknowledgeTEESignerByOwner", provider)?,
    };
    let tx = json!({"from": DEPLOYER, "to": serving, "data": hex(&call.abi_encode())});
    send(rpc, "InferenceServing.acknowledgeTEESignerByOwner", tx).map(|_| ())
}

/// Devnet only: plays 0G's consensus layer, which pays an undelegation once its delay is
/// over (0G has no withdraw call). Asks each validator whether a withdrawal has matured
/// (a free `eth_call`) and only then sends `devnetPayMatured`, so an idle devnet mines
/// nothing. Returns how many withdrawals were paid.
pub fn pay_matured_withdrawals(rpc: &Endpoint, validators: &[String]) -> Result<u64, DeployError> {
    let data = hex(&devnetPayMaturedCall {}.abi_encode());
    let mut paid = 0;
    for validator in validators {
        let tx = json!({"from": staking::CONSENSUS_PAYER, "to": validator, "data": data});
        let answer = rpc
            .call("eth_call", json!([tx, "latest"]))
            .map_err(|source| DeployError::Node { contract: "ZgValidator", source })?;
        let due = answer.as_str().and_then(|w| u64::from_str_radix(w.trim_start_matches("0x"), 16).ok()).unwrap_or(0);
        if due > 0 {
            send(rpc, "ZgValidator.devnetPayMatured", tx)?;
            paid += due;
        }
    }
    Ok(paid)
}

/// Governance and staking, in three rounds of transactions sent together (one block
/// each rather than one per transaction): the timelock and the staking registry; the
/// governor and the validators; the timelock's roles (the governor alone proposes and
/// cancels, the deployer gives up the admin role it held for this wiring) and a first
/// reward. Returns (governor, timelock, staking, the validators' contracts).
fn deploy_governance_and_staking(
    rpc: &Endpoint,
    artifacts: &Path,
    token: &str,
) -> Result<(String, String, String, Vec<String>), DeployError> {
    const ONE_0G: u128 = 1_000_000_000_000_000_000;

    let round = send_all(
        rpc,
        vec![
            (
                "ZgTimelock",
                creation_tx(
                    artifacts,
                    "ZgTimelock",
                    &(U256::from(governance::TIMELOCK_DELAY_SECS), address("ZgTimelock", DEPLOYER)?)
                        .abi_encode_params(),
                )?,
            ),
            (
                "ZgStaking",
                creation_tx(
                    artifacts,
                    "ZgStaking",
                    &(U256::from(staking::WITHDRAWAL_DELAY_BLOCKS), U256::from(staking::MAX_VALIDATORS))
                        .abi_encode_params(),
                )?,
            ),
        ],
    )?;
    let timelock = created("ZgTimelock", &round[0])?.address;
    let registry = created("ZgStaking", &round[1])?.address;

    let governor_args = (
        address("ZgGovernor", token)?,
        address("ZgGovernor", &timelock)?,
        U256::from(governance::VOTING_DELAY_BLOCKS),
        U256::from(governance::VOTING_PERIOD_BLOCKS),
        U256::from(governance::QUORUM_PER_MILLE),
        U256::from(governance::PROPOSAL_DEPOSIT_WEI),
    )
        .abi_encode_params();
    let mut txs = vec![("ZgGovernor", creation_tx(artifacts, "ZgGovernor", &governor_args)?)];
    for (moniker, key_byte, commission, self_stake) in staking::VALIDATORS {
        let create = createAndInitializeValidatorIfNecessaryCall {
            description: Description {
                moniker: moniker.into(),
                identity: String::new(),
                website: String::new(),
                securityContact: String::new(),
                details: "A zg-devnet validator (staking stand-in: no consensus behind it)".into(),
            },
            commissionRate: commission,
            withdrawalFeeInGwei: alloy_primitives::Uint::from(staking::WITHDRAWAL_FEE_GWEI),
            pubkey: staking::pubkey(key_byte).into(),
            signature: alloy_primitives::Bytes::new(),
        };
        let value = u128::from(self_stake) * ONE_0G;
        let tx = json!({"from": DEPLOYER, "to": registry, "data": hex(&create.abi_encode()), "value": format!("0x{value:x}")});
        txs.push(("ZgStaking validator", tx));
    }
    let round = send_all(rpc, txs)?;
    let governor = created("ZgGovernor", &round[0])?.address;

    let gov = address("ZgGovernor", &governor)?;
    let deployer = address("ZgTimelock roles", DEPLOYER)?;
    let node = |source| DeployError::Node { contract: "consensus payer", source };
    rpc.call("anvil_impersonateAccount", json!([staking::CONSENSUS_PAYER])).map_err(node)?;
    rpc.call("anvil_setBalance", json!([staking::CONSENSUS_PAYER, format!("0x{:x}", 1000 * ONE_0G)])).map_err(node)?;
    let mut validators = Vec::new();
    for (_, key_byte, _, _) in staking::VALIDATORS {
        let call = getValidatorCall { pubkey: staking::pubkey(key_byte).into() };
        let answer = rpc
            .call("eth_call", json!([{"to": registry, "data": hex(&call.abi_encode())}, "latest"]))
            .map_err(|source| DeployError::Node { contract: "ZgStaking", source })?;
        let output = answer.as_str().and_then(|word| alloy_primitives::hex::decode(word).ok()).unwrap_or_default();
        let validator = getValidatorCall::abi_decode_returns(&output)
            .map_err(|_| DeployError::NotAnAddress { contract: "ZgStaking.getValidator", value: answer.to_string() })?;
        validators.push(format!("{validator:#x}"));
    }
    let mut txs: Vec<(&'static str, Value)> = [
        grantRoleCall { role: alloy_primitives::keccak256("PROPOSER_ROLE"), account: gov }.abi_encode(),
        grantRoleCall { role: alloy_primitives::keccak256("CANCELLER_ROLE"), account: gov }.abi_encode(),
        renounceRoleCall { role: alloy_primitives::B256::ZERO, callerConfirmation: deployer }.abi_encode(),
    ]
    .into_iter()
    .map(|data| ("ZgTimelock roles", json!({"from": DEPLOYER, "to": timelock, "data": hex(&data)})))
    .collect();
    txs.push((
        "ZgValidator rewards",
        json!({
            "from": DEPLOYER, "to": validators[0], "data": hex(&devnetDistributeRewardsCall {}.abi_encode()),
            "value": format!("0x{:x}", staking::INITIAL_REWARD_WEI),
        }),
    ));
    send_all(rpc, txs)?;
    Ok((governor, timelock, registry, validators))
}

struct Created {
    address: String,
    block: u64,
}

/// `args`: the constructor's arguments, ABI-encoded (`abi_encode_params` of their tuple).
fn deploy(rpc: &Endpoint, artifacts: &Path, name: &'static str, args: &[u8]) -> Result<Created, DeployError> {
    let mut tx = creation_tx(artifacts, name, args)?;
    tx["gas"] = json!("0x1c9c380");
    created(name, &send(rpc, name, tx)?)
}

/// The transaction creating contract `name` with constructor `args` (gas left to the node).
fn creation_tx(artifacts: &Path, name: &'static str, args: &[u8]) -> Result<Value, DeployError> {
    let path = artifacts.join(format!("{name}.json"));
    let fail = |reason: String| DeployError::Artifact { path: path.clone(), reason };
    let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
    let artifact: Value = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let bytecode = artifact["bytecode"].as_str().filter(|b| b.len() > 2).ok_or_else(|| fail("no bytecode".into()))?;
    Ok(json!({"from": DEPLOYER, "data": format!("{bytecode}{}", &hex(args)[2..])}))
}

fn created(name: &'static str, receipt: &Value) -> Result<Created, DeployError> {
    let address = receipt["contractAddress"]
        .as_str()
        .ok_or_else(|| DeployError::Failed { contract: name, detail: "no contract address".into() })?;
    let block = receipt["blockNumber"].as_str().and_then(|b| u64::from_str_radix(b.trim_start_matches("0x"), 16).ok());
    Ok(Created { address: address.to_owned(), block: block.unwrap_or_default() })
}

/// Sends a transaction from the deployer and waits until it is mined successfully.
fn send(rpc: &Endpoint, contract: &'static str, tx: Value) -> Result<Value, DeployError> {
    let hash = rpc.call("eth_sendTransaction", json!([tx])).map_err(|source| DeployError::Node { contract, source })?;
    wait_mined(rpc, contract, &hash)
}

/// Sends transactions that do not depend on each other, then waits for all of them: the
/// node numbers them in order and mines them together. Receipts in the order given.
fn send_all(rpc: &Endpoint, txs: Vec<(&'static str, Value)>) -> Result<Vec<Value>, DeployError> {
    let mut hashes = Vec::with_capacity(txs.len());
    for (contract, tx) in txs {
        let hash =
            rpc.call("eth_sendTransaction", json!([tx])).map_err(|source| DeployError::Node { contract, source })?;
        hashes.push((contract, hash));
    }
    hashes.into_iter().map(|(contract, hash)| wait_mined(rpc, contract, &hash)).collect()
}

fn wait_mined(rpc: &Endpoint, contract: &'static str, hash: &Value) -> Result<Value, DeployError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let receipt = rpc
            .call("eth_getTransactionReceipt", json!([hash]))
            .map_err(|source| DeployError::Node { contract, source })?;
        if !receipt.is_null() {
            if receipt["status"] != "0x1" {
                return Err(DeployError::Failed { contract, detail: format!("reverted: {receipt}") });
            }
            return Ok(receipt);
        }
        if Instant::now() > deadline {
            return Err(DeployError::Failed { contract, detail: format!("transaction {hash}") });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An address the node or this file gave, refused loudly if malformed (an ABI word
/// padded from a bad string would silently name the zero address).
fn address(contract: &'static str, text: &str) -> Result<Address, DeployError> {
    text.parse().map_err(|_| DeployError::NotAnAddress { contract, value: text.to_owned() })
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructor_arguments_are_abi_words_and_bad_addresses_are_refused() {
        let args = (U256::from(1_000_000_000u64), address("test", DEPLOYER).unwrap()).abi_encode_params();
        assert_eq!(args.len(), 64);
        assert_eq!(&args[24..32], &1_000_000_000u64.to_be_bytes());
        assert!(args[32..44].iter().all(|b| *b == 0));
        assert_eq!(hex(&args[44..]), DEPLOYER.to_ascii_lowercase());
        assert!(matches!(address("Flow", "0xnot-hex"), Err(DeployError::NotAnAddress { contract: "Flow", .. })));
        assert!(matches!(address("Flow", "0x1234"), Err(DeployError::NotAnAddress { .. })));
    }
}
