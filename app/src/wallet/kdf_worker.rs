//! Runs a key file's key derivation (scrypt or PBKDF2, `keystore::KdfParams::derive`) in a
//! Web Worker, so importing or exporting a key file does not freeze the page for the second
//! or more that scrypt takes; if no worker can start, on the page's thread with the same result.
//!
//! Must never: send anything to a worker before the file's KDF cost has passed
//! `keystore::parse_v3`'s bounds (a `KdfParams` only exists within them, and the worker checks
//! them again); log or format the password or the derived key; or leave a copy of either
//! behind. The password and the derived key cross as transferred `ArrayBuffer`s (moved, not
//! copied), every Rust copy is `Zeroizing`, every JS view is overwritten with zeros once read,
//! and each worker serves one derivation and is then terminated, taking its memory (scrypt's
//! 128 MiB among it) with it.
//!
//! The worker is its own small wasm, the `zg-kdf-worker` bin (trunk builds it into
//! `dist/kdf-worker/`, see `app/index.html`), not a message kind of the file-hashing worker:
//! that one promises that nothing secret ever reaches it, and this one links only the KDFs.
//! It starts from a tiny module script (a Blob URL) that imports a wasm-bindgen glue by URL:
//! - in the app, `kdf-worker/zg-kdf-worker.js`, whose `main` calls [`start`];
//! - in wasm-bindgen tests, the running module itself; the test binary exports
//!   `zgKdfWorkerStart`, which calls [`start`].
//!
//! Protocol: page → `{glue, module, start}`; worker → `{ready: true}` (or `{fatal}` if its wasm
//! did not load); page → `{kdf: "scrypt", n, r, p, salt, password}` or
//! `{kdf: "pbkdf2", c, salt, password}` (salt and password as `ArrayBuffer`s, transferred);
//! worker → `{key}` (an `ArrayBuffer` of 32 bytes, transferred) or `{error}`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use k256::ecdsa::SigningKey;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use zeroize::Zeroizing;

use super::keystore::{self, DerivedKey, KdfParams, KdfSetting, KeyFileDraft, KeystoreError};

/// Where the worker's wasm comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerScript {
    /// `kdf-worker/zg-kdf-worker.js` next to the app's own glue (the trunk build).
    Trunk,
    /// This module itself; the binary must export `zgKdfWorkerStart` (tests).
    SameModule,
}

/// Where a derivation ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfPath {
    Worker,
    MainThread,
}

/// How long a worker may take to load its wasm before the page derives the key itself.
const START_TIMEOUT_MS: u32 = 20_000;

const BOOTSTRAP: &str = r#"
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const glue = await import(event.data.glue);
    await glue.default(event.data.module ? { module_or_path: event.data.module } : undefined);
    if (typeof glue[event.data.start] === "function") glue[event.data.start]();
  } catch (e) {
    self.postMessage({ fatal: String(e && e.message ? e.message : e) });
  }
};
"#;

// ---- what the wallet calls ----

/// `keystore::decrypt_v3`, with the key derivation off the page's thread. Every check of the
/// file, its KDF's bounds among them, runs first, on the page.
pub async fn decrypt_v3(json: &str, password: &str) -> Result<SigningKey, KeystoreError> {
    let file = keystore::parse_v3(json)?;
    let (derived, _) = derive(WorkerScript::Trunk, file.kdf(), password.as_bytes(), file.salt()).await;
    file.unlock(&derived)
}

/// `keystore::encrypt_v3`, with the key derivation off the page's thread. `key` is asked for
/// only once the derived key is there, so the private key is held for no longer than before.
pub async fn encrypt_v3<E>(
    key: impl FnOnce() -> Result<SigningKey, E>,
    password: &str,
    kdf: KdfParams,
) -> Result<String, E> {
    let draft = KeyFileDraft::new(kdf);
    let (derived, _) = derive(WorkerScript::Trunk, draft.kdf(), password.as_bytes(), draft.salt()).await;
    let key = key()?;
    Ok(draft.finish(&key, &derived))
}

/// The derived key, from a worker running `script`, or from this thread if no worker could
/// start or the worker failed; the same bytes either way.
pub async fn derive(script: WorkerScript, kdf: KdfParams, password: &[u8], salt: &[u8]) -> (DerivedKey, KdfPath) {
    match derive_in_worker(script, kdf, password, salt).await {
        Ok(key) => (key, KdfPath::Worker),
        Err(reason) => {
            gloo::console::warn!(format!("key derivation runs on the page (the page pauses meanwhile): {reason}"));
            (kdf.derive(password, salt), KdfPath::MainThread)
        }
    }
}

/// The derived key from a new worker running `script`, which is then terminated. The error
/// says why the worker could not do it (never anything of the password or key).
pub async fn derive_in_worker(
    script: WorkerScript,
    kdf: KdfParams,
    password: &[u8],
    salt: &[u8],
) -> Result<DerivedKey, String> {
    let worker = OneShotWorker::start(script).await?;
    let reply = worker.run(&request(kdf, password, salt)).await?;
    key_from_reply(&reply)
}

