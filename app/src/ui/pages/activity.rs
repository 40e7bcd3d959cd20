//! The Activity page: the selected account's payments in and out, contract calls,
//! deployments, token and agent transfers and contracts' payouts, each read from a block
//! the light client proved (`ChainClient::history`), with CSV export.
//!
//! The blocks to read are found by bisection over the account's proven balance and nonce
//! (`zg_core::chain::activity::changed_blocks`), so no indexer is asked and a payment a
//! node leaves out cannot go missing: the proven balance would not add up. A search
//! covers a window of recent blocks (historical headers are verified by walking parent
//! hashes down from the verified tip, so its cost grows with the window); older windows
//! are searched on request. Results stay for the session, per network and account, and a
//! later visit searches only the blocks since.

use std::cell::RefCell;
use std::collections::HashMap;

use alloy_primitives::Address;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::activity::{to_csv, Action, ActivityEntry, Asset, Direction, History};
use crate::format::{format_0g, short_hash};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::components::{node_words_apart, offer_download, AddressView, Spinner};
use crate::ui::lang::{fill, tag, Localized};
use crate::ui::state::{use_app, Connection};

/// Blocks searched at a time. Kept within the light client's cache of verified ancestors
/// (4,096 headers), so the bisection's jumps are answered from it instead of walking the
/// parent hashes down again for each one.
const WINDOW: u64 = 4_000;
/// Account states read per search at most (each one a proof); a search that needs more
/// says which blocks it left.
const BUDGET: usize = 300;

thread_local! {
    /// Searched history per (chain id, account), kept while the app runs.
    static KEPT: RefCell<HashMap<(u64, Address), History>> = RefCell::new(HashMap::new());
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let history = RwSignal::new(None::<History>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // `earlier`: search the window below what is kept; else the blocks since.
    let search = move |earlier: bool| {
        let (Some(client), Some(me)) = (app.chain.client(), app.session.selected_address()) else { return };
        let chain_id = client.network().chain_id;
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = async {
                let tip = client.sync().await?.map(|t| t.number()).unwrap_or_default();
                let kept = KEPT.with(|k| k.borrow().get(&(chain_id, me)).cloned());
                let merged = match kept {
                    None => client.history(me, tip.saturating_sub(WINDOW), tip, BUDGET).await?,
                    Some(kept) if earlier => {
                        let older = client.history(me, kept.from.saturating_sub(WINDOW), kept.from, BUDGET).await?;
                        join(older, kept)
                    }
                    Some(kept) if kept.to >= tip => kept,
                    Some(kept) => {
                        let newer = client.history(me, kept.to, tip, BUDGET).await?;
                        join(kept, newer)
                    }
                };
                Ok::<_, crate::chain::client::ChainError>(merged)
            }
            .await;
            // Drop the answer if the user chose another account meanwhile.
            if app.session.selected_address() != Some(me) {
                return;
            }
            match result {
                Ok(h) => {
                    KEPT.with(|k| k.borrow_mut().insert((chain_id, me), h.clone()));
                    history.set(Some(h));
                }
                Err(e) => error.set(Some(e.localized(crate::ui::lang::current()))),
            }
            busy.set(false);
        });
    };
    // Search on opening, and again for another account or once connected.
    Effect::new(move |_| {
        let connected = app.chain.connection.get() == Connection::Connected;
        let me = app.session.selected_address();
        history.set(None);
        if connected && me.is_some() {
            search(false);
        }
    });

    let export = move |_| {
        let (Some(h), Some(me)) = (history.get_untracked(), app.session.selected_address()) else { return };
        let name = format!("zg-activity-{me}-{}-{}.csv", h.from + 1, h.to);
        if let Err(e) = offer_download(&name, &to_csv(&h.entries)) {
            error.set(Some(e));
        }
    };
    let explorer = move || app.chain.selected.get().and_then(|n| n.explorer);

    view! {
        <h1 class="page-title">{t!(i18n, activity.title)}</h1>
        <div class="stack">
            <section class="card stack" aria-label=move || t_string!(i18n, activity.title) data-testid="activity">
                <p class="muted">{t!(i18n, activity.intro)}</p>
                <div class="row">
                    <button class="btn btn-secondary btn-sm" disabled=move || busy.get() on:click=move |_| search(false)>
                        {t!(i18n, activity.check_new)}
                    </button>
                    <button class="btn btn-ghost btn-sm" disabled=move || busy.get() || history.with(|h| h.as_ref().is_none_or(|h| h.from <= 1))
                        on:click=move |_| search(true)>
                        {move || fill(t_string!(i18n, activity.search_earlier), &[("blocks", &WINDOW)])}
                    </button>
                    <span class="spacer"></span>
                    <button class="btn btn-ghost btn-sm" disabled=move || history.with(|h| h.is_none()) on:click=export>
                        {t!(i18n, activity.export_csv)}
                    </button>
                </div>
                {move || busy.get().then(|| view! {
                    <div class="row muted" role="status"><Spinner />{t!(i18n, activity.searching)}</div>
                })}
                {move || error.get().map(|e| view! {
                    <div class="alert alert-error" role="alert">{node_words_apart(&e)}</div>
                })}
                {move || history.get().map(|h| {
                    let scope = fill(
                        t_string!(i18n, activity.searched),
                        &[("from", &(h.from + 1)), ("to", &h.to), ("reads", &h.reads)],
                    );
                    let left = (!h.unsearched.is_empty()).then(|| {
                        let ranges: Vec<String> = h.unsearched.iter().map(|(a, b)| format!("{a}–{b}")).collect();
                        view! { <p class="text-warn" data-testid="activity-unsearched">{fill(t_string!(i18n, activity.unsearched), &[("ranges", &ranges.join(", "))])}</p> }
                    });
                    let rows = h.entries.iter().rev().cloned().map(|e| view! { <EntryRow entry=e explorer=explorer() /> }).collect_view();
                    view! {
                        <p class="muted" data-testid="activity-scope">{scope}</p>
                        {left}
                        {if h.entries.is_empty() {
                            view! { <p data-testid="activity-empty">{t!(i18n, activity.empty)}</p> }.into_any()
                        } else {
                            view! { <ul class="activity-list" data-testid="activity-list">{rows}</ul> }.into_any()
                        }}
                    }
                })}
                <p class="muted small">{t!(i18n, activity.limits)}</p>
            </section>
        </div>
    }
}

