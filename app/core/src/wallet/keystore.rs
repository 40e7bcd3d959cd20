//! Web3 Secret Storage v3 key files ("keystore JSON", as geth, MetaMask, ethers and web3.py write
//! them): import a private key from one, export a key into one.
//!
//! Must never: put the password, the derived key or the private key into an error or a log;
//! decrypt before the MAC has been checked; or run a key derivation whose cost a file chose
//! without a ceiling (a hostile file must not be able to hang or exhaust the tab).

use aes::Aes128;
use alloy_primitives::keccak256;
use ctr::cipher::{KeyIvInit, StreamCipher};
use k256::ecdsa::SigningKey;
use serde_json::{json, Map, Value};
use sha2::Sha256;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::wallet::signer::address_of;

type Aes128Ctr = ctr::Ctr128BE<Aes128>;

/// Largest scrypt `n` accepted: 2^20, four times what geth writes.
pub const MAX_SCRYPT_N: u64 = 1 << 20;
/// Largest scrypt `p` accepted. Files in the wild use 1 (geth, ethers), 6 (geth's light
/// setting) or 8 (web3.py); `p` also sizes scrypt's 128·r·p-byte input buffer on its own.
pub const MAX_SCRYPT_P: u64 = 16;
/// scrypt's memory bound, 128·n·r·p bytes (each of the p lanes needs 128·n·r, and an
/// implementation may run them side by side), capped at 512 MiB: twice geth's and web3.py's
/// standard 256 MiB. The same product bounds the work, which grows with n·r·p. Bounding only
/// 128·n·r, as before, let a file ask for p = 2^22 with n = 2: half a GiB for scrypt's buffer.
const MAX_SCRYPT_MEMORY: u64 = 512 << 20;
/// Largest PBKDF2 iteration count accepted; files in the wild use up to about 10^6.
pub const MAX_PBKDF2_ROUNDS: u64 = 10_000_000;

/// The key is split into an AES-128 key and a MAC key of 16 bytes each.
const DERIVED_KEY_LEN: usize = 32;
/// Longest `dklen` accepted; only the first 32 bytes are used, and scrypt's output ends at 64.
const MAX_DERIVED_KEY_LEN: u64 = 64;
/// Text taken from the file into an error is cut to this many characters.
const MAX_ECHO: usize = 40;

/// Why a key file could not be read or unlocked. Shown to the user as is: each message names
/// what is wrong and never contains the password or key material.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KeystoreError {
    #[error("this is not a JSON key file (parsing stopped at line {line}, column {column}); choose the key file itself, usually named UTC--<date>--<address>")]
    NotJson { line: usize, column: usize },
    #[error("key file version {0} is not supported; only version 3 files can be imported")]
    UnsupportedVersion(u64),
    #[error("the key file's key derivation \"{0}\" is not supported; export the key again with scrypt or pbkdf2")]
    UnsupportedKdf(String),
    #[error("the key file's cipher \"{0}\" is not supported; export the key again with aes-128-ctr")]
    UnsupportedCipher(String),
    #[error("the key file's pbkdf2 function \"{0}\" is not supported; only hmac-sha256 is")]
    UnsupportedPrf(String),
    #[error("the key file's field `{0}` is missing or malformed; the file may be damaged or of another kind")]
    MalformedField(&'static str),
    #[error("the key file asks for {kdf} with {params}, beyond this wallet's limit of {limit}; export the key again with standard settings")]
    KdfTooExpensive { kdf: &'static str, params: String, limit: &'static str },
    #[error("the password does not unlock this key file; check it and try again (a damaged file fails the same way)")]
    WrongPassword,
    #[error("the key file decrypts to a value that is not a valid secp256k1 private key")]
    InvalidKey,
}

/// Which key derivation a new key file uses, and how hard it is. Only values this module will
/// also accept when reading can be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams(Kdf);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kdf {
    Scrypt { log_n: u8, r: u32, p: u32 },
    Pbkdf2 { c: u32 },
}

impl KdfParams {
    /// geth's default: scrypt n=262144, r=8, p=1 (about 256 MiB and a second or more).
    pub fn standard_scrypt() -> KdfParams {
        KdfParams(Kdf::Scrypt { log_n: 18, r: 8, p: 1 })
    }

