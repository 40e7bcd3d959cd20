//! Intelligent NFTs (ERC-7857): agents as tokens whose metadata only the holder can read.
//!
//! Pure, tested natively: `envelope` (the cryptography, with known answers), `metadata`
//! (what an agent's encrypted data holds), `proofs` (0G's transfer-proof digests and
//! signatures, and the handover terms — transfer or clone first — both nonces carry),
//! `contract` (the agent NFT's calldata in 0G's ERC-7857 reference ABI, events and reverts), `offer` (the codes a holder and a receiver pass
//! each other) and `provenance` (who created an agent and how it reached its holder, from
//! proven logs, and whether it is foreign). Browser-side: `service`, which drives
//! storage, the light client and the wallet for the Agents pages.

pub use zg_core::inft::contract;
pub use zg_core::inft::envelope;
pub use zg_core::inft::handover;
pub use zg_core::inft::metadata;
pub use zg_core::inft::offer;
pub use zg_core::inft::proofs;
pub use zg_core::inft::provenance;
pub mod service;
