//! The plan of a publish: which of the last build's outputs go up in which stage, which are
//! already there, and which media objects `--prune` removes. Media come first, then pages,
//! feeds last, so that a feed that is visible never names an object that is not there yet.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use object_store::ObjectMeta;

use super::PublishError;
use super::manifest::Manifest;
use super::target::Target;
use crate::build::present;
use crate::confined::{ArchivePath, Root};
use crate::outputs::{Kind, Outputs};

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

/// A remote media object the last build does not list.
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

/// Plans the publish of the outputs of the last build (`outputs`, at `root`) to `target`,
/// whose objects are `remote`. Exactly the manifest's files are considered: no text in a feed
/// or page adds a file.
pub fn plan(
    root: &Root,
    target: &Target,
    remote: &HashMap<PathBuf, ObjectMeta>,
    outputs: &Outputs,
    manifest: &Manifest,
    grace: Duration,
    now: DateTime<Utc>,
) -> Result<Plan, PublishError> {
    let mut plan = Plan::default();
    for (path, output) in &outputs.files {
        let stage = match output.kind {
            Kind::Recording | Kind::Asset => Stage::Media,
            Kind::Page => Stage::Pages,
            Kind::Feed => Stage::Feeds,
        };
        let there = remote.get(path.as_path());
        if !present(root, path, output.size) {
            if stage == Stage::Media && there.is_some_and(|meta| meta.size == output.size) {
                // Published before and gone here: the store keeps it; the feed still works.
                continue;
            }
            return Err(PublishError::Missing(path.as_path().to_owned()));
        }
        let upload = match stage {
            // Media names carry their content's hash: the same name and size is the same file.
            Stage::Media => there.is_none_or(|meta| meta.size != output.size),
            Stage::Pages | Stage::Feeds => {
                let key = target.key(path.as_path()).to_string();
                !manifest.objects.get(&key).is_some_and(|uploaded| {
                    uploaded.sha256 == output.sha256
                        && there.is_some_and(|meta| {
                            meta.e_tag == uploaded.e_tag && meta.size == uploaded.size
                        })
                })
            }
        };
        plan.items.push(Item {
            stage,
            path: path.as_path().to_owned(),
            size: output.size,
            sha256: (stage != Stage::Media).then(|| output.sha256.clone()),
            upload,
        });
    }
    plan.items
        .sort_by(|a, b| (a.stage, &a.path).cmp(&(b.stage, &b.path)));
    let cutoff = now - chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::MAX);
    let listed: BTreeSet<&Path> = outputs.files.keys().map(ArchivePath::as_path).collect();
    for (path, meta) in remote {
        if path.starts_with("media") && !listed.contains(path.as_path()) {
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
