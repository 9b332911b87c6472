//! Command-line parsing in two steps: clap reads raw arguments into [`Args`], which
//! [`parse`] turns into a checked [`Command`]. The core never sees clap types.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

mod network;
mod setup;
mod speaker;

use clap::{Parser, Subcommand};

use crate::catalog::{EventId, FeedId};
use crate::import::ImportOptions;
use crate::init::InitOptions;
use crate::publish::PublishOptions;
use crate::serve::ServeOptions;
use crate::sync::SyncOptions;
use network::{NetworkArgs, event_id, feed_id};
pub use setup::Page;

/// The help heading of the options every subcommand takes.
const GLOBAL: &str = "Global options";

/// `archive --version`: the version, and the licence notice of the LAME library linked in.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    // The version is the bundled LAME's; `rendition::LAME_VERSION` is tested against it.
    "\n\nMP3 renditions are encoded with LAME 3.100 (https://lame.sourceforge.io/), linked statically.\n",
    "LAME is free software under the GNU Library General Public License, version 2 or later;\n",
    "archive's own source is MIT-licensed and published whole, so it can be rebuilt and\n",
    "relinked with a modified LAME (see \"Licences\" in the README)."
);

/// Keep an archive of recorded speeches and publish it as podcast feeds.
#[derive(Debug, Parser)]
#[command(name = "archive", version, long_version = LONG_VERSION, about, max_term_width = 100)]
struct Args {
    /// The archive to work on.
    #[arg(long, global = true, value_name = "DIR", default_value = ".", help_heading = GLOBAL)]
    root: PathBuf,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    quiet: bool,
    /// Print each request, and why a recording is downloaded again or not.
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    verbose: bool,
    #[command(subcommand)]
    command: Subcommands,
}

#[derive(Debug, Subcommand)]
enum Subcommands {
    /// Start an archive: a speaker registry, one feed to fill in, `recordings/`, a
    /// `.gitignore` and `archive.toml`.
    Init(setup::InitArgs),
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
        /// Fail at once if another `archive` process is writing to the archive.
        #[arg(long)]
        no_wait: bool,
        /// Print one JSON object per event and a summary on stdout (see the README).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        network: NetworkArgs,
    },
    /// Write every feed from the catalog and the sync state, without network.
    Build {
        /// Only this feed (`feeds/<ID>.toml`).
        #[arg(long, value_name = "ID", value_parser = feed_id)]
        feed: Option<FeedId>,
        /// Fail at once if another `archive` process is writing to the archive.
        #[arg(long)]
        no_wait: bool,
        /// Print one JSON object per event and a summary on stdout (see the README).
        #[arg(long)]
        json: bool,
    },
    /// Lint the catalog and its feeds against Apple Podcasts and Podcasting 2.0 rules.
    Check {
        /// Only this feed (`feeds/<ID>.toml`).
        #[arg(long, value_name = "ID", value_parser = feed_id)]
        feed: Option<FeedId>,
        /// Print the findings as a JSON array.
        #[arg(long)]
        json: bool,
        /// Also ask every enclosure URL of the written feeds (HEAD) whether it is served with
        /// the stated length and takes byte ranges.
        #[arg(long)]
        online: bool,
        /// With --online, let requests reach loopback, link-local and private addresses.
        #[arg(long, requires = "online")]
        allow_private: bool,
    },
    /// Serve the feeds, media and web pages to podcast apps and browsers.
    Serve {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Serve `feeds/` as built (with the catalog's public URLs) instead of rendering feeds
        /// and pages for the address they are requested from.
        #[arg(long)]
        as_built: bool,
    },
    /// Read an event page, pair its recordings with excerpts and speakers, add them to a feed.
    Import {
        /// The event page: an http(s) URL or a local HTML file.
        #[arg(value_name = "PAGE")]
        page: String,
        /// The feed to add the event and its speeches to (`feeds/<ID>.toml`).
        #[arg(long, value_name = "ID", value_parser = feed_id)]
        feed: FeedId,
        /// The id of the event (default: its date and the first words of its title).
        #[arg(long, value_name = "ID", value_parser = event_id)]
        event_id: Option<EventId>,
        /// The event's date, when the page does not say.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<chrono::NaiveDate>,
        /// The public URL of the feed, when the import creates it.
        #[arg(long, value_name = "URL")]
        public_url: Option<url::Url>,
        /// Print what would be added; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Fail at once if another `archive` process is writing to the archive.
        #[arg(long)]
        no_wait: bool,
        /// Print one JSON object per speech and a summary on stdout (see the README).
        #[arg(long)]
        json: bool,
    },
    /// Upload media, pages and feeds to an S3-compatible object store or a folder.
    Publish {
        /// Where to: `s3://bucket/prefix` or `file:///path` (default: `[publish] to` of
        /// `archive.toml`).
        #[arg(long, value_name = "URL")]
        to: Option<String>,
        /// Print the plan (upload, skip, delete, with byte totals); change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Delete media that no feed or page names, once older than the grace period.
        #[arg(long)]
        prune: bool,
        /// Uploads at once.
        #[arg(long, short, value_name = "N", default_value = "4")]
        jobs: NonZeroUsize,
        /// Refuse to publish outputs older than the catalog, instead of building first.
        #[arg(long)]
        no_build: bool,
        /// Fail at once if another `archive` process is writing to the archive.
        #[arg(long)]
        no_wait: bool,
        /// Print one JSON object per file and a summary on stdout (see the README).
        #[arg(long)]
        json: bool,
    },
    /// Print the exact duration, stream parameters and tags of audio files.
    Probe {
        /// The files to probe.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print JSON: one object for one file, an array for several.
        #[arg(long)]
        json: bool,
        /// Also measure loudness (EBU R128: integrated, range, true peak) by decoding the
        /// whole file; seconds for an hour of audio, where the rest takes milliseconds.
        #[arg(long)]
        loudness: bool,
    },
    /// Search every speech (titles, speakers, events, excerpts, transcripts) in the index
    /// that `archive build` writes, ranked as the web pages rank it.
    Search {
        /// Words to look for; the last one also matches as the start of a word.
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        /// Print the results as a JSON array.
        #[arg(long)]
        json: bool,
        /// How many results to show.
        #[arg(long, value_name = "N", default_value = "10")]
        limit: NonZeroUsize,
    },
    /// Read and edit the speaker registry (`feeds/speakers.toml`) and the credits in every
    /// feed, keeping comments and order.
    Speaker {
        #[command(subcommand)]
        command: speaker::SpeakerArgs,
    },
    /// Print the completion script of a shell.
    ///
    /// For bash: `archive completions bash > ~/.local/share/bash-completion/completions/archive`;
    /// for zsh, into a folder of `$fpath` as `_archive`; for fish, into
    /// `~/.config/fish/completions/archive.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a manual page in roff, or write one per subcommand into a folder.
    ///
    /// `archive man | man -l -` reads `archive`'s own page; `archive man --out DIR` writes
    /// `archive.1`, `archive-sync.1`… for `MANPATH`.
    Man(setup::ManArgs),
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
    /// `--json`: events and a summary as JSON lines on stdout, human output on stderr.
    pub json: bool,
    pub action: Action,
}

