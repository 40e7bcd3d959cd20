//! zg-tamper: a JSON-RPC proxy that lies on command, for the adversarial tests.
//!
//! It forwards every call (single or batch) to an honest node and, while a
//! [`Mutation`] is switched on, tells that lie in the answers. A control endpoint on the
//! same port switches the lie at runtime, so one browser session or one native test can
//! walk through every class:
//!
//! - `GET /__tamper`: the current mutation, every class with the lie it tells, and counts
//!   of calls and tampered answers per method.
//! - `POST /__tamper {"mutation": "forge-balance"}` (or `null` for honesty; optional
//!   `"stallMs"`): switches, and answers like GET.
//!
//! Every answer allows any origin (the app is served from another port). Each request
//! gets its own thread, so a stalled answer never holds up the next one.

mod mutation;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use devnet::cli::{self, Long, Short};
use devnet::serve::{Method, Request, Response, Server};
use serde_json::{json, Value};

use crate::mutation::{error_answer, rewrite_batch, rewrite_body, Delivery, Liar, Lie, Mutation};

/// Requests are JSON-RPC calls from the app or a test; a batch of 100 headers is ~10 KiB.
const MAX_REQUEST: usize = 1024 * 1024;
const DEFAULT_STALL_MS: u64 = 30_000;

#[derive(Debug)]
struct Args {
    upstream: String,
    host: IpAddr,
    port: u16,
}

fn help() -> String {
    format!(
        "zg-tamper — a JSON-RPC proxy that lies on command, for zg-console's adversarial tests

USAGE: zg-tamper --upstream URL [OPTIONS]

OPTIONS:
  --upstream URL   the honest node, e.g. http://127.0.0.1:8545 (required)
  --host IP        address to listen on [default: 127.0.0.1]
  --port N         port, 0 = any free port [default: 0]
  -h, --help       print this help

When listening it prints one line `ZG_TAMPER_READY {{\"url\": …, \"control\": …}}`.
It forwards honestly until told to lie:
  curl -d '{{\"mutation\":\"forge-balance\"}}' URL/__tamper    (null: honest again)
  curl URL/__tamper                                        (state, classes, counts)

CLASSES:
{}",
        Mutation::ALL.iter().map(|m| format!("  {:<26}{}\n", m.name(), m.lie())).collect::<String>()
    )
}

/// `Ok(None)` means --help was asked for.
fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut upstream = None;
    let mut host = IpAddr::from([127, 0, 0, 1]);
    let mut port = 0;
    let mut parser = cli::Parser::from_args(raw);
    while let Some(arg) = cli::next(&mut parser)? {
        match arg {
            Short('h') | Long("help") => return Ok(None),
            Long("upstream") => upstream = Some(cli::text(&mut parser, "--upstream")?),
            Long("host") => host = cli::value(&mut parser, "--host", "an IP address such as 127.0.0.1")?,
            Long("port") => port = cli::value(&mut parser, "--port", "a port number 0-65535")?,
            other => return Err(cli::unexpected(other)),
        }
    }
    let upstream = upstream.ok_or("--upstream URL is required: the honest node to forward to")?;
    if !upstream.starts_with("http://") && !upstream.starts_with("https://") {
        return Err(format!("--upstream {upstream:?}: expected an http:// URL"));
    }
    Ok(Some(Args { upstream, host, port }))
}

/// What the control endpoint sets and reports.
struct Control {
    lie: Option<Lie>,
    calls: BTreeMap<String, u64>,
    tampered: BTreeMap<String, u64>,
}

struct Proxy {
    agent: ureq::Agent,
    upstream: String,
    control: Mutex<Control>,
    liar: Liar,
}