    /// What this wallet's key export writes: ethers v6's default, scrypt n=131072, r=8, p=1
    /// (128 MiB). Not geth's 256 MiB: wasm memory never shrinks, so that would stay allocated
    /// for the tab's life; not less either, because a key file is meant to travel and a
    /// weaker one is cheaper to guess. `app/core/tests/fixtures/wallet/keystore-ethers.json` is ethers' own file.
    pub fn export() -> KdfParams {
        KdfParams(Kdf::Scrypt { log_n: 17, r: 8, p: 1 })
    }

    /// geth's `--lightkdf`: scrypt n=4096, r=8, p=6. Quick; for tests and throwaway keys.
    pub fn light_scrypt() -> KdfParams {
        KdfParams(Kdf::Scrypt { log_n: 12, r: 8, p: 6 })
    }

    /// scrypt with explicit parameters: `n` a power of two from 2 to 2^20, `p` at most 16,
    /// and 128·n·r·p bytes (its memory, and a measure of its work) at most 512 MiB. Checked
    /// before any derivation runs, so a hostile file costs nothing.
    pub fn scrypt(n: u64, r: u64, p: u64) -> Result<KdfParams, KeystoreError> {
        let fields = ("crypto.kdfparams.n", "crypto.kdfparams.r", "crypto.kdfparams.p");
        if n < 2 || !n.is_power_of_two() {
            return Err(KeystoreError::MalformedField(fields.0));
        }
        if r == 0 {
            return Err(KeystoreError::MalformedField(fields.1));
        }
        if p == 0 {
            return Err(KeystoreError::MalformedField(fields.2));
        }
        let too_expensive = || KeystoreError::KdfTooExpensive {
            kdf: "scrypt",
            params: format!("n={n}, r={r}, p={p}"),
            limit: "n ≤ 1048576, p ≤ 16 and 128·n·r·p ≤ 512 MiB",
        };
        let memory = 128u64.checked_mul(n).and_then(|m| m.checked_mul(r)).and_then(|m| m.checked_mul(p));
        if n > MAX_SCRYPT_N || p > MAX_SCRYPT_P || memory.is_none_or(|m| m > MAX_SCRYPT_MEMORY) {
            return Err(too_expensive());
        }
        // The limits above keep r and p far below u32::MAX.
        Ok(KdfParams(Kdf::Scrypt { log_n: n.trailing_zeros() as u8, r: r as u32, p: p as u32 }))
    }

    /// PBKDF2-HMAC-SHA256 with `c` iterations (1 to 10,000,000).
    pub fn pbkdf2_sha256(c: u64) -> Result<KdfParams, KeystoreError> {
        if c == 0 {
            return Err(KeystoreError::MalformedField("crypto.kdfparams.c"));
        }
        if c > MAX_PBKDF2_ROUNDS {
            return Err(KeystoreError::KdfTooExpensive {
                kdf: "pbkdf2",
                params: format!("c={c}"),
                limit: "c ≤ 10000000",
            });
        }
        Ok(KdfParams(Kdf::Pbkdf2 { c: c as u32 }))
    }

    /// The numbers that define this derivation, to send to a worker; the worker rebuilds the
    /// `KdfParams` with [`KdfParams::from_setting`], so the bounds are checked on both sides.
    pub fn setting(&self) -> KdfSetting {
        match self.0 {
            Kdf::Scrypt { log_n, r, p } => KdfSetting::Scrypt { n: 1 << log_n, r: r.into(), p: p.into() },
            Kdf::Pbkdf2 { c } => KdfSetting::Pbkdf2Sha256 { c: c.into() },
        }
    }

    /// The checked `KdfParams` for `setting` (the same checks as a file's parameters).
    pub fn from_setting(setting: KdfSetting) -> Result<KdfParams, KeystoreError> {
        match setting {
            KdfSetting::Scrypt { n, r, p } => KdfParams::scrypt(n, r, p),
            KdfSetting::Pbkdf2Sha256 { c } => KdfParams::pbkdf2_sha256(c),
        }
    }

    /// The slow part of opening or writing a key file: the key derived from `password` and
    /// `salt`. Pure and synchronous; `wallet::kdf_worker` runs it off the page's thread.
    pub fn derive(&self, password: &[u8], salt: &[u8]) -> DerivedKey {
        // Both KDFs produce a prefix of the longer output when asked for fewer bytes, so deriving
        // only the 32 bytes in use gives the same key as deriving a file's `dklen`.
        let mut out = Zeroizing::new([0u8; DERIVED_KEY_LEN]);
        match self.0 {
            Kdf::Scrypt { log_n, r, p } => scrypt_any(password, salt, log_n, r, p, &mut out[..]),
            Kdf::Pbkdf2 { c } => pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, c, &mut out[..]),
        }
        out
    }
}

