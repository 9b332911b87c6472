//! The example archive: sync from a fresh copy, sync again, and the feed it writes.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use predicates::prelude::*;

use crate::support::{archive, example_archive, parse_feed, read, synced_example};

const FEED: &str = "feeds/iran-protests-anniversary.xml";

fn mtimes(root: &Path, dirs: &[&str]) -> HashMap<String, SystemTime> {
    let mut times = HashMap::new();
    for dir in dirs {
        for entry in walk(&root.join(dir)) {
            let modified = std::fs::metadata(&entry).unwrap().modified().unwrap();
            times.insert(entry.display().to_string(), modified);
        }
    }
    times
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[test]
fn sync_publishes_every_speech_and_a_second_sync_changes_nothing() {
    let dir = example_archive();
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "sync: 4 new, 0 changed, 0 unchanged, 0 offline, 0 failed",
        ));
    let feed = read(dir.path(), FEED);
    let before = mtimes(dir.path(), &["media", ".archive", "feeds"]);
    std::thread::sleep(std::time::Duration::from_millis(20));

    archive(dir.path())
        .arg("sync")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "sync: 0 new, 0 changed, 4 unchanged, 0 offline, 0 failed",
        ));
    assert_eq!(read(dir.path(), FEED), feed);
    // Nothing was copied, probed, recorded or rewritten.
    assert_eq!(mtimes(dir.path(), &["media", ".archive", "feeds"]), before);
}

#[test]
fn the_feed_is_the_same_bytes_from_sync_and_from_build() {
    let dir = synced_example();
    let synced = read(dir.path(), FEED);
    std::fs::remove_file(dir.path().join(FEED)).unwrap();
    archive(dir.path()).arg("build").assert().code(0);
    assert_eq!(read(dir.path(), FEED), synced);
}

#[test]
fn example_feed_snapshot() {
    let dir = synced_example();
    insta::assert_snapshot!("example_feed", read(dir.path(), FEED));
}

#[test]
fn xmllint_accepts_the_feed() {
    let dir = synced_example();
    let status = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(dir.path().join(FEED))
        .status()
        .expect("xmllint is needed by this test (Debian package libxml2-utils)");
    assert!(status.success());
}

/// The description is HTML: the excerpt's paragraphs, escaped (angle brackets as `‹ ›`).
fn assert_paragraphs(description: &str, excerpt: &str) {
    for paragraph in excerpt.split("\n\n").map(str::trim) {
        let html = paragraph
            .replace('&', "&amp;")
            .replace('<', "‹")
            .replace('>', "›")
            .replace('\n', "<br>");
        assert!(
            description.contains(&format!("<p>{html}</p>")),
            "{description}"
        );
    }
}

