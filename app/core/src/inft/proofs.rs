//! The transfer-validity proofs `SignatureVerifier` (contracts/src/inft/) checks, in 0G's
//! ERC-7857 proof structs: what the receiver signs to say it can open the re-encrypted
//! data (the access proof), and what the holder signs to hand it over (the ownership
//! proof). Both digests are computed as 0G's reference `Verifier` computes them, and
//! signed as it checks them: EIP-191 over the digest's 66-character hex string.
//!
//! 0G's proofs have no field for the operation, the parties, the chain, the new data or a
//! deadline. Each proof's `nonce` carries them: a [`TransferTerms::nonce`] is the ABI
//! encoding of `Handover` (contracts/src/inft/HandoverNonce.sol), whose first 32 bytes are
//! the [`Operation`] tag, so both signatures say whether they hand the token over or make
//! a clone, and `AgentNFT` refuses proofs signed for the other call. Never build a nonce
//! any other way.

use std::fmt;

use alloy_primitives::{eip191_hash_message, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;
use k256::ecdsa::SigningKey;
use serde::{Deserialize, Serialize};

/// `AgentNFT.TRANSFER_OPERATION` and `CLONE_OPERATION` are keccak256 of these.
const TRANSFER_TAG: &str = "zg-console/inft/op/transfer";
const CLONE_TAG: &str = "zg-console/inft/op/clone";

/// A handover nonce's length: ten ABI words.
pub const NONCE_LEN: usize = 320;

/// What a pair of proofs authorises. It is signed by being the first 32 bytes of both
/// nonces; `AgentNFT.iTransferFrom` and `iCloneFrom` each accept only their own tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// The token itself moves to the receiver, with the agent's wallet key.
    Transfer,
    /// The receiver gets a new token with the same agent and its own new agent key; the
    /// holder keeps theirs.
    Clone,
}

impl Operation {
    /// The 32-byte tag the contract compares each nonce's start with.
    pub fn tag(self) -> B256 {
        keccak256(match self {
            Operation::Transfer => TRANSFER_TAG,
            Operation::Clone => CLONE_TAG,
        })
    }

    /// The other one.
    pub fn other(self) -> Operation {
        match self {
            Operation::Transfer => Operation::Clone,
            Operation::Clone => Operation::Transfer,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Transfer => "transfer",
            Operation::Clone => "clone",
        })
    }
}

/// Everything both proofs of a handover commit to; each signer adds its own salt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferTerms {
    pub operation: Operation,
    pub chain_id: u64,
    pub nft: Address,
    pub token_id: U256,
    pub from: Address,
    pub to: Address,
    /// The data the token holds now: both proofs' `dataHash`.
    pub data_hash: B256,
    /// The root of the data re-encrypted for `to`, which the token holds afterwards.
    pub new_data_hash: B256,
    pub sealed_key: Bytes,
    /// The receiver's 64-byte public key (x ‖ y) the key is sealed to: the ownership
    /// proof's `targetPubkey`, whose address the NFT requires to be `to`.
    pub target_pubkey: Bytes,
    /// Unix seconds.
    pub deadline: u64,
}

impl TransferTerms {
    /// The proof nonce: `abi.encode(Handover)` with this salt.
    pub fn nonce(&self, salt: B256) -> Bytes {
        (
            self.operation.tag(),
            U256::from(self.chain_id),
            self.nft,
            self.token_id,
            self.from,
            self.to,
            self.new_data_hash,
            keccak256(&self.sealed_key),
            U256::from(self.deadline),
            salt,
        )
            .abi_encode()
            .into()
    }

    /// What the receiver signs once it has checked it can decrypt the new data: 0G's
    /// keccak256(abi.encodePacked(dataHash, targetPubkey, nonce)), with targetPubkey empty
    /// (the receiver's own key, which the NFT checks against `to`).
    pub fn access_digest(&self, salt: B256) -> B256 {
        keccak256([self.data_hash.as_slice(), &self.nonce(salt)].concat())
    }

