//! The network options of `archive sync` (timeouts, limits, retries) and the parsers of
//! the values the command line takes: ids, durations and sizes.

use std::num::NonZeroUsize;
use std::time::Duration;

use crate::catalog::{EventId, FeedId};
use crate::fetch::retry::Settings;

/// Timeouts, limits and retries of downloads.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Network")]
pub(super) struct NetworkArgs {
    /// Time allowed to open a connection.
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = duration)]
    connect_timeout: Duration,
    /// Time allowed without receiving a byte.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = duration)]
    read_timeout: Duration,
    /// Time allowed for one recording, retries included.
    #[arg(long, value_name = "DURATION", default_value = "4h", value_parser = duration)]
    timeout: Duration,
    /// Largest recording accepted.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = size)]
    max_size: u64,
    /// Attempts per recording, the first one included.
    #[arg(long, value_name = "N", default_value = "5")]
    attempts: u32,
    /// Retries allowed over the whole run.
    #[arg(long, value_name = "N", default_value = "50")]
    retries: u32,
    /// Backoff before the first retry; it doubles with each retry, with jitter.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = duration)]
    retry_delay: Duration,
    /// Longest wait before a retry; a longer `Retry-After` ends the attempt.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = duration)]
    max_retry_wait: Duration,
    /// Downloads at once from one host.
    #[arg(long, value_name = "N", default_value = "4")]
    per_host: NonZeroUsize,
    /// Let requests reach loopback, link-local and private addresses even when a redirect
    /// leads there (hosts the catalog names itself are always allowed).
    #[arg(long)]
    pub(super) allow_private: bool,
}

impl NetworkArgs {
    pub(super) fn settings(self) -> Settings {
        Settings {
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            total_timeout: self.timeout,
            max_size: self.max_size,
            max_attempts: self.attempts.max(1),
            retry_budget: self.retries,
            retry_delay: self.retry_delay,
            max_retry_wait: self.max_retry_wait,
            per_host: self.per_host.get(),
        }
    }
}

pub(super) fn feed_id(text: &str) -> Result<FeedId, String> {
    FeedId::parse(text)
}

pub(super) fn event_id(text: &str) -> Result<EventId, String> {
    EventId::parse(text)
}

pub(super) fn duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|err| format!("`{text}`: {err} (examples: 30s, 2m, 1h)"))
}

pub(super) fn size(text: &str) -> Result<u64, String> {
    text.parse::<bytesize::ByteSize>()
        .map(|size| size.as_u64())
        .map_err(|err| format!("`{text}`: {err} (examples: 500MB, 2GiB)"))
}
