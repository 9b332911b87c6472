//! The opened archive: what every command that works on an archive takes.
//!
//! [`Archive::open`] finds the root, takes the lock when the command writes, completes an
//! interrupted catalog edit, loads and checks the catalog, loads the sync records and the
//! output manifest, and removes what killed runs left behind. The archive also owns the async
//! runtimes (one for serving and uploading, one thread for the pulls) and the one HTTP client
//! factory ([`Net`]) of the command.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::catalog::{self, Catalog, Feed, FeedId, Source};
use crate::confined::Root;
use crate::lock::ArchiveLock;
use crate::net::{Net, Policy};
use crate::outputs::{Glance, Outputs};
use crate::state::{Corrupt, Records, State};
use crate::{Error, leftovers};

/// How a command opens the archive.
#[derive(Clone, Copy)]
pub enum Access<'a> {
    /// Read only: no lock, nothing written.
    Read,
    /// Writing: the lock is taken first. `waiting` is called if another process holds it and
    /// `wait` is set; without `wait` that is an error.
    Write {
        wait: bool,
        waiting: &'a dyn Fn(&Path),
    },
}

/// An archive, opened.
pub struct Archive {
    root: Root,
    _lock: Option<ArchiveLock>,
    catalog: Catalog,
    /// SHA-256 of the text of every catalog file, with its path.
    catalog_digest: String,
    state: State,
    records: Records,
    outputs: Outputs,
    allow_private: bool,
    runtime: OnceLock<tokio::runtime::Runtime>,
    pull_runtime: OnceLock<tokio::runtime::Runtime>,
    /// Catalog files an interrupted edit had left unfinished, completed on opening.
    pub completed_edit: Vec<PathBuf>,
    /// Leftovers of killed runs removed on opening.
    pub removed_leftovers: Vec<PathBuf>,
    /// Sync records that do not parse (torn by a power loss, say). `sync` pulls their
    /// episodes again; a build refuses until it has.
    pub corrupt: Vec<Corrupt>,
}

/// An archive whose lock is taken and whose catalog is read, not yet parsed: enough to tell
/// whether the last build is current, which is all a build with nothing to do needs.
pub struct Opening {
    root: Root,
    lock: Option<ArchiveLock>,
    sources: catalog::Sources,
    catalog_digest: String,
    /// The bytes of the output manifest, parsed only if the build is not current.
    manifest: Option<Vec<u8>>,
    completed_edit: Vec<PathBuf>,
}

impl Opening {
    /// Opens the archive at `root`. A folder without `feeds/` is not an archive, and nothing
    /// is written to it.
    pub fn open(root: &Path, access: Access<'_>) -> Result<Self, Error> {
        if !root.join("feeds").is_dir() {
            return Err(Error::NotAnArchive(root.to_owned()));
        }
        let real = Root::new(root).map_err(|source| Error::Read {
            path: root.to_owned(),
            source,
        })?;
        let (lock, completed_edit) = match access {
            Access::Read => (None, Vec::new()),
            Access::Write { wait, waiting } => {
                let lock = crate::lock::acquire(root, wait, waiting)?;
                (Some(lock), crate::transaction::roll_forward(root)?)
            }
        };
        // Both are megabytes in a large archive: read side by side.
        let (sources, manifest) = std::thread::scope(|scope| {
            let manifest = scope.spawn(|| crate::outputs::read(root));
            let sources = catalog::read_sources(root);
            let manifest = manifest
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (sources, manifest)
        });
        let sources = sources?;
        Ok(Self {
            catalog_digest: digest(&sources),
            manifest,
            root: real,
            lock,
            sources,
            completed_edit,
        })
    }

    /// Whether the last build is current: made by this program from the same catalog text,
    /// sync records and local assets, with every feed, page and asset it wrote in place.
    pub fn current(&self) -> Result<bool, Error> {
        let glance = self.manifest.as_deref().and_then(Glance::parse);
        glance.map_or(Ok(false), |glance| {
            current(&self.root, &self.catalog_digest, &glance)
        })
    }

