//! Test harness: starts the real `zg-devnet` binary (and so a real anvil) on free ports
//! with a throwaway dist directory, and stops it with SIGTERM when dropped.

#![allow(dead_code)]
// each test binary uses its own part of the harness
// libc::kill on processes these tests started: a system call that touches no memory of ours.
#![allow(unsafe_code)]

pub mod compute;
pub mod flow;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolEvent};
use devnet::jsonrpc::{Client, RpcError};
use serde_json::{json, Value};

/// The tiny wasm module the dist directory holds: just the header.
pub const WASM_BYTES: &[u8] = b"\0asm\x01\0\0\0";
pub const INDEX_HTML: &str = "<!doctype html><title>zg-console test app</title>";
pub const DEV_ACCOUNT_0: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

pub fn anvil_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil")
}

/// Fails (never skips) when anvil is not installed: the tests are meaningless without it.
pub fn require_anvil() -> PathBuf {
    let path = anvil_path();
    assert!(
        path.is_file(),
        "anvil is missing at {}: run `npm ci` in the workspace root, then test again",
        path.display()
    );
    path
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("zg-devnet-test-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A dist directory as `cargo xtask build` would leave it, in miniature.
    pub fn dist() -> TempDir {
        let dir = TempDir::new("dist");
        std::fs::write(dir.0.join("index.html"), INDEX_HTML).unwrap();
        std::fs::create_dir_all(dir.0.join("pkg")).unwrap();
        std::fs::write(dir.0.join("pkg/app_bg.wasm"), WASM_BYTES).unwrap();
        dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Devnet {
    child: Option<Child>,
    pid: u32,
    stderr: Arc<Mutex<String>>,
    /// The `ZG_DEVNET_READY` document.
    pub ready: Value,
    pub app_url: String,
    pub rpc_url: String,
    _dist: TempDir,
}

impl Devnet {
    pub fn start() -> Devnet {
        let anvil = require_anvil();
        let dist = TempDir::dist();
        let mut child = Command::new(env!("CARGO_BIN_EXE_zg-devnet"))
            .arg("--anvil")
            .arg(&anvil)
            .arg("--dist")
            .arg(&dist.0)
            .args(["--port", "0", "--rpc-port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting zg-devnet");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err_pipe.read_to_string(&mut text);
            sink.lock().unwrap().push_str(&text);
        });

        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            // Keeps draining after the ready line so zg-devnet never blocks on a full pipe.
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(json) = line.strip_prefix("ZG_DEVNET_READY ") {
                    let _ = tx.send(json.to_owned());
                }
            }
        });

        let deadline = Instant::now() + Duration::from_secs(60);
        let ready = loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => break line,
                Err(_) if Instant::now() > deadline => {
                    let _ = child.kill();
                    panic!("zg-devnet printed no ZG_DEVNET_READY line within 60 s");
                }
                Err(_) => {
                    if let Some(status) = child.try_wait().unwrap() {
                        std::thread::sleep(Duration::from_millis(200)); // let stderr arrive
                        panic!("zg-devnet exited before ready ({status}): {}", stderr.lock().unwrap());
                    }
                }
            }
        };
        let ready: Value = serde_json::from_str(&ready).expect("the ready line carries JSON");
        let app_url = ready["appUrl"].as_str().expect("appUrl in the ready line").to_owned();
        let rpc_url = ready["rpcUrl"].as_str().expect("rpcUrl in the ready line").to_owned();
        Devnet { pid: child.id(), child: Some(child), stderr, ready, app_url, rpc_url, _dist: dist }
    }

    /// zg-devnet's pid, also after it exited (it names the log directory).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends `signal` and waits (up to 15 s) for zg-devnet to exit.
    pub fn stop_with(&mut self, signal: i32) -> ExitStatus {
        let child = self.child.as_ref().expect("devnet still running");
        // SAFETY: kill(2) with the pid of a child we have not reaped yet, so the pid cannot
        // have been reused by another process.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0, "kill failed");
        self.wait_exit(Duration::from_secs(15))
    }

    /// Waits for zg-devnet to exit on its own; kills it and fails after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("devnet still running");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                // stderr's reader thread finishes once the pipe closes; give it a moment.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("zg-devnet did not exit within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        rpc(&self.rpc_url, method, params).unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app_url)
    }

    /// The balance of `address` in wei, from anvil directly.
    pub fn balance(&self, address: &str, block: &str) -> u128 {
        let hex = self.rpc("eth_getBalance", json!([address, block]));
        u128::from_str_radix(hex.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
    }

    /// Polls until `tx` is mined and returns its receipt.
    /// Sends a transaction from an account anvil holds unlocked (a dev account) and
    /// returns its receipt, which must show success.
    pub fn transact(&self, from: impl serde::Serialize, to: Address, data: &[u8], value: U256) -> Value {
        let tx =
            json!({"from": from, "to": to, "data": hex0x(data), "value": format!("0x{value:x}"), "gas": "0x1000000"});
        let hash = self.rpc("eth_sendTransaction", json!([tx]));
        let receipt = self.wait_receipt(hash.as_str().unwrap());
        assert_eq!(receipt["status"], "0x1", "{receipt}");
        receipt
    }

    /// A view call's decoded return value on the latest state.
    pub fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        self.view_at(to, call, "latest")
    }

    /// A view call's decoded return value on the state (and clock) of block `at`.
    pub fn view_at<C: SolCall>(&self, to: Address, call: C, at: &str) -> C::Return {
        let out = self.rpc("eth_call", json!([{"to": to, "data": hex0x(&call.abi_encode())}, at]));
        C::abi_decode_returns(&alloy_primitives::hex::decode(out.as_str().unwrap()).unwrap()).unwrap()
    }

    pub fn wait_receipt(&self, tx: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let receipt = self.rpc("eth_getTransactionReceipt", json!([tx]));
            if !receipt.is_null() {
                return receipt;
            }
            assert!(Instant::now() < deadline, "transaction {tx} was not mined within 20 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        if self.child.is_some() && !std::thread::panicking() {
            self.stop_with(libc::SIGTERM);
        } else if let Some(mut child) = self.child.take() {
            // SAFETY: as in stop_with; the child is not reaped yet.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
            let _ = child.wait();
        }
    }
}

