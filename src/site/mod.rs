//! The archive's web pages, written beside the feeds by `archive build` and `sync`, served by
//! `archive serve`, publishable as they are:
//!
//! - `feeds/index.html`: the feeds and speakers; `feeds/<feed-id>.html`: a feed's speeches
//!   with players and its events; `feeds/speakers/<id>.html`: one speaker's speeches;
//! - `feeds/<feed-id>/<episode-id>.html`: one speech, with share previews, chapters and its
//!   transcript ([`speech`]); `feeds/<feed-id>/events/<event-id>.html`: one event
//!   ([`event`]);
//! - the search: `feeds/search.js` (the one script), `feeds/search/index.js`, its term
//!   chunks, and one passages file per speech ([`crate::search`]).
//!
//! Plain HTML that works without JavaScript (all but search and seeking), one small
//! stylesheet, deterministic. Links between pages are relative, so the site works from
//! `file://` too.

mod chapters;
mod episode;
mod event;
mod html;
mod lists;
mod search;
mod share;
mod speech;
pub mod transcript;

use std::borrow::Cow;

use crate::assets::{Assets, Place};
use crate::catalog::{Catalog, Event, Feed, Speaker};
use crate::confined::{ArchivePath, Root};
use crate::feed::Document;
use crate::feed::document::{Entry, feed_place, home_feed, output_path};
use crate::state::Records;
use crate::{Error, media};
use html::Pieces;

pub use lists::{Lists, full_entries};

