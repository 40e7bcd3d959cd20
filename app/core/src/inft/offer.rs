//! Handing an agent over without a trusted third party, as two codes people pass to each
//! other (chat, mail, QR): the holder's **offer** and the receiver's **acceptance**.
//!
//! 1. The holder re-encrypts the agent under a fresh key, uploads it, seals the key to the
//!    receiver's public key and signs the ownership proof: that is the offer.
//! 2. The receiver downloads the new data, checks its root is the offered hash and that the
//!    sealed key opens it, then signs the access proof: offer + signature is the acceptance.
//! 3. The holder checks the acceptance and sends `iTransferFrom` (or `iCloneFrom`).
//!
//! A code carries the terms and each signer's salt, not the signed nonces: the nonces are
//! rebuilt from the terms ([`TransferTerms::nonce`]), so any edited term breaks a
//! signature. Whether it is a transfer or a clone is such a term (the nonces' first 32
//! bytes): a code whose `kind` was edited still carries signatures that hold for the other
//! operation, and is refused with [`OfferError::OperationAltered`].
//!
//! Codes carry nothing secret: the data key inside is sealed to the receiver. Pure, so the
//! checks here are tested natively; the browser side lives in `service`.

use alloy_primitives::{Address, Bytes, B256, U256};
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::proofs::{signer_of, target_pubkey, Operation, TransferTerms};

const OFFER_PREFIX: &str = "zg-agent-offer:";
const ACCEPTANCE_PREFIX: &str = "zg-agent-accept:";

/// What the holder signs away, plus what the receiver needs to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The operation the holder signed for (see [`Offer::check_for`]).
    pub kind: Operation,
    pub chain_id: u64,
    pub nft: Address,
    pub token_id: U256,
    pub from: Address,
    pub to: Address,
    /// The receiver's compressed secp256k1 public key the data key is sealed to.
    pub receiver_key: Bytes,
    /// The data the token holds now (both proofs' `dataHash`).
    pub old_data_hash: B256,
    /// 0G Storage root of the re-encrypted agent, already fully uploaded.
    pub new_data_hash: B256,
    pub new_size: u64,
    pub sealed_key: Bytes,
    /// The random part of the holder's nonce.
    pub owner_salt: B256,
    /// Unix seconds after which the verifier refuses the proofs.
    pub deadline: u64,
    pub owner_signature: Bytes,
}

/// The offer with the receiver's access proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub offer: Offer,
    /// The random part of the receiver's nonce; the rest is the offer's terms.
    pub access_salt: B256,
    pub access_signature: Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    #[error("this is not a zg-console {0} code; paste the whole code, starting with \"{1}\"")]
    NotACode(&'static str, &'static str),
    #[error("the {0} code is damaged ({1}); ask for it again")]
    Damaged(&'static str, String),
    #[error("this offer is for chain {offered}, but you are connected to chain {connected}; switch network first")]
    WrongChain { offered: u64, connected: u64 },
    #[error("this offer is for another agent contract ({offered}) than this network's ({expected})")]
    WrongContract { offered: Address, expected: Address },
    #[error("this offer is addressed to {to}, not to your selected account {you}; select that account")]
    NotForYou { to: Address, you: Address },
    #[error("the offer seals the agent to a different public key than your account's; ask the holder to use the key shown on your Agents page")]
    WrongKey,
    #[error("the offer is not signed by the agent's holder {from}; do not accept it")]
    NotSignedByHolder { from: Address },
    #[error("the acceptance is not signed by the receiver {to} (signed by {signer}); ask them to accept again")]
    NotSignedByReceiver { to: Address, signer: Address },
    #[error("the offer expired; ask the holder for a new one")]
    Expired,
    #[error("this code says {says} but its signatures are for a {signed}; it was altered — ask for a new one")]
    OperationAltered { says: Operation, signed: Operation },
}

