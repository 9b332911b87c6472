//! `archive check`: findings point at the catalog line at fault; errors exit 1.

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{
    FEED_HEAD, archive, archive_with, episode, fixture, read, sync, synced_example, write,
};

fn check_json(root: &std::path::Path) -> (Vec<Value>, i32) {
    let output = archive(root).args(["check", "--json"]).output().unwrap();
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    (
        findings.as_array().unwrap().clone(),
        output.status.code().unwrap(),
    )
}

fn has(findings: &[Value], rule: &str, severity: &str, message: &str) -> bool {
    findings.iter().any(|f| {
        f["rule"] == rule
            && f["severity"] == severity
            && f["message"].as_str().unwrap().contains(message)
    })
}

/// With renditions on, every enclosure is an MP3, so the example passes clean; with them off,
/// its Ogg Opus and FLAC recordings are published as they are, and Apple ignores both.
#[test]
fn the_example_archive_passes_and_warns_about_apple_only_without_renditions() {
    let dir = synced_example();
    archive(dir.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout("")
        .stderr("check: 0 errors, 0 warnings\n");

    let feed = dir.path().join("feeds/iran-protests-anniversary.toml");
    let mut text = std::fs::read_to_string(&feed).unwrap();
    text.push_str("\n[feed.rendition]\nenabled = false\n");
    std::fs::write(&feed, text).unwrap();
    sync(dir.path()).arg("--quiet").assert().code(0);
    archive(dir.path())
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "feeds/iran-protests-anniversary.toml:29: warning[enclosure-type]: episode `iran-protests-anniversary/2020-11-10-maryam-rajavi` is `audio/ogg`, which Apple Podcasts ignores (it plays MP3 and M4A)",
        ))
        .stderr("check: 0 errors, 2 warnings\n");
}

/// A copy of a feed head with one line replaced.
fn head_with(from: &str, to: &str) -> String {
    FEED_HEAD.replace(from, to)
}

fn local_episode(dir: &std::path::Path) -> String {
    std::fs::create_dir_all(dir.join("recordings")).unwrap();
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), dir.join("recordings/a.mp3")).unwrap();
    episode("a", "recordings/a.mp3")
}

#[test]
fn artwork_and_categories_are_checked_against_apples_rules() {
    let dir = archive_with("");
    let head = head_with(
        "language = \"en\"",
        "language = \"en\"\nimage = \"images/small.png\"\ncategories = [\"news\", \"Government > Politics\"]",
    );
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    // A 64x48 PNG, named as a JPEG.
    std::fs::copy(fixture("cover.png"), dir.path().join("images/small.png")).unwrap();
    std::fs::copy(fixture("cover.png"), dir.path().join("images/wrong.jpg")).unwrap();
    let episodes = local_episode(dir.path());
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    sync(dir.path()).assert().code(0);
    let (findings, code) = check_json(dir.path());
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "artwork",
            "error",
            "artwork `images/small.png` is 64x48; it must be square"
        ),
        "{findings:#?}"
    );
    assert!(has(
        &findings,
        "artwork",
        "error",
        "it must be 1400 to 3000 pixels a side"
    ));
    assert!(has(
        &findings,
        "category",
        "error",
        "`news` is not an Apple Podcasts category (did you mean `News`?)"
    ));
    assert!(has(
        &findings,
        "category",
        "error",
        "`Politics` is not a subcategory of `Government`"
    ));
    assert!(
        findings
            .iter()
            .all(|f| f["file"] == "feeds/talks.toml" || f["file"] == "feeds/speakers.toml")
    );
    assert!(
        findings
            .iter()
            .filter(|f| f["rule"] == "artwork")
            .all(|f| f["line"] == 1)
    );

    let head = head_with(
        "language = \"en\"",
        "language = \"en\"\nimage = \"images/wrong.jpg\"\ncategories = [\"News\"]",
    );
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    let (findings, _) = check_json(dir.path());
    assert!(has(
        &findings,
        "artwork",
        "error",
        "is a png image but its extension says `.jpg`"
    ));

    let head = head_with(
        "language = \"en\"",
        "language = \"en\"\ncategories = [\"News\"]",
    );
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    archive(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "feeds/talks.toml:1: error[artwork]: Apple Podcasts requires artwork: set `image`",
        ))
        // The feeds that inherit the missing artwork are not reported again for it.
        .stdout(predicate::str::contains("itunes:image").not())
        .stderr(predicate::str::contains(
            "archive: error: check found 1 error:",
        ));
}

