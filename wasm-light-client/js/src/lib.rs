//! The light client's web side, apart from its verification core (`wasm-light-client`,
//! which has no wasm-bindgen, js-sys or web-sys and is tested natively).
//!
//! - [`body`]: a `fetch` response's body read with a size cap, for every transport that
//!   runs in a browser or Node (the app's and the JS API's).
//! - [`clock`]: the host's clock (`Date.now()`), which the core takes as a parameter.
//! - With feature `exports`, on wasm32: the JavaScript API `cargo xtask build-lc` packages
//!   (`verifyHeaderChain`, `verifyAccountProof`, `zgStorageRoot`, `zgSubmissionNodes`,
//!   `createVerifiedProvider`).

pub mod body;
pub mod clock;

#[cfg(all(target_arch = "wasm32", feature = "exports"))]
mod wasm;
#[cfg(all(target_arch = "wasm32", feature = "exports"))]
mod wasm_provider;