impl Offer {
    /// What both proofs commit to if they were signed for `operation`. The receiver key
    /// must be a public key: codes are checked with [`Offer::receiver_target`] first.
    fn terms_as(&self, operation: Operation, target_pubkey: Bytes) -> TransferTerms {
        TransferTerms {
            operation,
            chain_id: self.chain_id,
            nft: self.nft,
            token_id: self.token_id,
            from: self.from,
            to: self.to,
            data_hash: self.old_data_hash,
            new_data_hash: self.new_data_hash,
            sealed_key: self.sealed_key.clone(),
            target_pubkey,
            deadline: self.deadline,
        }
    }

    /// The receiver's 64-byte key, the proofs' `targetPubkey`.
    fn receiver_target(&self, what: &'static str) -> Result<Bytes, OfferError> {
        target_pubkey(&self.receiver_key)
            .ok_or(OfferError::Damaged(what, "the receiver key is not a public key".into()))
    }

    /// What both proofs commit to, for the operation the code states. Errors only for a
    /// receiver key that is not a public key.
    pub fn terms(&self) -> Result<TransferTerms, OfferError> {
        Ok(self.terms_as(self.kind, self.receiver_target("offer")?))
    }

    /// Which operation `signature` (by `signer`, over the digest `digest` picks) was made
    /// for: the stated one, else the other, else none.
    fn operation_signed(
        &self,
        target: &Bytes,
        signer: Address,
        signature: &[u8],
        digest: impl Fn(&TransferTerms) -> B256,
    ) -> Option<Operation> {
        [self.kind, self.kind.other()]
            .into_iter()
            .find(|op| signer_of(digest(&self.terms_as(*op, target.clone())), signature) == Some(signer))
    }

    /// The holder's signature holds for the stated operation.
    fn check_holder_signature(&self, what: &'static str) -> Result<(), OfferError> {
        let target = self.receiver_target(what)?;
        let salt = self.owner_salt;
        match self.operation_signed(&target, self.from, &self.owner_signature, |t| t.ownership_digest(salt)) {
            Some(op) if op == self.kind => Ok(()),
            Some(signed) => Err(OfferError::OperationAltered { says: self.kind, signed }),
            None => Err(OfferError::NotSignedByHolder { from: self.from }),
        }
    }

    pub fn to_code(&self) -> String {
        encode(OFFER_PREFIX, self)
    }

    pub fn from_code(code: &str) -> Result<Self, OfferError> {
        decode(code, OFFER_PREFIX, "offer")
    }

    /// What the receiver will get, in words, shown before it signs the acceptance. Only
    /// after [`Offer::check_for`]: until then `kind` is an unsigned label.
    pub fn receiver_summary(&self) -> String {
        match self.kind {
            Operation::Transfer => format!(
                "Transfer: token #{} comes to you from {}; it leaves their account, and the agent's wallet key comes with it",
                self.token_id, self.from
            ),
            Operation::Clone => format!(
                "Clone: {} keeps token #{}; you get a new token with its own agent key",
                self.from, self.token_id
            ),
        }
    }

    /// What the holder's transaction will do, in words, shown before it is signed. Only
    /// after [`Acceptance::check`]: until then `kind` is an unsigned label.
    pub fn holder_summary(&self) -> String {
        match self.kind {
            Operation::Transfer => {
                format!("Transfer: token #{} leaves your account to {}", self.token_id, self.to)
            }
            Operation::Clone => {
                format!("Clone: you keep token #{}; {} gets a new token with its own agent key", self.token_id, self.to)
            }
        }
    }

    /// The checks a receiver makes before downloading anything: the offer is for this
    /// chain, contract, account and key, signed by the holder it names for the operation
    /// it states, and still valid.
    /// (That `from` still holds the token and the data is the token's is checked on chain.)
    pub fn check_for(
        &self,
        chain_id: u64,
        nft: Address,
        me: Address,
        my_key: &[u8],
        now_s: u64,
    ) -> Result<(), OfferError> {
        if self.chain_id != chain_id {
            return Err(OfferError::WrongChain { offered: self.chain_id, connected: chain_id });
        }
        if self.nft != nft {
            return Err(OfferError::WrongContract { offered: self.nft, expected: nft });
        }
        if self.to != me {
            return Err(OfferError::NotForYou { to: self.to, you: me });
        }
        if self.receiver_key.as_ref() != my_key {
            return Err(OfferError::WrongKey);
        }
        self.check_holder_signature("offer")?;
        if now_s > self.deadline {
            return Err(OfferError::Expired);
        }
        Ok(())
    }
}

