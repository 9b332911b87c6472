//! `archive sync` against a loopback HTTP server: conditional GETs, failures that do not
//! stop the others, and previous copies that stay published.

use predicates::prelude::*;

use crate::server::{Reply, Server};
use crate::support::{archive_with, episode, fixture, parse_feed, read, sync, write};

fn audio(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn enclosure_urls(root: &std::path::Path) -> Vec<String> {
    parse_feed(root, "talks")
        .items()
        .iter()
        .map(|item| item.enclosure().unwrap().url().to_owned())
        .collect()
}

#[test]
fn a_second_sync_sends_validators_and_transfers_no_recording_bytes() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    server.route("/b.ogg", Reply::file(audio("vorbis.ogg")));
    let dir =
        archive_with(&(episode("a", &server.url("/a.mp3")) + &episode("b", &server.url("/b.ogg"))));
    sync(dir.path()).assert().code(0);
    let feed = read(dir.path(), "feeds/talks.xml");
    let bytes = server.body_bytes();
    assert_eq!(
        bytes,
        (audio("mp3-cbr-xing.mp3").len() + audio("vorbis.ogg").len()) as u64
    );

    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 new, 0 changed, 2 unchanged"));
    assert_eq!(
        server.body_bytes(),
        bytes,
        "no recording bytes on a re-sync"
    );
    let second = &server.requests("/a.mp3")[1];
    assert!(second.headers.contains_key("if-none-match"), "{second:?}");
    assert_eq!(read(dir.path(), "feeds/talks.xml"), feed);
}

#[test]
fn a_failing_episode_is_named_and_does_not_stop_the_others() {
    let server = Server::start();
    server.route("/good.flac", Reply::file(audio("flac.flac")));
    server.route(
        "/page.mp3",
        Reply::page(
            200,
            "<!DOCTYPE html><html><body>Recording moved</body></html>",
        ),
    );
    let disguised = Reply::status(200, b"<html><body>Log in to listen</body></html>".to_vec())
        .header("Content-Type", "audio/mpeg");
    server.route("/disguised.mp3", disguised);
    server.route("/truncated.mp3", Reply::file(audio("truncated-xing.mp3")));
    let episodes = [
        episode("good", &server.url("/good.flac")),
        episode("missing", &server.url("/missing.mp3")),
        episode("page", &server.url("/page.mp3")),
        episode("disguised", &server.url("/disguised.mp3")),
        episode("truncated", &server.url("/truncated.mp3")),
    ];
    let dir = archive_with(&episodes.concat());
    let assert = sync(dir.path()).assert().code(3);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for expected in [
        format!(
            "archive: error: episode `talks/missing` (`{}`): the server answered 404 Not Found",
            server.url("/missing.mp3")
        ),
        format!(
            "archive: error: episode `talks/page` (`{}`): not audio: the server sent `text/html`",
            server.url("/page.mp3")
        ),
        format!(
            "archive: error: episode `talks/disguised` (`{}`): not audio: it is an HTML or XML page",
            server.url("/disguised.mp3")
        ),
        format!(
            "archive: error: episode `talks/truncated` (`{}`): truncated: the header claims 4.280 s",
            server.url("/truncated.mp3")
        ),
        "sync: 1 new, 0 changed, 0 unchanged, 0 offline, 4 failed".to_owned(),
    ] {
        assert!(
            stderr.contains(&expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert_eq!(enclosure_urls(dir.path()).len(), 1);
    // Nothing of the failed downloads is left behind.
    let media: Vec<_> = std::fs::read_dir(dir.path().join("media/talks"))
        .unwrap()
        .collect();
    assert_eq!(media.len(), 1);
}

#[test]
fn the_previous_copy_stays_published_when_a_source_starts_failing() {
    let server = Server::start();
    server.route("/a.m4a", Reply::file(audio("m4a-moov-last.m4a")));
    let dir = archive_with(&episode("a", &server.url("/a.m4a")));
    sync(dir.path()).assert().code(0);
    let feed = read(dir.path(), "feeds/talks.xml");

    server.route("/a.m4a", Reply::page(500, "<html>oops</html>"));
    sync(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the server answered 500 Internal Server Error",
        ));
    assert_eq!(read(dir.path(), "feeds/talks.xml"), feed);
    let url = &enclosure_urls(dir.path())[0];
    let media = url.strip_prefix("https://archive.example.org/").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join(media)).unwrap(),
        audio("m4a-moov-last.m4a")
    );
}

#[test]
fn changing_title_and_audio_keeps_the_guid_and_publishes_new_bytes_under_a_new_name() {
    let server = Server::start();
    server.route("/v1.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    server.route("/v2.mp3", Reply::file(audio("mp3-vbr-xing.mp3")));
    let dir = archive_with(&episode("a", &server.url("/v1.mp3")));
    sync(dir.path()).assert().code(0);
    let first = parse_feed(dir.path(), "talks").items()[0].clone();

    let catalog = read(dir.path(), "feeds/talks.toml")
        .replace("/v1.mp3", "/v2.mp3")
        .replace("title = \"Speech a\"", "title = \"Speech a, corrected\"");
    write(dir.path(), "feeds/talks.toml", &catalog);
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 new, 1 changed"));
    let second = parse_feed(dir.path(), "talks").items()[0].clone();
    assert_eq!(second.guid(), first.guid());
    assert_eq!(second.title(), Some("Speech a, corrected"));
    let (old, new) = (
        first.enclosure().unwrap().url(),
        second.enclosure().unwrap().url(),
    );
    assert_ne!(old, new);
    // The old recording is no output any more: the build removes it here (a destination keeps
    // it for `publish --prune`'s grace period, for listeners with the old feed).
    let old_media = old.strip_prefix("https://archive.example.org/").unwrap();
    assert!(!dir.path().join(old_media).exists());
    let new_media = new.strip_prefix("https://archive.example.org/").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join(new_media)).unwrap(),
        audio("mp3-vbr-xing.mp3")
    );
}

#[test]
fn a_304_to_a_request_without_validators_is_an_error() {
    let server = Server::start();
    server.route("/a.mp3", Reply::status(304, Vec::new()));
    let dir = archive_with(&episode("a", &server.url("/a.mp3")));
    sync(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the server answered 304 Not Modified to a request that sent no validator",
        ));
}

#[test]
fn offline_leaves_remote_sources_alone() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    let dir = archive_with(&episode("a", &server.url("/a.mp3")));
    sync(dir.path())
        .arg("--offline")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "0 new, 0 changed, 0 unchanged, 1 offline",
        ));
    assert!(server.requests("/a.mp3").is_empty());
}

#[test]
fn last_modified_alone_makes_the_resync_conditional() {
    let server = Server::start();
    let reply = Reply::file(audio("opus.opus"))
        .etag(None)
        .last_modified("Tue, 10 Nov 2020 18:00:00 GMT");
    server.route("/a.opus", reply);
    let dir = archive_with(&episode("a", &server.url("/a.opus")));
    sync(dir.path()).assert().code(0);
    let bytes = server.body_bytes();
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 new, 0 changed, 1 unchanged"));
    let second = &server.requests("/a.opus")[1];
    assert_eq!(
        second.headers.get("if-modified-since").map(String::as_str),
        Some("Tue, 10 Nov 2020 18:00:00 GMT")
    );
    assert!(!second.headers.contains_key("if-none-match"));
    assert_eq!(server.body_bytes(), bytes);
}
