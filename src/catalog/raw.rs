//! The catalog files exactly as written: serde structs that reject unknown keys.
//!
//! Values that need checks beyond their TOML type keep their span, so that the checks in
//! `feed_file`, `episode` and `speakers` can point at them. The files themselves
//! ([`FeedFile`], [`SpeakersFile`]) are put together table by table in `schema`, so that
//! one bad table does not hide the problems of the others.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

/// A table of a catalog file: a serde struct, and the keys it cannot do without.
pub trait Table: serde::de::DeserializeOwned {
    /// The keys without a default, in the order the struct declares them.
    const REQUIRED: &'static [&'static str];
}

/// `feeds/<feed-id>.toml`: the tables that are free of problems.
#[derive(Debug, Default)]
pub struct FeedFile {
    /// `[feed]`, unless it is missing or has a problem.
    pub feed: Option<Spanned<FeedTable>>,
    pub event: Vec<Spanned<EventTable>>,
    pub episode: Vec<Spanned<EpisodeTable>>,
    /// The `id` of every `[[event]]` written, also of those with problems: episodes that
    /// name one of those are not told that the event does not exist.
    pub event_ids: Vec<String>,
}

/// `[feed]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedTable {
    pub title: Spanned<String>,
    pub description: Spanned<String>,
    pub language: Spanned<String>,
    pub public_url: Spanned<String>,
    pub author: Option<String>,
    pub owner: Option<Spanned<Owner>>,
    pub image: Option<Spanned<String>>,
    #[serde(default)]
    pub categories: Vec<Spanned<String>>,
    #[serde(default)]
    pub explicit: bool,
    pub link: Option<Spanned<String>>,
    #[serde(default)]
    pub locked: bool,
    /// Channel-level `podcast:person`s.
    #[serde(default)]
    pub persons: Vec<Spanned<SpeakerRef>>,
    /// The newest items the feed carries; the full archive goes to a second file.
    pub limit: Option<Spanned<u32>>,
    /// `[feed.rendition]`: how the feed's enclosures are encoded.
    pub rendition: Option<Spanned<crate::rendition::RawSettings>>,
    /// How long a source without `ETag` or `Last-Modified` counts as unchanged (`"7d"`).
    pub recheck: Option<Spanned<String>>,
}

impl Table for FeedTable {
    const REQUIRED: &'static [&'static str] = &["title", "description", "language", "public_url"];
}

/// `owner = { name = "…", email = "…" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub name: String,
    pub email: Spanned<String>,
}

/// `[[event]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTable {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub date: Spanned<DateValue>,
    pub link: Option<Spanned<String>>,
    pub summary: Option<String>,
}

impl Table for EventTable {
    const REQUIRED: &'static [&'static str] = &["id", "title", "date"];
}

/// `[[episode]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeTable {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub event: Option<Spanned<String>>,
    pub speakers: Spanned<Vec<Spanned<SpeakerRef>>>,
    pub audio: Spanned<String>,
    pub excerpt: Spanned<String>,
    pub note: Option<String>,
    pub published: Option<Spanned<DateValue>>,
    pub guid: Option<Spanned<String>>,
    pub sha256: Option<Spanned<String>>,
    pub transcript: Option<Spanned<String>>,
    pub chapters: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub explicit: Option<bool>,
    pub season: Option<Spanned<u32>>,
    pub number: Option<Spanned<u32>>,
    pub episode_type: Option<Spanned<String>>,
    pub soundbite: Option<Spanned<Soundbite>>,
    /// `rendition = false`: publish the recording as it is (music, say).
    pub rendition: Option<bool>,
}

impl Table for EpisodeTable {
    const REQUIRED: &'static [&'static str] = &["id", "title", "speakers", "audio", "excerpt"];
}

/// A date field as written: a TOML date, or a string that should have been one (reported
/// with what to do about it).
#[derive(Debug)]
pub enum DateValue {
    Date(Datetime),
    Quoted(String),
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DateValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a TOML date such as 2020-11-10")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DateValue, E> {
                Ok(DateValue::Quoted(text.to_owned()))
            }
            // toml hands a date over as a map with one private key.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<DateValue, A::Error> {
                let map = serde::de::value::MapAccessDeserializer::new(map);
                Datetime::deserialize(map).map(DateValue::Date)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `soundbite = { start = 12.5, duration = 30.0, title = "…" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Soundbite {
    pub start: f64,
    pub duration: f64,
    pub title: Option<String>,
}

/// An entry of an episode's `speakers`: an id, or `{ id = "…", role = "…" }`.
#[derive(Debug)]
pub enum SpeakerRef {
    Id(String),
    Credit(Credit),
}

impl<'de> Deserialize<'de> for SpeakerRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SpeakerRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a speaker id or a table `{ id = \"…\", role = \"…\" }`")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<SpeakerRef, E> {
                Ok(SpeakerRef::Id(id.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SpeakerRef, A::Error> {
                let credit =
                    Credit::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(SpeakerRef::Credit(credit))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `{ id = "…", role = "…", group = "…" }` in an episode's `speakers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    pub id: String,
    pub role: Option<Spanned<String>>,
    pub group: Option<Spanned<String>>,
}

/// `feeds/speakers.toml`: the tables that are free of problems.
#[derive(Debug, Default)]
pub struct SpeakersFile {
    /// Each speaker's id as written, and its table.
    pub speakers: Vec<(Spanned<String>, Spanned<SpeakerTable>)>,
    pub speaker_feeds: Option<Spanned<SpeakerFeedsTable>>,
    /// The ids of the speakers with problems, or `None` when the file is so broken that
    /// which speakers it has is unknown.
    pub broken: Option<BTreeSet<String>>,
}

/// `[speaker_feeds]`: the per-speaker feeds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerFeedsTable {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub public_url: Option<Spanned<String>>,
}

impl Table for SpeakerFeedsTable {
    const REQUIRED: &'static [&'static str] = &[];
}

fn yes() -> bool {
    true
}

/// `[speakers.<id>]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpeakerTable {
    pub name: Spanned<String>,
    pub title: Option<String>,
    pub bio: Option<String>,
    pub image: Option<Spanned<String>>,
    pub href: Option<Spanned<String>>,
    pub role: Option<Spanned<String>>,
    pub group: Option<Spanned<String>>,
    /// Other spellings of the name, for matching (`archive import`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Whether the speaker gets a feed of their own (default: yes).
    pub feed: Option<bool>,
}

impl Table for SpeakerTable {
    const REQUIRED: &'static [&'static str] = &["name"];
}
