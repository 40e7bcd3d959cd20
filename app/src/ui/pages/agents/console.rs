//! Chat with the agent: its system prompt, the memory nearest each message in meaning and
//! the conversation so far go with it, to a 0G Compute provider or to the model run
//! locally; "Save to memory" appends the exchange, each entry with its embedding.
//! Conversations (`compute::thread`) are kept in this browser per agent, sealed under the
//! wallet's key (`sealed_records`); answers are drawn as Markdown through `ui::markdown`,
//! which never hands the model's text to the DOM as HTML.

use std::rc::Rc;

use alloy_primitives::Address;
use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::compute::chat as compute_chat;
use crate::compute::llm_worker;
use crate::compute::local::{self, LocalEvent, Prefer};
use crate::compute::markdown;
use crate::compute::recall;
use crate::compute::service::{AnswerCheck, ComputeService};
use crate::compute::thread::{self, Stats, Threads, Turn, TurnSource};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::inft::metadata::MemoryEntry;
use crate::inft::service::OpenedAgent;
use crate::ui::components::{CopyButton, ErrorAlert};
use crate::ui::lang::words_agents::{backend_words, memory_role};
use crate::ui::lang::{fill, Localized};
use crate::ui::markdown::Markdown;
use crate::ui::state::use_app;

use super::model::{backend_badge, stats_words, ConsoleAnswer, ConsoleSource};
use super::{key_of, progress_view, step_reporter, Service};

