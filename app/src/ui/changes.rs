//! What a transaction moves, shown before it is signed: the sender's 0G (with the most the
//! fee can be) and each token in or out, from its simulation on proven state
//! (`wallet::preview`). Used by the review dialog and the Send page.

use alloy_primitives::{Address, I256, U256};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::activity::Asset;
use crate::format::{format_0g, format_amount, short_address};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::lang::fill;
use crate::ui::state::use_app;
use crate::wallet::preview::BalanceChange;
use crate::wallet::token_list::{self, TokenList};

/// A change as the page writes it: "−1.000021 0G", "+2.5 W0G (0x12ab…cdef)" for a token in
/// the account's list, "+250 (0x12ab…cdef)" for any other, "+1 #7 (0x…)".
pub fn change_text(change: &BalanceChange, known: &TokenList) -> String {
    let sign = if change.delta.is_negative() { "−" } else { "+" };
    let size: U256 = change.delta.unsigned_abs();
    match change.asset {
        Asset::Native => format!("{sign}{}", format_0g(size)),
        // Symbol and decimals are the token's own claim, read and checked when the user
        // added it (`wallet::tokens`); a token nobody vouched for stays in its smallest
        // unit, which is exact. The address stays either way: symbols are not unique.
        Asset::Token(token) => match known.get(token) {
            Some(t) => format!(
                "{sign}{} {} ({})",
                format_amount(size, t.decimals.into(), t.decimals.into()),
                t.symbol,
                short_address(&token)
            ),
            None => format!("{sign}{size} ({})", short_address(&token)),
        },
        Asset::Nft(token, id) => format!("{sign}1 #{id} ({})", short_address(&token)),
    }
}

/// The list under "Balance changes", or nothing when there is none to show. `tokens_of`
/// (network and account) names whose token list writes the tokens' amounts.
#[component]
pub fn BalanceChanges(
    changes: Vec<BalanceChange>,
    #[prop(optional)] tokens_of: Option<(u64, Address)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let tokens = changes.iter().any(|c| !matches!(c.asset, Asset::Native));
    let known = RwSignal::new(TokenList::default());
    if let (true, Some((chain_id, account)), Some(sealer)) = (tokens, tokens_of, app.session.sealer()) {
        spawn_local(async move {
            let list = token_list::load(chain_id, account, &sealer).await;
            known.try_set(list);
        });
    }
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
                            <strong class="mono" data-testid="balance-change-amount">{move || known.with(|k| change_text(&c, k))}</strong>
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
