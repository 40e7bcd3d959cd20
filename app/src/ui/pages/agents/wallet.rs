//! The agent's own wallet (ERC-6551 style account): its proven balance, and its address
//! kept hidden for an agent of foreign origin until the user acknowledges the risk.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::format::format_0g;
use crate::i18n::{t, t_string, use_i18n};
use crate::inft::provenance::Origin;
use crate::inft::service::OpenedAgent;
use crate::ui::components::{AddressView, BalanceView, ErrorAlert};
use crate::ui::lang::words_agents::{origin_acknowledgement, origin_note, origin_warning};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::use_app;

use super::{progress_view, Service};

/// The agent's own account: its proven balance, and moving it to the holder. For an agent
/// someone else made (or of unproven origin) its address — the only way to fund it — is
/// shown only after the user acknowledges that its maker may control what is sent there.
#[component]
pub(super) fn AgentWalletCard(service: Service, opened: OpenedAgent, origin: Origin) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let address = opened.agent_address();
    let acknowledged = RwSignal::new(!origin.needs_acknowledgement());
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // Read again on Refresh and after a sweep; a read overtaken by a newer one is dropped.
    let reads = RwSignal::new(0u64);
    let balance = LocalResource::new(move || {
        reads.track();
        let chain = app.chain.client();
        async move {
            let (chain, address) = (chain?, address?);
            let _ = chain.sync().await;
            Some(chain.account(address).await)
        }
    });
    let refresh = move || reads.update(|n| *n += 1);
    let opened = StoredValue::new(opened);
    let sweep = move |_| {
        error.set(None);
        let (Some(svc), Some(to)) = (service.get_value(), app.session.selected_address()) else { return };
        busy.set(Some(t_string!(i18n, agent_cards.wallet_sweeping).to_string()));
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = svc.sweep(&opened.get_value(), to).await;
            busy.set(None);
            match result {
                Ok((amount, included)) => {
                    app.toasts.success(&fill(
                        t_string!(i18n, agent_cards.wallet_swept),
                        &[("amount", &format_0g(amount)), ("block", &included.block)],
                    ));
                    refresh();
                    app.chain.refresh_balances(app);
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, agent_cards.wallet_label)>
            <h2 class="card-title">{t!(i18n, agent_cards.wallet_title)}</h2>
            <p class="muted">{t!(i18n, agent_cards.wallet_intro)}</p>
            {origin.needs_acknowledgement().then(|| view! {
                <div class="alert alert-warn" data-testid="fund-warning">{move || origin_warning(i18n.get_locale(), &origin)}</div>
                <label class="check">
                    <input type="checkbox" data-testid="fund-acknowledge" bind:checked=acknowledged />
                    {move || format!(" {}", origin_acknowledgement(i18n.get_locale(), &origin))}
                </label>
            })}
            {move || origin_note(i18n.get_locale(), &origin).map(|n| view! { <p class="hint" data-testid="agent-key-note">{n}</p> })}
            {address.map(|a| view! {
                <dl class="kv">
                    <dt>{t!(i18n, agent_cards.wallet_address)}</dt><dd data-testid="agent-address">{move || if acknowledged.get() {
                        view! { <AddressView address=a /> }.into_any()
                    } else {
                        view! { <span class="muted" data-testid="agent-address-hidden">{t!(i18n, agent_cards.wallet_hidden)}</span> }.into_any()
                    }}</dd>
                    <dt>{t!(i18n, agent_cards.wallet_balance)}</dt><dd data-testid="agent-balance">{move || view! { <BalanceView verdict=balance.get().flatten() /> }}</dd>
                </dl>
            })}
            {progress_view(busy)}
            <ErrorAlert message=error />
            <div class="row">
                <button class="btn btn-ghost btn-sm" on:click=move |_| refresh()>{t!(i18n, agent_cards.wallet_refresh)}</button>
                <span class="spacer"></span>
                <button class="btn" on:click=sweep disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.wallet_sweep)}</button>
            </div>
        </section>
    }
}
