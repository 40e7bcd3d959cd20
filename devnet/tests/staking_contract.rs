//! The staking stand-in (contracts/src/staking/), as zg-devnet deploys it on a real anvil:
//! validators at their pubkey-derived addresses, delegation as shares of a pool, rewards
//! raising the share value less commission, and undelegation paid only after the delay.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError};
use common::{decode_logs, rpc, Devnet};
use serde_json::{json, Value};

/// anvil's dev accounts #1–#4 ("test test … junk"); #9 is the deployer's.
const OPERATOR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ALICE: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const BOB: &str = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const REWARDER: &str = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const DEPLOYER: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const ONE_0G: u128 = 1_000_000_000_000_000_000;
const GWEI: u128 = 1_000_000_000;

alloy_sol_types::sol! {
    #![sol(all_derives)]
    struct Description { string moniker; string identity; string website; string securityContact; string details; }
    struct WithdrawEntry { uint256 completionHeight; address delegatorAddress; uint256 amount; }

    interface IStakingContract {
        function createValidator(bytes pubkey) returns (address);
        function initializeValidator(Description description, uint32 commissionRate, uint96 withdrawalFeeInGwei, bytes pubkey, bytes signature) payable;
        function createAndInitializeValidatorIfNecessary(Description description, uint32 commissionRate, uint96 withdrawalFeeInGwei, bytes pubkey, bytes signature) payable returns (address);
        function getValidator(bytes pubkey) view returns (address);
        function computeValidatorAddress(bytes pubkey) view returns (address);
        function validatorCount() view returns (uint32);
        function maxValidatorCount() view returns (uint32);
        function minWithdrawabilityDelay() view returns (uint256);
        function validatorAt(uint256 index) view returns (address);
        function getValidators() view returns (address[]);

        event ValidatorCreated(bytes pubkey, address indexed validator);
        event ValidatorInitialized(address indexed validator, address indexed operator, uint256 selfDelegation);

        error InvalidPubkeyLength(uint256 length);
        error ValidatorExists(address validator);
        error ValidatorNotFound();
    }

    interface IValidatorContract {
        function delegate(address delegatorAddress) payable returns (uint256);
        function undelegate(address withdrawalAddress, uint256 shares) payable returns (uint256);
        function withdrawCommission(address withdrawalAddress) returns (uint256);
        function processWithdrawQueue() returns (uint256);
        function distributeRewards() payable;
        function tokens() view returns (uint256);
        function delegatorShares() view returns (uint256);
        function getDelegation(address delegator) view returns (address, uint256);
        function commissionRate() view returns (uint32);
        function withdrawalFeeInGwei() view returns (uint96);
        function convertToShares(uint256 amount) view returns (uint256);
        function convertToTokens(uint256 shares) view returns (uint256);
        function accumulatedCommission() view returns (uint256);
        function operator() view returns (address);
        function pubkey() view returns (bytes);
        function description() view returns (Description);
        function pendingWithdrawals(address withdrawalAddress) view returns (WithdrawEntry[]);
        function queueHead() view returns (uint256);

        event Delegated(address indexed delegator, uint256 amount, uint256 shares);
        event Undelegated(address indexed delegator, address indexed withdrawalAddress, uint256 shares, uint256 amount, uint256 completionHeight);
        event Withdrawn(address indexed to, uint256 amount);
        event RewardsDistributed(uint256 amount, uint256 commission);

        error OnlyOperator();
        error NotInitialized();
        error AlreadyInitialized();
        error DelegationBelowMinimum(uint256 amount);
        error NotEnoughWithdrawalFee(uint256 required, uint256 sent);
        error InsufficientShares(uint256 requested, uint256 held);
        error NoDelegations();
        error CommissionRateTooHigh(uint32 rate);
    }
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
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

    fn reverts<E: SolError>(&self, from: &str, to: Address, data: &[u8], value: U256) -> E {
        let tx = json!({"from": from, "to": to, "data": hex(data), "value": format!("0x{value:x}")});
        let error = rpc(&self.devnet.rpc_url, "eth_call", json!([tx, "latest"])).expect_err("the call did not revert");
        let error: Value = serde_json::from_str(&error).unwrap();
        let data = error["data"].as_str().unwrap_or_else(|| panic!("no revert data in {error}"));
        let bytes = alloy_primitives::hex::decode(data).unwrap();
        E::abi_decode(&bytes).unwrap_or_else(|_| panic!("expected {}, got {data}", E::SIGNATURE))
    }

    fn balance(&self, who: &str) -> U256 {
        U256::from(self.devnet.balance(who, "latest"))
    }

    fn block_number(&self) -> u64 {
        let n = self.devnet.rpc("eth_blockNumber", json!([]));
        u64::from_str_radix(n.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
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
        let receipt = self.send(operator, self.registry, &call.abi_encode(), self_stake);
        let created = decode_logs::<IStakingContract::ValidatorCreated>(&receipt, self.registry);
        assert_eq!(created[0].pubkey, pubkey(key));
        created[0].validator
    }
}

fn chain(devnet: &Devnet) -> Chain<'_> {
    Chain { devnet, registry: devnet.ready["contracts"]["staking"].as_str().unwrap().parse().unwrap() }
}