/// Chat with the agent: its system prompt and recent memory go with each message, to a
/// 0G Compute provider (answer, cost, signature check) or to the model run locally;
/// "Save to memory" appends the exchange to the agent's encrypted metadata.
#[component]
pub(super) fn AgentConsoleCard(service: Service, opened: OpenedAgent, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
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
    // This agent's conversations, and the one open (None: a new one starts with the next
    // question).
    let threads = RwSignal::new(Threads::default());
    let current = RwSignal::new(None::<u64>);
    let record = StoredValue::new(chat_record(&app, service, token));
    if let (Some(name), Some(sealer)) = (record.get_value(), app.session.sealer()) {
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let Some(json) = crate::sealed_records::load::<String>(&name, &sealer).await else { return };
            match Threads::from_json(&json) {
                // A new conversation opens, as chat apps open; earlier ones are picked.
                Ok(stored) => threads.set(stored),
                Err(e) => note.set(Some(e.localized(locale))),
            }
        });
    }
    let save_threads = move || {
        let (Some(name), Some(sealer)) = (record.get_value(), app.session.sealer()) else { return };
        let json = threads.with_untracked(Threads::to_json);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            if let Err(e) = crate::sealed_records::save(&name, &json, &sealer).await {
                note.set(Some(e.localized(locale)));
            }
        });
    };
    // Adds a finished (or cut) exchange to the open conversation, starting one if needed.
    let record_turn = move |turn: Turn| {
        let now = js_sys::Date::now() as u64;
        threads.update(|t| {
            let id = match current.get_untracked().filter(|id| t.thread(*id).is_some()) {
                Some(id) => id,
                None => {
                    let id = t.new_thread(now, &turn.question);
                    current.set(Some(id));
                    id
                }
            };
            let _ = t.push_turn(id, turn);
        });
        save_threads();
    };
    if let Some(chain) = app.chain.client() {
        let locale = i18n.get_locale_untracked();
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
                        Err(e) => note.set(Some(fill(
                            t_string!(i18n, agent_cards.console_providers_unreadable),
                            &[("error", &e.localized(locale))],
                        ))),
                    }
                });
            }
            Err(e) => note
                .set(Some(fill(t_string!(i18n, agent_cards.console_compute_note), &[("error", &e.localized(locale))]))),
        }
    }
    // The memory entries that went with the last message, and how near each was.
    let recalled = RwSignal::new(Vec::<RecalledView>::new());
    let question = move || {
        let text = message.get_untracked().trim().to_string();
        if text.is_empty() {
            error.set(Some(t_string!(i18n, agent_cards.console_write_first).to_string()));
            return None;
        }
        Some(text)
    };
    // The conversation for a message: the agent's system prompt, the memory entries nearest
    // the message in meaning (embedded in this browser; by recency when that fails, said so)
    // and the message. `locale` is the language at the click, taken before the task starts.
    let conversation = move |text: String, locale: Locale| async move {
        let m = meta.get_value();
        let mut query = None;
        if m.memory.iter().any(|e| e.embedding.is_some()) {
            busy.set(Some(t_string!(i18n, agent_cards.console_finding_memories).to_string()));
            let mut progress = |loaded, total| {
                busy.set(Some(fill(
                    t_string!(i18n, agent_cards.console_downloading_embedder),
                    &[("progress", &llm_worker::DownloadProgress { loaded, total }.localized(locale))],
                )))
            };
            match local::embed(std::slice::from_ref(&text), true, &mut progress).await {
                Ok(mut vectors) => query = vectors.pop(),
                Err(e) => note.set(Some(fill(
                    t_string!(i18n, agent_cards.console_by_recency),
                    &[("error", &e.localized(locale))],
                ))),
            }
        }
        let chosen = recall::recall(&m.memory, query.as_deref(), compute_chat::MEMORY_WINDOW);
        recalled.set(chosen.iter().map(RecalledView::from).collect());
        let entries: Vec<&MemoryEntry> = chosen.iter().map(|r| r.entry).collect();
        let history = current
            .get_untracked()
            .and_then(|id| {
                threads.with_untracked(|t| {
                    t.thread(id).map(|th| thread::history_messages(&th.turns, thread::HISTORY_BUDGET_BYTES))
                })
            })
            .unwrap_or_default();
        compute_chat::messages_with_history(&m.system_prompt, &entries, &history, &text)
    };
    let ask_provider = move || {
        error.set(None);
        let Some(question) = question() else { return };
        let Some(svc) = compute.get_value() else {
            return error.set(Some(t_string!(i18n, agent_cards.console_compute_unavailable).to_string()));
        };
        let Ok(provider) = chosen.get_untracked().parse::<Address>() else {
            return error.set(Some(t_string!(i18n, agent_cards.console_no_provider).to_string()));
        };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some(t_string!(i18n, agent_cards.console_asking).to_string()));
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
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let messages = conversation(question.clone(), locale).await;
            busy.set(Some(t_string!(i18n, agent_cards.console_asking).to_string()));
            let started = js_sys::Date::now();
            let first_at = std::cell::Cell::new(None::<f64>);
            let on_text = |text: &str| {
                if first_at.get().is_none() {
                    first_at.set(Some(js_sys::Date::now()));
                }
                busy.set(Some(t_string!(i18n, agent_cards.console_receiving).to_string()));
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
            let arrived = partial.get_untracked().unwrap_or_default();
            if result.is_ok() || arrived.is_empty() {
                partial.set(None);
            }
            let now = js_sys::Date::now();
            match result {
                Ok(a) => {
                    let stats = first_at.get().map(|first| Stats {
                        first_token_ms: first - started,
                        total_ms: now - started,
                        tokens: u32::try_from(a.completion_tokens).unwrap_or(u32::MAX),
                    });
                    record_turn(Turn {
                        question: question.clone(),
                        answer: a.text.clone(),
                        at_ms: now as u64,
                        source: TurnSource::Provider { provider, cost_wei: a.cost },
                        stats,
                        cut: false,
                    });
                    answer.set(Some(ConsoleAnswer {
                        question,
                        text: a.text,
                        source: ConsoleSource::Provider {
                            cost: a.cost,
                            tokens: (a.prompt_tokens, a.completion_tokens),
                            check: a.check,
                            stats,
                        },
                    }))
                }
                Err(e) => {
                    // What arrived before the stop or the fault stays in the conversation, marked.
                    if !arrived.is_empty() {
                        record_turn(Turn {
                            question,
                            answer: arrived,
                            at_ms: now as u64,
                            source: TurnSource::Provider { provider, cost_wei: alloy_primitives::U256::ZERO },
                            stats: None,
                            cut: true,
                        });
                    }
                    error.set(Some(e.localized(locale)))
                }
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
        busy.set(Some(t_string!(i18n, agent_cards.console_starting_local).to_string()));
        answer.set(None);
        partial.set(Some(String::new()));
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let messages = conversation(question.clone(), locale).await;
            let mut on_event = move |event: LocalEvent<'_>| {
                match event {
                    LocalEvent::Downloading { loaded, total } => {
                        download.set(Some((loaded, total)));
                        busy.set(Some(fill(
                            t_string!(i18n, agent_cards.console_downloading_weights),
                            &[("progress", &llm_worker::DownloadProgress { loaded, total }.localized(locale))],
                        )));
                    }
                    LocalEvent::Loaded { cached, ms } => {
                        let text = if cached {
                            t_string!(i18n, agent_cards.console_loaded_cached)
                        } else {
                            t_string!(i18n, agent_cards.console_loaded_downloaded)
                        };
                        loaded.set(Some(fill(text, &[("secs", &format!("{:.1}", ms / 1000.0))])))
                    }
                    LocalEvent::Started(backend) => {
                        download.set(None);
                        busy.set(Some(fill(
                            t_string!(i18n, agent_cards.console_running_on),
                            &[("backend", &backend_words(locale, backend))],
                        )))
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
                    record_turn(Turn {
                        question: question.clone(),
                        answer: a.text.clone(),
                        at_ms: js_sys::Date::now() as u64,
                        source: TurnSource::Local { backend: backend_badge(&a.backend, locale).0.to_string() },
                        stats: Some(Stats {
                            first_token_ms: a.first_token_ms,
                            total_ms: a.total_ms,
                            tokens: u32::try_from(a.completion_tokens).unwrap_or(u32::MAX),
                        }),
                        cut: false,
                    });
                    answer.set(Some(ConsoleAnswer { question, text: a.text.clone(), source: ConsoleSource::Local(a) }))
                }
                Err(e) => {
                    cpu_offer.set(e.offers_cpu());
                    error.set(Some(e.localized(locale)));
                }
            }
        });
    };
    let prefer = move || match local_on.get_untracked().as_str() {
        "cpu" => Prefer::Cpu,
        "webgpu" => Prefer::WebGpu,
        _ => Prefer::Auto,
    };
    let run_local = move |_| run_local_on(prefer());
    let send = move |_| ask_provider();
    // Asks the last question of the conversation again, of whoever answered it.
    let regenerate = move |_| {
        let Some(id) = current.get_untracked() else { return };
        let Some(again) = threads.try_update(|t| t.regenerate(id)).flatten() else { return };
        save_threads();
        let local = answer.get_untracked().is_some_and(|a| matches!(a.source, ConsoleSource::Local(_)));
        answer.set(None);
        message.set(again);
        if local {
            run_local_on(prefer())
        } else {
            ask_provider()
        }
    };
    let new_conversation = move |_| {
        current.set(None);
        answer.set(None);
        recalled.set(vec![]);
        error.set(None);
    };
    let delete_conversation = move |_| {
        let Some(id) = current.get_untracked() else { return };
        threads.update(|t| {
            t.delete(id);
        });
        current.set(None);
        answer.set(None);
        save_threads();
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
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            // Each entry's meaning goes with it, so later messages find it; an entry saved
            // without one is still found by recency.
            busy.set(Some(t_string!(i18n, agent_cards.console_embedding).to_string()));
            let texts = [a.question.clone(), a.text.clone()];
            let mut progress = |loaded, total| {
                busy.set(Some(fill(
                    t_string!(i18n, agent_cards.console_downloading_embedder),
                    &[("progress", &llm_worker::DownloadProgress { loaded, total }.localized(locale))],
                )))
            };
            let vectors = match local::embed(&texts, false, &mut progress).await {
                Ok(vectors) => vectors.iter().map(|v| Some(recall::encode_vector(v))).collect(),
                Err(e) => {
                    note.set(Some(fill(
                        t_string!(i18n, agent_cards.console_saved_without_meaning),
                        &[("error", &e.localized(locale))],
                    )));
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
                    app.toasts.success(&fill(
                        t_string!(i18n, agent_cards.console_saved),
                        &[("token", &token), ("block", &included.block)],
                    ));
                    reload.run(());
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    let memory = opened.metadata.memory.clone();
    view! {
        <section class="card" aria-label=move || t_string!(i18n, agent_cards.console_label)>
            <div class="stack">
            <h2 class="card-title">{t!(i18n, agent_cards.console_title)}</h2>
            <p class="hint">{move || fill(t_string!(i18n, agent_cards.console_hint), &[("count", &compute_chat::MEMORY_WINDOW)])}{crate::ui::pages::compute::model_description()}</p>
            <div class="field">
                <label for="console-provider">{t!(i18n, agent_cards.console_provider)}</label>
                <select id="console-provider" on:change=move |ev| chosen.set(event_target_value(&ev)) prop:value=move || chosen.get()>
                    {move || providers.get().into_iter().map(|(address, model)| {
                        view! { <option value=address.to_string()>{format!("{model} · {}", crate::format::short_address(&address))}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="row conversation-bar">
                <div class="field field-inline">
                    <label for="console-thread">{t!(i18n, agent_cards.console_conversation)}</label>
                    <select id="console-thread" data-testid="console-thread"
                        on:change=move |ev| { current.set(event_target_value(&ev).parse().ok()); answer.set(None); }
                        prop:value=move || current.get().map(|id| id.to_string()).unwrap_or_default()>
                        <option value="">{t!(i18n, agent_cards.console_new_conversation)}</option>
                        {move || threads.with(|t| t.newest_first().map(|th| {
                            let title = if th.title.is_empty() { t_string!(i18n, agent_cards.console_untitled).to_string() } else { th.title.clone() };
                            let label = fill(t_string!(i18n, agent_cards.console_thread_option), &[("title", &title), ("count", &th.turns.len())]);
                            view! { <option value=th.id.to_string()>{label}</option> }
                        }).collect_view())}
                    </select>
                </div>
                <span class="spacer"></span>
                <button class="btn btn-ghost btn-sm" data-testid="new-conversation" on:click=new_conversation disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_new)}</button>
                <Show when=move || current.get().is_some()>
                    <button class="btn btn-ghost btn-sm" data-testid="delete-conversation" on:click=delete_conversation disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_delete)}</button>
                </Show>
            </div>
            {move || earlier_turns(i18n, threads, current, answer.with(Option::is_some))}
            <div class="field">
                <label for="console-message">{t!(i18n, agent_cards.console_message)}</label>
                <textarea id="console-message" rows="2" bind:value=message></textarea>
            </div>
            <div class="row">
                <button class="btn btn-primary" on:click=send disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_send)}</button>
                <button class="btn btn-ghost" on:click=run_local disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_run_locally)}</button>
                {move || asking.get().then(|| view! {
                    <button class="btn btn-secondary" data-testid="console-stop" on:click=move |_| stop_now()>{t!(i18n, agent_cards.console_stop)}</button>
                })}
                <div class="field field-inline">
                <select aria-label=move || t_string!(i18n, agent_cards.console_run_on) data-testid="local-backend" on:change=move |ev| local_on.set(event_target_value(&ev)) prop:value=move || local_on.get()>
                    <option value="auto">{t!(i18n, agent_cards.console_on_gpu)}</option>
                    <option value="webgpu">{t!(i18n, agent_cards.console_on_webgpu)}</option>
                    <option value="cpu">{t!(i18n, agent_cards.console_on_cpu)}</option>
                </select>
                </div>
            </div>
            {move || cpu_offer.get().then(|| view! {
                <button class="btn btn-secondary" on:click=move |_| run_local_on(Prefer::Cpu) disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_cpu_instead)}</button>
            })}
            {move || note.get().map(|n| view! { <p class="muted" data-testid="console-note">{n}</p> })}
            {progress_view(busy)}
            {move || download.get().map(|(loaded, total)| view! {
                <progress data-testid="model-download" aria-label=move || t_string!(i18n, agent_cards.console_model_download) max=total.to_string() value=loaded.to_string()></progress>
            })}
            <ErrorAlert message=error />
            {move || loaded.get().map(|l| view! { <p class="muted" data-testid="model-loaded">{l}</p> })}
            {move || partial.get().map(|text| {
                let cut = busy.get().is_none();
                view! {
                    <div class="stack" data-testid="answer-partial">
                        {cut.then(|| view! {
                            <span class="badge badge-unverified" data-testid="answer-cut">{t!(i18n, agent_cards.console_cut_off)}</span>
                        })}
                        <p class="pre" class:muted=cut data-testid="answer-streaming">{text}</p>
                    </div>
                }
            })}
            {move || answer.get().map(|a| {
                let badge = match &a.source {
                    ConsoleSource::Provider { check: check @ AnswerCheck::Verified { coverage, .. }, .. } => view! {
                        <span class="badge badge-verified" data-testid="answer-verified" data-coverage=format!("{coverage:?}") title=check.localized(i18n.get_locale())>{t!(i18n, agent_cards.console_verified)}</span>
                    }.into_any(),
                    ConsoleSource::Provider { check: AnswerCheck::Unverified { reason }, .. } => view! {
                        <span class="badge badge-unverified" data-testid="answer-unverified" title=reason.clone()>{t!(i18n, agent_cards.console_unverified)}</span>
                    }.into_any(),
                    ConsoleSource::Local(local) => {
                        let (kind, title) = backend_badge(&local.backend, i18n.get_locale());
                        let backend = backend_words(i18n.get_locale(), &local.backend);
                        view! {
                            <span class="badge badge-neutral" data-testid="answer-local" data-backend=kind title=title>{move || fill(t_string!(i18n, agent_cards.console_local), &[("backend", &backend)])}</span>
                        }.into_any()
                    }
                };
                let savable = a.savable();
                let details = a.details(i18n.get_locale());
                let why_cpu = a.why_cpu();
                view! {
                    <div class="stack" data-testid="console-answer">
                        <div class="row">{badge}<span class="spacer"></span><span class="muted" data-testid="answer-cost">{details}</span></div>
                        {match &a.source {
                            ConsoleSource::Provider { check: AnswerCheck::Unverified { reason }, .. } => {
                                let reason = reason.clone();
                                Some(view! {
                                    <div class="alert alert-warn" role="alert" data-testid="answer-unverified-reason">{move || fill(t_string!(i18n, agent_cards.console_not_verified), &[("reason", &reason)])}</div>
                                }.into_any())
                            }
                            // Say what the signature was found to cover, not just "verified".
                            ConsoleSource::Provider { check: check @ AnswerCheck::Verified { .. }, .. } => {
                                let what = check.localized(i18n.get_locale());
                                Some(view! {
                                    <p class="hint" data-testid="answer-checked">{move || fill(t_string!(i18n, agent_cards.console_checked), &[("what", &what)])}</p>
                                }.into_any())
                            }
                            _ => None,
                        }}
                        {why_cpu.map(|why| view! { <p class="muted" data-testid="answer-why-cpu">{move || fill(t_string!(i18n, agent_cards.console_ran_on_cpu), &[("why", &why)])}</p> })}
                        <div data-testid="answer-text"><Markdown text=a.text.clone() /></div>
                        <div class="row">
                            <CopyButton text=Signal::stored(markdown::plain_text(&markdown::parse(&a.text))) label=t_string!(i18n, agent_cards.console_copy).to_string() />
                            <button class="btn btn-ghost btn-sm" data-testid="regenerate" on:click=regenerate disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_regenerate)}</button>
                        </div>
                        {recalled_list(i18n, recalled.get())}
                        {savable.then(|| view! {
                            <div class="row">
                                <span class="spacer"></span>
                                <button class="btn btn-secondary" on:click=save_memory disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.console_save_memory)}</button>
                            </div>
                        })}
                    </div>
                }
            })}
            <h3 class="card-title">{t!(i18n, agent_cards.console_memory)}</h3>
            {if memory.is_empty() {
                view! { <p class="muted" data-testid="memory-empty">{t!(i18n, agent_cards.console_no_memory)}</p> }.into_any()
            } else {
                view! {
                    <ul class="stack" data-testid="memory">
                        {memory.into_iter().map(|m| {
                            let role = m.role;
                            view! {
                                <li data-testid="memory-entry"><strong>{move || format!("{}: ", memory_role(i18n.get_locale(), &role))}</strong>{m.text}</li>
                            }
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
fn recalled_list(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    entries: Vec<RecalledView>,
) -> Option<impl IntoView> {
    (!entries.is_empty()).then(|| {
        let count = entries.len();
        view! {
            <details class="hint" data-testid="recalled">
                <summary>{move || fill(t_string!(i18n, agent_cards.console_recalled), &[("count", &count)])}</summary>
                <ul>
                    {entries.into_iter().map(|e| {
                        let similarity = e.similarity;
                        let role = e.role;
                        let why = move || match similarity {
                            Some(s) => fill(t_string!(i18n, agent_cards.console_near), &[("score", &format!("{s:.2}"))]),
                            None => t_string!(i18n, agent_cards.console_recent).to_string(),
                        };
                        view! {
                            <li data-testid="recalled-entry" data-similarity=e.similarity.map(|s| format!("{s:.3}")).unwrap_or_default()>
                                <strong>{move || format!("{}: ", memory_role(i18n.get_locale(), &role))}</strong>{e.text}<span class="muted">{move || format!(" · {}", why())}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

/// The open conversation's earlier exchanges, oldest first: the last one is left out while
/// it is the answer shown below (`latest_shown`), with its checks and actions.
fn earlier_turns(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    threads: RwSignal<Threads>,
    current: RwSignal<Option<u64>>,
    latest_shown: bool,
) -> Option<impl IntoView> {
    let id = current.get()?;
    let mut turns = threads.with(|t| t.thread(id).map(|th| th.turns.clone()))?;
    if latest_shown {
        turns.pop();
    }
    (!turns.is_empty()).then(|| {
        view! {
            <ol class="chat-turns" data-testid="conversation" aria-label=move || t_string!(i18n, agent_cards.console_conversation)>
                {turns.into_iter().map(|turn| {
                    let speed = turn.stats.as_ref().and_then(|s| stats_words(i18n.get_locale_untracked(), s));
                    let copy = markdown::plain_text(&markdown::parse(&turn.answer));
                    view! {
                        <li class="chat-turn" data-testid="turn">
                            <div class="chat-question">{turn.question}</div>
                            <Markdown text=turn.answer />
                            <div class="row">
                                {turn.cut.then(|| view! { <span class="badge badge-unverified" data-testid="turn-cut">{t!(i18n, agent_cards.console_cut_off)}</span> })}
                                {speed.map(|s| view! { <span class="muted small">{s}</span> })}
                                <span class="spacer"></span>
                                <CopyButton text=Signal::stored(copy) label=t_string!(i18n, agent_cards.console_copy).to_string() />
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        }
    })
}

/// The sealed record of this agent's conversations: one per network, contract and token.
fn chat_record(app: &crate::ui::state::AppState, service: Service, token: alloy_primitives::U256) -> Option<String> {
    let network = app.chain.network()?;
    let nft = service.with_value(|s| s.as_ref().map(|s| s.nft()))?;
    Some(format!("chat/{}/{nft}/{token}", network.chain_id))
}
