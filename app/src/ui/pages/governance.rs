//! The Governance page: the selected account's voting power (wrap, unwrap, delegate),
//! proposals with their tallies proven by the light client, voting with the four options,
//! creating a proposal, and moving a passed one through the timelock.

use std::rc::Rc;

use alloy_primitives::{Address, Bytes, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;

use crate::chain::block_clock::{minutes_until, BlockClock};
use crate::deploy::plan::Suite;
use crate::format::{format_0g, parse_0g, parse_address, short_address};
use crate::governance::ballots::Ballot;
use crate::governance::contract::{self, ProposalState, Vote};
use crate::governance::service::{GovernanceService, NewProposal, Power, ProposalView};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::account_read::AccountRead;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::deploy;
use crate::ui::lang::{fill, tag, Localized};
use crate::ui::state::{on_connect, use_app, Page, Route};
use crate::ui::tx::{run_tx, TxView};
use leptos_i18n::I18nContext;

type Service = StoredValue<Option<Rc<GovernanceService>>, LocalStorage>;
type Proposals = Option<Result<(Vec<ProposalView>, u64), String>>;

/// How often the page re-reads proposals while open: states move with blocks.
const REFRESH_MS: u32 = 6_000;

#[component]
pub fn GovernancePage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let service: Service = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    // Power first, then proposals (which take longer: they scan proven events).
    let power_read = AccountRead::new(app, service, move |svc: Rc<GovernanceService>, account| {
        let locale = i18n.get_locale_untracked();
        async move { svc.power(account).await.map_err(|e| e.localized(locale)) }
    });
    let proposals_read = AccountRead::new(app, service, move |svc: Rc<GovernanceService>, account| {
        let locale = i18n.get_locale_untracked();
        async move { svc.proposals(account).await.map_err(|e| e.localized(locale)) }
    });
    let power = Signal::derive(move || power_read.get());
    let proposals = Signal::derive(move || proposals_read.get());
    // The chain's pace, to say when voting ends on the clock. Measured when the page opens,
    // connects or is refreshed by hand, not on every periodic reload: it changes slowly, and
    // each measure proves a header 256 blocks back.
    let clock = RwSignal::new(None::<BlockClock>);
    let measure = move || {
        if let Some(client) = app.chain.client() {
            spawn_local(async move {
                let measured = client.block_clock().await;
                let _ = clock.try_set(measured);
            });
        }
    };
    measure();
    let reread = move || {
        power_read.reload();
        proposals_read.reload();
    };
    let reload = move || {
        reread();
        measure();
    };

    on_connect(app, service, unavailable, GovernanceService::new, reload);
    // Owned by the page: dropped (and so cancelled) when the page goes away.
    StoredValue::new_local(gloo::timers::callback::Interval::new(REFRESH_MS, move || {
        if !power_read.is_reading() && !proposals_read.is_reading() {
            reread();
        }
    }));

    view! {
        <h1 class="page-title">{t!(i18n, governance.title)}</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert" data-testid="governance-unavailable">{node_words_apart(&e.to_string())}</div> })}
            <deploy::DeployCard suite=Suite::Governance />
            <Show when=move || unavailable.get().is_none()>
                <PowerCard service power reload=Callback::new(move |_| reload()) />
                <ProposalsCard service proposals reload=Callback::new(move |_| reload()) clock />
                <ProposeCard service reload=Callback::new(move |_| reload()) />
            </Show>
        </div>
    }
}

