//! `archive publish`: upload the archive's media, pages and feeds to an object store (S3,
//! Garage, `MinIO`, or a folder) through the `object_store` crate, in an order listeners never
//! notice: media, then pages, then feeds. An interrupted publish leaves the feeds that were
//! published before in place, naming only objects that exist.
//!
//! Incremental: media keys never change (their names carry a hash of their bytes), so one
//! already there with the same size is skipped; feeds and pages are compared with the local
//! manifest ([`manifest`]) and the store's `ETag`. `--prune` removes media no feed or page
//! names once they are older than the grace period.

mod manifest;
mod plan;
mod target;
mod upload;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use futures_util::{StreamExt, TryStreamExt};
use object_store::{ObjectMeta, ObjectStoreExt};

use crate::archive::Archive;
use crate::confined::Root;
use crate::outputs::Outputs;

pub use manifest::MANIFEST_DIR;

/// The keys of every object ever uploaded from the archive at `root`, by any destination.
pub fn published_keys(root: &Path) -> Vec<String> {
    Manifest::published_keys(root)
}
pub use plan::{Plan, Stage};
pub use target::{PublishSettings, SETTINGS_FILE, settings};

use manifest::{Manifest, Uploaded};
use target::Target;

/// Checked options of `archive publish`.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The destination; else `[publish] to` of `archive.toml`.
    pub to: Option<String>,
    pub dry_run: bool,
    pub prune: bool,
    /// Refuse outputs older than the catalog instead of building first.
    pub no_build: bool,
    /// Uploads at once.
    pub jobs: NonZeroUsize,
}

/// Why a publish failed. What was uploaded before the failure stays; the feeds go up last.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{0}")]
    Settings(String),
    #[error("no destination: give one with --to, or `to` in `[publish]` of `archive.toml`")]
    NoDestination,
    #[error("{0}")]
    Credentials(String),
    #[error(
        "cannot list `{destination}`: {reason} (check the destination and the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
    )]
    List { destination: String, reason: String },
    #[error("failed to upload `{key}`: {reason}")]
    Store { key: String, reason: String },
    #[error("`{}` is an output of the last build but missing here, and not in the store yet; run `archive sync` (nothing was uploaded)", .0.display())]
    Missing(PathBuf),
    #[error(
        "the outputs are older than the catalog or the sync records; run `archive build` first, or leave out --no-build"
    )]
    Stale,
    #[error("failed to save the publish manifest: {0}")]
    Manifest(String),
    #[error("failed to read `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// One thing the publish did, as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    Uploaded { path: &'a Path, size: u64 },
    Deleted { key: &'a str, size: u64 },
}

/// What a publish did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct Summary {
    pub plan: Plan,
    /// The destination, as given.
    pub destination: String,
    pub deleted: Vec<(String, u64)>,
}

/// Publishes the outputs of the last build of `archive`.
pub fn publish(
    archive: &Archive,
    options: &PublishOptions,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Summary, PublishError> {
    let root = archive.root();
    let settings = settings(root.path())?;
    let to = options
        .to
        .clone()
        .or_else(|| settings.to.clone())
        .ok_or(PublishError::NoDestination)?;
    let target = target::open(&to, &settings, options.dry_run)?;
    let grace = settings.grace()?;
    let runtime = archive
        .runtime()
        .map_err(|err| PublishError::Settings(err.to_string()))?;
    runtime
        .block_on(publish_to(
            root,
            archive.outputs(),
            &target,
            options,
            grace,
            report,
        ))
        .map_err(|err| target.redact_error(err))
}

/// Publishes `outputs` to an open `target`.
async fn publish_to(
    root: &Root,
    outputs: &Outputs,
    target: &Target,
    options: &PublishOptions,
    grace: std::time::Duration,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Summary, PublishError> {
    let remote = list(target).await?;
    let mut manifest = Manifest::load(root.path(), &target.manifest_name);
    let plan = plan::plan(
        root,
        target,
        &remote,
        outputs,
        &manifest,
        grace,
        chrono::Utc::now(),
    )?;
    let mut summary = Summary {
        destination: target.shown.clone(),
        ..Summary::default()
    };
    if !options.dry_run {
        for stage in [Stage::Media, Stage::Pages, Stage::Feeds] {
            let outcome = upload_stage(
                root,
                target,
                &plan,
                stage,
                options.jobs.get(),
                &mut manifest,
                report,
            )
            .await;
            manifest
                .save()
                .map_err(|err| PublishError::Manifest(err.to_string()))?;
            outcome?;
        }
        if options.prune {
            summary.deleted = prune(target, &plan, report).await?;
        }
    }
    summary.plan = plan;
    Ok(summary)
}

/// Every object under the destination's prefix, by archive-relative path. The first request:
/// a wrong destination or credential fails here, before anything is uploaded.
async fn list(target: &Target) -> Result<HashMap<PathBuf, ObjectMeta>, PublishError> {
    let prefix = (!target.prefix.as_ref().is_empty()).then_some(&target.prefix);
    let objects: Vec<ObjectMeta> =
        target
            .store
            .list(prefix)
            .try_collect()
            .await
            .map_err(|err| PublishError::List {
                destination: target.shown.clone(),
                reason: err.to_string(),
            })?;
    Ok(objects
        .into_iter()
        .filter_map(|meta| Some((target.relative(&meta.location)?, meta)))
        .collect())
}

async fn upload_stage(
    root: &Root,
    target: &Target,
    plan: &Plan,
    stage: Stage,
    jobs: usize,
    manifest: &mut Manifest,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Result<(), PublishError> {
    let items = plan
        .items
        .iter()
        .filter(|item| item.stage == stage && item.upload);
    let mut uploads = futures_util::stream::iter(items.map(|item| async move {
        let key = target.key(&item.path);
        let result = upload::upload(target, &key, root, &item.path, item.size).await;
        (item, key, result)
    }))
    .buffer_unordered(jobs);
    let mut first_error = None;
    while let Some((item, key, result)) = uploads.next().await {
        match result {
            Ok(put) => {
                report(Event::Uploaded {
                    path: &item.path,
                    size: item.size,
                });
                if let Some(sha256) = &item.sha256 {
                    let uploaded = Uploaded {
                        size: item.size,
                        sha256: sha256.clone(),
                        e_tag: put.e_tag,
                    };
                    manifest.objects.insert(key.to_string(), uploaded);
                }
            }
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    match first_error {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

async fn prune(
    target: &Target,
    plan: &Plan,
    report: &(dyn Fn(Event<'_>) + Sync),
) -> Result<Vec<(String, u64)>, PublishError> {
    let mut deleted = Vec::new();
    for unreferenced in plan.unreferenced.iter().filter(|u| u.expired) {
        let key = &unreferenced.meta.location;
        target
            .store
            .delete(key)
            .await
            .map_err(|err| PublishError::Store {
                key: key.to_string(),
                reason: format!("delete failed: {err}"),
            })?;
        report(Event::Deleted {
            key: key.as_ref(),
            size: unreferenced.meta.size,
        });
        deleted.push((key.to_string(), unreferenced.meta.size));
    }
    Ok(deleted)
}
