//! The Web Worker pool: each worker runs this crate's wasm and hashes the slices it is sent
//! with [`cpu::hash_slice`], or reads and proves a storage node's answer with
//! [`segment::verified_segment`] (downloads). Only file bytes and node answers cross to a
//! worker; nothing secret ever does.
//!
//! A worker starts from a tiny module script (a Blob URL, so no extra file has to be served)
//! that imports a wasm-bindgen glue by URL and initialises it:
//! - in the app, the glue of the `zg-hash-worker` bin, which trunk builds next to the app
//!   (`<link data-trunk rel="rust" data-type="worker" data-target-path="hash-worker" ...>` in
//!   `app/index.html`) and whose `main` calls [`start`];
//! - in wasm-bindgen tests and benches, the running module itself (its glue URL and compiled
//!   `WebAssembly.Module`); the test binary exports `zgHashWorkerStart`, which calls [`start`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use alloy_primitives::B256;

use super::cpu::{self, SliceHashes};
use crate::storage::segment;

/// Where the worker's wasm comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerScript {
    /// `hash-worker/zg-hash-worker.js` next to the app's own glue (the trunk build).
    Trunk,
    /// This module itself; the binary must export `zgHashWorkerStart` (tests, benches).
    SameModule,
}

/// How long a worker may take to load its wasm before the pool gives up on workers.
const START_TIMEOUT_MS: u32 = 20_000;

const BOOTSTRAP: &str = r#"
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const glue = await import(event.data.glue);
    await glue.default(event.data.module ? { module_or_path: event.data.module } : undefined);
    if (typeof glue.zgHashWorkerStart === "function") glue.zgHashWorkerStart();
  } catch (e) {
    self.postMessage({ fatal: String(e && e.message ? e.message : e) });
  }
};
"#;

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

// ---- inside a worker ----

/// Installs the slice handler in this worker and tells the page it is ready. Idempotent.
pub fn start() {
    thread_local!(static STARTED: Cell<bool> = const { Cell::new(false) });
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let (reply, transfer) = answer(&event.data());
        if let Err(e) = reply_to.post_message_with_transfer(&reply, &transfer) {
            let failed = Object::new();
            set(&failed, "id", &get(&event.data(), "id"));
            set(&failed, "error", &JsValue::from_str(&js_error(&e)));
            let _ = reply_to.post_message(&failed);
        }
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    let ready = Object::new();
    set(&ready, "ready", &JsValue::TRUE);
    let _ = scope.post_message(&ready);
}

/// `{id, bytes}` → `{id, roots, tail}` (hashes as transferable buffers);
/// `{id, kind: "segment", answer, node, root, index, size}` → `{id, data}` or `{id, refused}`;
/// `{id, error}` when the message itself is wrong.
fn answer(request: &JsValue) -> (Object, Array) {
    let reply = Object::new();
    let transfer = Array::new();
    set(&reply, "id", &get(request, "id"));
    let proving = get(request, "kind").as_string().as_deref() == Some("segment");
    let Ok(buffer) = get(request, if proving { "answer" } else { "bytes" }).dyn_into::<ArrayBuffer>() else {
        set(&reply, "error", &JsValue::from_str("the worker was sent no bytes"));
        return (reply, transfer);
    };
    let bytes = Uint8Array::new(&buffer).to_vec();
    if proving {
        let root = get(request, "root").as_string().and_then(|r| r.parse::<B256>().ok());
        let node = get(request, "node").as_string().unwrap_or_default();
        let (index, size) = (get(request, "index").as_f64(), get(request, "size").as_f64());
        let (Some(root), Some(index), Some(size)) = (root, index, size) else {
            set(&reply, "error", &JsValue::from_str("the worker was sent a malformed segment request"));
            return (reply, transfer);
        };
        match segment::verified_segment(&node, &bytes, root, index as u64, size as u64) {
            Ok(data) => {
                let out = Uint8Array::from(&data[..]).buffer();
                set(&reply, "data", &out);
                transfer.push(&out);
            }
            Err(refusal) => set(&reply, "refused", &JsValue::from_str(&refusal.to_string())),
        }
        return (reply, transfer);
    }
    let hashes = cpu::hash_slice(&bytes);
    for (key, list) in [("roots", &hashes.roots), ("tail", &hashes.tail)] {
        let out = Uint8Array::from(&cpu::to_bytes(list)[..]).buffer();
        set(&reply, key, &out);
        transfer.push(&out);
    }
    (reply, transfer)
}

