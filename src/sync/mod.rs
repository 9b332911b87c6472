//! `archive sync` and `archive build`: pull what changed, probe it, publish it, write feeds.
//!
//! Each episode is pulled on its own; a failure is reported with its feed, episode and source
//! and does not stop the others. A failed episode keeps its previous record, so its previous
//! recording stays in the feed. Network and file I/O run on tokio; probing runs on the
//! blocking pool. Ctrl-C stops the pulls in flight (their partial downloads are kept for
//! the next sync to resume) and skips the build.

mod render;

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;

use futures_util::StreamExt;

use crate::archive::Archive;
use crate::catalog::{Catalog, Episode, EpisodeId, Feed, FeedId, Source};
use crate::commit::Commit;
use crate::confined::Root;
use crate::fetch::download::Downloader;
use crate::fetch::http::{Download, Request};
use crate::fetch::partial::{Partial, Partials};
use crate::fetch::retry::Settings;
use crate::fetch::{FetchError, Pulled, local, recheck};
use crate::interrupt::{self, CancellationToken};
use crate::probe::{ProbeError, extension};
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
    /// The source has not changed, but its rendition was made again (new settings, say).
    Rendered,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
            Change::Offline => "offline",
            Change::Rendered => "re-rendered",
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
    #[error(transparent)]
    Rendition(#[from] crate::rendition::RenditionError),
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
    let commit = Arc::new(Commit::new(archive.root().path()));
    let stop = CancellationToken::new();
    let published = {
        let feeds = archive.select(options.feed.as_ref())?;
        let records = archive.records();
        let context = Context {
            root: archive.root(),
            catalog: archive.catalog(),
            render_slots: render::slots(),
            pull_slots: tokio::sync::Semaphore::new(options.jobs.get()),
            state: archive.state(),
            commit: Arc::clone(&commit),
            downloader: needs_network(&feeds, options)
                .then(|| Downloader::new(&archive.net(|_| {}), options.network.clone()))
                .transpose()?,
            progress,
            stop: &stop,
        };
        let mut published = Vec::new();
        let partials: Vec<Partials> = feeds
            .iter()
            .map(|feed| Partials::list(archive.root().path(), &feed.id))
            .collect();
        archive.pull_runtime()?.block_on(async {
            let jobs = feeds.iter().zip(&partials).flat_map(|(feed, partials)| {
                let (records, context) = (records.get(&feed.id), &context);
                feed.episodes.iter().map(move |episode| async move {
                    let existing = records.and_then(|records| records.get(&episode.id));
                    let partial = partials.get(&episode.id);
                    let outcome = episode_job(context, feed, episode, existing, &partial).await;
                    EpisodeReport::new(feed, episode, outcome)
                })
            });
            // After Ctrl-C no episode starts; those in flight stop and are left out.
            let jobs = jobs.take_while(|_| !stop.is_cancelled());
            // `jobs` recordings are pulled at once (`pull_slots`); more episodes are in
            // flight, so that one whose recording is being made durable or encoded does
            // not hold back the next pull. `--jobs 1` takes the episodes one by one, in
            // order.
            let in_flight = match options.jobs.get() {
                1 => 1,
                jobs => jobs.saturating_mul(EPISODES_PER_PULL),
            };
            let mut done = futures_util::stream::iter(jobs).buffer_unordered(in_flight);
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
    // Everything this sync published is made durable before a feed names it.
    commit.finish()?;
    if !summary.interrupted {
        interrupt::exit_from_now_on(archive.runtime()?);
        summary.build = build::build(archive, options.feed.as_ref())?;
    }
    Ok(summary)
}

struct Context<'a> {
    root: &'a Root,
    catalog: &'a Catalog,
    /// One rendition at a time per core.
    render_slots: Arc<tokio::sync::Semaphore>,
    /// `--jobs` recordings pulled (downloaded or copied) at once.
    pull_slots: tokio::sync::Semaphore,
    state: &'a State,
    /// What this sync renamed and wrote, made durable before the build.
    commit: Arc<Commit>,
    /// Set up only when some source is remote and the sync is not `--offline`.
    downloader: Option<Downloader>,
    progress: &'a dyn Progress,
    /// Cancelled by Ctrl-C.
    stop: &'a CancellationToken,
}

/// Pulls one episode's recording if it changed, makes its rendition if it is missing or out
/// of date, and saves its record; returns the change and the new record, if there is one.
async fn episode_job(
    context: &Context<'_>,
    feed: &Feed,
    episode: &Episode,
    existing: Option<&Record>,
    partial: &Partial,
) -> Result<(Change, Option<Record>), Cause> {
    let (mut change, pulled) = pull(context, feed, episode, existing, partial).await?;
    let (mut record, mut dirty) = match pulled {
        Some(record) => (record, true),
        None => match existing.filter(|record| media_intact(context.root, record)) {
            Some(record) => (record.clone(), false),
            None => return Ok((change, None)),
        },
    };
    if !render::current(context.root, feed, episode, &record) {
        render::update(context, feed, episode, &mut record).await?;
        if matches!(change, Change::Unchanged | Change::Offline) {
            change = Change::Rendered;
        }
        dirty = true;
    }
    if !dirty {
        return Ok((change, None));
    }
    let store = Store {
        root: context.root.clone(),
        state: context.state.clone(),
        commit: Arc::clone(&context.commit),
        feed: feed.id.clone(),
        episode: episode.id.clone(),
    };
    let record = blocking(move || store.save(record)).await??;
    Ok((change, Some(record)))
}

/// Pulls one episode's recording if it changed; returns the change and the record to save.
async fn pull(
    context: &Context<'_>,
    feed: &Feed,
    episode: &Episode,
    existing: Option<&Record>,
    partial: &Partial,
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
            let _slot = pull_slot(context).await?;
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
                partial,
                key: &key,
                progress: context.progress,
                stop: context.stop,
            };
            let slot = pull_slot(context).await?;
            let download = downloader.download(&request).await?;
            drop(slot);
            match download {
                Download::NotModified => return Ok((Change::Unchanged, None)),
                Download::Fetched { pulled, validators } => (*pulled, validators),
            }
        }
    };
    publish(context, feed, episode, existing, intact, pulled, validators).await
}

