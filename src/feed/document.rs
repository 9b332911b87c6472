//! Which feed documents an archive publishes, and what goes into each: one per catalog feed
//! (two with `limit`: the newest items, and the full archive), and one per speaker with every
//! speech of that speaker across all feeds, under the same GUIDs.

use std::collections::HashMap;

use url::Url;

use crate::assets::Place;
use crate::catalog::{
    Catalog, Category, Credit, Episode, EpisodeId, Feed, FeedId, Owner, Source, Speaker, SpeakerId,
};
use crate::confined::ArchivePath;
use crate::media;
use crate::state::{Record, Records};

/// What a document publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentKind {
    /// A catalog feed: all of it, or its newest `limit` items.
    Feed { id: FeedId, full: bool },
    /// Every speech of one speaker.
    Speaker(SpeakerId),
}

/// One RSS file to write.
pub struct Document<'a> {
    pub kind: DocumentKind,
    /// Relative to the archive root: `feeds/<id>.xml`, `feeds/<id>.full.xml`,
    /// `feeds/speakers/<speaker-id>.xml`.
    pub path: ArchivePath,
    /// Its public URL, for `atom:link rel="self"`.
    pub url: Url,
    /// The URL its `podcast:guid` derives from (the main feed's, for a full archive).
    pub guid_url: Url,
    pub channel: ChannelInfo<'a>,
    /// Items, newest first.
    pub entries: Vec<Entry<'a>>,
    /// Catalog episodes left out because they have no synced recording.
    pub missing: Vec<EpisodeId>,
}

/// Channel metadata of a document.
pub struct ChannelInfo<'a> {
    pub title: String,
    pub description: String,
    pub language: &'a str,
    pub link: String,
    pub author: Option<String>,
    pub owner: Option<&'a Owner>,
    pub image: Option<&'a Source>,
    pub categories: &'a [Category],
    pub explicit: bool,
    pub locked: bool,
    pub persons: Vec<Credit>,
    /// Where the channel's own local files (its image) are published.
    pub place: Place,
}

/// One item: an episode of a feed, as synced.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub feed: &'a Feed,
    pub episode: &'a Episode,
    pub record: &'a Record,
}

impl Entry<'_> {
    /// Where the item's local files are published: beside its feed's media.
    pub fn place(&self) -> Place {
        feed_place(self.feed)
    }
}

/// The place of a catalog feed's files.
pub fn feed_place(feed: &Feed) -> Place {
    Place {
        dir: media::feed_dir(&feed.id),
        base: feed.channel.public_url.clone(),
    }
}

/// The documents of the given catalog feeds.
pub fn feed_documents<'a>(feed: &'a Feed, records: &'a Records) -> Vec<Document<'a>> {
    let records = records.get(&feed.id);
    let mut entries = Vec::new();
    let mut missing = Vec::new();
    for episode in newest_first(feed.episodes.iter()) {
        match records.and_then(|records| records.get(&episode.id)) {
            Some(record) => entries.push(Entry {
                feed,
                episode,
                record,
            }),
            None => missing.push(episode.id.clone()),
        }
    }
    let meta = &feed.channel;
    let url = feed.xml_url();
    let channel = || ChannelInfo {
        title: meta.title.clone(),
        description: meta.description.clone(),
        language: &meta.language,
        link: meta.link.as_ref().unwrap_or(&meta.public_url).to_string(),
        author: meta.author.clone(),
        owner: meta.owner.as_ref(),
        image: meta.image.as_ref(),
        categories: &meta.categories,
        explicit: meta.explicit,
        locked: meta.locked,
        persons: meta.persons.clone(),
        place: feed_place(feed),
    };
    let Some(limit) = meta.limit.filter(|&limit| limit < entries.len()) else {
        return vec![Document {
            kind: DocumentKind::Feed {
                id: feed.id.clone(),
                full: true,
            },
            path: feed.xml_path(),
            guid_url: url.clone(),
            url,
            channel: channel(),
            entries,
            missing,
        }];
    };
    let full_path = output_path(&format!("feeds/{}.full.xml", feed.id));
    let full = Document {
        kind: DocumentKind::Feed {
            id: feed.id.clone(),
            full: true,
        },
        url: media::public_url(&meta.public_url, &full_path),
        path: full_path,
        guid_url: url.clone(),
        channel: channel(),
        entries: entries.clone(),
        missing: Vec::new(),
    };
    entries.truncate(limit);
    let newest = Document {
        kind: DocumentKind::Feed {
            id: feed.id.clone(),
            full: false,
        },
        path: feed.xml_path(),
        guid_url: url.clone(),
        url,
        channel: channel(),
        entries,
        missing,
    };
    vec![newest, full]
}

