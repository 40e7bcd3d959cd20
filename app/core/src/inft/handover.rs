//! Handing an agent over (ERC-7857 `iTransfer` or `iClone`) between two people who pass a
//! code back and forth: the holder's offer, the receiver's inspection and acceptance, the
//! holder's review, and the call that completes it. Each side checks the chain before it
//! signs anything: the token is still held by whom the offer says, with the data the offer
//! was made for.
//!
//! Written over [`AgentWorld`] (the proven chain reads and 0G Storage) and the clock and
//! randomness passed in, so the protocol runs natively against a world a test moves; the
//! app's `AgentService` is the browser's world (the light client and `StorageService`).

use alloy_primitives::{Address, Bytes, B256, U256};
use k256::ecdsa::SigningKey;
use k256::SecretKey;

use super::contract;
use super::envelope;
use super::metadata::{AgentMetadata, MetadataError};
use super::offer::{Acceptance, Offer, OfferError};
use super::proofs::{sign_digest, Operation};
use crate::env::{Clock, Entropy};
use crate::wallet::signer::address_of;

/// How long an offer stays valid: long enough to pass a code between people.
pub const OFFER_LIFETIME_S: u64 = 24 * 3600;

/// One step of a long operation, for the progress view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Encrypting,
    Hashing,
    Paying,
    Uploading { done: u64, total: u64 },
    Signing,
    Confirming,
}

impl Step {
    pub fn label(&self) -> String {
        match self {
            Step::Encrypting => "Encrypting the agent's data in this browser…".into(),
            Step::Hashing => "Computing its 0G Storage root…".into(),
            Step::Paying => "Paying for storage and announcing the data…".into(),
            Step::Uploading { done, total } => format!("Uploading to the storage nodes ({done}/{total} segments)…"),
            Step::Signing => "Signing and sending the transaction…".into(),
            Step::Confirming => "Waiting for the transaction and proving its receipt…".into(),
        }
    }
}

/// Why a handover step refused to go on, before anything was signed or sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandoverRefusal {
    #[error("that is not a public key; ask the receiver for the key on their Agents page (0x02… or 0x03…, 33 bytes)")]
    NotAKey,
    #[error("agent #{token} is held by {owner}, not by {you}")]
    NotHolder { token: U256, owner: Address, you: Address },
    #[error("there is no agent #{0}")]
    NoSuchAgent(U256),
    #[error("agent #{token} now holds other data than the offer was made for; ask for a new offer")]
    StaleOffer { token: U256 },
}

/// What a handover reads and writes outside this browser: the agent NFT's state, proven,
/// and 0G Storage. Its errors are the caller's own, so they keep their type to the UI.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait AgentWorld {
    type Error: From<HandoverRefusal> + From<OfferError> + From<MetadataError>;

    /// The token's holder at the verified tip; `None` when there is no such token.
    async fn holder(&self, token: U256) -> Result<Option<Address>, Self::Error>;

    /// The token's one data hash at the verified tip.
    async fn data_hash(&self, token: U256) -> Result<B256, Self::Error>;

    /// Stores `bytes` (paid from `key`'s account) and returns its root and size once fully
    /// stored.
    async fn store(
        &self,
        key: &SigningKey,
        bytes: &[u8],
        label: &str,
        step: &dyn Fn(Step),
    ) -> Result<(B256, u64), Self::Error>;

    /// The bytes stored under `root`, checked against it.
    async fn fetch(&self, root: B256) -> Result<Vec<u8>, Self::Error>;
}

/// The agent NFT on one chain, with the world, clock and randomness a handover uses.
pub struct Handover<'a, W, C, R> {
    pub world: &'a W,
    pub clock: &'a C,
    pub entropy: &'a R,
    pub chain_id: u64,
    pub nft: Address,
}

/// The agent as its holder opened it.
pub struct HeldAgent<'a> {
    pub token: U256,
    pub data_hash: B256,
    pub metadata: &'a AgentMetadata,
}

