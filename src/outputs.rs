//! The output manifest, `.archive/outputs.json`: every file the last build wrote, copied or
//! named (feeds, pages, recordings, images, transcripts, chapters), with its size and SHA-256.
//!
//! It is the one list of what the archive publishes: `publish` uploads exactly these files and
//! `serve --as-built` serves only them. Text inside a feed never adds a file. It also holds
//! fingerprints: of all inputs together, so that a build with nothing changed stops at once,
//! and of the inputs of each output, so that only the outputs whose inputs changed are
//! rendered again.

use std::borrow::Cow;
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
        Self::parse(read(root).as_deref())
    }

    /// The manifest in `bytes` ([`read`]), or an empty one, as [`Outputs::load`] says.
    pub fn parse(bytes: Option<&[u8]>) -> Self {
        bytes
            .and_then(|bytes| serde_json::from_slice::<Self>(bytes).ok())
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

    /// What [`Glance`] reads of it.
    pub fn glance(&self) -> Glance<'_> {
        Glance {
            version: &self.version,
            inputs: &self.inputs,
            sources: Cow::Borrowed(&self.sources),
            built: self
                .files
                .iter()
                .filter(|(_, output)| output.kind != Kind::Recording)
                .map(|(path, output)| (Cow::Borrowed(path), output.size))
                .collect(),
        }
    }

    /// The files of one kind.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (&ArchivePath, &Output)> {
        self.files
            .iter()
            .filter(move |(_, output)| output.kind == kind)
    }
}

/// The bytes of the manifest of the archive at `root`, if it can be read.
pub fn read(root: &Path) -> Option<Vec<u8>> {
    crate::confined::read_own(&root.join(OUTPUTS_FILE), MAX_MANIFEST).ok()
}

/// What tells whether the last build is current: the program and inputs it was made from, the
/// local sources it read, and the feeds, pages and assets it wrote with their sizes.
pub struct Glance<'m> {
    pub version: &'m str,
    pub inputs: &'m str,
    pub sources: Cow<'m, BTreeMap<ArchivePath, Hashed>>,
    pub built: Vec<(Cow<'m, ArchivePath>, u64)>,
}

impl<'m> Glance<'m> {
    /// Reads only that from the manifest's `bytes`, without copying the hashes and
    /// fingerprints of every file as [`Outputs::parse`] does: a build with nothing to do
    /// reads a manifest of 30,000 files. `None` where `Outputs::parse` would find no
    /// manifest (or a path that has escapes, which it would read: the build then runs).
    pub fn parse(bytes: &'m [u8]) -> Option<Self> {
        let raw: RawGlance<'m> = serde_json::from_slice(bytes).ok()?;
        let mut built = Vec::with_capacity(raw.files.0.len());
        for (text, brief) in raw.files.0 {
            let path = ArchivePath::parse(text).ok()?;
            if path.as_str() != text || !publishable(&path) {
                return None;
            }
            if brief.kind != Kind::Recording {
                built.push((Cow::Owned(path), brief.size));
            }
        }
        Some(Self {
            version: raw.version,
            inputs: raw.inputs,
            sources: Cow::Owned(raw.sources),
            built,
        })
    }
}

#[derive(Deserialize)]
struct RawGlance<'m> {
    version: &'m str,
    inputs: &'m str,
    #[serde(default)]
    sources: BTreeMap<ArchivePath, Hashed>,
    #[serde(borrow)]
    files: Briefs<'m>,
}

/// The `files` of a manifest, their paths borrowed from its text.
struct Briefs<'m>(Vec<(&'m str, Brief)>);

/// What a [`Glance`] keeps of one file.
#[derive(Deserialize)]
struct Brief {
    kind: Kind,
    size: u64,
}

impl<'de: 'm, 'm> Deserialize<'de> for Briefs<'m> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'m>(std::marker::PhantomData<&'m ()>);
        impl<'de: 'm, 'm> serde::de::Visitor<'de> for Visitor<'m> {
            type Value = Briefs<'m>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map of paths to outputs")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Briefs<'m>, A::Error> {
                let mut files = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(entry) = map.next_entry::<&'de str, Brief>()? {
                    files.push(entry);
                }
                Ok(Briefs(files))
            }
        }
        deserializer.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(kind: Kind, size: u64) -> Output {
        Output {
            kind,
            size,
            sha256: "ab".repeat(32),
            inputs: Some("cd".repeat(32)),
        }
    }

    fn manifest(paths: &[(&str, Kind)]) -> Outputs {
        Outputs {
            version: VERSION.to_owned(),
            inputs: "ef".repeat(32),
            sources: BTreeMap::new(),
            files: paths
                .iter()
                .enumerate()
                .map(|(n, (path, kind))| {
                    (ArchivePath::parse(path).unwrap(), output(*kind, n as u64))
                })
                .collect(),
        }
    }

    fn listed(glance: &Glance<'_>) -> Vec<(String, u64)> {
        glance
            .built
            .iter()
            .map(|(path, size)| (path.to_string(), *size))
            .collect()
    }

    #[test]
    fn a_glance_reads_what_the_whole_manifest_says() {
        let outputs = manifest(&[
            ("feeds/talks.xml", Kind::Feed),
            ("feeds/talks.html", Kind::Page),
            ("feeds/talks/a.html", Kind::Page),
            ("media/talks/a-0123.mp3", Kind::Recording),
            ("media/talks/cover.jpg", Kind::Asset),
        ]);
        let bytes = serde_json::to_vec_pretty(&outputs).unwrap();
        let glance = Glance::parse(&bytes).expect("a manifest");
        let whole = Outputs::parse(Some(&bytes));
        assert_eq!(whole, outputs);
        assert_eq!(
            (glance.version, glance.inputs),
            (VERSION, outputs.inputs.as_str())
        );
        // Recordings are not outputs of the build: sync checks them.
        assert_eq!(listed(&glance), listed(&outputs.glance()));
        assert_eq!(glance.built.len(), 4);
    }

    #[test]
    fn a_glance_refuses_a_manifest_the_build_would_not_trust() {
        let good = serde_json::to_string(&manifest(&[("feeds/talks.html", Kind::Page)])).unwrap();
        assert!(Glance::parse(good.as_bytes()).is_some());
        for (from, to) in [
            ("feeds/talks.html", "feeds/../talks.html"),
            ("feeds/talks.html", "feeds//talks.html"),
            ("feeds/talks.html", "feeds/talks.toml"),
            ("feeds/talks.html", "archive.toml"),
            ("feeds/talks.html", "feeds/t\\u0061lks.html"),
        ] {
            let bad = good.replace(from, to);
            assert!(Glance::parse(bad.as_bytes()).is_none(), "{bad}");
        }
        assert!(Glance::parse(b"{\"version\": 1}").is_none());
    }
}