impl Acceptance {
    pub fn to_code(&self) -> String {
        encode(ACCEPTANCE_PREFIX, self)
    }

    pub fn from_code(code: &str) -> Result<Self, OfferError> {
        decode(code, ACCEPTANCE_PREFIX, "acceptance")
    }

    /// The holder's check before sending: the offer inside is one this holder signed, the
    /// receiver it names signed the access proof, and both signed for the operation the
    /// code states (which is the call that will be sent).
    pub fn check(&self, now_s: u64) -> Result<(), OfferError> {
        let offer = &self.offer;
        offer.check_holder_signature("acceptance")?;
        let target = offer.receiver_target("acceptance")?;
        let salt = self.access_salt;
        match offer.operation_signed(&target, offer.to, &self.access_signature, |t| t.access_digest(salt)) {
            Some(op) if op == offer.kind => {}
            Some(signed) => return Err(OfferError::OperationAltered { says: offer.kind, signed }),
            None => {
                let digest = offer.terms_as(offer.kind, target).access_digest(salt);
                let signer = signer_of(digest, &self.access_signature).unwrap_or(Address::ZERO);
                return Err(OfferError::NotSignedByReceiver { to: offer.to, signer });
            }
        }
        if now_s > offer.deadline {
            return Err(OfferError::Expired);
        }
        Ok(())
    }
}

fn encode<T: Serialize>(prefix: &str, value: &T) -> String {
    let json = serde_json::to_vec(value).expect("offers always serialise");
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
}

