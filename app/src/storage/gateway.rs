//! 0G's storage indexer from the browser: its JSON-RPC (`indexer_getShardedNodes`,
//! `indexer_getFileLocations`) for finding nodes, and its REST gateway (`GET /file/info/:cid`,
//! `POST /file/segment`, `GET /file?root=`) for pages that cannot reach the nodes.
//!
//! Thin: answers are parsed and handed on. The indexer is believed about nothing: node
//! lists are checked against the nodes, and a whole-file download is released only after
//! its root matched (`whole_file`).

use alloy_primitives::B256;
use serde_json::{json, Value};
use wasm_bindgen::JsCast;
use wasm_light_client::jsonrpc::quote_node_words;
use wasm_light_client::JsonRpcTransport;
use zg_light_client_js::body::{read_capped, BodyError};

use super::discovery::{host, ShardedNode, ShardedNodes};
use super::transfer::Gateway;
use super::whole_file::WholeFileCheck;
use super::wire::{FileInfo, GatewayReply, GatewaySegment};
use crate::chain::rpc::FetchTransport;

/// A short exchange (file info, one segment up) may take this long.
const CALL_TIMEOUT_MS: u32 = 30_000;
/// A download may go on as long as bytes keep coming; this much silence ends it.
const IDLE_TIMEOUT_MS: u32 = 30_000;
/// Far above any JSON answer of the gateway.
const MAX_ANSWER: usize = 1 << 20;

pub use super::transfer::IndexerError;

#[derive(Debug, Clone)]
pub struct Indexer {
    base: String,
    rpc: FetchTransport,
}

impl Indexer {
    pub fn new(url: &str) -> Self {
        let base = url.trim_end_matches('/').to_string();
        // 0G serves the JSON-RPC at POST / on the same port as the gateway.
        Self { rpc: FetchTransport::new(format!("{base}/")), base }
    }

    pub fn host(&self) -> String {
        host(&self.base)
    }

    fn unreachable(&self, reason: impl Into<String>) -> IndexerError {
        IndexerError::Unreachable { host: self.host(), reason: reason.into() }
    }

