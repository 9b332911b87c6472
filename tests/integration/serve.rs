//! `archive serve`, driven over raw HTTP (so that paths reach it exactly as written), one test
//! per rule; cases 25–34 of the reliability checklist (static-web-server's and tower-http's
//! tests).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::support::synced_example;

/// A running `archive serve`, stopped with SIGINT when dropped.
pub struct Serving {
    child: Child,
    pub host: String,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Serving {
    pub fn start(root: &Path, extra: &[&str]) -> Self {
        Self::start_at(root, "127.0.0.1:0", extra)
    }

    /// Serves at a given address.
    pub fn start_at(root: &Path, addr: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("archive"))
            .env_clear()
            .arg("--root")
            .arg(root)
            .args(["serve", "--addr", addr])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let host = line
            .strip_prefix("serving the archive at http://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_owned();
        Self {
            child,
            host,
            stderr,
        }
    }

    /// The process id of the server, to read its memory and CPU use from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops the server with Ctrl-C; returns its exit status and the rest of its log.
    pub fn stop(mut self) -> (std::process::ExitStatus, String) {
        signal_interrupt(&self.child);
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        (self.child.wait().unwrap(), rest)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal_interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// A response: status, headers (lowercase names), body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// Sends one request exactly as given and reads the whole answer.
pub fn request(host: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    request_to(host, host, method, path, headers)
}

/// [`request`] sent to `addr` with `Host: host`, which need not name it.
pub fn request_to(
    addr: &str,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        let _ = write!(text, "{name}: {value}\r\n");
    }
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// The example archive, synced, with one more (empty) file in `media/` that no build wrote.
fn archive_with_media() -> (tempfile::TempDir, String, Vec<u8>) {
    let dir = synced_example();
    let media = dir.path().join("media/iran-protests-anniversary");
    let mp3 = std::fs::read_dir(&media)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "mp3"))
        .unwrap();
    let path = format!(
        "/media/iran-protests-anniversary/{}",
        mp3.file_name().unwrap().to_string_lossy()
    );
    std::fs::write(media.join("empty-000000000000.mp3"), b"").unwrap();
    let bytes = std::fs::read(mp3).unwrap();
    (dir, path, bytes)
}

/// [25] HEAD: 200, the length, `Accept-Ranges`, the type, no body.
#[test]
fn head_gives_the_headers_without_the_body() {
    let (dir, path, bytes) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let answer = request(&server.host, "HEAD", &path, &[]);
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(answer.header("accept-ranges"), Some("bytes"));
    assert_eq!(answer.header("content-type"), Some("audio/mpeg"));
    assert!(answer.body.is_empty());
}

/// [26, 27] Single ranges: first bytes, suffix, open-ended, and an end past EOF, clamped.
#[test]
fn byte_ranges_are_answered_with_206() {
    let (dir, path, bytes) = archive_with_media();
    let n = bytes.len();
    let server = Serving::start(dir.path(), &[]);
    for (range, start, end) in [
        ("bytes=0-1".to_owned(), 0, 1),
        ("bytes=-500".to_owned(), n - 500, n - 1),
        ("bytes=1000-".to_owned(), 1000, n - 1),
        (format!("bytes=1000-{}", n + 5000), 1000, n - 1),
    ] {
        let answer = request(&server.host, "GET", &path, &[("Range", &range)]);
        assert_eq!(answer.status, 206, "{range}");
        assert_eq!(
            answer.header("content-range"),
            Some(format!("bytes {start}-{end}/{n}").as_str()),
            "{range}"
        );
        assert_eq!(answer.body, bytes[start..=end], "{range}");
        assert_eq!(
            answer.header("content-length"),
            Some((end - start + 1).to_string().as_str())
        );
    }
}

/// [28] A start at or past the end, a malformed range, or any range of an empty file: 416
/// with `bytes */N`.
#[test]
fn unsatisfiable_ranges_are_416() {
    let (dir, path, bytes) = archive_with_media();
    let n = bytes.len();
    let server = Serving::start(dir.path(), &[]);
    for range in [
        format!("bytes={n}-"),
        format!("bytes={}-", n + 10),
        "bytes=9-2".into(),
        "bytes=x-y".into(),
    ] {
        let answer = request(&server.host, "GET", &path, &[("Range", &range)]);
        assert_eq!(answer.status, 416, "{range}");
        assert_eq!(
            answer.header("content-range"),
            Some(format!("bytes */{n}").as_str()),
            "{range}"
        );
    }
    // (An empty file's 416 is the range unit test's: an empty file is never an output.)
    let stray = "/media/iran-protests-anniversary/empty-000000000000.mp3";
    let answer = request(&server.host, "GET", stray, &[("Range", "bytes=0-0")]);
    assert_eq!(
        answer.status, 404,
        "a file the build did not write is not served"
    );
}

/// [29] `If-Range` with a stale validator: the whole file, 200.
#[test]
fn a_stale_if_range_gets_the_whole_file() {
    let (dir, path, bytes) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let etag = request(&server.host, "HEAD", &path, &[])
        .header("etag")
        .unwrap()
        .to_owned();
    let fresh = request(
        &server.host,
        "GET",
        &path,
        &[("Range", "bytes=0-9"), ("If-Range", &etag)],
    );
    assert_eq!(fresh.status, 206);
    let stale = request(
        &server.host,
        "GET",
        &path,
        &[("Range", "bytes=0-9"), ("If-Range", "\"stale\"")],
    );
    assert_eq!(stale.status, 200);
    assert_eq!(stale.body, bytes);
    let old_date = request(
        &server.host,
        "GET",
        &path,
        &[
            ("Range", "bytes=0-9"),
            ("If-Range", "Tue, 10 Nov 2020 18:00:00 GMT"),
        ],
    );
    assert_eq!(old_date.status, 200);
}

/// [30] `If-None-Match` gives 304 with the `ETag`, and wins over `If-Modified-Since`.
#[test]
fn conditional_requests_get_304() {
    let (dir, path, _) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let head = request(&server.host, "HEAD", &path, &[]);
    let (etag, modified) = (
        head.header("etag").unwrap(),
        head.header("last-modified").unwrap(),
    );
    let answer = request(&server.host, "GET", &path, &[("If-None-Match", etag)]);
    assert_eq!(answer.status, 304);
    assert_eq!(answer.header("etag"), Some(etag));
    assert!(answer.body.is_empty());
    assert_eq!(
        request(
            &server.host,
            "GET",
            &path,
            &[("If-Modified-Since", modified)]
        )
        .status,
        304
    );
    let wins = request(
        &server.host,
        "GET",
        &path,
        &[
            ("If-None-Match", "\"other\""),
            ("If-Modified-Since", modified),
        ],
    );
    assert_eq!(wins.status, 200, "If-None-Match decides");
}

/// [31] Content types of media, feeds, pages, transcripts and chapters; CORS where web players
/// need it.
#[test]
fn content_types_are_right() {
    let (dir, _, _) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let feed = request(
        &server.host,
        "GET",
        "/feeds/iran-protests-anniversary.xml",
        &[],
    );
    assert_eq!(
        feed.header("content-type"),
        Some("application/rss+xml; charset=utf-8")
    );
    let xml = String::from_utf8(feed.body).unwrap();
    let mut seen = HashMap::new();
    for url in xml
        .split('"')
        .filter(|s| s.starts_with("http://") && s.contains("/media/"))
    {
        let path = &url[url.find("/media/").unwrap()..];
        let extension = path.rsplit('.').next().unwrap().to_owned();
        let answer = request(&server.host, "HEAD", path, &[]);
        assert_eq!(answer.status, 200, "{path}");
        seen.insert(
            extension,
            (
                answer.header("content-type").unwrap().to_owned(),
                answer
                    .header("access-control-allow-origin")
                    .map(str::to_owned),
            ),
        );
    }
    assert_eq!(seen["mp3"].0, "audio/mpeg");
    assert_eq!(seen["m4a"].0, "audio/mp4");
    assert_eq!(seen["opus"].0, "audio/ogg");
    assert_eq!(seen["flac"].0, "audio/flac");
    assert_eq!(seen["png"].0, "image/png");
    assert_eq!(
        seen["vtt"],
        ("text/vtt; charset=utf-8".to_owned(), Some("*".to_owned()))
    );
    assert_eq!(
        seen["json"],
        ("application/json".to_owned(), Some("*".to_owned()))
    );
    let page = request(
        &server.host,
        "HEAD",
        "/feeds/iran-protests-anniversary.html",
        &[],
    );
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
}

/// [32] Media is never compressed, whatever the client accepts.
#[test]
fn media_is_not_compressed() {
    let (dir, path, bytes) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let answer = request(
        &server.host,
        "GET",
        &path,
        &[("Accept-Encoding", "gzip, br")],
    );
    assert_eq!(answer.header("content-encoding"), None);
    assert_eq!(answer.header("accept-ranges"), Some("bytes"));
    assert_eq!(answer.body, bytes);
}

/// [33] Paths that escape, and a symlink out of the archive: 404.
#[test]
fn paths_outside_the_served_folders_are_404() {
    let (dir, _, _) = archive_with_media();
    let outside = tempfile::TempDir::new().unwrap();
    std::fs::write(outside.path().join("secret.mp3"), b"ID3secret").unwrap();
    let link = dir
        .path()
        .join("media/iran-protests-anniversary/link-000000000000.mp3");
    std::os::unix::fs::symlink(outside.path().join("secret.mp3"), link).unwrap();
    let server = Serving::start(dir.path(), &[]);
    for path in [
        "/feeds/../Cargo.toml",
        "/feeds/%2e%2e/feeds/speakers.toml",
        "/media/..%2f..%2fetc%2fpasswd",
        "/media/iran-protests-anniversary%5c..%5c..%5cfeeds%5cspeakers.toml",
        "/media/C:/Windows/win.ini",
        "/media/a%00.mp3",
        "/etc/passwd",
        "/feeds/iran-protests-anniversary.toml",
        "/.archive/lock",
        "/recordings/2020-11-10-hasti-hesami.flac",
        "/media/iran-protests-anniversary/link-000000000000.mp3",
    ] {
        assert_eq!(
            request(&server.host, "GET", path, &[]).status,
            404,
            "{path}"
        );
    }
}

/// [34] Every enclosure is served with the length the feed states.
#[test]
fn enclosure_lengths_match_what_is_served() {
    let (dir, _, _) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let feed = request(
        &server.host,
        "GET",
        "/feeds/iran-protests-anniversary.xml",
        &[],
    );
    let channel = rss::Channel::read_from(&feed.body[..]).unwrap();
    for item in channel.items() {
        let enclosure = item.enclosure().unwrap();
        let url = enclosure.url();
        assert!(
            url.starts_with(&format!("http://{}/media/", server.host)),
            "{url}"
        );
        let answer = request(
            &server.host,
            "GET",
            &url[url.find("/media/").unwrap()..],
            &[],
        );
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body.len().to_string(), enclosure.length());
    }
}