    /// What the holder signs to hand the token over: 0G's
    /// keccak256(abi.encodePacked(dataHash, sealedKey, targetPubkey, nonce)).
    pub fn ownership_digest(&self, salt: B256) -> B256 {
        keccak256([self.data_hash.as_slice(), &self.sealed_key, &self.target_pubkey, &self.nonce(salt)].concat())
    }
}

/// The receiver's 64-byte public key (x ‖ y, the form 0G's `targetPubkey` takes) from its
/// SEC1 encoding; `None` if it is not a secp256k1 point.
pub fn target_pubkey(sec1: &[u8]) -> Option<Bytes> {
    let key = k256::PublicKey::from_sec1_bytes(sec1).ok()?;
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    Some(Bytes::copy_from_slice(&key.to_encoded_point(false).as_bytes()[1..]))
}

/// What is signed for a proof digest, as 0G's Verifier recovers it: the EIP-191 hash of
/// the string "0x" + 64 lowercase hex digits.
pub fn signed_message(digest: B256) -> B256 {
    eip191_hash_message(format!("0x{}", hex::encode(digest)))
}

/// An EIP-191 (`personal_sign`) signature of [`signed_message`]: `r ‖ s ‖ v` with v 27/28,
/// as `ECDSA.recover` expects.
pub fn sign_digest(key: &SigningKey, digest: B256) -> Bytes {
    let hash = signed_message(digest);
    let (signature, recovery) = key.sign_prehash_recoverable(hash.as_slice()).expect("a 32-byte prehash signs");
    [signature.to_bytes().as_slice(), &[27 + recovery.to_byte()]].concat().into()
}

