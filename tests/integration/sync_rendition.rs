//! Renditions as `archive sync` makes them: the example feed's enclosures, what a re-sync
//! encodes, and a sync killed while encoding.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use speech_archive::probe::probe_file;

use crate::rendition::ffmpeg_loudness;
use crate::support::{
    FEED_HEAD, archive_with, episode, fixture, parse_feed, sync, synced_example, write,
};

const FEED: &str = "iran-protests-anniversary";
const BASE: &str = "https://archive.example.org/";

/// The archive file a public URL of the example names.
fn local(root: &Path, url: &str) -> PathBuf {
    root.join(url.strip_prefix(BASE).unwrap())
}

/// The example feed: four MP3 enclosures (mono, 44.1 kHz) at -19 LUFS with true peak at most
/// -1 dBTP, measured by ffmpeg; each item lists its rendition as the default alternate
/// enclosure and its original recording, published beside it, as the other.
#[test]
fn the_example_feed_has_four_mp3_enclosures_at_minus_19_lufs_with_the_originals_as_alternates() {
    let dir = synced_example();
    let channel = parse_feed(dir.path(), FEED);
    assert_eq!(channel.items().len(), 4);
    for item in channel.items() {
        let title = item.title().unwrap();
        let enclosure = item.enclosure().unwrap();
        assert_eq!(enclosure.mime_type(), "audio/mpeg", "{title}");
        let path = local(dir.path(), enclosure.url());
        assert_eq!(
            std::fs::metadata(&path).unwrap().len().to_string(),
            enclosure.length(),
            "{title}"
        );
        let probe = probe_file(&path).unwrap();
        assert_eq!(probe.channels, 1, "{title}");
        assert_eq!(probe.sample_rate, 44_100, "{title}");
        let (integrated, peak) = ffmpeg_loudness(&path);
        assert!(
            (integrated + 19.0).abs() <= 0.5,
            "{title}: {integrated} LUFS"
        );
        assert!(peak <= -1.0, "{title}: true peak {peak} dBTP");

        let alternates = &item.extensions()["podcast"]["alternateEnclosure"];
        assert_eq!(alternates.len(), 2, "{title}");
        let source = |alternate: &rss::extension::Extension| {
            alternate.children()["source"][0].attrs()["uri"].clone()
        };
        let (rendition, original) = (&alternates[0], &alternates[1]);
        assert_eq!(rendition.attrs()["default"], "true", "{title}");
        assert_eq!(rendition.attrs()["type"], "audio/mpeg");
        assert_eq!(source(rendition), enclosure.url());
        assert!(!original.attrs().contains_key("default"), "{title}");
        assert_ne!(original.attrs()["type"], "", "{title}");
        let original_path = local(dir.path(), &source(original));
        assert_eq!(
            std::fs::metadata(&original_path).unwrap().len().to_string(),
            original.attrs()["length"],
            "{title}"
        );
        assert_ne!(original_path, path);
    }
}

/// An archive of two feeds, `talks` and `other`, each with one local recording, renditions on.
fn two_feeds() -> tempfile::TempDir {
    let head = FEED_HEAD.replace("enabled = false", "enabled = true");
    let dir = archive_with("");
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    for (feed, fixture_name) in [("talks", "mp3-cbr-xing.mp3"), ("other", "vorbis.ogg")] {
        let file = format!(
            "recordings/{feed}.{}",
            fixture_name.rsplit('.').next().unwrap()
        );
        std::fs::copy(fixture(fixture_name), dir.path().join(&file)).unwrap();
        write(
            dir.path(),
            &format!("feeds/{feed}.toml"),
            &format!("{head}{}", episode("a", &file)),
        );
    }
    dir
}

/// The `summary` object of `archive sync --json`.
fn sync_summary(root: &Path) -> serde_json::Value {
    let output = sync(root).arg("--json").output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let last = stdout.lines().last().unwrap();
    let summary: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(summary["event"], "summary", "{stdout}");
    summary
}

/// Each feed's enclosure (its rendition) with the file's modification time.
fn renditions(root: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    ["talks", "other"]
        .into_iter()
        .map(|feed| {
            let path = local(
                root,
                parse_feed(root, feed).items()[0].enclosure().unwrap().url(),
            );
            let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
            (path, modified)
        })
        .collect()
}

/// A re-sync with nothing changed encodes nothing; a new `loudness` for one feed makes that
/// feed's rendition again and leaves the other feed's alone.
#[test]
fn a_resync_encodes_nothing_and_a_new_loudness_renders_only_that_feed_again() {
    let dir = two_feeds();
    let first = sync_summary(dir.path());
    assert_eq!(first["new"], 2, "{first}");
    let before = renditions(dir.path());
    assert_eq!(before.len(), 2, "{before:?}");

    let again = sync_summary(dir.path());
    assert_eq!(
        (&again["unchanged"], &again["re_rendered"], &again["new"]),
        (&2.into(), &0.into(), &0.into()),
        "{again}"
    );
    assert_eq!(renditions(dir.path()), before);

    let talks = dir.path().join("feeds/talks.toml");
    let text = std::fs::read_to_string(&talks).unwrap();
    std::fs::write(
        &talks,
        text.replace("enabled = true", "enabled = true\nloudness = -23.0"),
    )
    .unwrap();
    let louder = sync_summary(dir.path());
    assert_eq!(
        (&louder["unchanged"], &louder["re_rendered"]),
        (&1.into(), &1.into()),
        "{louder}"
    );
    let after = renditions(dir.path());
    assert_eq!(
        after[1], before[1],
        "the other feed's rendition was made again"
    );
    assert_ne!(after[0].0, before[0].0);
    let (integrated, _) = ffmpeg_loudness(&after[0].0);
    assert!((integrated + 23.0).abs() <= 0.5, "{integrated} LUFS");
}

