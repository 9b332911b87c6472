//! Local sources: a changed file is published under a new name; a touched one is not.

use predicates::prelude::*;

use crate::support::{archive_with, episode, fixture, parse_feed, sync};

fn enclosure(root: &std::path::Path) -> String {
    parse_feed(root, "talks").items()[0]
        .enclosure()
        .unwrap()
        .url()
        .to_owned()
}

#[test]
fn a_changed_local_recording_gets_a_new_name_and_a_touched_one_does_not() {
    let dir = archive_with(&episode("a", "recordings/a.flac"));
    let source = dir.path().join("recordings/a.flac");
    std::fs::create_dir_all(source.parent().unwrap()).unwrap();
    std::fs::copy(fixture("flac.flac"), &source).unwrap();
    sync(dir.path()).assert().code(0);
    let first = enclosure(dir.path());

    // Same bytes, new modification time: nothing is published, the record is refreshed.
    let bytes = std::fs::read(&source).unwrap();
    std::fs::remove_file(&source).unwrap();
    std::fs::write(&source, &bytes).unwrap();
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 new, 0 changed, 1 unchanged"));
    assert_eq!(enclosure(dir.path()), first);

    std::fs::copy(fixture("wav.wav"), &source).unwrap();
    sync(dir.path())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("0 new, 1 changed"));
    let second = enclosure(dir.path());
    assert_ne!(second, first);
    assert!(
        std::path::Path::new(&second)
            .extension()
            .is_some_and(|ext| ext == "wav"),
        "the extension follows the probed bytes: {second}"
    );
    let channel = parse_feed(dir.path(), "talks");
    assert_eq!(
        channel.items()[0].enclosure().unwrap().mime_type(),
        "audio/wav"
    );
}

#[test]
fn a_missing_local_recording_is_an_episode_failure() {
    let dir = archive_with(&episode("a", "recordings/nope.mp3"));
    sync(dir.path())
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "archive: error: episode `talks/a` (`recordings/nope.mp3`): no file `recordings/nope.mp3` in the archive",
        ))
        .stderr(predicate::str::contains(
            "archive: warning: episode `talks/a` is left out of `feeds/talks.xml`: it has no synced recording yet",
        ));
}
