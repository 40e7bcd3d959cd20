//! The module's side of [`super::protocol`]: each export of the `zg-verifiers` bin is one
//! of these, JSON in and JSON out. A request that does not parse is answered with the
//! protocol's own error shapes, so the page always has something to show.

use wasm_light_client::call::{run_round, CallError};
use wasm_light_client::cometbft::bls::{Bls12381, BlsError, SignatureScheme};
use zg_core::compute::attestation::{self, Attestation, NotAttested};

use super::protocol::{QuoteCheck, Round, RoundAnswer, SignatureCheck};

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the protocol's types serialise")
}

/// One round of a call, in revm.
pub fn run_call_round(request: &str) -> String {
    let answer: RoundAnswer = match serde_json::from_str::<Round>(request) {
        Ok(r) => run_round(&r.header, r.chain_id, &r.block_hashes, &r.state, &r.request),
        Err(e) => Err(CallError::Unavailable(format!("the round did not parse: {e}"))),
    };
    to_json(&answer)
}

/// One BLS12-381 signature (or aggregate) check.
pub fn verify_signature(request: &str) -> String {
    let answer: Result<(), BlsError> = match serde_json::from_str::<SignatureCheck>(request) {
        Ok(c) => {
            let keys: Vec<&[u8]> = c.keys.iter().map(|k| k.as_ref()).collect();
            Bls12381.verify_aggregate(&keys, &c.message, &c.signature)
        }
        Err(e) => Err(BlsError::Unavailable(format!("the check did not parse: {e}"))),
    };
    to_json(&answer)
}

/// One provider's attestation.
pub fn attest(request: &str) -> String {
    let answer = match serde_json::from_str::<QuoteCheck>(request) {
        Ok(q) => attestation::attest_answer(&q.body, q.now_secs, q.signer),
        Err(e) => Attestation::NotAttested(NotAttested::VerifierUnavailable(format!("the request did not parse: {e}"))),
    };
    to_json(&answer)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use alloy_consensus::Header;
    use alloy_primitives::{Address, Bytes, TxKind, U256};
    use wasm_light_client::call::ProvenState;
    use wasm_light_client::cometbft::bls::{aggregate_signatures, SecretKey};
    use wasm_light_client::{CallOutcome, CallRequest, Executed};

    use super::super::protocol::{QuoteCheck, RoundRef, SignatureCheck};
    use super::*;

    fn round_trip(header: &Header, state: &ProvenState, request: &CallRequest) -> RoundAnswer {
        let hashes = BTreeMap::new();
        let sent = serde_json::to_string(&RoundRef { header, chain_id: 16600, block_hashes: &hashes, state, request })
            .unwrap();
        serde_json::from_str(&run_call_round(&sent)).unwrap()
    }

    #[test]
    fn a_round_through_the_protocol_is_revms_own() {
        let header = Header { number: 7, gas_limit: 30_000_000, base_fee_per_gas: Some(1), ..Default::default() };
        let to = Address::repeat_byte(0x11);
        let request =
            CallRequest { from: None, to: TxKind::Call(to), data: Bytes::from_static(&[1, 2]), value: U256::ZERO };
        let state = ProvenState::default();
        let direct = run_round(&header, 16600, &BTreeMap::new(), &state, &request);
        let through = round_trip(&header, &state, &request);
        assert_eq!(through, direct);
        // Nothing is proven yet, so the round must ask for the callee.
        let (_, missing) = through.unwrap();
        assert!(missing.slots.contains_key(&to), "{missing:?}");
    }

    #[test]
    fn creation_code_runs_through_the_protocol() {
        // PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN: returns 42 as a word.
        let code = Bytes::from_static(&[0x60, 42, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3]);
        let header = Header { number: 1, gas_limit: 30_000_000, ..Default::default() };
        let request = CallRequest { from: None, to: TxKind::Create, data: code, value: U256::ZERO };
        let answer = round_trip(&header, &ProvenState::default(), &request);
        assert_eq!(answer, run_round(&header, 16600, &BTreeMap::new(), &ProvenState::default(), &request));
        let (Executed { outcome: CallOutcome::Success(out), gas_spent, .. }, missing) = answer.unwrap() else {
            panic!("the creation code should return")
        };
        assert_eq!(U256::from_be_slice(&out), U256::from(42));
        assert!(gas_spent > 53_000, "a creation costs at least 53,000 gas: {gas_spent}");
        // The sender (zero) and the new address are read, so the round names them to prove.
        assert_eq!(missing.slots.len(), 2, "{missing:?}");
    }

    #[test]
    fn signatures_check_through_the_protocol() {
        let signers: Vec<SecretKey> = ["a", "b", "c"].iter().map(|s| SecretKey::from_seed(s.as_bytes())).collect();
        let message = b"a vote".to_vec();
        let signatures: Vec<[u8; 96]> = signers.iter().map(|k| k.sign(&message)).collect();
        let aggregate = aggregate_signatures(&signatures);
        let keys: Vec<Bytes> = signers.iter().map(|k| Bytes::from(k.public_key().to_vec())).collect();
        let check = |keys: &[Bytes], message: &[u8]| -> Result<(), BlsError> {
            let sent = SignatureCheck {
                keys: keys.to_vec(),
                message: Bytes::from(message.to_vec()),
                signature: Bytes::from(aggregate.to_vec()),
            };
            serde_json::from_str(&verify_signature(&serde_json::to_string(&sent).unwrap())).unwrap()
        };
        assert_eq!(check(&keys, &message), Ok(()));
        assert_eq!(check(&keys[..2], &message), Err(BlsError::Mismatch));
        assert_eq!(check(&keys, b"another vote"), Err(BlsError::Mismatch));
        assert_eq!(check(&[Bytes::from(vec![0u8; 96])], &message), Err(BlsError::BadKey(96)));
    }

    #[test]
    fn an_answer_without_a_quote_comes_back_as_such() {
        let sent = QuoteCheck { body: Bytes::from_static(b"{\"quote\":null}"), now_secs: 0, signer: Address::ZERO };
        let answer: Attestation = serde_json::from_str(&attest(&serde_json::to_string(&sent).unwrap())).unwrap();
        assert_eq!(answer, Attestation::NotAttested(NotAttested::NoQuote));
        let garbled: Attestation = serde_json::from_str(&attest("{")).unwrap();
        assert!(matches!(garbled, Attestation::NotAttested(NotAttested::VerifierUnavailable(_))), "{garbled:?}");
    }

    #[test]
    fn requests_that_do_not_parse_get_the_protocols_errors() {
        let round: RoundAnswer = serde_json::from_str(&run_call_round("[]")).unwrap();
        assert!(matches!(round, Err(CallError::Unavailable(_))), "{round:?}");
        let sig: Result<(), BlsError> = serde_json::from_str(&verify_signature("null")).unwrap();
        assert!(matches!(sig, Err(BlsError::Unavailable(_))), "{sig:?}");
    }
}