/// Subscribable out of the box: the printed feed URL works and points back at the server;
/// `--as-built` serves the feed as `archive build` wrote it.
#[test]
fn the_printed_feed_url_is_subscribable_and_as_built_is_byte_for_byte() {
    let (dir, _, _) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let feed = request(
        &server.host,
        "GET",
        "/feeds/iran-protests-anniversary.xml",
        &[],
    );
    let self_link = format!(
        "href=\"http://{}/feeds/iran-protests-anniversary.xml\"",
        server.host
    );
    assert!(String::from_utf8_lossy(&feed.body).contains(&self_link));
    assert_eq!(
        request(&server.host, "GET", "/", &[]).header("location"),
        Some("/feeds/")
    );
    assert_eq!(request(&server.host, "GET", "/feeds/", &[]).status, 200);
    drop(server);

    let server = Serving::start(dir.path(), &["--as-built"]);
    let feed = request(
        &server.host,
        "GET",
        "/feeds/iran-protests-anniversary.xml",
        &[],
    );
    assert_eq!(
        feed.body,
        std::fs::read(dir.path().join("feeds/iran-protests-anniversary.xml")).unwrap()
    );
}

/// Request logging, and a graceful stop on Ctrl-C.
#[test]
fn requests_are_logged_and_ctrl_c_stops_gracefully() {
    let (dir, path, _) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    request(&server.host, "HEAD", &path, &[]);
    let (status, log) = server.stop();
    assert!(status.success(), "{log}");
    assert!(log.contains(&format!("\"HEAD {path}\" 200")), "{log}");
    assert!(
        log.contains("archive: stopping; waiting for open connections to finish"),
        "{log}"
    );
}

/// Many range requests at once are all answered, from a file streamed, not loaded.
#[test]
fn many_concurrent_range_requests_are_answered() {
    let (dir, path, bytes) = archive_with_media();
    let server = Serving::start(dir.path(), &[]);
    let host = server.host.clone();
    let threads: Vec<_> = (0..32)
        .map(|n| {
            let (host, path) = (host.clone(), path.clone());
            std::thread::spawn(move || {
                let start = n * 1000;
                let answer = request(
                    &host,
                    "GET",
                    &path,
                    &[("Range", &format!("bytes={start}-{}", start + 999))],
                );
                (start, answer)
            })
        })
        .collect();
    for thread in threads {
        let (start, answer) = thread.join().unwrap();
        assert_eq!(answer.status, 206);
        assert_eq!(answer.body, bytes[start..start + 1000]);
    }
}
