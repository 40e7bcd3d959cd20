//! The page's side: one worker for the page's life (the model stays loaded in it), started
//! on the first local run, its messages turned into a stream the run awaits.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::mpsc;
use futures::StreamExt;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{FromWorker, ToWorker};

/// Loads the worker's glue by URL, then its wasm; `main` installs the handler.
const BOOTSTRAP: &str = r#"
self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    const glue = await import(event.data.glue);
    await glue.default();
  } catch (e) {
    self.postMessage(JSON.stringify({ kind: "failed", message: "its wasm did not load: " + String(e && e.message ? e.message : e) }));
  }
};
"#;

pub struct LlmWorker {
    worker: web_sys::Worker,
    events: futures::lock::Mutex<mpsc::UnboundedReceiver<FromWorker>>,
    _handlers: [Closure<dyn FnMut(JsValue)>; 2],
}

thread_local!(static WORKER: RefCell<Option<Rc<LlmWorker>>> = const { RefCell::new(None) });

impl LlmWorker {
    /// The page's worker, started (and waited for) if there is none.
    pub async fn shared() -> Result<Rc<LlmWorker>, String> {
        if let Some(worker) = WORKER.with(|w| w.borrow().clone()) {
            return Ok(worker);
        }
        let worker = Rc::new(LlmWorker::start()?);
        match worker.next().await {
            Some(FromWorker::Ready) => {}
            Some(FromWorker::Failed { message }) => return Err(message),
            _ => return Err("it did not start".into()),
        }
        WORKER.with(|w| *w.borrow_mut() = Some(worker.clone()));
        Ok(worker)
    }

    /// Ends the worker (and the model in it); the next run starts a fresh one.
    pub fn forget() {
        if let Some(worker) = WORKER.with(|w| w.borrow_mut().take()) {
            worker.worker.terminate();
        }
    }

    fn start() -> Result<LlmWorker, String> {
        let glue =
            crate::glue::beside("llm-worker/zg-llm-worker.js").map_err(|e| format!("no URL for its script: {e:?}"))?;
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/javascript");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&Array::of1(&BOOTSTRAP.into()), &options)
            .map_err(|e| format!("its script could not be made: {e:?}"))?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("no script URL: {e:?}"))?;
        let worker_options = web_sys::WorkerOptions::new();
        worker_options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options(&url, &worker_options);
        let _ = web_sys::Url::revoke_object_url(&url);
        let worker = worker.map_err(|e| format!("the browser refused to start it: {e:?}"))?;
        let (tx, rx) = mpsc::unbounded();
        let on_message = {
            let tx = tx.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                let data = js_sys::Reflect::get(&event, &"data".into()).unwrap_or_default();
                let message = FromWorker::parse(&data.as_string().unwrap_or_default())
                    .unwrap_or_else(|message| FromWorker::Failed { message });
                let _ = tx.unbounded_send(message);
            })
        };
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let detail = js_sys::Reflect::get(&event, &"message".into()).ok().and_then(|m| m.as_string());
            event.unchecked_ref::<web_sys::Event>().prevent_default();
            // A worker that died (out of memory, a crash in its wasm) takes the model with
            // it; the next run starts another.
            WORKER.with(|w| w.borrow_mut().take());
            let message = format!("it stopped ({})", detail.unwrap_or_else(|| "no reason given".into()));
            let _ = tx.unbounded_send(FromWorker::Failed { message });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let init = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&init, &"glue".into(), &JsValue::from_str(&glue));
        worker.post_message(&init).map_err(|e| format!("it could not be started: {e:?}"))?;
        Ok(LlmWorker { worker, events: futures::lock::Mutex::new(rx), _handlers: [on_message, on_error] })
    }

    pub fn send(&self, message: &ToWorker) -> Result<(), String> {
        self.worker
            .post_message(&JsValue::from_str(&message.to_json()))
            .map_err(|e| format!("it is unreachable: {e:?}"))
    }

    /// The worker's next message; `None` once it is gone.
    pub async fn next(&self) -> Option<FromWorker> {
        self.events.lock().await.next().await
    }
}
