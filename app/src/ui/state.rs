//! The app's shared state, provided once through context: the wallet session, the
//! connected chain, settings, toasts and navigation.
//!
//! Secrets live only inside [`Session`]'s `vault` (a local, non-reactive store); the
//! reactive signals carry names, addresses and proven values, never keys.

use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;

use alloy_primitives::{Address, B256, U256};
use k256::ecdsa::SigningKey;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_light_client::{AccountState, Verified};

use super::settings::Settings;
use crate::chain::checkpoint_store;
use crate::chain::client::ChainClient;
use crate::chain::networks::{public_networks, DevnetConfig, Network, TrustRoot};
use crate::i18n::{td_string, Locale};
use crate::ui::lang::Localized;
use crate::wallet::accounts::{self, AccountInfo};
use crate::wallet::token_list::TokenList;
use crate::wallet::vault::{UnlockedVault, VaultError};
use crate::wallet::vault_format::VaultSecrets;

/// Connection attempts after the first when the endpoint does not answer (1 s, 2 s, 4 s apart).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Checking whether a vault exists.
    Loading,
    NoVault,
    Locked,
    Unlocked,
    /// Exploring without a wallet: one address watched read-only, nothing can sign.
    Watching,
}

impl Phase {
    /// Whether the app's pages are open (a wallet unlocked, or an address watched).
    pub fn in_app(self) -> bool {
        matches!(self, Phase::Unlocked | Phase::Watching)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Wallet,
    Activity,
    Send,
    Storage,
    Agents,
    Compute,
    Governance,
    Staking,
    Settings,
}

impl Page {
    pub const ALL: [Page; 9] = [
        Page::Wallet,
        Page::Activity,
        Page::Send,
        Page::Storage,
        Page::Agents,
        Page::Compute,
        Page::Governance,
        Page::Staking,
        Page::Settings,
    ];

    /// The page's address within the app, as a URL fragment: a link to it, and what the
    /// address bar shows while it is open (`ui::route`).
    pub fn fragment(self) -> &'static str {
        match self {
            Page::Wallet => "#/wallet",
            Page::Activity => "#/activity",
            Page::Send => "#/send",
            Page::Storage => "#/storage",
            Page::Agents => "#/agents",
            Page::Compute => "#/compute",
            Page::Governance => "#/governance",
            Page::Staking => "#/staking",
            Page::Settings => "#/settings",
        }
    }

    /// The page a URL fragment names (`#/storage`, a trailing `/` allowed), if any.
    pub fn from_fragment(fragment: &str) -> Option<Page> {
        let fragment = fragment.strip_suffix('/').filter(|f| f.len() > 2).unwrap_or(fragment);
        Self::ALL.into_iter().find(|page| page.fragment().eq_ignore_ascii_case(fragment))
    }
}

/// Where the app is: a page, and the one thing open on it where a page has such things:
/// an agent (its token) on the Agents page, a proposal (its id) on the Governance page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub page: Page,
    pub item: Option<U256>,
}

impl Route {
    pub fn page(page: Page) -> Route {
        Route { page, item: None }
    }

    fn has_items(page: Page) -> bool {
        matches!(page, Page::Agents | Page::Governance)
    }

    /// The address of this place: `#/storage`, `#/agents/12`, `#/governance/7`.
    pub fn fragment(&self) -> String {
        match self.item {
            Some(item) if Self::has_items(self.page) => format!("{}/{item}", self.page.fragment()),
            _ => self.page.fragment().to_string(),
        }
    }

