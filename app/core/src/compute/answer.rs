//! What a provider's answer signature covers, whose it must be, and the check that it holds.
//!
//! 0G's providers sign (EIP-191 `personal_sign`) the text
//! `sha256hex(request):sha256hex(response)` (0g-serving-broker,
//! api/inference/internal/ctrl/chatbot.go `signChatWithKey`) and serve it with the signature
//! at `GET {url}/v1/proxy/signature/{chatKey}?model=…`. Which key must have signed is
//! [`signing_address`], the rule of 0G's SDK (`ResponseProcessor.processResponse`): the
//! service's `teeSignerAddress`, unless its `additionalInfo` says `TargetSeparated` (the
//! model runs in a TEE of its own) for a provider that is not `centralized`, in which case
//! `additionalInfo.TargetTeeAddress`.
//!
//! 0G's SDK checks the signature only. We also compare the signed text with our own bytes,
//! as far as a real broker lets that hold (read in 0g-serving-broker's ctrl/chatbot.go,
//! proxy.go and model_rewrite_test.go):
//! - the **answer**: a broker that signs (not `TargetSeparated`, or centralized) signs
//!   exactly the bytes it sends the client, after its own rewriting ("sanitize-before-sign":
//!   the model name, the id, leak fields, SSE comment lines), so the hash of the bytes we
//!   received must match — a mismatch means the answer was altered on the way;
//! - the **request**: the broker signs the body it *forwarded*, which it may have rewritten
//!   (a multi-model provider replaces `model` with the upstream id), so a different request
//!   hash is reported, not treated as a failure;
//! - a `TargetSeparated` provider's signature comes from the model's TEE over the model's
//!   own bytes, which the broker rewrites before forwarding: only the signature is checked.
//!
//! The provider's `text` is compared, and its `signing_address` never believed.

use alloy_primitives::{eip191_hash_message, Address, Signature};
use sha2::{Digest, Sha256};

use super::contract::Service;

/// `sha256hex(request):sha256hex(response)`.
pub fn signed_text(request: &[u8], response: &[u8]) -> String {
    format!("{}:{}", hex::encode(Sha256::digest(request)), hex::encode(Sha256::digest(response)))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerSignatureError {
    #[error("the provider signed another answer than the one we received: it was altered on the way")]
    ResponseMismatch,
    #[error("the signed text is not the request and answer hashes 0G's providers sign")]
    TextMalformed,
    #[error("the signature is not 65 bytes of hex")]
    Malformed,
    #[error("the signature was made by {signer}, not by the provider's acknowledged signer {expected}")]
    WrongSigner { signer: Address, expected: Address },
    #[error("the registry does not acknowledge this provider's signer")]
    NotAcknowledged,
    #[error("the provider's registered additionalInfo {0}, so 0G's rules name no signer to check against")]
    NoSignerRule(&'static str),
}

/// Whose signature an answer needs, by 0G's SDK's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignerChoice {
    pub address: Address,
    /// The model runs in a TEE of its own (`TargetSeparated`): that TEE signs, over the
    /// model's own bytes.
    pub separated: bool,
}

/// 0G's SDK's choice of signer from a service's `additionalInfo` (JSON). Like the SDK, an
/// empty or non-JSON `additionalInfo` leaves the answer unverifiable.
pub fn signing_address(service: &Service) -> Result<SignerChoice, AnswerSignatureError> {
    if service.additionalInfo.is_empty() {
        return Err(AnswerSignatureError::NoSignerRule("is empty"));
    }
    let info: serde_json::Value =
        serde_json::from_str(&service.additionalInfo).map_err(|_| AnswerSignatureError::NoSignerRule("is not JSON"))?;
    // An unknown ProviderType counts as "decentralized", as in the SDK.
    let centralized = info.get("ProviderType").and_then(|v| v.as_str()) == Some("centralized");
    let separated = info.get("TargetSeparated").and_then(|v| v.as_bool()) == Some(true);
    let target = info.get("TargetTeeAddress").and_then(|v| v.as_str()).filter(|s| !s.is_empty());
    match target {
        Some(target) if separated && !centralized => {
            let address = target
                .parse()
                .map_err(|_| AnswerSignatureError::NoSignerRule("names a TargetTeeAddress that is not an address"))?;
            Ok(SignerChoice { address, separated: true })
        }
        _ => Ok(SignerChoice { address: service.teeSignerAddress, separated: false }),
    }
}

/// The key to ask a provider for an answer's signature by, and whether it came from the
/// `ZG-Res-Key` header: 0G's broker files signatures under the uuid it sends there, so the
/// completion id is used only when a provider sends no header (0G's docs' fallback, and
/// what a `TargetSeparated` model's own TEE files them under). The key goes into a URL, so
/// only what 0G's broker issues is accepted (`validChatKey`: `^[A-Za-z0-9_-]{1,64}$`).
pub fn signature_key(header: Option<&str>, completion_id: &str) -> Option<(String, bool)> {
    let (key, from_header) = match header.map(str::trim).filter(|h| !h.is_empty()) {
        Some(h) => (h, true),
        None => (completion_id, false),
    };
    let valid =
        (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| (key.to_owned(), from_header))
}

/// How much of the exchange a valid signature was found to cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The request we sent and the answer we received, byte for byte.
    RequestAndAnswer,
    /// The answer we received; the provider signed a request other than ours (a broker may
    /// rewrite it, e.g. the model name).
    AnswerOnly,
    /// The model's TEE signed the model's own bytes, which the provider rewrites before
    /// they reach us: the signature is checked, the bytes cannot be.
    SignatureOnly,
}

