//! The first-run tour: four short cards on what the app does differently (values proven in
//! the browser, activity from proven blocks, agents and compute, networks), shown above the
//! page the first time the app opens and never again once finished or skipped. It is not a
//! modal: the page under it stays usable, and the tour never hides what it describes.

use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::lang::fill;
use crate::ui::state::use_app;

const STEPS: usize = 4;

#[component]
pub fn Tour() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let step = RwSignal::new(0usize);
    let finish = move || app.update_settings(|s| s.tour_done = true);
    let title = move || match step.get() {
        0 => t_string!(i18n, tour.proven_title),
        1 => t_string!(i18n, tour.activity_title),
        2 => t_string!(i18n, tour.agents_title),
        _ => t_string!(i18n, tour.networks_title),
    };
    let body = move || match step.get() {
        0 => t_string!(i18n, tour.proven_body),
        1 => t_string!(i18n, tour.activity_body),
        2 => t_string!(i18n, tour.agents_body),
        _ => t_string!(i18n, tour.networks_body),
    };
    view! {
        <Show when=move || !app.settings.with(|s| s.tour_done)>
            <section class="card stack tour" aria-label=move || t_string!(i18n, tour.label) data-testid="tour">
                <div class="row">
                    <span class="muted small" data-testid="tour-step">{move || fill(t_string!(i18n, tour.step), &[("n", &(step.get() + 1)), ("of", &STEPS)])}</span>
                    <span class="spacer"></span>
                    <button class="btn btn-ghost btn-sm" data-testid="tour-skip" on:click=move |_| finish()>{t!(i18n, tour.skip)}</button>
                </div>
                <h2 class="card-title" data-testid="tour-title">{title}</h2>
                <p>{body}</p>
                <div class="row">
                    <Show when=move || step.get() != 0>
                        <button class="btn btn-ghost btn-sm" on:click=move |_| step.update(|s| *s -= 1)>{t!(i18n, tour.back)}</button>
                    </Show>
                    <span class="spacer"></span>
                    {move || if step.get() + 1 < STEPS {
                        view! { <button class="btn btn-primary btn-sm" data-testid="tour-next" on:click=move |_| step.update(|s| *s += 1)>{t!(i18n, tour.next)}</button> }.into_any()
                    } else {
                        view! { <button class="btn btn-primary btn-sm" data-testid="tour-done" on:click=move |_| finish()>{t!(i18n, tour.done)}</button> }.into_any()
                    }}
                </div>
            </section>
        </Show>
    }
}
