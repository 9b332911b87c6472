//! Sources whose server sends neither `ETag` nor `Last-Modified`: nothing lets a request ask
//! "has it changed?", so each check downloads the whole recording. The feed's `recheck`
//! interval (default 7 days) limits that: until it has passed since the last download, such
//! a source counts as unchanged. `-v` says which way it went, and why.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::progress::EpisodeKey;
use crate::state::Validators;

/// The default of `[feed] recheck`.
pub const DEFAULT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Seconds since the Unix epoch, now: when a download completed.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Whether the published copy of a remote source stands without asking the server: its
/// server sent no validator, and `recheck` has not passed since it was downloaded at
/// `downloaded` (seconds since the epoch).
pub fn still_fresh(known: &Validators, recheck: Duration, now: u64, key: &EpisodeKey) -> bool {
    let Validators::Http {
        etag: None,
        last_modified: None,
        downloaded,
    } = known
    else {
        return false;
    };
    let age = downloaded.map(|at| Duration::from_secs(now.saturating_sub(at)));
    match age {
        Some(age) if age < recheck => {
            tracing::info!(
                "`{key}`: no ETag or Last-Modified; downloaded {} ago, so not asked again before {} have passed (`recheck`)",
                rounded(age),
                rounded(recheck)
            );
            true
        }
        _ => {
            tracing::info!(
                "`{key}`: no ETag or Last-Modified: downloaded again; set `recheck` to limit this"
            );
            false
        }
    }
}

/// A duration in whole seconds, as humans write it: `2h 5m 3s`, `7days`.
fn rounded(duration: Duration) -> String {
    humantime::format_duration(Duration::from_secs(duration.as_secs())).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> EpisodeKey {
        EpisodeKey {
            feed: crate::catalog::FeedId::parse("talks").unwrap(),
            episode: crate::catalog::EpisodeId::parse("a").unwrap(),
        }
    }

    fn without_validators(downloaded: Option<u64>) -> Validators {
        Validators::Http {
            etag: None,
            last_modified: None,
            downloaded,
        }
    }

    #[test]
    fn a_source_without_validators_is_fresh_until_the_interval_has_passed() {
        let day = 24 * 3600;
        let known = without_validators(Some(1_000_000));
        assert!(still_fresh(&known, DEFAULT, 1_000_000 + 6 * day, &key()));
        assert!(!still_fresh(&known, DEFAULT, 1_000_000 + 7 * day, &key()));
        assert!(!still_fresh(&known, Duration::ZERO, 1_000_000, &key()));
    }

    #[test]
    fn a_source_with_a_validator_or_no_download_time_is_always_asked() {
        let etag = Validators::Http {
            etag: Some("\"x\"".into()),
            last_modified: None,
            downloaded: Some(0),
        };
        assert!(!still_fresh(&etag, DEFAULT, 1, &key()));
        assert!(!still_fresh(&without_validators(None), DEFAULT, 1, &key()));
    }
}
