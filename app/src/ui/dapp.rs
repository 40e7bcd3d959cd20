//! What a dapp's requests look like in the wallet's window: the approval dialog (connect,
//! sign a message, switch network), each naming the site that asks; the banner of a window a
//! dapp opened; and Settings → Connected sites, where a site is revoked.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::dapp::request::DappError;
use crate::dapp::sites::Sites;
use crate::dapp_bridge::{self, Ask};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::AddressView;
use crate::ui::lang::fill;
use crate::ui::state::use_app;

/// The modal for the approval on screen, if any. Rendered once by the App.
#[component]
pub fn DappApprovalDialog() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let bridge = app.dapp;
    move || {
        bridge.asking.get().map(|ask| {
            let (title, origin, body) = match ask {
                Ask::Connect { origin, account, name } => (
                    t_string!(i18n, dapp.connect_title),
                    origin,
                    view! {
                        <p>{t!(i18n, dapp.connect_body)}</p>
                        <div class="from-account"><span class="account-name">{name}</span><AddressView address=account /></div>
                        <p class="hint">{t!(i18n, dapp.connect_note)}</p>
                    }
                    .into_any(),
                ),
                Ask::Sign { origin, account, message } => {
                    // Text as text; anything else as the hex it is (it may be a hash to sign blind).
                    let shown = match std::str::from_utf8(&message) {
                        Ok(text) if !text.chars().any(|c| c.is_control() && c != '\n') => text.to_string(),
                        _ => message.to_string(),
                    };
                    (
                        t_string!(i18n, dapp.sign_title),
                        origin,
                        view! {
                            <p>{t!(i18n, dapp.sign_body)}</p>
                            <AddressView address=account />
                            <pre class="pre sign-message" data-testid="dapp-message">{shown}</pre>
                            <p class="hint">{t!(i18n, dapp.sign_note)}</p>
                        }
                        .into_any(),
                    )
                }
                Ask::Switch { origin, network, chain_id } => (
                    t_string!(i18n, dapp.switch_title),
                    origin,
                    view! { <p>{move || fill(t_string!(i18n, dapp.switch_body), &[("network", &network), ("id", &chain_id)])}</p> }
                        .into_any(),
                ),
            };
            view! {
                <div class="modal-backdrop">
                    <div class="modal card stack" role="dialog" aria-modal="true" aria-labelledby="dapp-ask-title" data-testid="dapp-ask">
                        <h2 class="card-title" id="dapp-ask-title">{title}</h2>
                        <p class="dapp-origin" data-testid="dapp-origin"><strong>{origin}</strong></p>
                        {body}
                        <div class="row">
                            <button class="btn btn-ghost" data-testid="dapp-reject" on:click=move |_| bridge.answer(false)>{t!(i18n, dapp.reject)}</button>
                            <span class="spacer"></span>
                            <button class="btn btn-primary" data-testid="dapp-approve" on:click=move |_| bridge.answer(true)>{t!(i18n, dapp.approve)}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}

/// Above every page of a window a dapp opened: which sites it answers, and to keep it open.
#[component]
pub fn DappBanner() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    view! {
        <Show when=move || app.dapp.active.get()>
            <div class="alert alert-info" role="status" data-testid="dapp-banner">
                {move || {
                    let serving = app.dapp.serving.get();
                    if serving.is_empty() {
                        t_string!(i18n, dapp.banner_waiting).to_string()
                    } else {
                        fill(t_string!(i18n, dapp.banner_serving), &[("sites", &serving.join(", "))])
                    }
                }}
            </div>
        </Show>
    }
}

/// Settings → Connected sites: each site with its accounts, and Revoke.
#[component]
pub fn ConnectedSitesCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let sites = RwSignal::new(None::<Sites>);
    let error = RwSignal::new(None::<String>);
    spawn_local(async move { sites.set(Some(dapp_bridge::load_sites(app).await)) });
    let revoke = move |origin: String| {
        spawn_local(async move {
            let mut now = dapp_bridge::load_sites(app).await;
            now.revoke(&origin);
            match dapp_bridge::save_sites(app, &now).await {
                Ok(()) => {
                    dapp_bridge::accounts_changed(app, &origin, &[]);
                    app.toasts.success(&fill(t_string!(i18n, dapp.revoked), &[("site", &origin)]));
                    sites.set(Some(now));
                }
                // Sealing's own error comes localized; the rest are a site's words (EIP-1193)
                // and mean here only that the wallet locked meanwhile.
                Err(DappError::Internal(why)) => error.set(Some(why)),
                Err(_) => error.set(Some(t_string!(i18n, dapp.revoke_locked).to_string())),
            }
        });
    };
    view! {
        <section class="card stack" aria-label=move || t_string!(i18n, dapp.sites_title) data-testid="connected-sites">
            <h2 class="card-title">{t!(i18n, dapp.sites_title)}</h2>
            <p class="hint">{t!(i18n, dapp.sites_hint)}</p>
            {move || error.get().map(|e| view! { <div class="alert alert-error" role="alert">{e}</div> })}
            {move || match sites.get() {
                None => ().into_any(),
                Some(s) if s.list().is_empty() => view! { <p class="muted" data-testid="no-sites">{t!(i18n, dapp.no_sites)}</p> }.into_any(),
                Some(s) => view! {
                    <ul class="stack">
                        {s.list().iter().map(|site| {
                            let origin = site.origin.clone();
                            let revoked = origin.clone();
                            let accounts = site.accounts.clone();
                            view! {
                                <li class="row" data-testid="site" data-origin=origin.clone()>
                                    <div class="stack">
                                        <strong>{origin.clone()}</strong>
                                        {accounts.into_iter().map(|a| view! { <AddressView address=a /> }).collect_view()}
                                    </div>
                                    <span class="spacer"></span>
                                    <button class="btn btn-secondary btn-sm" data-testid="revoke-site" on:click=move |_| revoke(revoked.clone())>{t!(i18n, dapp.revoke)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