#[component]
fn PowerCard(service: Service, power: Signal<Option<Result<Power, String>>>, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let delegatee = RwSignal::new(String::new());
    let tx = TxView::new();
    let TxView { busy, error, .. } = tx;
    let parse_amount = move || parse_0g(&amount.get_untracked()).map_err(|e| e.localized(i18n.get_locale_untracked()));
    // The amount stays typed until its transaction is proven, so a failure loses nothing.
    let cleared = Callback::new(move |_| {
        amount.set(String::new());
        reload.run(());
    });
    // Wrapping 0G into voting power, or back.
    let convert = move |wrap: bool| match parse_amount() {
        Ok(v) => {
            let (doing, done) = if wrap {
                (t_string!(i18n, governance.wrapping), t_string!(i18n, governance.wrapped_done))
            } else {
                (t_string!(i18n, governance.unwrapping), t_string!(i18n, governance.unwrapped_done))
            };
            let done = fill(done, &[("amount", &format_0g(v))]);
            run_tx(app, service, tx, doing, done, cleared, move |s, k| async move {
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
                Err(e) => {
                    let e = e.localized(i18n.get_locale_untracked());
                    return error.set(Some(fill(t_string!(i18n, governance.delegate_to_error), &[("error", &e)])));
                }
            },
        };
        let done = fill(t_string!(i18n, governance.delegated_done), &[("to", &to)]);
        run_tx(app, service, tx, t_string!(i18n, governance.delegating), done, reload, move |s, k| async move {
            s.delegate(&k, to).await
        });
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, governance.power_label)>
            <div class="row">
                <h2 class="card-title">{t!(i18n, governance.power_title)}</h2>
                <span class="spacer"></span>
                {move || match power.get() {
                    Some(Ok(p)) => view! { <ProofBadge verdict=Verified::Proven { value: (), block: p.block } /> }.into_any(),
                    _ => ().into_any(),
                }}
            </div>
            <p class="muted">{t!(i18n, governance.power_intro)}</p>
            {move || match power.get() {
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, governance.proving_balances)}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok(p)) => {
                    let me = app.session.selected_address();
                    view! {
                        <dl class="kv" data-testid="governance-power">
                            <dt>{t!(i18n, governance.wrapped)}</dt><dd data-testid="wrapped">{format_0g(p.wrapped)}</dd>
                            <dt>{t!(i18n, governance.votes)}</dt><dd data-testid="votes">{format_0g(p.votes)}</dd>
                            <dt>{t!(i18n, governance.delegated_to)}</dt>
                            <dd data-testid="delegate">{if p.delegate.is_zero() {
                                view! { <span class="text-warn">{t!(i18n, governance.delegate_nobody)}</span> }.into_any()
                            } else if Some(p.delegate) == me {
                                view! { <span>{t!(i18n, governance.delegate_self)}</span> }.into_any()
                            } else {
                                view! { <AddressView address=p.delegate /> }.into_any()
                            }}</dd>
                        </dl>
                    }.into_any()
                }
            }}
            <div class="row">
                <input class="grow" aria-label=move || t_string!(i18n, governance.amount_wrap) inputmode="decimal" placeholder=move || t_string!(i18n, governance.amount_placeholder) bind:value=amount />
                <button class="btn" on:click=wrap disabled=move || busy.get().is_some()>{t!(i18n, governance.wrap)}</button>
                <button class="btn btn-ghost" on:click=unwrap disabled=move || busy.get().is_some()>{t!(i18n, governance.unwrap)}</button>
            </div>
            <div class="row">
                <input class="mono grow" aria-label=move || t_string!(i18n, governance.delegate_address) placeholder=move || t_string!(i18n, governance.delegate_placeholder) bind:value=delegatee />
                <button class="btn" on:click=move |_| delegate(None) disabled=move || busy.get().is_some()>{t!(i18n, governance.delegate)}</button>
                <button class="btn btn-ghost" on:click=move |_| delegate(app.session.selected_address()) disabled=move || busy.get().is_some()>{t!(i18n, governance.delegate_myself)}</button>
            </div>
            {tx.busy_view()}
            <ErrorAlert message=error />
        </section>
    }
}

