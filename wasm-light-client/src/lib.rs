//! zg-console's verification core.
//!
//! Everything here turns an untrusted answer from a JSON-RPC node into either a value
//! that is proven against a trusted root, or an error that says what failed. The crate
//! has no UI and no web dependency at its core, so it compiles anywhere and is tested
//! natively; `wasm` adds the JavaScript bindings on wasm32.
//!
//! Trust flows one way: a checkpoint hash → headers linked to it ([`header`]) → their
//! state roots → account and storage values ([`account`]). The [`provider`] ties the
//! steps to a transport.

pub mod account;
pub mod consensus;
pub mod header;
pub mod inclusion;
pub mod jsonrpc;
pub mod provider;
pub mod rules;
mod serde_hex;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use account::{verify_account_proof, verify_code, AccountProofResponse, AccountState, ProofError};
pub use consensus::{CheckpointOnly, ConsensusVerifier};
pub use header::{verify_header_chain, HeaderChain, HeaderError, VerifiedHeader};
pub use inclusion::{prove_receipt, InclusionError, ProvenReceipt};
pub use provider::{JsonRpcTransport, SyncError, TransportError, Verified, VerifiedProvider};
pub use rules::{BaseFeeRule, ChainRules};
