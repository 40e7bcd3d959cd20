//! SmolLM2 in a Web Worker: the model runs in a wasm of its own (the `zg-llm-worker` bin,
//! built by trunk into `dist/llm-worker/`, see `app/index.html`), so the page never freezes
//! while it thinks and the app's own wasm carries none of candle. It runs on the CPU
//! (candle) or, when the page asks for it, on WebGPU (`compute::gpu`, built from the same
//! weights the first time it is asked for and kept while the device lives).
//!
//! The weights (`models/SmolLM2-135M-Instruct.Q4_1.gguf`, served beside the app) are fetched
//! the first time someone runs the model here, with progress, checked against the checksum
//! `models/manifest.txt` gives, and kept in the browser's Cache Storage; later visits read
//! them from there (checked again: an evicted or damaged copy is fetched anew). The worker
//! keeps the model loaded for as long as the page keeps the worker.
//!
//! The same worker embeds texts with multilingual-e5-small (`models/e5-small-q4.bin`, fetched
//! and cached the same way) for the agent's memory by meaning.
//!
//! Protocol (JSON strings both ways, the types below): page → [`ToWorker::Generate`] (the
//! conversation, sampling and [`WantBackend`]), [`ToWorker::Stop`] and [`ToWorker::Embed`];
//! worker → [`FromWorker`]: `Ready` once its wasm runs, `Progress` while weights arrive,
//! `Loaded`, `Started` with the backend that runs (and why the CPU, when the GPU engine
//! could not start and the page allowed falling back), then `Piece` per piece of text and
//! `Done`, or `Embedded`; `GpuFailed` when the GPU engine failed and no fallback was
//! allowed; `Failed` when a job cannot be done. Stop is read between tokens.
//!
//! This module (the messages) is pure and tested natively; `inside` is the worker's side
//! and `client` the page's, both wasm32 only.

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod inside;

use serde::{Deserialize, Serialize};

use super::local::{Backend, LocalError};

/// Cache Storage's cache for model weights; a new name would drop every old entry.
pub const CACHE_NAME: &str = "zg-models-v1";
/// Where the chat model's weights are, relative to the app's own URL.
pub fn weights_path() -> String {
    format!("models/{}", zg_llm::weights::smollm2().file_name)
}

/// Where the embedding model's weights are, relative to the app's own URL.
pub fn embedding_weights_path() -> String {
    format!("models/{}", zg_llm::weights::e5().file_name)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: String,
    pub content: String,
}

/// The backend the page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum WantBackend {
    #[default]
    Cpu,
    /// WebGPU; a software adapter only if `allow_software`; if the engine cannot start,
    /// the CPU (saying why) when `fall_back`, else `GpuFailed`.
    WebGpu { allow_software: bool, fall_back: bool },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ToWorker {
    Generate {
        weights_url: String,
        messages: Vec<ChatMessage>,
        max_tokens: usize,
        temperature: f32,
        seed: u64,
        #[serde(default)]
        backend: WantBackend,
    },
    Stop,
    /// multilingual-e5-small vectors of `texts`, as queries or as stored passages.
    Embed {
        weights_url: String,
        texts: Vec<String>,
        query: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FromWorker {
    Ready,
    /// Weight bytes arrived so far; `total` from the manifest.
    Progress {
        loaded: u64,
        total: u64,
    },
    /// The model is ready: read from Cache Storage (`cached`) or downloaded, in `ms`.
    Loaded {
        parameters: u64,
        cached: bool,
        ms: f64,
    },
    /// The answer is starting on `backend`; `why_cpu` when WebGPU was asked for and could
    /// not start.
    Started {
        backend: Backend,
        why_cpu: Option<String>,
    },
    Piece {
        text: String,
    },
    Done {
        prompt_tokens: usize,
        completion_tokens: usize,
        stopped: bool,
        first_token_ms: f64,
        total_ms: f64,
    },
    Failed {
        message: String,
    },
    /// The GPU engine failed (at start, or mid-answer) and the page did not allow the CPU.
    GpuFailed {
        error: LocalError,
    },
    /// One vector per text asked for, in order.
    Embedded {
        vectors: Vec<Vec<f32>>,
    },
}

impl ToWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(text: &str) -> Result<ToWorker, String> {
        serde_json::from_str(text).map_err(|e| format!("the local model's worker was sent a bad message: {e}"))
    }
}

impl FromWorker {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn parse(text: &str) -> Result<FromWorker, String> {
        serde_json::from_str(text).map_err(|e| format!("the local model's worker sent a bad message: {e}"))
    }
}

/// How much of a model's weights has downloaded. Shown in the page's language; `Display` is
/// the English: "41.9 of 98.4 MB".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    pub loaded: u64,
    pub total: u64,
}

