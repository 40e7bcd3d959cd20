//! Deploying the contracts a network lacks (a card on the Agents and Governance pages) and
//! network links (Settings: share the network's deployment, or join someone else's). The
//! work is `crate::deploy::service`'s; this module asks, shows progress and saves.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::addresses::{AddressOverrides, ContractRole};
use crate::chain::client::ChainClient;
use crate::deploy::link::NetworkLink;
use crate::deploy::plan::{GovernanceParams, StepKind, Suite};
use crate::deploy::service::{self, Checked, Estimate};
use crate::format::{capitalise, format_0g, parse_0g};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::components::{CopyButton, ErrorAlert, Spinner};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{use_app, AppState};
use leptos_i18n::I18nContext;

/// Whether the connected network lacks what `suite` deploys.
fn lacks(app: AppState, suite: Suite) -> bool {
    app.chain.network().is_some_and(|n| match suite {
        Suite::Agents => n.contracts.agent_nft.is_none(),
        Suite::Governance => n.contracts.governor.is_none() || n.contracts.wrapped_zg.is_none(),
    })
}

/// What `suite` deploys, in the user's language (`Suite::label` is the English one).
fn suite_label(i18n: I18nContext<Locale>, suite: Suite) -> &'static str {
    match suite {
        Suite::Agents => t_string!(i18n, deploy.suite_agents),
        Suite::Governance => t_string!(i18n, deploy.suite_governance),
    }
}

/// Saves `overrides` for the network `id` over what was set before, and reconnects so every
/// page picks them up.
fn save_and_reconnect(app: AppState, id: &str, overrides: &AddressOverrides) {
    app.update_settings(|s| {
        let merged = s.addresses.remove(id).unwrap_or_default().merged(overrides);
        s.addresses.insert(id.to_string(), merged);
    });
    app.reconnect();
}

/// A contract or a deployment step, named by its English label, in the user's language; a
/// label no step has stays as it is.
fn step_words(what: &str, locale: Locale) -> String {
    StepKind::from_label(what).map_or_else(|| what.to_string(), |step| step.localized(locale))
}

fn checked_list(i18n: I18nContext<Locale>, checked: Vec<Checked>) -> impl IntoView {
    view! {
        <ul class="stack-sm" data-testid="deploy-checked">
            {checked.into_iter().map(|c| view! {
                <li><strong>{move || step_words(c.what, i18n.get_locale())}</strong>" "<span class="mono">{c.address.to_checksum(None)}</span>": "{move || c.note.localized(i18n.get_locale())}</li>
            }).collect_view()}
        </ul>
    }
}

