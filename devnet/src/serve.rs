//! The HTTP/1.1 server under every devnet service: hyper on a small tokio runtime, each
//! request handed whole to a blocking handler on tokio's blocking pool.
//!
//! Owns connections, keep-alive, body limits and streaming; the services own their routes.
//!
//! Why not `tiny_http` (used until December 2026): its pool gives each connection a thread
//! for the connection's whole life, and `TaskPool::spawn` decides between "queue it" and
//! "start a thread" by counting idle threads without claiming one. Two connections that
//! arrive together while one thread idles both see that thread; the second is queued
//! behind long-lived keep-alive connections and waits until one of them closes. In the
//! browser that was a segment download held for the app's full 20 s timeout just after an
//! upload. Here connections are tasks, not threads, so a new one is never queued behind an
//! idle one (`a_new_connection_is_served_while_others_stay_open` below).
//!
//! Handlers stay plain blocking functions (they fsync, lock and call anvil with `ureq`):
//! a request's body is read in full (up to the limit) before the handler runs, and the
//! handler answers once, whole ([`Request::respond`]) or as a stream ([`Request::stream`]).

use std::convert::Infallible;
use std::io;
use std::net::{SocketAddr, TcpListener as StdListener, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use tokio::sync::{mpsc, oneshot};

pub use hyper::Method;

type Answer = hyper::Response<BoxBody<Bytes, io::Error>>;

/// A listening socket, not yet serving: the port is known before anyone can call it.
pub struct Server {
    listener: StdListener,
    max_body: usize,
}

/// Why a request's body did not arrive; the handler answers in its own protocol's words.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the request body is over {limit} bytes")]
    TooLarge { limit: usize },
    #[error("could not read the request body ({0}); send it again")]
    Unreadable(String),
}

/// One request, its body read in full. Dropping it unanswered answers 500.
pub struct Request {
    method: Method,
    target: String,
    headers: hyper::HeaderMap,
    body: Result<Vec<u8>, BodyError>,
    reply: oneshot::Sender<Answer>,
}

/// A whole answer: status, headers and body.
pub struct Response {
    status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

/// The body of an answer still being written; see [`Request::stream`].
pub struct Stream {
    chunks: mpsc::Sender<Chunk>,
    ended: oneshot::Receiver<bool>,
}

enum Chunk {
    Data(Bytes),
    Cut,
}

/// The serving runtime; dropping it (or [`Running::stop`]) closes the port and every connection.
pub struct Running {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
}

impl Server {
    /// Binds now; requests wait in the kernel's backlog until [`Server::serve`].
    pub fn bind(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Ok(Self { listener: StdListener::bind(addr)?, max_body: 1024 * 1024 })
    }

    /// The largest body a handler receives; a longer one arrives as [`BodyError::TooLarge`].
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound socket has an address")
    }

    /// Serves on a runtime of its own until the returned [`Running`] is dropped. Each
    /// request runs `handler` on a blocking thread; many may run at once.
    pub fn serve(self, handler: impl Fn(Request) + Send + Sync + 'static) -> io::Result<Running> {
        let addr = self.addr();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("http")
            .enable_io()
            .enable_time()
            .build()?;
        self.listener.set_nonblocking(true)?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(self.listener)?
        };
        let handler: Arc<dyn Fn(Request) + Send + Sync> = Arc::new(handler);
        let max_body = self.max_body;
        runtime.spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    // Out of descriptors or a connection reset before accept: that client's
                    // problem; pause a moment so a persistent error cannot spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                // Small JSON answers must not wait for Nagle's algorithm and a delayed ACK.
                let _ = stream.set_nodelay(true);
                let handler = handler.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| answer(request, handler.clone(), max_body));
                    // A connection ends when its client goes away; nobody is left to tell.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Ok(Running { runtime: Some(runtime), addr })
    }
}

impl Running {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Handlers still running on blocking threads finish on their own; their answers
            // go nowhere.
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn answer(
    request: hyper::Request<Incoming>,
    handler: Arc<dyn Fn(Request) + Send + Sync>,
    max_body: usize,
) -> Result<Answer, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, max_body).collect().await {
        Ok(collected) => Ok(collected.to_bytes().to_vec()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge { limit: max_body }),
        Err(e) => Err(BodyError::Unreadable(e.to_string())),
    };
    let target = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned());
    let (reply, replied) = oneshot::channel();
    let request = Request { method: parts.method, target, headers: parts.headers, body, reply };
    // Not awaited: a streaming handler goes on writing after it has answered.
    tokio::task::spawn_blocking(move || handler(request));
    Ok(replied.await.unwrap_or_else(|_| {
        let body = "the server ended this request without an answer (see its log)";
        hyper::Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(full(body.as_bytes().to_vec()))
            .expect("a static response is valid")
    }))
}

