//! The output manifest, `.archive/outputs.json`: every file the last build wrote, copied or
//! named (feeds, pages, recordings, images, transcripts, chapters), with its size and SHA-256.
//!
//! It is the one list of what the archive publishes: `publish` uploads exactly these files and
//! `serve --as-built` serves only them. Text inside a feed never adds a file. It also holds
//! fingerprints: of all inputs together, so that a build with nothing changed stops at once,
//! and of the inputs of each output, so that only the outputs whose inputs changed are
//! rendered again.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::assets::Hashed;
use crate::confined::ArchivePath;
use crate::{Error, atomic};

/// Where the manifest lives, relative to the archive root.
pub const OUTPUTS_FILE: &str = ".archive/outputs.json";

/// The version of the program, part of every fingerprint: a new version builds everything
/// again.
pub const VERSION: &str = concat!("speech-archive ", env!("CARGO_PKG_VERSION"));

/// Largest manifest read (10,000 episodes take a few megabytes).
const MAX_MANIFEST: u64 = 256 * 1024 * 1024;

/// Whether a build could have written `path`: a feed or page under `feeds/`, the search
/// script and index, or a file under `media/`. A manifest that lists anything else (a catalog file, `archive.toml`, a source
/// recording) was edited by hand, and is not trusted to say what gets published.
fn publishable(path: &ArchivePath) -> bool {
    path.is_under(crate::media::MEDIA_DIR)
        || (path.is_under("feeds") && matches!(path.extension().as_deref(), Some("xml" | "html")))
        || crate::search::is_search_file(path)
}

/// What an output is, which decides when `publish` uploads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A pulled recording, written by `sync`.
    Recording,
    /// A local image, transcript or chapters file copied into `media/`.
    Asset,
    /// A web page.
    Page,
    /// An RSS feed.
    Feed,
}

/// One published file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub kind: Kind,
    pub size: u64,
    pub sha256: String,
    /// The fingerprint of its inputs, for feeds and pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<String>,
}

/// The manifest of the last build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outputs {
    /// The program that built it.
    pub version: String,
    /// The fingerprint of every input together (catalog text, sync records, local assets):
    /// equal on disk and here means the outputs are current.
    pub inputs: String,
    /// Every local asset source read, with its hash, so an unchanged one is not read again.
    #[serde(default)]
    pub sources: BTreeMap<ArchivePath, Hashed>,
    pub files: BTreeMap<ArchivePath, Output>,
}

impl Outputs {
    /// The manifest of the archive at `root`, or an empty one if there is none yet (or it
    /// cannot be read, or lists a file no build writes: then everything is built again, which
    /// is safe).
    pub fn load(root: &Path) -> Self {
        crate::confined::read_own(&root.join(OUTPUTS_FILE), MAX_MANIFEST)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Self>(&bytes).ok())
            .filter(|outputs| outputs.files.keys().all(publishable))
            .unwrap_or_default()
    }

    /// Writes the manifest atomically.
    pub fn save(&self, root: &Path) -> Result<(), Error> {
        let path = root.join(OUTPUTS_FILE);
        let mut json = serde_json::to_vec_pretty(self).map_err(|err| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(err),
        })?;
        json.push(b'\n');
        atomic::write(&path, &json)
    }

    /// The files of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (&ArchivePath, &Output)> {
        self.files
            .iter()
            .filter(move |(_, output)| output.kind == kind)
    }
}
