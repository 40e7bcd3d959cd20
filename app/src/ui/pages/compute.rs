//! The Compute page: 0G Compute providers from the on-chain registry (model, prices, signer
//! and whether the registry acknowledges it), the account's ledger (create with a first
//! deposit, deposit more) and its sub-account per provider ("Fund provider"). Every value
//! is read by a verified call; every transaction's receipt is proven.

use std::rc::Rc;

use alloy_primitives::Address;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;

use crate::compute::contract::{min_ledger_text, Service};
use crate::compute::service::{ComputeService, Overview, ProviderView};
use crate::format::{format_0g, parse_0g};
use crate::ui::components::{AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::state::{on_connect, use_app, AppState};

pub type ComputeHandle = StoredValue<Option<Rc<ComputeService>>, LocalStorage>;
type Loaded = Option<Result<Overview, String>>;

fn me(app: &AppState) -> Option<Address> {
    app.session.selected_account().map(|a| a.address)
}

/// The honest description of the model the devnet's providers and the browser run.
pub fn model_description() -> String {
    thread_local! {
        static TEXT: String = zg_model::Model::devnet().description();
    }
    TEXT.with(Clone::clone)
}

/// Price per token, in 0G.
pub fn price_text(wei: alloy_primitives::U256) -> String {
    format!("{} / token", format_0g(wei))
}

#[component]
pub fn ComputePage() -> impl IntoView {
    let app = use_app();
    let service: ComputeHandle = StoredValue::new_local(None);
    let unavailable = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(Loaded::None);
    let reload = move || {
        let (Some(svc), Some(account)) = (service.get_value(), me(&app)) else { return };
        spawn_local(async move { loaded.set(Some(svc.overview(account).await.map_err(|e| e.to_string()))) });
    };
    on_connect(app, service, unavailable, ComputeService::new, reload);
    Effect::new(move || {
        app.session.selected.track();
        loaded.set(None);
        reload();
    });
    let reload_cb = Callback::new(move |_| reload());
    let overview = Memo::new(move |_| loaded.get().and_then(Result::ok));
    view! {
        <h1 class="page-title">"Compute"</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert">{e}</div> })}
            {move || match loaded.get() {
                None => view! { <p class="muted"><Spinner />" Proving the registry and your ledger…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{e}</div> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            {move || overview.get().map(|o| view! { <LedgerCard service overview=o reload=reload_cb /> })}
            <section class="card" aria-label="Providers">
                <div class="row">
                    <h2 class="card-title">"Providers"</h2>
                    <span class="spacer"></span>
                    <button class="btn btn-ghost btn-sm" on:click=move |_| reload()>"Refresh"</button>
                </div>
                <p class="muted">"Inference providers registered on chain. Each answer is signed by the provider's signer; an answer counts as verified only if that signature covers our own request and answer bytes and the registry acknowledges the signer."</p>
                <p class="hint" data-testid="model-description">{model_description()}</p>
                <div class="stack">
                    {move || overview.get().map(|o| {
                        let block = o.block;
                        let has_ledger = o.ledger.is_some();
                        o.providers.into_iter().map(|p| view! { <ProviderRow service p block has_ledger reload=reload_cb /> }).collect_view()
                    })}
                    {move || overview.get().filter(|o| o.providers.is_empty()).map(|_| view! { <p class="muted">"No provider is registered."</p> })}
                </div>
            </section>
        </div>
    }
}

#[component]
fn LedgerCard(service: ComputeHandle, overview: Overview, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
    let exists = overview.ledger.is_some();
    let amount = RwSignal::new(if exists { String::new() } else { "3".to_string() });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |_| {
        error.set(None);
        let Some(svc) = service.get_value() else { return };
        let key = match app.session.signing_key(app.session.selected.get_untracked()) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let value = match parse_0g(&amount.get_untracked()) {
            Ok(a) => a,
            Err(e) => return error.set(Some(e.to_string())),
        };
        busy.set(true);
        spawn_local(async move {
            let result = if exists { svc.deposit(&key, value).await } else { svc.create_ledger(&key, value).await };
            busy.set(false);
            match result {
                Ok(included) => {
                    app.toasts.success(&format!(
                        "{} {}: block {} (receipt verified)",
                        if exists { "Deposited" } else { "Ledger created with" },
                        format_0g(value),
                        included.block
                    ));
                    amount.set(String::new());
                    reload.run(());
                    app.chain.refresh_balances(app);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card" aria-label="Ledger">
            <div class="row">
                <h2 class="card-title">"Your compute ledger"</h2>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block: overview.block } />
            </div>
            {match overview.ledger {
                Some(l) => view! {
                    <dl class="kv">
                        <dt>"Available"</dt><dd data-testid="ledger-available">{format_0g(l.availableBalance)}</dd>
                        <dt>"Total"</dt><dd data-testid="ledger-total">{format_0g(l.totalBalance)}</dd>
                    </dl>
                }.into_any(),
                None => view! {
                    <p class="muted" data-testid="no-ledger">{format!("You have no ledger yet. Create one with a first deposit of at least {}; you then fund each provider you use from it.", min_ledger_text())}</p>
                }.into_any(),
            }}
            <div class="row">
                <input class="grow" aria-label="Ledger amount" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                <button class="btn btn-primary" on:click=submit disabled=move || busy.get()>
                    {if exists { "Deposit" } else { "Create ledger" }}
                </button>
            </div>
            {move || busy.get().then(|| view! { <p class="muted" role="status"><Spinner />" Sending, then proving the receipt…"</p> })}
            <ErrorAlert message=error />
        </section>
    }
}

#[component]
fn ProviderRow(
    service: ComputeHandle,
    p: ProviderView,
    block: u64,
    has_ledger: bool,
    reload: Callback<()>,
) -> impl IntoView {
    let app = use_app();
    let amount = RwSignal::new("1".to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let s: Service = p.service.clone();
    let provider = s.provider;
    let fund = move |_| {
        error.set(None);
        let Some(svc) = service.get_value() else { return };
        let key = match app.session.signing_key(app.session.selected.get_untracked()) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let value = match parse_0g(&amount.get_untracked()) {
            Ok(a) => a,
            Err(e) => return error.set(Some(e.to_string())),
        };
        busy.set(true);
        spawn_local(async move {
            let result = svc.fund_provider(&key, provider, value).await;
            busy.set(false);
            match result {
                Ok(included) => {
                    app.toasts.success(&format!(
                        "Moved {} to the provider: block {} (receipt verified)",
                        format_0g(value),
                        included.block
                    ));
                    reload.run(());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let sub = match &p.account {
        Some(a) => format!("{} (pending refund {})", format_0g(a.balance), format_0g(a.pendingRefund)),
        None => "none yet".into(),
    };
    view! {
        <article class="proposal" data-provider=provider.to_string() data-testid="provider">
            <div class="row">
                <h3 class="proposal-title" data-testid="provider-model">{s.model.clone()}</h3>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block } />
            </div>
            <dl class="kv">
                <dt>"Provider"</dt><dd><AddressView address=provider /></dd>
                <dt>"Endpoint"</dt><dd class="mono">{s.url.clone()}</dd>
                <dt>"Prices"</dt><dd data-testid="provider-prices">{format!("input {}, output {}", price_text(s.inputPrice), price_text(s.outputPrice))}</dd>
                <dt>"Signer"</dt><dd><AddressView address=s.teeSignerAddress /></dd>
                <dt>"Acknowledged"</dt><dd data-testid="provider-ack">{if s.teeSignerAcknowledged { "yes: the registry acknowledges this signer" } else { "no: its answers cannot be verified" }}</dd>
                <dt>"Verifiability"</dt><dd data-testid="verifiability">{if s.verifiability.is_empty() {
                    "none stated".to_string()
                } else {
                    // The registry's word: this app checks the signer, not a TEE attestation.
                    format!("{} (as registered; no attestation checked here)", s.verifiability)
                }}</dd>
                <dt>"Your sub-account"</dt><dd data-testid="sub-account">{sub}</dd>
            </dl>
            {has_ledger.then(|| view! {
                <div class="row">
                    <input class="grow" aria-label="Amount to fund the provider" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                    <button class="btn btn-primary" on:click=fund disabled=move || busy.get()>"Fund provider"</button>
                </div>
            })}
            {move || busy.get().then(|| view! { <p class="muted" role="status"><Spinner />" Sending, then proving the receipt…"</p> })}
            <ErrorAlert message=error />
        </article>
    }
}
