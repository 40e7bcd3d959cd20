//! The Agents pages: the agents the selected account holds (found from proven Transfer
//! events, each confirmed by a proven `ownerOf`, each with where it came from — proven
//! `Minted`/`Transfer`/`Cloned` logs), creating one, receiving one from an offer code,
//! completing a handover, and one agent's page (view, edit, its wallet, who may use it,
//! transfer or clone). Anyone can mint an agent to anyone: an agent no account of this
//! wallet created, and that was not accepted through a handover, is marked on the list
//! and its page, and its wallet's address stays hidden until the user acknowledges that
//! its maker may control funds sent there.

use std::rc::Rc;

use alloy_primitives::{Address, U256};
use k256::ecdsa::SigningKey;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;

use crate::compute::chat as compute_chat;
use crate::compute::local::{self, LocalAnswer, LocalEvent, Prefer};
use crate::compute::service::{AnswerCheck, ComputeService};
use crate::deploy::plan::Suite;
use crate::format::{format_0g, parse_address, short_hash};
use crate::inft::metadata::{AgentMetadata, MemoryEntry};
use crate::inft::offer::{Acceptance, Offer};
use crate::inft::proofs::Operation;
use crate::inft::provenance::{origin, Origin, Provenance};
use crate::inft::service::{parse_pasted_key, AgentService, OpenedAgent, Step};
use crate::ui::components::{node_words_apart, AddressView, BalanceView, CopyButton, ErrorAlert, ProofBadge, Spinner};
use crate::ui::deploy;
use crate::ui::state::{use_app, AppState, Connection, Latest};

type Service = StoredValue<Option<Rc<AgentService>>, LocalStorage>;

/// The agents list once read: its rows and the block ownership was proven at.
type Listing = Option<Result<(Vec<Row>, u64), String>>;

/// One row of "Your agents": the token, its name once its data is opened, and where it
/// came from.
#[derive(Clone)]
struct Row {
    token: U256,
    name: Result<String, String>,
    provenance: Result<Provenance, String>,
}

fn key_of(app: &AppState) -> Result<SigningKey, String> {
    app.session.signing_key(app.session.selected.get_untracked())
}

fn me(app: &AppState) -> Option<Address> {
    app.session.selected_account().map(|a| a.address)
}

/// Every account of this wallet: an agent any of them created is the user's own.
fn mine(app: &AppState) -> Vec<Address> {
    app.session.accounts.with(|list| list.iter().map(|a| a.address).collect())
}

/// Where an agent came from, in words, or why that is not known.
fn provenance_line(provenance: &Result<Provenance, String>, mine: &[Address]) -> String {
    match provenance {
        Ok(p) => p.describe(mine),
        Err(e) => format!("Where it came from is not proven: {e}"),
    }
}

/// `data-origin` for tests and styles.
fn origin_kind(origin: &Origin) -> &'static str {
    match origin {
        Origin::Own => "own",
        Origin::Accepted { .. } => "accepted",
        Origin::Foreign { .. } => "foreign",
        Origin::Unproven => "unproven",
    }
}

