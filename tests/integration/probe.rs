//! `archive probe`: exact durations over every container, and clear errors on broken files.
//! The fixtures of issue 19 each cover one way real files were misread or refused.

mod mutation;
mod stream;

use serde_json::Value;

use crate::support::{archive, fixture, repo};

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(fixture("expected.json")).unwrap();
    let Value::Object(map) = serde_json::from_str(&text).unwrap() else {
        panic!("expected.json is not an object")
    };
    map
}

fn probe_json(names: &[&str]) -> (Vec<Value>, i32) {
    let output = archive(&repo())
        .arg("probe")
        .arg("--json")
        .args(names.iter().map(|name| fixture(name)))
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let reports = match json {
        Value::Array(reports) => reports,
        one => vec![one],
    };
    (reports, output.status.code().unwrap())
}

#[test]
fn durations_are_within_50_ms_of_the_decoded_length_in_every_container() {
    let expected = expected();
    let good: Vec<&str> = expected
        .iter()
        .filter(|(name, facts)| !name.starts_with('_') && facts.get("broken").is_none())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(good.len() >= 34, "fixtures: {good:?}");
    let (reports, code) = probe_json(&good);
    assert_eq!(code, 0);
    for (name, report) in good.iter().zip(&reports) {
        let facts = &expected[*name];
        let duration = report["duration"].as_f64().unwrap();
        let decoded = facts["decoded_seconds"].as_f64().unwrap();
        assert!(
            (duration - decoded).abs() <= 0.050,
            "{name}: {duration} s, decoded {decoded} s"
        );
        // Where the container states the exact length (LAME tag, edit list, granule, STREAMINFO,
        // data chunk), the probe gives it to the sample.
        if let Some(header) = facts["header_seconds"].as_f64() {
            assert!(
                (duration - header).abs() <= 0.001,
                "{name}: {duration} s, header {header} s"
            );
        }
        // Where the true length is known to the sample (a stated length ffmpeg agrees with, or
        // what ffmpeg decodes where nothing is trimmed), the probe gives exactly that.
        if let Some(exact) = facts.get("exact_samples").and_then(Value::as_u64) {
            assert_eq!(report["frames"].as_u64(), Some(exact), "{name}");
        }
        assert_eq!(report["container"], facts["container"], "{name}");
        assert_eq!(report["codec"], facts["codec"], "{name}");
        assert_eq!(report["sample_rate"], facts["sample_rate"], "{name}");
        assert_eq!(report["channels"], facts["channels"], "{name}");
        assert_eq!(report["size"], facts["bytes"], "{name}");
        let size = report["size"].as_f64().unwrap();
        let bitrate = report["bitrate"].as_f64().unwrap();
        assert!(
            (bitrate - size * 8.0 / duration).abs() <= 1.0,
            "{name}: bitrate {bitrate}"
        );
    }
}

/// Symphonia estimates an MP3 without a Xing header from its first frame's bitrate; ffprobe
/// does the same and says 8.88 s for this 4.31 s VBR file. Counting frames is exact.
#[test]
fn vbr_mp3_without_xing_header_is_counted_not_estimated() {
    let (reports, _) = probe_json(&["mp3-vbr-noxing.mp3"]);
    let frames = reports[0]["frames"].as_u64().unwrap();
    assert_eq!(
        frames,
        expected()["mp3-vbr-noxing.mp3"]["decoded_samples"]
            .as_u64()
            .unwrap()
    );
}

#[test]
fn broken_files_get_clear_errors() {
    let cases = [
        ("empty.mp3", "the file is empty"),
        (
            "random.mp3",
            "not an audio file: it does not start like audio",
        ),
        ("html.mp3", "not an audio file: it is an HTML or XML page"),
        (
            "truncated-xing.mp3",
            "truncated: the header claims 4.280 s but only 2.",
        ),
        (
            "truncated.m4a",
            "truncated: the header claims 4.280 s but only ",
        ),
        (
            "truncated.flac",
            "truncated: the header claims 4.280 s but only ",
        ),
    ];
    for (name, message) in cases {
        let (reports, code) = probe_json(&[name]);
        assert_eq!(code, 1, "{name}");
        let error = reports[0]["error"].as_str().unwrap();
        assert!(error.starts_with(message), "{name}: {error}");
        assert!(reports[0].get("duration").is_none(), "{name}");
    }
}

