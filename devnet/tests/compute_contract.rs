//! 0G Compute's ledger and inference registry (contracts/src/compute/), as zg-devnet
//! deploys them on a real anvil: every function a client or provider uses and every revert
//! path — ledgers, sub-accounts and their time-locked refunds, services and who may
//! acknowledge their signers, session-token revocation, and EIP-712 settlements (valid,
//! replayed, wrongly signed, for another provider, larger than the sub-account).

// sol! makes a constructor with one argument per field of 0G's 8-field `ServiceUpdated`.
#![allow(clippy::too_many_arguments)]

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{Eip712Domain, SolCall, SolError, SolEvent, SolStruct};
use common::{rpc, Devnet};
use k256::ecdsa::SigningKey;
use serde_json::{json, Value};
use zg_abi::inference_serving::InferenceServing as IInferenceServing;
use zg_abi::inference_serving::InferenceServing::{
    Account, OwnableUnauthorizedAccount, ServiceParams, TEESettlementData,
};
use zg_abi::inference_serving::TEESettlement;
use zg_abi::ledger::LedgerManager as ILedgerManager;

/// anvil's dev accounts ("test test … junk"): #1–#3 are users here, #7 a provider of the
/// test's own (the devnet's provider is #8), #9 the deployer and so the registry's owner.
const USERS: [&str; 3] = [
    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
];
const PROVIDER: &str = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
const DEPLOYER: &str = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const SERVICE: &str = "inference-v1.0";
const ONE_0G: u128 = 1_000_000_000_000_000_000;
const STAKE: u128 = 100 * ONE_0G;

const SUCCESS: u8 = 0;
const PARTIAL: u8 = 1;
const PROVIDER_MISMATCH: u8 = 2;
const NO_TEE_SIGNER: u8 = 3;
const INVALID_NONCE: u8 = 4;
const INVALID_SIGNATURE: u8 = 5;

fn og(tenths: u128) -> U256 {
    U256::from(tenths * ONE_0G / 10)
}

fn addr(s: &str) -> Address {
    s.parse().unwrap()
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

fn key_address(key: &SigningKey) -> Address {
    let point = key.verifying_key().to_encoded_point(false);
    Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
}

struct Compute<'a> {
    devnet: &'a Devnet,
    ledger: Address,
    serving: Address,
}

impl<'a> Compute<'a> {
    fn new(devnet: &'a Devnet) -> Compute<'a> {
        let c = &devnet.ready["contracts"];
        Compute {
            devnet,
            ledger: c["ledger"].as_str().unwrap().parse().unwrap(),
            serving: c["inferenceServing"].as_str().unwrap().parse().unwrap(),
        }
    }

    fn send(&self, from: &str, to: Address, data: &[u8], value: U256) -> Value {
        self.devnet.transact(from, to, data, value)
    }

    fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        self.devnet.view(to, call)
    }

    /// What the call returns when `from` sends it, without sending it.
    fn simulate<C: SolCall>(&self, from: &str, to: Address, call: C) -> C::Return {
        let tx = json!({"from": from, "to": to, "data": hex(&call.abi_encode())});
        let out = self.devnet.rpc("eth_call", json!([tx, "latest"]));
        C::abi_decode_returns(&alloy_primitives::hex::decode(out.as_str().unwrap()).unwrap()).unwrap()
    }

    fn revert_data(&self, from: &str, to: Address, data: &[u8], value: U256) -> Vec<u8> {
        let tx = json!({"from": from, "to": to, "data": hex(data), "value": format!("0x{value:x}")});
        let error = rpc(&self.devnet.rpc_url, "eth_call", json!([tx, "latest"])).expect_err("the call did not revert");
        common::revert_bytes(&error).unwrap_or_else(|| panic!("no revert data in {error}"))
    }

    fn reverts<E: SolError>(&self, from: &str, to: Address, data: &[u8], value: U256) -> E {
        let bytes = self.revert_data(from, to, data, value);
        E::abi_decode(&bytes).unwrap_or_else(|_| panic!("expected {}, got {}", E::SIGNATURE, hex(&bytes)))
    }

    fn ledger_of(&self, user: &str) -> (U256, U256) {
        let l = self.view(self.ledger, ILedgerManager::getLedgerCall { user: addr(user) });
        (l.availableBalance, l.totalBalance)
    }

