//! What a provider's answer signature covers, and the check that it holds. 0G's TEE
//! providers sign (EIP-191 `personal_sign`) the text `sha256hex(request):sha256hex(response)`
//! over the exact bytes sent and received, with the signer the registry acknowledges
//! (`Service.teeSignerAddress`). The text is recomputed here from our own bytes; the
//! provider's `text` and `signing_address` are compared, never believed.

use alloy_primitives::{eip191_hash_message, Address, Signature};
use sha2::{Digest, Sha256};

/// `sha256hex(request):sha256hex(response)`.
pub fn signed_text(request: &[u8], response: &[u8]) -> String {
    format!("{}:{}", hex::encode(Sha256::digest(request)), hex::encode(Sha256::digest(response)))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerSignatureError {
    #[error("the provider signed other bytes than the request and answer we exchanged")]
    TextMismatch,
    #[error("the signature is not 65 bytes of hex")]
    Malformed,
    #[error("the signature was made by {signer}, not by the provider's acknowledged signer {expected}")]
    WrongSigner { signer: Address, expected: Address },
    #[error("the registry does not acknowledge this provider's signer")]
    NotAcknowledged,
}

/// Checks that `signature` over `claimed_text` recovers to `expected`, and that
/// `claimed_text` is what our request and response bytes hash to.
pub fn verify(
    request: &[u8],
    response: &[u8],
    claimed_text: &str,
    signature: &str,
    expected: Address,
    acknowledged: bool,
) -> Result<(), AnswerSignatureError> {
    if !acknowledged {
        return Err(AnswerSignatureError::NotAcknowledged);
    }
    let text = signed_text(request, response);
    if claimed_text != text {
        return Err(AnswerSignatureError::TextMismatch);
    }
    let bytes = hex::decode(signature.trim().trim_start_matches("0x")).map_err(|_| AnswerSignatureError::Malformed)?;
    let sig = Signature::try_from(bytes.as_slice()).map_err(|_| AnswerSignatureError::Malformed)?;
    let signer = sig
        .recover_address_from_prehash(&eip191_hash_message(text.as_bytes()))
        .map_err(|_| AnswerSignatureError::Malformed)?;
    if signer != expected {
        return Err(AnswerSignatureError::WrongSigner { signer, expected });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k256::ecdsa::SigningKey;

    fn sign(key: &SigningKey, text: &str) -> String {
        let (sig, rec) = key.sign_prehash_recoverable(eip191_hash_message(text.as_bytes()).as_slice()).unwrap();
        let mut bytes = sig.to_bytes().to_vec();
        bytes.push(27 + rec.to_byte());
        format!("0x{}", hex::encode(bytes))
    }

    #[test]
    fn accepts_the_signer_and_nothing_else() {
        let signer = SigningKey::from_slice(&[9u8; 32]).unwrap();
        let address = crate::wallet::signer::address_of(&signer);
        let (req, resp) = (&b"{\"messages\":[]}"[..], &b"{\"id\":\"chatcmpl-1\"}"[..]);
        let text = signed_text(req, resp);
        assert_eq!(text.len(), 129);
        let sig = sign(&signer, &text);
        assert_eq!(verify(req, resp, &text, &sig, address, true), Ok(()));
        // Another signer.
        let other = SigningKey::from_slice(&[5u8; 32]).unwrap();
        assert!(matches!(
            verify(req, resp, &text, &sign(&other, &text), address, true),
            Err(AnswerSignatureError::WrongSigner { .. })
        ));
        // An altered answer: our bytes no longer hash to the signed text.
        assert_eq!(verify(req, b"{\"id\":\"x\"}", &text, &sig, address, true), Err(AnswerSignatureError::TextMismatch));
        // Altered text signed by nobody: recovers to someone else.
        let altered = signed_text(req, b"other");
        assert!(matches!(
            verify(req, b"other", &altered, &sig, address, true),
            Err(AnswerSignatureError::WrongSigner { .. })
        ));
        assert_eq!(verify(req, resp, &text, "0x12", address, true), Err(AnswerSignatureError::Malformed));
        assert_eq!(verify(req, resp, &text, &sig, address, false), Err(AnswerSignatureError::NotAcknowledged));
    }
}
