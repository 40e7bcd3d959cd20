//! zg-console's verification core.
//!
//! Everything here turns an untrusted answer from a JSON-RPC node into either a value
//! that is proven against a trusted root, or an error that says what failed. The crate
//! has no UI and no web dependency at its core, so it compiles anywhere and is tested
//! natively; `wasm` and `wasm_provider` add the JavaScript API on wasm32 (feature `js`).
//!
//! Trust flows one way: a checkpoint hash → headers linked to it ([`header`]) → their
//! state roots → account and storage values ([`account`]). The [`provider`] ties the
//! steps to a transport.

pub mod account;
pub mod call;
pub mod clock;
pub mod consensus;
pub mod header;
pub mod inclusion;
pub mod jsonrpc;
pub mod logs;
pub mod provider;
pub mod rules;
mod serde_hex;
pub mod storage;

pub mod body;
// The JS API is opt-in (`--features js`, as `cargo xtask build-lc` builds it) so that the
// app, which links this crate as Rust, does not also export it from its own wasm.
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod wasm_provider;

pub use account::{
    verify_account_proof, verify_code, verify_requested_proof, AccountProofResponse, AccountState, ProofError,
    SlotProblem,
};
pub use call::{CallOutcome, CallRequest, Executed};
pub use consensus::{CheckpointOnly, ConsensusVerifier};
pub use header::{verify_ancestors, verify_header_chain, HeaderChain, HeaderError, VerifiedHash, VerifiedHeader};
pub use inclusion::{prove_receipt, InclusionError, ProvenReceipt};
pub use logs::{LogFilter, ProvenLog};
pub use provider::{JsonRpcTransport, Reorg, SyncError, TransportError, Verified, VerifiedProvider};
pub use rules::{BaseFeeRule, ChainRules};
