//! Small presentational components shared by the pages. No data loading here.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use wasm_light_client::{AccountState, Verified};

use crate::format::{format_units, short_address, UNIT};
use crate::i18n::{t, t_string, td_string, use_i18n};

/// A shortened address with a copy button (the full address is in the title).
/// The copy click does not bubble, so copying inside a selectable row does not select it.
#[component]
pub fn AddressView(address: Address) -> impl IntoView {
    let i18n = use_i18n();
    let full = address.to_checksum(None);
    let copied = RwSignal::new(false);
    let text = full.clone();
    let copy = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            copied.set(true);
            gloo::timers::callback::Timeout::new(1500, move || copied.set(false)).forget();
        }
    };
    view! {
        <span class="address-line">
            <span class="address mono" title=full.clone() data-address=full.clone()>{short_address(&address)}</span>
            <button
                type="button"
                class="copy-btn"
                class:copied=move || copied.get()
                title=move || if copied.get() { t_string!(i18n, copy.copied) } else { t_string!(i18n, copy.copy_full_address) }
                aria-label=move || if copied.get() { t_string!(i18n, copy.copied) } else { t_string!(i18n, copy.copy_address) }
                on:click=copy
                on:keydown=|ev| ev.stop_propagation()
            ></button>
        </span>
    }
}

/// A button that copies `text` (a code or key to pass to someone) and says so.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(into)] label: String) -> impl IntoView {
    let i18n = use_i18n();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text.get_untracked());
            copied.set(true);
            gloo::timers::callback::Timeout::new(1500, move || copied.set(false)).forget();
        }
    };
    view! {
        <button type="button" class="btn btn-ghost btn-sm" on:click=copy>
            {move || if copied.get() { t_string!(i18n, copy.copied).to_string() } else { label.clone() }}
        </button>
    }
}

/// "12.5 0G" with the unit styled apart.
#[component]
pub fn Amount(wei: U256, #[prop(default = 6)] decimals: usize) -> impl IntoView {
    view! {
        <span class="amount">{format_units(wei, decimals)}" "<span class="amount-unit">{UNIT}</span></span>
    }
}

/// The light client's verdict on a value: proven at a block, unverified (why), or
/// rejected (why; the value itself is withheld by the caller). The reason is always in
/// the title; `compact` badges, whose reason is shown nowhere else, also carry it for
/// screen readers.
#[component]
pub fn ProofBadge<T: 'static>(verdict: Verified<T>, #[prop(optional)] compact: bool) -> impl IntoView {
    let i18n = use_i18n();
    match verdict {
        Verified::Proven { block, .. } => view! {
            <span class="badge badge-verified" data-testid="proof-badge" data-state="verified"
                title=move || t_string!(i18n, proof.verified_title)>
                {t!(i18n, proof.verified_at, block = move || block)}
            </span>
        }
        .into_any(),
        Verified::Unverified { reason, .. } => {
            let label = format!("{}: {reason}", t_string!(i18n, proof.unverified));
            view! {
                <span class="badge badge-unverified" data-testid="proof-badge" data-state="unverified"
                    title=label.clone() aria-label=compact.then(|| label.clone())>
                    {move || t_string!(i18n, proof.unverified)}
                </span>
            }
            .into_any()
        }
        Verified::Rejected { reason } => {
            let label = format!("{}: {reason}", t_string!(i18n, proof.failed_why));
            view! {
                <span class="badge badge-rejected" data-testid="proof-badge" data-state="rejected"
                    title=label.clone() aria-label=compact.then(|| label.clone())>
                    {move || t_string!(i18n, proof.failed)}
                </span>
            }
            .into_any()
        }
    }
}

/// A balance with its proof badge; a rejected balance shows no number at all.
/// `big` is the balance card's layout: the amount, then the badge and the account's
/// proven nonce, then (when not proven) the reason in words.
#[component]
pub fn BalanceView(verdict: Option<Verified<AccountState>>, #[prop(optional)] big: bool) -> impl IntoView {
    let i18n = use_i18n();
    let loading = move || t_string!(i18n, proof.loading_balance);
    match (verdict, big) {
        (None, false) => view! { <span class="skeleton skeleton-amount" aria-label=loading>"\u{a0}"</span> }.into_any(),
        (None, true) => view! {
            <div class="balance-value"><span class="skeleton" aria-label=loading>"\u{a0}"</span></div>
            <div class="balance-meta"><span class="skeleton skeleton-badge">"\u{a0}"</span></div>
        }
        .into_any(),
        (Some(verdict), false) => view! {
            <span class="account-balance" data-testid="balance">{amount_or_withheld(&verdict)}</span>
            <ProofBadge verdict=verdict compact=true />
        }
        .into_any(),
        (Some(verdict), true) => view! { <BigBalance verdict=verdict /> }.into_any(),
    }
}

