//! `archive publish [--to URL] [--dry-run] [--prune] [--jobs N] [--no-build]`: build first if
//! the outputs are older than the catalog, then upload what changed, media first and feeds
//! last; print the plan with `--dry-run`.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use bytesize::ByteSize;

use super::json::{Event as JsonEvent, Json, Summary};
use crate::Outcome;
use crate::publish::{Event, Plan, PublishError, PublishOptions, Stage, publish};

pub fn run(
    root: &Path,
    options: &PublishOptions,
    wait: bool,
    quiet: bool,
    json: Json,
) -> Result<Outcome> {
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
        super::build::print_report(&report, quiet, json);
    }
    let report = |event: Event<'_>| {
        let (action, path, size) = match event {
            Event::Uploaded { path, size } => ("uploaded", path.display().to_string(), size),
            Event::Deleted { key, size } => ("deleted", key.to_owned(), size),
        };
        if !quiet {
            eprintln!("{action:>10} {path} ({})", size_text(size));
        }
        json.emit(&JsonEvent::Object { action, path, size });
    };
    let summary = publish(&archive, options, &report)?;
    let plan = &summary.plan;
    let ((up, up_bytes), (skip, skip_bytes)) = plan.totals();
    let to_delete = plan
        .unreferenced
        .iter()
        .filter(|u| u.expired && options.prune)
        .count();
    let kept = plan.unreferenced.len() - to_delete;
    let seconds = started.elapsed().as_secs_f64();
    if options.dry_run {
        print_plan(plan, json);
        say(
            json,
            format_args!(
                "dry run for `{}`: {up} to upload ({}), {skip} already there ({}), {to_delete} to delete; nothing was changed",
                summary.destination,
                size_text(up_bytes),
                size_text(skip_bytes),
            ),
        );
    } else if !quiet {
        eprintln!(
            "publish to `{}`: {up} uploaded ({}), {skip} unchanged, {} deleted, {kept} unreferenced kept; in {seconds:.1} s",
            summary.destination,
            size_text(up_bytes),
            summary.deleted.len(),
        );
    }
    json.emit(&JsonEvent::Summary(Summary::Publish {
        destination: &summary.destination,
        dry_run: options.dry_run,
        uploaded: up,
        uploaded_bytes: up_bytes,
        unchanged: skip,
        unchanged_bytes: skip_bytes,
        deleted: if options.dry_run {
            to_delete
        } else {
            summary.deleted.len()
        },
        kept,
        seconds,
    }));
    Ok(Outcome::Success)
}

fn size_text(bytes: u64) -> String {
    ByteSize::b(bytes).display().iec().to_string()
}

/// A line of the dry run's plan: on stdout, or on stderr when stdout is for `--json`.
fn say(json: Json, line: std::fmt::Arguments<'_>) {
    if json.on {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}

fn print_plan(plan: &Plan, json: Json) {
    for stage in [Stage::Media, Stage::Pages, Stage::Feeds] {
        for item in plan.items.iter().filter(|item| item.stage == stage) {
            let action = if item.upload { "upload" } else { "skip" };
            let path = item.path.display().to_string();
            say(
                json,
                format_args!("{action:>8} {path} ({})", size_text(item.size)),
            );
            let size = item.size;
            json.emit(&JsonEvent::Object { action, path, size });
        }
    }
    for unreferenced in &plan.unreferenced {
        let action = if unreferenced.expired {
            "delete"
        } else {
            "keep"
        };
        let (path, size) = (
            unreferenced.meta.location.to_string(),
            unreferenced.meta.size,
        );
        say(
            json,
            format_args!(
                "{action:>8} {path} ({}, unreferenced since at least {})",
                size_text(size),
                unreferenced.meta.last_modified.format("%Y-%m-%d")
            ),
        );
        json.emit(&JsonEvent::Object { action, path, size });
    }
}
