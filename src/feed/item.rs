//! One `<item>` per synced episode: enclosure, GUID, dates, duration, speakers.

use rss::extension::ExtensionMap;
use rss::extension::itunes::ITunesItemExtension;
use rss::{Enclosure, Guid, Item};

use super::Assets;
use super::namespace::{self, element};
use crate::Error;
use crate::catalog::{Catalog, Episode, Feed, Speaker};
use crate::media;
use crate::state::Record;

/// Builds the item of `episode`, published as `record` says.
pub(super) fn build(
    catalog: &Catalog,
    feed: &Feed,
    episode: &Episode,
    record: &Record,
    assets: &Assets<'_>,
) -> Result<Item, Error> {
    let speakers: Vec<&Speaker> = episode
        .credits
        .iter()
        .filter_map(|credit| catalog.speakers.get(&credit.speaker))
        .collect();
    let enclosure_url = media::public_url(
        &feed.channel.public_url,
        std::path::Path::new(&record.media),
    );

    let mut item = Item::default();
    item.set_title(episode.title.clone());
    item.set_description(description(feed, episode, &speakers));
    if let Some(link) = episode
        .event
        .as_ref()
        .and_then(|id| feed.event(id))
        .and_then(|event| event.link.as_ref())
    {
        item.set_link(link.to_string());
    }
    let mut enclosure = Enclosure::default();
    enclosure.set_url(enclosure_url.to_string());
    enclosure.set_length(record.size.to_string());
    enclosure.set_mime_type(record.probe.mime_type().to_owned());
    item.set_enclosure(enclosure);
    let mut guid = Guid::default();
    guid.set_value(episode.guid.clone());
    guid.set_permalink(false);
    item.set_guid(guid);
    item.set_pub_date(episode.published.to_rfc2822());

    let itunes = ITunesItemExtension {
        duration: Some(record.probe.whole_seconds().to_string()),
        author: Some(names(&speakers)),
        explicit: Some((episode.explicit || feed.channel.explicit).to_string()),
        episode_type: Some("full".to_owned()),
        image: image(feed, episode, &speakers, assets)?,
        ..ITunesItemExtension::default()
    };
    item.set_itunes_ext(itunes);

    let mut extensions = ExtensionMap::default();
    for (credit, speaker) in episode.credits.iter().zip(&speakers) {
        let img = speaker
            .image
            .as_ref()
            .map(|image| assets.url(image))
            .transpose()?;
        let img = img.map(|url| url.to_string());
        let href = speaker.href.as_ref().map(ToString::to_string);
        let mut attrs = vec![("role", credit.role), ("group", credit.group)];
        attrs.extend(img.as_deref().map(|img| ("img", img)));
        attrs.extend(href.as_deref().map(|href| ("href", href)));
        namespace::push(
            &mut extensions,
            element("podcast", "person", &attrs, Some(&speaker.name)),
        );
    }
    item.set_extensions(extensions);
    Ok(item)
}

/// The artwork of an episode: its own, else its first speaker's portrait, else the feed's.
fn image(
    feed: &Feed,
    episode: &Episode,
    speakers: &[&Speaker],
    assets: &Assets<'_>,
) -> Result<Option<String>, Error> {
    let source = episode
        .image
        .as_ref()
        .or_else(|| speakers.iter().find_map(|speaker| speaker.image.as_ref()))
        .or(feed.channel.image.as_ref());
    Ok(source
        .map(|source| assets.url(source))
        .transpose()?
        .map(|url| url.to_string()))
}

fn names(speakers: &[&Speaker]) -> String {
    speakers
        .iter()
        .map(|speaker| speaker.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plain text: who spoke, where and when, the excerpt, and the episode's note.
fn description(feed: &Feed, episode: &Episode, speakers: &[&Speaker]) -> String {
    let mut lines = Vec::new();
    for speaker in speakers {
        match &speaker.title {
            Some(title) => lines.push(format!("Speaker: {}, {title}", speaker.name)),
            None => lines.push(format!("Speaker: {}", speaker.name)),
        }
    }
    if let Some(event) = episode.event.as_ref().and_then(|id| feed.event(id)) {
        lines.push(format!(
            "Event: {}, {}",
            event.title,
            event.date.format("%B %-d, %Y")
        ));
    }
    let mut text = lines.join("\n");
    text.push_str("\n\n");
    text.push_str(episode.excerpt.trim());
    if let Some(note) = &episode.note {
        text.push_str("\n\n");
        text.push_str(note.trim());
    }
    text
}
