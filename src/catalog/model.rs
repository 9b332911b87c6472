//! The checked catalog: what the rest of the program works with.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use url::Url;

use crate::confined::ArchivePath;

use super::id::{EpisodeId, EventId, FeedId, SpeakerId};

/// Every feed and the speaker registry of one archive.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// The speaker registry, by id.
    pub speakers: BTreeMap<SpeakerId, Speaker>,
    /// Settings of the per-speaker feeds.
    pub speaker_feeds: SpeakerFeeds,
    /// The feeds, ordered by id.
    pub feeds: Vec<Feed>,
}

impl Catalog {
    /// The feed with this id.
    pub fn feed(&self, id: &FeedId) -> Option<&Feed> {
        self.feeds.iter().find(|feed| &feed.id == id)
    }
}

/// One speaker of `feeds/speakers.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    pub id: SpeakerId,
    pub name: String,
    pub title: Option<String>,
    pub bio: Option<String>,
    pub image: Option<Source>,
    pub href: Option<Url>,
    /// Podcasting 2.0 role, canonical lowercase.
    pub role: &'static str,
    /// Podcasting 2.0 group, canonical lowercase.
    pub group: &'static str,
    /// Other spellings of the name.
    pub aliases: Vec<String>,
    /// Whether the speaker gets a feed of their own.
    pub feed: bool,
    /// Line of `[speakers.<id>]` in `feeds/speakers.toml`.
    pub line: usize,
}

/// `[speaker_feeds]` of `feeds/speakers.toml`.
#[derive(Debug, Clone)]
pub struct SpeakerFeeds {
    pub enabled: bool,
    /// Where they are published; by default the public URL all feeds share.
    pub public_url: Option<Url>,
}

impl Default for SpeakerFeeds {
    fn default() -> Self {
        Self {
            enabled: true,
            public_url: None,
        }
    }
}

/// One `feeds/<feed-id>.toml`.
#[derive(Debug, Clone)]
pub struct Feed {
    pub id: FeedId,
    /// The catalog file, relative to the archive root.
    pub file: PathBuf,
    pub channel: Channel,
    pub events: Vec<Event>,
    pub episodes: Vec<Episode>,
}

impl Feed {
    /// The event with this id.
    pub fn event(&self, id: &EventId) -> Option<&Event> {
        self.events.iter().find(|event| &event.id == id)
    }

    /// Where the generated RSS goes, relative to the archive root.
    pub fn xml_path(&self) -> ArchivePath {
        ArchivePath::parse(&format!("feeds/{}.xml", self.id)).expect("a feed id is a valid segment")
    }

    /// The public URL of the generated RSS.
    pub fn xml_url(&self) -> Url {
        self.channel
            .public_url
            .join(&format!("feeds/{}.xml", self.id))
            .expect("a feed id is a valid URL path segment")
    }
}

/// `[feed]`: channel metadata.
#[derive(Debug, Clone)]
pub struct Channel {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Where `feeds/` and `media/` are published; always ends with `/`.
    pub public_url: Url,
    pub author: Option<String>,
    pub owner: Option<Owner>,
    pub image: Option<Source>,
    pub categories: Vec<Category>,
    pub explicit: bool,
    pub link: Option<Url>,
    pub locked: bool,
    /// Channel-level `podcast:person`s.
    pub persons: Vec<Credit>,
    /// How many of the newest items `feeds/<id>.xml` carries; all go to `feeds/<id>.full.xml`.
    pub limit: Option<usize>,
    /// How the feed's enclosures are encoded (`[feed.rendition]`).
    pub rendition: crate::rendition::Settings,
    /// How long after its download a source without `ETag` or `Last-Modified` counts as
    /// unchanged (default 7 days).
    pub recheck: std::time::Duration,
    /// Line of `[feed]`.
    pub line: usize,
}

/// `itunes:owner`.
#[derive(Debug, Clone)]
pub struct Owner {
    pub name: String,
    pub email: String,
}

/// An Apple Podcasts category, with an optional subcategory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub sub: Option<String>,
    /// Line of the category in `categories`.
    pub line: usize,
}

/// `[[event]]`.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: EventId,
    pub title: String,
    pub date: DateTime<Utc>,
    pub link: Option<Url>,
    pub summary: Option<String>,
}

/// `[[episode]]`.
#[derive(Debug, Clone)]
pub struct Episode {
    pub id: EpisodeId,
    pub title: String,
    pub event: Option<EventId>,
    pub credits: Vec<Credit>,
    pub audio: Source,
    pub excerpt: String,
    pub note: Option<String>,
    pub published: DateTime<Utc>,
    pub guid: String,
    /// The SHA-256 the recording must have (lowercase hex), when the catalog pins it.
    pub sha256: Option<String>,
    pub transcript: Option<Transcript>,
    pub chapters: Option<Source>,
    pub image: Option<Source>,
    pub explicit: bool,
    pub season: Option<u32>,
    pub number: Option<u32>,
    /// `full`, `trailer` or `bonus`.
    pub episode_type: &'static str,
    pub soundbite: Option<Soundbite>,
    /// Whether the episode gets a rendition (`rendition = false` publishes the original).
    pub rendition: bool,
    /// Line of the `[[episode]]` table.
    pub line: usize,
}

/// A transcript and what kind it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transcript {
    pub source: Source,
    pub mime_type: &'static str,
    /// Whether it has timecodes, for `rel="captions"`.
    pub captions: bool,
}

/// `podcast:soundbite`: a highlight of the recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Soundbite {
    pub start: f64,
    pub duration: f64,
    pub title: Option<String>,
}

/// A speaker credited on an episode, with the role they have there.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Credit {
    pub speaker: SpeakerId,
    pub role: &'static str,
    pub group: &'static str,
}

/// Where a recording or another file comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// An http(s) URL.
    Remote(Url),
    /// A path inside the archive.
    Local(ArchivePath),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Remote(url) => write!(f, "{url}"),
            Source::Local(path) => write!(f, "{path}"),
        }
    }
}
