//! The heavy verifiers, loaded on first use: revm (a contract read runs locally over
//! proven state), BLS12-381 pairings (0G's CometBFT validators' signatures) and Intel's
//! TDX quote verification (a compute provider's attestation). Together they are about a
//! third of a megabyte of gzip-compressed wasm that the first page never runs, so they
//! live in a wasm of their own, the `zg-verifiers` bin (trunk builds it into
//! `dist/verifiers/`, see `app/index.html`), which the page imports the first time a
//! contract read, a consensus check or an attestation needs it.
//!
//! The light client takes the EVM and the signature scheme as seams
//! ([`wasm_light_client::Evm`], [`wasm_light_client::cometbft::bls::SignatureScheme`]):
//! the page hands it implementations that call into the loaded module synchronously (the
//! module is awaited before the verification starts, so nothing in the light client
//! becomes async). Natively (tests, the devnet) they are the linked crates themselves.
//!
//! Protocol: JSON strings both ways, [`protocol`]'s types; [`serve`] is the module's
//! side, pure and tested natively, so the bytes each side writes are the ones the other
//! reads; `loaded` is the page's side (wasm32 only).

#[cfg(target_arch = "wasm32")]
mod loaded;
pub mod protocol;
pub mod serve;

use alloy_primitives::Address;
use wasm_light_client::cometbft::bls::SignatureScheme;
use wasm_light_client::Evm;
use zg_core::compute::attestation::Attestation;

/// The module could not be loaded (or an export did not answer as the protocol says).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the verifiers' wasm (dist/verifiers/) did not load: {0}. Reload the page; if it persists, the app's files on this server are incomplete")]
pub struct VerifiersError(pub String);

/// The EVM contract reads run in.
pub async fn evm() -> Result<Box<dyn Evm>, VerifiersError> {
    #[cfg(target_arch = "wasm32")]
    return Ok(Box::new(loaded::LoadedEvm(loaded::load().await?)));
    #[cfg(not(target_arch = "wasm32"))]
    Ok(Box::new(wasm_light_client::Revm))
}

/// The BLS12-381 scheme consensus signatures are checked with.
pub async fn signature_scheme() -> Result<Box<dyn SignatureScheme>, VerifiersError> {
    #[cfg(target_arch = "wasm32")]
    return Ok(Box::new(loaded::LoadedBls(loaded::load().await?)));
    #[cfg(not(target_arch = "wasm32"))]
    Ok(Box::new(wasm_light_client::cometbft::bls::Bls12381))
}

/// A provider's attestation from its `/v1/quote` body, checked at `now_secs` against `signer`.
pub async fn attest(body: &[u8], now_secs: u64, signer: Address) -> Attestation {
    #[cfg(target_arch = "wasm32")]
    return match loaded::load().await {
        Ok(module) => module.attest(body, now_secs, signer),
        Err(e) => Attestation::NotAttested(zg_core::compute::attestation::NotAttested::VerifierUnavailable(e.0)),
    };
    #[cfg(not(target_arch = "wasm32"))]
    zg_core::compute::attestation::attest_answer(body, now_secs, signer)
}
