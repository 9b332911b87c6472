//! One thin function per subcommand: open the archive, set options, run the core.

mod build;
mod check;
mod import;
mod probe;
mod publish;
mod report;
mod serve;
mod speaker;
mod sync;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Action, Command};

/// Takes the archive's lock, saying so if another process holds it, then completes an edit
/// that a killed process committed but did not finish. Every command that writes to the
/// archive starts here, before it reads the catalog or sweeps leftovers.
fn lock(root: &std::path::Path, wait: bool) -> Result<crate::lock::ArchiveLock> {
    let lock = crate::lock::acquire(root, wait, |path| {
        eprintln!(
            "archive: waiting for another `archive` process to finish (lock `{}`)",
            path.display()
        );
    })?;
    let completed = crate::transaction::roll_forward(root)?;
    if !completed.is_empty() {
        let files: Vec<String> = completed
            .iter()
            .map(|path| format!("`{}`", path.display()))
            .collect();
        eprintln!(
            "archive: completed an interrupted edit of {}",
            files.join(", ")
        );
    }
    Ok(lock)
}

/// Takes the lock, loads the catalog, and removes what killed runs left behind: the start of
/// `sync` and `build`.
fn open(
    root: &std::path::Path,
    wait: bool,
) -> Result<(crate::lock::ArchiveLock, crate::catalog::Catalog)> {
    let lock = lock(root, wait)?;
    let started = std::time::Instant::now();
    let catalog = crate::catalog::load(root)?;
    tracing::debug!("loaded the catalog in {:?}", started.elapsed());
    for path in crate::leftovers::sweep(root, &catalog) {
        tracing::info!("removed leftover `{}`", path.display());
    }
    Ok((lock, catalog))
}

/// Runs a checked command.
pub fn run(command: Command) -> Result<Outcome> {
    let quiet = command.verbosity == crate::cli::Verbosity::Quiet;
    match command.action {
        Action::Sync { options, wait } => sync::run(&command.root, &options, wait, quiet),
        Action::Build { feed, wait } => build::run(&command.root, feed.as_ref(), wait, quiet),
        Action::Probe { files, json } => probe::run(&files, json),
        Action::Check { feed, json, online } => {
            check::run(&command.root, feed.as_ref(), json, online)
        }
        Action::Serve(options) => serve::run(&command.root, &options),
        Action::Import { options, wait } => {
            import::run(&command.root, &options, wait, command.verbosity)
        }
        Action::Publish { options, wait } => publish::run(&command.root, &options, wait, quiet),
        Action::SpeakerList { json } => speaker::list(&command.root, json),
        Action::SpeakerShow { id, json } => speaker::show(&command.root, &id, json),
        Action::SpeakerEdit { edit, wait } => speaker::edit(&command.root, &edit, wait, quiet),
    }
}
