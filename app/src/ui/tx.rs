//! One way for every card to send a transaction: a busy label while it is sent and its
//! receipt proven, a toast naming the block on success, and the error in words where the
//! user acted. Pages hand over their service and an action; the key is taken from the
//! unlocked session and lives only for that action.

use std::fmt::Display;
use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::chain::client::Inclusion;
use crate::ui::components::Spinner;
use crate::ui::state::AppState;

/// Where a card shows a running transaction and its error.
#[derive(Clone, Copy)]
pub struct TxView {
    pub busy: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
}

impl TxView {
    pub fn new() -> Self {
        Self { busy: RwSignal::new(None), error: RwSignal::new(None) }
    }

    /// The busy line ("Sending…" with a spinner) while a transaction runs.
    pub fn busy_view(self) -> impl IntoView {
        move || self.busy.get().map(|l| view! { <p class="muted" role="status"><Spinner />" "{l}</p> })
    }
}

impl Default for TxView {
    fn default() -> Self {
        Self::new()
    }
}

/// Runs one transaction from the selected account through `service`, showing `label`
/// meanwhile and toasting `done` with the proven block on success, then `reload`s.
pub fn run_tx<S, E, F, Fut>(
    app: AppState,
    service: StoredValue<Option<Rc<S>>, LocalStorage>,
    tx: TxView,
    label: &str,
    done: String,
    reload: Callback<()>,
    action: F,
) where
    S: 'static,
    E: Display,
    F: FnOnce(Rc<S>, k256::ecdsa::SigningKey) -> Fut + 'static,
    Fut: Future<Output = Result<Inclusion, E>>,
{
    let TxView { busy, error } = tx;
    error.set(None);
    let Some(svc) = service.get_value() else { return error.set(Some("Not connected to the chain yet.".into())) };
    let key = match app.session.signing_key(app.session.selected.get_untracked()) {
        Ok(k) => k,
        Err(e) => return error.set(Some(e)),
    };
    busy.set(Some(label.to_string()));
    spawn_local(async move {
        let result = action(svc, key).await;
        busy.set(None);
        match result {
            Ok(included) => {
                app.toasts.success(&format!("{done} in block {} (receipt verified)", included.block));
                reload.run(());
                app.chain.refresh_balances(app);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });
}