/// The address whose key made `signature` over `digest` (see [`sign_digest`]).
pub fn signer_of(digest: B256, signature: &[u8]) -> Option<Address> {
    let signature = alloy_primitives::Signature::try_from(signature).ok()?;
    signature.recover_address_from_prehash(&signed_message(digest)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn fixture_json() -> Value {
        serde_json::from_str(include_str!("../../tests/fixtures/inft/proof-digests.json")).unwrap()
    }

    fn b256(v: &Value) -> B256 {
        v.as_str().unwrap().parse().unwrap()
    }

    fn fixture() -> (TransferTerms, B256, B256) {
        let v = fixture_json();
        let p = &v["params"];
        let s = |k: &str| p[k].as_str().unwrap();
        let terms = TransferTerms {
            operation: if s("operation") == "clone" { Operation::Clone } else { Operation::Transfer },
            chain_id: p["chainId"].as_u64().unwrap(),
            nft: s("nft").parse().unwrap(),
            token_id: U256::from(p["tokenId"].as_u64().unwrap()),
            from: s("from").parse().unwrap(),
            to: s("to").parse().unwrap(),
            data_hash: s("dataHash").parse().unwrap(),
            new_data_hash: s("newDataHash").parse().unwrap(),
            sealed_key: s("sealedKey").parse().unwrap(),
            target_pubkey: s("targetPubkey").parse().unwrap(),
            deadline: p["deadline"].as_u64().unwrap(),
        };
        (terms, b256(&p["ownerSalt"]), b256(&p["accessSalt"]))
    }

    #[test]
    fn nonces_and_digests_match_an_independent_implementation() {
        let v = fixture_json();
        let (terms, owner_salt, access_salt) = fixture();
        let owner_nonce = terms.nonce(owner_salt);
        assert_eq!(owner_nonce.len(), NONCE_LEN);
        assert_eq!(owner_nonce, v["ownerNonce"].as_str().unwrap().parse::<Bytes>().unwrap());
        assert_eq!(terms.nonce(access_salt), v["accessNonce"].as_str().unwrap().parse::<Bytes>().unwrap());
        assert_eq!(terms.access_digest(access_salt), b256(&v["access"]));
        assert_eq!(terms.ownership_digest(owner_salt), b256(&v["ownership"]));
        assert_eq!(signed_message(b256(&v["access"])), b256(&v["accessMessage"]));
        assert_eq!(signed_message(b256(&v["ownership"])), b256(&v["ownershipMessage"]));
    }

    #[test]
    fn the_target_key_is_the_receivers_64_byte_key_and_names_its_address() {
        let v = fixture_json();
        let p = &v["params"];
        let compressed: Bytes = p["receiverKey"].as_str().unwrap().parse().unwrap();
        let target = target_pubkey(&compressed).unwrap();
        assert_eq!(target, p["targetPubkey"].as_str().unwrap().parse::<Bytes>().unwrap());
        assert_eq!(target.len(), 64);
        // The NFT's rule for an empty wanted key: address(keccak256(targetPubkey)) == to.
        let to: Address = p["to"].as_str().unwrap().parse().unwrap();
        assert_eq!(Address::from_slice(&keccak256(&target)[12..]), to);
        let not_a_point = [&[2u8][..], &[0xff; 32]].concat(); // x above the field prime
        assert_eq!(target_pubkey(&not_a_point), None);
    }

    #[test]
    fn operation_tags_match_an_independent_implementation_and_lead_the_nonce() {
        let v = fixture_json();
        assert_eq!(Operation::Transfer.tag(), b256(&v["operations"]["transfer"]));
        assert_eq!(Operation::Clone.tag(), b256(&v["operations"]["clone"]));
        assert_ne!(Operation::Transfer.tag(), Operation::Clone.tag());
        let (mut terms, salt, _) = fixture();
        for op in [Operation::Transfer, Operation::Clone] {
            terms.operation = op;
            assert_eq!(&terms.nonce(salt)[..32], op.tag().as_slice());
            assert_eq!(op.other().other(), op);
        }
        // The same salt under the two tags gives two digests: the tag is signed.
        terms.operation = Operation::Transfer;
        let transfer = terms.ownership_digest(salt);
        terms.operation = Operation::Clone;
        assert_ne!(terms.ownership_digest(salt), transfer);
    }

    #[test]
    fn every_term_changes_both_digests() {
        let (terms, salt, _) = fixture();
        let (access, ownership) = (terms.access_digest(salt), terms.ownership_digest(salt));
        let edits: Vec<fn(&mut TransferTerms)> = vec![
            |t| t.operation = t.operation.other(),
            |t| t.chain_id = 1,
            |t| t.nft = Address::repeat_byte(5),
            |t| t.token_id += U256::from(1),
            |t| t.from = Address::repeat_byte(8),
            |t| t.to = Address::repeat_byte(9),
            |t| t.data_hash = B256::repeat_byte(4),
            |t| t.new_data_hash = B256::repeat_byte(6),
            |t| t.sealed_key = Bytes::from_static(b"other"),
            |t| t.deadline += 1,
        ];
        for edit in edits {
            let mut t = terms.clone();
            edit(&mut t);
            assert_ne!(t.access_digest(salt), access, "{t:?}");
            assert_ne!(t.ownership_digest(salt), ownership, "{t:?}");
        }
        // The key sealed to is the holder's statement (the NFT checks it names `to`).
        let mut t = terms.clone();
        t.target_pubkey = Bytes::from_static(&[1; 64]);
        assert_ne!(t.ownership_digest(salt), ownership);
        assert_ne!(terms.access_digest(B256::repeat_byte(1)), access, "the salt");
    }

    #[test]
    fn signatures_recover_to_the_signer() {
        let (terms, salt, _) = fixture();
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let signature = sign_digest(&key, terms.access_digest(salt));
        assert_eq!(signature.len(), 65);
        assert_eq!(signer_of(terms.access_digest(salt), &signature), Some(crate::wallet::signer::address_of(&key)));
        assert_ne!(signer_of(terms.ownership_digest(salt), &signature), Some(crate::wallet::signer::address_of(&key)));
    }
}
