//! Settings: network and custom endpoint, the light client's checkpoint, auto-lock,
//! theme, and forgetting the wallet.

use alloy_primitives::B256;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::addresses::{AddressOverrides, ContractRole};
use crate::chain::fees::FeeLimits;
use crate::chain::networks::{consensus_config, custom_network, parse_endpoints, Checkpoint, TrustRoot};
use crate::format::{format_gwei, parse_gwei};
use crate::ui::components::ErrorAlert;
use crate::ui::state::{use_app, Phase};
use crate::wallet::vault_store;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <h1 class="page-title">"Settings"</h1>
        <div class="stack">
            <crate::ui::deploy::NetworkLinkCard />
            <CustomNetworkCard />
            <CheckpointCard />
            <ConsensusCard />
            <ContractAddressesCard />
            <FeeLimitsCard />
            <PreferencesCard />
            <DangerCard />
        </div>
    }
}

#[component]
fn CustomNetworkCard() -> impl IntoView {
    let app = use_app();
    let existing = app.settings.get_untracked().custom;
    let url = RwSignal::new(existing.as_ref().map(|n| n.rpc_url.clone()).unwrap_or_default());
    let witnesses = RwSignal::new(existing.as_ref().map(|n| n.witness_urls.join("\n")).unwrap_or_default());
    let chain_id = RwSignal::new(existing.as_ref().map(|n| n.chain_id.to_string()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match custom_network(&url.get_untracked(), &witnesses.get_untracked(), &chain_id.get_untracked(), None) {
            Ok(network) => {
                error.set(None);
                app.update_settings(|s| {
                    // A checkpoint belongs to the endpoint's chain: a new endpoint starts without one.
                    let same_endpoint = s
                        .custom
                        .as_ref()
                        .is_some_and(|c| c.rpc_url == network.rpc_url && c.chain_id == network.chain_id);
                    if !same_endpoint {
                        s.checkpoints.remove("custom");
                    }
                    s.custom = Some(network);
                    s.network = "custom".into();
                });
                app.reconnect();
                app.toasts.info("Connecting to the custom network…");
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <form class="card stack" on:submit=save aria-label="Custom network">
            <h2 class="card-title">"Custom network"</h2>
            <p class="muted">"Any EVM JSON-RPC endpoint. Its eth_chainId must equal the chain id you enter."</p>
            <div class="grid-2">
                <div class="field">
                    <label for="custom-rpc">"RPC URL"</label>
                    <input id="custom-rpc" placeholder="https://…" bind:value=url />
                </div>
                <div class="field">
                    <label for="custom-chain">"Chain id"</label>
                    <input id="custom-chain" inputmode="numeric" bind:value=chain_id />
                </div>
            </div>
            <div class="field">
                <label for="custom-witnesses">"Witness endpoints (optional)"</label>
                <textarea id="custom-witnesses" rows="2" placeholder="https://… one per line" bind:value=witnesses></textarea>
                <span class="hint">"Other operators' endpoints for the same chain. A new block is trusted only when most endpoints serve the same header; with one or more, the light client needs no checkpoint: it starts from a head most of them serve alike."</span>
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-primary">"Use this network"</button></div>
        </form>
    }
}

/// What the light client verifies from on the selected network, and the two ways to give
/// it a root of trust: a checkpoint, or endpoints enough to agree on a head.
#[component]
fn CheckpointCard() -> impl IntoView {
    let app = use_app();
    let number = RwSignal::new(String::new());
    let hash = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let id = app.chain.network().map(|n| n.id);
    let saved = id.as_ref().and_then(|id| app.settings.with_untracked(|s| s.witnesses.get(id).cloned()));
    let endpoints = RwSignal::new(saved.unwrap_or_default().join("\n"));
    let endpoints_error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(network) = app.chain.network() else {
            return error.set(Some("Connect to a network first.".into()));
        };
        let n: u64 = match number.get_untracked().trim().parse() {
            Ok(n) => n,
            Err(_) => return error.set(Some("Block number: a whole number.".into())),
        };
        let h: B256 = match hash.get_untracked().trim().parse() {
            Ok(h) => h,
            Err(_) => return error.set(Some("Block hash: 0x followed by 64 hexadecimal characters.".into())),
        };
        error.set(None);
        let id = network.id.clone();
        app.update_settings(|s| {
            s.checkpoints.insert(id, Checkpoint { number: n, hash: h });
        });
        app.reconnect();
        app.toasts.info("Checkpoint saved; verifying from it");
    };
    let save_endpoints = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(network) = app.chain.network() else {
            return endpoints_error.set(Some("Connect to a network first.".into()));
        };
        let urls = match parse_endpoints(&endpoints.get_untracked()) {
            Ok(urls) => urls,
            Err(e) => return endpoints_error.set(Some(e.to_string())),
        };
        endpoints_error.set(None);
        app.update_settings(|s| {
            if urls.is_empty() {
                s.witnesses.remove(&network.id);
            } else {
                s.witnesses.insert(network.id.clone(), urls);
            }
        });
        app.reconnect();
        app.toasts.info("Endpoints saved; a new head is now checked against them");
    };
    view! {
        <section class="card stack" aria-label="Root of trust">
            <h2 class="card-title">"Root of trust"</h2>
            <p data-testid="trust-root">{move || match app.chain.selected.get().map(|n| (n.name.clone(), n.trust_root())) {
                Some((name, TrustRoot::Checkpoint(c))) => format!("{name}: verified from the checkpoint at block {}.", c.number),
                Some((name, TrustRoot::Agreement { quorum, endpoints })) => format!(
                    "{name}: no checkpoint; verified from a head {quorum} of its {endpoints} independent endpoints serve alike."
                ),
                Some((name, TrustRoot::Nothing)) => format!(
                    "{name}: one endpoint and no checkpoint, so values are shown unverified. Set a checkpoint, or add an endpoint run by someone else."
                ),
                Some((name, TrustRoot::Consensus(pin))) => format!(
                    "{name}: verified from its validators' signatures, starting at consensus block {} (CometBFT light client, experimental).", pin.height
                ),
                None => "No network selected.".into(),
            }}</p>
            <form class="stack" on:submit=save aria-label="Checkpoint">
                <h3 class="card-subtitle">"Checkpoint"</h3>
                <p class="muted">
                    "The light client trusts one block hash and proves everything else from it. Take it from a source you trust (a block explorer you know, a friend's node). The devnet provides its own."
                </p>
                <div class="grid-2">
                    <div class="field">
                        <label for="cp-number">"Block number"</label>
                        <input id="cp-number" inputmode="numeric" bind:value=number />
                    </div>
                    <div class="field">
                        <label for="cp-hash">"Block hash"</label>
                        <input id="cp-hash" class="mono" placeholder="0x…" bind:value=hash />
                    </div>
                </div>
                <ErrorAlert message=error />
                <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">"Save checkpoint"</button></div>
            </form>
            <form class="stack" on:submit=save_endpoints aria-label="More endpoints">
                <h3 class="card-subtitle">"More endpoints"</h3>
                <div class="field">
                    <label for="extra-endpoints">"Endpoints of this network run by others (optional)"</label>
                    <textarea id="extra-endpoints" rows="2" placeholder="https://… one per line" bind:value=endpoints></textarea>
                    <span class="hint">"Added to the network's own. Most of all its endpoints must serve the same header before a head is accepted; with two or more, no checkpoint is needed."</span>
                </div>
                <ErrorAlert message=endpoints_error />
                <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">"Save endpoints"</button></div>
            </form>
        </section>
    }
}

/// Verifying the network's validators' signatures (CometBFT light blocks with BLS12-381
/// keys) instead of trusting a checkpoint or endpoints' agreement. Experimental: labelled
/// so, and off until the user turns it on with an endpoint and a block they trust.
#[component]
fn ConsensusCard() -> impl IntoView {
    let app = use_app();
    let network = app.chain.selected.get_untracked();
    let suggested = network.as_ref().and_then(|n| n.consensus.clone().or_else(|| n.consensus_offer.clone()));
    let field = |f: fn(&crate::chain::networks::ConsensusConfig) -> String| {
        RwSignal::new(suggested.as_ref().map(f).unwrap_or_default())
    };
    let url = field(|c| c.url.clone());
    let chain_id = field(|c| c.chain_id.clone());
    let height = field(|c| c.pin.height.to_string());
    let hash = field(|c| hex::encode_upper(c.pin.hash));
    let error = RwSignal::new(None::<String>);
    let in_use = move || app.chain.selected.get().is_some_and(|n| n.consensus.is_some());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(network) = app.chain.network() else {
            return error.set(Some("Connect to a network first.".into()));
        };
        let config = match consensus_config(
            &url.get_untracked(),
            &chain_id.get_untracked(),
            &height.get_untracked(),
            &hash.get_untracked(),
        ) {
            Ok(config) => config,
            Err(e) => return error.set(Some(e.to_string())),
        };
        error.set(None);
        app.update_settings(|s| {
            s.consensus.insert(network.id.clone(), config);
        });
        app.reconnect();
        app.toasts.info("Verifying from the validators' signatures");
    };
    let stop = move |_| {
        if let Some(network) = app.chain.network() {
            app.update_settings(|s| {
                s.consensus.remove(&network.id);
            });
            app.reconnect();
        }
    };
    view! {
        <section class="card stack" aria-label="Consensus light client">
            <h2 class="card-title">"Validators' signatures " <span class="badge badge-unverified">"experimental"</span></h2>
            <p class="muted">
                "Instead of a checkpoint or endpoints' agreement, check that the network's validators signed each head: the app follows 0G's consensus (CometBFT, BLS12-381 keys) from a block you pin, and takes the EVM block each finalised block carries. Experimental: built from CometBFT's and beacon-kit's source, not yet checked against 0G's own consensus endpoints, which 0G does not publish. Pin a block from a source you trust; a pin older than a week expires."
            </p>
            <form class="stack" on:submit=save aria-label="Consensus endpoint and pin">
                <div class="grid-2">
                    <div class="field">
                        <label for="cs-url">"Consensus RPC"</label>
                        <input id="cs-url" placeholder="https://…:26657" bind:value=url />
                    </div>
                    <div class="field">
                        <label for="cs-chain">"Consensus chain id"</label>
                        <input id="cs-chain" bind:value=chain_id />
                    </div>
                    <div class="field">
                        <label for="cs-height">"Pinned block height"</label>
                        <input id="cs-height" inputmode="numeric" bind:value=height />
                    </div>
                    <div class="field">
                        <label for="cs-hash">"Pinned block hash"</label>
                        <input id="cs-hash" class="mono" bind:value=hash />
                    </div>
                </div>
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <Show when=in_use>
                        <button type="button" class="btn btn-ghost" on:click=stop>"Stop using signatures"</button>
                    </Show>
                    <button type="submit" class="btn btn-secondary">"Verify with validators' signatures"</button>
                </div>
            </form>
        </section>
    }
}

