//! `archive publish` against a real S3-compatible store: Garage, started on loopback for each
//! test (single node). `tests/clients/setup.sh` builds the `garage` binary.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};
use predicates::prelude::*;

use crate::support::{archive, fixture, read, sync, synced_example, write};

/// A single-node Garage with one bucket and one key, stopped on drop.
struct Garage {
    binary: PathBuf,
    config: PathBuf,
    server: Child,
    s3: String,
    key_id: String,
    secret: String,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GARAGE`, else the one `tests/clients/setup.sh` builds, else `garage` on `PATH`.
fn garage_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("GARAGE") {
        return PathBuf::from(path);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/.garage/bin/garage");
    std::iter::once(built)
        .chain(
            std::env::var_os("PATH")
                .into_iter()
                .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
                .map(|dir| dir.join("garage")),
        )
        .find(|path| path.is_file())
        .expect(
            "these tests need Garage: run tests/clients/setup.sh (or set GARAGE=/path/to/garage)",
        )
}

impl Garage {
    fn start() -> Self {
        let dir = tempfile::TempDir::new().unwrap();
        let (s3, rpc, admin) = (free_port(), free_port(), free_port());
        let config = dir.path().join("garage.toml");
        let secret: String = (0..64)
            .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap())
            .collect();
        std::fs::write(
            &config,
            format!(
                "metadata_dir = \"{dir}/meta\"\ndata_dir = \"{dir}/data\"\ndb_engine = \"sqlite\"\n\
                 replication_factor = 1\nrpc_bind_addr = \"127.0.0.1:{rpc}\"\nrpc_public_addr = \"127.0.0.1:{rpc}\"\n\
                 rpc_secret = \"{secret}\"\n\n[s3_api]\ns3_region = \"garage\"\napi_bind_addr = \"127.0.0.1:{s3}\"\n\
                 root_domain = \".s3.garage.localhost\"\n\n[admin]\napi_bind_addr = \"127.0.0.1:{admin}\"\n",
                dir = dir.path().display()
            ),
        )
        .unwrap();
        let binary = garage_binary();
        let server = Command::new(&binary)
            .arg("-c")
            .arg(&config)
            .arg("server")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut garage = Self {
            binary,
            config,
            server,
            s3: format!("http://127.0.0.1:{s3}"),
            key_id: String::new(),
            secret: String::new(),
            _dir: dir,
        };
        garage.set_up();
        garage
    }

    /// Runs a `garage` command; a node still settling (on a loaded machine) gets a few
    /// seconds before a failure counts.
    fn cli(&self, args: &[&str]) -> String {
        let started = Instant::now();
        loop {
            let output = Command::new(&self.binary)
                .arg("-c")
                .arg(&self.config)
                .args(args)
                .output()
                .unwrap();
            if output.status.success() {
                return String::from_utf8_lossy(&output.stdout).into_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "garage {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn set_up(&mut self) {
        let started = Instant::now();
        let node = loop {
            let output = Command::new(&self.binary)
                .arg("-c")
                .arg(&self.config)
                .args(["node", "id", "-q"])
                .output()
                .unwrap();
            if output.status.success() {
                break String::from_utf8_lossy(&output.stdout)
                    .trim()
                    .split('@')
                    .next()
                    .unwrap()
                    .to_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "Garage did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        self.cli(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
        self.cli(&["layout", "apply", "--version", "1"]);
        self.cli(&["bucket", "create", "archive"]);
        let key = self.cli(&["key", "create", "archive-key"]);
        let field = |name: &str| {
            key.lines()
                .find_map(|line| line.strip_prefix(name))
                .map_or_else(
                    || panic!("no {name} in {key}"),
                    |value| value.trim().to_owned(),
                )
        };
        self.key_id = field("Key ID:");
        self.secret = field("Secret key:");
        self.cli(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            "archive",
            "--key",
            "archive-key",
        ]);
    }

    fn store(&self) -> impl ObjectStore {
        AmazonS3Builder::new()
            .with_bucket_name("archive")
            .with_endpoint(&self.s3)
            .with_region("garage")
            .with_allow_http(true)
            .with_virtual_hosted_style_request(false)
            .with_access_key_id(&self.key_id)
            .with_secret_access_key(&self.secret)
            .build()
            .unwrap()
    }

    /// An archive of the example, synced, set up to publish to this Garage.
    fn archive(&self) -> tempfile::TempDir {
        let dir = synced_example();
        self.settings(dir.path(), "30d");
        dir
    }

    fn settings(&self, root: &Path, grace: &str) {
        write(
            root,
            "archive.toml",
            &format!(
                "[publish]\nto = \"s3://archive/site\"\nendpoint = \"{}\"\nregion = \"garage\"\npath_style = true\n\
                 allow_http = true\ngrace = \"{grace}\"\n",
                self.s3
            ),
        );
    }

    fn publish(&self, root: &Path) -> assert_cmd::Command {
        let mut command = archive(root);
        command
            .arg("publish")
            .env("AWS_ACCESS_KEY_ID", &self.key_id)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret);
        command
    }

    /// Every key in the bucket, sorted.
    fn keys(&self) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = self.store();
        let mut keys: Vec<String> = runtime
            .block_on(store.list(None).try_collect::<Vec<_>>())
            .unwrap()
            .into_iter()
            .map(|meta| meta.location.to_string())
            .collect();
        keys.sort();
        keys
    }

    /// An object's attributes (content type, cache control) and bytes.
    fn get(&self, key: &str) -> (object_store::Attributes, Vec<u8>) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = self.store();
        runtime.block_on(async {
            let result = store.get(&Key::from(key)).await.unwrap();
            let attributes = result.attributes.clone();
            (attributes, result.bytes().await.unwrap().to_vec())
        })
    }

    fn bytes(&self, key: &str) -> Vec<u8> {
        self.get(key).1
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The archive-relative files a publish says it uploaded.
fn uploaded(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("uploaded "))
        .map(|rest| rest.split(" (").next().unwrap().to_owned())
        .collect()
}

fn has_extension(name: &str, extension: &str) -> bool {
    Path::new(name).extension().is_some_and(|e| e == extension)
}

fn files_under(root: &Path, dir: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !entry.file_name().to_string_lossy().starts_with('.') {
                found.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_full_publish_puts_every_object_with_its_type_and_caching() {
    let garage = Garage::start();
    let dir = garage.archive();
    garage.publish(dir.path()).assert().code(0);
    let mut expected: Vec<String> = files_under(dir.path(), "media")
        .into_iter()
        .chain(
            files_under(dir.path(), "feeds")
                .into_iter()
                .filter(|f| ["xml", "html", "js"].iter().any(|e| has_extension(f, e))),
        )
        .map(|file| format!("site/{file}"))
        .collect();
    expected.sort();
    assert_eq!(garage.keys(), expected);
    for (extension, content_type, cache) in [
        (".opus", "audio/ogg", "public, max-age=31536000, immutable"),
        (".m4a", "audio/mp4", "public, max-age=31536000, immutable"),
        (".mp3", "audio/mpeg", "public, max-age=31536000, immutable"),
        (".flac", "audio/flac", "public, max-age=31536000, immutable"),
        (
            ".vtt",
            "text/vtt; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            ".json",
            "application/json",
            "public, max-age=31536000, immutable",
        ),
        (".png", "image/png", "public, max-age=31536000, immutable"),
        (".html", "text/html; charset=utf-8", "public, max-age=300"),
        (
            ".js",
            "text/javascript; charset=utf-8",
            "public, max-age=300",
        ),
        (
            ".xml",
            "application/rss+xml; charset=utf-8",
            "public, max-age=300",
        ),
    ] {
        let key = expected
            .iter()
            .find(|key| key.ends_with(extension))
            .unwrap();
        let (attributes, _) = garage.get(key);
        assert_eq!(
            attributes.get(&Attribute::ContentType).map(AsRef::as_ref),
            Some(content_type),
            "{key}"
        );
        assert_eq!(
            attributes.get(&Attribute::CacheControl).map(AsRef::as_ref),
            Some(cache),
            "{key}"
        );
    }
    let feed = "feeds/iran-protests-anniversary.xml";
    assert_eq!(
        garage.bytes(&format!("site/{feed}")),
        std::fs::read(dir.path().join(feed)).unwrap()
    );
}

#[test]
fn a_republish_uploads_nothing_and_a_changed_recording_uploads_it_and_its_rendition() {
    let garage = Garage::start();
    let dir = garage.archive();
    garage.publish(dir.path()).assert().code(0);
    let again = garage.publish(dir.path()).assert().code(0);
    assert_eq!(uploaded(&again.get_output().stderr), Vec::<String>::new());
    let stderr = String::from_utf8_lossy(&again.get_output().stderr);
    assert!(
        stderr.contains(": 0 uploaded (0 B), 38 unchanged"),
        "{stderr}"
    );

    std::fs::copy(
        fixture("mp3-vbr-xing.mp3"),
        dir.path().join("recordings/2020-11-10-ramesh-separad.mp3"),
    )
    .unwrap();
    sync(dir.path()).arg("--quiet").assert().code(0);
    let changed = garage.publish(dir.path()).assert().code(0);
    let files = uploaded(&changed.get_output().stderr);
    // The new recording and its new rendition, nothing else.
    let media: Vec<&String> = files.iter().filter(|f| f.starts_with("media/")).collect();
    assert_eq!(media.len(), 2, "{files:?}");
    assert!(
        media
            .iter()
            .all(|f| f.starts_with("media/iran-protests-anniversary/2020-11-10-ramesh-separad-")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|f| f.starts_with("media/") || f.starts_with("feeds/"))
    );
    assert!(files.contains(&"feeds/iran-protests-anniversary.xml".to_owned()));
    let order: Vec<usize> = [
        "media/",
        "feeds/iran-protests-anniversary.html",
        "feeds/iran-protests-anniversary.xml",
    ]
    .iter()
    .map(|prefix| files.iter().position(|f| f.starts_with(prefix)).unwrap())
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "media, then pages, then feeds: {files:?}"
    );
}

#[test]
fn an_upload_failure_midway_keeps_the_old_feeds_and_a_rerun_completes() {
    let garage = Garage::start();
    let dir = garage.archive();
    garage.publish(dir.path()).assert().code(0);
    let feed_key = "site/feeds/iran-protests-anniversary.xml";
    let published = garage.bytes(feed_key);

    // The bucket refuses any new object; the changed recording is the first to go up.
    garage.cli(&[
        "bucket",
        "set-quotas",
        "--max-objects",
        &garage.keys().len().to_string(),
        "archive",
    ]);
    std::fs::copy(
        fixture("mp3-vbr-xing.mp3"),
        dir.path().join("recordings/2020-11-10-ramesh-separad.mp3"),
    )
    .unwrap();
    sync(dir.path()).arg("--quiet").assert().code(0);
    garage
        .publish(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("archive: error: failed to upload `site/media/iran-protests-anniversary/2020-11-10-ramesh-separad-"));
    assert_eq!(
        garage.bytes(feed_key),
        published,
        "the feed listeners see is the old one"
    );
    let old_enclosures = String::from_utf8(published).unwrap();
    for key in garage.keys() {
        if let Some(path) = key.strip_prefix("site/") {
            assert!(
                dir.path().join(path).exists() || old_enclosures.contains(path),
                "{key}"
            );
        }
    }

