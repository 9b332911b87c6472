//! Feeds and pages as the serving address sees them. Built feeds carry the catalog's
//! `public_url`; a podcast app subscribing to `archive serve` needs URLs that point back at
//! the server. So, unless `--as-built`, `serve` renders the feeds and pages in memory with the
//! request's host as the public URL, and renders them again when the catalog or sync state
//! changes. It writes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use bytes::Bytes;
use url::Url;

use crate::catalog::{self, Catalog};
use crate::feed::{self, Assets};
use crate::state::{STATE_DIR, State};
use crate::{Error, site, sync};

/// Rendered files by archive-relative path.
pub type Rendered = Arc<HashMap<PathBuf, Bytes>>;

/// The in-memory feeds and pages, per host.
pub struct Preview {
    root: PathBuf,
    cache: Mutex<HashMap<String, (Fingerprint, Rendered)>>,
}

/// What the rendering depends on: the catalog files and the state folders.
type Fingerprint = Vec<(PathBuf, Option<SystemTime>)>;

impl Preview {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            cache: Mutex::default(),
        }
    }

    /// The feeds and pages for requests to `host` (such as `127.0.0.1:8080`).
    pub fn rendered(&self, host: &str) -> Result<Rendered, Error> {
        let fingerprint = fingerprint(&self.root);
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((known, rendered)) = cache.get(host)
            && *known == fingerprint
        {
            return Ok(Arc::clone(rendered));
        }
        let rendered = Arc::new(render(&self.root, host)?);
        cache.insert(host.to_owned(), (fingerprint, Arc::clone(&rendered)));
        Ok(rendered)
    }
}

fn render(root: &Path, host: &str) -> Result<HashMap<PathBuf, Bytes>, Error> {
    let base = Url::parse(&format!("http://{host}/")).map_err(|err| Error::Write {
        path: PathBuf::from(host),
        source: std::io::Error::other(err),
    })?;
    let catalog = rebased(catalog::load(root)?, &base);
    let records = sync::load_records(&State::new(root), &catalog)?;
    let feeds: Vec<_> = catalog.feeds.iter().collect();
    let (documents, _) = feed::documents(&catalog, &records, &feeds);
    let assets = Assets::new(root, false);
    let mut files = HashMap::new();
    for (document, xml) in documents
        .iter()
        .zip(feed::render_all(&catalog, &documents, &assets)?)
    {
        files.insert(document.path.clone(), Bytes::from(xml));
    }
    for (path, html) in site::pages(&catalog, &records, &documents, &assets)? {
        files.insert(path, Bytes::from(html));
    }
    Ok(files)
}

/// The catalog with every public URL replaced by `base`.
fn rebased(mut catalog: Catalog, base: &Url) -> Catalog {
    for feed in &mut catalog.feeds {
        feed.channel.public_url = base.clone();
    }
    catalog.speaker_feeds.public_url = Some(base.clone());
    catalog
}

fn fingerprint(root: &Path) -> Fingerprint {
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in [root.join("feeds"), root.join(STATE_DIR)] {
        paths.push(dir.clone());
        if let Ok(entries) = std::fs::read_dir(&dir) {
            paths.extend(
                entries.flatten().map(|entry| entry.path()).filter(|path| {
                    path.is_dir() || path.extension().is_some_and(|ext| ext == "toml")
                }),
            );
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            (path, modified)
        })
        .collect()
}