/// The contracts the app uses on the connected network. A public network ships 0G's
/// published addresses; a custom one has none until they are set here. Saved per network;
/// an empty field keeps the network's own. Every address is checked for code before use.
#[component]
fn ContractAddressesCard() -> impl IntoView {
    let app = use_app();
    let network = app.chain.network();
    let id = network.as_ref().map(|n| n.id.clone());
    let saved =
        id.as_ref().and_then(|id| app.settings.with_untracked(|s| s.addresses.get(id).cloned())).unwrap_or_default();
    // The network as shipped, without the user's addresses: what an empty field falls back to.
    let own = id.as_ref().and_then(|id| app.chain.networks.get_untracked().into_iter().find(|n| &n.id == id));
    let own = own.or_else(|| app.settings.with_untracked(|s| s.custom.clone()));
    let fields: Vec<(ContractRole, RwSignal<String>, String)> = ContractRole::ALL
        .into_iter()
        .map(|role| {
            let typed = saved.get(role).map(|a| a.to_checksum(None)).unwrap_or_default();
            let fallback = match own.as_ref().and_then(|n| role.address(n)) {
                Some(address) => address.to_checksum(None),
                None => "not set on this network".to_string(),
            };
            (role, RwSignal::new(typed), fallback)
        })
        .collect();
    let indexer = RwSignal::new(saved.indexer().unwrap_or_default().to_string());
    let indexer_fallback = own
        .as_ref()
        .and_then(|n| n.storage.as_ref()?.indexer.clone())
        .unwrap_or_else(|| "not set on this network".to_string());
    let error = RwSignal::new(None::<String>);
    let form_fields = fields.clone();
    let shipped = own.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = app.chain.network().map(|n| n.id) else {
            return error.set(Some("Connect to a network first.".into()));
        };
        let texts: Vec<(ContractRole, String)> = form_fields.iter().map(|(r, t, _)| (*r, t.get_untracked())).collect();
        let Some(shipped) = shipped.clone() else {
            return error.set(Some("Connect to a network first.".into()));
        };
        let overrides = AddressOverrides::from_form(texts.iter().map(|(r, t)| (*r, t.as_str())))
            .and_then(|o| o.with_indexer(&indexer.get_untracked(), &shipped));
        let overrides = match overrides {
            Ok(o) => o,
            Err(e) => return error.set(Some(format!("{e}."))),
        };
        error.set(None);
        app.update_settings(|s| {
            if overrides.is_empty() {
                s.addresses.remove(&id);
            } else {
                s.addresses.insert(id, overrides);
            }
        });
        app.reconnect();
        app.toasts.info("Contract addresses saved; each is checked for code before it is used");
    };
    let rows = fields
        .into_iter()
        .map(|(role, text, fallback)| {
            let input_id = format!("addr-{}", role.key());
            view! {
                <div class="field">
                    <label for=input_id.clone()>{role.label()}</label>
                    <input id=input_id class="mono" autocomplete="off" spellcheck="false" placeholder=fallback bind:value=text />
                </div>
            }
        })
        .collect_view();
    view! {
        <form class="card stack" on:submit=save aria-label="Contract addresses">
            <h2 class="card-title">"Contract addresses"</h2>
            <p class="muted">
                "The contracts this network's pages use. Leave a field empty to keep the network's own (shown greyed). Before any read or transaction the app proves that code lives at the address, and says which one is missing when not."
            </p>
            <div class="grid-2">{rows}</div>
            <div class="field">
                <label for="addr-indexer">"0G Storage indexer"</label>
                <input id="addr-indexer" class="mono" autocomplete="off" spellcheck="false" placeholder=indexer_fallback bind:value=indexer />
                <span class="hint">"Where the app finds storage nodes and, when it cannot reach them, the gateway it uploads and downloads through."</span>
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">"Save addresses"</button></div>
        </form>
    }
}

