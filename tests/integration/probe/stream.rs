//! The stream probe gives what the file probe gives, on every audio fixture, whatever sizes
//! the bytes arrive in.

use speech_archive::probe::{StreamProbe, probe_file};

use crate::support::fixture;

/// Every fixture listed in `expected.json`, good and broken.
pub fn all_fixtures() -> Vec<String> {
    let text = std::fs::read_to_string(fixture("expected.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let names = json.as_object().unwrap().keys();
    names
        .filter(|name| !name.starts_with('_'))
        .cloned()
        .collect()
}

/// Feeds `bytes` in chunks of random sizes (up to `largest`).
pub fn stream(bytes: &[u8], rng: &mut fastrand::Rng, largest: usize) -> StreamProbe {
    let mut probe = StreamProbe::new();
    let mut at = 0;
    while at < bytes.len() {
        let n = rng.usize(1..=largest).min(bytes.len() - at);
        probe.feed(&bytes[at..at + n]);
        at += n;
    }
    probe
}

#[test]
fn stream_probe_equals_file_probe_on_every_fixture_in_random_chunks() {
    let names = all_fixtures();
    assert!(names.len() >= 45, "{names:?}");
    let mut rng = fastrand::Rng::with_seed(17);
    for name in names {
        let path = fixture(&name);
        let bytes = std::fs::read(&path).unwrap();
        let from_file = probe_file(&path);
        for largest in [1, 100, 5000, 200_000] {
            if largest == 1 && bytes.len() > 50_000 {
                continue;
            }
            let streamed = stream(&bytes, &mut rng, largest).finish();
            assert_eq!(streamed, from_file, "{name}, chunks up to {largest} bytes");
        }
    }
}

#[test]
fn stream_probe_equals_file_probe_after_megabytes_of_garbage() {
    let mut rng = fastrand::Rng::with_seed(23);
    let garbage: Vec<u8> = (0..3 << 20).map(|_| rng.u8(..)).collect();
    let file = super::with_tail("mp3-cbr-xing.mp3", |f| {
        std::io::Write::write_all(f, &garbage).unwrap();
    });
    let bytes = std::fs::read(file.path()).unwrap();
    let streamed = stream(&bytes, &mut rng, 64 * 1024);
    assert_eq!(streamed.fed(), bytes.len() as u64);
    let streamed = streamed.finish().unwrap();
    assert_eq!(Ok(&streamed), probe_file(file.path()).as_ref());
    assert_eq!(streamed.trailing_bytes, 3 << 20);
}

#[test]
fn an_empty_stream_is_an_empty_file() {
    assert_eq!(
        StreamProbe::new().finish(),
        Err(speech_archive::probe::ProbeError::Empty)
    );
}

#[test]
fn a_stream_probe_dropped_midway_lets_the_next_one_work() {
    let bytes = std::fs::read(fixture("flac.flac")).unwrap();
    let mut abandoned = StreamProbe::new();
    abandoned.feed(&bytes[..bytes.len() / 3]);
    drop(abandoned);
    let mut rng = fastrand::Rng::with_seed(5);
    let probe = stream(&bytes, &mut rng, 9000).finish().unwrap();
    assert_eq!(probe.frames, 188_745);
}
