//! Search across every speech: the index the build writes beside the pages, the script that
//! searches it in the browser, and `archive search`, which reads the same files and ranks
//! the same way.
//!
//! - [`normalize`]: words and the terms they fold to (case, diacritics, Persian and Arabic
//!   letter variants).
//! - [`index`]: `feeds/search/index.js` (speeches, speakers, events) and the term chunks.
//! - [`postings`]: posting lists as bits.
//! - [`passage`]: each speech's passages, and the one a result shows.
//! - [`rank`]: the integer ranking both sides share.
//! - [`query`]: `archive search`.
//!
//! Every file is a script, `archiveSearchData({...});`, so that a page opened from `file://`
//! can load it with a `<script>` element where `fetch` is refused. The JSON inside names
//! pages by their path from `feeds/`, so the files are the same wherever they are published.

pub mod index;
pub mod normalize;
pub mod passage;
pub mod postings;
pub mod query;
pub mod rank;

use serde::Serialize;

use crate::catalog::{EpisodeId, FeedId};
use crate::confined::ArchivePath;

pub use query::{Hit, SearchError, Shown, search};

/// The page script's source, the same on every page.
pub const SCRIPT: &str = include_str!("search.js");

/// Most bytes of the script as published.
pub const MAX_SCRIPT: usize = 10_000;

/// The page script as published: [`SCRIPT`] without its comment lines, blank lines and
/// indentation (no string or template in it spans lines).
pub fn script() -> String {
    let mut text = String::with_capacity(SCRIPT.len());
    for line in SCRIPT.lines().map(str::trim_start) {
        if !line.is_empty() && !line.starts_with("//") {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// Where the page script goes.
pub const SCRIPT_PATH: &str = "feeds/search.js";

/// Where the list of speeches goes.
pub const INDEX_PATH: &str = "feeds/search/index.js";

/// What every data file begins and ends with.
const DATA_START: &str = "archiveSearchData(";
const DATA_END: &str = ");\n";

/// One speech as the index lists it.
pub struct Speech<'a> {
    /// Its page, from `feeds/` and without `.html`: `<feed-id>/<episode-id>`.
    pub page: String,
    pub title: &'a str,
    /// Name and page (`speakers/<id>`) of each speaker.
    pub speakers: Vec<(&'a str, String)>,
    /// Title and page (`<feed-id>/events/<id>`) of its event.
    pub event: Option<(&'a str, String)>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub excerpt: &'a str,
}

/// Where the chunk `n` of terms goes.
pub fn chunk_path(n: usize) -> ArchivePath {
    ArchivePath::parse(&format!("feeds/search/terms-{n}.js")).expect("a valid path")
}

/// Where the passages of an episode go.
pub fn passages_path(feed: &FeedId, episode: &EpisodeId) -> ArchivePath {
    ArchivePath::parse(&format!("feeds/search/{feed}/{episode}.js"))
        .expect("ids are valid path segments")
}

/// Whether `path` is a file of the search (the script, the index, a chunk, passages).
pub fn is_search_file(path: &ArchivePath) -> bool {
    path.extension().as_deref() == Some("js")
        && (path.as_str() == SCRIPT_PATH || path.is_under("feeds/search"))
}

/// `value` as a data file.
pub fn data_file(value: &impl Serialize) -> String {
    // Serializing plain structs of strings and numbers cannot fail.
    let json = serde_json::to_string(value).unwrap_or_default();
    format!("{DATA_START}{json}{DATA_END}")
}

/// The JSON inside a data file.
pub fn data_json(text: &str) -> Option<&str> {
    text.strip_prefix(DATA_START)?.strip_suffix(DATA_END)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_round_trip() {
        let text = data_file(&("a", 1));
        assert_eq!(text, "archiveSearchData([\"a\",1]);\n");
        assert_eq!(data_json(&text), Some("[\"a\",1]"));
        assert_eq!(data_json("alert(1)"), None);
    }

    #[test]
    fn the_published_script_is_small_and_keeps_its_code() {
        let text = script();
        assert!(text.len() < MAX_SCRIPT, "{} bytes", text.len());
        assert!(text.starts_with("(() => {\n\"use strict\";\n"));
        assert!(text.ends_with("})();\n"));
        assert!(!text.contains("\n//") && !text.contains("\n "));
    }

    #[test]
    fn search_files_are_recognised() {
        let path = |p: &str| ArchivePath::parse(p).unwrap();
        assert!(is_search_file(&path("feeds/search.js")));
        assert!(is_search_file(&path("feeds/search/talks/one.js")));
        assert!(!is_search_file(&path("feeds/custom.js")));
        assert!(!is_search_file(&path("feeds/search/talks/one.html")));
    }
}
