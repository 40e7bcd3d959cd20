//! Account and storage values proven against a verified state root (`eth_getProof`).
//!
//! The node's answer says what the account holds and gives Merkle-Patricia proofs.
//! Nothing in it is believed until the proofs show that exactly those values sit under
//! the trusted root: the account at keccak256(address) in the state trie, each slot at
//! keccak256(slot) in the account's storage trie. An absent account or zero slot must
//! come with a proof of absence.

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{
    nybbles::Nibbles,
    proof::{verify_proof, ProofVerificationError},
    TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY,
};
use serde::{Deserialize, Deserializer};

/// An `eth_getProof` result as a node sends it (EIP-1186).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountProofResponse {
    pub address: Address,
    #[serde(deserialize_with = "quantity_u256")]
    pub balance: U256,
    pub code_hash: B256,
    #[serde(deserialize_with = "quantity_u64")]
    pub nonce: u64,
    pub storage_hash: B256,
    pub account_proof: Vec<Bytes>,
    #[serde(default)]
    pub storage_proof: Vec<StorageProofResponse>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StorageProofResponse {
    #[serde(deserialize_with = "quantity_u256")]
    pub key: U256,
    #[serde(deserialize_with = "quantity_u256")]
    pub value: U256,
    pub proof: Vec<Bytes>,
}

/// Account fields that were proven against a state root.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountState {
    pub address: Address,
    pub balance: U256,
    pub nonce: u64,
    pub code_hash: B256,
    pub storage_root: B256,
    /// (slot, value) pairs proven against `storage_root`.
    pub storage: Vec<(U256, U256)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the node's proof answer is malformed ({0}); use another endpoint")]
    Malformed(String),
    #[error("the proof for account {address} does not match state root {state_root}: the node's balance, nonce or code for it cannot be trusted ({reason})")]
    Account { address: Address, state_root: B256, reason: String },
    #[error(
        "the code the node sent for {address} does not hash to the proven code hash {code_hash}; it cannot be trusted"
    )]
    Code { address: Address, code_hash: B256 },
    #[error("the proof for slot {slot} of {address} does not match its storage root {storage_root}: the value cannot be trusted ({reason})")]
    Storage { address: Address, slot: U256, storage_root: B256, reason: String },
    #[error("the node's eth_getProof answer for {address} {problem} slot {slot}, so none of its storage values can be trusted; use another endpoint")]
    StorageAnswer { address: Address, slot: U256, problem: SlotProblem },
}

/// How a node's list of storage proofs differs from the slots that were asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotProblem {
    /// A slot that was asked for has no proof. Read as zero, it would be a forged zero.
    LeftOut,
    /// The same slot is answered twice.
    Repeated,
    /// A slot nobody asked for is answered.
    NotAsked,
}

impl std::fmt::Display for SlotProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SlotProblem::LeftOut => "leaves out the asked-for",
            SlotProblem::Repeated => "answers twice",
            SlotProblem::NotAsked => "answers the unasked",
        })
    }
}

/// Checks an answer to `eth_getProof(address, requested)` against `state_root`: the account
/// proof, and exactly one storage proof for each slot in `requested` and for no other. A
/// node that leaves a slot out must not have it read as zero, so the answer is refused.
pub fn verify_requested_proof(
    state_root: B256,
    response: &AccountProofResponse,
    requested: &[U256],
) -> Result<AccountState, ProofError> {
    let problem =
        |slot: U256, problem: SlotProblem| ProofError::StorageAnswer { address: response.address, slot, problem };
    let answered: std::collections::BTreeSet<U256> = response.storage_proof.iter().map(|s| s.key).collect();
    if let Some(slot) = requested.iter().find(|s| !answered.contains(s)) {
        return Err(problem(*slot, SlotProblem::LeftOut));
    }
    if let Some(slot) = response.storage_proof.iter().map(|s| s.key).find(|k| !requested.contains(k)) {
        return Err(problem(slot, SlotProblem::NotAsked));
    }
    verify_account_proof(state_root, response)
}

