//! One thin function per subcommand: open the archive, set options, run the core.

mod build;
mod check;
mod probe;
mod report;
mod serve;
mod sync;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Action, Command};

/// Takes the archive's lock, saying so if another process holds it.
fn lock(root: &std::path::Path, wait: bool) -> Result<crate::lock::ArchiveLock> {
    let lock = crate::lock::acquire(root, wait, |path| {
        eprintln!(
            "archive: waiting for another `archive` process to finish (lock `{}`)",
            path.display()
        );
    })?;
    Ok(lock)
}

/// Runs a checked command.
pub fn run(command: Command) -> Result<Outcome> {
    let quiet = command.verbosity == crate::cli::Verbosity::Quiet;
    match command.action {
        Action::Sync { options, wait } => sync::run(&command.root, &options, wait, quiet),
        Action::Build { feed, wait } => build::run(&command.root, feed.as_ref(), wait, quiet),
        Action::Probe { files, json } => probe::run(&files, json),
        Action::Check { feed, json } => check::run(&command.root, feed.as_ref(), json),
        Action::Serve(options) => serve::run(&command.root, &options),
    }
}
