//! The envelope around an agent's metadata: the metadata is encrypted with a fresh
//! AES-256-GCM data key, and the data key is sealed to a holder's secp256k1 public key
//! (ECIES: ephemeral ECDH, HKDF-SHA256, AES-256-GCM). The ciphertext goes to 0G Storage;
//! the sealed key goes on chain with the token.
//!
//! Formats (version byte first, so a later format can be told apart):
//! - metadata: `0x01 ‖ nonce(12) ‖ AES-256-GCM(data key, plaintext, aad = DATA_INFO)`
//! - sealed key: `0x01 ‖ ephemeral pub(33, compressed) ‖ nonce(12) ‖ AES-256-GCM(k, data
//!   key, aad = ephemeral pub ‖ recipient pub)`, `k = HKDF-SHA256(ikm = x(ECDH), salt =
//!   ephemeral pub ‖ recipient pub, info = SEAL_INFO)`.
//!
//! Binding both public keys into the KDF and the AAD means a sealed key cannot be
//! replayed to another recipient or re-pointed at another ephemeral key. Known answers
//! come from an independent implementation (`app/core/tests/fixtures/inft/gen-envelope.mjs`, noble).

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use k256::ecdh::diffie_hellman;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::{PublicKey, SecretKey};
use sha2::Sha256;
use zeroize::Zeroizing;

const VERSION: u8 = 1;
const SEAL_INFO: &[u8] = b"zg-console/inft/sealed-key/v1";
const DATA_INFO: &[u8] = b"zg-console/inft/metadata/v1";
const NONCE: usize = 12;
const TAG: usize = 16;
const PUB: usize = 33;
/// Length of a sealed 32-byte data key.
pub const SEALED_KEY_LEN: usize = 1 + PUB + NONCE + 32 + TAG;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("this data was sealed in an unknown format (version {0}); update zg-console")]
    UnknownVersion(u8),
    #[error("the sealed key is malformed ({0})")]
    MalformedKey(&'static str),
    #[error("the sealed key does not open with this account's key: it was sealed for someone else, or altered")]
    NotForThisKey,
    #[error("the agent data is malformed (too short to hold a nonce and tag)")]
    MalformedData,
    #[error("the agent data does not decrypt with its key: it was altered, or the key belongs to other data")]
    Tampered,
    #[error("the public key is not a valid secp256k1 point")]
    BadPublicKey,
}

/// A fresh random 32-byte data key (zeroized when dropped).
pub fn new_data_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(key.as_mut()).expect("the platform's CSPRNG");
    key
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the platform's CSPRNG");
    bytes
}

/// Encrypts `plaintext` under `data_key` with a fresh nonce.
pub fn encrypt_metadata(data_key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    encrypt_metadata_with(data_key, &random(), plaintext)
}

fn encrypt_metadata_with(data_key: &[u8; 32], nonce: &[u8; NONCE], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(data_key.into());
    let ct = cipher
        .encrypt(Nonce::from_slice(nonce), Payload { msg: plaintext, aad: DATA_INFO })
        .expect("AES-GCM encrypts any length a browser holds");
    [&[VERSION][..], nonce, &ct].concat()
}

pub fn decrypt_metadata(data_key: &[u8; 32], data: &[u8]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let (&version, rest) = data.split_first().ok_or(EnvelopeError::MalformedData)?;
    if version != VERSION {
        return Err(EnvelopeError::UnknownVersion(version));
    }
    if rest.len() < NONCE + TAG {
        return Err(EnvelopeError::MalformedData);
    }
    let (nonce, ct) = rest.split_at(NONCE);
    let cipher = Aes256Gcm::new(data_key.into());
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: DATA_INFO })
        .map(Zeroizing::new)
        .map_err(|_| EnvelopeError::Tampered)
}

/// Seals `data_key` to `recipient` with a fresh ephemeral key and nonce.
pub fn seal_key(recipient: &PublicKey, data_key: &[u8; 32]) -> Vec<u8> {
    let ephemeral = SecretKey::random(&mut Os);
    seal_key_with(recipient, &ephemeral, &random(), data_key)
}

fn kdf(shared_x: &[u8], ephemeral_pub: &[u8], recipient_pub: &[u8]) -> Zeroizing<[u8; 32]> {
    let salt = [ephemeral_pub, recipient_pub].concat();
    let mut k = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(&salt), shared_x).expand(SEAL_INFO, k.as_mut()).expect("32 bytes is a valid HKDF length");
    k
}

