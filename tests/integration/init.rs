//! `archive init`: a new archive that `sync` and `check` take as it is, and that is never
//! written over.

use predicates::prelude::*;

use crate::support::{archive, read, write};

fn files(root: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().display().to_string();
            if path.is_dir() {
                found.push(format!("{relative}/"));
                pending.push(path);
            } else {
                found.push(relative);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn init_makes_the_registry_a_feed_recordings_gitignore_and_settings() {
    let parent = tempfile::TempDir::new().unwrap();
    let dir = parent.path().join("speeches");
    archive(parent.path())
        .arg("init")
        .arg(&dir)
        .args(["--feed", "town-hall", "--title", "Town \"hall\" speeches"])
        .args(["--public-url", "https://cdn.example.net/speeches"])
        .assert()
        .code(0)
        .stderr(format!(
            "   created feeds/speakers.toml\n   created feeds/town-hall.toml\n   created archive.toml\n   created recordings/\n   created .gitignore\nstarted an archive in `{}`; next (run these in `{0}`, or add `--root {0}`):\n  archive speaker add --name \"Jane Doe\"   # a speaker\n  $EDITOR feeds/town-hall.toml            # an event and its speeches\n  archive sync && archive serve           # pull, probe, write the feed, serve it\n",
            dir.display()
        ));
    assert_eq!(
        files(&dir),
        [
            ".gitignore",
            "archive.toml",
            "feeds/",
            "feeds/speakers.toml",
            "feeds/town-hall.toml",
            "recordings/"
        ]
    );
    let feed = read(&dir, "feeds/town-hall.toml");
    assert!(
        feed.contains("\ntitle = 'Town \"hall\" speeches'\n"),
        "{feed}"
    );
    assert!(
        feed.contains("\npublic_url = \"https://cdn.example.net/speeches/\""),
        "{feed}"
    );
    assert!(feed.contains("\n# recheck = \"7d\""), "{feed}");
    assert_eq!(
        read(&dir, ".gitignore"),
        "# Written by `archive sync` and `archive build`: published recordings, feeds and pages.\n/media/\n/feeds/*.xml\n/feeds/*.html\n/feeds/speakers/\n# Sync records, partial downloads and the lock.\n/.archive/\n"
    );
    assert!(read(&dir, "archive.toml").contains("\n# [publish]\n# to = \"s3://bucket/prefix\""));
}

/// Issue 16: the new archive passes `sync` with no episodes, and `check` reports only what a
/// maintainer must still supply: artwork, a category, an author, an owner, episodes.
#[test]
fn a_new_archive_syncs_and_check_says_what_remains() {
    let dir = tempfile::TempDir::new().unwrap();
    archive(dir.path()).arg("init").assert().code(0);
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(0)
        .stderr(
            "     wrote feeds/speeches.xml (0 episodes)\nsync: no episodes yet: add an `[[episode]]` to a feed's `feeds/<id>.toml`\n",
        );
    let output = archive(dir.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "feeds/speeches.toml:5: error[artwork]: Apple Podcasts requires artwork: set `image`\n\
         feeds/speeches.toml:5: error[category]: Apple Podcasts requires a category: set `categories`\n\
         feeds/speeches.toml:5: warning[author]: no `author` (itunes:author): apps show the feed without one\n\
         feeds/speeches.toml:5: warning[owner]: no `owner`: Apple Podcasts uses its email to verify the feed\n\
         feeds/speeches.xml: warning[empty]: `feeds/speeches.xml` has no items yet (run `archive sync`)\n"
    );
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "check: 2 errors, 3 warnings\narchive: error: check found 2 errors: apps or directories would reject or mishandle the feeds\n"
    );
    // Uncommenting the fields the template offers clears them.
    let feed = read(dir.path(), "feeds/speeches.toml")
        .replace("# author = ", "author = ")
        .replace("# owner = ", "owner = ")
        .replace("# categories = ", "categories = ");
    write(dir.path(), "feeds/speeches.toml", &feed);
    archive(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("check: 1 error, 1 warning\n"));
}

/// Issue 16: `init` refuses an archive, and writes nothing to it.
#[test]
fn init_refuses_an_archive_and_writes_nothing() {
    let dir = tempfile::TempDir::new().unwrap();
    write(dir.path(), "feeds/talks.toml", "# mine\n");
    archive(dir.path())
        .arg("init")
        .assert()
        .code(1)
        .stderr(format!(
            "archive: error: `{}` is already an archive (it has `feeds/talks.toml`); nothing was written\n",
            dir.path().display()
        ));
    assert_eq!(files(dir.path()), ["feeds/", "feeds/talks.toml"]);

    let other = tempfile::TempDir::new().unwrap();
    write(other.path(), "archive.toml", "[publish]\n");
    archive(other.path())
        .arg("init")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("(it has `archive.toml`)"));
    assert_eq!(files(other.path()), ["archive.toml"]);
}

/// A folder that is a repository already keeps its `.gitignore`; the missing lines are added.
#[test]
fn init_extends_an_existing_gitignore() {
    let dir = tempfile::TempDir::new().unwrap();
    write(dir.path(), ".gitignore", "/target\n/media/");
    archive(dir.path())
        .args(["init", "-q"])
        .assert()
        .code(0)
        .stderr("");
    assert_eq!(
        read(dir.path(), ".gitignore"),
        "/target\n/media/\n# Written by `archive`.\n/feeds/*.xml\n/feeds/*.html\n/feeds/speakers/\n/.archive/\n"
    );
}
