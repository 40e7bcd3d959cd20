//! The app port: routes `/devnet.json`, `/faucet` and the static app onto a few worker
//! threads.
//!
//! Owns the HTTP side only: methods, status codes, headers and the worker pool.
//!
//! Headers: `/devnet.json` is public and answers any origin (another origin's page may
//! read it during development); the faucet answers only its own origin's pages (and
//! clients that send no Origin, such as scripts), so no other site can spend it through a
//! visitor's browser. The app's files carry a Content-Security-Policy (scripts only from
//! here, plus the inline loader trunk writes, by hash), and may not be framed.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use serde_json::json;
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use crate::faucet::{Faucet, FaucetError, MAX_BODY};
use crate::static_files::{Lookup, StaticFiles};

/// Enough that a faucet call waiting on anvil never holds up the page's files.
const WORKERS: usize = 4;

pub struct Routes {
    /// Serialised once at start: it never changes while the devnet runs.
    pub devnet_json: String,
    pub faucet: Faucet,
    pub files: StaticFiles,
    /// The app's Content-Security-Policy, made from its index.html once at start.
    pub csp: String,
}

/// The policy the app's pages run under. Scripts: this origin, WebAssembly, and the
/// inline scripts of `index_html` by hash. Connections may go anywhere: the user picks
/// their RPC, storage and compute endpoints.
pub fn content_security_policy(index_html: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let mut hashes = String::new();
    let mut rest = index_html;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..tag_end];
        let Some(close) = rest[tag_end..].find("</script>").map(|c| tag_end + c) else { break };
        if !tag.contains(" src=") {
            let digest = sha2::Sha256::digest(&rest.as_bytes()[tag_end..close]);
            hashes.push_str(&format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &rest[close..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src *; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
}

/// The running worker pool; [`Workers::stop`] ends it.
pub struct Workers {
    server: Arc<Server>,
    stopping: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

pub fn serve(server: Server, routes: Routes) -> Workers {
    let server = Arc::new(server);
    let routes = Arc::new(routes);
    let stopping = Arc::new(AtomicBool::new(false));
    let threads = (0..WORKERS)
        .map(|i| {
            let (server, routes, stopping) = (server.clone(), routes.clone(), stopping.clone());
            std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || loop {
                    match server.recv() {
                        Ok(request) => handle(request, &routes),
                        Err(_) if stopping.load(Ordering::SeqCst) => break,
                        // A broken connection is that client's problem, not the server's.
                        Err(_) => continue,
                    }
                })
                .expect("spawning an HTTP worker thread")
        })
        .collect();
    Workers { server, stopping, threads }
}

impl Workers {
    pub fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Each unblock wakes exactly one waiting worker.
        for _ in &self.threads {
            self.server.unblock();
        }
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header names and values are valid")
}

fn with_common_headers<R: Read>(response: Response<R>) -> Response<R> {
    response
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Referrer-Policy", "no-referrer"))
}

/// Any origin may read the public devnet description.
fn with_cors<R: Read>(response: Response<R>) -> Response<R> {
    response
        .with_header(header("Access-Control-Allow-Origin", "*"))
        .with_header(header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"))
        .with_header(header("Access-Control-Allow-Headers", "Content-Type"))
        .with_header(header("Access-Control-Max-Age", "600"))
}

/// Whether the request came from a page of another origin than this server's. Browsers
/// send Origin on every cross-origin POST; scripts and same-origin GETs may send none.
fn from_another_origin(request: &Request) -> bool {
    let value = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.to_string())
    };
    match (value("Origin"), value("Host")) {
        (None, _) => false,
        (Some(origin), Some(host)) => origin.split("://").nth(1) != Some(host.as_str()),
        (Some(_), None) => true,
    }
}

fn json_response(status: u16, body: String) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Cache-Control", "no-store"))
}

fn error_response(status: u16, message: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    json_response(status, json!({ "error": message }).to_string())
}

fn respond<R: Read>(request: Request, response: Response<R>) {
    // The client may have gone away; there is nobody left to tell.
    let _ = request.respond(with_common_headers(response));
}

fn handle(mut request: Request, routes: &Routes) {
    let path = request.url().split(['?', '#']).next().unwrap_or("").to_owned();
    let method = request.method().clone();
    match (method, path.as_str()) {
        (Method::Options, "/devnet.json") => respond(request, with_cors(Response::empty(204))),
        (Method::Options, _) => respond(request, Response::empty(204)),
        (Method::Get | Method::Head, "/devnet.json") => {
            respond(request, with_cors(json_response(200, routes.devnet_json.clone())))
        }
        (Method::Post, "/faucet") if from_another_origin(&request) => respond(
            request,
            error_response(403, "the faucet serves only the app served from here; use it from that page"),
        ),
        (Method::Post, "/faucet") => {
            let response = faucet(&mut request, &routes.faucet);
            respond(request, response)
        }
        (_, "/devnet.json" | "/faucet") => respond(
            request,
            error_response(405, "use GET for /devnet.json and POST with {\"address\":\"0x…\"} for /faucet"),
        ),
        (Method::Get | Method::Head, _) => static_file(request, &routes.files, &routes.csp),
        _ => respond(request, error_response(405, "the app's files are served with GET only")),
    }
}

fn faucet(request: &mut Request, faucet: &Faucet) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut body = Vec::new();
    if let Err(e) = request.as_reader().take(MAX_BODY as u64 + 1).read_to_end(&mut body) {
        return error_response(400, &format!("could not read the request body ({e}); send it again"));
    }
    if body.len() > MAX_BODY {
        return error_response(413, "the body is too large: send only {\"address\":\"0x…\"}");
    }
    match faucet.drip(&body) {
        Ok(drip) => json_response(200, serde_json::to_string(&drip).expect("a Drip always serialises")),
        Err(e @ FaucetError::BadRequest(_)) => error_response(400, &e.to_string()),
        Err(e @ FaucetError::Node(_)) => error_response(502, &e.to_string()),
    }
}

fn static_file(request: Request, files: &StaticFiles, csp: &str) {
    match files.lookup(request.url()) {
        Lookup::File { path, content_type } => match std::fs::File::open(&path) {
            Ok(file) => respond(
                request,
                Response::from_file(file)
                    .with_header(header("Content-Type", content_type))
                    // A rebuilt app must show up on reload; loopback makes refetching cheap.
                    .with_header(header("Cache-Control", "no-cache"))
                    .with_header(header("Content-Security-Policy", csp))
                    .with_header(header("X-Frame-Options", "DENY")),
            ),
            Err(e) => respond(request, error_response(500, &format!("could not read {}: {e}", path.display()))),
        },
        Lookup::NotFound => respond(request, error_response(404, "no such file in the app's build directory")),
        Lookup::Refused(reason) => respond(request, error_response(400, reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_their_hash_and_nothing_else_inline() {
        let index = r#"<head><script type="module">import init from '/app.js';init();</script>
            <script src="/other.js"></script><script>b</script></head>"#;
        let csp = content_security_policy(index);
        // sha256("import init from '/app.js';init();") and sha256("b"), base64.
        use base64::Engine;
        use sha2::Digest;
        let hash = |s: &str| base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(s.as_bytes()));
        let want = format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{}' 'sha256-{}';",
            hash("import init from '/app.js';init();"),
            hash("b")
        );
        assert!(csp.contains(&want), "{csp}");
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
    }
}
