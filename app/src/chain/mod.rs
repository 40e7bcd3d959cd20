//! The chain: networks, the JSON-RPC transport, and the client that routes every read
//! through the light client (`wasm-light-client`).

pub mod addresses;
pub mod checkpoint_store;
pub mod client;
pub mod fees;
pub mod networks;
pub mod rpc;