/// Checks `response` against `state_root` and returns only what the proofs establish: the
/// account and every storage proof the answer holds (each slot at most once). To check an
/// answer against the slots that were asked for, use [`verify_requested_proof`].
pub fn verify_account_proof(state_root: B256, response: &AccountProofResponse) -> Result<AccountState, ProofError> {
    let mut seen = std::collections::BTreeSet::new();
    if let Some(slot) = response.storage_proof.iter().find(|s| !seen.insert(s.key)) {
        return Err(ProofError::StorageAnswer {
            address: response.address,
            slot: slot.key,
            problem: SlotProblem::Repeated,
        });
    }
    let account = TrieAccount {
        nonce: response.nonce,
        balance: response.balance,
        storage_root: response.storage_hash,
        code_hash: response.code_hash,
    };
    // An account the trie does not hold reads as all-empty; proving it means proving absence.
    let absent = account.nonce == 0
        && account.balance.is_zero()
        && account.storage_root == EMPTY_ROOT_HASH
        && account.code_hash == KECCAK_EMPTY;
    let key = Nibbles::unpack(keccak256(response.address));
    let expected = (!absent).then(|| alloy_rlp::encode(account));
    match verify_proof(state_root, key, expected, &response.account_proof) {
        // anvil keeps an empty account a transaction touched as a leaf (EIP-158 would
        // delete it), and its state root commits to it: the trie proves it empty.
        Err(ProofVerificationError::ValueMismatch { .. }) if absent => {
            verify_proof(state_root, key, Some(alloy_rlp::encode(account)), &response.account_proof)
        }
        other => other,
    }
    .map_err(|e| ProofError::Account { address: response.address, state_root, reason: describe(&e) })?;

    let storage = response
        .storage_proof
        .iter()
        .map(|slot| verify_storage_slot(response.address, response.storage_hash, slot).map(|()| (slot.key, slot.value)))
        .collect::<Result<_, _>>()?;

    Ok(AccountState {
        address: response.address,
        balance: response.balance,
        nonce: response.nonce,
        code_hash: response.code_hash,
        storage_root: response.storage_hash,
        storage,
    })
}

/// Checks contract code against the code hash an account proof established.
pub fn verify_code(account: &AccountState, code: &[u8]) -> Result<(), ProofError> {
    if keccak256(code) == account.code_hash {
        Ok(())
    } else {
        Err(ProofError::Code { address: account.address, code_hash: account.code_hash })
    }
}

fn verify_storage_slot(address: Address, storage_root: B256, slot: &StorageProofResponse) -> Result<(), ProofError> {
    let fail = |reason: String| ProofError::Storage { address, slot: slot.key, storage_root, reason };
    if storage_root == EMPTY_ROOT_HASH {
        // geth proves an empty trie with `[]`, anvil with `["0x80"]` (the RLP empty string).
        // Both are accepted, but only for the empty root and a zero value.
        let empty_form = slot.proof.is_empty() || (slot.proof.len() == 1 && slot.proof[0][..] == [0x80]);
        return if !slot.value.is_zero() {
            // Not quoted: the UI shows this text, and a forged value must never reach the screen.
            Err(fail("the storage trie is empty but the node claims a non-zero value".into()))
        } else if !empty_form {
            Err(fail("an empty storage trie must be proven by an empty proof".into()))
        } else {
            Ok(())
        };
    }
    let key = Nibbles::unpack(keccak256(B256::from(slot.key)));
    let expected = (!slot.value.is_zero()).then(|| alloy_rlp::encode(slot.value));
    match verify_proof(storage_root, key, expected, &slot.proof) {
        // anvil keeps a slot written back to zero as a leaf holding rlp(0) rather than
        // deleting it, and its state root commits to that leaf. The trie then proves the
        // value zero, which is what the node claims; any other value still fails.
        Err(ProofVerificationError::ValueMismatch { .. }) if slot.value.is_zero() => {
            verify_proof(storage_root, key, Some(alloy_rlp::encode(U256::ZERO)), &slot.proof)
        }
        other => other,
    }
    .map_err(|e| fail(describe(&e)))
}

/// Why a proof failed, without the values involved: alloy-trie's own message quotes the
/// node's claimed (forged) value, and a forged value must never reach the screen.
fn describe(e: &ProofVerificationError) -> String {
    match e {
        ProofVerificationError::RootMismatch { .. } => "the proof's nodes do not hash to the trusted root".into(),
        ProofVerificationError::ValueMismatch { .. } => "the proof holds a different value than the node claims".into(),
        ProofVerificationError::UnexpectedEmptyRoot => "the proof claims an empty trie under a non-empty root".into(),
        ProofVerificationError::Rlp(_) => "a proof node is not valid RLP".into(),
    }
}

fn quantity_u256<'de, D: Deserializer<'de>>(d: D) -> Result<U256, D::Error> {
    let s = String::deserialize(d)?;
    crate::serde_hex::parse_u256(&s).map_err(serde::de::Error::custom)
}

