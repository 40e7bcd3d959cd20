//! The light client against a lying node: the real `zg-tamper` proxy between
//! `VerifiedProvider` and a real anvil, one test per class of lie.
//!
//! Every test walks the same path: prove honestly, switch the lie on, mine, look at
//! everything the client can be asked (sync, an account, code, storage, a receipt),
//! switch the lie off, mine, and look again with the same provider. While the node lies,
//! nothing may come back proven unless it is the truth, and the class's own refusal must
//! say what was wrong; once the node is honest, everything must be proven again.
//!
//! Blocks are mined by the tests only (interval mining is switched off once the devnet
//! is up, then `anvil_mine`), so what the lie meets is the same on every run.
//!
//! One class, `private-fork`, is consistent in itself (forged state root, matching
//! proofs, linked headers): a client with one endpoint and a checkpoint cannot tell it
//! from the real chain. Its test gives the provider anvil itself as a witness endpoint,
//! the defence the trust model names (head agreement between independent endpoints).

mod common;

use std::time::Duration;

use alloy_primitives::{Address, Bytes, B256, U256};
use common::{Devnet, Tamper, UreqTransport, DEV_ACCOUNT_0};
use serde_json::{json, Value};
use wasm_light_client::{
    AccountState, CheckpointOnly, JsonRpcTransport, ProvenReceipt, SyncError, Verified, VerifiedHeader,
    VerifiedProvider,
};

/// Short, so a stalled answer costs the test seconds rather than the app's 20 s.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(3);
/// Init code that stores 42 in slot 0, emits one empty log and deploys no code: the
/// probes get a storage slot, a receipt with a log, and a state unlike block 0's.
const INIT_CODE: &str = "0x602a60005560006000a000";
const SLOT_VALUE: u64 = 42;
/// From zg-tamper's lies (devnet/src/tamper/mutation.rs).
const FORGED_EXTRA_WEI: u128 = 1000 * 10u128.pow(18);
const FORGED_STORAGE_EXTRA: u64 = 0x0123_4567;

#[derive(Debug, Clone, Copy)]
enum Probe {
    Sync,
    Account,
    Code,
    Storage,
    Receipt,
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// The lie is caught where `at` says, with a reason containing one of `because`.
    Refused { at: Probe, because: &'static [&'static str] },
    /// The lie changes nothing the client relies on: `at` is proven with the true value.
    Harmless { at: Probe },
    /// The account is shown as the node's word, labelled, with a reason containing this.
    Unverified { because: &'static str },
}

use Expect::{Harmless, Refused, Unverified};

fn hex_u64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap_or_else(|| panic!("not hex: {v}")).trim_start_matches("0x"), 16).unwrap()
}

fn hex_u256(v: &Value) -> U256 {
    U256::from_str_radix(v.as_str().unwrap_or_else(|| panic!("not hex: {v}")).trim_start_matches("0x"), 16).unwrap()
}

struct Env {
    devnet: Devnet,
    tamper: Tamper,
    provider: VerifiedProvider<UreqTransport, CheckpointOnly>,
    /// Through the proxy too, for calls the client itself never makes.
    probe: UreqTransport,
    dev0: Address,
    contract: Address,
    setup_tx: B256,
    setup_block: u64,
}

/// Proven (slot, value) pairs, or why not.
type Slots = Verified<Vec<(U256, U256)>>;

/// What the client answered while the node lied.
struct Seen {
    sync: Result<VerifiedHeader, SyncError>,
    account: Verified<AccountState>,
    code: Verified<Bytes>,
    /// Slot 0 of the contract (42) and of dev account #0 (an empty storage trie), by address.
    storage: Vec<(Address, Slots)>,
    receipt: Result<Option<Verified<ProvenReceipt>>, SyncError>,
}

