//! Partial downloads, kept between attempts and between runs so that a download resumes
//! where it stopped: `.archive/partial/<feed>/<episode>.part`, with a `.json` sidecar that
//! remembers the URL, the validators and the total length the bytes belong to.
//!
//! They live outside `media/`, so that nothing half-downloaded is ever published.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::catalog::{EpisodeId, FeedId};
use crate::state::Validators;

/// Where partial downloads are kept, relative to the archive root.
pub const PARTIAL_DIR: &str = ".archive/partial";

/// What the bytes of a partial download belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialMeta {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The full length, when the server said.
    pub total: Option<u64>,
}

impl PartialMeta {
    /// The validator for `If-Range`: a strong `ETag`, else `Last-Modified`. Without one a
    /// resume could splice two versions of the file, so there is no resume.
    pub fn if_range(&self) -> Option<&str> {
        self.etag
            .as_deref()
            .filter(|etag| !etag.starts_with("W/"))
            .or(self.last_modified.as_deref())
    }

    /// The validators to remember once the download is complete.
    pub fn validators(&self) -> Validators {
        Validators::Http {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            downloaded: Some(super::recheck::now()),
        }
    }
}

/// The partial downloads of one feed, listed once: a sync of thousands of episodes, most
/// without one, does not look for each episode's files one by one.
pub struct Partials {
    dir: PathBuf,
    names: HashSet<OsString>,
}

impl Partials {
    /// What the feed's folder of partial downloads holds now.
    pub fn list(root: &Path, feed: &FeedId) -> Self {
        let dir = root.join(PARTIAL_DIR).join(feed.as_str());
        let names = std::fs::read_dir(&dir)
            .map(|entries| entries.flatten().map(|entry| entry.file_name()).collect())
            .unwrap_or_default();
        Self { dir, names }
    }

    /// The partial download of `episode`.
    pub fn get(&self, episode: &EpisodeId) -> Partial {
        let partial = Partial::in_dir(&self.dir, episode);
        let listed = [&partial.data, &partial.meta].iter().any(|path| {
            path.file_name()
                .is_some_and(|name| self.names.contains(name))
        });
        partial.on_disk.store(listed, Ordering::Relaxed);
        partial
    }
}

/// The partial download of one episode.
#[derive(Debug, Clone)]
pub struct Partial {
    /// The bytes received so far.
    pub data: PathBuf,
    meta: PathBuf,
    /// Whether its files may be on disk: false when the listing of [`Partials`] showed none
    /// and nothing has been written since (shared by the clones).
    on_disk: Arc<AtomicBool>,
}

impl Partial {
    /// The partial download of `episode` in the archive at `root`.
    pub fn new(root: &Path, feed: &FeedId, episode: &EpisodeId) -> Self {
        Self::in_dir(&root.join(PARTIAL_DIR).join(feed.as_str()), episode)
    }

    fn in_dir(dir: &Path, episode: &EpisodeId) -> Self {
        Self {
            data: dir.join(format!("{episode}.part")),
            meta: dir.join(format!("{episode}.json")),
            on_disk: Arc::new(AtomicBool::new(true)),
        }
    }

    /// The bytes on disk and what they belong to, if both are there and readable.
    pub fn load(&self) -> Option<(u64, PartialMeta)> {
        if !self.on_disk.load(Ordering::Relaxed) {
            return None;
        }
        let size = std::fs::metadata(&self.data).ok()?.len();
        let bytes = crate::confined::read_own(&self.meta, 64 * 1024).ok()?;
        let meta = serde_json::from_slice(&bytes).ok()?;
        Some((size, meta))
    }

    /// Records what the bytes that follow belong to: at once for a resumed download, after
    /// the first few megabytes or when it stops short for one from zero. Not fsynced: it
    /// matters only if the download stops short, and then [`Partial::keep`] makes it durable.
    /// A sidecar torn by a crash, or missing, does not parse, and the download starts over.
    pub fn save_meta(&self, meta: &PartialMeta) -> Result<(), crate::Error> {
        let write_error = |source| crate::Error::Write {
            path: self.meta.clone(),
            source,
        };
        let json =
            serde_json::to_vec(meta).map_err(|err| write_error(std::io::Error::other(err)))?;
        if let Some(dir) = self.meta.parent() {
            std::fs::create_dir_all(dir).map_err(write_error)?;
        }
        self.on_disk.store(true, Ordering::Relaxed);
        std::fs::write(&self.meta, json).map_err(write_error)
    }

    /// Makes the sidecar durable, for a download that stopped short to resume from after a
    /// power loss (the caller fsyncs the data).
    pub fn keep(&self) -> std::io::Result<()> {
        File::open(&self.meta)?.sync_all()?;
        crate::atomic::sync_dir(self.meta.parent().unwrap_or(Path::new(".")))
    }

    /// Opens the data file: truncated to nothing, or for appending after its bytes.
    pub fn open(&self, append: bool) -> std::io::Result<File> {
        if let Some(dir) = self.data.parent() {
            std::fs::create_dir_all(dir)?;
        }
        self.on_disk.store(true, Ordering::Relaxed);
        std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(&self.data)
    }

    /// Removes the data and its sidecar.
    pub fn discard(&self) {
        if !self.on_disk.load(Ordering::Relaxed) {
            return;
        }
        for path in [&self.data, &self.meta] {
            if let Err(err) = std::fs::remove_file(path)
                && err.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!("failed to remove `{}`: {err}", path.display());
            }
        }
    }

    /// Removes only the sidecar, once the data has been published.
    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.meta);
    }
}
