//! Errors that stop a whole command. Problems with one episode are
//! [`crate::sync::EpisodeError`]s instead, and do not stop the others.

use std::path::PathBuf;

use crate::catalog::{CatalogError, Diagnostic, FeedId};

/// An error that ends a command with exit code 1, having changed nothing it should not have.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("failed to read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file or directory could not be written.
    #[error("failed to write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The catalog has problems; each names its `file:line:col`.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The folder is not an archive.
    #[error("`{}` is not an archive (it has no `feeds/` folder); run `archive init` to start one there", .0.display())]
    NotAnArchive(PathBuf),
    /// A file named by the catalog, a record or a request is not a file inside the archive.
    #[error(transparent)]
    Confined(#[from] crate::confined::OpenError),
    /// A folder the build writes into is a symlink.
    #[error("`{}` is a symlink; the build writes there, so it must be a folder inside the archive (bind-mount a bigger disk instead)", .0.display())]
    LinkedOutput(PathBuf),
    /// `--feed` names a feed that does not exist.
    #[error("no feed `{id}`: there is no `feeds/{id}.toml`{}", crate::catalog::suggest::did_you_mean(near.as_ref().map(FeedId::as_str)))]
    NoSuchFeed { id: FeedId, near: Option<FeedId> },
    /// A sync state record cannot be parsed.
    #[error("sync record `{}` is corrupt ({cause})", path.display())]
    CorruptState {
        path: PathBuf,
        cause: serde_json::Error,
    },
    /// Sync records that do not parse, which a build would drop from the feeds.
    #[error("{}; run `archive sync` to pull {} again (nothing was written)", .0.join("; "), if .0.len() == 1 { "that episode" } else { "those episodes" })]
    CorruptRecords(Vec<String>),
    /// The async runtime for downloads could not start.
    #[error("failed to start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// Another process holds the archive's lock and `--no-wait` was given.
    #[error("another `archive` process is writing to this archive (lock `{}` is held); try again later, or leave out --no-wait to wait for it", .0.display())]
    Locked(PathBuf),
    /// `serve` could not listen.
    #[error("failed to listen on `{addr}`")]
    Serve {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    /// A file changed on disk between being read for an edit and the edit being written.
    #[error("`{}` changed on disk while editing; nothing was written", path.display())]
    ChangedOnDisk { path: PathBuf },
    /// An edit would leave the catalog with problems; nothing was written.
    #[error("{}", invalid_edit(.0))]
    InvalidEdit(Vec<Diagnostic>),
    /// An edit was committed, but putting its files in place failed.
    #[error(
        "the edit is committed but not every file is in place yet; the next `archive` command that writes completes it"
    )]
    Unfinished(#[source] Box<Error>),
    /// The journal of an interrupted edit cannot be used.
    #[error("the journal of an interrupted edit, `{}`, is corrupt ({reason}); check `feeds/` by hand, then delete it", path.display())]
    CorruptJournal { path: PathBuf, reason: String },
    /// The HTTP client could not be set up.
    #[error("failed to set up the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// The TLS configuration could not be made.
    #[error("failed to set up TLS")]
    Tls(#[source] rustls::Error),
}

fn invalid_edit(diagnostics: &[Diagnostic]) -> String {
    let count = diagnostics.len();
    let problems = if count == 1 { "problem" } else { "problems" };
    let mut lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    lines.push(format!(
        "this edit would leave {count} {problems} in the catalog; nothing was written"
    ));
    lines.join("\n")
}