fn quantity_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let s = String::deserialize(d)?;
    crate::serde_hex::parse_u64(&s).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    struct Fixture {
        state_root: B256,
        proofs: Vec<Value>,
    }

    /// Captured from anvil by `cargo xtask fixtures` (see tests/fixtures/README.md).
    fn fixture() -> Fixture {
        let v: Value = serde_json::from_str(include_str!("../tests/fixtures/anvil-proofs.json")).unwrap();
        Fixture {
            state_root: serde_json::from_value(v["stateRoot"].clone()).unwrap(),
            proofs: v["proofs"].as_array().unwrap().clone(),
        }
    }

    fn parse(v: &Value) -> AccountProofResponse {
        serde_json::from_value(v.clone()).unwrap()
    }

    #[test]
    fn every_captured_proof_verifies() {
        let f = fixture();
        assert!(f.proofs.len() >= 3);
        for p in &f.proofs {
            let resp = parse(p);
            let acct = verify_account_proof(f.state_root, &resp).unwrap();
            assert_eq!(acct.balance, resp.balance);
            assert_eq!(acct.storage.len(), resp.storage_proof.len());
        }
    }

    #[test]
    fn absent_account_is_proven_absent() {
        let f = fixture();
        let absent = f
            .proofs
            .iter()
            .map(parse)
            .find(|p| p.balance.is_zero() && p.nonce == 0)
            .expect("fixture has an absent account");
        let acct = verify_account_proof(f.state_root, &absent).unwrap();
        assert!(acct.balance.is_zero());
        // Claiming the absent account holds funds must fail.
        let mut lie = absent.clone();
        lie.balance = U256::from(1);
        assert!(matches!(verify_account_proof(f.state_root, &lie), Err(ProofError::Account { .. })));
    }

    #[test]
    fn inflated_balance_is_rejected() {
        let f = fixture();
        let mut resp = parse(&f.proofs[0]);
        resp.balance += U256::from(1);
        let err = verify_account_proof(f.state_root, &resp).unwrap_err();
        assert!(matches!(err, ProofError::Account { .. }), "{err}");
        // The forged value is not quoted, in any encoding: the UI shows this text.
        let forged = alloy_rlp::encode(resp.balance);
        assert!(!err.to_string().contains(&alloy_primitives::hex::encode(&forged[1..])), "{err}");
        assert!(!err.to_string().contains(&resp.balance.to_string()), "{err}");
    }

    #[test]
    fn wrong_nonce_or_state_root_is_rejected() {
        let f = fixture();
        let mut resp = parse(&f.proofs[0]);
        resp.nonce += 1;
        assert!(verify_account_proof(f.state_root, &resp).is_err());
        let resp = parse(&f.proofs[0]);
        assert!(verify_account_proof(B256::repeat_byte(7), &resp).is_err());
    }

    /// The fixture's answer for a contract holding a non-zero slot.
    fn contract_with_storage(f: &Fixture) -> AccountProofResponse {
        f.proofs
            .iter()
            .map(parse)
            .find(|p| p.storage_hash != EMPTY_ROOT_HASH && p.storage_proof.iter().any(|s| !s.value.is_zero()))
            .expect("fixture has a contract with storage")
    }

    #[test]
    fn storage_values_are_proven_and_lies_rejected() {
        let f = fixture();
        let with_storage = contract_with_storage(&f);
        let acct = verify_account_proof(f.state_root, &with_storage).unwrap();
        assert!(acct.storage.iter().any(|(_, v)| !v.is_zero()));

        let mut lie = with_storage.clone();
        let slot = lie.storage_proof.iter_mut().find(|s| !s.value.is_zero()).unwrap();
        slot.value += U256::from(1);
        assert!(matches!(verify_account_proof(f.state_root, &lie), Err(ProofError::Storage { .. })));
    }

    #[test]
    fn every_asked_slot_must_be_answered_once_and_nothing_else() {
        let f = fixture();
        let with_storage = contract_with_storage(&f);
        let asked: Vec<U256> = with_storage.storage_proof.iter().map(|s| s.key).collect();
        let acct = verify_requested_proof(f.state_root, &with_storage, &asked).unwrap();
        assert_eq!(acct.storage.len(), asked.len());

        // A node that proves the account and leaves the slots out: a forged zero if read.
        let mut dropped = with_storage.clone();
        dropped.storage_proof.clear();
        verify_account_proof(f.state_root, &dropped).expect("the account proof alone is sound");
        let err = verify_requested_proof(f.state_root, &dropped, &asked).unwrap_err();
        assert_eq!(
            err,
            ProofError::StorageAnswer { address: dropped.address, slot: asked[0], problem: SlotProblem::LeftOut }
        );
        assert!(err.to_string().contains("leaves out the asked-for slot"), "{err}");

        let mut other_slot = with_storage.clone();
        other_slot.storage_proof.truncate(1);
        let wanted = asked[0] + U256::from(1000);
        let err = verify_requested_proof(f.state_root, &other_slot, &[wanted]).unwrap_err();
        assert!(matches!(err, ProofError::StorageAnswer { problem: SlotProblem::LeftOut, slot, .. } if slot == wanted));

        let err = verify_requested_proof(f.state_root, &with_storage, &[]).unwrap_err();
        assert!(matches!(err, ProofError::StorageAnswer { problem: SlotProblem::NotAsked, .. }), "{err}");

        let mut repeated = with_storage.clone();
        repeated.storage_proof.push(repeated.storage_proof[0].clone());
        for result in
            [verify_account_proof(f.state_root, &repeated), verify_requested_proof(f.state_root, &repeated, &asked)]
        {
            assert!(matches!(result, Err(ProofError::StorageAnswer { problem: SlotProblem::Repeated, .. })));
        }
    }

    #[test]
    fn empty_storage_accepts_both_empty_forms_only_for_zero() {
        let f = fixture();
        let eoa = f
            .proofs
            .iter()
            .map(parse)
            .find(|p| p.storage_hash == EMPTY_ROOT_HASH && !p.storage_proof.is_empty())
            .expect("fixture has an EOA with a slot query");
        let mut geth_form = eoa.clone();
        geth_form.storage_proof[0].proof.clear();
        verify_account_proof(f.state_root, &geth_form).unwrap();
        let mut anvil_form = eoa.clone();
        anvil_form.storage_proof[0].proof = vec![Bytes::from_static(&[0x80])];
        verify_account_proof(f.state_root, &anvil_form).unwrap();
        let mut lie = anvil_form;
        lie.storage_proof[0].value = U256::from(0x0123_4567);
        let err = verify_account_proof(f.state_root, &lie).unwrap_err();
        assert!(!err.to_string().contains(&lie.storage_proof[0].value.to_string()), "quotes the forged value: {err}");
    }

    #[test]
    fn a_slot_anvil_zeroed_in_place_is_proven_zero_and_nothing_else() {
        let v: Value = serde_json::from_str(include_str!("../tests/fixtures/anvil-zeroed-slot.json")).unwrap();
        let root: B256 = serde_json::from_value(v["stateRoot"].clone()).unwrap();
        let resp = parse(&v["proof"]);
        assert!(resp.storage_proof[0].value.is_zero(), "slot 0 was set back to zero");
        // The leaf is still there, holding rlp(0): this is the case being tested.
        assert!(resp.storage_proof[0].proof.last().unwrap().ends_with(&[0x81, 0x80]));
        let acct = verify_account_proof(root, &resp).unwrap();
        assert_eq!(acct.storage, vec![(U256::ZERO, U256::ZERO), (U256::from(1), U256::from(7))]);

        let mut lie = resp.clone();
        lie.storage_proof[0].value = U256::from(42);
        assert!(matches!(verify_account_proof(root, &lie), Err(ProofError::Storage { .. })), "the old value");
        // The other slot's real value is non-zero: claiming zero there is still refused.
        let mut lie = resp;
        lie.storage_proof[1].value = U256::ZERO;
        assert!(matches!(verify_account_proof(root, &lie), Err(ProofError::Storage { .. })));
    }

    #[test]
    fn an_empty_account_anvil_keeps_as_a_leaf_is_proven_empty_and_nothing_else() {
        let v: Value = serde_json::from_str(include_str!("../tests/fixtures/anvil-zeroed-slot.json")).unwrap();
        let root: B256 = serde_json::from_value(v["stateRoot"].clone()).unwrap();
        let resp = parse(&v["touchedProof"]);
        let acct = verify_account_proof(root, &resp).unwrap();
        assert!(acct.balance.is_zero() && acct.nonce == 0);
        let mut lie = resp.clone();
        lie.balance = U256::from(1);
        assert!(matches!(verify_account_proof(root, &lie), Err(ProofError::Account { .. })));
        let mut lie = resp;
        lie.nonce = 1;
        assert!(matches!(verify_account_proof(root, &lie), Err(ProofError::Account { .. })));
    }

    #[test]
    fn code_is_checked_against_the_proven_hash() {
        let f = fixture();
        let contract = verify_account_proof(f.state_root, &parse(&f.proofs[2])).unwrap();
        // The fixture contract's runtime code is the single byte 0x00.
        verify_code(&contract, &[0x00]).unwrap();
        assert!(matches!(verify_code(&contract, &[0x01]), Err(ProofError::Code { .. })));
        let eoa = verify_account_proof(f.state_root, &parse(&f.proofs[1])).unwrap();
        verify_code(&eoa, &[]).unwrap();
    }

    #[test]
    fn malformed_answers_fail_to_parse() {
        let bad = serde_json::json!({"address": "0x12", "balance": "0x1"});
        assert!(serde_json::from_value::<AccountProofResponse>(bad).is_err());
    }
}
