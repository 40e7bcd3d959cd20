//! Sending 0G: a form (fees suggested from the verified base fee, editable), a review
//! screen, local signing, broadcast, tracking until included, then proven balances.

use alloy_primitives::{B256, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::client::Inclusion;
use crate::chain::fees::FeeQuote;
use crate::format::{format_0g, format_gwei, short_hash};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::components::{AddressView, BalanceView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{use_app, Page, Route};
use crate::wallet::send_form::{self, SendContext, SendForm};
use crate::wallet::signer::{sign_eip1559, Eip1559Request};
use leptos_i18n::I18nContext;
use wasm_light_client::Verified;

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Form,
    /// The transaction, and why its nonce is not proven if it is not: signing then needs
    /// the user's explicit consent.
    Review(Eip1559Request, Option<String>),
    Sending {
        hash: Option<B256>,
        note: SendingNote,
    },
    Done {
        hash: B256,
        inclusion: Verified<Inclusion>,
    },
}

/// What a transaction on its way is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SendingNote {
    Broadcasting,
    Inclusion,
    Reorganised,
}

#[component]
pub fn SendPage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let to = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let max_fee = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let stage = RwSignal::new(Stage::Form);
    let error = RwSignal::new(None::<String>);
    let fees_loading = RwSignal::new(true);
    let quote = RwSignal::new(None::<FeeQuote>);
    let unverified_nonce_ok = RwSignal::new(false);

    // Suggest fees once from the newest verified header's base fee, within the limits.
    if let Some(client) = app.chain.client() {
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            match client.fee_quote().await {
                Ok(q) => {
                    max_fee.set(gwei_text(q.max_fee_per_gas));
                    priority.set(gwei_text(q.tip));
                    quote.set(Some(q));
                }
                Err(e) => {
                    error.set(Some(fill(t_string!(i18n, send.fee_suggest_failed), &[("error", &e.localized(locale))])))
                }
            }
            fees_loading.set(false);
        });
    } else {
        fees_loading.set(false);
    }
    let fee_hint = move || {
        if fees_loading.get() {
            return t_string!(i18n, send.fee_suggesting).to_string();
        }
        match quote.get() {
            Some(q) if q.tip_was_lowered() => fill(
                t_string!(i18n, send.fee_lowered),
                &[("node", &format_gwei(q.node_tip.unwrap_or_default())), ("tip", &format_gwei(q.tip))],
            ),
            _ => t_string!(i18n, send.fee_formula).to_string(),
        }
    };

    let review = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let (to, amount, max_fee, priority) =
            (to.get_untracked(), amount.get_untracked(), max_fee.get_untracked(), priority.get_untracked());
        let form = SendForm { to: &to, amount: &amount, max_fee: &max_fee, priority: &priority };
        match build_request(&app, i18n, &form, quote.get_untracked().map(|q| q.base_fee).unwrap_or_default()) {
            Ok((req, unproven)) => {
                unverified_nonce_ok.set(false);
                stage.set(Stage::Review(req, unproven))
            }
            Err(e) => error.set(Some(e)),
        }
    };

    let send = move |req: Eip1559Request, unproven: Option<String>| {
        if unproven.is_some() && !unverified_nonce_ok.get_untracked() {
            return error.set(Some(t_string!(i18n, send.tick_nonce).to_string()));
        }
        let index = app.session.selected.get_untracked();
        let Some(client) = app.chain.client() else {
            return error.set(Some(t_string!(i18n, send.not_connected).to_string()));
        };
        let locale = i18n.get_locale_untracked();
        let key = match app.session.signing_key(index) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let signed = sign_eip1559(&key, &req);
        drop(key);
        stage.set(Stage::Sending { hash: None, note: SendingNote::Broadcasting });
        spawn_local(async move {
            let result = async {
                let hash = client.send_raw(&signed.raw, signed.hash).await?;
                stage.set(Stage::Sending { hash: Some(hash), note: SendingNote::Inclusion });
                client.wait_for_inclusion(hash, 60).await.map(|inc| (hash, inc))
            }
            .await;
            match result {
                Ok((hash, inclusion)) => {
                    stage.set(Stage::Done { hash, inclusion });
                    app.chain.refresh_balances(app);
                }
                Err(e) => {
                    // Nothing was lost: the form keeps its values for a retry.
                    error.set(Some(e.localized(locale)));
                    stage.set(Stage::Review(req, unproven));
                }
            }
        });
    };

    // A receipt proven in a block that a reorganisation has since dropped proves
    // nothing: show that, and find where the transaction landed on the new branch.
    Effect::new(move |_| {
        app.chain.tip.track();
        let Stage::Done { hash, inclusion: Verified::Proven { value, .. } } = stage.get_untracked() else { return };
        let Some(client) = app.chain.client() else { return };
        if client.is_canonical(value.block, value.block_hash) != Some(false) {
            return;
        }
        stage.set(Stage::Sending { hash: Some(hash), note: SendingNote::Reorganised });
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            match client.wait_for_inclusion(hash, 60).await {
                Ok(inclusion) => stage.set(Stage::Done { hash, inclusion }),
                Err(e) => {
                    stage.set(Stage::Done { hash, inclusion: Verified::Rejected { reason: e.localized(locale) } });
                }
            }
        });
    });

    view! {
        <h1 class="page-title">{t!(i18n, send.title)}</h1>
        <section class="card">
            {move || match stage.get() {
                Stage::Form => view! {
                    <form class="stack" on:submit=review aria-label=move || t_string!(i18n, send.form_label)>
                        <div class="field">
                            <span class="label">{t!(i18n, send.from)}</span>
                            {move || app.session.selected_account().map(|a| view! {
                                <div class="from-account">
                                    <div class="account-id"><span class="account-name">{a.name.clone()}</span><AddressView address=a.address /></div>
                                    <div class="from-balance">
                                        <span class="muted">{t!(i18n, send.available)}</span>
                                        <BalanceView verdict=app.chain.balances.with(|b| b.get(&a.address).cloned()) />
                                    </div>
                                </div>
                            })}
                        </div>
                        <div class="field">
                            <label for="send-to">{t!(i18n, send.to_address)}</label>
                            <input id="send-to" class="mono" autocomplete="off" spellcheck="false" placeholder="0x…" bind:value=to />
                        </div>
                        <div class="field">
                            <label for="send-amount">{t!(i18n, send.amount)}</label>
                            <div class="input-group">
                                <input id="send-amount" inputmode="decimal" autocomplete="off" placeholder="0.0" bind:value=amount />
                                <span class="input-suffix">"0G"</span>
                            </div>
                        </div>
                        <div class="grid-2">
                            <div class="field">
                                <label for="send-max-fee">{t!(i18n, send.max_fee)}</label>
                                <div class="input-group">
                                    <input id="send-max-fee" inputmode="decimal" bind:value=max_fee />
                                    <span class="input-suffix">"gwei"</span>
                                </div>
                                <span class="hint" data-testid="fee-hint">{fee_hint}</span>
                            </div>
                            <div class="field">
                                <label for="send-priority">{t!(i18n, send.priority_fee)}</label>
                                <div class="input-group">
                                    <input id="send-priority" inputmode="decimal" bind:value=priority />
                                    <span class="input-suffix">"gwei"</span>
                                </div>
                            </div>
                        </div>
                        <ErrorAlert message=error />
                        <div class="row">
                            <button type="button" class="btn btn-ghost" on:click=move |_| app.go(Route::page(Page::Wallet))>{t!(i18n, send.cancel)}</button>
                            <span class="spacer"></span>
                            <button type="submit" class="btn btn-primary">{t!(i18n, send.review)}</button>
                        </div>
                    </form>
                }.into_any(),
                Stage::Review(req, unproven) => {
                    let fee_cap = U256::from(req.gas_limit) * U256::from(req.max_fee_per_gas);
                    let req2 = req.clone();
                    let unproven2 = unproven.clone();
                    view! {
                        <div class="stack" aria-label=move || t_string!(i18n, send.review)>
                            <h2 class="card-title">{t!(i18n, send.review_title)}</h2>
                            <dl class="kv">
                                <dt>{t!(i18n, send.to)}</dt><dd class="mono" data-testid="review-to">{req.to.to().map(|a| a.to_checksum(None)).unwrap_or_default()}</dd>
                                <dt>{t!(i18n, send.amount)}</dt><dd data-testid="review-amount">{format_0g(req.value)}</dd>
                                <dt>{t!(i18n, send.network_fee)}</dt><dd>{format_0g(fee_cap)}</dd>
                                <dt>{t!(i18n, send.max_priority)}</dt><dd>{format!("{} / {}", format_gwei(req.max_fee_per_gas), format_gwei(req.max_priority_fee_per_gas))}</dd>
                                <dt>{t!(i18n, send.total)}</dt><dd><strong>{format_0g(req.value + fee_cap)}</strong></dd>
                                <dt>{t!(i18n, send.chain_nonce)}</dt><dd>{format!("{} · {}", req.chain_id, req.nonce)}</dd>
                            </dl>
                            {unproven.map(|why| view! {
                                <div class="alert alert-warn" data-testid="unverified-nonce">
                                    <p>{move || fill(t_string!(i18n, send.nonce_unproven), &[("nonce", &req.nonce), ("why", &why)])}</p>
                                    <label class="check">
                                        <input type="checkbox" prop:checked=unverified_nonce_ok on:change=move |ev| unverified_nonce_ok.set(event_target_checked(&ev)) />
                                        " "{t!(i18n, send.accept_nonce)}
                                    </label>
                                </div>
                            })}
                            <ErrorAlert message=error />
                            <div class="row">
                                <button class="btn btn-ghost" on:click=move |_| { error.set(None); stage.set(Stage::Form) }>{t!(i18n, send.edit)}</button>
                                <span class="spacer"></span>
                                <button class="btn btn-primary" on:click=move |_| send(req2.clone(), unproven2.clone())>{t!(i18n, send.sign_send)}</button>
                            </div>
                        </div>
                    }.into_any()
                }
                Stage::Sending { hash, note } => view! {
                    <div class="stack">
                        <div class="tx-status" data-state="pending" role="status"><Spinner />" "{move || match note {
                            SendingNote::Broadcasting => t_string!(i18n, send.broadcasting),
                            SendingNote::Inclusion => t_string!(i18n, send.waiting_inclusion),
                            SendingNote::Reorganised => t_string!(i18n, send.reorged),
                        }}</div>
                        {hash.map(|h| view! { <div class="muted mono">{move || tx_label(i18n, h)}</div> })}
                    </div>
                }.into_any(),
                Stage::Done { hash, inclusion } => view! {
                    <div class="stack">
                        <InclusionStatus inclusion=inclusion />
                        <div class="muted mono">{move || tx_label(i18n, hash)}</div>
                        <p class="muted">{t!(i18n, send.reproven)}</p>
                        {move || app.session.selected_account().map(|a| view! {
                            <div class="from-account">
                                <div class="account-id"><span class="account-name">{a.name.clone()}</span><AddressView address=a.address /></div>
                                <div class="from-balance"><BalanceView verdict=app.chain.balances.with(|b| b.get(&a.address).cloned()) /></div>
                            </div>
                        })}
                        <div class="row">
                            <span class="spacer"></span>
                            <button class="btn btn-primary" on:click=move |_| app.go(Route::page(Page::Wallet))>{t!(i18n, send.back_wallet)}</button>
                        </div>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

/// Where the transaction landed, with the light client's verdict on its receipt.
#[component]
fn InclusionStatus(inclusion: Verified<Inclusion>) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = inclusion.value().map(|i| (i.block, i.success));
    let state = if matches!(outcome, Some((_, true))) { "confirmed" } else { "failed" };
    let text = move || match outcome {
        Some((block, true)) => fill(t_string!(i18n, send.included), &[("block", &block)]),
        Some((block, false)) => fill(t_string!(i18n, send.included_failed), &[("block", &block)]),
        None => t_string!(i18n, send.receipt_failed).to_string(),
    };
    let reason = match &inclusion {
        Verified::Rejected { reason } => Some(("proof-reason proof-reason-rejected", reason.clone())),
        Verified::Unverified { reason, .. } => Some(("proof-reason", reason.clone())),
        Verified::Proven { .. } => None,
    };
    view! {
        <div class="tx-status" data-state=state role="status" data-testid="tx-status">
            {text}" "<ProofBadge verdict=inclusion />
        </div>
        {reason.map(|(class, r)| view! { <p class=class>{r}</p> })}
    }
}

fn tx_label(i18n: I18nContext<Locale>, hash: B256) -> String {
    fill(t_string!(i18n, send.tx), &[("hash", &short_hash(&hash.to_string()))])
}

fn gwei_text(wei: u128) -> String {
    format_gwei(wei).trim_end_matches(" gwei").to_string()
}

/// The form's transaction, from the selected account's proven state on the connected network.
fn build_request(
    app: &crate::ui::state::AppState,
    i18n: I18nContext<Locale>,
    form: &SendForm<'_>,
    base_fee: u128,
) -> Result<(Eip1559Request, Option<String>), String> {
    let network = app.chain.network().ok_or_else(|| t_string!(i18n, send.not_connected).to_string())?;
    let account = app.session.selected_account().ok_or_else(|| t_string!(i18n, send.no_account).to_string())?;
    let state = app.chain.balances.with_untracked(|b| b.get(&account.address).cloned());
    let context = SendContext { chain_id: network.chain_id, limits: network.fee_limits(), base_fee };
    send_form::build(form, context, state.as_ref()).map_err(|e| e.localized(i18n.get_locale_untracked()))
}
