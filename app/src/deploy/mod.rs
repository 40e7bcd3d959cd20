//! Deploying the contracts a network lacks from the user's own account, and joining a
//! deployment someone else made from a network link. `shipped`, `plan` and `link` are
//! pure (native tests); `service` talks to the chain through `ChainClient`.

pub mod link;
pub mod plan;
pub mod service;
pub mod shipped;
