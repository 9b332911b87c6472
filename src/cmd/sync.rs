//! `archive sync`: lock, clean up after killed runs, pull, probe, publish, write feeds; exit
//! 3 if some episodes failed, 130 if Ctrl-C stopped it.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::build::print_report;
use super::json::{Event, Json, Summary as JsonSummary};
use super::report::Reporter;
use crate::Outcome;
use crate::archive::Archive;
use crate::cli::Verbosity;
use crate::fetch::partial::Partial;
use crate::sync::{Change, Summary, SyncOptions, sync};

pub fn run(
    root: &Path,
    options: &SyncOptions,
    wait: bool,
    verbosity: Verbosity,
    json: Json,
) -> Result<Outcome> {
    let quiet = verbosity == Verbosity::Quiet;
    let started = Instant::now();
    let mut archive = super::load(super::open_writing(root, wait)?)?;
    archive.allow_private(options.allow_private);
    for corrupt in &archive.corrupt {
        eprintln!(
            "archive: warning: {}; episode `{}/{}` will be pulled again",
            corrupt.problem, corrupt.feed, corrupt.episode
        );
    }
    let episodes = archive
        .select(options.feed.as_ref())?
        .iter()
        .map(|feed| feed.episodes.len())
        .sum();
    let reporter = Reporter::new(episodes, verbosity, json);
    let summary = sync(&mut archive, options, &reporter, |report| {
        reporter.finished(report);
    })?;
    reporter.clear();
    let partial = if summary.interrupted {
        let partial = kept_partial(&archive, options, &summary);
        let done = summary.episodes.len();
        eprintln!("interrupted: {done} done, {partial} partial kept for resume");
        partial
    } else {
        print_report(&summary.build, quiet, json);
        if !quiet {
            eprintln!("sync: {}", line(&archive, &summary, &reporter, started));
        }
        0
    };
    let failed = summary.failures().count();
    json.emit(&Event::Summary(JsonSummary::Sync {
        new: summary.count(Change::New),
        changed: summary.count(Change::Changed),
        unchanged: summary.count(Change::Unchanged),
        re_rendered: summary.count(Change::Rendered),
        offline: summary.count(Change::Offline),
        failed,
        downloaded_bytes: reporter.bytes(),
        seconds: started.elapsed().as_secs_f64(),
        interrupted: summary.interrupted,
        partial,
    }));
    Ok(if summary.interrupted {
        Outcome::Interrupted
    } else if failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}

/// The last line: what became of the episodes, or why there were none.
fn line(archive: &Archive, summary: &Summary, reporter: &Reporter, started: Instant) -> String {
    if archive.catalog().feeds.is_empty() {
        return super::NO_FEEDS.to_owned();
    }
    if summary.episodes.is_empty() {
        return "no episodes yet: add an `[[episode]]` to a feed's `feeds/<id>.toml`".to_owned();
    }
    // Re-rendered sources (new rendition settings, say) are named only when there are some.
    let re_rendered = match summary.count(Change::Rendered) {
        0 => String::new(),
        count => format!(" {count} re-rendered,"),
    };
    format!(
        "{} new, {} changed, {} unchanged,{re_rendered} {} offline, {} failed; {} downloaded in {:.1} s",
        summary.count(Change::New),
        summary.count(Change::Changed),
        summary.count(Change::Unchanged),
        summary.count(Change::Offline),
        summary.failures().count(),
        bytesize::ByteSize::b(reporter.bytes()).display().iec(),
        started.elapsed().as_secs_f64(),
    )
}

/// How many episodes that were not done have a partial download for the next sync to resume.
fn kept_partial(archive: &Archive, options: &SyncOptions, summary: &Summary) -> usize {
    let Ok(feeds) = archive.select(options.feed.as_ref()) else {
        return 0;
    };
    let root = archive.root().path();
    feeds
        .iter()
        .flat_map(|feed| feed.episodes.iter().map(move |episode| (feed, episode)))
        .filter(|(feed, episode)| {
            !summary
                .episodes
                .iter()
                .any(|done| done.feed == feed.id && done.episode == episode.id)
        })
        .filter(|(feed, episode)| {
            Partial::new(root, &feed.id, &episode.id)
                .load()
                .is_some_and(|(size, _)| size > 0)
        })
        .count()
}
