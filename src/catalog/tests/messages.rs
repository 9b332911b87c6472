//! Errors that say what to do (issue 16): the nearest valid name for a mistyped one, quoted
//! dates, categories at their own line, and counts in words.

use std::path::Path;

use super::{EPISODE, FEED_HEAD, SPEAKERS, feed, problems};
use crate::catalog::{CatalogError, Diagnostic, FeedId, suggest_feed};

fn feed_with(from: &str, to: &str) -> String {
    format!("{FEED_HEAD}{EPISODE}").replace(from, to)
}

fn only_problem(text: &str) -> String {
    let found = problems(Some(SPEAKERS), &[("talks", text)]);
    assert_eq!(found.len(), 1, "{found:#?}");
    found[0].clone()
}

#[test]
fn a_quoted_date_says_to_remove_the_quotes() {
    let text = feed_with("date = 2020-11-10", "date = \"2020-11-10\"");
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:10:8: `date` is quoted: remove the quotes, TOML dates are bare (`date = 2020-11-10`)"
    );
    let text = feed_with(
        "excerpt =",
        "published = \"2020-11-10T18:00:00Z\"\nexcerpt =",
    );
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:18:13: `published` is quoted: remove the quotes, TOML dates are bare (`published = 2020-11-10T18:00:00Z`)"
    );
}

#[test]
fn a_misspelled_field_suggests_the_field_not_the_list() {
    let text = feed_with("speakers =", "speeker =");
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:16:1: unknown field `speeker` (did you mean `speakers`?)"
    );
    let text = feed_with(
        "[\"maryam-rajavi\"]",
        "[{ id = \"maryam-rajavi\", rol = \"host\" }]",
    );
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:16:37: unknown field `rol` (did you mean `role`?)"
    );
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace("[[episode]]", "[[episodes]]")
    );
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:12:3: unknown field `episodes` (did you mean `episode`?)"
    );
}

#[test]
fn an_unknown_speaker_suggests_the_nearest_id() {
    let text = feed_with("[\"maryam-rajavi\"]", "[\"maryam\"]");
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:16:13: no speaker `maryam` in `feeds/speakers.toml` (did you mean `maryam-rajavi`?)"
    );
}

#[test]
fn an_unknown_role_or_group_suggests_the_nearest_one() {
    let text = feed_with(
        "[\"maryam-rajavi\"]",
        "[{ id = \"maryam-rajavi\", role = \"hots\" }]",
    );
    assert_eq!(
        only_problem(&text),
        "feeds/talks.toml:16:44: unknown role `hots` (did you mean `host`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
    );
    let registry = format!("{SPEAKERS}group = \"writers\"\n");
    assert_eq!(
        problems(Some(&registry), &[]),
        [
            "feeds/speakers.toml:5:9: unknown group `writers` (did you mean `writing`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        ]
    );
}

#[test]
fn a_role_outside_its_group_names_the_group_it_belongs_to() {
    let registry = format!("{SPEAKERS}role = \"director\"\ngroup = \"cast\"\n");
    assert_eq!(
        problems(Some(&registry), &[]),
        [
            "feeds/speakers.toml:5:8: role `director` is not in group `cast` (`director` belongs to `creative direction`)"
        ]
    );
}

#[test]
fn categories_are_at_their_own_line() {
    let text = feed_with(
        "language = \"en\"",
        "language = \"en\"\ncategories = [\n  \"News\",\n  \"Government\",\n]",
    );
    let feed = feed(&text).unwrap();
    let lines: Vec<usize> = feed.channel.categories.iter().map(|c| c.line).collect();
    assert_eq!(lines, [6, 7]);
    assert_eq!(feed.channel.line, 1);
}

#[test]
fn an_unknown_feed_suggests_the_nearest_one() {
    let text = format!("{FEED_HEAD}{EPISODE}");
    let sources = crate::catalog::Sources {
        speakers: Some(crate::catalog::SourceText::new(
            crate::catalog::SPEAKERS_FILE,
            SPEAKERS.to_owned(),
        )),
        feeds: vec![crate::catalog::SourceText::new("feeds/talks.toml", text)],
    };
    let catalog = crate::catalog::check(&sources, Path::new(".")).unwrap();
    let talks = FeedId::parse("talks").unwrap();
    assert_eq!(suggest_feed(&catalog, "talk"), Some(&talks));
    assert_eq!(suggest_feed(&catalog, "Talks"), Some(&talks));
    assert_eq!(suggest_feed(&catalog, "interviews"), None);
}

#[test]
fn the_count_of_problems_is_in_words() {
    let one = Diagnostic::whole_file(Path::new("feeds/a.toml"), "a");
    let error = |count| CatalogError {
        diagnostics: vec![one.clone(); count],
    };
    assert_eq!(
        error(1).to_string(),
        "feeds/a.toml: a\n1 problem in the catalog; nothing was written"
    );
    assert!(
        error(2)
            .to_string()
            .ends_with("\n2 problems in the catalog; nothing was written")
    );
}