#[test]
fn every_item_parses_back_with_the_fields_of_its_episode() {
    let dir = synced_example();
    let channel = parse_feed(dir.path(), "iran-protests-anniversary");
    let catalog: toml::Table =
        toml::from_str(&read(dir.path(), "feeds/iran-protests-anniversary.toml")).unwrap();
    let episodes = catalog["episode"].as_array().unwrap();
    assert_eq!(channel.items().len(), episodes.len());
    assert_eq!(channel.language(), Some("en"));
    let itunes = channel.itunes_ext().unwrap();
    assert_eq!(itunes.explicit(), Some("false"));
    assert!(
        itunes
            .image()
            .unwrap()
            .starts_with("https://archive.example.org/media/iran-protests-anniversary/cover-")
    );
    let podcast = &channel.extensions()["podcast"];
    assert_eq!(podcast["locked"][0].value(), Some("yes"));
    assert_eq!(
        podcast["guid"][0].value(),
        Some(
            uuid::Uuid::new_v5(
                &uuid::uuid!("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
                b"archive.example.org/feeds/iran-protests-anniversary.xml"
            )
            .to_string()
            .as_str()
        )
    );
    for episode in episodes {
        let title = episode["title"].as_str().unwrap();
        let item = channel
            .items()
            .iter()
            .find(|item| item.title() == Some(title))
            .unwrap();
        assert_paragraphs(
            item.description().unwrap(),
            episode["excerpt"].as_str().unwrap(),
        );
        assert!(
            item.description()
                .unwrap()
                .contains("Synthetic stand-in recording"),
            "{title}"
        );

        let media = assert_enclosures(dir.path(), item, episode, title);

        let guid = item.guid().unwrap();
        assert!(!guid.is_permalink());
        let expected_guid = speech_archive::catalog::derived_guid(
            &speech_archive::catalog::FeedId::parse("iran-protests-anniversary").unwrap(),
            &speech_archive::catalog::EpisodeId::parse(episode["id"].as_str().unwrap()).unwrap(),
        );
        assert_eq!(guid.value(), expected_guid);
        let published = episode["published"].as_datetime().unwrap().to_string();
        let pub_date = chrono::DateTime::parse_from_rfc2822(item.pub_date().unwrap()).unwrap();
        assert_eq!(
            pub_date,
            chrono::DateTime::parse_from_rfc3339(&published).unwrap()
        );

        // The duration is the rendition's, which is the source's to within one MP3 frame.
        let probe = speech_archive::probe::probe_file(&dir.path().join(media)).unwrap();
        let source =
            speech_archive::probe::probe_file(&dir.path().join(episode["audio"].as_str().unwrap()))
                .unwrap();
        assert!(
            (probe.duration - source.duration).abs() <= 1152.0 / 44_100.0,
            "{title}"
        );
        let item_itunes = item.itunes_ext().unwrap();
        assert_eq!(
            item_itunes.duration(),
            Some(probe.whole_seconds().to_string().as_str())
        );
        let speaker = episode["speakers"][0].as_str().unwrap();
        let person = &item.extensions()["podcast"]["person"][0];
        assert_eq!(person.attrs()["role"], "guest");
        assert_eq!(person.attrs()["group"], "cast");
        assert_eq!(item_itunes.author(), person.value());
        assert!(read(dir.path(), "feeds/speakers.toml").contains(&format!(
            "[speakers.{speaker}]\nname = \"{}\"",
            person.value().unwrap()
        )));
    }
}

#[test]
fn build_before_any_sync_writes_an_empty_feed_and_says_why() {
    let dir = example_archive();
    archive(dir.path())
        .arg("build")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "archive: warning: episode `iran-protests-anniversary/2020-11-10-maryam-rajavi` is left out of `feeds/iran-protests-anniversary.xml`: it has no synced recording yet",
        ));
    assert!(
        parse_feed(dir.path(), "iran-protests-anniversary")
            .items()
            .is_empty()
    );
}

/// The enclosure is the loudness-normalised MP3; the original recording, published byte for
/// byte, is the second alternate enclosure. Returns the enclosure's archive path.
fn assert_enclosures<'a>(
    root: &std::path::Path,
    item: &'a rss::Item,
    episode: &toml::Value,
    title: &str,
) -> &'a str {
    let enclosure = item.enclosure().unwrap();
    let media = enclosure
        .url()
        .strip_prefix("https://archive.example.org/")
        .unwrap();
    let size = std::fs::metadata(root.join(media)).unwrap().len();
    assert_eq!(enclosure.length(), size.to_string(), "{title}");
    assert_eq!(enclosure.mime_type(), "audio/mpeg", "{title}");
    let audio = episode["audio"].as_str().unwrap();
    let expected_type = match audio.rsplit('.').next().unwrap() {
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "opus" => "audio/ogg",
        "flac" => "audio/flac",
        other => panic!("unexpected extension {other}"),
    };
    let original = &item.extensions()["podcast"]["alternateEnclosure"][1];
    assert_eq!(original.attrs()["type"], expected_type, "{title}");
    let original_url = &original.children()["source"][0].attrs()["uri"];
    let original_media = original_url
        .strip_prefix("https://archive.example.org/")
        .unwrap();
    assert_eq!(
        std::fs::read(root.join(original_media)).unwrap(),
        std::fs::read(root.join(audio)).unwrap()
    );
    media
}
