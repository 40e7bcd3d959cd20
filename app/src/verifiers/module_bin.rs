//! `zg-verifiers`: the wasm the page imports the first time it runs a contract read, checks
//! consensus signatures or a provider's attestation (built by trunk from `app/index.html`
//! into `dist/verifiers/`). Its exports are `zg_console::verifiers::serve`'s functions; it
//! links revm, BLS12-381 and dcap-qvl, which the app's own wasm then leaves out.

#[cfg(target_arch = "wasm32")]
mod exports {
    use wasm_bindgen::prelude::*;
    use zg_console::verifiers::serve;

    #[wasm_bindgen]
    pub fn run_call_round(request: &str) -> String {
        serve::run_call_round(request)
    }

    #[wasm_bindgen]
    pub fn verify_signature(request: &str) -> String {
        serve::verify_signature(request)
    }

    #[wasm_bindgen]
    pub fn attest(request: &str) -> String {
        serve::attest(request)
    }
}

fn main() {}
