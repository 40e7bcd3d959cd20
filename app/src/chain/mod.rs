//! The chain: networks, the JSON-RPC transport, and the client that routes every read
//! through the light client (`wasm-light-client`).

pub use zg_core::chain::activity;
pub use zg_core::chain::addresses;
pub use zg_core::chain::block_clock;
pub mod checkpoint_store;
pub mod client;
pub use zg_core::chain::fees;
pub use zg_core::chain::networks;
pub mod rpc;
