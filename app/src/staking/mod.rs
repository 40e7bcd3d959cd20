//! Staking with 0G's interface (a validator registry, one contract per validator with
//! `delegate` / `undelegate` / shares): `contract` is the pure ABI layer, `service` reads
//! validators and the account's positions through the light client and sends the calls.

pub mod contract;
pub mod service;
