//! What `-v` shows of each HTTP request of a sync, in one line when the attempt ends: method,
//! URL, status, the validators and range sent, the bytes received and the time taken.
//!
//! `GET https://example.org/a.mp3: 304 Not Modified, 0 bytes in 0.08 s (sent If-None-Match "x")`

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use url::Url;

use super::http::{Download, Failure};
use crate::progress::{EpisodeKey, Progress};

/// One request as it goes: passes progress on to the sync's own [`Progress`], counting the
/// bytes, and remembers what was sent and answered.
pub struct Exchange<'a> {
    url: &'a Url,
    started: Instant,
    inner: &'a dyn Progress,
    sent: Mutex<Vec<String>>,
    status: Mutex<Option<StatusCode>>,
    bytes: AtomicU64,
}

impl<'a> Exchange<'a> {
    pub fn new(url: &'a Url, inner: &'a dyn Progress) -> Self {
        Self {
            url,
            started: Instant::now(),
            inner,
            sent: Mutex::default(),
            status: Mutex::default(),
            bytes: AtomicU64::new(0),
        }
    }

    /// Headers sent that make the request conditional (kept only when the request is
    /// logged: a no-op re-sync sends thousands).
    pub fn sent(&self, headers: &HeaderMap) {
        if !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            self.sent_one(&title_case(name.as_str()), &value);
        }
    }

    /// One header sent that makes the request conditional or partial.
    pub fn sent_one(&self, name: &str, value: &str) {
        if !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        lock(&self.sent).push(format!("{name}: {value}"));
    }

    /// The status of the answer.
    pub fn answered(&self, status: StatusCode) {
        *lock(&self.status) = Some(status);
    }

    /// Logs the request, once the attempt ended with `result`.
    pub fn finish(&self, result: &Result<Download, Failure>) {
        if !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        let status = lock(&self.status).map_or_else(|| "no answer".to_owned(), |s| s.to_string());
        let sent = lock(&self.sent);
        let sent = if sent.is_empty() {
            "no validators sent".to_owned()
        } else {
            format!("sent {}", sent.join(", "))
        };
        let failed = match result {
            Ok(_) => String::new(),
            Err(failure) => format!(": {}", failure.error),
        };
        tracing::info!(
            "GET {}: {status}, {} in {} ({sent}){failed}",
            self.url,
            crate::progress::count(self.bytes.load(Ordering::Relaxed), "byte"),
            seconds(self.started.elapsed()),
        );
    }
}

impl Progress for Exchange<'_> {
    fn receiving(&self, episode: &EpisodeKey, total: Option<u64>, resumed: u64) {
        self.inner.receiving(episode, total, resumed);
    }

    fn received(&self, episode: &EpisodeKey, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.inner.received(episode, bytes);
    }

    fn retrying(&self, episode: &EpisodeKey, attempt: u32, wait: Duration, reason: &str) {
        self.inner.retrying(episode, attempt, wait, reason);
    }
}

/// `if-none-match` → `If-None-Match`.
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `0.08 s`.
pub fn seconds(elapsed: Duration) -> String {
    format!("{:.2} s", elapsed.as_secs_f64())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_shown_as_written_in_the_standards() {
        assert_eq!(title_case("if-none-match"), "If-None-Match");
        assert_eq!(title_case("range"), "Range");
    }
}