    /// Parses and checks the catalog, removes what killed runs left behind (when writing),
    /// and loads the sync records.
    pub fn load(self) -> Result<Archive, Error> {
        let root = self.root.path().to_owned();
        let started = std::time::Instant::now();
        let catalog = catalog::check(&self.sources, &root)
            .map_err(|diagnostics| Error::Catalog(catalog::CatalogError { diagnostics }))?;
        tracing::debug!("loaded the catalog in {:?}", started.elapsed());
        if self.lock.is_some() {
            refuse_linked_outputs(&self.root)?;
        }
        let removed_leftovers = if self.lock.is_some() {
            leftovers::sweep(&root, &catalog)
        } else {
            Vec::new()
        };
        let state = State::new(&root);
        let (records, corrupt) = state.load_all(&catalog)?;
        Ok(Archive {
            root: self.root,
            _lock: self.lock,
            catalog,
            catalog_digest: self.catalog_digest,
            state,
            records,
            outputs: Outputs::parse(self.manifest.as_deref()),
            allow_private: false,
            runtime: OnceLock::new(),
            pull_runtime: OnceLock::new(),
            completed_edit: self.completed_edit,
            removed_leftovers,
            corrupt,
        })
    }
}

impl Archive {
    /// Opens the archive at `root` and loads it ([`Opening::open`], [`Opening::load`]).
    pub fn open(root: &Path, access: Access<'_>) -> Result<Self, Error> {
        Opening::open(root, access)?.load()
    }

    /// Whether the last build is current ([`Opening::current`]), with the sync records now
    /// on disk.
    pub fn current(&self) -> Result<bool, Error> {
        current(&self.root, &self.catalog_digest, &self.outputs.glance())
    }

