//! Sending 0G: a form (fees suggested from the verified base fee, editable), a review
//! screen (the full address in groups to check, a warning for a first-time or look-alike
//! recipient, the balance changes, a contract recipient tried on proven state), local
//! signing, broadcast, tracking until included (with speed-up and cancel while pending),
//! then proven balances.

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::client::Inclusion;
use crate::chain::fees::FeeQuote;
use crate::format::{format_0g, format_gwei, short_hash};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::changes::BalanceChanges;
use crate::ui::components::{AddressView, BalanceView, ErrorAlert, ProofBadge, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{use_app, Page, Route};
use crate::wallet::preview::payment_changes;
use crate::wallet::recipient::{self, RecipientCheck};
use crate::wallet::replacement;
use crate::wallet::send_form::{self, SendContext, SendForm};
use crate::wallet::signer::{address_of, sign_eip1559, Eip1559Request, TRANSFER_GAS};
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
    /// A replacement with higher fees was sent for the same nonce.
    SpedUp,
    /// A 0 0G transfer to oneself was sent for the same nonce, to take its place.
    Cancelling,
}

/// How long a pending transaction is followed before the page says it is still pending
/// (and keeps offering speed-up and cancel).
const PENDING_WAIT_S: u32 = 120;

/// What trying the payment on proven state said about the recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RecipientTrial {
    Checking,
    /// An account without code, or a contract that takes a plain transfer's gas.
    Fine,
    /// The payment would fail: reverted, or a contract needing more than a transfer's gas.
    Fails(String),
    /// Could not be tried (no proven state): said, not blocking.
    Untried(String),
}

