//! "Your agents": the list of agents the selected account holds, with where each came from.

use alloy_primitives::U256;
use leptos::prelude::*;
use wasm_light_client::Verified;

use crate::i18n::{t, t_string, use_i18n};
use crate::inft::provenance::origin;
use crate::ui::components::{node_words_apart, ProofBadge, Spinner};
use crate::ui::lang::words_agents::origin_warning;
use crate::ui::state::use_app;

use super::mine;
use super::model::{origin_kind, provenance_line, Listing};

#[component]
pub(super) fn AgentList(
    rows: Signal<Listing>,
    selected: RwSignal<Option<U256>>,
    reload: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let lookup = RwSignal::new(String::new());
    view! {
        <section class="card" aria-label=move || t_string!(i18n, agents.yours)>
            <div class="row">
                <h2 class="card-title">{t!(i18n, agents.yours)}</h2>
                <span class="spacer"></span>
                {move || match rows.get() {
                    Some(Ok((_, block))) => view! { <ProofBadge verdict=Verified::Proven { value: (), block } /> }.into_any(),
                    _ => ().into_any(),
                }}
                <button class="btn btn-ghost btn-sm" on:click=move |_| reload.run(())>{t!(i18n, agents.refresh)}</button>
            </div>
            <form class="row" aria-label=move || t_string!(i18n, agents.look_up_label) on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                match lookup.get_untracked().trim().trim_start_matches('#').parse::<U256>() {
                    Ok(token) => selected.set(Some(token)),
                    Err(_) => lookup.set(String::new()),
                }
            }>
                <input class="grow" aria-label=move || t_string!(i18n, agents.number) inputmode="numeric" placeholder=move || t_string!(i18n, agents.number_placeholder) bind:value=lookup />
                <button type="submit" class="btn btn-ghost btn-sm">{t!(i18n, agents.look_up)}</button>
            </form>
            {move || match rows.get() {
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, agents.finding)}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => view! {
                    <p class="muted" data-testid="no-agents">{t!(i18n, agents.none)}</p>
                }.into_any(),
                Some(Ok((list, _))) => {
                    let mine = mine(&app);
                    // Read here, so the list is written again when the language changes.
                    let locale = i18n.get_locale();
                    view! {
                    <ul class="agent-list" data-testid="agent-list">
                        {list.into_iter().map(|row| {
                            let token = row.token;
                            let (name, problem) = match row.name {
                                Ok(n) => (n, None),
                                Err(e) => (t_string!(i18n, agents.cannot_open).to_string(), Some(e)),
                            };
                            let origin = origin(row.provenance.as_ref().ok(), &mine);
                            let line = provenance_line(&row.provenance, &mine, locale);
                            view! {
                                <li class="agent-row" data-token=token.to_string() data-origin=origin_kind(&origin)>
                                    <span class="agent-id mono">{format!("#{token}")}</span>
                                    <div class="agent-main">
                                        <div class="row">
                                            <span class="agent-name">{name}</span>
                                            {origin.needs_acknowledgement().then(|| view! {
                                                <span class="badge badge-unverified" data-testid="foreign-badge">{t!(i18n, agents.not_yours)}</span>
                                            })}
                                        </div>
                                        <span class="hint" data-testid="agent-provenance">{line}</span>
                                        {origin_warning(locale, &origin).map(|w| view! { <span class="hint text-warn" data-testid="foreign-warning">{w}</span> })}
                                        {problem.map(|p| view! { <span class="hint text-warn">{p}</span> })}
                                    </div>
                                    <button class="btn btn-sm" on:click=move |_| selected.set(Some(token))>{t!(i18n, agents.open)}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}
