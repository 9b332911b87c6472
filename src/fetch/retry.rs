//! When to try a download again, and how long to wait first.
//!
//! Transient answers (408, 429, 500, 502, 503, 504), timeouts, resets and bodies cut short are
//! retried with exponential backoff and full jitter. `Retry-After` (seconds or an HTTP-date)
//! is honoured up to a cap; a longer one ends the attempt at once. Every retry is paid from
//! a budget shared by the whole run, so a dead server cannot keep a cron job busy for hours.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;

/// Network settings of a sync, with the defaults the README documents.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed without receiving a byte.
    pub read_timeout: Duration,
    /// Time allowed for one recording, retries included.
    pub total_timeout: Duration,
    /// Largest recording accepted, in bytes.
    pub max_size: u64,
    /// Attempts per recording, the first one included.
    pub max_attempts: u32,
    /// Retries allowed over the whole run.
    pub retry_budget: u32,
    /// Backoff before the first retry; it doubles with each retry.
    pub retry_delay: Duration,
    /// Longest wait before a retry, `Retry-After` included.
    pub max_retry_wait: Duration,
    /// Downloads at once from one host.
    pub per_host: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(60),
            total_timeout: Duration::from_secs(4 * 3600),
            max_size: 2 * 1024 * 1024 * 1024,
            max_attempts: 5,
            retry_budget: 50,
            retry_delay: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(120),
            per_host: 4,
        }
    }
}

/// Whether an HTTP status is worth another attempt.
pub fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait a `Retry-After` value asks for: delta-seconds or an HTTP-date.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// The retries left for this run.
#[derive(Debug)]
pub struct Budget {
    left: AtomicU32,
}

impl Budget {
    pub fn new(retries: u32) -> Self {
        Self {
            left: AtomicU32::new(retries),
        }
    }

    /// Takes one retry from the budget; false when it is spent.
    pub fn take(&self) -> bool {
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok()
    }
}

/// The backoff before retry number `retry` (1-based): `retry_delay × 2^(retry-1)`, capped at
/// `max_retry_wait`, with full jitter down to half of it.
pub fn backoff(settings: &Settings, retry: u32) -> Duration {
    let exponential = settings
        .retry_delay
        .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)));
    let capped = exponential.min(settings.max_retry_wait);
    capped.mul_f64(0.5 + fastrand::f64() / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_an_http_date() {
        let now = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after("Sat, 28 Nov 2026 12:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(
                retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 410, 416, 501] {
            assert!(
                !retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }

    #[test]
    fn backoff_doubles_within_jitter_and_is_capped() {
        let settings = Settings {
            retry_delay: Duration::from_millis(100),
            max_retry_wait: Duration::from_millis(300),
            ..Settings::default()
        };
        for _ in 0..50 {
            let first = backoff(&settings, 1);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let third = backoff(&settings, 3);
            assert!(third >= Duration::from_millis(150) && third <= Duration::from_millis(300));
        }
    }

    #[test]
    fn the_budget_runs_out() {
        let budget = Budget::new(2);
        assert!(budget.take());
        assert!(budget.take());
        assert!(!budget.take());
    }
}
