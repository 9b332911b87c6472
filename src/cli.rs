//! Command-line parsing in two steps: clap reads raw arguments into [`Args`], which
//! [`parse`] turns into a checked [`Command`]. The core never sees clap types.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::catalog::FeedId;
use crate::sync::SyncOptions;

/// Keep an archive of recorded speeches and publish it as podcast feeds.
#[derive(Debug, Parser)]
#[command(name = "archive", version, about, max_term_width = 100)]
struct Args {
    /// The archive to work on.
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what happens to each request and file.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Subcommands,
}

#[derive(Debug, Subcommand)]
enum Subcommands {
    /// Pull new or changed recordings, probe them, and write every feed.
    Sync {
        /// Only this feed (`feeds/<ID>.toml`).
        #[arg(long, value_name = "ID", value_parser = feed_id)]
        feed: Option<FeedId>,
        /// How many recordings to pull at once.
        #[arg(long, short, value_name = "N", default_value = "4")]
        jobs: NonZeroUsize,
        /// Do not touch the network: pull local recordings only, keep remote ones as synced.
        #[arg(long)]
        offline: bool,
    },
    /// Write every feed from the catalog and the sync state, without network.
    Build {
        /// Only this feed (`feeds/<ID>.toml`).
        #[arg(long, value_name = "ID", value_parser = feed_id)]
        feed: Option<FeedId>,
    },
    /// Print the exact duration, stream parameters and tags of audio files.
    Probe {
        /// The files to probe.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print JSON: one object for one file, an array for several.
        #[arg(long)]
        json: bool,
    },
}

fn feed_id(text: &str) -> Result<FeedId, String> {
    FeedId::parse(text)
}

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// A checked command line.
#[derive(Debug)]
pub struct Command {
    /// The archive root.
    pub root: PathBuf,
    pub verbosity: Verbosity,
    pub action: Action,
}

/// What to do.
#[derive(Debug)]
pub enum Action {
    Sync(SyncOptions),
    Build { feed: Option<FeedId> },
    Probe { files: Vec<PathBuf>, json: bool },
}

/// Parses the command line; a clap error carries its own exit code and message.
pub fn parse<I, T>(args: I) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = Args::try_parse_from(args)?;
    let verbosity = match (args.quiet, args.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let action = match args.command {
        Subcommands::Sync {
            feed,
            jobs,
            offline,
        } => Action::Sync(SyncOptions {
            feed,
            jobs,
            offline,
        }),
        Subcommands::Build { feed } => Action::Build { feed },
        Subcommands::Probe { files, json } => Action::Probe { files, json },
    };
    Ok(Command {
        root: args.root,
        verbosity,
        action,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }

    #[test]
    fn a_bad_feed_id_is_a_usage_error() {
        let err = parse(["archive", "sync", "--feed", "Bad Id"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    }
}