/// A `KdfParams` as plain numbers (what crosses to a KDF worker). Not checked: turn it back
/// into `KdfParams` with [`KdfParams::from_setting`] before deriving anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfSetting {
    Scrypt { n: u64, r: u64, p: u64 },
    Pbkdf2Sha256 { c: u64 },
}

/// The 32 bytes a key file's KDF derives: an AES-128 key, then a MAC key. Wiped when dropped.
pub type DerivedKey = Zeroizing<[u8; DERIVED_KEY_LEN]>;

/// A key file read and checked, everything but the key derivation done: what
/// [`LockedKeyFile::unlock`] needs besides the derived key.
#[derive(Debug, Clone)]
pub struct LockedKeyFile {
    kdf: KdfParams,
    salt: Vec<u8>,
    iv: [u8; 16],
    ciphertext: [u8; 32],
    mac: [u8; 32],
}

/// The private key in a v3 key file. Every cheap check (format, algorithms, limits) runs before
/// the slow key derivation, and the MAC is checked before anything is decrypted.
pub fn decrypt_v3(json: &str, password: &str) -> Result<SigningKey, KeystoreError> {
    let file = parse_v3(json)?;
    file.unlock(&file.kdf().derive(password.as_bytes(), file.salt()))
}

/// Reads a v3 key file and makes every cheap check (format, algorithms, the KDF's limits), so
/// a file that would be refused is refused before any key derivation runs.
pub fn parse_v3(json: &str) -> Result<LockedKeyFile, KeystoreError> {
    let file: Value =
        serde_json::from_str(json).map_err(|e| KeystoreError::NotJson { line: e.line(), column: e.column() })?;
    let file = file.as_object().ok_or(KeystoreError::MalformedField("(top level)"))?;

    match file.get("version").map(Value::as_u64) {
        Some(Some(3)) => {}
        Some(Some(other)) => return Err(KeystoreError::UnsupportedVersion(other)),
        _ => return Err(KeystoreError::MalformedField("version")),
    }
    // geth wrote "Crypto" in early files and still reads both spellings.
    let crypto = file
        .get("crypto")
        .or_else(|| file.get("Crypto"))
        .and_then(Value::as_object)
        .ok_or(KeystoreError::MalformedField("crypto"))?;

    let cipher = string_field(crypto, "cipher", "crypto.cipher")?;
    if cipher != "aes-128-ctr" {
        return Err(KeystoreError::UnsupportedCipher(echo(cipher)));
    }
    let iv: [u8; 16] = hex_field(crypto.get("cipherparams").and_then(|c| c.get("iv")), "crypto.cipherparams.iv")?
        .try_into()
        .map_err(|_| KeystoreError::MalformedField("crypto.cipherparams.iv"))?;
    let ciphertext: [u8; 32] = hex_field(crypto.get("ciphertext"), "crypto.ciphertext")?
        .try_into()
        .map_err(|_| KeystoreError::MalformedField("crypto.ciphertext"))?;
    let mac: [u8; 32] = hex_field(crypto.get("mac"), "crypto.mac")?
        .try_into()
        .map_err(|_| KeystoreError::MalformedField("crypto.mac"))?;

    let kdf_name = string_field(crypto, "kdf", "crypto.kdf")?;
    let params =
        crypto.get("kdfparams").and_then(Value::as_object).ok_or(KeystoreError::MalformedField("crypto.kdfparams"))?;
    let number = |name: &str, field: &'static str| {
        params.get(name).and_then(Value::as_u64).ok_or(KeystoreError::MalformedField(field))
    };
    let kdf = match kdf_name {
        "scrypt" => KdfParams::scrypt(
            number("n", "crypto.kdfparams.n")?,
            number("r", "crypto.kdfparams.r")?,
            number("p", "crypto.kdfparams.p")?,
        )?,
        "pbkdf2" => {
            let prf = string_field(params, "prf", "crypto.kdfparams.prf")?;
            if prf != "hmac-sha256" {
                return Err(KeystoreError::UnsupportedPrf(echo(prf)));
            }
            KdfParams::pbkdf2_sha256(number("c", "crypto.kdfparams.c")?)?
        }
        other => return Err(KeystoreError::UnsupportedKdf(echo(other))),
    };
    let dklen = number("dklen", "crypto.kdfparams.dklen")?;
    if !(DERIVED_KEY_LEN as u64..=MAX_DERIVED_KEY_LEN).contains(&dklen) {
        return Err(KeystoreError::MalformedField("crypto.kdfparams.dklen"));
    }
    let salt = hex_field(params.get("salt"), "crypto.kdfparams.salt")?;
    Ok(LockedKeyFile { kdf, salt, iv, ciphertext, mac })
}

