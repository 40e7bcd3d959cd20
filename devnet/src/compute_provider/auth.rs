//! 0G's session tokens: `Authorization: Bearer app-sk-<base64(json|signature)>`.
//!
//! The format, as 0G's provider broker checks it (0g-serving-broker,
//! api/inference/internal/ctrl/request.go `ValidateSession`) and its SDK makes it
//! (`generateSessionToken`): `json` is the token exactly as signed,
//! `{"address","provider","timestamp","expiresAt","nonce","generation","tokenId"}` with
//! times in milliseconds (`expiresAt` 0 = never) and `tokenId` 0-254 for a persistent token
//! or 255 for an ephemeral one (which must expire within 24 h); `signature` is the user's
//! EIP-191 `personal_sign` of the 32-byte keccak256 of `json`, as 0x-hex with v = 27/28.
//! Revocation lives on chain (the sub-account's `generation` and `revokedBitmap`) and is
//! checked by [`check_revocation`] against a freshly read account.
//!
//! Nothing here touches the network or the clock: callers pass the time in.

use alloy_primitives::{eip191_hash_message, keccak256, Address, Signature, U256};
use base64::Engine;
use serde::Deserialize;

pub const EPHEMERAL_TOKEN_ID: u8 = 255;
pub const EPHEMERAL_MAX_MS: i64 = 24 * 60 * 60 * 1000;
const PREFIX: &str = "Bearer app-sk-";

/// The signed part of a session token. Old SDKs send neither `generation` nor `tokenId`;
/// like 0G's Go broker, they then read as 0.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionToken {
    pub address: String,
    pub provider: String,
    pub timestamp: i64,
    pub expires_at: i64,
    /// Covered by the signature; 0G's broker uses it only as a cache key.
    #[allow(dead_code)]
    pub nonce: String,
    #[serde(default)]
    pub generation: u64,
    #[serde(default)]
    pub token_id: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("missing or invalid Authorization header, must be Bearer app-sk-<base64(rawMessage|signature)>")]
    Missing,
    #[error("invalid base64 in Authorization header")]
    Base64,
    #[error("invalid Authorization payload, expect base64(rawMessage|signature)")]
    Payload,
    #[error("invalid session token format in Authorization: {0}")]
    Token(String),
    #[error("session token is for different provider")]
    WrongProvider,
    #[error("ephemeral token must have an expiration time")]
    EphemeralWithoutExpiry,
    #[error("ephemeral token duration cannot exceed 24 hours")]
    EphemeralTooLong,
    #[error("session token expired")]
    Expired,
    #[error("invalid signature format: expected 65 bytes of 0x-hex")]
    SignatureFormat,
    #[error("signature verification failed: address mismatch")]
    SignatureMismatch,
    #[error(
        "session token has been revoked (generation {token} is older than the account's {account}); create a new one"
    )]
    OldGeneration { token: u64, account: u64 },
    #[error("session token {0} has been revoked; create a new one")]
    Revoked(u8),
}

/// A token whose signature and times are valid (revocation still to check).
#[derive(Debug, Clone)]
pub struct Authorized {
    pub user: Address,
    pub token: SessionToken,
}

/// Checks the header's format, the provider it names, its expiry and its signature.
pub fn verify(header: Option<&str>, provider: Address, now_ms: i64) -> Result<Authorized, AuthError> {
    let encoded = header.and_then(|h| h.trim().strip_prefix(PREFIX)).ok_or(AuthError::Missing)?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| AuthError::Base64)?;
    let decoded = String::from_utf8(decoded).map_err(|_| AuthError::Payload)?;
    // At the first '|', as 0G's broker splits (`strings.SplitN(decoded, "|", 2)`): a token
    // whose JSON holds a '|' is cut inside the JSON and refused, as 0G refuses it.
    let (raw, signature) = decoded.split_once('|').ok_or(AuthError::Payload)?;
    let token: SessionToken = serde_json::from_str(raw).map_err(|e| AuthError::Token(e.to_string()))?;
    let claimed: Address = token.address.parse().map_err(|_| AuthError::Token("address is not an address".into()))?;
    if token.provider.parse::<Address>().ok() != Some(provider) {
        return Err(AuthError::WrongProvider);
    }
    if token.token_id == EPHEMERAL_TOKEN_ID {
        if token.expires_at == 0 {
            return Err(AuthError::EphemeralWithoutExpiry);
        }
        // Saturating: both times are the sender's, and a crafted pair must not overflow.
        if token.expires_at.saturating_sub(token.timestamp) > EPHEMERAL_MAX_MS {
            return Err(AuthError::EphemeralTooLong);
        }
    }
    if token.expires_at > 0 && now_ms > token.expires_at {
        return Err(AuthError::Expired);
    }
    let bytes = alloy_primitives::hex::decode(signature.trim()).map_err(|_| AuthError::SignatureFormat)?;
    let signature = Signature::try_from(bytes.as_slice()).map_err(|_| AuthError::SignatureFormat)?;
    let digest = eip191_hash_message(keccak256(raw.as_bytes()));
    let signer = signature.recover_address_from_prehash(&digest).map_err(|_| AuthError::SignatureMismatch)?;
    if signer != claimed {
        return Err(AuthError::SignatureMismatch);
    }
    Ok(Authorized { user: claimed, token })
}