    /// The place a URL fragment names, if any; an item by its number in decimal.
    pub fn from_fragment(fragment: &str) -> Option<Route> {
        if let Some(page) = Page::from_fragment(fragment) {
            return Some(Route::page(page));
        }
        let (head, item) = fragment.trim_end_matches('/').rsplit_once('/')?;
        let item = (!item.is_empty() && item.bytes().all(|b| b.is_ascii_digit())).then_some(item)?;
        let page = Page::from_fragment(head).filter(|page| Self::has_items(*page))?;
        Some(Route { page, item: Some(U256::from_str_radix(item, 10).ok()?) })
    }
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub phase: RwSignal<Phase>,
    pub page: RwSignal<Page>,
    /// The agent open on the Agents page, or the proposal on the Governance page (part of
    /// the address: `#/agents/12`, `#/governance/7`).
    pub item: RwSignal<Option<U256>>,
    pub session: Session,
    pub chain: ChainState,
    pub settings: RwSignal<Settings>,
    pub toasts: Toasts,
    /// Transactions waiting for the person's approval (`ui::review`).
    pub reviews: crate::ui::review::Reviews,
    /// Requests from a dapp that opened this window (`dapp_bridge`).
    pub dapp: crate::dapp_bridge::DappBridge,
    /// A network link the page was opened with (`#join?…`), offered in Settings once the
    /// wallet is unlocked; nothing is used before the user asks for it to be checked.
    pub pending_link: RwSignal<Option<String>>,
    /// The page the tab was opened at (a link such as `…/#/storage`), shown once the
    /// wallet is unlocked; a reload lands on the Wallet, as other wallets do.
    opened_at: StoredValue<Option<Route>>,
    /// A watched address's tokens (Wallet → Tokens), per network and address: in memory
    /// while watching only. There is no vault to seal them under, and a watch keeps
    /// nothing once it ends or the tab reloads.
    pub watched_tokens: StoredValue<HashMap<(u64, Address), TokenList>>,
}

/// The page's URL, if its fragment is a network link.
fn opened_with_link() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    href.contains("#join?").then_some(href)
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

impl AppState {
    pub fn new() -> Self {
        let settings = Settings::load();
        settings.apply_theme();
        Self {
            phase: RwSignal::new(Phase::Loading),
            page: RwSignal::new(Page::Wallet),
            item: RwSignal::new(None),
            session: Session::new(),
            chain: ChainState::new(),
            settings: RwSignal::new(settings),
            toasts: Toasts::new(),
            reviews: crate::ui::review::Reviews::new(),
            dapp: crate::dapp_bridge::DappBridge::new(),
            pending_link: RwSignal::new(opened_with_link()),
            opened_at: StoredValue::new(crate::ui::route::opened_at()),
            watched_tokens: StoredValue::new(HashMap::new()),
        }
    }

    pub fn unlocked(&self, vault: UnlockedVault) {
        self.session.open(vault);
        self.phase.set(Phase::Unlocked);
        let route = self.opened_at.try_update_value(Option::take).flatten();
        self.go(route.unwrap_or(Route::page(Page::Wallet)));
        self.chain.resume_stored_head(*self);
        self.chain.refresh_balances(*self);
    }

    /// Opens the app read-only on `address`, without a wallet: its proven balance and
    /// activity, the network's proposals and validators. Nothing can be signed.
    pub fn watch(&self, address: Address) {
        self.session.watch(address);
        self.phase.set(Phase::Watching);
        self.go(Route::page(Page::Wallet));
        self.chain.refresh_balances(*self);
    }

    /// Leaves watching for the first screen (create, restore or import a wallet).
    pub fn stop_watching(&self) {
        self.reviews.decline_all();
        self.session.close();
        self.chain.balances.set(HashMap::new());
        self.watched_tokens.set_value(HashMap::new());
        self.phase.set(Phase::NoVault);
    }

    /// Shows `route`: its page, and the agent or proposal it names.
    /// The main navigation's way to a page: it is shown afresh, its root view with its
    /// lists read again and its forms empty, even when it is the page already open (as
    /// other apps' tabs do). Setting `page` notifies even when the value is the same, and
    /// the shell mounts the page again.
    pub fn open_page(&self, page: Page) {
        self.item.set(None);
        self.page.set(page);
    }

