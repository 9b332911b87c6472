//! Issue 16, grammar and consistency: counts agree with their nouns, the codec is not named
//! twice, episodes are `feed/episode` everywhere, a failure has the same words local or
//! remote, and `check --online` gives the cause of a failure rather than the URL again.

use predicates::prelude::*;
use serde_json::Value;

use crate::server::{Reply, Server};
use crate::support::{FEED_HEAD, archive, archive_with, episode, fixture, repo, sync, write};

fn copy_fixture(root: &std::path::Path, name: &str, to: &str) {
    std::fs::create_dir_all(root.join("recordings")).unwrap();
    std::fs::copy(fixture(name), root.join(to)).unwrap();
}

#[test]
fn sync_names_the_codec_once_and_counts_one_episode_in_the_singular() {
    let dir = archive_with(&(episode("a", "recordings/a.mp3") + &episode("b", "recordings/b.ogg")));
    copy_fixture(dir.path(), "mp3-cbr-xing.mp3", "recordings/a.mp3");
    copy_fixture(dir.path(), "vorbis.ogg", "recordings/b.ogg");
    sync(dir.path())
        .args(["--jobs", "1"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "       new talks/a (0:04, mp3, 34709 bytes)\n       new talks/b (0:04, ogg vorbis, 40858 bytes)\n",
        ))
        .stderr(predicate::str::contains(
            "     wrote feeds/speakers/maryam-rajavi.xml (2 episodes)\n",
        ));
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{FEED_HEAD}{}", episode("a", "recordings/a.mp3")),
    );
    archive(dir.path())
        .arg("build")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "     wrote feeds/talks.xml (1 episode)\n",
        ));
}

#[test]
fn probe_names_the_codec_once_and_counts_one_file_in_the_singular() {
    archive(&repo())
        .arg("probe")
        .arg(fixture("mp3-cbr-xing.mp3"))
        .arg(fixture("flac.flac"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "mp3-cbr-xing.mp3: mp3, 4.280 s (0:04), 44100 Hz, 1 ch, 64 kb/s, 34709 bytes\n",
        ))
        .stdout(predicate::str::contains("flac.flac: flac, 4.280 s (0:04)"));
    archive(&repo())
        .arg("probe")
        .arg(fixture("empty.mp3"))
        .assert()
        .code(1)
        .stdout(format!(
            "{}: error: the file is empty\n",
            fixture("empty.mp3").display()
        ))
        .stderr("archive: error: 1 of 1 file is not readable audio\n");
}

/// Issue 16: an empty recording is "the file is empty" whether it is local, remote or
/// probed.
#[test]
fn an_empty_recording_is_the_same_failure_local_or_remote() {
    let server = Server::start();
    server.route("/empty.mp3", Reply::file(Vec::new()));
    let dir = archive_with(
        &(episode("local", "recordings/empty.mp3") + &episode("remote", &server.url("/empty.mp3"))),
    );
    write(dir.path(), "recordings/empty.mp3", "");
    sync(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "archive: error: episode `talks/local` (`recordings/empty.mp3`): the file is empty\n",
        ))
        .stderr(predicate::str::contains(format!(
            "archive: error: episode `talks/remote` (`{}`): the file is empty\n",
            server.url("/empty.mp3")
        )));
}

/// An archive whose feed is published at `base`, synced from a local recording.
fn published_at(base: &str) -> tempfile::TempDir {
    let dir = archive_with("");
    copy_fixture(dir.path(), "mp3-cbr-xing.mp3", "recordings/a.mp3");
    let head = FEED_HEAD.replace("https://archive.example.org/", base);
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{head}{}", episode("a", "recordings/a.mp3")),
    );
    sync(dir.path()).assert().code(0);
    dir
}

fn online_messages(root: &std::path::Path) -> Vec<String> {
    let output = archive(root)
        .args(["check", "--online", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    findings
        .iter()
        .filter(|f| f["rule"] == "online")
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

/// Issue 16: `check --online` says why an enclosure does not answer, once, after its URL.
#[test]
fn check_online_gives_the_cause_of_a_failure() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = published_at(&format!("http://127.0.0.1:{port}/"));
    let messages = online_messages(dir.path());
    // The recording is in the feed and in its speaker's feed: a finding for each.
    let url = format!("http://127.0.0.1:{port}/media/talks/a-");
    assert_eq!(messages.len(), 2, "{messages:?}");
    for message in &messages {
        assert!(message.starts_with(&format!("`{url}")), "{messages:?}");
        assert!(
            message.ends_with(".mp3` does not answer: connection refused"),
            "{messages:?}"
        );
    }

    // A server that takes the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let dir = published_at(&format!("http://127.0.0.1:{port}/"));
    let messages = online_messages(dir.path());
    assert_eq!(messages.len(), 2, "{messages:?}");
    for message in &messages {
        assert!(
            message.ends_with(".mp3` does not answer: timed out after 10 s"),
            "{messages:?}"
        );
    }
    drop(silent);
}
