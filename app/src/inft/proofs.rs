//! The transfer-validity proofs `SignatureVerifier` (contracts/src/inft/) checks: what the
//! receiver signs to say it can open the re-encrypted data (the access proof), and what
//! the holder signs to hand it over (the ownership proof). Both are EIP-191 signatures over
//! a digest binding the chain, the NFT, the token, both parties, both data hashes, the
//! sealed key, the receiver's public key, a nonce and a deadline.
//!
//! Each nonce starts with the [`Operation`] tag, so both signatures say whether they hand
//! the token over or make a clone: `AgentNFT` refuses proofs whose nonces are tagged for
//! the other call. Never build a nonce without [`Operation::nonce`].

use std::fmt;

use alloy_primitives::{eip191_hash_message, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;
use k256::ecdsa::SigningKey;
use serde::{Deserialize, Serialize};

const ACCESS_TYPEHASH: &str = "zg-console/inft/access-proof/v1";
const OWNERSHIP_TYPEHASH: &str = "zg-console/inft/ownership-proof/v1";

/// `AgentNFT.TRANSFER_OPERATION` and `CLONE_OPERATION` are keccak256 of these.
const TRANSFER_TAG: &str = "zg-console/inft/op/transfer";
const CLONE_TAG: &str = "zg-console/inft/op/clone";

/// What a pair of proofs authorises. It is signed by being the first 32 bytes of both
/// nonces (the digests cover keccak256(nonce)); `AgentNFT.iTransferFrom` and `iCloneFrom`
/// each accept only their own tag.
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

    /// A proof nonce for this operation: the tag, then 32 random bytes that make it
    /// single-use (the verifier accepts each nonce once per signer).
    pub fn nonce(self, random: [u8; 32]) -> Bytes {
        [self.tag().as_slice(), &random].concat().into()
    }

    /// The operation a nonce was made for, by the contract's rule (its first 32 bytes are
    /// a tag); `None` for a nonce that names neither.
    pub fn of_nonce(nonce: &[u8]) -> Option<Operation> {
        let head = nonce.get(..32)?;
        [Operation::Transfer, Operation::Clone].into_iter().find(|op| op.tag().as_slice() == head)
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

/// Everything a transfer proof commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferTerms {
    pub chain_id: u64,
    pub nft: Address,
    pub token_id: U256,
    pub from: Address,
    pub to: Address,
    pub old_data_hash: B256,
    pub new_data_hash: B256,
    pub sealed_key: Bytes,
    pub encrypted_pub_key: Bytes,
    pub nonce: Bytes,
    pub deadline: U256,
}

impl TransferTerms {
    fn digest(&self, typehash: &str) -> B256 {
        keccak256(
            (
                keccak256(typehash),
                U256::from(self.chain_id),
                self.nft,
                self.token_id,
                self.from,
                self.to,
                self.old_data_hash,
                self.new_data_hash,
                keccak256(&self.sealed_key),
                keccak256(&self.encrypted_pub_key),
                keccak256(&self.nonce),
                self.deadline,
            )
                .abi_encode(),
        )
    }

    /// What the receiver signs once it has checked it can decrypt the new data.
    pub fn access_digest(&self) -> B256 {
        self.digest(ACCESS_TYPEHASH)
    }

    /// What the holder signs to hand the token over.
    pub fn ownership_digest(&self) -> B256 {
        self.digest(OWNERSHIP_TYPEHASH)
    }
}

/// An EIP-191 (`personal_sign`) signature over a 32-byte digest: `r ‖ s ‖ v` with v 27/28,
/// as `ECDSA.recover` expects.
pub fn sign_digest(key: &SigningKey, digest: B256) -> Bytes {
    let hash = eip191_hash_message(digest);
    let (signature, recovery) = key.sign_prehash_recoverable(hash.as_slice()).expect("a 32-byte prehash signs");
    [signature.to_bytes().as_slice(), &[27 + recovery.to_byte()]].concat().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn fixture_json() -> Value {
        serde_json::from_str(include_str!("fixtures/proof-digests.json")).unwrap()
    }

    fn fixture() -> (TransferTerms, B256, B256) {
        let v = fixture_json();
        let p = &v["params"];
        let s = |k: &str| p[k].as_str().unwrap();
        let terms = TransferTerms {
            chain_id: p["chainId"].as_u64().unwrap(),
            nft: s("nft").parse().unwrap(),
            token_id: U256::from(p["tokenId"].as_u64().unwrap()),
            from: s("from").parse().unwrap(),
            to: s("to").parse().unwrap(),
            old_data_hash: s("oldDataHash").parse().unwrap(),
            new_data_hash: s("newDataHash").parse().unwrap(),
            sealed_key: s("sealedKey").parse().unwrap(),
            encrypted_pub_key: s("encryptedPubKey").parse().unwrap(),
            nonce: s("nonce").parse().unwrap(),
            deadline: U256::from(p["deadline"].as_u64().unwrap()),
        };
        (terms, v["access"].as_str().unwrap().parse().unwrap(), v["ownership"].as_str().unwrap().parse().unwrap())
    }

    #[test]
    fn digests_match_an_independent_abi_encoder() {
        let (terms, access, ownership) = fixture();
        assert_eq!(terms.access_digest(), access);
        assert_eq!(terms.ownership_digest(), ownership);
    }

    #[test]
    fn operation_tags_and_tagged_nonces_match_an_independent_implementation() {
        let v = fixture_json();
        let hash = |k: &str| v["operations"][k].as_str().unwrap().parse::<B256>().unwrap();
        assert_eq!(Operation::Transfer.tag(), hash("transfer"));
        assert_eq!(Operation::Clone.tag(), hash("clone"));

        // A clone-tagged nonce, built here, gives the digests ethers computes for it.
        let tagged = &v["tagged"];
        let nonce = Operation::Clone.nonce([0x44; 32]);
        assert_eq!(nonce, tagged["nonce"].as_str().unwrap().parse::<Bytes>().unwrap());
        let (mut terms, _, _) = fixture();
        terms.nonce = nonce;
        assert_eq!(terms.access_digest(), tagged["access"].as_str().unwrap().parse::<B256>().unwrap());
        assert_eq!(terms.ownership_digest(), tagged["ownership"].as_str().unwrap().parse::<B256>().unwrap());
    }

    #[test]
    fn a_nonce_names_its_operation_by_its_first_32_bytes_only() {
        for op in [Operation::Transfer, Operation::Clone] {
            let nonce = op.nonce([7; 32]);
            assert_eq!(nonce.len(), 64);
            assert_eq!(Operation::of_nonce(&nonce), Some(op));
            // The contract reads only the head; what follows is the signer's randomness.
            assert_eq!(Operation::of_nonce(&nonce[..32]), Some(op));
            // Shorter than a tag, or untagged (as codes made before tags were): no operation.
            assert_eq!(Operation::of_nonce(&nonce[..31]), None);
        }
        assert_eq!(Operation::of_nonce(&[5; 16]), None);
        assert_eq!(Operation::of_nonce(&[0; 64]), None);
        assert_ne!(Operation::Transfer.tag(), Operation::Clone.tag());
        // The same randomness under the two tags gives two digests: the tag is signed.
        let (mut terms, _, _) = fixture();
        terms.nonce = Operation::Transfer.nonce([1; 32]);
        let transfer = terms.ownership_digest();
        terms.nonce = Operation::Clone.nonce([1; 32]);
        assert_ne!(terms.ownership_digest(), transfer);
    }

    #[test]
    fn every_term_changes_the_digest() {
        let (terms, access, _) = fixture();
        let mut changed = vec![];
        let mut t = terms.clone();
        t.to = Address::repeat_byte(9);
        changed.push(t);
        let mut t = terms.clone();
        t.sealed_key = Bytes::from_static(b"other");
        changed.push(t);
        let mut t = terms.clone();
        t.deadline += U256::from(1);
        changed.push(t);
        let mut t = terms;
        t.chain_id = 1;
        changed.push(t);
        for t in changed {
            assert_ne!(t.access_digest(), access, "{t:?}");
        }
    }

    #[test]
    fn signatures_recover_to_the_signer() {
        let (terms, _, _) = fixture();
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let signature = sign_digest(&key, terms.access_digest());
        assert_eq!(signature.len(), 65);
        let sig = alloy_primitives::Signature::from_raw(&signature).unwrap();
        let recovered = sig.recover_address_from_prehash(&eip191_hash_message(terms.access_digest())).unwrap();
        assert_eq!(recovered, crate::wallet::signer::address_of(&key));
    }
}
