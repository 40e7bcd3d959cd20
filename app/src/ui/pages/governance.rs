//! The Governance page: the selected account's voting power (wrap, unwrap, delegate),
//! proposals with their tallies proven by the light client, voting with the four options,
//! creating a proposal, and moving a passed one through the timelock.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;

use crate::deploy::plan::Suite;
use crate::format::{format_0g, parse_0g, parse_address, short_address};
use crate::governance::contract::{self, ProposalState, Vote};
use crate::governance::service::{GovernanceService, NewProposal, Power, ProposalView};
use crate::ui::account_read::AccountRead;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::deploy;
use crate::ui::state::{on_connect, use_app, Page, Route};
use crate::ui::tx::{run_tx, TxView};

type Service = StoredValue<Option<Rc<GovernanceService>>, LocalStorage>;
type Proposals = Option<Result<(Vec<ProposalView>, u64), String>>;

/// How often the page re-reads proposals while open: states move with blocks.
const REFRESH_MS: u32 = 6_000;

#[component]
pub fn GovernancePage() -> impl IntoView {
    let app = use_app();
    let service: Service = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    // Power first, then proposals (which take longer: they scan proven events).
    let power_read = AccountRead::new(app, service, |svc: Rc<GovernanceService>, account| async move {
        svc.power(account).await.map_err(|e| e.to_string())
    });
    let proposals_read = AccountRead::new(app, service, |svc: Rc<GovernanceService>, account| async move {
        svc.proposals(account).await.map_err(|e| e.to_string())
    });
    let power = Signal::derive(move || power_read.get());
    let proposals = Signal::derive(move || proposals_read.get());
    let reload = move || {
        power_read.reload();
        proposals_read.reload();
    };

    on_connect(app, service, unavailable, GovernanceService::new, reload);
    // Owned by the page: dropped (and so cancelled) when the page goes away.
    StoredValue::new_local(gloo::timers::callback::Interval::new(REFRESH_MS, move || {
        if !power_read.is_reading() && !proposals_read.is_reading() {
            reload();
        }
    }));

    view! {
        <h1 class="page-title">"Governance"</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert" data-testid="governance-unavailable">{node_words_apart(&e.to_string())}</div> })}
            <deploy::DeployCard suite=Suite::Governance />
            <Show when=move || unavailable.get().is_none()>
                <PowerCard service power reload=Callback::new(move |_| reload()) />
                <ProposalsCard service proposals reload=Callback::new(move |_| reload()) />
                <ProposeCard service reload=Callback::new(move |_| reload()) />
            </Show>
        </div>
    }
}