impl Env {
    /// `witness`: anvil itself, unproxied, must agree on every new head.
    fn start(witness: bool) -> Env {
        // zg-devnet deploys contracts at start, which needs blocks; manual mining after.
        let devnet = Devnet::start();
        devnet.rpc("evm_setIntervalMining", json!([0]));
        let env_mine = |n: u64| devnet.rpc("anvil_mine", json!([format!("0x{n:x}"), "0x1"]));
        env_mine(3);
        let tx =
            devnet.rpc("eth_sendTransaction", json!([{ "from": DEV_ACCOUNT_0, "data": INIT_CODE, "gas": "0x30d40" }]));
        env_mine(1);
        let receipt = devnet.rpc("eth_getTransactionReceipt", json!([tx]));
        assert_eq!(receipt["status"], "0x1", "the setup transaction failed: {receipt}");
        assert_eq!(receipt["logs"].as_array().map(Vec::len), Some(1), "the setup transaction logs once");
        let contract: Address = receipt["contractAddress"].as_str().unwrap().parse().unwrap();

        let tamper = Tamper::start(&devnet.rpc_url);
        let checkpoint: B256 = devnet.ready["checkpoint"]["hash"].as_str().unwrap().parse().unwrap();
        let mut provider =
            VerifiedProvider::new(UreqTransport::with_timeout(&tamper.url, CLIENT_TIMEOUT), CheckpointOnly, checkpoint);
        if witness {
            provider = provider.with_witnesses(vec![UreqTransport::with_timeout(&devnet.rpc_url, CLIENT_TIMEOUT)], 2);
        }
        let probe = UreqTransport::with_timeout(&tamper.url, CLIENT_TIMEOUT);
        Env {
            setup_tx: tx.as_str().unwrap().parse().unwrap(),
            setup_block: hex_u64(&receipt["blockNumber"]),
            dev0: DEV_ACCOUNT_0.parse().unwrap(),
            contract,
            devnet,
            tamper,
            provider,
            probe,
        }
    }

    fn mine(&self, blocks: u64) {
        // One second apart, so timestamps rise as on a real chain.
        self.devnet.rpc("anvil_mine", json!([format!("0x{blocks:x}"), "0x1"]));
    }

    fn head(&self) -> u64 {
        hex_u64(&self.devnet.rpc("eth_blockNumber", json!([])))
    }

    /// Balance and nonce of dev account #0 at `block`, from anvil itself.
    fn truth(&self, block: u64) -> (U256, u64) {
        let tag = format!("0x{block:x}");
        let balance = hex_u256(&self.devnet.rpc("eth_getBalance", json!([DEV_ACCOUNT_0, tag])));
        let nonce = hex_u64(&self.devnet.rpc("eth_getTransactionCount", json!([DEV_ACCOUNT_0, tag])));
        (balance, nonce)
    }

    fn storage(&self, address: Address) -> (Address, Slots) {
        (address, pollster::block_on(self.provider.storage(address, &[U256::ZERO])))
    }

    fn look(&self) -> Seen {
        let sync = pollster::block_on(self.provider.sync());
        Seen {
            sync,
            account: pollster::block_on(self.provider.account(self.dev0)),
            code: pollster::block_on(self.provider.code(self.dev0)),
            storage: vec![self.storage(self.contract), self.storage(self.dev0)],
            receipt: pollster::block_on(self.provider.receipt(self.setup_tx)),
        }
    }

    /// Whatever the client proved is the truth; `what` names the moment for messages.
    fn assert_only_truth_proven(&self, seen: &Seen, what: &str) {
        if let Verified::Proven { value, block } = &seen.account {
            let (balance, nonce) = self.truth(*block);
            assert_eq!((value.balance, value.nonce), (balance, nonce), "{what}: a false account was proven");
            assert_eq!(value.address, self.dev0, "{what}: another account was proven");
        }
        if let Verified::Proven { value, .. } = &seen.code {
            assert!(value.is_empty(), "{what}: code was proven for an account without code");
        }
        for (address, verdict) in &seen.storage {
            let want = if *address == self.contract { SLOT_VALUE } else { 0 };
            if let Verified::Proven { value, .. } = verdict {
                assert_eq!(value, &vec![(U256::ZERO, U256::from(want))], "{what}: a false slot was proven");
            }
        }
        if let Ok(Some(Verified::Proven { value, .. })) = &seen.receipt {
            assert!(value.success, "{what}: a failed status was proven for a successful transaction");
            assert_eq!(value.block, self.setup_block, "{what}: the receipt was proven in the wrong block");
        }
    }

    /// Every refusal text, none of which may quote a forged value.
    fn refusals(seen: &Seen) -> Vec<String> {
        let mut texts = Vec::new();
        if let Err(e) = &seen.sync {
            texts.push(e.to_string());
        }
        if let Verified::Rejected { reason } | Verified::Unverified { reason, .. } = &seen.account {
            texts.push(reason.clone());
        }
        if let Verified::Rejected { reason } | Verified::Unverified { reason, .. } = &seen.code {
            texts.push(reason.clone());
        }
        texts.extend(seen.storage.iter().filter_map(|(_, s)| rejection(s)));
        match &seen.receipt {
            Err(e) => texts.push(e.to_string()),
            Ok(Some(Verified::Rejected { reason } | Verified::Unverified { reason, .. })) => texts.push(reason.clone()),
            _ => {}
        }
        texts
    }