/// One output of the site.
#[derive(Clone, Copy)]
pub enum Page<'a> {
    /// `feeds/index.html`: the feeds and the speakers.
    Index,
    /// `feeds/<feed-id>.html`.
    Feed(&'a Feed),
    /// `feeds/speakers/<speaker-id>.html`.
    Speaker(&'a Speaker),
    /// `feeds/<feed-id>/<episode-id>.html`.
    Speech(Entry<'a>),
    /// `feeds/<feed-id>/events/<event-id>.html`.
    Event(&'a Feed, &'a Event),
    /// `feeds/search.js`.
    Script,
    /// `feeds/search/index.js`.
    SearchIndex,
    /// `feeds/search/terms-<n>.js`.
    SearchTerms(usize),
    /// `feeds/search/<feed-id>/<episode-id>.js`.
    Passages(Entry<'a>),
}

impl Page<'_> {
    /// Where the output goes.
    pub fn path(&self) -> ArchivePath {
        match self {
            Page::Index => output_path("feeds/index.html"),
            Page::Feed(feed) => output_path(&format!("feeds/{}.html", feed.id)),
            Page::Speaker(speaker) => output_path(&format!("feeds/speakers/{}.html", speaker.id)),
            Page::Speech(entry) => output_path(&format!(
                "feeds/{}/{}.html",
                entry.feed.id, entry.episode.id
            )),
            Page::Event(feed, event) => {
                output_path(&format!("feeds/{}/events/{}.html", feed.id, event.id))
            }
            Page::Script => output_path(crate::search::SCRIPT_PATH),
            Page::SearchIndex => output_path(crate::search::INDEX_PATH),
            Page::SearchTerms(n) => crate::search::chunk_path(*n),
            Page::Passages(entry) => {
                crate::search::passages_path(&entry.feed.id, &entry.episode.id)
            }
        }
    }
}

/// What rendering reads: the catalog, the records, every feed document, the assets, and the
/// archive (for transcripts and chapters).
pub struct Context<'c, 'a> {
    pub catalog: &'a Catalog,
    pub records: &'a Records,
    pub documents: &'c [Document<'a>],
    /// What each speaker's and event's page lists.
    pub lists: &'c Lists<'a>,
    pub assets: &'c Assets<'c>,
    pub root: &'c Root,
}

/// Every output of the site: the index, a page per feed, per speaker with speeches, per
/// synced speech and per event, and the search's files.
pub fn plan<'a>(catalog: &'a Catalog, documents: &[Document<'a>]) -> Vec<Page<'a>> {
    let mut pages = vec![Page::Index];
    pages.extend(catalog.feeds.iter().map(Page::Feed));
    pages.extend(
        catalog
            .speakers
            .values()
            .filter(|speaker| home_feed(catalog, speaker).is_some())
            .map(Page::Speaker),
    );
    let mut speeches = 0;
    for feed in &catalog.feeds {
        let entries = full_entries(documents, feed);
        speeches += entries.len();
        pages.extend(entries.iter().map(|entry| Page::Speech(*entry)));
        pages.extend(entries.iter().map(|entry| Page::Passages(*entry)));
        pages.extend(feed.events.iter().map(|event| Page::Event(feed, event)));
    }
    pages.extend([Page::Script, Page::SearchIndex]);
    pages.extend((0..crate::search::index::chunk_count(speeches)).map(Page::SearchTerms));
    pages
}

/// Names the local files the pages show besides their articles', so that the build lists
/// them even when the pages are current and not rendered again.
pub fn name_assets(catalog: &Catalog, assets: &Assets<'_>) -> Result<(), Error> {
    for feed in &catalog.feeds {
        if let Some(image) = &feed.channel.image {
            assets.url(image, &feed_place(feed))?;
        }
    }
    for speaker in catalog.speakers.values() {
        if let (Some(image), Some(_)) = (&speaker.image, home_feed(catalog, speaker)) {
            assets.url(image, &speaker_place(catalog, speaker))?;
        }
    }
    Ok(())
}

/// Where a speaker page's portrait is published.
fn speaker_place(catalog: &Catalog, speaker: &Speaker) -> Place {
    Place {
        dir: media::speakers_dir(),
        base: home_feed(catalog, speaker).map_or_else(
            || catalog.feeds[0].channel.public_url.clone(),
            |feed| feed.channel.public_url.clone(),
        ),
    }
}

/// The text of `pages`, in order.
pub fn render(context: &Context<'_, '_>, pages: &[Page<'_>]) -> Result<Vec<String>, Error> {
    let renderer = Renderer::new(context, pages)?;
    let pieces = renderer.render(pages)?;
    Ok(pieces.iter().map(|page| page.concat()).collect())
}

/// A text the renderer holds, as the pieces of a page (none: an empty page).
fn held(text: Option<&String>) -> Pieces<'_> {
    text.map(|text| Cow::Borrowed(text.as_str()))
        .into_iter()
        .collect()
}

/// What the pages of a build share, made once: the article of every speech a list page shows
/// and the search index. A build renders its pages a few at a time with it, writing each
/// batch before the next, so that memory holds a batch rather than the whole site.
pub struct Renderer<'r, 'c, 'a> {
    context: &'r Context<'c, 'a>,
    articles: lists::Articles<'a>,
    index: Option<crate::search::index::Written>,
}

impl<'r, 'c, 'a> Renderer<'r, 'c, 'a> {
    /// Prepares to render any of `pages`.
    pub fn new(context: &'r Context<'c, 'a>, pages: &[Page<'a>]) -> Result<Self, Error> {
        Ok(Self {
            context,
            articles: lists::articles(context, pages)?,
            index: search::index_if_needed(context, pages),
        })
    }

    /// The text of `pages` (some of those it was prepared for), in order, one per core, in
    /// pieces: what the renderer holds (articles, the search index) is borrowed, not copied.
    pub fn render(&self, pages: &[Page<'_>]) -> Result<Vec<Pieces<'_>>, Error> {
        let (context, articles, index) = (self.context, &self.articles, self.index.as_ref());
        let whole = |text: String| Ok(vec![Cow::Owned(text)]);
        crate::parallel::map(pages, |page| match page {
            Page::Index => whole(lists::index(context)),
            Page::Feed(feed) => lists::feed_page(context, feed, articles),
            Page::Speaker(speaker) => lists::speaker_page(context, speaker, articles),
            Page::Speech(entry) => whole(speech::page(context, entry)?),
            Page::Event(feed, event) => Ok(event::page(context, feed, event, articles)),
            Page::Script => whole(crate::search::script()),
            Page::SearchIndex => Ok(held(index.map(|i| &i.index))),
            Page::SearchTerms(n) => Ok(held(index.and_then(|i| i.chunks.get(*n)))),
            Page::Passages(entry) => whole(search::passages(context, entry)),
        })
    }
}