impl<W: AgentWorld, C: Clock, R: Entropy> Handover<'_, W, C, R> {
    /// Makes an offer of `agent` to the holder of `receiver_key`: the agent is re-encrypted
    /// for the receiver under a fresh key (a clone also gets a fresh agent key, so the two
    /// agents' funds stay apart), stored, and the ownership proof signed.
    pub async fn offer(
        &self,
        key: &SigningKey,
        agent: HeldAgent<'_>,
        kind: Operation,
        receiver_key: &[u8],
        step: &dyn Fn(Step),
    ) -> Result<Offer, W::Error> {
        let receiver = envelope::parse_public_key(receiver_key).map_err(|_| HandoverRefusal::NotAKey)?;
        let me = address_of(key);
        self.require_holder(agent.token, me).await?;
        self.require_data(agent.token, agent.data_hash).await?;
        let mut metadata = agent.metadata.clone();
        if kind == Operation::Clone {
            metadata = metadata.with_new_agent_key();
        }
        step(Step::Encrypting);
        let sealed = metadata.seal(&receiver);
        let (root, size) = self.world.store(key, &sealed.ciphertext, &metadata.name, step).await?;
        let mut offer = Offer {
            kind,
            chain_id: self.chain_id,
            nft: self.nft,
            token_id: agent.token,
            from: me,
            to: Address::from_public_key(&k256::ecdsa::VerifyingKey::from(&receiver)),
            receiver_key: Bytes::copy_from_slice(&receiver.to_sec1_bytes()),
            old_data_hash: agent.data_hash,
            new_data_hash: root,
            new_size: size,
            sealed_key: sealed.sealed_key.into(),
            owner_salt: salt(self.entropy),
            deadline: self.clock.now_s() + OFFER_LIFETIME_S,
            owner_signature: Bytes::new(),
        };
        // The operation is the signed nonce's first word: the holder's signature is for
        // this kind only, and the contract refuses it for the other call.
        offer.owner_signature = sign_digest(key, offer.terms()?.ownership_digest(offer.owner_salt));
        Ok(offer)
    }

    /// The receiver's checks of an offer: addressed to `key`'s account, signed by the
    /// holder, who still holds the token with the data it was made for; the new data is
    /// fetched (checked against its hash) and opened. Returns what the receiver gets.
    pub async fn inspect(&self, key: &SigningKey, offer: &Offer) -> Result<AgentMetadata, W::Error> {
        let me = address_of(key);
        let public = envelope::compressed_public_key(key);
        offer.check_for(self.chain_id, self.nft, me, &public, self.clock.now_s())?;
        self.require_holder(offer.token_id, offer.from).await?;
        self.require_data(offer.token_id, offer.old_data_hash).await?;
        let ciphertext = self.world.fetch(offer.new_data_hash).await?;
        Ok(AgentMetadata::open(&ciphertext, &offer.sealed_key, &SecretKey::from(key.as_nonzero_scalar()))?)
    }

    /// The holder's review of an acceptance, before anything is signed: both signatures
    /// check out for the operation the code states, the offer is this account's, and it
    /// still holds the token with the data the offer was made for.
    pub async fn review(&self, key: &SigningKey, acceptance: &Acceptance) -> Result<(), W::Error> {
        acceptance.check(self.clock.now_s())?;
        let offer = &acceptance.offer;
        let me = address_of(key);
        self.require_holder(offer.token_id, me).await?;
        if offer.from != me {
            return Err(OfferError::NotSignedByHolder { from: offer.from }.into());
        }
        self.require_data(offer.token_id, offer.old_data_hash).await?;
        Ok(())
    }

    /// The review again (the chain may have moved on since), then the agent NFT call that
    /// completes the handover both sides signed.
    pub async fn completion(&self, key: &SigningKey, acceptance: &Acceptance) -> Result<Bytes, W::Error> {
        self.review(key, acceptance).await?;
        let offer = &acceptance.offer;
        // The call follows the operation both signed (`review` checked it is `kind`).
        let terms = offer.terms()?;
        let proof = contract::validity_proof(
            &terms,
            offer.owner_salt,
            offer.owner_signature.clone(),
            acceptance.access_salt,
            acceptance.access_signature.clone(),
        );
        Ok(contract::handover_call(&terms, proof))
    }

    async fn require_holder(&self, token: U256, who: Address) -> Result<(), W::Error> {
        match self.world.holder(token).await? {
            Some(owner) if owner == who => Ok(()),
            Some(owner) => Err(HandoverRefusal::NotHolder { token, owner, you: who }.into()),
            None => Err(HandoverRefusal::NoSuchAgent(token).into()),
        }
    }

    async fn require_data(&self, token: U256, expected: B256) -> Result<(), W::Error> {
        if self.world.data_hash(token).await? != expected {
            return Err(HandoverRefusal::StaleOffer { token }.into());
        }
        Ok(())
    }
}

/// After [`Handover::inspect`]: the receiver's signed access proof, for the operation the
/// offer states (which `inspect` checked is the one the holder signed), under a fresh salt.
pub fn accept(key: &SigningKey, offer: Offer, entropy: &impl Entropy) -> Result<Acceptance, OfferError> {
    let access_salt = salt(entropy);
    let access_signature = sign_digest(key, offer.terms()?.access_digest(access_salt));
    Ok(Acceptance { offer, access_salt, access_signature })
}

/// A proof nonce's salt: what makes it single-use (the rest is the handover's terms).
fn salt(entropy: &impl Entropy) -> B256 {
    let mut salt = [0u8; 32];
    entropy.fill(&mut salt);
    B256::from(salt)
}

#[cfg(test)]
#[path = "handover_tests.rs"]
mod tests;