impl Proxy {
    /// One call to the honest node, for lies built from other honest answers.
    fn upstream_call(&self, method: &str, params: Value) -> Result<Value, String> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let answer = self.forward(&body).map_err(|(_, e)| e)?;
        answer.get("result").cloned().ok_or_else(|| format!("{method}: the upstream node answered {answer}"))
    }

    /// Sends `body` upstream; `Err((status, message))` if the node could not be asked.
    fn forward(&self, body: &Value) -> Result<Value, (u16, String)> {
        let unreachable =
            |e: String| (502, format!("zg-tamper could not reach the upstream node {}: {e}", self.upstream));
        match self.agent.post(&self.upstream).send_json(body) {
            Ok(response) => response.into_json().map_err(|e| unreachable(e.to_string())),
            Err(ureq::Error::Status(code, response)) => Err((
                code,
                format!("the upstream node answered HTTP {code}: {}", response.into_string().unwrap_or_default()),
            )),
            Err(e) => Err(unreachable(e.to_string())),
        }
    }

    fn count(&self, calls: &[Value], tampered: bool) {
        let mut control = self.control.lock().expect("poisoned");
        let table = if tampered { &mut control.tampered } else { &mut control.calls };
        for call in calls {
            *table.entry(call["method"].as_str().unwrap_or("?").to_owned()).or_default() += 1;
        }
    }

    fn state(&self) -> Value {
        let control = self.control.lock().expect("poisoned");
        json!({
            "mutation": control.lie.map(|l| l.mutation.name()),
            "since": control.lie.map(|l| l.since),
            "stallMs": control.lie.map(|l| l.stall_ms),
            "classes": Mutation::ALL.iter().map(|m| json!({"name": m.name(), "lie": m.lie()})).collect::<Vec<_>>(),
            "calls": control.calls,
            "tampered": control.tampered,
        })
    }

    /// Applies a control request; `Err` is the reason it was refused.
    fn switch(&self, body: &[u8]) -> Result<(), (u16, String)> {
        let bad = |m: String| (400, m);
        let request: Value = serde_json::from_slice(body)
            .map_err(|_| bad(r#"send JSON such as {"mutation": "forge-balance"} or {"mutation": null}"#.into()))?;
        let mutation = match &request["mutation"] {
            Value::Null => None,
            Value::String(name) => Some(Mutation::from_name(name).ok_or_else(|| {
                bad(format!("unknown mutation {name:?}; GET /__tamper lists the classes, or run zg-tamper --help"))
            })?),
            other => return Err(bad(format!("\"mutation\" must be a class name or null, not {other}"))),
        };
        let stall_ms = match &request["stallMs"] {
            Value::Null => DEFAULT_STALL_MS,
            v => v.as_u64().ok_or_else(|| bad("\"stallMs\" must be a whole number of milliseconds".into()))?,
        };
        let lie = match mutation {
            None => None,
            Some(mutation) => {
                // Lies about headers start with the blocks mined after this moment.
                let head = self.upstream_call("eth_blockNumber", json!([])).map_err(|e| (502, e))?;
                let since = head
                    .as_str()
                    .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
                    .ok_or_else(|| (502, format!("the upstream node answered eth_blockNumber with {head}")))?;
                Some(Lie { mutation, since, stall_ms })
            }
        };
        self.liar.reset();
        self.control.lock().expect("poisoned").lie = lie;
        Ok(())
    }
}

fn with_cors(response: Response) -> Response {
    response
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        .header("Access-Control-Max-Age", "600")
        .header("Cache-Control", "no-store")
}

fn json_response(status: u16, value: &Value) -> Response {
    Response::new(status).header("Content-Type", "application/json").body(value.to_string())
}

fn respond(request: Request, response: Response) {
    request.respond(with_cors(response));
}

fn read_body(request: &Request) -> Result<&[u8], String> {
    request.body().map_err(|e| e.to_string())
}

fn handle(request: Request, proxy: &Proxy) {
    let path = request.path().to_owned();
    match (request.method().clone(), path.as_str()) {
        (Method::OPTIONS, _) => {
            let asked = request.header("Access-Control-Request-Headers").unwrap_or("content-type").to_owned();
            respond(request, Response::new(204).header("Access-Control-Allow-Headers", &asked));
        }
        (Method::GET, "/__tamper") => {
            let state = proxy.state();
            respond(request, json_response(200, &state));
        }
        (Method::POST, "/__tamper") => {
            let answer = read_body(&request).map_err(|e| (400, e)).and_then(|body| proxy.switch(body));
            match answer {
                Ok(()) => respond(request, json_response(200, &proxy.state())),
                Err((status, message)) => respond(request, json_response(status, &json!({"error": message}))),
            }
        }
        (Method::POST, _) => rpc(request, proxy),
        _ => {
            let error = error_answer(Value::Null, -32600, "zg-tamper takes JSON-RPC calls by POST, and GET /__tamper");
            respond(request, json_response(405, &error));
        }
    }
}

fn rpc(request: Request, proxy: &Proxy) {
    let body = match read_body(&request) {
        Ok(body) => body,
        Err(e) => return respond(request, json_response(413, &error_answer(Value::Null, -32600, &e))),
    };
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return respond(request, json_response(400, &error_answer(Value::Null, -32700, "parse error")));
    };
    let batch = body.is_array();
    let calls: Vec<Value> = match &body {
        Value::Array(calls) => calls.clone(),
        call => vec![call.clone()],
    };
    proxy.count(&calls, false);
    let lie = proxy.control.lock().expect("poisoned").lie;

    let mut tampered = false;
    let mut sent = calls.clone();
    if let Some(lie) = &lie {
        for call in &mut sent {
            tampered |= proxy.liar.rewrite_call(lie, call);
        }
    }
    let outgoing = if batch { Value::Array(sent) } else { sent.into_iter().next().expect("one call") };
    let mut answer = match proxy.forward(&outgoing) {
        Ok(answer) => answer,
        Err((status, message)) => {
            return respond(request, json_response(status, &error_answer(Value::Null, -32603, &message)))
        }
    };

    if let Some(lie) = &lie {
        let upstream = |method: &str, params: Value| proxy.upstream_call(method, params);
        let mut rewrite = |answer: &mut Value| {
            // Answers are matched to calls by id: nodes may answer a batch in any order.
            if let Some(call) = calls.iter().find(|c| c["id"] == answer["id"]) {
                tampered |= proxy.liar.rewrite_answer(lie, call, answer, &upstream);
            }
        };
        match &mut answer {
            Value::Array(answers) => answers.iter_mut().for_each(&mut rewrite),
            single => rewrite(single),
        }
        if let Value::Array(answers) = &mut answer {
            tampered |= rewrite_batch(lie.mutation, answers);
        }
    }

    let honest = answer.to_string().into_bytes();
    let lied_body = lie.as_ref().and_then(|l| rewrite_body(l.mutation, &honest).map(|b| (l, b)));
    if tampered || lied_body.is_some() {
        proxy.count(&calls, true);
    }
    match lied_body {
        None => respond(request, Response::new(200).header("Content-Type", "application/json").body(honest)),
        Some((lie, (body, content_type, delivery))) => deliver(request, lie, body, content_type, delivery),
    }
}

