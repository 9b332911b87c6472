//! What `publish` uploads: exactly the build's outputs, whatever the text of the catalog says,
//! and nothing of the destination's own files is touched but the staging files of a killed
//! upload. Credentials never reach a message or a file name.

use std::path::Path;

use predicates::prelude::*;

use super::{Nest, files_under, manifest_files, publish, synced_talks};
use crate::server::{Reply, Server};
use crate::support::{archive, read, write};

/// Plants `secret.txt` one and two levels above the archive; returns its bytes.
fn plant_secrets(nest: &Nest) -> Vec<u8> {
    let secret = b"TOP SECRET, outside the archive\n".to_vec();
    std::fs::write(nest.outer.path().join("secret.txt"), &secret).unwrap();
    std::fs::write(nest.outer.path().join("up/secret.txt"), &secret).unwrap();
    secret
}

/// Checks that `publish --dry-run` lists only outputs, and that `publish` uploads exactly
/// them, none holding `secret`.
fn publishes_only_outputs(nest: &Nest, secret: &[u8]) {
    let root = nest.root();
    let dry = publish(&root, &nest.dest_url(), &["--dry-run"]).code(0);
    let listed = String::from_utf8_lossy(&dry.get_output().stdout).into_owned();
    assert!(
        !listed.contains("secret") && !listed.contains(".."),
        "{listed}"
    );
    assert!(!listed.contains("zero"), "{listed}");
    let outputs = manifest_files(&root);
    for line in listed
        .lines()
        .filter(|l| l.trim_start().starts_with("upload"))
    {
        let path = line.split_whitespace().nth(1).unwrap();
        assert!(outputs.iter().any(|o| o == path), "{path} is no output");
    }
    publish(&root, &nest.dest_url(), &[]).code(0);
    assert_eq!(files_under(&nest.dest()), outputs, "exactly the outputs");
    assert!(!super::holds_bytes(&nest.dest(), secret));
    assert!(!super::holds_bytes(&root.join("media"), secret));
}

/// Finding 1: `/media/%2e%2e/%2e%2e/secret.txt` in an excerpt, a feed description and an
/// event summary made `publish` upload the file above the archive, and `--dry-run` list
/// `upload media/../../secret.txt`.
#[test]
fn publish_uploads_any_file_named_by_text() {
    let nest = Nest::new();
    let root = nest.root();
    let secret = plant_secrets(&nest);
    synced_talks(
        &root,
        "See /media/%2e%2e/%2e%2e/secret.txt and /media/%2e%2e/%2e%2e/%2e%2e/secret.txt and /media/talks/%2e%2e/%2e%2e/%2e%2e/secret.txt here",
    );
    assert!(read(&root, "feeds/talks.xml").contains("/media/%2e%2e/%2e%2e/secret.txt"));
    assert!(read(&root, "feeds/talks.html").contains("/media/%2e%2e/%2e%2e/secret.txt"));
    publishes_only_outputs(&nest, &secret);
}

/// Finding 1, the device variant: `/dev/zero`, named the same way, was read without limit.
#[test]
fn publish_reads_dev_zero_named_by_text() {
    let nest = Nest::new();
    let up = "%2e%2e/".repeat(12);
    synced_talks(&nest.root(), &format!("See /media/{up}dev/zero here"));
    publishes_only_outputs(&nest, b"");
}

/// The other spellings of a way out: encoded twice, an encoded slash, a backslash, a NUL, an
/// absolute URL of the archive's own host. Text is text: none adds a file.
#[test]
fn other_encodings_of_a_way_out_in_text_publish_nothing() {
    let nest = Nest::new();
    let secret = plant_secrets(&nest);
    synced_talks(
        &nest.root(),
        "See /media/%252e%252e/%252e%252e/secret.txt and /media/..%2f..%2fsecret.txt and          /media/..%5c..%5csecret.txt and /media/%2e%2e/%2e%2e/secret.txt%00.mp3 and          https://archive.example.org/media/%2e%2e/%2e%2e/secret.txt and          /media/%EF%BC%8E%EF%BC%8E/%EF%BC%8E%EF%BC%8E/secret.txt here",
    );
    publishes_only_outputs(&nest, &secret);
}

/// Finding 3: a URL of another site's `media/` quoted in an excerpt made `publish` refuse
/// everything ("named by a feed or page but missing here").
#[test]
fn a_url_in_text_blocks_publishing() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(
        &root,
        "Listen at https://elsewhere.example/media/talks/x.mp3 or /media/talks/missing-000000000000.mp3",
    );
    publish(&root, &nest.dest_url(), &[]).code(0);
    let published = files_under(&nest.dest());
    assert!(
        published.contains(&"feeds/talks.xml".to_owned()),
        "{published:?}"
    );
    assert!(
        !published
            .iter()
            .any(|p| p.contains("missing") || p.ends_with("/x.mp3"))
    );
}

