//! A loopback HTTP/1.1 server for tests: serves canned responses, answers conditional GETs,
//! and counts the requests and body bytes it sends. One request per connection.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// What the server answers on one path.
#[derive(Clone, Debug)]
pub struct Route {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Send the full `Content-Length` but only this many body bytes, then close.
    pub cut_after: Option<usize>,
}

impl Route {
    /// `200` with an audio body and an `ETag` derived from its bytes.
    pub fn audio(body: Vec<u8>) -> Self {
        let etag = format!(
            "\"{:x}-{}\"",
            body.iter().map(|&b| u64::from(b)).sum::<u64>(),
            body.len()
        );
        Self {
            status: 200,
            content_type: "audio/mpeg",
            body,
            etag: Some(etag),
            last_modified: None,
            cut_after: None,
        }
    }

    /// A status with an HTML page.
    pub fn page(status: u16, html: &str) -> Self {
        Self {
            status,
            content_type: "text/html; charset=utf-8",
            body: html.as_bytes().to_vec(),
            etag: None,
            last_modified: None,
            cut_after: None,
        }
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct Shared {
    routes: HashMap<String, Route>,
    requests: Vec<Request>,
    body_bytes: u64,
}

/// A running server; it stops serving when the test process ends.
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
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&accept_shared);
                thread::spawn(move || handle(stream, &shared));
            }
        });
        Self { addr, shared }
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Serves `route` on `path` from now on.
    pub fn route(&self, path: &str, route: Route) {
        self.shared
            .lock()
            .unwrap()
            .routes
            .insert(path.to_owned(), route);
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

    /// Response body bytes sent so far, over all paths.
    pub fn body_bytes(&self) -> u64 {
        self.shared.lock().unwrap().body_bytes
    }
}

fn handle(stream: TcpStream, shared: &Mutex<Shared>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let route = {
        let mut shared = shared.lock().unwrap();
        shared.requests.push(Request {
            path: path.clone(),
            headers: headers.clone(),
        });
        shared.routes.get(&path).cloned()
    };
    let route =
        route.unwrap_or_else(|| Route::page(404, "<!DOCTYPE html><title>404 Not Found</title>"));
    let fresh = (route.etag.is_some() && headers.get("if-none-match") == route.etag.as_ref())
        || (route.last_modified.is_some()
            && headers.get("if-modified-since") == route.last_modified.as_ref());
    let (status, body): (u16, &[u8]) = if fresh {
        (304, &[])
    } else {
        (route.status, &route.body)
    };
    let sent = &body[..route.cut_after.unwrap_or(body.len()).min(body.len())];
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nConnection: close\r\n",
        reason(status)
    );
    if let Some(date) = &route.last_modified {
        let _ = write!(head, "Last-Modified: {date}\r\n");
    }
    if let Some(etag) = &route.etag {
        let _ = write!(head, "ETag: {etag}\r\n");
    }
    if status != 304 {
        let _ = write!(
            head,
            "Content-Type: {}\r\nContent-Length: {}\r\n",
            route.content_type,
            body.len()
        );
    }
    head.push_str("\r\n");
    let mut stream = stream;
    if stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(sent))
        .is_ok()
    {
        shared.lock().unwrap().body_bytes += sent.len() as u64;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Status",
    }
}
