//! The plan of a publish: which files go up in which stage, which are already there, and which
//! media objects `--prune` removes. Media come first, then pages, feeds last, so that a feed
//! that is visible never names an object that is not there yet.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use object_store::ObjectMeta;
use sha2::{Digest, Sha256};

use super::PublishError;
use super::manifest::Manifest;
use super::target::Target;
use crate::Error;

/// The order objects go up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Recordings, transcripts, chapters, images: everything the pages and feeds name.
    Media,
    /// The web pages.
    Pages,
    /// The RSS feeds.
    Feeds,
}

/// One local file and what to do with it.
#[derive(Debug, Clone)]
pub struct Item {
    pub stage: Stage,
    /// Relative to the archive root.
    pub path: PathBuf,
    pub size: u64,
    /// For feeds and pages (media are immutable and compared by size).
    pub sha256: Option<String>,
    pub upload: bool,
}

/// A remote media object no feed or page names.
#[derive(Debug, Clone)]
pub struct Unreferenced {
    pub meta: ObjectMeta,
    /// Old enough to delete (`--prune`), or still within the grace period.
    pub expired: bool,
}

/// Everything a publish would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub items: Vec<Item>,
    pub unreferenced: Vec<Unreferenced>,
}

impl Plan {
    /// (count, bytes) of the items to upload, and of those skipped.
    pub fn totals(&self) -> ((usize, u64), (usize, u64)) {
        let sum = |upload: bool| {
            let items = self.items.iter().filter(|item| item.upload == upload);
            (items.clone().count(), items.map(|item| item.size).sum())
        };
        (sum(true), sum(false))
    }
}

/// Plans the publish of the archive at `root` to `target`, whose objects are `remote`.
pub fn plan(
    root: &Path,
    target: &Target,
    remote: &HashMap<PathBuf, ObjectMeta>,
    manifest: &Manifest,
    grace: Duration,
    now: DateTime<Utc>,
) -> Result<Plan, Error> {
    let mut plan = Plan::default();
    let mut pages_and_feeds = Vec::new();
    for path in files(root, Path::new("feeds"))? {
        let stage = match path.extension().and_then(|e| e.to_str()) {
            Some("xml") => Stage::Feeds,
            Some("html") => Stage::Pages,
            _ => continue,
        };
        pages_and_feeds.push((stage, path));
    }
    let mut referenced = BTreeSet::new();
    for (stage, path) in &pages_and_feeds {
        let bytes = read(root, path)?;
        referenced.extend(media_named_in(&String::from_utf8_lossy(&bytes)));
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let key = target.key(path).to_string();
        let same = manifest.objects.get(&key).is_some_and(|uploaded| {
            uploaded.sha256 == sha256
                && remote
                    .get(path)
                    .is_some_and(|meta| meta.e_tag == uploaded.e_tag && meta.size == uploaded.size)
        });
        plan.items.push(Item {
            stage: *stage,
            path: path.clone(),
            size: bytes.len() as u64,
            sha256: Some(sha256),
            upload: !same,
        });
    }
    for path in &referenced {
        let metadata = match std::fs::metadata(root.join(path)) {
            Ok(metadata) => metadata,
            // Published before and gone here: the store keeps it; the feed still works.
            Err(_) if remote.contains_key(path) => continue,
            // A URL of another site that happens to have a `/media/` folder.
            Err(_) if !path.parent().is_some_and(|dir| root.join(dir).is_dir()) => continue,
            Err(_) => return Err(PublishError::Missing(path.clone()).into()),
        };
        let there = remote
            .get(path)
            .is_some_and(|meta| meta.size == metadata.len());
        plan.items.push(Item {
            stage: Stage::Media,
            path: path.clone(),
            size: metadata.len(),
            sha256: None,
            upload: !there,
        });
    }
    plan.items
        .sort_by(|a, b| (a.stage, &a.path).cmp(&(b.stage, &b.path)));
    let cutoff = now - chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
    for (path, meta) in remote {
        if path.starts_with("media") && !referenced.contains(path) {
            plan.unreferenced.push(Unreferenced {
                meta: meta.clone(),
                expired: meta.last_modified < cutoff,
            });
        }
    }
    plan.unreferenced
        .sort_by(|a, b| a.meta.location.cmp(&b.meta.location));
    Ok(plan)
}

/// The `media/…` paths a feed or page names (in URLs ending `/media/…`).
fn media_named_in(text: &str) -> BTreeSet<PathBuf> {
    let mut found = BTreeSet::new();
    for (index, _) in text.match_indices("/media/") {
        let rest = &text[index + 1..];
        let end = rest
            .find(['"', '\'', '<', '>', ' ', '\n', ')'])
            .unwrap_or(rest.len());
        let path = &rest[..end];
        if !path.contains("..") && path.len() > "media/".len() {
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            found.insert(PathBuf::from(decoded.as_ref()));
        }
    }
    found
}

fn read(root: &Path, path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(root.join(path)).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })
}

/// Every visible file under `dir` (relative to `root`), sorted.
fn files(root: &Path, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_owned(),
                source,
            });
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = dir.join(&name);
        if entry.path().is_dir() {
            found.extend(files(root, &path)?);
        } else {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_media_a_feed_names() {
        let xml = r#"<enclosure url="https://x.org/media/talks/a-0123.mp3" length="1"/>
            <itunes:image href="https://x.org/media/talks/cover-ab.png"/>
            <a href="https://x.org/feeds/talks.xml">feed</a> <img src="https://x.org/media/talks/a%20b.png">"#;
        let found: Vec<_> = media_named_in(xml).into_iter().collect();
        assert_eq!(
            found,
            [
                PathBuf::from("media/talks/a b.png"),
                PathBuf::from("media/talks/a-0123.mp3"),
                PathBuf::from("media/talks/cover-ab.png")
            ]
        );
    }
}
