//! A `fetch` response's body read with a size cap (runs in wasm32 only: browsers and Node
//! alike; it compiles natively because the app's transport that calls it does).
//!
//! Content-Length can be absent or false, so the cap is applied to what actually arrives:
//! reading stops, and the download is cancelled, as soon as the body passes it. A node
//! that streams without end therefore costs at most `cap` bytes of memory.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why reading a body stopped.
#[derive(Debug)]
pub enum BodyError {
    /// The body passed the cap; the rest was not downloaded.
    TooLarge,
    /// The stream failed (the connection dropped, or the request was aborted).
    Failed(String),
}

/// The body of `response` (a `Response` from `fetch`), or [`BodyError::TooLarge`] as soon
/// as more than `cap` bytes arrived.
pub async fn read_capped(response: &JsValue, cap: usize) -> Result<Vec<u8>, BodyError> {
    let failed = |e: JsValue| BodyError::Failed(e.as_string().unwrap_or_else(|| format!("{e:?}")));
    // Methods are looked up by name: typed bindings for streams would tie this to web-sys
    // features (and to the browser), and Node's fetch has the same shape.
    let method = |target: &JsValue, name: &str| -> Result<Function, BodyError> {
        Reflect::get(target, &JsValue::from_str(name))
            .map_err(failed)?
            .dyn_into::<Function>()
            .map_err(|_| BodyError::Failed(format!("the body has no {name}()")))
    };
    let stream = Reflect::get(response, &JsValue::from_str("body")).map_err(failed)?;
    if stream.is_null() || stream.is_undefined() {
        return Ok(Vec::new());
    }
    let reader = method(&stream, "getReader")?.call0(&stream).map_err(failed)?;
    let read = method(&reader, "read")?;
    let mut out = Vec::new();
    loop {
        let promise = read.call0(&reader).map_err(failed)?.dyn_into::<Promise>().map_err(failed)?;
        let chunk = JsFuture::from(promise).await.map_err(failed)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done")).map_err(failed)?;
        if done.as_bool() != Some(false) {
            return Ok(out);
        }
        let bytes = Uint8Array::new(&Reflect::get(&chunk, &JsValue::from_str("value")).map_err(failed)?);
        let start = out.len();
        if start + bytes.length() as usize > cap {
            // Stops the download; whether cancelling succeeds changes nothing for us.
            if let Ok(cancel) = method(&reader, "cancel") {
                let _ = cancel.call0(&reader);
            }
            return Err(BodyError::TooLarge);
        }
        out.resize(start + bytes.length() as usize, 0);
        bytes.copy_to(&mut out[start..]);
    }
}
