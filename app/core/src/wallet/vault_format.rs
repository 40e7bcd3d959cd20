//! The vault's on-disk shape and its plaintext, with no crypto and no browser: what is
//! stored in IndexedDB, and what the decrypted blob holds.
//!
//! The stored [`VaultBlob`] names its KDF and iteration count so that both can be raised
//! later without breaking old vaults. The plaintext [`VaultSecrets`] is only ever held in
//! zeroizing memory and is never logged.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Raise it here: a vault sealed with fewer is
/// sealed again at this count the next time it is unlocked (`vault::unlock`).
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// The range of iteration counts a stored vault may name. Below it a vault was not written by
/// us, or was weakened by whoever could write to this browser's storage; above it deriving
/// the key would freeze the tab for minutes (a stored count is chosen by whoever wrote it).
pub const MIN_ITERATIONS: u32 = 100_000;
pub const MAX_ITERATIONS: u32 = 10_000_000;
pub const SALT_LEN: usize = 16;
pub const IV_LEN: usize = 12;
pub const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultBlob {
    pub version: u32,
    pub kdf: KdfParams,
    pub cipher: CipherParams,
    /// AES-256-GCM output (ciphertext ‖ tag), hex.
    pub ciphertext: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always "PBKDF2-SHA256" for version 1.
    pub name: String,
    pub iterations: u32,
    pub salt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CipherParams {
    /// Always "AES-256-GCM" for version 1.
    pub name: String,
    pub iv: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultFormatError {
    #[error("the stored wallet is damaged or from a newer version of zg-console ({0}); restore it from your recovery phrase")]
    Unreadable(String),
    #[error("the stored wallet asks for {iterations} key-derivation rounds, outside the {MIN_ITERATIONS} to {MAX_ITERATIONS} zg-console uses, so it was not written by zg-console or was tampered with; it was not opened. Restore the wallet from your recovery phrase")]
    IterationsOutOfRange { iterations: u32 },
}

/// Whether a vault may be opened with `iterations` PBKDF2 rounds.
pub fn check_iterations(iterations: u32) -> Result<(), VaultFormatError> {
    if (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
        Ok(())
    } else {
        Err(VaultFormatError::IterationsOutOfRange { iterations })
    }
}

impl VaultBlob {
    pub const VERSION: u32 = 1;

    pub fn new(iterations: u32, salt: &[u8], iv: &[u8], ciphertext: &[u8]) -> Self {
        Self {
            version: Self::VERSION,
            kdf: KdfParams { name: "PBKDF2-SHA256".into(), iterations, salt: hex::encode(salt) },
            cipher: CipherParams { name: "AES-256-GCM".into(), iv: hex::encode(iv) },
            ciphertext: hex::encode(ciphertext),
        }
    }

    pub fn from_json(json: &str) -> Result<Self, VaultFormatError> {
        let blob: Self = serde_json::from_str(json).map_err(|e| VaultFormatError::Unreadable(e.to_string()))?;
        blob.check()?;
        Ok(blob)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a VaultBlob always serialises")
    }

    fn check(&self) -> Result<(), VaultFormatError> {
        let bad = |m: &str| Err(VaultFormatError::Unreadable(m.into()));
        if self.version != Self::VERSION {
            return bad("unknown version");
        }
        if self.kdf.name != "PBKDF2-SHA256" || self.cipher.name != "AES-256-GCM" {
            return bad("unknown algorithm");
        }
        check_iterations(self.kdf.iterations)?;
        if self.salt().map(|s| s.len()) != Some(SALT_LEN) || self.iv().map(|s| s.len()) != Some(IV_LEN) {
            return bad("bad salt or iv");
        }
        if self.ciphertext().is_none() {
            return bad("bad ciphertext");
        }
        Ok(())
    }

    pub fn salt(&self) -> Option<Vec<u8>> {
        hex::decode(&self.kdf.salt).ok()
    }

    pub fn iv(&self) -> Option<Vec<u8>> {
        hex::decode(&self.cipher.iv).ok()
    }

    pub fn ciphertext(&self) -> Option<Vec<u8>> {
        hex::decode(&self.ciphertext).ok()
    }
}

/// Everything the vault protects. Account names and order live here too, so the
/// vault is the single source of truth for the wallet.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct VaultSecrets {
    /// The BIP-39 phrase, if the wallet was created or restored from one.
    pub mnemonic: Option<String>,
    pub accounts: Vec<StoredAccount>,
}

impl std::fmt::Debug for VaultSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VaultSecrets(<{} accounts, redacted>)", self.accounts.len())
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct StoredAccount {
    pub name: String,
    pub source: AccountSource,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AccountSource {
    /// Derived from the vault's mnemonic at m/44'/60'/0'/0/index.
    Hd { index: u32 },
    /// A raw secp256k1 key (hex, no 0x) imported directly or from a key file.
    Imported { key: String },
}

impl VaultSecrets {
    pub fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        zeroize::Zeroizing::new(serde_json::to_vec(self).expect("secrets always serialise"))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, VaultFormatError> {
        // The error must not echo the bytes: they are the secrets.
        serde_json::from_slice(bytes)
            .map_err(|_| VaultFormatError::Unreadable("decrypted content is not a vault".into()))
    }

    /// The next unused HD index.
    pub fn next_hd_index(&self) -> u32 {
        self.accounts
            .iter()
            .filter_map(|a| match a.source {
                AccountSource::Hd { index } => Some(index + 1),
                AccountSource::Imported { .. } => None,
            })
            .max()
            .unwrap_or(0)
    }
}

/// Why a new password was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NewPasswordError {
    #[error("use at least 8 characters")]
    TooShort,
    #[error("the two passwords differ; type the same password in both fields")]
    Differ,
}

/// Checks a new password before anything is encrypted with it.
pub fn check_new_password(password: &str, confirm: &str) -> Result<(), NewPasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(NewPasswordError::TooShort);
    }
    if password != confirm {
        return Err(NewPasswordError::Differ);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob() -> VaultBlob {
        VaultBlob::new(PBKDF2_ITERATIONS, &[1; SALT_LEN], &[2; IV_LEN], &[3; 48])
    }

    #[test]
    fn blob_round_trips_through_json() {
        let b = blob();
        assert_eq!(VaultBlob::from_json(&b.to_json()).unwrap(), b);
        assert!(b.to_json().contains("\"iterations\":600000"));
    }

    #[test]
    fn iteration_counts_outside_the_sane_range_are_refused() {
        for iterations in [0, 1000, MIN_ITERATIONS - 1, MAX_ITERATIONS + 1, 20_000_000, u32::MAX] {
            let mut b = blob();
            b.kdf.iterations = iterations;
            let err = VaultBlob::from_json(&b.to_json()).unwrap_err();
            assert_eq!(err, VaultFormatError::IterationsOutOfRange { iterations });
            assert!(err.to_string().contains("recovery phrase"), "{err}");
        }
        for iterations in [MIN_ITERATIONS, PBKDF2_ITERATIONS, MAX_ITERATIONS] {
            let mut b = blob();
            b.kdf.iterations = iterations;
            assert_eq!(VaultBlob::from_json(&b.to_json()).unwrap().kdf.iterations, iterations);
        }
        assert!(check_iterations(PBKDF2_ITERATIONS).is_ok(), "the current count is in range");
    }

    #[test]
    fn weakened_or_damaged_blobs_are_refused() {
        let mut weak = blob();
        weak.kdf.iterations = 1000;
        assert!(VaultBlob::from_json(&weak.to_json()).is_err());
        let mut odd = blob();
        odd.cipher.iv = "abc".into();
        assert!(VaultBlob::from_json(&odd.to_json()).is_err());
        assert!(VaultBlob::from_json("{}").is_err());
    }

    #[test]
    fn secrets_round_trip_and_never_debug_print() {
        let s = VaultSecrets {
            mnemonic: Some("secret words".into()),
            accounts: vec![
                StoredAccount { name: "Main".into(), source: AccountSource::Hd { index: 0 } },
                StoredAccount { name: "Cold".into(), source: AccountSource::Imported { key: "ab".repeat(32) } },
                StoredAccount { name: "Two".into(), source: AccountSource::Hd { index: 3 } },
            ],
        };
        assert_eq!(VaultSecrets::from_bytes(&s.to_bytes()).unwrap(), s);
        assert!(!format!("{s:?}").contains("secret"));
        assert_eq!(s.next_hd_index(), 4);
        // A damaged plaintext must not be echoed in the error: it would be the secrets.
        let err = VaultSecrets::from_bytes(br#"{"mnemonic": "hunter2 words", "accounts": 7}"#).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn new_password_rules() {
        assert_eq!(check_new_password("short", "short"), Err(NewPasswordError::TooShort));
        assert_eq!(check_new_password("long enough", "long enougH"), Err(NewPasswordError::Differ));
        assert!(check_new_password("long enough", "long enough").is_ok());
    }
}
