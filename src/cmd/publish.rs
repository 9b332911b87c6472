//! `archive publish [--to URL] [--dry-run] [--prune] [--jobs N] [--no-build]`: build first if
//! the outputs are older than the catalog, then upload what changed, media first and feeds
//! last; print the plan with `--dry-run`.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use bytesize::ByteSize;

use crate::Outcome;
use crate::publish::{Event, Plan, PublishError, PublishOptions, Stage, publish};

pub fn run(root: &Path, options: &PublishOptions, wait: bool, quiet: bool) -> Result<Outcome> {
    let started = Instant::now();
    let opening = super::open_writing(root, wait)?;
    let current = opening.current()?;
    let mut archive = super::load(opening)?;
    if !current {
        if options.no_build {
            return Err(PublishError::Stale.into());
        }
        eprintln!(
            "publish: the outputs are older than the catalog or the sync records; building first"
        );
        let report = crate::build::build(&mut archive, None)?;
        super::build::print_report(&report, quiet);
    }
    let report = |event: Event<'_>| {
        if quiet {
            return;
        }
        match event {
            Event::Uploaded { path, size } => eprintln!(
                "{:>10} {} ({})",
                "uploaded",
                path.display(),
                ByteSize::b(size).display().iec()
            ),
            Event::Deleted { key, size } => eprintln!(
                "{:>10} {key} ({})",
                "deleted",
                ByteSize::b(size).display().iec()
            ),
        }
    };
    let summary = publish(&archive, options, &report)?;
    let plan = &summary.plan;
    let ((up, up_bytes), (skip, skip_bytes)) = plan.totals();
    let size = |bytes| ByteSize::b(bytes).display().iec();
    if options.dry_run {
        print_plan(plan);
        println!(
            "dry run for `{}`: {up} to upload ({}), {skip} already there ({}), {} to delete; nothing was changed",
            summary.destination,
            size(up_bytes),
            size(skip_bytes),
            plan.unreferenced
                .iter()
                .filter(|u| u.expired && options.prune)
                .count(),
        );
        return Ok(Outcome::Success);
    }
    if !quiet {
        let kept = plan
            .unreferenced
            .iter()
            .filter(|u| !u.expired || !options.prune)
            .count();
        eprintln!(
            "publish to `{}`: {up} uploaded ({}), {skip} unchanged, {} deleted, {kept} unreferenced kept; in {:.1} s",
            summary.destination,
            size(up_bytes),
            summary.deleted.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Success)
}

fn print_plan(plan: &Plan) {
    for stage in [Stage::Media, Stage::Pages, Stage::Feeds] {
        for item in plan.items.iter().filter(|item| item.stage == stage) {
            let action = if item.upload { "upload" } else { "skip" };
            println!(
                "{action:>8} {} ({})",
                item.path.display(),
                ByteSize::b(item.size).display().iec()
            );
        }
    }
    for unreferenced in &plan.unreferenced {
        let action = if unreferenced.expired {
            "delete"
        } else {
            "keep"
        };
        println!(
            "{action:>8} {} ({}, unreferenced since at least {})",
            unreferenced.meta.location,
            ByteSize::b(unreferenced.meta.size).display().iec(),
            unreferenced.meta.last_modified.format("%Y-%m-%d")
        );
    }
}
