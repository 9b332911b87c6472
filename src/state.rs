//! Sync state: what was pulled for each episode, so that a re-sync transfers and probes
//! nothing that did not change.
//!
//! One JSON record per episode under `.archive/state/<feed-id>/<episode-id>.json`, each written
//! atomically. A crash loses at most the episode in flight; every record on disk is whole.
//! The state is not part of the catalog and is not committed.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, EpisodeId, FeedId};
use crate::confined::ArchivePath;
use crate::probe::Probe;
use crate::{Error, atomic};

/// The sync records of every feed, by feed and episode.
pub type Records = HashMap<FeedId, HashMap<EpisodeId, Record>>;

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
    /// An http(s) source: the response's `ETag` and `Last-Modified`, and when it was
    /// downloaded (seconds since the Unix epoch), for a source without either (`recheck`).
    Http {
        etag: Option<String>,
        last_modified: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        downloaded: Option<u64>,
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

    /// The records of every feed of `catalog`.
    pub fn load_all(&self, catalog: &Catalog) -> Result<Records, Error> {
        catalog
            .feeds
            .iter()
            .map(|feed| Ok((feed.id.clone(), self.load_feed(&feed.id)?)))
            .collect()
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
        let records = crate::parallel::map(&files, |(_, path)| read_record(path, feed))?;
        Ok(files.into_iter().map(|(id, _)| id).zip(records).collect())
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

/// Largest record read: a record is a few kilobytes.
const MAX_RECORD: u64 = 1024 * 1024;

/// Reads one record; its media file must be in its feed's folder of `media/`.
fn read_record(path: &Path, feed: &FeedId) -> Result<Record, Error> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| std::io::Read::take(file, MAX_RECORD).read_to_end(&mut bytes))
        .map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
    let corrupt = |source| Error::CorruptState {
        path: path.to_owned(),
        source,
    };
    let record: Record = serde_json::from_slice(&bytes).map_err(corrupt)?;
    if !record.media.is_under(crate::media::feed_dir(feed).as_str()) {
        let message = format!("its media `{}` is not in `media/{feed}/`", record.media);
        return Err(corrupt(serde::de::Error::custom(message)));
    }
    Ok(record)
}
