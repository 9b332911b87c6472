//! Download faults, one test each, after the cases of the reliability checklist drawn from
//! curl's, wget's, rclone's, aria2's and yt-dlp's test suites (numbers in brackets). Each asserts the outcome: bytes on disk, the feed, the exit code, the message.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Timelike;
use predicates::prelude::*;

use crate::server::{Reply, Server};
use crate::support::{archive_with, episode, fixture, parse_feed, read, sync, write};

fn audio(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// The bytes published for the only episode of `feeds/talks.toml`.
fn published(root: &Path) -> Vec<u8> {
    let items = parse_feed(root, "talks").items().to_vec();
    assert_eq!(items.len(), 1);
    let url = items[0].enclosure().unwrap().url().to_owned();
    std::fs::read(root.join(url.strip_prefix("https://archive.example.org/").unwrap())).unwrap()
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn partials(root: &Path) -> Vec<PathBuf> {
    files(&root.join(".archive/partial"))
}

fn one_episode(server: &Server, path: &str) -> tempfile::TempDir {
    archive_with(&episode("a", &server.url(path)))
}

/// [1] A body cut after 5 bytes is resumed with `Range: bytes=5-` and `If-Range`, and the
/// result is byte-identical.
#[test]
fn a_cut_download_resumes_from_where_it_stopped() {
    let server = Server::start();
    let body = audio("mp3-cbr-xing.mp3");
    server.script(
        "/a.mp3",
        vec![
            Reply::file(body.clone()).cut_after(5),
            Reply::file(body.clone()),
        ],
    );
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(format!(
            "retry talks/a: truncated: received 5 of {} bytes; attempt 2 in",
            body.len()
        )));
    let requests = server.requests("/a.mp3");
    assert_eq!(requests[1].header("range"), Some("bytes=5-"));
    assert_eq!(requests[1].header("if-range"), Some(etag(&body).as_str()));
    assert_eq!(published(dir.path()), body);
    assert!(partials(dir.path()).is_empty());
}

fn etag(body: &[u8]) -> String {
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("\"{hash:x}-{}\"", body.len())
}

/// [2] A chunked body that ends without its final chunk is an error; the bytes are kept, and
/// the next sync completes them (here through a `416` whose length and validator match).
#[test]
fn a_chunked_body_without_its_last_chunk_is_an_error_and_is_completed_later() {
    let server = Server::start();
    let body = audio("vorbis.ogg");
    server.route("/a.ogg", Reply::file(body.clone()).chunked(false));
    let dir = one_episode(&server, "/a.ogg");
    sync(dir.path())
        .args(["--attempts", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "archive: error: episode `talks/a` (`{}`): the body ended early after {} bytes",
            server.url("/a.ogg"),
            body.len()
        )));
    assert_eq!(
        partials(dir.path()).len(),
        2,
        "the data and its sidecar are kept"
    );

    server.route("/a.ogg", Reply::file(body.clone()));
    sync(dir.path()).assert().code(0);
    let last = server.requests("/a.ogg").pop().unwrap();
    assert_eq!(
        last.header("range"),
        Some(format!("bytes={}-", body.len()).as_str())
    );
    assert_eq!(published(dir.path()), body);
    assert!(partials(dir.path()).is_empty());
}

/// [3] A `200` to a resume restarts from byte zero and never appends.
#[test]
fn a_200_to_a_resume_restarts_from_zero() {
    let server = Server::start();
    let body = audio("flac.flac");
    server.script(
        "/a.flac",
        vec![
            Reply::file(body.clone()).cut_after(1000),
            Reply::file(body.clone()).ignore_range(),
        ],
    );
    let dir = one_episode(&server, "/a.flac");
    sync(dir.path()).assert().code(0);
    assert_eq!(
        server.requests("/a.flac")[1].header("range"),
        Some("bytes=1000-")
    );
    assert_eq!(published(dir.path()), body);
}

/// [4] A `206` with a wrong start, end, total or unit, or without `Content-Range`, is
/// rejected; the download starts again from zero.
#[test]
fn a_206_with_a_wrong_range_is_rejected() {
    let body = audio("mp3-cbr-noxing.mp3");
    let len = body.len();
    let wrong = [
        format!("bytes 0-{}/{len}", len - 1),
        format!("bytes 1000-{}/{len}", len - 2),
        format!("bytes 1000-{}/{}", len, len + 1),
        format!("items 1000-{}/{len}", len - 1),
        String::new(),
    ];
    for content_range in wrong {
        let server = Server::start();
        server.script(
            "/a.mp3",
            vec![
                Reply::file(body.clone()).cut_after(1000),
                Reply::file(body.clone()).content_range(&content_range),
                Reply::file(body.clone()),
            ],
        );
        let dir = one_episode(&server, "/a.mp3");
        sync(dir.path())
            .assert()
            .code(0)
            .stderr(predicate::str::contains("retry talks/a: bad range answer"));
        let requests = server.requests("/a.mp3");
        assert_eq!(requests.len(), 3, "{content_range:?}");
        assert_eq!(requests[2].header("range"), None, "{content_range:?}");
        assert_eq!(published(dir.path()), body, "{content_range:?}");
    }
}