/// What to do.
#[derive(Debug)]
pub enum Action {
    Init(InitOptions),
    Sync {
        options: SyncOptions,
        wait: bool,
    },
    Build {
        feed: Option<FeedId>,
        wait: bool,
    },
    Probe {
        files: Vec<PathBuf>,
        json: bool,
        loudness: bool,
    },
    Check {
        feed: Option<FeedId>,
        json: bool,
        online: bool,
        allow_private: bool,
    },
    Serve(ServeOptions),
    Import {
        options: ImportOptions,
        wait: bool,
    },
    Publish {
        options: PublishOptions,
        wait: bool,
    },
    Search {
        query: String,
        json: bool,
        limit: usize,
    },
    SpeakerList {
        json: bool,
    },
    SpeakerShow {
        id: String,
        json: bool,
    },
    SpeakerEdit {
        edit: crate::speaker::Edit,
        wait: bool,
    },
    Completions(clap_complete::Shell),
    Man(Page),
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
    let json = args.command.json();
    let action = action(args.command, &args.root, verbosity);
    Ok(Command {
        root: args.root,
        verbosity,
        json,
        action,
    })
}

/// What the parsed subcommand asks for.
fn action(command: Subcommands, root: &Path, verbosity: Verbosity) -> Action {
    match command {
        Subcommands::Init(init) => Action::Init(init.options(root)),
        Subcommands::Sync {
            feed,
            jobs,
            offline,
            no_wait,
            network,
            ..
        } => Action::Sync {
            options: SyncOptions {
                feed,
                jobs,
                offline,
                allow_private: network.allow_private,
                network: network.settings(),
            },
            wait: !no_wait,
        },
        Subcommands::Build { feed, no_wait, .. } => Action::Build {
            feed,
            wait: !no_wait,
        },
        Subcommands::Probe {
            files,
            json,
            loudness,
        } => Action::Probe {
            files,
            json,
            loudness,
        },
        Subcommands::Check {
            feed,
            json,
            online,
            allow_private,
        } => Action::Check {
            feed,
            json,
            online,
            allow_private,
        },
        Subcommands::Serve { addr, as_built } => Action::Serve(ServeOptions {
            addr,
            as_built,
            log: verbosity != Verbosity::Quiet,
        }),
        Subcommands::Speaker { command } => command.action(),
        Subcommands::Search { query, json, limit } => Action::Search {
            query: query.join(" "),
            json,
            limit: limit.get(),
        },
        Subcommands::Publish {
            to,
            dry_run,
            prune,
            jobs,
            no_build,
            no_wait,
            ..
        } => Action::Publish {
            options: PublishOptions {
                to,
                dry_run,
                prune,
                no_build,
                jobs,
            },
            wait: !no_wait,
        },
        Subcommands::Import {
            page,
            feed,
            event_id,
            date,
            public_url,
            dry_run,
            no_wait,
            ..
        } => Action::Import {
            options: ImportOptions {
                page,
                feed,
                event_id,
                date,
                public_url: public_url.map(crate::catalog::with_trailing_slash),
                dry_run,
            },
            wait: !no_wait,
        },
        Subcommands::Completions { shell } => Action::Completions(shell),
        Subcommands::Man(man) => Action::Man(man.page()),
    }
}

impl Subcommands {
    /// Whether `--json` asks for JSON lines (the commands whose `--json` prints events).
    fn json(&self) -> bool {
        match self {
            Subcommands::Sync { json, .. }
            | Subcommands::Build { json, .. }
            | Subcommands::Import { json, .. }
            | Subcommands::Publish { json, .. } => *json,
            _ => false,
        }
    }
}

/// The clap definition of the command line, for completion scripts and manual pages.
pub fn definition() -> clap::Command {
    use clap::CommandFactory;
    Args::command()
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
