//! Deploying the contracts a network lacks from the user's own account, and joining a
//! deployment someone else made from a network link. `shipped`, `plan` and `link` are
//! pure (native tests); `service` talks to the chain through `ChainClient`.

pub use zg_core::deploy::link;
pub use zg_core::deploy::plan;
pub mod service;
pub use zg_core::deploy::shipped;
