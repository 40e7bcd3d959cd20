//! The lock screen. A wrong password changes nothing: the vault is only read. The password
//! is read from its input when the form is sent (never held in a signal) and the input is
//! emptied once it has been tried.

use leptos::prelude::*;
use leptos::task::spawn_local;
use zeroize::Zeroizing;

use crate::i18n::{t, use_i18n};
use crate::ui::components::{ErrorAlert, Spinner};
use crate::ui::lang::{LanguageSelect, Localized};
use crate::ui::state::use_app;
use crate::wallet::vault;

#[component]
pub fn Unlock() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let password = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(input) = password.get_untracked() else { return };
        let p = Zeroizing::new(input.value());
        input.set_value("");
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let unlocked = vault::unlock(&p).await;
            drop(p);
            match unlocked {
                Ok(v) => app.unlocked(v),
                Err(e) => {
                    error.set(Some(e.localized(i18n.get_locale_untracked())));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <main class="center-screen">
            <div class="corner"><LanguageSelect /></div>
            <form class="card stack" on:submit=submit>
                <div class="hero">
                    <img class="hero-logo" src="icon.svg" alt="" width="56" height="56" />
                    <h1 class="page-title">{t!(i18n, unlock.title)}</h1>
                    <p class="page-subtitle">{t!(i18n, unlock.subtitle)}</p>
                </div>
                <div class="field">
                    <label for="unlock-password">{t!(i18n, unlock.password)}</label>
                    <input id="unlock-password" type="password" autocomplete="current-password" autofocus node_ref=password />
                </div>
                <ErrorAlert message=error />
                <button type="submit" class="btn btn-primary btn-block" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                    <Show when=move || busy.get()><Spinner /></Show>
                    {move || if busy.get() { t!(i18n, unlock.unlocking).into_any() } else { t!(i18n, unlock.unlock).into_any() }}
                </button>
            </form>
        </main>
    }
}
