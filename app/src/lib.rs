//! zg-console, the single-page app. See ARCHITECTURE.md for the codemap.
//!
//! Data flow: UI (`ui`) → services (`wallet`, `chain`) → light client
//! (`wasm-light-client`) → JSON-RPC over fetch (`chain::rpc`) → node.

#![forbid(unsafe_code)]

pub mod chain;
pub mod compute;
pub mod dapp_bridge;
pub mod deploy;
pub mod glue;

// The message catalogues of app/locales/, as the `i18n` module (`crate::ui::lang` uses it).
// The macro still works in 0.6 and keeps the build to one crate; its build-script successor
// (`leptos_i18n_build`) would add a code generator to every cold build.
#[allow(deprecated)]
mod i18n_catalogues {
    leptos_i18n::load_locales!();
}
pub use i18n_catalogues::i18n;
pub use zg_core::dapp;
pub use zg_core::format;
pub mod governance;
pub mod inft;
pub mod local_db;
pub mod platform;
pub mod sealed_records;
pub mod staking;
pub mod storage;
pub mod ui;
pub mod verifiers;
pub mod wallet;
#[cfg(target_arch = "wasm32")]
pub mod webgpu;
