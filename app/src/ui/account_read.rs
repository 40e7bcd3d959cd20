//! What a page reads for the selected account, as Leptos' own `LocalResource`: read once the
//! page's service is connected, again on [`AccountRead::reload`], and for each account the
//! user selects. A read is shown only for the account it was made for, so switching
//! accounts shows "loading" rather than the last account's values; a reload for the same
//! account keeps the values on screen until the new ones arrive (no flicker) — or, with
//! [`AccountRead::fresh`], shows "loading" until the newest read is in, for a list any
//! change makes out of date — and a read that finishes after a newer one started is
//! dropped by the resource.

use std::future::Future;
use std::rc::Rc;

use alloy_primitives::Address;
use leptos::prelude::*;

use super::state::AppState;

/// One read: the account and the reload it was made for, and what it found.
type Read<T> = (Address, u64, Result<T, String>);

pub struct AccountRead<T: 'static> {
    app: AppState,
    resource: LocalResource<Option<Read<T>>>,
    reloads: RwSignal<u64>,
    /// Reads still running (a read overtaken by a newer one runs to its end, unshown).
    running: StoredValue<u32>,
}

impl<T: 'static> Clone for AccountRead<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for AccountRead<T> {}

impl<T: Clone + 'static> AccountRead<T> {
    /// Reads with `read` through the service in `service` (set by `on_connect`).
    pub fn new<S: 'static, Fut>(
        app: AppState,
        service: StoredValue<Option<Rc<S>>, LocalStorage>,
        read: impl Fn(Rc<S>, Address) -> Fut + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, String>> + 'static,
    {
        let reloads = RwSignal::new(0u64);
        let running = StoredValue::new(0u32);
        let resource = LocalResource::new(move || {
            let reload = reloads.get();
            let account = app.session.selected_address();
            let read = service.get_value().zip(account).map(|(svc, account)| (account, read(svc, account)));
            async move {
                let (account, read) = read?;
                running.update_value(|n| *n += 1);
                let result = read.await;
                running.try_update_value(|n| *n -= 1);
                Some((account, reload, result))
            }
        });
        Self { app, resource, reloads, running }
    }

    /// Reads again (after a transaction, on Refresh, once the service connects).
    pub fn reload(&self) {
        self.reloads.update(|n| *n += 1);
    }

    /// Whether a read is running (a timed refresh skips a beat rather than pile reads up).
    pub fn is_reading(&self) -> bool {
        self.running.get_value() > 0
    }

    /// The newest read for the selected account; `None` while there is none yet.
    pub fn get(&self) -> Option<Result<T, String>> {
        let account = self.app.session.selected_address()?;
        let (read_for, _, result) = self.resource.get().flatten()?;
        (read_for == account).then_some(result)
    }

    /// The read for the selected account made since the last reload; `None` until then.
    pub fn fresh(&self) -> Option<Result<T, String>> {
        let account = self.app.session.selected_address()?;
        let (read_for, reload, result) = self.resource.get().flatten()?;
        (read_for == account && reload == self.reloads.get()).then_some(result)
    }

    /// The newest read, if it succeeded.
    pub fn value(&self) -> Option<T> {
        self.get().and_then(Result::ok)
    }
}
