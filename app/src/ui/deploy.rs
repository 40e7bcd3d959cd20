//! Deploying the contracts a network lacks (a card on the Agents and Governance pages) and
//! network links (Settings: share the network's deployment, or join someone else's). The
//! work is `crate::deploy::service`'s; this module asks, shows progress and saves.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::addresses::{AddressOverrides, ContractRole};
use crate::chain::client::ChainClient;
use crate::deploy::link::NetworkLink;
use crate::deploy::plan::{GovernanceParams, Suite};
use crate::deploy::service::{self, Checked, Estimate};
use crate::format::{format_0g, parse_0g};
use crate::ui::components::{CopyButton, ErrorAlert, Spinner};
use crate::ui::state::{use_app, AppState};

/// Whether the connected network lacks what `suite` deploys.
fn lacks(app: AppState, suite: Suite) -> bool {
    app.chain.network().is_some_and(|n| match suite {
        Suite::Agents => n.contracts.agent_nft.is_none(),
        Suite::Governance => n.contracts.governor.is_none() || n.contracts.wrapped_zg.is_none(),
    })
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

fn checked_list(checked: Vec<Checked>) -> impl IntoView {
    view! {
        <ul class="stack-sm" data-testid="deploy-checked">
            {checked.into_iter().map(|c| view! {
                <li><strong>{c.what}</strong>" "<span class="mono">{c.address.to_checksum(None)}</span>": "{c.note}</li>
            }).collect_view()}
        </ul>
    }
}

/// Offers to deploy `suite` from the selected account on a network that lacks it; stays to
/// show the result of a deployment it made.
#[component]
pub fn DeployCard(suite: Suite) -> impl IntoView {
    let app = use_app();
    let voting_period = RwSignal::new(GovernanceParams::default().voting_period_blocks.to_string());
    let deposit = RwSignal::new("1".to_string());
    let estimate = RwSignal::new(None::<Estimate>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<(String, Vec<Checked>)>);

    let params = move || -> Result<GovernanceParams, String> {
        let mut p = GovernanceParams::default();
        if suite == Suite::Governance {
            p.voting_period_blocks =
                voting_period.get_untracked().trim().parse().map_err(|_| "Voting period: a whole number of blocks.")?;
            p.proposal_deposit = parse_0g(&deposit.get_untracked()).map_err(|e| format!("Proposal deposit: {e}."))?;
        }
        p.check().map_err(|e| format!("{}{}.", e.to_string()[..1].to_uppercase(), &e.to_string()[1..]))?;
        Ok(p)
    };
    let client = move || app.chain.client().ok_or_else(|| "Not connected to the chain yet.".to_string());
    let me =
        move || app.session.selected_account().map(|a| a.address).ok_or_else(|| "No account is selected.".to_string());

    let check_cost = move |_| {
        error.set(None);
        estimate.set(None);
        let (p, client, from) = match (params(), client(), me()) {
            (Ok(p), Ok(c), Ok(m)) => (p, c, m),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return error.set(Some(e)),
        };
        busy.set(Some("Simulating the deployment on proven state…".into()));
        spawn_local(async move {
            let result = async {
                let shipped = service::shipped().await?;
                service::estimate(&client, &shipped, suite, &p, from).await
            }
            .await;
            busy.set(None);
            match result {
                Ok(e) => estimate.set(Some(e)),
                Err(e) => error.set(Some(e.to_string())),
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
        busy.set(Some("Loading the contracts…".into()));
        spawn_local(async move {
            let result = async {
                let shipped = service::shipped().await?;
                service::deploy(&client, &key, &shipped, suite, &p, |step, steps, what| {
                    busy.set(Some(format!("Step {step} of {steps}: {what}…")));
                })
                .await
            }
            .await;
            busy.set(None);
            match result {
                Ok(deployment) => {
                    let overrides = deployment.overrides(suite);
                    save_and_reconnect(app, &network.id, &overrides);
                    app.toasts.success(&format!(
                        "Deployed {} from block {}; their code is proven to be the app's, and the addresses are saved for {}",
                        suite.label(),
                        deployment.first_block,
                        network.name
                    ));
                    done.set(Some((network.name.clone(), deployment.checked)));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    let (title, what) = match suite {
        Suite::Agents => (
            "Deploy the agent contracts",
            "This network has no agent NFT the app knows. You can deploy zg-console's own from your account: the handover verifier and the ERC-7857 agent NFT that names it (2 transactions).",
        ),
        Suite::Governance => (
            "Deploy the governance contracts",
            "This network has no governance contracts the app knows. You can deploy zg-console's own from your account: Wrapped 0G (voting power), a timelock, and the four-option governor with veto over them; then the timelock is handed to the governor and you give up your admin role (6 transactions).",
        ),
    };
    let shown = move || {
        app.chain.connection.track();
        done.with(Option::is_some) || busy.with(Option::is_some) || lacks(app, suite)
    };
    view! {
        <Show when=shown>
        <section class="card stack" aria-label=title data-testid="deploy-card">
            <h2 class="card-title">{title}</h2>
            <p class="muted">{what}" Each transaction is shown for your approval before it is signed. Every new contract's code is proven against the code this app shipped, and the addresses are saved for this network."</p>
            // Once deployed, the card only reports what was proven: nothing is left to ask.
            <Show when=move || done.with(Option::is_none)>
            {(suite == Suite::Governance).then(|| view! {
                <div class="grid-2">
                    <div class="field">
                        <label for="deploy-voting-period">"Voting period (blocks)"</label>
                        <input id="deploy-voting-period" inputmode="numeric" bind:value=voting_period />
                        <span class="hint">"0G makes a block about every 0.4 s: 150 blocks is a minute, 9,000 an hour."</span>
                    </div>
                    <div class="field">
                        <label for="deploy-deposit">"Proposal deposit"</label>
                        <div class="input-group">
                            <input id="deploy-deposit" inputmode="decimal" bind:value=deposit />
                            <span class="input-suffix">"0G"</span>
                        </div>
                    </div>
                </div>
            })}
            {move || estimate.get().map(|e| view! {
                <p data-testid="deploy-estimate">
                    {format!(
                        "{} transactions, about {} gas: about {} at today's fees, at most {}. Your balance: {}. ",
                        e.transactions, e.gas, format_0g(e.likely), format_0g(e.most), format_0g(e.balance)
                    )}
                    {if e.simulated == e.transactions {
                        "Every transaction was simulated on proven state.".to_string()
                    } else {
                        format!(
                            "{} of them were simulated on proven state; the rest need the earlier contracts to exist, so their gas is estimated from their size. Each is simulated before you sign it.",
                            e.simulated
                        )
                    }}
                    {(e.most > e.balance).then_some(" That is more than the account holds at worst; fund it first.")}
                </p>
            })}
            </Show>
            {move || busy.get().map(|l| view! { <p class="muted" role="status" data-testid="deploy-progress"><Spinner />" "{l}</p> })}
            <ErrorAlert message=error />
            {move || done.get().map(|(network, checked)| view! {
                <div class="alert alert-success" data-testid="deploy-done">
                    <p>{format!("Deployed and saved for {network}. Share it from Settings → Network link.")}</p>
                    {checked_list(checked)}
                </div>
            })}
            <Show when=move || done.with(Option::is_none)>
                <div class="row">
                    <span class="spacer"></span>
                    <button class="btn btn-secondary" disabled=move || busy.get().is_some() on:click=check_cost>"Check the cost"</button>
                    <button class="btn btn-primary" disabled=move || busy.get().is_some() || estimate.get().is_none() on:click=run>"Deploy"</button>
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
        let link = match NetworkLink::parse(&text.get_untracked()) {
            Ok(l) => l,
            Err(e) => return error.set(Some(format!("{e}."))),
        };
        let network = match link.network(&app.chain.networks.get_untracked()) {
            Ok(n) => n,
            Err(e) => return error.set(Some(format!("{e}."))),
        };
        busy.set(Some(format!("Connecting to {} and proving the code at every address…", network.name)));
        spawn_local(async move {
            let checked = async {
                // The network as this app would use it (a known network with the user's own
                // checkpoint), so the proofs rest on the same root as everything else.
                let mut probe = network.clone();
                if probe.checkpoint.is_none() {
                    probe.checkpoint = app.settings.with_untracked(|s| s.checkpoints.get(&probe.id).copied());
                }
                let client = ChainClient::connect(probe, None).await.map_err(|e| e.to_string())?;
                client.sync().await.map_err(|e| e.to_string())?;
                let shipped = service::shipped().await.map_err(|e| e.to_string())?;
                service::check_suite(&client, &shipped, &link.contracts).await.map_err(|e| e.to_string())
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
                            Err(e) => return error.set(Some(format!("The link's {e}."))),
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
                    app.toasts.success(&format!(
                        "Joined the deployment on {}: every contract's code is proven",
                        network.name
                    ));
                    joined.set(Some((network.name.clone(), checked)));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <form class="card stack" on:submit=join aria-label="Network link">
            <h2 class="card-title">"Network link"</h2>
            {move || match share.get() {
                Some(link) => view! {
                    <div class="field">
                        <label for="share-link">"Share this network and its agent and governance contracts"</label>
                        <input id="share-link" class="mono" readonly prop:value=link.clone() data-testid="share-link" />
                        <span class="hint">"Whoever opens it joins this network with these contracts; their app proves the code behind every address first."</span>
                    </div>
                    <div class="row"><span class="spacer"></span><CopyButton text=Signal::derive(move || link.clone()) label="Copy link" /></div>
                }.into_any(),
                None => view! { <p class="muted">"This network has no agent or governance contracts to share yet."</p> }.into_any(),
            }}
            <div class="field">
                <label for="join-link">"Open a network link"</label>
                <textarea id="join-link" class="mono" rows="3" placeholder="https://…#join?network=…" bind:value=text></textarea>
                <span class="hint">"The app connects, checks the chain id, and proves that every address holds the contract it ships before it saves anything. A custom network's checkpoint comes from the link: use links from people you trust."</span>
            </div>
            {move || busy.get().map(|l| view! { <p class="muted" role="status"><Spinner />" "{l}</p> })}
            <ErrorAlert message=error />
            {move || joined.get().map(|(network, checked)| view! {
                <div class="alert alert-success" data-testid="join-done">
                    <p>{format!("Now using {network} with these contracts:")}</p>
                    {checked_list(checked)}
                </div>
            })}
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>"Check and use"</button></div>
        </form>
    }
}
