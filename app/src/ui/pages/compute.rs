//! The Compute page: 0G Compute providers from the on-chain registry (model, prices, signer
//! and whether the registry acknowledges it), the account's ledger (create with a first
//! deposit, deposit more, withdraw to the wallet) and its sub-account per provider (fund
//! it, retrieve its balance through the lock time, revoke every session token made for
//! it). Before the user funds a provider the page shows the locked reserve 0G's providers
//! require (a request's fee + unsettled fees + 1 0G) and offers no less. Every value is read
//! by a verified call; every transaction's receipt is proven.

use std::rc::Rc;

use alloy_primitives::U256;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use wasm_light_client::Verified;

use crate::compute::attestation::Attestation;
use crate::compute::contract::{locked, min_ledger_text, pending_refunds, PendingRefunds, Reserve, Service};
use crate::compute::service::{ComputeService, Overview, ProviderView};
use crate::format::{capitalise, format_0g, format_units, parse_0g};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::ui::account_read::AccountRead;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{on_connect, use_app};
use crate::ui::tx::{run_tx, TxView};

pub type ComputeHandle = StoredValue<Option<Rc<ComputeService>>, LocalStorage>;

/// The honest description of the model the devnet's providers and the browser run, in the
/// language in use (English outside a component).
pub fn model_description() -> String {
    model_description_in(crate::ui::lang::current())
}

/// [`model_description`] in a given language.
pub fn model_description_in(locale: Locale) -> String {
    let mb = format!("{:.0}", zg_llm::weights::smollm2().bytes as f64 / 1e6);
    // `zg_llm::LIMITS` in the user's language.
    let limits = fill(td_string!(locale, words_services.model_limits), &[("name", &zg_llm::MODEL_NAME)]);
    fill(td_string!(locale, compute.model_description), &[("limits", &limits), ("mb", &mb)])
}

/// Price per token, in 0G.
pub fn price_text(i18n: I18nContext<Locale>, wei: alloy_primitives::U256) -> String {
    fill(t_string!(i18n, compute.price_per_token), &[("price", &format_0g(wei))])
}

/// What a provider's requests need locked, in words.
fn reserve_text(i18n: I18nContext<Locale>, r: &Reserve) -> String {
    fill(
        t_string!(i18n, compute.reserve),
        &[
            ("total", &format_0g(r.total())),
            ("fee", &format_0g(r.fee)),
            ("unsettled", &format_0g(r.unsettled)),
            ("minimum", &format_0g(r.minimum)),
        ],
    )
}

#[component]
pub fn ComputePage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let service: ComputeHandle = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    let overview_read = AccountRead::new(app, service, move |svc: Rc<ComputeService>, account| {
        let locale = i18n.get_locale_untracked();
        async move { svc.overview(account).await.map_err(|e| e.localized(locale)) }
    });
    let reload = move || overview_read.reload();
    on_connect(app, service, unavailable, ComputeService::new, reload);
    let reload_cb = Callback::new(move |_| reload());
    let overview = Memo::new(move |_| overview_read.value());
    view! {
        <h1 class="page-title">{t!(i18n, compute.title)}</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert">{node_words_apart(&e.to_string())}</div> })}
            {move || match overview_read.get() {
                None if unavailable.get().is_some() => ().into_any(),
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, compute.proving)}</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            {move || overview.get().map(|o| view! { <LedgerCard service overview=o reload=reload_cb /> })}
            <section class="card" aria-label=move || t_string!(i18n, compute.providers)>
                <div class="row">
                    <h2 class="card-title">{t!(i18n, compute.providers)}</h2>
                    <span class="spacer"></span>
                    <button class="btn btn-ghost btn-sm" on:click=move |_| reload()>{t!(i18n, compute.refresh)}</button>
                </div>
                <p class="muted">{t!(i18n, compute.providers_intro)}</p>
                <p class="hint" data-testid="model-description">{move || model_description_in(i18n.get_locale())}</p>
                <div class="stack">
                    {move || overview.get().map(|o| {
                        o.providers.clone().into_iter().map(|p| view! { <ProviderRow service p overview=o.clone() reload=reload_cb /> }).collect_view()
                    })}
                    {move || overview.get().filter(|o| o.providers.is_empty()).map(|_| view! { <p class="muted">{t!(i18n, compute.no_providers)}</p> })}
                </div>
            </section>
        </div>
    }
}