/// The fee ceilings of the connected network: no node can make a transaction offer more;
/// raising them is a decision the user makes here, knowingly.
#[component]
fn FeeLimitsCard() -> impl IntoView {
    let app = use_app();
    let gwei = |wei: u128| format_gwei(wei).trim_end_matches(" gwei").to_string();
    let current = app.chain.network().map(|n| n.fee_limits());
    let max_tip = RwSignal::new(current.map(|l| gwei(l.max_tip)).unwrap_or_default());
    let max_fee = RwSignal::new(current.map(|l| gwei(l.max_fee)).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(network) = app.chain.network() else {
            return error.set(Some("Connect to a network first.".into()));
        };
        let limits = match (parse_gwei(&max_tip.get_untracked()), parse_gwei(&max_fee.get_untracked())) {
            (Ok(max_tip), Ok(max_fee)) if max_tip <= max_fee => FeeLimits { max_tip, max_fee },
            (Ok(_), Ok(_)) => {
                return error.set(Some("The priority fee limit cannot be above the max fee limit.".into()))
            }
            (Err(e), _) => return error.set(Some(format!("Priority fee limit: {e}."))),
            (_, Err(e)) => return error.set(Some(format!("Max fee limit: {e}."))),
        };
        error.set(None);
        let id = network.id.clone();
        app.update_settings(|s| {
            s.fee_limits.insert(id, limits);
        });
        app.reconnect();
        app.toasts.info(&format!(
            "Fee limits saved: at most {} priority fee and {} per gas",
            format_gwei(limits.max_tip),
            format_gwei(limits.max_fee)
        ));
    };
    view! {
        <form class="card stack" on:submit=save aria-label="Fee limits">
            <h2 class="card-title">"Fee limits"</h2>
            <p class="muted">
                "The most any transaction on this network may offer per gas. A node's fee suggestion above these is not followed, and a transaction that would need more is refused until you raise them here."
            </p>
            <div class="grid-2">
                <div class="field">
                    <label for="fee-max-tip">"Highest priority fee"</label>
                    <div class="input-group">
                        <input id="fee-max-tip" inputmode="decimal" bind:value=max_tip />
                        <span class="input-suffix">"gwei"</span>
                    </div>
                </div>
                <div class="field">
                    <label for="fee-max-fee">"Highest max fee"</label>
                    <div class="input-group">
                        <input id="fee-max-fee" inputmode="decimal" bind:value=max_fee />
                        <span class="input-suffix">"gwei"</span>
                    </div>
                </div>
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">"Save fee limits"</button></div>
        </form>
    }
}

