//! Temp archives and the `archive` binary, run with a clean environment.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The repository root: the example archive.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An audio fixture from `tests/fixtures/audio`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/audio").join(name)
}

/// The `archive` binary with `--root dir`, and no environment of the developer's.
pub fn archive(root: &Path) -> Command {
    let mut command = Command::cargo_bin("archive").unwrap();
    command.env_clear().arg("--root").arg(root);
    command
}

/// `archive sync` with retries fast enough for tests.
pub fn sync(root: &Path) -> Command {
    let mut command = archive(root);
    command.args(["sync", "--retry-delay", "10ms"]);
    command
}

/// A copy of the example archive (catalog, recordings, images) in a temp dir.
pub fn example_archive() -> TempDir {
    let dir = TempDir::new().unwrap();
    for sub in ["feeds", "recordings", "images"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(repo().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // Generated feeds (`*.xml`, `feeds/speakers/`) are not part of the example.
            if path.is_file() && path.extension().is_none_or(|ext| ext != "xml") {
                std::fs::copy(&path, dir.path().join(sub).join(name)).unwrap();
            }
        }
    }
    dir
}

/// A copy of the example archive after `archive sync`: catalog, recordings, media with their
/// renditions, feeds, pages and sync state. The example is synced once per test run (making
/// its four renditions is the slow part) and copied with its timestamps, so a sync of the copy
/// finds everything current.
pub fn synced_example() -> TempDir {
    static SYNCED: std::sync::OnceLock<TempDir> = std::sync::OnceLock::new();
    let synced = SYNCED.get_or_init(|| {
        let dir = example_archive();
        sync(dir.path()).arg("--quiet").assert().code(0);
        dir
    });
    let dir = TempDir::new().unwrap();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(synced.path().join("."))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "cp -a of the synced example failed");
    dir
}

/// A temp archive with one speaker and `feeds/talks.toml` made of `episodes`.
pub fn archive_with(episodes: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    write(
        dir.path(),
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"Maryam Rajavi\"\n",
    );
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{episodes}"),
    );
    dir
}

/// The `[feed]` table of [`archive_with`]. Its feed publishes the recordings as they are
/// (renditions off), so that the download, build and trust tests see the bytes they served;
/// the example archive and the rendition tests keep renditions on.
pub const FEED_HEAD: &str = r#"[feed]
title = "Talks"
description = "Test feed"
language = "en"
public_url = "https://archive.example.org/"

[feed.rendition]
enabled = false

[[event]]
id = "conference"
title = "Conference"
date = 2020-11-10
"#;

/// An episode of the one speaker, with `audio` as its source.
pub fn episode(id: &str, audio: &str) -> String {
    format!(
        "\n[[episode]]\nid = \"{id}\"\ntitle = \"Speech {id}\"\nevent = \"conference\"\n\
         speakers = [\"maryam-rajavi\"]\naudio = \"{audio}\"\nexcerpt = \"Excerpt of {id}.\"\n"
    )
}

pub fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn read(root: &Path, relative: &str) -> String {
    std::fs::read_to_string(root.join(relative)).unwrap()
}

/// The feed `feeds/<id>.xml`, parsed with the rss crate.
pub fn parse_feed(root: &Path, id: &str) -> rss::Channel {
    let bytes = std::fs::read(root.join(format!("feeds/{id}.xml"))).unwrap();
    rss::Channel::read_from(&bytes[..]).unwrap()
}