    fn account(&self, user: &str, provider: &str) -> Account {
        self.view(self.serving, IInferenceServing::getAccountCall { user: addr(user), provider: addr(provider) })
    }

    fn transfer(&self, user: &str, provider: &str, amount: U256) -> Value {
        let call = ILedgerManager::transferFundCall { provider: addr(provider), serviceName: SERVICE.into(), amount };
        self.send(user, self.ledger, &call.abi_encode(), U256::ZERO)
    }

    fn retrieve(&self, user: &str, providers: &[&str]) -> Value {
        let call = ILedgerManager::retrieveFundCall {
            providers: providers.iter().map(|p| addr(p)).collect(),
            serviceName: SERVICE.into(),
        };
        self.send(user, self.ledger, &call.abi_encode(), U256::ZERO)
    }

    fn params(&self, signer: Address, model: &str) -> ServiceParams {
        ServiceParams {
            serviceType: "chatbot".into(),
            url: "http://127.0.0.1:1".into(),
            model: model.into(),
            verifiability: "TeeML".into(),
            inputPrice: U256::from(10),
            outputPrice: U256::from(20),
            additionalInfo: "{}".into(),
            teeSignerAddress: signer,
        }
    }

    fn open_ledger(&self, user: &str, amount: U256) {
        let call = ILedgerManager::addLedgerCall { additionalInfo: "{\"name\":\"test\"}".into() };
        self.send(user, self.ledger, &call.abi_encode(), amount);
    }

    fn increase_time(&self, secs: u64) {
        self.devnet.rpc("evm_increaseTime", json!([secs]));
        self.devnet.rpc("evm_mine", json!([]));
    }

    fn domain(&self) -> Eip712Domain {
        Eip712Domain {
            name: Some("0G Inference Serving".into()),
            version: Some("1".into()),
            chain_id: Some(U256::from(31337)),
            verifying_contract: Some(self.serving),
            salt: None,
        }
    }

    fn settlement(&self, key: &SigningKey, user: &str, provider: &str, fee: U256, nonce: u64) -> TEESettlementData {
        let s = TEESettlement {
            requestsHash: keccak256(format!("requests {nonce}")),
            nonce: U256::from(nonce),
            provider: addr(provider),
            user: addr(user),
            totalFee: fee,
        };
        let digest = s.eip712_signing_hash(&self.domain());
        let (sig, recovery) = key.sign_prehash_recoverable(digest.as_slice()).unwrap();
        let signature: Bytes = [sig.to_bytes().as_slice(), &[27 + recovery.to_byte()]].concat().into();
        TEESettlementData {
            user: s.user,
            provider: s.provider,
            totalFee: fee,
            requestsHash: s.requestsHash,
            nonce: s.nonce,
            signature,
        }
    }

    /// Settles from `from`: the statuses the call returns, checked against the receipt's
    /// `TEESettlementResult` events.
    fn settle(&self, from: &str, settlements: Vec<TEESettlementData>) -> Vec<u8> {
        let call = IInferenceServing::settleFeesWithTEECall { settlements };
        let statuses = self.simulate(from, self.serving, call.clone());
        let receipt = self.send(from, self.serving, &call.abi_encode(), U256::ZERO);
        let events: Vec<u8> =
            logs::<IInferenceServing::TEESettlementResult>(&receipt).iter().map(|e| e.status).collect();
        assert_eq!(events, statuses);
        statuses
    }
}

fn logs<E: SolEvent>(receipt: &Value) -> Vec<E> {
    receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| {
            let topics: Vec<B256> = serde_json::from_value(l["topics"].clone()).unwrap();
            let data: Bytes = serde_json::from_value(l["data"].clone()).unwrap();
            E::decode_raw_log(topics, &data).ok()
        })
        .collect()
}

