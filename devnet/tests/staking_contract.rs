//! The staking stand-in (contracts/src/staking/), as zg-devnet deploys it on a real anvil.
//! Its public surface must be exactly 0G's documented `IStakingContract` /
//! `IValidatorContract` (0gfoundation/0g-doc,
//! docs/developer-hub/building-on-0g/contracts-on-0g/staking-interfaces.md): the calls the
//! old stand-in had beyond it are refused, validators sit at their pubkey-derived
//! addresses, a delegation is worth `shares × tokens / delegatorShares`, undelegation
//! costs the withdrawal fee, and the (simulated) consensus layer pays a withdrawal only
//! after the delay, without running the recipient's code.

mod common;

use std::collections::BTreeSet;

use alloy_primitives::{hex, Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError};
use common::{rpc, Devnet};
use serde_json::{json, Value};
// The stand-in's bindings, generated from contracts/out/, under 0G's interface names;
// `the_public_surface_is_exactly_0gs_documented_interface` holds them to 0G's list.
use zg_abi::staking::ZgStaking as IStakingContract;
use zg_abi::staking::ZgStaking::Description;
use zg_abi::validator::ZgValidator as IValidatorContract;

/// anvil's dev accounts #1–#4 ("test test … junk"); #9 is the deployer's.
const OPERATOR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ALICE: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const BOB: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const REWARDER: &str = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const DEPLOYER: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const ONE_0G: u128 = 1_000_000_000_000_000_000;
const GWEI: u128 = 1_000_000_000;

alloy_sol_types::sol! {
    /// What the previous stand-in answered and 0G's documented interface does not have.
    interface NotOnZeroG {
        function getValidators() view returns (address[]);
        function validatorAt(uint256 index) view returns (address);
        function description() view;
        function convertToTokens(uint256 shares) view returns (uint256);
        function convertToShares(uint256 amount) view returns (uint256);
        function pendingWithdrawals(address withdrawalAddress) view returns (uint256);
        function processWithdrawQueue() returns (uint256);
        function distributeRewards() payable;
    }
}

fn addr(s: &str) -> Address {
    s.parse().unwrap()
}

fn og(n: u128) -> U256 {
    U256::from(n * ONE_0G)
}

/// `n` tenths of a 0G.
fn tenths(n: u128) -> U256 {
    U256::from(n * ONE_0G / 10)
}

fn pubkey(byte: u8) -> Bytes {
    vec![byte; 48].into()
}

fn description(moniker: &str) -> Description {
    Description {
        moniker: moniker.into(),
        identity: String::new(),
        website: String::new(),
        securityContact: String::new(),
        details: String::new(),
    }
}

struct Chain<'a> {
    devnet: &'a Devnet,
    registry: Address,
}

