//! Where this code's wasm-bindgen glue was loaded from. The wasm loaded later (the workers'
//! and the verifiers' module) sits in directories beside it in `dist/`, so their URLs are
//! resolved against this one and `dist/` works from any sub-path.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// The glue's own URL (`import.meta.url`).
pub fn url() -> String {
    GLUE_URL.with(String::clone)
}

/// `path` (relative, e.g. `"llm-worker/zg-llm-worker.js"`) resolved against the glue's URL.
pub fn beside(path: &str) -> Result<String, JsValue> {
    Ok(web_sys::Url::new_with_base(path, &url())?.href())
}