/// Two searches of adjoining windows as one: `lower` ends where `upper` starts.
fn join(lower: History, upper: History) -> History {
    let mut entries = lower.entries;
    entries.extend(upper.entries);
    let mut unsearched = lower.unsearched;
    unsearched.extend(upper.unsearched);
    History { from: lower.from, to: upper.to, entries, unsearched, reads: lower.reads + upper.reads }
}

#[component]
fn EntryRow(entry: ActivityEntry, explorer: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let e = entry;
    let described = e.clone();
    let kind = move || kind_words(i18n.get_locale(), &described);
    let sign = match e.direction {
        Direction::In => "+",
        Direction::Out => "−",
        Direction::ToSelf => "",
    };
    let amount = match e.asset {
        Asset::Native => format!("{sign}{}", format_0g(e.amount)),
        Asset::Token(token) => format!("{sign}{} ({})", e.amount, crate::format::short_address(&token)),
        Asset::Nft(token, id) => format!("#{id} ({})", crate::format::short_address(&token)),
    };
    let when = local_time(e.timestamp, tag(i18n.get_locale_untracked()));
    let link = explorer.zip(e.tx_hash).map(|(base, hash)| format!("{}/tx/{hash}", base.trim_end_matches('/')));
    view! {
        <li class="activity-row" data-direction=match e.direction { Direction::In => "in", Direction::Out => "out", Direction::ToSelf => "self" }
            data-action=match e.action { Action::Transfer => "transfer", Action::Call(_) => "call", Action::Deploy(_) => "deploy", Action::TokenTransfer => "token", Action::Payout => "payout" }>
            <div class="row">
                <strong class="activity-kind">{kind}</strong>
                {(!e.success).then(|| view! { <span class="badge badge-rejected">{t!(i18n, activity.failed)}</span> })}
                <span class="spacer"></span>
                <span class="amount mono" data-testid="activity-amount">{amount}</span>
            </div>
            <div class="row muted small">
                {e.counterparty.map(|a| view! { <AddressView address=a /> })}
                {match e.action { Action::Deploy(a) => Some(view! { <AddressView address=a /> }), _ => None }}
                <span class="spacer"></span>
                <time>{when}</time>
                <span class="badge badge-verified" data-state="verified">
                    {move || fill(t_string!(i18n, activity.proven_in), &[("block", &e.block)])}
                </span>
            </div>
            <div class="row muted small">
                {e.fee.map(|fee| view! { <span data-testid="activity-fee">{move || fill(t_string!(i18n, activity.fee), &[("fee", &format_0g(fee))])}</span> })}
                {e.tx_hash.map(|h| view! { <span class="mono" title=h.to_string()>{short_hash(&h.to_string())}</span> })}
                {link.map(|href| view! { <a href=href target="_blank" rel="noopener noreferrer">{t!(i18n, activity.explorer)}</a> })}
            </div>
        </li>
    }
}

/// What an entry was, in words.
fn kind_words(locale: Locale, e: &ActivityEntry) -> String {
    use crate::i18n::td_string;
    match (e.action, e.asset, e.direction) {
        (Action::Payout, _, Direction::In) => td_string!(locale, activity.payout_in).to_string(),
        (Action::Payout, _, _) => td_string!(locale, activity.payout_out).to_string(),
        (Action::Deploy(_), _, _) => td_string!(locale, activity.deployed).to_string(),
        (Action::Call(selector), _, _) => {
            fill(td_string!(locale, activity.called), &[("selector", &format!("0x{}", hex::encode(selector)))])
        }
        (_, Asset::Nft(..), Direction::In) => td_string!(locale, activity.nft_in).to_string(),
        (_, Asset::Nft(..), _) => td_string!(locale, activity.nft_out).to_string(),
        (_, Asset::Token(_), Direction::In) => td_string!(locale, activity.token_in).to_string(),
        (_, Asset::Token(_), _) => td_string!(locale, activity.token_out).to_string(),
        (_, Asset::Native, Direction::In) => td_string!(locale, activity.received).to_string(),
        (_, Asset::Native, Direction::Out) => td_string!(locale, activity.sent).to_string(),
        (_, Asset::Native, Direction::ToSelf) => td_string!(locale, activity.to_self).to_string(),
    }
}

/// A block's time in the user's language and time zone ("2026. 12. 6. 오후 2:05:01").
pub(crate) fn local_time(secs: u64, lang: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    date.to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED).into()
}
