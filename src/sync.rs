//! `archive sync` and `archive build`: pull what changed, probe it, publish it, write feeds.
//!
//! Each episode is pulled on its own; a failure is reported with its feed, episode and source
//! and does not stop the others. A failed episode keeps its previous record, so its previous
//! recording stays in the feed. Network and file I/O run on tokio; probing runs on the
//! blocking pool. Ctrl-C stops the pulls in flight (their partial downloads are kept for
//! the next sync to resume) and skips the build.

use std::fmt;
use std::num::NonZeroUsize;

use futures_util::StreamExt;

use crate::archive::Archive;
use crate::catalog::{Episode, EpisodeId, Feed, FeedId, Source};
use crate::confined::Root;
use crate::fetch::download::Downloader;
use crate::fetch::http::{Download, Request};
use crate::fetch::partial::Partial;
use crate::fetch::retry::Settings;
use crate::fetch::{FetchError, Pulled, local, recheck};
use crate::interrupt::{self, CancellationToken};
use crate::probe::{ProbeError, extension, probe_file};
use crate::progress::{EpisodeKey, Progress};
use crate::state::{Record, State, Validators};
use crate::{Error, build, media};

/// Checked options of `archive sync`.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Only this feed.
    pub feed: Option<FeedId>,
    /// Recordings pulled at once.
    pub jobs: NonZeroUsize,
    /// Leave remote sources alone.
    pub offline: bool,
    /// Timeouts, limits and retries of downloads.
    pub network: Settings,
    /// Let downloads reach internal addresses (`--allow-private`).
    pub allow_private: bool,
}

/// What happened to one episode's recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Pulled and published for the first time.
    New,
    /// The source changed: the new recording is published under a new name.
    Changed,
    /// Nothing to do: the source has not changed.
    Unchanged,
    /// A remote source that `--offline` left alone.
    Offline,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
            Change::Offline => "offline",
        })
    }
}

/// One episode that could not be synced.
#[derive(Debug, thiserror::Error)]
#[error("episode `{feed}/{episode}` (`{source_name}`): {cause}")]
pub struct EpisodeError {
    pub feed: FeedId,
    pub episode: EpisodeId,
    /// The URL or archive path of the recording.
    pub source_name: String,
    #[source]
    pub cause: Cause,
}

