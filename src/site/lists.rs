//! The pages that list speeches: the index (feeds and speakers), a feed's page (its speeches
//! and events) and a speaker's page. Each speech is the same [`episode::article`] on every
//! page it appears on, rendered once.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::html::{self, Frame, Pieces};
use super::{Context, Page, episode, speaker_place};
use crate::Error;
use crate::catalog::{Catalog, EpisodeId, Event, EventId, Feed, FeedId, Speaker, SpeakerId};
use crate::feed::document::{Entry, by_speaker, home_feed};
use crate::feed::text::{escape_html, paragraphs};
use crate::feed::{Document, DocumentKind};
use crate::state::Records;

/// Each synced episode's article, by feed and episode.
pub type Articles<'a> = HashMap<(&'a FeedId, &'a EpisodeId), String>;

pub fn key<'a>(entry: &Entry<'a>) -> (&'a FeedId, &'a EpisodeId) {
    (&entry.feed.id, &entry.episode.id)
}

/// Which speeches the page of each speaker and each event lists, found in one pass over the
/// catalog for all pages (per page, an archive of 1,000 events would scan its 10,000
/// speeches thousands of times over).
pub struct Lists<'a> {
    events: HashMap<(&'a FeedId, &'a EventId), Vec<Entry<'a>>>,
    speakers: HashMap<&'a SpeakerId, Vec<Entry<'a>>>,
}

impl<'a> Lists<'a> {
    pub fn new(catalog: &'a Catalog, records: &'a Records, documents: &[Document<'a>]) -> Self {
        let mut events: HashMap<_, Vec<Entry<'a>>> = HashMap::new();
        for feed in &catalog.feeds {
            let synced: HashMap<&EpisodeId, &Entry<'a>> = full_entries(documents, feed)
                .iter()
                .map(|entry| (&entry.episode.id, entry))
                .collect();
            // In catalog order; sorted by time below (stable).
            for episode in &feed.episodes {
                if let (Some(event), Some(entry)) = (&episode.event, synced.get(&episode.id)) {
                    events.entry((&feed.id, event)).or_default().push(**entry);
                }
            }
        }
        // An event's speeches in the order they were given.
        for entries in events.values_mut() {
            entries.sort_by_key(|entry| entry.episode.published);
        }
        Self {
            events,
            speakers: by_speaker(catalog, records),
        }
    }

    /// The synced speeches of `event`, in program order (by time, then as the catalog lists
    /// them).
    pub fn event<'s>(&'s self, feed: &'s Feed, event: &'s Event) -> &'s [Entry<'a>] {
        self.events
            .get(&(&feed.id, &event.id))
            .map_or(&[], Vec::as_slice)
    }

    /// The synced speeches crediting `speaker`, newest first (as its feed lists them).
    pub fn speaker<'s>(&'s self, speaker: &'s Speaker) -> &'s [Entry<'a>] {
        self.speakers.get(&speaker.id).map_or(&[], Vec::as_slice)
    }
}

/// The articles of every speech that `pages` list, each rendered once.
pub fn articles<'a>(context: &Context<'_, 'a>, pages: &[Page<'a>]) -> Result<Articles<'a>, Error> {
    let mut entries: Vec<Entry<'a>> = Vec::new();
    let mut seen = HashSet::new();
    for page in pages {
        let shown: &[Entry<'a>] = match page {
            Page::Feed(feed) => full_entries(context.documents, feed),
            Page::Speaker(speaker) => context.lists.speaker(speaker),
            Page::Event(feed, event) => context.lists.event(feed, event),
            _ => &[],
        };
        entries.extend(shown.iter().filter(|entry| seen.insert(key(entry))));
    }
    // Held while the pages render: without the slack of their growth.
    let rendered = crate::parallel::map(&entries, |entry| {
        let mut article = episode::article(context.catalog, entry, context.assets)?;
        article.shrink_to_fit();
        Ok::<_, Error>(article)
    })?;
    Ok(entries.iter().map(key).zip(rendered).collect())
}

/// Every synced episode of a feed, newest first: the items of its full document.
pub fn full_entries<'d, 'a>(documents: &'d [Document<'a>], feed: &Feed) -> &'d [Entry<'a>] {
    let full = DocumentKind::Feed {
        id: feed.id.clone(),
        full: true,
    };
    documents
        .iter()
        .find(|document| document.kind == full)
        .map_or(&[], |document| &document.entries)
}

