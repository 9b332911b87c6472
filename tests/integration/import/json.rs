//! Issue 16: `import --json`: a `speech` object per speech of the page, the speakers added,
//! the files written, and a summary; the review goes to stderr.

use super::{empty_archive, import, serve_seed};

#[test]
fn import_json_is_one_object_per_speech_then_a_summary() {
    let server = serve_seed();
    let dir = empty_archive();
    let output = import(dir.path(), &server.url("/events/anniversary.html"))
        .args(["--json", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text =
        crate::json::lines(&output.stdout, dir.path()).replace(&server.url(""), "http://SERVER");
    insta::assert_snapshot!("import_json", text);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("      new  episode `events/2020-11-10-ramesh-separad`\n"),
        "{stderr}"
    );
}