#[test]
fn ledgers_fund_sub_accounts_whose_refunds_wait_for_the_lock_time() {
    let devnet = Devnet::start();
    let c = Compute::new(&devnet);
    let user = USERS[0];
    let provider = devnet.ready["computeProviders"][0]["address"].as_str().unwrap().to_owned();
    let provider = provider.as_str();
    let lock = c.view(c.serving, IInferenceServing::lockTimeCall {});
    assert_eq!(lock, U256::from(120));
    assert_eq!(
        c.view(c.ledger, ILedgerManager::getServiceAddressByNameCall { serviceName: SERVICE.into() }),
        c.serving
    );
    // 0G's registry view, which 0G's SDK reads the service name from.
    let info = c.view(c.ledger, ILedgerManager::getServiceInfoCall { serviceAddress: c.serving });
    assert_eq!((info.serviceAddress, info.serviceContract), (c.serving, c.serving));
    assert_eq!(
        (info.serviceType.as_str(), info.version.as_str(), info.fullName.as_str()),
        ("inference", "v1.0", SERVICE)
    );
    assert!(info.isRecommended && info.registeredAt > U256::ZERO);
    let none = c.view(c.ledger, ILedgerManager::getServiceInfoCall { serviceAddress: addr(user) });
    assert_eq!((none.serviceAddress, none.fullName.as_str()), (Address::ZERO, ""), "unregistered: all zero, as 0G");
    let recommended = c.view(c.ledger, ILedgerManager::getRecommendedServiceCall { serviceType: "inference".into() });
    assert_eq!((recommended.version.as_str(), recommended.serviceAddress), ("v1.0", c.serving));
    let get_none = ILedgerManager::getRecommendedServiceCall { serviceType: "fine-tuning".into() }.abi_encode();
    let err = c.reverts::<ILedgerManager::NoRecommendedService>(user, c.ledger, &get_none, U256::ZERO);
    assert_eq!(err.serviceType, "fine-tuning");
    let versions = c.view(c.ledger, ILedgerManager::getAllVersionsCall { serviceType: "inference".into() });
    assert_eq!(
        (versions.versions, versions.addresses, versions.isRecommendedFlags),
        (vec!["v1.0".to_owned()], vec![c.serving], vec![true])
    );
    let is = |version: &str| {
        c.view(
            c.ledger,
            ILedgerManager::isRecommendedVersionCall { serviceType: "inference".into(), version: version.into() },
        )
    };
    assert!(is("v1.0") && !is("v2.0"));
    let again = ILedgerManager::registerServiceCall {
        serviceType: "inference".into(),
        version: "v2.0".into(),
        serviceAddress: c.serving,
        description: String::new(),
    };
    let err =
        c.reverts::<ILedgerManager::ServiceAlreadyRegistered>(DEPLOYER, c.ledger, &again.abi_encode(), U256::ZERO);
    assert_eq!(err.serviceAddress, c.serving);

    // Opening a ledger.
    let get = ILedgerManager::getLedgerCall { user: addr(user) }.abi_encode();
    assert_eq!(c.reverts::<ILedgerManager::LedgerNotExists>(user, c.ledger, &get, U256::ZERO).user, addr(user));
    let add = ILedgerManager::addLedgerCall { additionalInfo: String::new() }.abi_encode();
    let err = c.reverts::<ILedgerManager::MinimumDepositRequired>(user, c.ledger, &add, og(29));
    assert_eq!((err.provided, err.required), (og(29), og(30)));
    c.open_ledger(user, og(50));
    assert_eq!(c.ledger_of(user), (og(50), og(50)));
    c.reverts::<ILedgerManager::LedgerExists>(user, c.ledger, &add, og(30));
    let deposit = ILedgerManager::depositFundCall {}.abi_encode();
    c.reverts::<ILedgerManager::ZeroAmountNotAllowed>(user, c.ledger, &deposit, U256::ZERO);
    c.send(user, c.ledger, &deposit, og(10));
    assert_eq!(c.ledger_of(user), (og(60), og(60)));
    c.reverts::<ILedgerManager::DirectDepositsDisabled>(user, c.ledger, &[], og(10));

    // Into a sub-account.
    let transfer = |name: &str, amount| {
        ILedgerManager::transferFundCall { provider: addr(provider), serviceName: name.into(), amount }.abi_encode()
    };
    // 0G names the zero address it looked up, not the name.
    let err =
        c.reverts::<ILedgerManager::ServiceNotFound>(user, c.ledger, &transfer("inference-v9", og(20)), U256::ZERO);
    assert_eq!(err.serviceAddress, Address::ZERO);
    let err =
        c.reverts::<ILedgerManager::MinimumDepositRequired>(user, c.ledger, &transfer(SERVICE, og(9)), U256::ZERO);
    assert_eq!((err.provided, err.required), (og(9), og(10)));
    let err = c.reverts::<ILedgerManager::InsufficientAvailableBalance>(
        user,
        c.ledger,
        &transfer(SERVICE, og(61)),
        U256::ZERO,
    );
    assert_eq!((err.available, err.required), (og(60), og(61)));
    c.transfer(user, provider, og(20));
    assert_eq!(c.ledger_of(user), (og(40), og(60)));
    let account = c.account(user, provider);
    assert_eq!((account.balance, account.pendingRefund, account.acknowledged), (og(20), U256::ZERO, true));
    assert_eq!(account.additionalInfo, "{\"name\":\"test\"}", "the ledger's additional info goes along");
    let providers =
        c.view(c.ledger, ILedgerManager::getLedgerProvidersCall { user: addr(user), serviceName: SERVICE.into() });
    assert_eq!(providers, vec![addr(provider)]);
    let page = c.view(
        c.serving,
        IInferenceServing::getAccountsByUserCall { user: addr(user), offset: U256::ZERO, limit: U256::ZERO },
    );
    assert_eq!((page.accounts.len(), page.total), (1, U256::from(1)));
    // Only the ledger opens sub-accounts, and only registered services spend from ledgers.
    let direct =
        IInferenceServing::addAccountCall { user: addr(user), provider: addr(USERS[1]), additionalInfo: String::new() };
    c.reverts::<IInferenceServing::CallerNotLedger>(user, c.serving, &direct.abi_encode(), og(10));
    let spend = ILedgerManager::spendFundCall { user: addr(user), amount: U256::from(1) };
    let err = c.reverts::<ILedgerManager::CallerNotRegisteredService>(user, c.ledger, &spend.abi_encode(), U256::ZERO);
    assert_eq!(err.caller, addr(user));
    let register = ILedgerManager::registerServiceCall {
        serviceType: "x".into(),
        version: "1".into(),
        serviceAddress: c.serving,
        description: String::new(),
    };
    c.reverts::<OwnableUnauthorizedAccount>(user, c.ledger, &register.abi_encode(), U256::ZERO);

    // Back to the wallet: never below 3 0G unless emptied.
    let refund = |amount| ILedgerManager::refundCall { amount }.abi_encode();
    c.reverts::<ILedgerManager::InsufficientBalance>(user, c.ledger, &refund(og(41)), U256::ZERO);
    let err = c.reverts::<ILedgerManager::MinimumDepositRequired>(user, c.ledger, &refund(og(20)), U256::ZERO);
    assert_eq!((err.provided, err.required), (og(20), og(30)), "the 2 0G that would remain, against 3 0G");
    let before = devnet.balance(user, "latest");
    c.send(user, c.ledger, &refund(og(10)), U256::ZERO);
    assert!(devnet.balance(user, "latest") > before + 99 * ONE_0G / 100, "the refund reached the wallet");
    assert_eq!(c.ledger_of(user), (og(30), og(50)));
    let delete = ILedgerManager::deleteLedgerCall {}.abi_encode();
    let err = c.reverts::<ILedgerManager::MustWithdrawAllFundsFirst>(user, c.ledger, &delete, U256::ZERO);
    assert_eq!(err.remainingBalance, og(50));

    // Out of the sub-account: asked for now, paid after the lock time.
    let receipt = c.retrieve(user, &[provider]);
    let requested = logs::<IInferenceServing::RefundRequested>(&receipt);
    assert_eq!((requested.len(), requested[0].user), (1, addr(user)));
    let account = c.account(user, provider);
    assert_eq!((account.balance, account.pendingRefund, account.refunds.len()), (og(20), og(20), 1));
    c.retrieve(user, &[provider]);
    assert_eq!(c.ledger_of(user), (og(30), og(50)), "still locked");
    // A transfer while a refund is pending takes the refund back first.
    c.transfer(user, provider, og(5));
    assert_eq!(c.ledger_of(user), (og(30), og(50)));
    let account = c.account(user, provider);
    assert_eq!((account.balance, account.pendingRefund), (og(20), og(15)));
    c.increase_time(121);
    c.retrieve(user, &[provider]);
    assert_eq!(c.ledger_of(user), (og(45), og(50)), "the matured refund is back in the ledger");
    let account = c.account(user, provider);
    // The second call also asked for the rest (0.5 0G) back.
    assert_eq!((account.balance, account.pendingRefund), (og(5), og(5)));

    let many = ILedgerManager::retrieveFundCall { providers: vec![addr(provider); 21], serviceName: SERVICE.into() };
    let err = c.reverts::<ILedgerManager::TooManyProviders>(user, c.ledger, &many.abi_encode(), U256::ZERO);
    assert_eq!((err.requested, err.maximum), (U256::from(21), U256::from(20)));
}