fn seal_key_with(recipient: &PublicKey, ephemeral: &SecretKey, nonce: &[u8; NONCE], data_key: &[u8; 32]) -> Vec<u8> {
    let ephemeral_pub = ephemeral.public_key().to_encoded_point(true);
    let recipient_pub = recipient.to_encoded_point(true);
    let shared = diffie_hellman(ephemeral.to_nonzero_scalar(), recipient.as_affine());
    let k = kdf(shared.raw_secret_bytes(), ephemeral_pub.as_bytes(), recipient_pub.as_bytes());
    let aad = [ephemeral_pub.as_bytes(), recipient_pub.as_bytes()].concat();
    let ct = Aes256Gcm::new(k.as_ref().into())
        .encrypt(Nonce::from_slice(nonce), Payload { msg: data_key, aad: &aad })
        .expect("AES-GCM encrypts 32 bytes");
    [&[VERSION][..], ephemeral_pub.as_bytes(), nonce, &ct].concat()
}

/// Opens a sealed data key with the holder's secret key.
pub fn open_key(holder: &SecretKey, sealed: &[u8]) -> Result<Zeroizing<[u8; 32]>, EnvelopeError> {
    let (&version, rest) = sealed.split_first().ok_or(EnvelopeError::MalformedKey("empty"))?;
    if version != VERSION {
        return Err(EnvelopeError::UnknownVersion(version));
    }
    if rest.len() != PUB + NONCE + 32 + TAG {
        return Err(EnvelopeError::MalformedKey("wrong length"));
    }
    let (ephemeral_bytes, rest) = rest.split_at(PUB);
    let (nonce, ct) = rest.split_at(NONCE);
    let ephemeral =
        PublicKey::from_sec1_bytes(ephemeral_bytes).map_err(|_| EnvelopeError::MalformedKey("bad ephemeral key"))?;
    let recipient_pub = holder.public_key().to_encoded_point(true);
    let shared = diffie_hellman(holder.to_nonzero_scalar(), ephemeral.as_affine());
    let k = kdf(shared.raw_secret_bytes(), ephemeral_bytes, recipient_pub.as_bytes());
    let aad = [ephemeral_bytes, recipient_pub.as_bytes()].concat();
    let key = Aes256Gcm::new(k.as_ref().into())
        .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
        .map_err(|_| EnvelopeError::NotForThisKey)?;
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&key);
    Ok(out)
}

/// The compressed SEC1 public key (33 bytes) others seal agents to: what the Agents page
/// shows for pasting, and what an offer names its receiver by.
pub fn compressed_public_key(key: &k256::ecdsa::SigningKey) -> alloy_primitives::Bytes {
    alloy_primitives::Bytes::copy_from_slice(key.verifying_key().to_encoded_point(true).as_bytes())
}

/// Parses a public key given as 33 or 65 SEC1 bytes, or 64 raw `x ‖ y` bytes.
pub fn parse_public_key(bytes: &[u8]) -> Result<PublicKey, EnvelopeError> {
    match bytes.len() {
        33 | 65 => PublicKey::from_sec1_bytes(bytes).map_err(|_| EnvelopeError::BadPublicKey),
        64 => PublicKey::from_sec1_bytes(&[&[4u8][..], bytes].concat()).map_err(|_| EnvelopeError::BadPublicKey),
        _ => Err(EnvelopeError::BadPublicKey),
    }
}

pub use rand_core_shim::Os;

/// `k256` wants a `CryptoRngCore`; this adapts `getrandom` (the browser's
/// `crypto.getRandomValues` on wasm) without pulling in `rand`.
mod rand_core_shim {
    pub struct Os;

