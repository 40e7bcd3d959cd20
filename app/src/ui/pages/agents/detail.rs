//! One agent's page: its data opened (decrypted for the holder), edited and re-encrypted,
//! with the cards for its wallet, who may use it, handovers and the console.

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;

use crate::format::short_hash;
use crate::i18n::{t, t_string, use_i18n};
use crate::inft::provenance::{origin, Provenance};
use crate::inft::service::OpenedAgent;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::lang::words_agents::origin_warning;
use crate::ui::lang::{fill, Localized};
use crate::ui::state::use_app;

use super::access::AuthorizedCard;
use super::console::AgentConsoleCard;
use super::handover::OfferCard;
use super::model::{origin_kind, provenance_line};
use super::wallet::AgentWalletCard;
use super::{key_of, mine, progress_view, step_reporter, Service};

/// An opened agent with where it came from (an error if that could not be proven).
pub(super) type Detail = (OpenedAgent, Result<Provenance, String>);

#[component]
pub(super) fn AgentDetail(service: Service, token: U256, back: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let agent = RwSignal::new(None::<Result<Detail, String>>);
    let load = move || {
        let Some(svc) = service.get_value() else { return };
        let key = key_of(&app);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let opened = match key {
                Ok(k) => svc.open(&k, token).await.map_err(|e| e.localized(locale)),
                Err(e) => Err(e),
            };
            let detail = match opened {
                Ok(opened) => {
                    let provenance = svc.provenance(token, opened.owner).await.map_err(|e| e.localized(locale));
                    Ok((opened, provenance))
                }
                Err(e) => Err(e),
            };
            agent.set(Some(detail));
        });
    };
    load();

    view! {
        <div class="row">
            <button class="btn btn-ghost btn-sm" on:click=move |_| back.run(())>{t!(i18n, agents.back)}</button>
        </div>
        {move || match agent.get() {
            None => view! { <p class="muted"><Spinner />" "{move || fill(t_string!(i18n, agents.proving), &[("token", &token)])}</p> }.into_any(),
            Some(Err(e)) => view! {
                <h1 class="page-title">{move || fill(t_string!(i18n, agents.agent_n), &[("token", &token)])}</h1>
                <div class="alert alert-error" role="alert" data-testid="agent-error">{node_words_apart(&e.to_string())}</div>
            }.into_any(),
            Some(Ok((opened, provenance))) => view! {
                <AgentView service opened provenance reload=Callback::new(move |_| load()) />
            }.into_any(),
        }}
    }
}

#[component]
pub(super) fn AgentView(
    service: Service,
    opened: OpenedAgent,
    provenance: Result<Provenance, String>,
    reload: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let token = opened.token;
    let meta = opened.metadata.clone();
    let mine = mine(&app);
    let origin = origin(provenance.as_ref().ok(), &mine);
    let line = move || provenance_line(&provenance, &mine, i18n.get_locale());
    view! {
        <h1 class="page-title" data-testid="agent-title">{
            let name = meta.name.clone();
            move || fill(t_string!(i18n, agents.heading), &[("name", &name), ("token", &token)])
        }</h1>
        <div class="stack">
            {move || origin_warning(i18n.get_locale(), &origin).map(|w| view! { <div class="alert alert-warn" role="alert" data-testid="foreign-warning">{w}</div> })}
            <section class="card" aria-label=move || t_string!(i18n, agents.agent)>
                <div class="row">
                    <h2 class="card-title">{t!(i18n, agents.agent)}</h2>
                    <span class="spacer"></span>
                    <ProofBadge verdict=Verified::Proven { value: (), block: opened.block } />
                </div>
                <dl class="kv">
                    <dt>{t!(i18n, agents.holder)}</dt><dd><AddressView address=opened.owner /></dd>
                    <dt>{t!(i18n, agents.origin)}</dt><dd data-testid="agent-provenance" data-origin=origin_kind(&origin)>{line}</dd>
                    <dt>{t!(i18n, agents.data_root)}</dt><dd class="mono" title=opened.data_hash.to_string()>{short_hash(&opened.data_hash.to_string())}</dd>
                    <dt>{t!(i18n, agents.description)}</dt><dd data-testid="agent-description">{meta.description.clone()}</dd>
                    <dt>{t!(i18n, agents.model)}</dt><dd data-testid="agent-model">{meta.model.clone()}</dd>
                    <dt>{t!(i18n, agents.prompt)}</dt><dd class="pre" data-testid="agent-prompt">{meta.system_prompt.clone()}</dd>
                    <dt>{t!(i18n, agents.tools)}</dt><dd>{if meta.tools.is_empty() { t_string!(i18n, agents.tools_none).to_string() } else { meta.tools.join(", ") }}</dd>
                    <dt>{t!(i18n, agents.memory)}</dt><dd>{fill(t_string!(i18n, agents.entries), &[("count", &meta.memory.len())])}</dd>
                </dl>
            </section>
            <AgentConsoleCard service opened=opened.clone() reload />
            <EditCard service opened=opened.clone() reload />
            <AgentWalletCard service opened=opened.clone() origin />
            <AuthorizedCard service token />
            <OfferCard service opened />
        </div>
    }
}

#[component]
pub(super) fn EditCard(service: Service, opened: OpenedAgent, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let meta = opened.metadata.clone();
    let description = RwSignal::new(meta.description.clone());
    let model = RwSignal::new(meta.model.clone());
    let prompt = RwSignal::new(meta.system_prompt.clone());
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let original = StoredValue::new(meta);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let mut edited = original.get_value();
        edited.description = description.get_untracked().trim().to_string();
        edited.model = model.get_untracked().trim().to_string();
        edited.system_prompt = prompt.get_untracked();
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = svc.save(&key, opened.token, &edited, &step_reporter(busy)).await;
            busy.set(None);
            match result {
                Ok(included) => {
                    app.toasts.success(&fill(
                        t_string!(i18n, agents.updated),
                        &[("token", &opened.token), ("block", &included.block)],
                    ));
                    reload.run(());
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <section class="card">
            <h2 class="card-title">{t!(i18n, agents.edit)}</h2>
            <form class="stack" aria-label=move || t_string!(i18n, agents.edit_label) on:submit=save>
                <div class="grid-2">
                    <div class="field">
                        <label for="edit-description">{t!(i18n, agents.description)}</label>
                        <input id="edit-description" bind:value=description />
                    </div>
                    <div class="field">
                        <label for="edit-model">{t!(i18n, agents.model)}</label>
                        <input id="edit-model" bind:value=model />
                    </div>
                </div>
                <div class="field">
                    <label for="edit-prompt">{t!(i18n, agents.prompt)}</label>
                    <textarea id="edit-prompt" rows="3" bind:value=prompt></textarea>
                </div>
                <p class="hint">{t!(i18n, agents.edit_hint)}</p>
                {progress_view(busy)}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>{t!(i18n, agents.save)}</button>
                </div>
            </form>
        </section>
    }
}
