//! One `<item>` per synced episode, written once as an XML fragment at [`ITEM_DEPTH`]:
//! title, description, enclosure, GUID, date, the Podcasting 2.0 elements (speakers,
//! transcript, chapters, season, episode, soundbite) and the iTunes ones (title, author,
//! image, duration). Attributes of the podcast elements are in name order, as they always were.

use super::describe;
use super::document::Entry;
use super::text::clean;
use super::xml::{ITEM_DEPTH, Xml};
use crate::Error;
use crate::assets::{Assets, Place};
use crate::catalog::{Catalog, Credit, Speaker};
use crate::media;

/// The `<item>` of one entry.
pub(super) fn write(
    catalog: &Catalog,
    entry: &Entry<'_>,
    assets: &Assets<'_>,
) -> Result<String, Error> {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let speakers = speakers(catalog, &episode.credits);
    let event = episode.event.as_ref().and_then(|id| feed.event(id));
    let enclosure = record.enclosure();
    let enclosure_url = media::public_url(&feed.channel.public_url, enclosure.media);
    let title = clean(&episode.title);

    let mut xml = Xml::new(ITEM_DEPTH);
    xml.open("item", &[]);
    xml.text("title", &[], &title);
    if let Some(link) = event.and_then(|event| event.link.as_ref()) {
        xml.text("link", &[], link.as_str());
    }
    xml.html(
        "description",
        &describe::description(entry, &speakers, event),
    );
    let length = enclosure.size.to_string();
    xml.empty(
        "enclosure",
        &[
            ("url", enclosure_url.as_str()),
            ("length", &length),
            ("type", enclosure.mime_type),
        ],
    );
    xml.text("guid", &[("isPermaLink", "false")], &clean(&episode.guid));
    xml.text("pubDate", &[], &episode.published.to_rfc2822());
    xml.html(
        "content:encoded",
        &describe::content(entry, &speakers, event),
    );
    podcast(&mut xml, catalog, entry, assets)?;
    alternates(&mut xml, entry);
    itunes(&mut xml, entry, &title, &speakers, assets)?;
    xml.close("item");
    Ok(xml.finish())
}

/// With a rendition, `podcast:alternateEnclosure` for it (the default) and for the original
/// recording, each with its type, length, bitrate and a `podcast:source`, as Podnews lists
/// its own.
fn alternates(xml: &mut Xml, entry: &Entry<'_>) {
    let record = entry.record;
    if record.rendition.is_none() {
        return;
    }
    let base = &entry.feed.channel.public_url;
    let original = record.original();
    // The audio's bitrate, not the file's: the rendition is CBR at the feed's setting, and the
    // probe measured the original's (tags and artwork left out).
    let settings = &entry.feed.channel.rendition;
    let files = [
        (
            record.enclosure(),
            u64::from(settings.bitrate()) * 1000,
            Some("true"),
            "Loudness-normalised MP3",
        ),
        (original, record.probe.bitrate, None, "Original recording"),
    ];
    for (file, bitrate, default, title) in files {
        let (length, bitrate) = (file.size.to_string(), bitrate.to_string());
        let mut attrs = vec![("bitrate", bitrate.as_str())];
        attrs.extend(default.map(|value| ("default", value)));
        attrs.extend([
            ("length", length.as_str()),
            ("title", title),
            ("type", file.mime_type),
        ]);
        xml.open("podcast:alternateEnclosure", &attrs);
        let url = media::public_url(base, file.media);
        xml.empty("podcast:source", &[("uri", url.as_str())]);
        xml.close("podcast:alternateEnclosure");
    }
}

/// The Podcasting 2.0 elements of an item.
fn podcast(
    xml: &mut Xml,
    catalog: &Catalog,
    entry: &Entry<'_>,
    assets: &Assets<'_>,
) -> Result<(), Error> {
    let episode = entry.episode;
    let place = entry.place();
    for credit in &episode.credits {
        person(xml, catalog, credit, &place, assets)?;
    }
    if let Some(transcript) = &episode.transcript {
        let url = assets.url(&transcript.source, &place)?;
        let mut attrs = vec![("language", entry.feed.channel.language.as_str())];
        if transcript.captions {
            attrs.push(("rel", "captions"));
        }
        attrs.extend([("type", transcript.mime_type), ("url", url.as_str())]);
        xml.empty("podcast:transcript", &attrs);
    }
    if let Some(chapters) = &episode.chapters {
        let url = assets.url(chapters, &place)?;
        let attrs = [("type", "application/json+chapters"), ("url", url.as_str())];
        xml.empty("podcast:chapters", &attrs);
    }
    if let Some(season) = episode.season {
        xml.text("podcast:season", &[], &season.to_string());
    }
    if let Some(number) = episode.number {
        xml.text("podcast:episode", &[], &number.to_string());
    }
    if let Some(bite) = &episode.soundbite {
        let (start, duration) = (
            format!("{:.3}", bite.start),
            format!("{:.3}", bite.duration),
        );
        let attrs = [("duration", duration.as_str()), ("startTime", &start)];
        match &bite.title {
            Some(title) => xml.text("podcast:soundbite", &attrs, &clean(title)),
            None => xml.empty("podcast:soundbite", &attrs),
        }
    }
    Ok(())
}

/// The iTunes elements of an item. `itunes:image` is the episode's image, else its first
/// speaker's portrait, else the feed's.
fn itunes(
    xml: &mut Xml,
    entry: &Entry<'_>,
    title: &str,
    speakers: &[&Speaker],
    assets: &Assets<'_>,
) -> Result<(), Error> {
    let (feed, episode) = (entry.feed, entry.episode);
    xml.text("itunes:title", &[], title);
    xml.text("itunes:author", &[], &clean(&names(speakers)));
    let image = episode
        .image
        .as_ref()
        .or_else(|| speakers.iter().find_map(|speaker| speaker.image.as_ref()))
        .or(feed.channel.image.as_ref());
    if let Some(image) = image {
        let url = assets.url(image, &entry.place())?;
        xml.empty("itunes:image", &[("href", url.as_str())]);
    }
    xml.text(
        "itunes:duration",
        &[],
        &entry.record.enclosure().whole_seconds().to_string(),
    );
    let explicit = episode.explicit || feed.channel.explicit;
    xml.text("itunes:explicit", &[], &explicit.to_string());
    if let Some(number) = episode.number {
        xml.text("itunes:episode", &[], &number.to_string());
    }
    if let Some(season) = episode.season {
        xml.text("itunes:season", &[], &season.to_string());
    }
    xml.text("itunes:episodeType", &[], episode.episode_type);
    Ok(())
}

/// `podcast:person` for a credit: name, role, group, portrait and link.
pub(super) fn person(
    xml: &mut Xml,
    catalog: &Catalog,
    credit: &Credit,
    place: &Place,
    assets: &Assets<'_>,
) -> Result<(), Error> {
    let Some(speaker) = catalog.speakers.get(&credit.speaker) else {
        return Ok(());
    };
    let img = speaker
        .image
        .as_ref()
        .map(|image| assets.url(image, place))
        .transpose()?;
    let mut attrs = vec![("group", credit.group)];
    attrs.extend(speaker.href.as_ref().map(|href| ("href", href.as_str())));
    attrs.extend(img.as_ref().map(|img| ("img", img.as_str())));
    attrs.push(("role", credit.role));
    xml.text("podcast:person", &attrs, &clean(&speaker.name));
    Ok(())
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
