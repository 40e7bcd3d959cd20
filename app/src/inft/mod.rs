//! Intelligent NFTs (ERC-7857): agents as tokens whose metadata only the holder can read.
//!
//! `envelope` is the cryptography (pure, tested natively with known answers); `metadata`
//! is what an agent's encrypted data holds; `proofs` builds and signs the transfer proofs
//! the NFT's verifier checks.

pub mod envelope;
pub mod metadata;
pub mod proofs;