/// [5] The file changed between attempts: `If-Range` gets the whole new file, never a splice.
/// A server that ignores `If-Range` would splice; its `ETag` gives it away.
#[test]
fn a_file_that_changed_between_attempts_is_restarted_not_spliced() {
    let old = audio("mp3-cbr-xing.mp3");
    let new = audio("mp3-vbr-xing.mp3");
    for honours_if_range in [true, false] {
        let server = Server::start();
        let changed = if honours_if_range {
            Reply::file(new.clone())
        } else {
            Reply::file(new.clone()).ignore_if_range()
        };
        server.script(
            "/a.mp3",
            vec![Reply::file(old.clone()).cut_after(3000), changed],
        );
        let dir = one_episode(&server, "/a.mp3");
        sync(dir.path()).assert().code(0);
        assert_eq!(
            published(dir.path()),
            new,
            "honours If-Range: {honours_if_range}"
        );
    }
}

/// [6] A `416` means complete only with a matching length and validator; otherwise restart.
#[test]
fn a_416_that_does_not_match_restarts() {
    let server = Server::start();
    let body = audio("opus.opus");
    server.script(
        "/a.opus",
        vec![
            Reply::file(body.clone()).cut_after(2000),
            Reply::status(416, Vec::new()).header("Content-Range", "bytes */999999"),
            Reply::file(body.clone()),
        ],
    );
    let dir = one_episode(&server, "/a.opus");
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "bad range answer: `416 Range Not Satisfiable` (999999 bytes) does not match the partial download",
        ));
    assert_eq!(server.requests("/a.opus")[2].header("range"), None);
    assert_eq!(published(dir.path()), body);
}

/// [7] Duplicate, garbage or negative `Content-Length` is a protocol error.
#[test]
fn a_bad_content_length_is_an_error() {
    for values in [&["26", "30"][..], &["abc"], &["-5"]] {
        let server = Server::start();
        server.route(
            "/a.mp3",
            Reply::file(audio("mp3-cbr-xing.mp3")).content_length(values),
        );
        let dir = one_episode(&server, "/a.mp3");
        sync(dir.path())
            .args(["--attempts", "1"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "archive: error: episode `talks/a`",
            ))
            .stderr(predicate::str::contains("request failed"));
        assert!(!dir.path().join("media/talks").exists(), "{values:?}");
        assert!(partials(dir.path()).is_empty(), "{values:?}");
    }
}

/// [8] Over the size limit: refused from `Content-Length` before writing, or aborted while a
/// chunked body streams, with the partial file deleted.
#[test]
fn recordings_over_the_size_limit_are_refused() {
    let body = audio("wav.wav");
    for reply in [
        Reply::file(body.clone()),
        Reply::file(body.clone()).chunked(true),
    ] {
        let server = Server::start();
        server.route("/a.wav", reply);
        let dir = one_episode(&server, "/a.wav");
        sync(dir.path())
            .args(["--max-size", "100KiB"])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "more than the limit of 102400 bytes (--max-size)",
            ));
        assert_eq!(server.requests("/a.wav").len(), 1, "not retried");
        assert!(partials(dir.path()).is_empty());
    }
}

/// [10] `Retry-After` in seconds and as an HTTP-date is waited for; one longer than the cap
/// ends the attempt at once.
#[test]
fn retry_after_is_honoured_and_capped() {
    let body = audio("mp3-cbr-xing.mp3");

    let server = Server::start();
    let busy = Reply::page(429, "<html>busy</html>").header("Retry-After", "1");
    server.script("/a.mp3", vec![busy, Reply::file(body.clone())]);
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path()).assert().code(0);
    let requests = server.requests("/a.mp3");
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_secs(1), "waited {waited:?}");

    // An HTTP-date: the retry comes no earlier than that moment.
    let at = chrono::Utc::now().with_nanosecond(0).unwrap() + chrono::Duration::seconds(3);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = Server::start();
    let busy = Reply::page(503, "<html>busy</html>").header("Retry-After", &date);
    server.script("/a.mp3", vec![busy, Reply::file(body.clone())]);
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path()).assert().code(0);
    let retried: chrono::DateTime<chrono::Utc> = server.requests("/a.mp3")[1].wall.into();
    assert!(retried >= at, "retried at {retried}, asked for {date}");

    let server = Server::start();
    server.route(
        "/a.mp3",
        Reply::page(503, "busy").header("Retry-After", "3600"),
    );
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path())
        .args(["--max-retry-wait", "2m"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "the server answered 503 Service Unavailable (not retried: the server asks to wait 1h, more than the 2m a sync waits, --max-retry-wait)",
        ));
    assert_eq!(server.requests("/a.mp3").len(), 1);
}