    pub fn go(&self, route: Route) {
        // Only what changes is set: a signal set to its own value still notifies, and the
        // shell would mount the page afresh (its lists emptied and read again).
        if self.item.get_untracked() != route.item {
            self.item.set(route.item);
        }
        if self.page.get_untracked() != route.page {
            self.page.set(route.page);
        }
    }

    pub fn lock(&self, why: Option<&str>) {
        self.reviews.decline_all();
        self.dapp.decline();
        if let Some(client) = self.chain.client() {
            client.set_head_sealer(None);
        }
        self.session.close();
        self.phase.set(Phase::Locked);
        self.chain.balances.set(HashMap::new());
        if let Some(why) = why {
            self.toasts.info(why);
        }
    }

    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        self.settings.update(|s| {
            f(s);
            s.save();
            s.apply_theme();
        });
    }

    /// The language the user reads, from anywhere (a task included): see `lang::current`.
    pub fn locale(&self) -> Locale {
        crate::ui::lang::current()
    }

    /// Connects (again) to the network the settings name, with what they set for it.
    pub fn reconnect(&self) {
        if let Some(network) = self.chain.resolve(&self.settings.get_untracked()) {
            self.chain.connect(*self, network);
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}

/// The unlocked wallet. `vault` holds the decrypted secrets and is emptied on lock.
#[derive(Clone, Copy)]
pub struct Session {
    vault: StoredValue<Option<UnlockedVault>, LocalStorage>,
    /// Bumped on every lock, so a change that was in flight when the wallet locked is
    /// not adopted into a vault that no longer exists.
    epoch: StoredValue<u64>,
    pub accounts: RwSignal<Vec<AccountInfo>>,
    pub selected: RwSignal<usize>,
    pub has_mnemonic: RwSignal<bool>,
    pub last_activity: StoredValue<f64>,
    /// The accounts are watched addresses, with no key behind them.
    watch_only: StoredValue<bool>,
}

impl Session {
    fn new() -> Self {
        Self {
            vault: StoredValue::new_local(None),
            epoch: StoredValue::new(0),
            accounts: RwSignal::new(vec![]),
            selected: RwSignal::new(0),
            has_mnemonic: RwSignal::new(false),
            last_activity: StoredValue::new(js_sys::Date::now()),
            watch_only: StoredValue::new(false),
        }
    }

    fn open(&self, vault: UnlockedVault) {
        self.publish(vault.secrets());
        self.vault.set_value(Some(vault));
        self.selected.set(0);
        self.touch();
    }

    fn watch(&self, address: Address) {
        self.close();
        let name = td_string!(crate::ui::lang::current(), watch.account_name).to_string();
        self.has_mnemonic.set(false);
        self.accounts.set(vec![AccountInfo { name, address, origin: String::new() }]);
        self.selected.set(0);
        self.watch_only.set_value(true);
    }

    fn close(&self) {
        // Dropping the vault zeroizes its secrets.
        self.vault.set_value(None);
        self.epoch.update_value(|e| *e += 1);
        self.accounts.set(vec![]);
        self.watch_only.set_value(false);
    }

    fn publish(&self, secrets: &VaultSecrets) {
        self.has_mnemonic.set(secrets.mnemonic.is_some());
        // A vault we wrote always lists cleanly; if not, show no accounts rather than panic.
        self.accounts.set(accounts::list(secrets).unwrap_or_default());
    }

    pub fn touch(&self) {
        self.last_activity.set_value(js_sys::Date::now());
    }

    /// What seals records under the vault's key, while unlocked.
    pub fn sealer(&self) -> Option<crate::wallet::vault::Sealer> {
        self.vault.with_value(|v| v.as_ref().map(|v| v.sealer()))
    }

    pub fn selected_account(&self) -> Option<AccountInfo> {
        self.accounts.with(|a| a.get(self.selected.get()).cloned())
    }

    /// The selected account's address (tracked: a reactive read follows the selection).
    pub fn selected_address(&self) -> Option<Address> {
        self.selected_account().map(|a| a.address)
    }

    /// The signing key of account `index`, for one signature. Dropped (zeroized) by the caller.
    pub fn signing_key(&self, index: usize) -> Result<SigningKey, String> {
        let locale = crate::ui::lang::current();
        self.vault.with_value(|v| match v {
            Some(v) => accounts::signing_key(v.secrets(), index).map_err(|e| e.localized(locale)),
            None if self.watch_only.get_value() => Err(td_string!(locale, watch.cannot_sign).to_string()),
            None => Err(locked(locale)),
        })
    }

    /// Asks the vault whether `password` is its own: the gate before a key leaves the vault,
    /// so an unlocked session left unattended is not enough to export one. The password is
    /// only used to derive a key once; a wrong one changes nothing and the session stays open.
    pub async fn confirm_password(&self, password: &str, locale: Locale) -> Result<(), String> {
        let epoch = self.epoch.get_value();
        let sealer = self.vault.with_value(|v| v.as_ref().map(UnlockedVault::sealer)).ok_or_else(|| locked(locale))?;
        sealer.confirm_password(password).await.map_err(|e| e.localized(locale))?;
        if self.epoch.get_value() != epoch {
            return Err(td_string!(locale, vault_error.locked_while_checking).to_string());
        }
        Ok(())
    }

    /// Changes the vault: `change` runs on a copy, the copy is encrypted and stored, and
    /// only then replaces the open vault. A failure leaves both as they were; one in storing
    /// it is said in `locale`.
    pub async fn modify<R>(
        &self,
        locale: Locale,
        change: impl FnOnce(&mut VaultSecrets) -> Result<R, String>,
    ) -> Result<R, String> {
        let epoch = self.epoch.get_value();
        let prepared = self.vault.with_value(|v| {
            v.as_ref().map(|v| {
                let mut next = v.secrets().clone();
                change(&mut next).map(|out| (v.sealer(), next, out))
            })
        });
        let (sealer, next, out) = prepared.ok_or_else(|| locked(locale))??;
        sealer.seal(&next).await.map_err(|e: VaultError| e.localized(locale))?;
        if self.epoch.get_value() != epoch {
            return Err(td_string!(locale, vault_error.locked_before_saving).to_string());
        }
        self.publish(&next);
        self.vault.update_value(|v| {
            if let Some(v) = v {
                v.adopt(next)
            }
        });
        Ok(out)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    Connecting,
    Connected,
    Failed(String),
}

/// Tickets for connections that can overlap (the network switched while the last one
/// was still connecting): only the newest may publish, so a late one cannot put the old
/// network back. A connection is something the user starts, not a read the page derives,
/// so it is not a `LocalResource` (pages read through `ui::account_read::AccountRead`).
#[derive(Clone, Copy)]
struct Latest(StoredValue<u64>);

impl Latest {
    fn new() -> Self {
        Self(StoredValue::new(0))
    }

    /// Starts a load; every earlier ticket stops being current.
    fn ticket(&self) -> u64 {
        let next = self.0.get_value() + 1;
        self.0.set_value(next);
        next
    }

    fn is_current(&self, ticket: u64) -> bool {
        self.0.get_value() == ticket
    }

    /// Runs `load` under a fresh ticket and hands its result to `publish` only if no
    /// newer load started meanwhile.
    fn load<T: 'static>(self, load: impl Future<Output = T> + 'static, publish: impl FnOnce(T) + 'static) {
        let ticket = self.ticket();
        spawn_local(async move {
            let result = load.await;
            if self.is_current(ticket) {
                publish(result);
            }
        });
    }
}

impl Default for Latest {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, Copy)]
pub struct ChainState {
    pub networks: RwSignal<Vec<Network>>,
    pub devnet_error: RwSignal<Option<String>>,
    client: StoredValue<Option<Rc<ChainClient>>, LocalStorage>,
    /// The network last chosen, from the moment it is chosen (connecting, connected or
    /// failed): what every card describing "this network" shows.
    pub selected: RwSignal<Option<Network>>,
    pub connection: RwSignal<Connection>,
    /// The newest verified block (number, hash).
    pub tip: RwSignal<Option<(u64, B256)>>,
    /// What the verified head rests on, in words (`ChainClient::trust`).
    pub trust: RwSignal<Option<crate::chain::client::Trust>>,
    pub balances: RwSignal<HashMap<Address, Verified<AccountState>>>,
    pub refreshing: RwSignal<bool>,
    /// So a slow connection to a network the user has since left cannot replace the newer one.
    connecting: Latest,
}

