//! One `<item>` per synced episode: enclosure, GUID, dates, duration, speakers, transcript,
//! chapters, and the description in plain text and HTML.

use rss::extension::itunes::ITunesItemExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Enclosure, Guid, Item};

use super::channel::DESCRIPTION_LIMIT;
use super::document::Entry;
use super::namespace::{self, element};
use super::text::{clean, cut, escape_html, paragraphs};
use crate::Error;
use crate::assets::{Assets, Place};
use crate::catalog::{Catalog, Credit, Event, Speaker};
use crate::media;

/// Builds the item of one entry.
pub(super) fn build(
    catalog: &Catalog,
    entry: &Entry<'_>,
    assets: &Assets<'_>,
) -> Result<Item, Error> {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let speakers = speakers(catalog, &episode.credits);
    let event = episode.event.as_ref().and_then(|id| feed.event(id));
    let place = entry.place();
    let enclosure_url = media::public_url(&feed.channel.public_url, &record.media);

    let mut item = Item::default();
    item.set_title(clean(&episode.title));
    item.set_description(cut(
        &description(entry, &speakers, event),
        DESCRIPTION_LIMIT,
    ));
    item.set_content(html(entry, &speakers, event));
    if let Some(link) = event.and_then(|event| event.link.as_ref()) {
        item.set_link(link.to_string());
    }
    let mut enclosure = Enclosure::default();
    enclosure.set_url(enclosure_url.to_string());
    enclosure.set_length(record.size.to_string());
    enclosure.set_mime_type(record.probe.mime_type().to_owned());
    item.set_enclosure(enclosure);
    let mut guid = Guid::default();
    guid.set_value(clean(&episode.guid));
    guid.set_permalink(false);
    item.set_guid(guid);
    item.set_pub_date(episode.published.to_rfc2822());

    let image = episode
        .image
        .as_ref()
        .or_else(|| speakers.iter().find_map(|speaker| speaker.image.as_ref()))
        .or(feed.channel.image.as_ref());
    item.set_itunes_ext(ITunesItemExtension {
        duration: Some(record.probe.whole_seconds().to_string()),
        author: Some(clean(&names(&speakers))),
        explicit: Some((episode.explicit || feed.channel.explicit).to_string()),
        episode_type: Some(episode.episode_type.to_owned()),
        season: episode.season.map(|n| n.to_string()),
        episode: episode.number.map(|n| n.to_string()),
        image: image
            .map(|image| assets.url(image, &place))
            .transpose()?
            .map(|url| url.to_string()),
        ..ITunesItemExtension::default()
    });
    item.set_extensions(extensions(catalog, entry, &place, assets)?);
    Ok(item)
}

/// The Podcasting 2.0 elements of an item.
fn extensions(
    catalog: &Catalog,
    entry: &Entry<'_>,
    place: &Place,
    assets: &Assets<'_>,
) -> Result<ExtensionMap, Error> {
    let episode = entry.episode;
    let mut map = ExtensionMap::default();
    for credit in &episode.credits {
        if let Some(person) = person(catalog, credit, place, assets)? {
            namespace::push(&mut map, person);
        }
    }
    if let Some(transcript) = &episode.transcript {
        let url = assets.url(&transcript.source, place)?.to_string();
        let mut attrs = vec![
            ("url", url.as_str()),
            ("type", transcript.mime_type),
            ("language", entry.feed.channel.language.as_str()),
        ];
        if transcript.captions {
            attrs.push(("rel", "captions"));
        }
        namespace::push(&mut map, element("podcast", "transcript", &attrs, None));
    }
    if let Some(chapters) = &episode.chapters {
        let url = assets.url(chapters, place)?.to_string();
        let attrs = [("url", url.as_str()), ("type", "application/json+chapters")];
        namespace::push(&mut map, element("podcast", "chapters", &attrs, None));
    }
    if let Some(season) = episode.season {
        namespace::push(
            &mut map,
            element("podcast", "season", &[], Some(&season.to_string())),
        );
    }
    if let Some(number) = episode.number {
        namespace::push(
            &mut map,
            element("podcast", "episode", &[], Some(&number.to_string())),
        );
    }
    if let Some(bite) = &episode.soundbite {
        let (start, duration) = (
            format!("{:.3}", bite.start),
            format!("{:.3}", bite.duration),
        );
        let attrs = [
            ("startTime", start.as_str()),
            ("duration", duration.as_str()),
        ];
        let title = bite.title.as_deref().map(clean);
        namespace::push(
            &mut map,
            element("podcast", "soundbite", &attrs, title.as_deref()),
        );
    }
    Ok(map)
}