#[component]
fn LedgerCard(service: ComputeHandle, overview: Overview, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let exists = overview.ledger.is_some();
    let lock_time = overview.lock_time;
    let amount = RwSignal::new(if exists { String::new() } else { "3".to_string() });
    let tx = TxView::new();
    // The amount stays typed until its transaction is proven, so a failure loses nothing.
    let cleared = Callback::new(move |_| {
        amount.set(String::new());
        reload.run(());
    });
    let parse_amount = move || match parse_0g(&amount.get_untracked()) {
        Ok(v) => Some(v),
        Err(e) => {
            tx.error.set(Some(e.localized(i18n.get_locale_untracked())));
            None
        }
    };
    let put_in = move |_| {
        let Some(value) = parse_amount() else { return };
        let (label, done) = if exists {
            (t_string!(i18n, compute.depositing), t_string!(i18n, compute.deposited_done))
        } else {
            (t_string!(i18n, compute.creating_ledger), t_string!(i18n, compute.ledger_created_done))
        };
        let done = fill(done, &[("amount", &format_0g(value))]);
        run_tx(app, service, tx, label, done, cleared, move |s, k| async move {
            if exists {
                s.deposit(&k, value).await
            } else {
                s.create_ledger(&k, value).await
            }
        });
    };
    let withdraw = move |_| {
        let Some(value) = parse_amount() else { return };
        let done = fill(t_string!(i18n, compute.withdrew_done), &[("amount", &format_0g(value))]);
        run_tx(app, service, tx, t_string!(i18n, compute.withdrawing), done, cleared, move |s, k| async move {
            s.withdraw(&k, value).await
        });
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, compute.ledger_label)>
            <div class="row">
                <h2 class="card-title">{t!(i18n, compute.ledger_title)}</h2>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block: overview.block } />
            </div>
            {match overview.ledger {
                Some(l) => view! {
                    <dl class="kv">
                        <dt>{t!(i18n, compute.available)}</dt><dd data-testid="ledger-available">{format_0g(l.availableBalance)}</dd>
                        <dt>{t!(i18n, compute.total)}</dt><dd data-testid="ledger-total">{format_0g(l.totalBalance)}</dd>
                    </dl>
                    <p class="hint">{move || fill(
                        t_string!(i18n, compute.ledger_hint),
                        &[("min", &min_ledger_text()), ("lock", &duration_text(i18n, lock_time))],
                    )}</p>
                }.into_any(),
                None => view! {
                    <p class="muted" data-testid="no-ledger">{move || fill(t_string!(i18n, compute.no_ledger), &[("min", &min_ledger_text())])}</p>
                }.into_any(),
            }}
            <div class="row">
                <input class="grow" aria-label=move || t_string!(i18n, compute.ledger_amount) inputmode="decimal" placeholder=move || t_string!(i18n, compute.amount_placeholder) bind:value=amount />
                <button class="btn btn-primary" on:click=put_in disabled=move || tx.busy.get().is_some()>
                    {move || if exists { t_string!(i18n, compute.deposit) } else { t_string!(i18n, compute.create_ledger) }}
                </button>
                {exists.then(|| view! {
                    <button class="btn btn-secondary" on:click=withdraw disabled=move || tx.busy.get().is_some()>{t!(i18n, compute.withdraw)}</button>
                })}
            </div>
            {tx.busy_view()}
            <ErrorAlert message=tx.error />
        </section>
    }
}

/// An amount as the amount inputs take it, rounded up to a millionth of 0G, so a
/// prefilled amount is never below what it stands for.
fn amount_text(wei: U256) -> String {
    let micro = U256::from(1_000_000_000_000u64);
    let up = wei.div_ceil(micro) * micro;
    format_units(up, 6)
}

/// "2 min", "45 s": lock times and waits.
fn duration_text(i18n: I18nContext<Locale>, secs: u64) -> String {
    match secs {
        0..=89 => fill(t_string!(i18n, compute.duration_s), &[("n", &secs)]),
        90..=5399 => fill(t_string!(i18n, compute.duration_min), &[("n", &((secs + 30) / 60))]),
        _ => fill(t_string!(i18n, compute.duration_h), &[("n", &((secs + 1800) / 3600))]),
    }
}

/// A sub-account's refunds: what Retrieve can move now, and what is still locked.
fn refund_text(i18n: I18nContext<Locale>, r: &PendingRefunds, now: u64) -> String {
    let mut parts = Vec::new();
    if !r.ready.is_zero() {
        parts.push(fill(t_string!(i18n, compute.refund_ready), &[("amount", &format_0g(r.ready))]));
    }
    if let (false, Some(at)) = (r.locked.is_zero(), r.unlocks_at) {
        parts.push(fill(
            t_string!(i18n, compute.refund_locked),
            &[("amount", &format_0g(r.locked)), ("time", &duration_text(i18n, at.saturating_sub(now)))],
        ));
    }
    parts.join("; ")
}

