//! Processes that overlap or die: the archive lock [18], and `kill -9` at random moments
//! while a sync runs [21, 23]. The next sync must converge to exactly what an uninterrupted
//! run gives, with no stray files.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::server::{Reply, Server};
use crate::support::{archive_with, episode, fixture, read, sync, synced_example};

fn spawn_sync(root: &Path) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("archive"))
        .env_clear()
        .args(["--root"])
        .arg(root)
        .args(["sync", "--retry-delay", "10ms", "--jobs", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// [18] A second process waits for the first, or fails at once with `--no-wait`; their
/// writes never interleave.
#[test]
fn a_second_process_waits_or_fails_clearly() {
    let server = Server::start();
    let body = std::fs::read(fixture("wav.wav")).unwrap();
    server.route(
        "/a.wav",
        Reply::file(body.clone()).throttle(8192, Duration::from_millis(40)),
    );
    let dir = archive_with(&episode("a", &server.url("/a.wav")));
    let mut first = spawn_sync(dir.path());
    wait_for("the first sync's request", || {
        !server.requests("/a.wav").is_empty()
    });

    sync(dir.path())
        .arg("--no-wait")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "archive: error: another `archive` process is writing to this archive (lock `{}` is held)",
            dir.path().join(".archive/lock").display()
        )));
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "archive: waiting for another `archive` process to finish",
        ))
        .stderr(predicate::str::contains("0 new, 0 changed, 1 unchanged"));
    assert!(first.wait().unwrap().success());
    assert_eq!(
        server.requests("/a.wav").len(),
        2,
        "the second sync only revalidated"
    );
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(all_files(&path));
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Published media: names and bytes.
fn media(root: &Path) -> Vec<(String, Vec<u8>)> {
    all_files(&root.join("media"))
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(root).unwrap().display().to_string();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

/// [21, 23] Killed at random moments, again and again; then one more sync converges.
#[test]
fn kill_9_at_random_moments_then_sync_converges() {
    let server = Server::start();
    let names = [
        "mp3-cbr-xing.mp3",
        "mp3-vbr-noxing.mp3",
        "m4a-moov-last.m4a",
        "vorbis.ogg",
        "opus.opus",
        "flac.flac",
        "wav.wav",
    ];
    let mut episodes = String::new();
    for (n, name) in names.iter().enumerate() {
        let path = format!("/{name}");
        let body = std::fs::read(fixture(name)).unwrap();
        server.route(
            &path,
            Reply::file(body).throttle(8192, Duration::from_millis(3)),
        );
        episodes.push_str(&episode(&format!("e{n}"), &server.url(&path)));
    }
    episodes.push_str(&episode("local", "recordings/local.flac"));
    let make = || {
        let dir = archive_with(&episodes);
        std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
        std::fs::copy(
            fixture("flac.flac"),
            dir.path().join("recordings/local.flac"),
        )
        .unwrap();
        dir
    };
    let reference = make();
    sync(reference.path()).assert().code(0);

    let dir = make();
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let start = Instant::now();
    let mut kills = 0;
    while kills < 40 && start.elapsed() < Duration::from_secs(25) {
        let mut child = spawn_sync(dir.path());
        std::thread::sleep(Duration::from_millis(rng.u64(0..250)));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok();
        child.wait().unwrap();
        if !finished {
            kills += 1;
        }
    }
    sync(dir.path()).assert().code(0);
    assert_eq!(
        read(dir.path(), "feeds/talks.xml"),
        read(reference.path(), "feeds/talks.xml"),
        "seed {seed}, {kills} kills"
    );
    assert_eq!(media(dir.path()), media(reference.path()), "seed {seed}");
    let stray: Vec<_> = all_files(dir.path())
        .into_iter()
        .filter(|path| {
            let text = path.to_string_lossy();
            text.contains(".archive-tmp-") || text.contains(".archive/partial/")
        })
        .collect();
    assert!(stray.is_empty(), "seed {seed}: {stray:?}");
}

/// A power loss after a sync renamed its files and wrote its records, but before the group
/// commit made them durable: a recording gone, another cut short, a record torn. The next sync
/// notices each (the record's file missing or of the wrong size, the record unreadable), pulls
/// those episodes again, and ends where an uninterrupted sync ends.
#[test]
fn a_power_loss_before_the_commit_is_repaired_by_the_next_sync() {
    let dir = synced_example();
    let feed = read(dir.path(), "feeds/iran-protests-anniversary.xml");
    let state = dir.path().join(".archive/state/iran-protests-anniversary");
    let record = |episode: &str| -> serde_json::Value {
        serde_json::from_str(&read(&state, &format!("{episode}.json"))).unwrap()
    };
    let media = |episode: &str| dir.path().join(record(episode)["media"].as_str().unwrap());
    std::fs::remove_file(media("2020-11-10-aidin-saidian")).unwrap();
    let cut = media("2020-11-10-hasti-hesami");
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(
        state.join("2020-11-10-ramesh-separad.json"),
        b"{\"source\": \"rec",
    )
    .unwrap();

    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "2020-11-10-ramesh-separad.json` is corrupt",
        ))
        .stderr(predicate::str::contains("will be pulled again"));
    for episode in [
        "2020-11-10-aidin-saidian",
        "2020-11-10-hasti-hesami",
        "2020-11-10-ramesh-separad",
        "2020-11-10-maryam-rajavi",
    ] {
        let size = record(episode)["size"].as_u64().unwrap();
        assert_eq!(
            std::fs::metadata(media(episode)).unwrap().len(),
            size,
            "{episode}"
        );
    }
    assert_eq!(
        read(dir.path(), "feeds/iran-protests-anniversary.xml"),
        feed
    );
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 new, 0 changed, 4 unchanged"));
}