/// `podcast:person` for a credit: name, role, group, portrait and link.
pub(super) fn person(
    catalog: &Catalog,
    credit: &Credit,
    place: &Place,
    assets: &Assets<'_>,
) -> Result<Option<Extension>, Error> {
    let Some(speaker) = catalog.speakers.get(&credit.speaker) else {
        return Ok(None);
    };
    let img = speaker
        .image
        .as_ref()
        .map(|image| assets.url(image, place))
        .transpose()?;
    let img = img.map(|url| url.to_string());
    let href = speaker.href.as_ref().map(ToString::to_string);
    let mut attrs = vec![("role", credit.role), ("group", credit.group)];
    attrs.extend(img.as_deref().map(|img| ("img", img)));
    attrs.extend(href.as_deref().map(|href| ("href", href)));
    Ok(Some(element(
        "podcast",
        "person",
        &attrs,
        Some(&clean(&speaker.name)),
    )))
}

fn speakers<'a>(catalog: &'a Catalog, credits: &[Credit]) -> Vec<&'a Speaker> {
    credits
        .iter()
        .filter_map(|credit| catalog.speakers.get(&credit.speaker))
        .collect()
}

fn names(speakers: &[&Speaker]) -> String {
    speakers
        .iter()
        .map(|speaker| speaker.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plain text: who spoke, where and when, the excerpt, and the episode's note.
fn description(entry: &Entry<'_>, speakers: &[&Speaker], event: Option<&Event>) -> String {
    let mut lines = Vec::new();
    for speaker in speakers {
        match &speaker.title {
            Some(title) => lines.push(format!("Speaker: {}, {title}", speaker.name)),
            None => lines.push(format!("Speaker: {}", speaker.name)),
        }
    }
    if let Some(event) = event {
        lines.push(format!(
            "Event: {}, {}",
            event.title,
            event.date.format("%B %-d, %Y")
        ));
    }
    let mut text = lines.join("\n");
    text.push_str("\n\n");
    text.push_str(entry.episode.excerpt.trim());
    if let Some(note) = &entry.episode.note {
        text.push_str("\n\n");
        text.push_str(note.trim());
    }
    clean(&text)
}

/// HTML for `content:encoded`: the excerpt's paragraphs, each speaker's name, title and bio,
/// the event with a link to its page, and the note.
fn html(entry: &Entry<'_>, speakers: &[&Speaker], event: Option<&Event>) -> String {
    let mut parts = vec![paragraphs(&entry.episode.excerpt)];
    for speaker in speakers {
        let name = escape_html(&speaker.name);
        let name = match &speaker.href {
            Some(href) => format!("<a href=\"{}\">{name}</a>", escape_html(href.as_str())),
            None => name,
        };
        let title = speaker
            .title
            .as_deref()
            .map(|title| format!(", {}", escape_html(title)))
            .unwrap_or_default();
        parts.push(format!("<p><strong>{name}</strong>{title}</p>"));
        if let Some(bio) = &speaker.bio {
            parts.push(paragraphs(bio));
        }
    }
    if let Some(event) = event {
        let title = escape_html(&event.title);
        let title = match &event.link {
            Some(link) => format!("<a href=\"{}\">{title}</a>", escape_html(link.as_str())),
            None => title,
        };
        parts.push(format!(
            "<p>Event: {title}, {}</p>",
            event.date.format("%B %-d, %Y")
        ));
    }
    if let Some(note) = &entry.episode.note {
        parts.push(format!("<p><em>{}</em></p>", escape_html(note.trim())));
    }
    clean(&parts.join("\n"))
}
