//! zg-devnet end to end: the real binary, a real anvil, real HTTP on loopback.

// libc::kill on processes these tests started: a system call that touches no memory of ours.
#![allow(unsafe_code)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{agent, fresh_address, http, require_anvil, rpc, Devnet, TempDir, DEV_ACCOUNT_0, INDEX_HTML, WASM_BYTES};
use serde_json::{json, Value};

const TEN_0G: u128 = 10_000_000_000_000_000_000;

#[test]
fn devnet_json_describes_the_running_chain() {
    let devnet = Devnet::start();
    let response = agent().get(&devnet.url("/devnet.json")).call().unwrap();
    assert_eq!(response.header("Cache-Control"), Some("no-store"));
    assert_eq!(response.header("Access-Control-Allow-Origin"), Some("*"));
    let doc: Value = response.into_json().unwrap();

    let rpc_url = doc["rpcUrl"].as_str().unwrap();
    assert!(rpc_url.starts_with("http://127.0.0.1:"), "{rpc_url}");
    assert_eq!(doc["name"], "devnet");
    assert_eq!(doc["chainId"], 31337);
    assert_eq!(doc["checkpoint"]["number"], 0);
    assert_eq!(doc["faucet"], json!({"url": "/faucet", "amountWei": "10000000000000000000"}));
    assert_eq!(doc["blockTime"], 0.4);

    // The ready line is the same document plus where the app is.
    let mut ready = devnet.ready.clone();
    let app_url = ready.as_object_mut().unwrap().remove("appUrl").unwrap();
    assert_eq!(ready, doc);
    assert!(app_url.as_str().unwrap().starts_with("http://127.0.0.1:"), "{app_url}");

    assert_eq!(devnet.rpc("eth_chainId", json!([])), "0x7a69");
    let genesis = devnet.rpc("eth_getBlockByNumber", json!(["0x0", false]));
    assert_eq!(doc["checkpoint"]["hash"], genesis["hash"]);
    assert_eq!(genesis["hash"].as_str().unwrap().len(), 66);
}

#[test]
fn faucet_sends_exactly_ten_0g() {
    let devnet = Devnet::start();
    let to = fresh_address();
    assert_eq!(devnet.balance(&to, "latest"), 0);

    let body = json!({ "address": to }).to_string();
    let (status, answer, _) = http(agent().post(&devnet.url("/faucet")), Some(&body));
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["amountWei"], "10000000000000000000");
    let tx = answer["txHash"].as_str().unwrap();

    let receipt = devnet.wait_receipt(tx);
    assert_eq!(receipt["status"], "0x1");
    assert_eq!(receipt["from"], DEV_ACCOUNT_0);
    assert_eq!(receipt["to"], to.to_ascii_lowercase());
    assert_eq!(devnet.balance(&to, receipt["blockNumber"].as_str().unwrap()), TEN_0G);
}