/// `kill -9` while a long recording is being encoded leaves only a temp file; the next sync
/// sweeps it and publishes the rendition, named by the feed and complete.
#[test]
fn kill_9_during_encoding_then_sync_converges() {
    let dir = archive_with("");
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    let long = dir.path().join("recordings/long.flac");
    let made = Command::new("ffmpeg")
        .args(["-v", "error", "-f", "lavfi", "-i"])
        .arg("sine=frequency=220:duration=300:sample_rate=48000")
        .args(["-af", "volume=-20dB", "-c:a", "flac"])
        .arg(&long)
        .status()
        .expect("ffmpeg is needed by the rendition tests (Debian: apt-get install ffmpeg)");
    assert!(made.success());
    let head = FEED_HEAD.replace("enabled = false", "enabled = true");
    write(
        dir.path(),
        "feeds/talks.toml",
        &format!("{head}{}", episode("a", "recordings/long.flac")),
    );

    let media = dir.path().join("media/talks");
    // Encoding has begun once the original is in place and a temp file is being written.
    let temp_rendition = || {
        let names: Vec<String> = std::fs::read_dir(&media)
            .into_iter()
            .flatten()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names
            .iter()
            .any(|name| Path::new(name).extension().is_some_and(|ext| ext == "flac"))
            && names.iter().any(|name| name.starts_with(".archive-tmp-"))
    };
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("archive"))
        .env_clear()
        .arg("--root")
        .arg(dir.path())
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !temp_rendition() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no rendition started"
        );
        assert!(child.try_wait().unwrap().is_none(), "sync ended first");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !dir.path().join("feeds/talks.xml").exists(),
        "a feed was written before the rendition was made"
    );

    sync(dir.path()).assert().code(0);
    let stray: Vec<_> = std::fs::read_dir(&media)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".archive-tmp-"))
        .collect();
    assert_eq!(stray, Vec::<String>::new());
    let channel = parse_feed(dir.path(), "talks");
    let enclosure = channel.items()[0].enclosure().unwrap();
    assert_eq!(enclosure.mime_type(), "audio/mpeg");
    let path = local(dir.path(), enclosure.url());
    assert_eq!(
        std::fs::metadata(&path).unwrap().len().to_string(),
        enclosure.length()
    );
    let probed = probe_file(&path).unwrap().duration;
    assert!((probed - 300.0).abs() <= 1152.0 / 44_100.0, "{probed} s");
}

/// `rendition = false` on one episode (music, say) publishes its recording as it is, with no
/// alternates, while the feed's other episodes get their renditions.
#[test]
fn an_episode_with_rendition_false_publishes_its_recording_as_it_is() {
    let head = FEED_HEAD.replace("enabled = false", "enabled = true");
    let dir = archive_with("");
    std::fs::create_dir_all(dir.path().join("recordings")).unwrap();
    std::fs::copy(
        fixture("vorbis.ogg"),
        dir.path().join("recordings/music.ogg"),
    )
    .unwrap();
    std::fs::copy(
        fixture("mp3-cbr-xing.mp3"),
        dir.path().join("recordings/talk.mp3"),
    )
    .unwrap();
    let episodes = format!(
        "{}rendition = false\n{}",
        episode("music", "recordings/music.ogg"),
        episode("talk", "recordings/talk.mp3")
    );
    write(dir.path(), "feeds/talks.toml", &format!("{head}{episodes}"));
    sync(dir.path()).assert().code(0);

    let channel = parse_feed(dir.path(), "talks");
    let item = |title: &str| {
        channel
            .items()
            .iter()
            .find(|item| item.title() == Some(title))
            .unwrap()
            .clone()
    };
    let music = item("Speech music");
    assert_eq!(music.enclosure().unwrap().mime_type(), "audio/ogg");
    assert_eq!(
        std::fs::read(local(dir.path(), music.enclosure().unwrap().url())).unwrap(),
        std::fs::read(fixture("vorbis.ogg")).unwrap()
    );
    assert!(!music.extensions()["podcast"].contains_key("alternateEnclosure"));
    let talk = item("Speech talk");
    assert_eq!(talk.enclosure().unwrap().mime_type(), "audio/mpeg");
    assert_eq!(talk.extensions()["podcast"]["alternateEnclosure"].len(), 2);
    assert_ne!(
        std::fs::read(local(dir.path(), talk.enclosure().unwrap().url())).unwrap(),
        std::fs::read(fixture("mp3-cbr-xing.mp3")).unwrap()
    );
}