impl Chain<'_> {
    fn send(&self, from: &str, to: Address, data: &[u8], value: U256) -> Value {
        self.devnet.transact(from, to, data, value)
    }

    fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        self.devnet.view(to, call)
    }

    /// The raw revert data of a call that must fail.
    fn revert_data(&self, from: &str, to: Address, data: &[u8], value: U256) -> Vec<u8> {
        let tx = json!({"from": from, "to": to, "data": common::hex0x(data), "value": format!("0x{value:x}")});
        let error = rpc(&self.devnet.rpc_url, "eth_call", json!([tx, "latest"])).expect_err("the call did not revert");
        common::revert_bytes(&error).unwrap_or_default()
    }

    fn reverts<E: SolError>(&self, from: &str, to: Address, data: &[u8], value: U256) -> E {
        let data = self.revert_data(from, to, data, value);
        E::abi_decode(&data).unwrap_or_else(|_| panic!("expected {}, got 0x{}", E::SIGNATURE, hex::encode(&data)))
    }

    fn balance(&self, who: &str) -> U256 {
        U256::from(self.devnet.balance(who, "latest"))
    }

    fn shares(&self, v: Address, who: &str) -> U256 {
        self.view(v, IValidatorContract::getDelegationCall { delegator: addr(who) })._1
    }

    /// What `shares` of `v` are worth, the way a client computes it from 0G's views.
    fn value_of(&self, v: Address, shares: U256) -> U256 {
        let tokens = self.view(v, IValidatorContract::tokensCall {});
        let total = self.view(v, IValidatorContract::delegatorSharesCall {});
        shares * tokens / total
    }

    /// A new validator for `key`, operated by `operator` with `self_stake` 0G.
    fn create_validator(&self, operator: &str, key: u8, commission: u32, self_stake: U256) -> Address {
        let call = IStakingContract::createAndInitializeValidatorIfNecessaryCall {
            description: description("test validator"),
            commissionRate: commission,
            withdrawalFeeInGwei: alloy_primitives::Uint::from(1u64),
            pubkey: pubkey(key),
            signature: Bytes::new(),
        };
        self.send(operator, self.registry, &call.abi_encode(), self_stake);
        let v = self.view(self.registry, IStakingContract::getValidatorCall { pubkey: pubkey(key) });
        assert_ne!(v, Address::ZERO);
        v
    }
}

fn chain(devnet: &Devnet) -> Chain<'_> {
    Chain { devnet, registry: devnet.ready["contracts"]["staking"].as_str().unwrap().parse().unwrap() }
}

/// 0G's documented `IStakingContract` and `IValidatorContract` (0g-doc,
/// staking-interfaces.md), as function signatures; the stand-in may add only the
/// devnet's stand-ins for 0G's consensus layer and the registry's wiring of a validator.
#[test]
fn the_public_surface_is_exactly_0gs_documented_interface() {
    const DESCRIPTION: &str = "(string,string,string,string,string)";
    let registry_0g = [
        "createValidator(bytes)".to_string(),
        format!("initializeValidator({DESCRIPTION},uint32,uint96,bytes,bytes)"),
        format!("createAndInitializeValidatorIfNecessary({DESCRIPTION},uint32,uint96,bytes,bytes)"),
        "getValidator(bytes)".into(),
        "computeValidatorAddress(bytes)".into(),
        "validatorCount()".into(),
        "maxValidatorCount()".into(),
    ];
    let validator_0g = [
        "delegate(address)".to_string(),
        "undelegate(address,uint256)".into(),
        "withdrawCommission(address)".into(),
        "tokens()".into(),
        "delegatorShares()".into(),
        "getDelegation(address)".into(),
        "commissionRate()".into(),
        "withdrawalFeeInGwei()".into(),
    ];
    let devnet_only = ["devnetWithdrawalDelay()".to_string()];
    let validator_devnet_only = [
        "devnetDistributeRewards()".to_string(),
        "devnetPayMatured()".into(),
        // Called by the registry alone (`OnlyRegistry`) from `initializeValidator`.
        format!("initialize(address,{DESCRIPTION},uint32,uint96)"),
    ];
    let ours = |signatures: &[&str]| signatures.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        ours(IStakingContract::ZgStakingCalls::SIGNATURES),
        registry_0g.into_iter().chain(devnet_only).collect()
    );
    assert_eq!(
        ours(IValidatorContract::ZgValidatorCalls::SIGNATURES),
        validator_0g.into_iter().chain(validator_devnet_only).collect()
    );
}