    /// The refusal at `probe`, if that probe refused.
    fn refusal_at(seen: &Seen, probe: Probe) -> Option<String> {
        match probe {
            Probe::Sync => seen.sync.as_ref().err().map(ToString::to_string),
            Probe::Account => match &seen.account {
                Verified::Rejected { reason } => Some(reason.clone()),
                _ => None,
            },
            Probe::Code => match &seen.code {
                Verified::Rejected { reason } => Some(reason.clone()),
                _ => None,
            },
            Probe::Storage => {
                let errors: Vec<String> = seen.storage.iter().filter_map(|(_, s)| rejection(s)).collect();
                (errors.len() == seen.storage.len()).then(|| errors.join(" | "))
            }
            Probe::Receipt => match &seen.receipt {
                Err(e) => Some(e.to_string()),
                Ok(Some(Verified::Rejected { reason })) => Some(reason.clone()),
                _ => None,
            },
        }
    }

    fn proven_truth_at(&self, seen: &Seen, probe: Probe) -> bool {
        match probe {
            Probe::Sync => seen.sync.is_ok(),
            Probe::Account => matches!(seen.account, Verified::Proven { .. }),
            Probe::Code => matches!(seen.code, Verified::Proven { .. }),
            Probe::Storage => seen.storage.iter().all(|(_, s)| matches!(s, Verified::Proven { .. })),
            Probe::Receipt => matches!(seen.receipt, Ok(Some(Verified::Proven { .. }))),
        }
    }
}

fn rejection<T>(verdict: &Verified<T>) -> Option<String> {
    match verdict {
        Verified::Rejected { reason } | Verified::Unverified { reason, .. } => Some(reason.clone()),
        Verified::Proven { .. } => None,
    }
}

/// The forged values in the forms an error text could quote them.
fn forged_forms(env: &Env) -> Vec<String> {
    let (balance, _) = env.truth(env.head());
    let forged = balance + U256::from(FORGED_EXTRA_WEI);
    let mut forms = vec![forged.to_string(), format!("{forged:#x}")];
    for slot in [SLOT_VALUE, 0] {
        forms.push((slot + FORGED_STORAGE_EXTRA).to_string());
    }
    forms
}

