//! The wallet page: the selected account's proven balance, its ERC-20 tokens, every
//! account, the faucet (devnet), and account management (add, import, rename, export).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::Verified;
use zeroize::Zeroizing;

use super::onboarding::{KeySource, KeySourceFields};
use crate::chain::client::Trust;
use crate::chain::networks::TrustRoot;
use crate::format::{format_amount, parse_address, short_hash};
use crate::i18n::{t, t_string, td_string, use_i18n, Locale};
use crate::ui::components::{
    avatar_style, node_words_apart, offer_download, AddressView, BalanceView, ErrorAlert, ProofBadge, Spinner,
};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::{use_app, Connection, Page, Phase, Route};
use crate::wallet::accounts::{check_not_duplicate, key_hex};
use crate::wallet::kdf_worker;
use crate::wallet::keystore::KdfParams;
use crate::wallet::token_list::{self, Token, TokenList};
use crate::wallet::vault_format::{AccountSource, StoredAccount};
use alloy_primitives::{Address, U256};

#[component]
pub fn WalletPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let watching = move || app.phase.get() == Phase::Watching;
    view! {
        <h1 class="page-title">{t!(i18n, wallet.title)}</h1>
        <div class="stack">
            <BalanceCard />
            <TokensCard />
            <Show when=move || !watching()>
                <AccountsCard />
            </Show>
            <LightClientCard />
        </div>
    }
}

