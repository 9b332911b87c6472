//! Every problem of every file at once (issue 13): a problem in one file, table or key does
//! not hide the others, and a broken speaker registry makes no "unknown speaker" cascade.

use super::{EPISODE, FEED_HEAD, SPEAKERS, problems};

fn feed_with(from: &str, to: &str) -> String {
    format!("{FEED_HEAD}{EPISODE}").replace(from, to)
}

#[test]
fn a_syntax_error_in_one_file_does_not_stop_the_check_of_the_others() {
    let broken = feed_with("language = \"en\"", "language = en");
    let unknown_key = feed_with("excerpt =", "exerpt = \"x\"\nexcerpt =");
    let dangling = feed_with("[\"maryam-rajavi\"]", "[\"nobody\"]");
    assert_eq!(
        problems(
            Some(SPEAKERS),
            &[("a", &broken), ("b", &unknown_key), ("c", &dangling)]
        ),
        [
            "feeds/a.toml:4:12: string values must be quoted, expected literal string",
            "feeds/b.toml:18:1: unknown field `exerpt` (did you mean `excerpt`?)",
            "feeds/c.toml:16:13: no speaker `nobody` in `feeds/speakers.toml`",
        ]
    );
}

#[test]
fn every_syntax_error_of_a_file_is_reported() {
    let text = feed_with("language = \"en\"", "language = en")
        .replace("title = \"Keynote\"", "title = \"Keynote");
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        [
            "feeds/a.toml:4:12: string values must be quoted, expected literal string",
            "feeds/a.toml:14:17: invalid basic string, expected `\"`",
        ]
    );
}

#[test]
fn an_unknown_key_does_not_hide_the_other_problems_of_its_file() {
    let text = feed_with("language = \"en\"", "language = \"English\"")
        .replace("excerpt =", "season = \"one\"\nnotes = \"x\"\nexcerpt =")
        .replace("https://example.org/keynote.mp3", "ftp://example.org/k.mp3");
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        [
            "feeds/a.toml:4:12: `language`: `English` is not an ISO 639 code such as `en` or `en-US`",
            "feeds/a.toml:17:9: `audio`: unsupported URL scheme `ftp` in `ftp://example.org/k.mp3`: use http(s) or a path inside the archive",
            "feeds/a.toml:18:10: invalid type: string \"one\", expected u32",
            "feeds/a.toml:19:1: unknown field `notes` (did you mean `note`?)",
        ]
    );
}

#[test]
fn every_missing_key_of_a_table_is_reported() {
    let text = feed_with(
        "language = \"en\"\npublic_url = \"https://archive.example.org/\"\n",
        "",
    );
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        [
            "feeds/a.toml:1:1: missing field `language`",
            "feeds/a.toml:1:1: missing field `public_url`",
        ]
    );
}

#[test]
fn a_misspelled_required_key_is_not_also_missing() {
    let text = feed_with("title = \"Speeches\"", "titel = \"Speeches\"");
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        ["feeds/a.toml:2:1: unknown field `titel` (did you mean `title`?)"]
    );
}

#[test]
fn a_bad_value_in_the_registry_hides_no_error_of_the_feeds() {
    let registry = format!("{SPEAKERS}role = \"keynote\"\n");
    let text = feed_with("language = \"en\"", "language = \"English\"");
    assert_eq!(
        problems(Some(&registry), &[("a", &text)]),
        [
            "feeds/speakers.toml:5:8: unknown role `keynote`; see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)",
            "feeds/a.toml:4:12: `language`: `English` is not an ISO 639 code such as `en` or `en-US`",
        ]
    );
}

#[test]
fn a_speaker_with_a_problem_is_not_reported_unknown_where_credited() {
    let registry = SPEAKERS.replace("name = \"Maryam Rajavi\"", "name = \"\"");
    let text = feed_with("[\"maryam-rajavi\"]", "[\"maryam-rajavi\", \"nobody\"]");
    assert_eq!(
        problems(Some(&registry), &[("a", &text)]),
        [
            "feeds/speakers.toml:3:8: `name` is empty: a speaker needs a name",
            "feeds/a.toml:16:30: no speaker `nobody` in `feeds/speakers.toml`",
        ]
    );
}

#[test]
fn a_registry_with_a_syntax_error_makes_no_unknown_speaker_errors() {
    let registry = SPEAKERS.replace("name = \"Maryam Rajavi\"", "name = Maryam Rajavi");
    let text = feed_with("[\"maryam-rajavi\"]", "[\"maryam-rajavi\", \"anyone\"]")
        .replace("event = \"conference\"", "event = \"conferences\"");
    assert_eq!(
        problems(Some(&registry), &[("a", &text)]),
        [
            "feeds/speakers.toml:3:8: string values must be quoted, expected literal string",
            "feeds/a.toml:15:9: no event `conferences` in this feed (did you mean `conference`?)",
        ]
    );
}

#[test]
fn a_misspelled_speakers_header_makes_no_unknown_speaker_errors() {
    let registry = SPEAKERS.replace("[speakers.", "[speaker.");
    let text = feed_with("[\"maryam-rajavi\"]", "[\"maryam-rajavi\", \"anyone\"]");
    assert_eq!(
        problems(Some(&registry), &[("a", &text)]),
        ["feeds/speakers.toml:2:2: unknown field `speaker` (did you mean `speakers`?)"]
    );
}

#[test]
fn one_speaker_with_a_problem_leaves_the_others_checked() {
    let registry = format!(
        "{SPEAKERS}\n[speakers.a]\nname = \"A\"\nrol = \"host\"\n\n[speakers.b]\nname = \"B\"\ngroup = \"casts\"\n"
    );
    assert_eq!(
        problems(Some(&registry), &[]),
        [
            "feeds/speakers.toml:8:1: unknown field `rol` (did you mean `role`?)",
            "feeds/speakers.toml:12:9: unknown group `casts` (did you mean `cast`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)",
        ]
    );
}

#[test]
fn an_event_with_a_problem_is_not_reported_missing_where_named() {
    let text = feed_with("date = 2020-11-10", "date = 2020-11-31");
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        ["feeds/a.toml:10:8: invalid date, expected day between 01 and 30"]
    );
}

#[test]
fn a_feed_with_a_bad_file_name_is_checked_all_the_same() {
    let text = feed_with("[\"maryam-rajavi\"]", "[\"nobody\"]");
    assert_eq!(
        problems(Some(SPEAKERS), &[("Talks", &text)]),
        [
            "feeds/Talks.toml: file name: feed id `Talks` may only contain `a-z`, `0-9` and `-`",
            "feeds/Talks.toml:16:13: no speaker `nobody` in `feeds/speakers.toml`",
        ]
    );
}

#[test]
fn tables_in_the_wrong_shape_say_how_to_write_them() {
    let text = format!("{FEED_HEAD}{EPISODE}").replace("[[episode]]", "[episode]");
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        [
            "feeds/a.toml:12:1: `episode` must be written as tables: `[[episode]]`, one for each episode"
        ]
    );
    let text = EPISODE.replace("event = \"conference\"", "published = 2020-11-10");
    assert_eq!(
        problems(Some(SPEAKERS), &[("a", &text)]),
        ["feeds/a.toml: missing table `[feed]`: every feed file needs one"]
    );
}