#[test]
fn the_devnet_starts_with_two_validators_at_their_pubkey_addresses() {
    let devnet = Devnet::start();
    let c = chain(&devnet);
    let r = c.registry;
    assert_eq!(c.view(r, IStakingContract::validatorCountCall {}), 2);
    assert_eq!(c.view(r, IStakingContract::maxValidatorCountCall {}), 100);
    assert_eq!(c.view(r, IStakingContract::minWithdrawabilityDelayCall {}), U256::from(25));
    let all = c.view(r, IStakingContract::getValidatorsCall {});
    for (i, (key, moniker, commission, stake)) in
        [(0xa1u8, "zg-devnet-alpha", 50_000u32, 1000u128), (0xb2, "zg-devnet-beta", 100_000, 500)]
            .into_iter()
            .enumerate()
    {
        let v = c.view(r, IStakingContract::getValidatorCall { pubkey: pubkey(key) });
        assert_eq!(v, all[i]);
        assert_eq!(c.view(r, IStakingContract::validatorAtCall { index: U256::from(i) }), v);
        assert_eq!(c.view(r, IStakingContract::computeValidatorAddressCall { pubkey: pubkey(key) }), v);
        assert_eq!(c.view(v, IValidatorContract::pubkeyCall {}), pubkey(key));
        assert_eq!(c.view(v, IValidatorContract::descriptionCall {}).moniker, moniker);
        assert_eq!(c.view(v, IValidatorContract::operatorCall {}), addr(DEPLOYER));
        assert_eq!(c.view(v, IValidatorContract::commissionRateCall {}), commission);
        assert_eq!(c.view(v, IValidatorContract::withdrawalFeeInGweiCall {}), alloy_primitives::Uint::from(1u64));
        let (_, shares) = {
            let d = c.view(v, IValidatorContract::getDelegationCall { delegator: addr(DEPLOYER) });
            (d._0, d._1)
        };
        assert_eq!(shares, og(stake), "self-delegation 1:1");
        assert_eq!(c.view(v, IValidatorContract::delegatorSharesCall {}), og(stake));
    }
    // The first one was paid 1 0G of rewards at start-up: 5% commission, 0.95 0G to the pool.
    let alpha = all[0];
    assert_eq!(c.view(alpha, IValidatorContract::tokensCall {}), og(1000) + U256::from(95 * ONE_0G / 100));
    assert_eq!(c.view(alpha, IValidatorContract::accumulatedCommissionCall {}), U256::from(5 * ONE_0G / 100));
    assert_eq!(c.view(all[1], IValidatorContract::tokensCall {}), og(500));
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
            signature: Bytes::new(),
        }
        .abi_encode()
    };
    c.reverts::<IStakingContract::ValidatorNotFound>(ALICE, r, &init(0x77, 0), og(1));
    c.reverts::<IValidatorContract::AlreadyInitialized>(ALICE, r, &init(0xa1, 0), og(1));

    // Created but not initialised: known at its computed address, refuses delegations.
    let predicted = c.view(r, IStakingContract::computeValidatorAddressCall { pubkey: pubkey(0x55) });
    let receipt =
        c.send(ALICE, r, &IStakingContract::createValidatorCall { pubkey: pubkey(0x55) }.abi_encode(), U256::ZERO);
    assert_eq!(decode_logs::<IStakingContract::ValidatorCreated>(&receipt, r)[0].validator, predicted);
    let delegate = IValidatorContract::delegateCall { delegatorAddress: addr(BOB) }.abi_encode();
    c.reverts::<IValidatorContract::NotInitialized>(BOB, predicted, &delegate, og(1));
    c.reverts::<IValidatorContract::NoDelegations>(
        BOB,
        predicted,
        &IValidatorContract::distributeRewardsCall {}.abi_encode(),
        og(1),
    );
    let e = c.reverts::<IValidatorContract::CommissionRateTooHigh>(ALICE, r, &init(0x55, 1_000_001), og(1));
    assert_eq!(e.rate, 1_000_001);
    c.reverts::<IValidatorContract::DelegationBelowMinimum>(ALICE, r, &init(0x55, 0), U256::ZERO);
    let receipt = c.send(ALICE, r, &init(0x55, 0), og(2));
    let initialised = decode_logs::<IStakingContract::ValidatorInitialized>(&receipt, r);
    assert_eq!(
        (initialised[0].validator, initialised[0].operator, initialised[0].selfDelegation),
        (predicted, addr(ALICE), og(2))
    );
    assert_eq!(c.view(r, IStakingContract::validatorCountCall {}), 3);
}