#[component]
fn BalanceCard() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let faucet_busy = RwSignal::new(false);
    let faucet = move |_| {
        let (Some(client), Some(account)) = (app.chain.client(), app.session.selected_account()) else { return };
        faucet_busy.set(true);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = async {
                let hash = client.request_faucet(account.address).await?;
                client.wait_for_inclusion(hash, 30).await
            }
            .await;
            match result {
                Ok(Verified::Proven { value, .. }) => {
                    app.toasts.success(&fill(td_string!(locale, wallet.faucet_verified), &[("block", &value.block)]))
                }
                Ok(Verified::Unverified { value, .. }) => {
                    app.toasts.info(&fill(td_string!(locale, wallet.faucet_unverified), &[("block", &value.block)]))
                }
                Ok(Verified::Rejected { reason }) => {
                    app.toasts.error(&fill(td_string!(locale, wallet.faucet_rejected), &[("reason", &reason)]))
                }
                Err(e) => app.toasts.error(&e.localized(locale)),
            }
            faucet_busy.set(false);
            app.chain.refresh_balances(app);
        });
    };
    let has_faucet = move || {
        app.chain.connection.get() == Connection::Connected
            && app.chain.network().is_some_and(|n| n.faucet_url.is_some())
    };
    view! {
        <section class="card balance-card" aria-label=move || t_string!(i18n, wallet.selected_account)>
            <div class="balance-head">
                {move || app.session.selected_account().map(|a| view! {
                    <span class="account-avatar" style=avatar_style(&a.address)></span>
                    <div class="balance-account">
                        <div class="account-name" data-testid="selected-name">{a.name.clone()}</div>
                        <AddressView address=a.address />
                    </div>
                })}
                <button class="btn btn-ghost btn-sm refresh-btn" on:click=move |_| app.chain.refresh_balances(app)
                    disabled=move || app.chain.refreshing.get()>
                    {move || if app.chain.refreshing.get() { t_string!(i18n, wallet.refreshing) } else { t_string!(i18n, wallet.refresh) }}
                </button>
            </div>
            {move || app.session.selected_account().map(|a| {
                let verdict = app.chain.balances.with(|b| b.get(&a.address).cloned());
                view! { <div class="balance-body" data-testid="selected-balance"><BalanceView verdict=verdict big=true /></div> }
            })}
            <div class="balance-actions">
                <Show when=move || app.phase.get() != Phase::Watching>
                    <button class="btn btn-primary" on:click=move |_| app.go(Route::page(Page::Send))>{t!(i18n, wallet.send)}</button>
                </Show>
                // A public network's faucet is someone else's page: a link, opened apart.
                {move || app.chain.network().and_then(|n| n.public_faucet).map(|url| view! {
                    <a class="btn btn-secondary" data-testid="public-faucet" href=url target="_blank" rel="noopener noreferrer">{t!(i18n, wallet.public_faucet)}</a>
                })}
                <Show when=has_faucet>
                    <button class="btn btn-secondary" on:click=faucet disabled=move || faucet_busy.get() aria-busy=move || faucet_busy.get().to_string()>
                        <Show when=move || faucet_busy.get()><Spinner /></Show>
                        {t!(i18n, wallet.faucet)}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// One token row: its balance proven at a block, or why it could not be.
#[derive(Clone)]
struct TokenRow {
    token: Token,
    balance: Result<(U256, u64), String>,
}

/// The account's ERC-20 tokens: added by contract address, each balance a call the light
/// client ran over proven state; the list sealed per network and account
/// (`wallet::token_list`). Hidden ones are listed apart, to show again.
#[component]
fn TokensCard() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let list = RwSignal::new(TokenList::default());
    let rows = RwSignal::new(None::<Vec<TokenRow>>);
    let address = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Reads every shown token's balance for the selected account.
    let read_balances = move |current: TokenList| {
        let (Some(client), Some(owner)) = (app.chain.client(), app.session.selected_address()) else { return };
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let mut out = Vec::new();
            for token in current.visible().cloned() {
                let balance = token_list::balance(&client, &token, owner).await.map_err(|e| e.localized(locale));
                out.push(TokenRow { token, balance });
            }
            rows.set(Some(out));
        });
    };
    // The list follows the account, the network and the connection. A watched address
    // has no vault (no sealer): its list is the watch's own, in memory.
    Effect::new(move |_| {
        let connected = app.chain.connection.get() == Connection::Connected;
        let (Some(owner), Some(network)) = (app.session.selected_address(), app.chain.network()) else {
            return;
        };
        if !connected {
            return;
        }
        let sealer = app.session.sealer();
        rows.set(None);
        spawn_local(async move {
            let loaded = match sealer {
                Some(sealer) => token_list::load(network.chain_id, owner, &sealer).await,
                None => {
                    app.watched_tokens.with_value(|m| m.get(&(network.chain_id, owner)).cloned()).unwrap_or_default()
                }
            };
            list.set(loaded.clone());
            read_balances(loaded);
        });
    });
    // Saves the list; balances are read again only when a token joins the shown ones
    // (`reread`), a hidden one just leaves the rows already proven.
    let store = move |next: TokenList, reread: bool| {
        let (Some(owner), Some(network)) = (app.session.selected_address(), app.chain.network()) else {
            return;
        };
        let sealer = app.session.sealer();
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let saved = match sealer {
                Some(sealer) => token_list::save(network.chain_id, owner, &next, &sealer).await,
                None => {
                    app.watched_tokens.update_value(|m| {
                        m.insert((network.chain_id, owner), next.clone());
                    });
                    Ok(())
                }
            };
            match saved {
                Ok(()) => {
                    list.set(next.clone());
                    if reread {
                        read_balances(next);
                    } else {
                        rows.update(|r| {
                            if let Some(r) = r {
                                r.retain(|row| next.visible().any(|t| t.address == row.token.address))
                            }
                        });
                    }
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    let add = move |_| {
        error.set(None);
        let locale = i18n.get_locale_untracked();
        let token_address = match parse_address(&address.get_untracked()) {
            Ok(a) => a,
            Err(e) => return error.set(Some(e.localized(locale))),
        };
        let Some(client) = app.chain.client() else { return };
        busy.set(true);
        spawn_local(async move {
            let described = token_list::describe(&client, token_address).await;
            busy.set(false);
            match described {
                Ok(token) => {
                    let mut next = list.get_untracked();
                    next.add(token);
                    address.set(String::new());
                    store(next, true);
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    let set_hidden = move |token: Address, hidden: bool| {
        let mut next = list.get_untracked();
        if next.set_hidden(token, hidden) {
            store(next, !hidden);
        }
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, wallet.tokens)>
            <h2 class="card-title">{t!(i18n, wallet.tokens)}</h2>
            <p class="muted">{t!(i18n, wallet.tokens_intro)}</p>
            {move || (app.phase.get() == Phase::Watching).then(|| view! { <p class="hint" data-testid="tokens-watching">{t!(i18n, wallet.tokens_watching)}</p> })}
            {move || match rows.get() {
                None => view! { <p class="muted"><Spinner />" "{t!(i18n, wallet.token_reading)}</p> }.into_any(),
                Some(rows) if rows.is_empty() => view! { <p class="muted" data-testid="no-tokens">{t!(i18n, wallet.tokens_none)}</p> }.into_any(),
                Some(rows) => rows.into_iter().map(|row| {
                    let token = row.token.clone();
                    let at = token.address;
                    view! {
                        <div class="row token-row" data-testid="token" data-token=at.to_string()>
                            <strong data-testid="token-symbol">{token.symbol.clone()}</strong>
                            <span class="muted">{token.name.clone()}</span>
                            <AddressView address=at />
                            <span class="spacer"></span>
                            {match row.balance {
                                Ok((amount, block)) => view! {
                                    <span class="amount" data-testid="token-balance">{format_amount(amount, token.decimals.into(), 6)}" "{token.symbol.clone()}</span>
                                    <ProofBadge verdict=Verified::Proven { value: (), block } compact=true />
                                }.into_any(),
                                // No value is shown that was not proven: the reason stands in its place.
                                Err(why) => view! { <span class="text-warn" data-testid="token-unverified">{node_words_apart(&why)}</span> }.into_any(),
                            }}
                            <button class="btn btn-ghost btn-sm" on:click=move |_| set_hidden(at, true)>{t!(i18n, wallet.token_hide)}</button>
                        </div>
                    }
                }).collect_view().into_any(),
            }}
            {move || {
                let hidden: Vec<Token> = list.with(|l| l.hidden().cloned().collect());
                (!hidden.is_empty()).then(|| view! {
                    <div class="row" data-testid="hidden-tokens">
                        <span class="muted">{t!(i18n, wallet.tokens_hidden)}</span>
                        {hidden.into_iter().map(|t| {
                            let at = t.address;
                            view! { <button class="btn btn-ghost btn-sm" on:click=move |_| set_hidden(at, false)>{format!("{} {}", t_string!(i18n, wallet.token_show), t.symbol)}</button> }
                        }).collect_view()}
                    </div>
                })
            }}
            <div class="row">
                <input class="grow" aria-label=move || t_string!(i18n, wallet.token_address_label) placeholder="0x…" bind:value=address />
                <button class="btn" on:click=add disabled=move || busy.get()>{t!(i18n, wallet.token_add)}</button>
            </div>
            <ErrorAlert message=error />
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Import,
    Rename,
    Export,
}

#[component]
fn AccountsCard() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let panel = RwSignal::new(Panel::None);
    let busy = RwSignal::new(false);
    let add = move |_| {
        busy.set(true);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = app
                .session
                .modify(locale, |s| {
                    let index = s.next_hd_index();
                    s.accounts.push(StoredAccount {
                        name: fill(t_string!(i18n, wallet.account_n), &[("n", &(s.accounts.len() + 1))]),
                        source: AccountSource::Hd { index },
                    });
                    Ok(s.accounts.len() - 1)
                })
                .await;
            match result {
                Ok(i) => {
                    app.session.selected.set(i);
                    app.chain.refresh_balances(app);
                }
                Err(e) => app.toasts.error(&e),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card">
            <div class="card-header">
                <h2 class="card-title">{t!(i18n, wallet.accounts)}</h2>
                <div class="toolbar">
                    <Show when=move || app.session.has_mnemonic.get()>
                        <button class="btn btn-secondary btn-sm" on:click=add disabled=move || busy.get()>{t!(i18n, wallet.add_account)}</button>
                    </Show>
                    <button class="btn btn-ghost btn-sm" aria-expanded=move || (panel.get() == Panel::Import).to_string()
                        on:click=move |_| panel.set(Panel::Import)>{t!(i18n, wallet.import)}</button>
                    <button class="btn btn-ghost btn-sm" aria-expanded=move || (panel.get() == Panel::Rename).to_string()
                        on:click=move |_| panel.set(Panel::Rename)>{t!(i18n, wallet.rename)}</button>
                    <button class="btn btn-ghost btn-sm" aria-expanded=move || (panel.get() == Panel::Export).to_string()
                        on:click=move |_| panel.set(Panel::Export)>{t!(i18n, wallet.export)}</button>
                </div>
            </div>
            // A list of rows, not a listbox: a row holds its own copy button, and an
            // option may not hold controls. The account's name is the control that selects
            // it; a click anywhere on the row does the same for the mouse.
            <ul class="account-list" aria-label=move || t_string!(i18n, wallet.accounts)>
                {move || app.session.accounts.get().into_iter().enumerate().map(|(i, a)| {
                    let verdict = app.chain.balances.with(|b| b.get(&a.address).cloned());
                    let selected = move || app.session.selected.get() == i;
                    view! {
                        <li class="account-row" class:selected=selected on:click=move |_| app.session.selected.set(i)>
                            <span class="account-avatar" style=avatar_style(&a.address)></span>
                            <div class="account-main">
                                <div class="account-id">
                                    <button type="button" class="account-name account-select"
                                        aria-pressed=move || selected().to_string()>{a.name.clone()}</button>
                                    <AddressView address=a.address />
                                </div>
                                <div class="account-origin">{a.origin.clone()}</div>
                            </div>
                            <div class="account-value"><BalanceView verdict=verdict /></div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || match panel.get() {
                Panel::None => ().into_any(),
                Panel::Import => view! { <ImportPanel panel=panel /> }.into_any(),
                Panel::Rename => view! { <RenamePanel panel=panel /> }.into_any(),
                Panel::Export => view! { <ExportPanel panel=panel /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ImportPanel(panel: RwSignal<Panel>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let source = KeySource::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let signing_key = match source.read(locale).await {
                Ok(k) => k,
                Err(e) => {
                    busy.set(false);
                    return error.set(Some(e));
                }
            };
            let result = app
                .session
                .modify(locale, move |s| {
                    check_not_duplicate(s, &signing_key).map_err(|e| e.localized(locale))?;
                    let n = s.accounts.iter().filter(|a| matches!(a.source, AccountSource::Imported { .. })).count();
                    s.accounts.push(StoredAccount {
                        name: fill(t_string!(i18n, wallet.imported_n), &[("n", &(n + 1))]),
                        source: AccountSource::Imported { key: key_hex(&signing_key) },
                    });
                    Ok(s.accounts.len() - 1)
                })
                .await;
            busy.set(false);
            match result {
                Ok(i) => {
                    source.clear();
                    app.session.selected.set(i);
                    app.toasts.success(t_string!(i18n, wallet.imported));
                    panel.set(Panel::None);
                    app.chain.refresh_balances(app);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card-footer stack" on:submit=submit aria-label=move || t_string!(i18n, wallet.import_title)>
            <h3 class="section-title">{t!(i18n, wallet.import_title)}</h3>
            <KeySourceFields source=source key_input_id="add-import-key" />
            <ErrorAlert message=error />
            <div class="row">
                <button type="button" class="btn btn-ghost" on:click=move |_| panel.set(Panel::None)>{t!(i18n, wallet.cancel)}</button>
                <span class="spacer"></span>
                <button type="submit" class="btn btn-primary" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                    <Show when=move || busy.get()><Spinner /></Show>{t!(i18n, wallet.import_account)}
                </button>
            </div>
        </form>
    }
}

#[component]
fn RenamePanel(panel: RwSignal<Panel>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let name = RwSignal::new(app.session.selected_account().map(|a| a.name).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new_name = name.get_untracked().trim().to_string();
        if new_name.is_empty() || new_name.chars().count() > 40 {
            return error.set(Some(t_string!(i18n, wallet.name_length).to_string()));
        }
        let index = app.session.selected.get_untracked();
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = app
                .session
                .modify(locale, move |s| {
                    s.accounts
                        .get_mut(index)
                        .ok_or_else(|| td_string!(locale, wallet.account_gone).to_string())?
                        .name = new_name;
                    Ok(())
                })
                .await;
            match result {
                Ok(()) => panel.set(Panel::None),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card-footer stack" on:submit=submit aria-label=move || t_string!(i18n, wallet.rename_label)>
            <h3 class="section-title">{t!(i18n, wallet.rename_title)}</h3>
            <div class="field">
                <label for="rename-account">{t!(i18n, wallet.account_name)}</label>
                <input id="rename-account" maxlength="40" bind:value=name />
            </div>
            <ErrorAlert message=error />
            <div class="row">
                <button type="button" class="btn btn-ghost" on:click=move |_| panel.set(Panel::None)>{t!(i18n, wallet.cancel)}</button>
                <span class="spacer"></span>
                <button type="submit" class="btn btn-primary">{t!(i18n, wallet.save_name)}</button>
            </div>
        </form>
    }
}

/// Exports the selected account's key as an encrypted key file. The wallet password is asked
/// again and confirmed by the vault first, as MetaMask does: an unlocked session left open is
/// not enough to take a key away. The three passwords are read from their inputs when the form
/// is sent (never held in signals), and the wallet password's input is emptied at once.
#[component]
fn ExportPanel(panel: RwSignal<Panel>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let wallet_password = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let confirm = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (Some(w), Some(p), Some(c)) =
            (wallet_password.get_untracked(), password.get_untracked(), confirm.get_untracked())
        else {
            return;
        };
        let vault_password = Zeroizing::new(w.value());
        w.set_value("");
        if vault_password.is_empty() {
            return error.set(Some(t_string!(i18n, wallet.export_needs_password).to_string()));
        }
        let file_password = Zeroizing::new(p.value());
        if let Err(e) = crate::wallet::vault_format::check_new_password(&file_password, &Zeroizing::new(c.value())) {
            let e = e.localized(i18n.get_locale_untracked());
            return error.set(Some(fill(t_string!(i18n, wallet.key_file_password_error), &[("error", &e)])));
        }
        let index = app.session.selected.get_untracked();
        let Some(account) = app.session.selected_account() else { return };
        error.set(None);
        busy.set(true);
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let confirmed = app.session.confirm_password(&vault_password, locale).await;
            drop(vault_password);
            let exported = match confirmed {
                // The key derivation runs in a worker; the key leaves the vault only after it.
                Ok(()) => {
                    kdf_worker::encrypt_v3(|| app.session.signing_key(index), &file_password, KdfParams::export())
                        .await
                        .and_then(|json| {
                            let name = format!("UTC--zg-console--{}.json", hex::encode(account.address));
                            offer_download(&name, &json)?;
                            Ok(name)
                        })
                }
                Err(e) => Err(e),
            };
            drop(file_password);
            busy.set(false);
            match exported {
                Ok(name) => {
                    p.set_value("");
                    c.set_value("");
                    app.toasts.success(&fill(t_string!(i18n, wallet.saved_file), &[("name", &name)]));
                    panel.set(Panel::None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card-footer stack" on:submit=submit aria-label=move || t_string!(i18n, wallet.export)>
            <h3 class="section-title">{t!(i18n, wallet.export_title)}</h3>
            <p class="muted">{t!(i18n, wallet.export_intro)}</p>
            <div class="field">
                <label for="export-wallet-password">{t!(i18n, wallet.wallet_password)}</label>
                <input id="export-wallet-password" type="password" autocomplete="current-password" node_ref=wallet_password />
                <span class="hint">{t!(i18n, wallet.wallet_password_hint)}</span>
            </div>
            <div class="grid-2">
                <div class="field">
                    <label for="export-password">{t!(i18n, wallet.key_file_password)}</label>
                    <input id="export-password" type="password" autocomplete="new-password" node_ref=password />
                </div>
                <div class="field">
                    <label for="export-confirm">{t!(i18n, wallet.confirm_password)}</label>
                    <input id="export-confirm" type="password" autocomplete="new-password" node_ref=confirm />
                </div>
            </div>
            <ErrorAlert message=error />
            <div class="row">
                <button type="button" class="btn btn-ghost" on:click=move |_| panel.set(Panel::None)>{t!(i18n, wallet.cancel)}</button>
                <span class="spacer"></span>
                <button type="submit" class="btn btn-primary" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                    <Show when=move || busy.get()><Spinner /></Show>
                    {move || if busy.get() { t_string!(i18n, wallet.checking_password) } else { t_string!(i18n, wallet.export_button) }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn LightClientCard() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    view! {
        <section class="card" aria-label=move || t_string!(i18n, wallet.light_client)>
            <div class="card-header"><h2 class="card-title">{t!(i18n, wallet.light_client)}</h2></div>
            <div class="card-body stack">
                <dl class="kv">
                    <dt>{t!(i18n, wallet.network)}</dt>
                    <dd data-testid="lc-network">{move || app.chain.selected.get().map(|n| format!("{} (chain {})", n.name, n.chain_id)).unwrap_or_else(|| "—".into())}</dd>
                    <dt>{t!(i18n, wallet.root_of_trust)}</dt>
                    <dd data-testid="lc-checkpoint">{move || match app.chain.selected.get().map(|n| n.trust_root()) {
                        Some(TrustRoot::Checkpoint(c)) => view! {
                            <span class="mono">{move || fill(t_string!(i18n, wallet.root_checkpoint), &[("block", &c.number), ("hash", &short_hash(&c.hash.to_string()))])}</span>
                        }.into_any(),
                        Some(TrustRoot::Agreement { quorum, endpoints }) => fill(
                            t_string!(i18n, wallet.root_agreement), &[("quorum", &quorum), ("endpoints", &endpoints)]
                        ).into_any(),
                        Some(TrustRoot::Consensus(pin)) => fill(
                            t_string!(i18n, wallet.root_consensus), &[("height", &pin.height)]
                        ).into_any(),
                        Some(TrustRoot::Nothing) => view! {
                            <span class="text-warn">{t!(i18n, wallet.root_nothing)}</span>
                        }.into_any(),
                        None => "—".into_any(),
                    }}</dd>
                    <dt>{t!(i18n, wallet.verified_head)}</dt>
                    <dd class="mono" data-testid="verified-head">{move || app.chain.tip.get().map(|(n, h)| fill(t_string!(i18n, wallet.head_at), &[("block", &n), ("hash", &short_hash(&h.to_string()))])).unwrap_or_else(|| t_string!(i18n, wallet.not_yet).to_string())}</dd>
                    <dt>{t!(i18n, wallet.rests_on)}</dt>
                    <dd data-testid="lc-trust">{move || app.chain.trust.get().map(|t| trust_words(i18n, t)).unwrap_or_else(|| t_string!(i18n, wallet.not_verified_yet).to_string())}</dd>
                    <dt>{t!(i18n, wallet.head_agreement)}</dt>
                    <dd data-testid="head-agreement">{move || match app.chain.selected.get() {
                        Some(n) if n.consensus.is_some() => t_string!(i18n, wallet.agreement_not_needed).into_any(),
                        Some(n) if n.witness_urls.is_empty() => view! {
                            <span class="text-warn">{t!(i18n, wallet.agreement_one_endpoint)}</span>
                        }.into_any(),
                        Some(n) => fill(
                            t_string!(i18n, wallet.agreement_quorum),
                            &[("quorum", &n.quorum()), ("endpoints", &(n.witness_urls.len() + 1))],
                        ).into_any(),
                        None => "—".into_any(),
                    }}</dd>
                </dl>
                {move || match app.chain.connection.get() {
                    Connection::Failed(e) => Some(view! { <ErrorAlert message=Signal::derive(move || Some(e.clone())) /> }),
                    _ => None,
                }}
            </div>
        </section>
    }
}

/// What the verified values rest on, in the user's words.
fn trust_words(i18n: leptos_i18n::I18nContext<Locale>, trust: Trust) -> String {
    match trust {
        Trust::YourCheckpoint => t_string!(i18n, wallet.trust_your_checkpoint).to_string(),
        Trust::EarlierHead => t_string!(i18n, wallet.trust_earlier_head).to_string(),
        Trust::Agreement { block, agree, asked } => {
            fill(t_string!(i18n, wallet.trust_agreement), &[("block", &block), ("agree", &agree), ("asked", &asked)])
        }
        Trust::Consensus { block, height } => {
            fill(t_string!(i18n, wallet.trust_consensus), &[("block", &block), ("height", &height)])
        }
    }
}
