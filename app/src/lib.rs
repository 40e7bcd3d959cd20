//! zg-console, the single-page app. See ARCHITECTURE.md for the codemap.
//!
//! Data flow: UI (`ui`) → services (`wallet`, `chain`) → light client
//! (`wasm-light-client`) → JSON-RPC over fetch (`chain::rpc`) → node.

#![forbid(unsafe_code)]

pub mod chain;
pub mod compute;
pub mod deploy;
pub mod glue;
pub use zg_core::format;
pub mod governance;
pub mod inft;
pub mod local_db;
pub mod platform;
pub mod staking;
pub mod storage;
pub mod ui;
pub mod verifiers;
pub mod wallet;
#[cfg(target_arch = "wasm32")]
pub mod webgpu;
