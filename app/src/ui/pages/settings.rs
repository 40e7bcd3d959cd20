//! Settings: network and custom endpoint, the light client's checkpoint, auto-lock,
//! theme, and forgetting the wallet.

use alloy_primitives::B256;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::addresses::{AddressOverrides, ContractRole};
use crate::chain::fees::FeeLimits;
use crate::chain::networks::{consensus_config, custom_network, parse_endpoints, Checkpoint, TrustRoot};
use crate::format::{format_gwei, parse_gwei};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::components::ErrorAlert;
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{use_app, Phase};
use crate::wallet::vault_store;
use leptos_i18n::I18nContext;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="page-title">{t!(i18n, settings.title)}</h1>
        <div class="stack">
            <crate::ui::deploy::NetworkLinkCard />
            <CustomNetworkCard />
            <CheckpointCard />
            <ConsensusCard />
            <ContractAddressesCard />
            <FeeLimitsCard />
            <crate::ui::dapp::ConnectedSitesCard />
            <PreferencesCard />
            <DangerCard />
        </div>
    }
}

#[component]
fn CustomNetworkCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
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
                app.toasts.info(t_string!(i18n, settings.connecting_custom));
            }
            Err(e) => error.set(Some(e.localized(i18n.get_locale_untracked()))),
        }
    };
    view! {
        <form class="card stack" on:submit=save aria-label=move || t_string!(i18n, settings.custom_network)>
            <h2 class="card-title">{t!(i18n, settings.custom_network)}</h2>
            <p class="muted">{t!(i18n, settings.custom_intro)}</p>
            <div class="grid-2">
                <div class="field">
                    <label for="custom-rpc">{t!(i18n, settings.rpc_url)}</label>
                    <input id="custom-rpc" placeholder="https://…" bind:value=url />
                </div>
                <div class="field">
                    <label for="custom-chain">{t!(i18n, settings.chain_id)}</label>
                    <input id="custom-chain" inputmode="numeric" bind:value=chain_id />
                </div>
            </div>
            <div class="field">
                <label for="custom-witnesses">{t!(i18n, settings.witnesses)}</label>
                <textarea id="custom-witnesses" rows="2" placeholder=move || t_string!(i18n, settings.one_per_line) bind:value=witnesses></textarea>
                <span class="hint">{t!(i18n, settings.witnesses_hint)}</span>
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-primary">{t!(i18n, settings.use_network)}</button></div>
        </form>
    }
}

