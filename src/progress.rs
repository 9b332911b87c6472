//! What a running sync tells the person watching it. The core calls a [`Progress`]; the
//! command layer decides how to show it (bars on a terminal, plain lines elsewhere). Messages
//! that count things say so with [`count`]: `1 error`, `2 errors`.

use std::fmt;
use std::time::Duration;

use crate::catalog::{EpisodeId, FeedId};

/// Names an episode in messages: `feed/episode`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EpisodeKey {
    pub feed: FeedId,
    pub episode: EpisodeId,
}

impl fmt::Display for EpisodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.feed, self.episode)
    }
}

/// Receives events while recordings are pulled. Every method has a no-op default.
pub trait Progress: Send + Sync {
    /// A body starts arriving: `total` bytes if known, of which `resumed` are already on disk.
    fn receiving(&self, _episode: &EpisodeKey, _total: Option<u64>, _resumed: u64) {}
    /// `bytes` more arrived.
    fn received(&self, _episode: &EpisodeKey, _bytes: u64) {}
    /// Attempt `attempt` failed with `reason`; the next one starts after `wait`.
    fn retrying(&self, _episode: &EpisodeKey, _attempt: u32, _wait: Duration, _reason: &str) {}
    /// A rendition is being made: `done` of `total` source frames (0 while unknown).
    fn rendering(&self, _episode: &EpisodeKey, _done: u64, _total: u64) {}
}

/// A [`Progress`] that shows nothing.
pub struct Silent;

impl Progress for Silent {}

/// `1 error`, `2 errors`: a count and its noun, which takes an `s` unless the count is one.
pub fn count(count: impl fmt::Display, noun: &str) -> String {
    let count = count.to_string();
    if count == "1" {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(0, "error"), "0 errors");
        assert_eq!(count(1, "warning"), "1 warning");
        assert_eq!(count(2, "episode"), "2 episodes");
    }
}