impl ChainState {
    fn new() -> Self {
        Self {
            networks: RwSignal::new(public_networks()),
            devnet_error: RwSignal::new(None),
            client: StoredValue::new_local(None),
            selected: RwSignal::new(None),
            connection: RwSignal::new(Connection::Connecting),
            tip: RwSignal::new(None),
            trust: RwSignal::new(None),
            balances: RwSignal::new(HashMap::new()),
            refreshing: RwSignal::new(false),
            connecting: Latest::new(),
        }
    }

    pub fn client(&self) -> Option<Rc<ChainClient>> {
        self.client.get_value()
    }

    pub fn network(&self) -> Option<Network> {
        self.client().map(|c| c.network().clone())
    }

    /// Loads the devnet's description from beside the app (zg-devnet serves it).
    pub async fn load_devnet(&self) {
        let loaded = async {
            let response = gloo::net::http::Request::get("devnet.json").send().await.map_err(|e| e.to_string())?;
            if !response.ok() {
                return Err(format!("HTTP {}", response.status()));
            }
            response.json::<DevnetConfig>().await.map_err(|e| e.to_string())
        }
        .await;
        match loaded {
            Ok(cfg) => {
                self.devnet_error.set(None);
                self.networks.update(|n| n.insert(0, cfg.network()))
            }
            Err(e) => self.devnet_error.set(Some(crate::ui::lang::fill(
                td_string!(crate::ui::lang::current(), shell.no_devnet),
                &[("error", &e)],
            ))),
        }
    }

