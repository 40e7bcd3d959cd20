//! One way for every card to send a transaction: a busy label while it is sent and its
//! receipt proven, a toast naming the block on success, and the error in words where the
//! user acted. Pages hand over their service and an action; the key is taken from the
//! unlocked session and lives only for that action.
//!
//! A card's transactions run through a Leptos `Action` (`TxView::new`): its `pending` and
//! `input` are the busy label, so a card cannot show "Sending…" out of step with what runs.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use crate::chain::client::Inclusion;
use crate::i18n::{t_string, use_i18n};
use crate::ui::components::Spinner;
use crate::ui::lang::{fill, Localized};
use crate::ui::state::AppState;

type TxFuture = Pin<Box<dyn Future<Output = Result<Inclusion, String>>>>;

/// One transaction a card dispatched: what it says while it runs and once done.
#[derive(Clone)]
struct TxRun {
    app: AppState,
    label: String,
    done: String,
    reload: Callback<()>,
    /// Taken by the action when it starts: a transaction runs once.
    future: Rc<RefCell<Option<TxFuture>>>,
}

/// Where a card shows a running transaction and its error.
#[derive(Clone, Copy)]
pub struct TxView {
    /// The running transaction's label ("Delegating…"), while it runs.
    pub busy: Signal<Option<String>>,
    /// What the user must fix (a form's words) or why the last transaction failed.
    pub error: RwSignal<Option<String>>,
    action: Action<TxRun, ()>,
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
}

impl TxView {
    pub fn new() -> Self {
        let error = RwSignal::new(None);
        let i18n = use_i18n();
        let action = Action::new_local(move |run: &TxRun| {
            let TxRun { app, done, reload, future, .. } = run.clone();
            let future = future.borrow_mut().take();
            async move {
                let Some(future) = future else { return };
                match future.await {
                    Ok(included) => {
                        app.toasts.success(&fill(
                            t_string!(i18n, tx.done_in_block),
                            &[("done", &done), ("block", &included.block)],
                        ));
                        reload.run(());
                        app.chain.refresh_balances(app);
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
        });
        let busy = Signal::derive(move || {
            if !action.pending().get() {
                return None;
            }
            action.input().get().map(|run| run.label)
        });
        Self { busy, error, action, i18n }
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
    E: Localized,
    F: FnOnce(Rc<S>, k256::ecdsa::SigningKey) -> Fut + 'static,
    Fut: Future<Output = Result<Inclusion, E>> + 'static,
{
    tx.error.set(None);
    let i18n = tx.i18n;
    let locale = i18n.get_locale_untracked();
    let Some(svc) = service.get_value() else {
        return tx.error.set(Some(t_string!(i18n, tx.not_connected).to_string()));
    };
    let key = match app.session.signing_key(app.session.selected.get_untracked()) {
        Ok(k) => k,
        Err(e) => return tx.error.set(Some(e)),
    };
    let future: TxFuture = Box::pin(async move { action(svc, key).await.map_err(|e| e.localized(locale)) });
    let run = TxRun { app, label: label.to_string(), done, reload, future: Rc::new(RefCell::new(Some(future))) };
    tx.action.dispatch_local(run);
}
