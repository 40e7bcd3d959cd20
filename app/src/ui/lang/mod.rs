//! The console's language: English or Korean, from the message catalogues in `app/locales/`
//! (compiled in by `leptos_i18n`; `crate::i18n` is what its `load_locales!` generates).
//!
//! The language follows the browser until the user picks one in the header; the pick is
//! kept with the other preferences (`Settings::language`), so it holds before unlocking.
//! Errors the UI shows in words are translated through [`Localized`], enum by enum; an
//! error without a translation yet is shown in English rather than not at all.

use std::cell::Cell;

use leptos::prelude::*;

// Each area's error enums, in the user's language (one file per area of the app).
mod errors_agents;
mod errors_chain;
mod errors_light_client;
mod errors_services;
mod errors_storage;
pub(crate) mod words_agents;
mod words_carried_a;
mod words_carried_b;
mod words_services;

use crate::chain::fees::FeeError;
use crate::format::{capitalise, format_0g, AddressError, AmountError};
use crate::i18n::{use_i18n, Locale};
use crate::ui::state::use_app;
use crate::wallet::mnemonic::MnemonicError;
use crate::wallet::send_form::SendFormError;
use crate::wallet::vault::VaultError;
use crate::wallet::vault_format::NewPasswordError;

/// The language to start in: the user's saved pick, else the first of the browser's
/// languages the console speaks (by primary subtag: `ko-KR` is Korean), else English.
pub fn initial(saved: Option<&str>, browser: &[String]) -> Locale {
    saved.and_then(from_tag).or_else(|| browser.iter().find_map(|tag| from_tag(tag))).unwrap_or(Locale::en)
}

fn from_tag(tag: &str) -> Option<Locale> {
    match tag.split(['-', '_']).next()?.to_ascii_lowercase().as_str() {
        "en" => Some(Locale::en),
        "ko" => Some(Locale::ko),
        _ => None,
    }
}

/// The tag kept in the settings and set as `<html lang>`.
pub fn tag(locale: Locale) -> &'static str {
    match locale {
        Locale::en => "en",
        Locale::ko => "ko",
    }
}

/// The browser's preferred languages, most wanted first.
pub fn browser_languages() -> Vec<String> {
    web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default()
}

/// Provides the language context, starting in the saved or the browser's language, and
/// keeps `<html lang>` in step with it (screen readers pick their voice by it).
///
/// Built on `leptos_i18n`'s sub-context with a fixed start rather than its provider
/// component: the provider re-applies the browser's language after the first render,
/// which would undo a saved pick; here only the user changes the language once it is set.
pub fn provide() {
    let app = use_app();
    let saved = app.settings.with_untracked(|s| s.language.clone());
    let start = initial(saved.as_deref(), &browser_languages());
    let i18n = leptos_i18n::context::init_i18n_subcontext::<Locale>(Some(Signal::stored(start)));
    provide_context(i18n);
    IN_USE.with(|c| c.set(start));
    Effect::new(move || {
        let locale = i18n.get_locale();
        IN_USE.with(|c| c.set(locale));
        let lang = tag(locale);
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("lang", lang);
        }
    });
}

/// The language in use, from anywhere: a component, an event handler or a spawned task
/// (where no context is reachable). `provide` keeps it in step with the language context;
/// before that, and in native tests, it is English.
pub fn current() -> Locale {
    IN_USE.with(Cell::get)
}

thread_local! {
    static IN_USE: Cell<Locale> = const { Cell::new(Locale::en) };
}

/// The language menu, in the header and on the screens before unlocking. Each language
/// is named in itself, so a user who cannot read the current one still finds theirs.
#[component]
pub fn LanguageSelect() -> impl IntoView {
    let app = use_app();
    let i18n = use_i18n();
    let change = move |ev: leptos::ev::Event| {
        let Some(locale) = from_tag(&event_target_value(&ev)) else { return };
        i18n.set_locale(locale);
        app.update_settings(|s| s.language = Some(tag(locale).to_string()));
    };
    view! {
        <label class="sr-only" for="language-select">{crate::i18n::t!(i18n, language.label)}</label>
        <select id="language-select" class="network-select language-select" on:change=change prop:value=move || tag(i18n.get_locale())>
            <option value="en" lang="en">{crate::i18n::td!(Locale::en, language.en)}</option>
            <option value="ko" lang="ko">{crate::i18n::td!(Locale::ko, language.ko)}</option>
        </select>
    }
}

/// An error in the user's language.
pub trait Localized {
    fn localized(&self, locale: Locale) -> String;
}

