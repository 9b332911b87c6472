//! Sync state: what was pulled for each episode, so that a re-sync transfers and probes
//! nothing that did not change.
//!
//! One JSON record per episode under `.archive/state/<feed-id>/<episode-id>.json`, each written
//! atomically. A crash loses at most the episode in flight; every record on disk is whole.
//! The state is not part of the catalog and is not committed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::catalog::{Catalog, EpisodeId, FeedId};
use crate::commit::Commit;
use crate::confined::ArchivePath;
use crate::probe::Probe;

/// The sync records of every feed, by feed and episode.
pub type Records = HashMap<FeedId, HashMap<EpisodeId, Record>>;

/// A sync record that does not parse or names a file it may not.
#[derive(Debug, Clone)]
pub struct Corrupt {
    pub feed: FeedId,
    pub episode: EpisodeId,
    /// What is wrong, naming the record's file.
    pub problem: String,
}

/// The hidden directory of the archive that holds the sync state.
pub const STATE_DIR: &str = ".archive/state";

/// What was pulled and published for one episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The source as the catalog named it when it was pulled (URL or archive path).
    pub source: String,
    /// How to tell whether the source changed since.
    pub validators: Validators,
    /// The published file (`media/<feed>/<file>`).
    pub media: ArchivePath,
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

    /// The records of every feed of `catalog`, and each record that is torn or corrupt (after
    /// a power loss, say): its episode counts as never synced, so a sync pulls it again.
    pub fn load_all(&self, catalog: &Catalog) -> Result<(Records, Vec<Corrupt>), Error> {
        let mut records = Records::new();
        let mut corrupt = Vec::new();
        for feed in &catalog.feeds {
            let (found, mut torn) = self.load_feed(&feed.id)?;
            records.insert(feed.id.clone(), found);
            corrupt.append(&mut torn);
        }
        Ok((records, corrupt))
    }

    /// Every readable record of `feed`, by episode id, and the corrupt ones. Records of
    /// episodes no longer in the catalog are returned too; callers look up the episodes they
    /// know.
    pub fn load_feed(
        &self,
        feed: &FeedId,
    ) -> Result<(HashMap<EpisodeId, Record>, Vec<Corrupt>), Error> {
        let dir = self.dir.join(feed.as_str());
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok((HashMap::new(), Vec::new()));
            }
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
        let read = crate::parallel::map(&files, |(id, path)| match read_record(path, feed, id) {
            Ok(record) => Ok(Ok(record)),
            Err(corrupt @ Error::CorruptState { .. }) => Ok(Err(corrupt.to_string())),
            Err(other) => Err(other),
        })?;
        let mut records = HashMap::new();
        let mut corrupt = Vec::new();
        for ((id, _), record) in files.into_iter().zip(read) {
            match record {
                Ok(record) => {
                    records.insert(id, record);
                }
                Err(problem) => corrupt.push(Corrupt {
                    feed: feed.clone(),
                    episode: id,
                    problem,
                }),
            }
        }
        Ok((records, corrupt))
    }

    /// Every record file on disk with its size and modification time, sorted: what tells a
    /// build whether any record changed, without reading them.
    pub fn stamp(&self) -> Result<Vec<(String, u64, u128)>, Error> {
        let mut names = Vec::new();
        let Ok(feeds) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        for feed in feeds.flatten() {
            let Ok(records) = std::fs::read_dir(feed.path()) else {
                continue;
            };
            let folder = feed.file_name().to_string_lossy().into_owned();
            for record in records.flatten() {
                let name = format!("{folder}/{}", record.file_name().to_string_lossy());
                names.push((name, record.path()));
            }
        }
        // Thousands of stats: spread over the cores.
        let mut found = crate::parallel::map(&names, |(name, path)| {
            let metadata = std::fs::symlink_metadata(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let modified = metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            Ok::<_, Error>((name.clone(), metadata.len(), modified))
        })?;
        found.sort_unstable();
        Ok(found)
    }

    /// Stores the record of one episode: whole or not at all, durable when `commit` finishes.
    pub fn save(
        &self,
        feed: &FeedId,
        episode: &EpisodeId,
        record: &Record,
        commit: &Commit,
    ) -> Result<(), Error> {
        let path = self.path(feed, episode);
        let mut json = serde_json::to_vec_pretty(record).map_err(|err| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(err),
        })?;
        json.push(b'\n');
        commit.write(&path, &json)
    }
}

/// Largest record read: a record is a few kilobytes.
const MAX_RECORD: u64 = 1024 * 1024;

/// Reads one record; its media file must be in its feed's folder of `media/`.
fn read_record(path: &Path, feed: &FeedId, episode: &EpisodeId) -> Result<Record, Error> {
    let bytes = crate::confined::read_own(path, MAX_RECORD).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    let corrupt = |cause| Error::CorruptState {
        path: path.to_owned(),
        cause,
    };
    let record: Record = serde_json::from_slice(&bytes).map_err(corrupt)?;
    // Only a name sync gives: `media/<feed>/<episode>-<hash>.<ext>`.
    let named = record.media.parent() == Some(crate::media::feed_dir(feed))
        && record
            .media
            .file_name()
            .strip_prefix(episode.as_str())
            .is_some_and(|rest| rest.starts_with('-') && !rest.contains('%'));
    if !named {
        let message = format!(
            "its media `{}` is not a recording of `{feed}/{episode}`",
            record.media
        );
        return Err(corrupt(serde::de::Error::custom(message)));
    }
    Ok(record)
}
