//! Issue 16: the README's "Start your own archive" runs as written, step by step, in an empty
//! home folder: its `sh` blocks are run by bash, with `archive` the binary under test. Only
//! `archive serve` is changed, to listen on a free port in the background; the test then
//! subscribes as a podcast app on a phone would, by the address of the computer.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::serve::request;
use crate::support::{fixture, repo};

/// The shell blocks of the README section `title`, in order.
fn shell_blocks(title: &str) -> String {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find(&format!("\n## {title}\n"))
        .expect("the section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3)];
    let mut script = String::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```sh" {
            for line in lines.by_ref().take_while(|line| line.trim() != "```") {
                script.push_str(line);
                script.push('\n');
            }
        }
    }
    script
}

/// Runs `script` with `archive` wrapped: each run's exit code is logged to `.log/codes`, its
/// output to `.log/out`; `serve` runs in the background on a free port, its pid in
/// `.log/serve.pid`.
fn run(home: &Path, script: &str) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("archive");
    let harness = r#"set -euo pipefail
archive() {
    if [ "${1:-}" = serve ]; then
        local args=()
        for arg in "$@"; do args+=("${arg/:8080/:0}"); done
        "$ARCHIVE" "${args[@]}" </dev/null >"$LOG/serve.out" 2>"$LOG/serve.err" &
        echo $! >"$LOG/serve.pid"
        return 0
    fi
    local code=0
    "$ARCHIVE" "$@" >>"$LOG/out" 2>&1 || code=$?
    echo "$code archive $*" >>"$LOG/codes"
}
"#;
    let log = home.join(".log");
    std::fs::create_dir_all(&log).unwrap();
    Command::new("bash")
        .arg("-c")
        .arg(format!("{harness}{script}"))
        .current_dir(home)
        .env_clear()
        .env("HOME", home)
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("ARCHIVE", &binary)
        .env("LOG", &log)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// The body of a GET of `path` from `host`, asked for as `http://192.168.1.20:8080`: the
/// address a phone on the network uses.
fn as_phone(host: &str, path: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(host).unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 192.168.1.20:8080\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(
        answer.starts_with(b"HTTP/1.1 200 "),
        "{}",
        String::from_utf8_lossy(&answer[..split])
    );
    answer.split_off(split + 4)
}

/// Stops the background `archive serve` the section started, and waits until it is gone.
struct Stop(String);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-INT", &self.0]).status();
        for _ in 0..100 {
            let alive = Command::new("kill")
                .args(["-0", &self.0])
                .stderr(Stdio::null())
                .status();
            if !alive.is_ok_and(|status| status.success()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", &self.0]).status();
    }
}

/// The address `archive serve` printed, once it listens.
fn serving(log: &Path) -> String {
    for _ in 0..400 {
        let text = std::fs::read_to_string(log.join("serve.err")).unwrap_or_default();
        let host = text
            .lines()
            .find_map(|line| line.strip_prefix("serving the archive at http://"))
            .and_then(|rest| rest.split('/').next());
        if let Some(host) = host {
            return host.to_owned();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "`archive serve` did not start: {:?}",
        std::fs::read_to_string(log.join("serve.err"))
    );
}

#[test]
fn start_your_own_archive_works_step_by_step() {
    let home = tempfile::TempDir::new().unwrap();
    std::fs::copy(fixture("mp3-cbr-xing.mp3"), home.path().join("speech.mp3")).unwrap();
    let script = shell_blocks("Start your own archive");
    for step in [
        "archive init",
        "archive speaker add",
        "archive sync",
        "archive serve",
        "archive publish",
    ] {
        assert!(script.contains(step), "the section lacks `{step}`");
    }
    let output = run(home.path(), &script);
    let log = home.path().join(".log");
    let pid = std::fs::read_to_string(log.join("serve.pid")).unwrap_or_default();
    let _stop = Stop(pid.trim().to_owned());
    let codes = std::fs::read_to_string(log.join("codes")).unwrap_or_default();
    let out = std::fs::read_to_string(log.join("out")).unwrap_or_default();
    assert!(
        output.status.success(),
        "{}\n{codes}\n{out}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Every command succeeds but `check`, which lists what directories still want.
    for line in codes.lines() {
        let expected = if line.ends_with("archive check") {
            "1 "
        } else {
            "0 "
        };
        assert!(line.starts_with(expected), "{line}\n{out}");
    }
    assert!(
        out.contains("error[artwork]: Apple Podcasts requires artwork"),
        "{out}"
    );
    assert!(
        out.contains("       new speeches/2024-05-01-jane-doe (0:04, mp3, 34709 bytes, rendered at -19.1 LUFS)"),
        "{out}"
    );

    // Subscribe as a phone would: by the computer's address on the network.
    let host = serving(&log);
    let feed = as_phone(&host, "/feeds/speeches.xml");
    let channel = rss::Channel::read_from(&feed[..]).unwrap();
    assert_eq!(channel.title(), "Town hall speeches");
    let item = &channel.items()[0];
    let enclosure = item.enclosure().unwrap();
    assert!(
        enclosure
            .url()
            .starts_with("http://192.168.1.20:8080/media/speeches/2024-05-01-jane-doe-")
    );
    let path = enclosure
        .url()
        .trim_start_matches("http://192.168.1.20:8080");
    // The enclosure is the rendition: an MP3 starting with its ID3v2.4 tag.
    let audio = request(&host, "GET", path, &[("Range", "bytes=0-9")]);
    assert_eq!(audio.status, 206);
    let rendition = std::fs::read(
        home.path()
            .join("town-hall")
            .join(path.trim_start_matches('/')),
    )
    .unwrap();
    assert_eq!(audio.body, rendition[..10]);
    assert_eq!(&audio.body[..4], b"ID3\x04");

    // Published: the feed with the public URL, and the recording it names.
    let site = home.path().join("public-html/speeches");
    let published = std::fs::read_to_string(site.join("feeds/speeches.xml")).unwrap();
    assert!(
        published
            .contains("url=\"https://speeches.example.org/media/speeches/2024-05-01-jane-doe-"),
        "{published}"
    );
    // The rendition and the original it was made from.
    let media = std::fs::read_dir(site.join("media/speeches"))
        .unwrap()
        .count();
    assert_eq!(media, 2);
}
