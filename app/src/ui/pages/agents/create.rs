//! Creating an agent: its name, description, model, system prompt and tools, encrypted to
//! the holder, uploaded to 0G Storage and minted.

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::inft::metadata::AgentMetadata;
use crate::ui::components::ErrorAlert;
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
            return error.set(Some("Give the agent a name.".into()));
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
        spawn_local(async move {
            let result = svc.create(&key, &metadata, &step_reporter(busy)).await;
            drop(key);
            busy.set(None);
            match result {
                Ok((token, included)) => {
                    app.toasts.success(&format!(
                        "Agent #{token} \"{}\" minted in block {} (receipt verified)",
                        metadata.name, included.block
                    ));
                    for field in [name, description, model, prompt, tools] {
                        field.set(String::new());
                    }
                    on_created.run(token);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <section class="card">
            <h2 class="card-title">"Create an agent"</h2>
            <p class="muted">"Its settings, memory and its own wallet key are encrypted in this browser; only the holder of the token can read them. The ciphertext goes to 0G Storage and its root goes on chain."</p>
            <form class="stack" aria-label="Create agent" on:submit=create>
                <div class="grid-2">
                    <div class="field">
                        <label for="agent-name">"Name"</label>
                        <input id="agent-name" autocomplete="off" bind:value=name />
                    </div>
                    <div class="field">
                        <label for="agent-model">"Model"</label>
                        <input id="agent-model" autocomplete="off" placeholder="e.g. qwen2.5-7b-instruct" bind:value=model />
                    </div>
                </div>
                <div class="field">
                    <label for="agent-description">"Description"</label>
                    <input id="agent-description" autocomplete="off" bind:value=description />
                </div>
                <div class="field">
                    <label for="agent-prompt">"System prompt"</label>
                    <textarea id="agent-prompt" rows="3" bind:value=prompt></textarea>
                </div>
                <div class="field">
                    <label for="agent-tools">"Tools"</label>
                    <input id="agent-tools" autocomplete="off" placeholder="comma separated, e.g. search, calculator" bind:value=tools />
                </div>
                {progress_view(busy)}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button
                        type="submit"
                        class="btn btn-primary"
                        title=move || (!ready.get()).then_some("Waiting for the agent contract connection")
                        disabled=move || busy.get().is_some() || !ready.get()
                    >"Create agent"</button>
                </div>
            </form>
        </section>
    }
}
