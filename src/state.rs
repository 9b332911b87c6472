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
    /// The feed's rendition of it, when the feed makes one: the enclosure listeners get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rendition: Option<RenditionFile>,
}

/// A rendition made of a recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenditionFile {
    /// [`crate::rendition::rendition_key`] of the source and the settings: it is made again
    /// when either changes.
    pub key: String,
    /// The published file (`media/<feed>/<episode>-<hash>.mp3`).
    pub media: ArchivePath,
    /// What the engine made: loudness before and after, duration, size, SHA-256.
    #[serde(flatten)]
    pub made: crate::rendition::Rendition,
    /// Its MIME type.
    pub mime_type: String,
}

/// What a feed names as an episode's enclosure.
#[derive(Debug, Clone, Copy)]
pub struct Enclosure<'a> {
    pub media: &'a ArchivePath,
    pub size: u64,
    pub mime_type: &'a str,
    /// Seconds.
    pub duration: f64,
}

impl Enclosure<'_> {
    /// The average bitrate, bits per second: size × 8 / duration.
    pub fn bitrate(&self) -> u64 {
        if self.duration <= 0.0 {
            return 0;
        }
        // A bitrate is never negative and far below 2^53.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let bits = (self.size as f64 * 8.0 / self.duration).round() as u64;
        bits
    }

    /// The duration rounded to whole seconds, as `itunes:duration` wants it.
    pub fn whole_seconds(&self) -> u64 {
        // A duration is never negative and far below 2^53 s.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let seconds = self.duration.max(0.0).round() as u64;
        seconds
    }
}

impl Record {
    /// The file listeners get: the rendition when there is one, else the recording.
    pub fn enclosure(&self) -> Enclosure<'_> {
        match &self.rendition {
            Some(rendition) => Enclosure {
                media: &rendition.media,
                size: rendition.made.size,
                mime_type: &rendition.mime_type,
                duration: rendition.made.duration,
            },
            None => self.original(),
        }
    }

    /// The recording as it was pulled.
    pub fn original(&self) -> Enclosure<'_> {
        Enclosure {
            media: &self.media,
            size: self.size,
            mime_type: self.probe.mime_type(),
            duration: self.probe.duration,
        }
    }

    /// Every file of the episode in `media/`: the recording and its rendition.
    pub fn files(&self) -> impl Iterator<Item = (&ArchivePath, u64, &str)> {
        let rendition = self
            .rendition
            .as_ref()
            .map(|r| (&r.media, r.made.size, r.made.sha256.as_str()));
        std::iter::once((&self.media, self.size, self.sha256.as_str())).chain(rendition)
    }
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
        let mut entries = Vec::new();
        let Ok(feeds) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        for feed in feeds.flatten() {
            let Ok(records) = std::fs::read_dir(feed.path()) else {
                continue;
            };
            let folder: std::sync::Arc<str> = feed.file_name().to_string_lossy().into();
            entries.extend(records.flatten().map(|record| (folder.clone(), record)));
        }
        // Thousands of stats, each in its folder (not by path): spread over the cores.
        let mut found = crate::parallel::map(&entries, |(folder, record)| {
            let metadata = record.metadata().map_err(|source| Error::Read {
                path: record.path(),
                source,
            })?;
            let modified = metadata
                .modified()
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let name = format!("{folder}/{}", record.file_name().to_string_lossy());
            Ok::<_, Error>((name, metadata.len(), modified))
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
    // Only names sync gives: `media/<feed>/<episode>-<hash>.<ext>`.
    let named = |media: &ArchivePath| {
        media.parent() == Some(crate::media::feed_dir(feed))
            && media
                .file_name()
                .strip_prefix(episode.as_str())
                .is_some_and(|rest| rest.starts_with('-') && !rest.contains('%'))
    };
    if let Some((media, ..)) = record.files().find(|(media, ..)| !named(media)) {
        let message = format!("its media `{media}` is not a recording of `{feed}/{episode}`");
        return Err(corrupt(serde::de::Error::custom(message)));
    }
    Ok(record)
}
