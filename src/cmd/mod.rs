//! One thin function per subcommand: open the archive, set options, run the core.

mod build;
mod probe;
mod sync;

use anyhow::Result;

use crate::Outcome;
use crate::cli::{Action, Command};

/// Runs a checked command.
pub fn run(command: Command) -> Result<Outcome> {
    let quiet = command.verbosity == crate::cli::Verbosity::Quiet;
    match command.action {
        Action::Sync(options) => sync::run(&command.root, &options, quiet),
        Action::Build { feed } => build::run(&command.root, feed.as_ref(), quiet),
        Action::Probe { files, json } => probe::run(&files, json),
    }
}
