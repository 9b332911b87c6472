//! The XML namespaces the feed declares, and helpers for elements outside the rss crate's own.
//!
//! The Podcasting 2.0 namespace is declared under its GitHub URI with the `podcast` prefix:
//! gPodder's podcastparser recognises only that URI, Podcast Index's parser (partytime) matches
//! the `podcast:` prefix, and `AntennaPod` accepts both URIs. `tests/integration/clients.rs`
//! proves it with the first two.

use std::collections::BTreeMap;

use rss::extension::{Extension, ExtensionMap};

/// The Podcasting 2.0 namespace URI that every client we test reads.
pub const PODCAST: &str =
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md";
/// The Atom namespace, for `atom:link rel="self"`.
pub const ATOM: &str = "http://www.w3.org/2005/Atom";
/// The content module, for `content:encoded`.
pub const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
/// The iTunes namespace.
pub const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";

/// The namespace declarations of the `<rss>` element.
pub fn declarations() -> BTreeMap<String, String> {
    [
        ("atom", ATOM),
        ("content", CONTENT),
        ("itunes", ITUNES),
        ("podcast", PODCAST),
    ]
    .into_iter()
    .map(|(prefix, uri)| (prefix.to_owned(), uri.to_owned()))
    .collect()
}

/// An element `prefix:name` with attributes and optional text.
pub fn element(prefix: &str, name: &str, attrs: &[(&str, &str)], value: Option<&str>) -> Extension {
    Extension {
        name: format!("{prefix}:{name}"),
        value: value.map(str::to_owned),
        attrs: attrs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect(),
        children: BTreeMap::new(),
    }
}

/// Adds `extension` under its prefix and local name.
pub fn push(map: &mut ExtensionMap, extension: Extension) {
    let (prefix, local) = extension
        .name
        .split_once(':')
        .map(|(p, l)| (p.to_owned(), l.to_owned()))
        .unwrap_or_default();
    map.entry(prefix)
        .or_default()
        .entry(local)
        .or_default()
        .push(extension);
}