fn speaker_feed_url(documents: &[Document<'_>], speaker: &Speaker) -> Option<String> {
    documents
        .iter()
        .find(|d| d.kind == DocumentKind::Speaker(speaker.id.clone()))
        .map(|d| d.url.to_string())
}

pub fn index(context: &Context<'_, '_>) -> String {
    let Context {
        catalog, records, ..
    } = *context;
    let mut main = String::from("<h2>Feeds</h2>\n");
    for feed in &catalog.feeds {
        let count = records.get(&feed.id).map_or(0, |r| {
            feed.episodes
                .iter()
                .filter(|e| r.contains_key(&e.id))
                .count()
        });
        let _ = write!(
            main,
            "<section>\n<h3><a href=\"{id}.html\">{title}</a></h3>\n{description}\n<p>{count} speech{plural} · <a href=\"{url}\">RSS feed</a></p>\n</section>\n",
            id = feed.id,
            title = escape_html(&feed.channel.title),
            description = paragraphs(&feed.channel.description),
            plural = if count == 1 { "" } else { "es" },
            url = escape_html(feed.xml_url().as_str()),
        );
    }
    let speakers: Vec<&Speaker> = catalog
        .speakers
        .values()
        .filter(|s| home_feed(catalog, s).is_some())
        .collect();
    if !speakers.is_empty() {
        main.push_str("<h2>Speakers</h2>\n<ul>\n");
        for speaker in speakers {
            let feed = speaker_feed_url(context.documents, speaker)
                .map(|url| format!(" · <a href=\"{}\">RSS feed</a>", escape_html(&url)))
                .unwrap_or_default();
            let _ = writeln!(
                main,
                "<li><a href=\"speakers/{}.html\">{}</a>{feed}</li>",
                speaker.id,
                escape_html(&speaker.name)
            );
        }
        main.push_str("</ul>");
    }
    let lang = catalog
        .feeds
        .first()
        .map_or("en", |feed| feed.channel.language.as_str());
    let frame = Frame {
        lang,
        title: "Speech archive",
        feed_url: None,
        head: String::new(),
        up: "",
    };
    html::page(&frame, "<h1>Speech archive</h1>", &main)
}

pub fn feed_page<'r, 'a: 'r>(
    context: &Context<'_, 'a>,
    feed: &Feed,
    articles: &'r Articles<'a>,
) -> Result<Pieces<'r>, Error> {
    let meta = &feed.channel;
    let url = feed.xml_url().to_string();
    let image = match &meta.image {
        Some(image) => {
            let src = context
                .assets
                .url(image, &crate::feed::document::feed_place(feed))?;
            format!(
                "<img src=\"{}\" alt=\"Cover of {}\" width=\"160\" height=\"160\">\n",
                escape_html(src.as_str()),
                escape_html(&meta.title)
            )
        }
        None => String::new(),
    };
    let header = format!(
        "<p><a href=\"index.html\">All feeds</a></p>\n{image}<h1 dir=\"auto\">{}</h1>\n{}\n{}",
        escape_html(&meta.title),
        paragraphs(&meta.description),
        html::subscribe(&url, feed.id.as_str()),
    );
    let mut main = String::new();
    if !feed.events.is_empty() {
        main.push_str("<h2>Events</h2>\n<ul>\n");
        for event in &feed.events {
            let _ = writeln!(
                main,
                "<li><a href=\"{}/events/{}.html\" dir=\"auto\">{}</a>, <time datetime=\"{}\">{}</time></li>",
                feed.id,
                event.id,
                escape_html(&event.title),
                event.date.format("%Y-%m-%d"),
                event.date.format("%B %-d, %Y"),
            );
        }
        main.push_str("</ul>\n");
    }
    main.push_str("<h2>Speeches</h2>\n");
    let full = full_entries(context.documents, feed);
    let mut pieces: Pieces<'r> = vec![Cow::Owned(main)];
    for entry in full {
        episode::push(&mut pieces, &articles[&key(entry)], "");
    }
    if full.is_empty() {
        pieces.push(Cow::Borrowed("<p>No speeches are published yet.</p>\n"));
    }
    let frame = Frame {
        lang: &meta.language,
        title: &meta.title,
        feed_url: Some(&url),
        head: String::new(),
        up: "",
    };
    Ok(html::pieces(&frame, &header, pieces))
}

pub fn speaker_page<'r, 'a: 'r>(
    context: &Context<'_, 'a>,
    speaker: &Speaker,
    articles: &'r Articles<'a>,
) -> Result<Pieces<'r>, Error> {
    let catalog = context.catalog;
    let name = escape_html(&speaker.name);
    let place = speaker_place(catalog, speaker);
    let portrait = match &speaker.image {
        Some(image) => format!(
            "<img class=\"portrait\" src=\"{}\" alt=\"Portrait of {name}\" width=\"128\" height=\"128\">\n",
            escape_html(context.assets.url(image, &place)?.as_str())
        ),
        None => String::new(),
    };
    let title = speaker
        .title
        .as_deref()
        .map(|t| format!("<p dir=\"auto\">{}</p>\n", escape_html(t)))
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
    let feed_url = speaker_feed_url(context.documents, speaker);
    let subscribe = feed_url
        .as_deref()
        .map(|url| html::subscribe(url, speaker.id.as_str()))
        .unwrap_or_default();
    let header = format!(
        "<p><a href=\"../index.html\">All feeds</a></p>\n{portrait}<h1 dir=\"auto\">Speeches by {name}</h1>\n{title}<div dir=\"auto\">{bio}</div>\n{link}{subscribe}"
    );
    let mut main: Pieces<'r> = vec![Cow::Borrowed("<h2>Speeches</h2>\n")];
    for entry in context.lists.speaker(speaker) {
        episode::push(&mut main, &articles[&key(entry)], "../");
    }
    let lang = home_feed(catalog, speaker).map_or("en", |feed| feed.channel.language.as_str());
    let title = format!("Speeches by {}", speaker.name);
    let frame = Frame {
        lang,
        title: &title,
        feed_url: feed_url.as_deref(),
        head: String::new(),
        up: "../",
    };
    Ok(html::pieces(&frame, &header, main))
}
