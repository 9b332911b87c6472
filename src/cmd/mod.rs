//! One thin function per subcommand: open the archive, set options, run the core.

mod build;
mod check;
mod completions;
mod import;
mod init;
pub mod json;
mod man;
pub mod out;
mod probe;
mod publish;
mod report;
mod search;
mod serve;
mod speaker;
mod sync;

use anyhow::Result;

use std::path::Path;

use crate::Outcome;
use crate::archive::{Access, Archive, Opening};
use crate::cli::{Action, Command};
use json::Json;

/// What `sync` and `build` say instead of their counts when `feeds/` has no feed.
const NO_FEEDS: &str = "there are no feeds: `feeds/` has no `<id>.toml` besides `speakers.toml`; add one to start (the README's \"Catalog\" says what goes in it)";

/// Opens the archive for a command that writes: takes the lock (saying so while another
/// process holds it) and completes an edit a killed process committed but did not finish.
/// The catalog is read but not parsed yet.
fn open_writing(root: &Path, wait: bool) -> Result<Opening> {
    let waiting = |path: &Path| {
        eprintln!(
            "archive: waiting for another `archive` process to finish (lock `{}`)",
            path.display()
        );
    };
    Ok(Opening::open(
        root,
        Access::Write {
            wait,
            waiting: &waiting,
        },
    )?)
}

/// Loads an opened archive, and says what opening it repaired.
fn load(opening: Opening) -> Result<Archive> {
    let archive = opening.load()?;
    if !archive.completed_edit.is_empty() {
        let files: Vec<String> = archive
            .completed_edit
            .iter()
            .map(|path| format!("`{}`", path.display()))
            .collect();
        eprintln!(
            "archive: completed an interrupted edit of {}",
            files.join(", ")
        );
    }
    for path in &archive.removed_leftovers {
        tracing::info!("removed leftover `{}`", path.display());
    }
    Ok(archive)
}

/// Runs a checked command.
pub fn run(command: Command) -> Result<Outcome> {
    let quiet = command.verbosity == crate::cli::Verbosity::Quiet;
    let json = Json { on: command.json };
    match command.action {
        Action::Init(options) => init::run(&options, quiet),
        Action::Sync { options, wait } => {
            sync::run(&command.root, &options, wait, command.verbosity, json)
        }
        Action::Build { feed, wait } => build::run(&command.root, feed.as_ref(), wait, quiet, json),
        Action::Probe {
            files,
            json,
            loudness,
        } => probe::run(&files, json, loudness),
        Action::Check {
            feed,
            json,
            online,
            allow_private,
        } => check::run(&command.root, feed.as_ref(), json, online, allow_private),
        Action::Serve(options) => serve::run(&command.root, &options),
        Action::Import { options, wait } => {
            import::run(&command.root, &options, wait, command.verbosity, json)
        }
        Action::Publish { options, wait } => {
            publish::run(&command.root, &options, wait, quiet, json)
        }
        Action::Search { query, json, limit } => search::run(&command.root, &query, json, limit),
        Action::SpeakerList { json } => speaker::list(&command.root, json),
        Action::SpeakerShow { id, json } => speaker::show(&command.root, &id, json),
        Action::SpeakerEdit { edit, wait } => speaker::edit(&command.root, &edit, wait, quiet),
        Action::Completions(shell) => completions::run(shell),
        Action::Man(page) => man::run(&page, quiet),
    }
}
