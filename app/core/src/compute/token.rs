//! 0G's session tokens, made the way 0G's SDK makes them (`generateSessionToken`) and the
//! provider checks them (devnet/src/compute_provider/auth.rs):
//! `Authorization: Bearer app-sk-<base64(json|0xsignature)>`, where `json` is
//! `{"address","provider","timestamp","expiresAt","nonce","generation","tokenId"}` (times in
//! ms) and the signature is the wallet's EIP-191 `personal_sign` of keccak256(json), 65
//! bytes with v = 27/28. The app makes ephemeral tokens (id 255, at most 24 h) that carry
//! the sub-account's current `generation`. The key is borrowed, never kept or printed.
//! 0G's broker splits the payload at the *first* `|` (`strings.SplitN(…, "|", 2)`), so the
//! JSON must hold none: the nonce is hex.

use alloy_primitives::{eip191_hash_message, keccak256, Address};
use base64::Engine;
use k256::ecdsa::SigningKey;

pub const EPHEMERAL_TOKEN_ID: u8 = 255;
/// How long the app's tokens live.
pub const TOKEN_LIFETIME_MS: i64 = 60 * 60 * 1000;
pub const PREFIX: &str = "Bearer app-sk-";

/// The `Authorization` header value for `provider`, signed by `key`.
pub fn session_header(key: &SigningKey, provider: Address, now_ms: i64, generation: u64, nonce: &str) -> String {
    let address = crate::wallet::signer::address_of(key);
    let json = serde_json::json!({
        "address": address.to_checksum(None),
        "provider": provider.to_checksum(None),
        "timestamp": now_ms,
        "expiresAt": now_ms + TOKEN_LIFETIME_MS,
        "nonce": nonce,
        "generation": generation,
        "tokenId": EPHEMERAL_TOKEN_ID,
    })
    .to_string();
    let digest = eip191_hash_message(keccak256(json.as_bytes()));
    let (sig, recovery) = key.sign_prehash_recoverable(digest.as_slice()).expect("a 32-byte digest signs");
    let mut bytes = sig.to_bytes().to_vec();
    bytes.push(27 + recovery.to_byte());
    let payload = format!("{json}|0x{}", hex::encode(bytes));
    format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::Signature;

    /// The provider's parsing rules (auth.rs `verify`, 0G's `ValidateSession`), restated:
    /// prefix, base64, split at the first '|', JSON fields, EIP-191 over keccak256(json),
    /// recovery to `address`.
    fn provider_verify(header: &str, provider: Address, now_ms: i64) -> Result<Address, String> {
        let encoded = header.trim().strip_prefix(PREFIX).ok_or("missing")?;
        let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| "base64")?;
        let decoded = String::from_utf8(decoded).map_err(|_| "payload")?;
        let (raw, signature) = decoded.split_once('|').ok_or("payload")?;
        let v: serde_json::Value = serde_json::from_str(raw).map_err(|_| "json")?;
        let claimed: Address = v["address"].as_str().ok_or("address")?.parse().map_err(|_| "address")?;
        if v["provider"].as_str().and_then(|p| p.parse::<Address>().ok()) != Some(provider) {
            return Err("wrong provider".into());
        }
        let (ts, exp) = (v["timestamp"].as_i64().ok_or("ts")?, v["expiresAt"].as_i64().ok_or("exp")?);
        if v["tokenId"].as_u64() == Some(255) && (exp == 0 || exp - ts > 24 * 3600 * 1000) {
            return Err("ephemeral".into());
        }
        if exp > 0 && now_ms > exp {
            return Err("expired".into());
        }
        v["nonce"].as_str().ok_or("nonce")?;
        v["generation"].as_u64().ok_or("generation")?;
        let bytes = hex::decode(signature.trim().trim_start_matches("0x")).map_err(|_| "sig")?;
        let sig = Signature::try_from(bytes.as_slice()).map_err(|_| "sig")?;
        let signer = sig
            .recover_address_from_prehash(&eip191_hash_message(keccak256(raw.as_bytes())))
            .map_err(|_| "mismatch")?;
        if signer != claimed {
            return Err("mismatch".into());
        }
        Ok(signer)
    }

    #[test]
    fn round_trips_through_the_providers_rules() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let provider = Address::repeat_byte(0x23);
        let header = session_header(&key, provider, 1_000, 0, "0a1b");
        assert_eq!(provider_verify(&header, provider, 2_000), Ok(crate::wallet::signer::address_of(&key)));
        assert_eq!(provider_verify(&header, Address::repeat_byte(1), 2_000), Err("wrong provider".into()));
        assert_eq!(provider_verify(&header, provider, 1_000 + TOKEN_LIFETIME_MS + 1), Err("expired".into()));
        // Another signer's token claiming this address fails.
        let other = SigningKey::from_slice(&[8u8; 32]).unwrap();
        let forged = session_header(&other, provider, 1_000, 0, "n");
        let raw = String::from_utf8(
            base64::engine::general_purpose::STANDARD.decode(forged.strip_prefix(PREFIX).unwrap()).unwrap(),
        )
        .unwrap();
        let swapped = raw.replace(
            &crate::wallet::signer::address_of(&other).to_checksum(None),
            &crate::wallet::signer::address_of(&key).to_checksum(None),
        );
        let header = format!("{PREFIX}{}", base64::engine::general_purpose::STANDARD.encode(swapped));
        assert_eq!(provider_verify(&header, provider, 2_000), Err("mismatch".into()));
        // A '|' inside the JSON cuts it at the first '|': 0G refuses such a token, which
        // is why the app's nonces are hex.
        let barred = session_header(&key, provider, 1_000, 0, "n|1");
        assert_eq!(provider_verify(&barred, provider, 2_000), Err("json".into()));
    }
}