/// [11] 500, 500, then 200: success after two logged retries. A 404, 403 or 410 is not
/// retried.
#[test]
fn transient_errors_are_retried_and_permanent_ones_are_not() {
    let server = Server::start();
    let body = audio("flac.flac");
    let error = Reply::page(500, "<html>oops</html>");
    server.script(
        "/a.flac",
        vec![error.clone(), error, Reply::file(body.clone())],
    );
    let dir = one_episode(&server, "/a.flac");
    let assert = sync(dir.path()).assert().code(0);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert_eq!(
        stderr
            .matches("retry talks/a: the server answered 500 Internal Server Error")
            .count(),
        2,
        "{stderr}"
    );
    assert_eq!(published(dir.path()), body);

    for status in [403, 404, 410] {
        let server = Server::start();
        server.route("/a.mp3", Reply::page(status, "<html>no</html>"));
        let dir = one_episode(&server, "/a.mp3");
        sync(dir.path()).assert().code(3);
        assert_eq!(
            server.requests("/a.mp3").len(),
            1,
            "{status} is not retried"
        );
    }
}

/// Retries end when the attempts per recording or the run's budget are spent.
#[test]
fn retries_are_bounded_per_recording_and_per_run() {
    let server = Server::start();
    server.route("/a.mp3", Reply::page(503, "busy"));
    server.route("/b.mp3", Reply::page(503, "busy"));
    let dir =
        archive_with(&(episode("a", &server.url("/a.mp3")) + &episode("b", &server.url("/b.mp3"))));
    sync(dir.path())
        .args(["--attempts", "3", "--retries", "3", "--jobs", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("(gave up after 3 attempts)"))
        .stderr(predicate::str::contains(
            "(not retried: this run's retry budget is spent, --retries)",
        ));
    let total = server.requests("/a.mp3").len() + server.requests("/b.mp3").len();
    assert_eq!(total, 5, "two first attempts and three retries");
}

/// [12] A body that stalls trips the read timeout, keeping what arrived for a resume.
#[test]
fn a_stalled_body_times_out_and_resumes() {
    let server = Server::start();
    let body = audio("m4a-moov-last.m4a");
    server.script(
        "/a.m4a",
        vec![
            Reply::file(body.clone()).stall_after(4000),
            Reply::file(body.clone()),
        ],
    );
    let dir = one_episode(&server, "/a.m4a");
    sync(dir.path())
        .args(["--read-timeout", "300ms"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("retry talks/a: timed out"));
    assert_eq!(
        server.requests("/a.m4a")[1].header("range"),
        Some("bytes=4000-")
    );
    assert_eq!(published(dir.path()), body);
}

/// [12] A server that sends no headers in time trips the read timeout too.
#[test]
fn a_server_slow_to_answer_trips_the_read_timeout() {
    let server = Server::start();
    let body = audio("vorbis.ogg");
    server.script(
        "/a.ogg",
        vec![
            Reply::file(body.clone()).delay(Duration::from_secs(2)),
            Reply::file(body.clone()),
        ],
    );
    let dir = one_episode(&server, "/a.ogg");
    sync(dir.path())
        .args(["--read-timeout", "300ms"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("retry talks/a: timed out"));
    assert_eq!(published(dir.path()), body);
}

/// [12] A server that never accepts the connection trips the connect timeout.
#[test]
fn a_connection_that_never_opens_trips_the_connect_timeout() {
    use socket2::{Domain, Socket, Type};
    let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    listener
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap().as_socket().unwrap();
    // Fill the accept queue: further connection attempts get no answer at all.
    let _queued: Vec<_> = (0..8)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).ok()
        })
        .collect();
    let dir = archive_with(&episode("a", &format!("http://{addr}/a.mp3")));
    sync(dir.path())
        .args(["--connect-timeout", "300ms", "--attempts", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("timed out"));
}

/// The overall timeout per recording ends a slow download and keeps its bytes.
#[test]
fn the_overall_timeout_keeps_the_partial_download() {
    let server = Server::start();
    let body = audio("wav.wav");
    server.route(
        "/a.wav",
        Reply::file(body.clone()).throttle(4096, Duration::from_millis(50)),
    );
    let dir = one_episode(&server, "/a.wav");
    sync(dir.path())
        .args(["--timeout", "500ms"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "took longer than 500ms (--timeout); the partial download is kept for the next sync",
        ));
    let kept = std::fs::metadata(dir.path().join(".archive/partial/talks/a.part"))
        .unwrap()
        .len();
    assert!(kept > 0);

    server.route("/a.wav", Reply::file(body.clone()));
    sync(dir.path()).assert().code(0);
    let last = server.requests("/a.wav").pop().unwrap();
    assert_eq!(
        last.header("range"),
        Some(format!("bytes={kept}-").as_str())
    );
    assert_eq!(published(dir.path()), body);
}

/// [13] A redirect loop ends after 10 hops; a redirect to `file:` or `ftp:` is refused.
#[test]
fn redirect_loops_and_other_schemes_are_refused() {
    let server = Server::start();
    server.route("/loop.mp3", Reply::redirect(&server.url("/loop.mp3")));
    server.route("/file.mp3", Reply::redirect("file:///etc/passwd"));
    server.route("/ftp.mp3", Reply::redirect("ftp://example.org/a.mp3"));
    let dir = archive_with(
        &(episode("loop", &server.url("/loop.mp3"))
            + &episode("file", &server.url("/file.mp3"))
            + &episode("ftp", &server.url("/ftp.mp3"))),
    );
    sync(dir.path())
        .args(["--attempts", "1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("more than 10 redirects"))
        .stderr(predicate::str::contains(
            "refused redirect to `file:///etc/passwd`",
        ))
        .stderr(predicate::str::contains(
            "refused redirect to `ftp://example.org/a.mp3`",
        ));
    assert_eq!(server.requests("/loop.mp3").len(), 11);
}

/// [15] A recording whose SHA-256 differs from the catalog's is not kept.
#[test]
fn a_checksum_mismatch_persists_nothing() {
    let server = Server::start();
    let body = audio("mp3-cbr-xing.mp3");
    server.route("/a.mp3", Reply::file(body));
    let wrong = "0".repeat(64);
    let dir = archive_with(&format!(
        "{}sha256 = \"{wrong}\"\n",
        episode("a", &server.url("/a.mp3"))
    ));
    sync(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "checksum mismatch: the catalog says sha256 {wrong}"
        )));
    assert!(files(&dir.path().join("media")).is_empty());
    assert!(files(&dir.path().join(".archive/state")).is_empty());
    assert!(partials(dir.path()).is_empty());
}

/// [16] A connection whose response was abandoned mid-body is not reused.
#[test]
fn a_connection_is_not_reused_after_an_abandoned_body() {
    let server = Server::start();
    let mut page = b"<html>".to_vec();
    page.resize(200_000, b' ');
    let fake = Reply::status(200, page)
        .header("Content-Type", "audio/mpeg")
        .throttle(8192, Duration::from_millis(5));
    server.route("/fake.mp3", fake);
    server.route("/b.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    let dir = archive_with(
        &(episode("a", &server.url("/fake.mp3")) + &episode("b", &server.url("/b.mp3"))),
    );
    sync(dir.path()).args(["--jobs", "1"]).assert().code(3);
    let (first, second) = (
        &server.requests("/fake.mp3")[0],
        &server.requests("/b.mp3")[0],
    );
    assert_ne!(first.connection, second.connection);
}

/// [17] A full disk: a clear error, the partial file removed, the previous copy published.
#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_previous_copy() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    server.route("/b.wav", Reply::file(audio("wav.wav")));
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path()).assert().code(0);
    let feed = read(dir.path(), "feeds/talks.xml");
    let catalog = read(dir.path(), "feeds/talks.toml").replace("/a.mp3", "/b.wav");
    write(dir.path(), "feeds/talks.toml", &catalog);

    // Downloads land in `.archive/partial`; make that a 64 KiB tmpfs, in a mount namespace of
    // our own, and list what is left in it after the sync.
    let partial = dir.path().join(".archive/partial");
    std::fs::create_dir_all(&partial).unwrap();
    let script = r#"mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
