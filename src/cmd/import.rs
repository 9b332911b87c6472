//! `archive import PAGE --feed ID [--event-id ID] [--date D] [--public-url URL] [--dry-run]`:
//! print what was paired, flag what needs review, write the rest; exit 3 if something needs
//! review.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::edit::CatalogEdit;
use crate::import::{self, ImportOptions, Plan, Status};

pub fn run(root: &Path, options: &ImportOptions, wait: bool, quiet: bool) -> Result<Outcome> {
    let _lock = super::open_writing(root, wait)?;
    let edit = CatalogEdit::open(root)?;
    let plan = import::plan(options, &edit)?;
    print_plan(&plan);
    let written = import::apply(options, edit, &plan)?;
    if !quiet {
        let verb = if options.dry_run {
            "would write"
        } else {
            "wrote"
        };
        for path in &written {
            eprintln!("{verb:>11} {}", path.display());
        }
        if written.is_empty() {
            eprintln!("nothing new to import");
        } else if !options.dry_run {
            eprintln!("run `archive sync` to pull the new recordings");
        }
    }
    if plan.needs_review() {
        eprintln!(
            "archive: some speeches need review and were not imported; fix the page or add them by hand"
        );
        return Ok(Outcome::Partial);
    }
    Ok(Outcome::Success)
}

fn print_plan(plan: &Plan) {
    let event = &plan.event;
    let state = if event.exists { "exists" } else { "new" };
    println!(
        "event ({state}): {} — {} ({})",
        event.id, event.title, event.date
    );
    for row in &plan.rows {
        let (status, note) = match &row.status {
            Status::New(id) => ("new", format!("episode `{id}`")),
            Status::Imported(id) => ("imported", format!("already in the feed as `{id}`")),
            Status::Review(why) => ("REVIEW", why.clone()),
            Status::NoRecording => (
                "no audio",
                "this speech has no recording on the page".to_owned(),
            ),
        };
        let words: Vec<&str> = row.excerpt.split_whitespace().take(8).collect();
        let recording = row
            .recording
            .as_ref()
            .map_or_else(|| "-".to_owned(), ToString::to_string);
        println!(
            "{status:>9}  {:<22}  {:<60}  {recording}\n{:>11}{note}",
            row.speaker.as_deref().unwrap_or("?"),
            format!("{}…", words.join(" ")),
            ""
        );
    }
    for speaker in &plan.new_speakers {
        let alias = speaker
            .alias
            .as_deref()
            .map(|a| format!(" (written `{a}` on the page)"))
            .unwrap_or_default();
        println!("new speaker: {} `{}`{alias}", speaker.name, speaker.id);
    }
}