/// 0G's on-chain revocation: the token must carry the account's current generation, and a
/// persistent token's bit must be clear in the revoked bitmap.
pub fn check_revocation(token: &SessionToken, generation: U256, revoked_bitmap: U256) -> Result<(), AuthError> {
    if U256::from(token.generation) != generation {
        let account = u64::try_from(generation).unwrap_or(u64::MAX);
        return Err(AuthError::OldGeneration { token: token.generation, account });
    }
    if token.token_id != EPHEMERAL_TOKEN_ID && revoked_bitmap.bit(usize::from(token.token_id)) {
        return Err(AuthError::Revoked(token.token_id));
    }
    Ok(())
}

/// Makes a token the way 0G's SDK does (for tests and tools): returns the header value.
#[cfg(test)]
pub fn make_header(key: &k256::ecdsa::SigningKey, json: &str) -> String {
    let digest = eip191_hash_message(keccak256(json.as_bytes()));
    let (sig, recovery) = key.sign_prehash_recoverable(digest.as_slice()).unwrap();
    let mut bytes = sig.to_bytes().to_vec();
    bytes.push(27 + recovery.to_byte());
    let payload = format!("{json}|0x{}", alloy_primitives::hex::encode(bytes));
    format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::ecdsa::SigningKey;

    const PROVIDER: &str = "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f";

    fn key() -> (SigningKey, Address) {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let point = key.verifying_key().to_encoded_point(false);
        (key, Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..]))
    }

    fn token(user: Address, expires: i64, token_id: u8) -> String {
        format!(
            r#"{{"address":"{user}","provider":"{PROVIDER}","timestamp":1000,"expiresAt":{expires},"nonce":"n-1","generation":0,"tokenId":{token_id}}}"#
        )
    }

    #[test]
    fn accepts_a_token_signed_like_0gs_sdk() {
        let (key, user) = key();
        let header = make_header(&key, &token(user, 5000, 3));
        let ok = verify(Some(&header), PROVIDER.parse().unwrap(), 2000).unwrap();
        assert_eq!(ok.user, user);
        assert_eq!((ok.token.token_id, ok.token.generation), (3, 0));
        check_revocation(&ok.token, U256::ZERO, U256::from(1u8 << 2)).unwrap();
        assert_eq!(check_revocation(&ok.token, U256::ZERO, U256::from(1u8 << 3)), Err(AuthError::Revoked(3)));
        assert!(matches!(check_revocation(&ok.token, U256::from(1), U256::ZERO), Err(AuthError::OldGeneration { .. })));
    }

    #[test]
    fn refuses_what_0g_refuses() {
        let (key, user) = key();
        let provider: Address = PROVIDER.parse().unwrap();
        let cases = [
            (None, AuthError::Missing),
            (Some("Bearer sk-123".to_owned()), AuthError::Missing),
            (Some("Bearer app-sk-!!".to_owned()), AuthError::Base64),
            (Some(make_header(&key, &token(user, 5000, 3)).replace("app-sk-", "app-sk-eA")), AuthError::Base64),
            (Some(make_header(&key, &token(user, 1500, 3))), AuthError::Expired),
            (Some(make_header(&key, &token(user, 0, 255))), AuthError::EphemeralWithoutExpiry),
            (Some(make_header(&key, &token(user, 1000 + EPHEMERAL_MAX_MS + 1, 255))), AuthError::EphemeralTooLong),
            (Some(make_header(&key, &token(Address::repeat_byte(1), 5000, 3))), AuthError::SignatureMismatch),
            (
                Some(make_header(&key, &token(user, 5000, 3).replace(PROVIDER, &Address::ZERO.to_string()))),
                AuthError::WrongProvider,
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(verify(header.as_deref(), provider, 2000).err(), Some(expected));
        }
        // A signature over other bytes than the token's own.
        let good = make_header(&key, &token(user, 5000, 3));
        let raw = String::from_utf8(
            base64::engine::general_purpose::STANDARD.decode(good.strip_prefix(PREFIX).unwrap()).unwrap(),
        )
        .unwrap();
        let tampered = raw.replace("\"nonce\":\"n-1\"", "\"nonce\":\"n-2\"");
        let header = format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(tampered));
        assert_eq!(verify(Some(&header), provider, 2000).err(), Some(AuthError::SignatureMismatch));
        // Never-expiring persistent tokens are fine.
        assert!(verify(Some(&make_header(&key, &token(user, 0, 0))), provider, i64::MAX).is_ok());
    }

    #[test]
    fn the_token_is_split_at_the_first_bar_as_0g_splits_it() {
        // A correctly signed token whose JSON holds a '|': 0G's broker (SplitN at the first
        // '|') reads half the JSON and refuses it, so the devnet does too.
        let (key, user) = key();
        let header = make_header(&key, &token(user, 5000, 3).replace("n-1", "n|1"));
        let err = verify(Some(&header), PROVIDER.parse().unwrap(), 2000).unwrap_err();
        assert!(matches!(err, AuthError::Token(_)), "{err:?}");
        // Without a '|' at all there is no signature part.
        let no_bar = format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(token(user, 5000, 3)));
        assert_eq!(verify(Some(&no_bar), PROVIDER.parse().unwrap(), 2000).err(), Some(AuthError::Payload));
    }

    #[test]
    fn crafted_times_are_refused_without_a_panic() {
        // Unsigned: the times are read before the signature, so they must not overflow.
        let (_, user) = key();
        let json = token(user, i64::MAX, 255).replace("\"timestamp\":1000", &format!("\"timestamp\":{}", i64::MIN));
        let header = format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(format!("{json}|0x00")));
        assert_eq!(verify(Some(&header), PROVIDER.parse().unwrap(), 2000).err(), Some(AuthError::EphemeralTooLong));
    }
}
