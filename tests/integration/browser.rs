//! The web pages in a real browser: headless Chromium (Debian's `chromium`) driven by
//! playwright-core loads the pages from `archive serve` (or from `file://`), checks that
//! every speech is listed with its excerpt and that each player loads its recording with the
//! probed duration, and saves a screenshot under the test target directory. The speech and
//! event pages ([`speech`]) and the search ([`search`]) have their own files.

mod search;
mod speech;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::serve::Serving;
use crate::support::{repo, sync, synced_example};

fn browse(url: &str, screenshot: &Path) -> Value {
    browse_with(url, screenshot, &json!({}))
}

/// Loads `url`, does what `options` say (see `tests/clients/browser.js`), and reports.
fn browse_with(url: &str, screenshot: &Path, options: &Value) -> Value {
    let output = Command::new("node")
        .arg(repo().join("tests/clients/browser.js"))
        .arg(url)
        .arg(screenshot)
        .arg(options.to_string())
        .current_dir(repo().join("tests/clients"))
        .output()
        .expect("node is needed by this test");
    assert!(
        output.status.success(),
        "the browser failed (is Debian's chromium installed, and tests/clients/setup.sh run?): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn screenshot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Basic accessibility and phone-screen checks shared by every page.
fn assert_accessible(page: &Value) {
    assert!(
        page["status"] == 200 || page["status"].is_null(),
        "{}",
        page["status"]
    );
    assert_eq!(page["images_without_alt"], 0);
    assert_eq!(page["inputs_without_label"], 0);
    assert_eq!(page["errors"], json!([]), "no script errors");
    for script in page["scripts"].as_array().unwrap() {
        let script = script.as_str().unwrap();
        assert!(
            script.ends_with("search.js") || script == "application/ld+json",
            "only the archive's own script: {script}"
        );
    }
    assert_eq!(page["overflow"], false, "fits a 390-pixel phone screen");
    let headings: Vec<u64> = page["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_u64().unwrap())
        .collect();
    assert_eq!(headings.first(), Some(&1));
    for pair in headings.windows(2) {
        assert!(
            pair[1] <= pair[0] + 1,
            "heading order skips a level: {headings:?}"
        );
    }
}

#[test]
fn the_feed_page_lists_every_speech_and_its_players_load() {
    let dir = synced_example();
    let catalog = speech_archive::catalog::load(dir.path()).unwrap();
    let feed = &catalog.feeds[0];
    let (records, _) = speech_archive::state::State::new(dir.path())
        .load_feed(&feed.id)
        .unwrap();
    let server = Serving::start(dir.path(), &[]);
    let url = format!("http://{}/feeds/{}.html", server.host, feed.id);
    let shot = screenshot("feed-page.png");
    let page = browse(&url, &shot);
    assert_accessible(&page);
    assert_eq!(page["lang"], "en");
    assert_eq!(
        page["subscribe"][0],
        format!("http://{}/feeds/{}.xml", server.host, feed.id)
    );
    let articles = page["articles"].as_array().unwrap();
    assert_eq!(articles.len(), feed.episodes.len());
    for episode in &feed.episodes {
        let article = articles
            .iter()
            .find(|a| a["id"] == episode.id.as_str())
            .unwrap();
        assert_eq!(article["title"], episode.title.as_str());
        assert_eq!(
            words(article["excerpt"].as_str().unwrap()),
            words(&episode.excerpt)
        );
        assert_eq!(article["preload"], "none");
        assert_eq!(
            article["error"],
            Value::Null,
            "{}: the player could not load {}",
            episode.id,
            article["src"]
        );
        let duration = article["duration"].as_f64().unwrap();
        let probed = records[&episode.id].probe.duration;
        assert!(
            (duration - probed).abs() <= 1.0,
            "{}: the browser says {duration} s, the probe {probed} s",
            episode.id
        );
    }
    assert!(std::fs::metadata(&shot).unwrap().len() > 0);
}

#[test]
fn a_speaker_page_lists_their_speeches() {
    let dir = synced_example();
    let server = Serving::start(dir.path(), &[]);
    let page = browse(
        &format!("http://{}/feeds/speakers/hasti-hesami.html", server.host),
        &screenshot("speaker-page.png"),
    );
    assert_accessible(&page);
    assert_eq!(page["title"], "Speeches by Hasti Hesami");
    let articles = page["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0]["id"], "2020-11-10-hasti-hesami");
    assert_eq!(articles[0]["error"], Value::Null);
    let index = browse(
        &format!("http://{}/feeds/", server.host),
        &screenshot("index-page.png"),
    );
    assert_accessible(&index);
}

/// axe-core's violations at `serious` or `critical`: none.
fn assert_no_serious_violations(page: &Value) {
    let serious: Vec<&Value> = page["axe"]
        .as_array()
        .expect("axe ran")
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(serious.is_empty(), "axe-core: {serious:#?}");
}

/// The feed of the Persian speech [`persian_archive`] adds.
const PERSIAN_FEED: &str = r#"[feed]
title = "سخنرانی‌ها"
description = "بایگانی آزمایشی"
language = "fa"
public_url = "https://archive.example.org/"

[[event]]
id = "aban"
title = "یادبود قیام آبان"
date = 2020-11-15

[[episode]]
id = "aban-speech"
title = "سخنرانی در یادبود قیام آبان"
event = "aban"
speakers = ["maryam-rajavi"]
audio = "recordings/2020-11-10-hasti-hesami.flac"
transcript = "recordings/aban.vtt"
excerpt = """
قیام آبان نشان داد که مردم ایران خواهان آزادی هستند. کشتار معترضان جنایتی علیه بشریت بود."""
"#;

/// Its transcript: the second cue has words the excerpt does not (with a kasra and a
/// zero-width non-joiner inside them).
const PERSIAN_TRANSCRIPT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nقیام آبان نشان داد که مردم ایران خواهان آزادی هستند.\n\n00:00:04.500 --> 00:00:09.000\nیادِ جان‌باختگان گرامی باد.\n";

/// The example archive with a Persian feed of one speech, synced.
fn persian_archive() -> tempfile::TempDir {
    let dir = synced_example();
    crate::support::write(dir.path(), "feeds/farsi.toml", PERSIAN_FEED);
    crate::support::write(dir.path(), "recordings/aban.vtt", PERSIAN_TRANSCRIPT);
    sync(dir.path()).assert().code(0);
    dir
}

/// `archive search --json QUERY`: the result pages, in order.
fn cli_search(root: &Path, query: &str) -> Vec<String> {
    let output = crate::support::archive(root)
        .args(["search", "--json", "--limit", "20", query])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hits: Value = serde_json::from_slice(&output.stdout).unwrap();
    hits.as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["page"].as_str().unwrap().to_owned())
        .collect()
}
