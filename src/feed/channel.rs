//! The head of a document: the `<rss>` element with its namespaces, and the `<channel>`'s own
//! elements: what Apple Podcasts requires, plus `podcast:guid`, `podcast:locked`,
//! channel-level `podcast:person`s and `atom:link rel="self"`. Items and [`TAIL`] follow it.
//!
//! The Podcasting 2.0 namespace is declared under its canonical URI,
//! `https://podcastindex.org/namespace/1.0`, which the specification names and feed-rs,
//! feedsmith, Podcast Index and Apple expect. gPodder's podcastparser 0.6.11 knows only the
//! GitHub URI and so misses the `podcast:` elements; `tests/integration/clients.rs` pins
//! exactly what each client reads.

use super::document::Document;
use super::text::{clean, cut};
use super::xml::Xml;
use crate::Error;
use crate::assets::Assets;
use crate::catalog::{Catalog, Category};

/// Apple's limit for descriptions, in bytes.
pub const DESCRIPTION_LIMIT: usize = 4000;

/// The Podcasting 2.0 namespace.
pub const PODCAST_NAMESPACE: &str = "https://podcastindex.org/namespace/1.0";

/// The attributes of `<rss>`: the version and the namespace declarations.
const RSS_ATTRIBUTES: [(&str, &str); 5] = [
    ("version", "2.0"),
    ("xmlns:atom", "http://www.w3.org/2005/Atom"),
    ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
    ("xmlns:itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"),
    ("xmlns:podcast", PODCAST_NAMESPACE),
];

/// What ends every document, after its items.
pub const TAIL: &str = "\n  </channel>\n</rss>\n";

/// The namespace of `podcast:guid` UUIDs, fixed by the Podcasting 2.0 specification.
const PODCAST_GUID_NAMESPACE: uuid::Uuid = uuid::uuid!("ead4c236-bf58-58c6-a2c6-a6b28d128cb6");

/// The `podcast:guid` of a feed: `UUIDv5` of its URL without the scheme and trailing slashes.
pub fn podcast_guid(feed_url: &str) -> uuid::Uuid {
    let without_scheme = feed_url
        .split_once("://")
        .map_or(feed_url, |(_, rest)| rest);
    uuid::Uuid::new_v5(
        &PODCAST_GUID_NAMESPACE,
        without_scheme.trim_end_matches('/').as_bytes(),
    )
}

/// The head of `document`: everything before its first item.
pub(super) fn head(
    catalog: &Catalog,
    document: &Document<'_>,
    assets: &Assets<'_>,
) -> Result<String, Error> {
    let info = &document.channel;
    let image = info
        .image
        .map(|image| assets.url(image, &info.place))
        .transpose()?;
    let title = clean(&info.title);
    let mut xml = Xml::new(0);
    xml.declaration();
    xml.open("rss", &RSS_ATTRIBUTES);
    xml.open("channel", &[]);
    xml.text("title", &[], &title);
    xml.text("link", &[], &info.link);
    let description = cut(&clean(&info.description), DESCRIPTION_LIMIT);
    xml.text("description", &[], &description);
    xml.text("language", &[], info.language);
    // The newest episode's date, so that the same inputs give the same bytes.
    if let Some(entry) = document.entries.first() {
        xml.text("pubDate", &[], &entry.episode.published.to_rfc2822());
    }
    xml.text("generator", &[], "speech-archive");
    if let Some(url) = &image {
        xml.open("image", &[]);
        xml.text("url", &[], url.as_str());
        xml.text("title", &[], &title);
        xml.text("link", &[], &info.link);
        xml.close("image");
    }
    let self_link = [
        ("href", document.url.as_str()),
        ("rel", "self"),
        ("type", "application/rss+xml"),
    ];
    xml.empty("atom:link", &self_link);
    podcast(&mut xml, catalog, document, assets)?;
    itunes(&mut xml, document, image.as_ref().map(url::Url::as_str));
    Ok(xml.finish())
}

/// `podcast:guid`, `podcast:locked` and the channel's persons.
fn podcast(
    xml: &mut Xml,
    catalog: &Catalog,
    document: &Document<'_>,
    assets: &Assets<'_>,
) -> Result<(), Error> {
    let info = &document.channel;
    let guid = podcast_guid(document.guid_url.as_str()).to_string();
    xml.text("podcast:guid", &[], &guid);
    let locked = if info.locked { "yes" } else { "no" };
    let email = info.owner.map(|owner| clean(&owner.email));
    let owner: Vec<(&str, &str)> = email
        .iter()
        .map(|email| ("owner", email.as_str()))
        .collect();
    xml.text("podcast:locked", &owner, locked);
    for credit in &info.persons {
        super::item::person(xml, catalog, credit, &info.place, assets)?;
    }
    Ok(())
}

/// The channel's iTunes elements.
fn itunes(xml: &mut Xml, document: &Document<'_>, image: Option<&str>) {
    let info = &document.channel;
    if let Some(author) = &info.author {
        xml.text("itunes:author", &[], &clean(author));
    }
    for category in info.categories {
        itunes_category(xml, category);
    }
    if let Some(href) = image {
        xml.empty("itunes:image", &[("href", href)]);
    }
    xml.text("itunes:explicit", &[], &info.explicit.to_string());
    if let Some(owner) = info.owner {
        xml.open("itunes:owner", &[]);
        xml.text("itunes:name", &[], &clean(&owner.name));
        xml.text("itunes:email", &[], &clean(&owner.email));
        xml.close("itunes:owner");
    }
    xml.text("itunes:type", &[], "episodic");
}

fn itunes_category(xml: &mut Xml, category: &Category) {
    let text = [("text", category.name.as_str())];
    match &category.sub {
        Some(sub) => {
            xml.open("itunes:category", &text);
            xml.empty("itunes:category", &[("text", sub)]);
            xml.close("itunes:category");
        }
        None => xml.empty("itunes:category", &text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from the Podcasting 2.0 `podcast:guid` documentation.
    #[test]
    fn podcast_guid_matches_the_specification_example() {
        let guid = podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml");
        assert_eq!(guid.to_string(), "917393e3-1b1e-5cef-ace4-edaa54e1f810");
    }
}
