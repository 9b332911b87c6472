//! Answering GET and HEAD for one resource (a file on disk, or a page rendered in memory):
//! validators, `304`s, byte ranges, and the headers podcast apps rely on.

use std::path::Path;
use std::time::SystemTime;

use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Response, StatusCode};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::range::{Answer, answer};
use crate::mime::{cache_control, content_type};

/// The body of every response.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// Where a resource's bytes are.
pub enum Content {
    /// A file opened inside the archive.
    File(std::fs::File),
    Memory(Bytes),
}

/// Something `serve` can send.
pub struct Resource {
    pub content: Content,
    pub len: u64,
    pub etag: String,
    pub modified: Option<SystemTime>,
    pub content_type: &'static str,
    pub cache_control: &'static str,
}

impl Resource {
    /// A file opened inside the archive, served as `path`, with validators from its size and
    /// modification time.
    pub fn file(path: &Path, file: std::fs::File, meta: &std::fs::Metadata) -> Self {
        let modified = meta.modified().ok();
        let nanos = modified
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Self {
            content_type: content_type(path),
            cache_control: cache_control(path),
            etag: format!("\"{:x}-{nanos:x}\"", meta.len()),
            len: meta.len(),
            modified,
            content: Content::File(file),
        }
    }

    /// Bytes rendered in memory for the request's host, with an `ETag` from their hash. They
    /// differ by `Host`, so caches must ask again (`no-cache`, `Vary: Host`).
    pub fn rendered(path: &Path, bytes: Bytes) -> Self {
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        Self {
            content_type: content_type(path),
            cache_control: "no-cache",
            etag: format!("\"{hash:x}-{:x}\"", bytes.len()),
            len: bytes.len() as u64,
            modified: None,
            content: Content::Memory(bytes),
        }
    }
}

/// The answer to `method` with `headers` for `resource`.
pub async fn respond(
    resource: Resource,
    method: &Method,
    headers: &HeaderMap,
) -> std::io::Result<Response<Body>> {
    let mut response = Response::builder()
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::ETAG, &resource.etag)
        .header(header::CONTENT_TYPE, resource.content_type)
        .header(header::CACHE_CONTROL, resource.cache_control);
    if let Some(modified) = resource.modified {
        response = response.header(header::LAST_MODIFIED, http_date(modified));
    }
    if matches!(resource.content, Content::Memory(_)) {
        response = response.header(header::VARY, "Host");
    }
    if needs_cors(resource.content_type) {
        response = response.header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    }
    if not_modified(&resource, headers) {
        return Ok(response
            .status(StatusCode::NOT_MODIFIED)
            .body(empty())
            .expect("valid response"));
    }
    let range = if if_range_holds(&resource, headers) {
        answer(text(headers, &header::RANGE), resource.len)
    } else {
        Answer::Whole
    };
    let (status, start, len) = match range {
        Answer::Whole => (StatusCode::OK, 0, resource.len),
        Answer::Part { start, end } => {
            let content_range = format!("bytes {start}-{end}/{}", resource.len);
            response = response.header(header::CONTENT_RANGE, content_range);
            (StatusCode::PARTIAL_CONTENT, start, end - start + 1)
        }
        Answer::Unsatisfiable => {
            let response = response
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{}", resource.len))
                .header(header::CONTENT_LENGTH, 0);
            return Ok(response.body(empty()).expect("valid response"));
        }
    };
    let response = response.status(status).header(header::CONTENT_LENGTH, len);
    let body = if method == Method::HEAD {
        empty()
    } else {
        body(resource.content, start, len).await?
    };
    Ok(response.body(body).expect("valid response"))
}

/// Streams `len` bytes from `start`, without reading the whole file.
async fn body(content: Content, start: u64, len: u64) -> std::io::Result<Body> {
    match content {
        Content::Memory(bytes) => {
            let (start, end) = (
                usize::try_from(start).unwrap_or(0),
                usize::try_from(start + len).unwrap_or(0),
            );
            Ok(Full::new(bytes.slice(start..end))
                .map_err(|never| match never {})
                .boxed())
        }
        Content::File(file) => {
            let mut file = tokio::fs::File::from_std(file);
            file.seek(std::io::SeekFrom::Start(start)).await?;
            let stream = ReaderStream::with_capacity(file.take(len), 64 * 1024).map_ok(Frame::data);
            Ok(StreamBody::new(stream).boxed())
        }
    }
}

fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed()
}

/// `If-None-Match` decides when present; otherwise `If-Modified-Since`.
fn not_modified(resource: &Resource, headers: &HeaderMap) -> bool {
    if let Some(tags) = text(headers, &header::IF_NONE_MATCH) {
        return tags
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag == resource.etag);
    }
    match (
        text(headers, &header::IF_MODIFIED_SINCE).and_then(parse_http_date),
        resource.modified,
    ) {
        (Some(since), Some(modified)) => seconds(modified) <= since,
        _ => false,
    }
}

/// Whether a `Range` applies: no `If-Range`, or one that matches exactly (strong `ETag`, or
/// the same `Last-Modified`).
fn if_range_holds(resource: &Resource, headers: &HeaderMap) -> bool {
    let Some(value) = text(headers, &header::IF_RANGE) else {
        return true;
    };
    if value.starts_with('"') {
        return value == resource.etag;
    }
    match (parse_http_date(value), resource.modified) {
        (Some(date), Some(modified)) => date == seconds(modified),
        _ => false,
    }
}

fn text<'a>(headers: &'a HeaderMap, name: &header::HeaderName) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v: &HeaderValue| v.to_str().ok())
}

fn seconds(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn parse_http_date(value: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|date| date.timestamp())
}

fn http_date(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Web players fetch feeds, transcripts and chapters from other origins.
fn needs_cors(content_type: &str) -> bool {
    !content_type.starts_with("text/html")
}
