//! Sync state: what was pulled for each episode, so that a re-sync transfers and probes
//! nothing that did not change.
//!
//! One JSON record per episode under `.archive/state/<feed-id>/<episode-id>.json`, each written
//! atomically. A crash loses at most the episode in flight; every record on disk is whole.
//! The state is not part of the catalog and is not committed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{EpisodeId, FeedId};
use crate::probe::Probe;
use crate::{Error, atomic};

/// The hidden directory of the archive that holds the sync state.
pub const STATE_DIR: &str = ".archive/state";

/// What was pulled and published for one episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The source as the catalog named it when it was pulled (URL or archive path).
    pub source: String,
    /// How to tell whether the source changed since.
    pub validators: Validators,
    /// The published file, relative to the archive root (`media/<feed>/<file>`).
    pub media: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, hex.
    pub sha256: String,
    /// What probing it found.
    pub probe: Probe,
}

/// Validators of a source, to ask "did it change?" without transferring it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Validators {
    /// An http(s) source: the response's `ETag` and `Last-Modified`.
    Http {
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// A local source: its size and modification time.
    Local { size: u64, modified_ns: u64 },
}

/// The state store of one archive.
#[derive(Debug, Clone)]
pub struct State {
    dir: PathBuf,
}

impl State {
    /// The store of the archive at `root`.
    pub fn new(root: &Path) -> Self {
        Self {
            dir: root.join(STATE_DIR),
        }
    }

    fn path(&self, feed: &FeedId, episode: &EpisodeId) -> PathBuf {
        self.dir.join(feed.as_str()).join(format!("{episode}.json"))
    }

    /// Every record of `feed`, by episode id. Records of episodes no longer in the catalog
    /// are returned too; callers look up the episodes they know.
    pub fn load_feed(&self, feed: &FeedId) -> Result<HashMap<EpisodeId, Record>, Error> {
        let dir = self.dir.join(feed.as_str());
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
            Err(source) => return Err(Error::Read { path: dir, source }),
        };
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| Error::Read {
                path: dir.clone(),
                source,
            })?;
            let path = entry.path();
            let id = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".json"))
                .and_then(|stem| EpisodeId::parse(stem).ok());
            files.extend(id.map(|id| (id, path)));
        }
        // Thousands of small files: read and parsed on every core.
        let records = crate::parallel::map(&files, |(_, path)| read_record(path))?;
        Ok(files.into_iter().map(|(id, _)| id).zip(records).collect())
    }

    /// Stores the record of one episode atomically.
    pub fn save(&self, feed: &FeedId, episode: &EpisodeId, record: &Record) -> Result<(), Error> {
        let path = self.path(feed, episode);
        let mut json = serde_json::to_vec_pretty(record).map_err(|err| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(err),
        })?;
        json.push(b'\n');
        atomic::write(&path, &json)
    }
}

fn read_record(path: &Path) -> Result<Record, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|source| Error::CorruptState {
        path: path.to_owned(),
        source,
    })
}
