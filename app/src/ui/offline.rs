//! Working without a network: the service worker (`public/sw.js`) that lets the console
//! open from its cached files, and the banner that says so whenever the browser is offline,
//! so no chain value passes for fresh while nothing can be proven.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::{t, use_i18n};

/// Registers `sw.js` (beside the index, so its scope is the console). A browser without
/// service workers, or one that refuses it, just keeps needing the network to open.
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    if !js_sys::Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    let registered = window.navigator().service_worker().register("sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(registered).await {
            let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default();
            gloo::console::warn!(format!("the console will need the network to open: {why}"));
        }
    });
}

/// Whether the browser says it is online, kept current by its `online`/`offline` events.
pub fn online_signal() -> ReadSignal<bool> {
    let online = RwSignal::new(web_sys::window().is_none_or(|w| w.navigator().on_line()));
    let _ = window_event_listener_untyped("online", move |_| online.set(true));
    let _ = window_event_listener_untyped("offline", move |_| online.set(false));
    online.read_only()
}

/// "You are offline" while the browser is, above the unlock screen and every page.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let i18n = use_i18n();
    let online = online_signal();
    move || {
        (!online.get()).then(|| {
            view! {
                <div class="alert alert-warn offline-banner" role="status" data-testid="offline">
                    <div class="alert-title">{t!(i18n, offline.title)}</div>
                    <div>{t!(i18n, offline.body)}</div>
                </div>
            }
        })
    }
}
