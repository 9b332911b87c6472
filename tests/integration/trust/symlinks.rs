//! Symlinks out of the archive: a source behind one is refused by name, never copied into
//! `media/`, served or uploaded; a link planted among the outputs is never handed out; and a
//! link in a folder the tool cleans never makes it delete files outside the archive.

use predicates::prelude::*;

use super::{
    Nest, files_under, holds_bytes, manifest_files, publish, synced_talks, talks_with_text,
};
use crate::serve::{Serving, request};
use crate::support::{fixture, read, repo, sync, write};

fn link(target: &std::path::Path, at: &std::path::Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// Finding 2, recordings: a symlinked recording was copied into `media/` and published.
#[test]
fn symlinks_are_followed_for_recordings() {
    let nest = Nest::new();
    let root = nest.root();
    talks_with_text(&root, "Plain.");
    let secret = std::fs::read(fixture("mp3-vbr-xing.mp3")).unwrap();
    let outside = nest.outer.path().join("secret.mp3");
    std::fs::write(&outside, &secret).unwrap();
    std::fs::remove_file(root.join("recordings/a.mp3")).unwrap();
    link(&outside, &root.join("recordings/a.mp3"));

    sync(&root)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "episode `talks/a` (`recordings/a.mp3`): `recordings/a.mp3` leads outside the archive",
        ));
    assert!(!holds_bytes(&root, &secret), "copied into the archive");
    publish(&root, &nest.dest_url(), &[]).code(0);
    assert!(!holds_bytes(&nest.dest(), &secret), "uploaded");
    let server = Serving::start(&root, &[]);
    let feed = request(&server.host, "GET", "/feeds/talks.xml", &[]);
    assert_eq!(feed.status, 200);
    assert!(!String::from_utf8_lossy(&feed.body).contains("<enclosure"));
}

/// Finding 2, images, transcripts and chapters: `/etc/passwd` as an image, any file as a
/// transcript. Each is refused when the catalog is loaded, naming the file.
#[test]
fn symlinks_are_followed_for_images_transcripts_and_chapters() {
    let example = repo().join("recordings");
    let cases = [
        (
            "images/cover.png",
            fixture("cover.png"),
            "image = \"images/cover.png\"\n",
        ),
        (
            "recordings/a.vtt",
            example.join("2020-11-10-hasti-hesami.vtt"),
            "transcript = \"recordings/a.vtt\"\n",
        ),
        (
            "recordings/a.json",
            example.join("2020-11-10-maryam-rajavi.chapters.json"),
            "chapters = \"recordings/a.json\"\n",
        ),
    ];
    for (name, source, line) in cases {
        let nest = Nest::new();
        let root = nest.root();
        talks_with_text(&root, "Plain.");
        let outside = nest.outer.path().join("outside.bin");
        std::fs::copy(&source, &outside).unwrap();
        link(&outside, &root.join(name));
        let catalog =
            read(&root, "feeds/talks.toml").replace("audio = ", &format!("{line}audio = "));
        write(&root, "feeds/talks.toml", &catalog);
        sync(&root)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "`{name}` leads outside the archive"
            )));
        assert!(!root.join("media").exists(), "{name}");
    }
    // A speaker's image, set through the registry.
    let nest = Nest::new();
    let root = nest.root();
    talks_with_text(&root, "Plain.");
    link(
        std::path::Path::new("/etc/passwd"),
        &root.join("images/face.png"),
    );
    let registry =
        "[speakers.maryam-rajavi]\nname = \"Maryam Rajavi\"\nimage = \"images/face.png\"\n";
    write(&root, "feeds/speakers.toml", registry);
    sync(&root)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`images/face.png` leads outside the archive",
        ));
    assert!(!root.join("media").exists());
}

