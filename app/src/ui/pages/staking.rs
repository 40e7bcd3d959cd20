//! The Staking page: the registry's proven validator count, the validators found by
//! consensus key (the network's listed ones and those the user adds) with their stake,
//! commission, withdrawal fee and the account's shares and their value, and the
//! account's undelegations as the chain proves them. Delegate and undelegate only.

use std::rc::Rc;

use alloy_primitives::U256;
use leptos::prelude::*;
use wasm_light_client::Verified;

use crate::format::{capitalise, format_0g, format_gwei, parse_0g};
use crate::staking::contract::commission_percent;
use crate::staking::service::{PendingWithdrawal, StakingService, ValidatorView};
use crate::ui::account_read::AccountRead;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
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
    let service: Service = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    let overview_read = AccountRead::new(app, service, |svc: Rc<StakingService>, account| async move {
        svc.overview(account).await.map_err(|e| e.to_string())
    });
    let reload = move || overview_read.reload();
    on_connect(app, service, unavailable, StakingService::new, reload);
    let overview = Memo::new(move |_| overview_read.value());
    let validators = Memo::new(move |_| overview.get().map(|o| o.validators).unwrap_or_default());
    let pending = Memo::new(move |_| overview.get().map(|o| o.pending).unwrap_or_default());
    let reload_cb = Callback::new(move |_| reload());
    view! {
        <h1 class="page-title">"Staking"</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert">{node_words_apart(&e.to_string())}</div> })}
            <section class="card" aria-label="Validators">
                <div class="row">
                    <h2 class="card-title">"Validators"</h2>
                    <span class="spacer"></span>
                    {move || overview.get().map(|o| view! { <ProofBadge verdict=Verified::Proven { value: (), block: o.block } /> })}
                    <button class="btn btn-ghost btn-sm" on:click=move |_| reload()>"Refresh"</button>
                </div>
                <p class="muted">"Delegating buys shares of a validator's pool; rewards raise what a share is worth (shares × the pool's tokens ÷ all its shares), less the validator's commission. Undelegating costs the validator's withdrawal fee; 0G's consensus layer pays the 0G out after the network's withdrawal delay."</p>
                {move || match overview_read.get() {
                    None if unavailable.get().is_some() => ().into_any(),
                    None => view! { <p class="muted"><Spinner />" Proving the validators…"</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="alert alert-error" role="alert" data-testid="staking-error">{node_words_apart(&e)}</div> }.into_any(),
                    Some(Ok(o)) => view! {
                        <p data-testid="validator-count">{format!(
                            "The registry counts {} validator{} (proven at block {}); {} shown. 0G's staking interface finds a validator only by its consensus public key, so add others by key.",
                            o.count, if o.count == 1 { "" } else { "s" }, o.block, o.validators.len()
                        )}</p>
                        {o.problems.iter().map(|p| view! { <p class="alert alert-warn">{p.clone()}</p> }).collect_view()}
                    }.into_any(),
                }}
                <div class="stack">
                    <For each=move || validators.get() key=row_key let:v>
                        <ValidatorRow service v reload=reload_cb />
                    </For>
                </div>
                <AddValidator service reload=reload_cb />
            </section>
            <section class="card" aria-label="Undelegations">
                <h2 class="card-title">"Your undelegations"</h2>
                <p class="muted">"Each is proven on chain: its transaction (who sent it, to which validator, how many shares, to which address, what fee) and its successful receipt. 0G has no withdraw call: its consensus layer credits the withdrawal address once the delay is over. That credit is not a transaction, so this app cannot prove it happened; check the address's balance."</p>
                {move || pending.get().is_empty().then(|| view! { <p class="muted" data-testid="no-undelegations">"None sent from this app for this account."</p> })}
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

#[component]
fn ValidatorRow(service: Service, v: ValidatorView, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
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
    let act = move |what: &'static str| {
        let v = validator.get_value();
        let value = if what == "delegate" {
            match parse_0g(&amount.get_untracked()) {
                Ok(a) if a.is_zero() => return error.set(Some("Enter an amount of 0G above zero.".into())),
                Ok(a) => a,
                Err(e) => return error.set(Some(e.to_string())),
            }
        } else {
            U256::ZERO
        };
        let done = format!("{} with validator {}", capitalise(what), key_short(&v.pubkey));
        run_tx(app, service, tx, &format!("{}…", capitalise(what)), done, cleared, move |svc, key| async move {
            if what == "delegate" {
                svc.delegate(&key, v.address, value).await
            } else {
                svc.undelegate(&key, &v, v.my_shares).await
            }
        });
    };
    let has_stake = !v.my_shares.is_zero();
    let my_stake = match (has_stake, v.my_value) {
        (false, _) => "none".to_string(),
        (true, Some(value)) => format!("{} ({} shares)", format_0g(value), v.my_shares),
        (true, None) => format!("{} shares (the pool has no shares to price them by)", v.my_shares),
    };
    view! {
        <article class="proposal" data-validator=key_hex(&v.pubkey)>
            <div class="row">
                <h3 class="proposal-title" title=key_hex(&v.pubkey)>{format!("Validator {name}")}</h3>
                <span class="spacer"></span>
                <AddressView address=v.address />
            </div>
            <dl class="kv">
                <dt>"Total stake"</dt><dd data-testid="stake">{format_0g(v.stake)}</dd>
                <dt>"Commission"</dt><dd data-testid="commission">{commission_percent(v.commission_ppm)}</dd>
                <dt>"Withdrawal fee"</dt><dd data-testid="withdrawal-fee">{format_gwei(v.withdrawal_fee.saturating_to())}</dd>
                <dt>"Your stake"</dt><dd data-testid="my-stake">{my_stake}</dd>
            </dl>
            <div class="row">
                <input class="grow" aria-label="Amount to delegate" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                <button class="btn btn-primary" on:click=move |_| act("delegate") disabled=move || busy.get().is_some()>"Delegate"</button>
                {has_stake.then(|| view! { <button class="btn" title=format!("Pays the withdrawal fee of {}", format_gwei(v.withdrawal_fee.saturating_to())) on:click=move |_| act("undelegate") disabled=move || busy.get().is_some()>"Undelegate all"</button> })}
            </div>
            {tx.busy_view()}
            <ErrorAlert message=error />
        </article>
    }
}

