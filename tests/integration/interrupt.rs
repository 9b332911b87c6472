//! Issue 16: Ctrl-C during a sync stops it cleanly: "interrupted: N done, M partial kept for
//! resume", exit 130, nothing built, and the next sync resumes the partial download where it
//! stopped.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Reply, Server};
use crate::support::{archive_with, episode, fixture, sync};

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ctrl_c_keeps_the_partial_download_exits_130_and_the_next_sync_resumes_it() {
    let server = Server::start();
    let body = std::fs::read(fixture("wav.wav")).unwrap();
    server.route(
        "/slow.wav",
        Reply::file(body.clone()).throttle(4096, Duration::from_millis(100)),
    );
    let dir = archive_with(
        &(episode("local", "recordings/a.mp3") + &episode("slow", &server.url("/slow.wav"))),
    );
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    std::fs::copy(
        fixture("mp3-cbr-xing.mp3"),
        dir.path().join("recordings/a.mp3"),
    )
    .unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("archive"))
        .env_clear()
        .arg("--root")
        .arg(dir.path())
        .args(["sync", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("\"episode\":\"local\"") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "no line for `local`"
        );
    }
    // The body arrives in 4 KiB pieces; a piece is on disk once the buffer is flushed, which
    // Ctrl-C does: wait until the server has sent some, then interrupt.
    let sent_some = || server.body_bytes() >= 64 * 1024;
    wait_for("part of the slow body", sent_some);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(exit.code(), Some(130), "{stderr}");
    assert_eq!(
        stderr,
        "       new talks/local (0:04, mp3, 34709 bytes)\ninterrupted: 1 done, 1 partial kept for resume\n"
    );
    let summary: serde_json::Value = serde_json::from_str(rest.lines().last().unwrap()).unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["new"], 1);
    assert_eq!(summary["partial"], 1);
    assert!(
        !dir.path().join("feeds/talks.xml").exists(),
        "nothing is built"
    );
    let part = dir.path().join(".archive/partial/talks/slow.part");
    let kept = std::fs::metadata(&part).unwrap().len();
    assert!(kept > 0 && kept < body.len() as u64, "{kept} bytes kept");

    server.route("/slow.wav", Reply::file(body.clone()));
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "       new talks/slow (0:04, wav pcm, 377534 bytes)",
        ));
    let resumed = server.requests("/slow.wav").pop().unwrap();
    assert_eq!(
        resumed.header("range"),
        Some(format!("bytes={kept}-").as_str())
    );
    assert!(!part.exists());
}
