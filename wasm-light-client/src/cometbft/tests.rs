//! The CometBFT light client against tendermint-rs' encodings (the oracle for what
//! CometBFT hashes and signs) and against chains of blocks signed by test validators,
//! honest and forged.

use std::collections::BTreeMap;

use pollster::block_on;
use serde_json::json;

use super::block::{BlockId, LightBlock, Timestamp};
use super::bls::Bls12381;
use super::light::{verify, verify_to, CometError, LightSource, TrustOptions, Trusted};
use super::rpc;
use super::testnet::{self, TestValidators};

const CHAIN: &str = "zg-test-1";
const T0: i64 = 1_770_000_000;

fn four() -> TestValidators {
    TestValidators::new(&["v1", "v2", "v3", "v4"], &[10, 10, 10, 10])
}

fn at(height: i64) -> Timestamp {
    Timestamp { seconds: T0 + height, nanos: 0 }
}

/// Blocks 1..=n; `set_at(h)` signs block h.
struct Chain {
    blocks: BTreeMap<i64, LightBlock>,
}

impl Chain {
    fn new(n: i64, set_at: impl Fn(i64) -> TestValidators) -> Chain {
        let mut blocks = BTreeMap::new();
        let mut last = BlockId::default();
        for h in 1..=n {
            let block = testnet::light_block(CHAIN, h, at(h), last, &[vec![h as u8]], &set_at(h), &set_at(h + 1));
            last = block.commit.block_id.clone();
            blocks.insert(h, block);
        }
        Chain { blocks }
    }

    fn trusted(&self, h: i64) -> Trusted {
        let b = &self.blocks[&h];
        Trusted { header: b.header.clone(), hash: b.header.hash(), next_validators: b.next_validators.clone() }
    }
}

impl LightSource for Chain {
    async fn light_block(&self, height: Option<i64>) -> Result<LightBlock, CometError> {
        let h = height.unwrap_or(*self.blocks.keys().last().unwrap());
        self.blocks.get(&h).cloned().ok_or(CometError::Transport(format!("no block {h}")))
    }
}

fn now_at(h: i64) -> i64 {
    T0 + h + 5
}

/// `/commit`'s JSON as tendermint-rs reads it: upstream CometBFT's flag for a vote for
/// the block (2) in place of the fork's aggregated ones (4, 5), and placeholder signatures
/// of Ed25519's 64 bytes, the only length it takes. Neither the header hash nor the sign
/// bytes include a flag or a signature.
fn tendermint_signed_header(block: &LightBlock) -> tendermint::block::signed_header::SignedHeader {
    let mut json = testnet::commit_json(block)["signed_header"].clone();
    for sig in json["commit"]["signatures"].as_array_mut().unwrap() {
        sig["block_id_flag"] = json!(2);
        sig["signature"] = json!(base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [1u8; 64]));
    }
    serde_json::from_value(json).expect("tendermint-rs reads CometBFT's JSON")
}

#[test]
fn headers_hash_as_tendermint_rs_hashes_them() {
    let chain = Chain::new(3, |_| four());
    let block = &chain.blocks[&3];
    let json = testnet::commit_json(block);
    let theirs = tendermint_signed_header(block);
    assert_eq!(theirs.header.hash().as_bytes(), block.header.hash());
    assert_eq!(theirs.commit.block_id.hash.as_bytes(), block.header.hash());
    // And our parser reads back what CometBFT's JSON says.
    assert_eq!(rpc::signed_header(&json).unwrap(), (block.header.clone(), block.commit.clone()));
}

#[test]
fn precommits_are_signed_as_tendermint_rs_encodes_them_less_the_time() {
    let chain = Chain::new(2, |_| four());
    let block = &chain.blocks[&2];
    let theirs = tendermint_signed_header(block);
    let tendermint::block::CommitSig::BlockIdFlagCommit { validator_address, .. } = theirs.commit.signatures[0] else {
        panic!("every test validator signs");
    };
    // Upstream CometBFT signs the vote's time (field 5); the fork 0G runs reserves that
    // field, which is a vote without a time in tendermint-rs.
    let vote = tendermint::vote::Vote {
        vote_type: tendermint::vote::Type::Precommit,
        height: theirs.commit.height,
        round: theirs.commit.round,
        block_id: Some(theirs.commit.block_id),
        timestamp: None,
        validator_address,
        validator_index: 0u32.try_into().unwrap(),
        signature: None,
        extension: vec![],
        extension_signature: None,
    };
    assert_eq!(vote.into_signable_vec(CHAIN.parse().unwrap()), block.commit.vote_sign_bytes(CHAIN));
}

