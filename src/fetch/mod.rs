//! Pulling recordings: local files are copied ([`local`]); http(s) URLs are downloaded with
//! resume, retries and limits ([`download`], [`http`]). Either way the bytes land outside the
//! published names, are hashed on the way and must look like audio before anyone publishes
//! them.

pub mod download;
pub mod http;
pub mod local;
pub mod log;
pub mod partial;
pub mod range;
pub mod recheck;
pub mod retry;
pub mod sink;

use std::path::Path;
use std::time::Duration;

use tempfile::NamedTempFile;

use crate::Error;
use crate::commit::Commit;
use crate::probe::StreamProbe;
use partial::Partial;

/// A recording pulled to disk, not yet published.
#[derive(Debug)]
pub struct Pulled {
    pub file: PulledFile,
    /// Bytes in the file.
    pub size: u64,
    /// SHA-256 of those bytes, hex.
    pub sha256: String,
    /// The probe the bytes went through as they arrived: the file is never read back.
    probe: Option<StreamProbe>,
}

/// Where a pulled recording waits to be published.
#[derive(Debug)]
pub enum PulledFile {
    /// A copy of a local source, in a temp file beside its final place (deleted on drop).
    Temp(NamedTempFile),
    /// A finished download, still at its partial path.
    Partial(Partial),
}

impl Pulled {
    /// A file of `size` bytes hashing to `sha256`, which went through `probe`.
    pub fn new(file: PulledFile, size: u64, sha256: String, probe: StreamProbe) -> Self {
        Self {
            file,
            size,
            sha256,
            probe: Some(probe),
        }
    }

    /// What the probe the bytes went through found (waits for it to finish reading them).
    pub fn probe(&mut self) -> Result<crate::probe::Probe, crate::probe::ProbeError> {
        match self.probe.take() {
            Some(probe) => probe.finish(),
            None => Err(crate::probe::ProbeError::Read(
                "the recording was probed already".into(),
            )),
        }
    }

    /// Renames the file to its published path; its data is synced, and the rename made
    /// durable, by `commit`. Blocking: run it off the async workers.
    pub fn publish(self, target: &Path, commit: &Commit) -> Result<(), Error> {
        match self.file {
            PulledFile::Temp(temp) => {
                let (_, path) = temp.keep().map_err(|err| Error::Write {
                    path: target.to_owned(),
                    source: err.error,
                })?;
                commit.publish(&path, target, self.size)
            }
            PulledFile::Partial(partial) => {
                commit.publish(&partial.data, target, self.size)?;
                partial.forget();
                Ok(())
            }
        }
    }

    /// Drops the file: it is already published, or it must never be.
    pub fn discard(self) {
        if let PulledFile::Partial(partial) = self.file {
            partial.discard();
        }
    }
}

/// Why a recording could not be pulled.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("no file `{0}` in the archive")]
    MissingLocal(String),
    /// The same words as [`crate::probe::ProbeError::Empty`], for a local or remote source.
    #[error("the file is empty")]
    Empty,
    #[error("{0}")]
    Local(String),
    #[error("the server answered {0}")]
    Status(reqwest::StatusCode),
    #[error("the server answered 304 Not Modified to a request that sent no validator")]
    UnaskedNotModified,
    #[error("not audio: {0}")]
    NotAudio(String),
    #[error("truncated: received {received} of {expected} bytes")]
    Truncated { received: u64, expected: u64 },
    #[error("the body ended early after {received} bytes: {reason}")]
    CutShort { received: u64, reason: String },
    #[error("request failed: {0}")]
    Network(String),
    #[error("timed out: {0}")]
    Timeout(String),
    /// The TLS handshake failed: the server's certificate was refused, or no protocol was
    /// agreed. Not retried. The text says what to do ([`crate::net::tls_failure`]).
    #[error("{0}")]
    Tls(String),
    #[error("bad range answer: {0}")]
    BadRange(String),
    #[error("the recording is {size} bytes, more than the limit of {limit} bytes (--max-size)")]
    TooLarge { size: u64, limit: u64 },
    #[error("checksum mismatch: the catalog says sha256 {expected}, the recording has {actual}")]
    ChecksumMismatch { expected: String, actual: String },
    #[error("{last} (gave up after {attempts} attempt{})", if *attempts == 1 { "" } else { "s" })]
    GaveUp {
        attempts: u32,
        last: Box<FetchError>,
    },
    #[error("{last} (not retried: the server asks to wait {}, more than the {} a sync waits, --max-retry-wait)", humantime::format_duration(*wait), humantime::format_duration(*cap))]
    RetryAfterTooLong {
        wait: Duration,
        cap: Duration,
        last: Box<FetchError>,
    },
    #[error("{last} (not retried: this run's retry budget is spent, --retries)")]
    BudgetSpent { last: Box<FetchError> },
    #[error("took longer than {} (--timeout); the partial download is kept for the next sync", humantime::format_duration(*.0))]
    TotalTimeout(Duration),
    #[error("failed to write `{path}`: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("interrupted (Ctrl-C); the partial download is kept for the next sync")]
    Interrupted,
    #[error("failed to read `{path}`: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
