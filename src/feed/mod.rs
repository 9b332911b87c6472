//! Writing RSS 2.0 from the catalog and the sync state: one document per catalog feed (two
//! with `limit`) and one per speaker ([`document`]), written with our own small XML writer
//! ([`xml`]) on quick-xml's escaping.
//!
//! Rendering is pure: the output depends only on its inputs (no "now", items in a fixed order,
//! maps sorted), and nothing is written here; the build writes what is rendered.

mod channel;
mod describe;
pub mod document;
mod item;
pub mod text;
mod xml;

use std::borrow::Cow;
use std::collections::HashMap;

pub use channel::{DESCRIPTION_LIMIT, PODCAST_NAMESPACE, podcast_guid};
pub use document::{Document, DocumentKind};

use crate::Error;
use crate::assets::Assets;
use crate::catalog::{Catalog, EpisodeId, FeedId};
use crate::state::Records;

/// Renders every document to XML, in order, spread over the cores. Local assets are published
/// on the way if `assets` says so; nothing else is written.
pub fn render_all(
    catalog: &Catalog,
    documents: &[&Document<'_>],
    assets: &Assets<'_>,
) -> Result<Vec<String>, Error> {
    let items = Items::render(catalog, documents, assets)?;
    crate::parallel::map(documents, |document| {
        items.assemble(catalog, document, assets)
    })
}

/// The `<item>` of every episode of some documents, each rendered once.
///
/// An episode is in several documents (its feed, the full archive, its speakers' feeds), and
/// its `<item>` is the same in each: it is written once, as a fragment, and every document is
/// assembled from its channel's head, its items' fragments and the closing tags. A build
/// renders the items first and then assembles and writes the documents a few at a time, so
/// that only a few whole documents are in memory at once.
pub struct Items<'a> {
    index: HashMap<(&'a FeedId, &'a EpisodeId), usize>,
    fragments: Vec<String>,
}

impl<'a> Items<'a> {
    /// Renders the items of `documents`, spread over the cores.
    pub fn render(
        catalog: &Catalog,
        documents: &[&Document<'a>],
        assets: &Assets<'_>,
    ) -> Result<Self, Error> {
        let mut index: HashMap<(&FeedId, &EpisodeId), usize> = HashMap::new();
        let mut unique = Vec::new();
        for entry in documents.iter().flat_map(|document| &document.entries) {
            index
                .entry((&entry.feed.id, &entry.episode.id))
                .or_insert_with(|| {
                    unique.push(*entry);
                    unique.len() - 1
                });
        }
        let fragments = crate::parallel::map(&unique, |entry| item::write(catalog, entry, assets))?;
        Ok(Self { index, fragments })
    }

    /// The XML of one of the documents the items were rendered for.
    pub fn assemble(
        &self,
        catalog: &Catalog,
        document: &Document<'a>,
        assets: &Assets<'_>,
    ) -> Result<String, Error> {
        Ok(self.pieces(catalog, document, assets)?.concat())
    }

    /// The XML of one of the documents the items were rendered for, in pieces: its head, its
    /// items and its tail. The document of a feed of 10,000 episodes is tens of megabytes;
    /// in pieces it is written without being put together in memory.
    pub fn pieces(
        &self,
        catalog: &Catalog,
        document: &Document<'a>,
        assets: &Assets<'_>,
    ) -> Result<text::Pieces<'_>, Error> {
        let head = channel::head(catalog, document, assets)?;
        let fragments = document.entries.iter().map(|entry| {
            let fragment = &self.fragments[self.index[&(&entry.feed.id, &entry.episode.id)]];
            Cow::Borrowed(fragment.as_str())
        });
        Ok(std::iter::once(Cow::Owned(head))
            .chain(fragments)
            .chain([Cow::Borrowed(channel::TAIL)])
            .collect())
    }
}

/// The documents of every feed and every speaker, with a warning if speaker feeds are off.
pub fn documents<'a>(
    catalog: &'a Catalog,
    records: &'a Records,
) -> (Vec<Document<'a>>, Vec<String>) {
    let mut documents: Vec<Document<'a>> = catalog
        .feeds
        .iter()
        .flat_map(|feed| document::feed_documents(feed, records))
        .collect();
    let mut warnings = Vec::new();
    match document::speaker_documents(catalog, records) {
        Ok(speakers) => documents.extend(speakers),
        Err(why) => warnings.push(format!("no speaker feeds: {why}")),
    }
    (documents, warnings)
}

/// `H:MM:SS` (or `M:SS`) for a number of seconds.
pub fn clock(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}