    /// Lets outbound requests reach internal addresses (`--allow-private`).
    pub fn allow_private(&mut self, allow: bool) {
        self.allow_private = allow;
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The SHA-256 of the catalog's text, as read.
    pub fn catalog_digest(&self) -> &str {
        &self.catalog_digest
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn records(&self) -> &Records {
        &self.records
    }

    pub fn records_mut(&mut self) -> &mut Records {
        &mut self.records
    }

    /// The manifest of the last build.
    pub fn outputs(&self) -> &Outputs {
        &self.outputs
    }

    pub fn set_outputs(&mut self, outputs: Outputs) {
        self.outputs = outputs;
    }

    /// Gives every feed (and the speaker feeds) the public URL `base`: how `serve` shows the
    /// archive at the address it is asked at.
    pub fn rebase(&mut self, base: &url::Url) {
        for feed in &mut self.catalog.feeds {
            feed.channel.public_url = base.clone();
        }
        self.catalog.speaker_feeds.public_url = Some(base.clone());
    }

    /// The feeds a command works on: one named feed, or all of them.
    pub fn select(&self, feed: Option<&FeedId>) -> Result<Vec<&Feed>, Error> {
        match feed {
            None => Ok(self.catalog.feeds.iter().collect()),
            Some(id) => self.catalog.feed(id).map(|feed| vec![feed]).ok_or_else(|| {
                let near = catalog::suggest_feed(&self.catalog, id.as_str()).cloned();
                Error::NoSuchFeed {
                    id: id.clone(),
                    near,
                }
            }),
        }
    }

    /// The HTTP client factory. Its address policy trusts the hosts the catalog names (a
    /// recording on the maintainer's own network is their choice) and those `trust` adds.
    pub fn net(&self, trust: impl FnOnce(&mut Policy)) -> Net {
        let mut policy = Policy::new(self.allow_private);
        for feed in &self.catalog.feeds {
            policy.allow_host_of(&feed.channel.public_url);
            for episode in &feed.episodes {
                if let Source::Remote(url) = &episode.audio {
                    policy.allow_host_of(url);
                }
            }
        }
        trust(&mut policy);
        Net::new(policy)
    }

    /// The async runtime, started on first use.
    pub fn runtime(&self) -> Result<&tokio::runtime::Runtime, Error> {
        started(&self.runtime, tokio::runtime::Builder::new_multi_thread)
    }

    /// The runtime `sync` pulls recordings on, started on first use: one thread polls every
    /// download (their hashing, writing and probing go to the blocking pool, whose threads
    /// run at [`crate::parallel::helper_priority`]), so a request and its answer never cross
    /// threads.
    pub fn pull_runtime(&self) -> Result<&tokio::runtime::Runtime, Error> {
        started(&self.pull_runtime, || {
            let mut builder = tokio::runtime::Builder::new_current_thread();
            builder.on_thread_start(crate::parallel::helper_priority);
            builder
        })
    }
}

/// The runtime in `cell`, built by `builder` with every driver enabled the first time.
fn started(
    cell: &OnceLock<tokio::runtime::Runtime>,
    builder: fn() -> tokio::runtime::Builder,
) -> Result<&tokio::runtime::Runtime, Error> {
    if let Some(runtime) = cell.get() {
        return Ok(runtime);
    }
    let runtime = builder().enable_all().build().map_err(Error::Runtime)?;
    Ok(cell.get_or_init(|| runtime))
}

/// The SHA-256 of every catalog file's path and text.
fn digest(sources: &catalog::Sources) -> String {
    let mut hasher = Sha256::new();
    for source in sources.speakers.iter().chain(&sources.feeds) {
        hasher.update(source.path.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(source.text.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// Whether the build that `glance` describes is current: made by this program from the
/// catalog whose digest is `catalog_digest` and the sync records and local assets now on
/// disk, with every feed, page and asset in place.
fn current(root: &Root, catalog_digest: &str, glance: &Glance<'_>) -> Result<bool, Error> {
    if glance.version != crate::outputs::VERSION
        || glance.inputs != stamp(root.path(), catalog_digest)?
    {
        return Ok(false);
    }
    let assets = crate::assets::Assets::new(root, &glance.sources);
    for (source, known) in glance.sources.iter() {
        if assets.hash(source).ok().as_ref() != Some(known) {
            return Ok(false);
        }
    }
    // Tens of thousands of stats in a large archive: spread over the cores, in runs
    // rather than one by one.
    let runs: Vec<_> = glance.built.chunks(1024).collect();
    let present = crate::parallel::map(&runs, |run| {
        Ok::<_, Error>(crate::build::all_present(root, run))
    })?;
    Ok(present.into_iter().all(|present| present))
}

/// The fingerprint of every input of a build together: the program, the catalog's text and
/// the sync records (by name, size and modification time).
pub fn stamp(root: &Path, catalog_digest: &str) -> Result<String, Error> {
    let mut print = crate::build::Fingerprint::new("inputs");
    print.add(&catalog_digest);
    print.add(&State::new(root).stamp()?);
    Ok(print.finish_hex())
}

/// The folders a build writes into must be folders of the archive: through a symlink, a sync
/// or build would write recordings and assets elsewhere.
fn refuse_linked_outputs(root: &Root) -> Result<(), Error> {
    let media = Path::new(crate::media::MEDIA_DIR);
    let mut folders = vec![media.to_owned(), Path::new("feeds/speakers").to_owned()];
    if let Ok(entries) = std::fs::read_dir(root.path().join(media)) {
        folders.extend(entries.flatten().map(|entry| media.join(entry.file_name())));
    }
    for folder in folders {
        let linked = std::fs::symlink_metadata(root.path().join(&folder))
            .is_ok_and(|meta| meta.file_type().is_symlink());
        if linked || (root.path().join(&folder).is_dir() && !root.is_real_dir(&folder)) {
            return Err(Error::LinkedOutput(folder));
        }
    }
    Ok(())
}
