//! The Staking page: the registry's proven validator count, the validators found by
//! consensus key (the network's listed ones and those the user adds) with their stake,
//! commission, withdrawal fee and the account's shares and their value, and the
//! account's undelegations as the chain proves them. Delegate, undelegate part or all, and
//! move stake to another validator (a delegation there, then an undelegation here).

use std::rc::Rc;

use alloy_primitives::U256;
use leptos::prelude::*;
use wasm_light_client::Verified;

use crate::format::{format_0g, format_gwei, parse_0g};
use crate::i18n::{t, t_string, use_i18n};
use crate::staking::contract::{commission_percent, shares_for};
use crate::staking::service::{PendingWithdrawal, StakingService, ValidatorView};
use crate::ui::account_read::AccountRead;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{on_connect, use_app};
use crate::ui::tx::{run_tx, TxView};

type Service = StoredValue<Option<Rc<StakingService>>, LocalStorage>;

fn key_hex(pubkey: &[u8]) -> String {
    format!("0x{}", hex::encode(pubkey))
}

/// "0xa1a1a1a1…a1a1a1": enough of a 48-byte key to tell validators apart.
fn key_short(pubkey: &[u8]) -> String {
    let h = hex::encode(pubkey);
    format!("0x{}…{}", &h[..8.min(h.len())], &h[h.len().saturating_sub(6)..])
}

#[component]
pub fn StakingPage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let service: Service = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    let overview_read = AccountRead::new(app, service, move |svc: Rc<StakingService>, account| {
        let locale = i18n.get_locale_untracked();
        async move { svc.overview(account).await.map_err(|e| e.localized(locale)) }
    });
    let reload = move || overview_read.reload();
    on_connect(app, service, unavailable, StakingService::new, reload);
    let overview = Memo::new(move |_| overview_read.value());
    let validators = Memo::new(move |_| overview.get().map(|o| o.validators).unwrap_or_default());
    let pending = Memo::new(move |_| overview.get().map(|o| o.pending).unwrap_or_default());
    let reload_cb = Callback::new(move |_| reload());
    view! {
        <h1 class="page-title">{t!(i18n, staking.title)}</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert">{node_words_apart(&e.to_string())}</div> })}
            <section class="card" aria-label=move || t_string!(i18n, staking.validators)>
                <div class="row">
                    <h2 class="card-title">{t!(i18n, staking.validators)}</h2>
                    <span class="spacer"></span>
                    {move || overview.get().map(|o| view! { <ProofBadge verdict=Verified::Proven { value: (), block: o.block } /> })}
                    <button class="btn btn-ghost btn-sm" on:click=move |_| reload()>{t!(i18n, staking.refresh)}</button>
                </div>
                <p class="muted">{t!(i18n, staking.intro)}</p>
                {move || match overview_read.get() {
                    None if unavailable.get().is_some() => ().into_any(),
                    None => view! { <p class="muted"><Spinner />" "{t!(i18n, staking.proving)}</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="alert alert-error" role="alert" data-testid="staking-error">{node_words_apart(&e)}</div> }.into_any(),
                    Some(Ok(o)) => view! {
                        <p data-testid="validator-count">{fill(
                            if o.count == 1 { t_string!(i18n, staking.validator_count_one) } else { t_string!(i18n, staking.validator_count_many) },
                            &[("count", &o.count), ("block", &o.block), ("shown", &o.validators.len())],
                        )}</p>
                        {o.problems.iter().map(|p| view! { <p class="alert alert-warn">{p.clone()}</p> }).collect_view()}
                    }.into_any(),
                }}
                <div class="stack">
                    <For each=move || validators.get() key=row_key let:v>
                        <ValidatorRow service v validators reload=reload_cb />
                    </For>
                </div>
                <AddValidator service reload=reload_cb />
            </section>
            <section class="card" aria-label=move || t_string!(i18n, staking.undelegations)>
                <h2 class="card-title">{t!(i18n, staking.your_undelegations)}</h2>
                <p class="muted">{t!(i18n, staking.undelegations_intro)}</p>
                {move || pending.get().is_empty().then(|| view! { <p class="muted" data-testid="no-undelegations">{t!(i18n, staking.no_undelegations)}</p> })}
                <div class="stack">
                    <For each=move || pending.get() key=|p| p.hash let:p>
                        <PendingRow service p reload=reload_cb />
                    </For>
                </div>
            </section>
        </div>
    }
}

/// A row is re-made only when what it shows changes, not at every new block, so an
/// amount being typed survives the periodic refresh.
fn row_key(v: &ValidatorView) -> String {
    format!("{:?}", ValidatorView { block: 0, ..v.clone() })
}