#[component]
fn ProviderRow(service: ComputeHandle, p: ProviderView, overview: Overview, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let s: Service = p.service.clone();
    // 0G's providers answer only while the sub-account's locked balance covers a request's
    // fee, the unsettled fees and 1 0G: shown here, and the transfer offered no smaller.
    // The unsettled fees are the provider's word and need a session token, so they are
    // asked when the user funds (ComputeService::fund_provider refuses a short transfer).
    let reserve = Reserve::for_service(&s, U256::ZERO);
    let top_up = reserve.top_up(p.account.as_ref());
    let amount = RwSignal::new(if top_up.is_zero() { "1".to_string() } else { amount_text(top_up) });
    let tx = TxView::new();
    let provider = s.provider;
    let has_ledger = overview.ledger.is_some();
    let fund = move |_| {
        let value = match parse_0g(&amount.get_untracked()) {
            Ok(a) => a,
            Err(e) => return tx.error.set(Some(e.localized(i18n.get_locale_untracked()))),
        };
        if value < top_up {
            let short = fill(
                t_string!(i18n, compute.below_reserve),
                &[
                    ("amount", &format_0g(value)),
                    ("reserve", &reserve_text(i18n, &reserve)),
                    ("top_up", &format_0g(top_up)),
                ],
            );
            return tx.error.set(Some(short));
        }
        let done = fill(t_string!(i18n, compute.funded_done), &[("amount", &format_0g(value))]);
        run_tx(app, service, tx, t_string!(i18n, compute.funding), done, reload, move |s, k| async move {
            s.fund_provider(&k, provider, value).await
        });
    };
    let retrieve = move |_| {
        let done = t_string!(i18n, compute.retrieved_done).to_string();
        run_tx(app, service, tx, t_string!(i18n, compute.retrieving), done, reload, move |s, k| async move {
            s.retrieve(&k, provider).await
        });
    };
    let revoke = move |_| {
        let done = t_string!(i18n, compute.revoked_done).to_string();
        run_tx(app, service, tx, t_string!(i18n, compute.revoking), done, reload, move |s, k| async move {
            s.revoke_tokens(&k, provider).await
        });
    };
    // The provider's TDX quote, fetched and verified after the row shows: a slow or absent
    // `/v1/quote` must not hold the proven data back.
    let attestation: RwSignal<Option<Attestation>, LocalStorage> = RwSignal::new_local(None);
    if let Some(compute) = service.get_value() {
        let (s, now) = (s.clone(), overview.now);
        leptos::task::spawn_local(async move {
            let verdict = compute.attestation(&s, now).await;
            let _ = attestation.try_set(Some(verdict));
        });
    }
    let now = overview.now;
    let refunds = p.account.as_ref().map(|a| pending_refunds(a, U256::from(overview.lock_time), now));
    let sub_amounts = p.account.as_ref().map(|a| (a.balance, a.pendingRefund));
    let sub = move || match sub_amounts {
        Some((balance, refund)) => fill(
            t_string!(i18n, compute.sub_balance),
            &[("balance", &format_0g(balance)), ("refund", &format_0g(refund))],
        ),
        None => t_string!(i18n, compute.sub_none).to_string(),
    };
    let refunds = refunds.filter(|r| !r.ready.is_zero() || !r.locked.is_zero());
    let generation = p.account.as_ref().map(|a| a.generation.to_string());
    let (input_price, output_price) = (s.inputPrice, s.outputPrice);
    let acknowledged = s.teeSignerAcknowledged;
    let verifiability = s.verifiability.clone();
    let locked_now = p.account.as_ref().map(locked).unwrap_or_default();
    let reserve_row = move || {
        let advice = if top_up.is_zero() {
            t_string!(i18n, compute.reserve_enough).to_string()
        } else {
            fill(t_string!(i18n, compute.reserve_transfer), &[("amount", &format_0g(top_up))])
        };
        fill(
            t_string!(i18n, compute.reserve_row),
            &[
                ("reserve", &capitalise(&reserve_text(i18n, &reserve))),
                ("locked", &format_0g(locked_now)),
                ("advice", &advice),
            ],
        )
    };
    view! {
        <article class="proposal" data-provider=provider.to_string() data-testid="provider">
            <div class="row">
                <h3 class="proposal-title" data-testid="provider-model">{s.model.clone()}</h3>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block: overview.block } />
            </div>
            <dl class="kv">
                <dt>{t!(i18n, compute.provider)}</dt><dd><AddressView address=provider /></dd>
                <dt>{t!(i18n, compute.endpoint)}</dt><dd class="mono">{s.url.clone()}</dd>
                <dt>{t!(i18n, compute.prices)}</dt><dd data-testid="provider-prices">{move || fill(
                    t_string!(i18n, compute.prices_value),
                    &[("input", &price_text(i18n, input_price)), ("output", &price_text(i18n, output_price))],
                )}</dd>
                <dt>{t!(i18n, compute.signer)}</dt><dd><AddressView address=s.teeSignerAddress /></dd>
                <dt>{t!(i18n, compute.acknowledged)}</dt><dd data-testid="provider-ack">{move || if acknowledged {
                    t_string!(i18n, compute.ack_yes)
                } else {
                    t_string!(i18n, compute.ack_no)
                }}</dd>
                <dt>{t!(i18n, compute.verifiability)}</dt><dd data-testid="verifiability">{move || if verifiability.is_empty() {
                    t_string!(i18n, compute.verifiability_none).to_string()
                } else {
                    // The registry's word; the attestation row below says what was checked.
                    fill(t_string!(i18n, compute.verifiability_registered), &[("what", &verifiability)])
                }}</dd>
                <dt>{t!(i18n, compute.tee_attestation)}</dt><dd data-testid="provider-attestation">{move || attestation_view(i18n, attestation.get())}</dd>
                <dt>{t!(i18n, compute.sub_account)}</dt><dd data-testid="sub-account">{sub}</dd>
                <dt>{t!(i18n, compute.locked_reserve)}</dt><dd data-testid="provider-reserve">{reserve_row}</dd>
                {refunds.map(|r| view! { <dt>{t!(i18n, compute.refunds)}</dt><dd data-testid="refunds">{move || refund_text(i18n, &r, now)}</dd> })}
                {generation.map(|g| view! { <dt>{t!(i18n, compute.token_generation)}</dt><dd data-testid="token-generation" title=move || t_string!(i18n, compute.token_generation_title)>{g}</dd> })}
            </dl>
            {has_ledger.then(|| view! {
                <div class="row">
                    <input class="grow" aria-label=move || t_string!(i18n, compute.fund_amount) inputmode="decimal" placeholder=move || t_string!(i18n, compute.amount_placeholder) bind:value=amount />
                    <button class="btn btn-primary" on:click=fund disabled=move || tx.busy.get().is_some()>{t!(i18n, compute.fund)}</button>
                </div>
            })}
            {p.account.is_some().then(|| view! {
                <div class="row">
                    <button class="btn btn-secondary" on:click=retrieve disabled=move || tx.busy.get().is_some()
                        title=move || t_string!(i18n, compute.retrieve_title)>{t!(i18n, compute.retrieve)}</button>
                    <button class="btn btn-ghost" on:click=revoke disabled=move || tx.busy.get().is_some()
                        title=move || t_string!(i18n, compute.revoke_title)>{t!(i18n, compute.revoke)}</button>
                </div>
            })}
            {tx.busy_view()}
            <ErrorAlert message=tx.error />
        </article>
    }
}

/// "TEE verified" only when the quote verified to Intel's root with current collateral and
/// binds the registry's signer; otherwise "not attested" and why.
fn attestation_view(i18n: I18nContext<Locale>, verdict: Option<Attestation>) -> impl IntoView {
    match verdict {
        None => view! { <span class="muted" data-state="checking">{t!(i18n, compute.checking_quote)}</span> }.into_any(),
        Some(Attestation::Verified { tcb_status, advisories }) => {
            let detail = if advisories.is_empty() {
                fill(t_string!(i18n, compute.tee_detail), &[("status", &tcb_status)])
            } else {
                fill(
                    t_string!(i18n, compute.tee_detail_advisories),
                    &[("status", &tcb_status), ("advisories", &advisories.join(", "))],
                )
            };
            view! { <span class="badge badge-verified" data-state="verified" title=detail.clone()>{t!(i18n, compute.tee_verified)}</span>" "<span class="muted">{detail}</span> }.into_any()
        }
        Some(Attestation::NotAttested(why)) => {
            view! { <span class="badge badge-unverified" data-state="unattested">{t!(i18n, compute.not_attested)}</span>" "<span class="muted">{capitalise(&why.localized(i18n.get_locale()))}</span> }.into_any()
        }
    }
}
