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
use wasm_light_client::Verified;

use crate::compute::attestation::Attestation;
use crate::compute::contract::{locked, min_ledger_text, pending_refunds, Reserve, Service};
use crate::compute::service::{ComputeService, Overview, ProviderView};
use crate::format::{capitalise, format_0g, format_units, parse_0g};
use crate::ui::account_read::AccountRead;
use crate::ui::components::{node_words_apart, AddressView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::state::{on_connect, use_app};
use crate::ui::tx::{run_tx, TxView};

pub type ComputeHandle = StoredValue<Option<Rc<ComputeService>>, LocalStorage>;

/// The honest description of the model the devnet's providers and the browser run.
pub fn model_description() -> String {
    format!(
        "Run locally: {} Its weights ({:.0} MB) download the first time and stay in this browser. \
         It runs on the CPU, or on WebGPU where the browser offers a GPU.",
        zg_llm::LIMITS,
        zg_llm::weights::smollm2().bytes as f64 / 1e6
    )
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
    let overview_read = AccountRead::new(app, service, |svc: Rc<ComputeService>, account| async move {
        svc.overview(account).await.map_err(|e| e.to_string())
    });
    let reload = move || overview_read.reload();
    on_connect(app, service, unavailable, ComputeService::new, reload);
    let reload_cb = Callback::new(move |_| reload());
    let overview = Memo::new(move |_| overview_read.value());
    view! {
        <h1 class="page-title">"Compute"</h1>
        <div class="stack">
            {move || unavailable.get().map(|e| view! { <div class="alert alert-warn" role="alert">{node_words_apart(&e.to_string())}</div> })}
            {move || match overview_read.get() {
                None if unavailable.get().is_some() => ().into_any(),
                None => view! { <p class="muted"><Spinner />" Proving the registry and your ledger…"</p> }.into_any(),
                Some(Err(e)) => view! { <div class="alert alert-error" role="alert">{node_words_apart(&e.to_string())}</div> }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            {move || overview.get().map(|o| view! { <LedgerCard service overview=o reload=reload_cb /> })}
            <section class="card" aria-label="Providers">
                <div class="row">
                    <h2 class="card-title">"Providers"</h2>
                    <span class="spacer"></span>
                    <button class="btn btn-ghost btn-sm" on:click=move |_| reload()>"Refresh"</button>
                </div>
                <p class="muted">"Inference providers registered on chain. Each answer is signed by the provider's signer (or, for a provider whose model runs in a TEE of its own, by that TEE's signer the registry names); an answer counts as verified only if the registry acknowledges the signer, the signature recovers to it and, where the provider's broker signs, the signed answer is byte for byte the one we received. Each answer says what was checked."</p>
                <p class="hint" data-testid="model-description">{model_description()}</p>
                <div class="stack">
                    {move || overview.get().map(|o| {
                        o.providers.clone().into_iter().map(|p| view! { <ProviderRow service p overview=o.clone() reload=reload_cb /> }).collect_view()
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
    let tx = TxView::new();
    // The amount stays typed until its transaction is proven, so a failure loses nothing.
    let cleared = Callback::new(move |_| {
        amount.set(String::new());
        reload.run(());
    });
    let parse_amount = move || match parse_0g(&amount.get_untracked()) {
        Ok(v) => Some(v),
        Err(e) => {
            tx.error.set(Some(e.to_string()));
            None
        }
    };
    let put_in = move |_| {
        let Some(value) = parse_amount() else { return };
        let (label, done) = if exists {
            ("Depositing…", format!("Deposited {}", format_0g(value)))
        } else {
            ("Creating the ledger…", format!("Ledger created with {}", format_0g(value)))
        };
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
        let done = format!("Withdrew {} to your wallet", format_0g(value));
        run_tx(app, service, tx, "Withdrawing…", done, cleared, move |s, k| async move { s.withdraw(&k, value).await });
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
                    <p class="hint">{format!("Withdraw pays the available balance back to your wallet; the ledger must keep at least {} or be emptied. Money with a provider comes back through Retrieve, after a {} lock.", min_ledger_text(), duration_text(overview.lock_time))}</p>
                }.into_any(),
                None => view! {
                    <p class="muted" data-testid="no-ledger">{format!("You have no ledger yet. Create one with a first deposit of at least {}; you then fund each provider you use from it.", min_ledger_text())}</p>
                }.into_any(),
            }}
            <div class="row">
                <input class="grow" aria-label="Ledger amount" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                <button class="btn btn-primary" on:click=put_in disabled=move || tx.busy.get().is_some()>
                    {if exists { "Deposit" } else { "Create ledger" }}
                </button>
                {exists.then(|| view! {
                    <button class="btn btn-secondary" on:click=withdraw disabled=move || tx.busy.get().is_some()>"Withdraw to wallet"</button>
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
fn duration_text(secs: u64) -> String {
    match secs {
        0..=89 => format!("{secs} s"),
        90..=5399 => format!("{} min", (secs + 30) / 60),
        _ => format!("{} h", (secs + 1800) / 3600),
    }
}

#[component]
fn ProviderRow(service: ComputeHandle, p: ProviderView, overview: Overview, reload: Callback<()>) -> impl IntoView {
    let app = use_app();
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
            Err(e) => return tx.error.set(Some(e.to_string())),
        };
        if value < top_up {
            let short = format!(
                "{} is less than this provider's requests need: {}. Transfer at least {}.",
                format_0g(value),
                reserve.describe(),
                format_0g(top_up)
            );
            return tx.error.set(Some(short));
        }
        let done = format!("Moved {} to the provider", format_0g(value));
        run_tx(app, service, tx, "Funding the provider…", done, reload, move |s, k| async move {
            s.fund_provider(&k, provider, value).await
        });
    };
    let retrieve =
        move |_| {
            let done = "Asked the provider's balance back".to_string();
            run_tx(app, service, tx, "Retrieving…", done, reload, move |s, k| async move {
                s.retrieve(&k, provider).await
            });
        };
    let revoke = move |_| {
        let done = "Revoked every session token for this provider".to_string();
        run_tx(app, service, tx, "Revoking tokens…", done, reload, move |s, k| async move {
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
    let refunds = p.account.as_ref().map(|a| pending_refunds(a, U256::from(overview.lock_time), overview.now));
    let sub = match &p.account {
        Some(a) => format!("{} (pending refund {})", format_0g(a.balance), format_0g(a.pendingRefund)),
        None => "none yet".into(),
    };
    let refund_text = refunds.filter(|r| !r.ready.is_zero() || !r.locked.is_zero()).map(|r| {
        let mut parts = Vec::new();
        if !r.ready.is_zero() {
            parts.push(format!("{} ready: Retrieve moves it to your ledger", format_0g(r.ready)));
        }
        if let (false, Some(at)) = (r.locked.is_zero(), r.unlocks_at) {
            parts.push(format!(
                "{} locked for about {} more",
                format_0g(r.locked),
                duration_text(at.saturating_sub(overview.now))
            ));
        }
        parts.join("; ")
    });
    let generation = p.account.as_ref().map(|a| a.generation.to_string());
    view! {
        <article class="proposal" data-provider=provider.to_string() data-testid="provider">
            <div class="row">
                <h3 class="proposal-title" data-testid="provider-model">{s.model.clone()}</h3>
                <span class="spacer"></span>
                <ProofBadge verdict=Verified::Proven { value: (), block: overview.block } />
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
                    // The registry's word; the attestation row below says what was checked.
                    format!("{} (as registered)", s.verifiability)
                }}</dd>
                <dt>"TEE attestation"</dt><dd data-testid="provider-attestation">{move || attestation_view(attestation.get())}</dd>
                <dt>"Your sub-account"</dt><dd data-testid="sub-account">{sub}</dd>
                <dt>"Locked reserve"</dt><dd data-testid="provider-reserve">{format!(
                    "{}; you have {} locked. {}",
                    capitalise(&reserve.describe()),
                    format_0g(p.account.as_ref().map(locked).unwrap_or_default()),
                    if top_up.is_zero() {
                        "Enough for now (unsettled fees are asked from the provider when you fund).".to_string()
                    } else {
                        format!("Transfer at least {} before chatting (plus any unsettled fees the provider reports when you fund).", format_0g(top_up))
                    }
                )}</dd>
                {refund_text.map(|t| view! { <dt>"Refunds"</dt><dd data-testid="refunds">{t}</dd> })}
                {generation.map(|g| view! { <dt>"Token generation"</dt><dd data-testid="token-generation" title="Session tokens carry this number; revoking raises it, so every older token stops working">{g}</dd> })}
            </dl>
            {has_ledger.then(|| view! {
                <div class="row">
                    <input class="grow" aria-label="Amount to fund the provider" inputmode="decimal" placeholder="Amount of 0G" bind:value=amount />
                    <button class="btn btn-primary" on:click=fund disabled=move || tx.busy.get().is_some()>"Fund provider"</button>
                </div>
            })}
            {p.account.is_some().then(|| view! {
                <div class="row">
                    <button class="btn btn-secondary" on:click=retrieve disabled=move || tx.busy.get().is_some()
                        title="Asks this provider's unspent balance back; it reaches your ledger after the lock time, when you retrieve again">"Retrieve"</button>
                    <button class="btn btn-ghost" on:click=revoke disabled=move || tx.busy.get().is_some()
                        title="Makes every session token made so far for this provider worthless, e.g. if one leaked">"Revoke session tokens"</button>
                </div>
            })}
            {tx.busy_view()}
            <ErrorAlert message=tx.error />
        </article>
    }
}

/// "TEE verified" only when the quote verified to Intel's root with current collateral and
/// binds the registry's signer; otherwise "not attested" and why.
fn attestation_view(verdict: Option<Attestation>) -> impl IntoView {
    match verdict {
        None => view! { <span class="muted" data-state="checking">"checking the provider's TDX quote…"</span> }.into_any(),
        Some(Attestation::Verified { tcb_status, advisories }) => {
            let detail = if advisories.is_empty() {
                format!("Intel TDX quote verified to Intel's root certificate and binds this signer; TCB status {tcb_status}")
            } else {
                format!("Intel TDX quote verified to Intel's root certificate and binds this signer; TCB status {tcb_status}, advisories {}", advisories.join(", "))
            };
            view! { <span class="badge badge-verified" data-state="verified" title=detail.clone()>"TEE verified"</span>" "<span class="muted">{detail}</span> }.into_any()
        }
        Some(Attestation::NotAttested(why)) => {
            view! { <span class="badge badge-unverified" data-state="unattested">"not attested"</span>" "<span class="muted">{capitalise(&why.to_string())}</span> }.into_any()
        }
    }
}