#[test]
fn the_devnet_starts_with_two_validators_found_by_their_listed_pubkeys() {
    let devnet = Devnet::start();
    let c = chain(&devnet);
    let r = c.registry;
    assert_eq!(c.view(r, IStakingContract::validatorCountCall {}), 2);
    assert_eq!(c.view(r, IStakingContract::maxValidatorCountCall {}), 100);
    assert_eq!(c.view(r, IStakingContract::devnetWithdrawalDelayCall {}), U256::from(25));
    let listed: Vec<Bytes> = serde_json::from_value(devnet.ready["contracts"]["stakingValidators"].clone()).unwrap();
    assert_eq!(listed, vec![pubkey(0xa1), pubkey(0xb2)], "devnet.json lists the keys a client needs");
    let mut found = Vec::new();
    for (key, commission, stake) in [(0xa1u8, 50_000u32, 1000u128), (0xb2, 100_000, 500)] {
        let v = c.view(r, IStakingContract::getValidatorCall { pubkey: pubkey(key) });
        assert_ne!(v, Address::ZERO);
        assert_eq!(c.view(r, IStakingContract::computeValidatorAddressCall { pubkey: pubkey(key) }), v);
        assert_eq!(c.view(v, IValidatorContract::commissionRateCall {}), commission);
        assert_eq!(c.view(v, IValidatorContract::withdrawalFeeInGweiCall {}), alloy_primitives::Uint::from(1u64));
        let d = c.view(v, IValidatorContract::getDelegationCall { delegator: addr(DEPLOYER) });
        assert_eq!((d._0, d._1), (v, og(stake)), "self-delegation, 1:1");
        assert_eq!(c.view(v, IValidatorContract::delegatorSharesCall {}), og(stake));
        found.push(v);
    }
    assert_eq!(c.view(r, IStakingContract::getValidatorCall { pubkey: pubkey(0x77) }), Address::ZERO);
    // The first one was paid 1 0G of rewards at start-up: 5% commission, 0.95 0G to the pool.
    assert_eq!(c.view(found[0], IValidatorContract::tokensCall {}), og(1000) + U256::from(95 * ONE_0G / 100));
    assert_eq!(c.view(found[1], IValidatorContract::tokensCall {}), og(500));
    assert_eq!(c.value_of(found[0], og(1000)), og(1000) + U256::from(95 * ONE_0G / 100), "the operator earned it");
}

#[test]
fn calls_zero_g_does_not_document_are_refused_as_zero_g_would() {
    let devnet = Devnet::start();
    let c = chain(&devnet);
    let v = c.view(c.registry, IStakingContract::getValidatorCall { pubkey: pubkey(0xa1) });
    let absent: [(Address, Vec<u8>, U256); 8] = [
        (c.registry, NotOnZeroG::getValidatorsCall {}.abi_encode(), U256::ZERO),
        (c.registry, NotOnZeroG::validatorAtCall { index: U256::ZERO }.abi_encode(), U256::ZERO),
        (v, NotOnZeroG::descriptionCall {}.abi_encode(), U256::ZERO),
        (v, NotOnZeroG::convertToTokensCall { shares: og(1) }.abi_encode(), U256::ZERO),
        (v, NotOnZeroG::convertToSharesCall { amount: og(1) }.abi_encode(), U256::ZERO),
        (v, NotOnZeroG::pendingWithdrawalsCall { withdrawalAddress: addr(ALICE) }.abi_encode(), U256::ZERO),
        (v, NotOnZeroG::processWithdrawQueueCall {}.abi_encode(), U256::ZERO),
        (v, NotOnZeroG::distributeRewardsCall {}.abi_encode(), og(1)),
    ];
    for (to, data, value) in absent {
        let reverted = c.revert_data(ALICE, to, &data, value);
        assert!(
            reverted.is_empty(),
            "selector 0x{} answered with 0x{}",
            hex::encode(&data[..4]),
            hex::encode(&reverted)
        );
    }
    // A plain transfer to a validator is refused too: 0G's pool grows only by `delegate`.
    let tx = json!({"from": ALICE, "to": v, "value": format!("0x{:x}", og(1))});
    assert!(rpc(&devnet.rpc_url, "eth_call", json!([tx, "latest"])).is_err());
}