fn full(body: Vec<u8>) -> BoxBody<Bytes, io::Error> {
    Full::new(Bytes::from(body)).map_err(|never| match never {}).boxed()
}

impl Request {
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path and query as sent, such as `/file?root=0x…`.
    pub fn url(&self) -> &str {
        &self.target
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("")
    }

    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn body(&self) -> Result<&[u8], &BodyError> {
        self.body.as_deref()
    }

    /// Answers whole. A client that has gone away is nobody's problem.
    pub fn respond(self, response: Response) {
        let mut answer = hyper::Response::new(full(response.body));
        *answer.status_mut() = status(response.status);
        answer.headers_mut().extend(response.headers);
        let _ = self.reply.send(answer);
    }

    /// Answers whole, and waits to say whether the whole body was handed to the
    /// connection: for answers that are paid for only when delivered.
    pub fn deliver(self, response: Response) -> bool {
        let length = response.body.len().to_string();
        let body = response.body;
        let head = Response { body: Vec::new(), ..response }.header("Content-Length", &length);
        let mut stream = self.stream(head);
        stream.send(body) && stream.finish()
    }

    /// Answers with `head`'s status and headers (its body is ignored) and a body written
    /// piece by piece with [`Stream::send`]. Without a Content-Length header among them the
    /// body goes out chunked, each piece as it is sent.
    pub fn stream(self, head: Response) -> Stream {
        let (chunks, receiver) = mpsc::channel(16);
        let (ended_tx, ended) = oneshot::channel();
        // With a Content-Length, hyper stops reading the body at that length.
        let length = head
            .headers
            .iter()
            .find(|(name, _)| name == hyper::header::CONTENT_LENGTH)
            .and_then(|(_, value)| value.to_str().ok()?.parse().ok());
        let body = ChannelBody { chunks: receiver, length, handed: 0, ended: Some(ended_tx) }.boxed();
        let mut answer = hyper::Response::new(body);
        *answer.status_mut() = status(head.status);
        answer.headers_mut().extend(head.headers);
        let _ = self.reply.send(answer);
        Stream { chunks, ended }
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).expect("the devnet answers with valid status codes")
}

impl Response {
    /// An empty answer with this status.
    pub fn new(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new() }
    }

    /// A JSON answer, not to be cached.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::new(status)
            .header("Content-Type", "application/json")
            .header("Cache-Control", "no-store")
            .body(body.to_string())
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Adds a header. The devnet writes only valid names and values; an invalid one is a
    /// bug and fails this request (500), not the server.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        let value = HeaderValue::from_str(value).expect("a valid header value");
        self.headers.push((name, value));
        self
    }
}

impl Stream {
    /// Sends one piece. False once the client has gone away.
    pub fn send(&mut self, piece: impl Into<Vec<u8>>) -> bool {
        self.chunks.blocking_send(Chunk::Data(Bytes::from(piece.into()))).is_ok()
    }

    /// Ends the body normally. True when every piece was handed to the connection (as with
    /// any server, the client may still lose the last bytes in flight).
    pub fn finish(self) -> bool {
        let Stream { chunks, ended } = self;
        drop(chunks);
        ended.blocking_recv().unwrap_or(false)
    }

    /// Breaks the connection mid-body, as a cut cable or a crashed server would: the client
    /// keeps what arrived and its read fails. Pieces sent just before may not have left yet
    /// and are lost with the connection, as on a real cut; pause first to have them arrive.
    pub fn cut(self) {
        let _ = self.chunks.blocking_send(Chunk::Cut);
    }
}

/// A body fed from a [`Stream`]; says on `ended` whether it reached its end.
struct ChannelBody {
    chunks: mpsc::Receiver<Chunk>,
    /// The Content-Length, if the head set one: reaching it is the end.
    length: Option<usize>,
    handed: usize,
    ended: Option<oneshot::Sender<bool>>,
}

impl ChannelBody {
    fn end(&mut self, reached: bool) {
        if let Some(ended) = self.ended.take() {
            let _ = ended.send(reached);
        }
    }
}

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        Poll::Ready(match ready!(this.chunks.poll_recv(cx)) {
            Some(Chunk::Data(bytes)) => {
                this.handed += bytes.len();
                if this.length.is_some_and(|length| this.handed >= length) {
                    this.end(true);
                }
                Some(Ok(Frame::data(bytes)))
            }
            Some(Chunk::Cut) => Some(Err(io::Error::other("the server cut this answer on purpose"))),
            None => {
                this.end(this.length.is_none_or(|length| this.handed >= length));
                None
            }
        })
    }
}