#[test]
fn categories_are_reported_at_their_own_line() {
    let head = head_with(
        "language = \"en\"",
        "language = \"en\"\ncategories = [\n  \"News\",\n  \"Goverment\",\n  \"News > Politcs\",\n]",
    );
    let dir = archive_with("");
    write(dir.path(), "feeds/talks.toml", &head);
    let (findings, _) = check_json(dir.path());
    let categories: Vec<(u64, &str)> = findings
        .iter()
        .filter(|f| f["rule"] == "category")
        .map(|f| (f["line"].as_u64().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        categories,
        [
            (
                7,
                "`Goverment` is not an Apple Podcasts category (did you mean `Government`?)"
            ),
            (
                8,
                "`Politcs` is not a subcategory of `News` (did you mean `Politics`?)"
            ),
        ]
    );
}

#[test]
fn a_changed_guid_and_a_vanished_item_are_errors() {
    let dir = archive_with("");
    let episodes = local_episode(dir.path()) + &episode("b", "recordings/a.mp3");
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{episodes}"),
    );
    sync(dir.path()).assert().code(0);
    let published = crate::support::parse_feed(dir.path(), "talks");
    let old_guid = published
        .items()
        .iter()
        .find(|i| i.title() == Some("Speech a"))
        .unwrap()
        .guid()
        .unwrap()
        .value()
        .to_owned();

    // Episode `a` gets a new GUID; episode `b` leaves the catalog.
    let changed = format!(
        "{FEED_HEAD}{}guid = \"new-guid\"\n",
        local_episode(dir.path())
    );
    write(dir.path(), "feeds/talks.toml", &changed);
    let (findings, code) = check_json(dir.path());
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "guid-changed",
            "error",
            &format!(
                "episode `talks/a` was published with GUID `{old_guid}` and would now get `new-guid`: apps would show it twice; set `guid = \"{old_guid}\"` to keep it"
            )
        ),
        "{findings:#?}"
    );
    assert!(has(
        &findings,
        "guid-vanished",
        "error",
        "the published item \"Speech b\""
    ));
    let changed_line = findings
        .iter()
        .find(|f| f["rule"] == "guid-changed")
        .unwrap()["line"]
        .clone();
    assert_eq!(changed_line, 15);

    // Once rebuilt, the new feed is the published one.
    archive(dir.path()).arg("build").assert().code(0);
    let (findings, _) = check_json(dir.path());
    assert!(
        findings
            .iter()
            .all(|f| !f["rule"].as_str().unwrap().starts_with("guid")),
        "{findings:#?}"
    );
}

#[test]
fn a_published_file_that_changed_size_and_a_soundbite_past_the_end_are_errors() {
    let dir = archive_with("");
    let episodes = format!(
        "{}soundbite = {{ start = 3.0, duration = 20.0 }}\n",
        local_episode(dir.path())
    );
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{episodes}"),
    );
    sync(dir.path()).assert().code(0);
    let media = std::fs::read_dir(dir.path().join("media/talks"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&media, b"ID3 shorter").unwrap();
    let (findings, code) = check_json(dir.path());
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "enclosure-length",
            "error",
            "the enclosure says 34709 bytes but"
        ),
        "{findings:#?}"
    );
    assert!(has(
        &findings,
        "soundbite",
        "error",
        "episode `talks/a`: the soundbite ends after the recording"
    ));
}

#[test]
fn two_feeds_sharing_a_guid_collide_in_the_speaker_feed() {
    let dir = archive_with("");
    let one = format!("{}guid = \"same\"\n", local_episode(dir.path()));
    write(dir.path(), "feeds/talks.toml", &format!("{FEED_HEAD}{one}"));
    write(dir.path(), "feeds/more.toml", &format!("{FEED_HEAD}{one}"));
    sync(dir.path()).assert().code(0);
    let (findings, code) = check_json(dir.path());
    assert_eq!(code, 1);
    assert!(
        has(
            &findings,
            "duplicate",
            "error",
            "episode `talks/a` has the GUID `same` of another item in `feeds/speakers/maryam-rajavi.xml`"
        ),
        "{findings:#?}"
    );
    assert!(
        read(dir.path(), "feeds/speakers/maryam-rajavi.xml")
            .contains("<guid isPermaLink=\"false\">same</guid>")
    );
}

/// `--online`: every enclosure URL of the written feeds answers HEAD with the stated length.
#[test]
fn online_check_asks_every_enclosure_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = archive_with("");
    let head = FEED_HEAD.replace(
        "https://archive.example.org/",
        &format!("http://127.0.0.1:{port}/"),
    );
    let episodes = local_episode(dir.path());
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    sync(dir.path()).assert().code(0);
    let server =
        crate::serve::Serving::start_at(dir.path(), &format!("127.0.0.1:{port}"), &["--as-built"]);
    let (findings, _) = check_json(dir.path());
    assert!(
        findings.iter().all(|f| f["rule"] != "online"),
        "{findings:#?}"
    );
    let output = archive(dir.path())
        .args(["check", "--json", "--online"])
        .output()
        .unwrap();
    let online: Vec<Value> = serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    assert!(online.iter().all(|f| f["rule"] != "online"), "{online:#?}");

    let media = std::fs::read_dir(dir.path().join("media/talks"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&media, b"ID3 cut").unwrap();
    let output = archive(dir.path())
        .args(["check", "--json", "--online"])
        .output()
        .unwrap();
    let online: Vec<Value> = serde_json::from_slice::<Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone();
    assert!(
        has(
            &online,
            "online",
            "error",
            "is served with length 7, the feed says 34709"
        ),
        "{online:#?}"
    );
    assert_eq!(output.status.code(), Some(1));
    drop(server);
}
