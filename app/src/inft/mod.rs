//! Intelligent NFTs (ERC-7857): agents as tokens whose metadata only the holder can read.
//!
//! `envelope` is the cryptography (pure, tested natively with known answers).

pub mod envelope;
