//! The vault: [`VaultSecrets`] encrypted under a password-derived key and kept in
//! IndexedDB. An [`UnlockedVault`] is the only place secrets live while the wallet is
//! open; dropping it (lock, auto-lock, closing the tab) zeroizes them.
//!
//! Invariant: disk and memory change together or not at all. Every change is applied
//! to a copy, encrypted and written first, and only then becomes the in-memory state.

use std::rc::Rc;

use web_sys::CryptoKey;

use super::vault_format::{
    check_iterations, VaultBlob, VaultFormatError, VaultSecrets, IV_LEN, PBKDF2_ITERATIONS, SALT_LEN,
};
use super::vault_store::{self, StoreError};
use super::webcrypto::{self, CryptoError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("there is no wallet in this browser yet; create or restore one")]
    NoVault,
    #[error("wrong password: the wallet is unchanged. Try again, or restore from your recovery phrase")]
    WrongPassword,
    /// A password asked again before a secret leaves the vault (key export) was not the
    /// vault's. Nothing left the vault and the wallet stays unlocked.
    #[error(
        "that is not this wallet's password, so nothing was exported; type the password you unlock the wallet with"
    )]
    NotConfirmed,
    #[error(transparent)]
    Damaged(#[from] VaultFormatError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(CryptoError),
}

impl From<CryptoError> for VaultError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::WrongPassword => VaultError::WrongPassword,
            other => VaultError::Crypto(other),
        }
    }
}

pub struct UnlockedVault {
    sealer: Sealer,
    secrets: VaultSecrets,
}

/// What it takes to write new secrets under the vault's existing key: cheap to clone
/// (the key is a handle to a non-extractable WebCrypto key), so a change can be sealed
/// without holding the vault itself across an `await`.
#[derive(Clone)]
pub struct Sealer {
    key: CryptoKey,
    salt: [u8; SALT_LEN],
    iterations: u32,
    check: Rc<KeyCheck>,
}

/// An empty message sealed under the vault key. A candidate password is the vault's exactly
/// when the key it derives opens this (AES-GCM's tag fails under any other key), so a
/// password can be confirmed without keeping it and without the key ever being readable.
struct KeyCheck {
    iv: [u8; IV_LEN],
    tag: Vec<u8>,
}

impl std::fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnlockedVault(<redacted>)")
    }
}

/// Whether this browser holds a vault (without decrypting it).
pub async fn exists() -> Result<bool, VaultError> {
    Ok(vault_store::load().await?.is_some())
}

/// Encrypts `secrets` under `password` and stores them, replacing any vault.
pub async fn create(secrets: VaultSecrets, password: &str) -> Result<UnlockedVault, VaultError> {
    create_with_iterations(secrets, password, PBKDF2_ITERATIONS).await
}

/// As [`create`], with an explicit iteration count (tests of older vaults). A count outside
/// the range [`unlock`] accepts is refused, so no vault is written that could not be opened.
pub async fn create_with_iterations(
    secrets: VaultSecrets,
    password: &str,
    iterations: u32,
) -> Result<UnlockedVault, VaultError> {
    check_iterations(iterations)?;
    let salt = webcrypto::random_bytes::<SALT_LEN>();
    let key = webcrypto::derive_vault_key(password, &salt, iterations).await?;
    let sealer = Sealer::new(key, salt, iterations).await?;
    sealer.seal(&secrets).await?;
    Ok(UnlockedVault { sealer, secrets })
}

/// Decrypts the stored vault. A wrong password changes nothing on disk. A vault whose
/// iteration count is out of range is refused before any key is derived (`VaultBlob::from_json`).
///
/// A vault sealed with fewer than [`PBKDF2_ITERATIONS`] is sealed again at that count under a
/// fresh salt while the password is at hand: the new blob is written first and the new key
/// adopted only once the write committed. If the write fails, the vault opens as it is and
/// the next unlock tries again.
pub async fn unlock(password: &str) -> Result<UnlockedVault, VaultError> {
    let json = vault_store::load().await?.ok_or(VaultError::NoVault)?;
    let blob = VaultBlob::from_json(&json)?;
    let salt: [u8; SALT_LEN] = blob.salt().and_then(|s| s.try_into().ok()).expect("checked by from_json");
    let iv = blob.iv().expect("checked by from_json");
    let ciphertext = blob.ciphertext().expect("checked by from_json");
    let key = webcrypto::derive_vault_key(password, &salt, blob.kdf.iterations).await?;
    let plaintext = webcrypto::decrypt(&key, &iv, &ciphertext).await?;
    let secrets = VaultSecrets::from_bytes(&plaintext)?;
    let sealer = Sealer::new(key, salt, blob.kdf.iterations).await?;
    let sealer = if blob.kdf.iterations < PBKDF2_ITERATIONS {
        rekey(&secrets, password).await.unwrap_or(sealer)
    } else {
        sealer
    };
    Ok(UnlockedVault { sealer, secrets })
}