fn decode<T: for<'de> Deserialize<'de>>(code: &str, prefix: &'static str, what: &'static str) -> Result<T, OfferError> {
    let compact: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let body = compact.strip_prefix(prefix).ok_or(OfferError::NotACode(what, prefix))?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| OfferError::Damaged(what, "not base64".into()))?;
    serde_json::from_slice(&json).map_err(|e| OfferError::Damaged(what, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inft::proofs::sign_digest;
    use alloy_primitives::address;
    use k256::ecdsa::SigningKey;

    const NFT: Address = address!("00000000000000000000000000000000000000aa");

    fn key(byte: u8) -> SigningKey {
        SigningKey::from_slice(&[byte; 32]).unwrap()
    }

    fn compressed(key: &SigningKey) -> Bytes {
        crate::inft::envelope::compressed_public_key(key)
    }

    fn offer(holder: &SigningKey, receiver: &SigningKey) -> Offer {
        offer_for(Operation::Transfer, holder, receiver)
    }

    fn offer_for(kind: Operation, holder: &SigningKey, receiver: &SigningKey) -> Offer {
        let mut offer = Offer {
            kind,
            chain_id: 31337,
            nft: NFT,
            token_id: U256::from(1),
            from: crate::wallet::signer::address_of(holder),
            to: crate::wallet::signer::address_of(receiver),
            receiver_key: compressed(receiver),
            old_data_hash: B256::repeat_byte(1),
            new_data_hash: B256::repeat_byte(2),
            new_size: 900,
            sealed_key: Bytes::from_static(&[9; 78]),
            owner_salt: B256::repeat_byte(5),
            deadline: 2_000,
            owner_signature: Bytes::new(),
        };
        offer.owner_signature = sign_digest(holder, offer.terms().unwrap().ownership_digest(offer.owner_salt));
        offer
    }

    fn accept(offer: Offer, signer: &SigningKey) -> Acceptance {
        let access_salt = B256::repeat_byte(6);
        let access_signature = sign_digest(signer, offer.terms().unwrap().access_digest(access_salt));
        Acceptance { offer, access_salt, access_signature }
    }

    #[test]
    fn an_honest_offer_round_trips_and_passes_the_receivers_checks() {
        let (a, b) = (key(1), key(2));
        let o = offer(&a, &b);
        let code = o.to_code();
        assert!(code.starts_with(OFFER_PREFIX));
        // Pasted with line breaks, as a chat window might wrap it.
        let wrapped: String =
            code.chars().enumerate().flat_map(|(i, c)| (i % 40 == 0).then_some('\n').into_iter().chain([c])).collect();
        let back = Offer::from_code(&wrapped).unwrap();
        assert_eq!(back, o);
        back.check_for(31337, NFT, o.to, &compressed(&b), 1_000).unwrap();
    }

    #[test]
    fn the_receiver_refuses_offers_that_are_not_for_it_or_not_from_the_holder() {
        let (a, b, c) = (key(1), key(2), key(3));
        let o = offer(&a, &b);
        let me = o.to;
        assert_eq!(
            o.check_for(1, NFT, me, &compressed(&b), 0),
            Err(OfferError::WrongChain { offered: 31337, connected: 1 })
        );
        assert!(matches!(
            o.check_for(31337, Address::ZERO, me, &compressed(&b), 0),
            Err(OfferError::WrongContract { .. })
        ));
        let other = crate::wallet::signer::address_of(&c);
        assert_eq!(
            o.check_for(31337, NFT, other, &compressed(&c), 0),
            Err(OfferError::NotForYou { to: me, you: other })
        );
        assert_eq!(o.check_for(31337, NFT, me, &compressed(&c), 0), Err(OfferError::WrongKey));
        assert_eq!(o.check_for(31337, NFT, me, &compressed(&b), 2_001), Err(OfferError::Expired));

        // Anything changed after signing (here: where the data lives) breaks the holder's signature.
        let mut forged = o.clone();
        forged.new_data_hash = B256::repeat_byte(7);
        assert_eq!(
            forged.check_for(31337, NFT, me, &compressed(&b), 0),
            Err(OfferError::NotSignedByHolder { from: o.from })
        );
        // Signed by someone else than the holder it names.
        let mut stranger = o.clone();
        stranger.owner_signature = sign_digest(&c, o.terms().unwrap().ownership_digest(o.owner_salt));
        assert_eq!(
            stranger.check_for(31337, NFT, me, &compressed(&b), 0),
            Err(OfferError::NotSignedByHolder { from: o.from })
        );
    }

    #[test]
    fn the_holder_checks_the_acceptance_names_the_right_signer() {
        let (a, b, c) = (key(1), key(2), key(3));
        let o = offer(&a, &b);
        let good = accept(o.clone(), &b);
        Acceptance::from_code(&good.to_code()).unwrap().check(1_000).unwrap();

        let by_stranger = accept(o.clone(), &c);
        assert_eq!(
            by_stranger.check(1_000),
            Err(OfferError::NotSignedByReceiver { to: o.to, signer: crate::wallet::signer::address_of(&c) })
        );
        let mut altered = good.clone();
        altered.offer.sealed_key = Bytes::from_static(&[8; 78]);
        assert!(matches!(altered.check(1_000), Err(OfferError::NotSignedByHolder { .. })));
        assert_eq!(good.check(2_001), Err(OfferError::Expired));
    }

    #[test]
    fn garbage_codes_get_clear_errors() {
        assert!(matches!(Offer::from_code("hello"), Err(OfferError::NotACode("offer", _))));
        assert!(matches!(Offer::from_code("zg-agent-offer:!!!"), Err(OfferError::Damaged("offer", _))));
        let truncated = &offer(&key(1), &key(2)).to_code()[..60];
        assert!(matches!(Offer::from_code(truncated), Err(OfferError::Damaged("offer", _))));
        // An acceptance is not an offer, and the message says which is expected.
        let acceptance = accept(offer(&key(1), &key(2)), &key(2)).to_code();
        assert!(Offer::from_code(&acceptance).unwrap_err().to_string().contains("zg-agent-offer:"));
    }

    /// Re-encodes a code with its JSON edited, as someone with a text editor would.
    fn edit_code(code: &str, prefix: &str, edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut json: serde_json::Value =
            serde_json::from_slice(&b64.decode(code.strip_prefix(prefix).unwrap()).unwrap()).unwrap();
        edit(&mut json);
        format!("{prefix}{}", b64.encode(serde_json::to_vec(&json).unwrap()))
    }

    #[test]
    fn an_acceptance_whose_kind_was_edited_is_refused_by_the_holder() {
        let (a, b) = (key(1), key(2));
        let clone = accept(offer_for(Operation::Clone, &a, &b), &b);
        clone.check(1_000).unwrap();

        // The receiver turns the clone it was offered into a transfer: both signatures
        // still verify (kind is not in the digests), but they are tagged for a clone.
        let edited = edit_code(&clone.to_code(), ACCEPTANCE_PREFIX, |j| j["offer"]["kind"] = "transfer".into());
        let edited = Acceptance::from_code(&edited).unwrap();
        assert_eq!(edited.offer.kind, Operation::Transfer);
        let refused = edited.check(1_000).unwrap_err();
        assert_eq!(refused, OfferError::OperationAltered { says: Operation::Transfer, signed: Operation::Clone });
        assert_eq!(
            refused.to_string(),
            "this code says transfer but its signatures are for a clone; it was altered — ask for a new one"
        );

        // And the other way: a holder's transfer turned into a clone.
        let transfer = accept(offer_for(Operation::Transfer, &a, &b), &b);
        let mut edited = transfer.clone();
        edited.offer.kind = Operation::Clone;
        assert_eq!(
            edited.check(1_000),
            Err(OfferError::OperationAltered { says: Operation::Clone, signed: Operation::Transfer })
        );

        // The receiver signs its access proof for the other operation (kind unchanged):
        // the holder would send a call whose proofs disagree, so it is refused here.
        let mut mixed = transfer.clone();
        let mut as_clone = mixed.offer.terms().unwrap();
        as_clone.operation = Operation::Clone;
        mixed.access_signature = sign_digest(&b, as_clone.access_digest(mixed.access_salt));
        assert_eq!(
            mixed.check(1_000),
            Err(OfferError::OperationAltered { says: Operation::Transfer, signed: Operation::Clone })
        );
    }

    #[test]
    fn the_receiver_refuses_an_offer_whose_kind_was_edited() {
        let (a, b) = (key(1), key(2));
        let o = offer_for(Operation::Clone, &a, &b);
        let me = o.to;
        let edited = edit_code(&o.to_code(), OFFER_PREFIX, |j| j["kind"] = "transfer".into());
        let edited = Offer::from_code(&edited).unwrap();
        assert_eq!(
            edited.check_for(31337, NFT, me, &compressed(&b), 1_000),
            Err(OfferError::OperationAltered { says: Operation::Transfer, signed: Operation::Clone })
        );
        // A receiver key that is no key cannot be the proofs' target.
        let mut keyless = o;
        let not_a_point = [&[2u8][..], &[0xff; 32]].concat(); // x above the field prime
        keyless.receiver_key = not_a_point.clone().into();
        assert!(matches!(keyless.check_for(31337, NFT, me, &not_a_point, 1_000), Err(OfferError::Damaged("offer", _))));
    }

    #[test]
    fn both_sides_are_told_which_operation_will_happen() {
        let (a, b) = (key(1), key(2));
        let t = offer_for(Operation::Transfer, &a, &b);
        assert_eq!(t.holder_summary(), format!("Transfer: token #1 leaves your account to {}", t.to));
        assert!(t.receiver_summary().starts_with(&format!("Transfer: token #1 comes to you from {}", t.from)));
        let c = offer_for(Operation::Clone, &a, &b);
        assert_eq!(
            c.holder_summary(),
            format!("Clone: you keep token #1; {} gets a new token with its own agent key", c.to)
        );
        assert_eq!(
            c.receiver_summary(),
            format!("Clone: {} keeps token #1; you get a new token with its own agent key", c.from)
        );
    }
}
