//! A fault-injecting loopback HTTP/1.1 server, in the manner of curl's and yt-dlp's test
//! servers. Each path has a script of replies: each request takes the next one, and the last
//! one repeats. A reply is either a file served with real conditional and range semantics,
//! or a fixed status; either can be told to misbehave: delay, stall or close mid-body, lie
//! about its length or range, ignore `Range` or `If-Range`, or send chunks without an end.
//!
//! Connections are kept alive unless a reply closes them; every request records the
//! connection it came on, its headers and when it arrived.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One scripted reply.
#[derive(Clone, Debug)]
pub struct Reply {
    kind: Kind,
    headers: Vec<(String, String)>,
    /// `None`: the right `Content-Length`; `Some(values)`: these `Content-Length` headers
    /// instead (none, several, or wrong ones).
    content_length: Option<Vec<String>>,
    content_range: Option<String>,
    delay: Duration,
    cut_after: Option<usize>,
    stall_after: Option<usize>,
    chunked: Option<bool>,
    throttle: Option<(usize, Duration)>,
}

#[derive(Clone, Debug)]
enum Kind {
    Status { status: u16, body: Vec<u8> },
    File(File),
}

/// A file served like a web server would.
#[derive(Clone, Debug)]
struct File {
    body: Vec<u8>,
    etag: Option<String>,
    last_modified: Option<String>,
    ranges: bool,
    if_range: bool,
}

impl Reply {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            headers: Vec::new(),
            content_length: None,
            content_range: None,
            delay: Duration::ZERO,
            cut_after: None,
            stall_after: None,
            chunked: None,
            throttle: None,
        }
    }

    /// An audio file with an `ETag` derived from its bytes, honouring conditional requests,
    /// `Range` and `If-Range`.
    pub fn file(body: Vec<u8>) -> Self {
        let etag = format!("\"{:x}-{}\"", fnv(&body), body.len());
        Self::new(Kind::File(File {
            body,
            etag: Some(etag),
            last_modified: None,
            ranges: true,
            if_range: true,
        }))
        .header("Content-Type", "audio/mpeg")
    }

    /// A fixed status with an HTML body.
    pub fn page(status: u16, html: &str) -> Self {
        Self::status(status, html.as_bytes().to_vec())
            .header("Content-Type", "text/html; charset=utf-8")
    }

    /// A fixed status with a body.
    pub fn status(status: u16, body: Vec<u8>) -> Self {
        Self::new(Kind::Status { status, body })
    }

    /// A redirect to `location`.
    pub fn redirect(location: &str) -> Self {
        Self::status(302, Vec::new()).header("Location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the file's `ETag` (`None`: no `ETag`).
    pub fn etag(mut self, etag: Option<&str>) -> Self {
        if let Kind::File(file) = &mut self.kind {
            file.etag = etag.map(str::to_owned);
        }
        self
    }

    pub fn last_modified(mut self, date: &str) -> Self {
        if let Kind::File(file) = &mut self.kind {
            file.last_modified = Some(date.to_owned());
        }
        self
    }

    /// Answers range requests with the whole file, `200`.
    pub fn ignore_range(mut self) -> Self {
        if let Kind::File(file) = &mut self.kind {
            file.ranges = false;
        }
        self
    }

    /// Serves the asked range even when `If-Range` does not match.
    pub fn ignore_if_range(mut self) -> Self {
        if let Kind::File(file) = &mut self.kind {
            file.if_range = false;
        }
        self
    }

    /// Sends these `Content-Length` headers instead of the right one.
    pub fn content_length(mut self, values: &[&str]) -> Self {
        self.content_length = Some(values.iter().map(|v| (*v).to_owned()).collect());
        self
    }

    /// Sends this `Content-Range` instead of the right one (an empty string: none).
    pub fn content_range(mut self, value: &str) -> Self {
        self.content_range = Some(value.to_owned());
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Closes the connection after this many body bytes.
    pub fn cut_after(mut self, bytes: usize) -> Self {
        self.cut_after = Some(bytes);
        self
    }

    /// Stops sending, with the connection open, after this many body bytes.
    pub fn stall_after(mut self, bytes: usize) -> Self {
        self.stall_after = Some(bytes);
        self
    }

    /// Sends the body chunked; without the final empty chunk if `terminated` is false.
    pub fn chunked(mut self, terminated: bool) -> Self {
        self.chunked = Some(terminated);
        self
    }

    /// Sends the body in pieces of `bytes`, pausing `pause` between them.
    pub fn throttle(mut self, bytes: usize, pause: Duration) -> Self {
        self.throttle = Some((bytes, pause));
        self
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub connection: usize,
    pub at: Instant,
    pub wall: std::time::SystemTime,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

#[derive(Default)]
struct Shared {
    scripts: HashMap<String, Vec<Reply>>,
    requests: Vec<Request>,
    body_bytes: u64,
    active: usize,
    most_active: usize,
}

/// A running server; it serves until the test process ends.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl Server {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Mutex::new(Shared::default()));
        let accept_shared = Arc::clone(&shared);
        let connections = Arc::new(AtomicUsize::new(0));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&accept_shared);
                let id = connections.fetch_add(1, Ordering::SeqCst);
                thread::spawn(move || serve_connection(stream, id, &shared));
            }
        });
        Self { addr, shared }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Serves `reply` on `path` from now on.
    pub fn route(&self, path: &str, reply: Reply) {
        self.script(path, vec![reply]);
    }

    /// Answers the next requests for `path` with `replies` in turn; the last one repeats.
    pub fn script(&self, path: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty());
        self.shared
            .lock()
            .unwrap()
            .scripts
            .insert(path.to_owned(), replies);
    }

    /// Requests received so far for `path`.
    pub fn requests(&self, path: &str) -> Vec<Request> {
        let shared = self.shared.lock().unwrap();
        shared
            .requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// The most requests that were being answered at the same time.
    pub fn most_concurrent(&self) -> usize {
        self.shared.lock().unwrap().most_active
    }

    /// Response body bytes sent so far, over all paths.
    pub fn body_bytes(&self) -> u64 {
        self.shared.lock().unwrap().body_bytes
    }
}