#[component]
fn PreferencesCard() -> impl IntoView {
    let app = use_app();
    let minutes = move || app.settings.with(|s| s.auto_lock_minutes.to_string());
    let theme = move || app.settings.with(|s| s.theme.clone());
    view! {
        <section class="card stack" aria-label="Preferences">
            <h2 class="card-title">"Preferences"</h2>
            <div class="grid-2">
                <div class="field">
                    <label for="auto-lock">"Lock after idle"</label>
                    <select id="auto-lock" prop:value=minutes on:change=move |ev| {
                        let m = event_target_value(&ev).parse().unwrap_or(5);
                        app.update_settings(|s| s.auto_lock_minutes = m);
                    }>
                        <option value="1">"1 minute"</option>
                        <option value="5">"5 minutes"</option>
                        <option value="15">"15 minutes"</option>
                        <option value="60">"1 hour"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="theme">"Theme"</label>
                    <select id="theme" prop:value=theme on:change=move |ev| {
                        let t = event_target_value(&ev);
                        app.update_settings(|s| s.theme = t);
                    }>
                        <option value="system">"Follow the system"</option>
                        <option value="light">"Light"</option>
                        <option value="dark">"Dark"</option>
                    </select>
                </div>
            </div>
        </section>
    }
}

#[component]
fn DangerCard() -> impl IntoView {
    let app = use_app();
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let forget = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if confirm.get_untracked().trim() != "forget" {
            return error.set(Some("Type forget to confirm.".into()));
        }
        spawn_local(async move {
            match vault_store::clear().await {
                Ok(()) => {
                    app.lock(None);
                    app.phase.set(Phase::NoVault);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <form class="card card-danger stack" on:submit=forget aria-label="Forget this wallet">
            <h2 class="card-title">"Forget this wallet"</h2>
            <p class="muted">"Removes the encrypted wallet from this browser. Only your recovery phrase or exported key files can bring it back."</p>
            <div class="field">
                <label for="forget-confirm">"Type forget to confirm"</label>
                <input id="forget-confirm" autocomplete="off" bind:value=confirm />
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-danger">"Forget wallet"</button></div>
        </form>
    }
}