#[component]
fn BigBalance(verdict: Verified<AccountState>) -> impl IntoView {
    let i18n = use_i18n();
    let nonce = verdict.value().map(|s| s.nonce);
    let reason = match &verdict {
        Verified::Proven { .. } => None,
        Verified::Unverified { reason, .. } => {
            Some(("proof-reason", format!("{}: {reason}", t_string!(i18n, proof.not_proven_here))))
        }
        Verified::Rejected { reason } => Some((
            "proof-reason proof-reason-rejected",
            format!("{}: {reason}", t_string!(i18n, proof.balance_withheld)),
        )),
    };
    view! {
        <div class="balance-value" data-testid="balance">{amount_or_withheld(&verdict)}</div>
        <div class="balance-meta">
            <ProofBadge verdict=verdict />
            {nonce.map(|n| view! { <span>{if n == 1 {
                t!(i18n, proof.sent_one).into_any()
            } else {
                t!(i18n, proof.sent_many, count = move || n).into_any()
            }}</span> })}
        </div>
        {reason.map(|(class, text)| view! { <p class=class data-testid="balance-reason"><span>{node_words_apart(&text)}</span></p> })}
    }
}

fn amount_or_withheld(verdict: &Verified<AccountState>) -> AnyView {
    match verdict.value() {
        Some(state) => view! { <Amount wei=state.balance /> }.into_any(),
        None => view! { <span class="withheld">"withheld"</span> }.into_any(),
    }
}

#[component]
pub fn Spinner(#[prop(optional)] large: bool) -> impl IntoView {
    view! { <span class=if large { "spinner spinner-lg" } else { "spinner" } aria-hidden="true"></span> }
}

/// An error box; renders nothing while `message` is `None`.
#[component]
pub fn ErrorAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <div class="alert alert-error" role="alert">
                    <div>{node_words_apart(&m)}</div>
                </div>
            }
        })
    }
}

/// App text with any node's own words in it (quoted between ⟦ ⟧ by
/// `wasm_light_client::jsonrpc::quote_node_words`) set apart: each quote becomes a
/// `<q class="node-words">` labelled as the node's, so a node's message can never pass
/// for the wallet's own.
pub fn node_words_apart(text: &str) -> Vec<AnyView> {
    use wasm_light_client::jsonrpc::{NODE_WORDS_CLOSE, NODE_WORDS_OPEN};
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(NODE_WORDS_OPEN) {
        let after = &rest[open + NODE_WORDS_OPEN.len_utf8()..];
        let Some(close) = after.find(NODE_WORDS_CLOSE) else { break };
        parts.push(rest[..open].to_string().into_any());
        let words = after[..close].to_string();
        parts.push(
            view! { <q class="node-words" title="The node's own words, not zg-console's" data-testid="node-words">{words}</q> }
                .into_any(),
        );
        rest = &after[close + NODE_WORDS_CLOSE.len_utf8()..];
    }
    parts.push(rest.to_string().into_any());
    parts
}

/// A colour pair derived from the address, so accounts are recognisable at a glance.
pub fn avatar_style(address: &Address) -> String {
    let b = address.as_slice();
    let h1 = u16::from(b[0]) * 360 / 256;
    let h2 = u16::from(b[1]) * 360 / 256;
    format!("background: linear-gradient(135deg, hsl({h1} 70% 58%), hsl({h2} 70% 50%))")
}

/// Offers `contents` as a file download (a key file, already encrypted; an activity CSV).
pub fn offer_download(name: &str, contents: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let fail = |_| td_string!(crate::ui::lang::current(), wallet.download_refused).to_string();
    let parts = js_sys::Array::of1(&contents.into());
    let blob = web_sys::Blob::new_with_str_sequence(&parts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail(wasm_bindgen::JsValue::NULL))?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
