//! zg-console, the single-page app.
pub mod wallet;
