//! Staking with 0G's documented interface (a validator registry found by consensus key,
//! one contract per validator with `delegate` / `undelegate` / shares): `contract` is the
//! pure ABI layer and the share-value maths, `records` what the app remembers between
//! visits (public keys and hashes only), `service` reads validators, positions and
//! undelegations through the light client and sends the calls.

pub use zg_core::staking::contract;
pub mod records;
pub mod service;
