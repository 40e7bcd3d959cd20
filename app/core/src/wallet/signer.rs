//! Ethereum addresses of keys, and EIP-1559 (type 2) transactions signed into the raw bytes that
//! `eth_sendRawTransaction` takes.
//!
//! Must never: sign anything but the transaction the caller described (no field defaulted
//! behind its back), or let the private key out other than as a signature.

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{SignableTransaction, Signed, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::{Decodable2718, Encodable2718};
use alloy_primitives::{Address, Bytes, Signature, TxKind, B256, U256};
use k256::ecdsa::SigningKey;
use thiserror::Error;

/// The gas a plain value transfer to an account without code always uses.
pub const TRANSFER_GAS: u64 = 21_000;

/// Why raw transaction bytes could not be attributed to a sender.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SignerError {
    #[error(
        "these bytes are not a signed Ethereum transaction (an EIP-2718 envelope); copy the whole raw transaction"
    )]
    NotATransaction,
    #[error("the transaction's signature does not recover to any sender; it was damaged or never signed")]
    BadSignature,
}

/// Everything a type 2 transaction carries except its signature. The access list is always
/// empty: nothing in the wallet needs one, and a wrong one only costs gas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip1559Request {
    pub chain_id: u64,
    pub nonce: u64,
    /// The recipient, or `TxKind::Create` to deploy `input` as creation code.
    pub to: TxKind,
    pub value: U256,
    pub gas_limit: u64,
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
    pub input: Bytes,
}

/// A signed transaction: `raw` is the EIP-2718 envelope for `eth_sendRawTransaction`, `hash`
/// the transaction hash the node will report for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTx {
    pub raw: Bytes,
    pub hash: B256,
}

/// The account address of a key: the last 20 bytes of keccak256 of the uncompressed public key.
pub fn address_of(key: &SigningKey) -> Address {
    Address::from_public_key(key.verifying_key())
}

/// Signs `tx` with `key`. Signatures are deterministic (RFC 6979) and low-s, so the same request
/// and key always give the same bytes, as they do in ethers and geth.
pub fn sign_eip1559(key: &SigningKey, tx: &Eip1559Request) -> SignedTx {
    let unsigned = TxEip1559 {
        chain_id: tx.chain_id,
        nonce: tx.nonce,
        gas_limit: tx.gas_limit,
        max_fee_per_gas: tx.max_fee_per_gas,
        max_priority_fee_per_gas: tx.max_priority_fee_per_gas,
        to: tx.to,
        value: tx.value,
        access_list: Default::default(),
        input: tx.input.clone(),
    };
    let prehash = unsigned.signature_hash();
    // k256 refuses only prehashes shorter than the curve order's size; a keccak hash never is.
    let (signature, recovery_id) =
        key.sign_prehash_recoverable(prehash.as_slice()).expect("a 32-byte prehash is always signable");
    let signed: Signed<TxEip1559> = unsigned.into_signed(Signature::from((signature, recovery_id)));
    SignedTx { raw: signed.encoded_2718().into(), hash: *signed.hash() }
}

/// Who signed a raw transaction, for showing "from" on a review screen and for tests. Accepts
/// every transaction type the chain does, not only the ones this wallet makes.
pub fn recover_sender(raw: &[u8]) -> Result<Address, SignerError> {
    let envelope = TxEnvelope::decode_2718_exact(raw).map_err(|_| SignerError::NotATransaction)?;
    envelope.recover_signer().map_err(|_| SignerError::BadSignature)
}