    /// The network the settings name, with a user checkpoint applied where one is set.
    pub fn resolve(&self, settings: &Settings) -> Option<Network> {
        let mut all = self.networks.get_untracked();
        if let Some(custom) = &settings.custom {
            all.push(custom.clone());
        }
        let mut network = all.iter().find(|n| n.id == settings.network).or_else(|| all.first())?.clone();
        if network.checkpoint.is_none() {
            network.checkpoint = settings.checkpoints.get(&network.id).copied();
        }
        if let Some(extra) = settings.witnesses.get(&network.id) {
            network.add_witnesses(extra);
        }
        if let Some(limits) = settings.fee_limits.get(&network.id) {
            network.fee_limits = Some(*limits);
        }
        if let Some(addresses) = settings.addresses.get(&network.id) {
            addresses.apply(&mut network);
        }
        network.consensus = settings.consensus.get(&network.id).cloned();
        Some(network)
    }

    /// Connects to `network` (checking its chain id) and starts verifying from its checkpoint.
    pub fn connect(&self, app: AppState, network: Network) {
        let this = *self;
        this.selected.set(Some(network.clone()));
        this.connection.set(Connection::Connecting);
        this.client.set_value(None);
        this.tip.set(None);
        this.trust.set(None);
        this.balances.set(HashMap::new());
        let connect = async move {
            // A head from an earlier session is trusted only if it opens under the vault key.
            let sealer = app.session.sealer();
            let stored = match &sealer {
                Some(sealer) => checkpoint_store::load(&network.id, sealer).await,
                None => None,
            };
            ChainClient::connect_retrying(network, stored, &crate::platform::BrowserClock).await
        };
        this.connecting.load(connect, move |connected| match connected {
            Ok(client) => {
                client.set_reviewer(app.reviews.reviewer());
                client.set_head_sealer(app.session.sealer());
                this.client.set_value(Some(Rc::new(client)));
                this.connection.set(Connection::Connected);
                this.refresh_balances(app);
            }
            Err(e) => this.connection.set(Connection::Failed(e.localized(app.locale()))),
        });
    }