fn run_class(class: &str, expect: Expect) {
    // Classes told to a client with anvil itself as a witness endpoint.
    let env = Env::start(matches!(class, "private-fork" | "fork-then-broken-link"));

    let honest = env.look();
    assert!(honest.sync.is_ok(), "{class}: the honest baseline did not sync: {:?}", honest.sync);
    for probe in [Probe::Account, Probe::Code, Probe::Storage, Probe::Receipt] {
        assert!(
            env.proven_truth_at(&honest, probe),
            "{class}: the honest baseline did not prove {probe:?}; account: {:?}, storage: {:?}, receipt: {:?}",
            honest.account,
            honest.storage,
            honest.receipt
        );
    }
    env.assert_only_truth_proven(&honest, "honest baseline");

    let state = env.tamper.set(Some(class));
    assert_eq!(state["mutation"], class);
    env.mine(2);
    let lying = env.look();
    // Asked directly too: the light client never asks for the chain id or a tip (the app
    // does, and bounds the tip itself: app/src/chain/fees.rs).
    let _ = pollster::block_on(env.probe.request("eth_chainId", json!([])));
    let _ = pollster::block_on(env.probe.request("eth_maxPriorityFeePerGas", json!([])));

    let tampered: u64 = env.tamper.state()["tampered"].as_object().unwrap().values().filter_map(Value::as_u64).sum();
    assert!(tampered > 0, "{class}: zg-tamper never told its lie, so this test proves nothing");
    env.assert_only_truth_proven(&lying, class);
    let forged = forged_forms(&env);
    for text in Env::refusals(&lying) {
        for form in &forged {
            assert!(!text.contains(form.as_str()), "{class}: a refusal quotes the forged value {form}: {text}");
        }
        // A node's own words appear only quoted (⟦…⟧) and short.
        for quoted in text.split('⟦').skip(1) {
            let words = quoted.split('⟧').next().unwrap_or_default();
            assert!(words.chars().count() <= 161, "{class}: a node's words are repeated at length: {text}");
        }
    }
    match expect {
        Refused { at, because } => {
            let reason = Env::refusal_at(&lying, at).unwrap_or_else(|| {
                panic!("{class}: {at:?} was not refused; sync: {:?}, account: {:?}", lying.sync, lying.account)
            });
            assert!(
                because.iter().any(|b| reason.contains(b)),
                "{class}: the reason does not say {because:?}: {reason}"
            );
        }
        Harmless { at } => {
            assert!(
                env.proven_truth_at(&lying, at),
                "{class}: a harmless lie stopped {at:?} from being proven; sync: {:?}, account: {:?}",
                lying.sync,
                lying.account
            );
        }
        Unverified { because } => match &lying.account {
            Verified::Unverified { reason, .. } => assert!(reason.contains(because), "{class}: {reason}"),
            other => panic!("{class}: expected the node's word, labelled; got {other:?}"),
        },
    }

    // Honest again: the same provider proves everything, on anvil's own chain.
    env.tamper.set(None);
    env.mine(1);
    let again = env.look();
    let tip = again.sync.as_ref().unwrap_or_else(|e| panic!("{class}: no recovery once the node is honest: {e}"));
    let head = env.head();
    assert_eq!(tip.number(), head, "{class}: synced to {} but anvil is at {head}", tip.number());
    let anvil_hash = env.devnet.rpc("eth_getBlockByNumber", json!([format!("0x{head:x}"), false]))["hash"].clone();
    assert_eq!(json!(tip.hash), anvil_hash, "{class}: the verified tip is not anvil's block");
    for probe in [Probe::Account, Probe::Code, Probe::Storage, Probe::Receipt] {
        assert!(
            env.proven_truth_at(&again, probe),
            "{class}: {probe:?} is not proven after recovery; account: {:?}, receipt: {:?}, storage: {:?}",
            again.account,
            again.receipt,
            again.storage
        );
    }
    env.assert_only_truth_proven(&again, "after recovery");
    assert!(matches!(again.account, Verified::Proven { block, .. } if block == head));
}

const STATE_ROOT: &[&str] = &["does not match state root"];
const STORAGE_ROOT: &[&str] = &["does not match its storage root"];
const NOT_JSON: &[&str] = &["not JSON"];

macro_rules! classes {
    ($($test:ident: $class:literal => $expect:expr;)+) => {
        $(
            #[test]
            fn $test() {
                run_class($class, $expect);
            }
        )+

        #[test]
        fn every_class_the_proxy_knows_is_tested_here() {
            let tested = [$($class),+];
            let devnet = Devnet::start();
            let tamper = Tamper::start(&devnet.rpc_url);
            let classes = tamper.state()["classes"].as_array().unwrap().clone();
            assert!(classes.len() >= 20, "the issue asks for at least 20 classes");
            for class in &classes {
                let name = class["name"].as_str().unwrap();
                assert!(tested.contains(&name), "zg-tamper's class {name} has no test here");
                assert!(class["lie"].as_str().is_some_and(|l| l.len() > 20), "{name} does not say what lie it tells");
            }
            assert_eq!(tested.len(), classes.len(), "a test names a class zg-tamper does not know");
        }
    };
}

