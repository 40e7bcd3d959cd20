//! The wallet: keys, their encrypted vault, and signing.
//!
//! Pure modules (`mnemonic`, `keystore`, `signer`, `vault_format`) have no web
//! dependency and are tested natively. Browser modules (`webcrypto`, `vault_store`) are
//! thin wrappers over WebCrypto and IndexedDB, tested with wasm-bindgen-test.
//!
//! Invariant: secret material (mnemonic, private keys, the vault key) never leaves this
//! module unencrypted except as a signature or an encrypted export, and is never
//! formatted into an error, a log line or a URL.

pub mod keystore;
pub mod mnemonic;
pub mod signer;
