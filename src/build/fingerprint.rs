//! Fingerprints of what each output is made of, so that a build renders only the outputs
//! whose inputs changed.
//!
//! An item's fingerprint covers its episode, its event, the speakers it credits, its feed's
//! channel, its sync record and the hashes of the local files it names; a document's covers
//! its channel and its items' fingerprints in order; a page's the same for what it shows.
//! Every fingerprint includes the program's version.

use std::collections::HashMap;
use std::hash::Hash;

use sha2::{Digest, Sha256};

use crate::Error;
use crate::assets::Assets;
use crate::catalog::{Catalog, EpisodeId, FeedId, Source};
use crate::feed::document::{Entry, home_feed};
use crate::feed::{Document, DocumentKind};
use crate::outputs::VERSION;
use crate::site::{self, Page};

/// A `Hasher` that feeds SHA-256.
pub struct Fingerprint(Sha256);

impl Fingerprint {
    pub fn new(what: &str) -> Self {
        let mut hasher = Self(Sha256::new());
        (VERSION, what).hash(&mut hasher);
        hasher
    }

    pub fn add(&mut self, value: &impl Hash) -> &mut Self {
        value.hash(self);
        self
    }

    pub fn finish_hex(self) -> String {
        hex::encode(self.0.finalize())
    }
}

impl std::hash::Hasher for Fingerprint {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// Only [`Fingerprint::finish_hex`] is used.
    fn finish(&self) -> u64 {
        0
    }
}

/// The fingerprint of each synced episode, by feed and episode.
pub type Items<'a> = HashMap<(&'a FeedId, &'a EpisodeId), String>;

/// The fingerprints of the items of `documents`.
pub fn items<'a>(
    catalog: &Catalog,
    documents: &[Document<'a>],
    assets: &Assets<'_>,
) -> Result<Items<'a>, Error> {
    let mut unique: HashMap<(&FeedId, &EpisodeId), Entry<'a>> = HashMap::new();
    for entry in documents.iter().flat_map(|document| &document.entries) {
        unique
            .entry((&entry.feed.id, &entry.episode.id))
            .or_insert(*entry);
    }
    let entries: Vec<_> = unique.into_iter().collect();
    let prints = crate::parallel::map(&entries, |(_, entry)| item(catalog, entry, assets))?;
    Ok(entries
        .into_iter()
        .map(|(key, _)| key)
        .zip(prints)
        .collect())
}

fn item(catalog: &Catalog, entry: &Entry<'_>, assets: &Assets<'_>) -> Result<String, Error> {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let mut print = Fingerprint::new("item");
    print.add(&feed.id).add(&feed.channel).add(episode);
    print.add(&episode.event.as_ref().and_then(|id| feed.event(id)));
    print.add(&serde_json::to_vec(record).unwrap_or_default());
    for credit in &episode.credits {
        let speaker = catalog.speakers.get(&credit.speaker);
        print.add(&speaker);
        hash_source(&mut print, speaker.and_then(|s| s.image.as_ref()), assets)?;
    }
    let transcript = episode.transcript.as_ref().map(|t| &t.source);
    let image = feed.channel.image.as_ref();
    for source in [
        image,
        episode.image.as_ref(),
        episode.chapters.as_ref(),
        transcript,
    ] {
        hash_source(&mut print, source, assets)?;
    }
    Ok(print.finish_hex())
}

/// Adds the content hash of a local source (a URL is part of the catalog already).
fn hash_source(
    print: &mut Fingerprint,
    source: Option<&Source>,
    assets: &Assets<'_>,
) -> Result<(), Error> {
    if let Some(Source::Local(path)) = source {
        print.add(&assets.hash(path)?.sha256);
    }
    Ok(())
}