/// What a validator row's buttons do with the amount typed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Delegate,
    /// Undelegate the shares worth the amount (`contract::shares_for`).
    Undelegate,
    UndelegateAll,
    /// 0G has no redelegate call: delegate the amount to the other validator from the
    /// balance first (nothing is lost if it is refused), then undelegate it here.
    Move,
}

#[component]
fn ValidatorRow(
    service: Service,
    v: ValidatorView,
    validators: Memo<Vec<ValidatorView>>,
    reload: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let amount = RwSignal::new(String::new());
    let tx = TxView::new();
    let TxView { busy, error, .. } = tx;
    let validator = StoredValue::new(v.clone());
    let name = key_short(&v.pubkey);
    // The amount stays typed until its transaction is proven, so a failure loses nothing.
    let cleared = Callback::new(move |_| {
        amount.set(String::new());
        reload.run(());
    });
    let move_to = RwSignal::new(String::new());
    let act = move |what: Action| {
        let v = validator.get_value();
        let amount = if what == Action::UndelegateAll {
            U256::ZERO
        } else {
            match parse_0g(&amount.get_untracked()) {
                Ok(a) if a.is_zero() => return error.set(Some(t_string!(i18n, staking.amount_above_zero).to_string())),
                Ok(a) => a,
                Err(e) => return error.set(Some(e.localized(i18n.get_locale_untracked()))),
            }
        };
        let shares = match what {
            Action::Delegate => U256::ZERO,
            Action::UndelegateAll => v.my_shares,
            Action::Undelegate | Action::Move => match shares_for(amount, v.stake, v.total_shares, v.my_shares) {
                Some(s) if !s.is_zero() => s,
                _ => return error.set(Some(t_string!(i18n, staking.amount_above_zero).to_string())),
            },
        };
        let target = validators.get_untracked().into_iter().find(|o| key_hex(&o.pubkey) == move_to.get_untracked());
        if what == Action::Move && target.is_none() {
            return error.set(Some(t_string!(i18n, staking.move_pick).to_string()));
        }
        let from = key_short(&v.pubkey);
        let (label, done) = match (what, &target) {
            (Action::Delegate, _) => {
                (t_string!(i18n, staking.delegating), t_string!(i18n, staking.delegated_done).to_string())
            }
            (Action::Move, Some(t)) => (
                t_string!(i18n, staking.moving),
                fill(
                    t_string!(i18n, staking.moved_done),
                    &[("amount", &format_0g(amount)), ("to", &key_short(&t.pubkey))],
                ),
            ),
            _ => (t_string!(i18n, staking.undelegating), t_string!(i18n, staking.undelegated_done).to_string()),
        };
        let done = fill(&done, &[("validator", &from)]);
        run_tx(app, service, tx, label, done, cleared, move |svc, key| async move {
            match (what, target) {
                (Action::Delegate, _) => svc.delegate(&key, v.address, amount).await,
                (Action::Move, Some(t)) => {
                    svc.delegate(&key, t.address, amount).await?;
                    svc.undelegate(&key, &v, shares).await
                }
                _ => svc.undelegate(&key, &v, shares).await,
            }
        });
    };
    let has_stake = !v.my_shares.is_zero();
    let my_address = v.address;
    let (my_value, my_shares) = (v.my_value, v.my_shares);
    let my_stake = move || match (has_stake, my_value) {
        (false, _) => t_string!(i18n, staking.stake_none).to_string(),
        (true, Some(value)) => {
            fill(t_string!(i18n, staking.stake_value), &[("value", &format_0g(value)), ("shares", &my_shares)])
        }
        (true, None) => fill(t_string!(i18n, staking.stake_unpriced), &[("shares", &my_shares)]),
    };
    let fee_text = format_gwei(v.withdrawal_fee.saturating_to());
    view! {
        <article class="proposal" data-validator=key_hex(&v.pubkey)>
            <div class="row">
                <h3 class="proposal-title" title=key_hex(&v.pubkey)>{move || fill(t_string!(i18n, staking.validator_name), &[("name", &name)])}</h3>
                <span class="spacer"></span>
                <AddressView address=v.address />
            </div>
            <dl class="kv">
                <dt>{t!(i18n, staking.total_stake)}</dt><dd data-testid="stake">{format_0g(v.stake)}</dd>
                <dt>{t!(i18n, staking.commission)}</dt><dd data-testid="commission">{commission_percent(v.commission_ppm)}</dd>
                <dt>{t!(i18n, staking.withdrawal_fee)}</dt><dd data-testid="withdrawal-fee">{format_gwei(v.withdrawal_fee.saturating_to())}</dd>
                <dt>{t!(i18n, staking.your_stake)}</dt><dd data-testid="my-stake">{my_stake}</dd>
                // Keplr shows both from the Cosmos staking module; 0G's contracts keep neither.
                <dt>{t!(i18n, staking.uptime)}</dt><dd class="muted" data-testid="uptime">{t!(i18n, staking.uptime_value)}</dd>
            </dl>
            <div class="row">
                <input class="grow" aria-label=move || t_string!(i18n, staking.amount_label) inputmode="decimal" placeholder=move || t_string!(i18n, staking.amount_placeholder) bind:value=amount />
                <button class="btn btn-primary" on:click=move |_| act(Action::Delegate) disabled=move || busy.get().is_some()>{t!(i18n, staking.delegate)}</button>
                {has_stake.then(|| {
                    let fee = StoredValue::new(fee_text.clone());
                    let title = move || fill(t_string!(i18n, staking.undelegate_title), &[("fee", &fee.get_value())]);
                    view! {
                        <button class="btn" title=title on:click=move |_| act(Action::Undelegate) disabled=move || busy.get().is_some()>{t!(i18n, staking.undelegate)}</button>
                        <button class="btn" title=title on:click=move |_| act(Action::UndelegateAll) disabled=move || busy.get().is_some()>{t!(i18n, staking.undelegate_all)}</button>
                    }
                })}
            </div>
            {has_stake.then(|| view! {
                <div class="row">
                    <select class="grow" aria-label=move || t_string!(i18n, staking.move_to_label) bind:value=move_to>
                        <option value="">{t!(i18n, staking.move_to_label)}</option>
                        {move || validators.get().into_iter().filter(|o| o.address != my_address).map(|o| {
                            let text = fill(t_string!(i18n, staking.validator_name), &[("name", &key_short(&o.pubkey))]);
                            view! { <option value=key_hex(&o.pubkey)>{text}</option> }
                        }).collect_view()}
                    </select>
                    <button class="btn" data-testid="move-stake" on:click=move |_| act(Action::Move) disabled=move || busy.get().is_some()>{t!(i18n, staking.move_stake)}</button>
                </div>
                <p class="hint">{t!(i18n, staking.move_hint)}</p>
            })}
            {tx.busy_view()}
            <ErrorAlert message=error />
        </article>
    }
}

