//! First run: create a wallet (phrase shown once, confirmed, password), restore one from
//! a recovery phrase, or start from an imported private key or key file.
//!
//! Typed secrets (phrase, key, passwords, the confirmation words) are never held in signals:
//! their inputs are read through `NodeRef`s when the form is sent, into `Zeroizing` strings
//! that wipe themselves, and the inputs are emptied as soon as their value is used and when
//! the page goes away. The generated phrase lives only in a `Mnemonic`, which wipes itself.

use k256::ecdsa::SigningKey;
use leptos::html::{Input, Textarea};
use leptos::prelude::*;
use leptos::task::spawn_local;
use zeroize::Zeroizing;

use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::components::{ErrorAlert, Spinner};
use crate::ui::lang::{fill, LanguageSelect, Localized};
use crate::ui::state::use_app;
use crate::wallet::accounts::{key_hex, parse_private_key};
use crate::wallet::kdf_worker;
use crate::wallet::mnemonic::{Mnemonic, WordCount};
use crate::wallet::vault;
use crate::wallet::vault_format::{check_new_password, AccountSource, StoredAccount, VaultSecrets};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Welcome,
    Create,
    Restore,
    ImportKey,
    Watch,
}

#[component]
pub fn Onboarding() -> impl IntoView {
    let flow = RwSignal::new(Flow::Welcome);
    move || match flow.get() {
        Flow::Welcome => view! { <Welcome flow=flow /> }.into_any(),
        Flow::Create => view! { <CreateWallet flow=flow /> }.into_any(),
        Flow::Restore => view! { <RestoreWallet flow=flow /> }.into_any(),
        Flow::ImportKey => view! { <ImportKeyWallet flow=flow /> }.into_any(),
        Flow::Watch => view! { <WatchAddress flow=flow /> }.into_any(),
    }
}

#[component]
fn Welcome(flow: RwSignal<Flow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="center-screen">
            <div class="corner"><LanguageSelect /></div>
            <div class="card">
                <div class="hero">
                    <img class="hero-logo" src="icon.svg" alt="" width="56" height="56" />
                    <h1 class="page-title">{t!(i18n, welcome.title)}</h1>
                    <p class="page-subtitle">{t!(i18n, welcome.subtitle)}</p>
                </div>
                <div class="stack">
                    <button class="btn btn-primary btn-block" on:click=move |_| flow.set(Flow::Create)>
                        {t!(i18n, welcome.create)}
                    </button>
                    <button class="btn btn-secondary btn-block" on:click=move |_| flow.set(Flow::Restore)>
                        {t!(i18n, welcome.restore)}
                    </button>
                    <button class="btn btn-ghost btn-block" on:click=move |_| flow.set(Flow::ImportKey)>
                        {t!(i18n, welcome.import)}
                    </button>
                    <hr class="divider" />
                    <button class="btn btn-ghost btn-block" data-testid="explore" on:click=move |_| flow.set(Flow::Watch)>
                        {t!(i18n, welcome.explore)}
                    </button>
                </div>
            </div>
        </main>
    }
}

/// "Explore without a wallet": any address, watched read-only with verified values. No
/// vault is made and nothing can sign; leaving returns here.
#[component]
fn WatchAddress(flow: RwSignal<Flow>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let address = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let watch = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match crate::format::parse_address(&address.get_untracked()) {
            Ok(a) => app.watch(a),
            Err(e) => error.set(Some(fill(
                t_string!(i18n, watch.bad_address),
                &[("error", &e.localized(i18n.get_locale_untracked()))],
            ))),
        }
    };
    view! {
        <main class="center-screen">
            <div class="corner"><LanguageSelect /></div>
            <form class="card stack" on:submit=watch aria-label=move || t_string!(i18n, watch.title)>
                <h1 class="page-title">{t!(i18n, watch.title)}</h1>
                <p class="muted">{t!(i18n, watch.intro)}</p>
                <div class="field">
                    <label for="watch-address">{t!(i18n, watch.address)}</label>
                    <input id="watch-address" class="mono" autocomplete="off" spellcheck="false" placeholder="0x…" bind:value=address />
                </div>
                <ErrorAlert message=error />
                <div class="row">
                    <button type="button" class="btn btn-ghost" on:click=move |_| flow.set(Flow::Welcome)>{t!(i18n, watch.back)}</button>
                    <span class="spacer"></span>
                    <button type="submit" class="btn btn-primary">{t!(i18n, watch.go)}</button>
                </div>
            </form>
        </main>
    }
}