#[component]
fn ProposalsCard(
    service: Service,
    proposals: Signal<Proposals>,
    reload: Callback<()>,
    clock: RwSignal<Option<BlockClock>>,
) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
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
        <section class="card" aria-label=move || t_string!(i18n, governance.proposals)>
            <div class="row">
                <h2 class="card-title">{t!(i18n, governance.proposals)}</h2>
                <span class="spacer"></span>
                {move || match proposals.get() {
                    Some(Ok((_, tip))) => view! { <span class="muted">{move || fill(t_string!(i18n, governance.verified_at), &[("block", &tip)])}</span> }.into_any(),
                    _ => ().into_any(),
                }}
                <button class="btn btn-ghost btn-sm" on:click=move |_| reload.run(())>{t!(i18n, governance.refresh)}</button>
            </div>
            {move || match proposals.get() {
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, governance.reading)}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok((list, _))) if list.is_empty() => view! { <p class="muted" data-testid="no-proposals">{t!(i18n, governance.none)}</p> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            {move || focus.get().map(|id| {
                let known = proposals.with(|p| matches!(p, Some(Ok((list, _))) if list.iter().any(|v| v.proposal.id == id)));
                let loaded = proposals.with(|p| matches!(p, Some(Ok(_))));
                view! {
                    <div class="row" data-testid="one-proposal">
                        <span class="muted">{move || if known || !loaded {
                            fill(t_string!(i18n, governance.showing_one), &[("id", &short_id(id))])
                        } else {
                            fill(t_string!(i18n, governance.no_such), &[("id", &short_id(id))])
                        }}</span>
                        <span class="spacer"></span>
                        <button class="btn btn-ghost btn-sm" on:click=move |_| app.go(Route::page(Page::Governance))>{t!(i18n, governance.all)}</button>
                    </div>
                }
            })}
            // Keyed on what a card shows, so a refresh that changes nothing keeps each card
            // (and a reason being typed) as it is.
            <div class="stack">
                <For each=move || list.get() key=card_key let:view>
                    <ProposalCard service view reload clock />
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
fn ProposalCard(
    service: Service,
    view: ProposalView,
    reload: Callback<()>,
    clock: RwSignal<Option<BlockClock>>,
) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let tx = TxView::new();
    let TxView { busy, error, .. } = tx;
    let reason = RwSignal::new(String::new());
    let p = view.proposal.clone();
    let id = p.id;
    let governor = service.get_value().map(|s| s.governor()).unwrap_or_default();
    let title = p.title().to_string();
    let body = p.body();
    let bound = p.bound_proposer();
    let actions: Vec<contract::Action> = p
        .targets
        .iter()
        .zip(&p.values)
        .zip(&p.calldatas)
        .map(|((t, v), d)| contract::action(*t, *v, d, governor))
        .collect();
    let (state, eta, vote_start, vote_end) = (view.state, view.eta, p.vote_start, p.vote_end);
    let timing = move || match state {
        ProposalState::Pending => fill(t_string!(i18n, governance.opens_after), &[("block", &vote_start)]),
        ProposalState::Active => match clock.get() {
            // A deadline in blocks, also on the clock: when, and how long from now.
            Some(clock) => {
                let at = clock.eta(vote_end);
                let now = (js_sys::Date::now() / 1000.0) as u64;
                let left = match minutes_until(now, at) {
                    Some(minutes) => fill(t_string!(i18n, governance.in_minutes), &[("n", &minutes)]),
                    None => t_string!(i18n, governance.any_moment).to_string(),
                };
                let time = crate::ui::pages::activity::local_time(at, tag(i18n.get_locale()));
                fill(
                    t_string!(i18n, governance.ends_at_time),
                    &[("block", &vote_end), ("time", &time), ("left", &left)],
                )
            }
            None => fill(t_string!(i18n, governance.ends_at), &[("block", &vote_end)]),
        },
        ProposalState::Queued => match eta {
            Some(eta) => {
                let now = (js_sys::Date::now() / 1000.0) as u64;
                if eta > now {
                    fill(t_string!(i18n, governance.executable_in), &[("secs", &(eta - now))])
                } else {
                    t_string!(i18n, governance.executable_now).to_string()
                }
            }
            None => t_string!(i18n, governance.queued).to_string(),
        },
        _ => fill(t_string!(i18n, governance.ended_at), &[("block", &vote_end)]),
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
                    <span class="tally-label">{move || vote_label(i18n, v)}</span>
                    <span class="tally-bar"><span class=format!("tally-fill tally-{}", v as u8) style=format!("width: {pct}")></span></span>
                    <span class="tally-value" data-testid=format!("tally-{}", v as u8)>{format_0g(amount)}</span>
                    <span class="tally-pct muted">{pct.clone()}</span>
                </li>
            }
        })
        .collect_view();
    let quorum = view.quorum;
    let quorum_text = move || match quorum {
        Some(q) => {
            fill(t_string!(i18n, governance.quorum_of), &[("total", &format_0g(total)), ("quorum", &format_0g(q))])
        }
        None => t_string!(i18n, governance.quorum_fixed).to_string(),
    };
    let vote = move |v: Vote| {
        let why = reason.get_untracked();
        let done =
            fill(t_string!(i18n, governance.voted_done), &[("vote", &vote_label(i18n, v)), ("id", &short_id(id))]);
        run_tx(app, service, tx, t_string!(i18n, governance.voting), done, reload, move |s, k| async move {
            s.vote(&k, id, v, &why).await
        });
    };
    let p_queue = p.clone();
    let p_exec = p.clone();
    let settle_open = state.is_final() && !view.deposit_settled && !view.deposit.is_zero();
    // The contract burns a deposit only when it says so (`settleDeposit`: defeated and
    // `isVetoed`, which needs quorum); the page follows its word, not a copy of the rule.
    let burns = state == ProposalState::Defeated && view.vetoed == Some(true);
    view! {
        <article class="proposal" data-id=id.to_string() data-state=state.label()>
            <div class="row">
                <h3 class="proposal-title">{title}</h3>
                <span class="spacer"></span>
                <span class=format!("badge proposal-state state-{}", state.label().to_lowercase()) data-testid="proposal-state">{move || state_label(i18n, state)}</span>
            </div>
            <p class="muted">
                {move || format!("#{} · {} · ", short_id(id), timing())}
                <a href=Route { page: Page::Governance, item: Some(id) }.fragment() data-testid="proposal-link"
                    on:click=move |ev| { ev.prevent_default(); app.go(Route { page: Page::Governance, item: Some(id) }) }>
                    {t!(i18n, governance.link)}
                </a>
            </p>
            {(!body.is_empty()).then(|| view! { <p class="proposal-body">{body.clone()}</p> })}
            {match bound {
                Some(a) => view! {
                    <p class="muted" data-testid="proposal-bound">{t!(i18n, governance.bound_before)}<AddressView address=a />{t!(i18n, governance.bound_after)}</p>
                }.into_any(),
                None => view! {
                    <p class="text-warn" data-testid="proposal-bound">{t!(i18n, governance.unbound)}</p>
                }.into_any(),
            }}
            <ul class="plain-list proposal-actions">
                {actions.into_iter().map(|a| view! { <li data-testid="proposal-action">{move || a.localized(i18n.get_locale())}</li> }).collect_view()}
            </ul>
            <div class="row">
                <strong>{t!(i18n, governance.tally)}</strong>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block: view.block } />
            </div>
            <ul class="tally" data-testid="tally">{rows}</ul>
            <p class="muted" data-testid="quorum">{quorum_text}</p>
            <Voters service proposal=p.clone() />
            {view.my_vote.map(|v| view! { <p data-testid="my-vote">{move || fill(t_string!(i18n, governance.you_voted), &[("vote", &vote_label(i18n, v))])}</p> })}
            {(state == ProposalState::Active).then(|| view! {
                <div class="stack">
                    <input aria-label=move || t_string!(i18n, governance.reason) placeholder=move || t_string!(i18n, governance.reason_placeholder) bind:value=reason />
                    <div class="row vote-buttons">
                        {Vote::ALL.into_iter().map(|v| view! {
                            <button class="btn" on:click=move |_| vote(v) disabled=move || busy.get().is_some()>{move || fill(t_string!(i18n, governance.vote_button), &[("vote", &vote_label(i18n, v))])}</button>
                        }).collect_view()}
                    </div>
                    // What the four options do here, as Keplr and Mintscan say it at the buttons.
                    <p class="hint" data-testid="vote-options-hint">{t!(i18n, governance.options_hint)}</p>
                </div>
            })}
            <div class="row">
                {(state == ProposalState::Succeeded).then(|| view! {
                    <button class="btn btn-primary" disabled=move || busy.get().is_some() on:click=move |_| {
                        let p = p_queue.clone();
                        let done = fill(t_string!(i18n, governance.queued_done), &[("id", &short_id(id))]);
                        run_tx(app, service, tx, t_string!(i18n, governance.queueing), done, reload, move |s, k| async move { s.queue(&k, &p).await });
                    }>{t!(i18n, governance.queue)}</button>
                })}
                {(state == ProposalState::Queued).then(|| view! {
                    <button class="btn btn-primary" disabled=move || busy.get().is_some() on:click=move |_| {
                        let p = p_exec.clone();
                        let done = fill(t_string!(i18n, governance.executed_done), &[("id", &short_id(id))]);
                        run_tx(app, service, tx, t_string!(i18n, governance.executing), done, reload, move |s, k| async move { s.execute(&k, &p).await });
                    }>{t!(i18n, governance.execute)}</button>
                })}
                {settle_open.then(|| view! {
                    <button class="btn" disabled=move || busy.get().is_some() on:click=move |_| {
                        let done = fill(t_string!(i18n, governance.settled_done), &[("id", &short_id(id))]);
                        run_tx(app, service, tx, t_string!(i18n, governance.settling), done, reload, move |s, k| async move { s.settle(&k, id).await });
                    }>{move || if burns { t_string!(i18n, governance.burn_deposit) } else { t_string!(i18n, governance.return_deposit) }}</button>
                })}
                {(view.deposit_settled).then(|| view! { <span class="muted" data-testid="deposit-settled">{move || {
                    let text = if burns { t_string!(i18n, governance.deposit_burned) } else { t_string!(i18n, governance.deposit_returned) };
                    fill(text, &[("amount", &format_0g(view.deposit))])
                }}</span> })}
            </div>
            {tx.busy_view()}
            <ErrorAlert message=error />
        </article>
    }
}

