//! zg-console as other pages' wallet (the browser half of `dapp`): when a dapp's
//! `zg-provider.js` opens this app in a popup at `#/connect`, the window answers the
//! opener's EIP-1193 requests over `postMessage`. Reads are answered by the light client
//! (proven, or refused with the reason: never a node's unchecked word); connecting, signing
//! and switching networks wait for the person's yes in this window, which names the site;
//! transactions go through the same review as the app's own. Sites and their accounts are
//! kept sealed under the vault's key, so a connection cannot be planted, and are revoked in
//! Settings.
//!
//! Requests are answered one at a time, in order, and only while the wallet is unlocked:
//! the window opens on the unlock screen, and what arrived meanwhile waits.

use std::collections::VecDeque;

use alloy_primitives::{Address, Bytes, TxKind, U256};
use futures::channel::oneshot;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_light_client::Verified;

use crate::chain::client::ChainError;
use crate::dapp::request::{accounts_json, chain_id_hex, quantity, DappError, DappRequest};
use crate::dapp::sites::{check_origin, Sites};
use crate::dapp::{self, DappEvent};
use crate::ui::lang::Localized;
use crate::ui::state::{AppState, Phase};

/// The sealed record of connected sites.
pub const SITES_RECORD: &str = "dapp-sites";

/// What the window asks the person before a site may go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Connect { origin: String, account: Address, name: String },
    Sign { origin: String, account: Address, message: Bytes },
    Switch { origin: String, network: String, chain_id: u64 },
}

struct Pending {
    origin: String,
    id: serde_json::Number,
    method: String,
    params: Value,
}

/// The bridge's state, in context through `AppState`. Inactive (and empty) in a window no
/// dapp opened.
#[derive(Clone, Copy)]
pub struct DappBridge {
    pub active: RwSignal<bool>,
    /// The sites this window has answered, for its banner.
    pub serving: RwSignal<Vec<String>>,
    /// The approval on screen.
    pub asking: RwSignal<Option<Ask>>,
    answer: StoredValue<Option<oneshot::Sender<bool>>, LocalStorage>,
    queue: StoredValue<VecDeque<Pending>, LocalStorage>,
    busy: StoredValue<bool>,
}

impl DappBridge {
    pub fn new() -> Self {
        Self {
            active: RwSignal::new(false),
            serving: RwSignal::new(vec![]),
            asking: RwSignal::new(None),
            answer: StoredValue::new_local(None),
            queue: StoredValue::new_local(VecDeque::new()),
            busy: StoredValue::new(false),
        }
    }

    /// The person's answer to the approval on screen.
    pub fn answer(self, yes: bool) {
        if let Some(answer) = self.answer.try_update_value(Option::take).flatten() {
            let _ = answer.send(yes);
        }
        self.asking.set(None);
    }

    /// Declines what is on screen (on lock: nothing is approved after it).
    pub fn decline(self) {
        self.answer(false);
    }

    async fn ask(self, ask: Ask) -> bool {
        let (tx, rx) = oneshot::channel();
        self.answer.set_value(Some(tx));
        self.asking.set(Some(ask));
        rx.await.unwrap_or(false)
    }
}

impl Default for DappBridge {
    fn default() -> Self {
        Self::new()
    }
}

fn opener() -> Option<web_sys::Window> {
    let opener = web_sys::window()?.opener().ok()?;
    (!opener.is_null() && !opener.is_undefined()).then(|| opener.unchecked_into())
}

fn to_js(value: &Value) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

fn post(origin: &str, message: &Value) {
    if let Some(opener) = opener() {
        let _ = opener.post_message(&to_js(message), origin);
    }
}

/// Starts answering the opener, if this window was opened by a dapp at `#/connect`.
pub fn install(app: AppState) {
    let opened_for_dapp =
        web_sys::window().and_then(|w| w.location().hash().ok()).is_some_and(|hash| hash.starts_with("#/connect"));
    let Some(opener) = opener().filter(|_| opened_for_dapp) else { return };
    let bridge = app.dapp;
    bridge.active.set(true);
    let _ = window_event_listener_untyped("message", move |event| {
        let Ok(event) = event.dyn_into::<web_sys::MessageEvent>() else { return };
        // Only the window that opened this one speaks for the dapp.
        let from_opener = event.source().is_some_and(|source| js_sys::Object::is(&source, &opener));
        if !from_opener {
            return;
        }
        let Ok(data) = serde_wasm_bindgen::from_value::<Value>(event.data()) else { return };
        let Some(incoming) = dapp::incoming(&data) else { return };
        let origin = match check_origin(&event.origin()) {
            Ok(origin) => origin,
            Err(e) => {
                // The answer can go only where it came from; a page with an opaque origin
                // cannot be answered at all.
                if event.origin() != "null" {
                    post(&event.origin(), &dapp::response(&incoming.id, Err(e)));
                }
                return;
            }
        };
        bridge.queue.update_value(|q| {
            q.push_back(Pending { origin, id: incoming.id, method: incoming.method, params: incoming.params })
        });
        pump(app);
    });
    // Requests that came while locked are answered once unlocked.
    Effect::new(move |_| {
        if app.phase.get() == Phase::Unlocked {
            pump(app);
        }
    });
    post("*", &dapp::ready());
}