classes! {
    forge_balance: "forge-balance" => Refused { at: Probe::Account, because: STATE_ROOT };
    forge_nonce: "forge-nonce" => Refused { at: Probe::Account, because: STATE_ROOT };
    forge_storage_value: "forge-storage-value" => Refused { at: Probe::Storage, because: STORAGE_ROOT };
    forge_code_hash: "forge-code-hash" => Refused { at: Probe::Account, because: STATE_ROOT };
    forge_code: "forge-code" => Refused { at: Probe::Code, because: &["does not hash to the proven code hash"] };
    flip_account_proof_byte: "flip-account-proof-byte" => Refused { at: Probe::Account, because: STATE_ROOT };
    flip_storage_proof_byte: "flip-storage-proof-byte" => Refused { at: Probe::Storage, because: STORAGE_ROOT };
    drop_proof_node: "drop-proof-node" => Refused { at: Probe::Account, because: STATE_ROOT };
    swap_proof_nodes: "swap-proof-nodes" => Refused { at: Probe::Account, because: STATE_ROOT };
    proof_for_other_account: "proof-for-other-account" => Refused { at: Probe::Account, because: STATE_ROOT };
    proof_for_older_block: "proof-for-older-block" => Refused { at: Probe::Account, because: STATE_ROOT };
    header_field_altered: "header-field-altered" => Refused { at: Probe::Sync, because: &["the header hashes to"] };
    header_rehashed: "header-rehashed" => Refused { at: Probe::Sync, because: &["parent hash"] };
    broken_parent_link: "broken-parent-link" => Refused { at: Probe::Sync, because: &["parent hash"] };
    replay_old_head: "replay-old-head" => Refused { at: Probe::Sync, because: &["asked for block", "cannot follow"] };
    stale_head: "stale-head" => Harmless { at: Probe::Account };
    fake_reorg: "fake-reorg" => Harmless { at: Probe::Account };
    future_timestamp: "future-timestamp" => Refused { at: Probe::Sync, because: &["ahead of this computer's clock"] };
    private_fork: "private-fork" => Refused { at: Probe::Sync, because: &["endpoints disagree"] };
    // Told with a witness: forged children the quorum never saw must not stay as the tip
    // when the header after them breaks.
    fork_then_broken_link: "fork-then-broken-link" => Refused { at: Probe::Sync, because: &["parent hash"] };
    drop_storage_proof: "drop-storage-proof" => Refused { at: Probe::Storage, because: &["leaves out the asked-for slot"] };
    wrong_chain_id: "wrong-chain-id" => Harmless { at: Probe::Account };
    huge_tip: "huge-tip" => Harmless { at: Probe::Account };
    truncated_body: "truncated-body" => Refused { at: Probe::Sync, because: NOT_JSON };
    non_json_body: "non-json-body" => Refused { at: Probe::Sync, because: NOT_JSON };
    oversized_body: "oversized-body" => Refused { at: Probe::Sync, because: &["larger than 16 MiB"] };
    stall: "stall" => Refused { at: Probe::Sync, because: &["did not answer within"] };
    forged_receipt_status: "forged-receipt-status" => Refused { at: Probe::Receipt, because: &["receipts root"] };
    dropped_log: "dropped-log" => Refused { at: Probe::Receipt, because: &["receipts root"] };
    batch_reordered: "batch-reordered" => Harmless { at: Probe::Sync };
    batch_wrong_ids: "batch-wrong-ids" => Refused { at: Probe::Sync, because: &["unknown or repeated id"] };
    batch_missing_answer: "batch-missing-answer" => Refused { at: Probe::Sync, because: &["missing"] };
    rpc_error: "rpc-error" => Refused { at: Probe::Sync, because: &["the node refused (code -32603): ⟦internal error⟧"] };
    phishing_error: "phishing-error" => Refused { at: Probe::Sync, because: &["the node refused (code -32000): ⟦URGENT: zg-console detected"] };
    proof_unavailable: "proof-unavailable" => Unverified { because: "eth_getProof" };
}

#[test]
fn the_control_endpoint_refuses_unknown_classes_and_allows_cors() {
    let devnet = Devnet::start();
    let tamper = Tamper::start(&devnet.rpc_url);
    let (status, body, _) = common::http(
        common::agent().post(&format!("{}/__tamper", tamper.url)),
        Some(r#"{"mutation":"forge-everything"}"#),
    );
    assert_eq!(status, 400);
    assert!(body.contains("forge-everything") && body.contains("GET /__tamper"), "{body}");
    assert_eq!(tamper.state()["mutation"], Value::Null, "a refused switch changes nothing");

    let response =
        common::agent().request("OPTIONS", &tamper.url).set("Access-Control-Request-Headers", "content-type").call();
    let response = response.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(response.header("Access-Control-Allow-Headers"), Some("content-type"));

    // Honest forwarding, single and batch, counted per method.
    let single = common::rpc(&tamper.url, "eth_chainId", json!([])).unwrap();
    assert_eq!(single, "0x7a69");
    let batch: Value = common::agent()
        .post(&tamper.url)
        .send_json(json!([
            {"jsonrpc": "2.0", "id": 7, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": 8, "method": "eth_blockNumber", "params": []},
        ]))
        .unwrap()
        .into_json()
        .unwrap();
    let ids: Vec<_> = batch.as_array().unwrap().iter().map(|a| a["id"].as_u64().unwrap()).collect();
    assert!(ids.contains(&7) && ids.contains(&8), "{batch}");
    let state = tamper.state();
    assert_eq!(state["calls"]["eth_chainId"], 2);
    assert_eq!(state["tampered"], json!({}));
}
