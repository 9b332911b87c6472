//! One speech on a page that lists speeches: title (linked to its own page), speakers with
//! portraits, event (linked to its page) and date, duration, player, excerpt and transcript.

use std::borrow::Cow;

use super::html::Pieces;
use crate::assets::Assets;
use crate::catalog::{Catalog, Speaker};
use crate::feed::clock;
use crate::feed::document::Entry;
use crate::feed::text::{escape_html, paragraphs};
use crate::{Error, media};

/// Where an article's links to other pages begin: replaced by the path from the page to
/// `feeds/` when the article goes into a page ([`push`]). Nothing else in an article contains
/// a `<` that is not a tag of ours, since all text is escaped, so the marker cannot clash.
const FEEDS: &str = "<feeds>";

/// Appends `article` to `body` as borrowed pieces, with links relative to `up`, the path
/// to `feeds/`.
pub fn push<'a>(body: &mut Pieces<'a>, article: &'a str, up: &'static str) {
    for (n, part) in article.split(FEEDS).enumerate() {
        if n > 0 && !up.is_empty() {
            body.push(Cow::Borrowed(up));
        }
        body.push(Cow::Borrowed(part));
    }
    body.push(Cow::Borrowed("\n"));
}

/// An `<article>` for one entry, the same in every page it goes into ([`push`]).
pub fn article(catalog: &Catalog, entry: &Entry<'_>, assets: &Assets<'_>) -> Result<String, Error> {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let place = entry.place();
    let audio = media::public_url(&feed.channel.public_url, record.enclosure().media);
    let audio = escape_html(audio.as_str());
    let title = escape_html(&episode.title);
    let mut speakers = Vec::new();
    for credit in &episode.credits {
        if let Some(speaker) = catalog.speakers.get(&credit.speaker) {
            speakers.push(speaker_item(speaker, assets, &place)?);
        }
    }
    let event = episode.event.as_ref().and_then(|id| feed.event(id));
    let event = event
        .map(|event| {
            format!(
                "<a href=\"{FEEDS}{}/events/{}.html\" dir=\"auto\">{}</a>, ",
                feed.id,
                event.id,
                escape_html(&event.title)
            )
        })
        .unwrap_or_default();
    let transcript = match &episode.transcript {
        Some(transcript) => {
            let url = assets.url(&transcript.source, &place)?;
            format!(
                "\n<p><a href=\"{}\">Transcript</a></p>",
                escape_html(url.as_str())
            )
        }
        None => String::new(),
    };
    let note = episode
        .note
        .as_deref()
        .map(|note| {
            format!(
                "\n<p class=\"meta\"><em>{}</em></p>",
                escape_html(note.trim())
            )
        })
        .unwrap_or_default();
    Ok(format!(
        "<article id=\"{id}\">\n<h3 dir=\"auto\"><a href=\"{FEEDS}{feed}/{id}.html\">{title}</a></h3>\n<ul class=\"speakers\">\n{speakers}\n</ul>\n\
         <p class=\"meta\">{event}<time datetime=\"{datetime}\">{date}</time> · {duration}</p>\n\
         <audio controls preload=\"none\" src=\"{audio}\" aria-label=\"Listen to {title}\">\
         <a href=\"{audio}\">Download the recording</a></audio>\n\
         <div class=\"excerpt\" dir=\"auto\">\n{excerpt}\n</div>{transcript}{note}\n</article>",
        id = episode.id,
        feed = feed.id,
        speakers = speakers.join("\n"),
        datetime = episode.published.format("%Y-%m-%dT%H:%M:%SZ"),
        date = episode.published.format("%B %-d, %Y"),
        duration = clock(record.enclosure().whole_seconds()),
        excerpt = paragraphs(&episode.excerpt),
    ))
}

fn speaker_item(
    speaker: &Speaker,
    assets: &Assets<'_>,
    place: &crate::assets::Place,
) -> Result<String, Error> {
    let name = escape_html(&speaker.name);
    let portrait = match &speaker.image {
        Some(image) => {
            let url = assets.url(image, place)?;
            format!(
                "<img src=\"{}\" alt=\"Portrait of {name}\" width=\"48\" height=\"48\"> ",
                escape_html(url.as_str())
            )
        }
        None => String::new(),
    };
    let title = speaker
        .title
        .as_deref()
        .map(|title| format!(", {}", escape_html(title)))
        .unwrap_or_default();
    let link = format!("<a href=\"{FEEDS}speakers/{}.html\">{name}</a>", speaker.id);
    Ok(format!("<li>{portrait}<span>{link}{title}</span></li>"))
}