/// What the light client verifies from on the selected network, and the two ways to give
/// it a root of trust: a checkpoint, or endpoints enough to agree on a head.
#[component]
fn CheckpointCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
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
            return error.set(Some(t_string!(i18n, settings.connect_first).to_string()));
        };
        let n: u64 = match number.get_untracked().trim().parse() {
            Ok(n) => n,
            Err(_) => return error.set(Some(t_string!(i18n, settings.block_number_invalid).to_string())),
        };
        let h: B256 = match hash.get_untracked().trim().parse() {
            Ok(h) => h,
            Err(_) => return error.set(Some(t_string!(i18n, settings.block_hash_invalid).to_string())),
        };
        error.set(None);
        let id = network.id.clone();
        app.update_settings(|s| {
            s.checkpoints.insert(id, Checkpoint { number: n, hash: h });
        });
        app.reconnect();
        app.toasts.info(t_string!(i18n, settings.checkpoint_saved));
    };
    let save_endpoints = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(network) = app.chain.network() else {
            return endpoints_error.set(Some(t_string!(i18n, settings.connect_first).to_string()));
        };
        let urls = match parse_endpoints(&endpoints.get_untracked()) {
            Ok(urls) => urls,
            Err(e) => return endpoints_error.set(Some(e.localized(i18n.get_locale_untracked()))),
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
        app.toasts.info(t_string!(i18n, settings.endpoints_saved));
    };
    view! {
        <section class="card stack" aria-label=move || t_string!(i18n, settings.root_of_trust)>
            <h2 class="card-title">{t!(i18n, settings.root_of_trust)}</h2>
            <p data-testid="trust-root">{move || match app.chain.selected.get().map(|n| (n.name.clone(), n.trust_root())) {
                Some((name, TrustRoot::Checkpoint(c))) => {
                    fill(t_string!(i18n, settings.trust_checkpoint), &[("block", &c.number), ("name", &name)])
                }
                Some((name, TrustRoot::Agreement { quorum, endpoints })) => fill(
                    t_string!(i18n, settings.trust_agreement),
                    &[("quorum", &quorum), ("endpoints", &endpoints), ("name", &name)],
                ),
                Some((name, TrustRoot::Nothing)) => fill(t_string!(i18n, settings.trust_nothing), &[("name", &name)]),
                Some((name, TrustRoot::Consensus(pin))) => {
                    fill(t_string!(i18n, settings.trust_consensus), &[("height", &pin.height), ("name", &name)])
                }
                None => t_string!(i18n, settings.no_network).to_string(),
            }}</p>
            <form class="stack" on:submit=save aria-label=move || t_string!(i18n, settings.checkpoint)>
                <h3 class="card-subtitle">{t!(i18n, settings.checkpoint)}</h3>
                <p class="muted">{t!(i18n, settings.checkpoint_intro)}</p>
                <div class="grid-2">
                    <div class="field">
                        <label for="cp-number">{t!(i18n, settings.block_number)}</label>
                        <input id="cp-number" inputmode="numeric" bind:value=number />
                    </div>
                    <div class="field">
                        <label for="cp-hash">{t!(i18n, settings.block_hash)}</label>
                        <input id="cp-hash" class="mono" placeholder="0x…" bind:value=hash />
                    </div>
                </div>
                <ErrorAlert message=error />
                <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">{t!(i18n, settings.save_checkpoint)}</button></div>
            </form>
            <form class="stack" on:submit=save_endpoints aria-label=move || t_string!(i18n, settings.more_endpoints)>
                <h3 class="card-subtitle">{t!(i18n, settings.more_endpoints)}</h3>
                <div class="field">
                    <label for="extra-endpoints">{t!(i18n, settings.extra_endpoints)}</label>
                    <textarea id="extra-endpoints" rows="2" placeholder=move || t_string!(i18n, settings.one_per_line) bind:value=endpoints></textarea>
                    <span class="hint">{t!(i18n, settings.extra_endpoints_hint)}</span>
                </div>
                <ErrorAlert message=endpoints_error />
                <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">{t!(i18n, settings.save_endpoints)}</button></div>
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
    let i18n = use_i18n();
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
            return error.set(Some(t_string!(i18n, settings.connect_first).to_string()));
        };
        let config = match consensus_config(
            &url.get_untracked(),
            &chain_id.get_untracked(),
            &height.get_untracked(),
            &hash.get_untracked(),
        ) {
            Ok(config) => config,
            Err(e) => return error.set(Some(e.localized(i18n.get_locale_untracked()))),
        };
        error.set(None);
        app.update_settings(|s| {
            s.consensus.insert(network.id.clone(), config);
        });
        app.reconnect();
        app.toasts.info(t_string!(i18n, settings.consensus_verifying));
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
        <section class="card stack" aria-label=move || t_string!(i18n, settings.consensus_label)>
            <h2 class="card-title">{t!(i18n, settings.consensus_title)}" " <span class="badge badge-unverified">{t!(i18n, settings.experimental)}</span></h2>
            <p class="muted">{t!(i18n, settings.consensus_intro)}</p>
            <form class="stack" on:submit=save aria-label=move || t_string!(i18n, settings.consensus_form)>
                <div class="grid-2">
                    <div class="field">
                        <label for="cs-url">{t!(i18n, settings.consensus_rpc)}</label>
                        <input id="cs-url" placeholder="https://…:26657" bind:value=url />
                    </div>
                    <div class="field">
                        <label for="cs-chain">{t!(i18n, settings.consensus_chain_id)}</label>
                        <input id="cs-chain" bind:value=chain_id />
                    </div>
                    <div class="field">
                        <label for="cs-height">{t!(i18n, settings.pinned_height)}</label>
                        <input id="cs-height" inputmode="numeric" bind:value=height />
                    </div>
                    <div class="field">
                        <label for="cs-hash">{t!(i18n, settings.pinned_hash)}</label>
                        <input id="cs-hash" class="mono" bind:value=hash />
                    </div>
                </div>
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <Show when=in_use>
                        <button type="button" class="btn btn-ghost" on:click=stop>{t!(i18n, settings.stop_signatures)}</button>
                    </Show>
                    <button type="submit" class="btn btn-secondary">{t!(i18n, settings.verify_signatures)}</button>
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
    let i18n = use_i18n();
    let network = app.chain.network();
    let id = network.as_ref().map(|n| n.id.clone());
    let saved =
        id.as_ref().and_then(|id| app.settings.with_untracked(|s| s.addresses.get(id).cloned())).unwrap_or_default();
    // The network as shipped, without the user's addresses: what an empty field falls back to.
    let own = id.as_ref().and_then(|id| app.chain.networks.get_untracked().into_iter().find(|n| &n.id == id));
    let own = own.or_else(|| app.settings.with_untracked(|s| s.custom.clone()));
    // The network's own address, or None when it has none: the placeholder then says so.
    let fields: Vec<(ContractRole, RwSignal<String>, Option<String>)> = ContractRole::ALL
        .into_iter()
        .map(|role| {
            let typed = saved.get(role).map(|a| a.to_checksum(None)).unwrap_or_default();
            let fallback = own.as_ref().and_then(|n| role.address(n)).map(|address| address.to_checksum(None));
            (role, RwSignal::new(typed), fallback)
        })
        .collect();
    let indexer = RwSignal::new(saved.indexer().unwrap_or_default().to_string());
    let indexer_fallback = own.as_ref().and_then(|n| n.storage.as_ref()?.indexer.clone());
    let indexer_placeholder =
        move || indexer_fallback.clone().unwrap_or_else(|| t_string!(i18n, settings.not_set).to_string());
    let error = RwSignal::new(None::<String>);
    let form_fields = fields.clone();
    let shipped = own.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = app.chain.network().map(|n| n.id) else {
            return error.set(Some(t_string!(i18n, settings.connect_first).to_string()));
        };
        let texts: Vec<(ContractRole, String)> = form_fields.iter().map(|(r, t, _)| (*r, t.get_untracked())).collect();
        let Some(shipped) = shipped.clone() else {
            return error.set(Some(t_string!(i18n, settings.connect_first).to_string()));
        };
        let overrides = AddressOverrides::from_form(texts.iter().map(|(r, t)| (*r, t.as_str())))
            .and_then(|o| o.with_indexer(&indexer.get_untracked(), &shipped));
        let overrides = match overrides {
            Ok(o) => o,
            Err(e) => return error.set(Some(format!("{}.", e.localized(i18n.get_locale_untracked())))),
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
        app.toasts.info(t_string!(i18n, settings.addresses_saved));
    };
    let rows = fields
        .into_iter()
        .map(|(role, text, fallback)| {
            let input_id = format!("addr-{}", role.key());
            let placeholder =
                move || fallback.clone().unwrap_or_else(|| t_string!(i18n, settings.not_set).to_string());
            view! {
                <div class="field">
                    <label for=input_id.clone()>{move || role_label(i18n, role)}</label>
                    <input id=input_id class="mono" autocomplete="off" spellcheck="false" placeholder=placeholder bind:value=text />
                </div>
            }
        })
        .collect_view();
    view! {
        <form class="card stack" on:submit=save aria-label=move || t_string!(i18n, settings.contract_addresses)>
            <h2 class="card-title">{t!(i18n, settings.contract_addresses)}</h2>
            <p class="muted">{t!(i18n, settings.addresses_intro)}</p>
            <div class="grid-2">{rows}</div>
            <div class="field">
                <label for="addr-indexer">{t!(i18n, settings.indexer)}</label>
                <input id="addr-indexer" class="mono" autocomplete="off" spellcheck="false" placeholder=indexer_placeholder bind:value=indexer />
                <span class="hint">{t!(i18n, settings.indexer_hint)}</span>
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">{t!(i18n, settings.save_addresses)}</button></div>
        </form>
    }
}