#[test]
fn validator_sets_hash_as_tendermint_rs_hashes_them() {
    use base64::Engine;
    // Two valid Ed25519 keys (RFC 8032's first test key, and the base point).
    let keys = [
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "5866666666666666666666666666666666666666666666666666666666666666",
    ];
    let validators: Vec<super::block::Validator> = keys
        .iter()
        .zip([30, 20])
        .map(|(k, power)| {
            let bytes = alloy_primitives::hex::decode(k).unwrap();
            let pub_key = super::block::PublicKey::Ed25519(bytes);
            super::block::Validator { address: pub_key.address(), pub_key, voting_power: power }
        })
        .collect();
    let ours = super::block::ValidatorSet { validators: validators.clone() };
    let theirs: Vec<tendermint::validator::Info> = validators
        .iter()
        .map(|v| {
            serde_json::from_value(json!({
                "address": alloy_primitives::hex::encode_upper(&v.address),
                "pub_key": {"type": "tendermint/PubKeyEd25519", "value": base64::engine::general_purpose::STANDARD.encode(v.pub_key.bytes())},
                "voting_power": v.voting_power.to_string(),
                "proposer_priority": "0",
            }))
            .unwrap()
        })
        .collect();
    let theirs = tendermint::validator::Set::new(theirs, None);
    assert_eq!(theirs.hash().as_bytes(), ours.hash());
}

#[test]
fn the_next_block_and_a_far_one_are_accepted_when_the_validators_signed() {
    let chain = Chain::new(50, |_| four());
    let next =
        verify(CHAIN, &chain.trusted(1), &chain.blocks[&2], now_at(2), TrustOptions::default(), &Bls12381).unwrap();
    assert_eq!(next.height(), 2);
    let far =
        verify(CHAIN, &chain.trusted(2), &chain.blocks[&50], now_at(50), TrustOptions::default(), &Bls12381).unwrap();
    assert_eq!((far.height(), far.hash), (50, chain.blocks[&50].header.hash()));
}

#[test]
fn a_set_that_changed_too_much_is_reached_by_bisection() {
    // Every ten blocks a new validator set: no overlap between blocks 1 and 40.
    let sets = ["a", "b", "c", "d", "e"].map(|p| [1, 2, 3, 4].map(|i| format!("{p}{i}")));
    let set_at = |h: i64| {
        let s = &sets[(h / 10) as usize];
        TestValidators::new(&s.iter().map(String::as_str).collect::<Vec<_>>(), &[10, 10, 10, 10])
    };
    let chain = Chain::new(40, set_at);
    let direct = verify(CHAIN, &chain.trusted(1), &chain.blocks[&40], now_at(40), TrustOptions::default(), &Bls12381);
    assert!(matches!(direct, Err(CometError::UnverifiedAggregateKey { height: 40, .. })), "{direct:?}");
    let (trusted, block) =
        block_on(verify_to(&chain, CHAIN, &chain.trusted(1), None, now_at(40), TrustOptions::default(), &Bls12381))
            .unwrap();
    assert_eq!((trusted.height(), block.header.height), (40, 40));
}

/// A set listing the honest validators (whose keys the forger cannot sign with) beside
/// one heavy key of the forger's, signed by the forger alone.
fn forged_block(height: i64) -> LightBlock {
    let forged_set = TestValidators::new(&["v1", "v2", "v3", "v4", "forger"], &[10, 10, 10, 10, 1000]);
    let mut block =
        testnet::light_block(CHAIN, height, at(height), BlockId::default(), &[vec![9]], &forged_set, &forged_set);
    forged_set.sign_alone(CHAIN, &mut block.commit, "forger");
    block
}

