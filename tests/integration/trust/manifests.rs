//! Hostile files where the tool keeps its own: a hand-edited output manifest, sync records
//! naming files outside their media folder, FIFOs in place of files, and catalog files that
//! are symlinks out of the archive.

use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;
use serde_json::{Value, json};

use super::{Nest, files_under, manifest_files, publish, synced_talks};
use crate::serve::{Serving, request};
use crate::support::{archive, read, sync, write};

/// Hole: `.archive/outputs.json` decides what `publish` uploads and `serve --as-built` serves;
/// entries added by hand (the catalog's TOML, `archive.toml`, a source recording) were
/// uploaded and served, since the build stamp still matched.
#[test]
fn a_hand_edited_output_manifest_publishes_any_archive_file() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let outputs = manifest_files(&root);
    write(
        &root,
        "archive.toml",
        "[publish]\nendpoint = \"http://key:secret@127.0.0.1:1\"\n",
    );
    let path = root.join(".archive/outputs.json");
    let mut manifest: Value = serde_json::from_str(&read(&root, ".archive/outputs.json")).unwrap();
    let added = ["feeds/talks.toml", "archive.toml", "recordings/a.mp3"];
    for name in added {
        let size = std::fs::metadata(root.join(name)).unwrap().len();
        manifest["files"][name] = json!({"kind": "feed", "size": size, "sha256": "00"});
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();

    let server = Serving::start(&root, &["--as-built"]);
    for name in added {
        assert_eq!(
            request(&server.host, "GET", &format!("/{name}"), &[]).status,
            404,
            "{name}"
        );
    }
    drop(server);
    publish(&root, &nest.dest_url(), &[]).code(0);
    assert_eq!(files_under(&nest.dest()), outputs);
}

/// Writes `record` of `talks/a` with `media` in place of its own; `archive build` must refuse
/// it, saying `message`.
fn build_refuses_record(root: &Path, record: &Value, media: &str, message: &str) {
    let mut hostile = record.clone();
    hostile["media"] = json!(media);
    write(root, ".archive/state/talks/a.json", &hostile.to_string());
    archive(root)
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(message));
}

/// A record's `media` must be in its feed's folder of `media/`: `../../etc/passwd`, another
/// feed's folder or a catalog file are refused by name, before anything is built.
#[test]
fn a_record_naming_a_file_outside_its_media_folder_is_refused() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let record_path = ".archive/state/talks/a.json";
    let record: Value = serde_json::from_str(&read(&root, record_path)).unwrap();
    for media in [
        "../../etc/passwd",
        "/etc/passwd",
        "media/talks/../../archive.toml",
        "feeds/talks.toml",
        "media/other/a-000000000000.mp3",
        "media/talks",
    ] {
        build_refuses_record(&root, &record, media, "a.json` is corrupt");
        assert_eq!(files_under(&root.join("media/talks")).len(), 1, "{media}");
    }
}

pub(crate) fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(path);
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

/// `archive <args>` that must end within 15 s.
fn bounded(root: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    archive(root)
        .args(args)
        .timeout(Duration::from_secs(15))
        .assert()
}

/// Hole: a FIFO in place of the output manifest, the journal, the lock, a sync record or a
/// catalog file made every command hang, blocked opening it; a symlink as the lock created
/// the file it named. A FIFO named as a recording or an image is refused.
#[test]
fn a_fifo_under_the_archive_hangs_every_command() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    mkfifo(&root.join(".archive/outputs.json"));
    bounded(&root, &["build"]).code(0);
    assert!(
        std::fs::metadata(root.join(".archive/outputs.json"))
            .unwrap()
            .is_file()
    );
    for own in [".archive/journal.json", ".archive/lock"] {
        mkfifo(&root.join(own));
        bounded(&root, &["build"])
            .code(1)
            .stderr(predicate::str::contains(own));
        std::fs::remove_file(root.join(own)).unwrap();
    }
    // The lock is not taken through a symlink either: it would create the file it names.
    let planted = nest.outer.path().join("created-by-the-lock");
    std::os::unix::fs::symlink(&planted, root.join(".archive/lock")).unwrap();
    bounded(&root, &["build"]).code(1);
    assert!(!planted.exists());
    std::fs::remove_file(root.join(".archive/lock")).unwrap();

    mkfifo(&root.join(".archive/state/talks/a.json"));
    bounded(&root, &["build"])
        .code(1)
        .stderr(predicate::str::contains("a.json"));
    std::fs::remove_file(root.join(".archive/state/talks/a.json")).unwrap();

    mkfifo(&root.join("feeds/evil.toml"));
    bounded(&root, &["check"])
        .code(1)
        .stderr(predicate::str::contains("feeds/evil.toml"));
    std::fs::remove_file(root.join("feeds/evil.toml")).unwrap();

    mkfifo(&root.join("recordings/a.mp3"));
    bounded(&root, &["sync", "--retry-delay", "10ms"])
        .code(3)
        .stderr(predicate::str::contains(
            "`recordings/a.mp3` is not a regular file",
        ));
    mkfifo(&root.join("images/cover.png"));
    let catalog = read(&root, "feeds/talks.toml")
        .replace("language", "image = \"images/cover.png\"\nlanguage");
    write(&root, "feeds/talks.toml", &catalog);
    bounded(&root, &["build"])
        .code(1)
        .stderr(predicate::str::contains(
            "`images/cover.png` is not a regular file",
        ));
}

const KEY: &str = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";

/// Hole: a catalog file (or `archive.toml`) that is a symlink out of the archive was read and
/// its lines quoted in the error messages: `feeds/evil.toml -> ~/.aws/credentials` put the
/// key into the log of a CI job that runs `archive check`.
#[test]
fn a_catalog_file_linked_out_of_the_archive_is_shown_in_errors() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let credentials = nest.outer.path().join("credentials");
    std::fs::write(&credentials, format!("aws_secret_access_key = \"{KEY}\"\n")).unwrap();
    for (name, args) in [
        ("feeds/evil.toml", &["check"][..]),
        ("feeds/speakers.toml", &["build"][..]),
        ("archive.toml", &["publish", "--to", &nest.dest_url()][..]),
    ] {
        let saved = std::fs::read(root.join(name)).ok();
        let _ = std::fs::remove_file(root.join(name));
        std::os::unix::fs::symlink(&credentials, root.join(name)).unwrap();
        let output = archive(&root).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{name}: {text}");
        assert!(!text.contains(KEY), "{name}: {text}");
        assert!(
            text.contains(&format!("`{name}` leads outside the archive")),
            "{name}: {text}"
        );
        std::fs::remove_file(root.join(name)).unwrap();
        if let Some(bytes) = saved {
            std::fs::write(root.join(name), bytes).unwrap();
        }
    }
    sync(&root).assert().code(0);
}

/// A record can only name a recording sync would have made: `media/<feed>/<episode>-…`, not an
/// encoded `..` that would end up in the enclosure URL, nor another episode's file.
#[test]
fn a_record_naming_an_encoded_or_foreign_recording_is_refused() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let record_path = ".archive/state/talks/a.json";
    let record: Value = serde_json::from_str(&read(&root, record_path)).unwrap();
    for media in [
        "media/talks/%2e%2e/a-000000000000.mp3",
        "media/talks/%2e%2e",
        "media/talks/b-000000000000.mp3",
    ] {
        build_refuses_record(&root, &record, media, "is not a recording of `talks/a`");
    }
}