/// One document per speaker who has a feed of their own, or a reason why there are none.
pub fn speaker_documents<'a>(
    catalog: &'a Catalog,
    records: &'a Records,
) -> Result<Vec<Document<'a>>, String> {
    if !catalog.speaker_feeds.enabled || catalog.feeds.is_empty() {
        return Ok(Vec::new());
    }
    let base = match &catalog.speaker_feeds.public_url {
        Some(url) => url.clone(),
        None => common_public_url(catalog).ok_or(
            "the feeds have different `public_url`s, so the speaker feeds have none: set `public_url` in `[speaker_feeds]` of `feeds/speakers.toml`",
        )?,
    };
    let mut by_speaker = by_speaker(catalog, records);
    Ok(catalog
        .speakers
        .values()
        .filter(|speaker| speaker.feed)
        .filter_map(|speaker| {
            let entries = by_speaker.remove(&speaker.id).unwrap_or_default();
            speaker_document(catalog, speaker, entries, &base)
        })
        .collect())
}

fn speaker_document<'a>(
    catalog: &'a Catalog,
    speaker: &'a Speaker,
    entries: Vec<Entry<'a>>,
    base: &Url,
) -> Option<Document<'a>> {
    let home = home_feed(catalog, speaker)?;
    let path = output_path(&format!("feeds/speakers/{}.xml", speaker.id));
    let url = media::public_url(base, &path);
    let meta = &home.channel;
    let who = match &speaker.title {
        Some(title) => format!("{}, {title}", speaker.name),
        None => speaker.name.clone(),
    };
    let channel = ChannelInfo {
        title: format!("Speeches by {}", speaker.name),
        description: speaker
            .bio
            .clone()
            .unwrap_or_else(|| format!("Every speech by {who} in the archive.")),
        language: &meta.language,
        link: speaker
            .href
            .as_ref()
            .or(meta.link.as_ref())
            .unwrap_or(base)
            .to_string(),
        author: Some(speaker.name.clone()),
        owner: meta.owner.as_ref(),
        image: speaker.image.as_ref().or(meta.image.as_ref()),
        categories: &meta.categories,
        explicit: meta.explicit,
        locked: meta.locked,
        persons: vec![Credit {
            speaker: speaker.id.clone(),
            role: speaker.role,
            group: speaker.group,
        }],
        place: Place {
            dir: media::speakers_dir(),
            base: base.clone(),
        },
    };
    Some(Document {
        kind: DocumentKind::Speaker(speaker.id.clone()),
        path,
        guid_url: url.clone(),
        url,
        channel,
        entries,
        missing: Vec::new(),
    })
}

/// The speaker's first feed (by id): it lends the speaker's feed its language, owner,
/// categories and artwork. `None` if no episode credits the speaker.
pub fn home_feed<'a>(catalog: &'a Catalog, speaker: &Speaker) -> Option<&'a Feed> {
    catalog.feeds.iter().find(|feed| {
        feed.episodes
            .iter()
            .any(|episode| episode.credits.iter().any(|c| c.speaker == speaker.id))
    })
}

/// The synced speeches of every credited speaker, newest first (on a tie, as the catalog
/// lists them), found in one pass over the catalog: what each speaker's feed and page list.
pub fn by_speaker<'a>(
    catalog: &'a Catalog,
    records: &'a Records,
) -> HashMap<&'a SpeakerId, Vec<Entry<'a>>> {
    let mut speakers: HashMap<&SpeakerId, Vec<Entry<'a>>> = HashMap::new();
    for feed in &catalog.feeds {
        let Some(feed_records) = records.get(&feed.id) else {
            continue;
        };
        for episode in &feed.episodes {
            let Some(record) = feed_records.get(&episode.id) else {
                continue;
            };
            let entry = Entry {
                feed,
                episode,
                record,
            };
            let mut credited: Vec<&SpeakerId> =
                episode.credits.iter().map(|c| &c.speaker).collect();
            credited.sort_unstable();
            credited.dedup();
            for speaker in credited {
                speakers.entry(speaker).or_default().push(entry);
            }
        }
    }
    for entries in speakers.values_mut() {
        entries.sort_by_key(|entry| std::cmp::Reverse(entry.episode.published));
    }
    speakers
}

/// The public URL every feed shares, if they share one.
fn common_public_url(catalog: &Catalog) -> Option<Url> {
    let first = &catalog.feeds.first()?.channel.public_url;
    catalog
        .feeds
        .iter()
        .all(|feed| &feed.channel.public_url == first)
        .then(|| first.clone())
}

/// Episodes newest first; the catalog order breaks ties.
fn newest_first<'a>(episodes: impl Iterator<Item = &'a Episode>) -> Vec<&'a Episode> {
    let mut sorted: Vec<_> = episodes.collect();
    sorted.sort_by_key(|episode| std::cmp::Reverse(episode.published));
    sorted
}

/// The path of a generated file, made of ids that are valid path segments.
pub fn output_path(text: &str) -> ArchivePath {
    ArchivePath::parse(text).expect("ids are valid path segments")
}
