//! `verify_account_proof` on `eth_getProof` answers derived from the captured anvil proofs by
//! fuzzer-chosen edits: claimed fields, slot keys and values, proof nodes (replaced, flipped,
//! dropped, duplicated, appended). Errors, never panics.
//!
//! Against the fixture's state root an `Ok` must report the true state (the oracle below): a
//! fixture account's real fields and slot values, or for any other address an empty account
//! and zero slots. The "rehash" edit replaces a node and fixes the hash references above it,
//! moving the root; it has no oracle but lets arbitrary node bytes reach the trie decoder.
#![no_main]

use std::sync::OnceLock;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wasm_light_client::account::StorageProofResponse;
use wasm_light_client::{verify_account_proof, AccountProofResponse};

struct Fixture {
    state_root: B256,
    proofs: Vec<AccountProofResponse>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let v: Value = serde_json::from_str(include_str!("../../tests/fixtures/anvil-proofs.json")).expect("fixture");
        Fixture {
            state_root: serde_json::from_value(v["stateRoot"].clone()).expect("state root"),
            proofs: v["proofs"]
                .as_array()
                .expect("proofs")
                .iter()
                .map(|p| serde_json::from_value(p.clone()).expect("proof"))
                .collect(),
        }
    })
}

fn bytes(u: &mut Unstructured) -> Result<Bytes> {
    let len = u.int_in_range(0..=600)?;
    Ok(Bytes::copy_from_slice(u.bytes(len.min(u.len()))?))
}

fn word(u: &mut Unstructured) -> Result<U256> {
    Ok(U256::from_be_bytes(u.arbitrary::<[u8; 32]>()?))
}

/// Replaces `nodes[i]` and rewrites the hash reference in each node above it; returns the new
/// root (the hash of `nodes[0]`).
fn rehash(nodes: &mut [Bytes], i: usize, new: Bytes) -> B256 {
    let mut old = keccak256(&nodes[i]);
    nodes[i] = new;
    let mut fresh = keccak256(&nodes[i]);
    for j in (0..i).rev() {
        let node = nodes[j].to_vec();
        let Some(at) = node.windows(32).position(|w| w == old.as_slice()) else { break };
        let mut patched = node;
        patched[at..at + 32].copy_from_slice(fresh.as_slice());
        old = keccak256(&nodes[j]);
        nodes[j] = patched.into();
        fresh = keccak256(&nodes[j]);
    }
    keccak256(&nodes[0])
}

fn edit_nodes(u: &mut Unstructured, nodes: &mut Vec<Bytes>) -> Result<()> {
    match u.int_in_range(0..=4)? {
        0 if !nodes.is_empty() => {
            let i = u.choose_index(nodes.len())?;
            nodes[i] = bytes(u)?;
        }
        1 if !nodes.is_empty() => {
            let i = u.choose_index(nodes.len())?;
            let mut node = nodes[i].to_vec();
            if !node.is_empty() {
                let at = u.choose_index(node.len())?;
                node[at] ^= u.arbitrary::<u8>()?.max(1);
            }
            nodes[i] = node.into();
        }
        2 if !nodes.is_empty() => {
            let i = u.choose_index(nodes.len())?;
            nodes.remove(i);
        }
        3 if !nodes.is_empty() => {
            let i = u.choose_index(nodes.len())?;
            nodes.insert(i, nodes[i].clone());
        }
        _ => nodes.push(bytes(u)?),
    }
    Ok(())
}

/// Applies edits until the input runs out; returns the root to verify against.
fn mutate(u: &mut Unstructured, resp: &mut AccountProofResponse) -> Result<B256> {
    let mut root = fixture().state_root;
    while !u.is_empty() {
        match u.int_in_range(0..=11)? {
            0 => resp.balance = word(u)?,
            1 => resp.nonce = u.arbitrary()?,
            2 => resp.code_hash = B256::from(u.arbitrary::<[u8; 32]>()?),
            3 => resp.storage_hash = B256::from(u.arbitrary::<[u8; 32]>()?),
            4 => resp.address = Address::from(u.arbitrary::<[u8; 20]>()?),
            5 => {
                let donor = u.choose(&fixture().proofs)?;
                resp.address = donor.address;
            }
            6 => edit_nodes(u, &mut resp.account_proof)?,
            7 if !resp.account_proof.is_empty() => {
                let i = u.choose_index(resp.account_proof.len())?;
                let new = bytes(u)?;
                root = rehash(&mut resp.account_proof, i, new);
            }
            8 => resp.storage_proof.push(StorageProofResponse { key: word(u)?, value: word(u)?, proof: Vec::new() }),
            9 if !resp.storage_proof.is_empty() => {
                let i = u.choose_index(resp.storage_proof.len())?;
                let slot = &mut resp.storage_proof[i];
                match u.int_in_range(0..=3)? {
                    0 => slot.key = word(u)?,
                    1 => slot.value = word(u)?,
                    2 => slot.value = U256::from(u.arbitrary::<u8>()?),
                    _ => edit_nodes(u, &mut slot.proof)?,
                }
            }
            10 if !resp.storage_proof.is_empty() => {
                let i = u.choose_index(resp.storage_proof.len())?;
                let slot = &mut resp.storage_proof[i];
                if !slot.proof.is_empty() {
                    let j = u.choose_index(slot.proof.len())?;
                    let new = bytes(u)?;
                    resp.storage_hash = rehash(&mut slot.proof, j, new);
                }
            }
            _ => {
                let donor = u.choose(&fixture().proofs)?;
                resp.account_proof = donor.account_proof.clone();
            }
        }
    }
    Ok(root)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let mut u = Unstructured::new(data);
    let mut resp = f.proofs[u.choose_index(f.proofs.len()).unwrap_or(0)].clone();
    let root = mutate(&mut u, &mut resp).unwrap_or(f.state_root);
    let Ok(proven) = verify_account_proof(root, &resp) else { return };
    if root != f.state_root {
        return;
    }
    // The oracle: under the real root, only the real state can verify.
    match f.proofs.iter().find(|p| p.address == proven.address) {
        Some(truth) => {
            assert_eq!(proven.balance, truth.balance, "forged balance verified");
            assert_eq!(proven.nonce, truth.nonce, "forged nonce verified");
            assert_eq!(proven.code_hash, truth.code_hash, "forged code hash verified");
            assert_eq!(proven.storage_root, truth.storage_hash, "forged storage root verified");
            for (key, value) in &proven.storage {
                let real = truth.storage_proof.iter().find(|s| s.key == *key).map_or(U256::ZERO, |s| s.value);
                assert_eq!(*value, real, "forged slot value verified");
            }
        }
        None => {
            assert!(proven.balance.is_zero() && proven.nonce == 0, "an unknown account verified with funds");
            assert!(proven.storage.iter().all(|(_, v)| v.is_zero()), "an unknown account verified with storage");
        }
    }
});
