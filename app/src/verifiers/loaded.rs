//! The page's side: the module is imported once per page (concurrent first users share
//! the one import; a failed import is retried by the next user), then its exports are
//! called synchronously.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use alloy_consensus::Header;
use alloy_primitives::{Address, Bytes, B256};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_light_client::call::{CallError, Missing, ProvenState};
use wasm_light_client::cometbft::bls::{BlsError, SignatureScheme};
use wasm_light_client::{CallRequest, Evm, Executed};
use zg_core::compute::attestation::{Attestation, NotAttested};

use super::protocol::{QuoteCheck, RoundAnswer, RoundRef, SignatureCheck};
use super::VerifiersError;

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    /// `import(url)`: a module script loaded on demand, as the browser loads any other.
    fn import_module(url: &str) -> js_sys::Promise;
}

/// The loaded module's exports.
pub struct Module {
    run_call_round: Function,
    verify_signature: Function,
    attest: Function,
}

type Loading = Shared<LocalBoxFuture<'static, Result<Rc<Module>, VerifiersError>>>;

thread_local!(static MODULE: RefCell<Option<Loading>> = const { RefCell::new(None) });

/// The module, imported on the first call.
pub async fn load() -> Result<Rc<Module>, VerifiersError> {
    let loading = MODULE.with(|m| m.borrow_mut().get_or_insert_with(|| import().boxed_local().shared()).clone());
    let loaded = loading.await;
    if loaded.is_err() {
        MODULE.with(|m| m.borrow_mut().take());
    }
    loaded
}

async fn import() -> Result<Rc<Module>, VerifiersError> {
    let fail = |what: &str, e: JsValue| VerifiersError(format!("{what}: {}", describe(&e)));
    let url = crate::glue::beside("verifiers/zg-verifiers.js").map_err(|e| fail("no URL for it", e))?;
    let glue = JsFuture::from(import_module(&url)).await.map_err(|e| fail("its script did not load", e))?;
    let init: Function = export(&glue, "default")?;
    JsFuture::from(
        init.call0(&JsValue::NULL).map_err(|e| fail("its wasm did not start", e))?.unchecked_into::<js_sys::Promise>(),
    )
    .await
    .map_err(|e| fail("its wasm did not start", e))?;
    Ok(Rc::new(Module {
        run_call_round: export(&glue, "run_call_round")?,
        verify_signature: export(&glue, "verify_signature")?,
        attest: export(&glue, "attest")?,
    }))
}

fn export(glue: &JsValue, name: &str) -> Result<Function, VerifiersError> {
    Reflect::get(glue, &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| VerifiersError(format!("it has no `{name}` export (an older build of the app?)")))
}

fn describe(e: &JsValue) -> String {
    Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

impl Module {
    /// Calls `export` with `request` (JSON) and reads its JSON answer.
    fn ask<T: serde::de::DeserializeOwned>(&self, export: &Function, request: &str) -> Result<T, String> {
        let answer = export.call1(&JsValue::NULL, &JsValue::from_str(request)).map_err(|e| describe(&e))?;
        let answer = answer.as_string().ok_or("it answered with something other than text")?;
        serde_json::from_str(&answer).map_err(|e| format!("its answer did not parse: {e}"))
    }

    pub fn attest(&self, body: &[u8], now_secs: u64, signer: Address) -> Attestation {
        let request = QuoteCheck { body: Bytes::copy_from_slice(body), now_secs, signer };
        let request = serde_json::to_string(&request).expect("the protocol's types serialise");
        self.ask(&self.attest, &request)
            .unwrap_or_else(|e| Attestation::NotAttested(NotAttested::VerifierUnavailable(e)))
    }
}

/// revm, in the module.
pub struct LoadedEvm(pub Rc<Module>);

impl Evm for LoadedEvm {
    fn run_round(
        &self,
        header: &Header,
        chain_id: u64,
        block_hashes: &BTreeMap<u64, B256>,
        state: &ProvenState,
        request: &CallRequest,
    ) -> Result<(Executed, Missing), CallError> {
        let round = RoundRef { header, chain_id, block_hashes, state, request };
        let round = serde_json::to_string(&round).expect("the protocol's types serialise");
        self.0.ask::<RoundAnswer>(&self.0.run_call_round, &round).map_err(CallError::Unavailable)?
    }
}

/// BLS12-381, in the module.
pub struct LoadedBls(pub Rc<Module>);

impl SignatureScheme for LoadedBls {
    fn verify_aggregate(&self, keys: &[&[u8]], message: &[u8], sig: &[u8]) -> Result<(), BlsError> {
        let check = SignatureCheck {
            keys: keys.iter().map(|k| Bytes::copy_from_slice(k)).collect(),
            message: Bytes::copy_from_slice(message),
            signature: Bytes::copy_from_slice(sig),
        };
        let check = serde_json::to_string(&check).expect("the protocol's types serialise");
        self.0.ask::<Result<(), BlsError>>(&self.0.verify_signature, &check).map_err(BlsError::Unavailable)?
    }
}