fn pump(app: AppState) {
    let bridge = app.dapp;
    if bridge.busy.get_value() || app.phase.get_untracked() != Phase::Unlocked {
        return;
    }
    let Some(next) = bridge.queue.try_update_value(|q| q.pop_front()).flatten() else { return };
    bridge.busy.set_value(true);
    spawn_local(async move {
        if !bridge.serving.with_untracked(|s| s.contains(&next.origin)) {
            bridge.serving.update(|s| s.push(next.origin.clone()));
        }
        let result = match DappRequest::parse(&next.method, &next.params) {
            Ok(request) => handle(app, &next.origin, request).await,
            Err(e) => Err(e),
        };
        post(&next.origin, &dapp::response(&next.id, result));
        bridge.busy.set_value(false);
        pump(app);
    });
}

/// The connected sites as sealed now (read again for each request: Settings may have
/// revoked one meanwhile).
pub async fn load_sites(app: AppState) -> Sites {
    let Some(sealer) = app.session.sealer() else { return Sites::default() };
    crate::sealed_records::load::<Sites>(SITES_RECORD, &sealer).await.unwrap_or_default()
}

pub async fn save_sites(app: AppState, sites: &Sites) -> Result<(), DappError> {
    let sealer = app.session.sealer().ok_or(DappError::Disconnected)?;
    crate::sealed_records::save(SITES_RECORD, sites, &sealer)
        .await
        .map_err(|e| DappError::Internal(e.localized(app.locale())))
}

/// Tells the site this window serves that its accounts changed (revoked: none).
pub fn accounts_changed(app: AppState, origin: &str, accounts: &[Address]) {
    if app.dapp.active.get_untracked() && app.dapp.serving.with_untracked(|s| s.iter().any(|o| o == origin)) {
        post(origin, &dapp::event(&DappEvent::AccountsChanged(accounts.to_vec())));
    }
}

fn proven<T>(verdict: Verified<T>, locale: crate::i18n::Locale) -> Result<T, DappError> {
    match verdict {
        Verified::Proven { value, .. } => Ok(value),
        Verified::Unverified { reason, .. } | Verified::Rejected { reason } => {
            let _ = locale;
            Err(DappError::Internal(format!("not proven by zg-console's light client: {reason}")))
        }
    }
}

fn chain_error(e: ChainError, locale: crate::i18n::Locale) -> DappError {
    match e {
        ChainError::Declined => DappError::UserRejected,
        ChainError::WouldRevert(data) => DappError::Reverted(data),
        other => DappError::Internal(other.localized(locale)),
    }
}