/// Three distinct word positions (0-based) for the user to type back.
fn confirmation_positions(words: usize) -> Vec<usize> {
    let mut positions: Vec<usize> = Vec::new();
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the browser provides randomness");
    for b in bytes {
        let p = usize::from(b) % words;
        if !positions.contains(&p) {
            positions.push(p);
        }
        if positions.len() == 3 {
            break;
        }
    }
    positions.sort_unstable();
    positions
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CreateStep {
    Show,
    Confirm,
    Password,
}

#[component]
fn CreateWallet(flow: RwSignal<Flow>) -> impl IntoView {
    let i18n = use_i18n();
    let words = RwSignal::new(WordCount::Twelve);
    // The phrase lives outside the reactive graph, in a Mnemonic that wipes itself when
    // replaced or when the page goes; `generation` only tells the view to redraw it.
    let mnemonic = StoredValue::new_local(Mnemonic::generate(WordCount::Twelve));
    let generation = RwSignal::new(0u32);
    let step = RwSignal::new(CreateStep::Show);
    let written = RwSignal::new(false);
    let positions = RwSignal::new(Vec::<usize>::new());
    let answers: [NodeRef<Input>; 3] = std::array::from_fn(|_| NodeRef::new());
    let error = RwSignal::new(None::<String>);
    // `try_`: also runs from `on_cleanup`, where an input may already be gone.
    let clear_answers =
        move || answers.iter().filter_map(|a| a.try_get_untracked().flatten()).for_each(|i| i.set_value(""));
    on_cleanup(clear_answers);

    let regenerate = move |count: WordCount| {
        words.set(count);
        mnemonic.set_value(Mnemonic::generate(count));
        generation.update(|g| *g += 1);
        written.set(false);
    };

    let to_confirm = move |_| {
        positions.set(confirmation_positions(mnemonic.with_value(|m| m.words().len())));
        error.set(None);
        step.set(CreateStep::Confirm);
    };

    let check_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ok = positions.with_untracked(|ps| {
            mnemonic.with_value(|m| {
                let words = m.words();
                ps.iter().zip(&answers).all(|(p, a)| {
                    let typed = Zeroizing::new(a.get_untracked().map(|i| i.value()).unwrap_or_default());
                    typed.trim().eq_ignore_ascii_case(words[*p])
                })
            })
        });
        if ok {
            clear_answers();
            error.set(None);
            step.set(CreateStep::Password);
        } else {
            error.set(Some(t_string!(i18n, onboarding.words_mismatch).to_string()));
        }
    };

    let on_password = move |password: Zeroizing<String>| async move {
        let phrase = mnemonic.with_value(|m| m.phrase().to_string());
        let name = t_string!(i18n, onboarding.first_account).to_string();
        let secrets = VaultSecrets {
            mnemonic: Some(phrase),
            accounts: vec![StoredAccount { name, source: AccountSource::Hd { index: 0 } }],
        };
        vault::create(secrets, &password).await.map_err(|e| e.localized(i18n.get_locale_untracked()))
    };

    view! {
        <main class="center-screen">
            <div class="card">
                <ol class="steps" aria-label=move || t_string!(i18n, onboarding.create_steps)>
                    <li class="step" class:current=move || step.get() == CreateStep::Show class:done=move || step.get() != CreateStep::Show>{t!(i18n, onboarding.step_phrase)}</li>
                    <li class="step" class:current=move || step.get() == CreateStep::Confirm class:done=move || step.get() == CreateStep::Password>{t!(i18n, onboarding.step_confirm)}</li>
                    <li class="step" class:current=move || step.get() == CreateStep::Password>{t!(i18n, onboarding.step_password)}</li>
                </ol>
                {move || match step.get() {
                    CreateStep::Show => view! {
                        <div class="stack">
                            <h1 class="page-title">{t!(i18n, onboarding.phrase_title)}</h1>
                            <p class="muted">{t!(i18n, onboarding.phrase_intro)}</p>
                            <div class="tabs" role="tablist" aria-label=move || t_string!(i18n, onboarding.phrase_length)>
                                <button type="button" role="tab" class="tab" class:active=move || words.get() == WordCount::Twelve
                                    aria-selected=move || (words.get() == WordCount::Twelve).to_string()
                                    on:click=move |_| regenerate(WordCount::Twelve)>{t!(i18n, onboarding.words_12)}</button>
                                <button type="button" role="tab" class="tab" class:active=move || words.get() == WordCount::TwentyFour
                                    aria-selected=move || (words.get() == WordCount::TwentyFour).to_string()
                                    on:click=move |_| regenerate(WordCount::TwentyFour)>{t!(i18n, onboarding.words_24)}</button>
                            </div>
                            <ol class="mnemonic-grid blurred" tabindex="0" data-testid="mnemonic" aria-label=move || t_string!(i18n, onboarding.recovery_phrase)>
                                {move || {
                                    generation.track();
                                    mnemonic.with_value(|m| m.words().into_iter().enumerate().map(|(i, w)| view! {
                                        <li><span class="word-index">{i + 1}</span><span class="word">{w.to_string()}</span></li>
                                    }).collect_view())
                                }}
                            </ol>
                            <label class="checkbox">
                                <input type="checkbox" bind:checked=written />
                                {t!(i18n, onboarding.written)}
                            </label>
                            <div class="row">
                                <button class="btn btn-ghost" on:click=move |_| flow.set(Flow::Welcome)>{t!(i18n, onboarding.back)}</button>
                                <span class="spacer"></span>
                                <button class="btn btn-primary" disabled=move || !written.get() on:click=to_confirm>{t!(i18n, onboarding.next)}</button>
                            </div>
                        </div>
                    }.into_any(),
                    CreateStep::Confirm => view! {
                        <form class="stack" on:submit=check_confirm>
                            <h1 class="page-title">{t!(i18n, onboarding.confirm_title)}</h1>
                            <p class="muted">{t!(i18n, onboarding.confirm_intro)}</p>
                            {move || positions.get().into_iter().zip(answers).map(|(p, answer)| view! {
                                <div class="field">
                                    <label for=format!("confirm-word-{}", p + 1)>{t!(i18n, onboarding.word_n, n = move || p + 1)}</label>
                                    <input id=format!("confirm-word-{}", p + 1) autocomplete="off" autocapitalize="off" spellcheck="false" node_ref=answer />
                                </div>
                            }).collect_view()}
                            <ErrorAlert message=error />
                            <div class="row">
                                <button type="button" class="btn btn-ghost" on:click=move |_| step.set(CreateStep::Show)>{t!(i18n, onboarding.back)}</button>
                                <span class="spacer"></span>
                                <button type="submit" class="btn btn-primary">{t!(i18n, onboarding.next)}</button>
                            </div>
                        </form>
                    }.into_any(),
                    CreateStep::Password => view! {
                        <NewPasswordForm title=Signal::derive(move || t_string!(i18n, onboarding.protect).to_string())
                            submit_label=Signal::derive(move || t_string!(i18n, onboarding.create_wallet).to_string())
                            on_back=move || step.set(CreateStep::Confirm) create=on_password />
                    }.into_any(),
                }}
            </div>
        </main>
    }
}