"$2" --root "$3" sync --retry-delay 10ms; status=$?
find "$1" -type f; exit $status"#;
    let output = std::process::Command::new("unshare")
        .args(["--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .arg(&partial)
        .arg(assert_cmd::cargo::cargo_bin("archive"))
        .arg(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("this test needs `unshare` (util-linux) and user namespaces");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(99),
        "could not mount a tmpfs: {stderr}"
    );
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("failed to write `"), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "",
        "files left in the partial folder"
    );
    assert_eq!(read(dir.path(), "feeds/talks.xml"), feed);
    assert_eq!(published(dir.path()), audio("mp3-cbr-xing.mp3"));
}

/// [19] The server's file name (`Content-Disposition`, URL) never decides where bytes go.
#[test]
fn server_file_names_are_ignored() {
    let server = Server::start();
    let reply = Reply::file(audio("mp3-cbr-xing.mp3")).header(
        "Content-Disposition",
        "attachment; filename=\"../../evil.exe\"",
    );
    server.route("/..%2F..%2Fevil.desktop", reply);
    let dir = one_episode(&server, "/..%2F..%2Fevil.desktop");
    sync(dir.path()).assert().code(0);
    let all = files(dir.path());
    assert!(
        all.iter()
            .all(|path| !path.to_string_lossy().contains("evil")),
        "{all:?}"
    );
    let media = files(&dir.path().join("media/talks"));
    assert_eq!(media.len(), 1);
    let name = media[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("a-"), "{name}");
    assert_eq!(media[0].extension().and_then(|e| e.to_str()), Some("mp3"));
}

