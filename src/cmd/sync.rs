//! `archive sync`: pull, probe, publish, write feeds; exit 3 if some episodes failed.

use std::path::Path;

use anyhow::Result;

use super::build::print_feeds;
use crate::Outcome;
use crate::catalog;
use crate::sync::{Change, EpisodeReport, SyncOptions, sync};

pub fn run(root: &Path, options: &SyncOptions, quiet: bool) -> Result<Outcome> {
    let catalog = catalog::load(root)?;
    let summary = sync(root, &catalog, options, |report| {
        print_episode(report, quiet);
    })?;
    print_feeds(&summary.feeds, quiet);
    let failed = summary.failures().count();
    if !quiet {
        eprintln!(
            "sync: {} new, {} changed, {} unchanged, {} offline, {failed} failed",
            summary.count(Change::New),
            summary.count(Change::Changed),
            summary.count(Change::Unchanged),
            summary.count(Change::Offline),
        );
    }
    Ok(if failed > 0 {
        Outcome::Partial
    } else {
        Outcome::Success
    })
}

fn print_episode(report: &EpisodeReport, quiet: bool) {
    let name = format!("{}/{}", report.feed, report.episode);
    match &report.result {
        Err(err) => eprintln!("archive: error: {err}"),
        Ok(change) if !quiet => match &report.record {
            Some(record) if matches!(change, Change::New | Change::Changed) => {
                let probe = &record.probe;
                eprintln!(
                    "{change:>10} {name} ({}, {} {}, {} bytes)",
                    crate::feed::clock(probe.whole_seconds()),
                    probe.container,
                    probe.codec,
                    record.size
                );
            }
            _ => eprintln!("{change:>10} {name}"),
        },
        Ok(_) => {}
    }
}
