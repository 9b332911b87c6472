//! Catalog errors, each pinned to its exact text and position. [`all_at_once`] covers
//! catalogs with problems in several places; [`messages`], errors that say what to do.

mod all_at_once;
mod messages;

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

const SPEAKERS: &str = r#"
[speakers.maryam-rajavi]
name = "Maryam Rajavi"
title = "NCRI President-elect"
"#;

const FEED_HEAD: &str = r#"[feed]
title = "Speeches"
description = "An archive"
language = "en"
public_url = "https://archive.example.org/"

[[event]]
id = "conference"
title = "Online conference"
date = 2020-11-10
"#;

const EPISODE: &str = r#"
[[episode]]
id = "keynote"
title = "Keynote"
event = "conference"
speakers = ["maryam-rajavi"]
audio = "https://example.org/keynote.mp3"
excerpt = "The uprising…"
"#;

fn speakers() -> BTreeMap<SpeakerId, Speaker> {
    parse_speakers(
        &SourceText::new(SPEAKERS_FILE, SPEAKERS.into()),
        Path::new("."),
    )
    .unwrap()
}

fn feed(text: &str) -> Result<Feed, Vec<Diagnostic>> {
    let source = SourceText::new("feeds/talks.toml", text.to_owned());
    parse_feed(
        FeedId::parse("talks").unwrap(),
        &source,
        Path::new("."),
        &speakers(),
    )
}

/// Checks a registry (if any) and feed files `(id, text)` together, as `archive` does; the
/// first line (`file:line:col: message`) of every problem.
fn problems(speakers: Option<&str>, feeds: &[(&str, &str)]) -> Vec<String> {
    let sources = Sources {
        speakers: speakers.map(|text| SourceText::new(SPEAKERS_FILE, text.to_owned())),
        feeds: feeds
            .iter()
            .map(|(id, text)| SourceText::new(format!("feeds/{id}.toml"), (*text).to_owned()))
            .collect(),
    };
    match check(&sources, Path::new(".")) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics
            .iter()
            .map(|d| d.to_string().lines().next().unwrap_or_default().to_owned())
            .collect(),
    }
}

/// The one diagnostic `text` produces, rendered.
fn error(text: &str) -> String {
    let diagnostics = feed(text).unwrap_err();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    diagnostics[0].to_string()
}

#[test]
fn a_valid_feed_parses() {
    let feed = feed(&format!("{FEED_HEAD}{EPISODE}")).unwrap();
    let episode = &feed.episodes[0];
    assert_eq!(episode.published.to_rfc3339(), "2020-11-10T00:00:00+00:00");
    assert_eq!(episode.credits[0].role, "guest");
    assert_eq!(episode.guid, derived_guid(&feed.id, &episode.id));
    assert_eq!(
        feed.channel.public_url.as_str(),
        "https://archive.example.org/"
    );
}

#[test]
fn unknown_key() {
    let text = format!("{FEED_HEAD}{EPISODE}url = \"x\"\n");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:19:1: unknown field `url`, expected one of `id`, `title`, `event`, \
         `speakers`, `audio`, `excerpt`, `note`, `published`, `guid`, `sha256`, `transcript`, `chapters`, \
         `image`, `explicit`, `season`, `number`, `episode_type`, `soundbite`, `rendition`\n   |\n19 | url = \"x\"\n   | ^^^"
    );
}

#[test]
fn malformed_toml() {
    let text = FEED_HEAD.replace("language = \"en\"", "language = en");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:4:12: string values must be quoted, expected literal string\n  |\n4 | language = en\n  |            ^^"
    );
}

#[test]
fn missing_required_field() {
    let text = FEED_HEAD.replace("language = \"en\"\n", "");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:1:1: missing field `language`\n  |\n1 | [feed]\n  | ^^^^^^"
    );
}

#[test]
fn bad_id() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace("id = \"keynote\"", "id = \"Keynote 1\"")
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:13:6: id `Keynote 1` may only contain `a-z`, `0-9` and `-`\n   |\n13 | id = \"Keynote 1\"\n   |      ^^^^^^^^^^^"
    );
}

#[test]
fn dangling_speaker() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace("[\"maryam-rajavi\"]", "[\"maryam-rajav\"]")
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:16:13: no speaker `maryam-rajav` in `feeds/speakers.toml` (did you mean `maryam-rajavi`?)\n   |\n16 | speakers = [\"maryam-rajav\"]\n   |             ^^^^^^^^^^^^^^"
    );
}

#[test]
fn dangling_event() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace("event = \"conference\"", "event = \"conferance\"")
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:15:9: no event `conferance` in this feed (did you mean `conference`?)\n   |\n15 | event = \"conferance\"\n   |         ^^^^^^^^^^^^"
    );
}

#[test]
fn duplicate_episode_id() {
    let text = format!("{FEED_HEAD}{EPISODE}{EPISODE}");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:21:6: duplicate episode id `keynote` (first defined on line 13)\n   |\n21 | id = \"keynote\"\n   |      ^^^^^^^^^"
    );
}

