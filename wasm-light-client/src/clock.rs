//! This computer's clock, the one thing the light client takes from outside the chain:
//! a head far ahead of it is refused (see `provider::MAX_FUTURE_S`).

/// Seconds since the Unix epoch, or `None` where there is no clock to read.
pub fn now_s() -> Option<u64> {
    #[cfg(target_arch = "wasm32")]
    {
        // Date.now() exists in every browser and in Node.
        let ms = js_sys::Date::now();
        (ms.is_finite() && ms > 0.0).then(|| (ms / 1000.0) as u64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs())
    }
}
