//! Creating an agent: its name, description, model, system prompt and tools, encrypted to
//! the holder, uploaded to 0G Storage and minted.

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{t, t_string, use_i18n};
use crate::inft::metadata::AgentMetadata;
use crate::ui::components::ErrorAlert;
use crate::ui::lang::{fill, Localized};
use crate::ui::state::use_app;

use super::model::split_tools;
use super::{progress_view, service_and_key, step_reporter, Service};

#[component]
pub(super) fn CreateAgentCard(
    service: Service,
    /// The agent contract is connected: until then the form can be filled but not sent (its
    /// first contract reads wait for the verifiers' module, a moment on a first visit).
    ready: Signal<bool>,
    on_created: Callback<U256>,
) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let model = RwSignal::new(String::new());
    let prompt = RwSignal::new(String::new());
    let tools = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        if name.get_untracked().trim().is_empty() {
            return error.set(Some(t_string!(i18n, agents.name_needed).to_string()));
        }
        let (svc, key) = match service_and_key(&app, service) {
            Ok(ready) => ready,
            Err(e) => return error.set(Some(e)),
        };
        let metadata = AgentMetadata::new(
            &name.get_untracked(),
            &description.get_untracked(),
            &model.get_untracked(),
            &prompt.get_untracked(),
            split_tools(&tools.get_untracked()),
        );
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = svc.create(&key, &metadata, &step_reporter(busy)).await;
            drop(key);
            busy.set(None);
            match result {
                Ok((token, included)) => {
                    app.toasts.success(&fill(
                        t_string!(i18n, agents.minted),
                        &[("token", &token), ("name", &metadata.name), ("block", &included.block)],
                    ));
                    for field in [name, description, model, prompt, tools] {
                        field.set(String::new());
                    }
                    on_created.run(token);
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };

    view! {
        <section class="card">
            <h2 class="card-title">{t!(i18n, agents.create_title)}</h2>
            <p class="muted">{t!(i18n, agents.create_intro)}</p>
            <form class="stack" aria-label=move || t_string!(i18n, agents.create_label) on:submit=create>
                <div class="grid-2">
                    <div class="field">
                        <label for="agent-name">{t!(i18n, agents.name)}</label>
                        <input id="agent-name" autocomplete="off" bind:value=name />
                    </div>
                    <div class="field">
                        <label for="agent-model">{t!(i18n, agents.model)}</label>
                        <input id="agent-model" autocomplete="off" placeholder=move || t_string!(i18n, agents.model_placeholder) bind:value=model />
                    </div>
                </div>
                <div class="field">
                    <label for="agent-description">{t!(i18n, agents.description)}</label>
                    <input id="agent-description" autocomplete="off" bind:value=description />
                </div>
                <div class="field">
                    <label for="agent-prompt">{t!(i18n, agents.prompt)}</label>
                    <textarea id="agent-prompt" rows="3" bind:value=prompt></textarea>
                </div>
                <div class="field">
                    <label for="agent-tools">{t!(i18n, agents.tools)}</label>
                    <input id="agent-tools" autocomplete="off" placeholder=move || t_string!(i18n, agents.tools_placeholder) bind:value=tools />
                </div>
                {progress_view(busy)}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button
                        type="submit"
                        class="btn btn-primary"
                        title=move || (!ready.get()).then_some(t_string!(i18n, agents.waiting_contract))
                        disabled=move || busy.get().is_some() || !ready.get()
                    >{t!(i18n, agents.create)}</button>
                </div>
            </form>
        </section>
    }
}