/// A fresh, never-used address (distinct per call and per test process).
pub fn fresh_address() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!("0x{:08x}{:08x}{:024x}", std::process::id(), n, nanos & ((1u128 << 96) - 1))
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(2)).timeout(Duration::from_secs(15)).build()
}

/// One JSON-RPC call, through the devnet's own client (`devnet::jsonrpc`).
pub fn rpc(url: &str, method: &str, params: Value) -> Result<Value, RpcError> {
    Client::new(Duration::from_secs(2), Duration::from_secs(15)).call(url, method, params)
}

/// The revert data a failed `eth_call` carried (anvil: error 3 with the bytes as hex).
pub fn revert_bytes(error: &RpcError) -> Option<Vec<u8>> {
    error.data().and_then(Value::as_str).map(|d| alloy_primitives::hex::decode(d).expect("revert data is hex"))
}

/// `(status, body, Content-Type)` of a request, whatever the status.
pub fn http(request: ureq::Request, body: Option<&str>) -> (u16, String, Option<String>) {
    let result = match body {
        Some(body) => request.set("Content-Type", "application/json").send_string(body),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let content_type = response.header("Content-Type").map(str::to_owned);
    (status, response.into_string().unwrap(), content_type)
}

/// A running `zg-tamper` in front of `upstream`; killed when dropped.
pub struct Tamper {
    child: Child,
    pub url: String,
}

impl Tamper {
    pub fn start(upstream: &str) -> Tamper {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zg-tamper"))
            .args(["--upstream", upstream, "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting zg-tamper");
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(json) = line.strip_prefix("ZG_TAMPER_READY ") {
                    let _ = tx.send(json.to_owned());
                }
            }
        });
        let Ok(ready) = rx.recv_timeout(Duration::from_secs(20)) else {
            let _ = child.kill();
            panic!("zg-tamper printed no ZG_TAMPER_READY line within 20 s");
        };
        let ready: Value = serde_json::from_str(&ready).expect("the ready line carries JSON");
        Tamper { child, url: ready["url"].as_str().expect("url in the ready line").to_owned() }
    }

    /// Switches the lie (`None`: honest) and returns the proxy's state.
    pub fn set(&self, mutation: Option<&str>) -> Value {
        let (status, body, _) =
            http(agent().post(&format!("{}/__tamper", self.url)), Some(&json!({ "mutation": mutation }).to_string()));
        assert_eq!(status, 200, "switching zg-tamper to {mutation:?}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    pub fn state(&self) -> Value {
        agent().get(&format!("{}/__tamper", self.url)).call().unwrap().into_json().unwrap()
    }

    /// How many answers to `method` were tampered with so far.
    pub fn tampered(&self, method: &str) -> u64 {
        self.state()["tampered"][method].as_u64().unwrap_or(0)
    }
}

