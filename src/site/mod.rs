//! The archive's web pages, written beside the feeds by `archive build` and `sync`, served by
//! `archive serve`, publishable as they are: `feeds/index.html` (the feeds and speakers),
//! `feeds/<feed-id>.html` (a feed's speeches with players), `feeds/speakers/<id>.html` (one
//! speaker's speeches). Plain HTML and one small stylesheet: no JavaScript, deterministic.

mod episode;
mod html;

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::assets::{Assets, Place};
use crate::catalog::{Catalog, EpisodeId, Feed, FeedId, Speaker};
use crate::confined::ArchivePath;
use crate::feed::document::{Entry, feed_place, home_feed, output_path, speaker_entries};
use crate::feed::text::{escape_html, paragraphs};
use crate::feed::{Document, DocumentKind};
use crate::state::Records;
use crate::{Error, media};

/// One page of the site.
#[derive(Clone, Copy)]
pub enum Page<'a> {
    /// `feeds/index.html`: the feeds and the speakers.
    Index,
    /// `feeds/<feed-id>.html`.
    Feed(&'a Feed),
    /// `feeds/speakers/<speaker-id>.html`.
    Speaker(&'a Speaker),
}

impl Page<'_> {
    /// Where the page goes.
    pub fn path(&self) -> ArchivePath {
        match self {
            Page::Index => output_path("feeds/index.html"),
            Page::Feed(feed) => output_path(&format!("feeds/{}.html", feed.id)),
            Page::Speaker(speaker) => output_path(&format!("feeds/speakers/{}.html", speaker.id)),
        }
    }
}

/// Every page of the archive: the index, one per feed, one per speaker with speeches.
pub fn plan(catalog: &Catalog) -> Vec<Page<'_>> {
    let mut pages = vec![Page::Index];
    pages.extend(catalog.feeds.iter().map(Page::Feed));
    pages.extend(
        catalog
            .speakers
            .values()
            .filter(|speaker| home_feed(catalog, speaker).is_some())
            .map(Page::Speaker),
    );
    pages
}