fn serve_connection(stream: TcpStream, connection: usize, shared: &Mutex<Shared>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let Some((path, headers)) = read_request(&mut reader) else {
            return;
        };
        let reply = {
            let mut shared = shared.lock().unwrap();
            shared.active += 1;
            shared.most_active = shared.most_active.max(shared.active);
            shared.requests.push(Request {
                path: path.clone(),
                headers: headers.clone(),
                connection,
                at: Instant::now(),
                wall: std::time::SystemTime::now(),
            });
            match shared.scripts.get_mut(&path) {
                Some(script) if script.len() > 1 => script.remove(0),
                Some(script) => script[0].clone(),
                None => Reply::page(404, "<!DOCTYPE html><title>404 Not Found</title>"),
            }
        };
        let reusable = send(&mut stream, &reply, &headers, shared);
        shared.lock().unwrap().active -= 1;
        if !matches!(reusable, Ok(true)) {
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, HashMap<String, String>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let method = line.split_whitespace().next()?.to_owned();
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    // The method travels with the headers, under a name no real header has.
    headers.insert(":method".to_owned(), method);
    Some((path, headers))
}

/// Sends one reply; returns whether the connection can serve another request.
fn send(
    stream: &mut TcpStream,
    reply: &Reply,
    request: &HashMap<String, String>,
    shared: &Mutex<Shared>,
) -> std::io::Result<bool> {
    thread::sleep(reply.delay);
    let (status, mut headers, mut body) = respond(reply, request);
    let head_only = request.get(":method").is_some_and(|m| m == "HEAD");
    headers.extend(reply.headers.iter().cloned());
    if let Some(value) = &reply.content_range {
        headers.retain(|(name, _)| name != "Content-Range");
        if !value.is_empty() {
            headers.push(("Content-Range".into(), value.clone()));
        }
    }
    let chunked = reply.chunked;
    match (&reply.content_length, chunked) {
        (_, Some(_)) => headers.push(("Transfer-Encoding".into(), "chunked".into())),
        (Some(values), None) => {
            headers.extend(values.iter().map(|v| ("Content-Length".into(), v.clone())));
        }
        (None, None) if status != 304 => {
            headers.push(("Content-Length".into(), body.len().to_string()));
        }
        (None, None) => {}
    }
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in &headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if head_only {
        body.clear();
    }

    let limit = [reply.cut_after, reply.stall_after]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(body.len())
        .min(body.len());
    let piece = reply
        .throttle
        .map_or(body.len().max(1), |(bytes, _)| bytes.max(1));
    let mut sent = 0;
    while sent < limit {
        let end = (sent + piece).min(limit);
        let data = &body[sent..end];
        if chunked.is_some() {
            stream.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
            stream.write_all(data)?;
            stream.write_all(b"\r\n")?;
        } else {
            stream.write_all(data)?;
        }
        stream.flush()?;
        shared.lock().unwrap().body_bytes += data.len() as u64;
        sent = end;
        if let Some((_, pause)) = reply.throttle {
            thread::sleep(pause);
        }
    }
    if reply.stall_after.is_some_and(|n| n <= limit) {
        thread::sleep(Duration::from_secs(60));
        return Ok(false);
    }
    if reply.cut_after.is_some_and(|n| n < body.len()) {
        return Ok(false);
    }
    if chunked == Some(true) {
        stream.write_all(b"0\r\n\r\n")?;
    }
    if chunked == Some(false) {
        return Ok(false);
    }
    Ok(reply.content_length.is_none())
}

/// Status, headers and body of a reply to a request, with file semantics where it has them.
fn respond(
    reply: &Reply,
    request: &HashMap<String, String>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let file = match &reply.kind {
        Kind::Status { status, body } => return (*status, Vec::new(), body.clone()),
        Kind::File(file) => file,
    };
    let mut headers = Vec::new();
    if let Some(etag) = &file.etag {
        headers.push(("ETag".to_owned(), etag.clone()));
    }
    if let Some(date) = &file.last_modified {
        headers.push(("Last-Modified".to_owned(), date.clone()));
    }
    let matches = |value: Option<&String>, current: &Option<String>| {
        value.is_some() && value == current.as_ref()
    };
    if matches(request.get("if-none-match"), &file.etag)
        || (request.get("if-none-match").is_none()
            && matches(request.get("if-modified-since"), &file.last_modified))
    {
        return (304, headers, Vec::new());
    }
    let len = file.body.len();
    let range_start = request
        .get("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|start| start.parse::<usize>().ok());
    let if_range_ok = match request.get("if-range") {
        None => true,
        Some(_) if !file.if_range => true,
        Some(value) => {
            Some(value) == file.etag.as_ref() || Some(value) == file.last_modified.as_ref()
        }
    };
    match range_start {
        Some(start) if file.ranges && if_range_ok && start >= len => {
            headers.push(("Content-Range".into(), format!("bytes */{len}")));
            (416, headers, Vec::new())
        }
        Some(start) if file.ranges && if_range_ok => {
            headers.push((
                "Content-Range".into(),
                format!("bytes {start}-{}/{len}", len - 1),
            ));
            (206, headers, file.body[start..].to_vec())
        }
        _ => (200, headers, file.body.clone()),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
