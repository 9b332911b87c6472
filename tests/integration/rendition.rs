//! Renditions checked by other tools: loudness and true peak by ffmpeg's `ebur128` filter,
//! clean decoding by ffmpeg, duration by our probe, ffprobe and mutagen (installed by
//! `tests/clients/setup.sh`). ffmpeg is a test-time peer only; these tests fail, never skip,
//! when it is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use speech_archive::probe::probe_file;
use speech_archive::rendition::{
    RawSettings, Rendition, RenditionError, RenditionTags, Settings, TagArtwork, measure, render,
};
use tempfile::TempDir;

use crate::support::{fixture, repo};

/// One frame of MP3 at 44.1 kHz.
const ONE_FRAME: f64 = 1152.0 / 44_100.0;

/// Runs ffmpeg (or ffprobe) with `args`; panics with how to install it if it is missing.
fn ffmpeg(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| {
            panic!("`{program}` is needed by the rendition tests ({err}); install ffmpeg (Debian: apt-get install ffmpeg)")
        })
}

/// Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's `ebur128=peak=true`.
pub(crate) fn ffmpeg_loudness(path: &Path) -> (f64, f64) {
    let path = path.to_str().unwrap();
    let output = ffmpeg(
        "ffmpeg",
        &[
            "-hide_banner",
            "-nostats",
            "-i",
            path,
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
    );
    let text = String::from_utf8_lossy(&output.stderr);
    let summary = text
        .split("Summary:")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    let value = |label: &str| -> f64 {
        let line = summary
            .lines()
            .find(|line| line.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` in {summary}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (value("I:"), value("Peak:"))
}

/// Makes a source from `base` with ffmpeg: `filters`, then `codec` args, into `name`.
fn make_source(dir: &Path, base: &Path, filters: &str, codec: &[&str], name: &str) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec![
        "-y",
        "-v",
        "error",
        "-i",
        base.to_str().unwrap(),
        "-af",
        filters,
    ];
    args.extend_from_slice(codec);
    args.extend(["-map_metadata", "-1", out.to_str().unwrap()]);
    let output = ffmpeg("ffmpeg", &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

/// The three speech sources of the issue, made from the example's FLAC speech: normal
/// (-23 LUFS, AAC at 22.05 kHz), quiet (-30 LUFS, FLAC 48 kHz stereo) and loud (-8 LUFS,
/// clipped at 0 dBFS, WAV 44.1 kHz).
fn speech_sources(dir: &Path) -> Vec<(&'static str, PathBuf, f64)> {
    let base = repo().join("recordings/2020-11-10-hasti-hesami.flac");
    // The first 10 s keep the tests quick in debug builds.
    vec![
        (
            "normal",
            make_source(
                dir,
                &base,
                "atrim=0:10,aresample=22050,volume=-2.5dB",
                &["-c:a", "aac", "-b:a", "64k"],
                "normal.m4a",
            ),
            -23.0,
        ),
        (
            "quiet",
            make_source(
                dir,
                &base,
                "atrim=0:10,aresample=48000,pan=stereo|c0=c0|c1=c0,volume=-12.5dB",
                &["-c:a", "flac"],
                "quiet.flac",
            ),
            -30.0,
        ),
        (
            "loud",
            make_source(
                dir,
                &base,
                "atrim=0:10,aresample=44100,volume=15dB",
                &["-c:a", "pcm_s16le"],
                "loud.wav",
            ),
            -8.0,
        ),
    ]
}

fn settings(raw: RawSettings) -> Settings {
    Settings::new(raw).unwrap()
}

#[test]
fn loudness_agrees_with_ffmpeg_ebur128_on_every_audio_fixture() {
    let fixtures = [
        "mp3-cbr-xing.mp3",
        "mp3-cbr-noxing.mp3",
        "mp3-vbr-xing.mp3",
        "mp3-vbr-noxing.mp3",
        "m4a-moov-first.m4a",
        "m4a-moov-last.m4a",
        "tagged.mp3",
        "tagged.m4a",
        "vorbis.ogg",
        "opus.opus",
        "flac.flac",
        "wav.wav",
    ];
    for name in fixtures {
        let ours = measure(&fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
        let (integrated, peak) = ffmpeg_loudness(&fixture(name));
        assert!(
            (ours.integrated_lufs - integrated).abs() <= 0.3,
            "{name}: ours {ours:?}, ffmpeg I {integrated} LUFS"
        );
        assert!(
            (ours.true_peak_dbtp - peak).abs() <= 0.5,
            "{name}: ours {ours:?}, ffmpeg peak {peak} dBTP"
        );
    }
}

/// `archive probe --loudness` prints what ffmpeg measures, and `--json` carries it; a file
/// that does not decode to its end has no loudness and says why.
#[test]
fn archive_probe_reports_loudness_range_and_true_peak() {
    let path = fixture("flac.flac");
    let output = crate::support::archive(Path::new("."))
        .args(["probe", "--loudness", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let loudness = &report["loudness"];
    let (integrated, peak) = ffmpeg_loudness(&path);
    let ours = loudness["integrated_lufs"].as_f64().unwrap();
    assert!((ours - integrated).abs() <= 0.3, "{report}");
    assert!((loudness["true_peak_dbtp"].as_f64().unwrap() - peak).abs() <= 0.5);
    assert!(loudness["range_lu"].as_f64().unwrap() >= 0.0);

    let human = crate::support::archive(Path::new("."))
        .args(["probe", "--loudness"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains(&format!("\n  loudness: {ours:.1} LUFS integrated, ")),
        "{text}"
    );

    let dir = TempDir::new().unwrap();
    let cut = dir.path().join("cut.flac");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let broken = crate::support::archive(Path::new("."))
        .args(["probe", "--loudness"])
        .arg(&cut)
        .output()
        .unwrap();
    let text = String::from_utf8(broken.stdout).unwrap();
    assert_eq!(broken.status.code(), Some(1), "{text}");
}

/// Renders `source` into `output` with `settings`, untagged, and checks that the rendition
/// lasts as long as the source to within one MP3 frame, as the engine and ffprobe count it.
fn render_as_long_as_source(source: &Path, output: &Path, settings: &Settings) -> Rendition {
    let made = render(
        source,
        output,
        settings,
        &RenditionTags::default(),
        &|_, _| {},
    )
    .unwrap();
    let expected = probe_file(source).unwrap().duration;
    for (reader, duration) in [
        ("render", made.duration),
        ("ffprobe", ffprobe_duration(output)),
    ] {
        assert!(
            (duration - expected).abs() <= ONE_FRAME,
            "{reader} says {duration} s, source {expected} s"
        );
    }
    made
}

/// The Opus fixtures are mono; a stereo one, made by ffmpeg with libopus, measures like
/// ffmpeg says and renders to stereo at the target, as long as its source.
#[test]
fn stereo_opus_measures_like_ffmpeg_and_renders_as_long_as_its_source() {
    let dir = TempDir::new().unwrap();
    let source = make_source(
        dir.path(),
        &repo().join("recordings/2020-11-10-hasti-hesami.flac"),
        "atrim=0:10,pan=stereo|c0=c0|c1=0.5*c0",
        &["-c:a", "libopus", "-b:a", "48k"],
        "stereo.opus",
    );
    let ours = measure(&source).unwrap();
    let (integrated, peak) = ffmpeg_loudness(&source);
    assert!(
        (ours.integrated_lufs - integrated).abs() <= 0.3
            && (ours.true_peak_dbtp - peak).abs() <= 0.5,
        "ours {ours:?}, ffmpeg {integrated} LUFS {peak} dBTP"
    );
    let raw = RawSettings {
        channels: Some(2),
        ..RawSettings::default()
    };
    let output = dir.path().join("stereo.mp3");
    let made = render_as_long_as_source(&source, &output, &settings(raw));
    let (integrated, _) = ffmpeg_loudness(&output);
    assert!((integrated + 16.0).abs() <= 0.5, "{integrated} LUFS");
    assert_eq!(made.channels, 2);
}

/// The example archive's Opus recording (2 min 44 s of mono speech) measures like ffmpeg
/// says and renders at the target, as long as it lasts.
#[test]
fn the_example_archives_opus_recording_renders_as_long_as_it_lasts() {
    let dir = TempDir::new().unwrap();
    let source = repo().join("recordings/2020-11-10-maryam-rajavi.opus");
    let ours = measure(&source).unwrap();
    let (integrated, _) = ffmpeg_loudness(&source);
    assert!(
        (ours.integrated_lufs - integrated).abs() <= 0.3,
        "ours {ours:?}, ffmpeg {integrated} LUFS"
    );
    let output = dir.path().join("rajavi.mp3");
    render_as_long_as_source(&source, &output, &Settings::default());
    let (integrated, peak) = ffmpeg_loudness(&output);
    assert!(
        (integrated + 19.0).abs() <= 0.5 && peak <= -1.0,
        "{integrated} LUFS {peak} dBTP"
    );
}

#[test]
fn quiet_loud_and_normal_speech_all_come_out_at_the_target_under_the_peak_limit() {
    let dir = TempDir::new().unwrap();
    for (name, source, level) in speech_sources(dir.path()) {
        let (source_lufs, _) = ffmpeg_loudness(&source);
        assert!(
            (source_lufs - level).abs() <= 1.0,
            "{name} source is {source_lufs} LUFS"
        );
        for (channels, target) in [(1, -19.0), (2, -16.0)] {
            let raw = RawSettings {
                channels: Some(channels),
                ..RawSettings::default()
            };
            let output = dir.path().join(format!("{name}-{channels}.mp3"));
            let calls = std::cell::RefCell::new(Vec::new());
            let made = render(
                &source,
                &output,
                &settings(raw),
                &RenditionTags::default(),
                &|done, total| {
                    calls.borrow_mut().push((done, total));
                },
            )
            .unwrap_or_else(|err| panic!("{name}: {err}"));
            let (integrated, peak) = ffmpeg_loudness(&output);
            let what = format!(
                "{name}, {channels} ch: ffmpeg {integrated} LUFS {peak} dBTP, ours {made:?}"
            );
            assert!((integrated - target).abs() <= 0.5, "{what}");
            assert!(peak <= -1.0, "{what}");
            assert!(
                (made.output.integrated_lufs - integrated).abs() <= 0.3,
                "{what}"
            );
            let calls = calls.into_inner();
            let (done, total) = *calls.last().unwrap();
            assert!(
                total > 0 && done == total,
                "{name}: progress ended at {done}/{total}"
            );
            assert!(
                calls.windows(2).all(|w| w[0].0 <= w[1].0),
                "{name}: progress went back"
            );
        }
    }
}

#[test]
fn a_rendition_decodes_cleanly_lasts_as_long_as_its_source_and_carries_its_tags() {
    let dir = TempDir::new().unwrap();
    let mut sources: Vec<PathBuf> = speech_sources(dir.path())
        .into_iter()
        .map(|s| s.1)
        .collect();
    // Every other container, from the probe's fixtures (short, so the test stays quick).
    for name in [
        "opus.opus",
        "m4a-moov-first.m4a",
        "mp3-vbr-noxing.mp3",
        "vorbis.ogg",
    ] {
        sources.push(fixture(name));
    }
    let tags = RenditionTags {
        title: "Remarks at the conference".into(),
        speakers: vec!["Hasti Hesami".into(), "Maryam Rajavi".into()],
        event: Some("Online conference".into()),
        date: chrono::NaiveDate::from_ymd_opt(2020, 11, 10),
        artwork: Some(TagArtwork {
            media_type: "image/png".into(),
            data: std::fs::read(fixture("cover.png")).unwrap(),
        }),
        comment: Some("The excerpt, word for word.".into()),
    };
    for source in sources {
        let name = source.file_name().unwrap().to_string_lossy().into_owned();
        let output = dir.path().join(format!("{name}.rendition.mp3"));
        let made = render(&source, &output, &Settings::default(), &tags, &|_, _| {}).unwrap();
        let decoded = ffmpeg(
            "ffmpeg",
            &[
                "-v",
                "error",
                "-i",
                output.to_str().unwrap(),
                "-f",
                "null",
                "-",
            ],
        );
        assert!(
            decoded.status.success() && decoded.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&decoded.stderr)
        );

        let expected = probe_file(&source).unwrap().duration;
        let probed = probe_file(&output).unwrap();
        let ffprobe = ffprobe_duration(&output);
        let mutagen = mutagen_duration(&output);
        for (reader, duration) in [
            ("our probe", probed.duration),
            ("ffprobe", ffprobe),
            ("mutagen", mutagen),
            ("render", made.duration),
        ] {
            assert!(
                (duration - expected).abs() <= ONE_FRAME,
                "{name}: {reader} says {duration} s, source {expected} s"
            );
        }
        assert_eq!(
            (probed.sample_rate, probed.channels, probed.size),
            (44_100, 1, made.size)
        );
        assert!(
            probed.bitrate.abs_diff(64_000) < 8_000,
            "{name}: {} bit/s",
            probed.bitrate
        );
        assert_eq!(
            probed.tags.title.as_deref(),
            Some("Remarks at the conference")
        );
        assert_eq!(
            probed.tags.artist.as_deref(),
            Some("Hasti Hesami, Maryam Rajavi")
        );
        assert_eq!(probed.tags.album.as_deref(), Some("Online conference"));
        assert_eq!(
            probed.tags.comment.as_deref(),
            Some("The excerpt, word for word.")
        );
        assert!(
            probed
                .tags
                .date
                .as_deref()
                .is_some_and(|d| d.starts_with("2020")),
            "{:?}",
            probed.tags
        );
        let artwork = probed.artwork.unwrap();
        assert_eq!(
            (artwork.media_type.as_str(), artwork.width, artwork.height),
            ("image/png", 64, 48)
        );
    }
}

/// The duration ffprobe decodes: the sum of its audio frames' samples, which ffmpeg trims by
/// the LAME header's delay and padding. (Its `format=duration` counts every MPEG frame,
/// delay and padding included, for any LAME-tagged MP3.)
fn ffprobe_duration(path: &Path) -> f64 {
    let output = ffmpeg(
        "ffprobe",
        &[
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "frame=nb_samples",
            "-of",
            "csv=p=0",
            path.to_str().unwrap(),
        ],
    );
    let samples: u64 = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().parse::<u64>().unwrap())
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let seconds = samples as f64 / 44_100.0;
    seconds
}

fn mutagen_duration(path: &Path) -> f64 {
    // `MUTAGEN_PYTHON` names another interpreter with mutagen installed.
    let python = std::env::var_os("MUTAGEN_PYTHON").map_or_else(
        || repo().join("tests/clients/.venv/bin/python"),
        PathBuf::from,
    );
    let output = Command::new(&python)
        .args([
            "-c",
            "import sys, mutagen.mp3; print(mutagen.mp3.MP3(sys.argv[1]).info.length)",
        ])
        .arg(path)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run {} ({err}); run tests/clients/setup.sh",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "mutagen: {} (run tests/clients/setup.sh)",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

/// Regression: a recording that is damaged partway must not become a shortened or glitched
/// rendition, and must not touch the rendition already published at the output path.
#[test]
fn a_source_that_breaks_partway_gets_no_rendition_and_the_previous_one_stays() {
    let dir = TempDir::new().unwrap();
    let mut damaged = std::fs::read(fixture("flac.flac")).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle..middle + 2000].fill(0x5a);
    let damaged_path = dir.path().join("damaged.flac");
    std::fs::write(&damaged_path, damaged).unwrap();
    let out_dir = dir.path().join("media");
    std::fs::create_dir(&out_dir).unwrap();
    let output = out_dir.join("episode.mp3");
    std::fs::write(&output, b"previous rendition").unwrap();
    let cases = [
        (
            damaged_path.clone(),
            "the header claims 4.280 s but only 4.175 s decode",
        ),
        (
            fixture("truncated.flac"),
            "is truncated or damaged: the header claims 4.280 s but only 2.090 s decode",
        ),
        (fixture("truncated-xing.mp3"), "is truncated"),
        (fixture("truncated.m4a"), "does not decode cleanly"),
        (fixture("html.mp3"), "is not audio that can be decoded"),
        (fixture("empty.mp3"), "is not audio that can be decoded"),
    ];
    for (source, expected) in cases {
        let err = render(
            &source,
            &output,
            &Settings::default(),
            &RenditionTags::default(),
            &|_, _| {},
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(expected),
            "{}: {message}",
            source.display()
        );
        assert!(
            message.contains(&format!("`{}`", source.display())),
            "{message}"
        );
        if source == damaged_path {
            assert!(matches!(err, RenditionError::Truncated { .. }), "{err:?}");
        }
        assert_eq!(std::fs::read(&output).unwrap(), b"previous rendition");
        let names: Vec<_> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            ["episode.mp3"],
            "{}: left {names:?}",
            source.display()
        );
    }
}

#[test]
fn archive_version_names_lame_and_its_licence() {
    let dir = TempDir::new().unwrap();
    let output = crate::support::archive(dir.path())
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let lame = format!("LAME {}", speech_archive::rendition::LAME_VERSION);
    assert!(text.contains(&lame), "{text}");
    assert!(
        text.contains("GNU Library General Public License"),
        "{text}"
    );
    assert!(text.contains("relinked with a modified LAME"), "{text}");
}
