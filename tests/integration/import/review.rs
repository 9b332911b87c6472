//! Issue 16, "Import review": what `import --dry-run` and `import -v` print, and which
//! mistakes are caught before the page is fetched. The output is snapshotted word for word,
//! with the loopback server's address replaced by `http://SERVER`.

use super::{empty_archive, import, serve_seed};
use crate::server::{Reply, Server};
use crate::support::archive;

fn stdout_of(assert: &assert_cmd::assert::Assert, server: &Server) -> String {
    String::from_utf8(assert.get_output().stdout.clone())
        .unwrap()
        .replace(&server.url(""), "http://SERVER")
}

#[test]
fn a_dry_run_shows_each_episode_with_speaker_title_audio_and_excerpt_ends() {
    let server = serve_seed();
    let dir = empty_archive();
    let assert = import(dir.path(), &server.url("/events/anniversary.html"))
        .arg("--dry-run")
        .assert()
        .code(0);
    insta::assert_snapshot!("dry_run", stdout_of(&assert, &server));
}

#[test]
fn verbose_shows_whole_excerpts() {
    let server = serve_seed();
    let dir = empty_archive();
    let assert = import(dir.path(), &server.url("/events/anniversary.html"))
        .args(["--dry-run", "-v"])
        .assert()
        .code(0);
    insta::assert_snapshot!("dry_run_verbose", stdout_of(&assert, &server));
}

#[test]
fn speeches_to_review_are_shown_with_what_is_known_of_them() {
    let server = Server::start();
    server.route(
        "/panel.html",
        Reply::page(200, &super::page("uncertain.html")),
    );
    let dir = empty_archive();
    let assert = import(dir.path(), &server.url("/panel.html"))
        .arg("--dry-run")
        .assert()
        .code(3);
    insta::assert_snapshot!("review", stdout_of(&assert, &server));
}

#[test]
fn a_missing_public_url_is_reported_before_the_page_is_fetched() {
    let server = serve_seed();
    let dir = empty_archive();
    archive(dir.path())
        .args(["import", &server.url("/events/anniversary.html")])
        .args(["--feed", "events", "--dry-run"])
        .assert()
        .code(1)
        .stdout("")
        .stderr("archive: error: there is no `feeds/events.toml` yet; give its public URL with --public-url to create it\n");
    assert_eq!(
        server.requests("/events/anniversary.html").len(),
        0,
        "the page is not fetched"
    );
}
