//! The wallet: keys, their encrypted vault, and signing.
//!
//! Pure modules (`mnemonic`, `keystore`, `signer`, `vault_format`, `accounts`, and the
//! checks around a send: `preview`, `recipient`, `replacement`) have no web dependency
//! and are tested natively. Browser modules (`webcrypto`, `vault_store`, `vault`) are
//! thin wrappers over WebCrypto and IndexedDB, tested with wasm-bindgen-test in headless
//! Chromium (`app/tests/browser.rs`).
//!
//! Invariant: secret material (mnemonic, private keys, the vault key) never leaves this
//! module unencrypted except as a signature or an encrypted export, and is never
//! formatted into an error, a log line or a URL.

pub use zg_core::wallet::accounts;
pub mod kdf_worker;
pub use zg_core::wallet::keystore;
pub use zg_core::wallet::mnemonic;
pub use zg_core::wallet::preview;
pub use zg_core::wallet::recipient;
pub use zg_core::wallet::replacement;
pub use zg_core::wallet::send_form;
pub use zg_core::wallet::signer;
pub mod token_list;
pub mod vault;
pub use zg_core::wallet::vault_format;
pub mod vault_store;
pub mod webcrypto;