#[test]
fn a_forged_set_borrowing_honest_keys_is_refused() {
    let chain = Chain::new(20, |_| four());
    let forged = forged_block(20);
    let mut forged_chain = Chain { blocks: chain.blocks.clone() };
    forged_chain.blocks.insert(20, forged.clone());
    let direct = verify(CHAIN, &chain.trusted(1), &forged, now_at(20), TrustOptions::default(), &Bls12381);
    assert!(matches!(direct, Err(CometError::UnverifiedAggregateKey { height: 20, .. })), "{direct:?}");
    // Bisection finds honest blocks in between, then the forged one fails from the
    // nearest: its set is not the one block 19 announced.
    let got = block_on(verify_to(
        &forged_chain,
        CHAIN,
        &chain.trusted(1),
        None,
        now_at(20),
        TrustOptions::default(),
        &Bls12381,
    ));
    assert!(matches!(got, Err(CometError::UnannouncedValidators { height: 20, trusted: 19 })), "{got:?}");
}

/// The attack aggregation opens: the forger lists the four honest keys and a fifth,
/// crafted as its own key minus theirs, marks all five as having voted, and signs alone.
/// The aggregate checks out against the five keys' sum (which is the forger's key), and
/// the four honest validators seem to vouch for the block.
#[test]
fn a_rogue_key_that_cancels_honest_keys_in_an_aggregate_is_refused() {
    use bls12_381::{G1Affine, G1Projective};
    let chain = Chain::new(30, |_| four());
    let honest = four();
    let point = |bytes: &[u8]| super::bls::public_key(bytes).unwrap();
    let forger = TestValidators::key("forger");
    let sum_honest: G1Projective =
        honest.set.validators.iter().map(|v| G1Projective::from(point(v.pub_key.bytes()))).sum();
    let rogue = G1Affine::from(G1Projective::from(point(&forger.public_key())) - sum_honest).to_uncompressed().to_vec();
    let rogue_key = super::block::PublicKey::Bls12381(rogue);
    let mut set = honest.set.clone();
    set.validators.push(super::block::Validator { address: rogue_key.address(), pub_key: rogue_key, voting_power: 1 });

    let mut block = chain.blocks[&30].clone();
    block.validators = set.clone();
    block.next_validators = set.clone();
    block.header.validators_hash = set.hash().to_vec();
    block.header.next_validators_hash = set.hash().to_vec();
    block.commit.block_id.hash = block.header.hash().to_vec();
    let message = block.commit.vote_sign_bytes(CHAIN);
    block.commit.signatures = set
        .validators
        .iter()
        .enumerate()
        .map(|(i, v)| super::block::CommitSig {
            flag: if i == 0 {
                super::block::BlockIdFlag::AggCommit
            } else {
                super::block::BlockIdFlag::AggCommitAbsent
            },
            validator_address: v.address.clone(),
            timestamp: Timestamp::ZERO,
            signature: if i == 0 { forger.sign(&message).to_vec() } else { vec![] },
        })
        .collect();
    // The aggregate itself is sound: without the trusted set, it would pass.
    let keys: Vec<G1Affine> = set.validators.iter().map(|v| point(v.pub_key.bytes())).collect();
    assert_eq!(
        super::bls::verify(&super::bls::aggregate_key(&keys), &message, &block.commit.signatures[0].signature),
        Ok(())
    );
    // From block 1, the rogue key is one no trusted set holds: refused, and bisection
    // ends at block 29, whose successor's set is not the one it announced.
    let got = verify(CHAIN, &chain.trusted(1), &block, now_at(30), TrustOptions::default(), &Bls12381);
    assert!(matches!(got, Err(CometError::UnverifiedAggregateKey { height: 30, .. })), "{got:?}");
    let mut forged_chain = Chain { blocks: chain.blocks.clone() };
    forged_chain.blocks.insert(30, block);
    let got = block_on(verify_to(
        &forged_chain,
        CHAIN,
        &chain.trusted(1),
        None,
        now_at(30),
        TrustOptions::default(),
        &Bls12381,
    ));
    assert!(matches!(got, Err(CometError::UnannouncedValidators { height: 30, trusted: 29 })), "{got:?}");
}

#[test]
fn individually_signed_commits_are_checked_one_by_one() {
    let chain = Chain::new(5, |_| four());
    let mut block = chain.blocks[&5].clone();
    four().sign_individually(CHAIN, &mut block.commit);
    assert!(verify(CHAIN, &chain.trusted(1), &block, now_at(5), TrustOptions::default(), &Bls12381).is_ok());
    block.commit.signatures[2].signature = block.commit.signatures[1].signature.clone();
    let got = verify(CHAIN, &chain.trusted(1), &block, now_at(5), TrustOptions::default(), &Bls12381);
    assert!(matches!(got, Err(CometError::BadSignature { height: 5, .. })), "{got:?}");
}