    fn malformed(&self, reason: impl Into<String>) -> IndexerError {
        IndexerError::Malformed { host: self.host(), reason: reason.into() }
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, IndexerError> {
        self.rpc.request(method, params).await.map_err(|e| self.unreachable(e.to_string()))
    }

    /// The nodes the indexer lists, trusted and discovered.
    pub async fn sharded_nodes(&self) -> Result<ShardedNodes, IndexerError> {
        let answer = self.call("indexer_getShardedNodes", json!([])).await?;
        serde_json::from_value(answer).map_err(|e| self.malformed(format!("indexer_getShardedNodes: {e}")))
    }

    /// The nodes the indexer says hold `root`; empty when it knows none (0G answers null
    /// while the holders do not cover every shard).
    pub async fn file_locations(&self, root: B256) -> Result<Vec<ShardedNode>, IndexerError> {
        let answer = self.call("indexer_getFileLocations", json!([root])).await?;
        if answer.is_null() {
            return Ok(Vec::new());
        }
        serde_json::from_value(answer).map_err(|e| self.malformed(format!("indexer_getFileLocations: {e}")))
    }

    /// One REST exchange; its envelope's `data`, or the gateway's refusal in its words.
    async fn rest(
        &self,
        request: gloo::net::http::RequestBuilder,
        body: Option<&Value>,
    ) -> Result<Value, IndexerError> {
        let controller = web_sys::AbortController::new().map_err(|_| self.unreachable("fetch is unavailable"))?;
        let signal = controller.signal();
        let timer = gloo::timers::callback::Timeout::new(CALL_TIMEOUT_MS, move || controller.abort());
        let request = request.abort_signal(Some(&signal));
        let sent = match body {
            Some(body) => request.json(body).map_err(|e| self.malformed(e.to_string()))?.send().await,
            None => request.send().await,
        };
        let late = || self.unreachable(format!("no answer within {} s", CALL_TIMEOUT_MS / 1000));
        let response = sent.map_err(|e| if signal.aborted() { late() } else { self.unreachable(e.to_string()) })?;
        let status = response.status();
        let raw: web_sys::Response = response.into();
        let bytes = read_capped(raw.as_ref(), MAX_ANSWER).await.map_err(|e| match e {
            BodyError::TooLarge => self.malformed("an answer over 1 MiB where a short one was due"),
            BodyError::Failed(_) if signal.aborted() => late(),
            BodyError::Failed(e) => self.unreachable(e),
        })?;
        drop(timer);
        let reply: GatewayReply = serde_json::from_slice(&bytes)
            .map_err(|_| self.malformed(format!("HTTP {status} without 0G's {{code, message, data}} answer")))?;
        reply.into_result().map_err(|(code, words)| IndexerError::Refused {
            host: self.host(),
            code,
            words: quote_node_words(&words),
        })
    }

    /// `GET /file/info/:root`: the nodes' merged `FileInfo`; `None` while the indexer's
    /// nodes do not know the file. Unproven: used to route and to wait, never as data.
    pub async fn file_info(&self, root: B256) -> Result<Option<FileInfo>, IndexerError> {
        let url = format!("{}/file/info/{root}", self.base);
        match self.rest(gloo::net::http::Request::get(&url), None).await {
            Ok(Value::Null) => Ok(None),
            Ok(info) => serde_json::from_value(info).map(Some).map_err(|e| self.malformed(format!("file info: {e}"))),
            Err(e) if e.not_yet_there() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /file/segment`: one segment with its proof; the gateway checks the proof and
    /// stores it on nodes keeping its shard.
    pub async fn upload_segment(&self, segment: &GatewaySegment<'_>) -> Result<(), IndexerError> {
        let url = format!("{}/file/segment", self.base);
        let body = serde_json::to_value(segment).map_err(|e| self.malformed(e.to_string()))?;
        self.rest(gloo::net::http::Request::post(&url), Some(&body)).await.map(|_| ())
    }

    /// `GET /file?root=`: the whole file, hashed as it arrives and returned only if its
    /// root is `root` and it is `size` bytes long. `progress(done, total)` in segments.
    pub async fn download(&self, root: B256, size: u64, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, IndexerError> {
        let controller = web_sys::AbortController::new().map_err(|_| self.unreachable("fetch is unavailable"))?;
        let signal = controller.signal();
        let arm = || {
            let controller = controller.clone();
            gloo::timers::callback::Timeout::new(IDLE_TIMEOUT_MS, move || controller.abort())
        };
        let mut idle = arm();
        let url = format!("{}/file?root={root}", self.base);
        let response =
            gloo::net::http::Request::get(&url).abort_signal(Some(&signal)).send().await.map_err(|e| {
                self.unreachable(if signal.aborted() { "no answer".to_string() } else { e.to_string() })
            })?;
        let is_json = response.headers().get("content-type").is_some_and(|t| t.starts_with("application/json"));
        let cut = |reason: String| IndexerError::Cut { host: self.host(), reason };
        if is_json || !response.ok() {
            // 0G answers errors as a JSON envelope (HTTP 200 or 600); a file is an attachment.
            let raw: web_sys::Response = response.into();
            let bytes =
                read_capped(raw.as_ref(), MAX_ANSWER).await.map_err(|_| cut("an error answer broke off".into()))?;
            return match serde_json::from_slice::<GatewayReply>(&bytes).map(GatewayReply::into_result) {
                Ok(Err((code, words))) => {
                    Err(IndexerError::Refused { host: self.host(), code, words: quote_node_words(&words) })
                }
                _ => Err(self.malformed("a JSON answer where the file was due")),
            };
        }
        let body = response.body().ok_or_else(|| cut("the answer has no body".into()))?;
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut check = WholeFileCheck::new(root, size);
        let total = check.segments_total();
        loop {
            let chunk = wasm_bindgen_futures::JsFuture::from(reader.read()).await.map_err(|_| {
                cut(if signal.aborted() {
                    format!("silent for {} s", IDLE_TIMEOUT_MS / 1000)
                } else {
                    "the connection failed".into()
                })
            })?;
            idle.cancel();
            idle = arm();
            let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
            if done {
                break;
            }
            let value = js_sys::Reflect::get(&chunk, &"value".into()).unwrap_or_default();
            let piece = js_sys::Uint8Array::new(&value).to_vec();
            if let Err(error) = check.push(&piece) {
                let _ = reader.cancel();
                return Err(IndexerError::Corrupt { host: self.host(), error });
            }
            progress(check.segments_done(), total);
        }
        idle.cancel();
        progress(total, total);
        check.finish().map_err(|error| IndexerError::Corrupt { host: self.host(), error })
    }
}

impl Gateway for Indexer {
    fn host(&self) -> String {
        Indexer::host(self)
    }

    async fn upload_segment(&self, segment: &GatewaySegment<'_>) -> Result<(), IndexerError> {
        Indexer::upload_segment(self, segment).await
    }

    async fn download(&self, root: B256, size: u64, progress: &dyn Fn(u64, u64)) -> Result<Vec<u8>, IndexerError> {
        Indexer::download(self, root, size, progress).await
    }
}
