//! Small presentational components shared by the pages. No data loading here.

use alloy_primitives::{Address, U256};
use leptos::prelude::*;
use wasm_light_client::{AccountState, Verified};

use crate::format::{format_units, short_address, UNIT};

/// A shortened address with a copy button (the full address is in the title).
#[component]
pub fn AddressView(address: Address) -> impl IntoView {
    let full = address.to_checksum(None);
    let copied = RwSignal::new(false);
    let text = full.clone();
    let copy = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            copied.set(true);
            gloo::timers::callback::Timeout::new(1500, move || copied.set(false)).forget();
        }
    };
    view! {
        <span class="address mono" title=full.clone() data-address=full.clone()>{short_address(&address)}</span>
        <button
            type="button"
            class="copy-btn"
            class:copied=move || copied.get()
            aria-label=move || if copied.get() { "Copied" } else { "Copy address" }
            on:click=copy
        ></button>
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
/// rejected (why; the value itself is withheld by the caller).
#[component]
pub fn ProofBadge<T: 'static>(verdict: Verified<T>) -> impl IntoView {
    match verdict {
        Verified::Proven { block, .. } => view! {
            <span class="badge badge-verified" data-testid="proof-badge" data-state="verified"
                title="Proven by this browser's light client against a verified block header">
                {format!("Verified at block {block}")}
            </span>
        }
        .into_any(),
        Verified::Unverified { reason, .. } => view! {
            <span class="badge badge-unverified" data-testid="proof-badge" data-state="unverified" title=reason.clone()>
                "Unverified"
            </span>
        }
        .into_any(),
        Verified::Rejected { reason } => view! {
            <span class="badge badge-rejected" data-testid="proof-badge" data-state="rejected" title=reason.clone()>
                "Proof failed"
            </span>
        }
        .into_any(),
    }
}

/// A balance with its badge; a rejected balance shows no number at all.
#[component]
pub fn BalanceView(verdict: Option<Verified<AccountState>>, #[prop(optional)] big: bool) -> impl IntoView {
    let Some(verdict) = verdict else {
        return view! { <span class="skeleton" style="width:6rem;display:inline-block">"\u{a0}"</span> }.into_any();
    };
    let value = verdict.value().map(|a| a.balance);
    let class = if big { "balance-value" } else { "account-balance" };
    view! {
        <span class=class data-testid="balance">
            {match value {
                Some(wei) => view! { <Amount wei=wei /> }.into_any(),
                None => view! { <span class="muted">"hidden"</span> }.into_any(),
            }}
        </span>
        " "
        <ProofBadge verdict=verdict />
    }
    .into_any()
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
                    <div>{m}</div>
                </div>
            }
        })
    }
}

/// A colour pair derived from the address, so accounts are recognisable at a glance.
pub fn avatar_style(address: &Address) -> String {
    let b = address.as_slice();
    let h1 = u16::from(b[0]) * 360 / 256;
    let h2 = u16::from(b[1]) * 360 / 256;
    format!("background: linear-gradient(135deg, hsl({h1} 70% 58%), hsl({h2} 70% 50%))")
}
