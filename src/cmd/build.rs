//! `archive build`: write every feed and page from the catalog and the sync state, no network.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::build::{Report, build};
use crate::catalog::FeedId;

pub fn run(root: &Path, feed: Option<&FeedId>, wait: bool, quiet: bool) -> Result<Outcome> {
    let opening = super::open_writing(root, wait)?;
    if feed.is_none() && opening.current()? {
        if !quiet {
            eprintln!("build: nothing changed since the last build");
        }
        return Ok(Outcome::Success);
    }
    let mut archive = super::load(opening)?;
    let report = build(&mut archive, feed)?;
    print_report(&report, quiet);
    Ok(Outcome::Success)
}

/// One line per feed file, a warning per episode left out of one, and what was deleted.
pub fn print_report(report: &Report, quiet: bool) {
    for warning in &report.warnings {
        eprintln!("archive: warning: {warning}");
    }
    for feed in &report.feeds {
        for episode in &feed.missing {
            eprintln!(
                "archive: warning: episode `{episode}` is left out of `{}`: it has no synced recording yet",
                feed.path
            );
        }
        if !quiet {
            let verb = if feed.changed { "wrote" } else { "unchanged" };
            let plural = if feed.items == 1 { "" } else { "s" };
            eprintln!("{verb:>10} {} ({} episode{plural})", feed.path, feed.items);
        }
    }
    if !quiet {
        for path in &report.deleted {
            eprintln!(
                "{:>10} {path} (no longer produced by the catalog)",
                "deleted"
            );
        }
    }
}
