//! Pulling recordings into a temp file beside their final place in `media/`: local files are
//! copied ([`local`]), http(s) URLs are streamed with reqwest ([`http`]). Either way the bytes
//! are hashed on the way and checked to look like audio before anyone renames them.

pub mod http;
pub mod local;

use tempfile::NamedTempFile;

/// A recording pulled into a temp file, not yet published.
#[derive(Debug)]
pub struct Pulled {
    /// The temp file, deleted on drop unless persisted.
    pub temp: NamedTempFile,
    /// Bytes written.
    pub size: u64,
    /// SHA-256 of those bytes, hex.
    pub sha256: String,
}

/// Why a recording could not be pulled.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("no file `{0}` in the archive")]
    MissingLocal(String),
    #[error("the server answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the server answered 304 Not Modified to a request that sent no validator")]
    UnaskedNotModified,
    #[error("not audio: {0}")]
    NotAudio(String),
    #[error("truncated: received {received} of {expected} bytes")]
    Truncated { received: u64, expected: u64 },
    #[error("request failed: {0}")]
    Network(String),
    #[error("failed to write `{path}`: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("failed to read `{path}`: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
