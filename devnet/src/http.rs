//! The app port: routes `/devnet.json`, `/faucet` and the static app onto a few worker
//! threads.
//!
//! Owns the HTTP side only: methods, status codes, headers (CORS on every answer, since
//! the app may be served from another origin during development) and the worker pool.

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
        .with_header(header("Access-Control-Allow-Origin", "*"))
        .with_header(header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS"))
        .with_header(header("Access-Control-Allow-Headers", "Content-Type"))
        .with_header(header("Access-Control-Max-Age", "600"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
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
        (Method::Options, _) => respond(request, Response::empty(204)),
        (Method::Get | Method::Head, "/devnet.json") => {
            respond(request, json_response(200, routes.devnet_json.clone()))
        }
        (Method::Post, "/faucet") => {
            let response = faucet(&mut request, &routes.faucet);
            respond(request, response)
        }
        (_, "/devnet.json" | "/faucet") => respond(
            request,
            error_response(405, "use GET for /devnet.json and POST with {\"address\":\"0x…\"} for /faucet"),
        ),
        (Method::Get | Method::Head, _) => static_file(request, &routes.files),
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

fn static_file(request: Request, files: &StaticFiles) {
    match files.lookup(request.url()) {
        Lookup::File { path, content_type } => match std::fs::File::open(&path) {
            Ok(file) => respond(
                request,
                Response::from_file(file)
                    .with_header(header("Content-Type", content_type))
                    // A rebuilt app must show up on reload; loopback makes refetching cheap.
                    .with_header(header("Cache-Control", "no-cache")),
            ),
            Err(e) => respond(request, error_response(500, &format!("could not read {}: {e}", path.display()))),
        },
        Lookup::NotFound => respond(request, error_response(404, "no such file in the app's build directory")),
        Lookup::Refused(reason) => respond(request, error_response(400, reason)),
    }
}