#[test]
fn tags_and_artwork_are_reported() {
    for name in ["tagged.mp3", "tagged.m4a"] {
        let (reports, code) = probe_json(&[name]);
        assert_eq!(code, 0);
        let tags = &reports[0]["tags"];
        assert_eq!(tags["title"], "Speech archive fixture – tagged", "{name}");
        assert_eq!(tags["artist"], "Maryam Rajavi – مریم رجوی", "{name}");
        assert_eq!(tags["album"], "speech-archive test fixtures", "{name}");
        assert_eq!(tags["date"], "2024", "{name}");
        assert_eq!(
            tags["comment"], "Generated by tests/fixtures/audio/make.sh",
            "{name}"
        );
        let artwork = &reports[0]["artwork"];
        assert_eq!(artwork["media_type"], "image/png", "{name}");
        assert_eq!(
            (artwork["width"].as_u64(), artwork["height"].as_u64()),
            (Some(64), Some(48)),
            "{name}"
        );
    }
}

#[test]
fn several_files_give_an_array_and_errors_do_not_stop_the_others() {
    let (reports, code) = probe_json(&["flac.flac", "empty.mp3", "wav.wav"]);
    assert_eq!(code, 1);
    assert_eq!(reports.len(), 3);
    assert!(reports[0]["duration"].is_number());
    assert!(reports[1]["error"].is_string());
    assert!(reports[2]["duration"].is_number());
}

/// The sample count the probe must give for a fixture, from `expected.json`.
fn exact(name: &str) -> u64 {
    expected()[name]["exact_samples"].as_u64().unwrap()
}

fn assert_exact(names: &[&str]) {
    let (reports, code) = probe_json(names);
    assert_eq!(code, 0, "{reports:?}");
    for (name, report) in names.iter().zip(&reports) {
        assert_eq!(
            report["frames"].as_u64(),
            Some(exact(name)),
            "{name}: {report}"
        );
    }
}

