//! speech-archive keeps an archive of recorded speeches and publishes it as podcast feeds.
//!
//! The binary is a thin shell around [`main_with_args`]. Each concern has its own module:
//! [`catalog`] reads `feeds/*.toml`, [`fetch`] pulls recordings, [`probe`] reads them with
//! Symphonia, [`state`] remembers what was pulled, [`feed`] writes the RSS, and [`sync`] ties
//! them together. [`speaker`] edits the speaker registry through [`edit`], which writes
//! catalog files as one [`transaction`].

pub mod archive;
pub mod assets;
pub mod atomic;
pub mod build;
pub mod catalog;
pub mod check;
pub mod cli;
mod cmd;
pub mod commit;
pub mod confined;
pub mod durable;
pub mod edit;
pub mod error;
pub mod feed;
pub mod fetch;
pub mod import;
pub mod init;
pub mod interrupt;
pub mod leftovers;
pub mod lock;
pub mod media;
pub mod mime;
pub mod net;
pub mod outputs;
pub mod parallel;
pub mod probe;
pub mod progress;
pub mod publish;
pub mod rendition;
pub mod search;
pub mod serve;
pub mod site;
pub mod speaker;
pub mod state;
pub mod sync;
pub mod transaction;

use std::ffi::OsString;
use std::process::ExitCode;

pub use error::Error;

/// How a run ended, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was done.
    Success,
    /// The run finished, but some episodes failed; their previous copies stay published.
    Partial,
    /// Ctrl-C stopped the run; what was done is kept, partial downloads too.
    Interrupted,
}

/// Exit code for an error: nothing was changed.
pub const EXIT_ERROR: u8 = 1;
/// Exit code for bad usage.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a sync in which some episodes failed.
pub const EXIT_PARTIAL: u8 = 3;
/// Exit code for a sync stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Parse `args`, run the command, print any error and return the exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let command = match cli::parse(args) {
        Ok(command) => command,
        Err(err)
            if !err.use_stderr()
                || err.kind()
                    == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            // `--help`, `--version`, and the help of `archive` without a command.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { EXIT_USAGE } else { 0 });
        }
        Err(err) => {
            // Usage errors start like every other error.
            let text = err.render().to_string();
            cmd::out::error(text.strip_prefix("error: ").unwrap_or(&text).trim_end());
            return ExitCode::from(EXIT_USAGE);
        }
    };
    init_logging(command.verbosity);
    let json = cmd::json::Json { on: command.json };
    match cmd::run(command) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(EXIT_PARTIAL),
        Ok(Outcome::Interrupted) => ExitCode::from(EXIT_INTERRUPTED),
        Err(err) => {
            let message = format!("{err:#}");
            cmd::out::error(&message);
            json.emit(&cmd::json::Event::Error { message });
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn init_logging(verbosity: cli::Verbosity) {
    let default = match verbosity {
        cli::Verbosity::Quiet => "off",
        // Symphonia's own warnings are about the files we probe, and the TLS crates' about the
        // certificates of a download: each is reported once, with its episode, by us.
        cli::Verbosity::Normal => {
            "warn,symphonia=off,symphonia_core=off,symphonia_bundle_mp3=off,symphonia_format_isomp4=off,symphonia_format_ogg=off,symphonia_bundle_flac=off,symphonia_format_riff=off,symphonia_metadata=off,symphonia_codec_aac=off,rustls=off,rustls_platform_verifier=off"
        }
        cli::Verbosity::Verbose => "info,speech_archive=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ARCHIVE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_ansi(cmd::out::colour())
        .with_target(false)
        .try_init();
}
