//! The app port: routes `/devnet.json`, `/faucet` and the static app.
//!
//! Owns the HTTP side only: methods, status codes and headers (connections are
//! `devnet::serve`'s).
//!
//! Headers: `/devnet.json` is public and answers any origin (another origin's page may
//! read it during development); the faucet answers only its own origin's pages (and
//! clients that send no Origin, such as scripts), so no other site can spend it through a
//! visitor's browser. The app's files carry a Content-Security-Policy (scripts only from
//! here, plus the inline loader trunk writes, by hash), and may not be framed.

use devnet::serve::{BodyError, Method, Request, Response, Running, Server};
use serde_json::json;

use crate::faucet::{Faucet, FaucetError, MAX_BODY};
use crate::static_files::{Lookup, StaticFiles};

pub struct Routes {
    /// Serialised once at start: it never changes while the devnet runs.
    pub devnet_json: String,
    pub faucet: Faucet,
    /// The stand-in for 0G's consensus RPC (`/cometbft`, `/cometbft-forged`).
    pub consensus: crate::consensus::StandIn,
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

pub fn serve(server: Server, routes: Routes) -> std::io::Result<Running> {
    server.max_body(MAX_BODY).serve(move |request| handle(request, &routes))
}

fn with_common_headers(response: Response) -> Response {
    response.header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer")
}

/// Any origin may read the public devnet description.
fn with_cors(response: Response) -> Response {
    response
        .header("Access-Control-Allow-Origin", "*")
        .header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
        .header("Access-Control-Allow-Headers", "Content-Type")
        .header("Access-Control-Max-Age", "600")
}

/// Whether the request came from a page of another origin than this server's. Browsers
/// send Origin on every cross-origin POST; scripts and same-origin GETs may send none.
fn from_another_origin(request: &Request) -> bool {
    match (request.header("Origin"), request.header("Host")) {
        (None, _) => false,
        (Some(origin), Some(host)) => origin.split("://").nth(1) != Some(host),
        (Some(_), None) => true,
    }
}

fn json_response(status: u16, body: String) -> Response {
    Response::new(status).header("Content-Type", "application/json").header("Cache-Control", "no-store").body(body)
}

fn error_response(status: u16, message: &str) -> Response {
    json_response(status, json!({ "error": message }).to_string())
}

fn respond(request: Request, response: Response) {
    request.respond(with_common_headers(response));
}

fn handle(request: Request, routes: &Routes) {
    let path = request.path().to_owned();
    let method = request.method().clone();
    match (method, path.as_str()) {
        (Method::OPTIONS, "/devnet.json" | "/cometbft" | "/cometbft-forged") => {
            respond(request, with_cors(Response::new(204)))
        }
        (Method::OPTIONS, _) => respond(request, Response::new(204)),
        (Method::GET | Method::HEAD, "/devnet.json") => {
            respond(request, with_cors(json_response(200, routes.devnet_json.clone())))
        }
        (Method::POST, "/faucet") if from_another_origin(&request) => respond(
            request,
            error_response(403, "the faucet serves only the app served from here; use it from that page"),
        ),
        (Method::POST, "/faucet") => {
            let response = faucet(&request, &routes.faucet);
            respond(request, response)
        }
        (Method::POST, path @ ("/cometbft" | "/cometbft-forged")) => {
            let response = match request.body() {
                Ok(body) => json_response(200, routes.consensus.answer(path == "/cometbft-forged", body).to_string()),
                Err(e) => error_response(400, &e.to_string()),
            };
            respond(request, with_cors(response))
        }
        (_, "/devnet.json" | "/faucet") => respond(
            request,
            error_response(405, "use GET for /devnet.json and POST with {\"address\":\"0x…\"} for /faucet"),
        ),
        (Method::GET | Method::HEAD, _) => static_file(request, &routes.files, &routes.csp),
        _ => respond(request, error_response(405, "the app's files are served with GET only")),
    }
}

fn faucet(request: &Request, faucet: &Faucet) -> Response {
    let body = match request.body() {
        Ok(body) => body,
        Err(e @ BodyError::Unreadable(_)) => return error_response(400, &e.to_string()),
        Err(BodyError::TooLarge { .. }) => {
            return error_response(413, "the body is too large: send only {\"address\":\"0x…\"}")
        }
    };
    match faucet.drip(body) {
        Ok(drip) => json_response(200, serde_json::to_string(&drip).expect("a Drip always serialises")),
        Err(e @ FaucetError::BadRequest(_)) => error_response(400, &e.to_string()),
        Err(e @ FaucetError::Node(_)) => error_response(502, &e.to_string()),
    }
}

fn static_file(request: Request, files: &StaticFiles, csp: &str) {
    match files.lookup(request.url()) {
        Lookup::File { path, content_type } => match std::fs::read(&path) {
            Ok(file) => respond(
                request,
                Response::new(200)
                    .header("Content-Type", content_type)
                    // A rebuilt app must show up on reload; loopback makes refetching cheap.
                    .header("Cache-Control", "no-cache")
                    .header("Content-Security-Policy", csp)
                    .header("X-Frame-Options", "DENY")
                    .body(file),
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
