//! The user interface: the root component, shared state, the shell and the pages.
//! Components stay small; loading, signing and verifying happen in the services
//! (`crate::wallet`, `crate::chain`) that `state::AppState` exposes.

pub mod account_read;
pub mod changes;
pub mod components;
pub mod dapp;
pub mod deploy;
pub mod lang;
pub mod markdown;
pub mod offline;
pub mod pages;
pub mod review;
pub mod route;
pub mod settings;
pub mod shell;
pub mod state;
pub mod tour;
pub mod tx;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::lang::Localized;
use pages::{onboarding::Onboarding, unlock::Unlock};
use shell::{Shell, ToastRegion};
use state::{AppState, Phase};

/// How often balances are re-proven while the wallet is open (0G makes a block every 0.4 s;
/// a wallet need not follow every one).
const REFRESH_MS: u32 = 4_000;

#[component]
pub fn App() -> impl IntoView {
    let app = AppState::new();
    provide_context(app);
    route::install(app);
    crate::dapp_bridge::install(app);
    offline::register_service_worker();
    // Back from offline: connect again rather than leave the network's failure standing (a
    // page opened offline could not read the devnet's description either: read it now).
    let _ = window_event_listener_untyped("online", move |_| {
        spawn_local(async move {
            if app.chain.devnet_error.get_untracked().is_some() {
                app.chain.load_devnet().await;
            }
            app.reconnect();
        })
    });

    spawn_local(async move {
        app.chain.load_devnet().await;
        app.reconnect();
        let phase = match crate::wallet::vault::exists().await {
            Ok(true) => Phase::Locked,
            Ok(false) => Phase::NoVault,
            Err(e) => {
                // A task: no language context here, so the saved or the browser's language.
                app.toasts.error(&e.localized(app.locale()));
                Phase::NoVault
            }
        };
        app.phase.set(phase);
    });

    // Activity resets the idle timer; the timer locks the wallet.
    let touch = move || app.session.touch();
    window_event_listener(leptos::ev::keydown, move |_| touch());
    window_event_listener(leptos::ev::pointerdown, move |_| touch());
    gloo::timers::callback::Interval::new(10_000, move || {
        if app.phase.get_untracked() != Phase::Unlocked {
            return;
        }
        let minutes = app.settings.with_untracked(|s| s.auto_lock_minutes);
        let idle_ms = js_sys::Date::now() - app.session.last_activity.get_value();
        if idle_ms > f64::from(minutes) * 60_000.0 {
            let locale = lang::current();
            let words = if minutes == 1 {
                crate::i18n::td_string!(locale, shell.auto_locked_one)
            } else {
                crate::i18n::td_string!(locale, shell.auto_locked_many)
            };
            app.lock(Some(&lang::fill(words, &[("minutes", &minutes)])));
        }
    })
    .forget();
    gloo::timers::callback::Interval::new(REFRESH_MS, move || {
        if app.phase.get_untracked().in_app() {
            app.chain.refresh_balances(app);
        }
    })
    .forget();

    lang::provide();
    let i18n = crate::i18n::use_i18n();
    view! {
        <offline::OfflineBanner />
        {move || match app.phase.get() {
            Phase::Loading => view! { <main class="center-screen"><span class="spinner spinner-lg" aria-label=move || crate::i18n::t_string!(i18n, shell.loading)></span></main> }.into_any(),
            Phase::NoVault => view! { <Onboarding /> }.into_any(),
            Phase::Locked => view! { <Unlock /> }.into_any(),
            Phase::Unlocked | Phase::Watching => view! { <Shell /> }.into_any(),
        }}
        <review::TxReviewDialog reviews=app.reviews network=Signal::derive(move || { app.chain.tip.track(); app.chain.network() }) />
        <dapp::DappApprovalDialog />
        <ToastRegion />
    }
}