#[test]
fn delegations_earn_rewards_as_shares_and_undelegations_pay_out_only_after_the_delay() {
    let devnet = Devnet::start();
    let c = chain(&devnet);
    // 10% commission, 100 0G self-delegation: 100 shares for 100 0G.
    let v = c.create_validator(OPERATOR, 0x42, 100_000, og(100));
    let shares_of = |who: &str| c.view(v, IValidatorContract::getDelegationCall { delegator: addr(who) })._1;
    assert_eq!(shares_of(OPERATOR), og(100));

    // Alice delegates 50 0G at 1:1; the event and the pool agree.
    let delegate = |to: &str| IValidatorContract::delegateCall { delegatorAddress: addr(to) }.abi_encode();
    let receipt = c.send(ALICE, v, &delegate(ALICE), og(50));
    let d = decode_logs::<IValidatorContract::Delegated>(&receipt, v);
    assert_eq!((d[0].delegator, d[0].amount, d[0].shares), (addr(ALICE), og(50), og(50)));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), og(150));
    c.reverts::<IValidatorContract::DelegationBelowMinimum>(ALICE, v, &delegate(ALICE), U256::ZERO);

    // 15 0G of rewards: 1.5 to the operator, 13.5 raise the pool to 163.5 for 150 shares.
    let receipt = c.send(REWARDER, v, &IValidatorContract::distributeRewardsCall {}.abi_encode(), og(15));
    let r = decode_logs::<IValidatorContract::RewardsDistributed>(&receipt, v);
    assert_eq!((r[0].amount, r[0].commission), (og(15), tenths(15)));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), tenths(1635));
    assert_eq!(c.view(v, IValidatorContract::accumulatedCommissionCall {}), tenths(15));
    assert_eq!(c.view(v, IValidatorContract::convertToTokensCall { shares: og(50) }), tenths(545), "alice earned 4.5");

    // Bob joins later, at the higher share price: 10.9 0G buy 10 shares.
    assert_eq!(c.view(v, IValidatorContract::convertToSharesCall { amount: tenths(109) }), og(10));
    c.send(BOB, v, &delegate(BOB), tenths(109));
    assert_eq!(shares_of(BOB), og(10));
    assert_eq!(c.view(v, IValidatorContract::delegatorSharesCall {}), og(160));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), tenths(1744));

    // Undelegation: the fee (1 gwei) is due, and only shares one holds.
    let withdrawal = common::fresh_address();
    let undelegate =
        |shares: U256| IValidatorContract::undelegateCall { withdrawalAddress: addr(&withdrawal), shares }.abi_encode();
    let e = c.reverts::<IValidatorContract::NotEnoughWithdrawalFee>(ALICE, v, &undelegate(og(20)), U256::ZERO);
    assert_eq!((e.required, e.sent), (U256::from(GWEI), U256::ZERO));
    let e = c.reverts::<IValidatorContract::InsufficientShares>(ALICE, v, &undelegate(og(51)), U256::from(GWEI));
    assert_eq!((e.requested, e.held), (og(51), og(50)));

    // 20 of alice's shares are worth 20 × 174.4 / 160 = 21.8 0G; 5 gwei paid over the fee
    // come back with them.
    let receipt = c.send(ALICE, v, &undelegate(og(20)), U256::from(6 * GWEI));
    let u = decode_logs::<IValidatorContract::Undelegated>(&receipt, v);
    assert_eq!((u[0].delegator, u[0].shares, u[0].amount), (addr(ALICE), og(20), tenths(218)));
    let mined_at = u64::from_str_radix(receipt["blockNumber"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert_eq!(u[0].completionHeight, U256::from(mined_at + 25));
    assert_eq!(shares_of(ALICE), og(30));
    assert_eq!(c.view(v, IValidatorContract::tokensCall {}), tenths(1744 - 218));
    assert_eq!(c.view(v, IValidatorContract::accumulatedCommissionCall {}), tenths(15) + U256::from(GWEI));
    let owed = tenths(218) + U256::from(5 * GWEI);
    let pending = c.view(v, IValidatorContract::pendingWithdrawalsCall { withdrawalAddress: addr(&withdrawal) });
    assert_eq!(pending.len(), 1);
    assert_eq!((pending[0].amount, pending[0].completionHeight), (owed, u[0].completionHeight));

    // Before the delay nothing is paid, whoever asks.
    let process = IValidatorContract::processWithdrawQueueCall {}.abi_encode();
    c.send(REWARDER, v, &process, U256::ZERO);
    assert_eq!(c.balance(&withdrawal), U256::ZERO);
    assert!(c.block_number() < mined_at + 25);

    devnet.rpc("anvil_mine", json!([format!("0x{:x}", 25)]));
    let receipt = c.send(REWARDER, v, &process, U256::ZERO);
    let w = decode_logs::<IValidatorContract::Withdrawn>(&receipt, v);
    assert_eq!((w[0].to, w[0].amount), (addr(&withdrawal), owed));
    assert_eq!(c.balance(&withdrawal), owed);
    assert!(c.view(v, IValidatorContract::pendingWithdrawalsCall { withdrawalAddress: addr(&withdrawal) }).is_empty());
    assert_eq!(c.view(v, IValidatorContract::queueHeadCall {}), U256::from(1));
    c.send(REWARDER, v, &process, U256::ZERO);
    assert_eq!(c.balance(&withdrawal), owed, "paid once");

    // Commission: the operator's alone.
    let to = common::fresh_address();
    let withdraw = IValidatorContract::withdrawCommissionCall { withdrawalAddress: addr(&to) }.abi_encode();
    c.reverts::<IValidatorContract::OnlyOperator>(ALICE, v, &withdraw, U256::ZERO);
    c.send(OPERATOR, v, &withdraw, U256::ZERO);
    assert_eq!(c.balance(&to), tenths(15) + U256::from(GWEI));

    // Everything left is the pool: the contract holds exactly `tokens`.
    assert_eq!(c.balance(&v.to_string()), c.view(v, IValidatorContract::tokensCall {}));
}