#[component]
fn AddValidator(service: Service, reload: Callback<()>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |_| {
        let Some(svc) = service.get_value() else { return error.set(Some("Not connected to the chain yet.".into())) };
        let text = key.get_untracked();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = svc.add_validator(&text).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    key.set(String::new());
                    reload.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="row">
            <input class="grow" aria-label="Validator public key" placeholder="Validator consensus public key (0x + 96 hex digits)" bind:value=key />
            <button class="btn" on:click=add disabled=move || busy.get()>"Add validator"</button>
        </div>
        <ErrorAlert message=error />
    }
}

#[component]
fn PendingRow(service: Service, p: PendingWithdrawal, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let hash = p.hash;
    let forget = move |_| {
        if let (Some(svc), Some(account)) = (service.get_value(), app.session.selected_address()) {
            svc.forget(account, hash);
            reload.run(());
        }
    };
    view! {
        <article class="proposal" data-testid="undelegation">
            <dl class="kv">
                <dt>"Undelegated"</dt><dd data-testid="undelegated">{format!("{} shares in block {} (proven)", p.shares, p.block)}</dd>
                <dt>"From validator"</dt><dd><AddressView address=p.validator /></dd>
                <dt>"Paid to"</dt><dd><AddressView address=p.withdrawal_address /></dd>
                <dt>"Worth"</dt><dd data-testid="estimate">{format!("about {} (its shares' value at block {}, before it was sent)", format_0g(p.estimate), p.estimated_at)}</dd>
                <dt>"Withdrawal fee paid"</dt><dd>{format_gwei(p.fee_paid.saturating_to())}</dd>
                <dt>"Payout"</dt><dd data-testid="payout">"by 0G's consensus layer after the withdrawal delay; not provable here"</dd>
            </dl>
            <div class="row">
                <span class="muted">{format!("Transaction {hash}")}</span>
                <span class="spacer"></span>
                <button class="btn btn-ghost btn-sm" on:click=forget>"Forget"</button>
            </div>
        </article>
    }
}