#[test]
fn malformed_url() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace(
            "https://example.org/keynote.mp3",
            "https://exa mple.org/k.mp3"
        )
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:17:9: `audio`: malformed URL `https://exa mple.org/k.mp3`: invalid international domain name\n   |\n17 | audio = \"https://exa mple.org/k.mp3\"\n   |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn unsupported_scheme() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace("https://example.org/keynote.mp3", "file:///etc/passwd")
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:17:9: `audio`: unsupported URL scheme `file` in `file:///etc/passwd`: use http(s) or a path inside the archive\n   |\n17 | audio = \"file:///etc/passwd\"\n   |         ^^^^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn malformed_date() {
    let text = FEED_HEAD.replace("date = 2020-11-10", "date = 2020-11-31");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:10:8: invalid date, expected day between 01 and 30\n   |\n10 | date = 2020-11-31\n   |        ^^^^^^^^^^"
    );
}

#[test]
fn date_given_as_a_string() {
    let text = FEED_HEAD.replace("date = 2020-11-10", "date = \"November 10, 2020\"");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:10:8: `date` must be a bare TOML date such as `2020-11-10` or `2020-11-10T18:00:00Z`, not the string `November 10, 2020`\n   |\n10 | date = \"November 10, 2020\"\n   |        ^^^^^^^^^^^^^^^^^^^"
    );
}

#[test]
fn bad_language() {
    let text = FEED_HEAD.replace("language = \"en\"", "language = \"English\"");
    assert_eq!(
        error(&text),
        "feeds/talks.toml:4:12: `language`: `English` is not an ISO 639 code such as `en` or `en-US`\n  |\n4 | language = \"English\"\n  |            ^^^^^^^^^"
    );
}

#[test]
fn path_outside_the_archive() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace("https://example.org/keynote.mp3", "../secret.mp3")
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:17:9: `audio`: path `../secret.mp3` must stay inside the archive (relative, without `..`)\n   |\n17 | audio = \"../secret.mp3\"\n   |         ^^^^^^^^^^^^^^^"
    );
}

#[test]
fn every_problem_of_a_file_is_reported() {
    let text = format!(
        "{}{}",
        FEED_HEAD.replace("language = \"en\"", "language = \"xx-yyyy\""),
        EPISODE.replace("[\"maryam-rajavi\"]", "[\"nobody\"]")
    );
    let messages: Vec<String> = feed(&text)
        .unwrap_err()
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        messages,
        [
            "`language`: `xx-yyyy` is not an ISO 639 code such as `en` or `en-US`",
            "no speaker `nobody` in `feeds/speakers.toml`",
        ]
    );
}

#[test]
fn speaker_roles_follow_the_taxonomy() {
    let registry = "[speakers.x]\nname = \"X\"\nrole = \"keynote\"\n";
    let source = SourceText::new(SPEAKERS_FILE, registry.into());
    let diagnostics = parse_speakers(&source, Path::new(".")).unwrap_err();
    assert_eq!(
        diagnostics[0].to_string(),
        "feeds/speakers.toml:3:8: unknown role `keynote`; see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)\n  |\n3 | role = \"keynote\"\n  |        ^^^^^^^^^"
    );
}

#[test]
fn a_role_without_a_group_takes_its_own_group() {
    let registry = "[speakers.x]\nname = \"X\"\nrole = \"Producer\"\n";
    let source = SourceText::new(SPEAKERS_FILE, registry.into());
    let speakers = parse_speakers(&source, Path::new(".")).unwrap();
    let speaker = speakers.values().next().unwrap();
    assert_eq!(
        (speaker.role, speaker.group),
        ("producer", "creative direction")
    );
}

#[test]
fn a_speaker_credited_twice() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace(
            "[\"maryam-rajavi\"]",
            "[\"maryam-rajavi\", \"maryam-rajavi\"]"
        )
    );
    assert_eq!(
        error(&text),
        "feeds/talks.toml:16:30: speaker `maryam-rajavi` is credited twice\n   |\n16 | speakers = [\"maryam-rajavi\", \"maryam-rajavi\"]\n   |                              ^^^^^^^^^^^^^^^"
    );
}

#[test]
fn a_credit_overrides_the_role_on_one_episode() {
    let text = format!(
        "{FEED_HEAD}{}",
        EPISODE.replace(
            "[\"maryam-rajavi\"]",
            "[{ id = \"maryam-rajavi\", role = \"host\" }]"
        )
    );
    let feed = feed(&text).unwrap();
    assert_eq!(feed.episodes[0].credits[0].role, "host");
}

#[test]
fn names_may_be_any_unicode() {
    let registry = "[speakers.maryam-rajavi]\nname = \"مریم رجوی\"\n";
    let source = SourceText::new(SPEAKERS_FILE, registry.into());
    let speakers = parse_speakers(&source, Path::new(".")).unwrap();
    assert_eq!(speakers.values().next().unwrap().name, "مریم رجوی");
}