#[test]
fn services_register_with_a_stake_and_only_the_owner_acknowledges_their_signers() {
    let devnet = Devnet::start();
    let c = Compute::new(&devnet);
    let tee = key_address(&SigningKey::from_slice(&[5u8; 32]).unwrap());
    let provider = addr(PROVIDER);

    // The devnet's own provider is registered and acknowledged.
    let all = c.view(c.serving, IInferenceServing::getAllServicesCall { offset: U256::ZERO, limit: U256::ZERO });
    let services = all.services;
    assert_eq!((services.len(), all.total), (1, U256::from(1)));
    let devnet_provider = &devnet.ready["computeProviders"][0];
    assert_eq!(services[0].provider, addr(devnet_provider["address"].as_str().unwrap()));
    assert_eq!(services[0].teeSignerAddress, addr(devnet_provider["signer"].as_str().unwrap()));
    assert_eq!(services[0].url, devnet_provider["url"].as_str().unwrap());
    assert_eq!(services[0].model, devnet_provider["model"].as_str().unwrap());
    assert!(services[0].teeSignerAcknowledged);
    let info: Value =
        serde_json::from_str(&services[0].additionalInfo).expect("additionalInfo is JSON, as 0G's SDK needs");
    assert_eq!(info["TargetSeparated"], false);

    let add = |model: &str| IInferenceServing::addOrUpdateServiceCall { params: c.params(tee, model) }.abi_encode();
    let err = c.reverts::<IInferenceServing::InsufficientStake>(PROVIDER, c.serving, &add("m"), og(10));
    assert_eq!((err.provided, err.required), (og(10), U256::from(STAKE)));
    let receipt = c.send(PROVIDER, c.serving, &add("m"), U256::from(STAKE));
    let updated = logs::<IInferenceServing::ServiceUpdated>(&receipt);
    assert_eq!((updated[0].service, updated[0].model.as_str(), updated[0].inputPrice), (provider, "m", U256::from(10)));
    let get = |p: Address| c.view(c.serving, IInferenceServing::getServiceCall { provider: p });
    let service = get(provider);
    assert_eq!((service.provider, service.teeSignerAddress, service.teeSignerAcknowledged), (provider, tee, false));
    assert_eq!((service.serviceType.as_str(), service.outputPrice), ("chatbot", U256::from(20)));
    let page = c.view(c.serving, IInferenceServing::getAllServicesCall { offset: U256::from(1), limit: U256::from(5) });
    assert_eq!((page.services.len(), page.total, page.services[0].provider), (1, U256::from(2), provider));
    let page = IInferenceServing::getAllServicesCall { offset: U256::ZERO, limit: U256::from(51) }.abi_encode();
    c.reverts::<IInferenceServing::LimitTooLarge>(PROVIDER, c.serving, &page, U256::ZERO);
    let unknown = IInferenceServing::getServiceCall { provider: addr(USERS[2]) }.abi_encode();
    c.reverts::<IInferenceServing::ServiceNotExist>(PROVIDER, c.serving, &unknown, U256::ZERO);

    // Only the registry's owner acknowledges a service's signer — not the provider itself.
    let ack = IInferenceServing::acknowledgeTEESignerByOwnerCall { provider }.abi_encode();
    for who in [PROVIDER, USERS[0]] {
        let err = c.reverts::<OwnableUnauthorizedAccount>(who, c.serving, &ack, U256::ZERO);
        assert_eq!(err.account, addr(who));
    }
    let receipt = c.send(DEPLOYER, c.serving, &ack, U256::ZERO);
    let acked = logs::<IInferenceServing::ProviderTEESignerAcknowledged>(&receipt);
    assert_eq!((acked[0].provider, acked[0].teeSignerAddress, acked[0].acknowledged), (provider, tee, true));
    assert!(get(provider).teeSignerAcknowledged);

    // Price and URL updates keep the acknowledgement; a new model needs a new one; the
    // stake is taken once.
    c.reverts::<IInferenceServing::CannotAddStakeWhenUpdating>(PROVIDER, c.serving, &add("m"), og(1));
    let mut cheaper = c.params(tee, "m");
    cheaper.inputPrice = U256::from(1);
    c.send(
        PROVIDER,
        c.serving,
        &IInferenceServing::addOrUpdateServiceCall { params: cheaper }.abi_encode(),
        U256::ZERO,
    );
    assert!(get(provider).teeSignerAcknowledged);
    assert_eq!(get(provider).inputPrice, U256::from(1));
    c.send(PROVIDER, c.serving, &add("m2"), U256::ZERO);
    assert!(!get(provider).teeSignerAcknowledged);
    c.send(DEPLOYER, c.serving, &ack, U256::ZERO);
    let revoke = IInferenceServing::revokeTEESignerAcknowledgementCall { provider }.abi_encode();
    c.reverts::<OwnableUnauthorizedAccount>(PROVIDER, c.serving, &revoke, U256::ZERO);
    c.send(DEPLOYER, c.serving, &revoke, U256::ZERO);
    assert!(!get(provider).teeSignerAcknowledged);

    // A user's own acknowledgement needs a sub-account and stays while it holds funds.
    let user = USERS[1];
    let user_ack = |on| IInferenceServing::acknowledgeTEESignerCall { provider, acknowledged: on }.abi_encode();
    c.reverts::<IInferenceServing::AccountNotExists>(user, c.serving, &user_ack(true), U256::ZERO);
    c.open_ledger(user, og(40));
    c.transfer(user, PROVIDER, og(10));
    let err =
        c.reverts::<IInferenceServing::CannotRevokeWithNonZeroBalance>(user, c.serving, &user_ack(false), U256::ZERO);
    assert_eq!(err.balance, og(10));
    c.send(user, c.serving, &user_ack(true), U256::ZERO);

    // Removing the service returns the stake.
    let before = devnet.balance(PROVIDER, "latest");
    let receipt = c.send(PROVIDER, c.serving, &IInferenceServing::removeServiceCall {}.abi_encode(), U256::ZERO);
    assert_eq!(logs::<IInferenceServing::ServiceRemoved>(&receipt)[0].service, provider);
    assert!(devnet.balance(PROVIDER, "latest") > before + STAKE - ONE_0G / 100);
    c.reverts::<IInferenceServing::ServiceNotExist>(
        PROVIDER,
        c.serving,
        &IInferenceServing::getServiceCall { provider }.abi_encode(),
        U256::ZERO,
    );
}