#[test]
fn mp3_followed_by_garbage_is_not_counted_as_frames_and_is_reported() {
    let (reports, _) = probe_json(&["mp3-trailing-garbage.mp3"]);
    assert_eq!(reports[0]["frames"], 190_080);
    assert_eq!(reports[0]["trailing_bytes"], 4096);
    let output = archive(&repo())
        .arg("probe")
        .arg(fixture("mp3-trailing-garbage.mp3"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains(", 4096 bytes of trailing data"), "{text}");
}

#[test]
fn mp4_video_track_does_not_set_the_audio_length() {
    assert_exact(&["mp4-video-longer.mp4"]);
}

#[test]
fn itunes_gapless_aac_is_trimmed_by_itunsmpb_and_edit_list() {
    assert_exact(&["m4a-itunsmpb.m4a", "m4a-itunes.m4a"]);
}

#[test]
fn utf16_id3_text_without_bom_is_not_byte_swapped() {
    let (reports, _) = probe_json(&["id3-utf16-nobom.mp3"]);
    assert_eq!(
        reports[0]["tags"],
        expected()["id3-utf16-nobom.mp3"]["tags"]
    );
}

#[test]
fn compressed_id3_frames_are_inflated() {
    let (reports, _) = probe_json(&["id3-compressed.mp3"]);
    let tags = &expected()["id3-compressed.mp3"]["tags"];
    assert_eq!(&reports[0]["tags"], tags);
    assert_eq!(reports[0]["artwork"]["media_type"], "image/png");
}

#[test]
fn malformed_id3_extended_header_skips_the_tag_not_the_audio() {
    assert_exact(&["id3-bad-extended-header.mp3"]);
}

#[test]
fn flac_with_a_cuesheet_is_not_refused() {
    assert_exact(&["flac-cuesheet.flac"]);
}

#[test]
fn wav_holding_mp3_or_an_empty_chunk_is_not_refused() {
    assert_exact(&["wav-mp3.wav", "wav-zero-chunk.wav"]);
}

#[test]
fn wav_from_a_streaming_recorder_runs_to_the_end_of_the_file() {
    assert_exact(&["wav-streaming-ffff.wav", "wav-streaming-zero.wav"]);
}

#[test]
fn m4a_with_a_zero_size_mdat_is_not_refused() {
    assert_exact(&["m4a-mdat-size0.m4a"]);
}

#[test]
fn adts_aac_and_the_new_formats_give_their_exact_length() {
    assert_exact(&[
        "adts.aac",
        "aiff.aiff",
        "aifc-sowt.aifc",
        "alac.caf",
        "alac.m4a",
        "adpcm-ima.wav",
        "adpcm-ms.wav",
    ]);
    let (reports, code) = probe_json(&["opus.webm", "vorbis.webm"]);
    assert_eq!(code, 0);
    assert_eq!(
        (&reports[0]["container"], &reports[0]["codec"]),
        (&Value::from("webm"), &Value::from("opus"))
    );
}

const SUPPORTED: &str = "(supported: MP3, AAC (ADTS), M4A/MP4, Ogg Vorbis and Opus, FLAC, WAV, \
                         AIFF, CAF, WebM/Matroska); convert it, e.g. to MP3 or FLAC";

#[test]
fn formats_we_do_not_publish_are_named_not_misread() {
    for (name, format) in [
        ("wavpack.wv", "WavPack"),
        ("musepack.mpc", "Musepack"),
        ("mp3-in-asf.wma", "WMA/ASF (Windows Media)"),
        ("dsd.dsf", "DSD audio (DSF)"),
    ] {
        let (reports, code) = probe_json(&[name]);
        assert_eq!(code, 1, "{name}");
        assert_eq!(
            reports[0]["error"],
            format!("{format} is not supported {SUPPORTED}"),
            "{name}"
        );
    }
}

#[test]
fn truncated_wav_reports_the_bytes_and_exact_duration_present() {
    let (reports, _) = probe_json(&["truncated.wav"]);
    assert_eq!(
        reports[0]["error"],
        "truncated: the header claims 4.280 s but only 0.000635 s of audio is readable \
         (56 bytes of audio data); the file was cut short, download or export it again"
    );
}

/// A recording followed by `extra` bytes, in a temp file.
pub fn with_tail(name: &str, extra: impl FnOnce(&mut std::fs::File)) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, &std::fs::read(fixture(name)).unwrap()).unwrap();
    extra(file.as_file_mut());
    file
}

#[test]
fn mp3_followed_by_megabytes_of_random_bytes_keeps_its_length() {
    let mut rng = fastrand::Rng::with_seed(19);
    let garbage: Vec<u8> = (0..8 << 20).map(|_| rng.u8(..)).collect();
    let file = with_tail("mp3-cbr-noxing.mp3", |f| {
        std::io::Write::write_all(f, &garbage).unwrap();
    });
    let probe = speech_archive::probe::probe_file(file.path()).unwrap();
    assert_eq!(probe.frames, 190_080);
    assert_eq!(probe.trailing_bytes, 8 << 20);
}

/// The bytes after the frames are zeros up to 3 GB (a sparse file): the probe gives up on
/// them within its search window instead of reading them all.
#[test]
fn mp3_followed_by_3_gb_of_zeros_keeps_its_length() {
    let len = 3 << 30;
    let file = with_tail("mp3-vbr-xing.mp3", |f| f.set_len(len).unwrap());
    let probe = speech_archive::probe::probe_file(file.path()).unwrap();
    assert_eq!(probe.frames, 188_745);
    assert_eq!(probe.trailing_bytes, len - 40_067);
}

/// A FIFO named on the command line is refused at once: opening it for reading would wait for
/// a writer that never comes.
#[test]
fn a_fifo_is_refused_without_waiting() {
    let dir = tempfile::TempDir::new().unwrap();
    let fifo = dir.path().join("speech.mp3");
    crate::trust::manifests::mkfifo(&fifo);
    let output = archive(dir.path())
        .args(["probe", "--loudness"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("error: failed to open: not a regular file"),
        "{stdout}"
    );
}
