//! Exit codes and command-line errors.

use predicates::prelude::*;

use crate::support::{archive, archive_with, episode, example_archive, read};

#[test]
fn bad_usage_exits_2() {
    let dir = example_archive();
    archive(dir.path())
        .arg("sync")
        .arg("--jobs")
        .arg("0")
        .assert()
        .code(2);
    archive(dir.path()).arg("frobnicate").assert().code(2);
    archive(dir.path()).arg("probe").assert().code(2);
}

#[test]
fn an_unknown_feed_exits_1() {
    let dir = example_archive();
    archive(dir.path())
        .args(["build", "--feed", "nope"])
        .assert()
        .code(1)
        .stderr("archive: error: no feed `nope`: there is no `feeds/nope.toml`\n");
}

#[test]
fn a_catalog_error_names_file_line_and_column_and_writes_nothing() {
    let dir = archive_with(
        &episode("keynote", "recordings/keynote.mp3")
            .replace("speakers = [\"maryam-rajavi\"]", "speakers = [\"maryam\"]"),
    );
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "archive: error: feeds/talks.toml:16:13: no speaker `maryam` in `feeds/speakers.toml` (did you mean `maryam-rajavi`?)\n   |\n16 | speakers = [\"maryam\"]\n   |             ^^^^^^^^\n1 problem in the catalog; nothing was written\n",
        ));
    assert!(!dir.path().join("feeds/talks.xml").exists());
    assert!(!dir.path().join("media").exists());
    // The catalog is read under the archive lock, so `.archive/lock` may exist; nothing else.
    assert!(!dir.path().join(".archive/state").exists());
    assert!(!dir.path().join(".archive/partial").exists());
}

#[test]
fn a_catalog_error_leaves_the_published_feed_intact() {
    let dir = example_archive();
    archive(dir.path()).arg("sync").assert().code(0);
    let before = read(dir.path(), "feeds/iran-protests-anniversary.xml");
    let catalog = read(dir.path(), "feeds/iran-protests-anniversary.toml");
    crate::support::write(
        dir.path(),
        "feeds/iran-protests-anniversary.toml",
        &catalog.replace("language = \"en\"", "language = \"en\"\nlanguge = \"en\""),
    );
    archive(dir.path())
        .arg("sync")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "feeds/iran-protests-anniversary.toml:10:1: unknown field `languge`",
        ));
    assert_eq!(
        read(dir.path(), "feeds/iran-protests-anniversary.xml"),
        before
    );
}