/// Why an episode failed.
#[derive(Debug, thiserror::Error)]
pub enum Cause {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Probe(#[from] ProbeError),
    #[error("{0:#}")]
    Store(#[from] Error),
}

/// The outcome of one episode, as reported while the sync runs.
#[derive(Debug)]
pub struct EpisodeReport {
    pub feed: FeedId,
    pub episode: EpisodeId,
    pub result: Result<Change, EpisodeError>,
    /// The record now published for the episode, if any.
    pub record: Option<Record>,
}

impl EpisodeReport {
    fn new(
        feed: &Feed,
        episode: &Episode,
        outcome: Result<(Change, Option<Record>), Cause>,
    ) -> Self {
        let (result, record) = match outcome {
            Ok((change, record)) => (Ok(change), record),
            Err(cause) => {
                let error = EpisodeError {
                    feed: feed.id.clone(),
                    episode: episode.id.clone(),
                    source_name: episode.audio.to_string(),
                    cause,
                };
                (Err(error), None)
            }
        };
        Self {
            feed: feed.id.clone(),
            episode: episode.id.clone(),
            result,
            record,
        }
    }
}

/// Everything a sync did.
#[derive(Debug, Default)]
pub struct Summary {
    pub episodes: Vec<EpisodeReport>,
    /// What the build afterwards did.
    pub build: build::Report,
    /// Ctrl-C stopped the sync before every episode was done; nothing was built.
    pub interrupted: bool,
}

impl Summary {
    /// How many episodes ended with `change`.
    pub fn count(&self, change: Change) -> usize {
        self.episodes
            .iter()
            .filter(|report| matches!(report.result, Ok(c) if c == change))
            .count()
    }

    /// The episodes that failed.
    pub fn failures(&self) -> impl Iterator<Item = &EpisodeError> {
        self.episodes
            .iter()
            .filter_map(|report| report.result.as_ref().err())
    }
}

/// Pulls every episode of the selected feeds, then builds. `report` is called as each episode
/// finishes.
pub fn sync(
    archive: &mut Archive,
    options: &SyncOptions,
    progress: &dyn Progress,
    mut report: impl FnMut(&EpisodeReport),
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let stop = CancellationToken::new();
    let published = {
        let feeds = archive.select(options.feed.as_ref())?;
        let records = archive.records();
        let context = Context {
            root: archive.root(),
            state: archive.state(),
            downloader: needs_network(&feeds, options)
                .then(|| Downloader::new(&archive.net(|_| {}), options.network.clone()))
                .transpose()?,
            progress,
            stop: &stop,
        };
        let mut published = Vec::new();
        archive.runtime()?.block_on(async {
            let jobs = feeds.iter().flat_map(|feed| {
                let (records, context) = (records.get(&feed.id), &context);
                feed.episodes.iter().map(move |episode| async move {
                    let existing = records.and_then(|records| records.get(&episode.id));
                    EpisodeReport::new(feed, episode, pull(context, feed, episode, existing).await)
                })
            });
            // After Ctrl-C no episode starts; those in flight stop and are left out.
            let jobs = jobs.take_while(|_| !stop.is_cancelled());
            let mut done = futures_util::stream::iter(jobs).buffer_unordered(options.jobs.get());
            let mut signals = std::pin::pin!(interrupt::interrupts());
            loop {
                let episode_report = tokio::select! {
                    next = done.next() => match next {
                        Some(episode_report) => episode_report,
                        None => break,
                    },
                    Some(count) = signals.next() => {
                        stop.cancel();
                        summary.interrupted = true;
                        // A second Ctrl-C does not wait for the pulls to stop.
                        if count > 1 { break; }
                        continue;
                    }
                };
                if episode_report
                    .result
                    .as_ref()
                    .is_err_and(interrupt::stopped)
                {
                    continue;
                }
                report(&episode_report);
                if let Some(record) = &episode_report.record {
                    let key = (episode_report.feed.clone(), episode_report.episode.clone());
                    published.push((key, record.clone()));
                }
                summary.episodes.push(episode_report);
            }
        });
        published
    };
    for ((feed, episode), record) in published {
        archive
            .records_mut()
            .entry(feed)
            .or_default()
            .insert(episode, record);
    }
    if !summary.interrupted {
        interrupt::exit_from_now_on(archive.runtime()?);
        summary.build = build::build(archive, options.feed.as_ref())?;
    }
    Ok(summary)
}

struct Context<'a> {
    root: &'a Root,
    state: &'a State,
    /// Set up only when some source is remote and the sync is not `--offline`.
    downloader: Option<Downloader>,
    progress: &'a dyn Progress,
    /// Cancelled by Ctrl-C.
    stop: &'a CancellationToken,
}

/// Pulls one episode's recording if it changed; returns the change and the new record.
async fn pull(
    context: &Context<'_>,
    feed: &Feed,
    episode: &Episode,
    existing: Option<&Record>,
) -> Result<(Change, Option<Record>), Cause> {
    let root = context.root;
    let source_name = episode.audio.to_string();
    // The existing record still describes this source, and its published file is intact.
    let intact = existing.filter(|record| media_intact(root, record));
    let current = intact.filter(|record| record.source == source_name);
    let (pulled, validators) = match &episode.audio {
        Source::Local(path) => {
            let validators = local::validators(root, path)?;
            if current.is_some_and(|record| record.validators == validators) {
                return Ok((Change::Unchanged, None));
            }
            let (root, path) = (root.clone(), path.clone());
            let dir = root.join(&media::feed_dir(&feed.id));
            let pulled = blocking(move || local::copy(&root, &path, &dir)).await??;
            (pulled, validators)
        }
        Source::Remote(url) => {
            let Some(downloader) = &context.downloader else {
                return Ok((Change::Offline, None));
            };
            let key = EpisodeKey {
                feed: feed.id.clone(),
                episode: episode.id.clone(),
            };
            let (recheck, now) = (feed.channel.recheck, recheck::now());
            if current.is_some_and(|r| recheck::still_fresh(&r.validators, recheck, now, &key)) {
                return Ok((Change::Unchanged, None));
            }
            let request = Request {
                url,
                known: current.map(|record| &record.validators),
                partial: &Partial::new(root.path(), &feed.id, &episode.id),
                key: &key,
                progress: context.progress,
                stop: context.stop,
            };
            match downloader.download(&request).await? {
                Download::NotModified => return Ok((Change::Unchanged, None)),
                Download::Fetched { pulled, validators } => (pulled, validators),
            }
        }
    };
    publish(context, feed, episode, existing, intact, pulled, validators).await
}

/// Checks and probes a pulled recording and publishes it under its content-hash name,
/// unless it is the recording already published.
async fn publish(
    context: &Context<'_>,
    feed: &Feed,
    episode: &Episode,
    existing: Option<&Record>,
    intact: Option<&Record>,
    pulled: Pulled,
    validators: Validators,
) -> Result<(Change, Option<Record>), Cause> {
    let source = episode.audio.to_string();
    if let Some(expected) = episode
        .sha256
        .as_ref()
        .filter(|&expected| *expected != pulled.sha256)
    {
        let error = FetchError::ChecksumMismatch {
            expected: expected.clone(),
            actual: pulled.sha256.clone(),
        };
        pulled.discard();
        return Err(error.into());
    }
    if let Some(same) = intact.filter(|record| record.sha256 == pulled.sha256) {
        // Same bytes as published: remember the new validators, publish nothing.
        pulled.discard();
        let record = Record {
            source,
            validators,
            ..same.clone()
        };
        context.state.save(&feed.id, &episode.id, &record)?;
        return Ok((Change::Unchanged, Some(record)));
    }
    let path = pulled.path().to_owned();
    let probe = match blocking(move || probe_file(&path)).await? {
        Ok(probe) => probe,
        Err(err) => {
            pulled.discard();
            return Err(err.into());
        }
    };
    let relative = media::recording_path(
        &feed.id,
        &episode.id,
        &pulled.sha256,
        extension(probe.container, probe.codec),
    );
    let target = context.root.join(&relative);
    let (size, sha256) = (pulled.size, pulled.sha256.clone());
    if build::present(context.root, &relative, size) {
        // The same bytes were published before under this content-hash name.
        pulled.discard();
    } else {
        pulled.publish(&target)?;
    }
    let record = Record {
        source,
        validators,
        media: relative,
        size,
        sha256,
        probe,
    };
    context.state.save(&feed.id, &episode.id, &record)?;
    let change = if existing.is_some() {
        Change::Changed
    } else {
        Change::New
    };
    Ok((change, Some(record)))
}

fn needs_network(feeds: &[&Feed], options: &SyncOptions) -> bool {
    !options.offline
        && feeds
            .iter()
            .flat_map(|feed| &feed.episodes)
            .any(|episode| matches!(episode.audio, Source::Remote(_)))
}

/// Whether the record's published file is in place, with its size (a symlink planted there
/// is not).
fn media_intact(root: &Root, record: &Record) -> bool {
    build::present(root, &record.media, record.size)
}

/// Runs blocking work (file copies, probing) on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Cause> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| Cause::Probe(ProbeError::Panicked(err.to_string())))
}
