//! The browser's clock and randomness, for the services that take them
//! ([`zg_core::env`]): the services' rules never read `Date` or `crypto` themselves, so
//! they run natively under a test's clock.

use zg_core::env::{Clock, Entropy};

/// `Date.now()` and timers.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn sleep(&self, ms: u32) {
        gloo::timers::future::TimeoutFuture::new(ms).await
    }
}

/// `crypto.getRandomValues`, through getrandom's `js` source.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserEntropy;

impl Entropy for BrowserEntropy {
    fn fill(&self, out: &mut [u8]) {
        getrandom::getrandom(out).expect("the browser always provides crypto.getRandomValues");
    }
}
