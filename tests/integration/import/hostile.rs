//! Issue 12, finding 7, "import on deep HTML": pages that are deep, wide, full of links or
//! in another charset than UTF-8, served from the loopback server or read from a file. Each
//! import must finish (no stack overflow, no runaway time: the time of this file's tests
//! shows it, none is asserted) and read the speech it was given.

use predicates::prelude::*;

use super::{catalog, empty_archive, episodes, field, import};
use crate::server::{Reply, Server};
use crate::support::archive;

/// One speech with its recording, as the page's first content.
const SPEECH: &str = "<h3>Zoë Müller</h3>\n<p>We kept every letter, and we read them all aloud.</p>\n\
     <p><a href=\"audio/zoe-muller.mp3\">Listen to the speech</a></p>\n";

/// A page dated, titled, with [`SPEECH`] and then `rest`.
fn page_with(rest: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Letters evening</title></head><body><article>\
         <h1>Letters evening</h1><p>Held on May 5, 2023.</p>\n{SPEECH}{rest}</article></body></html>"
    )
}

/// Imports `html` served at `/event.html`; returns the archive and the server.
fn import_page(html: &str) -> (tempfile::TempDir, Server, assert_cmd::assert::Assert) {
    let server = Server::start();
    server.route("/event.html", Reply::page(200, html));
    let dir = empty_archive();
    let assert = import(dir.path(), &server.url("/event.html")).assert();
    (dir, server, assert)
}

/// The speech was read as it is on the page.
fn assert_the_speech_was_read(dir: &tempfile::TempDir, server: &Server) {
    let found = episodes(dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(field(&found[0], "id"), "2023-05-05-zoe-muller");
    assert_eq!(
        field(&found[0], "excerpt").trim(),
        "We kept every letter, and we read them all aloud."
    );
    assert_eq!(
        field(&found[0], "audio"),
        server.url("/audio/zoe-muller.mp3")
    );
}

/// `count` pieces of markup, numbered from 0.
fn numbered(count: usize, piece: impl Fn(usize) -> String) -> String {
    (0..count).map(piece).collect::<Vec<_>>().concat()
}

#[test]
fn import_on_deep_html_100k_nested_spans_do_not_overflow_the_stack() {
    let deep = format!(
        "{}deep{}",
        "<span>".repeat(100_000),
        "</span>".repeat(100_000)
    );
    let (dir, server, assert) = import_page(&page_with(&deep));
    assert.code(0).stdout(predicate::str::is_match(
        r"nests elements more than 128 levels deep: \d{5} tags below that were left out \(their text was kept\)\n",
    ).unwrap());
    assert_the_speech_was_read(&dir, &server);
}

#[test]
fn import_on_deep_html_pages_of_every_shape_finish() {
    let n = 100_000;
    let mut shapes: Vec<(&str, String)> = vec![
        ("nested div", "<div>".repeat(n)),
        ("nested li", "<ul><li>".repeat(n)),
        ("nested table cells", "<table><tr><td>".repeat(n / 2)),
        (
            "nested svg links",
            format!("<svg>{}", "<a href=x>".repeat(n)),
        ),
        ("misnested formatting", "<b><i><p>x</b>y".repeat(n / 2)),
        (
            "deep then many end tags",
            format!("{}{}", "<div>".repeat(200), "</p><hr>".repeat(n)),
        ),
        ("text node", "word &amp; ".repeat(n * 4)),
        (
            "wide",
            "<p>Words on a line, and <a href=\"x.html\">a link</a>.</p>\n".repeat(n / 5),
        ),
    ];
    // Unclosed formatting elements with distinct attributes: html5ever clones every one of
    // them again at each reconstruction.
    let distinct = numbered(n / 2, |i| format!("<b id=b{i}>"));
    shapes.push(("distinct formatting", distinct));
    let reopened = numbered(n / 5, |i| format!("<div><font id=f{i}></div>"));
    shapes.push((
        "formatting reopened in blocks",
        format!("{reopened}<p>x</p>"),
    ));
    for (shape, rest) in shapes {
        let (dir, server, assert) = import_page(&page_with(&rest));
        let output = assert.get_output().clone();
        assert_eq!(output.status.code(), Some(0), "{shape}: {output:?}");
        assert_the_speech_was_read(&dir, &server);
    }
}

#[test]
fn import_on_deep_html_follows_at_most_200_listen_links() {
    let server = Server::start();
    let links = numbered(250, |i| {
        format!(
            "<p><a href=\"/listen/{}\">Listen to speech</a></p>\n",
            i + 1
        )
    });
    server.route("/event.html", Reply::page(200, &page_with(&links)));
    for i in 1..=250 {
        server.route(&format!("/listen/{i}"), Reply::page(404, "gone"));
    }
    let dir = empty_archive();
    let url = server.url("/event.html");
    import(dir.path(), &url)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "note: `{url}` has 250 \"listen\" links; 200 were followed and the other 50 were not (at most 200 are followed): add their recordings by hand, or import the pages they lead to\n"
        )));
    assert_eq!(server.requests("/listen/200").len(), 1);
    assert_eq!(server.requests("/listen/201").len(), 0);
    assert_eq!(server.requests("/listen/250").len(), 0);
}

