//! Errors that stop a whole command. Problems with one episode are
//! [`crate::sync::EpisodeError`]s instead, and do not stop the others.

use std::path::PathBuf;

use crate::catalog::{CatalogError, FeedId};

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
    /// `--feed` names a feed that does not exist.
    #[error("no feed `{0}`: there is no `feeds/{0}.toml`")]
    NoSuchFeed(FeedId),
    /// A sync state record cannot be parsed.
    #[error("sync state `{}` is corrupt (delete it to pull that episode again)", path.display())]
    CorruptState {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The generated feed could not be serialized.
    #[error("failed to write the RSS of `{}`", path.display())]
    Rss {
        path: PathBuf,
        #[source]
        source: rss::Error,
    },
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
    /// The HTTP client could not be set up.
    #[error("failed to set up the HTTP client")]
    HttpClient(#[source] reqwest::Error),
}
