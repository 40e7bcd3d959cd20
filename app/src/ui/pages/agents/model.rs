//! What the Agents pages show, apart from how: the list's rows, where an agent came from in
//! words, the tools typed on the create form, a console answer and its source. No view and
//! no signal here, so it is tested natively.

use alloy_primitives::{Address, U256};

use crate::compute::local::{Backend, LocalAnswer};
use crate::compute::service::AnswerCheck;
use crate::compute::thread::Stats;
use crate::format::format_0g;
use crate::i18n::{td_string, Locale};
use crate::inft::provenance::{Origin, Provenance};
use crate::ui::lang::fill;
use crate::ui::lang::words_agents::{provenance_words, speed_words};

/// The agents list once read: its rows and the block ownership was proven at.
pub(super) type Listing = Option<Result<(Vec<Row>, u64), String>>;

/// One row of "Your agents": the token, its name once its data is opened, and where it
/// came from.
#[derive(Clone)]
pub(super) struct Row {
    pub(super) token: U256,
    pub(super) name: Result<String, String>,
    pub(super) provenance: Result<Provenance, String>,
}

/// Where an agent came from, in words, or why that is not known.
pub(super) fn provenance_line(provenance: &Result<Provenance, String>, mine: &[Address], locale: Locale) -> String {
    match provenance {
        Ok(p) => provenance_words(locale, p, mine),
        Err(e) => fill(td_string!(locale, words_agents.provenance_unproven), &[("error", e)]),
    }
}

/// `data-origin` for tests and styles.
pub(super) fn origin_kind(origin: &Origin) -> &'static str {
    match origin {
        Origin::Own => "own",
        Origin::Accepted { .. } => "accepted",
        Origin::Foreign { .. } => "foreign",
        Origin::Unproven => "unproven",
    }
}

/// The tools typed on the create form: comma-separated, blanks dropped.
pub(super) fn split_tools(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect()
}

/// Where a console answer came from.
#[derive(Clone)]
pub(super) enum ConsoleSource {
    /// A 0G Compute provider: its cost and whether its signature checked out.
    Provider { cost: U256, tokens: (u64, u64), check: AnswerCheck, stats: Option<Stats> },
    /// A model run in this browser: SmolLM2 on the CPU or on WebGPU.
    Local(LocalAnswer),
}

#[derive(Clone)]
pub(super) struct ConsoleAnswer {
    pub(super) question: String,
    pub(super) text: String,
    pub(super) source: ConsoleSource,
}

impl ConsoleAnswer {
    /// An answer whose signature failed is not kept in the agent's memory.
    pub(super) fn savable(&self) -> bool {
        !matches!(self.source, ConsoleSource::Provider { check: AnswerCheck::Unverified { .. }, .. })
    }

    /// What it cost and what it took, in one line.
    pub(super) fn details(&self, locale: Locale) -> String {
        match &self.source {
            ConsoleSource::Provider { cost, tokens, stats, .. } => {
                let cost = fill(
                    td_string!(locale, words_agents.details_provider),
                    &[("cost", &format_0g(*cost)), ("prompt", &tokens.0), ("answer", &tokens.1)],
                );
                match stats.as_ref().and_then(|s| stats_words(locale, s)) {
                    Some(speed) => format!("{cost}, {speed}"),
                    None => cost,
                }
            }
            ConsoleSource::Local(local) => fill(
                td_string!(locale, words_agents.details_local),
                &[
                    ("model", &local.model),
                    ("prompt", &local.prompt_tokens),
                    ("answer", &local.completion_tokens),
                    ("speed", &speed_words(locale, local)),
                ],
            ),
        }
    }

    /// Why a local answer ran on the CPU, when WebGPU was not avoided on purpose.
    pub(super) fn why_cpu(&self) -> Option<String> {
        match &self.source {
            ConsoleSource::Local(local) => local.why_cpu.clone(),
            ConsoleSource::Provider { .. } => None,
        }
    }
}

/// A streamed answer's speed as the console says it ("18 tokens/s, first token after
/// 420 ms"), when it can be measured (`Stats::tokens_per_sec`).
pub(super) fn stats_words(locale: Locale, stats: &Stats) -> Option<String> {
    let rate = stats.tokens_per_sec()?;
    let decimals = if rate < 10.0 { 1 } else { 0 };
    Some(fill(
        td_string!(locale, words_agents.speed),
        &[("rate", &format!("{rate:.decimals$}")), ("ms", &format!("{:.0}", stats.first_token_ms))],
    ))
}