/// The sealed record of the addresses `from` has sent to on this chain.
fn recipients_record(chain_id: u64, from: Address) -> String {
    format!("recipients/{chain_id}/{from}")
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
    // Addresses this account sent to before (sealed in this browser), for the checks.
    let known = RwSignal::new(Vec::<Address>::new());
    // The recipient under review, and what is known about it (redone when the sealed list
    // of earlier recipients finishes loading).
    let review_to = RwSignal::new(None::<Address>);
    let check = Memo::new(move |_| {
        let to = review_to.get()?;
        let own: Vec<Address> = app.session.accounts.with(|a| a.iter().map(|a| a.address).collect());
        Some((to, known.with(|known| recipient::check(to, known, &own))))
    });
    let look_alike_ok = RwSignal::new(false);
    let trial = RwSignal::new(RecipientTrial::Checking);
    // The transaction last signed, and every hash sent for its nonce (replacements too).
    let sent: StoredValue<Option<Eip1559Request>, LocalStorage> = StoredValue::new_local(None);
    let hashes: StoredValue<Vec<B256>, LocalStorage> = StoredValue::new_local(vec![]);
    let cancel_hash: StoredValue<Option<B256>, LocalStorage> = StoredValue::new_local(None);
    let cancelled = RwSignal::new(false);
    let replacing = RwSignal::new(false);
    let still_pending = RwSignal::new(false);
    if let (Some(network), Some(from), Some(sealer)) =
        (app.chain.network(), app.session.selected_address(), app.session.sealer())
    {
        spawn_local(async move {
            let record = recipients_record(network.chain_id, from);
            if let Some(list) = crate::sealed_records::load::<Vec<Address>>(&record, &sealer).await {
                known.set(list);
            }
        });
    }

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
                look_alike_ok.set(false);
                review_to.set(req.to.to().copied());
                try_recipient(&app, &req, trial);
                stage.set(Stage::Review(req, unproven))
            }
            Err(e) => error.set(Some(e)),
        }
    };

    // Follows every hash sent for the nonce until one is in a block.
    let follow = move |client: std::rc::Rc<crate::chain::client::ChainClient>, locale: Locale| {
        still_pending.set(false);
        spawn_local(async move {
            let result = client.wait_for_any(move || hashes.get_value(), PENDING_WAIT_S).await;
            if !matches!(stage.try_get_untracked(), Some(Stage::Sending { .. })) {
                return;
            }
            match result {
                Ok((hash, inclusion)) => {
                    let was_cancel = cancel_hash.get_value() == Some(hash);
                    cancelled.set(was_cancel);
                    stage.set(Stage::Done { hash, inclusion });
                    app.chain.refresh_balances(app);
                    if !was_cancel {
                        remember_recipient(&app, sent.get_value(), known);
                    }
                }
                // Still in the pool: the page keeps offering speed-up and cancel.
                Err(e) => {
                    still_pending.set(true);
                    error.set(Some(e.localized(locale)));
                }
            }
        });
    };

    let send = move |req: Eip1559Request, unproven: Option<String>| {
        if unproven.is_some() && !unverified_nonce_ok.get_untracked() {
            return error.set(Some(t_string!(i18n, send.tick_nonce).to_string()));
        }
        if check.with_untracked(|c| c.as_ref().is_some_and(|(_, c)| c.look_alike.is_some()))
            && !look_alike_ok.get_untracked()
        {
            return error.set(Some(t_string!(i18n, send.tick_look_alike).to_string()));
        }
        if let RecipientTrial::Fails(why) = trial.get_untracked() {
            return error.set(Some(why));
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
        sent.set_value(Some(req.clone()));
        hashes.set_value(vec![]);
        cancel_hash.set_value(None);
        spawn_local(async move {
            match client.send_raw(&signed.raw, signed.hash).await {
                Ok(hash) => {
                    hashes.update_value(|h| h.push(hash));
                    stage.set(Stage::Sending { hash: Some(hash), note: SendingNote::Inclusion });
                    follow(client, locale);
                }
                Err(e) => {
                    // Nothing was sent: the form keeps its values for a retry.
                    error.set(Some(e.localized(locale)));
                    stage.set(Stage::Review(req, unproven));
                }
            }
        });
    };

    // Speed-up (the same transaction with higher fees) or cancel (nothing sent to oneself)
    // for the pending nonce, at fees that replace it under geth's 10% rule.
    let replace = move |cancel: bool| {
        error.set(None);
        let (Some(client), Some(original), Some(network)) = (app.chain.client(), sent.get_value(), app.chain.network())
        else {
            return;
        };
        let index = app.session.selected.get_untracked();
        let locale = i18n.get_locale_untracked();
        replacing.set(true);
        spawn_local(async move {
            let result: Result<B256, String> = async {
                let quote = client.fee_quote().await.map_err(|e| e.localized(locale))?;
                let key = app.session.signing_key(index)?;
                let from = address_of(&key);
                let limits = network.fee_limits();
                let next = if cancel {
                    replacement::cancel(&original, from, quote.base_fee, quote.tip, limits)
                } else {
                    replacement::speed_up(&original, quote.base_fee, quote.tip, limits)
                }
                .map_err(|e| e.localized(locale))?;
                let signed = sign_eip1559(&key, &next);
                drop(key);
                let hash = client.send_raw(&signed.raw, signed.hash).await.map_err(|e| e.localized(locale))?;
                hashes.update_value(|h| h.push(hash));
                if cancel {
                    cancel_hash.set_value(Some(hash));
                } else {
                    sent.set_value(Some(next));
                }
                Ok(hash)
            }
            .await;
            replacing.set(false);
            match result {
                Ok(hash) => {
                    let note = if cancel { SendingNote::Cancelling } else { SendingNote::SpedUp };
                    stage.set(Stage::Sending { hash: Some(hash), note });
                    if still_pending.get_untracked() {
                        follow(client, locale);
                    }
                }
                Err(e) => error.set(Some(e)),
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
                                <dt>{t!(i18n, send.to)}</dt><dd class="mono address-chunks" data-testid="review-to">{req.to.to().map(|a| recipient::chunked(a).into_iter().map(|c| view! { <span class="chunk">{c}</span> }).collect_view())}</dd>
                                <dt>{t!(i18n, send.amount)}</dt><dd data-testid="review-amount">{format_0g(req.value)}</dd>
                                <dt>{t!(i18n, send.network_fee)}</dt><dd>{format_0g(fee_cap)}</dd>
                                <dt>{t!(i18n, send.max_priority)}</dt><dd>{format!("{} / {}", format_gwei(req.max_fee_per_gas), format_gwei(req.max_priority_fee_per_gas))}</dd>
                                <dt>{t!(i18n, send.total)}</dt><dd><strong>{format_0g(req.value + fee_cap)}</strong></dd>
                                <dt>{t!(i18n, send.chain_nonce)}</dt><dd>{format!("{} · {}", req.chain_id, req.nonce)}</dd>
                            </dl>
                            <p class="hint">{t!(i18n, send.check_groups)}</p>
                            {move || check.get().map(|c| recipient_notes(i18n, c, look_alike_ok, &app))}
                            {move || match trial.get() {
                                RecipientTrial::Checking => view! { <p class="muted" data-testid="recipient-trial"><Spinner />" "{t!(i18n, send.trying)}</p> }.into_any(),
                                RecipientTrial::Fine => ().into_any(),
                                RecipientTrial::Fails(why) => view! { <div class="alert alert-error" role="alert" data-testid="recipient-trial">{why}</div> }.into_any(),
                                RecipientTrial::Untried(why) => view! { <p class="muted" data-testid="recipient-trial">{move || fill(t_string!(i18n, send.untried), &[("why", &why)])}</p> }.into_any(),
                            }}
                            <BalanceChanges changes=payment_changes(req.to.to().copied().unwrap_or_default(), req.value, fee_cap) />
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
                        <div class="tx-status" data-state="pending" role="status" data-testid="sending-status"><Spinner />" "{move || match note {
                            SendingNote::Broadcasting => t_string!(i18n, send.broadcasting),
                            SendingNote::Inclusion if still_pending.get() => t_string!(i18n, send.still_pending),
                            SendingNote::Inclusion => t_string!(i18n, send.waiting_inclusion),
                            SendingNote::Reorganised => t_string!(i18n, send.reorged),
                            SendingNote::SpedUp => t_string!(i18n, send.sped_up),
                            SendingNote::Cancelling => t_string!(i18n, send.cancelling),
                        }}</div>
                        {hash.map(|h| view! { <div class="muted mono">{move || tx_label(i18n, h)}</div> })}
                        <ErrorAlert message=error />
                        // Offered while the nonce is in the pool, as other wallets do.
                        {(hash.is_some() && note != SendingNote::Reorganised && note != SendingNote::Cancelling).then(|| view! {
                            <p class="hint">{t!(i18n, send.replace_hint)}</p>
                            <div class="row">
                                <button class="btn btn-ghost" data-testid="cancel-pending" disabled=move || replacing.get() on:click=move |_| replace(true)>{t!(i18n, send.cancel_pending)}</button>
                                <span class="spacer"></span>
                                <button class="btn btn-secondary" data-testid="speed-up" disabled=move || replacing.get() on:click=move |_| replace(false)>{t!(i18n, send.speed_up)}</button>
                            </div>
                        })}
                    </div>
                }.into_any(),
                Stage::Done { hash, inclusion } => view! {
                    <div class="stack">
                        <InclusionStatus inclusion=inclusion />
                        <div class="muted mono">{move || tx_label(i18n, hash)}</div>
                        <Show when=move || cancelled.get()>
                            <p class="alert alert-info" data-testid="send-cancelled">{t!(i18n, send.cancelled)}</p>
                        </Show>
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

/// The warnings about where the 0G goes: a first payment to an address, an address that
/// looks like a known one (address poisoning), or one of the wallet's own accounts.
fn recipient_notes(
    i18n: I18nContext<Locale>,
    (to, check): (Address, RecipientCheck),
    look_alike_ok: RwSignal<bool>,
    app: &crate::ui::state::AppState,
) -> impl IntoView {
    let own_name = app.session.accounts.with_untracked(|a| a.iter().find(|a| a.address == to).map(|a| a.name.clone()));
    view! {
        {check.look_alike.map(|similar| {
            let similar = similar.to_checksum(None);
            view! {
                <div class="alert alert-error" role="alert" data-testid="look-alike">
                    <p>{move || fill(t_string!(i18n, send.look_alike), &[("similar", &similar)])}</p>
                    <label class="check">
                        <input type="checkbox" prop:checked=look_alike_ok on:change=move |ev| look_alike_ok.set(event_target_checked(&ev)) />
                        " "{t!(i18n, send.accept_look_alike)}
                    </label>
                </div>
            }
        })}
        {(check.first_time && check.look_alike.is_none()).then(|| view! {
            <div class="alert alert-warn" data-testid="first-time">{t!(i18n, send.first_time)}</div>
        })}
        {check.own_account.then(|| view! {
            <p class="muted" data-testid="own-account">{move || fill(t_string!(i18n, send.own_account), &[("name", &own_name.clone().unwrap_or_default())])}</p>
        })}
    }
}

/// Tries the payment on proven state when the recipient has code: a contract that reverts
/// or needs more than a plain transfer's gas would make the payment fail.
fn try_recipient(app: &crate::ui::state::AppState, req: &Eip1559Request, trial: RwSignal<RecipientTrial>) {
    trial.set(RecipientTrial::Checking);
    let (Some(client), Some(from), TxKind::Call(to)) = (app.chain.client(), app.session.selected_address(), req.to)
    else {
        return trial.set(RecipientTrial::Fine);
    };
    let value = req.value;
    let locale = crate::ui::lang::current();
    spawn_local(async move {
        let verdict = match client.simulate_effects(from, TxKind::Call(to), value, Bytes::new()).await {
            Ok(run) if run.gas_spent <= TRANSFER_GAS => RecipientTrial::Fine,
            Ok(run) => RecipientTrial::Fails(fill(
                crate::i18n::td_string!(locale, send.needs_gas),
                &[("gas", &run.gas_spent), ("limit", &TRANSFER_GAS)],
            )),
            Err(
                e @ (crate::chain::client::ChainError::WouldRevert(_) | crate::chain::client::ChainError::WouldFail(_)),
            ) => RecipientTrial::Fails(fill(
                crate::i18n::td_string!(locale, send.would_fail),
                &[("error", &e.localized(locale))],
            )),
            Err(e) => RecipientTrial::Untried(e.localized(locale)),
        };
        let _ = trial.try_set(verdict);
    });
}

/// Adds the recipient of a payment that went through to the account's sealed list.
fn remember_recipient(app: &crate::ui::state::AppState, sent: Option<Eip1559Request>, known: RwSignal<Vec<Address>>) {
    let (Some(req), Some(network), Some(from), Some(sealer)) =
        (sent, app.chain.network(), app.session.selected_address(), app.session.sealer())
    else {
        return;
    };
    let Some(to) = req.to.to().copied() else { return };
    if known.with_untracked(|k| k.contains(&to)) {
        return;
    }
    known.update(|k| k.push(to));
    let list = known.get_untracked();
    spawn_local(async move {
        // Best effort: without the record the next payment is only warned about again.
        let _ = crate::sealed_records::save(&recipients_record(network.chain_id, from), &list, &sealer).await;
    });
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
