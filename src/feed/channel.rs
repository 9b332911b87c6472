//! The `<channel>`: what Apple Podcasts requires, plus `podcast:guid`, `podcast:locked`,
//! channel-level `podcast:person`s and `atom:link rel="self"`.

use rss::extension::ExtensionMap;
use rss::extension::itunes::{ITunesCategory, ITunesChannelExtension, ITunesOwner};
use rss::{Channel, Image};

use super::document::Document;
use super::namespace::{self, element};
use super::text::{clean, cut};
use crate::Error;
use crate::assets::Assets;
use crate::catalog::{Catalog, Category};

/// Apple's limit for descriptions, in bytes.
pub const DESCRIPTION_LIMIT: usize = 4000;

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

/// Builds the channel of `document`, without its items (see [`super::render_all`]).
pub(super) fn build(
    catalog: &Catalog,
    document: &Document<'_>,
    assets: &Assets<'_>,
) -> Result<Channel, Error> {
    let info = &document.channel;
    let image = info
        .image
        .map(|image| assets.url(image, &info.place))
        .transpose()?;
    let title = clean(&info.title);

    let mut channel = Channel::default();
    channel.set_namespaces(namespace::declarations());
    channel.set_title(title.clone());
    channel.set_link(info.link.clone());
    channel.set_description(cut(&clean(&info.description), DESCRIPTION_LIMIT));
    channel.set_language(info.language.to_owned());
    channel.set_generator("speech-archive".to_owned());
    // The newest episode's date, so that the same inputs give the same bytes.
    channel.set_pub_date(
        document
            .entries
            .first()
            .map(|entry| entry.episode.published.to_rfc2822()),
    );
    if let Some(url) = &image {
        let mut rss_image = Image::default();
        rss_image.set_url(url.to_string());
        rss_image.set_title(title);
        rss_image.set_link(info.link.clone());
        channel.set_image(rss_image);
    }
    let itunes = ITunesChannelExtension {
        author: info.author.as_deref().map(clean),
        image: image.map(|url| url.to_string()),
        explicit: Some(info.explicit.to_string()),
        r#type: Some("episodic".to_owned()),
        owner: info.owner.map(|owner| ITunesOwner {
            name: Some(clean(&owner.name)),
            email: Some(owner.email.clone()),
        }),
        categories: info.categories.iter().map(itunes_category).collect(),
        ..ITunesChannelExtension::default()
    };
    channel.set_itunes_ext(itunes);
    channel.set_extensions(extensions(catalog, document, assets)?);
    Ok(channel)
}

fn extensions(
    catalog: &Catalog,
    document: &Document<'_>,
    assets: &Assets<'_>,
) -> Result<ExtensionMap, Error> {
    let info = &document.channel;
    let mut extensions = ExtensionMap::default();
    let self_link = [
        ("href", document.url.as_str()),
        ("rel", "self"),
        ("type", "application/rss+xml"),
    ];
    namespace::push(&mut extensions, element("atom", "link", &self_link, None));
    let guid = podcast_guid(document.guid_url.as_str()).to_string();
    namespace::push(
        &mut extensions,
        element("podcast", "guid", &[], Some(&guid)),
    );
    let locked = if info.locked { "yes" } else { "no" };
    let owner: Vec<(&str, &str)> = info
        .owner
        .map(|owner| ("owner", owner.email.as_str()))
        .into_iter()
        .collect();
    namespace::push(
        &mut extensions,
        element("podcast", "locked", &owner, Some(locked)),
    );
    for credit in &info.persons {
        if let Some(person) = super::item::person(catalog, credit, &info.place, assets)? {
            namespace::push(&mut extensions, person);
        }
    }
    Ok(extensions)
}

fn itunes_category(category: &Category) -> ITunesCategory {
    ITunesCategory {
        text: category.name.clone(),
        subcategory: category.sub.as_ref().map(|sub| {
            Box::new(ITunesCategory {
                text: sub.clone(),
                subcategory: None,
            })
        }),
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