#[test]
fn the_registry_refuses_bad_keys_duplicates_and_second_initialisations() {
    let devnet = Devnet::start();
    let c = chain(&devnet);
    let r = c.registry;

    let short = IStakingContract::createValidatorCall { pubkey: vec![1u8; 47].into() }.abi_encode();
    assert_eq!(c.reverts::<IStakingContract::InvalidPubkeyLength>(ALICE, r, &short, U256::ZERO).length, U256::from(47));
    let existing = c.view(r, IStakingContract::getValidatorCall { pubkey: pubkey(0xa1) });
    let dup = IStakingContract::createValidatorCall { pubkey: pubkey(0xa1) }.abi_encode();
    assert_eq!(c.reverts::<IStakingContract::ValidatorExists>(ALICE, r, &dup, U256::ZERO).validator, existing);
    let init = |key: u8, commission: u32| {
        IStakingContract::initializeValidatorCall {
            description: description("x"),
            commissionRate: commission,
            withdrawalFeeInGwei: alloy_primitives::Uint::from(1u64),
            pubkey: pubkey(key),
            // 0G's `signature`, unnamed in the stand-in (only 0G's consensus layer checks it).
            _4: Bytes::new(),
        }
        .abi_encode()
    };
    c.reverts::<IStakingContract::ValidatorNotFound>(ALICE, r, &init(0x77, 0), og(1));
    c.reverts::<IValidatorContract::AlreadyInitialized>(ALICE, r, &init(0xa1, 0), og(1));

    // Created but not initialised: at its computed address, counted, refusing delegations.
    let predicted = c.view(r, IStakingContract::computeValidatorAddressCall { pubkey: pubkey(0x55) });
    c.send(ALICE, r, &IStakingContract::createValidatorCall { pubkey: pubkey(0x55) }.abi_encode(), U256::ZERO);
    assert_eq!(c.view(r, IStakingContract::getValidatorCall { pubkey: pubkey(0x55) }), predicted);
    assert_eq!(c.view(r, IStakingContract::validatorCountCall {}), 3);
    let delegate = IValidatorContract::delegateCall { delegatorAddress: addr(BOB) }.abi_encode();
    c.reverts::<IValidatorContract::NotInitialized>(BOB, predicted, &delegate, og(1));
    let reward = IValidatorContract::devnetDistributeRewardsCall {}.abi_encode();
    c.reverts::<IValidatorContract::NoDelegations>(BOB, predicted, &reward, og(1));
    let e = c.reverts::<IValidatorContract::CommissionRateTooHigh>(ALICE, r, &init(0x55, 1_000_001), og(1));
    assert_eq!(e.rate, 1_000_001);
    c.reverts::<IValidatorContract::DelegationBelowMinimum>(ALICE, r, &init(0x55, 0), U256::ZERO);
    c.send(ALICE, r, &init(0x55, 0), og(2));
    assert_eq!(c.shares(predicted, ALICE), og(2), "the initialiser self-delegated");
    assert_eq!(c.view(r, IStakingContract::validatorCountCall {}), 3, "initialising creates nothing new");
}