/// Who voted what, read when asked for: the governor's vote events proven complete and
/// held to the proven tally (`GovernanceService::ballots`), as Tally and Mintscan list them.
#[component]
fn Voters(service: Service, proposal: contract::Proposal) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let list = RwSignal::new(None::<Result<(Vec<Ballot>, u64), String>>);
    let proposal = StoredValue::new(proposal);
    let toggle = move |_| {
        if open.get_untracked() {
            return open.set(false);
        }
        open.set(true);
        list.set(None);
        let Some(svc) = service.get_value() else { return };
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let read = svc.ballots(&proposal.get_value()).await.map_err(|e| e.localized(locale));
            list.set(Some(read));
        });
    };
    view! {
        <div class="row">
            <button class="btn btn-ghost btn-sm" data-testid="show-voters" on:click=toggle>
                {move || if open.get() { t_string!(i18n, governance.voters_hide) } else { t_string!(i18n, governance.voters_show) }}
            </button>
        </div>
        {move || open.get().then(|| match list.get() {
            None => view! { <p class="muted"><Spinner />" "{t!(i18n, governance.voters_proving)}</p> }.into_any(),
            Some(Err(e)) => view! { <div class="alert alert-error" role="alert" data-testid="voters-error">{node_words_apart(&e)}</div> }.into_any(),
            Some(Ok((ballots, _))) if ballots.is_empty() => view! { <p class="muted" data-testid="voters-none">{t!(i18n, governance.voters_none)}</p> }.into_any(),
            Some(Ok((ballots, block))) => {
                let count = ballots.len();
                view! {
                    <div class="row">
                        <span class="muted" data-testid="voters-caption">{move || fill(t_string!(i18n, governance.voters_caption), &[("count", &count), ("block", &block)])}</span>
                        <span class="spacer"></span>
                        <ProofBadge verdict=Verified::Proven { value: (), block } />
                    </div>
                    <table class="table" data-testid="voters">
                        <thead><tr>
                            <th>{t!(i18n, governance.voters_voter)}</th>
                            <th>{t!(i18n, governance.voters_vote)}</th>
                            <th>{t!(i18n, governance.voters_weight)}</th>
                            <th>{t!(i18n, governance.voters_reason)}</th>
                        </tr></thead>
                        <tbody>
                            {ballots.into_iter().map(|b| view! {
                                <tr data-testid="voter" data-voter=b.voter.to_string() data-vote=b.vote.label()>
                                    <td><AddressView address=b.voter /></td>
                                    <td>{move || vote_label(i18n, b.vote)}
                                        {b.changed.then(|| view! { " "<span class="muted" data-testid="vote-changed">{t!(i18n, governance.voters_changed)}</span> })}
                                    </td>
                                    <td>{format_0g(b.weight)}</td>
                                    <td class="muted">{b.reason.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}

/// A vote option in the user's language (`Vote::label` is the English one, kept as the
/// pages' test hooks' value).
fn vote_label(i18n: I18nContext<Locale>, v: Vote) -> &'static str {
    match v {
        Vote::Yes => t_string!(i18n, governance.vote_yes),
        Vote::No => t_string!(i18n, governance.vote_no),
        Vote::Abstain => t_string!(i18n, governance.vote_abstain),
        Vote::NoWithVeto => t_string!(i18n, governance.vote_veto),
    }
}

fn state_label(i18n: I18nContext<Locale>, s: ProposalState) -> &'static str {
    match s {
        ProposalState::Pending => t_string!(i18n, governance.state_pending),
        ProposalState::Active => t_string!(i18n, governance.state_active),
        ProposalState::Canceled => t_string!(i18n, governance.state_canceled),
        ProposalState::Defeated => t_string!(i18n, governance.state_defeated),
        ProposalState::Succeeded => t_string!(i18n, governance.state_succeeded),
        ProposalState::Queued => t_string!(i18n, governance.state_queued),
        ProposalState::Expired => t_string!(i18n, governance.state_expired),
        ProposalState::Executed => t_string!(i18n, governance.state_executed),
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
    let i18n = use_i18n();
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
            Err(e) => {
                let e = e.localized(i18n.get_locale_untracked());
                return error.set(Some(fill(t_string!(i18n, governance.pay_to_error), &[("error", &e)])));
            }
        };
        let (value, paid) = match (parse_0g(&amount.get_untracked()), parse_0g(&deposit.get_untracked())) {
            (Ok(v), Ok(d)) => (v, d),
            (Err(e), _) | (_, Err(e)) => return error.set(Some(e.localized(i18n.get_locale_untracked()))),
        };
        let (t, b) = (title.get_untracked(), body.get_untracked());
        let proposal = NewProposal { title: t, body: b, target: to, value, calldata: Bytes::new(), deposit: paid };
        run_tx(
            app,
            service,
            tx,
            t_string!(i18n, governance.submitting),
            t_string!(i18n, governance.submitted).to_string(),
            reload,
            move |s, k| async move { s.propose(&k, proposal).await },
        );
        title.set(String::new());
        body.set(String::new());
    };
    view! {
        <section class="card">
            <h2 class="card-title">{t!(i18n, governance.new_proposal)}</h2>
            <p class="muted">{t!(i18n, governance.propose_intro)}</p>
            <form class="stack" aria-label=move || t_string!(i18n, governance.new_proposal) on:submit=submit>
                <div class="field">
                    <label for="proposal-title">{t!(i18n, governance.title_field)}</label>
                    <input id="proposal-title" bind:value=title />
                </div>
                <div class="field">
                    <label for="proposal-body">{t!(i18n, governance.description)}</label>
                    <textarea id="proposal-body" rows="3" bind:value=body></textarea>
                </div>
                <div class="grid-2">
                    <div class="field">
                        <label for="proposal-recipient">{t!(i18n, governance.pay_to)}</label>
                        <input id="proposal-recipient" class="mono" placeholder="0x…" bind:value=recipient />
                    </div>
                    <div class="field">
                        <label for="proposal-amount">{t!(i18n, governance.amount)}</label>
                        <div class="input-group">
                            <input id="proposal-amount" inputmode="decimal" placeholder="0.0" bind:value=amount />
                            <span class="input-suffix">"0G"</span>
                        </div>
                    </div>
                </div>
                <p class="muted" data-testid="proposer-bound">
                    {move || match app.session.selected_address() {
                        Some(a) => fill(t_string!(i18n, governance.only_you), &[("address", &short_address(&a))]),
                        None => t_string!(i18n, governance.only_you_plain).to_string(),
                    }}
                </p>
                <div class="field">
                    <label for="proposal-deposit">{t!(i18n, governance.deposit)}</label>
                    <div class="input-group">
                        <input id="proposal-deposit" inputmode="decimal" bind:value=deposit />
                        <span class="input-suffix">"0G"</span>
                    </div>
                </div>
                {tx.busy_view()}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>{t!(i18n, governance.submit)}</button>
                </div>
            </form>
        </section>
    }
}