async fn handle(app: AppState, origin: &str, request: DappRequest) -> Result<Value, DappError> {
    let locale = app.locale();
    let client = app.chain.client().ok_or(DappError::Disconnected)?;
    let network = app.chain.network().ok_or(DappError::Disconnected)?;
    let mut sites = load_sites(app).await;
    let connected = sites.accounts_for(origin).to_vec();
    if let Some(account) = request.signer(&connected)? {
        // Only an account still in this wallet may sign.
        if !app.session.accounts.with_untracked(|a| a.iter().any(|a| a.address == account)) {
            return Err(DappError::Unauthorized);
        }
    }
    match request {
        DappRequest::ChainId => Ok(json!(chain_id_hex(network.chain_id))),
        DappRequest::NetVersion => Ok(json!(network.chain_id.to_string())),
        DappRequest::Accounts => Ok(accounts_json(&connected)),
        DappRequest::RequestAccounts => {
            if !connected.is_empty() {
                return Ok(accounts_json(&connected));
            }
            let account = app.session.selected_account().ok_or(DappError::Disconnected)?;
            let ask = Ask::Connect { origin: origin.to_string(), account: account.address, name: account.name };
            if !app.dapp.ask(ask).await {
                return Err(DappError::UserRejected);
            }
            sites.connect(origin, vec![account.address], js_sys::Date::now() as u64)?;
            save_sites(app, &sites).await?;
            Ok(accounts_json(&[account.address]))
        }
        DappRequest::BlockNumber => {
            let tip = client.sync().await.map_err(|e| chain_error(e, locale))?;
            let tip = tip.ok_or_else(|| DappError::Internal("no verified block yet".into()))?;
            Ok(json!(quantity(U256::from(tip.number()))))
        }
        DappRequest::GetBalance { address, .. } => {
            Ok(json!(quantity(proven(client.account(address).await, locale)?.balance)))
        }
        DappRequest::GetTransactionCount { address, .. } => {
            Ok(json!(quantity(U256::from(proven(client.account(address).await, locale)?.nonce))))
        }
        DappRequest::GetCode { address, .. } => Ok(json!(proven(client.code(address).await, locale)?.to_string())),
        DappRequest::Call { tx, .. } => {
            let to = tx.to.map_or(TxKind::Create, TxKind::Call);
            let run = client
                .simulate_effects(tx.from.unwrap_or_default(), to, tx.value, tx.data)
                .await
                .map_err(|e| chain_error(e, locale))?;
            Ok(json!(run.output.to_string()))
        }
        DappRequest::EstimateGas { tx } => {
            let to = tx.to.map_or(TxKind::Create, TxKind::Call);
            let from = tx.from.or(connected.first().copied()).unwrap_or_default();
            let gas = client.simulate(from, to, tx.value, tx.data).await.map_err(|e| chain_error(e, locale))?;
            Ok(json!(quantity(U256::from(crate::chain::client::gas_limit_for(gas)))))
        }
        DappRequest::SendTransaction { tx } => {
            let account = tx.from.or(connected.first().copied()).ok_or(DappError::Unauthorized)?;
            let key = signing_key(app, account)?;
            let to = tx.to.map_or(TxKind::Create, TxKind::Call);
            // The dapp's gas and fees are not used: the wallet's come from the proven
            // simulation and the verified base fee, within the network's limits.
            let hash = client
                .send_for_site(&key, to, tx.value, tx.data, origin.to_string())
                .await
                .map_err(|e| chain_error(e, locale))?;
            Ok(json!(hash.to_string()))
        }
        DappRequest::PersonalSign { message, address } => {
            let ask = Ask::Sign { origin: origin.to_string(), account: address, message: message.clone() };
            if !app.dapp.ask(ask).await {
                return Err(DappError::UserRejected);
            }
            let key = signing_key(app, address)?;
            let signature = crate::wallet::signer::sign_personal(&key, &message);
            drop(key);
            Ok(json!(Bytes::copy_from_slice(&signature).to_string()))
        }
        DappRequest::SwitchChain { chain_id } => {
            if chain_id == network.chain_id {
                return Ok(Value::Null);
            }
            let target = app
                .chain
                .networks
                .get_untracked()
                .into_iter()
                .chain(app.settings.with_untracked(|s| s.custom.clone()))
                .find(|n| n.chain_id == chain_id)
                .ok_or(DappError::ChainNotAdded(chain_id))?;
            let ask = Ask::Switch { origin: origin.to_string(), network: target.name.clone(), chain_id };
            if !app.dapp.ask(ask).await {
                return Err(DappError::UserRejected);
            }
            app.update_settings(|s| s.network = target.id.clone());
            app.reconnect();
            post(origin, &dapp::event(&DappEvent::ChainChanged(chain_id)));
            Ok(Value::Null)
        }
        DappRequest::GetReceipt { hash } => match client.receipt_now(hash).await.map_err(|e| chain_error(e, locale))? {
            None => Ok(Value::Null),
            Some(verdict) => {
                let receipt = proven(verdict, locale)?;
                Ok(json!({
                    "transactionHash": hash.to_string(),
                    "blockNumber": quantity(U256::from(receipt.block)),
                    "blockHash": receipt.block_hash.to_string(),
                    "status": if receipt.success { "0x1" } else { "0x0" },
                    "logs": receipt.logs.iter().map(|log| json!({
                        "address": format!("{:#x}", log.address),
                        "topics": log.topics().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                        "data": log.data.data.to_string(),
                    })).collect::<Vec<_>>(),
                }))
            }
        },
    }
}

/// The key of `account`, one of this wallet's, for one signature.
fn signing_key(app: AppState, account: Address) -> Result<k256::ecdsa::SigningKey, DappError> {
    let index = app
        .session
        .accounts
        .with_untracked(|a| a.iter().position(|a| a.address == account))
        .ok_or(DappError::Unauthorized)?;
    app.session.signing_key(index).map_err(DappError::Internal)
}