/// The job message; the password and salt are in fresh buffers listed for transfer.
pub fn request(kdf: KdfParams, password: &[u8], salt: &[u8]) -> (Object, Array) {
    let message = Object::new();
    match kdf.setting() {
        KdfSetting::Scrypt { n, r, p } => {
            set(&message, "kdf", &"scrypt".into());
            set(&message, "n", &(n as f64).into());
            set(&message, "r", &(r as f64).into());
            set(&message, "p", &(p as f64).into());
        }
        KdfSetting::Pbkdf2Sha256 { c } => {
            set(&message, "kdf", &"pbkdf2".into());
            set(&message, "c", &(c as f64).into());
        }
    }
    let password_js = Uint8Array::new_with_length(password.len() as u32);
    password_js.copy_from(password);
    let salt_js = Uint8Array::from(salt);
    set(&message, "password", &password_js.buffer());
    set(&message, "salt", &salt_js.buffer());
    (message, Array::of2(&password_js.buffer(), &salt_js.buffer()))
}

/// The 32-byte key in a worker's reply; its JS buffer is zeroed once copied out.
pub fn key_from_reply(reply: &JsValue) -> Result<DerivedKey, String> {
    if let Some(error) = get(reply, "error").as_string() {
        return Err(format!("the key derivation worker refused the job: {error}"));
    }
    let buffer = get(reply, "key").dyn_into::<ArrayBuffer>().map_err(|_| "the key derivation worker sent no key")?;
    let bytes = Uint8Array::new(&buffer);
    let mut key = Zeroizing::new([0u8; 32]);
    let fits = bytes.length() as usize == key.len();
    if fits {
        bytes.copy_to(&mut key[..]);
    }
    bytes.fill(0, 0, bytes.length());
    if fits {
        Ok(key)
    } else {
        Err("the key derivation worker sent a key of the wrong length".into())
    }
}

// ---- inside a worker ----

/// Installs the job handler in this worker and tells the page it is ready. Idempotent.
pub fn start() {
    thread_local!(static STARTED: Cell<bool> = const { Cell::new(false) });
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let (reply, transfer) = answer(&event.data());
        if reply_to.post_message_with_transfer(&reply, &transfer).is_err() {
            let failed = Object::new();
            set(&failed, "error", &"the derived key could not be sent back".into());
            let _ = reply_to.post_message(&failed);
        }
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    let ready = Object::new();
    set(&ready, "ready", &JsValue::TRUE);
    let _ = scope.post_message(&ready);
}

/// A job → `{key}` with its buffer to transfer, or `{error}`. The received password buffer is
/// zeroed as soon as it is copied into wasm memory.
pub fn answer(request: &JsValue) -> (Object, Array) {
    let reply = Object::new();
    let transfer = Array::new();
    let password = take_bytes(request, "password");
    match (job_kdf(request), password, get(request, "salt").dyn_into::<ArrayBuffer>()) {
        (Ok(kdf), Some(password), Ok(salt)) => {
            let derived = kdf.derive(&password, &Uint8Array::new(&salt).to_vec());
            let out = Uint8Array::new_with_length(derived.len() as u32);
            out.copy_from(&derived[..]);
            set(&reply, "key", &out.buffer());
            transfer.push(&out.buffer());
        }
        (Err(e), ..) => set(&reply, "error", &JsValue::from_str(&e)),
        _ => set(&reply, "error", &"the job has no password or salt".into()),
    }
    (reply, transfer)
}

/// The job's KDF, checked against the same bounds as a key file's.
fn job_kdf(request: &JsValue) -> Result<KdfParams, String> {
    let number = |key| get(request, key).as_f64().filter(|x| *x >= 0.0 && x.fract() == 0.0).map(|x| x as u64);
    let setting = match get(request, "kdf").as_string().as_deref() {
        Some("scrypt") => match (number("n"), number("r"), number("p")) {
            (Some(n), Some(r), Some(p)) => KdfSetting::Scrypt { n, r, p },
            _ => return Err("the scrypt job lacks n, r or p".into()),
        },
        Some("pbkdf2") => KdfSetting::Pbkdf2Sha256 { c: number("c").ok_or("the pbkdf2 job lacks c")? },
        _ => return Err("the job names no known key derivation".into()),
    };
    KdfParams::from_setting(setting).map_err(|e| e.to_string())
}

/// A secret buffer's bytes, copied into wasm memory; the JS buffer is overwritten with zeros.
fn take_bytes(request: &JsValue, key: &str) -> Option<Zeroizing<Vec<u8>>> {
    let buffer = get(request, key).dyn_into::<ArrayBuffer>().ok()?;
    let view = Uint8Array::new(&buffer);
    let mut bytes = Zeroizing::new(vec![0u8; view.length() as usize]);
    view.copy_to(&mut bytes[..]);
    view.fill(0, 0, view.length());
    Some(bytes)
}

