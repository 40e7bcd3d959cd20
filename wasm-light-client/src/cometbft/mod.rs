//! Verifying 0G's consensus itself: CometBFT light blocks signed with BLS12-381 keys, and
//! the binding from a finalised block to the EVM header it carries. Experimental: built
//! from CometBFT's and beacon-kit's source, not yet checked against a light block served
//! by 0G (ARCHITECTURE.md, "Consensus", says what is inferred).
//!
//! Trust flows: a pinned block (height and hash) → [`light::verify_to`] across validator
//! signatures → a finalised CometBFT header → its transactions (`data_hash`) → the beacon
//! block's execution payload ([`binding`]) → the EVM header by hash, which the rest of the
//! light client then proves state against.

pub mod binding;
pub mod block;
pub mod bls;
pub mod light;
mod merkle;
mod proto;
pub mod rpc;
#[cfg(any(test, feature = "cometbft-signer"))]
pub mod testnet;
#[cfg(test)]
mod tests;
pub mod verifier;

pub use block::{Header, LightBlock, ValidatorSet};
pub use light::{CometError, LightSource, TrustOptions, Trusted};
pub use merkle::Hash;
pub use rpc::CometRpc;
