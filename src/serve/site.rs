//! What `serve` hands out, and nothing else: the outputs of a build.
//!
//! - As built (`--as-built`): exactly the files the last build's manifest lists, from disk.
//! - Preview (the default): the archive rendered in memory with a placeholder public URL,
//!   which each answer replaces with the address the request was sent to, so a phone on the
//!   LAN gets feeds whose enclosures point back at this server. One rendering serves every
//!   host: memory does not grow with the number of `Host` values. It is rendered again when
//!   the catalog, the sync records or a local asset changes (looked at most once a second).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use url::Url;

use crate::Error;
use crate::archive::{Access, Archive};
use crate::confined::ArchivePath;
use crate::outputs::{OUTPUTS_FILE, Outputs};
use crate::state::State;

/// The public URL the preview is rendered with, replaced in every answer.
const PLACEHOLDER: &str = "http://speech-archive.invalid/";

/// How long a look at the archive's files is trusted before looking again.
const RECHECK: Duration = Duration::from_secs(1);

/// One thing to send.
pub enum Served {
    /// Rendered for the request's host.
    Rendered(Bytes),
    /// A file of the archive.
    File(ArchivePath),
}

/// The outputs `serve` hands out.
pub enum Site {
    AsBuilt(Mutex<Option<(Option<SystemTime>, Arc<Outputs>)>>),
    Preview(Mutex<Option<Cached>>),
}

/// A rendering of the archive and what it was made from.
pub struct Cached {
    stamp: Stamp,
    checked: Instant,
    rendered: Arc<Rendered>,
}

struct Rendered {
    text: HashMap<ArchivePath, String>,
    /// Output path → the file on disk behind it.
    files: BTreeMap<ArchivePath, ArchivePath>,
}

/// What a rendering depends on: catalog files, records, asset sources (size and time).
type Stamp = Vec<(PathBuf, u64, Option<SystemTime>)>;

impl Site {
    pub fn new(as_built: bool) -> Self {
        if as_built {
            Site::AsBuilt(Mutex::default())
        } else {
            Site::Preview(Mutex::default())
        }
    }

    /// What `path` is, for a request sent to `host`; `None` if it is not an output.
    pub fn lookup(
        &self,
        root: &Path,
        path: &ArchivePath,
        host: &str,
    ) -> Result<Option<Served>, Error> {
        match self {
            Site::AsBuilt(cache) => {
                let outputs = manifest(root, cache);
                Ok(outputs.files.get(path).map(|_| Served::File(path.clone())))
            }
            Site::Preview(cache) => {
                let rendered = rendering(root, cache)?;
                if let Some(text) = rendered.text.get(path) {
                    let base = format!("http://{host}/");
                    return Ok(Some(Served::Rendered(Bytes::from(
                        text.replace(PLACEHOLDER, &base),
                    ))));
                }
                Ok(rendered.files.get(path).cloned().map(Served::File))
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The last build's manifest, read again when it changes.
fn manifest(
    root: &Path,
    cache: &Mutex<Option<(Option<SystemTime>, Arc<Outputs>)>>,
) -> Arc<Outputs> {
    let modified = std::fs::metadata(root.join(OUTPUTS_FILE))
        .and_then(|m| m.modified())
        .ok();
    let mut cache = lock(cache);
    match &*cache {
        Some((known, outputs)) if *known == modified => Arc::clone(outputs),
        _ => {
            let outputs = Arc::new(Outputs::load(root));
            *cache = Some((modified, Arc::clone(&outputs)));
            outputs
        }
    }
}

/// The preview, rendered again if what it depends on changed.
fn rendering(root: &Path, cache: &Mutex<Option<Cached>>) -> Result<Arc<Rendered>, Error> {
    let mut cache = lock(cache);
    if let Some(cached) = cache.as_mut() {
        if cached.checked.elapsed() < RECHECK {
            return Ok(Arc::clone(&cached.rendered));
        }
        let now = stamp(root, &cached.rendered.files)?;
        cached.checked = Instant::now();
        if now == cached.stamp {
            return Ok(Arc::clone(&cached.rendered));
        }
    }
    let rendered = Arc::new(render(root)?);
    *cache = Some(Cached {
        stamp: stamp(root, &rendered.files)?,
        checked: Instant::now(),
        rendered: Arc::clone(&rendered),
    });
    Ok(rendered)
}

fn render(root: &Path) -> Result<Rendered, Error> {
    let mut archive = Archive::open(root, Access::Read)?;
    let base = Url::parse(PLACEHOLDER).expect("the placeholder is a URL");
    archive.rebase(&base);
    let site = crate::build::render(&archive)?;
    Ok(Rendered {
        text: site.rendered.into_iter().collect(),
        files: site.files,
    })
}

fn stamp(root: &Path, files: &BTreeMap<ArchivePath, ArchivePath>) -> Result<Stamp, Error> {
    let mut paths: Vec<PathBuf> = crate::catalog::feed_files(root)?;
    paths.push(PathBuf::from(crate::catalog::SPEAKERS_FILE));
    paths.extend(files.values().map(|source| source.as_path().to_owned()));
    let mut stamp: Stamp = paths
        .into_iter()
        .map(|path| {
            let meta = std::fs::metadata(root.join(&path)).ok();
            let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
            let modified = meta.and_then(|m| m.modified().ok());
            (path, size, modified)
        })
        .collect();
    for (name, size, nanos) in State::new(root).stamp()? {
        let time =
            SystemTime::UNIX_EPOCH + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        stamp.push((PathBuf::from(name), size, Some(time)));
    }
    Ok(stamp)
}
