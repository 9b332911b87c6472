//! Issue 16: `-v` shows each request of a sync (method, URL, status, validators sent, bytes,
//! time) and why a source is or is not downloaded again; a source without `ETag` or
//! `Last-Modified` is downloaded again only once the feed's `recheck` interval has passed.

use predicates::prelude::*;

use crate::server::{Reply, Server};
use crate::support::{FEED_HEAD, archive_with, episode, fixture, sync, write};

fn mp3() -> Vec<u8> {
    std::fs::read(fixture("mp3-cbr-xing.mp3")).unwrap()
}

fn matches(pattern: &str) -> impl Predicate<str> {
    predicate::str::is_match(pattern).unwrap()
}

#[test]
fn verbose_shows_each_request_with_its_status_validators_bytes_and_time() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(mp3()));
    let dir = archive_with(&episode("a", &server.url("/a.mp3")));
    let url = regex_escape(&server.url("/a.mp3"));
    sync(dir.path())
        .arg("-v")
        .assert()
        .code(0)
        .stderr(matches(&format!(
            r"(?m)^ INFO GET {url}: 200 OK, 34709 bytes in \d+\.\d\d s \(no validators sent\)$"
        )));
    let etag = server.requests("/a.mp3")[0]
        .headers
        .get("if-none-match")
        .cloned();
    assert_eq!(etag, None);
    sync(dir.path()).arg("-v").assert().code(0).stderr(matches(&format!(
        r#"(?m)^ INFO GET {url}: 304 Not Modified, 0 bytes in \d+\.\d\d s \(sent If-None-Match: "[0-9a-f]+-34709"\)$"#
    )));
    // Another URL: nothing is known of it, so nothing is sent.
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{}", episode("a", &server.url("/b.mp3"))),
    );
    let url = regex_escape(&server.url("/b.mp3"));
    sync(dir.path()).arg("-v").assert().code(3).stderr(matches(&format!(
        r"(?m)^ INFO GET {url}: 404 Not Found, 0 bytes in \d+\.\d\d s \(no validators sent\): the server answered 404 Not Found$"
    )));
}

#[test]
fn a_source_without_validators_is_downloaded_again_only_after_recheck() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(mp3()).etag(None));
    let dir = archive_with(&episode("a", &server.url("/a.mp3")));
    sync(dir.path()).assert().code(0);
    sync(dir.path())
        .arg("-v")
        .assert()
        .code(0)
        .stderr(matches(
            r"(?m)^ INFO `talks/a`: no ETag or Last-Modified; downloaded \d+s ago, so not asked again before 7days have passed \(`recheck`\)$",
        ))
        .stderr(predicate::str::contains("1 unchanged"));
    assert_eq!(
        server.requests("/a.mp3").len(),
        1,
        "no request within the interval"
    );

    let catalog = format!(
        "{}{}",
        FEED_HEAD.replace("language = \"en\"", "language = \"en\"\nrecheck = \"0s\""),
        episode("a", &server.url("/a.mp3"))
    );
    write(dir.path(), "feeds/talks.toml", &catalog);
    sync(dir.path())
        .arg("-v")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            " INFO `talks/a`: no ETag or Last-Modified: downloaded again; set `recheck` to limit this\n",
        ))
        .stderr(predicate::str::contains("1 unchanged"));
    assert_eq!(server.requests("/a.mp3").len(), 2);
}

#[test]
fn a_recheck_that_is_not_a_duration_is_a_catalog_error() {
    let dir = archive_with("");
    write(
        dir.path(),
        "feeds/talks.toml",
        &FEED_HEAD.replace(
            "language = \"en\"",
            "language = \"en\"\nrecheck = \"2 fortnights\"",
        ),
    );
    sync(dir.path()).assert().code(1).stderr(predicate::str::contains(
        "feeds/talks.toml:5:11: `recheck`: `2 fortnights` is not a duration; write it like \"7d\"",
    ));
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '.' | '?' | '(' | ')' | '[' | ']' | '+' | '*' | '\\' | '^' | '$' | '|' | '{' | '}' => {
                format!("\\{c}")
            }
            c => c.to_string(),
        })
        .collect()
}
