//! The XML namespaces the feed declares, and helpers for elements outside the rss crate's own.

use std::collections::BTreeMap;

use rss::extension::{Extension, ExtensionMap};

/// The Podcasting 2.0 namespace URI.
pub const PODCAST: &str = "https://podcastindex.org/namespace/1.0";
/// The Atom namespace, for `atom:link rel="self"`.
pub const ATOM: &str = "http://www.w3.org/2005/Atom";
/// The iTunes namespace.
pub const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";

/// The namespace declarations of the `<rss>` element.
pub fn declarations() -> BTreeMap<String, String> {
    [("atom", ATOM), ("itunes", ITUNES), ("podcast", PODCAST)]
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
