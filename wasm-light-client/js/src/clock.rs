//! The host's clock, for [`wasm_light_client::VerifiedProvider::with_clock`]: the light
//! client refuses a head far ahead of it (see `wasm_light_client::provider::MAX_FUTURE_S`).

/// Seconds since the Unix epoch from `Date.now()` (every browser and Node have it), or
/// `None` where it cannot be read. Natively, the system clock.
pub fn now_s() -> Option<u64> {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = js_sys::Date::now();
        (ms.is_finite() && ms > 0.0).then(|| (ms / 1000.0) as u64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        wasm_light_client::clock::system_now_s()
    }
}
