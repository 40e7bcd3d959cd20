//! The 0G Storage client: announce a file on the Flow contract, upload its segments to
//! the nodes that keep them, download with every segment checked against the root, and
//! audit that the data is still there.
//!
//! Pure rules (`flow`, `wire`, `plan`, `discovery`, `segment`, `whole_file`) and the
//! transfer rules over traits (`transfer`) have no web dependency;
//! `node`, `gateway`, `records` and `service` run in the browser.

pub use zg_core::storage::discovery;
pub use zg_core::storage::flow;
pub mod hashing;
pub use zg_core::storage::plan;
pub use zg_core::storage::segment;
pub use zg_core::storage::transfer;
pub use zg_core::storage::whole_file;
pub use zg_core::storage::wire;

pub mod gateway;
pub mod node;
pub mod records;
pub mod service;
pub mod source;