#[test]
fn too_few_signatures_or_a_bad_one_are_refused() {
    let chain = Chain::new(5, |_| four());
    let trusted = chain.trusted(1);
    // Two of four sign: half the power is not more than 2/3.
    let mut half = chain.blocks[&5].clone();
    four().sign(CHAIN, &mut half.commit, |i| i < 2);
    let got = verify(CHAIN, &trusted, &half, now_at(5), TrustOptions::default(), &Bls12381);
    assert_eq!(got, Err(CometError::NotEnoughPower { height: 5, signed: 20, total: 40 }));
    // The aggregate altered: one vote claimed that is not in it.
    let mut bad = chain.blocks[&5].clone();
    four().sign(CHAIN, &mut bad.commit, |i| i < 3);
    bad.commit.signatures[3].flag = super::block::BlockIdFlag::AggCommitAbsent;
    bad.commit.signatures[3].validator_address = bad.validators.validators[3].address.clone();
    let got = verify(CHAIN, &trusted, &bad, now_at(5), TrustOptions::default(), &Bls12381);
    assert!(matches!(got, Err(CometError::BadSignature { height: 5, .. })), "{got:?}");
    // A commit for another block.
    let mut other = chain.blocks[&5].clone();
    other.commit = chain.blocks[&4].commit.clone();
    other.commit.height = 5;
    assert_eq!(
        verify(CHAIN, &trusted, &other, now_at(5), TrustOptions::default(), &Bls12381),
        Err(CometError::CommitForAnotherBlock { height: 5 })
    );
    // Validators that do not hash to the header's.
    let mut swapped = chain.blocks[&5].clone();
    swapped.validators.validators.reverse();
    assert_eq!(
        verify(CHAIN, &trusted, &swapped, now_at(5), TrustOptions::default(), &Bls12381),
        Err(CometError::ValidatorsMismatch { height: 5 })
    );
}

#[test]
fn stale_trust_another_chain_and_the_future_are_refused() {
    let chain = Chain::new(5, |_| four());
    let trusted = chain.trusted(1);
    let week = TrustOptions::default().trusting_period_s;
    let got = verify(CHAIN, &trusted, &chain.blocks[&5], T0 + 1 + week, TrustOptions::default(), &Bls12381);
    assert_eq!(got, Err(CometError::TrustExpired { height: 1, age_days: 7, period_days: 7 }));
    let got = verify("another-chain", &trusted, &chain.blocks[&5], now_at(5), TrustOptions::default(), &Bls12381);
    assert!(matches!(got, Err(CometError::WrongChain { .. })));
    let got = verify(CHAIN, &trusted, &chain.blocks[&5], T0 - 60, TrustOptions::default(), &Bls12381);
    assert!(matches!(got, Err(CometError::FromTheFuture { height: 5, .. })));
    let got = verify(CHAIN, &chain.trusted(5), &chain.blocks[&3], now_at(5), TrustOptions::default(), &Bls12381);
    assert_eq!(got, Err(CometError::NotNewer { trusted: 5, got: 3 }));
}

fn evm_header(number: u64) -> (alloy_consensus::Header, alloy_primitives::B256) {
    let header = alloy_consensus::Header {
        number,
        timestamp: 1_770_000_000 + number,
        gas_limit: 30_000_000,
        gas_used: 21_000,
        base_fee_per_gas: Some(7),
        extra_data: alloy_primitives::Bytes::from_static(b"zg"),
        beneficiary: alloy_primitives::Address::repeat_byte(0x11),
        blob_gas_used: Some(0),
        excess_blob_gas: Some(0),
        ..Default::default()
    };
    let hash = header.hash_slow();
    (header, hash)
}

