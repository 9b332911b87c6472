//! `archive import PAGE --feed ID [--event-id ID] [--date D] [--public-url URL] [--dry-run]`:
//! print what was paired, flag what needs review, write the rest; exit 3 if something needs
//! review.

use std::path::Path;

use anyhow::Result;

use super::json::{Event, Json, Summary};
use crate::Outcome;
use crate::cli::Verbosity;
use crate::edit::CatalogEdit;
use crate::import::{self, Excerpts, ImportOptions, Plan, Status};

pub fn run(
    root: &Path,
    options: &ImportOptions,
    wait: bool,
    verbosity: Verbosity,
    json: Json,
) -> Result<Outcome> {
    let quiet = verbosity == Verbosity::Quiet;
    let archive = super::load(super::open_writing(root, wait)?)?;
    let edit = CatalogEdit::open(root)?;
    let plan = import::plan(options, &edit, &archive)?;
    let excerpts = if verbosity == Verbosity::Verbose {
        Excerpts::Whole
    } else {
        Excerpts::Ends
    };
    let review = import::review(&plan, &options.feed, excerpts);
    // With --json, stdout is for the JSON lines: the review goes to stderr.
    if json.on {
        eprint!("{review}");
    } else {
        print!("{review}");
    }
    emit_plan(&plan, options, json);
    let written = import::apply(options, edit, &plan)?;
    let verb = if options.dry_run {
        "would write"
    } else {
        "wrote"
    };
    for path in &written {
        if !quiet {
            eprintln!("{verb:>11} {}", path.display());
        }
        json.emit(&Event::Wrote {
            path: path.display().to_string(),
        });
    }
    if !quiet {
        if written.is_empty() {
            eprintln!("nothing new to import");
        } else if !options.dry_run {
            eprintln!("run `archive sync` to pull the new recordings");
        }
    }
    json.emit(&Event::Summary(summary(&plan, options)));
    if plan.needs_review() {
        eprintln!(
            "archive: some speeches need review and were not imported; fix the page or add them by hand"
        );
        return Ok(Outcome::Partial);
    }
    Ok(Outcome::Success)
}

/// The `speech`, `new-speaker` and `note` objects of `--json`.
fn emit_plan(plan: &Plan, options: &ImportOptions, json: Json) {
    for row in &plan.rows {
        let (status, episode, reason) = match &row.status {
            Status::New(id) => ("new", Some(format!("{}/{id}", options.feed)), None),
            Status::Imported(id) => ("imported", Some(format!("{}/{id}", options.feed)), None),
            Status::Review(why) => ("review", None, Some(why.as_str())),
            Status::NoRecording => ("no-audio", None, None),
        };
        json.emit(&Event::Speech {
            status,
            episode: episode.as_deref(),
            reason,
            speaker: row.speaker.as_deref(),
            speaker_id: row
                .speaker_id
                .as_ref()
                .map(crate::catalog::SpeakerId::as_str),
            title: matches!(row.status, Status::New(_)).then(|| plan.episode_title(row)),
            audio: row.recording.as_ref().map(url::Url::as_str),
            excerpt: &row.excerpt,
        });
    }
    for speaker in &plan.new_speakers {
        json.emit(&Event::NewSpeaker {
            id: speaker.id.as_str(),
            name: &speaker.name,
            alias: speaker.alias.as_deref(),
        });
    }
    for note in &plan.notes {
        json.emit(&Event::Note { message: note });
    }
}

fn summary<'a>(plan: &'a Plan, options: &'a ImportOptions) -> Summary<'a> {
    let count =
        |wanted: fn(&Status) -> bool| plan.rows.iter().filter(|r| wanted(&r.status)).count();
    Summary::Import {
        feed: options.feed.as_str(),
        event_id: plan.event.id.as_str(),
        new: count(|s| matches!(s, Status::New(_))),
        imported: count(|s| matches!(s, Status::Imported(_))),
        review: count(|s| matches!(s, Status::Review(_))),
        no_audio: count(|s| matches!(s, Status::NoRecording)),
        new_speakers: plan.new_speakers.len(),
        dry_run: options.dry_run,
    }
}
