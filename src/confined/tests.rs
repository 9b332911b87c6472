use std::os::unix::fs::symlink;

use proptest::prelude::*;

use super::*;

#[test]
fn paths_are_normalised() {
    let parse = |text| ArchivePath::parse(text).map(|p| p.as_str().to_owned());
    assert_eq!(parse("recordings/a.mp3"), Ok("recordings/a.mp3".into()));
    assert_eq!(parse("./recordings//a.mp3"), Ok("recordings/a.mp3".into()));
    assert_eq!(
        parse("recordings/10:30.mp3"),
        Ok("recordings/10:30.mp3".into())
    );
}

#[test]
fn paths_that_leave_the_archive_are_refused() {
    for text in [
        "",
        ".",
        "/etc/passwd",
        "../secret.txt",
        "recordings/../../secret.txt",
        "recordings\\..\\x.mp3",
        "C:/x.mp3",
        "c:x.mp3",
        "a\0b.mp3",
        "a\nb.mp3",
        ".archive/state/x.json",
        "media/.archive-tmp-1",
    ] {
        assert!(ArchivePath::parse(text).is_err(), "{text:?}");
    }
}

#[test]
fn url_paths_are_decoded_once() {
    let from = |text| ArchivePath::from_url_path(text).map(|p| p.as_str().to_owned());
    assert_eq!(from("/media/a%20b.mp3"), Ok("media/a b.mp3".into()));
    assert!(from("/media/%2e%2e/%2e%2e/secret.txt").is_err());
    assert!(from("/media/..%2f..%2fsecret.txt").is_err());
    assert!(from("/media/%2E%2E%5Cx.mp3").is_err());
    assert!(from("/media/%00.mp3").is_err());
    assert!(from("/media/%ff.mp3").is_err());
    // Double encoding stays literal text: `%2e%2e` is a file name, not `..`.
    assert_eq!(from("/media/%252e%252e/x"), Ok("media/%2e%2e/x".into()));
}

#[test]
fn is_under_compares_whole_segments() {
    let path = ArchivePath::parse("media/talks/a.mp3").unwrap();
    assert!(path.is_under("media"));
    assert!(path.is_under("media/talks"));
    assert!(!path.is_under("med"));
    assert!(!path.is_under("media/talks/a.mp3"));
    assert_eq!(path.extension().as_deref(), Some("mp3"));
    assert_eq!(path.parent().unwrap().as_str(), "media/talks");
}

/// An archive with `inside.txt`, `secret.txt` beside it (outside), and symlinks to both.
fn archive() -> (tempfile::TempDir, Root) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    std::fs::create_dir_all(root.join("images")).unwrap();
    std::fs::write(root.join("images/inside.txt"), b"inside").unwrap();
    std::fs::write(dir.path().join("secret.txt"), b"secret").unwrap();
    symlink(dir.path().join("secret.txt"), root.join("images/out.txt")).unwrap();
    symlink(dir.path(), root.join("images/outdir")).unwrap();
    symlink(root.join("images/inside.txt"), root.join("images/in.txt")).unwrap();
    symlink("/dev/zero", root.join("images/zero.png")).unwrap();
    let root = Root::new(&root).unwrap();
    (dir, root)
}

fn path(text: &str) -> ArchivePath {
    ArchivePath::parse(text).unwrap()
}

#[test]
fn symlinks_inside_the_archive_are_followed() {
    let (_dir, root) = archive();
    assert_eq!(
        root.read(&path("images/inside.txt"), 100).unwrap(),
        b"inside"
    );
    assert_eq!(root.read(&path("images/in.txt"), 100).unwrap(), b"inside");
}

#[test]
fn symlinks_out_of_the_archive_are_refused() {
    let (_dir, root) = archive();
    for text in [
        "images/out.txt",
        "images/outdir/secret.txt",
        "images/zero.png",
    ] {
        let err = root.read(&path(text), 100).unwrap_err();
        assert!(matches!(err, OpenError::Outside(_)), "{text}: {err}");
    }
}

#[test]
fn devices_fifos_and_folders_are_not_files() {
    let (dir, root) = archive();
    let fifo = dir.path().join("archive/images/fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for text in ["images/fifo", "images"] {
        let err = root.read(&path(text), 100).unwrap_err();
        assert!(matches!(err, OpenError::NotAFile(_)), "{text}: {err}");
    }
    let err = root.read(&path("images/none.txt"), 100).unwrap_err();
    assert!(matches!(err, OpenError::Missing(_)), "{err}");
}

#[test]
fn reads_are_limited() {
    let (_dir, root) = archive();
    let err = root.read(&path("images/inside.txt"), 3).unwrap_err();
    assert!(matches!(err, OpenError::TooLarge { .. }), "{err}");
}

proptest! {
    /// Whatever the text, an accepted path has only plain segments, and resolving it in an
    /// archive full of escaping symlinks never reaches a file outside.
    #[test]
    fn nothing_resolves_outside_the_root(
        parts in proptest::collection::vec(
            "(\\.\\.|\\.|%2e%2e|%2E%2e|%252e|images|out\\.txt|outdir|secret\\.txt|inside\\.txt|in\\.txt|zero\\.png|\\\\|%5c|%2f|/|%00|C:|a)",
            1..8,
        ),
        encoded in any::<bool>(),
    ) {
        let text = parts.concat();
        let parsed = if encoded {
            ArchivePath::from_url_path(&text)
        } else {
            ArchivePath::parse(&text)
        };
        if let Ok(relative) = parsed {
            for segment in relative.segments() {
                prop_assert!(!segment.is_empty() && !segment.starts_with('.'), "{relative}");
                prop_assert!(!segment.contains(['\\', '\0']), "{relative}");
            }
            let (dir, root) = archive();
            if let Ok(bytes) = root.read(&relative, 100) {
                prop_assert_eq!(bytes, b"inside".to_vec(), "{}", relative);
            }
            drop(dir);
        }
    }
}

/// The race `Root::open` guards against: a folder on the resolved path swapped for a symlink
/// out of the archive after the check. Opened through it, the file is known to be outside.
#[cfg(target_os = "linux")]
#[test]
fn a_file_opened_through_a_folder_swapped_for_a_symlink_is_known_to_be_outside() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let archive = tempfile::tempdir().unwrap();
    let root = Root::new(archive.path()).unwrap();
    std::fs::create_dir(archive.path().join("feeds")).unwrap();
    std::fs::write(archive.path().join("feeds/page.html"), "page").unwrap();
    let inside = open_no_follow(&root.real.join("feeds/page.html")).unwrap();
    assert!(opened_inside(&inside, &root.real));
    // `feeds` becomes a symlink to the outside folder between resolving and opening.
    std::fs::remove_dir_all(archive.path().join("feeds")).unwrap();
    symlink(outside.path(), archive.path().join("feeds")).unwrap();
    let swapped = open_no_follow(&root.real.join("feeds/secret.txt")).unwrap();
    assert!(!opened_inside(&swapped, &root.real));
    let relative = ArchivePath::parse("feeds/secret.txt").unwrap();
    assert!(matches!(root.open(&relative), Err(OpenError::Outside(_))));
}
