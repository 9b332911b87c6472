//! `archive build`: write every feed from the catalog and the sync state, no network.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::catalog::FeedId;
use crate::feed::Written;
use crate::sync::build;

pub fn run(root: &Path, feed: Option<&FeedId>, wait: bool, quiet: bool) -> Result<Outcome> {
    let (_lock, catalog) = super::open(root, wait)?;
    let written = build(root, &catalog, feed)?;
    print_feeds(&written, quiet);
    Ok(Outcome::Success)
}

/// One line per feed file, and a warning per episode left out of it.
pub fn print_feeds(written: &Written, quiet: bool) {
    for warning in &written.warnings {
        eprintln!("archive: warning: {warning}");
    }
    for feed in &written.feeds {
        for episode in &feed.missing {
            eprintln!(
                "archive: warning: episode `{episode}` is left out of `{}`: it has no synced recording yet",
                feed.path.display()
            );
        }
        if !quiet {
            let verb = if feed.changed { "wrote" } else { "unchanged" };
            let plural = if feed.items == 1 { "" } else { "s" };
            let path = feed.path.display();
            eprintln!("{verb:>10} {path} ({} episode{plural})", feed.items);
        }
    }
}
