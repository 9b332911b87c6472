//! GUID continuity: an item published before must keep its GUID, or listeners get it twice;
//! an item that vanishes is gone from new subscribers' apps. The feed written last (the full
//! archive, where a feed has `limit`) is what was published.

use std::collections::HashMap;

use super::{Findings, Severity};
use crate::catalog::{EpisodeId, Feed};
use crate::feed::Document;

/// Compares `document` (the feed as the catalog would build it) with its file on disk.
pub fn check(
    root: &std::path::Path,
    feed: &Feed,
    document: &Document<'_>,
    findings: &mut Findings,
) {
    let Ok(bytes) = std::fs::read(root.join(&document.path)) else {
        return;
    };
    let Ok(published) = rss::Channel::read_from(&bytes[..]) else {
        let message = format!(
            "`{}` does not parse, so GUID continuity was not checked",
            document.path
        );
        return findings.add(
            Severity::Warning,
            "guid-continuity",
            (document.path.as_path(), None),
            message,
        );
    };
    let now: HashMap<&str, &EpisodeId> = document
        .entries
        .iter()
        .map(|entry| (entry.episode.guid.as_str(), &entry.episode.id))
        .collect();
    for item in published.items() {
        let Some(guid) = item.guid().map(rss::Guid::value) else {
            continue;
        };
        if now.contains_key(guid) {
            continue;
        }
        let episode = item
            .enclosure()
            .and_then(|enclosure| episode_of(enclosure.url()))
            .and_then(|id| {
                feed.episodes
                    .iter()
                    .find(|episode| episode.id.as_str() == id)
            });
        let title = item.title().unwrap_or("(untitled)");
        match episode {
            Some(episode) if episode.guid != guid => {
                let message = format!(
                    "episode `{}/{}` was published with GUID `{guid}` and would now get `{}`: apps would show it twice; set `guid = \"{guid}\"` to keep it",
                    feed.id, episode.id, episode.guid
                );
                findings.add(
                    Severity::Error,
                    "guid-changed",
                    (&feed.file, Some(episode.line)),
                    message,
                );
            }
            Some(episode) => {
                let message = format!(
                    "episode `{}/{}` (\"{title}\") is published but has no synced recording, so the next build drops it",
                    feed.id, episode.id
                );
                findings.add(
                    Severity::Error,
                    "guid-vanished",
                    (&feed.file, Some(episode.line)),
                    message,
                );
            }
            None => {
                let message = format!(
                    "the published item \"{title}\" (GUID `{guid}`) is gone from the catalog"
                );
                findings.add(
                    Severity::Error,
                    "guid-vanished",
                    (&feed.file, None),
                    message,
                );
            }
        }
    }
}

/// The episode id in a published recording's name: `…/<episode-id>-<12 hex>.<ext>`.
fn episode_of(url: &str) -> Option<&str> {
    let name = url.rsplit('/').next()?;
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let (episode, hash) = stem.rsplit_once('-')?;
    (hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(episode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_episode_in_a_published_name() {
        assert_eq!(
            episode_of("https://x.org/media/talks/2020-11-10-keynote-0123456789ab.opus"),
            Some("2020-11-10-keynote")
        );
        assert_eq!(episode_of("https://x.org/other/file.mp3"), None);
    }
}