#[test]
fn the_evm_block_a_finalised_block_carries_is_read_and_matched_field_by_field() {
    use super::binding::{check_header, execution_payload};
    let (header, hash) = evm_header(42);
    let txs = testnet::beacon_txs(42, &header, hash);
    let data_hash = super::merkle::root(&txs.iter().map(|t| super::merkle::sha256(t)).collect::<Vec<_>>());
    let payload = execution_payload(&txs, &data_hash).unwrap();
    assert_eq!((payload.block_hash, payload.number, payload.extra_data.as_ref()), (hash, 42, b"zg".as_slice()));
    assert_eq!(check_header(&payload, &header, hash), Ok(()));

    // Transactions other than the ones the header commits to.
    let mut other = txs.clone();
    other[1] = vec![0];
    assert!(matches!(execution_payload(&other, &data_hash), Err(CometError::Binding(m)) if m.contains("data_hash")));
    // A payload naming another block's hash, or repeating a field wrongly.
    let (other_header, other_hash) = evm_header(43);
    assert!(
        matches!(check_header(&payload, &other_header, other_hash), Err(CometError::Binding(m)) if m.contains("block hash"))
    );
    let mut lying = header.clone();
    lying.gas_used += 1;
    assert!(matches!(check_header(&payload, &lying, hash), Err(CometError::Binding(m)) if m.contains("gas used")));
    // A beacon block cut short.
    let cut = vec![txs[0][..300].to_vec(), vec![]];
    let cut_hash = super::merkle::root(&cut.iter().map(|t| super::merkle::sha256(t)).collect::<Vec<_>>());
    assert!(matches!(execution_payload(&cut, &cut_hash), Err(CometError::Binding(_))));
}

// The verifier driving the provider: a CometBFT RPC in memory over a `MemoryNode`'s chain.

mod provider_with_validators {
    use std::cell::{Cell, RefCell};
    use std::collections::BTreeMap;

    use pollster::block_on;
    use serde_json::{json, Value};

    use super::super::block::{BlockId, LightBlock, Timestamp};
    use super::super::bls::Bls12381;
    use super::super::testnet::{self, TestValidators};
    use super::super::verifier::{CometBftVerifier, Pin};
    use crate::memory::MemoryNode;
    use crate::provider::{JsonRpcTransport, SyncError, TransportError, TrustBasis, VerifiedProvider};
    use crate::EthNode;

    const CHAIN: &str = "zg-sim-1";
    /// A week and a bit after MemoryNode's genesis: within the trusting period of block 1.
    fn clock() -> Option<u64> {
        Some(1_700_050_000)
    }

    /// A light block and its transactions.
    type Served = (LightBlock, Vec<Vec<u8>>);

