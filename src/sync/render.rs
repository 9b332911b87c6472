//! The rendition step of a sync: once an episode's recording is pulled (or found current), its
//! feed rendition is made if it is missing or out of date ([`crate::rendition`]).
//!
//! A rendition is keyed by the source's SHA-256 and the feed's settings, so it is made again
//! exactly when either changes. Renditions are CPU work: at most one per core runs at a time,
//! on the blocking pool, while other episodes keep downloading. The file is rendered beside
//! its final place and renamed to its content-hash name (durable with the sync's commit); a
//! killed sync leaves only a temp file, which the next run sweeps. A rendition that fails (a
//! source that does not decode to its end) fails the episode, and its previous record, with
//! its previous rendition, stays published.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::{Cause, Context, blocking};
use crate::catalog::{Catalog, Episode, Feed, Source};
use crate::commit::Commit;
use crate::confined::Root;
use crate::progress::EpisodeKey;
use crate::rendition::{self, RenditionTags, Settings, TagArtwork, rendition_key};
use crate::state::{Record, RenditionFile};
use crate::{atomic, build, media};

/// How often the progress of a rendition is shown.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Renditions made at once: one per core.
pub fn slots() -> Arc<Semaphore> {
    let cores = crate::parallel::cores();
    Arc::new(Semaphore::new(cores))
}

/// Whether `record` has the rendition the feed wants for `episode`: none when renditions are
/// off (for the feed, or this episode), else one made from this source with these settings
/// whose file is in place.
pub fn current(root: &Root, feed: &Feed, episode: &Episode, record: &Record) -> bool {
    let settings = &feed.channel.rendition;
    if !(settings.enabled() && episode.rendition) {
        return record.rendition.is_none();
    }
    record.rendition.as_ref().is_some_and(|file| {
        file.key == rendition_key(&record.sha256, settings)
            && build::present(root, &file.media, file.made.size)
    })
}

/// Gives `record` the rendition the feed wants: drops it when renditions are off, else makes
/// it.
pub async fn update(
    context: &Context<'_>,
    feed: &Feed,
    episode: &Episode,
    record: &mut Record,
) -> Result<(), Cause> {
    let settings = feed.channel.rendition.clone();
    if !(settings.enabled() && episode.rendition) {
        record.rendition = None;
        return Ok(());
    }
    let _slot = context
        .render_slots
        .acquire()
        .await
        .map_err(|err| Cause::Store(crate::Error::Runtime(std::io::Error::other(err))))?;
    let job = Job {
        root: context.root.clone(),
        commit: Arc::clone(&context.commit),
        key: EpisodeKey {
            feed: feed.id.clone(),
            episode: episode.id.clone(),
        },
        source: record.media.clone(),
        sha256: record.sha256.clone(),
        tags: tags(context.catalog, feed, episode),
        artwork: feed.channel.image.clone(),
        settings,
        done: Arc::new(AtomicU64::new(0)),
        total: Arc::new(AtomicU64::new(0)),
    };
    let (done, total, key) = (
        Arc::clone(&job.done),
        Arc::clone(&job.total),
        job.key.clone(),
    );
    let mut work = std::pin::pin!(blocking(move || job.run()));
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    let made = loop {
        tokio::select! {
            result = &mut work => break result??,
            _ = tick.tick() => context.progress.rendering(
                &key,
                done.load(Ordering::Relaxed),
                total.load(Ordering::Relaxed),
            ),
        }
    };
    record.rendition = Some(made);
    Ok(())
}

/// What a rendition's ID3 tag says: title, speakers, event, date, the excerpt.
fn tags(catalog: &Catalog, feed: &Feed, episode: &Episode) -> RenditionTags {
    let speakers = episode
        .credits
        .iter()
        .filter_map(|credit| catalog.speakers.get(&credit.speaker))
        .map(|speaker| speaker.name.clone())
        .collect();
    let event = episode.event.as_ref().and_then(|id| feed.event(id));
    RenditionTags {
        title: episode.title.clone(),
        speakers,
        event: event.map(|event| event.title.clone()),
        date: Some(episode.published.date_naive()),
        artwork: None,
        comment: Some(episode.excerpt.trim().to_owned()),
    }
}

/// One rendition, made on a blocking thread.
struct Job {
    root: Root,
    commit: Arc<Commit>,
    key: EpisodeKey,
    source: crate::confined::ArchivePath,
    sha256: String,
    tags: RenditionTags,
    /// The feed's artwork, for the tag (a local file only: sync reads no other URLs).
    artwork: Option<Source>,
    settings: Settings,
    done: Arc<AtomicU64>,
    total: Arc<AtomicU64>,
}

impl Job {
    fn run(mut self) -> Result<RenditionFile, Cause> {
        // An ID3 front cover is a PNG or a JPEG; other artwork is left out of the tag.
        if let Some(Source::Local(image)) = &self.artwork
            && let Ok(data) = self.root.read(image, rendition::MAX_ARTWORK_BYTES as u64)
            && let Some(media_type @ ("image/png" | "image/jpeg")) =
                crate::probe::sniff_image_type(&data)
        {
            self.tags.artwork = Some(TagArtwork {
                media_type: media_type.to_owned(),
                data,
            });
        }
        let dir = media::feed_dir(&self.key.feed);
        let temp = self.root.join(&dir).join(format!(
            "{}rendition-{}.{}",
            atomic::TEMP_PREFIX,
            self.key.episode,
            self.settings.format().extension()
        ));
        let (done, total) = (&self.done, &self.total);
        let progress = |frames: u64, of: u64| {
            done.store(frames, Ordering::Relaxed);
            total.store(of, Ordering::Relaxed);
        };
        let source = self
            .root
            .resolve(&self.source)
            .map_err(crate::Error::from)?;
        let made = rendition::render(&source, &temp, &self.settings, &self.tags, &progress)
            .map_err(Cause::Rendition)?;
        let extension = self.settings.format().extension();
        let media =
            media::recording_path(&self.key.feed, &self.key.episode, &made.sha256, extension);
        if build::present(&self.root, &media, made.size) {
            let _ = std::fs::remove_file(&temp);
            self.commit.adopt(&self.root.join(&media), made.size);
        } else {
            self.commit
                .publish(&temp, &self.root.join(&media), made.size)?;
        }
        Ok(RenditionFile {
            key: rendition_key(&self.sha256, &self.settings),
            media,
            mime_type: self.settings.format().mime_type().to_owned(),
            made,
        })
    }
}