#[component]
pub fn AgentsPage() -> impl IntoView {
    let app = use_app();
    let service: Service = StoredValue::new_local(None);
    let status = RwSignal::new(None::<Result<(), String>>);
    // The open agent is part of the address (`#/agents/12`), so it lives in the app state.
    let selected = app.item;
    let rows = RwSignal::new(Listing::None);
    let listing = Latest::new();

    // A reload follows every change (a transfer, a mint, another account): the list
    // on screen is out of date until it finishes, so it is cleared, not left standing.
    let reload = move || {
        let Some(svc) = service.get_value() else { return };
        let Some(owner) = me(&app) else { return };
        let key = key_of(&app);
        rows.set(None);
        let load = async move {
            match svc.owned(owner).await {
                Ok((tokens, block)) => {
                    let mut list = Vec::new();
                    for token in tokens {
                        let name = match &key {
                            Ok(k) => {
                                svc.open(k, token).await.map(|a| a.metadata.name.clone()).map_err(|e| e.to_string())
                            }
                            Err(e) => Err(e.clone()),
                        };
                        let provenance = svc.provenance(token, owner).await.map_err(|e| e.to_string());
                        list.push(Row { token, name, provenance });
                    }
                    Ok((list, block))
                }
                Err(e) => Err(e.to_string()),
            }
        };
        listing.load(load, move |listed| rows.set(Some(listed)));
    };

    // (Re)connect whenever the chain connection is (re)made, and list again when the
    // selected account changes.
    Effect::new(move || {
        match app.chain.connection.get() {
            Connection::Connected => {}
            // The reason is in the banner above every page: say it once, stop waiting.
            Connection::Failed(_) => {
                service.set_value(None);
                return status.set(Some(Err("This network cannot be used right now (see the message above).".into())));
            }
            _ => return,
        }
        let Some(chain) = app.chain.client() else { return };
        status.set(None);
        spawn_local(async move {
            match AgentService::connect(chain).await {
                Ok(svc) => {
                    service.set_value(Some(Rc::new(svc)));
                    status.set(Some(Ok(())));
                    reload();
                }
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        });
    });
    Effect::new(move |first: Option<()>| {
        app.session.selected.track();
        rows.set(None);
        // Another account holds other agents; the agent a link opened stays on first load.
        if first.is_some() {
            selected.set(None);
        }
        reload();
    });

    view! {
        // An agent opens once the agent contract and storage are reached (a link may name
        // one before); until then, and if they cannot be, the page says so.
        {move || match selected.get().filter(|_| matches!(status.get(), Some(Ok(())))) {
            Some(token) => view! {
                <AgentDetail service token back=Callback::new(move |_| { selected.set(None); reload(); }) />
            }.into_any(),
            None => view! {
                <h1 class="page-title">"Agents"</h1>
                <div class="stack">
                    {move || match status.get() {
                        None => view! { <p class="muted"><Spinner />" Connecting to the agent contract and storage nodes…"</p> }.into_any(),
                        Some(Ok(())) => ().into_any(),
                        Some(Err(e)) => view! { <div class="alert alert-warn" role="alert" data-testid="agents-unavailable">{e}</div> }.into_any(),
                    }}
                    <deploy::DeployCard suite=Suite::Agents />
                    <AgentList rows selected reload=Callback::new(move |_| reload()) />
                    <CreateAgentCard service on_created=Callback::new(move |token| { reload(); selected.set(Some(token)); }) />
                    <ReceiveCard service />
                    <CompleteCard service on_done=Callback::new(move |_| reload()) />
                </div>
            }.into_any(),
        }}
    }
}

#[component]
fn AgentList(rows: RwSignal<Listing>, selected: RwSignal<Option<U256>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let lookup = RwSignal::new(String::new());
    view! {
        <section class="card" aria-label="Your agents">
            <div class="row">
                <h2 class="card-title">"Your agents"</h2>
                <span class="spacer"></span>
                {move || match rows.get() {
                    Some(Ok((_, block))) => view! { <ProofBadge verdict=Verified::Proven { value: (), block } /> }.into_any(),
                    _ => ().into_any(),
                }}
                <button class="btn btn-ghost btn-sm" on:click=move |_| reload.run(())>"Refresh"</button>
            </div>
            <form class="row" aria-label="Look up an agent" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                match lookup.get_untracked().trim().trim_start_matches('#').parse::<U256>() {
                    Ok(token) => selected.set(Some(token)),
                    Err(_) => lookup.set(String::new()),
                }
            }>
                <input class="grow" aria-label="Agent number" inputmode="numeric" placeholder="Agent number, e.g. 1" bind:value=lookup />
                <button type="submit" class="btn btn-ghost btn-sm">"Look up"</button>
            </form>
            {move || match rows.get() {
                None => view! { <p class="muted"><Spinner />" Finding your agents in proven Transfer events…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => view! {
                    <p class="muted" data-testid="no-agents">"You hold no agents on this network yet. Create one below, or receive one with an offer code."</p>
                }.into_any(),
                Some(Ok((list, _))) => {
                    let mine = mine(&app);
                    view! {
                    <ul class="agent-list" data-testid="agent-list">
                        {list.into_iter().map(|row| {
                            let token = row.token;
                            let (name, problem) = match row.name {
                                Ok(n) => (n, None),
                                Err(e) => ("(cannot open)".to_string(), Some(e)),
                            };
                            let origin = origin(row.provenance.as_ref().ok(), &mine);
                            let line = provenance_line(&row.provenance, &mine);
                            view! {
                                <li class="agent-row" data-token=token.to_string() data-origin=origin_kind(&origin)>
                                    <span class="agent-id mono">{format!("#{token}")}</span>
                                    <div class="agent-main">
                                        <div class="row">
                                            <span class="agent-name">{name}</span>
                                            {origin.needs_acknowledgement().then(|| view! {
                                                <span class="badge badge-unverified" data-testid="foreign-badge">"Not created by you"</span>
                                            })}
                                        </div>
                                        <span class="hint" data-testid="agent-provenance">{line}</span>
                                        {origin.warning().map(|w| view! { <span class="hint text-warn" data-testid="foreign-warning">{w}</span> })}
                                        {problem.map(|p| view! { <span class="hint text-warn">{p}</span> })}
                                    </div>
                                    <button class="btn btn-sm" on:click=move |_| selected.set(Some(token))>"Open"</button>
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

/// A running operation's current step, or its outcome.
fn progress_view(busy: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        busy.get().map(
            |label| view! { <p class="muted" data-testid="agent-progress" role="status"><Spinner />" "{label}</p> },
        )
    }
}

fn step_reporter(busy: RwSignal<Option<String>>) -> impl Fn(Step) {
    move |s: Step| busy.set(Some(s.label()))
}

#[component]
fn CreateAgentCard(service: Service, on_created: Callback<U256>) -> impl IntoView {
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
        let Some(svc) = service.get_value() else {
            return error.set(Some("Not connected to the agent contract yet.".into()));
        };
        let key = match key_of(&app) {
            Ok(k) => k,
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
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>"Create agent"</button>
                </div>
            </form>
        </section>
    }
}

fn split_tools(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()
}

/// The receiver's side: the public key to give the holder, and checking and accepting an offer.
#[component]
fn ReceiveCard(service: Service) -> impl IntoView {
    let app = use_app();
    let code = RwSignal::new(String::new());
    let checked = RwSignal::new(None::<(Offer, String, String)>);
    let acceptance = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let public_key = move || {
        app.session.selected.track();
        key_of(&app).map(|k| format!("0x{}", hex::encode(AgentService::public_key(&k)))).unwrap_or_default()
    };

    let check = move |_| {
        error.set(None);
        checked.set(None);
        acceptance.set(None);
        let offer = match Offer::from_code(&code.get_untracked()) {
            Ok(o) => o,
            Err(e) => return error.set(Some(e.to_string())),
        };
        let Some(svc) = service.get_value() else {
            return error.set(Some("Not connected to the agent contract yet.".into()));
        };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some("Checking the offer on chain, downloading the agent and opening it with your key…".into()));
        spawn_local(async move {
            let result = svc.inspect(&key, &offer).await;
            busy.set(None);
            match result {
                Ok(meta) => checked.set(Some((offer, meta.name.clone(), meta.model.clone()))),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let accept = move |_| {
        let Some((offer, _, _)) = checked.get_untracked() else { return };
        match key_of(&app).and_then(|key| AgentService::accept(&key, offer).map_err(|e| e.to_string())) {
            Ok(accepted) => acceptance.set(Some(accepted.to_code())),
            Err(e) => error.set(Some(e)),
        }
    };

    view! {
        <section class="card" aria-label="Receive an agent">
            <h2 class="card-title">"Receive an agent"</h2>
            <div class="field">
                <span class="label">"Your public key"</span>
                <span class="hint">"Give this to an agent's holder: they seal the agent to it."</span>
                <div class="row">
                    <code class="mono wrap grow" data-testid="my-public-key">{public_key}</code>
                    <CopyButton text=Signal::derive(public_key) label="Copy key" />
                </div>
            </div>
            <div class="field">
                <label for="offer-code">"Offer code"</label>
                <textarea id="offer-code" rows="3" class="mono" spellcheck="false" placeholder="zg-agent-offer:…" bind:value=code></textarea>
            </div>
            {progress_view(busy)}
            <ErrorAlert message=error />
            <div class="row">
                <span class="spacer"></span>
                <button class="btn" on:click=check disabled=move || busy.get().is_some()>"Check offer"</button>
            </div>
            {move || checked.get().map(|(offer, name, model)| view! {
                <div class="stack offer-preview" data-testid="offer-preview">
                    <div class="alert alert-success">
                        {format!("You can open this agent: \"{name}\" ({model}). Its data matches the offered root, and {} holds agent #{} (verified).",
                            offer.from, offer.token_id)}
                    </div>
                    // Said before the acceptance is signed: the operation the holder's
                    // signature is for (inspect checked `kind` against it).
                    <div class="alert alert-info" data-testid="offer-operation">{offer.receiver_summary()}</div>
                    <dl class="kv">
                        <dt>"New data root"</dt><dd class="mono">{short_hash(&offer.new_data_hash.to_string())}</dd>
                    </dl>
                    <div class="row">
                        <span class="spacer"></span>
                        <button class="btn btn-primary" on:click=accept>"Accept and sign"</button>
                    </div>
                </div>
            })}
            {move || acceptance.get().map(|code| view! {
                <div class="field">
                    <label for="acceptance-code">"Acceptance code: send it back to the holder"</label>
                    <textarea id="acceptance-code" rows="3" class="mono" readonly data-testid="acceptance-code">{code.clone()}</textarea>
                    <div class="row"><span class="spacer"></span><CopyButton text=code label="Copy acceptance code" /></div>
                </div>
            })}
        </section>
    }
}

/// The holder's last step: the receiver's acceptance in, reviewed (what will be sent, in
/// words), then the transaction out. What is sent is the acceptance that was reviewed,
/// not the text box, so editing the code after the review cannot change it.
#[component]
fn CompleteCard(service: Service, on_done: Callback<()>) -> impl IntoView {
    let app = use_app();
    let code = RwSignal::new(String::new());
    let reviewed = RwSignal::new(None::<Acceptance>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // A new code needs a new review.
    Effect::new(move || {
        code.track();
        reviewed.set(None);
    });
    let review = move |_| {
        error.set(None);
        reviewed.set(None);
        let text = code.get_untracked();
        let acceptance = match Acceptance::from_code(&text) {
            Ok(a) => a,
            Err(e) => return error.set(Some(e.to_string())),
        };
        let Some(svc) = service.get_value() else {
            return error.set(Some("Not connected to the agent contract yet.".into()));
        };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some("Checking the signatures and that you still hold the agent…".into()));
        spawn_local(async move {
            let result = svc.review(&key, &acceptance).await;
            busy.set(None);
            match result {
                // Shown only if the box still holds the code that was reviewed.
                Ok(()) if code.get_untracked() == text => reviewed.set(Some(acceptance)),
                Ok(()) => {}
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let send = move |_| {
        let Some(acceptance) = reviewed.get_untracked() else { return };
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        busy.set(Some(match acceptance.offer.kind {
            Operation::Transfer => "Sending the transfer…".into(),
            Operation::Clone => "Sending the clone…".into(),
        }));
        spawn_local(async move {
            let result = svc.complete(&key, &acceptance).await;
            busy.set(None);
            let offer = &acceptance.offer;
            match result {
                Ok((included, new_token)) => {
                    let what = match new_token {
                        Some(t) => format!("Agent #{} cloned to {} as #{t}", offer.token_id, offer.to),
                        None => format!("Agent #{} transferred to {}", offer.token_id, offer.to),
                    };
                    app.toasts.success(&format!("{what} in block {} (receipt verified)", included.block));
                    code.set(String::new());
                    on_done.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card" aria-label="Complete a handover">
            <h2 class="card-title">"Complete a transfer or clone"</h2>
            <p class="muted">"Paste the acceptance code the receiver sent back. It is checked against your own offer, and you see what will be sent, before anything is signed."</p>
            <div class="field">
                <label for="complete-code">"Acceptance code"</label>
                <textarea id="complete-code" rows="3" class="mono" spellcheck="false" placeholder="zg-agent-accept:…" bind:value=code></textarea>
            </div>
            {progress_view(busy)}
            <ErrorAlert message=error />
            <div class="row">
                <span class="spacer"></span>
                <button class="btn" on:click=review disabled=move || busy.get().is_some()>"Check acceptance"</button>
            </div>
            {move || reviewed.get().map(|acceptance| view! {
                <div class="stack" data-testid="handover-preview">
                    <div class="alert alert-info" data-testid="handover-operation">{acceptance.offer.holder_summary()}</div>
                    <div class="row">
                        <span class="spacer"></span>
                        <button class="btn btn-primary" on:click=send disabled=move || busy.get().is_some()>"Sign and send"</button>
                    </div>
                </div>
            })}
        </section>
    }
}

/// An opened agent with where it came from (an error if that could not be proven).
type Detail = (OpenedAgent, Result<Provenance, String>);

#[component]
fn AgentDetail(service: Service, token: U256, back: Callback<()>) -> impl IntoView {
    let app = use_app();
    let agent = RwSignal::new(None::<Result<Detail, String>>);
    let load = move || {
        let Some(svc) = service.get_value() else { return };
        let key = key_of(&app);
        spawn_local(async move {
            let opened = match key {
                Ok(k) => svc.open(&k, token).await.map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            let detail = match opened {
                Ok(opened) => {
                    let provenance = svc.provenance(token, opened.owner).await.map_err(|e| e.to_string());
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
            <button class="btn btn-ghost btn-sm" on:click=move |_| back.run(())>"← Agents"</button>
        </div>
        {move || match agent.get() {
            None => view! { <p class="muted"><Spinner />{format!(" Proving agent #{token} and opening its data…")}</p> }.into_any(),
            Some(Err(e)) => view! {
                <h1 class="page-title">{format!("Agent #{token}")}</h1>
                <div class="alert alert-error" role="alert" data-testid="agent-error">{node_words_apart(&e.to_string())}</div>
            }.into_any(),
            Some(Ok((opened, provenance))) => view! {
                <AgentView service opened provenance reload=Callback::new(move |_| load()) />
            }.into_any(),
        }}
    }
}

#[component]
fn AgentView(
    service: Service,
    opened: OpenedAgent,
    provenance: Result<Provenance, String>,
    reload: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let token = opened.token;
    let meta = opened.metadata.clone();
    let mine = mine(&app);
    let origin = origin(provenance.as_ref().ok(), &mine);
    let line = provenance_line(&provenance, &mine);
    view! {
        <h1 class="page-title" data-testid="agent-title">{format!("{} · agent #{token}", meta.name)}</h1>
        <div class="stack">
            {origin.warning().map(|w| view! { <div class="alert alert-warn" role="alert" data-testid="foreign-warning">{w}</div> })}
            <section class="card" aria-label="Agent">
                <div class="row">
                    <h2 class="card-title">"Agent"</h2>
                    <span class="spacer"></span>
                    <ProofBadge verdict=Verified::Proven { value: (), block: opened.block } />
                </div>
                <dl class="kv">
                    <dt>"Holder"</dt><dd><AddressView address=opened.owner /></dd>
                    <dt>"Origin"</dt><dd data-testid="agent-provenance" data-origin=origin_kind(&origin)>{line}</dd>
                    <dt>"Data root"</dt><dd class="mono" title=opened.data_hash.to_string()>{short_hash(&opened.data_hash.to_string())}</dd>
                    <dt>"Description"</dt><dd data-testid="agent-description">{meta.description.clone()}</dd>
                    <dt>"Model"</dt><dd data-testid="agent-model">{meta.model.clone()}</dd>
                    <dt>"System prompt"</dt><dd class="pre" data-testid="agent-prompt">{meta.system_prompt.clone()}</dd>
                    <dt>"Tools"</dt><dd>{if meta.tools.is_empty() { "none".to_string() } else { meta.tools.join(", ") }}</dd>
                    <dt>"Memory"</dt><dd>{format!("{} entries", meta.memory.len())}</dd>
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
fn EditCard(service: Service, opened: OpenedAgent, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
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
        spawn_local(async move {
            let result = svc.save(&key, opened.token, &edited, &step_reporter(busy)).await;
            busy.set(None);
            match result {
                Ok(included) => {
                    app.toasts.success(&format!(
                        "Agent #{} updated in block {} (receipt verified)",
                        opened.token, included.block
                    ));
                    reload.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card">
            <h2 class="card-title">"Edit"</h2>
            <form class="stack" aria-label="Edit agent" on:submit=save>
                <div class="grid-2">
                    <div class="field">
                        <label for="edit-description">"Description"</label>
                        <input id="edit-description" bind:value=description />
                    </div>
                    <div class="field">
                        <label for="edit-model">"Model"</label>
                        <input id="edit-model" bind:value=model />
                    </div>
                </div>
                <div class="field">
                    <label for="edit-prompt">"System prompt"</label>
                    <textarea id="edit-prompt" rows="3" bind:value=prompt></textarea>
                </div>
                <p class="hint">"Saving re-encrypts the agent under a fresh key and uploads it; the token points at the new data only once every storage node has it."</p>
                {progress_view(busy)}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>"Save changes"</button>
                </div>
            </form>
        </section>
    }
}

/// The agent's own account: its proven balance, and moving it to the holder. For an agent
/// someone else made (or of unproven origin) its address — the only way to fund it — is
/// shown only after the user acknowledges that its maker may control what is sent there.
#[component]
fn AgentWalletCard(service: Service, opened: OpenedAgent, origin: Origin) -> impl IntoView {
    let app = use_app();
    let address = opened.agent_address();
    let acknowledged = RwSignal::new(!origin.needs_acknowledgement());
    let balance = RwSignal::new(None);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let reading = Latest::new();
    let refresh = move || {
        let (Some(chain), Some(address)) = (app.chain.client(), address) else { return };
        reading.load(
            async move {
                let _ = chain.sync().await;
                chain.account(address).await
            },
            move |read| balance.set(Some(read)),
        );
    };
    refresh();
    let opened = StoredValue::new(opened);
    let sweep = move |_| {
        error.set(None);
        let (Some(svc), Some(to)) = (service.get_value(), me(&app)) else { return };
        busy.set(Some("Sending the agent's funds to you…".into()));
        spawn_local(async move {
            let result = svc.sweep(&opened.get_value(), to).await;
            busy.set(None);
            match result {
                Ok((amount, included)) => {
                    app.toasts.success(&format!(
                        "Swept {} to you in block {} (receipt verified)",
                        format_0g(amount),
                        included.block
                    ));
                    refresh();
                    app.chain.refresh_balances(app);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card" aria-label="Agent wallet">
            <h2 class="card-title">"The agent's wallet"</h2>
            <p class="muted">"The agent has a key of its own, inside its encrypted data: whoever holds the token can spend what it earns, and so can anyone who knew the key before."</p>
            {origin.warning().map(|w| view! {
                <div class="alert alert-warn" data-testid="fund-warning">{w}</div>
                <label class="check">
                    <input type="checkbox" data-testid="fund-acknowledge" bind:checked=acknowledged />
                    {format!(" {}", origin.acknowledgement())}
                </label>
            })}
            {origin.note().map(|n| view! { <p class="hint" data-testid="agent-key-note">{n}</p> })}
            {address.map(|a| view! {
                <dl class="kv">
                    <dt>"Address"</dt><dd data-testid="agent-address">{move || if acknowledged.get() {
                        view! { <AddressView address=a /> }.into_any()
                    } else {
                        view! { <span class="muted" data-testid="agent-address-hidden">"Hidden until you tick the acknowledgement above"</span> }.into_any()
                    }}</dd>
                    <dt>"Balance"</dt><dd data-testid="agent-balance">{move || view! { <BalanceView verdict=balance.get() /> }}</dd>
                </dl>
            })}
            {progress_view(busy)}
            <ErrorAlert message=error />
            <div class="row">
                <button class="btn btn-ghost btn-sm" on:click=move |_| refresh()>"Refresh"</button>
                <span class="spacer"></span>
                <button class="btn" on:click=sweep disabled=move || busy.get().is_some()>"Sweep to me"</button>
            </div>
        </section>
    }
}

/// Who may use the agent: proven list, authorize and revoke.
#[component]
fn AuthorizedCard(service: Service, token: U256) -> impl IntoView {
    let app = use_app();
    let users = RwSignal::new(None::<Result<(Vec<Address>, u64), String>>);
    let user = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        let Some(svc) = service.get_value() else { return };
        spawn_local(async move { users.set(Some(svc.authorized(token).await.map_err(|e| e.to_string()))) });
    };
    load();
    let act = move |revoke: Option<Address>| {
        error.set(None);
        let target = match revoke {
            Some(a) => a,
            None => match parse_address(&user.get_untracked()) {
                Ok(a) => a,
                Err(e) => return error.set(Some(format!("User: {e}."))),
            },
        };
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some(if revoke.is_some() { "Revoking…" } else { "Authorizing…" }.into()));
        spawn_local(async move {
            let result = match revoke {
                Some(a) => svc.revoke(&key, token, a).await,
                None => svc.authorize(&key, token, target).await,
            };
            busy.set(None);
            match result {
                Ok(included) => {
                    app.toasts.success(&format!(
                        "{} {target} in block {} (receipt verified)",
                        if revoke.is_some() { "Revoked" } else { "Authorized" },
                        included.block
                    ));
                    user.set(String::new());
                    load();
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card" aria-label="Authorized users">
            <div class="row">
                <h2 class="card-title">"Who may use it"</h2>
                <span class="spacer"></span>
                {move || match users.get() {
                    Some(Ok((_, block))) => view! { <ProofBadge verdict=Verified::Proven { value: (), block } /> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <p class="muted">"Authorized users may run the agent; they cannot read its data or move it. The list is cleared when the agent changes hands."</p>
            {move || match users.get() {
                None => view! { <p class="muted"><Spinner />" Reading the list through the light client…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => view! { <p class="muted" data-testid="authorized-users">"Nobody else."</p> }.into_any(),
                Some(Ok((list, _))) => view! {
                    <ul class="plain-list" data-testid="authorized-users">
                        {list.into_iter().map(|a| view! {
                            <li class="row" data-user=a.to_checksum(None)>
                                <AddressView address=a />
                                <span class="spacer"></span>
                                <button class="btn btn-ghost btn-sm" on:click=move |_| act(Some(a))>"Revoke"</button>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <div class="row">
                <input class="mono grow" aria-label="Address to authorize" placeholder="0x…" bind:value=user />
                <button class="btn" on:click=move |_| act(None) disabled=move || busy.get().is_some()>"Authorize"</button>
            </div>
            {progress_view(busy)}
            <ErrorAlert message=error />
        </section>
    }
}

/// The holder's first step of a transfer or clone: the offer code.
#[component]
fn OfferCard(service: Service, opened: OpenedAgent) -> impl IntoView {
    let app = use_app();
    let receiver = RwSignal::new(String::new());
    let clone = RwSignal::new(false);
    let offer = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let opened = StoredValue::new(opened);
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        offer.set(None);
        let receiver_key = match parse_pasted_key(&receiver.get_untracked()) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e.to_string())),
        };
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let kind = if clone.get_untracked() { Operation::Clone } else { Operation::Transfer };
        spawn_local(async move {
            let result =
                svc.offer(&key, &opened.get_value(), kind, &receiver_key.to_sec1_bytes(), &step_reporter(busy)).await;
            busy.set(None);
            match result {
                Ok(o) => offer.set(Some(o.to_code())),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card" aria-label="Transfer or clone">
            <h2 class="card-title">"Transfer or clone"</h2>
            <p class="muted">"The agent is re-encrypted for the receiver under a fresh key and uploaded; you sign an offer. The receiver checks they can open it and sends back an acceptance code, which you paste under \"Complete a transfer or clone\" on the Agents page. A clone gets its own new wallet key."</p>
            <form class="stack" aria-label="Offer" on:submit=make>
                <div class="field">
                    <label for="receiver-key">"Receiver's public key"</label>
                    <input id="receiver-key" class="mono" autocomplete="off" spellcheck="false" placeholder="0x02… (from their Agents page)" bind:value=receiver />
                </div>
                <label class="check">
                    <input type="checkbox" bind:checked=clone />
                    " Clone instead: the receiver gets a copy, you keep this agent"
                </label>
                {progress_view(busy)}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>"Create offer"</button>
                </div>
            </form>
            {move || offer.get().map(|code| view! {
                <div class="field">
                    <label for="offer-out">"Offer code: send it to the receiver"</label>
                    <textarea id="offer-out" rows="3" class="mono" readonly data-testid="offer-code">{code.clone()}</textarea>
                    <div class="row"><span class="spacer"></span><CopyButton text=code label="Copy offer code" /></div>
                </div>
            })}
        </section>
    }
}

/// Where a console answer came from.
#[derive(Clone)]
enum ConsoleSource {
    /// A 0G Compute provider: its cost and whether its signature checked out.
    Provider { cost: U256, tokens: (u64, u64), check: AnswerCheck },
    /// zg-model run in this browser, on WebGPU or the CPU.
    Local(LocalAnswer),
}

#[derive(Clone)]
struct ConsoleAnswer {
    question: String,
    text: String,
    source: ConsoleSource,
}

/// Chat with the agent: its system prompt and recent memory go with each message, to a
/// 0G Compute provider (answer, cost, signature check) or to the model run locally;
/// "Save to memory" appends the exchange to the agent's encrypted metadata.
#[component]
fn AgentConsoleCard(service: Service, opened: OpenedAgent, reload: Callback<()>) -> impl IntoView {
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
    let conversation = move || {
        let text = message.get_untracked().trim().to_string();
        if text.is_empty() {
            error.set(Some("Write a message first".into()));
            return None;
        }
        let m = meta.get_value();
        Some((text.clone(), compute_chat::messages(&m.system_prompt, &m.memory, &text)))
    };
    let send = move |_| {
        error.set(None);
        let Some((question, messages)) = conversation() else { return };
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
        spawn_local(async move {
            let on_text = move |text: &str| {
                busy.set(Some("Receiving the answer; its signature is checked when it is whole…".into()));
                partial.update(|p| p.get_or_insert_with(String::new).push_str(text));
            };
            let result = svc.chat(&key, provider, &messages, &on_text).await;
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
    let cpu_offer = RwSignal::new(false);
    let run_local_on = move |prefer: Prefer| {
        error.set(None);
        cpu_offer.set(false);
        let Some((question, messages)) = conversation() else { return };
        let prompt = compute_chat::prompt(&messages);
        busy.set(Some("Starting the local model…".into()));
        answer.set(None);
        partial.set(Some(String::new()));
        spawn_local(async move {
            let mut on_event = move |event: LocalEvent<'_>| {
                match event {
                    LocalEvent::Started(backend) => busy.set(Some(format!("Running locally on {backend}…"))),
                    LocalEvent::Text(text) => partial.update(|p| p.get_or_insert_with(String::new).push_str(text)),
                }
                true
            };
            let seed = js_sys::Date::now() as u64;
            let result = local::generate(
                &prompt,
                compute_chat::MAX_TOKENS,
                compute_chat::TEMPERATURE,
                seed,
                prefer,
                &mut on_event,
            )
            .await;
            busy.set(None);
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
        edited.memory.push(MemoryEntry { at_ms: now, role: "user".into(), text: a.question.clone() });
        edited.memory.push(MemoryEntry { at_ms: now, role: "agent".into(), text: a.text.clone() });
        spawn_local(async move {
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
            <p class="hint">{format!("The agent's system prompt and its last {} memory entries go with each message. ", compute_chat::MEMORY_WINDOW)}{crate::ui::pages::compute::model_description()}</p>
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
            <ErrorAlert message=error />
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
                        let kind = match local.backend { local::Backend::WebGpu { .. } => "webgpu", local::Backend::Cpu => "cpu" };
                        let title = match &local.backend {
                            local::Backend::WebGpu { description, software, .. } => format!("{description}{}", if *software { " (a software adapter: the GPU is emulated on the CPU)" } else { "" }),
                            local::Backend::Cpu => "zg-model compiled to wasm, on this page's thread".into(),
                        };
                        view! {
                            <span class="badge badge-neutral" data-testid="answer-local" data-backend=kind title=title>{format!("local · {}", local.backend)}</span>
                        }.into_any()
                    }
                };
                // An answer whose signature failed is not kept in the agent's memory.
                let savable = !matches!(a.source, ConsoleSource::Provider { check: AnswerCheck::Unverified { .. }, .. });
                let details = match &a.source {
                    ConsoleSource::Provider { cost, tokens, .. } => format!("Cost {} ({} prompt + {} answer tokens)", format_0g(*cost), tokens.0, tokens.1),
                    ConsoleSource::Local(local) => format!(
                        "Run in this browser: {} prompt + {} answer tokens, {}, nothing paid",
                        local.prompt_tokens,
                        local.completion_tokens,
                        local.speed(),
                    ),
                };
                let why_cpu = match &a.source {
                    ConsoleSource::Local(local) => local.why_cpu.clone(),
                    _ => None,
                };
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