/// Finding 9: credentials written into the endpoint URL (or the destination) were echoed in
/// error messages, also with `--verbose`.
#[test]
fn credentials_in_an_endpoint_url_are_echoed() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    write(
        &root,
        "archive.toml",
        "[publish]\nendpoint = \"http://AKIDUSER:s3cr3tPass@127.0.0.1:1\"\nallow_http = true\npath_style = true\n",
    );
    for (to, extra) in [
        ("s3://bucket/p", &["-v"][..]),
        ("s3://TOUSER:toPassw0rd@bucket/p", &["--dry-run"][..]),
    ] {
        let output = archive(&root)
            .env("AWS_ACCESS_KEY_ID", "AKIDENVIRON")
            .env("AWS_SECRET_ACCESS_KEY", "environSecret99")
            .args(["publish", "--to", to])
            .args(extra)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let text = String::from_utf8_lossy(&output.stderr).into_owned()
            + &String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("cannot list"), "{text}");
        for secret in [
            "s3cr3tPass",
            "AKIDUSER",
            "environSecret99",
            "toPassw0rd",
            "TOUSER",
        ] {
            assert!(!text.contains(secret), "{secret} shown in:\n{text}");
        }
    }
}

/// Hole: the local publish manifest of a destination was named after the destination URL as
/// given, credentials included (`.archive/publish/s3---TOUSER-toPassw0rd-bucket-p.json`).
#[test]
fn credentials_in_the_destination_url_are_written_into_a_file_name() {
    let server = Server::start();
    let empty = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name><Prefix>p/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>";
    let list =
        Reply::status(200, empty.as_bytes().to_vec()).header("Content-Type", "application/xml");
    server.route("/bucket?list-type=2&prefix=p%2F", list);
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let settings = format!(
        "[publish]\nendpoint = \"{}\"\nallow_http = true\npath_style = true\n",
        server.url("")
    );
    write(&root, "archive.toml", &settings);
    // The store lists the bucket, then refuses every upload (404): the manifest is saved.
    archive(&root)
        .env("AWS_ACCESS_KEY_ID", "AKIDENVIRON")
        .env("AWS_SECRET_ACCESS_KEY", "environSecret99")
        .args([
            "publish",
            "--to",
            "s3://TOUSER:toPassw0rd@bucket/p",
            "--jobs",
            "1",
        ])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(1);
    assert!(
        !server
            .requests("/bucket?list-type=2&prefix=p%2F")
            .is_empty()
    );
    let names = files_under(&root.join(".archive/publish"));
    assert!(
        !names.is_empty(),
        "the manifest is saved after a failed stage"
    );
    for name in &names {
        assert!(
            !name.contains("toPassw0rd") && !name.contains("TOUSER"),
            "{name}"
        );
    }
}

fn plant(dest: &Path, names: &[&str]) {
    for name in names {
        write(dest, name, "left over");
    }
}

/// Finding 9: a publish killed with kill -9 left `<name>#<n>` staging files in a `file://`
/// destination, and nothing removed them.
#[test]
fn a_killed_publish_leaves_staging_files() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let staged = [
        "feeds/talks.xml#1",
        "media/talks/a-000000000000.mp3#12",
        "feeds/speakers/maryam-rajavi.html#3",
    ];
    plant(&nest.dest(), &staged);
    publish(&root, &nest.dest_url(), &[]).code(0);
    let left = files_under(&nest.dest());
    assert!(left.iter().all(|p| !p.contains('#')), "{left:?}");
    assert_eq!(left, manifest_files(&root));
}

/// Hole: `--dry-run` ("nothing was changed") removed staging-like files from the destination.
#[test]
fn a_dry_run_removes_files_from_the_destination() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    plant(&nest.dest(), &["feeds/talks.xml#1"]);
    publish(&root, &nest.dest_url(), &["--dry-run"])
        .code(0)
        .stdout(predicate::str::contains("nothing was changed"));
    assert_eq!(files_under(&nest.dest()), ["feeds/talks.xml#1"]);
}

/// Hole: the staging sweep removed every `<name>#<digits>` file anywhere in the destination
/// folder, also files of a web root that publish never wrote (`notes#2`, `blog/post#3`).
#[test]
fn the_staging_sweep_removes_files_publish_never_wrote() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let theirs = ["blog/post#3", "notes#2"];
    plant(&nest.dest(), &theirs);
    publish(&root, &nest.dest_url(), &[]).code(0);
    let left = files_under(&nest.dest());
    for name in theirs {
        assert!(left.contains(&name.to_owned()), "{name} removed: {left:?}");
    }
}
