//! What crosses between the page and the verifiers' module: one JSON request per export,
//! one JSON answer. Borrowed on the page's side (nothing is cloned to be sent), owned on
//! the module's.

use std::collections::BTreeMap;

use alloy_consensus::Header;
use alloy_primitives::{Address, Bytes, B256};
use serde::{Deserialize, Serialize};
use wasm_light_client::call::{CallError, Missing, ProvenState};
use wasm_light_client::{CallRequest, Executed};

/// One round of a call ([`wasm_light_client::Evm::run_round`]'s arguments), as the page sends it.
#[derive(Serialize)]
pub struct RoundRef<'a> {
    pub header: &'a Header,
    pub chain_id: u64,
    pub block_hashes: &'a BTreeMap<u64, B256>,
    pub state: &'a ProvenState,
    pub request: &'a CallRequest,
}

/// The same round, as the module reads it.
#[derive(Deserialize)]
pub struct Round {
    pub header: Header,
    pub chain_id: u64,
    pub block_hashes: BTreeMap<u64, B256>,
    pub state: ProvenState,
    pub request: CallRequest,
}

/// A round's answer.
pub type RoundAnswer = Result<(Executed, Missing), CallError>;

/// A signature to check under the sum of `keys`
/// ([`wasm_light_client::cometbft::bls::SignatureScheme::verify_aggregate`]).
#[derive(Serialize, Deserialize)]
pub struct SignatureCheck {
    pub keys: Vec<Bytes>,
    pub message: Bytes,
    pub signature: Bytes,
}

/// A provider's `/v1/quote` body, the time and the signer its report data must bind.
#[derive(Serialize, Deserialize)]
pub struct QuoteCheck {
    pub body: Bytes,
    pub now_secs: u64,
    pub signer: Address,
}
