//! What a transaction moves, shown before it is signed: the sender's 0G (with the most the
//! fee can be) and each token in or out, from its simulation on proven state
//! (`wallet::preview`). Used by the review dialog and the Send page.

use alloy_primitives::{I256, U256};
use leptos::prelude::*;

use crate::chain::activity::Asset;
use crate::format::{format_0g, short_address};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::lang::fill;
use crate::wallet::preview::BalanceChange;

/// A change as the page writes it: "−1.000021 0G", "+250 (0x12ab…cdef)", "+1 #7 (0x…)".
pub fn change_text(change: &BalanceChange) -> String {
    let sign = if change.delta.is_negative() { "−" } else { "+" };
    let size: U256 = change.delta.unsigned_abs();
    match change.asset {
        Asset::Native => format!("{sign}{}", format_0g(size)),
        // Decimals are the token's own claim, not proven here: the smallest unit is exact.
        Asset::Token(token) => format!("{sign}{size} ({})", short_address(&token)),
        Asset::Nft(token, id) => format!("{sign}1 #{id} ({})", short_address(&token)),
    }
}

/// The list under "Balance changes", or nothing when there is none to show.
#[component]
pub fn BalanceChanges(changes: Vec<BalanceChange>) -> impl IntoView {
    let i18n = use_i18n();
    let tokens = changes.iter().any(|c| !matches!(c.asset, Asset::Native));
    view! {
        <div class="stack balance-changes" data-testid="balance-changes">
            <h3 class="card-title">{t!(i18n, review.changes_title)}</h3>
            <ul class="change-list">
                {changes.into_iter().map(|c| {
                    let direction = if c.delta < I256::ZERO { "out" } else { "in" };
                    let note = c.includes_fee.then(|| view! { <span class="muted small">{t!(i18n, review.changes_fee)}</span> });
                    let what = match c.asset {
                        Asset::Native => t_string!(i18n, review.changes_native).to_string(),
                        Asset::Token(_) => t_string!(i18n, review.changes_token).to_string(),
                        Asset::Nft(..) => t_string!(i18n, review.changes_nft).to_string(),
                    };
                    view! {
                        <li class="change-row" data-direction=direction data-testid="balance-change">
                            <span>{what}</span>
                            <span class="spacer"></span>
                            <strong class="mono" data-testid="balance-change-amount">{change_text(&c)}</strong>
                            {note}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="hint">{move || {
                let base = t_string!(i18n, review.changes_basis);
                if tokens { fill(t_string!(i18n, review.changes_tokens_note), &[("basis", &base)]) } else { base.to_string() }
            }}</p>
        </div>
    }
}