impl Coverage {
    /// What was checked, in words, for the UI.
    pub fn describe(self) -> &'static str {
        match self {
            Coverage::RequestAndAnswer => {
                "signed by the acknowledged signer over the request we sent and the answer we received, byte for byte"
            }
            Coverage::AnswerOnly => {
                "signed by the acknowledged signer over the answer we received, byte for byte; the request it signed \
                 differs from ours (providers may rewrite requests, e.g. the model name)"
            }
            Coverage::SignatureOnly => {
                "signed by the model's own TEE signer named in the registry (TargetTeeAddress); it signed the model's \
                 bytes, which the provider rewrites before they reach us, so only the signature could be checked"
            }
        }
    }
}

/// Checks that `signature` over `claimed_text` recovers to the signer `choice` names, and
/// how far `claimed_text` covers our own request and response bytes (see the module's
/// comment for why the request may differ and a separated TEE's text is not compared).
pub fn verify(
    request: &[u8],
    response: &[u8],
    claimed_text: &str,
    signature: &str,
    choice: SignerChoice,
    acknowledged: bool,
) -> Result<Coverage, AnswerSignatureError> {
    if !acknowledged {
        return Err(AnswerSignatureError::NotAcknowledged);
    }
    let bytes = hex::decode(signature.trim().trim_start_matches("0x")).map_err(|_| AnswerSignatureError::Malformed)?;
    let sig = Signature::try_from(bytes.as_slice()).map_err(|_| AnswerSignatureError::Malformed)?;
    let signer = sig
        .recover_address_from_prehash(&eip191_hash_message(claimed_text.as_bytes()))
        .map_err(|_| AnswerSignatureError::Malformed)?;
    if signer != choice.address {
        return Err(AnswerSignatureError::WrongSigner { signer, expected: choice.address });
    }
    if choice.separated {
        return Ok(Coverage::SignatureOnly);
    }
    let (signed_request, signed_response) = claimed_text.split_once(':').ok_or(AnswerSignatureError::TextMalformed)?;
    let is_hash = |h: &str| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hash(signed_request) || !is_hash(signed_response) {
        return Err(AnswerSignatureError::TextMalformed);
    }
    let ours = signed_text(request, response);
    let (our_request, our_response) = ours.split_at(64);
    if !signed_response.eq_ignore_ascii_case(&our_response[1..]) {
        return Err(AnswerSignatureError::ResponseMismatch);
    }
    Ok(if signed_request.eq_ignore_ascii_case(our_request) { Coverage::RequestAndAnswer } else { Coverage::AnswerOnly })
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

    fn broker(address: Address) -> SignerChoice {
        SignerChoice { address, separated: false }
    }

    #[test]
    fn accepts_the_signer_and_nothing_else() {
        let signer = SigningKey::from_slice(&[9u8; 32]).unwrap();
        let address = crate::wallet::signer::address_of(&signer);
        let (req, resp) = (&b"{\"messages\":[]}"[..], &b"{\"id\":\"chatcmpl-1\"}"[..]);
        let text = signed_text(req, resp);
        assert_eq!(text.len(), 129);
        let sig = sign(&signer, &text);
        assert_eq!(verify(req, resp, &text, &sig, broker(address), true), Ok(Coverage::RequestAndAnswer));
        // Another signer.
        let other = SigningKey::from_slice(&[5u8; 32]).unwrap();
        assert!(matches!(
            verify(req, resp, &text, &sign(&other, &text), broker(address), true),
            Err(AnswerSignatureError::WrongSigner { .. })
        ));
        // An altered answer: our bytes no longer hash to the signed text.
        assert_eq!(
            verify(req, b"{\"id\":\"x\"}", &text, &sig, broker(address), true),
            Err(AnswerSignatureError::ResponseMismatch)
        );
        // Altered text signed by nobody: recovers to someone else.
        let altered = signed_text(req, b"other");
        assert!(matches!(
            verify(req, b"other", &altered, &sig, broker(address), true),
            Err(AnswerSignatureError::WrongSigner { .. })
        ));
        assert_eq!(verify(req, resp, &text, "0x12", broker(address), true), Err(AnswerSignatureError::Malformed));
        assert_eq!(verify(req, resp, &text, &sig, broker(address), false), Err(AnswerSignatureError::NotAcknowledged));
        let junk = "not a pair of hashes";
        assert_eq!(
            verify(req, resp, junk, &sign(&signer, junk), broker(address), true),
            Err(AnswerSignatureError::TextMalformed)
        );
    }

    #[test]
    fn the_signature_is_asked_for_by_the_zg_res_key_uuid() {
        let uuid = "6ac96fae-e0b9-4804-8e11-ad5c0da88700";
        let id = format!("chatcmpl-{uuid}");
        assert_eq!(signature_key(Some(uuid), &id), Some((uuid.to_owned(), true)));
        // Only without the header: the completion id.
        assert_eq!(signature_key(None, &id), Some((id.clone(), false)));
        assert_eq!(signature_key(Some(" "), &id), Some((id.clone(), false)));
        // Nothing that could leave the signature path.
        assert_eq!(signature_key(Some("../admin?x=1"), &id), None);
        assert_eq!(signature_key(None, "a/b"), None);
        assert_eq!(signature_key(Some(&"a".repeat(65)), &id), None);
    }

    #[test]
    fn a_rewritten_request_is_reported_not_refused() {
        // A broker that replaced the model name signs the request it forwarded.
        let signer = SigningKey::from_slice(&[9u8; 32]).unwrap();
        let address = crate::wallet::signer::address_of(&signer);
        let (ours, forwarded, resp) = (&b"{\"model\":\"a\"}"[..], &b"{\"model\":\"z-ai/a\"}"[..], &b"answer"[..]);
        let text = signed_text(forwarded, resp);
        assert_eq!(verify(ours, resp, &text, &sign(&signer, &text), broker(address), true), Ok(Coverage::AnswerOnly));
    }

    #[test]
    fn a_separated_tee_is_checked_by_its_signature_only() {
        let tee = SigningKey::from_slice(&[3u8; 32]).unwrap();
        let choice = SignerChoice { address: crate::wallet::signer::address_of(&tee), separated: true };
        let text = signed_text(b"the model's own request", b"the model's own answer");
        let sig = sign(&tee, &text);
        assert_eq!(verify(b"ours", b"ours", &text, &sig, choice, true), Ok(Coverage::SignatureOnly));
        let broker_key = SigningKey::from_slice(&[4u8; 32]).unwrap();
        assert!(matches!(
            verify(b"ours", b"ours", &text, &sign(&broker_key, &text), choice, true),
            Err(AnswerSignatureError::WrongSigner { .. })
        ));
    }

    #[test]
    fn the_signer_is_chosen_by_0gs_rule() {
        let broker_signer = Address::repeat_byte(0xb0);
        let tee = Address::repeat_byte(0x7e);
        let service = |info: &str| Service {
            teeSignerAddress: broker_signer,
            additionalInfo: info.to_owned(),
            ..Default::default()
        };
        let pick = |info: &str| signing_address(&service(info));
        let separated = format!(r#"{{"TargetSeparated":true,"TargetTeeAddress":"{tee}"}}"#);
        assert_eq!(pick(&separated), Ok(SignerChoice { address: tee, separated: true }));
        // The broker's own signer: not separated, or centralized (its broker signs a routing
        // proof), or separated without a target address.
        let same = format!(r#"{{"TargetSeparated":false,"TargetTeeAddress":"{tee}"}}"#);
        assert_eq!(pick(&same), Ok(SignerChoice { address: broker_signer, separated: false }));
        let centralized =
            format!(r#"{{"ProviderType":"centralized","TargetSeparated":true,"TargetTeeAddress":"{tee}"}}"#);
        assert_eq!(pick(&centralized).unwrap().address, broker_signer);
        assert_eq!(pick(r#"{"TargetSeparated":true}"#).unwrap().address, broker_signer);
        // An unknown ProviderType is "decentralized", as in the SDK.
        let odd = format!(r#"{{"ProviderType":"odd","TargetSeparated":true,"TargetTeeAddress":"{tee}"}}"#);
        assert_eq!(pick(&odd).unwrap().address, tee);
        // TargetSeparated must be the JSON boolean true.
        let string = format!(r#"{{"TargetSeparated":"true","TargetTeeAddress":"{tee}"}}"#);
        assert_eq!(pick(&string).unwrap().address, broker_signer);
        assert!(matches!(pick(""), Err(AnswerSignatureError::NoSignerRule(_))));
        assert!(matches!(pick("not json"), Err(AnswerSignatureError::NoSignerRule(_))));
        assert!(matches!(
            pick(r#"{"TargetSeparated":true,"TargetTeeAddress":"0x12"}"#),
            Err(AnswerSignatureError::NoSignerRule(_))
        ));
    }
}
