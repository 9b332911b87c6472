//! The `<channel>`: what Apple Podcasts requires, plus `podcast:guid`, `podcast:locked` and
//! `atom:link rel="self"`.

use rss::extension::ExtensionMap;
use rss::extension::itunes::{ITunesCategory, ITunesChannelExtension, ITunesOwner};
use rss::{Channel, Image, Item};

use super::Assets;
use super::namespace::{self, element};
use crate::Error;
use crate::catalog::{Category, Feed};

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

/// Builds the channel around `items` (already in feed order).
pub(super) fn build(feed: &Feed, items: Vec<Item>, assets: &Assets<'_>) -> Result<Channel, Error> {
    let meta = &feed.channel;
    let feed_url = feed.xml_url();
    let link = meta.link.as_ref().unwrap_or(&meta.public_url).to_string();
    let image = meta
        .image
        .as_ref()
        .map(|image| assets.url(image))
        .transpose()?;

    let mut channel = Channel::default();
    channel.set_namespaces(namespace::declarations());
    channel.set_title(meta.title.clone());
    channel.set_link(link.clone());
    channel.set_description(meta.description.clone());
    channel.set_language(meta.language.clone());
    channel.set_generator("speech-archive".to_owned());
    // The newest episode's date, so that the same inputs give the same bytes.
    channel.set_pub_date(items.first().and_then(|item| item.pub_date.clone()));
    if let Some(url) = &image {
        let mut rss_image = Image::default();
        rss_image.set_url(url.to_string());
        rss_image.set_title(meta.title.clone());
        rss_image.set_link(link);
        channel.set_image(rss_image);
    }

    let itunes = ITunesChannelExtension {
        author: meta.author.clone(),
        image: image.map(|url| url.to_string()),
        explicit: Some(meta.explicit.to_string()),
        r#type: Some("episodic".to_owned()),
        owner: meta.owner.as_ref().map(|owner| ITunesOwner {
            name: Some(owner.name.clone()),
            email: Some(owner.email.clone()),
        }),
        categories: meta.categories.iter().map(itunes_category).collect(),
        ..ITunesChannelExtension::default()
    };
    channel.set_itunes_ext(itunes);

    let mut extensions = ExtensionMap::default();
    let self_link = [
        ("href", feed_url.as_str()),
        ("rel", "self"),
        ("type", "application/rss+xml"),
    ];
    namespace::push(&mut extensions, element("atom", "link", &self_link, None));
    let guid = podcast_guid(feed_url.as_str()).to_string();
    namespace::push(
        &mut extensions,
        element("podcast", "guid", &[], Some(&guid)),
    );
    let locked = if meta.locked { "yes" } else { "no" };
    let owner: Vec<(&str, &str)> = meta
        .owner
        .as_ref()
        .map(|owner| ("owner", owner.email.as_str()))
        .into_iter()
        .collect();
    namespace::push(
        &mut extensions,
        element("podcast", "locked", &owner, Some(locked)),
    );
    channel.set_extensions(extensions);
    channel.set_items(items);
    Ok(channel)
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
