//! `archive speaker` edits that touch several files are all or nothing: a write that fails
//! on the second file, an edit killed after its journal, temp files of an edit killed before
//! it, and the archive lock. Then `archive build` follows the edits.

use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::support::{archive, fixture, read, write};

/// A copy of `tests/fixtures/speaker/archive`, with a recording for each episode.
fn speaker_archive() -> TempDir {
    let dir = super::speaker_archive();
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    for name in ["keynote", "panel", "rajavi-2021", "separad-2021", "opening"] {
        let target = dir.path().join(format!("recordings/{name}.opus"));
        std::fs::copy(fixture("opus.opus"), target).unwrap();
    }
    dir
}

fn expected(scenario: &str, name: &str) -> String {
    std::fs::read_to_string(super::fixtures().join("expected").join(scenario).join(name)).unwrap()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(".archive-tmp-"))
                .collect()
        })
        .unwrap_or_default()
}

/// `feeds/` becomes a tmpfs with room for one more page than its files take, in a mount
/// namespace of our own: the rename writes the registry's temp file into that page, and the
/// second file's temp file no longer fits.
#[test]
fn a_failure_while_writing_the_second_file_leaves_every_file_unchanged() {
    let dir = speaker_archive();
    let stash = TempDir::new().unwrap();
    for entry in std::fs::read_dir(dir.path().join("feeds")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, stash.path().join(path.file_name().unwrap())).unwrap();
    }
    let script = r#"page=$(getconf PAGESIZE)
mount -t tmpfs -o size=$((5 * page)) tmpfs "$2" || exit 99
cp "$1"/* "$2"/
"$3" --root "$4" speaker rename maryam-rajavi m-rajavi; status=$?
for file in "$1"/*; do cmp -s "$file" "$2/${file##*/}" || echo "changed: ${file##*/}"; done
ls -A "$2" | grep archive-tmp && echo "temp files left"
exit $status"#;
    let output = std::process::Command::new("unshare")
        .args(["--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .arg(stash.path())
        .arg(dir.path().join("feeds"))
        .arg(assert_cmd::cargo::cargo_bin("archive"))
        .arg(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("this test needs `unshare` (util-linux) and user namespaces");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(99), "no tmpfs: {stderr}");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "archive: error: failed to write `feeds/conference.toml`: No space left on device"
        ),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "");
    assert!(!dir.path().join(".archive/journal.json").exists());
}

/// A kill after the journal is durable: the next writing command finishes the edit.
#[test]
fn a_journal_left_by_a_killed_edit_is_completed_by_the_next_command() {
    let dir = speaker_archive();
    let names = ["speakers", "conference", "interviews", "rallies"];
    let mut renames = Vec::new();
    for name in names {
        let temp = format!("feeds/.archive-tmp-{name}");
        let text = expected("rename", &format!("{name}.toml"));
        write(dir.path(), &temp, &text);
        renames.push(serde_json::json!({"temp": temp, "target": format!("feeds/{name}.toml")}));
    }
    // The kill came after the first rename.
    std::fs::rename(
        dir.path().join("feeds/.archive-tmp-speakers"),
        dir.path().join("feeds/speakers.toml"),
    )
    .unwrap();
    let journal = serde_json::json!({ "renames": renames });
    write(dir.path(), ".archive/journal.json", &journal.to_string());

    archive(dir.path())
        .arg("build")
        .assert()
        .code(0)
        .stderr(predicate::str::starts_with(
            "archive: completed an interrupted edit of `feeds/speakers.toml`, `feeds/conference.toml`, `feeds/interviews.toml`, `feeds/rallies.toml`\n",
        ));
    for name in names {
        let file = format!("feeds/{name}.toml");
        assert_eq!(
            read(dir.path(), &file),
            expected("rename", &format!("{name}.toml"))
        );
    }
    assert!(temp_files(&dir.path().join("feeds")).is_empty());
    assert!(!dir.path().join(".archive/journal.json").exists());
}

/// A kill before the journal: its temp files are swept, every file stays as it was.
#[test]
fn temp_files_of_an_edit_killed_before_its_journal_are_swept() {
    let dir = speaker_archive();
    let before = read(dir.path(), "feeds/speakers.toml");
    write(
        dir.path(),
        "feeds/.archive-tmp-x1",
        "half of a new registry",
    );
    archive(dir.path())
        .args(["speaker", "set", "parvin", "title", "شاعر ایرانی"])
        .assert()
        .code(0);
    assert!(temp_files(&dir.path().join("feeds")).is_empty());
    let after = read(dir.path(), "feeds/speakers.toml");
    assert_eq!(
        after,
        before.replace("title = \"شاعر\"", "title = \"شاعر ایرانی\"")
    );
}

#[test]
fn an_edit_waits_for_the_lock_or_fails_with_no_wait() {
    let dir = speaker_archive();
    std::fs::create_dir_all(dir.path().join(".archive")).unwrap();
    let lock = std::fs::File::create(dir.path().join(".archive/lock")).unwrap();
    lock.lock().unwrap();
    archive(dir.path())
        .args(["speaker", "remove", "parvin", "--no-wait"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "another `archive` process is writing to this archive",
        ));
    drop(lock);
}

/// After an edit, `archive build` writes feeds whose persons and authors follow it.
#[test]
fn build_follows_rename_merge_and_set() {
    let dir = speaker_archive();
    archive(dir.path())
        .args(["sync", "--offline"])
        .assert()
        .code(0);
    let edits: [&[&str]; 3] = [
        &["rename", "maryam-rajavi", "m-rajavi"],
        &["set", "m-rajavi", "name", "Maryam Rajavi (NCRI)"],
        &["merge", "r-separad", "ramesh-separad"],
    ];
    for args in edits {
        archive(dir.path())
            .arg("speaker")
            .args(args)
            .assert()
            .code(0);
    }
    archive(dir.path()).arg("build").assert().code(0);

    let conference = read(dir.path(), "feeds/conference.xml");
    assert!(conference.contains(
        "<podcast:person group=\"cast\" img=\"https://example.org/img/rajavi.jpg\" role=\"host\">Maryam Rajavi (NCRI)</podcast:person>"
    ), "{conference}");
    assert!(
        conference.contains(
            "<itunes:author>Maryam Rajavi (NCRI), Ramesh Separad, Hasti Hesami</itunes:author>"
        ),
        "{conference}"
    );
    // The merged speaker has the portrait it took from `r-separad`, and is credited once.
    let ramesh = "<podcast:person group=\"cast\" href=\"https://example.org/people/ramesh\" img=\"https://example.org/img/separad.jpg\" role=\"guest\">Ramesh Separad</podcast:person>";
    assert_eq!(conference.matches(ramesh).count(), 1, "{conference}");
    let interviews = read(dir.path(), "feeds/interviews.xml");
    assert!(interviews.contains(ramesh), "{interviews}");
    assert!(interviews.contains("<itunes:author>Maryam Rajavi (NCRI)</itunes:author>"));
    let rallies = read(dir.path(), "feeds/rallies.xml");
    assert!(rallies.contains("<itunes:author>پروین, Maryam Rajavi (NCRI)</itunes:author>"));
}
