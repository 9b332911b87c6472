//! `archive build`: write every feed from the catalog and the sync state, no network.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::catalog::{self, FeedId};
use crate::sync::{FeedOutput, build};

pub fn run(root: &Path, feed: Option<&FeedId>, wait: bool, quiet: bool) -> Result<Outcome> {
    let _lock = super::lock(root, wait)?;
    let catalog = catalog::load(root)?;
    let feeds = build(root, &catalog, feed)?;
    print_feeds(&feeds, quiet);
    Ok(Outcome::Success)
}

/// One line per feed file, and a warning per episode left out of it.
pub fn print_feeds(feeds: &[FeedOutput], quiet: bool) {
    for feed in feeds {
        for episode in &feed.missing {
            eprintln!(
                "archive: warning: episode `{episode}` is left out of `{}`: it has no synced recording yet",
                feed.path.display()
            );
        }
        if !quiet {
            let verb = if feed.changed { "wrote" } else { "unchanged" };
            eprintln!(
                "{verb:>10} {} ({} episodes)",
                feed.path.display(),
                feed.items
            );
        }
    }
}