/// [20] A cross-host redirect carries no credentials (the tool sends none, and keeps it so).
/// `localhost` is not named by the catalog, so reaching it takes `--allow-private`.
#[test]
fn a_cross_host_redirect_carries_no_credentials() {
    let server = Server::start();
    let other = server.url("/real.mp3").replace("127.0.0.1", "localhost");
    server.route("/a.mp3", Reply::redirect(&other));
    server.route("/real.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path()).arg("--allow-private").assert().code(0);
    let redirected = &server.requests("/real.mp3")[0];
    assert_eq!(
        redirected
            .header("host")
            .map(|h| h.starts_with("localhost")),
        Some(true)
    );
    assert_eq!(redirected.header("authorization"), None);
    assert_eq!(redirected.header("cookie"), None);
}

/// [21] Temp files of a killed run (a level down in `feeds/` too) and partial downloads of
/// removed episodes are cleaned up.
#[test]
fn leftovers_of_a_killed_run_are_removed() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    let dir = one_episode(&server, "/a.mp3");
    for leftover in [
        "media/talks/.archive-tmp-AbC123",
        "feeds/.archive-tmp-XyZ",
        "feeds/speakers/.archive-tmp-XyZ",
        // A build killed while it wrote the search passages (a stray the kill -9 test found).
        "feeds/search/talks/.archive-tmp-Wh24VT",
        ".archive/state/talks/.archive-tmp-1",
        ".archive/partial/talks/removed-episode.part",
        ".archive/partial/talks/removed-episode.json",
    ] {
        write(dir.path(), leftover, "junk");
    }
    sync(dir.path()).assert().code(0);
    let left: Vec<_> = files(dir.path())
        .into_iter()
        .filter(|p| {
            p.to_string_lossy().contains("archive-tmp")
                || p.to_string_lossy().contains("removed-episode")
        })
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Concurrency: `--per-host` caps the downloads from one host, whatever `--jobs` says.
#[test]
fn downloads_per_host_are_capped() {
    let server = Server::start();
    let mut episodes = String::new();
    for n in 0..6 {
        let path = format!("/{n}.mp3");
        server.route(
            &path,
            Reply::file(audio("mp3-cbr-xing.mp3")).throttle(4096, Duration::from_millis(10)),
        );
        episodes.push_str(&episode(&format!("e{n}"), &server.url(&path)));
    }
    let dir = archive_with(&episodes);
    sync(dir.path())
        .args(["--jobs", "6", "--per-host", "2"])
        .assert()
        .code(0);
    assert!(
        server.most_concurrent() <= 2,
        "{}",
        server.most_concurrent()
    );
    assert_eq!(parse_feed(dir.path(), "talks").items().len(), 6);
}

/// Off a terminal: one line per episode and a summary; `--quiet` prints nothing on success.
#[test]
fn progress_off_a_terminal_is_plain_lines_and_quiet_is_quiet() {
    let server = Server::start();
    server.route("/a.mp3", Reply::file(audio("mp3-cbr-xing.mp3")));
    let dir = one_episode(&server, "/a.mp3");
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::is_match(r"(?m)^       new talks/a \(0:04, mp3, 34709 bytes\)$").unwrap())
        .stderr(predicate::str::is_match(r"sync: 1 new, 0 changed, 0 unchanged, 0 offline, 0 failed; 33\.9 KiB downloaded in \d+\.\d s").unwrap());
    sync(dir.path()).arg("--quiet").assert().code(0).stderr("");
}