/// The "choose a password" step shared by every onboarding flow. `create` builds and
/// stores the vault; on success the app opens it. `nested` forms follow other fields on
/// the same card, so their title is a section heading rather than the page's.
#[component]
fn NewPasswordForm<F, Fut>(
    title: Signal<String>,
    submit_label: Signal<String>,
    on_back: impl Fn() + 'static,
    create: F,
    #[prop(optional)] extra_check: Option<Box<dyn Fn() -> Result<(), String>>>,
    #[prop(optional)] nested: bool,
) -> impl IntoView
where
    F: Fn(Zeroizing<String>) -> Fut + Copy + 'static,
    Fut: std::future::Future<Output = Result<vault::UnlockedVault, String>> + 'static,
{
    let app = use_app();
    let i18n = use_i18n();
    let password = NodeRef::<Input>::new();
    let confirm = NodeRef::<Input>::new();
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let extra_check = StoredValue::new_local(extra_check);
    let clear = move || {
        [password, confirm].iter().filter_map(|i| i.try_get_untracked().flatten()).for_each(|i| i.set_value(""))
    };
    on_cleanup(clear);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if let Err(e) = extra_check.with_value(|c| c.as_ref().map(|c| c()).unwrap_or(Ok(()))) {
            error.set(Some(e));
            return;
        }
        let read = |i: NodeRef<Input>| Zeroizing::new(i.get_untracked().map(|i| i.value()).unwrap_or_default());
        let (p, c) = (read(password), read(confirm));
        if let Err(e) = check_new_password(&p, &c) {
            error.set(Some(format!(
                "{}: {}.",
                t_string!(i18n, onboarding.password_prefix),
                e.localized(i18n.get_locale_untracked())
            )));
            return;
        }
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let created = create(p).await;
            // Used: the typed password leaves the form whatever the outcome.
            clear();
            match created {
                Ok(vault) => app.unlocked(vault),
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form class="stack" class:form-section=nested on:submit=submit>
            {if nested {
                view! { <h2 class="section-title">{title}</h2> }.into_any()
            } else {
                view! { <h1 class="page-title">{title}</h1> }.into_any()
            }}
            <p class="muted">{t!(i18n, onboarding.password_intro)}</p>
            <div class="field">
                <label for="new-password">{t!(i18n, onboarding.new_password)}</label>
                <input id="new-password" type="password" autocomplete="new-password" node_ref=password />
                <span class="hint">{t!(i18n, onboarding.min_chars)}</span>
            </div>
            <div class="field">
                <label for="confirm-password">{t!(i18n, onboarding.confirm_password)}</label>
                <input id="confirm-password" type="password" autocomplete="new-password" node_ref=confirm />
            </div>
            <ErrorAlert message=error />
            <div class="row">
                <button type="button" class="btn btn-ghost" on:click=move |_| on_back() disabled=move || busy.get()>{t!(i18n, onboarding.back)}</button>
                <span class="spacer"></span>
                <button type="submit" class="btn btn-primary" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
                    <Show when=move || busy.get()><Spinner /></Show>
                    {move || if busy.get() { t_string!(i18n, onboarding.encrypting).to_string() } else { submit_label.get() }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn RestoreWallet(flow: RwSignal<Flow>) -> impl IntoView {
    let i18n = use_i18n();
    let phrase = NodeRef::<Textarea>::new();
    let typed = move || Zeroizing::new(phrase.get_untracked().map(|t| t.value()).unwrap_or_default());
    let clear = move || {
        if let Some(t) = phrase.try_get_untracked().flatten() {
            t.set_value("")
        }
    };
    on_cleanup(clear);
    let check = Box::new(move || {
        Mnemonic::parse(&typed()).map(|_| ()).map_err(|e| {
            format!("{}: {}", t_string!(i18n, onboarding.recovery_phrase), e.localized(i18n.get_locale_untracked()))
        })
    });
    let create = move |password: Zeroizing<String>| async move {
        let mnemonic = Mnemonic::parse(&typed()).map_err(|e| e.localized(i18n.get_locale_untracked()))?;
        let name = t_string!(i18n, onboarding.first_account).to_string();
        let secrets = VaultSecrets {
            mnemonic: Some(mnemonic.phrase().to_string()),
            accounts: vec![StoredAccount { name, source: AccountSource::Hd { index: 0 } }],
        };
        drop(mnemonic);
        let vault = vault::create(secrets, &password).await.map_err(|e| e.localized(i18n.get_locale_untracked()));
        if vault.is_ok() {
            clear();
        }
        vault
    };
    view! {
        <main class="center-screen">
            <div class="card">
                <div class="stack">
                    <h1 class="page-title">{t!(i18n, onboarding.restore_title)}</h1>
                    <div class="field">
                        <label for="restore-phrase">{t!(i18n, onboarding.recovery_phrase)}</label>
                        <textarea id="restore-phrase" rows="3" autocomplete="off" autocapitalize="off" spellcheck="false"
                            placeholder=move || t_string!(i18n, onboarding.phrase_placeholder)
                            node_ref=phrase></textarea>
                    </div>
                    <NewPasswordForm title=Signal::derive(move || t_string!(i18n, onboarding.choose_password).to_string())
                        submit_label=Signal::derive(move || t_string!(i18n, onboarding.restore_wallet).to_string())
                        on_back=move || flow.set(Flow::Welcome) create=create extra_check=check nested=true />
                </div>
            </div>
        </main>
    }
}

#[component]
fn ImportKeyWallet(flow: RwSignal<Flow>) -> impl IntoView {
    let i18n = use_i18n();
    let source = KeySource::new();
    let create = move |password: Zeroizing<String>| async move {
        let signing_key = source.read(i18n.get_locale_untracked()).await?;
        let secrets = VaultSecrets {
            mnemonic: None,
            accounts: vec![StoredAccount {
                name: t_string!(i18n, onboarding.first_imported).to_string(),
                source: AccountSource::Imported { key: key_hex(&signing_key) },
            }],
        };
        let vault = vault::create(secrets, &password).await.map_err(|e| e.localized(i18n.get_locale_untracked()));
        if vault.is_ok() {
            source.clear();
        }
        vault
    };
    view! {
        <main class="center-screen">
            <div class="card">
                <div class="stack">
                    <h1 class="page-title">{t!(i18n, onboarding.import_title)}</h1>
                    <KeySourceFields source=source key_input_id="import-key" />
                    <NewPasswordForm title=Signal::derive(move || t_string!(i18n, onboarding.choose_wallet_password).to_string())
                        submit_label=Signal::derive(move || t_string!(i18n, onboarding.import).to_string())
                        on_back=move || flow.set(Flow::Welcome) create=create nested=true />
                </div>
            </div>
        </main>
    }
}

/// One key to import, as the user gives it: a pasted private key, or a Web3 Secret
/// Storage (v3) key file with its password. The inputs are read when the form is sent, not
/// mirrored into signals.
#[derive(Clone, Copy)]
pub struct KeySource {
    use_file: RwSignal<bool>,
    key: NodeRef<Input>,
    json: NodeRef<Textarea>,
    password: NodeRef<Input>,
}

impl KeySource {
    pub fn new() -> Self {
        Self { use_file: RwSignal::new(false), key: NodeRef::new(), json: NodeRef::new(), password: NodeRef::new() }
    }

    /// The key, or a message in `locale` saying what is wrong with the input (never the
    /// input itself). A key file's key derivation runs in a worker, so the page stays
    /// responsive meanwhile.
    pub async fn read(&self, locale: Locale) -> Result<SigningKey, String> {
        if self.use_file.get_untracked() {
            let json = Zeroizing::new(self.json.get_untracked().map(|t| t.value()).unwrap_or_default());
            let password = Zeroizing::new(self.password.get_untracked().map(|i| i.value()).unwrap_or_default());
            // `KeystoreError` (key files) is not among the translated errors yet.
            kdf_worker::decrypt_v3(&json, &password).await.map_err(|e| e.to_string())
        } else {
            let key = Zeroizing::new(self.key.get_untracked().map(|i| i.value()).unwrap_or_default());
            parse_private_key(&key).map_err(|e| e.localized(locale))
        }
    }

    /// Empties the typed secrets: once they are in the vault, and when the form goes away.
    pub fn clear(&self) {
        // `try_`: also runs from `on_cleanup`, where an input may already be gone.
        for input in [self.key, self.password].iter().filter_map(|i| i.try_get_untracked().flatten()) {
            input.set_value("");
        }
        if let Some(json) = self.json.try_get_untracked().flatten() {
            json.set_value("");
        }
    }
}

impl Default for KeySource {
    fn default() -> Self {
        Self::new()
    }
}

/// The private-key / key-file switch and its fields.
#[component]
pub fn KeySourceFields(source: KeySource, key_input_id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let use_file = source.use_file;
    on_cleanup(move || source.clear());
    view! {
        <div class="tabs" role="tablist">
            <button type="button" role="tab" class="tab" class:active=move || !use_file.get()
                aria-selected=move || (!use_file.get()).to_string() on:click=move |_| use_file.set(false)>{t!(i18n, onboarding.private_key)}</button>
            <button type="button" role="tab" class="tab" class:active=move || use_file.get()
                aria-selected=move || use_file.get().to_string() on:click=move |_| use_file.set(true)>{t!(i18n, onboarding.key_file_json)}</button>
        </div>
        <Show when=move || !use_file.get() fallback=move || view! { <KeyFileFields json=source.json password=source.password /> }>
            <div class="field">
                <label for=key_input_id>{t!(i18n, onboarding.private_key)}</label>
                <input id=key_input_id type="password" autocomplete="off" spellcheck="false" node_ref=source.key />
                <span class="hint">{t!(i18n, onboarding.key_hint)}</span>
            </div>
        </Show>
    }
}

/// Paste-or-pick a Web3 Secret Storage (v3) key file and its password.
#[component]
pub fn KeyFileFields(json: NodeRef<Textarea>, password: NodeRef<Input>) -> impl IntoView {
    let i18n = use_i18n();
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let input: web_sys::HtmlInputElement = ev.target().expect("an input fired this").unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            spawn_local(async move {
                if let (Ok(text), Some(area)) =
                    (wasm_bindgen_futures::JsFuture::from(file.text()).await, json.get_untracked())
                {
                    area.set_value(&text.as_string().unwrap_or_default());
                }
            });
        }
    };
    view! {
        <div class="field">
            <label for="keyfile-pick">{t!(i18n, onboarding.key_file)}</label>
            <input id="keyfile-pick" type="file" accept=".json,application/json,text/plain" on:change=on_file />
        </div>
        <div class="field">
            <label for="keyfile-json">{t!(i18n, onboarding.or_paste)}</label>
            <textarea id="keyfile-json" rows="4" class="mono" spellcheck="false" node_ref=json></textarea>
        </div>
        <div class="field">
            <label for="keyfile-password">{t!(i18n, onboarding.key_file_password)}</label>
            <input id="keyfile-password" type="password" autocomplete="off" node_ref=password />
        </div>
    }
}