/// A local answer's backend as its badge says it: `data-backend` and the hover text (an
/// adapter's description is the browser's own words).
pub(super) fn backend_badge(backend: &Backend, locale: Locale) -> (&'static str, String) {
    match backend {
        Backend::WebGpu { description, software: true, .. } => {
            ("webgpu", fill(td_string!(locale, words_agents.badge_software_gpu), &[("description", description)]))
        }
        Backend::WebGpu { description, .. } => ("webgpu", description.clone()),
        Backend::Cpu => ("cpu", td_string!(locale, words_agents.badge_cpu).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(source: ConsoleSource) -> ConsoleAnswer {
        ConsoleAnswer { question: "hi".into(), text: "hello".into(), source }
    }

    fn local(backend: Backend, why_cpu: Option<&str>) -> LocalAnswer {
        LocalAnswer {
            model: "SmolLM2-135M-Instruct",
            text: "hello".into(),
            prompt_tokens: 12,
            completion_tokens: 4,
            stopped_early: false,
            backend,
            why_cpu: why_cpu.map(String::from),
            first_token_ms: 20.0,
            total_ms: 100.0,
        }
    }

    #[test]
    fn a_providers_answer_says_its_speed_when_it_can_be_measured() {
        let with = |stats| {
            answer(ConsoleSource::Provider {
                cost: U256::from(1_000_000_000_000_000u64),
                tokens: (30, 11),
                check: AnswerCheck::Unverified { reason: "-".into() },
                stats,
            })
        };
        // 10 tokens after the first in 500 ms: 20 tokens/s; the first after 420 ms.
        let measured = with(Some(Stats { first_token_ms: 420.0, total_ms: 920.0, tokens: 11 }));
        assert_eq!(
            measured.details(Locale::en),
            "Cost 0.001 0G (30 prompt + 11 answer tokens), 20 tokens/s, first token after 420 ms"
        );
        assert!(measured.details(Locale::ko).contains("초당 20토큰"), "{}", measured.details(Locale::ko));
        // One token has no rate: the speed is left out rather than made up.
        let single = with(Some(Stats { first_token_ms: 420.0, total_ms: 420.0, tokens: 1 }));
        assert_eq!(single.details(Locale::en), "Cost 0.001 0G (30 prompt + 11 answer tokens)");
    }

    #[test]
    fn an_answer_whose_signature_failed_is_not_saved_and_says_its_cost() {
        let unverified = answer(ConsoleSource::Provider {
            cost: U256::from(1_500_000_000_000_000u64),
            tokens: (30, 7),
            check: AnswerCheck::Unverified { reason: "no signature".into() },
            stats: None,
        });
        assert!(!unverified.savable());
        assert_eq!(unverified.details(Locale::en), "Cost 0.0015 0G (30 prompt + 7 answer tokens)");
        let ko = unverified.details(Locale::ko);
        assert!(ko.contains("0.0015 0G") && ko.contains("30") && !ko.contains('[') && !ko.contains("Cost"), "{ko}");
        assert_eq!(unverified.why_cpu(), None);
        let run_here = answer(ConsoleSource::Local(local(Backend::Cpu, Some("no WebGPU adapter"))));
        assert!(run_here.savable());
        let details = run_here.details(Locale::en);
        assert!(
            details.starts_with("SmolLM2-135M-Instruct in this browser: 12 prompt + 4 answer tokens, "),
            "{details}"
        );
        assert!(details.ends_with(", nothing paid"));
        assert_eq!(
            details,
            format!(
                "SmolLM2-135M-Instruct in this browser: 12 prompt + 4 answer tokens, {}, nothing paid",
                local(Backend::Cpu, None).speed()
            )
        );
        let ko = run_here.details(Locale::ko);
        assert!(ko.contains("SmolLM2-135M-Instruct") && !ko.contains('[') && !ko.contains("nothing paid"), "{ko}");
        assert_eq!(run_here.why_cpu().as_deref(), Some("no WebGPU adapter"));
    }

    #[test]
    fn a_software_gpu_is_called_emulated() {
        let gpu =
            |software| Backend::WebGpu { adapter: "swiftshader".into(), description: "SwiftShader".into(), software };
        assert_eq!(backend_badge(&gpu(false), Locale::en), ("webgpu", "SwiftShader".to_string()));
        assert_eq!(backend_badge(&gpu(false), Locale::ko), ("webgpu", "SwiftShader".to_string()));
        assert_eq!(
            backend_badge(&gpu(true), Locale::en).1,
            "SwiftShader (a software adapter: the GPU is emulated on the CPU)"
        );
        let ko = backend_badge(&gpu(true), Locale::ko).1;
        assert!(ko.starts_with("SwiftShader") && !ko.contains("emulated"), "{ko}");
        assert_eq!(
            backend_badge(&Backend::Cpu, Locale::en),
            ("cpu", "candle compiled to wasm, in the local model's Web Worker".to_string())
        );
        assert_ne!(backend_badge(&Backend::Cpu, Locale::ko).1, backend_badge(&Backend::Cpu, Locale::en).1);
    }

    #[test]
    fn tools_are_split_on_commas_and_blanks_dropped() {
        assert_eq!(split_tools(" search, ,calculator,"), vec!["search", "calculator"]);
        assert!(split_tools("  ").is_empty());
    }

    #[test]
    fn an_unproven_origin_says_why() {
        assert_eq!(origin_kind(&Origin::Foreign { creator: Address::ZERO }), "foreign");
        let unproven: Result<Provenance, String> = Err("the logs could not be read".into());
        assert_eq!(
            provenance_line(&unproven, &[], Locale::en),
            "Where it came from is not proven: the logs could not be read"
        );
        let ko = provenance_line(&unproven, &[], Locale::ko);
        assert!(ko.starts_with("출처") && ko.ends_with("the logs could not be read"), "{ko}");
    }
}