/// An EIP-191 `personal_sign` signature of `message` (the bytes as given: a dapp's text as
/// UTF-8, or its hex decoded): r ‖ s ‖ v, v being 27 or 28 as wallets give it.
pub fn sign_personal(key: &SigningKey, message: &[u8]) -> [u8; 65] {
    let digest = alloy_primitives::eip191_hash_message(message);
    let (signature, recovery) =
        key.sign_prehash_recoverable(digest.as_slice()).expect("a 32-byte digest signs with any valid key");
    let mut out = [0u8; 65];
    out[..64].copy_from_slice(&signature.to_bytes());
    out[64] = 27 + recovery.to_byte();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    // Produced by ethers v6 (an independent implementation); see app/core/tests/fixtures/wallet/gen-eip1559.mjs.
    const ETHERS_FIXTURE: &str = include_str!("../../tests/fixtures/wallet/eip1559-ethers.json");

    #[derive(Deserialize)]
    struct Case {
        name: String,
        private_key: String,
        from: Address,
        chain_id: u64,
        nonce: u64,
        to: Address,
        value: String,
        gas_limit: u64,
        max_fee_per_gas: String,
        max_priority_fee_per_gas: String,
        input: Bytes,
        raw: Bytes,
        hash: B256,
    }

    fn key(hex_key: &str) -> SigningKey {
        let bytes = hex::decode(hex_key.trim_start_matches("0x")).unwrap();
        SigningKey::from_slice(&bytes).unwrap()
    }

    fn cases() -> Vec<Case> {
        serde_json::from_str(ETHERS_FIXTURE).unwrap()
    }

    #[test]
    fn a_personal_signature_recovers_to_the_signer_over_the_prefixed_message() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let signed = sign_personal(&key, b"Sign in to example.com");
        assert!(matches!(signed[64], 27 | 28), "v is {}", signed[64]);
        let signature = Signature::from_raw(&signed).unwrap();
        assert_eq!(signature.recover_address_from_msg(b"Sign in to example.com").unwrap(), address_of(&key));
        // Another message does not recover to it: the text is what was signed.
        assert_ne!(signature.recover_address_from_msg(b"Sign in to evil.example").unwrap(), address_of(&key));
    }

    #[test]
    fn signatures_match_ethers_byte_for_byte() {
        let cases = cases();
        assert!(cases.len() >= 3);
        for case in cases {
            let key = key(&case.private_key);
            assert_eq!(address_of(&key), case.from, "{}: address", case.name);
            let request = Eip1559Request {
                chain_id: case.chain_id,
                nonce: case.nonce,
                to: case.to.into(),
                value: case.value.parse().unwrap(),
                gas_limit: case.gas_limit,
                max_fee_per_gas: case.max_fee_per_gas.parse().unwrap(),
                max_priority_fee_per_gas: case.max_priority_fee_per_gas.parse().unwrap(),
                input: case.input.clone(),
            };
            let signed = sign_eip1559(&key, &request);
            assert_eq!(signed.raw, case.raw, "{}: raw transaction", case.name);
            assert_eq!(signed.hash, case.hash, "{}: transaction hash", case.name);
            assert_eq!(recover_sender(&signed.raw).unwrap(), case.from, "{}: sender", case.name);
        }
    }

    #[test]
    fn the_fixture_covers_the_devnet_galileo_and_calldata() {
        let cases = cases();
        assert!(cases.iter().any(|c| c.chain_id == 31337));
        assert!(cases.iter().any(|c| c.chain_id == 16602));
        assert!(cases.iter().any(|c| !c.input.is_empty()));
    }

    #[test]
    fn anvil_dev_key_address() {
        let key = key("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
        assert_eq!(address_of(&key), alloy_primitives::address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    }

    #[test]
    fn recover_sender_rejects_garbage_and_tampering() {
        assert_eq!(recover_sender(&[]).unwrap_err(), SignerError::NotATransaction);
        assert_eq!(recover_sender(&[0x02, 0xc0]).unwrap_err(), SignerError::NotATransaction);

        let case = &cases()[0];
        let mut trailing = case.raw.to_vec();
        trailing.push(0);
        assert_eq!(recover_sender(&trailing).unwrap_err(), SignerError::NotATransaction);

        // Changing a signed field keeps the bytes decodable but moves the recovered sender.
        let request = Eip1559Request {
            chain_id: 31337,
            nonce: 5,
            to: case.to.into(),
            value: U256::from(1u64),
            gas_limit: TRANSFER_GAS,
            max_fee_per_gas: 3_000_000_000,
            max_priority_fee_per_gas: 1_000_000_000,
            input: Bytes::new(),
        };
        let key = key(&case.private_key);
        let signed = sign_eip1559(&key, &request);
        let mut tampered = signed.raw.to_vec();
        // 0x02, list header 0xf8 <len>, chain id 0x827a69, then the nonce.
        assert_eq!(tampered[6], 5);
        tampered[6] = 6;
        match recover_sender(&tampered) {
            Ok(sender) => assert_ne!(sender, address_of(&key)),
            Err(e) => assert_eq!(e, SignerError::BadSignature),
        }
    }
}
