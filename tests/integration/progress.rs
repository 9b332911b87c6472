//! Progress bars on a terminal (a pseudo-terminal from `script`): an ETA on each bar, and the
//! bars cleared before the summary, also when Ctrl-C stops the sync.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::{Reply, Server};
use crate::support::{archive_with, episode, fixture};

/// `archive --root DIR sync` on a pseudo-terminal; its output (stdout and stderr, as the
/// terminal shows them) is the child's stdout.
fn sync_on_a_terminal(root: &std::path::Path) -> Child {
    let archive = assert_cmd::cargo::cargo_bin("archive");
    Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "exec '{}' --root '{}' sync",
            archive.display(),
            root.display()
        ))
        .arg("/dev/null")
        .env_clear()
        .env("TERM", "xterm")
        .env("PATH", "/usr/bin:/bin")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The pid of `script`'s one child: `archive`, which it `exec`s.
fn child_of(script: &Child) -> u32 {
    let start = Instant::now();
    loop {
        let children = std::fs::read_dir(format!("/proc/{}/task", script.id()))
            .unwrap()
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("children")).ok())
            .collect::<String>();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no child of `script`"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn bars_show_an_eta_and_are_cleared_before_the_summary_and_on_ctrl_c() {
    let server = Server::start();
    let body = std::fs::read(fixture("wav.wav")).unwrap();
    server.route(
        "/slow.wav",
        Reply::file(body).throttle(4096, Duration::from_millis(100)),
    );
    let dir = archive_with(&episode("slow", &server.url("/slow.wav")));
    let mut script = sync_on_a_terminal(dir.path());
    let archive = child_of(&script);
    let start = Instant::now();
    while server.body_bytes() < 32 * 1024 {
        assert!(start.elapsed() < Duration::from_secs(60), "no bytes sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let a few frames of the bars be drawn, then interrupt.
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args(["-INT", &archive.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut shown = String::new();
    script
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut shown)
        .unwrap();
    assert_eq!(script.wait().unwrap().code(), Some(130), "{shown:?}");
    assert!(shown.contains("ETA "), "{shown:?}");
    assert!(shown.contains("/368.69 KiB "), "no byte count: {shown:?}");
    assert!(
        !shown.contains("episodes, , "),
        "a bar drawn before its message: {shown:?}"
    );
    // The bars are erased, and the last line is written on the line they were on.
    let (bars, last) = shown.rsplit_once("\u{1b}[2K").unwrap();
    assert!(bars.contains("      slow ["), "{shown:?}");
    assert_eq!(
        without_cursor_moves(last).trim_end(),
        "interrupted: 0 done, 1 partial kept for resume"
    );
}

/// `text` without the ANSI sequences that move the cursor (`ESC [ 1 A`).
fn without_cursor_moves(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            while chars.next().is_some_and(|c| c.is_ascii_digit()) {}
        } else {
            out.push(c);
        }
    }
    out
}