impl DownloadProgress {
    /// `bytes` in megabytes, to one decimal: "41.9".
    pub fn megabytes(bytes: u64) -> String {
        format!("{:.1}", bytes as f64 / 1e6)
    }
}

impl std::fmt::Display for DownloadProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} of {} MB", Self::megabytes(self.loaded), Self::megabytes(self.total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_as_tagged_json() {
        let ask = ToWorker::Generate {
            weights_url: "http://x/models/m.gguf".into(),
            messages: vec![ChatMessage { role: "user".into(), content: "Hi".into() }],
            max_tokens: 64,
            temperature: 0.2,
            seed: 7,
            backend: WantBackend::WebGpu { allow_software: false, fall_back: true },
        };
        let json = ask.to_json();
        assert!(json.starts_with(r#"{"kind":"generate","weightsUrl":"#), "{json}");
        assert_eq!(ToWorker::parse(&json).unwrap(), ask);
        assert!(json.contains(r#""backend":{"kind":"webGpu","allowSoftware":false,"fallBack":true}"#), "{json}");
        assert_eq!(ToWorker::parse(r#"{"kind":"stop"}"#).unwrap(), ToWorker::Stop);
        // A page that names no backend asks for the CPU.
        let cpu = r#"{"kind":"generate","weightsUrl":"u","messages":[],"maxTokens":1,"temperature":0,"seed":0}"#;
        assert!(matches!(ToWorker::parse(cpu).unwrap(), ToWorker::Generate { backend: WantBackend::Cpu, .. }));
        let started = FromWorker::Started {
            backend: Backend::WebGpu { adapter: "a".into(), description: "an a".into(), software: false },
            why_cpu: None,
        };
        assert_eq!(FromWorker::parse(&started.to_json()).unwrap(), started);
        let fell_back = FromWorker::Started { backend: Backend::Cpu, why_cpu: Some("too large".into()) };
        assert_eq!(FromWorker::parse(&fell_back.to_json()).unwrap(), fell_back);
        let failed = FromWorker::GpuFailed {
            error: LocalError::TooLarge { adapter: "a".into(), what: "layer weights".into(), need: 2, limit: 1 },
        };
        assert_eq!(FromWorker::parse(&failed.to_json()).unwrap(), failed);
        let done = FromWorker::Done {
            prompt_tokens: 3,
            completion_tokens: 8,
            stopped: false,
            first_token_ms: 1.0,
            total_ms: 2.0,
        };
        assert_eq!(FromWorker::parse(&done.to_json()).unwrap(), done);
        assert!(done.to_json().contains(r#""promptTokens":3"#));
        assert!(FromWorker::parse(r#"{"kind":"explode"}"#).unwrap_err().contains("bad message"));
        let embed = ToWorker::Embed { weights_url: "u".into(), texts: vec!["a".into()], query: true };
        assert_eq!(ToWorker::parse(&embed.to_json()).unwrap(), embed);
        let vectors = FromWorker::Embedded { vectors: vec![vec![0.5, -0.25]] };
        assert_eq!(FromWorker::parse(&vectors.to_json()).unwrap(), vectors);
    }

    #[test]
    fn the_weights_are_served_beside_the_app() {
        assert_eq!(weights_path(), "models/SmolLM2-135M-Instruct.Q4_1.gguf");
        assert_eq!(embedding_weights_path(), "models/e5-small-q4.bin");
        assert_eq!(DownloadProgress { loaded: 41_900_000, total: 98_362_432 }.to_string(), "41.9 of 98.4 MB");
    }
}