impl Localized for VaultError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            VaultError::NoVault => td_string!(locale, vault_error.no_vault).to_string(),
            VaultError::WrongPassword => td_string!(locale, vault_error.wrong_password).to_string(),
            VaultError::NotConfirmed => td_string!(locale, vault_error.not_confirmed).to_string(),
            VaultError::Damaged(e) => e.localized(locale),
            VaultError::Store(e) => e.localized(locale),
            VaultError::Crypto(e) => e.localized(locale),
        }
    }
}

impl Localized for NewPasswordError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            NewPasswordError::TooShort => td_string!(locale, errors.password_too_short).to_string(),
            NewPasswordError::Differ => td_string!(locale, errors.password_differ).to_string(),
        }
    }
}

impl Localized for MnemonicError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match *self {
            MnemonicError::Empty => td_string!(locale, errors.phrase_empty).to_string(),
            MnemonicError::WordCount { found } => {
                fill(td_string!(locale, errors.phrase_word_count), &[("found", &found)])
            }
            MnemonicError::UnknownWord { position } => {
                fill(td_string!(locale, errors.phrase_unknown_word), &[("position", &position)])
            }
            MnemonicError::Checksum => td_string!(locale, errors.phrase_checksum).to_string(),
            MnemonicError::Invalid => td_string!(locale, errors.phrase_invalid).to_string(),
            // Not reachable from a typed phrase: derivation limits only code can hit.
            ref other => other.to_string(),
        }
    }
}

impl Localized for AddressError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            AddressError::Empty => td_string!(locale, errors.address_empty),
            AddressError::Malformed => td_string!(locale, errors.address_malformed),
            AddressError::BadChecksum => td_string!(locale, errors.address_checksum),
        }
        .to_string()
    }
}

impl Localized for AmountError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            AmountError::Empty => td_string!(locale, errors.amount_empty).to_string(),
            AmountError::NotANumber(input) => fill(td_string!(locale, errors.amount_not_number), &[("input", input)]),
            AmountError::TooPrecise => td_string!(locale, errors.amount_too_precise).to_string(),
            AmountError::TooLarge => td_string!(locale, errors.amount_too_large).to_string(),
        }
    }
}

impl Localized for crate::wallet::replacement::ReplacementError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        use crate::wallet::replacement::ReplacementError;
        match self {
            ReplacementError::TipAboveLimit { needed, cap } => {
                fill(td_string!(locale, errors.replace_tip_above_limit), &[("needed", needed), ("cap", cap)])
            }
            ReplacementError::MaxFeeAboveLimit { needed, cap } => {
                fill(td_string!(locale, errors.replace_max_above_limit), &[("needed", needed), ("cap", cap)])
            }
            ReplacementError::Fees(e) => e.localized(locale),
        }
    }
}

impl Localized for FeeError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            FeeError::TipAboveLimit { tip, cap } => {
                fill(td_string!(locale, errors.fee_tip_above_limit), &[("tip", tip), ("cap", cap)])
            }
            FeeError::MaxFeeAboveLimit { max, cap } => {
                fill(td_string!(locale, errors.fee_max_above_limit), &[("max", max), ("cap", cap)])
            }
            FeeError::BaseFeeAboveLimit { base, needed, cap } => fill(
                td_string!(locale, errors.fee_base_above_limit),
                &[("base", base), ("needed", needed), ("cap", cap)],
            ),
            FeeError::TipAboveMax => td_string!(locale, errors.fee_tip_above_max).to_string(),
            FeeError::MaxFeeBelowBase { max, base } => {
                fill(td_string!(locale, errors.fee_max_below_base), &[("max", max), ("base", base)])
            }
        }
    }
}

impl Localized for SendFormError {
    fn localized(&self, locale: Locale) -> String {
        use crate::i18n::td_string;
        match self {
            SendFormError::Recipient(e) => {
                fill(td_string!(locale, errors.send_recipient), &[("error", &e.localized(locale))])
            }
            SendFormError::Amount(e) => {
                fill(td_string!(locale, errors.send_amount), &[("error", &e.localized(locale))])
            }
            SendFormError::ZeroAmount => td_string!(locale, errors.send_zero_amount).to_string(),
            SendFormError::MaxFee(e) => {
                fill(td_string!(locale, errors.send_max_fee), &[("error", &e.localized(locale))])
            }
            SendFormError::Priority(e) => {
                fill(td_string!(locale, errors.send_priority), &[("error", &e.localized(locale))])
            }
            SendFormError::Fees(e) => format!("{}.", capitalise(&e.localized(locale))),
            SendFormError::BalanceLoading => td_string!(locale, errors.send_balance_loading).to_string(),
            SendFormError::BalanceRejected => td_string!(locale, errors.send_balance_rejected).to_string(),
            SendFormError::NotEnough { needs, holds } => fill(
                td_string!(locale, errors.send_not_enough),
                &[("needs", &format_0g(*needs)), ("holds", &format_0g(*holds))],
            ),
        }
    }
}