// ---- on the page ----

/// A worker's answer message, or why the pool could not get one.
type Reply = Result<JsValue, String>;

/// What a worker made of a node's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proven {
    Segment(Vec<u8>),
    /// Why the answer proves nothing ([`segment::SegmentRefusal`]'s words).
    Refused(String),
}

#[derive(Default)]
struct Shared {
    next_id: u32,
    pending: HashMap<u32, oneshot::Sender<Reply>>,
    ready: Vec<Option<oneshot::Sender<Result<(), String>>>>,
    /// Set once any worker failed: every later request fails at once.
    failed: Option<String>,
}

impl Shared {
    fn fail(&mut self, reason: String) {
        for (_, tx) in self.pending.drain() {
            let _ = tx.send(Err(reason.clone()));
        }
        for tx in self.ready.iter_mut().filter_map(Option::take) {
            let _ = tx.send(Err(reason.clone()));
        }
        self.failed.get_or_insert(reason);
    }
}

/// A running pool; dropping it terminates the workers.
pub struct Pool {
    workers: Vec<web_sys::Worker>,
    shared: Rc<RefCell<Shared>>,
    bootstrap_url: String,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Pool {
    /// Starts `count` workers and waits until each has loaded its wasm.
    pub async fn start(script: WorkerScript, count: usize) -> Result<Pool, String> {
        let glue = match script {
            WorkerScript::SameModule => crate::glue::url(),
            WorkerScript::Trunk => crate::glue::beside("hash-worker/zg-hash-worker.js")
                .map_err(|e| format!("no URL for the hashing worker: {}", js_error(&e)))?,
        };
        let module = match script {
            WorkerScript::SameModule => wasm_bindgen::module(),
            WorkerScript::Trunk => JsValue::UNDEFINED,
        };
        let blob_parts = Array::of1(&JsValue::from_str(BOOTSTRAP));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&blob_parts, &options)
            .map_err(|e| format!("the worker script could not be made: {}", js_error(&e)))?;
        let bootstrap_url = web_sys::Url::create_object_url_with_blob(&blob)
            .map_err(|e| format!("the worker script could not be made: {}", js_error(&e)))?;

        let shared = Rc::new(RefCell::new(Shared::default()));
        let mut pool = Pool { workers: Vec::new(), shared: shared.clone(), bootstrap_url, _handlers: Vec::new() };
        let mut waits = Vec::new();
        for index in 0..count {
            let (tx, rx) = oneshot::channel();
            shared.borrow_mut().ready.push(Some(tx));
            waits.push(rx);
            let options = web_sys::WorkerOptions::new();
            options.set_type(web_sys::WorkerType::Module);
            let worker = web_sys::Worker::new_with_options(&pool.bootstrap_url, &options)
                .map_err(|e| format!("the browser refused to start a worker: {}", js_error(&e)))?;

            let on_message = {
                let shared = shared.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    on_reply(&mut shared.borrow_mut(), index, &get(&event, "data"));
                })
            };
            let on_error = {
                let shared = shared.clone();
                Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                    let message = get(&event, "message").as_string().unwrap_or_default();
                    event.unchecked_ref::<web_sys::Event>().prevent_default();
                    shared.borrow_mut().fail(format!("hashing worker {index} failed: {message}"));
                })
            };
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            pool._handlers.extend([on_message, on_error]);

            let init = Object::new();
            set(&init, "glue", &JsValue::from_str(&glue));
            set(&init, "module", &module);
            worker.post_message(&init).map_err(|e| format!("the worker could not be started: {}", js_error(&e)))?;
            pool.workers.push(worker);
        }
        for rx in waits {
            let timeout = gloo::timers::future::TimeoutFuture::new(START_TIMEOUT_MS);
            futures::pin_mut!(rx);
            match futures::future::select(rx, timeout).await {
                futures::future::Either::Left((Ok(Ok(())), _)) => {}
                futures::future::Either::Left((Ok(Err(reason)), _)) => return Err(reason),
                futures::future::Either::Left((Err(_), _)) => return Err("a hashing worker vanished".into()),
                futures::future::Either::Right(_) => {
                    return Err(format!("a hashing worker did not load within {} s", START_TIMEOUT_MS / 1000))
                }
            }
        }
        Ok(pool)
    }

    pub fn len(&self) -> usize {
        self.workers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }

    /// Hashes one slice on worker `index`.
    pub async fn hash(&self, index: usize, bytes: &[u8]) -> Result<SliceHashes, String> {
        let buffer = Uint8Array::from(bytes).buffer();
        let message = Object::new();
        set(&message, "bytes", &buffer);
        let data = self.ask(index, message, buffer).await?;
        decode(&data).ok_or_else(|| "a hashing worker answered with malformed hashes".to_string())
    }

    /// Reads and proves, on worker `index`, the answer `node_url` sent to a download of
    /// segment `segment` of `root`. `Err` only when the pool failed (prove it elsewhere).
    pub async fn prove_segment(
        &self,
        index: usize,
        node_url: &str,
        answer: &[u8],
        root: B256,
        segment: u64,
        size: u64,
    ) -> Result<Proven, String> {
        let buffer = Uint8Array::from(answer).buffer();
        let message = Object::new();
        set(&message, "kind", &JsValue::from_str("segment"));
        set(&message, "answer", &buffer);
        set(&message, "node", &JsValue::from_str(node_url));
        set(&message, "root", &JsValue::from_str(&root.to_string()));
        set(&message, "index", &JsValue::from_f64(segment as f64));
        set(&message, "size", &JsValue::from_f64(size as f64));
        let data = self.ask(index, message, buffer).await?;
        if let Some(refused) = get(&data, "refused").as_string() {
            return Ok(Proven::Refused(refused));
        }
        let buffer = get(&data, "data").dyn_into::<ArrayBuffer>().map_err(|_| "a worker answered without data")?;
        Ok(Proven::Segment(Uint8Array::new(&buffer).to_vec()))
    }

    /// Sends `message` to worker `index` with `buffer` moved, not copied; its answer.
    async fn ask(&self, index: usize, message: Object, buffer: ArrayBuffer) -> Result<JsValue, String> {
        let (id, rx) = {
            let mut shared = self.shared.borrow_mut();
            if let Some(reason) = &shared.failed {
                return Err(reason.clone());
            }
            let id = shared.next_id;
            shared.next_id = shared.next_id.wrapping_add(1);
            let (tx, rx) = oneshot::channel();
            shared.pending.insert(id, tx);
            (id, rx)
        };
        set(&message, "id", &JsValue::from(id));
        if let Err(e) = self.workers[index].post_message_with_transfer(&message, &Array::of1(&buffer)) {
            self.shared.borrow_mut().pending.remove(&id);
            return Err(format!("a message could not be sent to a worker: {}", js_error(&e)));
        }
        rx.await.unwrap_or_else(|_| Err("a worker stopped answering".into()))
    }
}

fn on_reply(shared: &mut Shared, index: usize, data: &JsValue) {
    if get(data, "ready").is_truthy() {
        if let Some(tx) = shared.ready.get_mut(index).and_then(Option::take) {
            let _ = tx.send(Ok(()));
        }
        return;
    }
    if let Some(fatal) = get(data, "fatal").as_string() {
        shared.fail(format!("hashing worker {index} could not load its wasm: {fatal}"));
        return;
    }
    let Some(id) = get(data, "id").as_f64().map(|id| id as u32) else { return };
    let Some(tx) = shared.pending.remove(&id) else { return };
    let reply = match get(data, "error").as_string() {
        Some(error) => Err(error),
        None => Ok(data.clone()),
    };
    let _ = tx.send(reply);
}

fn decode(data: &JsValue) -> Option<SliceHashes> {
    let field = |key| {
        let buffer = get(data, key).dyn_into::<ArrayBuffer>().ok()?;
        cpu::from_bytes(&Uint8Array::new(&buffer).to_vec())
    };
    Some(SliceHashes { roots: field("roots")?, tail: field("tail")? })
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.terminate();
        }
        let _ = web_sys::Url::revoke_object_url(&self.bootstrap_url);
    }
}
