//! The time, the one thing the light client takes from outside the chain: a head far
//! ahead of it is refused (see `provider::MAX_FUTURE_S`). Passed in as a [`Clock`]
//! (`VerifiedProvider::with_clock`), so the core reads no host API and tests can fix it.

/// Seconds since the Unix epoch, or `None` where there is no clock to read.
pub type Clock = fn() -> Option<u64>;

/// The operating system's clock. On wasm32 there is none without a host (std's clock
/// panics there), so it answers `None`: a browser or Node passes its own
/// (`wasm-light-client-js`'s `clock::now_s`).
pub fn system_now_s() -> Option<u64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs())
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}
