//! "Did you mean": the valid name closest to a mistyped one, for every error that names an
//! unknown speaker, role, group, category, field, event or feed.
//!
//! Closeness is the Jaro-Winkler similarity of the lowercased texts, which favours a shared
//! beginning (`hasti` → `hasti-hesami`) and forgives swapped and dropped letters (`speeker` →
//! `speakers`). Below [`THRESHOLD`] nothing is suggested: a wrong guess is worse than none.

use super::id::FeedId;
use super::model::Catalog;

/// The similarity, from 0 to 1, a candidate needs to be suggested.
pub const THRESHOLD: f64 = 0.8;

/// The candidate most like `value` (ignoring case), if it is like it enough to be what was
/// meant; the first of equals.
pub fn close<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value = value.trim().to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&value, &candidate.to_lowercase());
        if score >= THRESHOLD && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// ` (did you mean `x`?)`, or nothing without a suggestion: the tail of an error message.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!(" (did you mean `{s}`?)"))
}

/// The feed of `catalog` whose id is closest to `wanted`, for an unknown `--feed`.
pub fn suggest_feed<'a>(catalog: &'a Catalog, wanted: &str) -> Option<&'a FeedId> {
    let found = close(wanted, catalog.feeds.iter().map(|feed| feed.id.as_str()))?;
    catalog
        .feeds
        .iter()
        .map(|feed| &feed.id)
        .find(|id| id.as_str() == found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_only_close_names() {
        let fields = ["id", "title", "speakers", "season", "sha256", "soundbite"];
        assert_eq!(close("speeker", fields), Some("speakers"));
        assert_eq!(close("Titel", fields), Some("title"));
        assert_eq!(close("url", fields), None);
        let ids = ["maryam-rajavi", "hasti-hesami", "parvin"];
        assert_eq!(close("maryam-rajav", ids), Some("maryam-rajavi"));
        assert_eq!(close("hasti", ids), Some("hasti-hesami"));
        assert_eq!(close("somebody-else", ids), None);
    }

    #[test]
    fn ignores_case_on_both_sides() {
        assert_eq!(close("news", ["News", "Arts"]), Some("News"));
        assert_eq!(close("GOVERMENT", ["Government"]), Some("Government"));
    }

    #[test]
    fn did_you_mean_is_empty_without_a_suggestion() {
        assert_eq!(did_you_mean(Some("host")), " (did you mean `host`?)");
        assert_eq!(did_you_mean(None), "");
    }
}