    impl k256::elliptic_curve::rand_core::RngCore for Os {
        fn next_u32(&mut self) -> u32 {
            let mut b = [0u8; 4];
            self.fill_bytes(&mut b);
            u32::from_le_bytes(b)
        }
        fn next_u64(&mut self) -> u64 {
            let mut b = [0u8; 8];
            self.fill_bytes(&mut b);
            u64::from_le_bytes(b)
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            getrandom::getrandom(dest).expect("the platform's CSPRNG");
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), k256::elliptic_curve::rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    impl k256::elliptic_curve::rand_core::CryptoRng for Os {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn vectors() -> Vec<Value> {
        let v: Value = serde_json::from_str(include_str!("../../tests/fixtures/inft/envelope-vectors.json")).unwrap();
        v["vectors"].as_array().unwrap().clone()
    }

    fn b(v: &Value) -> Vec<u8> {
        hex::decode(v.as_str().unwrap()).unwrap()
    }

    fn secret(v: &Value) -> SecretKey {
        SecretKey::from_slice(&b(v)).unwrap()
    }

    #[test]
    fn matches_the_independent_implementation_byte_for_byte() {
        for v in vectors() {
            let recipient = secret(&v["recipient"]);
            assert_eq!(recipient.public_key().to_encoded_point(true).as_bytes(), &b(&v["recipientPub"])[..]);
            let data_key: [u8; 32] = b(&v["dataKey"]).try_into().unwrap();
            let nonce: [u8; 12] = b(&v["sealNonce"]).try_into().unwrap();
            let sealed = seal_key_with(&recipient.public_key(), &secret(&v["ephemeral"]), &nonce, &data_key);
            assert_eq!(sealed, b(&v["sealed"]));
            assert_eq!(sealed.len(), SEALED_KEY_LEN);
            assert_eq!(*open_key(&recipient, &sealed).unwrap(), data_key);

            let data_nonce: [u8; 12] = b(&v["dataNonce"]).try_into().unwrap();
            let metadata = v["metadata"].as_str().unwrap().as_bytes();
            let ct = encrypt_metadata_with(&data_key, &data_nonce, metadata);
            assert_eq!(ct, b(&v["ciphertext"]));
            assert_eq!(&decrypt_metadata(&data_key, &ct).unwrap()[..], metadata);
        }
    }

    #[test]
    fn fresh_seals_differ_and_open_only_for_their_recipient() {
        let alice = SecretKey::random(&mut Os);
        let bob = SecretKey::random(&mut Os);
        let key = new_data_key();
        let one = seal_key(&alice.public_key(), &key);
        let two = seal_key(&alice.public_key(), &key);
        assert_ne!(one, two, "ephemeral key and nonce are fresh each time");
        assert_eq!(*open_key(&alice, &one).unwrap(), *key);
        assert_eq!(open_key(&bob, &one).unwrap_err(), EnvelopeError::NotForThisKey);
    }

    #[test]
    fn any_flipped_bit_is_caught() {
        let holder = SecretKey::random(&mut Os);
        let key = new_data_key();
        let sealed = seal_key(&holder.public_key(), &key);
        for i in 1..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open_key(&holder, &bad).is_err(), "flip at byte {i} went unnoticed");
        }
        let data = encrypt_metadata(&key, b"{\"name\":\"Ada\"}");
        for i in 1..data.len() {
            let mut bad = data.clone();
            bad[i] ^= 0x80;
            assert_eq!(decrypt_metadata(&key, &bad).unwrap_err(), EnvelopeError::Tampered, "flip at byte {i}");
        }
        let other = new_data_key();
        assert_eq!(decrypt_metadata(&other, &data).unwrap_err(), EnvelopeError::Tampered);
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let holder = SecretKey::random(&mut Os);
        assert!(matches!(open_key(&holder, &[]), Err(EnvelopeError::MalformedKey(_))));
        assert_eq!(open_key(&holder, &[2; SEALED_KEY_LEN]).unwrap_err(), EnvelopeError::UnknownVersion(2));
        assert!(matches!(open_key(&holder, &[1; 10]), Err(EnvelopeError::MalformedKey(_))));
        let mut bad_point = vec![1u8; SEALED_KEY_LEN];
        bad_point[1] = 0x07; // no SEC1 tag
        assert!(matches!(open_key(&holder, &bad_point), Err(EnvelopeError::MalformedKey(_))));
        assert_eq!(decrypt_metadata(&[0; 32], &[1, 2, 3]).unwrap_err(), EnvelopeError::MalformedData);
        assert_eq!(decrypt_metadata(&[0; 32], &[]).unwrap_err(), EnvelopeError::MalformedData);
        assert_eq!(parse_public_key(&[0; 5]).unwrap_err(), EnvelopeError::BadPublicKey);
        let pubkey = holder.public_key();
        let uncompressed = pubkey.to_encoded_point(false);
        assert_eq!(parse_public_key(uncompressed.as_bytes()).unwrap(), pubkey);
        assert_eq!(parse_public_key(&uncompressed.as_bytes()[1..]).unwrap(), pubkey);
    }
}
