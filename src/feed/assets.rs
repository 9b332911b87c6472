//! Files a feed refers to besides its recordings: images, transcripts, chapters. A local file
//! is published under `media/<dir>/<stem>-<hash>.<ext>`, once per render however many items
//! use it; a URL is used as it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use url::Url;

use crate::catalog::Source;
use crate::{Error, media};

/// Where a document's local files are published, and the URL they are published under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// Folder relative to the archive root, such as `media/<feed-id>`.
    pub dir: PathBuf,
    /// The public URL of the archive root.
    pub base: Url,
}

/// Publishes local assets (or, when not publishing, only computes their URLs).
pub struct Assets<'a> {
    root: &'a Path,
    publish: bool,
    cache: Mutex<HashMap<(Place, PathBuf), Url>>,
}

impl<'a> Assets<'a> {
    /// `publish == false` computes URLs without writing anything (for `archive check`).
    pub fn new(root: &'a Path, publish: bool) -> Self {
        Self {
            root,
            publish,
            cache: Mutex::default(),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<(Place, PathBuf), Url>> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The public URL of `source`, published at `place` if it is local.
    pub fn url(&self, source: &Source, place: &Place) -> Result<Url, Error> {
        let path = match source {
            Source::Remote(url) => return Ok(url.clone()),
            Source::Local(path) => path,
        };
        let key = (place.clone(), path.clone());
        if let Some(url) = self.cache().get(&key) {
            return Ok(url.clone());
        }
        let published = media::publish_asset(self.root, &place.dir, path, self.publish)?;
        let url = media::public_url(&place.base, &published);
        self.cache().insert(key, url.clone());
        Ok(url)
    }
}
