//! What the devnet's services share. Each binary (`zg-devnet`, `zg-storage-node`,
//! `zg-indexer`, `zg-compute-provider`, `zg-tamper`) owns its own protocol; this library
//! owns what would otherwise be written five times.

pub mod cli;
pub mod jsonrpc;
pub mod serve;
