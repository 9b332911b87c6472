//! What was uploaded to a destination, kept locally in `.archive/publish/<destination>.json`:
//! each key's size, SHA-256 and the `ETag` the store gave it. A feed or page is uploaded
//! again only when its bytes changed or the object in the store is not the one uploaded.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, atomic};

/// Where manifests live, relative to the archive root.
pub const MANIFEST_DIR: &str = ".archive/publish";

/// Largest manifest read.
const MAX_MANIFEST: u64 = 256 * 1024 * 1024;

/// One uploaded object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    pub size: u64,
    pub sha256: String,
    pub e_tag: Option<String>,
}

/// The manifest of one destination.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub objects: BTreeMap<String, Uploaded>,
    #[serde(skip)]
    path: PathBuf,
}

impl Manifest {
    /// The manifest `name` of the archive at `root`; empty if there is none (or it is
    /// unreadable: then everything mutable is uploaded again, which is safe).
    pub fn load(root: &Path, name: &str) -> Self {
        let path = root.join(MANIFEST_DIR).join(name);
        let mut manifest: Self = crate::confined::read_own(&path, MAX_MANIFEST)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        manifest.path = path;
        manifest
    }

    /// The keys of every destination's manifest of the archive at `root`.
    pub fn published_keys(root: &Path) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(root.join(MANIFEST_DIR)) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| crate::confined::read_own(&entry.path(), MAX_MANIFEST).ok())
            .filter_map(|bytes| serde_json::from_slice::<Self>(&bytes).ok())
            .flat_map(|manifest| manifest.objects.into_keys())
            .collect()
    }

    /// Writes the manifest atomically.
    pub fn save(&self) -> Result<(), Error> {
        let json = serde_json::to_vec_pretty(self).map_err(|err| Error::Write {
            path: self.path.clone(),
            source: std::io::Error::other(err),
        })?;
        atomic::write(&self.path, &json)
    }
}