/// The fee ceilings of the connected network: no node can make a transaction offer more;
/// raising them is a decision the user makes here, knowingly.
#[component]
fn FeeLimitsCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let gwei = |wei: u128| format_gwei(wei).trim_end_matches(" gwei").to_string();
    let current = app.chain.network().map(|n| n.fee_limits());
    let max_tip = RwSignal::new(current.map(|l| gwei(l.max_tip)).unwrap_or_default());
    let max_fee = RwSignal::new(current.map(|l| gwei(l.max_fee)).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(network) = app.chain.network() else {
            return error.set(Some(t_string!(i18n, settings.connect_first).to_string()));
        };
        let limits = match (parse_gwei(&max_tip.get_untracked()), parse_gwei(&max_fee.get_untracked())) {
            (Ok(max_tip), Ok(max_fee)) if max_tip <= max_fee => FeeLimits { max_tip, max_fee },
            (Ok(_), Ok(_)) => return error.set(Some(t_string!(i18n, settings.fee_limit_order).to_string())),
            (Err(e), _) => {
                let e = e.localized(i18n.get_locale_untracked());
                return error.set(Some(fill(t_string!(i18n, settings.priority_limit_error), &[("error", &e)])));
            }
            (_, Err(e)) => {
                let e = e.localized(i18n.get_locale_untracked());
                return error.set(Some(fill(t_string!(i18n, settings.max_limit_error), &[("error", &e)])));
            }
        };
        error.set(None);
        let id = network.id.clone();
        app.update_settings(|s| {
            s.fee_limits.insert(id, limits);
        });
        app.reconnect();
        app.toasts.info(&fill(
            t_string!(i18n, settings.fee_limits_saved),
            &[("tip", &format_gwei(limits.max_tip)), ("fee", &format_gwei(limits.max_fee))],
        ));
    };
    view! {
        <form class="card stack" on:submit=save aria-label=move || t_string!(i18n, settings.fee_limits)>
            <h2 class="card-title">{t!(i18n, settings.fee_limits)}</h2>
            <p class="muted">{t!(i18n, settings.fee_limits_intro)}</p>
            <div class="grid-2">
                <div class="field">
                    <label for="fee-max-tip">{t!(i18n, settings.highest_priority_fee)}</label>
                    <div class="input-group">
                        <input id="fee-max-tip" inputmode="decimal" bind:value=max_tip />
                        <span class="input-suffix">"gwei"</span>
                    </div>
                </div>
                <div class="field">
                    <label for="fee-max-fee">{t!(i18n, settings.highest_max_fee)}</label>
                    <div class="input-group">
                        <input id="fee-max-fee" inputmode="decimal" bind:value=max_fee />
                        <span class="input-suffix">"gwei"</span>
                    </div>
                </div>
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-secondary">{t!(i18n, settings.save_fee_limits)}</button></div>
        </form>
    }
}

