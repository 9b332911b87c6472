//! `archive build`: write every feed and page from the catalog and the sync state, no network.

use std::path::Path;

use anyhow::Result;

use super::json::{Event, Json, Summary};
use super::out;
use crate::Outcome;
use crate::build::{Report, build};
use crate::catalog::FeedId;

pub fn run(
    root: &Path,
    feed: Option<&FeedId>,
    wait: bool,
    quiet: bool,
    json: Json,
) -> Result<Outcome> {
    let opening = super::open_writing(root, wait)?;
    if feed.is_none() && opening.current()? {
        if !quiet {
            eprintln!("build: nothing changed since the last build");
        }
        json.emit(&Event::Summary(summary(&Report {
            current: true,
            ..Report::default()
        })));
        return Ok(Outcome::Success);
    }
    let mut archive = super::load(opening)?;
    let report = build(&mut archive, feed)?;
    print_report(&report, quiet, json);
    if archive.catalog().feeds.is_empty() && !quiet {
        eprintln!("build: {}", super::NO_FEEDS);
    }
    json.emit(&Event::Summary(summary(&report)));
    Ok(Outcome::Success)
}

/// One line per feed file, a warning per episode left out of one, and what was deleted.
pub fn print_report(report: &Report, quiet: bool, json: Json) {
    for warning in &report.warnings {
        out::warning(warning);
        json.emit(&Event::Warning { message: warning });
    }
    for feed in &report.feeds {
        // `feeds/<id>.xml` and `.full.xml` belong to feed `<id>`; speaker feeds name no feed.
        let name = feed.path.as_str();
        let owner = name
            .strip_prefix("feeds/")
            .and_then(|rest| rest.split('.').next())
            .filter(|id| !id.contains('/'));
        for episode in &feed.missing {
            let episode = owner.map_or_else(|| episode.to_string(), |id| format!("{id}/{episode}"));
            out::warning(format_args!(
                "episode `{episode}` is left out of `{}`: it has no synced recording yet",
                feed.path
            ));
        }
        let verb = if feed.changed { "wrote" } else { "unchanged" };
        if !quiet {
            let episodes = out::count(feed.items, "episode");
            eprintln!("{verb:>10} {} ({episodes})", feed.path);
        }
        json.emit(&Event::Feed {
            path: name,
            status: verb,
            episodes: feed.items,
            left_out: feed
                .missing
                .iter()
                .map(crate::catalog::EpisodeId::as_str)
                .collect(),
        });
    }
    for path in &report.deleted {
        if !quiet {
            eprintln!(
                "{:>10} {path} (no longer produced by the catalog)",
                "deleted"
            );
        }
        json.emit(&Event::Deleted {
            path: path.as_str(),
        });
    }
}

/// The `--json` summary of a build.
fn summary(report: &Report) -> Summary<'static> {
    let written = report.feeds.iter().filter(|feed| feed.changed).count();
    Summary::Build {
        current: report.current,
        feeds_written: written,
        feeds_unchanged: report.feeds.len() - written,
        deleted: report.deleted.len(),
    }
}
