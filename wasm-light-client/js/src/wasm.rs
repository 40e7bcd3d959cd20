//! JavaScript bindings (wasm32 with feature `exports`). Thin: parse the strings, call the pure
//! functions, turn errors into thrown JS errors whose message is the Rust error text.

use alloy_primitives::B256;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use wasm_light_client::header::verify_header_chain_text;
use wasm_light_client::{verify_account_proof, AccountProofResponse};

fn js_err(msg: impl std::fmt::Display) -> JsError {
    JsError::new(&msg.to_string())
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &js_sys::JsString, dest: &js_sys::Uint8Array) -> EncodeIntoResult;

    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// A JS string as UTF-8, written by the engine's `TextEncoder.encodeInto` straight into
/// wasm memory. The alternatives measured slower on a 480 KB header chain in Chromium:
/// wasm-bindgen's own `&str` argument copies one character at a time in JavaScript
/// (0.85 ms), and `TextEncoder.encode` plus a copy (1.3 ms, over half of
/// `verifyHeaderChain`'s time) against 0.22 ms for `encodeInto`.
///
/// `what` names the argument: a caller that passes anything but a string (an already
/// parsed object, `null`) is told so, not handed an engine TypeError.
fn utf8(value: &JsValue, what: &str) -> Result<String, JsError> {
    let text = value
        .dyn_ref::<js_sys::JsString>()
        .ok_or_else(|| js_err(format!("{what} must be JSON text (a string), not {}", type_name(value))))?;
    let units = text.length();
    // A node's JSON is nearly always ASCII, one byte per UTF-16 unit: the first pass then
    // takes it all. Otherwise the rest takes at most 3 bytes per unit (a surrogate pair,
    // 2 units, is 4), so the second pass always finishes.
    let mut bytes = Vec::with_capacity(units as usize);
    let read = encode_into_spare(text, &mut bytes);
    if read < units {
        let rest = text.slice(read, units);
        bytes.reserve(3 * (units - read) as usize);
        if encode_into_spare(&rest, &mut bytes) < rest.length() {
            return Err(js_err("the text could not be encoded as UTF-8"));
        }
    }
    String::from_utf8(bytes).map_err(js_err)
}

fn type_name(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// Encodes as much of `text` as fits into `bytes`' spare capacity and returns how many
/// UTF-16 units it took.
#[allow(unsafe_code)] // the two blocks below say why each is sound
fn encode_into_spare(text: &js_sys::JsString, bytes: &mut Vec<u8>) -> u32 {
    let spare = bytes.spare_capacity_mut();
    // SAFETY: the view covers `spare`, memory the Vec owns and does not use yet. It lives
    // only for this call, during which nothing allocates, so wasm memory cannot grow and
    // detach it.
    let result = ENCODER.with(|e| unsafe {
        let view = js_sys::Uint8Array::view_mut_raw(spare.as_mut_ptr().cast(), spare.len());
        e.encode_into(text, &view)
    });
    let written = (result.written() as usize).min(spare.len());
    // SAFETY: encodeInto initialised the first `written` spare bytes.
    unsafe { bytes.set_len(bytes.len() + written) };
    result.read()
}

fn parse_hash(s: &str, what: &str) -> Result<B256, JsError> {
    s.parse::<B256>().map_err(|e| js_err(format!("{what} {s:?} is not a 32-byte hex hash: {e}")))
}

/// Verifies an ascending JSON array of `eth_getBlockByNumber(n, false)` results whose
/// first block must hash to `trustedHash`. Returns how many headers verified; throws
/// with the reason and block number otherwise.
#[wasm_bindgen(js_name = verifyHeaderChain)]
pub fn verify_header_chain_js(
    #[wasm_bindgen(unchecked_param_type = "string")] headers_json: &JsValue,
    trusted_hash: &str,
) -> Result<u32, JsError> {
    let trusted = parse_hash(trusted_hash, "trustedHash")?;
    let text = utf8(headers_json, "headersJson")?;
    let verified = verify_header_chain_text(trusted, &text).map_err(js_err)?;
    Ok(verified.len() as u32)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsAccount {
    address: String,
    balance: String,
    nonce: String,
    code_hash: String,
    storage_hash: String,
    storage: Vec<JsSlot>,
}

#[derive(Serialize)]
struct JsSlot {
    key: String,
    value: String,
}

/// Verifies an `eth_getProof` result against `stateRoot`. Returns the proven account
/// (`{address, balance, nonce, codeHash, storageHash, storage: [{key, value}]}`, numbers
/// as decimal strings); throws otherwise.
#[wasm_bindgen(js_name = verifyAccountProof)]
pub fn verify_account_proof_js(
    #[wasm_bindgen(unchecked_param_type = "string")] proof_json: &JsValue,
    state_root: &str,
) -> Result<JsValue, JsError> {
    let root = parse_hash(state_root, "stateRoot")?;
    let response: AccountProofResponse = serde_json::from_str(&utf8(proof_json, "proofJson")?)
        .map_err(|e| js_err(format!("proofJson is not an eth_getProof result: {e}")))?;
    let account = verify_account_proof(root, &response).map_err(js_err)?;
    let out = JsAccount {
        address: account.address.to_checksum(None),
        balance: account.balance.to_string(),
        nonce: account.nonce.to_string(),
        code_hash: account.code_hash.to_string(),
        storage_hash: account.storage_root.to_string(),
        storage: account
            .storage
            .iter()
            .map(|(k, v)| JsSlot { key: format!("0x{k:x}"), value: v.to_string() })
            .collect(),
    };
    // One JSON text and the engine's JSON.parse: building the object field by field
    // through serde-wasm-bindgen crosses into JavaScript once per field and was a fifth
    // of this call's time.
    let text = serde_json::to_string(&out).map_err(js_err)?;
    js_sys::JSON::parse(&text).map_err(|_| js_err("the proven account did not serialise"))
}

/// The 0G Storage root of `bytes` (0x-hex), as 0G's SDK computes it. Throws on an empty file.
#[wasm_bindgen(js_name = zgStorageRoot)]
pub fn zg_storage_root(bytes: &[u8]) -> Result<String, JsError> {
    wasm_light_client::storage::file_root(bytes).map(|r| r.to_string()).map_err(js_err)
}

/// The Flow submission nodes of `bytes`: `[{root, height}]`, largest first.
#[wasm_bindgen(js_name = zgSubmissionNodes)]
pub fn zg_submission_nodes(bytes: &[u8]) -> Result<JsValue, JsError> {
    let nodes = wasm_light_client::storage::submission_nodes(bytes).map_err(js_err)?;
    let nodes: Vec<_> =
        nodes.iter().map(|n| serde_json::json!({"root": n.root.to_string(), "height": n.height})).collect();
    nodes.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(js_err)
}