/// Episodes in flight for each recording pulled at once: the others are being probed,
/// made durable or encoded.
const EPISODES_PER_PULL: usize = 4;

/// A pull slot, or [`FetchError::Interrupted`] once Ctrl-C stops the sync.
async fn pull_slot<'c>(
    context: &'c Context<'_>,
) -> Result<tokio::sync::SemaphorePermit<'c>, Cause> {
    tokio::select! {
        slot = context.pull_slots.acquire() => {
            slot.map_err(|err| FetchError::Network(err.to_string()).into())
        }
        () = context.stop.cancelled() => Err(FetchError::Interrupted.into()),
    }
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
    let store = Store {
        root: context.root.clone(),
        state: context.state.clone(),
        commit: Arc::clone(&context.commit),
        feed: feed.id.clone(),
        episode: episode.id.clone(),
    };
    if let Some(same) = intact.filter(|record| record.sha256 == pulled.sha256) {
        // Same bytes as published: remember the new validators, publish nothing.
        pulled.discard();
        let record = Record {
            source,
            validators,
            ..same.clone()
        };
        return Ok((Change::Unchanged, Some(record)));
    }
    let record = blocking(move || store.publish(pulled, source, validators)).await??;
    let change = if existing.is_some() {
        Change::Changed
    } else {
        Change::New
    };
    Ok((change, Some(record)))
}

/// Where a pulled recording and its record go: the blocking half of publishing.
struct Store {
    root: Root,
    state: State,
    commit: Arc<Commit>,
    feed: FeedId,
    episode: EpisodeId,
}

impl Store {
    /// Probes the recording and moves it to its content-hash name; returns its record, to be
    /// saved once its rendition is made.
    fn publish(
        self,
        pulled: Pulled,
        source: String,
        validators: Validators,
    ) -> Result<Record, Cause> {
        let mut pulled = pulled;
        let probe = match pulled.probe() {
            Ok(probe) => probe,
            Err(err) => {
                pulled.discard();
                return Err(err.into());
            }
        };
        let extension = extension(probe.container, probe.codec);
        let relative = media::recording_path(&self.feed, &self.episode, &pulled.sha256, extension);
        let (size, sha256) = (pulled.size, pulled.sha256.clone());
        if build::present(&self.root, &relative, size) {
            // The same bytes were published before under this content-hash name (maybe by a
            // run killed before its batch made them durable).
            pulled.discard();
            self.commit.adopt(&self.root.join(&relative), size);
        } else {
            pulled.publish(&self.root.join(&relative), &self.commit)?;
        }
        Ok(Record {
            source,
            validators,
            media: relative,
            size,
            sha256,
            probe,
            rendition: None,
        })
    }

    fn save(&self, record: Record) -> Result<Record, Cause> {
        self.state
            .save(&self.feed, &self.episode, &record, &self.commit)?;
        Ok(record)
    }
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