#[component]
fn PowerCard(service: Service, power: Signal<Option<Result<Power, String>>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let amount = RwSignal::new(String::new());
    let delegatee = RwSignal::new(String::new());
    let tx = TxView::new();
    let TxView { busy, error, .. } = tx;
    let parse_amount = move || parse_0g(&amount.get_untracked()).map_err(|e| e.to_string());
    // The amount stays typed until its transaction is proven, so a failure loses nothing.
    let cleared = Callback::new(move |_| {
        amount.set(String::new());
        reload.run(());
    });
    // Wrapping 0G into voting power, or back.
    let convert = move |wrap: bool| match parse_amount() {
        Ok(v) => {
            let (doing, done) = if wrap { ("Wrapping…", "Wrapped") } else { ("Unwrapping…", "Unwrapped") };
            run_tx(app, service, tx, doing, format!("{done} {}", format_0g(v)), cleared, move |s, k| async move {
                if wrap {
                    s.wrap(&k, v).await
                } else {
                    s.unwrap(&k, v).await
                }
            })
        }
        Err(e) => error.set(Some(e)),
    };
    let wrap = move |_| convert(true);
    let unwrap = move |_| convert(false);
    let delegate = move |to: Option<Address>| {
        let to = match to {
            Some(a) => a,
            None => match parse_address(&delegatee.get_untracked()) {
                Ok(a) => a,
                Err(e) => return error.set(Some(format!("Delegate to: {e}."))),
            },
        };
        run_tx(app, service, tx, "Delegating…", format!("Delegated to {to}"), reload, move |s, k| async move {
            s.delegate(&k, to).await
        });
    };
    view! {
        <section class="card" aria-label="Voting power">
            <div class="row">
                <h2 class="card-title">"Your voting power"</h2>
                <span class="spacer"></span>
                {move || match power.get() {
                    Some(Ok(p)) => view! { <ProofBadge verdict=Verified::Proven { value: (), block: p.block } /> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <p class="muted">"Votes come from wrapped 0G (1:1 with 0G, unwrap any time) delegated to an account: delegate to yourself to vote with it. What counts for a proposal is the power at its snapshot block."</p>
            {move || match power.get() {
                None => view! { <p class="muted"><Spinner />" Proving your balances…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok(p)) => {
                    let me = app.session.selected_address();
                    view! {
                        <dl class="kv" data-testid="governance-power">
                            <dt>"Wrapped 0G"</dt><dd data-testid="wrapped">{format_0g(p.wrapped)}</dd>
                            <dt>"Votes"</dt><dd data-testid="votes">{format_0g(p.votes)}</dd>
                            <dt>"Delegated to"</dt>
                            <dd data-testid="delegate">{if p.delegate.is_zero() {
                                view! { <span class="text-warn">"nobody: your wrapped 0G does not vote yet"</span> }.into_any()
                            } else if Some(p.delegate) == me {
                                view! { <span>"yourself"</span> }.into_any()
                            } else {
                                view! { <AddressView address=p.delegate /> }.into_any()
                            }}</dd>
                        </dl>
                    }.into_any()
                }
            }}
            <div class="row">
                <input class="grow" aria-label="Amount to wrap or unwrap" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                <button class="btn" on:click=wrap disabled=move || busy.get().is_some()>"Wrap"</button>
                <button class="btn btn-ghost" on:click=unwrap disabled=move || busy.get().is_some()>"Unwrap"</button>
            </div>
            <div class="row">
                <input class="mono grow" aria-label="Delegate to address" placeholder="0x… (another holder)" bind:value=delegatee />
                <button class="btn" on:click=move |_| delegate(None) disabled=move || busy.get().is_some()>"Delegate"</button>
                <button class="btn btn-ghost" on:click=move |_| delegate(app.session.selected_address()) disabled=move || busy.get().is_some()>"Delegate to myself"</button>
            </div>
            {tx.busy_view()}
            <ErrorAlert message=error />
        </section>
    }
}

#[component]
fn ProposalsCard(service: Service, proposals: Signal<Proposals>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    // A proposal's address (`#/governance/<id>`) shows that proposal alone.
    let focus = app.item;
    let list = Memo::new(move |_| {
        let all = proposals.get().and_then(Result::ok).map(|(list, _)| list).unwrap_or_default();
        match focus.get() {
            Some(id) => all.into_iter().filter(|v| v.proposal.id == id).collect(),
            None => all,
        }
    });
    view! {
        <section class="card" aria-label="Proposals">
            <div class="row">
                <h2 class="card-title">"Proposals"</h2>
                <span class="spacer"></span>
                {move || match proposals.get() {
                    Some(Ok((_, tip))) => view! { <span class="muted">{format!("verified chain at block {tip}")}</span> }.into_any(),
                    _ => ().into_any(),
                }}
                <button class="btn btn-ghost btn-sm" on:click=move |_| reload.run(())>"Refresh"</button>
            </div>
            {move || match proposals.get() {
                None => view! { <p class="muted"><Spinner />" Reading proposals from proven events…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => view! { <p class="muted" data-testid="no-proposals">"No proposals yet."</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            {move || focus.get().map(|id| {
                let known = proposals.with(|p| matches!(p, Some(Ok((list, _))) if list.iter().any(|v| v.proposal.id == id)));
                let loaded = proposals.with(|p| matches!(p, Some(Ok(_))));
                view! {
                    <div class="row" data-testid="one-proposal">
                        <span class="muted">{if known || !loaded {
                            format!("Showing proposal #{} only.", short_id(id))
                        } else {
                            format!("No proposal #{} on this network's governor.", short_id(id))
                        }}</span>
                        <span class="spacer"></span>
                        <button class="btn btn-ghost btn-sm" on:click=move |_| app.go(Route::page(Page::Governance))>"All proposals"</button>
                    </div>
                }
            })}
            // Keyed on what a card shows, so a refresh that changes nothing keeps each card
            // (and a reason being typed) as it is.
            <div class="stack">
                <For each=move || list.get() key=card_key let:view>
                    <ProposalCard service view reload />
                </For>
            </div>
        </section>
    }
}

fn card_key(v: &ProposalView) -> String {
    format!(
        "{}:{:?}:{:?}:{:?}:{:?}:{}:{:?}:{:?}",
        v.proposal.id, v.state, v.tally, v.quorum, v.my_vote, v.deposit_settled, v.vetoed, v.eta
    )
}

#[component]
fn ProposalCard(service: Service, view: ProposalView, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let tx = TxView::new();
    let TxView { busy, error, .. } = tx;
    let reason = RwSignal::new(String::new());
    let p = view.proposal.clone();
    let id = p.id;
    let governor = service.get_value().map(|s| s.governor()).unwrap_or_default();
    let title = p.title().to_string();
    let body = p.body();
    let bound = p.bound_proposer();
    let actions: Vec<String> = p
        .targets
        .iter()
        .zip(&p.values)
        .zip(&p.calldatas)
        .map(|((t, v), d)| contract::describe_action(*t, *v, d, governor))
        .collect();
    let timing = match view.state {
        ProposalState::Pending => format!("voting opens after block {}", p.vote_start),
        ProposalState::Active => format!("voting ends at block {}", p.vote_end),
        ProposalState::Queued => match view.eta {
            Some(eta) => {
                let now = (js_sys::Date::now() / 1000.0) as u64;
                if eta > now {
                    format!("executable in {} s", eta - now)
                } else {
                    "executable now".into()
                }
            }
            None => "queued".into(),
        },
        _ => format!("voting ended at block {}", p.vote_end),
    };
    let total = view.tally.total();
    let share = move |v: U256| -> String {
        if total.is_zero() {
            "0%".into()
        } else {
            format!("{:.1}%", (v * U256::from(1000) / total).saturating_to::<u64>() as f64 / 10.0)
        }
    };
    let tally = view.tally;
    let rows = Vote::ALL
        .into_iter()
        .map(|v| {
            let amount = tally.of(v);
            let pct = share(amount);
            view! {
                <li class="tally-row" data-vote=v.label()>
                    <span class="tally-label">{v.label()}</span>
                    <span class="tally-bar"><span class=format!("tally-fill tally-{}", v as u8) style=format!("width: {pct}")></span></span>
                    <span class="tally-value" data-testid=format!("tally-{}", v as u8)>{format_0g(amount)}</span>
                    <span class="tally-pct muted">{pct.clone()}</span>
                </li>
            }
        })
        .collect_view();
    let quorum_text = match view.quorum {
        Some(q) => format!("{} of {} needed for quorum", format_0g(total), format_0g(q)),
        None => "quorum is fixed at the snapshot block".into(),
    };
    let vote = move |v: Vote| {
        let why = reason.get_untracked();
        run_tx(
            app,
            service,
            tx,
            "Voting…",
            format!("Voted {} on proposal {}", v.label(), short_id(id)),
            reload,
            move |s, k| async move { s.vote(&k, id, v, &why).await },
        );
    };
    let p_queue = p.clone();
    let p_exec = p.clone();
    let state = view.state;
    let settle_open = state.is_final() && !view.deposit_settled && !view.deposit.is_zero();
    // The contract burns a deposit only when it says so (`settleDeposit`: defeated and
    // `isVetoed`, which needs quorum); the page follows its word, not a copy of the rule.
    let burns = state == ProposalState::Defeated && view.vetoed == Some(true);
    view! {
        <article class="proposal" data-id=id.to_string() data-state=state.label()>
            <div class="row">
                <h3 class="proposal-title">{title}</h3>
                <span class="spacer"></span>
                <span class=format!("badge proposal-state state-{}", state.label().to_lowercase()) data-testid="proposal-state">{state.label()}</span>
            </div>
            <p class="muted">
                {format!("#{} · {timing} · ", short_id(id))}
                <a href=Route { page: Page::Governance, item: Some(id) }.fragment() data-testid="proposal-link"
                    on:click=move |ev| { ev.prevent_default(); app.go(Route { page: Page::Governance, item: Some(id) }) }>
                    "Link"
                </a>
            </p>
            {(!body.is_empty()).then(|| view! { <p class="proposal-body">{body.clone()}</p> })}
            {match bound {
                Some(a) => view! {
                    <p class="muted" data-testid="proposal-bound">"Bound to its proposer: only "<AddressView address=a />" could submit it."</p>
                }.into_any(),
                None => view! {
                    <p class="text-warn" data-testid="proposal-bound">"Not bound to a proposer: anyone could have submitted it first."</p>
                }.into_any(),
            }}
            <ul class="plain-list proposal-actions">
                {actions.into_iter().map(|a| view! { <li data-testid="proposal-action">{a}</li> }).collect_view()}
            </ul>
            <div class="row">
                <strong>"Tally"</strong>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block: view.block } />
            </div>
            <ul class="tally" data-testid="tally">{rows}</ul>
            <p class="muted" data-testid="quorum">{quorum_text}</p>
            {view.my_vote.map(|v| view! { <p data-testid="my-vote">{format!("You voted {}.", v.label())}</p> })}
            {(state == ProposalState::Active).then(|| view! {
                <div class="stack">
                    <input aria-label="Reason (optional)" placeholder="Reason (optional, on chain)" bind:value=reason />
                    <div class="row vote-buttons">
                        {Vote::ALL.into_iter().map(|v| view! {
                            <button class="btn" on:click=move |_| vote(v) disabled=move || busy.get().is_some()>{format!("Vote {}", v.label())}</button>
                        }).collect_view()}
                    </div>
                </div>
            })}
            <div class="row">
                {(state == ProposalState::Succeeded).then(|| view! {
                    <button class="btn btn-primary" disabled=move || busy.get().is_some() on:click=move |_| {
                        let p = p_queue.clone();
                        run_tx(app, service, tx, "Queueing in the timelock…", format!("Queued proposal {}", short_id(id)), reload, move |s, k| async move { s.queue(&k, &p).await });
                    }>"Queue"</button>
                })}
                {(state == ProposalState::Queued).then(|| view! {
                    <button class="btn btn-primary" disabled=move || busy.get().is_some() on:click=move |_| {
                        let p = p_exec.clone();
                        run_tx(app, service, tx, "Executing…", format!("Executed proposal {}", short_id(id)), reload, move |s, k| async move { s.execute(&k, &p).await });
                    }>"Execute"</button>
                })}
                {settle_open.then(|| view! {
                    <button class="btn" disabled=move || busy.get().is_some() on:click=move |_| {
                        run_tx(app, service, tx, "Settling the deposit…", format!("Settled the deposit of proposal {}", short_id(id)), reload, move |s, k| async move { s.settle(&k, id).await });
                    }>{if burns { "Burn the deposit (vetoed)" } else { "Return the deposit" }}</button>
                })}
                {(view.deposit_settled).then(|| view! { <span class="muted" data-testid="deposit-settled">{format!("Deposit of {} settled{}", format_0g(view.deposit), if burns { " (burned: vetoed)" } else { " (returned)" })}</span> })}
            </div>
            {tx.busy_view()}
            <ErrorAlert message=error />
        </article>
    }
}

/// Proposal ids are 256-bit hashes; the first and last hex digits tell them apart.
fn short_id(id: U256) -> String {
    let hex = format!("{id:x}");
    if hex.len() <= 10 {
        hex
    } else {
        format!("{}…{}", &hex[..6], &hex[hex.len() - 4..])
    }
}

#[component]
fn ProposeCard(service: Service, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let recipient = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let deposit = RwSignal::new(String::new());
    let tx = TxView::new();
    let TxView { busy, error, .. } = tx;
    // The governor's minimum, once it can be read: asked again at each new verified head
    // while the field is empty (the first read may come before the light client synced).
    Effect::new(move || {
        app.chain.tip.track();
        if !deposit.with_untracked(String::is_empty) {
            return;
        }
        if let Some(svc) = service.get_value() {
            spawn_local(async move {
                if let Ok(min) = svc.minimum_deposit().await {
                    if deposit.get_untracked().is_empty() {
                        deposit.set(crate::format::format_units(min, 18));
                    }
                }
            });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = match parse_address(&recipient.get_untracked()) {
            Ok(a) => a,
            Err(e) => return error.set(Some(format!("Pay to: {e}."))),
        };
        let (value, paid) = match (parse_0g(&amount.get_untracked()), parse_0g(&deposit.get_untracked())) {
            (Ok(v), Ok(d)) => (v, d),
            (Err(e), _) | (_, Err(e)) => return error.set(Some(e.to_string())),
        };
        let (t, b) = (title.get_untracked(), body.get_untracked());
        let proposal = NewProposal { title: t, body: b, target: to, value, calldata: Bytes::new(), deposit: paid };
        run_tx(
            app,
            service,
            tx,
            "Submitting the proposal…",
            "Proposal submitted".into(),
            reload,
            move |s, k| async move { s.propose(&k, proposal).await },
        );
        title.set(String::new());
        body.set(String::new());
    };
    view! {
        <section class="card">
            <h2 class="card-title">"New proposal"</h2>
            <p class="muted">"A proposal pays 0G from the treasury (the timelock) when it passes. The deposit comes back unless the proposal is vetoed (quorum reached and over a third No with veto), in which case it is burned."</p>
            <form class="stack" aria-label="New proposal" on:submit=submit>
                <div class="field">
                    <label for="proposal-title">"Title"</label>
                    <input id="proposal-title" bind:value=title />
                </div>
                <div class="field">
                    <label for="proposal-body">"Description"</label>
                    <textarea id="proposal-body" rows="3" bind:value=body></textarea>
                </div>
                <div class="grid-2">
                    <div class="field">
                        <label for="proposal-recipient">"Pay to"</label>
                        <input id="proposal-recipient" class="mono" placeholder="0x…" bind:value=recipient />
                    </div>
                    <div class="field">
                        <label for="proposal-amount">"Amount"</label>
                        <div class="input-group">
                            <input id="proposal-amount" inputmode="decimal" placeholder="0.0" bind:value=amount />
                            <span class="input-suffix">"0G"</span>
                        </div>
                    </div>
                </div>
                <p class="muted" data-testid="proposer-bound">
                    {move || match app.session.selected_address() {
                        Some(a) => format!(
                            "Only you can submit this proposal: its description ends with #proposer={} (your address), so the governor refuses it from anyone who copies it.",
                            short_address(&a)
                        ),
                        None => "Only you can submit this proposal: its description ends with your address.".into(),
                    }}
                </p>
                <div class="field">
                    <label for="proposal-deposit">"Deposit"</label>
                    <div class="input-group">
                        <input id="proposal-deposit" inputmode="decimal" bind:value=deposit />
                        <span class="input-suffix">"0G"</span>
                    </div>
                </div>
                {tx.busy_view()}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>"Submit proposal"</button>
                </div>
            </form>
        </section>
    }
}