impl Drop for ChannelBody {
    fn drop(&mut self) {
        self.end(false);
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;

    use super::*;

    fn echo_server() -> Running {
        Server::bind("127.0.0.1:0")
            .unwrap()
            .max_body(16)
            .serve(|request: Request| {
                let answer = match request.body() {
                    Ok(body) => {
                        Response::new(200).body(format!("{} {} {}", request.method(), request.url(), body.len()))
                    }
                    Err(e) => Response::new(413).body(e.to_string()),
                };
                request.respond(answer.header("X-Test", "yes"))
            })
            .unwrap()
    }

    /// Sends one request on `stream` and reads one answer: (status line, body).
    fn exchange(stream: &mut TcpStream, request: &str) -> (String, String) {
        stream.write_all(request.as_bytes()).unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (status.trim().to_owned(), String::from_utf8(body).unwrap())
    }

    fn connect(addr: SocketAddr) -> TcpStream {
        let stream = TcpStream::connect(addr).unwrap();
        // A request that never comes back fails the test instead of hanging it.
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream
    }

    #[test]
    fn a_new_connection_is_served_while_others_stay_open() {
        let server = echo_server();
        // Idle keep-alive connections, as a browser holds them after an upload.
        let mut idle: Vec<TcpStream> = (0..24).map(|_| connect(server.addr())).collect();
        for stream in &mut idle {
            let (status, _) = exchange(stream, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
            assert_eq!(status, "HTTP/1.1 200 OK");
        }
        // One closes, so a server thread (tiny_http's) would sit idle; then a burst of new
        // connections while the rest stay open: each is answered.
        drop(idle.pop());
        std::thread::sleep(Duration::from_millis(100));

        let burst: Vec<_> = (0..8)
            .map(|i| {
                let addr = server.addr();
                std::thread::spawn(move || {
                    exchange(&mut connect(addr), &format!("GET /b{i} HTTP/1.1\r\nHost: x\r\n\r\n"))
                })
            })
            .collect();
        for (i, thread) in burst.into_iter().enumerate() {
            assert_eq!(thread.join().unwrap(), ("HTTP/1.1 200 OK".into(), format!("GET /b{i} 0")));
        }
        // And the idle ones are still usable.
        assert_eq!(exchange(&mut idle[0], "GET /c?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").1, "GET /c?x=1 0");
    }

    #[test]
    fn bodies_arrive_whole_and_the_limit_holds() {
        let server = echo_server();
        let mut stream = connect(server.addr());
        let (status, body) = exchange(&mut stream, "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assert_eq!((status.as_str(), body.as_str()), ("HTTP/1.1 200 OK", "POST /p 5"));
        let (status, body) = exchange(
            &mut connect(server.addr()),
            "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n01234567890123456",
        );
        assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
        assert_eq!(body, "the request body is over 16 bytes");
    }

    #[test]
    fn a_request_left_unanswered_gets_500() {
        let server = Server::bind("127.0.0.1:0").unwrap().serve(drop).unwrap();
        let (status, _) = exchange(&mut connect(server.addr()), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(status, "HTTP/1.1 500 Internal Server Error");
    }

    #[test]
    fn a_stream_arrives_piece_by_piece_and_a_cut_breaks_it() {
        let (finished_tx, finished_rx) = std::sync::mpsc::channel();
        let server = Server::bind("127.0.0.1:0")
            .unwrap()
            .serve(move |request: Request| {
                if request.path() == "/whole" {
                    return finished_tx.send(request.deliver(Response::new(200).body("all of it"))).unwrap();
                }
                let cut = request.path() == "/cut";
                let mut stream = request.stream(Response::new(200).header("Content-Type", "text/plain"));
                assert!(stream.send("one,") && stream.send("two"));
                if cut {
                    // Long enough for the pieces to leave before the cut.
                    std::thread::sleep(Duration::from_millis(200));
                    stream.cut();
                } else {
                    finished_tx.send(stream.finish()).unwrap();
                }
            })
            .unwrap();

        let mut whole = String::new();
        let mut stream = connect(server.addr());
        stream.write_all(b"GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        stream.read_to_string(&mut whole).unwrap();
        assert!(whole.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{whole}");
        assert!(whole.ends_with("4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n"), "{whole}");
        assert!(finished_rx.recv().unwrap(), "the handler learns that its stream reached its end");

        let (status, body) = exchange(&mut connect(server.addr()), "GET /whole HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!((status.as_str(), body.as_str()), ("HTTP/1.1 200 OK", "all of it"));
        assert!(finished_rx.recv().unwrap(), "a delivered answer says so");

        let mut cut = Vec::new();
        let mut stream = connect(server.addr());
        stream.write_all(b"GET /cut HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let _ = stream.read_to_end(&mut cut);
        let cut = String::from_utf8_lossy(&cut);
        assert!(cut.contains("one,") && !cut.ends_with("0\r\n\r\n"), "a cut body has no last chunk: {cut}");
    }
}
