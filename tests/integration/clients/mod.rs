//! Real podcast clients parse our feeds: gPodder's podcastparser, feedparser, and Podcast
//! Index's partytime (installed by `tests/clients/setup.sh`). Each must see every item's
//! title, GUID, enclosure and duration, and the persons, transcripts and chapters where it
//! reads them, on the example feed, a speaker feed and a stress feed full of hostile text.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{archive, example_archive, repo, sync, write};

fn clients() -> PathBuf {
    repo().join("tests/clients")
}

/// Runs one client on a feed file and returns what it printed.
fn parse_with(client: &str, feed: &Path) -> Value {
    let dir = clients();
    let (program, script) = match client {
        "partytime" => (PathBuf::from("node"), dir.join("partytime.js")),
        "podcastparser" => (
            dir.join(".venv/bin/python"),
            dir.join("podcastparser_dump.py"),
        ),
        "feedparser" => (dir.join(".venv/bin/python"), dir.join("feedparser_dump.py")),
        other => panic!("no client {other}"),
    };
    let output = Command::new(&program)
        .arg(&script)
        .arg(feed)
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "{client}: cannot run {}: {err}; run tests/clients/setup.sh",
                program.display()
            )
        });
    assert!(
        output.status.success(),
        "{client} failed on {}: {}\n(run tests/clients/setup.sh if it is not installed)",
        feed.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// What every client must see of an item, taken from the feed itself with the rss crate.
struct Expected {
    title: String,
    guid: String,
    url: String,
    length: u64,
    mime_type: String,
    duration: u64,
    persons: Vec<(String, String, String)>,
    transcript: Option<(String, String, bool)>,
    chapters: Option<String>,
    season: Option<u64>,
    episode: Option<u64>,
    soundbite: Option<(f64, f64)>,
}

fn expected(feed: &Path) -> Vec<Expected> {
    let channel = rss::Channel::read_from(&std::fs::read(feed).unwrap()[..]).unwrap();
    channel
        .items()
        .iter()
        .map(|item| {
            let enclosure = item.enclosure().unwrap();
            let podcast = item.extensions().get("podcast");
            let elements = |name: &str| {
                podcast
                    .and_then(|p| p.get(name))
                    .cloned()
                    .unwrap_or_default()
            };
            Expected {
                title: item.title().unwrap().to_owned(),
                guid: item.guid().unwrap().value().to_owned(),
                url: enclosure.url().to_owned(),
                length: enclosure.length().parse().unwrap(),
                mime_type: enclosure.mime_type().to_owned(),
                duration: item
                    .itunes_ext()
                    .unwrap()
                    .duration()
                    .unwrap()
                    .parse()
                    .unwrap(),
                persons: elements("person")
                    .iter()
                    .map(|p| {
                        (
                            p.value().unwrap().to_owned(),
                            p.attrs()["role"].clone(),
                            p.attrs()["group"].clone(),
                        )
                    })
                    .collect(),
                transcript: elements("transcript").first().map(|t| {
                    (
                        t.attrs()["url"].clone(),
                        t.attrs()["type"].clone(),
                        t.attrs().get("rel").is_some(),
                    )
                }),
                chapters: elements("chapters")
                    .first()
                    .map(|c| c.attrs()["url"].clone()),
                season: elements("season")
                    .first()
                    .and_then(|s| s.value()?.parse().ok()),
                episode: elements("episode")
                    .first()
                    .and_then(|e| e.value()?.parse().ok()),
                soundbite: elements("soundbite").first().map(|s| {
                    (
                        s.attrs()["startTime"].parse().unwrap(),
                        s.attrs()["duration"].parse().unwrap(),
                    )
                }),
            }
        })
        .collect()
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Checks one client's view of a feed against the feed itself.
fn assert_client_sees(client: &str, feed: &Path) {
    let expected = expected(feed);
    let seen = parse_with(client, feed);
    let items = seen["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        expected.len(),
        "{client}: item count of {}",
        feed.display()
    );
    for (want, got) in expected.iter().zip(items) {
        let at = format!("{client}, {}", want.guid);
        assert_eq!(text(&got["title"]), want.title, "{at}: title");
        assert_eq!(text(&got["guid"]), want.guid, "{at}: guid");
        assert_eq!(text(&got["url"]), want.url, "{at}: enclosure url");
        assert_eq!(
            got["length"].as_u64(),
            Some(want.length),
            "{at}: enclosure length"
        );
        assert_eq!(text(&got["type"]), want.mime_type, "{at}: enclosure type");
        assert_eq!(
            got["duration"].as_u64(),
            Some(want.duration),
            "{at}: duration"
        );
        match client {
            "partytime" => partytime_extras(&at, want, got),
            "podcastparser" => podcastparser_extras(&at, want, got),
            _ => {
                let content = got["content"].as_str().unwrap_or_default();
                assert!(
                    content.starts_with("<p>"),
                    "{at}: content:encoded is {content:?}"
                );
            }
        }
    }
}

/// What partytime reads of the podcast namespace.
fn partytime_extras(at: &str, want: &Expected, got: &Value) {
    let persons: Vec<_> = got["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                text(&p["name"]),
                text(&p["role"]).to_lowercase(),
                text(&p["group"]).to_lowercase(),
            )
        })
        .collect();
    assert_eq!(persons, want.persons, "{at}: persons");
    let transcripts: Vec<_> = got["transcripts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (text(&t["url"]), text(&t["type"]), t["rel"].is_string()))
        .collect();
    assert_eq!(
        transcripts,
        want.transcript.iter().cloned().collect::<Vec<_>>(),
        "{at}: transcripts"
    );
    assert_eq!(
        got["chapters"].as_str().map(str::to_owned),
        want.chapters,
        "{at}: chapters"
    );
    assert_eq!(got["season"].as_u64(), want.season, "{at}: season");
    assert_eq!(got["episode"].as_u64(), want.episode, "{at}: episode");
    let bites: Vec<(f64, f64)> = got["soundbites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["start"].as_f64().unwrap(),
                s["duration"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        bites,
        want.soundbite.iter().copied().collect::<Vec<_>>(),
        "{at}: soundbites"
    );
}

/// What podcastparser reads of the podcast namespace.
fn podcastparser_extras(at: &str, want: &Expected, got: &Value) {
    let persons: Vec<_> = got["persons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (text(&p["name"]), text(&p["role"]), text(&p["group"])))
        .collect();
    assert_eq!(persons, want.persons, "{at}: persons");
    let transcript = want.transcript.as_ref().map(|(url, _, _)| url.clone());
    assert_eq!(
        got["transcript"].as_str().map(str::to_owned),
        transcript,
        "{at}: transcript"
    );
    assert_eq!(
        got["chapters"].as_str().map(str::to_owned),
        want.chapters,
        "{at}: chapters"
    );
}

fn assert_every_client_sees(feed: &Path) {
    let status = Command::new("xmllint")
        .arg("--noout")
        .arg(feed)
        .status()
        .expect("xmllint (libxml2-utils)");
    assert!(status.success(), "xmllint rejects {}", feed.display());
    for client in ["partytime", "podcastparser", "feedparser"] {
        assert_client_sees(client, feed);
    }
}

#[test]
fn every_client_reads_the_example_feed_and_a_speaker_feed() {
    let dir = example_archive();
    archive(dir.path()).arg("sync").assert().code(0);
    let feed = dir.path().join("feeds/iran-protests-anniversary.xml");
    assert_every_client_sees(&feed);
    // The channel: Podcast Index reads podcast:guid and podcast:locked, gPodder podcast:locked.
    let guid = speech_archive::feed::podcast_guid(
        "https://archive.example.org/feeds/iran-protests-anniversary.xml",
    );
    let partytime = parse_with("partytime", &feed);
    assert_eq!(partytime["guid"], guid.to_string());
    assert_eq!(partytime["locked"], true);
    assert_eq!(parse_with("podcastparser", &feed)["locked"], true);
    assert_every_client_sees(&dir.path().join("feeds/speakers/maryam-rajavi.xml"));
}

/// Text that breaks naive feed writers: markup characters, CDATA ends, emoji, Persian (RTL),
/// and control characters XML forbids.
fn hostile(n: usize) -> String {
    let pieces = [
        "Fish & chips <b>bold</b> \"quoted\" 'single'",
        "ends ]]> a CDATA section ]]>",
        "🎙️ live from the square 🇮🇷",
        "مریم رجوی: قیام آبان ادامه دارد",
        "bell\u{7} vertical\u{B} form\u{C} escape\u{1B} nul-free",
        "a \u{202B}right-to-left\u{202C} embedding",
    ];
    format!("{n}: {}", pieces[n % pieces.len()])
}

#[test]
fn every_client_reads_a_stress_feed_of_500_hostile_items() {
    let dir = tempfile::TempDir::new().unwrap();
    let root = dir.path();
    write(
        root,
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"مریم رجوی & Maryam Rajavi <NCRI>\"\nhref = \"https://example.org/?a=1&b=2\"\n\n\
         [speakers.guest]\nname = \"Guest \\\"the\\\" 'speaker' ]]>\"\nrole = \"Co-Host\"\n",
    );
    std::fs::create_dir_all(root.join("recordings")).unwrap();
    std::fs::copy(
        crate::support::fixture("mp3-cbr-xing.mp3"),
        root.join("recordings/a.mp3"),
    )
    .unwrap();
    write(
        root,
        "recordings/a.vtt",
        "WEBVTT\n\n00:00.000 --> 00:04.000\nFish & chips <b>\n",
    );
    write(
        root,
        "recordings/a.chapters.json",
        r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"A & B"}]}"#,
    );
    let mut catalog = String::from(
        "[feed]\ntitle = \"Stress & <test> ]]> 🎙\"\ndescription = \"Hostile text\"\nlanguage = \"fa\"\n\
         public_url = \"https://archive.example.org/a&b/\"\nimage = \"https://archive.example.org/cover.png\"\n\
         categories = [\"News > Politics\"]\n",
    );
    for n in 0..500 {
        let speakers = if n % 3 == 0 {
            r#"["maryam-rajavi", "guest"]"#
        } else {
            r#"["maryam-rajavi"]"#
        };
        let _ = write!(
            catalog,
            "\n[[episode]]\nid = \"e{n}\"\ntitle = {title}\nspeakers = {speakers}\naudio = \"recordings/a.mp3\"\n\
             published = 2020-11-10T{hour:02}:{minute:02}:00Z\nexcerpt = {excerpt}\n",
            title = toml_string(&hostile(n)),
            excerpt = toml_string(&format!("{}\n\n{}", hostile(n + 1), hostile(n + 2))),
            hour = n / 60 % 24,
            minute = n % 60,
        );
        if n % 50 == 0 {
            let _ = write!(
                catalog,
                "transcript = \"recordings/a.vtt\"\nchapters = \"recordings/a.chapters.json\"\n\
                 season = 1\nnumber = {}\nsoundbite = {{ start = 0.5, duration = 2.25, title = \"A & <B>\" }}\n",
                n / 50 + 1
            );
        }
    }
    write(root, "feeds/stress.toml", &catalog);
    sync(root).arg("--quiet").assert().code(0);

    let feed = root.join("feeds/stress.xml");
    let channel = rss::Channel::read_from(&std::fs::read(&feed).unwrap()[..]).unwrap();
    assert_eq!(channel.items().len(), 500);
    for item in channel.items() {
        // The title comes back as written, less what XML cannot carry.
        let n: usize = item
            .title()
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let clean: String = hostile(n)
            .chars()
            .filter(|c| !matches!(c, '\u{7}' | '\u{B}' | '\u{C}' | '\u{1B}'))
            .collect();
        assert_eq!(item.title(), Some(clean.as_str()));
        // So does the excerpt, `]]>` and all, in the CDATA of the description.
        let excerpt: String = hostile(n + 1)
            .chars()
            .filter(|c| !matches!(c, '\u{7}' | '\u{B}' | '\u{C}' | '\u{1B}'))
            .collect();
        assert!(
            item.description().unwrap().contains(&excerpt),
            "{:?}",
            item.description()
        );
    }
    assert_every_client_sees(&feed);
    assert_every_client_sees(&root.join("feeds/speakers/guest.xml"));
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}