/// Offers to deploy `suite` from the selected account on a network that lacks it; stays to
/// show the result of a deployment it made.
#[component]
pub fn DeployCard(suite: Suite) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let voting_period = RwSignal::new(GovernanceParams::default().voting_period_blocks.to_string());
    let deposit = RwSignal::new("1".to_string());
    let estimate = RwSignal::new(None::<Estimate>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<(String, Vec<Checked>)>);

    let params = move || -> Result<GovernanceParams, String> {
        let mut p = GovernanceParams::default();
        if suite == Suite::Governance {
            p.voting_period_blocks = voting_period
                .get_untracked()
                .trim()
                .parse()
                .map_err(|_| t_string!(i18n, deploy.voting_period_error))?;
            p.proposal_deposit = parse_0g(&deposit.get_untracked()).map_err(|e| {
                fill(t_string!(i18n, deploy.deposit_error), &[("error", &e.localized(i18n.get_locale_untracked()))])
            })?;
        }
        p.check().map_err(|e| format!("{}.", capitalise(&e.localized(i18n.get_locale_untracked()))))?;
        Ok(p)
    };
    let client = move || app.chain.client().ok_or_else(|| t_string!(i18n, deploy.not_connected).to_string());
    let me = move || {
        app.session.selected_account().map(|a| a.address).ok_or_else(|| t_string!(i18n, deploy.no_account).to_string())
    };

    let check_cost = move |_| {
        error.set(None);
        estimate.set(None);
        let (p, client, from) = match (params(), client(), me()) {
            (Ok(p), Ok(c), Ok(m)) => (p, c, m),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error.set(Some(e)),
        };
        busy.set(Some(t_string!(i18n, deploy.simulating).to_string()));
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = async {
                let shipped = service::shipped().await?;
                service::estimate(&client, &shipped, suite, &p, from).await
            }
            .await;
            busy.set(None);
            match result {
                Ok(e) => estimate.set(Some(e)),
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };

    let run = move |_| {
        error.set(None);
        let (p, client) = match (params(), client()) {
            (Ok(p), Ok(c)) => (p, c),
            (Err(e), _) | (_, Err(e)) => return error.set(Some(e)),
        };
        let key = match app.session.signing_key(app.session.selected.get_untracked()) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let network = client.network().clone();
        busy.set(Some(t_string!(i18n, deploy.loading).to_string()));
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = async {
                let shipped = service::shipped().await?;
                service::deploy(&client, &key, &shipped, suite, &p, |step, steps, what| {
                    busy.set(Some(fill(
                        t_string!(i18n, deploy.step),
                        &[("step", &step), ("steps", &steps), ("what", &step_words(what, locale))],
                    )));
                })
                .await
            }
            .await;
            busy.set(None);
            match result {
                Ok(deployment) => {
                    let overrides = deployment.overrides(suite);
                    save_and_reconnect(app, &network.id, &overrides);
                    app.toasts.success(&fill(
                        t_string!(i18n, deploy.deployed_toast),
                        &[
                            ("suite", &suite_label(i18n, suite)),
                            ("block", &deployment.first_block),
                            ("network", &network.name),
                        ],
                    ));
                    done.set(Some((network.name.clone(), deployment.checked)));
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };

    let title = move || match suite {
        Suite::Agents => t_string!(i18n, deploy.agents_title),
        Suite::Governance => t_string!(i18n, deploy.governance_title),
    };
    let what = move || match suite {
        Suite::Agents => t_string!(i18n, deploy.agents_what),
        Suite::Governance => t_string!(i18n, deploy.governance_what),
    };
    let shown = move || {
        app.chain.connection.track();
        done.with(Option::is_some) || busy.with(Option::is_some) || lacks(app, suite)
    };
    view! {
        <Show when=shown>
        <section class="card stack" aria-label=title data-testid="deploy-card">
            <h2 class="card-title">{title}</h2>
            <p class="muted">{what}" "{t!(i18n, deploy.approval_note)}</p>
            // Once deployed, the card only reports what was proven: nothing is left to ask.
            <Show when=move || done.with(Option::is_none)>
            {(suite == Suite::Governance).then(|| view! {
                <div class="grid-2">
                    <div class="field">
                        <label for="deploy-voting-period">{t!(i18n, deploy.voting_period)}</label>
                        <input id="deploy-voting-period" inputmode="numeric" bind:value=voting_period />
                        <span class="hint">{t!(i18n, deploy.voting_period_hint)}</span>
                    </div>
                    <div class="field">
                        <label for="deploy-deposit">{t!(i18n, deploy.proposal_deposit)}</label>
                        <div class="input-group">
                            <input id="deploy-deposit" inputmode="decimal" bind:value=deposit />
                            <span class="input-suffix">"0G"</span>
                        </div>
                    </div>
                </div>
            })}
            {move || estimate.get().map(|e| view! {
                <p data-testid="deploy-estimate">
                    {fill(
                        t_string!(i18n, deploy.estimate),
                        &[
                            ("transactions", &e.transactions),
                            ("gas", &e.gas),
                            ("likely", &format_0g(e.likely)),
                            ("most", &format_0g(e.most)),
                            ("balance", &format_0g(e.balance)),
                        ],
                    )}
                    " "
                    {if e.simulated == e.transactions {
                        t_string!(i18n, deploy.all_simulated).to_string()
                    } else {
                        fill(t_string!(i18n, deploy.some_simulated), &[("simulated", &e.simulated)])
                    }}
                    {(e.most > e.balance).then(|| format!(" {}", t_string!(i18n, deploy.over_balance)))}
                </p>
            })}
            </Show>
            {move || busy.get().map(|l| view! { <p class="muted" role="status" data-testid="deploy-progress"><Spinner />" "{l}</p> })}
            <ErrorAlert message=error />
            {move || done.get().map(|(network, checked)| view! {
                <div class="alert alert-success" data-testid="deploy-done">
                    <p>{fill(t_string!(i18n, deploy.deployed_saved), &[("network", &network)])}</p>
                    {checked_list(i18n, checked)}
                </div>
            })}
            <Show when=move || done.with(Option::is_none)>
                <div class="row">
                    <span class="spacer"></span>
                    <button class="btn btn-secondary" disabled=move || busy.get().is_some() on:click=check_cost>{t!(i18n, deploy.check_cost)}</button>
                    <button class="btn btn-primary" disabled=move || busy.get().is_some() || estimate.get().is_none() on:click=run>{t!(i18n, deploy.deploy)}</button>
                </div>
            </Show>
        </section>
        </Show>
    }
}

/// Settings: a link to this network's deployment, and joining one from a link.
#[component]
pub fn NetworkLinkCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    // Recomputed when the connection is (re)made, which is when the network or its
    // addresses can change; not at every new head.
    let share = Signal::derive(move || {
        app.chain.connection.track();
        let network = app.chain.network()?;
        let contracts: BTreeMap<ContractRole, alloy_primitives::Address> = crate::deploy::link::LINKABLE
            .into_iter()
            .filter_map(|role| role.address(&network).map(|a| (role, a)))
            .collect();
        if contracts.is_empty() && network.id != "custom" {
            return None;
        }
        let base = web_sys::window()?.location().href().ok()?;
        let base = base.split('#').next().unwrap_or_default().to_string();
        Some(format!("{base}#{}", NetworkLink::new(&network, contracts).to_fragment()))
    });
    let text = RwSignal::new(app.pending_link.get_untracked().unwrap_or_default());
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let joined = RwSignal::new(None::<(String, Vec<Checked>)>);

    let join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        joined.set(None);
        let locale = i18n.get_locale_untracked();
        let link = match NetworkLink::parse(&text.get_untracked()) {
            Ok(l) => l,
            Err(e) => return error.set(Some(format!("{}.", e.localized(locale)))),
        };
        let network = match link.network(&app.chain.networks.get_untracked()) {
            Ok(n) => n,
            Err(e) => return error.set(Some(format!("{}.", e.localized(locale)))),
        };
        busy.set(Some(fill(t_string!(i18n, deploy.connecting), &[("network", &network.name)])));
        spawn_local(async move {
            let checked = async {
                // The network as this app would use it (a known network with the user's own
                // checkpoint), so the proofs rest on the same root as everything else.
                let mut probe = network.clone();
                if probe.checkpoint.is_none() {
                    probe.checkpoint = app.settings.with_untracked(|s| s.checkpoints.get(&probe.id).copied());
                }
                let client = ChainClient::connect(probe, None).await.map_err(|e| e.localized(locale))?;
                client.sync().await.map_err(|e| e.localized(locale))?;
                let shipped = service::shipped().await.map_err(|e| e.localized(locale))?;
                service::check_suite(&client, &shipped, &link.contracts).await.map_err(|e| e.localized(locale))
            }
            .await;
            busy.set(None);
            match checked {
                Ok(checked) => {
                    let mut overrides = AddressOverrides::default();
                    for (role, address) in &link.contracts {
                        overrides.insert(*role, *address);
                    }
                    if let Some(block) = link.first_block {
                        overrides = overrides.created_at(block);
                    }
                    if let Some(url) = &link.indexer {
                        overrides = match overrides.with_indexer(url, &network) {
                            Ok(o) => o,
                            Err(e) => {
                                let e = e.localized(locale);
                                return error.set(Some(fill(t_string!(i18n, deploy.link_error), &[("error", &e)])));
                            }
                        };
                    }
                    app.update_settings(|s| {
                        if network.id == "custom" {
                            if s.custom
                                .as_ref()
                                .is_none_or(|c| c.rpc_url != network.rpc_url || c.chain_id != network.chain_id)
                            {
                                s.addresses.remove("custom");
                            }
                            s.custom = Some(network.clone());
                            match link.checkpoint {
                                Some(c) => s.checkpoints.insert("custom".into(), c),
                                None => s.checkpoints.remove("custom"),
                            };
                        }
                        s.network = network.id.clone();
                    });
                    app.pending_link.set(None);
                    save_and_reconnect(app, &network.id, &overrides);
                    app.toasts.success(&fill(t_string!(i18n, deploy.joined_toast), &[("network", &network.name)]));
                    joined.set(Some((network.name.clone(), checked)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <form class="card stack" on:submit=join aria-label=move || t_string!(i18n, deploy.network_link)>
            <h2 class="card-title">{t!(i18n, deploy.network_link)}</h2>
            {move || match share.get() {
                Some(link) => view! {
                    <div class="field">
                        <label for="share-link">{t!(i18n, deploy.share_label)}</label>
                        <input id="share-link" class="mono" readonly prop:value=link.clone() data-testid="share-link" />
                        <span class="hint">{t!(i18n, deploy.share_hint)}</span>
                    </div>
                    <div class="row"><span class="spacer"></span><CopyButton text=Signal::derive(move || link.clone()) label=t_string!(i18n, deploy.copy_link) /></div>
                }.into_any(),
                None => view! { <p class="muted">{t!(i18n, deploy.nothing_to_share)}</p> }.into_any(),
            }}
            <div class="field">
                <label for="join-link">{t!(i18n, deploy.open_link)}</label>
                <textarea id="join-link" class="mono" rows="3" placeholder="https://…#join?network=…" bind:value=text></textarea>
                <span class="hint">{t!(i18n, deploy.open_link_hint)}</span>
            </div>
            {move || busy.get().map(|l| view! { <p class="muted" role="status"><Spinner />" "{l}</p> })}
            <ErrorAlert message=error />
            {move || joined.get().map(|(network, checked)| view! {
                <div class="alert alert-success" data-testid="join-done">
                    <p>{fill(t_string!(i18n, deploy.now_using), &[("network", &network)])}</p>
                    {checked_list(i18n, checked)}
                </div>
            })}
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>{t!(i18n, deploy.check_and_use)}</button></div>
        </form>
    }
}