/// Finding 2, outputs: a symlinked folder under `feeds/` made `publish` upload what is in it;
/// a symlink planted in `media/` was served and uploaded.
#[test]
fn symlinks_planted_among_the_outputs_are_not_handed_out() {
    let nest = Nest::new();
    let root = nest.root();
    synced_talks(&root, "Plain.");
    let elsewhere = nest.outer.path().join("elsewhere");
    write(&elsewhere, "secret.xml", "<rss>secret</rss>");
    write(&elsewhere, "secret.html", "<p>secret</p>");
    link(&elsewhere, &root.join("feeds/evil"));
    let secret = std::fs::read(fixture("mp3-vbr-xing.mp3")).unwrap();
    std::fs::write(nest.outer.path().join("secret.mp3"), &secret).unwrap();
    let planted = "media/talks/planted-000000000000.mp3";
    link(&nest.outer.path().join("secret.mp3"), &root.join(planted));

    sync(&root).assert().code(0);
    assert_eq!(
        files_under(&elsewhere),
        ["secret.html", "secret.xml"],
        "left alone"
    );
    publish(&root, &nest.dest_url(), &[]).code(0);
    let published = files_under(&nest.dest());
    assert_eq!(published, manifest_files(&root));
    assert!(
        !published
            .iter()
            .any(|p| p.contains("evil") || p.contains("planted"))
    );
    assert!(!holds_bytes(&nest.dest(), &secret));
    for server in [
        Serving::start(&root, &[]),
        Serving::start(&root, &["--as-built"]),
    ] {
        for path in [
            "/feeds/evil/secret.xml",
            "/feeds/evil/secret.html",
            &format!("/{planted}"),
        ] {
            assert_eq!(
                request(&server.host, "GET", path, &[]).status,
                404,
                "{path}"
            );
        }
    }
}

/// Hole: with `media` a symlink to a folder outside the archive, every build deleted the files
/// in that folder ("no longer produced by the catalog").
#[test]
fn a_symlinked_media_folder_makes_the_build_delete_files_outside() {
    let nest = Nest::new();
    let root = nest.root();
    let music = nest.outer.path().join("music");
    write(&music, "song.mp3", "precious");
    write(&music, "album/track.mp3", "precious too");
    talks_with_text(&root, "Plain.");
    link(&music, &root.join("media"));
    let _ = sync(&root).assert();
    let left = files_under(&music);
    for name in ["album/track.mp3", "song.mp3"] {
        assert!(left.contains(&name.to_owned()), "{name} deleted: {left:?}");
    }
}

/// Hole: a symlink in `.archive/partial/` named like a removed feed made every writing
/// command delete all the files of the folder it points to, as "partial downloads".
#[test]
fn a_symlink_in_the_partial_folder_makes_the_cleanup_delete_files_outside() {
    let nest = Nest::new();
    let root = nest.root();
    let documents = nest.outer.path().join("documents");
    write(&documents, "thesis.pdf", "precious");
    write(&documents, ".archive-tmp-notes", "precious too");
    synced_talks(&root, "Plain.");
    link(&documents, &root.join(".archive/partial/old-feed"));
    link(&documents, &root.join("feeds/speakers/linked"));
    write(
        &root,
        "feeds/talks.toml",
        &read(&root, "feeds/talks.toml").replace("Speech a", "Speech A"),
    );
    archive_build(&root);
    assert_eq!(
        files_under(&documents),
        [".archive-tmp-notes", "thesis.pdf"]
    );
}

fn archive_build(root: &std::path::Path) {
    crate::support::archive(root).arg("build").assert().code(0);
}

/// A `media/` folder (or a feed's folder in it) that is a symlink would have sync and build
/// write recordings and assets outside the archive: every writing command refuses, by name,
/// and writes nothing there.
#[test]
fn a_symlinked_output_folder_is_refused_before_anything_is_written() {
    for folder in ["media", "media/talks"] {
        let nest = Nest::new();
        let root = nest.root();
        talks_with_text(&root, "Plain.");
        let elsewhere = nest.outer.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        link(&elsewhere, &root.join(folder));
        for command in ["sync", "build"] {
            crate::support::archive(&root)
                .arg(command)
                .assert()
                .code(1)
                .stderr(predicate::str::contains(format!(
                    "`{folder}` is a symlink; the build writes there"
                )));
        }
        assert!(files_under(&elsewhere).is_empty(), "{folder}");
    }
}