    /// After unlock: heads are sealed from now on, and a head sealed in an earlier
    /// session that is ahead of what was verified while locked is resumed from.
    fn resume_stored_head(&self, app: AppState) {
        let this = *self;
        let (Some(client), Some(sealer)) = (this.client(), app.session.sealer()) else { return };
        client.set_head_sealer(Some(sealer.clone()));
        spawn_local(async move {
            let network = client.network().clone();
            let Some(stored) = checkpoint_store::load(&network.id, &sealer).await else { return };
            let verified = client.tip().map_or(0, |t| t.number());
            let same_root = match network.trust_root() {
                TrustRoot::Checkpoint(c) => c.hash == stored.root,
                TrustRoot::Agreement { .. } => stored.root == checkpoint_store::AGREED,
                TrustRoot::Nothing | TrustRoot::Consensus(_) => false,
            };
            let still_current = this.client().is_some_and(|c| Rc::ptr_eq(&c, &client));
            if same_root && stored.number > verified && still_current {
                this.connect(app, network);
            }
        });
    }

    /// Syncs the light client and re-proves every account's balance and nonce.
    pub fn refresh_balances(&self, app: AppState) {
        let this = *self;
        let Some(client) = this.client() else { return };
        if this.refreshing.get_untracked() {
            return;
        }
        this.refreshing.set(true);
        spawn_local(async move {
            let synced = client.sync().await;
            let addresses: Vec<Address> = app.session.accounts.get_untracked().iter().map(|a| a.address).collect();
            let mut fresh = HashMap::new();
            match synced {
                Ok(tip) => {
                    if let Some(reorg) = client.new_reorg() {
                        app.toasts.warning(&crate::ui::lang::fill(
                            td_string!(app.locale(), shell.reorganised),
                            &[("fork", &reorg.fork), ("dropped", &reorg.dropped.len())],
                        ));
                    }
                    this.tip.set(tip.map(|t| (t.number(), t.hash)));
                    this.trust.set(client.trust());
                    // A sync that failed earlier (a lying or unreachable node) is over.
                    if this.connection.get_untracked() != Connection::Connected {
                        this.connection.set(Connection::Connected);
                    }
                    for address in addresses {
                        fresh.insert(address, client.account(address).await);
                    }
                }
                Err(e) => {
                    // A chain that no longer verifies proves nothing, not even at an older tip.
                    let locale = app.locale();
                    let error = e.localized(locale);
                    let reason = crate::ui::lang::fill(
                        crate::i18n::td_string!(locale, err_chain.chain_unverified),
                        &[("error", &error)],
                    );
                    this.connection.set(Connection::Failed(error));
                    fresh.extend(addresses.into_iter().map(|a| (a, Verified::Rejected { reason: reason.clone() })));
                }
            }
            // Drop results if the wallet locked or the network changed meanwhile.
            let same_client = this.client().is_some_and(|c| Rc::ptr_eq(&c, &client));
            if app.phase.get_untracked().in_app() && same_client {
                this.balances.set(fresh);
            }
            this.refreshing.set(false);
        });
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub id: u64,
    pub kind: &'static str,
    pub text: String,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    pub list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    fn new() -> Self {
        Self { list: RwSignal::new(vec![]), next: StoredValue::new(0) }
    }

    fn push(&self, kind: &'static str, text: &str) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|l| l.push(Toast { id, kind, text: text.to_string() }));
        let list = self.list;
        gloo::timers::callback::Timeout::new(6_000, move || list.update(|l| l.retain(|t| t.id != id))).forget();
    }

    pub fn info(&self, text: &str) {
        self.push("toast-info", text)
    }

    pub fn success(&self, text: &str) {
        self.push("toast-success", text)
    }

    pub fn warning(&self, text: &str) {
        self.push("toast-warning", text)
    }

    pub fn error(&self, text: &str) {
        self.push("toast-error", text)
    }
}

/// Makes a page's service from the chain client each time the connection is (re)made and
/// then runs `ready`; on a network without the service's contracts, or when the network
/// cannot be used at all, the reason goes to `unavailable` (pages show it instead of cards
/// that would wait forever).
pub fn on_connect<S: 'static, E: Localized + 'static>(
    app: AppState,
    service: StoredValue<Option<Rc<S>>, LocalStorage>,
    unavailable: RwSignal<Option<String>>,
    make: fn(Rc<ChainClient>) -> Result<S, E>,
    ready: impl Fn() + 'static,
) {
    Effect::new(move || {
        match app.chain.connection.get() {
            Connection::Connected => {}
            Connection::Failed(_) => {
                service.set_value(None);
                // The reason itself is in the banner above every page; say it once.
                return unavailable.set(Some(td_string!(app.locale(), shell.network_unusable).to_string()));
            }
            _ => return,
        }
        let Some(chain) = app.chain.client() else { return };
        match make(chain) {
            Ok(svc) => {
                service.set_value(Some(Rc::new(svc)));
                unavailable.set(None);
                ready();
            }
            Err(e) => unavailable.set(Some(e.localized(app.locale()))),
        }
    });
}

/// "The wallet is locked", in `locale`.
fn locked(locale: Locale) -> String {
    td_string!(locale, vault_error.locked).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_its_own_fragment_and_is_found_by_it() {
        for page in Page::ALL {
            assert_eq!(Page::from_fragment(page.fragment()), Some(page));
            assert_eq!(Page::from_fragment(&format!("{}/", page.fragment())), Some(page));
            assert_eq!(Page::ALL.iter().filter(|p| p.fragment() == page.fragment()).count(), 1);
        }
        assert_eq!(Page::from_fragment("#/STORAGE"), Some(Page::Storage));
        for other in ["", "#", "#/", "#/nowhere", "#join?network=galileo", "#storage"] {
            assert_eq!(Page::from_fragment(other), None, "{other:?}");
        }
    }

    #[test]
    fn agents_and_proposals_have_addresses_on_their_pages_only() {
        let agent = Route { page: Page::Agents, item: Some(U256::from(12)) };
        assert_eq!(agent.fragment(), "#/agents/12");
        assert_eq!(Route::from_fragment("#/agents/12"), Some(agent));
        assert_eq!(Route::from_fragment("#/agents/12/"), Some(agent));
        assert_eq!(Route::from_fragment("#/agents"), Some(Route::page(Page::Agents)));
        // Proposal ids are hashes: the whole of a uint256.
        let huge = U256::MAX.to_string();
        let proposal = Route { page: Page::Governance, item: Some(U256::MAX) };
        assert_eq!(Route::from_fragment(&format!("#/governance/{huge}")), Some(proposal));
        assert_eq!(proposal.fragment(), format!("#/governance/{huge}"));
        // An item means something on those two pages only; anything else is no place.
        assert_eq!(Route { page: Page::Wallet, item: Some(U256::from(1)) }.fragment(), "#/wallet");
        for other in
            ["#/wallet/12", "#/agents/x", "#/agents/-1", "#/agents/0x0c", "#/agents/1e3", "#/agents//", "#/nowhere/1"]
        {
            assert_eq!(Route::from_fragment(other), None, "{other:?}");
        }
        let too_big = format!("#/agents/{huge}0");
        assert_eq!(Route::from_fragment(&too_big), None);
    }
}
