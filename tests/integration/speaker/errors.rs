//! Catalog errors as the command line prints them (snapshots in `snapshots/`): every problem
//! of every file at once, a broken registry without a cascade of "unknown speaker" errors in
//! the feeds, and "did you mean" for a mistyped field of `archive speaker set`.

use std::path::Path;

use super::speaker_archive;
use crate::support::{archive, read, write};

/// Replaces `from` (which must be there) with `to` in a catalog file.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let text = read(root, file);
    assert!(text.contains(from), "{file} has no {from:?}");
    write(root, file, &text.replacen(from, to, 1));
}

/// `archive build` fails with exit code 1 and writes nothing; its stderr.
fn build_errors(root: &Path) -> String {
    let output = archive(root).arg("build").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!root.join("feeds/conference.xml").exists());
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn every_problem_of_every_file_at_once() {
    let dir = speaker_archive();
    let root = dir.path();
    // Maryam Rajavi, credited in every feed, gets a bad role: the feeds' other problems are
    // reported, and no feed says that she does not exist.
    edit(
        root,
        "feeds/speakers.toml",
        "role = \"Host\"",
        "role = \"Hots\"",
    );
    edit(
        root,
        "feeds/conference.toml",
        "date = 2020-11-10",
        "date = \"2020-11-10\"",
    );
    edit(
        root,
        "feeds/interviews.toml",
        "title       =",
        "titel       =",
    );
    edit(
        root,
        "feeds/interviews.toml",
        "['maryam-rajavi']",
        "['maryam-rajavi', 'hasti']",
    );
    edit(root, "feeds/rallies.toml", "language", "language = en\n#");
    insta::assert_snapshot!("every_problem_of_every_file", build_errors(root));
}

#[test]
fn a_registry_with_a_syntax_error_makes_no_unknown_speaker_errors() {
    let dir = speaker_archive();
    let root = dir.path();
    edit(
        root,
        "feeds/speakers.toml",
        "[speakers.parvin]",
        "[speakers.parvin",
    );
    edit(
        root,
        "feeds/rallies.toml",
        "\"parvin\"",
        "\"parvin\", \"nobody\"",
    );
    edit(
        root,
        "feeds/conference.toml",
        "speakers = [",
        "speeker = 1\nspeakers = [",
    );
    insta::assert_snapshot!("registry_with_a_syntax_error", build_errors(root));
}

#[test]
fn speaker_set_suggests_the_field() {
    let dir = speaker_archive();
    let output = archive(dir.path())
        .args(["speaker", "set", "parvin", "titel", "Poet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(
        "speaker_set_unknown_field",
        String::from_utf8(output.stderr).unwrap()
    );
}
