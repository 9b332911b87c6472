//! Writing RSS 2.0 from the catalog and the sync state, with the `rss` crate: one document per
//! catalog feed (two with `limit`) and one per speaker ([`document`]).
//!
//! Rendering is pure: the output depends only on its inputs (no "now", items in a fixed order,
//! maps sorted), and nothing is written here; the build writes what is rendered.

mod channel;
pub mod document;
mod item;
mod namespace;
pub mod text;

use std::collections::HashMap;

pub use channel::{DESCRIPTION_LIMIT, podcast_guid};
pub use document::{Document, DocumentKind};

use crate::Error;
use crate::assets::Assets;
use crate::catalog::{Catalog, EpisodeId, FeedId};
use crate::confined::ArchivePath;
use crate::state::Records;

/// Renders every document to XML, in order, spread over the cores. Local assets are published
/// on the way if `assets` says so.
///
/// An episode is in several documents (its feed, the full archive, its speakers' feeds), and
/// its `<item>` is the same in each: it is built and written once, and every document is its
/// channel with those fragments spliced in. The `rss` crate writes an item only as part of a
/// channel, so each one is written in a bare channel and cut out; the result is byte for byte
/// what writing each document whole gives (the feed snapshots in the tests hold that).
pub fn render_all(
    catalog: &Catalog,
    documents: &[&Document<'_>],
    assets: &Assets<'_>,
) -> Result<Vec<String>, Error> {
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
    let items = crate::parallel::map(&unique, |entry| {
        let mut bare = rss::Channel::default();
        bare.set_items(vec![item::build(catalog, entry, assets)?]);
        let xml = write_channel(&bare, &entry.feed.xml_path())?;
        let start = xml.find(ITEM_START).unwrap_or(0);
        let end = xml
            .rfind(ITEM_END)
            .map_or(xml.len(), |at| at + ITEM_END.len());
        Ok::<_, Error>(xml[start..end].to_owned())
    })?;
    crate::parallel::map(documents, |document| {
        let channel = channel::build(catalog, document, assets)?;
        let head = write_channel(&channel, &document.path)?;
        let fragments: Vec<&str> = document
            .entries
            .iter()
            .map(|entry| items[index[&(&entry.feed.id, &entry.episode.id)]].as_str())
            .collect();
        let at = head.rfind(CHANNEL_END).unwrap_or(head.len());
        let length = head.len() + fragments.iter().map(|f| f.len()).sum::<usize>() + 1;
        let mut xml = String::with_capacity(length);
        xml.push_str(&head[..at]);
        xml.extend(fragments);
        xml.push_str(&head[at..]);
        xml.push('\n');
        Ok(xml)
    })
}

/// How an item begins and ends, and where items go, in a channel written with an indent of
/// two spaces.
const ITEM_START: &str = "\n    <item>";
const ITEM_END: &str = "</item>";
const CHANNEL_END: &str = "\n  </channel>";

/// `channel` as indented XML.
fn write_channel(channel: &rss::Channel, path: &ArchivePath) -> Result<String, Error> {
    let body = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|source| Error::Rss {
            path: path.as_path().to_owned(),
            source,
        })?;
    // quick-xml writes only valid UTF-8 (with its own XML declaration).
    Ok(String::from_utf8(body)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned()))
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