#[test]
fn delegations_earn_rewards_as_shares_and_the_consensus_layer_pays_undelegations_after_the_delay() {
    let devnet = Devnet::start();
    let c = chain(&devnet);
    // 10% commission, 100 0G self-delegation: 100 shares for 100 0G.
    let v = c.create_validator(OPERATOR, 0x42, 100_000, og(100));
    assert_eq!(c.shares(v, OPERATOR), og(100));

    // Alice delegates 50 0G at 1:1.
    let delegate = |to: &str| IValidatorContract::delegateCall { delegatorAddress: addr(to) }.abi_encode();
    c.send(ALICE, v, &delegate(ALICE), og(50));
    assert_eq!(c.shares(v, ALICE), og(50));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), og(150));
    c.reverts::<IValidatorContract::DelegationBelowMinimum>(ALICE, v, &delegate(ALICE), U256::ZERO);

    // 15 0G of rewards: 1.5 to the operator, 13.5 raise the pool to 163.5 for 150 shares.
    c.send(REWARDER, v, &IValidatorContract::devnetDistributeRewardsCall {}.abi_encode(), og(15));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), tenths(1635));
    assert_eq!(c.value_of(v, og(50)), tenths(545), "alice earned 4.5");

    // Bob joins later, at the higher share price: 10.9 0G buy 10 shares.
    c.send(BOB, v, &delegate(BOB), tenths(109));
    assert_eq!(c.shares(v, BOB), og(10));
    assert_eq!(c.view(v, IValidatorContract::delegatorSharesCall {}), og(160));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), tenths(1744));

    // Undelegation: the fee (1 gwei) is due, and only shares one holds.
    let withdrawal = common::fresh_address();
    let undelegate =
        |to: Address, shares: U256| IValidatorContract::undelegateCall { withdrawalAddress: to, shares }.abi_encode();
    c.reverts::<IValidatorContract::NotEnoughWithdrawalFee>(
        ALICE,
        v,
        &undelegate(addr(&withdrawal), og(20)),
        U256::ZERO,
    );
    let e = c.reverts::<IValidatorContract::InsufficientShares>(
        ALICE,
        v,
        &undelegate(addr(&withdrawal), og(51)),
        U256::from(GWEI),
    );
    assert_eq!((e.requested, e.held), (og(51), og(50)));

    // 20 of alice's shares are worth 20 × 174.4 / 160 = 21.8 0G; 5 gwei paid over the fee
    // come back with them.
    let worth = c.value_of(v, og(20));
    assert_eq!(worth, tenths(218));
    let receipt = c.send(ALICE, v, &undelegate(addr(&withdrawal), og(20)), U256::from(6 * GWEI));
    let mined_at = block_of(&receipt);
    assert_eq!(c.shares(v, ALICE), og(30));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), tenths(1744 - 218), "it left the pool at once");
    let owed = tenths(218) + U256::from(5 * GWEI);

    // A second withdrawal to a contract that refuses plain transfers (the registry has no
    // receive function): the consensus layer credits balances, it does not call.
    let bob_worth = c.value_of(v, og(10));
    c.send(BOB, v, &undelegate(c.registry, og(10)), U256::from(GWEI));

    // Before the delay nothing is paid, whoever asks.
    let pay = IValidatorContract::devnetPayMaturedCall {}.abi_encode();
    c.send(REWARDER, v, &pay, U256::ZERO);
    assert!(block_of(&c.send(REWARDER, v, &pay, U256::ZERO)) < mined_at + 25);
    assert_eq!(c.balance(&withdrawal), U256::ZERO);

    // After it: paid exactly once, by whichever of zg-devnet's own payer and this call
    // comes first.
    devnet.rpc("anvil_mine", json!([format!("0x{:x}", 25)]));
    c.send(REWARDER, v, &pay, U256::ZERO);
    assert_eq!(c.balance(&withdrawal), owed);
    assert_eq!(c.balance(&c.registry.to_string()), bob_worth);
    c.send(REWARDER, v, &pay, U256::ZERO);
    assert_eq!(c.balance(&withdrawal), owed, "paid once");

    // Commission (and the withdrawal fees): the operator's alone.
    let to = common::fresh_address();
    let withdraw = IValidatorContract::withdrawCommissionCall { withdrawalAddress: addr(&to) }.abi_encode();
    c.reverts::<IValidatorContract::OnlyOperator>(ALICE, v, &withdraw, U256::ZERO);
    c.send(OPERATOR, v, &withdraw, U256::ZERO);
    assert_eq!(c.balance(&to), tenths(15) + U256::from(2 * GWEI));

    // Everything left is the pool: the contract holds exactly `tokens`.
    assert_eq!(c.balance(&v.to_string()), c.view(v, IValidatorContract::tokensCall {}));
}

fn block_of(receipt: &Value) -> u64 {
    u64::from_str_radix(receipt["blockNumber"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}