fn deliver(request: Request, lie: &Lie, body: Vec<u8>, content_type: &str, delivery: Delivery) {
    match delivery {
        Delivery::Whole => respond(request, Response::new(200).header("Content-Type", content_type).body(body)),
        Delivery::Chunked => {
            // No length up front: the client can only find out by counting as it reads.
            let mut stream = request.stream(with_cors(Response::new(200).header("Content-Type", content_type)));
            let _ = stream.send(body) && stream.finish();
        }
        Delivery::Stalled => {
            // Status, headers and half the body arrive before the pause.
            let head = Response::new(200)
                .header("Content-Type", content_type)
                .header("Content-Length", &body.len().to_string())
                .header("Connection", "close");
            let mut stream = request.stream(with_cors(head));
            let half = body.len() / 2;
            if stream.send(&body[..half]) {
                std::thread::sleep(Duration::from_millis(lie.stall_ms));
                let _ = stream.send(&body[half..]) && stream.finish();
            }
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let addr = SocketAddr::new(args.host, args.port);
    let bind_error = |e: std::io::Error| {
        format!("could not listen on {addr}: {e}. Pick another --port, or --port 0 for any free one")
    };
    let server = Server::bind(addr).map_err(bind_error)?.max_body(MAX_REQUEST);
    let bound = server.addr();
    let proxy = Arc::new(Proxy {
        agent: ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(2))
            .timeout(Duration::from_secs(15))
            .build(),
        upstream: args.upstream.clone(),
        control: Mutex::new(Control { lie: None, calls: BTreeMap::new(), tampered: BTreeMap::new() }),
        liar: Liar::default(),
    });
    let _serving = {
        let proxy = proxy.clone();
        server.serve(move |request| handle(request, &proxy)).map_err(bind_error)?
    };
    let url = format!("http://{bound}");
    let ready = json!({"url": url, "control": format!("{url}/__tamper"), "upstream": args.upstream});
    let mut out = std::io::stdout().lock();
    // Whoever started us reads this line; if stdout is gone, keep serving anyway.
    let _ = writeln!(out, "ZG_TAMPER_READY {ready}");
    let _ = out.flush();
    drop(out);
    // Serves until killed: whoever started it stops it.
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(None) => {
            print!("{}", help());
            ExitCode::SUCCESS
        }
        Ok(Some(args)) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("zg-tamper: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("zg-tamper: {e}\nRun `zg-tamper --help` for the options.");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let a = parse(&["--upstream", "http://127.0.0.1:8545"]).unwrap().unwrap();
        assert_eq!((a.upstream.as_str(), a.port), ("http://127.0.0.1:8545", 0));
        let a = parse(&["--upstream=http://x:1", "--port", "9", "--host", "::1"]).unwrap().unwrap();
        assert_eq!((a.port, a.host), (9, "::1".parse::<IpAddr>().unwrap()));
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&[]).unwrap_err().contains("--upstream"));
        assert!(parse(&["--upstream", "127.0.0.1:8545"]).unwrap_err().contains("http://"));
        assert!(parse(&["--upstream", "http://x", "--port", "x"]).unwrap_err().contains("--port"));
        assert!(help().contains("forge-balance") && help().contains("ZG_TAMPER_READY"));
    }
}