impl LockedKeyFile {
    /// The file's key derivation, within this wallet's limits.
    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }

    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The private key, given the key derived from the password: the MAC is checked first, so
    /// a wrong password (or a damaged file) decrypts nothing.
    pub fn unlock(&self, derived: &DerivedKey) -> Result<SigningKey, KeystoreError> {
        if !constant_time_eq(&mac_of(derived, &self.ciphertext), &self.mac) {
            return Err(KeystoreError::WrongPassword);
        }
        let mut secret = Zeroizing::new(self.ciphertext);
        Aes128Ctr::new(derived[..16].into(), (&self.iv).into()).apply_keystream(&mut secret[..]);
        SigningKey::from_slice(&secret[..]).map_err(|_| KeystoreError::InvalidKey)
    }
}

/// A v3 key file for `key`, as geth writes it: fresh random salt, IV and id; the address in
/// lowercase hex without `0x`.
///
/// # Panics
/// If the platform has no secure random source (a predictable salt or IV would weaken the file).
pub fn encrypt_v3(key: &SigningKey, password: &str, kdf: KdfParams) -> String {
    let draft = KeyFileDraft::new(kdf);
    draft.finish(key, &draft.kdf().derive(password.as_bytes(), draft.salt()))
}

/// A key file about to be written: its KDF with a fresh random salt and IV. The key derived
/// from the password with them is all [`KeyFileDraft::finish`] still needs.
#[derive(Debug, Clone)]
pub struct KeyFileDraft {
    kdf: KdfParams,
    salt: [u8; 32],
    iv: [u8; 16],
}

impl KeyFileDraft {
    /// # Panics
    /// If the platform has no secure random source (a predictable salt or IV would weaken the file).
    pub fn new(kdf: KdfParams) -> KeyFileDraft {
        let mut draft = KeyFileDraft { kdf, salt: [0u8; 32], iv: [0u8; 16] };
        fill_random(&mut draft.salt);
        fill_random(&mut draft.iv);
        draft
    }

    pub fn kdf(&self) -> KdfParams {
        self.kdf
    }

    pub fn salt(&self) -> &[u8] {
        &self.salt
    }

    /// The key file's JSON for `key`, given the key derived from its password, this draft's
    /// KDF and salt.
    pub fn finish(&self, key: &SigningKey, derived: &DerivedKey) -> String {
        let (kdf, salt, iv) = (self.kdf, self.salt, self.iv);
        // Encrypted in place, so the plain key exists only in this buffer until it is ciphertext.
        let mut ciphertext = key.to_bytes();
        Aes128Ctr::new(derived[..16].into(), (&iv).into()).apply_keystream(&mut ciphertext);
        let mac = mac_of(derived, &ciphertext);
        key_file_json(key, kdf, &salt, &iv, &ciphertext, &mac)
    }
}

fn key_file_json(key: &SigningKey, kdf: KdfParams, salt: &[u8], iv: &[u8], ciphertext: &[u8], mac: &[u8]) -> String {
    let kdfparams = match kdf.0 {
        Kdf::Scrypt { log_n, r, p } => {
            json!({ "dklen": DERIVED_KEY_LEN, "n": 1u64 << log_n, "r": r, "p": p, "salt": hex::encode(salt) })
        }
        Kdf::Pbkdf2 { c } => {
            json!({ "c": c, "dklen": DERIVED_KEY_LEN, "prf": "hmac-sha256", "salt": hex::encode(salt) })
        }
    };
    let kdf_name = match kdf.0 {
        Kdf::Scrypt { .. } => "scrypt",
        Kdf::Pbkdf2 { .. } => "pbkdf2",
    };
    json!({
        "address": hex::encode(address_of(key)),
        "crypto": {
            "cipher": "aes-128-ctr",
            "ciphertext": hex::encode(ciphertext),
            "cipherparams": { "iv": hex::encode(iv) },
            "kdf": kdf_name,
            "kdfparams": kdfparams,
            "mac": hex::encode(mac),
        },
        "id": random_uuid_v4(),
        "version": 3,
    })
    .to_string()
}