/// Puts values into a message's `[name]` slots. Errors are text, not views, and
/// `leptos_i18n`'s own interpolation only makes views under `load_locales!`.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    values
        .iter()
        .fold(template.to_string(), |text, (name, value)| text.replace(&format!("[{name}]"), &value.to_string()))
}

#[cfg(test)]
pub(crate) mod tests {
    /// A `[name]` slot left unfilled in a message (`[3, 7]`, a list of numbers, is not one).
    pub(crate) fn unfilled(text: &str) -> bool {
        text.split('[').skip(1).any(|rest| {
            rest.split_once(']')
                .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
    }

    use super::*;

    fn langs(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn a_saved_pick_wins_then_the_browsers_first_language_the_console_speaks() {
        assert_eq!(initial(Some("ko"), &langs(&["en-US"])), Locale::ko);
        assert_eq!(initial(None, &langs(&["ko-KR", "en-US"])), Locale::ko);
        assert_eq!(initial(None, &langs(&["fr-FR", "ko"])), Locale::ko, "French is skipped, Korean found");
        assert_eq!(initial(None, &langs(&["de", "fr"])), Locale::en, "nothing spoken: English");
        assert_eq!(initial(Some("xx"), &langs(&["ko_KR"])), Locale::ko, "an unknown saved tag is ignored");
        assert_eq!(initial(None, &[]), Locale::en);
    }

    /// Every key of a catalogue, dotted (`nav.wallet`), with its text.
    fn keys(json: &str) -> std::collections::BTreeMap<String, String> {
        fn walk(prefix: &str, v: &serde_json::Value, out: &mut std::collections::BTreeMap<String, String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        walk(&if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") }, v, out)
                    }
                }
                serde_json::Value::String(text) => {
                    out.insert(prefix.to_string(), text.clone());
                }
                other => panic!("{prefix}: a message must be text, not {other}"),
            }
        }
        let mut out = Default::default();
        walk("", &serde_json::from_str(json).expect("a catalogue is JSON"), &mut out);
        out
    }

    #[test]
    fn both_catalogues_have_the_same_keys_and_no_empty_message() {
        let en = keys(include_str!("../../../locales/en.json"));
        let ko = keys(include_str!("../../../locales/ko.json"));
        let only = |a: &std::collections::BTreeMap<String, String>, b: &std::collections::BTreeMap<String, String>| {
            a.keys().filter(|k| !b.contains_key(*k)).cloned().collect::<Vec<_>>()
        };
        assert_eq!(only(&en, &ko), Vec::<String>::new(), "keys in English with no Korean");
        assert_eq!(only(&ko, &en), Vec::<String>::new(), "keys in Korean with no English");
        let empty: Vec<_> = en.iter().chain(&ko).filter(|(_, t)| t.trim().is_empty()).map(|(k, _)| k).collect();
        assert!(empty.is_empty(), "empty messages: {empty:?}");
        // A Korean message that is the English one was not translated (language names and
        // the product's name aside).
        let untranslated: Vec<_> =
            en.iter().filter(|(k, t)| !k.starts_with("language.") && ko[*k] == **t).map(|(k, _)| k).collect();
        assert!(untranslated.is_empty(), "copied, not translated: {untranslated:?}");
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_catalogue() {
        let en = keys(include_str!("../../../locales/en.json"));
        let mut used = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // `t!(i18n, a.b)`, `t_string!(i18n, a.b)`, `td_string!(locale, a.b)`, `td!(Locale::ko, a.b)`.
                    for (i, _) in text.match_indices("!(") {
                        let before = &text[..i];
                        let line = &before[before.rfind('\n').map_or(0, |p| p + 1)..];
                        if line.trim_start().starts_with("//") {
                            continue;
                        }
                        let name =
                            &before[before.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |p| p + 1)..];
                        if !matches!(name, "t" | "td" | "t_string" | "td_string") {
                            continue;
                        }
                        // The key is the macro's second argument, split at top-level commas
                        // (the locale may be a call; the macro may span lines).
                        let mut depth = 0;
                        let mut args = vec![String::new()];
                        for c in text[i + 2..].chars() {
                            match c {
                                '(' => depth += 1,
                                ')' if depth == 0 => break,
                                ')' => depth -= 1,
                                ',' if depth == 0 => {
                                    args.push(String::new());
                                    continue;
                                }
                                _ => {}
                            }
                            args.last_mut().expect("one at least").push(c);
                        }
                        let Some(key) = args.get(1) else { continue };
                        used.push((path.display().to_string(), key.trim().to_string()));
                    }
                }
            }
        }
        assert!(used.len() > 20, "the scan found the views' keys ({} of them)", used.len());
        let missing: Vec<_> = used.iter().filter(|(_, k)| !en.contains_key(k)).collect();
        assert!(missing.is_empty(), "keys used but not in the catalogue: {missing:?}");
    }

    /// The English catalogue is the enums' own text, so an error reads the same whether a
    /// view translates it or prints it.
    #[test]
    fn english_error_messages_match_the_enums() {
        let phrase = [
            MnemonicError::Empty,
            MnemonicError::WordCount { found: 5 },
            MnemonicError::UnknownWord { position: 3 },
            MnemonicError::Checksum,
            MnemonicError::Invalid,
        ];
        for e in phrase {
            assert_eq!(e.localized(Locale::en), e.to_string());
            assert!(!e.localized(Locale::ko).contains('['), "a slot was left unfilled: {}", e.localized(Locale::ko));
        }
        for e in [NewPasswordError::TooShort, NewPasswordError::Differ] {
            assert_eq!(e.localized(Locale::en), e.to_string());
        }
        assert_eq!(
            MnemonicError::WordCount { found: 5 }.localized(Locale::ko).split('.').next(),
            Some("구문이 5단어입니다")
        );
        let fee = |s: &str| s.to_string();
        let send = [
            SendFormError::Recipient(AddressError::Empty),
            SendFormError::Recipient(AddressError::Malformed),
            SendFormError::Recipient(AddressError::BadChecksum),
            SendFormError::Amount(AmountError::Empty),
            SendFormError::Amount(AmountError::NotANumber("1.5.2".into())),
            SendFormError::MaxFee(AmountError::TooPrecise),
            SendFormError::Priority(AmountError::TooLarge),
            SendFormError::ZeroAmount,
            SendFormError::Fees(FeeError::TipAboveLimit { tip: fee("5 gwei"), cap: fee("2 gwei") }),
            SendFormError::Fees(FeeError::MaxFeeAboveLimit { max: fee("500 gwei"), cap: fee("100 gwei") }),
            SendFormError::Fees(FeeError::BaseFeeAboveLimit {
                base: fee("90 gwei"),
                needed: fee("182 gwei"),
                cap: fee("100 gwei"),
            }),
            SendFormError::Fees(FeeError::TipAboveMax),
            SendFormError::Fees(FeeError::MaxFeeBelowBase { max: fee("1 gwei"), base: fee("2 gwei") }),
            SendFormError::BalanceLoading,
            SendFormError::BalanceRejected,
            SendFormError::NotEnough {
                needs: alloy_primitives::U256::from(3u64),
                holds: alloy_primitives::U256::from(2u64),
            },
        ];
        for e in send {
            assert_eq!(e.localized(Locale::en), e.to_string());
            let ko = e.localized(Locale::ko);
            assert!(!ko.contains('[') && ko != e.to_string(), "{ko}");
        }
    }

    #[test]
    fn replacement_errors_match_the_enum() {
        use crate::wallet::replacement::ReplacementError;
        let s = |s: &str| s.to_string();
        for e in [
            ReplacementError::TipAboveLimit { needed: s("3 gwei"), cap: s("2 gwei") },
            ReplacementError::MaxFeeAboveLimit { needed: s("300 gwei"), cap: s("200 gwei") },
            ReplacementError::Fees(FeeError::TipAboveMax),
        ] {
            assert_eq!(e.localized(Locale::en), e.to_string());
            let ko = e.localized(Locale::ko);
            assert!(!ko.contains('[') && ko != e.to_string(), "{ko}");
        }
    }

    #[test]
    fn the_wrong_password_says_what_to_do_in_both_languages() {
        let ko = VaultError::WrongPassword.localized(Locale::ko);
        assert!(ko.contains("비밀번호가 틀렸습니다") && ko.contains("복구 구문"), "{ko}");
        assert_eq!(VaultError::WrongPassword.localized(Locale::en), VaultError::WrongPassword.to_string());
    }
}
