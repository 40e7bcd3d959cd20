//! What a service reads from the world besides the network: the time and randomness.
//! Passed in rather than read inside (`js_sys::Date`, `getrandom`), so the services'
//! rules run natively under a clock a test moves and randomness a test chooses. The
//! browser's implementations are in the app (`zg_console::platform`).

/// Wall-clock time and waiting.
#[allow(async_fn_in_trait)] // browser futures are not Send; callers never need them to be.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// Resolves once `ms` milliseconds have passed.
    async fn sleep(&self, ms: u32);

    fn now_s(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// Unpredictable bytes (audits, nonces, keys): a CSPRNG in every real implementation.
pub trait Entropy {
    fn fill(&self, out: &mut [u8]);

    /// A uniform value below `n` (0 when `n` is 0). Modulo bias is below 2^-40 for any
    /// `n` under 2^24, which covers every count this is used for (segments of a file).
    fn below(&self, n: u64) -> u64 {
        let mut bytes = [0u8; 8];
        self.fill(&mut bytes);
        u64::from_le_bytes(bytes) % n.max(1)
    }
}

impl<T: Clock + ?Sized> Clock for &T {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }

    async fn sleep(&self, ms: u32) {
        (**self).sleep(ms).await
    }
}

impl<T: Entropy + ?Sized> Entropy for &T {
    fn fill(&self, out: &mut [u8]) {
        (**self).fill(out)
    }
}
