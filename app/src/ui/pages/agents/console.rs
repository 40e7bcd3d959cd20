//! Chat with the agent: its system prompt and the memory nearest each message in meaning go
//! with it, to a 0G Compute provider or to the model run locally; "Save to memory" appends
//! the exchange, each entry with its embedding.

use std::rc::Rc;

use alloy_primitives::Address;
use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::compute::chat as compute_chat;
use crate::compute::llm_worker;
use crate::compute::local::{self, LocalEvent, Prefer};
use crate::compute::recall;
use crate::compute::service::{AnswerCheck, ComputeService};
use crate::inft::metadata::MemoryEntry;
use crate::inft::service::OpenedAgent;
use crate::ui::components::ErrorAlert;
use crate::ui::state::use_app;

use super::model::{backend_badge, ConsoleAnswer, ConsoleSource};
use super::{key_of, progress_view, step_reporter, Service};

/// Chat with the agent: its system prompt and recent memory go with each message, to a
/// 0G Compute provider (answer, cost, signature check) or to the model run locally;
/// "Save to memory" appends the exchange to the agent's encrypted metadata.
#[component]
pub(super) fn AgentConsoleCard(service: Service, opened: OpenedAgent, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let compute: StoredValue<Option<Rc<ComputeService>>, LocalStorage> = StoredValue::new_local(None);
    let providers = RwSignal::new(Vec::<(Address, String)>::new());
    let chosen = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<ConsoleAnswer>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    // A provider's answer as it streams in; left on screen, marked, if it is cut off.
    let partial = RwSignal::new(None::<String>);
    // Ends the provider's answer early: the Stop button, and leaving the page (the request
    // is aborted rather than left running after nobody reads it).
    let stopper: StoredValue<Option<oneshot::Sender<()>>, LocalStorage> = StoredValue::new_local(None);
    let asking = RwSignal::new(false);
    let stop_now = move || {
        if let Some(stop) = stopper.try_update_value(Option::take).flatten() {
            let _ = stop.send(());
        }
    };
    on_cleanup(stop_now);
    let meta = StoredValue::new(opened.metadata.clone());
    let token = opened.token;
    if let Some(chain) = app.chain.client() {
        match ComputeService::new(chain) {
            Ok(svc) => {
                let svc = Rc::new(svc);
                compute.set_value(Some(svc.clone()));
                spawn_local(async move {
                    match svc.services().await {
                        Ok(list) => {
                            let list: Vec<_> = list.value.into_iter().map(|s| (s.provider, s.model)).collect();
                            if let Some((first, _)) = list.first() {
                                chosen.set(first.to_string());
                            }
                            providers.set(list);
                        }
                        Err(e) => note.set(Some(format!("Providers could not be read: {e}"))),
                    }
                });
            }
            Err(e) => note.set(Some(format!("{e}. Run locally still works."))),
        }
    }
    // The memory entries that went with the last message, and how near each was.
    let recalled = RwSignal::new(Vec::<RecalledView>::new());
    let question = move || {
        let text = message.get_untracked().trim().to_string();
        if text.is_empty() {
            error.set(Some("Write a message first".into()));
            return None;
        }
        Some(text)
    };
    // The conversation for a message: the agent's system prompt, the memory entries nearest
    // the message in meaning (embedded in this browser; by recency when that fails, said so)
    // and the message.
    let conversation = move |text: String| async move {
        let m = meta.get_value();
        let mut query = None;
        if m.memory.iter().any(|e| e.embedding.is_some()) {
            busy.set(Some("Finding the memories nearest this message…".into()));
            let mut progress = |loaded, total| {
                busy.set(Some(format!(
                    "Downloading the embedding model, once: {}",
                    llm_worker::progress_words(loaded, total)
                )))
            };
            match local::embed(std::slice::from_ref(&text), true, &mut progress).await {
                Ok(mut vectors) => query = vectors.pop(),
                Err(e) => note.set(Some(format!("Memory went by recency this time: {e}"))),
            }
        }
        let chosen = recall::recall(&m.memory, query.as_deref(), compute_chat::MEMORY_WINDOW);
        recalled.set(chosen.iter().map(RecalledView::from).collect());
        let entries: Vec<&MemoryEntry> = chosen.iter().map(|r| r.entry).collect();
        compute_chat::messages(&m.system_prompt, &entries, &text)
    };
    let send = move |_| {
        error.set(None);
        let Some(question) = question() else { return };
        let Some(svc) = compute.get_value() else {
            return error.set(Some("0G Compute is not available on this network; Run locally still works".into()));
        };
        let Ok(provider) = chosen.get_untracked().parse::<Address>() else {
            return error.set(Some("No compute provider is registered".into()));
        };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some("Asking the provider…".into()));
        answer.set(None);
        partial.set(Some(String::new()));
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        stopper.set_value(Some(stop_tx));
        asking.set(true);
        // Only a stop sent on purpose stops; the sender dropped with the page does not.
        let stop = async move {
            if stop_rx.await.is_err() {
                futures::future::pending::<()>().await
            }
        };
        spawn_local(async move {
            let messages = conversation(question.clone()).await;
            busy.set(Some("Asking the provider…".into()));
            let on_text = move |text: &str| {
                busy.set(Some("Receiving the answer; its signature is checked when it is whole…".into()));
                partial.update(|p| p.get_or_insert_with(String::new).push_str(text));
            };
            let result = svc.chat(&key, provider, &messages, &on_text, stop).await;
            // The page was left: the chat was stopped and there is nothing to show it on.
            if partial.try_get_untracked().is_none() {
                return;
            }
            stopper.set_value(None);
            asking.set(false);
            busy.set(None);
            if result.is_ok() || partial.get_untracked().is_some_and(|p| p.is_empty()) {
                partial.set(None);
            }
            match result {
                Ok(a) => answer.set(Some(ConsoleAnswer {
                    question,
                    text: a.text,
                    source: ConsoleSource::Provider {
                        cost: a.cost,
                        tokens: (a.prompt_tokens, a.completion_tokens),
                        check: a.check,
                    },
                })),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    // Local runs: WebGPU when the browser has an adapter (or the CPU, by choice or when a
    // GPU run failed and the user takes the offer).
    let local_on = RwSignal::new(String::from("auto"));
    // The weights' download on a first local run: (bytes so far, all of them).
    let download = RwSignal::new(None::<(u64, u64)>);
    // Where the model came from on this page's first local run.
    let loaded = RwSignal::new(None::<String>);
    let cpu_offer = RwSignal::new(false);
    let run_local_on = move |prefer: Prefer| {
        error.set(None);
        cpu_offer.set(false);
        let Some(question) = question() else { return };
        busy.set(Some("Starting the local model…".into()));
        answer.set(None);
        partial.set(Some(String::new()));
        spawn_local(async move {
            let messages = conversation(question.clone()).await;
            let mut on_event = move |event: LocalEvent<'_>| {
                match event {
                    LocalEvent::Downloading { loaded, total } => {
                        download.set(Some((loaded, total)));
                        busy.set(Some(format!(
                            "Downloading SmolLM2's weights, once (kept in this browser after): {}",
                            llm_worker::progress_words(loaded, total)
                        )));
                    }
                    LocalEvent::Loaded { cached, ms } => loaded.set(Some(if cached {
                        format!("SmolLM2 loaded from this browser's cache in {:.1} s.", ms / 1000.0)
                    } else {
                        format!("SmolLM2 downloaded, checked and kept in this browser ({:.1} s).", ms / 1000.0)
                    })),
                    LocalEvent::Started(backend) => {
                        download.set(None);
                        busy.set(Some(format!("Running locally on {backend}…")))
                    }
                    LocalEvent::Text(text) => partial.update(|p| p.get_or_insert_with(String::new).push_str(text)),
                }
                true
            };
            let seed = js_sys::Date::now() as u64;
            let result = local::generate(
                &messages,
                compute_chat::MAX_TOKENS,
                compute_chat::TEMPERATURE,
                seed,
                prefer,
                &mut on_event,
            )
            .await;
            busy.set(None);
            download.set(None);
            partial.set(None);
            match result {
                Ok(a) => {
                    answer.set(Some(ConsoleAnswer { question, text: a.text.clone(), source: ConsoleSource::Local(a) }))
                }
                Err(e) => {
                    cpu_offer.set(e.offers_cpu());
                    error.set(Some(e.to_string()));
                }
            }
        });
    };
    let run_local = move |_| {
        run_local_on(match local_on.get_untracked().as_str() {
            "cpu" => Prefer::Cpu,
            "webgpu" => Prefer::WebGpu,
            _ => Prefer::Auto,
        })
    };
    let save_memory = move |_| {
        error.set(None);
        let (Some(svc), Some(a)) = (service.get_value(), answer.get_untracked()) else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let mut edited = meta.get_value();
        let now = js_sys::Date::now() as u64;
        spawn_local(async move {
            // Each entry's meaning goes with it, so later messages find it; an entry saved
            // without one is still found by recency.
            busy.set(Some("Embedding the exchange for memory by meaning…".into()));
            let texts = [a.question.clone(), a.text.clone()];
            let mut progress = |loaded, total| {
                busy.set(Some(format!(
                    "Downloading the embedding model, once: {}",
                    llm_worker::progress_words(loaded, total)
                )))
            };
            let vectors = match local::embed(&texts, false, &mut progress).await {
                Ok(vectors) => vectors.iter().map(|v| Some(recall::encode_vector(v))).collect(),
                Err(e) => {
                    note.set(Some(format!("Saved without its meaning (found by recency only): {e}")));
                    vec![None, None]
                }
            };
            let [question, text] = texts;
            let mut vectors = vectors.into_iter();
            let embedding = vectors.next().flatten();
            edited.memory.push(MemoryEntry { at_ms: now, role: "user".into(), text: question, embedding });
            let embedding = vectors.next().flatten();
            edited.memory.push(MemoryEntry { at_ms: now, role: "agent".into(), text, embedding });
            let result = svc.save(&key, token, &edited, &step_reporter(busy)).await;
            busy.set(None);
            match result {
                Ok(included) => {
                    app.toasts.success(&format!(
                        "Saved to agent #{token}'s memory in block {} (receipt verified)",
                        included.block
                    ));
                    reload.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let memory = opened.metadata.memory.clone();
    view! {
        <section class="card" aria-label="Agent console">
            <div class="stack">
            <h2 class="card-title">"Console"</h2>
            <p class="hint">{format!("The agent's system prompt and the {} memory entries nearest each message in meaning (found in this browser by multilingual-e5-small, in any language) go with it. ", compute_chat::MEMORY_WINDOW)}{crate::ui::pages::compute::model_description()}</p>
            <div class="field">
                <label for="console-provider">"Provider"</label>
                <select id="console-provider" on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || chosen.get()>
                    {move || providers.get().into_iter().map(|(address, model)| {
                        view! { <option value=address.to_string()>{format!("{model} · {}", crate::format::short_address(&address))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="console-message">"Message"</label>
                <textarea id="console-message" rows="2" bind:value=message></textarea>
            </div>
            <div class="row">
                <button class="btn btn-primary" on:click=send disabled=move || busy.get().is_some()>"Send"</button>
                <button class="btn btn-ghost" on:click=run_local disabled=move || busy.get().is_some()>"Run locally"</button>
                {move || asking.get().then(|| view! {
                    <button class="btn btn-secondary" data-testid="console-stop" on:click=move |_| stop_now()>"Stop"</button>
                })}
                <div class="field field-inline">
                <select aria-label="Run locally on" data-testid="local-backend" on:change=move |ev| local_on.set(event_target_value(&ev)) prop:value=move || local_on.get()>
                    <option value="auto">"on a GPU when there is one"</option>
                    <option value="webgpu">"on WebGPU, software adapters too"</option>
                    <option value="cpu">"on the CPU (wasm)"</option>
                </select>
                </div>
            </div>
            {move || cpu_offer.get().then(|| view! {
                <button class="btn btn-secondary" on:click=move |_| run_local_on(Prefer::Cpu) disabled=move || busy.get().is_some()>"Run on the CPU instead"</button>
            })}
            {move || note.get().map(|n| view! { <p class="muted" data-testid="console-note">{n}</p> })}
            {progress_view(busy)}
            {move || download.get().map(|(loaded, total)| view! {
                <progress data-testid="model-download" aria-label="Model download" max=total.to_string() value=loaded.to_string()></progress>
            })}
            <ErrorAlert message=error />
            {move || loaded.get().map(|l| view! { <p class="muted" data-testid="model-loaded">{l}</p> })}
            {move || partial.get().map(|text| {
                let cut = busy.get().is_none();
                view! {
                    <div class="stack" data-testid="answer-partial">
                        {cut.then(|| view! {
                            <span class="badge badge-unverified" data-testid="answer-cut">"Cut off: not verified, not charged, not saved"</span>
                        })}
                        <p class="pre" class:muted=cut data-testid="answer-streaming">{text}</p>
                    </div>
                }
            })}
            {move || answer.get().map(|a| {
                let badge = match &a.source {
                    ConsoleSource::Provider { check: check @ AnswerCheck::Verified { coverage, .. }, .. } => view! {
                        <span class="badge badge-verified" data-testid="answer-verified" data-coverage=format!("{coverage:?}") title=check.describe()>"Verified answer"</span>
                    }.into_any(),
                    ConsoleSource::Provider { check: AnswerCheck::Unverified { reason }, .. } => view! {
                        <span class="badge badge-unverified" data-testid="answer-unverified" title=reason.clone()>"UNVERIFIED answer"</span>
                    }.into_any(),
                    ConsoleSource::Local(local) => {
                        let (kind, title) = backend_badge(&local.backend);
                        view! {
                            <span class="badge badge-neutral" data-testid="answer-local" data-backend=kind title=title>{format!("local · {}", local.backend)}</span>
                        }.into_any()
                    }
                };
                let savable = a.savable();
                let details = a.details();
                let why_cpu = a.why_cpu();
                view! {
                    <div class="stack" data-testid="console-answer">
                        <div class="row">{badge}<span class="spacer"></span><span class="muted" data-testid="answer-cost">{details}</span></div>
                        {match &a.source {
                            ConsoleSource::Provider { check: AnswerCheck::Unverified { reason }, .. } => Some(view! {
                                <div class="alert alert-warn" role="alert" data-testid="answer-unverified-reason">{format!("Not verified: {reason}. Do not rely on this answer.")}</div>
                            }.into_any()),
                            // Say what the signature was found to cover, not just "verified".
                            ConsoleSource::Provider { check: check @ AnswerCheck::Verified { .. }, .. } => Some(view! {
                                <p class="hint" data-testid="answer-checked">{format!("Checked: {}.", check.describe())}</p>
                            }.into_any()),
                            _ => None,
                        }}
                        {why_cpu.map(|why| view! { <p class="muted" data-testid="answer-why-cpu">{format!("Ran on the CPU: {why}.")}</p> })}
                        <p class="pre" data-testid="answer-text">{a.text.clone()}</p>
                        {recalled_list(recalled.get())}
                        {savable.then(|| view! {
                            <div class="row">
                                <span class="spacer"></span>
                                <button class="btn btn-secondary" on:click=save_memory disabled=move || busy.get().is_some()>"Save to memory"</button>
                            </div>
                        })}
                    </div>
                }
            })}
            <h3 class="card-title">"Memory"</h3>
            {if memory.is_empty() {
                view! { <p class="muted" data-testid="memory-empty">"No memory yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="stack" data-testid="memory">
                        {memory.into_iter().map(|m| view! {
                            <li data-testid="memory-entry"><strong>{format!("{}: ", m.role)}</strong>{m.text}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            </div>
        </section>
    }
}

/// One memory entry that went with a message, for the list under the answer.
#[derive(Clone, PartialEq)]
struct RecalledView {
    role: String,
    text: String,
    similarity: Option<f32>,
}

impl From<&recall::Recalled<'_>> for RecalledView {
    fn from(r: &recall::Recalled<'_>) -> Self {
        RecalledView { role: r.entry.role.clone(), text: r.entry.text.clone(), similarity: r.similarity }
    }
}

/// "Memory sent with this message": each entry and why it went (near in meaning, or recent).
fn recalled_list(entries: Vec<RecalledView>) -> Option<impl IntoView> {
    (!entries.is_empty()).then(|| {
        view! {
            <details class="hint" data-testid="recalled">
                <summary>{format!("Memory sent with this message: {} entries", entries.len())}</summary>
                <ul>
                    {entries.into_iter().map(|e| {
                        let why = match e.similarity {
                            Some(s) => format!("near in meaning ({s:.2})"),
                            None => "recent".to_string(),
                        };
                        view! {
                            <li data-testid="recalled-entry" data-similarity=e.similarity.map(|s| format!("{s:.3}")).unwrap_or_default()>
                                <strong>{format!("{}: ", e.role)}</strong>{e.text}<span class="muted">{format!(" · {why}")}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}
