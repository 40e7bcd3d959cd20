//! Each page has an address: `…/#/storage`, `…/#/governance`, and so do an agent,
//! `…/#/agents/12`, and a proposal, `…/#/governance/<id>`. While the wallet is open the
//! address bar follows the page (a new history entry per page, so Back and Forward walk
//! them), and Back, Forward or an edited address move the page. A tab opened at a page's
//! address shows that page once unlocked.
//!
//! Fragments, not paths: the app is a set of static files that any server (or none) can
//! host, and a fragment never reaches the server. A network link (`#join?…`) keeps the
//! address bar until it has been used, then gives way to the page's address.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::state::{AppState, Route};

/// Keeps the page and the address bar in step for as long as the app runs.
pub fn install(app: AppState) {
    Effect::new(move |_| {
        let route = Route { page: app.page.get(), item: app.item.get() };
        if !app.phase.get().in_app() {
            return;
        }
        let Some(current) = fragment() else { return };
        let wanted = route.fragment();
        let join_link = current.starts_with("#join?");
        if (join_link && app.pending_link.get().is_some()) || current == wanted {
            return;
        }
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else { return };
        // Neither the bare address the app was opened at nor a network link already used
        // is a page to go back to.
        let _ = if current.is_empty() || current == "#" || join_link {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&wanted))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&wanted))
        };
    });
    let follow = move || {
        if !app.phase.get_untracked().in_app() {
            return;
        }
        if let Some(route) = fragment().as_deref().and_then(Route::from_fragment) {
            if (app.page.get_untracked(), app.item.get_untracked()) != (route.page, route.item) {
                app.go(route);
            }
        }
    };
    window_event_listener(leptos::ev::popstate, move |_| follow());
    window_event_listener(leptos::ev::hashchange, move |_| follow());
}

/// The address bar's fragment (`#/storage`), or "" when it has none.
fn fragment() -> Option<String> {
    web_sys::window()?.location().hash().ok()
}

/// The place the tab was opened at, unless this load is a reload (a reload lands on the
/// Wallet, as other wallets do after unlocking).
pub fn opened_at() -> Option<Route> {
    let window = web_sys::window()?;
    let entries = window.performance()?.get_entries_by_type("navigation");
    let kind = js_sys::Reflect::get(&entries.get(0), &JsValue::from_str("type")).ok()?.as_string();
    if kind.as_deref() == Some("reload") {
        return None;
    }
    Route::from_fragment(&fragment()?)
}
