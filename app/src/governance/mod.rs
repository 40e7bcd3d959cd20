//! Governance for token holders: wrapped 0G voting power and delegation, proposals with a
//! deposit, four-option votes (Yes / No / Abstain / NoWithVeto, Cosmos tally rules) and
//! timelocked execution. `contract` is the pure ABI layer (tested natively); `service`
//! reads everything through the light client and sends the transactions.

pub use zg_core::governance::{ballots, contract};
pub mod service;