/// A new key at the current iteration count, with `secrets` stored under it; the caller
/// adopts the returned sealer only on success, when disk already holds the new blob.
async fn rekey(secrets: &VaultSecrets, password: &str) -> Result<Sealer, VaultError> {
    let salt = webcrypto::random_bytes::<SALT_LEN>();
    let key = webcrypto::derive_vault_key(password, &salt, PBKDF2_ITERATIONS).await?;
    let sealer = Sealer::new(key, salt, PBKDF2_ITERATIONS).await?;
    sealer.seal(secrets).await?;
    Ok(sealer)
}

impl UnlockedVault {
    pub fn secrets(&self) -> &VaultSecrets {
        &self.secrets
    }

    pub fn iterations(&self) -> u32 {
        self.sealer.iterations
    }

    pub fn sealer(&self) -> Sealer {
        self.sealer.clone()
    }

    /// Takes secrets that were already sealed with [`Sealer::seal`] as the new state.
    pub fn adopt(&mut self, sealed: VaultSecrets) {
        self.secrets = sealed;
    }

    /// Applies `change` to a copy of the secrets, stores the result, then adopts it.
    /// On any error both the stored vault and this one are as they were.
    pub async fn update<R>(&mut self, change: impl FnOnce(&mut VaultSecrets) -> R) -> Result<R, VaultError> {
        let mut next = self.secrets.clone();
        let out = change(&mut next);
        self.sealer.seal(&next).await?;
        self.secrets = next;
        Ok(out)
    }
}

impl Sealer {
    async fn new(key: CryptoKey, salt: [u8; SALT_LEN], iterations: u32) -> Result<Sealer, VaultError> {
        let iv = webcrypto::random_bytes::<IV_LEN>();
        let tag = webcrypto::encrypt(&key, &iv, &[]).await?;
        Ok(Sealer { key, salt, iterations, check: Rc::new(KeyCheck { iv, tag }) })
    }

    /// Confirms that `password` is this vault's, as the gate before any secret leaves the
    /// vault: the key is derived again (same salt and count) and must open the key check.
    /// Nothing is stored; a wrong password is [`VaultError::NotConfirmed`] and changes nothing.
    pub async fn confirm_password(&self, password: &str) -> Result<(), VaultError> {
        let candidate = webcrypto::derive_vault_key(password, &self.salt, self.iterations).await?;
        match webcrypto::decrypt(&candidate, &self.check.iv, &self.check.tag).await {
            Ok(_) => Ok(()),
            Err(CryptoError::WrongPassword) => Err(VaultError::NotConfirmed),
            Err(other) => Err(VaultError::Crypto(other)),
        }
    }

    /// Encrypts a record kept beside the vault under the vault's key, so that nobody
    /// without the password can write one that [`Self::open_record`] accepts. `purpose`
    /// goes in front of the plaintext: a record made for one purpose never opens as another.
    pub async fn seal_record(&self, purpose: &str, plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
        let iv = webcrypto::random_bytes::<IV_LEN>();
        let mut framed = format!("{purpose}\n").into_bytes();
        framed.extend_from_slice(plaintext);
        let mut out = iv.to_vec();
        out.extend(webcrypto::encrypt(&self.key, &iv, &framed).await?);
        Ok(out)
    }

    /// The plaintext of a [`Self::seal_record`] record made for `purpose`; `None` for
    /// anything else (another key, another purpose, altered bytes).
    pub async fn open_record(&self, purpose: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        let (iv, ciphertext) = (sealed.get(..IV_LEN)?, sealed.get(IV_LEN..)?);
        let framed = webcrypto::decrypt(&self.key, iv, ciphertext).await.ok()?;
        framed.strip_prefix(format!("{purpose}\n").as_bytes()).map(<[u8]>::to_vec)
    }

    /// Encrypts `secrets` and replaces the stored vault with them.
    pub async fn seal(&self, secrets: &VaultSecrets) -> Result<(), VaultError> {
        // A fresh IV for every encryption under the same key: GCM's one hard rule.
        let iv = webcrypto::random_bytes::<IV_LEN>();
        let ciphertext = webcrypto::encrypt(&self.key, &iv, &secrets.to_bytes()).await?;
        vault_store::save(&VaultBlob::new(self.iterations, &self.salt, &iv, &ciphertext)).await?;
        Ok(())
    }
}
