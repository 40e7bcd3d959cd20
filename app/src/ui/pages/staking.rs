//! The Staking page: validators with their stake and commission, and the selected
//! account's positions, all proven; delegate, undelegate and withdraw.

use std::rc::Rc;

use alloy_primitives::Address;
use leptos::prelude::*;
use wasm_light_client::Verified;

use crate::format::{capitalise, format_0g, parse_0g};
use crate::staking::contract::commission_percent;
use crate::staking::service::{StakingService, ValidatorView};
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::state::{on_connect, use_app, AppState, Latest};
use crate::ui::tx::{run_tx, TxView};

type Service = StoredValue<Option<Rc<StakingService>>, LocalStorage>;
type Validators = Option<Result<Vec<ValidatorView>, String>>;

fn me(app: &AppState) -> Option<Address> {
    app.session.selected_account().map(|a| a.address)
}

#[component]
pub fn StakingPage() -> impl IntoView {
    let app = use_app();
    let service: Service = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    let validators = RwSignal::new(Validators::None);
    // Only the newest load publishes: one for the account the user just left must not
    // land over the new account's stakes.
    let loading = Latest::new();
    let reload = move || {
        let (Some(svc), Some(account)) = (service.get_value(), me(&app)) else { return };
        loading.load(async move { svc.validators(account).await.map_err(|e| e.to_string()) }, move |read| {
            validators.set(Some(read))
        });
    };
    on_connect(app, service, unavailable, StakingService::new, reload);
    Effect::new(move || {
        app.session.selected.track();
        validators.set(None);
        reload();
    });
    let list = Memo::new(move |_| validators.get().and_then(Result::ok).unwrap_or_default());
    view! {
        <h1 class="page-title">"Staking"</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert">{node_words_apart(&e.to_string())}</div> })}
            <section class="card" aria-label="Validators">
                <div class="row">
                    <h2 class="card-title">"Validators"</h2>
                    <span class="spacer"></span>
                    {move || list.get().first().map(|v| view! { <ProofBadge verdict=Verified::Proven { value: (), block: v.block } /> })}
                    <button class="btn btn-ghost btn-sm" on:click=move |_| reload()>"Refresh"</button>
                </div>
                <p class="muted">"Delegating buys shares of a validator's pool; rewards raise what a share is worth, less the validator's commission. Undelegated 0G is paid after the validator's withdrawal delay."</p>
                {move || match validators.get() {
                    None => view! { <p class="muted"><Spinner />" Proving the validators…"</p> }.into_any(),
                    Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                    Some(Ok(_)) => ().into_any(),
                }}
                <div class="stack">
                    <For each=move || list.get() key=row_key let:v>
                        <ValidatorRow service v reload=Callback::new(move |_| reload()) />
                    </For>
                </div>
            </section>
        </div>
    }
}

/// A row is re-made only when what it shows changes, not at every new block, so an
/// amount being typed survives the periodic refresh.
fn row_key(v: &ValidatorView) -> String {
    let ready: Vec<bool> = v.pending.iter().map(|(at, _)| *at <= v.block).collect();
    format!("{:?} {ready:?}", ValidatorView { block: 0, ..v.clone() })
}

#[component]
fn ValidatorRow(service: Service, v: ValidatorView, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let amount = RwSignal::new(String::new());
    let tx = TxView::new();
    let TxView { busy, error } = tx;
    let tip = v.block;
    let validator = StoredValue::new(v.clone());
    // The amount stays typed until its transaction is proven, so a failure loses nothing.
    let cleared = Callback::new(move |_| {
        amount.set(String::new());
        reload.run(());
    });
    let act = move |what: &'static str| {
        let v = validator.get_value();
        let value = if what == "delegate" {
            match parse_0g(&amount.get_untracked()) {
                Ok(a) => Some(a),
                Err(e) => return error.set(Some(e.to_string())),
            }
        } else {
            None
        };
        let done = format!("{} with {}", capitalise(what), v.moniker);
        run_tx(app, service, tx, &format!("{}…", capitalise(what)), done, cleared, move |svc, key| async move {
            match (what, value) {
                ("delegate", Some(a)) => svc.delegate(&key, v.address, a).await,
                ("undelegate", _) => svc.undelegate(&key, &v, v.my_shares).await,
                _ => svc.withdraw(&key, v.address).await,
            }
        });
    };
    let has_stake = !v.my_shares.is_zero();
    let has_pending = !v.pending.is_empty();
    view! {
        <article class="proposal" data-validator=v.moniker.clone()>
            <div class="row">
                <h3 class="proposal-title">{v.moniker.clone()}</h3>
                <span class="spacer"></span>
                <AddressView address=v.address />
            </div>
            <dl class="kv">
                <dt>"Total stake"</dt><dd data-testid="stake">{format_0g(v.stake)}</dd>
                <dt>"Commission"</dt><dd>{commission_percent(v.commission_ppm)}</dd>
                <dt>"Your stake"</dt><dd data-testid="my-stake">{if has_stake { format!("{} ({} shares)", format_0g(v.my_tokens), v.my_shares) } else { "none".into() }}</dd>
                {has_pending.then(|| view! {
                    <dt>"Withdrawals"</dt>
                    <dd data-testid="pending">{v.pending.iter().map(|(at, amount)| {
                        if *at <= tip { format!("{} ready", format_0g(*amount)) } else { format!("{} at block {at}", format_0g(*amount)) }
                    }).collect::<Vec<_>>().join(", ")}</dd>
                })}
            </dl>
            <div class="row">
                <input class="grow" aria-label="Amount to delegate" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                <button class="btn btn-primary" on:click=move |_| act("delegate") disabled=move || busy.get().is_some()>"Delegate"</button>
                {has_stake.then(|| view! { <button class="btn" on:click=move |_| act("undelegate") disabled=move || busy.get().is_some()>"Undelegate all"</button> })}
                {has_pending.then(|| view! { <button class="btn" on:click=move |_| act("withdraw") disabled=move || busy.get().is_some()>"Withdraw matured"</button> })}
            </div>
            {tx.busy_view()}
            <ErrorAlert message=error />
        </article>
    }
}
