//! Who may use the agent (`authorizeUsage`): the proven list, adding and removing users.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;

use crate::format::parse_address;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::use_app;

use super::{key_of, progress_view, Service};

/// Who may use the agent: proven list, authorize and revoke.
#[component]
pub(super) fn AuthorizedCard(service: Service, token: U256) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let users = RwSignal::new(None::<Result<(Vec<Address>, u64), String>>);
    let user = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        let Some(svc) = service.get_value() else { return };
        let locale = i18n.get_locale_untracked();
        spawn_local(async move { users.set(Some(svc.authorized(token).await.map_err(|e| e.localized(locale)))) });
    };
    load();
    let act = move |revoke: Option<Address>| {
        error.set(None);
        let target = match revoke {
            Some(a) => a,
            None => match parse_address(&user.get_untracked()) {
                Ok(a) => a,
                Err(e) => {
                    let e = e.localized(i18n.get_locale_untracked());
                    return error.set(Some(fill(t_string!(i18n, agent_cards.access_user_error), &[("error", &e)])));
                }
            },
        };
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some(
            if revoke.is_some() {
                t_string!(i18n, agent_cards.access_revoking)
            } else {
                t_string!(i18n, agent_cards.access_authorizing)
            }
            .to_string(),
        ));
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = match revoke {
                Some(a) => svc.revoke(&key, token, a).await,
                None => svc.authorize(&key, token, target).await,
            };
            busy.set(None);
            match result {
                Ok(included) => {
                    let done = if revoke.is_some() {
                        t_string!(i18n, agent_cards.access_revoked)
                    } else {
                        t_string!(i18n, agent_cards.access_authorized)
                    };
                    app.toasts.success(&fill(done, &[("address", &target), ("block", &included.block)]));
                    user.set(String::new());
                    load();
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, agent_cards.access_label)>
            <div class="row">
                <h2 class="card-title">{t!(i18n, agent_cards.access_title)}</h2>
                <span class="spacer"></span>
                {move || match users.get() {
                    Some(Ok((_, block))) => view! { <ProofBadge verdict=Verified::Proven { value: (), block } /> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <p class="muted">{t!(i18n, agent_cards.access_intro)}</p>
            {move || match users.get() {
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, agent_cards.access_reading)}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => view! { <p class="muted" data-testid="authorized-users">{t!(i18n, agent_cards.access_nobody)}</p> }.into_any(),
                Some(Ok((list, _))) => view! {
                    <ul class="plain-list" data-testid="authorized-users">
                        {list.into_iter().map(|a| view! {
                            <li class="row" data-user=a.to_checksum(None)>
                                <AddressView address=a />
                                <span class="spacer"></span>
                                <button class="btn btn-ghost btn-sm" on:click=move |_| act(Some(a))>{t!(i18n, agent_cards.access_revoke)}</button>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <div class="row">
                <input class="mono grow" aria-label=move || t_string!(i18n, agent_cards.access_address_label) placeholder="0x…" bind:value=user />
                <button class="btn" on:click=move |_| act(None) disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.access_authorize)}</button>
            </div>
            {progress_view(busy)}
            <ErrorAlert message=error />
        </section>
    }
}
