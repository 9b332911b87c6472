//! `archive sync`: lock, clean up after killed runs, pull, probe, publish, write feeds; exit
//! 3 if some episodes failed.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use super::build::print_report;
use super::report::Reporter;
use crate::Outcome;
use crate::sync::{Change, SyncOptions, sync};

pub fn run(root: &Path, options: &SyncOptions, wait: bool, quiet: bool) -> Result<Outcome> {
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
    let reporter = Reporter::new(episodes, quiet);
    let summary = sync(&mut archive, options, &reporter, |report| {
        reporter.finished(report);
    })?;
    reporter.clear();
    print_report(&summary.build, quiet);
    let failed = summary.failures().count();
    if !quiet {
        eprintln!(
            "sync: {} new, {} changed, {} unchanged, {} rendered, {} offline, {failed} failed; {} downloaded in {:.1} s",
            summary.count(Change::New),
            summary.count(Change::Changed),
            summary.count(Change::Unchanged),
            summary.count(Change::Rendered),
            summary.count(Change::Offline),
            bytesize::ByteSize::b(reporter.bytes()).display().iec(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(if failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}
