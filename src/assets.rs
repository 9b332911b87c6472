//! Files the feeds and pages refer to besides recordings: images, transcripts, chapters.
//!
//! A local file is published as `<place>/<stem>-<hash>.<ext>`, so the bytes behind its URL
//! never change. Rendering only names it ([`Assets::url`]); the build copies everything that
//! was named afterwards, once ([`Assets::named`]). Sources are read through [`Root`], so a
//! symlink out of the archive is refused, never published. Hashes are remembered by size and
//! modification time, so an unchanged image is not read again by the next build.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::Error;
use crate::catalog::Source;
use crate::confined::{ArchivePath, Root};
use crate::media;

/// Largest local asset (an image, a transcript, a chapters file) published.
pub const MAX_ASSET: u64 = 256 * 1024 * 1024;

/// Where a document's local files are published, and the public URL of the archive root.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// A folder of `media/`, such as `media/<feed-id>`.
    pub dir: ArchivePath,
    pub base: Url,
}

/// A local file, as last hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hashed {
    pub size: u64,
    pub modified_ns: u64,
    pub sha256: String,
}

/// Names local assets while documents and pages are rendered.
pub struct Assets<'a> {
    root: &'a Root,
    /// Hashes from the last build, reused while size and modification time match.
    known: &'a BTreeMap<ArchivePath, Hashed>,
    hashed: Mutex<HashMap<ArchivePath, Hashed>>,
    /// Published path → source, of every asset named so far.
    named: Mutex<BTreeMap<ArchivePath, ArchivePath>>,
}

impl<'a> Assets<'a> {
    pub fn new(root: &'a Root, known: &'a BTreeMap<ArchivePath, Hashed>) -> Self {
        Self {
            root,
            known,
            hashed: Mutex::default(),
            named: Mutex::default(),
        }
    }

    /// The SHA-256 of a local source, read only if it changed since it was last hashed.
    pub fn hash(&self, source: &ArchivePath) -> Result<Hashed, Error> {
        if let Some(hashed) = lock(&self.hashed).get(source) {
            return Ok(hashed.clone());
        }
        let metadata = self.root.metadata(source)?;
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let hashed = match self.known.get(source) {
            Some(known) if known.size == metadata.len() && known.modified_ns == modified_ns => {
                known.clone()
            }
            _ => Hashed {
                size: metadata.len(),
                modified_ns,
                sha256: hex::encode(Sha256::digest(self.root.read(source, MAX_ASSET)?)),
            },
        };
        lock(&self.hashed).insert(source.clone(), hashed.clone());
        Ok(hashed)
    }

    /// The public URL of `source`: a URL as it is, a local file under its published name.
    pub fn url(&self, source: &Source, place: &Place) -> Result<Url, Error> {
        let path = match source {
            Source::Remote(url) => return Ok(url.clone()),
            Source::Local(path) => path,
        };
        let published = media::asset_path(&place.dir, path, &self.hash(path)?.sha256);
        let url = media::public_url(&place.base, &published);
        lock(&self.named).insert(published, path.clone());
        Ok(url)
    }

    /// Every asset named: published path → source.
    pub fn named(&self) -> BTreeMap<ArchivePath, ArchivePath> {
        lock(&self.named).clone()
    }

    /// Every source hashed, for the next build.
    pub fn hashes(&self) -> BTreeMap<ArchivePath, Hashed> {
        lock(&self.hashed)
            .iter()
            .map(|(path, hashed)| (path.clone(), hashed.clone()))
            .collect()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