    garage.cli(&["bucket", "set-quotas", "--max-objects", "none", "archive"]);
    garage.publish(dir.path()).assert().code(0);
    assert_eq!(
        garage.bytes(feed_key),
        std::fs::read(dir.path().join("feeds/iran-protests-anniversary.xml")).unwrap()
    );
}

#[test]
fn prune_waits_for_the_grace_period_and_a_dry_run_changes_nothing() {
    let garage = Garage::start();
    let dir = garage.archive();
    garage.publish(dir.path()).assert().code(0);
    let before: Vec<String> = garage.keys();
    let old = before
        .iter()
        .find(|k| k.contains("ramesh-separad-") && has_extension(k, "mp3"))
        .unwrap()
        .clone();
    std::fs::copy(
        fixture("mp3-vbr-xing.mp3"),
        dir.path().join("recordings/2020-11-10-ramesh-separad.mp3"),
    )
    .unwrap();
    sync(dir.path()).arg("--quiet").assert().code(0);

    garage
        .publish(dir.path())
        .args(["--dry-run", "--prune"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "  upload media/iran-protests-anniversary/2020-11-10-ramesh-separad-",
        ))
        .stdout(predicate::str::contains("nothing was changed"));
    assert_eq!(garage.keys(), before, "a dry run changes nothing");

    garage
        .publish(dir.path())
        .arg("--prune")
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 deleted, 2 unreferenced kept"));
    assert!(garage.keys().contains(&old), "within the grace period");

    garage.settings(dir.path(), "0s");
    garage
        .publish(dir.path())
        .arg("--prune")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(format!("   deleted {old}")));
    let after = garage.keys();
    assert!(!after.contains(&old));
    let feed = read(dir.path(), "feeds/iran-protests-anniversary.xml");
    for key in &after {
        if key.contains("/media/") && has_extension(key, "mp3") {
            assert!(
                feed.contains(key.strip_prefix("site/").unwrap()),
                "a named recording stays: {key}"
            );
        }
    }
}

#[test]
fn a_wrong_credential_fails_before_anything_is_uploaded() {
    let garage = Garage::start();
    let dir = garage.archive();
    archive(dir.path())
        .arg("publish")
        .env("AWS_ACCESS_KEY_ID", &garage.key_id)
        .env("AWS_SECRET_ACCESS_KEY", "0".repeat(64))
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with(
            "archive: error: cannot list `s3://archive/site`: ",
        ));
    archive(dir.path())
        .arg("publish")
        .assert()
        .code(1)
        .stderr("archive: error: `AWS_ACCESS_KEY_ID` is not set: credentials for `s3://archive/site` come from the environment\n");
    assert!(garage.keys().is_empty());
}
