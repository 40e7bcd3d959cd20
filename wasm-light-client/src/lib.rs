//! zg-console's verification core.
//!
//! Everything here turns an untrusted answer from a JSON-RPC node into either a value
//! that is proven against a trusted root, or an error that says what failed. The crate
//! has no UI and no web dependency (no wasm-bindgen, js-sys or web-sys), so it is tested
//! natively; the time comes in as a [`clock::Clock`]. Its web side,
//! the fetch body reader, the browser's clock and the JavaScript API, is the
//! `wasm-light-client-js` crate (`js/`).
//!
//! Trust flows one way: a checkpoint hash → headers linked to it ([`header`]) → their
//! state roots → account and storage values ([`account`]). The [`provider`] ties the
//! steps to a node, read through the typed methods of [`node::EthNode`].

pub mod account;
pub mod agreement;
pub mod call;
pub mod clock;
pub mod cometbft;
pub mod consensus;
pub mod header;
pub mod inclusion;
pub mod jsonrpc;
pub mod logs;
#[cfg(any(test, feature = "memory"))]
pub mod memory;
pub mod node;
pub mod provider;
#[cfg(test)]
mod provider_tests;
pub mod rules;
mod serde_hex;
pub mod storage;

pub use account::{
    verify_account_proof, verify_code, verify_requested_proof, AccountProofResponse, AccountState, ProofError,
    SlotProblem,
};
pub use call::{CallOutcome, CallRequest, Evm, Executed, Revm};
pub use consensus::{CheckpointOnly, ConsensusVerifier};
pub use header::{verify_ancestors, verify_header_chain, HeaderChain, HeaderError, VerifiedHash, VerifiedHeader};
pub use inclusion::{prove_block, prove_receipt, InclusionError, ProvenBlock, ProvenReceipt};
pub use logs::{LogFilter, ProvenLog};
pub use node::{EthNode, NodeError};
pub use provider::{JsonRpcTransport, Reorg, SyncError, TransportError, TrustBasis, Verified, VerifiedProvider};
pub use rules::{BaseFeeRule, ChainRules, GasLimitFloor};