/// Names the local files the pages show besides their articles', so that the build lists
/// them even when the pages are current and not rendered again.
pub fn name_assets(catalog: &Catalog, assets: &Assets<'_>) -> Result<(), Error> {
    for page in plan(catalog) {
        match page {
            Page::Index => {}
            Page::Feed(feed) => {
                if let Some(image) = &feed.channel.image {
                    assets.url(image, &feed_place(feed))?;
                }
            }
            Page::Speaker(speaker) => {
                if let Some(image) = &speaker.image {
                    assets.url(image, &speaker_place(catalog, speaker))?;
                }
            }
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

/// The HTML of `pages`, in order. `documents` are every feed document of the archive: a feed
/// page lists the items of its feed's full document.
pub fn render(
    catalog: &Catalog,
    records: &Records,
    documents: &[Document<'_>],
    assets: &Assets<'_>,
    pages: &[Page<'_>],
) -> Result<Vec<String>, Error> {
    // Every speech appears on its feed's page and on its speakers' pages: rendered once.
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for page in pages {
        let shown: Vec<Entry<'_>> = match page {
            Page::Index => Vec::new(),
            Page::Feed(feed) => full_entries(documents, feed).to_vec(),
            Page::Speaker(speaker) => speaker_entries(catalog, records, speaker),
        };
        entries.extend(shown.into_iter().filter(|entry| seen.insert(key(entry))));
    }
    let rendered =
        crate::parallel::map(&entries, |entry| episode::article(catalog, entry, assets))?;
    let articles: Articles<'_> = entries.iter().map(key).zip(rendered).collect();
    // A feed page and the speaker pages of a large archive take a while: one per core.
    crate::parallel::map(pages, |page| match page {
        Page::Index => Ok(index(catalog, records, documents)),
        Page::Feed(feed) => feed_page(documents, feed, &articles, assets),
        Page::Speaker(speaker) => {
            speaker_page(catalog, records, documents, speaker, &articles, assets)
        }
    })
}

/// Each synced episode's article, by feed and episode.
type Articles<'a> = HashMap<(&'a FeedId, &'a EpisodeId), String>;

fn key<'a>(entry: &Entry<'a>) -> (&'a FeedId, &'a EpisodeId) {
    (&entry.feed.id, &entry.episode.id)
}

/// Every synced episode of a feed, newest first: the items of its full document.
fn full_entries<'d, 'a>(documents: &'d [Document<'a>], feed: &Feed) -> &'d [Entry<'a>] {
    let full = DocumentKind::Feed {
        id: feed.id.clone(),
        full: true,
    };
    documents
        .iter()
        .find(|document| document.kind == full)
        .map_or(&[], |document| &document.entries)
}

fn feed_url(feed: &Feed) -> String {
    feed.xml_url().to_string()
}

fn speaker_feed_url(documents: &[Document<'_>], speaker: &Speaker) -> Option<String> {
    documents
        .iter()
        .find(|d| d.kind == DocumentKind::Speaker(speaker.id.clone()))
        .map(|d| d.url.to_string())
}

fn index(catalog: &Catalog, records: &Records, documents: &[Document<'_>]) -> String {
    let mut body =
        String::from("<header>\n<h1>Speech archive</h1>\n</header>\n<main>\n<h2>Feeds</h2>\n");
    for feed in &catalog.feeds {
        let count = records.get(&feed.id).map_or(0, |r| {
            feed.episodes
                .iter()
                .filter(|e| r.contains_key(&e.id))
                .count()
        });
        let _ = write!(
            body,
            "<section>\n<h3><a href=\"{id}.html\">{title}</a></h3>\n{description}\n<p>{count} speech{plural} · <a href=\"{url}\">RSS feed</a></p>\n</section>\n",
            id = feed.id,
            title = escape_html(&feed.channel.title),
            description = paragraphs(&feed.channel.description),
            plural = if count == 1 { "" } else { "es" },
            url = escape_html(&feed_url(feed)),
        );
    }
    let speakers: Vec<&Speaker> = catalog
        .speakers
        .values()
        .filter(|s| home_feed(catalog, s).is_some())
        .collect();
    if !speakers.is_empty() {
        body.push_str("<h2>Speakers</h2>\n<ul>\n");
        for speaker in speakers {
            let feed = speaker_feed_url(documents, speaker)
                .map(|url| format!(" · <a href=\"{}\">RSS feed</a>", escape_html(&url)))
                .unwrap_or_default();
            let _ = writeln!(
                body,
                "<li><a href=\"speakers/{}.html\">{}</a>{feed}</li>",
                speaker.id,
                escape_html(&speaker.name)
            );
        }
        body.push_str("</ul>\n");
    }
    body.push_str("</main>");
    let lang = catalog
        .feeds
        .first()
        .map_or("en", |feed| feed.channel.language.as_str());
    html::page(lang, "Speech archive", None, &body)
}

fn feed_page(
    documents: &[Document<'_>],
    feed: &Feed,
    articles: &Articles<'_>,
    assets: &Assets<'_>,
) -> Result<String, Error> {
    let meta = &feed.channel;
    let url = feed_url(feed);
    let image = match &meta.image {
        Some(image) => {
            let src = assets.url(image, &feed_place(feed))?;
            format!(
                "<img src=\"{}\" alt=\"Cover of {}\" width=\"160\" height=\"160\">\n",
                escape_html(src.as_str()),
                escape_html(&meta.title)
            )
        }
        None => String::new(),
    };
    let mut body = format!(
        "<header>\n<p><a href=\"index.html\">All feeds</a></p>\n{image}<h1>{}</h1>\n{}\n{}\n</header>\n<main>\n<h2>Speeches</h2>\n",
        escape_html(&meta.title),
        paragraphs(&meta.description),
        html::subscribe(&url, feed.id.as_str()),
    );
    let full = full_entries(documents, feed);
    for entry in full {
        episode::push(&mut body, &articles[&key(entry)], "speakers/");
    }
    if full.is_empty() {
        body.push_str("<p>No speeches are published yet.</p>\n");
    }
    body.push_str("</main>");
    Ok(html::page(&meta.language, &meta.title, Some(&url), &body))
}

fn speaker_page(
    catalog: &Catalog,
    records: &Records,
    documents: &[Document<'_>],
    speaker: &Speaker,
    articles: &Articles<'_>,
    assets: &Assets<'_>,
) -> Result<String, Error> {
    let name = escape_html(&speaker.name);
    let place = speaker_place(catalog, speaker);
    let portrait = match &speaker.image {
        Some(image) => format!(
            "<img class=\"portrait\" src=\"{}\" alt=\"Portrait of {name}\" width=\"128\" height=\"128\">\n",
            escape_html(assets.url(image, &place)?.as_str())
        ),
        None => String::new(),
    };
    let title = speaker
        .title
        .as_deref()
        .map(|t| format!("<p>{}</p>\n", escape_html(t)))
        .unwrap_or_default();
    let bio = speaker.bio.as_deref().map(paragraphs).unwrap_or_default();
    let link = speaker
        .href
        .as_ref()
        .map(|href| {
            format!(
                "<p><a href=\"{}\">More about {name}</a></p>\n",
                escape_html(href.as_str())
            )
        })
        .unwrap_or_default();
    let feed_url = speaker_feed_url(documents, speaker);
    let subscribe = feed_url
        .as_deref()
        .map(|url| html::subscribe(url, speaker.id.as_str()))
        .unwrap_or_default();
    let mut body = format!(
        "<header>\n<p><a href=\"../index.html\">All feeds</a></p>\n{portrait}<h1>Speeches by {name}</h1>\n{title}{bio}\n{link}{subscribe}\n</header>\n<main>\n<h2>Speeches</h2>\n"
    );
    for entry in speaker_entries(catalog, records, speaker) {
        episode::push(&mut body, &articles[&key(&entry)], "");
    }
    body.push_str("</main>");
    let lang = home_feed(catalog, speaker).map_or("en", |feed| feed.channel.language.as_str());
    Ok(html::page(
        lang,
        &format!("Speeches by {}", speaker.name),
        feed_url.as_deref(),
        &body,
    ))
}