#[test]
fn faucet_explains_bad_input_and_serves_only_its_own_origin() {
    let devnet = Devnet::start();
    let url = devnet.url("/faucet");
    let cases = [
        ("not json", "address"),
        ("{\"addr\":\"0x00\"}", "address"),
        ("{\"address\":\"0x1234\"}", "40 hex digits"),
        ("{\"address\":\"0xZZ39Fd6e51aad88F6F4ce6aB8827279cffFb9226\"}", "40 hex digits"),
    ];
    for (body, hint) in cases {
        let (status, answer, content_type) = http(agent().post(&url), Some(body));
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(content_type.as_deref(), Some("application/json"));
        let error: Value = serde_json::from_str(&answer).unwrap();
        assert!(error["error"].as_str().unwrap().contains(hint), "{body}: {answer}");
    }

    let (status, _, _) = http(agent().get(&url), None);
    assert_eq!(status, 405);

    // Another site's page may not spend the faucet through a visitor's browser: no CORS
    // grant, and a cross-origin POST (which a browser sends without asking) is refused.
    let response = agent().request("OPTIONS", &url).set("Origin", "http://localhost:1234").call().unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.header("Access-Control-Allow-Origin"), None);
    let to = fresh_address();
    let body = json!({ "address": to }).to_string();
    let (status, answer, _) = http(agent().post(&url).set("Origin", "http://evil.example"), Some(&body));
    assert_eq!(status, 403, "{answer}");
    assert!(answer.contains("serves only the app served from here"), "{answer}");
    // The app's own page (same origin) is served.
    let own = devnet.url("").trim_end_matches('/').to_string();
    let (status, answer, _) = http(agent().post(&url).set("Origin", &own), Some(&body));
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn the_apps_pages_carry_a_content_security_policy_and_cannot_be_framed() {
    let devnet = Devnet::start();
    let response = agent().get(&devnet.url("/")).call().unwrap();
    let csp = response.header("Content-Security-Policy").unwrap().to_owned();
    for directive in
        ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"]
    {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert_eq!(response.header("X-Frame-Options"), Some("DENY"));
    assert_eq!(response.header("Referrer-Policy"), Some("no-referrer"));
}

/// Sends `path` byte for byte: HTTP clients normalise `..` away before sending.
fn raw_get(app_url: &str, path: &str) -> String {
    let host = app_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serves_the_app_with_types_spa_fallback_and_no_traversal() {
    let devnet = Devnet::start();

    let response = agent().get(&devnet.url("/pkg/app_bg.wasm")).call().unwrap();
    assert_eq!(response.header("Content-Type"), Some("application/wasm"));
    let mut bytes = Vec::new();
    response.into_reader().read_to_end(&mut bytes).unwrap();
    assert_eq!(bytes, WASM_BYTES);

    for route in ["/", "/index.html", "/agents/7/chat", "/governance?proposal=3"] {
        let (status, body, content_type) = http(agent().get(&devnet.url(route)), None);
        assert_eq!((status, body.as_str()), (200, INDEX_HTML), "{route}");
        assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"), "{route}");
    }

    let (status, _, _) = http(agent().get(&devnet.url("/pkg/missing.js")), None);
    assert_eq!(status, 404, "a missing file with an extension is not an app route");

    for attack in ["/../../../../etc/passwd", "/pkg/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"] {
        let answer = raw_get(&devnet.app_url, attack);
        assert!(answer.starts_with("HTTP/1.1 400"), "{attack}: {answer}");
        assert!(answer.contains(".."), "the refusal says why: {answer}");
        assert!(!answer.contains("root:"), "{attack} leaked a file");
    }
}

fn rpc_answers(url: &str) -> bool {
    rpc(url, "eth_chainId", json!([])).is_ok()
}

/// Waits up to `secs` for anvil's RPC port to stop answering.
fn rpc_goes_away(url: &str, secs: u64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if !rpc_answers(url) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn sigterm_stops_anvil_and_exits_cleanly() {
    let mut devnet = Devnet::start();
    let rpc_url = devnet.rpc_url.clone();
    assert!(rpc_answers(&rpc_url));
    let status = devnet.stop_with(libc::SIGTERM);
    assert!(status.success(), "zg-devnet exited with {status}: {}", devnet.stderr());
    // zg-devnet reaps anvil before exiting, so the port is closed by now.
    assert!(!rpc_answers(&rpc_url), "anvil still answers after zg-devnet stopped");
    let log_dir = std::env::temp_dir().join(format!("zg-devnet-{}", devnet.pid()));
    assert!(!log_dir.exists(), "a clean stop removes {}", log_dir.display());
}

#[test]
fn sigkill_of_zg_devnet_takes_anvil_down_too() {
    let mut devnet = Devnet::start();
    let rpc_url = devnet.rpc_url.clone();
    assert!(rpc_answers(&rpc_url));
    devnet.stop_with(libc::SIGKILL);
    assert!(rpc_goes_away(&rpc_url, 10), "anvil outlived a SIGKILLed zg-devnet");
    let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("zg-devnet-{}", devnet.pid())));
}

/// Runs zg-devnet to completion; `(succeeded, stderr)`.
fn run_devnet(args: &[&std::ffi::OsStr]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_zg-devnet")).args(args).output().unwrap();
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn start_up_errors_say_what_to_do() {
    let anvil = require_anvil();
    let dist = TempDir::dist();
    let nowhere = dist.0.join("nowhere");
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    let ports = [os("--port"), os("0"), os("--rpc-port"), os("0")];

    let (ok, stderr) =
        run_devnet(&[&[os("--anvil"), nowhere.as_os_str(), os("--dist"), dist.0.as_os_str()], &ports[..]].concat());
    assert!(!ok);
    assert!(stderr.contains("npm ci"), "{stderr}");

    let (ok, stderr) =
        run_devnet(&[&[os("--anvil"), anvil.as_os_str(), os("--dist"), nowhere.as_os_str()], &ports[..]].concat());
    assert!(!ok);
    assert!(stderr.contains("cargo xtask build"), "{stderr}");

    let (ok, stderr) = run_devnet(&[os("--port"), os("eighty")]);
    assert!(!ok);
    assert!(stderr.contains("--port") && stderr.contains("--help"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_zg-devnet")).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for option in
        ["--anvil", "--dist", "--host", "--port", "--rpc-port", "--block-time", "anvil.log", "ZG_DEVNET_READY"]
    {
        assert!(help.contains(option), "--help does not mention {option}");
    }
}

#[test]
fn anvil_dying_on_its_own_stops_zg_devnet_with_the_reason() {
    let mut devnet = Devnet::start();
    let pid = devnet.pid();
    let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap();
    let anvil: libc::pid_t = children.split_whitespace().next().expect("zg-devnet has an anvil child").parse().unwrap();
    // SAFETY: kill(2) on zg-devnet's child, which zg-devnet has not reaped while it runs.
    assert_eq!(unsafe { libc::kill(anvil, libc::SIGKILL) }, 0);
    let status = devnet.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(1), "{}", devnet.stderr());
    let stderr = devnet.stderr();
    assert!(stderr.contains("anvil exited on its own") && stderr.contains("anvil.log"), "{stderr}");
    // The log is kept for the post-mortem; this test has read what it needs.
    let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("zg-devnet-{pid}")));
}
