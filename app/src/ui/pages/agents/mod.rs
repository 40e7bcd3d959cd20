//! The Agents pages: the agents the selected account holds (found from proven Transfer
//! events, each confirmed by a proven `ownerOf`, each with where it came from — proven
//! `Minted`/`Transfer`/`Cloned` logs), creating one, receiving one from an offer code,
//! completing a handover, and one agent's page (view, edit, its wallet, who may use it,
//! transfer or clone). Anyone can mint an agent to anyone: an agent no account of this
//! wallet created, and that was not accepted through a handover, is marked on the list
//! and its page, and its wallet's address stays hidden until the user acknowledges that
//! its maker may control funds sent there.
//!
//! One module per card or screen; what they show is computed in `model`, apart from the
//! views, and tested there.

mod access;
mod console;
mod create;
mod detail;
mod handover;
mod list;
mod model;
mod wallet;

use create::CreateAgentCard;
use detail::AgentDetail;
use handover::{CompleteCard, ReceiveCard};
use list::AgentList;
use model::Row;

use std::rc::Rc;

use alloy_primitives::Address;
use k256::ecdsa::SigningKey;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::deploy::plan::Suite;
use crate::i18n::{t, t_string, use_i18n};
use crate::inft::service::{AgentService, Step};
use crate::ui::account_read::AccountRead;
use crate::ui::components::Spinner;
use crate::ui::deploy;
use crate::ui::lang::Localized;
use crate::ui::state::{use_app, AppState, Connection};

type Service = StoredValue<Option<Rc<AgentService>>, LocalStorage>;

fn key_of(app: &AppState) -> Result<SigningKey, String> {
    app.session.signing_key(app.session.selected.get_untracked())
}

/// The connected agent service and the selected account's key, or why a card cannot act.
fn service_and_key(app: &AppState, service: Service) -> Result<(Rc<AgentService>, SigningKey), String> {
    let locale = crate::ui::lang::current();
    let svc = service.get_value().ok_or_else(|| crate::i18n::td_string!(locale, agents.not_connected).to_string())?;
    Ok((svc, key_of(app)?))
}

/// Every account of this wallet: an agent any of them created is the user's own.
fn mine(app: &AppState) -> Vec<Address> {
    app.session.accounts.with(|list| list.iter().map(|a| a.address).collect())
}

#[component]
pub fn AgentsPage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let service: Service = StoredValue::new_local(None);
    let status = RwSignal::new(None::<Result<(), String>>);
    // The open agent is part of the address (`#/agents/12`), so it lives in the app state.
    let selected = app.item;
    // A reload follows every change (a transfer, a mint, another account): the list on
    // screen is out of date until it finishes, so only the newest read is shown.
    let listing = AccountRead::new(app, service, move |svc: Rc<AgentService>, owner| {
        let key = key_of(&app);
        let locale = i18n.get_locale_untracked();
        async move {
            let (tokens, block) = svc.owned(owner).await.map_err(|e| e.localized(locale))?;
            let mut list = Vec::new();
            for token in tokens {
                let name = match &key {
                    Ok(k) => svc.open(k, token).await.map(|a| a.metadata.name.clone()).map_err(|e| e.localized(locale)),
                    Err(e) => Err(e.clone()),
                };
                let provenance = svc.provenance(token, owner).await.map_err(|e| e.localized(locale));
                list.push(Row { token, name, provenance });
            }
            Ok((list, block))
        }
    });
    let rows = Signal::derive(move || listing.fresh());
    let reload = move || listing.reload();

    // (Re)connect whenever the chain connection is (re)made, and list again when the
    // selected account changes.
    Effect::new(move || {
        match app.chain.connection.get() {
            Connection::Connected => {}
            // The reason is in the banner above every page: say it once, stop waiting.
            Connection::Failed(_) => {
                service.set_value(None);
                return status.set(Some(Err(t_string!(i18n, agents.network_unusable).to_string())));
            }
            _ => return,
        }
        let Some(chain) = app.chain.client() else { return };
        status.set(None);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            match AgentService::connect(chain).await {
                Ok(svc) => {
                    service.set_value(Some(Rc::new(svc)));
                    status.set(Some(Ok(())));
                    reload();
                }
                Err(e) => status.set(Some(Err(e.localized(locale)))),
            }
        });
    });
    Effect::new(move |first: Option<()>| {
        app.session.selected.track();
        // Another account holds other agents; the agent a link opened stays on first load.
        if first.is_some() {
            selected.set(None);
        }
    });

    view! {
        // An agent opens once the agent contract and storage are reached (a link may name
        // one before); until then, and if they cannot be, the page says so.
        {move || match selected.get().filter(|_| matches!(status.get(), Some(Ok(())))) {
            Some(token) => view! {
                <AgentDetail service token back=Callback::new(move |_| { selected.set(None); reload(); }) />
            }.into_any(),
            None => view! {
                <h1 class="page-title">{t!(i18n, agents.title)}</h1>
                <div class="stack">
                    {move || match status.get() {
                        None => view! { <p class="muted"><Spinner />" "{t!(i18n, agents.connecting)}</p> }.into_any(),
                        Some(Ok(())) => ().into_any(),
                        Some(Err(e)) => view! { <div class="alert alert-warn" role="alert" data-testid="agents-unavailable">{e}</div> }.into_any(),
                    }}
                    <deploy::DeployCard suite=Suite::Agents />
                    <AgentList rows selected reload=Callback::new(move |_| reload()) />
                    <CreateAgentCard service ready=Signal::derive(move || matches!(status.get(), Some(Ok(())))) on_created=Callback::new(move |token| { reload(); selected.set(Some(token)); }) />
                    <ReceiveCard service />
                    <CompleteCard service on_done=Callback::new(move |_| reload()) />
                </div>
            }.into_any(),
        }}
    }
}

/// A running operation's current step, or its outcome.
fn progress_view(busy: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        busy.get().map(
            |label| view! { <p class="muted" data-testid="agent-progress" role="status"><Spinner />" "{label}</p> },
        )
    }
}

/// Shows each step in the language in use when it is reached (the reporter runs inside a
/// spawned task, where the language context cannot be read).
fn step_reporter(busy: RwSignal<Option<String>>) -> impl Fn(Step) {
    move |s: Step| busy.set(Some(s.localized(crate::ui::lang::current())))
}
