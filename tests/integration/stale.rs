//! Outputs follow the catalog: a build deletes what the catalog no longer produces and says
//! so, `publish` never uploads outputs older than the catalog, and `check --feed` reports only
//! that feed's problems, each cause once.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{FEED_HEAD, archive, fixture, read, sync, synced_example, write};

const FEED: &str = "iran-protests-anniversary";

/// Runs `archive build` and checks that it deleted exactly `gone`, saying so for each.
fn build_deletes(root: &Path, gone: &[String]) {
    let built = archive(root).arg("build").assert().code(0);
    let stderr = String::from_utf8_lossy(&built.get_output().stderr).into_owned();
    for path in gone {
        assert!(!root.join(path).exists(), "{path} is still there");
        assert!(
            stderr.contains(&format!(
                "deleted {path} (no longer produced by the catalog)"
            )),
            "{path} not reported in:\n{stderr}"
        );
    }
}

fn speaker_outputs(id: &str) -> Vec<String> {
    ["xml", "html"]
        .iter()
        .map(|extension| format!("feeds/speakers/{id}.{extension}"))
        .collect()
}

/// Issue 13: after `speaker rename a b` and a build, `feeds/speakers/a.xml` and `a.html`
/// stayed on disk for ever, and `publish` uploaded them.
#[test]
fn a_renamed_speakers_feed_and_page_stay_after_a_build() {
    let dir = synced_example();
    let root = dir.path();
    archive(root)
        .args(["speaker", "rename", "maryam-rajavi", "m-rajavi"])
        .assert()
        .code(0);
    build_deletes(root, &speaker_outputs("maryam-rajavi"));
    assert!(root.join("feeds/speakers/m-rajavi.xml").is_file());
}

/// Issue 13: the same after `speaker merge`, and after `speaker remove` of a speaker whose
/// credits were moved to another.
#[test]
fn a_merged_or_removed_speakers_feed_and_page_stay_after_a_build() {
    let dir = synced_example();
    let root = dir.path();
    archive(root)
        .args([
            "speaker",
            "merge",
            "aidin-saidian",
            "hasti-hesami",
            "--prefer",
            "into",
        ])
        .assert()
        .code(0);
    build_deletes(root, &speaker_outputs("aidin-saidian"));

    let catalog = format!("feeds/{FEED}.toml");
    let moved = read(root, &catalog).replace(
        "speakers = [\"ramesh-separad\"]",
        "speakers = [\"hasti-hesami\"]",
    );
    write(root, &catalog, &moved);
    archive(root)
        .args(["speaker", "remove", "ramesh-separad"])
        .assert()
        .code(0);
    build_deletes(root, &speaker_outputs("ramesh-separad"));
}

/// Issue 13: a feed file deleted from the catalog leaves its feed, page and media behind.
#[test]
fn a_deleted_feeds_outputs_stay_after_a_build() {
    let dir = synced_example();
    let root = dir.path();
    write(
        root,
        "feeds/talks.toml",
        &(FEED_HEAD.to_owned()
            + "\n[[episode]]\nid = \"a\"\ntitle = \"A\"\nevent = \"conference\"\n\
               speakers = [\"maryam-rajavi\"]\naudio = \"recordings/a.mp3\"\nexcerpt = \"A.\"\n"),
    );
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), root.join("recordings/a.mp3")).unwrap();
    sync(root).assert().code(0);
    let media: Vec<String> = std::fs::read_dir(root.join("media/talks"))
        .unwrap()
        .map(|e| format!("media/talks/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert!(!media.is_empty());
    std::fs::remove_file(root.join("feeds/talks.toml")).unwrap();
    let mut gone = vec!["feeds/talks.xml".to_owned(), "feeds/talks.html".to_owned()];
    gone.extend(media);
    build_deletes(root, &gone);
    assert!(!root.join("media/talks").exists());
    assert!(root.join(format!("feeds/{FEED}.xml")).is_file());
}

/// Issue 13: `publish` after `speaker set` without `build` uploaded feeds older than the
/// catalog. It builds first and says so; with `--no-build` it refuses.
#[test]
fn publish_uploads_feeds_older_than_the_catalog() {
    let dir = synced_example();
    let root = dir.path();
    let dest = tempfile::TempDir::new().unwrap();
    let to = format!("file://{}", dest.path().display());
    archive(root)
        .args([
            "speaker",
            "set",
            "maryam-rajavi",
            "name",
            "Maryam R. Renamed",
        ])
        .assert()
        .code(0);
    archive(root)
        .args(["publish", "--to", &to, "--no-build"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("run `archive build` first"));
    assert!(
        std::fs::read_dir(dest.path()).unwrap().next().is_none(),
        "nothing uploaded"
    );
    archive(root)
        .args(["publish", "--to", &to])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("building first"));
    let feed =
        std::fs::read_to_string(dest.path().join("feeds/speakers/maryam-rajavi.xml")).unwrap();
    assert!(feed.contains("Maryam R. Renamed"));
}

/// The example archive and a second feed, `broken`, by another speaker and without artwork.
fn with_a_broken_feed() -> tempfile::TempDir {
    let dir = synced_example();
    let root = dir.path();
    let registry = read(root, "feeds/speakers.toml") + "\n[speakers.zoe]\nname = \"Zoe\"\n";
    write(root, "feeds/speakers.toml", &registry);
    write(
        root,
        "feeds/broken.toml",
        &(FEED_HEAD.to_owned()
            + "\n[[episode]]\nid = \"b\"\ntitle = \"B\"\nevent = \"conference\"\n\
               speakers = [\"zoe\"]\naudio = \"recordings/b.mp3\"\nexcerpt = \"B.\"\n"),
    );
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), root.join("recordings/b.mp3")).unwrap();
    sync(root).assert().code(0);
    dir
}

fn findings(root: &Path, feed: &str) -> (Vec<Value>, Option<i32>) {
    let output = archive(root)
        .args(["check", "--json", "--feed", feed])
        .output()
        .unwrap();
    let found: Value = serde_json::from_slice(&output.stdout).unwrap();
    (found.as_array().unwrap().clone(), output.status.code())
}

/// Issue 13: `check --feed X` also reported (and exited 1 for) another feed's problems, and
/// one missing artwork was reported for the catalog, the feed and every speaker feed.
#[test]
fn check_feed_reports_other_feeds_and_repeats_causes() {
    let dir = with_a_broken_feed();
    let root = dir.path();
    let (clean, code) = findings(root, FEED);
    assert_eq!(code, Some(0), "{clean:#?}");
    for finding in &clean {
        let text = finding.to_string();
        assert!(!text.contains("broken") && !text.contains("zoe"), "{text}");
    }
    archive(root)
        .args(["check", "--feed", FEED])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("broken").not());

    let (broken, code) = findings(root, "broken");
    assert_eq!(code, Some(1));
    let artwork: Vec<&Value> = broken.iter().filter(|f| f["rule"] == "artwork").collect();
    assert_eq!(artwork.len(), 1, "{broken:#?}");
    assert_eq!(artwork[0]["file"], "feeds/broken.toml");
    archive(root).arg("check").assert().code(1);
}
