//! What a speech page tells the sites it is shared on and search engines: the canonical
//! link, a description, Open Graph and Twitter card meta (title, description from the
//! excerpt, image, `og:audio` with the enclosure), and JSON-LD: a schema.org
//! `PodcastEpisode` with its `associatedMedia`, `partOfSeries`, the speakers as `actor`
//! (people credited in another group than the cast as `contributor`) and the event it was
//! recorded at. Absolute URLs are written as they are (JSON does not escape `/`), so that
//! `archive serve` can put its own address in place of the public URL.

use std::fmt::Write as _;

use serde_json::{Value, json};
use url::Url;

use crate::catalog::Catalog;
use crate::feed::document::Entry;
use crate::feed::text::{cut, escape_html};
use crate::media;

/// Longest description, in bytes.
const DESCRIPTION: usize = 300;

/// The image a share preview shows, and its alt text.
pub struct Image {
    pub url: Url,
    pub alt: String,
}

/// The page's public URL: `<public_url>feeds/<feed-id>/<episode-id>.html`.
pub fn canonical(entry: &Entry<'_>) -> Url {
    let path = super::Page::Speech(*entry).path();
    media::public_url(&entry.feed.channel.public_url, &path)
}

/// The description: the excerpt's start, on one line.
pub fn description(entry: &Entry<'_>) -> String {
    let flat = entry.episode.excerpt.split_whitespace().collect::<Vec<_>>();
    cut(&flat.join(" "), DESCRIPTION)
}

/// The meta elements and the JSON-LD of a speech page's head.
pub fn head(catalog: &Catalog, entry: &Entry<'_>, image: Option<&Image>) -> String {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let url = canonical(entry);
    let enclosure = record.enclosure();
    let audio = media::public_url(&feed.channel.public_url, enclosure.media);
    let mut meta = vec![
        ("property", "og:type", "article".to_owned()),
        ("property", "og:site_name", feed.channel.title.clone()),
        ("property", "og:title", episode.title.clone()),
        ("property", "og:description", description(entry)),
        ("property", "og:url", url.to_string()),
        ("property", "og:audio", audio.to_string()),
        ("property", "og:audio:type", enclosure.mime_type.to_owned()),
        ("name", "twitter:card", "summary".to_owned()),
        ("name", "twitter:title", episode.title.clone()),
        ("name", "twitter:description", description(entry)),
    ];
    if let Some(image) = image {
        meta.extend([
            ("property", "og:image", image.url.to_string()),
            ("property", "og:image:alt", image.alt.clone()),
            ("name", "twitter:image", image.url.to_string()),
            ("name", "twitter:image:alt", image.alt.clone()),
        ]);
    }
    let mut head = format!(
        "\n<link rel=\"canonical\" href=\"{}\">\n<meta name=\"description\" content=\"{}\">",
        escape_html(url.as_str()),
        escape_html(&description(entry))
    );
    for (attribute, name, content) in meta {
        let _ = write!(
            head,
            "\n<meta {attribute}=\"{name}\" content=\"{}\">",
            escape_html(&content)
        );
    }
    // `<` is escaped so that no text can end the script element.
    let json = json_ld(catalog, entry, image)
        .to_string()
        .replace('<', "\\u003c");
    let _ = write!(
        head,
        "\n<script type=\"application/ld+json\">{json}</script>"
    );
    head
}

/// ISO 8601 duration of whole seconds: `PT1H2M3S`.
fn iso_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let mut text = String::from("PT");
    if h > 0 {
        let _ = write!(text, "{h}H");
    }
    if m > 0 {
        let _ = write!(text, "{m}M");
    }
    if s > 0 || (h == 0 && m == 0) {
        let _ = write!(text, "{s}S");
    }
    text
}

fn json_ld(catalog: &Catalog, entry: &Entry<'_>, image: Option<&Image>) -> Value {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let base = &feed.channel.public_url;
    let duration = iso_duration(record.enclosure().whole_seconds());
    let (mut actors, mut contributors) = (Vec::new(), Vec::new());
    for credit in &episode.credits {
        let Some(speaker) = catalog.speakers.get(&credit.speaker) else {
            continue;
        };
        let page = super::Page::Speaker(speaker).path();
        let mut person = json!({
            "@type": "Person",
            "name": speaker.name,
            "url": media::public_url(base, &page).to_string(),
        });
        if let Some(title) = &speaker.title {
            person["jobTitle"] = json!(title);
        }
        if credit.group == "cast" {
            actors.push(person);
        } else {
            contributors.push(person);
        }
    }
    let feed_page = super::Page::Feed(feed).path();
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "PodcastEpisode",
        "@id": canonical(entry).to_string(),
        "url": canonical(entry).to_string(),
        "name": episode.title,
        "description": description(entry),
        "datePublished": episode.published.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "timeRequired": duration,
        "inLanguage": feed.channel.language,
        "associatedMedia": {
            "@type": "AudioObject",
            "contentUrl": media::public_url(base, record.enclosure().media).to_string(),
            "encodingFormat": record.enclosure().mime_type,
            "contentSize": record.enclosure().size.to_string(),
            "duration": duration,
        },
        "partOfSeries": {
            "@type": "PodcastSeries",
            "name": feed.channel.title,
            "url": media::public_url(base, &feed_page).to_string(),
            "webFeed": feed.xml_url().to_string(),
        },
    });
    if !actors.is_empty() {
        ld["actor"] = Value::Array(actors);
    }
    if !contributors.is_empty() {
        ld["contributor"] = Value::Array(contributors);
    }
    if let Some(image) = image {
        ld["image"] = json!(image.url.to_string());
    }
    if let Some(event) = episode.event.as_ref().and_then(|id| feed.event(id)) {
        let page = super::Page::Event(feed, event).path();
        ld["recordedAt"] = json!({
            "@type": "Event",
            "name": event.title,
            "startDate": event.date.format("%Y-%m-%d").to_string(),
            "url": media::public_url(base, &page).to_string(),
        });
    }
    ld
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_in_iso_8601() {
        assert_eq!(super::iso_duration(0), "PT0S");
        assert_eq!(super::iso_duration(164), "PT2M44S");
        assert_eq!(super::iso_duration(3600), "PT1H");
        assert_eq!(super::iso_duration(3723), "PT1H2M3S");
    }
}