// ---- on the page: one worker, one job ----

/// Where the worker's next message goes: the one exchange waiting for it.
type NextReply = Rc<RefCell<Option<oneshot::Sender<Result<JsValue, String>>>>>;

struct OneShotWorker {
    worker: web_sys::Worker,
    bootstrap_url: String,
    next: NextReply,
    _handlers: [Closure<dyn FnMut(JsValue)>; 2],
}

impl OneShotWorker {
    /// Starts a worker and waits until it has loaded its wasm.
    async fn start(script: WorkerScript) -> Result<OneShotWorker, String> {
        let glue = match script {
            WorkerScript::SameModule => crate::glue::url(),
            WorkerScript::Trunk => crate::glue::beside("kdf-worker/zg-kdf-worker.js")
                .map_err(|e| format!("no URL for the key derivation worker: {}", js_error(&e)))?,
        };
        let module = match script {
            WorkerScript::SameModule => wasm_bindgen::module(),
            WorkerScript::Trunk => JsValue::UNDEFINED,
        };
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&BOOTSTRAP.into()), &options)
            .map_err(|e| format!("the worker script could not be made: {}", js_error(&e)))?;
        let bootstrap_url = web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|e| format!("the worker script could not be made: {}", js_error(&e)))?;
        let worker_options = web_sys::WorkerOptions::new();
        worker_options.set_type(web_sys::WorkerType::Module);
        let worker = match web_sys::Worker::new_with_options(&bootstrap_url, &worker_options) {
            Ok(worker) => worker,
            Err(e) => {
                let _ = web_sys::Url::revoke_object_url(&bootstrap_url);
                return Err(format!("the browser refused to start a worker: {}", js_error(&e)));
            }
        };

        let next = NextReply::default();
        let on_message = {
            let next = next.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let data = get(&event, "data");
                let reply = match get(&data, "fatal").as_string() {
                    Some(fatal) => Err(format!("the key derivation worker could not load its wasm: {fatal}")),
                    None => Ok(data),
                };
                if let Some(tx) = next.borrow_mut().take() {
                    let _ = tx.send(reply);
                }
            })
        };
        let on_error = {
            let next = next.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let message = get(&event, "message").as_string().unwrap_or_default();
                event.unchecked_ref::<web_sys::Event>().prevent_default();
                if let Some(tx) = next.borrow_mut().take() {
                    let _ = tx.send(Err(format!("the key derivation worker failed: {message}")));
                }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let this = OneShotWorker { worker, bootstrap_url, next, _handlers: [on_message, on_error] };

        let init = Object::new();
        set(&init, "glue", &JsValue::from_str(&glue));
        set(&init, "module", &module);
        set(&init, "start", &"zgKdfWorkerStart".into());
        let ready = this.exchange(&init, &Array::new(), Some(START_TIMEOUT_MS)).await?;
        if !get(&ready, "ready").is_truthy() {
            return Err("the key derivation worker did not say it was ready".into());
        }
        Ok(this)
    }

    /// Sends the job (its buffers moved to the worker) and waits for the one reply.
    async fn run(&self, (message, transfer): &(Object, Array)) -> Result<JsValue, String> {
        self.exchange(message, transfer, None).await
    }

    async fn exchange(&self, message: &Object, transfer: &Array, timeout_ms: Option<u32>) -> Result<JsValue, String> {
        let (tx, rx) = oneshot::channel();
        *self.next.borrow_mut() = Some(tx);
        if let Err(e) = self.worker.post_message_with_transfer(message, transfer) {
            // Not sent, so not moved: wipe what would have gone.
            zero_buffers(transfer);
            return Err(format!("the key derivation worker could not be sent its job: {}", js_error(&e)));
        }
        let reply = match timeout_ms {
            None => rx.await,
            Some(ms) => {
                let timeout = gloo::timers::future::TimeoutFuture::new(ms);
                futures::pin_mut!(rx);
                match futures::future::select(rx, timeout).await {
                    futures::future::Either::Left((reply, _)) => reply,
                    futures::future::Either::Right(_) => {
                        return Err(format!("the key derivation worker did not load within {} s", ms / 1000))
                    }
                }
            }
        };
        reply.unwrap_or_else(|_| Err("the key derivation worker stopped answering".into()))
    }
}

impl Drop for OneShotWorker {
    fn drop(&mut self) {
        self.worker.terminate();
        let _ = web_sys::Url::revoke_object_url(&self.bootstrap_url);
    }
}

fn zero_buffers(buffers: &Array) {
    for buffer in buffers.iter().filter_map(|b| b.dyn_into::<ArrayBuffer>().ok()) {
        let view = Uint8Array::new(&buffer);
        view.fill(0, 0, view.length());
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn js_error(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "an unknown error".into())
}
