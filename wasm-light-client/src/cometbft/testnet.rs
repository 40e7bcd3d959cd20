//! Signed light blocks from validators whose keys are known: the devnet's stand-in for
//! 0G's consensus, and the tests' (behind the `cometbft-signer` feature; nothing a user
//! runs signs with these keys).

use serde_json::{json, Value};

use super::block::{
    BlockId, BlockIdFlag, Commit, CommitSig, Header, LightBlock, PartSetHeader, PublicKey, Timestamp, Validator,
    ValidatorSet,
};
use super::bls::SecretKey;
use super::merkle::{self, Hash};
use super::rpc::BLS12_381_KEY_TYPE;
use base64::Engine;

/// Validators with their signing keys, in the set's order.
pub struct TestValidators {
    keys: Vec<SecretKey>,
    pub set: ValidatorSet,
}

impl TestValidators {
    /// One validator per seed, each with the given power, ordered as CometBFT orders a set
    /// (power descending, then address).
    pub fn new(seeds: &[&str], powers: &[i64]) -> Self {
        let mut members: Vec<(SecretKey, Validator)> = seeds
            .iter()
            .zip(powers)
            .map(|(seed, &voting_power)| {
                let key = SecretKey::from_seed(seed.as_bytes());
                let pub_key = PublicKey::Bls12381(key.public_key().to_vec());
                (key, Validator { address: pub_key.address(), pub_key, voting_power })
            })
            .collect();
        members.sort_by(|a, b| b.1.voting_power.cmp(&a.1.voting_power).then(a.1.address.cmp(&b.1.address)));
        let (keys, validators) = members.into_iter().unzip();
        TestValidators { keys, set: ValidatorSet { validators } }
    }

    /// Signs `commit` as 0G's validators do: the validators at the indices `signers` picks
    /// vote for the block, their signatures aggregated into the first one's entry; the
    /// others are absent.
    pub fn sign(&self, chain_id: &str, commit: &mut Commit, signers: impl Fn(usize) -> bool) {
        let message = commit.vote_sign_bytes(chain_id);
        let mut signatures = Vec::new();
        for (index, entry) in commit.signatures.iter_mut().enumerate() {
            *entry = if signers(index) {
                signatures.push(self.keys[index].sign(&message));
                let flag = if signatures.len() == 1 { BlockIdFlag::AggCommit } else { BlockIdFlag::AggCommitAbsent };
                CommitSig {
                    flag,
                    validator_address: self.set.validators[index].address.clone(),
                    timestamp: Timestamp::ZERO,
                    signature: vec![],
                }
            } else {
                absent()
            };
        }
        if let Some(first) = commit.signatures.iter_mut().find(|s| s.flag == BlockIdFlag::AggCommit) {
            first.signature = super::bls::aggregate_signatures(&signatures).to_vec();
        }
    }

    /// Signs `commit` as `seed`'s validator alone (a forger among keys it cannot use).
    pub fn sign_alone(&self, chain_id: &str, commit: &mut Commit, seed: &str) {
        let key = PublicKey::Bls12381(SecretKey::from_seed(seed.as_bytes()).public_key().to_vec());
        let index = self.set.validators.iter().position(|v| v.pub_key == key).expect("the seed is in the set");
        self.sign(chain_id, commit, |i| i == index);
    }

    /// Signs `commit` with one signature per validator (flag `Commit`), as CometBFT does
    /// without aggregation.
    pub fn sign_individually(&self, chain_id: &str, commit: &mut Commit) {
        let message = commit.vote_sign_bytes(chain_id);
        for (index, entry) in commit.signatures.iter_mut().enumerate() {
            *entry = CommitSig {
                flag: BlockIdFlag::Commit,
                validator_address: self.set.validators[index].address.clone(),
                timestamp: Timestamp::ZERO,
                signature: self.keys[index].sign(&message).to_vec(),
            };
        }
    }

    /// `seed`'s signing key, for tests that forge.
    pub fn key(seed: &str) -> SecretKey {
        SecretKey::from_seed(seed.as_bytes())
    }
}

fn absent() -> CommitSig {
    CommitSig { flag: BlockIdFlag::Absent, validator_address: vec![], timestamp: Timestamp::ZERO, signature: vec![] }
}