    /// Serves `/commit`, `/validators`, `/block` and `/status` for the node's chain: block N
    /// carries the node's block N. Blocks are not linked by `last_block_id` (the light
    /// client never reads it), so each is built only when asked for.
    struct Sim<'a> {
        node: &'a MemoryNode,
        honest: TestValidators,
        forger: TestValidators,
        /// From this height on, the forger's set signs (alone).
        forged_from: Cell<Option<i64>>,
        /// Above the pinned block, the beacon block names the EVM block one below the one
        /// it carries.
        wrong_payload: Cell<bool>,
        built: RefCell<BTreeMap<(i64, bool, bool), Served>>,
    }

    impl<'a> Sim<'a> {
        fn new(node: &'a MemoryNode) -> Self {
            Sim {
                node,
                honest: TestValidators::new(&["s1", "s2", "s3", "s4"], &[10, 10, 10, 10]),
                // The honest keys (which it cannot sign with) beside its own heavy one.
                forger: TestValidators::new(&["s1", "s2", "s3", "s4", "forger"], &[10, 10, 10, 10, 1000]),
                forged_from: Cell::new(None),
                wrong_payload: Cell::new(false),
                built: RefCell::default(),
            }
        }

        fn forged(&self, height: i64) -> bool {
            self.forged_from.get().is_some_and(|f| height >= f)
        }

        fn block(&self, height: i64) -> (LightBlock, Vec<Vec<u8>>) {
            let lies = self.wrong_payload.get() && height > 1;
            let key = (height, self.forged(height), lies);
            if let Some(b) = self.built.borrow().get(&key) {
                return b.clone();
            }
            let evm = block_on((&self.node).headers(height as u64, height as u64)).unwrap().pop().flatten().unwrap();
            let named = if lies { self.node.hash_at(height as u64 - 1) } else { evm.hash };
            let txs = testnet::beacon_txs(height as u64, &evm.header, named);
            let time = Timestamp { seconds: evm.header.timestamp as i64, nanos: 0 };
            let block = if self.forged(height) {
                let forger = &self.forger;
                let mut b = testnet::light_block(CHAIN, height, time, BlockId::default(), &txs, forger, forger);
                forger.sign_alone(CHAIN, &mut b.commit, "forger");
                b
            } else {
                testnet::light_block(CHAIN, height, time, BlockId::default(), &txs, &self.honest, &self.honest)
            };
            self.built.borrow_mut().insert(key, (block.clone(), txs.clone()));
            (block, txs)
        }
    }

    impl JsonRpcTransport for Sim<'_> {
        async fn request(&self, method: &str, params: Value) -> Result<Value, TransportError> {
            let height = params["height"].as_str().map(|h| h.parse::<i64>().unwrap());
            let latest = block_on((&self.node).block_number()).unwrap() as i64;
            Ok(match method {
                "status" => json!({"sync_info": {"latest_block_height": latest.to_string()}}),
                "commit" => testnet::commit_json(&self.block(height.unwrap()).0),
                "block" => {
                    let (b, txs) = self.block(height.unwrap());
                    testnet::block_json(&b, &txs)
                }
                "validators" => {
                    let h = height.unwrap();
                    let set = if self.forged(h) { &self.forger.set } else { &self.honest.set };
                    testnet::validators_json(set, h, 1, 100)
                }
                other => return Err(TransportError(format!("no method {other}"))),
            })
        }

        async fn batch(&self, _calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, TransportError> {
            Err(TransportError("CometBFT RPC takes no batches here".into()))
        }
    }

    fn provider<'a>(
        node: &'a MemoryNode,
        sim: &'a Sim<'a>,
    ) -> VerifiedProvider<&'a MemoryNode, CometBftVerifier<&'a Sim<'a>>> {
        let (pinned, _) = sim.block(1);
        let pin = Pin { height: 1, hash: pinned.header.hash() };
        VerifiedProvider::by_agreement(node, CometBftVerifier::new(sim, CHAIN, pin, clock, Box::new(Bls12381)))
            .with_clock(clock)
    }

    #[test]
    fn heads_come_from_the_validators_signatures_near_and_far() {
        let node = MemoryNode::new("node", 30);
        let sim = Sim::new(&node);
        let p = provider(&node, &sim);
        let tip = block_on(p.sync()).unwrap();
        assert_eq!((tip.number(), tip.hash), (30, node.hash_at(30)));
        assert_eq!(p.trust(), Some(TrustBasis::Consensus { block: 30, hash: node.hash_at(30), height: 30 }));
        // A few blocks on: walked by hash up to the newly finalised head.
        node.mine(5);
        assert_eq!(block_on(p.sync()).unwrap().number(), 35);
        assert!(matches!(p.trust(), Some(TrustBasis::Consensus { block: 35, height: 35, .. })));
        // Far ahead: a jump, no walk.
        node.mine(1_500);
        let walked_before = node.headers_served();
        assert_eq!(block_on(p.sync()).unwrap().number(), 1_535);
        assert!(node.headers_served() - walked_before < 10, "jumped, not walked");
    }

    #[test]
    fn a_forged_validator_set_or_a_wrong_payload_leaves_nothing_verified() {
        let node = MemoryNode::new("node", 30);
        let sim = Sim::new(&node);
        sim.forged_from.set(Some(10));
        let p = provider(&node, &sim);
        let got = block_on(p.sync());
        assert!(matches!(&got, Err(SyncError::Consensus(m)) if m.contains("block 10")), "{got:?}");
        assert_eq!(p.tip(), None);

        sim.forged_from.set(None);
        sim.wrong_payload.set(true);
        let got = block_on(p.sync());
        assert!(
            matches!(&got, Err(SyncError::Consensus(m)) if m.contains("does not carry the EVM block it claims")),
            "{got:?}"
        );
        assert_eq!(p.tip(), None);

        // Honest again: it recovers.
        sim.wrong_payload.set(false);
        assert_eq!(block_on(p.sync()).unwrap().number(), 30);
    }

    #[test]
    fn a_pin_the_endpoint_does_not_serve_is_refused() {
        let node = MemoryNode::new("node", 5);
        let sim = Sim::new(&node);
        let pin = Pin { height: 1, hash: [7; 32] };
        let p =
            VerifiedProvider::by_agreement(&node, CometBftVerifier::new(&sim, CHAIN, pin, clock, Box::new(Bls12381)))
                .with_clock(clock);
        let got = block_on(p.sync());
        assert!(matches!(&got, Err(SyncError::Consensus(m)) if m.contains("not the pinned one")), "{got:?}");
    }
}
