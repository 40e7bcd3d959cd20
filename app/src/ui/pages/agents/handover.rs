//! Handing an agent over: making an offer code (transfer or clone) on the agent's page,
//! receiving one on the list page, and completing a handover the receiver accepted.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::format::short_hash;
use crate::i18n::{t, t_string, use_i18n};
use crate::inft::offer::{Acceptance, Offer};
use crate::inft::proofs::Operation;
use crate::inft::service::{parse_pasted_key, AgentService, OpenedAgent};
use crate::ui::components::{CopyButton, ErrorAlert};
use crate::ui::lang::words_agents::{holder_summary, receiver_summary};
use crate::ui::lang::{fill, Localized};
use crate::ui::state::use_app;

use super::{key_of, progress_view, service_and_key, step_reporter, Service};

/// The receiver's side: the public key to give the holder, and checking and accepting an offer.
#[component]
pub(super) fn ReceiveCard(service: Service) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let checked = RwSignal::new(None::<(Offer, String, String)>);
    let acceptance = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let public_key = move || {
        app.session.selected.track();
        key_of(&app).map(|k| format!("0x{}", hex::encode(AgentService::public_key(&k)))).unwrap_or_default()
    };

    let check = move |_| {
        error.set(None);
        checked.set(None);
        acceptance.set(None);
        let locale = i18n.get_locale_untracked();
        let offer = match Offer::from_code(&code.get_untracked()) {
            Ok(o) => o,
            Err(e) => return error.set(Some(e.localized(locale))),
        };
        let (svc, key) = match service_and_key(&app, service) {
            Ok(ready) => ready,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some(t_string!(i18n, agent_cards.receive_checking).to_string()));
        spawn_local(async move {
            let result = svc.inspect(&key, &offer).await;
            busy.set(None);
            match result {
                Ok(meta) => checked.set(Some((offer, meta.name.clone(), meta.model.clone()))),
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    let accept = move |_| {
        let Some((offer, _, _)) = checked.get_untracked() else { return };
        let locale = i18n.get_locale_untracked();
        match key_of(&app).and_then(|key| AgentService::accept(&key, offer).map_err(|e| e.localized(locale))) {
            Ok(accepted) => acceptance.set(Some(accepted.to_code())),
            Err(e) => error.set(Some(e)),
        }
    };

    view! {
        <section class="card" aria-label=move || t_string!(i18n, agent_cards.receive_title)>
            <h2 class="card-title">{t!(i18n, agent_cards.receive_title)}</h2>
            <div class="field">
                <span class="label">{t!(i18n, agent_cards.receive_public_key)}</span>
                <span class="hint">{t!(i18n, agent_cards.receive_key_hint)}</span>
                <div class="row">
                    <code class="mono wrap grow" data-testid="my-public-key">{public_key}</code>
                    <CopyButton text=Signal::derive(public_key) label=t_string!(i18n, agent_cards.receive_copy_key) />
                </div>
            </div>
            <div class="field">
                <label for="offer-code">{t!(i18n, agent_cards.receive_offer_code)}</label>
                <textarea id="offer-code" rows="3" class="mono" spellcheck="false" placeholder="zg-agent-offer:…" bind:value=code></textarea>
            </div>
            {progress_view(busy)}
            <ErrorAlert message=error />
            <div class="row">
                <span class="spacer"></span>
                <button class="btn" on:click=check disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.receive_check)}</button>
            </div>
            {move || checked.get().map(|(offer, name, model)| {
                let (from, token) = (offer.from, offer.token_id);
                let said = offer.clone();
                view! {
                <div class="stack offer-preview" data-testid="offer-preview">
                    <div class="alert alert-success">
                        {move || fill(
                            t_string!(i18n, agent_cards.receive_can_open),
                            &[("from", &from), ("token", &token), ("model", &model), ("name", &name)],
                        )}
                    </div>
                    // Said before the acceptance is signed: the operation the holder's
                    // signature is for (inspect checked `kind` against it).
                    <div class="alert alert-info" data-testid="offer-operation">{move || receiver_summary(i18n.get_locale(), &said)}</div>
                    <dl class="kv">
                        <dt>{t!(i18n, agent_cards.receive_new_root)}</dt><dd class="mono">{short_hash(&offer.new_data_hash.to_string())}</dd>
                    </dl>
                    <div class="row">
                        <span class="spacer"></span>
                        <button class="btn btn-primary" on:click=accept>{t!(i18n, agent_cards.receive_accept)}</button>
                    </div>
                </div>
                }
            })}
            {move || acceptance.get().map(|code| view! {
                <div class="field">
                    <label for="acceptance-code">{t!(i18n, agent_cards.receive_acceptance_code)}</label>
                    <textarea id="acceptance-code" rows="3" class="mono" readonly data-testid="acceptance-code">{code.clone()}</textarea>
                    <div class="row"><span class="spacer"></span><CopyButton text=code label=t_string!(i18n, agent_cards.receive_copy_acceptance) /></div>
                </div>
            })}
        </section>
    }
}

/// The holder's last step: the receiver's acceptance in, reviewed (what will be sent, in
/// words), then the transaction out. What is sent is the acceptance that was reviewed,
/// not the text box, so editing the code after the review cannot change it.
#[component]
pub(super) fn CompleteCard(service: Service, on_done: Callback<()>) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let reviewed = RwSignal::new(None::<Acceptance>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    // A new code needs a new review.
    Effect::new(move || {
        code.track();
        reviewed.set(None);
    });
    let review = move |_| {
        error.set(None);
        reviewed.set(None);
        let text = code.get_untracked();
        let locale = i18n.get_locale_untracked();
        let acceptance = match Acceptance::from_code(&text) {
            Ok(a) => a,
            Err(e) => return error.set(Some(e.localized(locale))),
        };
        let (svc, key) = match service_and_key(&app, service) {
            Ok(ready) => ready,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some(t_string!(i18n, agent_cards.complete_checking).to_string()));
        spawn_local(async move {
            let result = svc.review(&key, &acceptance).await;
            busy.set(None);
            match result {
                // Shown only if the box still holds the code that was reviewed.
                Ok(()) if code.get_untracked() == text => reviewed.set(Some(acceptance)),
                Ok(()) => {}
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    let send = move |_| {
        let Some(acceptance) = reviewed.get_untracked() else { return };
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        error.set(None);
        busy.set(Some(
            match acceptance.offer.kind {
                Operation::Transfer => t_string!(i18n, agent_cards.complete_sending_transfer),
                Operation::Clone => t_string!(i18n, agent_cards.complete_sending_clone),
            }
            .to_string(),
        ));
        let locale = i18n.get_locale_untracked();
        spawn_local(async move {
            let result = svc.complete(&key, &acceptance).await;
            busy.set(None);
            let offer = &acceptance.offer;
            match result {
                Ok((included, new_token)) => {
                    let done = match new_token {
                        Some(new) => fill(
                            t_string!(i18n, agent_cards.complete_cloned),
                            &[("token", &offer.token_id), ("to", &offer.to), ("new", &new), ("block", &included.block)],
                        ),
                        None => fill(
                            t_string!(i18n, agent_cards.complete_transferred),
                            &[("token", &offer.token_id), ("to", &offer.to), ("block", &included.block)],
                        ),
                    };
                    app.toasts.success(&done);
                    code.set(String::new());
                    on_done.run(());
                }
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, agent_cards.complete_label)>
            <h2 class="card-title">{t!(i18n, agent_cards.complete_title)}</h2>
            <p class="muted">{t!(i18n, agent_cards.complete_intro)}</p>
            <div class="field">
                <label for="complete-code">{t!(i18n, agent_cards.complete_code)}</label>
                <textarea id="complete-code" rows="3" class="mono" spellcheck="false" placeholder="zg-agent-accept:…" bind:value=code></textarea>
            </div>
            {progress_view(busy)}
            <ErrorAlert message=error />
            <div class="row">
                <span class="spacer"></span>
                <button class="btn" on:click=review disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.complete_check)}</button>
            </div>
            {move || reviewed.get().map(|acceptance| view! {
                <div class="stack" data-testid="handover-preview">
                    <div class="alert alert-info" data-testid="handover-operation">{move || holder_summary(i18n.get_locale(), &acceptance.offer)}</div>
                    <div class="row">
                        <span class="spacer"></span>
                        <button class="btn btn-primary" on:click=send disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.complete_sign_send)}</button>
                    </div>
                </div>
            })}
        </section>
    }
}

/// The holder's first step of a transfer or clone: the offer code.
#[component]
pub(super) fn OfferCard(service: Service, opened: OpenedAgent) -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let receiver = RwSignal::new(String::new());
    let clone = RwSignal::new(false);
    let offer = RwSignal::new(None::<String>);
    let busy = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let opened = StoredValue::new(opened);
    let make = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        offer.set(None);
        let locale = i18n.get_locale_untracked();
        let receiver_key = match parse_pasted_key(&receiver.get_untracked()) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e.localized(locale))),
        };
        let Some(svc) = service.get_value() else { return };
        let key = match key_of(&app) {
            Ok(k) => k,
            Err(e) => return error.set(Some(e)),
        };
        let kind = if clone.get_untracked() { Operation::Clone } else { Operation::Transfer };
        spawn_local(async move {
            let result =
                svc.offer(&key, &opened.get_value(), kind, &receiver_key.to_sec1_bytes(), &step_reporter(busy)).await;
            busy.set(None);
            match result {
                Ok(o) => offer.set(Some(o.to_code())),
                Err(e) => error.set(Some(e.localized(locale))),
            }
        });
    };
    view! {
        <section class="card" aria-label=move || t_string!(i18n, agent_cards.offer_title)>
            <h2 class="card-title">{t!(i18n, agent_cards.offer_title)}</h2>
            <p class="muted">{t!(i18n, agent_cards.offer_intro)}</p>
            <form class="stack" aria-label=move || t_string!(i18n, agent_cards.offer_form_label) on:submit=make>
                <div class="field">
                    <label for="receiver-key">{t!(i18n, agent_cards.offer_receiver_key)}</label>
                    <input id="receiver-key" class="mono" autocomplete="off" spellcheck="false" placeholder=move || t_string!(i18n, agent_cards.offer_receiver_placeholder) bind:value=receiver />
                </div>
                <label class="check">
                    <input type="checkbox" bind:checked=clone />
                    " "{t!(i18n, agent_cards.offer_clone)}
                </label>
                {progress_view(busy)}
                <ErrorAlert message=error />
                <div class="row">
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary" disabled=move || busy.get().is_some()>{t!(i18n, agent_cards.offer_create)}</button>
                </div>
            </form>
            {move || offer.get().map(|code| view! {
                <div class="field">
                    <label for="offer-out">{t!(i18n, agent_cards.offer_code_out)}</label>
                    <textarea id="offer-out" rows="3" class="mono" readonly data-testid="offer-code">{code.clone()}</textarea>
                    <div class="row"><span class="spacer"></span><CopyButton text=code label=t_string!(i18n, agent_cards.offer_copy) /></div>
                </div>
            })}
        </section>
    }
}