/// The block at `height`, dated `time`, carrying `txs`, after the block `last`, signed by
/// every validator of `validators`, which hand over to `next`.
pub fn light_block(
    chain_id: &str,
    height: i64,
    time: Timestamp,
    last: BlockId,
    txs: &[Vec<u8>],
    validators: &TestValidators,
    next: &TestValidators,
) -> LightBlock {
    let tx_hashes: Vec<Hash> = txs.iter().map(|t| merkle::sha256(t)).collect();
    let header = Header {
        version_block: 11,
        version_app: 0,
        chain_id: chain_id.into(),
        height,
        time,
        last_block_id: last,
        data_hash: merkle::root(&tx_hashes).to_vec(),
        validators_hash: validators.set.hash().to_vec(),
        next_validators_hash: next.set.hash().to_vec(),
        consensus_hash: merkle::sha256(b"zg-devnet consensus params").to_vec(),
        app_hash: merkle::sha256(&height.to_be_bytes()).to_vec(),
        evidence_hash: merkle::root::<&[u8]>(&[]).to_vec(),
        proposer_address: validators.set.validators[0].address.clone(),
        ..Header::default()
    };
    let hash = header.hash().to_vec();
    let mut commit = Commit {
        height,
        round: 0,
        block_id: BlockId {
            hash,
            parts: PartSetHeader { total: 1, hash: merkle::sha256(&height.to_le_bytes()).to_vec() },
        },
        signatures: vec![absent(); validators.set.validators.len()],
    };
    validators.sign(chain_id, &mut commit, |_| true);
    LightBlock { header, commit, validators: validators.set.clone(), next_validators: next.set.clone() }
}

fn upper_hex(bytes: &[u8]) -> String {
    alloy_primitives::hex::encode_upper(bytes)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// RFC 3339 with nanoseconds, as CometBFT writes times.
pub fn format_time(t: Timestamp) -> String {
    let days = t.seconds.div_euclid(86_400);
    let secs = t.seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z", secs / 3600, secs / 60 % 60, secs % 60, t.nanos)
}

fn block_id_json(id: &BlockId) -> Value {
    json!({"hash": upper_hex(&id.hash), "parts": {"total": id.parts.total, "hash": upper_hex(&id.parts.hash)}})
}

/// `/commit`'s answer for `block`, in CometBFT's JSON shape.
pub fn commit_json(block: &LightBlock) -> Value {
    let h = &block.header;
    let header = json!({
        "version": {"block": h.version_block.to_string(), "app": h.version_app.to_string()},
        "chain_id": h.chain_id,
        "height": h.height.to_string(),
        "time": format_time(h.time),
        "last_block_id": block_id_json(&h.last_block_id),
        "last_commit_hash": upper_hex(&h.last_commit_hash),
        "data_hash": upper_hex(&h.data_hash),
        "validators_hash": upper_hex(&h.validators_hash),
        "next_validators_hash": upper_hex(&h.next_validators_hash),
        "consensus_hash": upper_hex(&h.consensus_hash),
        "app_hash": upper_hex(&h.app_hash),
        "last_results_hash": upper_hex(&h.last_results_hash),
        "evidence_hash": upper_hex(&h.evidence_hash),
        "proposer_address": upper_hex(&h.proposer_address),
    });
    let c = &block.commit;
    let signatures: Vec<Value> = c
        .signatures
        .iter()
        .map(|s| {
            json!({
                "block_id_flag": s.flag.number(),
                "validator_address": upper_hex(&s.validator_address),
                "timestamp": format_time(s.timestamp),
                "signature": (!s.signature.is_empty()).then(|| b64(&s.signature)),
            })
        })
        .collect();
    json!({
        "signed_header": {
            "header": header,
            "commit": {"height": c.height.to_string(), "round": c.round, "block_id": block_id_json(&c.block_id), "signatures": signatures},
        },
        "canonical": true,
    })
}

/// One page of `/validators` for `set` at `height`.
pub fn validators_json(set: &ValidatorSet, height: i64, page: usize, per_page: usize) -> Value {
    let validators: Vec<Value> = set
        .validators
        .iter()
        .skip((page.max(1) - 1) * per_page)
        .take(per_page)
        .map(|v| {
            let kind = match v.pub_key {
                PublicKey::Bls12381(_) => BLS12_381_KEY_TYPE,
                PublicKey::Ed25519(_) => super::rpc::ED25519_KEY_TYPE,
            };
            json!({
                "address": upper_hex(&v.address),
                "pub_key": {"type": kind, "value": b64(v.pub_key.bytes())},
                "voting_power": v.voting_power.to_string(),
                "proposer_priority": "0",
            })
        })
        .collect();
    json!({"block_height": height.to_string(), "validators": validators, "count": validators.len().to_string(), "total": set.validators.len().to_string()})
}

/// `/block`'s answer, reduced to what a light client reads (the header and transactions).
pub fn block_json(block: &LightBlock, txs: &[Vec<u8>]) -> Value {
    let commit = commit_json(block);
    json!({
        "block_id": block_id_json(&block.commit.block_id),
        "block": {"header": commit["signed_header"]["header"], "data": {"txs": txs.iter().map(|t| b64(t)).collect::<Vec<_>>()}},
    })
}

/// A block's transactions as beacon-kit proposes them: the beacon block carrying the EVM
/// header, then its blob sidecars (none: an empty SSZ list).
pub fn beacon_txs(slot: u64, header: &alloy_consensus::Header, hash: alloy_primitives::B256) -> Vec<Vec<u8>> {
    vec![super::binding::beacon_block(slot, header, hash), vec![]]
}