#[component]
fn AddValidator(service: Service, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |_| {
        let Some(svc) = service.get_value() else {
            return error.set(Some(t_string!(i18n, staking.not_connected).to_string()));
        };
        let text = key.get_untracked();
        busy.set(true);
        error.set(None);
        let locale = i18n.get_locale_untracked();
        leptos::task::spawn_local(async move {
            let result = svc.add_validator(&text).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    key.set(String::new());
                    reload.run(());
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <div class="row">
            <input class="grow" aria-label=move || t_string!(i18n, staking.key_label) placeholder=move || t_string!(i18n, staking.key_placeholder) bind:value=key />
            <button class="btn" on:click=add disabled=move || busy.get()>{t!(i18n, staking.add_validator)}</button>
        </div>
        <ErrorAlert message=error />
    }
}

#[component]
fn PendingRow(service: Service, p: PendingWithdrawal, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let hash = p.hash;
    let (shares, block, estimate, estimated_at) = (p.shares, p.block, p.estimate, p.estimated_at);
    let forget = move |_| {
        if let (Some(svc), Some(account)) = (service.get_value(), app.session.selected_address()) {
            svc.forget(account, hash);
            reload.run(());
        }
    };
    view! {
        <article class="proposal" data-testid="undelegation">
            <dl class="kv">
                <dt>{t!(i18n, staking.undelegated)}</dt><dd data-testid="undelegated">{move || fill(t_string!(i18n, staking.undelegated_value), &[("shares", &shares), ("block", &block)])}</dd>
                <dt>{t!(i18n, staking.from_validator)}</dt><dd><AddressView address=p.validator /></dd>
                <dt>{t!(i18n, staking.paid_to)}</dt><dd><AddressView address=p.withdrawal_address /></dd>
                <dt>{t!(i18n, staking.worth)}</dt><dd data-testid="estimate">{move || fill(t_string!(i18n, staking.worth_value), &[("value", &format_0g(estimate)), ("block", &estimated_at)])}</dd>
                <dt>{t!(i18n, staking.fee_paid)}</dt><dd>{format_gwei(p.fee_paid.saturating_to())}</dd>
                <dt>{t!(i18n, staking.payout)}</dt><dd data-testid="payout">{t!(i18n, staking.payout_value)}</dd>
            </dl>
            <div class="row">
                <span class="muted">{move || fill(t_string!(i18n, staking.transaction), &[("hash", &hash)])}</span>
                <span class="spacer"></span>
                <button class="btn btn-ghost btn-sm" on:click=forget>{t!(i18n, staking.forget)}</button>
            </div>
        </article>
    }
}
