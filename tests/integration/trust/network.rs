//! Remote servers: a `206` continues a partial download only with a validator proving it is
//! the same file, and a redirect never leads sync or `check --online` to an internal address
//! the catalog does not name.

use serde_json::Value;

use crate::server::{Reply, Server};
use crate::support::{FEED_HEAD, archive, archive_with, episode, fixture, parse_feed, sync, write};

const BEFORE: &str = "Tue, 10 Nov 2020 18:00:00 GMT";
const AFTER: &str = "Wed, 11 Nov 2020 09:30:00 GMT";

fn audio(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// The WAV fixture with some samples changed: another version of the same length.
fn versions() -> (Vec<u8>, Vec<u8>) {
    let old = audio("wav.wav");
    let mut new = old.clone();
    for byte in &mut new[1000..3000] {
        *byte ^= 0x55;
    }
    (old, new)
}

/// Syncs one episode whose server answers `replies` in turn; returns the published bytes and
/// the `Range` of every request.
fn resumed(replies: Vec<Reply>) -> (Vec<u8>, Vec<Option<String>>) {
    let server = Server::start();
    server.script("/a.wav", replies);
    let dir = archive_with(&episode("a", &server.url("/a.wav")));
    sync(dir.path()).assert().code(0);
    let items = parse_feed(dir.path(), "talks").items().to_vec();
    let url = items[0].enclosure().unwrap().url().to_owned();
    let media = url.strip_prefix("https://archive.example.org/").unwrap();
    let ranges = server
        .requests("/a.wav")
        .iter()
        .map(|r| r.header("range").map(str::to_owned))
        .collect();
    (std::fs::read(dir.path().join(media)).unwrap(), ranges)
}

/// After the resume, the third request asked for the whole file (no `Range`), and what was
/// published is the new version alone.
fn assert_restarted(ranges: &[Option<String>], published: &[u8], new: &[u8]) {
    assert_eq!(
        ranges.get(2),
        Some(&None),
        "restarted from zero: {ranges:?}"
    );
    assert_eq!(published, new);
}

/// Finding 4: the file changed on the server, which answered the resume with a `206` without
/// `ETag`; sync appended it, and published a file matching neither version.
#[test]
fn a_206_without_etag_after_a_change_is_spliced() {
    let (old, new) = versions();
    let (published, ranges) = resumed(vec![
        Reply::file(old).cut_after(5000),
        Reply::file(new.clone()).etag(None).ignore_if_range(),
    ]);
    assert_eq!(ranges[1].as_deref(), Some("bytes=5000-"));
    assert_restarted(&ranges, &published, &new);
}

/// Finding 4: a weak `ETag` equal to the first one proves nothing about the bytes.
#[test]
fn a_206_with_a_weak_etag_is_spliced() {
    let (old, new) = versions();
    let weak = Some("W/\"v1\"");
    let (published, ranges) = resumed(vec![
        Reply::file(old)
            .etag(weak)
            .last_modified(BEFORE)
            .cut_after(5000),
        Reply::file(new.clone())
            .etag(weak)
            .last_modified(AFTER)
            .ignore_if_range(),
    ]);
    assert_eq!(ranges[1].as_deref(), Some("bytes=5000-"));
    assert_restarted(&ranges, &published, &new);
}

/// Finding 4: the same `Last-Modified`, but a total the partial download cannot confirm (its
/// first answer was chunked, of unknown length): not proof of the same file either.
#[test]
fn a_206_with_the_same_last_modified_but_an_unproven_total_is_spliced() {
    let (old, new) = (audio("mp3-cbr-noxing.mp3"), audio("mp3-vbr-noxing.mp3"));
    assert!(new.len() > old.len());
    let (published, ranges) = resumed(vec![
        Reply::file(old.clone())
            .etag(None)
            .last_modified(BEFORE)
            .chunked(false),
        Reply::file(new.clone())
            .etag(None)
            .last_modified(BEFORE)
            .ignore_if_range(),
    ]);
    assert_eq!(ranges[1], Some(format!("bytes={}-", old.len())));
    assert_restarted(&ranges, &published, &new);
}

/// Where each redirect leads, and the kind of address the refusal must name.
fn internal_redirects(server: &Server) -> Vec<(&'static str, String, &'static str)> {
    let port = server.url("").rsplit(':').next().unwrap().to_owned();
    vec![
        (
            "metadata",
            "http://169.254.169.254/latest/meta-data/a.mp3".into(),
            "link-local",
        ),
        ("mapped", "http://[::ffff:10.0.0.1]/a.mp3".into(), "private"),
        (
            "localhost",
            format!("http://localhost:{port}/real.mp3"),
            "loopback",
        ),
        ("zero", format!("http://0:{port}/real.mp3"), "unspecified"),
        ("decimal", "http://167772161/a.mp3".into(), "private"),
        (
            "loopback-v6",
            format!("http://[::1]:{port}/real.mp3"),
            "loopback",
        ),
    ]
}

/// Finding 8: sync followed a redirect from the catalog's host to `169.254.169.254`, an
/// IPv4-mapped private address, or another loopback name.
#[test]
fn redirects_to_internal_addresses_are_followed_by_sync() {
    let server = Server::start();
    server.route("/real.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    let mut episodes = String::new();
    for (id, target, _) in internal_redirects(&server) {
        server.route(&format!("/{id}.mp3"), Reply::redirect(&target));
        episodes += &episode(id, &server.url(&format!("/{id}.mp3")));
    }
    let dir = archive_with(&episodes);
    let failed = sync(dir.path())
        .args(["--attempts", "1", "--connect-timeout", "2s"])
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    for (id, _, kind) in internal_redirects(&server) {
        let line = stderr
            .lines()
            .find(|l| l.contains(&format!("episode `talks/{id}`")))
            .unwrap_or_else(|| panic!("no error for {id}:\n{stderr}"));
        assert!(line.contains(&format!("is a {kind} address")), "{line}");
        assert!(line.contains("--allow-private"), "{line}");
    }
    assert!(
        server.requests("/real.mp3").is_empty(),
        "a redirect was followed"
    );

    let dir = archive_with(&episode("localhost", &server.url("/localhost.mp3")));
    sync(dir.path()).arg("--allow-private").assert().code(0);
    let reached = server.requests("/real.mp3");
    assert!(reached[0].header("host").unwrap().starts_with("localhost:"));
}

/// The `online` findings of `archive check --online [extra]`.
fn online_findings(root: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let output = archive(root)
        .args(["check", "--json", "--online"])
        .args(extra)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "online" && f["severity"] == "error")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

/// Finding 8: `check --online` followed the same redirects.
#[test]
fn redirects_to_internal_addresses_are_followed_by_check_online() {
    let server = Server::start();
    let dir = tempfile::TempDir::new().unwrap();
    let head = FEED_HEAD.replace("https://archive.example.org/", &server.url("/"));
    write(
        dir.path(),
        "feeds/speakers.toml",
        "[speakers.maryam-rajavi]\nname = \"M\"\n",
    );
    write(
        dir.path(),
        "feeds/talks.toml",
        &(head + &episode("a", "recordings/a.mp3")),
    );
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    let bytes = audio("mp3-cbr-xing.mp3");
    std::fs::write(dir.path().join("recordings/a.mp3"), &bytes).unwrap();
    sync(dir.path()).assert().code(0);
    let enclosure = parse_feed(dir.path(), "talks").items()[0]
        .enclosure()
        .unwrap()
        .url()
        .to_owned();
    let path = enclosure.strip_prefix(&server.url("")).unwrap().to_owned();
    server.route("/real.mp3", Reply::file(bytes));
    for (_, target, kind) in internal_redirects(&server) {
        server.route(&path, Reply::redirect(&target));
        let errors = online_findings(dir.path(), &[]);
        // Once for the feed, once for the speaker feed that names the same enclosure.
        assert!(!errors.is_empty(), "{target}");
        for error in &errors {
            assert!(error.contains(&format!("is a {kind} address")), "{error}");
            assert!(error.contains("--allow-private"), "{error}");
        }
    }
    assert!(
        server.requests("/real.mp3").is_empty(),
        "a redirect was followed"
    );
    let port = server.url("").rsplit(':').next().unwrap().to_owned();
    server.route(
        &path,
        Reply::redirect(&format!("http://localhost:{port}/real.mp3")),
    );
    assert_eq!(
        online_findings(dir.path(), &["--allow-private"]),
        Vec::<String>::new()
    );
    assert!(!server.requests("/real.mp3").is_empty());
}
