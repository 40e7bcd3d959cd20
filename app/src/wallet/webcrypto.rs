//! The vault's key derivation and encryption through the browser's WebCrypto.
//!
//! WebCrypto runs PBKDF2 natively (600,000 iterations in well under a second) and keeps
//! the derived AES key as a non-extractable `CryptoKey`: not even this code can read it
//! back. Failures are reported as [`CryptoError`] without any input in the message.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AesGcmParams, AesKeyGenParams, CryptoKey, Pbkdf2Params, SubtleCrypto};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("this browser has no WebCrypto (it needs a secure context: https or localhost)")]
    Unavailable,
    #[error("the password does not unlock this wallet")]
    WrongPassword,
    #[error("the browser's crypto failed: {0}")]
    Failed(String),
}

fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let global = js_sys::global();
    let crypto = Reflect::get(&global, &"crypto".into()).map_err(|_| CryptoError::Unavailable)?;
    let crypto: web_sys::Crypto = crypto.dyn_into().map_err(|_| CryptoError::Unavailable)?;
    Ok(crypto.subtle())
}

fn failed(step: &str) -> impl Fn(JsValue) -> CryptoError + '_ {
    move |e| {
        // Only the DOMException's name: messages could in principle quote inputs.
        let name = Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        CryptoError::Failed(format!("{step}: {name}"))
    }
}

/// Fresh random bytes from the browser's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::getrandom(&mut out).expect("the browser always provides crypto.getRandomValues");
    out
}

/// PBKDF2-SHA256(password, salt, iterations) → a non-extractable AES-256-GCM key.
pub async fn derive_vault_key(password: &str, salt: &[u8], iterations: u32) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let password_bytes = Uint8Array::from(password.as_bytes());
    let base = JsFuture::from(
        subtle
            .import_key_with_str("raw", &password_bytes, "PBKDF2", false, &Array::of1(&"deriveKey".into()))
            .map_err(failed("importKey"))?,
    )
    .await
    .map_err(failed("importKey"))?;
    // The copy in JS memory is overwritten rather than left for the GC.
    password_bytes.fill(0, 0, password_bytes.length());
    let params = Pbkdf2Params::new_with_str("PBKDF2", "SHA-256", iterations, &Uint8Array::from(salt));
    let aes = AesKeyGenParams::new("AES-GCM", 256);
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let key = JsFuture::from(
        subtle
            .derive_key_with_object_and_object(&params, &base.unchecked_into(), &aes, false, &usages)
            .map_err(failed("deriveKey"))?,
    )
    .await
    .map_err(failed("deriveKey"))?;
    Ok(key.unchecked_into())
}

pub async fn encrypt(key: &CryptoKey, iv: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let params = AesGcmParams::new("AES-GCM", &Uint8Array::from(iv));
    let out =
        JsFuture::from(subtle()?.encrypt_with_object_and_u8_array(&params, key, plaintext).map_err(failed("encrypt"))?)
            .await
            .map_err(failed("encrypt"))?;
    Ok(Uint8Array::new(&out).to_vec())
}

/// Fails with [`CryptoError::WrongPassword`] when the GCM tag does not verify, which is
/// what a wrong password (a wrong key) looks like.
pub async fn decrypt(
    key: &CryptoKey,
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError> {
    let params = AesGcmParams::new("AES-GCM", &Uint8Array::from(iv));
    let promise = subtle()?.decrypt_with_object_and_u8_array(&params, key, ciphertext).map_err(failed("decrypt"))?;
    let out = JsFuture::from(promise).await.map_err(|e| {
        let name = Reflect::get(&e, &"name".into()).ok().and_then(|n| n.as_string());
        if name.as_deref() == Some("OperationError") {
            CryptoError::WrongPassword
        } else {
            failed("decrypt")(e)
        }
    })?;
    let array = Uint8Array::new(&out);
    let bytes = zeroize::Zeroizing::new(array.to_vec());
    array.fill(0, 0, array.length());
    Ok(bytes)
}
