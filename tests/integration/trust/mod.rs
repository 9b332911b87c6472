//! Trust boundaries: catalog text, files under the archive (symlinks, FIFOs, hand-edited
//! manifests and records), remote servers and `Host` headers never carry anything from
//! outside the archive into `media/`, the server or the destination. One regression test per
//! finding of the security review, named after it, each driving the real binary.
//!
//! [`publish`] covers what goes up; [`symlinks`] links out of the archive; [`serve`] the
//! server's memory, time and headers; [`network`] spliced downloads and the outbound address
//! policy; [`manifests`] hostile files under `.archive/` and the catalog's own files.

pub(crate) mod manifests;
mod network;
mod publish;
mod serve;
mod symlinks;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::support::{FEED_HEAD, archive, fixture, sync, write};

/// A temp folder holding an archive at `<outer>/up/archive`, so that files one and two levels
/// above the archive can be planted, and a destination `<outer>/dest` outside it.
pub struct Nest {
    pub outer: TempDir,
}

impl Nest {
    pub fn new() -> Self {
        let outer = TempDir::new().unwrap();
        std::fs::create_dir_all(outer.path().join("up/archive/feeds")).unwrap();
        Self { outer }
    }

    pub fn root(&self) -> PathBuf {
        self.outer.path().join("up/archive")
    }

    pub fn dest(&self) -> PathBuf {
        self.outer.path().join("dest")
    }

    /// `file://` URL of the destination.
    pub fn dest_url(&self) -> String {
        format!("file://{}", self.dest().display())
    }
}

/// `feeds/talks.toml` with one local episode (`recordings/a.mp3`), and `text` in the feed's
/// description, the event's summary and the episode's excerpt.
pub fn talks_with_text(root: &Path, text: &str) {
    let head = FEED_HEAD
        .replace(
            "description = \"Test feed\"",
            &format!("description = \"Test feed. {text}\""),
        )
        .replace(
            "date = 2020-11-10\n",
            &format!("date = 2020-11-10\nsummary = \"Summary. {text}\"\n"),
        );
    write(
        root,
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"Maryam Rajavi\"\n",
    );
    write(
        root,
        "feeds/talks.toml",
        &format!(
            "{head}\n[[episode]]\nid = \"a\"\ntitle = \"Speech a\"\nevent = \"conference\"\n\
             speakers = [\"maryam-rajavi\"]\naudio = \"recordings/a.mp3\"\nexcerpt = \"Excerpt. {text}\"\n"
        ),
    );
    std::fs::create_dir_all(root.join("recordings")).unwrap();
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), root.join("recordings/a.mp3")).unwrap();
}

/// A synced archive of [`talks_with_text`].
pub fn synced_talks(root: &Path, text: &str) {
    talks_with_text(root, text);
    sync(root).assert().code(0);
}

/// Every file under `dir`, relative to it, sorted; symlinks are listed, never followed.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, found);
            } else {
                let relative = path.strip_prefix(base).unwrap();
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, dir, &mut found);
    found.sort();
    found
}

/// Whether any regular file under `dir` holds exactly `bytes` (symlinks not followed).
pub fn holds_bytes(dir: &Path, bytes: &[u8]) -> bool {
    files_under(dir).iter().any(|name| {
        let path = dir.join(name);
        std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            && std::fs::read(&path).is_ok_and(|found| found == bytes)
    })
}

/// The paths the last build's manifest lists.
pub fn manifest_files(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(".archive/outputs.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

/// `archive publish --to <dest> [extra]`, with a time limit: a publish that reads a device
/// without end fails the test instead of hanging it.
pub fn publish(root: &Path, dest: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    archive(root)
        .args(["publish", "--to", dest])
        .args(extra)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
}