#[test]
fn settlements_pay_signed_fees_once_and_never_more_than_the_sub_account_holds() {
    let devnet = Devnet::start();
    let c = Compute::new(&devnet);
    let tee = SigningKey::from_slice(&[6u8; 32]).unwrap();
    let impostor = SigningKey::from_slice(&[8u8; 32]).unwrap();
    let user = USERS[2];

    // Not yet acknowledged: refused, not paid.
    let call = IInferenceServing::addOrUpdateServiceCall { params: c.params(key_address(&tee), "m") };
    c.send(PROVIDER, c.serving, &call.abi_encode(), U256::from(STAKE));
    c.open_ledger(user, og(50));
    c.transfer(user, PROVIDER, og(20));
    assert_eq!(c.settle(PROVIDER, vec![c.settlement(&tee, user, PROVIDER, og(1), 1)]), vec![NO_TEE_SIGNER]);
    let ack = IInferenceServing::acknowledgeTEESignerByOwnerCall { provider: addr(PROVIDER) };
    c.send(DEPLOYER, c.serving, &ack.abi_encode(), U256::ZERO);

    // The contract's digest is the EIP-712 digest a client computes with alloy.
    let s = c.settlement(&tee, user, PROVIDER, og(1), 1);
    let digest = c.view(
        c.serving,
        IInferenceServing::settlementDigestCall {
            requestsHash: s.requestsHash,
            nonce: s.nonce,
            provider: s.provider,
            user: s.user,
            totalFee: s.totalFee,
        },
    );
    let expected = TEESettlement {
        requestsHash: s.requestsHash,
        nonce: s.nonce,
        provider: s.provider,
        user: s.user,
        totalFee: s.totalFee,
    }
    .eip712_signing_hash(&c.domain());
    assert_eq!(digest, expected);

    // Paid once.
    let before = devnet.balance(PROVIDER, "latest");
    let call = IInferenceServing::settleFeesWithTEECall { settlements: vec![s.clone()] };
    let receipt = c.send(PROVIDER, c.serving, &call.abi_encode(), U256::ZERO);
    let results = logs::<IInferenceServing::TEESettlementResult>(&receipt);
    assert_eq!((results[0].user, results[0].status, results[0].unsettledAmount), (addr(user), SUCCESS, U256::ZERO));
    let spent = logs::<ILedgerManager::FundSpent>(&receipt);
    assert_eq!((spent[0].user, spent[0].service, spent[0].amount), (addr(user), c.serving, og(1)));
    assert!(devnet.balance(PROVIDER, "latest") > before + 99 * ONE_0G / 1000, "the provider was paid");
    let account = c.account(user, PROVIDER);
    assert_eq!((account.balance, account.nonce), (og(19), U256::from(1)));
    assert_eq!(c.ledger_of(user), (og(30), og(49)));

    // Replayed, or any nonce not above the last: refused, nothing moves.
    assert_eq!(c.settle(PROVIDER, vec![s.clone()]), vec![INVALID_NONCE]);
    assert_eq!(c.settle(PROVIDER, vec![c.settlement(&tee, user, PROVIDER, og(1), 0)]), vec![INVALID_NONCE]);
    // Signed by another key, or tampered with after signing.
    assert_eq!(c.settle(PROVIDER, vec![c.settlement(&impostor, user, PROVIDER, og(1), 2)]), vec![INVALID_SIGNATURE]);
    let mut raised = c.settlement(&tee, user, PROVIDER, og(1), 2);
    raised.totalFee = og(2);
    assert_eq!(c.settle(PROVIDER, vec![raised]), vec![INVALID_SIGNATURE]);
    // Sent by someone else than the provider it names.
    assert_eq!(c.settle(USERS[0], vec![c.settlement(&tee, user, PROVIDER, og(1), 2)]), vec![PROVIDER_MISMATCH]);
    assert_eq!(c.account(user, PROVIDER).balance, og(19));
    assert_eq!(c.ledger_of(user), (og(30), og(49)));

    // A batch settles each entry on its own; an overcharge takes only what the
    // sub-account holds and reports the rest.
    let statuses = c.settle(
        PROVIDER,
        vec![
            c.settlement(&tee, user, PROVIDER, og(2), 2),
            c.settlement(&impostor, user, PROVIDER, og(1), 3),
            c.settlement(&tee, user, PROVIDER, og(500), 4),
        ],
    );
    assert_eq!(statuses, vec![SUCCESS, INVALID_SIGNATURE, PARTIAL]);
    let account = c.account(user, PROVIDER);
    assert_eq!((account.balance, account.nonce), (U256::ZERO, U256::from(4)));
    assert_eq!(c.ledger_of(user), (og(30), og(30)));
    let empty = IInferenceServing::settleFeesWithTEECall { settlements: vec![] }.abi_encode();
    c.reverts::<IInferenceServing::NoSettlementsProvided>(PROVIDER, c.serving, &empty, U256::ZERO);

    // Session tokens are revoked on chain, one by one or all at once.
    let is_revoked = |id| {
        c.view(
            c.serving,
            IInferenceServing::isTokenRevokedCall { user: addr(user), provider: addr(PROVIDER), tokenId: id },
        )
    };
    assert!(!is_revoked(7));
    c.send(
        user,
        c.serving,
        &IInferenceServing::revokeTokenCall { provider: addr(PROVIDER), tokenId: 7 }.abi_encode(),
        U256::ZERO,
    );
    assert!(is_revoked(7) && !is_revoked(6));
    let receipt = c.send(
        user,
        c.serving,
        &IInferenceServing::revokeAllTokensCall { provider: addr(PROVIDER) }.abi_encode(),
        U256::ZERO,
    );
    assert_eq!(logs::<IInferenceServing::AllTokensRevoked>(&receipt)[0].newGeneration, U256::from(1));
    let account = c.account(user, PROVIDER);
    assert_eq!((account.generation, account.revokedBitmap), (U256::from(1), U256::ZERO));
    let stranger = IInferenceServing::revokeTokenCall { provider: addr(PROVIDER), tokenId: 1 }.abi_encode();
    c.reverts::<IInferenceServing::AccountNotExists>(USERS[0], c.serving, &stranger, U256::ZERO);
}