impl Drop for Tamper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The largest answer the transport reads, as the app's `FetchTransport`.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// JSON-RPC over blocking HTTP for `VerifiedProvider`, behaving as the app's fetch
/// transport does: one deadline for the whole exchange, body included, and a size cap.
/// The futures it returns complete on first poll, which is all `pollster::block_on` needs.
pub struct UreqTransport {
    url: String,
    agent: ureq::Agent,
    timeout: Duration,
}

impl UreqTransport {
    pub fn new(url: &str) -> UreqTransport {
        UreqTransport::with_timeout(url, Duration::from_secs(15))
    }

    pub fn with_timeout(url: &str, timeout: Duration) -> UreqTransport {
        let agent = ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(2)).timeout(timeout).build();
        UreqTransport { url: url.to_owned(), agent, timeout }
    }

    fn post(&self, body: Value) -> Result<Value, wasm_light_client::TransportError> {
        use std::io::Read as _;
        let fail = |e: String| wasm_light_client::TransportError(format!("{}: {e}", self.url));
        let late =
            || fail(format!("did not answer within {} s; try again or use another RPC", self.timeout.as_secs_f32()));
        let response = match self.agent.post(&self.url).send_json(body) {
            Ok(r) => r,
            Err(ureq::Error::Status(code, _)) => return Err(fail(format!("answered HTTP {code}"))),
            Err(ureq::Error::Transport(t))
                if t.kind() == ureq::ErrorKind::Io && t.to_string().contains("timed out") =>
            {
                return Err(late())
            }
            Err(e) => return Err(fail(format!("is unreachable ({e})"))),
        };
        let mut bytes = Vec::new();
        match response.into_reader().take(MAX_BODY as u64 + 1).read_to_end(&mut bytes) {
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) => {
                return Err(late())
            }
            Err(e) => return Err(fail(format!("broke off its answer ({e})"))),
        }
        if bytes.len() > MAX_BODY {
            return Err(fail(
                "sent an answer larger than 16 MiB, which no JSON-RPC answer needs; use another RPC".into(),
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| fail(format!("sent something that is not JSON ({e})")))
    }
}

impl wasm_light_client::JsonRpcTransport for UreqTransport {
    async fn request(&self, method: &str, params: Value) -> Result<Value, wasm_light_client::TransportError> {
        wasm_light_client::jsonrpc::result_of(self.post(wasm_light_client::jsonrpc::request_body(method, params))?)
    }

    async fn batch(&self, calls: Vec<(&'static str, Value)>) -> Result<Vec<Value>, wasm_light_client::TransportError> {
        let body = wasm_light_client::jsonrpc::batch_body(&calls);
        wasm_light_client::jsonrpc::batch_results(calls.len(), self.post(body)?)
    }

    fn endpoint(&self) -> String {
        self.url.clone()
    }
}

/// `0x`-prefixed lowercase hex, as JSON-RPC wants data.
pub fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

/// The events `E` that `from` emitted in `receipt`.
pub fn decode_logs<E: SolEvent>(receipt: &Value, from: Address) -> Vec<E> {
    receipt["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["address"].as_str().unwrap().parse::<Address>().unwrap() == from)
        .filter(|l| l["topics"][0] == json!(E::SIGNATURE_HASH))
        .map(|l| {
            let topics: Vec<B256> =
                l["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().parse().unwrap()).collect();
            let data = alloy_primitives::hex::decode(l["data"].as_str().unwrap()).unwrap();
            E::decode_raw_log(topics, &data).unwrap()
        })
        .collect()
}
