//! Issue 16: `--json` on `sync`, `build` and `publish` (and `import`, in `import::json`): one
//! JSON object per line on stdout, a summary (or an error) last, and the human output on
//! stderr. The lines are snapshotted with the run's time and temp paths replaced.

use crate::server::{Reply, Server};
use crate::support::{archive, archive_with, episode, fixture, sync, write};

/// The JSON lines of a run, each checked to be one object with an `event`, as written but
/// for the time taken (`"seconds":0`) and the archive's folder (`ROOT`).
pub fn lines(stdout: &[u8], root: &std::path::Path) -> String {
    let text = String::from_utf8(stdout.to_vec()).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value["event"].is_string(), "{line}");
        let line = match line.split_once("\"seconds\":") {
            Some((before, after)) => {
                let end = after.find([',', '}']).unwrap();
                format!("{before}\"seconds\":0{}", &after[end..])
            }
            None => line.to_owned(),
        };
        out.push_str(&line.replace(&root.display().to_string(), "ROOT"));
        out.push('\n');
    }
    out
}

fn two_episodes() -> tempfile::TempDir {
    let dir =
        archive_with(&(episode("a", "recordings/a.mp3") + &episode("gone", "recordings/gone.mp3")));
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    std::fs::copy(
        fixture("mp3-cbr-xing.mp3"),
        dir.path().join("recordings/a.mp3"),
    )
    .unwrap();
    dir
}

#[test]
fn sync_json_is_one_object_per_episode_and_feed_then_a_summary() {
    let dir = two_episodes();
    let output = sync(dir.path())
        .args(["--json", "--jobs", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    insta::assert_snapshot!("sync_json", lines(&output.stdout, dir.path()));
    // The human lines are all on stderr.
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("       new talks/a (0:04, mp3, 34709 bytes)\n"),
        "{stderr}"
    );
    assert!(stderr.contains("sync: 1 new, 0 changed, 0 unchanged, 0 offline, 1 failed;"));
}

#[test]
fn build_json_reports_feeds_and_says_when_nothing_changed() {
    let dir = two_episodes();
    sync(dir.path()).assert().code(3);
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!(
            "{}{}",
            crate::support::FEED_HEAD,
            episode("gone", "recordings/gone.mp3")
        ),
    );
    let output = archive(dir.path())
        .args(["build", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let again = archive(dir.path())
        .args(["build", "--json"])
        .output()
        .unwrap();
    let text = lines(&output.stdout, dir.path()) + &lines(&again.stdout, dir.path());
    insta::assert_snapshot!("build_json", text);
}

#[test]
fn an_error_ends_the_json_lines_with_an_error_object() {
    let dir = two_episodes();
    let output = archive(dir.path())
        .args(["build", "--json", "--feed", "tlaks"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "{\"event\":\"error\",\"message\":\"no feed `tlaks`: there is no `feeds/tlaks.toml` (did you mean `talks`?)\"}\n"
    );
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "archive: error: no feed `tlaks`: there is no `feeds/tlaks.toml` (did you mean `talks`?)\n"
    );
}

#[test]
fn publish_json_lists_each_object_then_a_summary() {
    let server = Server::start();
    server.route(
        "/a.mp3",
        Reply::file(std::fs::read(fixture("mp3-cbr-xing.mp3")).unwrap()),
    );
    let dir = archive_with(&episode("a", &server.url("/a.mp3")));
    sync(dir.path()).assert().code(0);
    let site = tempfile::TempDir::new().unwrap();
    let to = format!("file://{}", site.path().display());
    let dry = archive(dir.path())
        .args(["publish", "--json", "--dry-run", "--to", &to])
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0));
    // One upload at a time, so that they come in the plan's order.
    let done = archive(dir.path())
        .args(["publish", "--json", "--jobs", "1", "--to", &to])
        .output()
        .unwrap();
    assert_eq!(done.status.code(), Some(0));
    let text = (lines(&dry.stdout, dir.path()) + &lines(&done.stdout, dir.path()))
        .replace(&site.path().display().to_string(), "SITE")
        .replace(&server.url(""), "http://SERVER");
    insta::assert_snapshot!("publish_json", text);
    // The dry run's plan went to stderr, as the human output does with --json.
    let stderr = String::from_utf8(dry.stderr).unwrap();
    assert!(stderr.contains("  upload media/talks/a-"), "{stderr}");
}

/// Whether `archive build --json` found the last build current.
fn build_is_current(root: &std::path::Path) -> bool {
    let output = archive(root).args(["build", "--json"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let summary = String::from_utf8(output.stdout).unwrap();
    let summary = summary.lines().last().unwrap_or_default().to_owned();
    assert!(summary.contains("\"summary\""), "{summary}");
    summary.contains("\"current\":true")
}

#[test]
fn a_build_is_a_no_op_only_while_every_output_is_in_place() {
    let dir = two_episodes();
    let root = dir.path();
    sync(root).assert().code(3);
    assert!(build_is_current(root));
    let page = root.join("feeds/talks.html");
    let built = std::fs::read(&page).unwrap();
    // Deleted, or of another size: built again.
    std::fs::remove_file(&page).unwrap();
    assert!(!build_is_current(root));
    assert_eq!(std::fs::read(&page).unwrap(), built);
    std::fs::write(&page, b"short").unwrap();
    assert!(!build_is_current(root));
    assert_eq!(std::fs::read(&page).unwrap(), built);
    // A symlink of the same size, to a file outside the archive, is not the page.
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), &built).unwrap();
    std::fs::remove_file(&page).unwrap();
    std::os::unix::fs::symlink(outside.path(), &page).unwrap();
    assert!(!build_is_current(root));
    assert!(!page.is_symlink());
    assert!(build_is_current(root));
    // A manifest that lists a file no build writes was edited by hand: it is not trusted to
    // say that the build is current.
    let manifest = root.join(".archive/outputs.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let edited = text.replace("\"feeds/talks.html\"", "\"feeds/talks.toml\"");
    assert_ne!(edited, text);
    std::fs::write(&manifest, edited).unwrap();
    assert!(!build_is_current(root));
    assert!(build_is_current(root));
}