#[component]
fn PreferencesCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let minutes = move || app.settings.with(|s| s.auto_lock_minutes.to_string());
    let theme = move || app.settings.with(|s| s.theme.clone());
    view! {
        <section class="card stack" aria-label=move || t_string!(i18n, settings.preferences)>
            <h2 class="card-title">{t!(i18n, settings.preferences)}</h2>
            <div class="grid-2">
                <div class="field">
                    <label for="auto-lock">{t!(i18n, settings.lock_after_idle)}</label>
                    <select id="auto-lock" prop:value=minutes on:change=move |ev| {
                        let m = event_target_value(&ev).parse().unwrap_or(5);
                        app.update_settings(|s| s.auto_lock_minutes = m);
                    }>
                        <option value="1">{t!(i18n, settings.minutes_1)}</option>
                        <option value="5">{t!(i18n, settings.minutes_5)}</option>
                        <option value="15">{t!(i18n, settings.minutes_15)}</option>
                        <option value="60">{t!(i18n, settings.hour_1)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for="theme">{t!(i18n, settings.theme)}</label>
                    <select id="theme" prop:value=theme on:change=move |ev| {
                        let t = event_target_value(&ev);
                        app.update_settings(|s| s.theme = t);
                    }>
                        <option value="system">{t!(i18n, settings.theme_system)}</option>
                        <option value="light">{t!(i18n, settings.theme_light)}</option>
                        <option value="dark">{t!(i18n, settings.theme_dark)}</option>
                    </select>
                </div>
            </div>
        </section>
    }
}

#[component]
fn DangerCard() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let forget = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if confirm.get_untracked().trim() != "forget" {
            return error.set(Some(t_string!(i18n, settings.forget_confirm_error).to_string()));
        }
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            match vault_store::clear().await {
                Ok(()) => {
                    app.lock(None);
                    app.phase.set(Phase::NoVault);
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <form class="card card-danger stack" on:submit=forget aria-label=move || t_string!(i18n, settings.forget_title)>
            <h2 class="card-title">{t!(i18n, settings.forget_title)}</h2>
            <p class="muted">{t!(i18n, settings.forget_intro)}</p>
            <div class="field">
                <label for="forget-confirm">{t!(i18n, settings.forget_confirm_label)}</label>
                <input id="forget-confirm" autocomplete="off" bind:value=confirm />
            </div>
            <ErrorAlert message=error />
            <div class="row"><span class="spacer"></span><button type="submit" class="btn btn-danger">{t!(i18n, settings.forget_wallet)}</button></div>
        </form>
    }
}

/// A contract's role in the user's language (the same words as `ContractRole::label` in English).
fn role_label(i18n: I18nContext<Locale>, role: ContractRole) -> &'static str {
    match role {
        ContractRole::Flow => t_string!(i18n, settings.role_flow),
        ContractRole::AgentNft => t_string!(i18n, settings.role_agent_nft),
        ContractRole::WrappedZg => t_string!(i18n, settings.role_wrapped_zg),
        ContractRole::Governor => t_string!(i18n, settings.role_governor),
        ContractRole::Timelock => t_string!(i18n, settings.role_timelock),
        ContractRole::Staking => t_string!(i18n, settings.role_staking),
        ContractRole::Ledger => t_string!(i18n, settings.role_ledger),
        ContractRole::InferenceServing => t_string!(i18n, settings.role_inference),
    }
}
