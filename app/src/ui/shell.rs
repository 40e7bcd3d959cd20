//! The app's frame once a wallet is unlocked or an address watched: top bar (brand,
//! network, lock), navigation, content, toasts.

use leptos::prelude::*;

use super::lang::fill;
use super::lang::LanguageSelect;
use super::pages::{
    activity::ActivityPage, agents::AgentsPage, compute::ComputePage, governance::GovernancePage, send::SendPage,
    settings::SettingsPage, staking::StakingPage, storage::StoragePage, wallet::WalletPage,
};
use super::state::{use_app, Connection, Page, Phase, Route};
use crate::i18n::{t, t_string, use_i18n};

/// The pages that only read, offered while an address is watched without a wallet.
const WATCH_PAGES: [Page; 4] = [Page::Wallet, Page::Activity, Page::Governance, Page::Staking];

#[component]
pub fn Shell() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let watching = move || app.phase.get() == Phase::Watching;
    let nav = move |page: Page, label: Signal<&'static str>, icon: &'static str| {
        // Watching an address, only the pages that read are offered.
        let shown = move || !watching() || WATCH_PAGES.contains(&page);
        view! {
            <Show when=shown>
            <a href=page.fragment() class="nav-item" class:active=move || app.page.get() == page
                aria-current=move || if app.page.get() == page { Some("page") } else { None }
                on:click=move |ev| { ev.prevent_default(); app.open_page(page) }>
                <span class="nav-icon" aria-hidden="true">{icon}</span>{move || label.get()}
            </a>
            </Show>
        }
    };
    view! {
        <div class="app-shell">
            <header class="topbar">
                <Brand />
                <span class="spacer"></span>
                <LanguageSelect />
                <NetworkSelect />
                {move || if watching() {
                    view! {
                        <button class="btn btn-ghost btn-sm lock-btn" data-testid="stop-watching"
                            on:click=move |_| app.stop_watching()>{t!(i18n, watch.stop)}</button>
                    }.into_any()
                } else {
                    view! {
                        <button class="btn btn-ghost btn-sm lock-btn" aria-label=move || t_string!(i18n, shell.lock_wallet)
                            on:click=move |_| app.lock(None)>{t!(i18n, shell.lock)}</button>
                    }.into_any()
                }}
            </header>
            <aside class="sidebar">
                <nav class="nav" aria-label=move || t_string!(i18n, shell.main_nav)>
                    {nav(Page::Wallet, Signal::derive(move || t_string!(i18n, nav.wallet)), "◎")}
                    {nav(Page::Activity, Signal::derive(move || t_string!(i18n, nav.activity)), "☰")}
                    {nav(Page::Send, Signal::derive(move || t_string!(i18n, nav.send)), "↗")}
                    {nav(Page::Storage, Signal::derive(move || t_string!(i18n, nav.storage)), "▤")}
                    {nav(Page::Agents, Signal::derive(move || t_string!(i18n, nav.agents)), "◈")}
                    {nav(Page::Compute, Signal::derive(move || t_string!(i18n, nav.compute)), "⚡")}
                    {nav(Page::Governance, Signal::derive(move || t_string!(i18n, nav.governance)), "⚖")}
                    {nav(Page::Staking, Signal::derive(move || t_string!(i18n, nav.staking)), "⛁")}
                    {nav(Page::Settings, Signal::derive(move || t_string!(i18n, nav.settings)), "⚙")}
                </nav>
            </aside>
            <main class="main">
                <Show when=watching>
                    <div class="alert alert-info row" role="status" data-testid="watch-banner">
                        <span>{move || fill(t_string!(i18n, watch.banner), &[("address", &app.session.selected_address().map(|a| a.to_checksum(None)).unwrap_or_default())])}</span>
                        <span class="spacer"></span>
                        <button class="btn btn-secondary btn-sm" on:click=move |_| app.stop_watching()>{t!(i18n, watch.get_wallet)}</button>
                    </div>
                </Show>
                <crate::ui::dapp::DappBanner />
                <crate::ui::tour::Tour />
                {move || match app.chain.connection.get() {
                    Connection::Failed(e) => Some(view! {
                        <div class="alert alert-error" role="alert" data-testid="connection-error">
                            <div class="alert-title">{t!(i18n, shell.network_unusable)}</div>
                            <div>{crate::ui::components::node_words_apart(&e)}</div>
                        </div>
                    }),
                    _ => None,
                }}
                {move || (app.pending_link.get().is_some() && app.page.get() != Page::Settings).then(|| view! {
                    <div class="alert alert-info row" role="status" data-testid="pending-link">
                        <span>{t!(i18n, shell.pending_link)}</span>
                        <span class="spacer"></span>
                        <button class="btn btn-secondary btn-sm" on:click=move |_| app.go(Route::page(Page::Settings))>{t!(i18n, shell.review_link)}</button>
                    </div>
                })}
                {move || match app.page.get() {
                    page if watching() && !WATCH_PAGES.contains(&page) => view! { <WalletPage /> }.into_any(),
                    Page::Wallet => view! { <WalletPage /> }.into_any(),
                    Page::Activity => view! { <ActivityPage /> }.into_any(),
                    Page::Send => view! { <SendPage /> }.into_any(),
                    Page::Storage => view! { <StoragePage /> }.into_any(),
                    Page::Agents => view! { <AgentsPage /> }.into_any(),
                    Page::Compute => view! { <ComputePage /> }.into_any(),
                    Page::Governance => view! { <GovernancePage /> }.into_any(),
                    Page::Staking => view! { <StakingPage /> }.into_any(),
                    Page::Settings => view! { <SettingsPage /> }.into_any(),
                }}
            </main>
        </div>
    }
}

#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <div class="brand">
            <img class="brand-mark" src="favicon.svg" alt="" width="28" height="28" />
            <span class="brand-name">"zg-console"</span>
        </div>
    }
}

#[component]
fn NetworkSelect() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let options = move || {
        let mut all = app.chain.networks.get();
        if let Some(c) = app.settings.with(|s| s.custom.clone()) {
            all.push(c);
        }
        all
    };
    let change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        app.update_settings(|s| s.network = id);
        app.reconnect();
    };
    view! {
        <label class="sr-only" for="network-select">{t!(i18n, shell.network)}</label>
        <select id="network-select" class="network-select" on:change=change prop:value=move || app.settings.with(|s| s.network.clone())>
            {move || options().into_iter().map(|n| view! { <option value=n.id.clone()>{n.name.clone()}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let app = use_app();
    view! {
        <div class="toast-region" aria-live="polite">
            {move || app.toasts.list.get().into_iter().map(|t| view! {
                <div class=format!("toast {}", t.kind) role="status">{t.text}</div>
            }).collect_view()}
        </div>
    }
}