/// The fingerprint of a feed document.
pub fn document(
    catalog: &Catalog,
    document: &Document<'_>,
    items: &Items<'_>,
    assets: &Assets<'_>,
) -> Result<String, Error> {
    let mut print = Fingerprint::new("document");
    let info = &document.channel;
    print.add(&document.path).add(&document.url.as_str());
    print
        .add(&document.guid_url.as_str())
        .add(&kind(&document.kind));
    print
        .add(&info.title)
        .add(&info.description)
        .add(&info.language);
    print.add(&info.link).add(&info.author).add(&info.owner);
    print
        .add(&info.categories)
        .add(&info.explicit)
        .add(&info.locked);
    print.add(&info.persons).add(&info.place);
    hash_source(&mut print, info.image, assets)?;
    for credit in &info.persons {
        let speaker = catalog.speakers.get(&credit.speaker);
        print.add(&speaker);
        hash_source(&mut print, speaker.and_then(|s| s.image.as_ref()), assets)?;
    }
    for entry in &document.entries {
        print.add(&items[&(&entry.feed.id, &entry.episode.id)]);
    }
    print.add(&document.missing);
    Ok(print.finish_hex())
}

fn kind(kind: &DocumentKind) -> String {
    match kind {
        DocumentKind::Feed { id, full } => format!("feed {id} {full}"),
        DocumentKind::Speaker(id) => format!("speaker {id}"),
    }
}

/// The fingerprint of a page.
/// `search` is the fingerprint every file of the search index shares ([`search`]), `links`
/// that of what every page links ([`links`]).
pub fn page(
    catalog: &Catalog,
    lists: &site::Lists<'_>,
    documents: &[Document<'_>],
    page: &Page<'_>,
    items: &Items<'_>,
    assets: &Assets<'_>,
    (search, links): (&str, &str),
) -> Result<String, Error> {
    let mut print = Fingerprint::new("page");
    print.add(&page.path()).add(&links);
    let entries = match page {
        Page::Index => {
            for feed in &catalog.feeds {
                print.add(&feed.channel);
                let synced = full(documents, &feed.id);
                print.add(&synced.iter().map(|e| &e.episode.id).collect::<Vec<_>>());
            }
            print.add(&catalog.speakers.values().collect::<Vec<_>>());
            Vec::new()
        }
        Page::Feed(feed) => {
            print.add(&feed.channel).add(&feed.events);
            hash_source(&mut print, feed.channel.image.as_ref(), assets)?;
            full(documents, &feed.id)
        }
        Page::Speaker(speaker) => {
            print.add(speaker);
            print.add(&home_feed(catalog, speaker).map(|feed| &feed.channel));
            hash_source(&mut print, speaker.image.as_ref(), assets)?;
            lists.speaker(speaker).to_vec()
        }
        // An item's fingerprint covers its feed's channel, event, speakers and files.
        Page::Speech(entry) | Page::Passages(entry) => vec![*entry],
        Page::Event(feed, event) => {
            print.add(&feed.channel).add(*event);
            lists.event(feed, event).to_vec()
        }
        Page::Script => {
            print.add(&crate::search::SCRIPT);
            Vec::new()
        }
        Page::SearchIndex | Page::SearchTerms(_) => {
            print.add(&search);
            Vec::new()
        }
    };
    for entry in &entries {
        print.add(&items[&(&entry.feed.id, &entry.episode.id)]);
    }
    Ok(print.finish_hex())
}

/// What every page links: the feeds and the speakers ([`page`] takes it, made once).
pub fn links(documents: &[Document<'_>]) -> String {
    let mut print = Fingerprint::new("links");
    for document in documents {
        print.add(&document.url.as_str()).add(&kind(&document.kind));
    }
    print.finish_hex()
}

/// What the search index is made of: every synced speech of every feed.
pub fn search(catalog: &Catalog, documents: &[Document<'_>], items: &Items<'_>) -> String {
    let mut print = Fingerprint::new("search");
    for feed in &catalog.feeds {
        for entry in site::full_entries(documents, feed) {
            print.add(&items[&(&entry.feed.id, &entry.episode.id)]);
        }
    }
    print.finish_hex()
}

fn full<'a>(documents: &[Document<'a>], feed: &FeedId) -> Vec<Entry<'a>> {
    documents
        .iter()
        .find(|document| {
            document.kind
                == DocumentKind::Feed {
                    id: feed.clone(),
                    full: true,
                }
        })
        .map(|document| document.entries.clone())
        .unwrap_or_default()
}
