//! The catalog: `feeds/<feed-id>.toml` and `feeds/speakers.toml`, read and checked.
//!
//! [`load`] reads every file of an archive and returns a [`Catalog`] only when all of them
//! are valid; otherwise it returns every problem of every file, each pointing at
//! `file:line:col`.
//! Parsing ([`parse_feed`], [`parse_speakers`]) is kept apart from reading files.

mod blocks;
mod chapters;
mod check;
pub mod diagnostic;
mod episode;
mod feed_file;
mod fingerprint;
pub mod id;
pub mod model;
mod raw;
mod schema;
mod speakers;
pub mod suggest;
pub mod taxonomy;
mod transcript;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::confined::{ArchivePath, OpenError};

pub use check::parse_source;
pub use diagnostic::{Diagnostic, SourceText};
pub use feed_file::{derived_guid, with_trailing_slash};
pub use id::{EpisodeId, EventId, FeedId, SpeakerId};
pub use model::*;
pub use speakers::SPEAKERS_FILE;
pub use suggest::suggest_feed;

use speakers::{Lookup, Registry};

use crate::Error;

/// Every problem found in the catalog. Nothing is written when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.diagnostics {
            writeln!(f, "{diagnostic}")?;
        }
        let count = self.diagnostics.len();
        let problems = if count == 1 { "problem" } else { "problems" };
        write!(f, "{count} {problems} in the catalog; nothing was written")
    }
}

impl std::error::Error for CatalogError {}

/// The text of every catalog file of an archive.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `feeds/speakers.toml`, if the archive has one.
    pub speakers: Option<SourceText>,
    /// Every feed file, sorted by path.
    pub feeds: Vec<SourceText>,
}

/// Reads and checks the whole catalog of the archive at `root`.
pub fn load(root: &Path) -> Result<Catalog, Error> {
    let sources = read_sources(root)?;
    check(&sources, root).map_err(|diagnostics| Error::Catalog(CatalogError { diagnostics }))
}

/// Reads the text of every catalog file of the archive at `root`.
pub fn read_sources(root: &Path) -> Result<Sources, Error> {
    let mut sources = Sources {
        speakers: read_optional(root, Path::new(SPEAKERS_FILE))?,
        feeds: Vec::new(),
    };
    for path in feed_files(root)? {
        sources.feeds.push(read(root, &path)?);
    }
    Ok(sources)
}

/// Parses and checks catalog texts, as [`load`] does with the files of an archive; local
/// paths are looked up under `root`.
///
/// Every file is checked, whatever the others hold. A speaker whose registry entry has
/// problems, or a registry too broken to read, is reported in `feeds/speakers.toml` only: the
/// feeds that credit such a speaker are not told that it does not exist.
pub fn check(sources: &Sources, root: &Path) -> Result<Catalog, Vec<Diagnostic>> {
    let (registry, mut diagnostics) = match &sources.speakers {
        None => (Registry::empty(), Vec::new()),
        Some(source) => speakers::parse(source, root),
    };
    let mut feeds = Vec::new();
    for source in &sources.feeds {
        match feed_file::parse_file(source, root, registry.lookup()) {
            Ok(feed) => feeds.push(feed),
            Err(mut found) => diagnostics.append(&mut found),
        }
    }
    if feeds.len() < sources.feeds.len() || !diagnostics.is_empty() {
        // A feed fails without a diagnostic of its own only for the registry's problems.
        debug_assert!(!diagnostics.is_empty());
        return Err(diagnostics);
    }
    Ok(Catalog {
        speakers: registry.speakers,
        speaker_feeds: registry.feeds,
        feeds,
    })
}

/// Parses the text of `feeds/speakers.toml`.
pub fn parse_speakers(
    source: &SourceText,
    root: &Path,
) -> Result<BTreeMap<SpeakerId, Speaker>, Vec<Diagnostic>> {
    match speakers::parse(source, root) {
        (registry, diagnostics) if diagnostics.is_empty() => Ok(registry.speakers),
        (_, diagnostics) => Err(diagnostics),
    }
}

/// Parses the text of one feed file, with the speaker registry it refers to.
pub fn parse_feed(
    id: FeedId,
    source: &SourceText,
    root: &Path,
    speakers: &BTreeMap<SpeakerId, Speaker>,
) -> Result<Feed, Vec<Diagnostic>> {
    feed_file::parse(id, source, root, Lookup::complete(speakers))
}

/// The feed files of the archive, relative to `root`, sorted.
pub fn feed_files(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let dir = root.join("feeds");
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Read {
        path: dir.clone(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: dir.clone(),
            source,
        })?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let visible = !name.starts_with('.');
        if visible
            && name.ends_with(".toml")
            && Path::new("feeds").join(&*name) != Path::new(SPEAKERS_FILE)
        {
            files.push(Path::new("feeds").join(&*name));
        }
    }
    files.sort();
    Ok(files)
}

fn read(root: &Path, path: &Path) -> Result<SourceText, Error> {
    read_optional(root, path)?.ok_or_else(|| Error::Read {
        path: path.to_owned(),
        source: std::io::ErrorKind::NotFound.into(),
    })
}

/// Largest catalog file read (a feed of 10,000 episodes takes a few megabytes).
const MAX_CATALOG_FILE: u64 = 64 * 1024 * 1024;

/// Reads a catalog file through the archive's root: one that is a symlink out of the archive,
/// a FIFO or larger than [`MAX_CATALOG_FILE`] is refused, never read or quoted in an error.
fn read_optional(root: &Path, path: &Path) -> Result<Option<SourceText>, Error> {
    let unreadable = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let relative = ArchivePath::parse(&path.to_string_lossy())
        .map_err(|err| unreadable(std::io::Error::other(err)))?;
    match crate::confined::read(root, &relative, MAX_CATALOG_FILE) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(|text| Some(SourceText::new(path, text)))
            .map_err(|err| unreadable(std::io::Error::new(std::io::ErrorKind::InvalidData, err))),
        Err(OpenError::Missing(_)) => Ok(None),
        Err(err) => Err(Error::Confined(err)),
    }
}

#[cfg(test)]
mod tests;