/// `Zoë Müller` and `Ñuñoa café` in ISO-8859-1 bytes.
fn latin1_page(head: &str) -> Vec<u8> {
    let text = format!(
        "<html><head>{head}<title>Letters evening</title></head><body><article>\
         <h1>Letters evening</h1>\n<p>Held on May 5, 2023.</p>\n\
         <h3>Zoë Müller</h3>\n<p>We met at the Ñuñoa café.</p>\n\
         <p><a href=\"https://letters.example.org/zoe-muller.mp3\">Listen</a></p></article></body></html>"
    );
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

fn assert_latin1_was_decoded(dir: &tempfile::TempDir) {
    let found = episodes(dir.path());
    assert_eq!(
        field(&found[0], "excerpt").trim(),
        "We met at the Ñuñoa café."
    );
    let speakers = crate::support::read(dir.path(), "feeds/speakers.toml");
    assert!(speakers.contains("name = \"Zoë Müller\""), "{speakers}");
    assert!(!crate::support::read(dir.path(), "feeds/events.toml").contains('\u{fffd}'));
}

#[test]
fn import_on_deep_html_a_latin1_page_is_decoded_by_its_content_type_charset() {
    let server = Server::start();
    server.route(
        "/event.html",
        Reply::status(200, latin1_page("")).header("Content-Type", "text/html; charset=ISO-8859-1"),
    );
    let dir = empty_archive();
    import(dir.path(), &server.url("/event.html"))
        .assert()
        .code(0);
    assert_latin1_was_decoded(&dir);
}

#[test]
fn import_on_deep_html_a_latin1_page_is_decoded_by_its_meta_charset() {
    for head in [
        "<meta charset=\"iso-8859-1\">",
        "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">",
    ] {
        let server = Server::start();
        server.route(
            "/event.html",
            Reply::status(200, latin1_page(head)).header("Content-Type", "text/html"),
        );
        let dir = empty_archive();
        import(dir.path(), &server.url("/event.html"))
            .assert()
            .code(0);
        assert_latin1_was_decoded(&dir);
    }
}

#[test]
fn import_on_deep_html_a_latin1_file_is_decoded_by_its_meta_charset() {
    let dir = empty_archive();
    let file = dir.path().join("event.html");
    std::fs::write(&file, latin1_page("<meta charset=\"iso-8859-1\">")).unwrap();
    import(dir.path(), file.to_str().unwrap()).assert().code(0);
    assert_latin1_was_decoded(&dir);
    let event = catalog(dir.path())["event"][0].clone();
    assert_eq!(event["title"].as_str(), Some("Letters evening"));
}

#[test]
fn import_on_deep_html_a_file_that_never_ends_is_refused() {
    let dir = empty_archive();
    archive(dir.path())
        .args(["import", "/dev/zero", "--feed", "events"])
        .args(["--public-url", "https://archive.example.org/"])
        .assert()
        .code(1)
        .stderr(
            "archive: error: failed to fetch `/dev/zero`: the page is larger than 5242880 bytes\n",
        );
}