/// keccak256(derivedKey[16..32] ‖ ciphertext), the spec's MAC.
fn mac_of(derived: &[u8; DERIVED_KEY_LEN], ciphertext: &[u8]) -> [u8; 32] {
    let mut body = Zeroizing::new(Vec::with_capacity(16 + ciphertext.len()));
    body.extend_from_slice(&derived[16..32]);
    body.extend_from_slice(ciphertext);
    keccak256(&body[..]).0
}

/// Compares without an early exit, so the time taken says nothing about where the MACs differ.
fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

fn fill_random(buf: &mut [u8]) {
    getrandom::getrandom(buf).expect("the platform has no secure random source; a key file cannot be made safely");
}

/// An RFC 4122 version 4 UUID: 122 random bits, formatted 8-4-4-4-12.
fn random_uuid_v4() -> String {
    let mut b = [0u8; 16];
    fill_random(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn string_field<'a>(obj: &'a Map<String, Value>, name: &str, field: &'static str) -> Result<&'a str, KeystoreError> {
    obj.get(name).and_then(Value::as_str).ok_or(KeystoreError::MalformedField(field))
}

fn hex_field(value: Option<&Value>, field: &'static str) -> Result<Vec<u8>, KeystoreError> {
    let text = value.and_then(Value::as_str).ok_or(KeystoreError::MalformedField(field))?;
    hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(|_| KeystoreError::MalformedField(field))
}

/// File text quoted in an error is cut short so a hostile file cannot flood the screen.
fn echo(text: &str) -> String {
    text.chars().take(MAX_ECHO).collect()
}

/// scrypt through the `scrypt` crate. From 0.12 it no longer enforces RFC 7914's bound
/// n < 2^(16·r), an error in the RFC (errata 5971-5973) that web3.py's default files
/// (n=262144, r=1, p=8) and the spec's own test vector exceed; 0.11 refused them, and this
/// module carried its own scrypt for them until then.
fn scrypt_any(password: &[u8], salt: &[u8], log_n: u8, r: u32, p: u32, out: &mut [u8]) {
    let params = scrypt::Params::new(log_n, r, p).expect("KdfParams admits only parameters scrypt accepts");
    scrypt::scrypt(password, salt, &params, out).expect("the derived key is 32 bytes");
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "testpassword";
    const SECRET: &str = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

    // The two test vectors of the Web3 Secret Storage Definition (ethereum/wiki; also on
    // ethereum.org under "Web3 secret storage definition").
    const SPEC_PBKDF2: &str = r#"{
        "crypto" : {
            "cipher" : "aes-128-ctr",
            "cipherparams" : { "iv" : "6087dab2f9fdbbfaddc31a909735c1e6" },
            "ciphertext" : "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
            "kdf" : "pbkdf2",
            "kdfparams" : {
                "c" : 262144,
                "dklen" : 32,
                "prf" : "hmac-sha256",
                "salt" : "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"
            },
            "mac" : "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"
        },
        "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
        "version" : 3
    }"#;

    const SPEC_SCRYPT: &str = r#"{
        "crypto" : {
            "cipher" : "aes-128-ctr",
            "cipherparams" : { "iv" : "83dbcc02d8ccb40e466191a123791e0e" },
            "ciphertext" : "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
            "kdf" : "scrypt",
            "kdfparams" : {
                "dklen" : 32,
                "n" : 262144,
                "r" : 1,
                "p" : 8,
                "salt" : "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"
            },
            "mac" : "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"
        },
        "id" : "3198bc9c-6672-5ab3-d995-4942343ae5b6",
        "version" : 3
    }"#;

    fn secret_hex(key: &SigningKey) -> String {
        hex::encode(key.to_bytes())
    }

    /// A small, fast file for the failure tests.
    fn cheap_file() -> String {
        let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
        encrypt_v3(&key, PASSWORD, KdfParams::scrypt(16, 8, 1).unwrap())
    }

    type Edit = fn(&mut Value);

    fn edit(json: &str, f: impl FnOnce(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(json).unwrap();
        f(&mut v);
        v.to_string()
    }

    #[test]
    fn spec_vector_pbkdf2() {
        assert_eq!(secret_hex(&decrypt_v3(SPEC_PBKDF2, PASSWORD).unwrap()), SECRET);
    }

    #[test]
    fn spec_vector_scrypt() {
        assert_eq!(secret_hex(&decrypt_v3(SPEC_SCRYPT, PASSWORD).unwrap()), SECRET);
    }

    #[test]
    fn spec_vector_address() {
        let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
        assert_eq!(hex::encode(address_of(&key)), "008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
    }

    #[test]
    fn wrong_password_is_refused() {
        let err = decrypt_v3(&cheap_file(), "testpassword!").unwrap_err();
        assert_eq!(err, KeystoreError::WrongPassword);
        assert!(!err.to_string().contains("testpassword"));
    }

    #[test]
    fn tampered_ciphertext_or_mac_is_refused() {
        let file = cheap_file();
        let flip_first_hex_digit = |s: &str| {
            let flipped = if s.starts_with('0') { '1' } else { '0' };
            format!("{flipped}{}", &s[1..])
        };
        for field in ["ciphertext", "mac"] {
            let tampered = edit(&file, |v| {
                let old = v["crypto"][field].as_str().unwrap().to_owned();
                v["crypto"][field] = Value::String(flip_first_hex_digit(&old));
            });
            assert_eq!(decrypt_v3(&tampered, PASSWORD).unwrap_err(), KeystoreError::WrongPassword, "{field}");
        }
    }

    #[test]
    fn round_trip_with_cheap_parameters() {
        let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
        for kdf in [KdfParams::scrypt(1024, 8, 1).unwrap(), KdfParams::pbkdf2_sha256(1000).unwrap()] {
            let file = encrypt_v3(&key, "correct horse", kdf);
            assert_eq!(secret_hex(&decrypt_v3(&file, "correct horse").unwrap()), SECRET);
            assert!(!file.contains(SECRET));
            assert!(!file.contains("correct horse"));
        }
    }

    #[test]
    fn written_files_look_like_geths() {
        let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
        let file: Value = serde_json::from_str(&encrypt_v3(&key, PASSWORD, KdfParams::light_scrypt())).unwrap();
        assert_eq!(file["version"], 3);
        assert_eq!(file["address"], "008aeeda4d805471df9b2a5b0f38a0c3bcba786b");
        assert_eq!(file["crypto"]["cipher"], "aes-128-ctr");
        assert_eq!(file["crypto"]["kdf"], "scrypt");
        assert_eq!(file["crypto"]["kdfparams"]["n"], 4096);
        assert_eq!(file["crypto"]["kdfparams"]["r"], 8);
        assert_eq!(file["crypto"]["kdfparams"]["p"], 6);
        assert_eq!(file["crypto"]["kdfparams"]["dklen"], 32);
        assert_eq!(file["crypto"]["kdfparams"]["salt"].as_str().unwrap().len(), 64);
        assert_eq!(file["crypto"]["cipherparams"]["iv"].as_str().unwrap().len(), 32);
        let id = file["id"].as_str().unwrap();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert!(id.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }

    #[test]
    fn capitalised_crypto_key_is_accepted() {
        let file = cheap_file().replace("\"crypto\"", "\"Crypto\"");
        assert_eq!(secret_hex(&decrypt_v3(&file, PASSWORD).unwrap()), SECRET);
    }

    #[test]
    fn unsupported_algorithms_are_named() {
        let file = cheap_file();
        let argon = edit(&file, |v| v["crypto"]["kdf"] = "argon2id".into());
        let err = decrypt_v3(&argon, PASSWORD).unwrap_err();
        assert_eq!(err, KeystoreError::UnsupportedKdf("argon2id".into()));
        assert!(err.to_string().contains("argon2id"));

        let cbc = edit(&file, |v| v["crypto"]["cipher"] = "aes-128-cbc".into());
        assert_eq!(decrypt_v3(&cbc, PASSWORD).unwrap_err(), KeystoreError::UnsupportedCipher("aes-128-cbc".into()));

        let v2 = edit(&file, |v| v["version"] = 2.into());
        assert_eq!(decrypt_v3(&v2, PASSWORD).unwrap_err(), KeystoreError::UnsupportedVersion(2));

        let sha512 = edit(SPEC_PBKDF2, |v| v["crypto"]["kdfparams"]["prf"] = "hmac-sha512".into());
        assert_eq!(decrypt_v3(&sha512, PASSWORD).unwrap_err(), KeystoreError::UnsupportedPrf("hmac-sha512".into()));
    }

    #[test]
    fn malformed_files_name_the_field() {
        assert!(matches!(decrypt_v3("not json", PASSWORD), Err(KeystoreError::NotJson { line: 1, .. })));
        assert_eq!(decrypt_v3("[3]", PASSWORD).unwrap_err(), KeystoreError::MalformedField("(top level)"));
        let file = cheap_file();
        let cases: [(&str, Edit); 6] = [
            ("version", |v| v["version"] = "3".into()),
            ("crypto", |v| v.as_object_mut().unwrap().retain(|k, _| k != "crypto")),
            ("crypto.cipherparams.iv", |v| v["crypto"]["cipherparams"]["iv"] = "00ff".into()),
            ("crypto.ciphertext", |v| v["crypto"]["ciphertext"] = "zz".into()),
            ("crypto.kdfparams.n", |v| v["crypto"]["kdfparams"]["n"] = 1000.into()),
            ("crypto.kdfparams.dklen", |v| v["crypto"]["kdfparams"]["dklen"] = 16.into()),
        ];
        for (field, change) in cases {
            let broken = edit(&file, change);
            let err = decrypt_v3(&broken, PASSWORD).unwrap_err();
            assert_eq!(err, KeystoreError::MalformedField(field));
            assert!(err.to_string().contains(field));
        }
    }

    #[test]
    fn hostile_kdf_parameters_are_refused_before_any_work() {
        let file = cheap_file();
        let huge_n = edit(&file, |v| v["crypto"]["kdfparams"]["n"] = (1u64 << 40).into());
        let err = decrypt_v3(&huge_n, PASSWORD).unwrap_err();
        assert!(matches!(err, KeystoreError::KdfTooExpensive { kdf: "scrypt", .. }), "{err:?}");
        assert!(err.to_string().contains("n=1099511627776"));

        let huge_p = edit(&file, |v| v["crypto"]["kdfparams"]["p"] = u64::MAX.into());
        assert!(matches!(decrypt_v3(&huge_p, PASSWORD), Err(KeystoreError::KdfTooExpensive { .. })));

        // Each bound on its own, with the others in range: p alone (n·r·p within the old
        // work limit, but scrypt's 128·r·p buffer alone is 512 MiB) and the product 128·n·r·p.
        for (n, r, p) in [(2u64, 1u64, 1u64 << 22), (16, 8, 17), (1 << 17, 8, 5), (1 << 20, 4, 2)] {
            let crafted = edit(&file, |v| {
                v["crypto"]["kdfparams"]["n"] = n.into();
                v["crypto"]["kdfparams"]["r"] = r.into();
                v["crypto"]["kdfparams"]["p"] = p.into();
            });
            let err = decrypt_v3(&crafted, PASSWORD).unwrap_err();
            assert!(matches!(err, KeystoreError::KdfTooExpensive { kdf: "scrypt", .. }), "n={n} r={r} p={p}: {err:?}");
            assert!(err.to_string().contains(&format!("p={p}")), "{err}");
        }
        // Right at the limits is still accepted: geth's and web3.py's standard files, p = 16.
        for (n, r, p) in [(1u64 << 18, 8u64, 1u64), (1 << 18, 1, 8), (1 << 19, 8, 1), (1 << 16, 1, 16), (1 << 20, 1, 4)]
        {
            assert!(KdfParams::scrypt(n, r, p).is_ok(), "n={n} r={r} p={p}");
        }

        let huge_c = edit(SPEC_PBKDF2, |v| v["crypto"]["kdfparams"]["c"] = 4_000_000_000u64.into());
        let err = decrypt_v3(&huge_c, PASSWORD).unwrap_err();
        assert!(matches!(err, KeystoreError::KdfTooExpensive { kdf: "pbkdf2", .. }), "{err:?}");
    }

    #[test]
    fn exported_files_match_ethers_defaults_and_ethers_files_open() {
        // Written by ethers v6 with its defaults; see app/core/tests/fixtures/wallet/gen-keystore-ethers.mjs.
        let fixture: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/wallet/keystore-ethers.json")).unwrap();
        let ethers_file = fixture["keyfile"].to_string();
        let key = decrypt_v3(&ethers_file, fixture["password"].as_str().unwrap()).unwrap();
        assert_eq!(secret_hex(&key), SECRET);
        assert_eq!(address_of(&key).to_checksum(None), fixture["address"].as_str().unwrap());

        let ethers_params = &fixture["keyfile"]["Crypto"]["kdfparams"];
        let ours: Value = serde_json::from_str(&encrypt_v3(&key, "correct horse", KdfParams::export())).unwrap();
        let ours_params = &ours["crypto"]["kdfparams"];
        for name in ["n", "r", "p", "dklen"] {
            assert_eq!(ours_params[name], ethers_params[name], "kdfparams.{name}");
        }
        assert!(ours_params["n"].as_u64().unwrap() >= 1 << 17, "at least ethers v6's n = 2^17");
        assert_eq!(secret_hex(&decrypt_v3(&ours.to_string(), "correct horse").unwrap()), SECRET);
    }

    #[test]
    fn split_steps_give_the_one_call_results() {
        // What `wallet::kdf_worker` does: parse, derive elsewhere, unlock; and draft, derive, finish.
        let locked = parse_v3(SPEC_SCRYPT).unwrap();
        let derived = locked.kdf().derive(PASSWORD.as_bytes(), locked.salt());
        assert_eq!(secret_hex(&locked.unlock(&derived).unwrap()), SECRET);
        let wrong = locked.kdf().derive(b"testpassword!", locked.salt());
        assert_eq!(locked.unlock(&wrong).unwrap_err(), KeystoreError::WrongPassword);

        let key = SigningKey::from_slice(&hex::decode(SECRET).unwrap()).unwrap();
        let draft = KeyFileDraft::new(KdfParams::light_scrypt());
        let file = draft.finish(&key, &draft.kdf().derive(b"correct horse", draft.salt()));
        assert_eq!(secret_hex(&decrypt_v3(&file, "correct horse").unwrap()), SECRET);
    }

    #[test]
    fn settings_round_trip_and_are_checked_again() {
        for kdf in [KdfParams::export(), KdfParams::light_scrypt(), KdfParams::pbkdf2_sha256(262_144).unwrap()] {
            assert_eq!(KdfParams::from_setting(kdf.setting()).unwrap(), kdf);
        }
        assert_eq!(KdfParams::export().setting(), KdfSetting::Scrypt { n: 131_072, r: 8, p: 1 });
        // A setting that no checked KdfParams could produce is refused on the worker's side too.
        for hostile in [
            KdfSetting::Scrypt { n: 1 << 21, r: 8, p: 1 },
            KdfSetting::Scrypt { n: 2, r: 1, p: 17 },
            KdfSetting::Scrypt { n: 1 << 20, r: 8, p: 1 },
            KdfSetting::Pbkdf2Sha256 { c: MAX_PBKDF2_ROUNDS + 1 },
        ] {
            assert!(
                matches!(KdfParams::from_setting(hostile), Err(KeystoreError::KdfTooExpensive { .. })),
                "{hostile:?}"
            );
        }
        assert!(KdfParams::from_setting(KdfSetting::Scrypt { n: 3, r: 8, p: 1 }).is_err());
    }

    #[test]
    fn hostile_files_are_refused_by_parsing_alone() {
        // The bounds hold before anything could be sent to a worker.
        let huge_p = edit(&cheap_file(), |v| v["crypto"]["kdfparams"]["p"] = json!(1 << 22));
        assert!(matches!(parse_v3(&huge_p), Err(KeystoreError::KdfTooExpensive { .. })));
        let big = edit(&cheap_file(), |v| v["crypto"]["kdfparams"]["n"] = json!(1 << 20));
        assert!(matches!(parse_v3(&big), Err(KeystoreError::KdfTooExpensive { .. })));
    }

    #[test]
    fn scrypt_matches_rfc_7914_vectors() {
        let mut out = [0u8; 64];
        scrypt_any(b"", b"", 4, 1, 1, &mut out);
        assert_eq!(
            hex::encode(out),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        );
        scrypt_any(b"password", b"NaCl", 10, 8, 16, &mut out);
        assert_eq!(
            hex::encode(out),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        );
    }

    #[test]
    fn every_scrypt_setting_key_files_may_carry_is_one_scrypt_accepts() {
        // The corners KdfParams admits, including r = 1 with n far above 2^16, which the
        // scrypt crate refused before 0.12.
        for (n, r, p) in [(2, 1, 1), (1 << 20, 1, 1), (1 << 18, 1, 8), (1 << 18, 8, 1), (1 << 14, 8, 16)] {
            let Ok(KdfParams(Kdf::Scrypt { log_n, r, p })) = KdfParams::scrypt(n, r, p) else {
                panic!("n={n} r={r} p={p} is a setting key files carry");
            };
            assert!(scrypt::Params::new(log_n, r, p).is_ok(), "n={n} r={r} p={p}");
        }
    }
}
