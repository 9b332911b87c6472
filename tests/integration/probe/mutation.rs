//! Mutation test (issue 12): the audio fixtures truncated, bit-flipped and spliced give a
//! probe result or a named error, never a panic or a hang, and the stream probe agrees with
//! the file probe on each. 200 cases by default; `PROBE_MUTATIONS=20000` runs more.

use std::sync::mpsc;
use std::time::Duration;

use speech_archive::probe::{ProbeError, probe_file};

use super::stream::{all_fixtures, stream};
use crate::support::fixture;

/// How long one case may take before the probe is taken to hang: far beyond what any takes.
const HANG: Duration = Duration::from_secs(120);

/// A mutation of `bytes`, described.
fn mutate(bytes: &[u8], donor: &[u8], rng: &mut fastrand::Rng) -> (String, Vec<u8>) {
    let mut out = bytes.to_vec();
    let len = out.len().max(1);
    let at = rng.usize(..len).min(out.len());
    let span = rng.usize(1..=4096);
    let what = match rng.u8(..6) {
        0 => {
            out.truncate(at);
            format!("cut at {at}")
        }
        1 => {
            let flips = rng.usize(1..=16);
            for _ in 0..flips {
                // Half the flips hit the headers, where a reader makes its decisions.
                let limit = if rng.bool() {
                    out.len().min(512)
                } else {
                    out.len()
                };
                if limit > 0 {
                    out[rng.usize(..limit)] ^= 1 << rng.u8(..8);
                }
            }
            format!("{flips} bit flips")
        }
        2 => {
            let from = rng.usize(..donor.len().max(1)).min(donor.len());
            let piece = &donor[from..(from + span).min(donor.len())];
            out.splice(at..(at + piece.len()).min(out.len()), piece.iter().copied());
            format!("{} bytes of another fixture over byte {at}", piece.len())
        }
        3 => {
            out.drain(at..(at + span).min(out.len()));
            format!("{span} bytes removed at {at}")
        }
        4 => {
            let noise: Vec<u8> = (0..rng.usize(1..=256)).map(|_| rng.u8(..)).collect();
            out.splice(at..at, noise.iter().copied());
            format!("{} random bytes inserted at {at}", noise.len())
        }
        _ => {
            let from = rng.usize(..len).min(out.len());
            let piece = out[from..(from + span).min(out.len())].to_vec();
            out.splice(at..at, piece.iter().copied());
            format!("{} bytes from {from} repeated at {at}", piece.len())
        }
    };
    (what, out)
}

/// Probes a mutated file both ways; the error text if the results break the rules.
fn check(bytes: &[u8], rng: &mut fastrand::Rng) -> Result<(), String> {
    let file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    std::fs::write(file.path(), bytes).map_err(|e| e.to_string())?;
    let from_file = probe_file(file.path());
    if let Err(ProbeError::Panicked(message)) = &from_file {
        return Err(format!("the probe panicked: {message}"));
    }
    let largest = [1, 700, 70_000][rng.usize(..3)];
    let streamed = stream(bytes, rng, largest).finish();
    if streamed != from_file {
        return Err(format!(
            "stream probe (chunks up to {largest}) {streamed:?} != file probe {from_file:?}"
        ));
    }
    Ok(())
}

#[test]
fn mutated_fixtures_give_a_result_or_a_named_error_never_a_panic_or_a_hang() {
    let cases: usize = std::env::var("PROBE_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("PROBE_MUTATIONS_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    let fixtures: Vec<(String, Vec<u8>)> = all_fixtures()
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(fixture(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut rng = fastrand::Rng::with_seed(seed);
        for case in 0..cases {
            let (name, bytes) = &fixtures[case % fixtures.len()];
            let (_, donor) = &fixtures[rng.usize(..fixtures.len())];
            let (what, mutated) = mutate(bytes, donor, &mut rng);
            let label = format!("case {case} (seed {seed}): {name}, {what}");
            let _ = sender.send((label.clone(), None));
            let verdict = check(&mutated, &mut rng);
            if sender.send((label, Some(verdict))).is_err() {
                return;
            }
        }
    });
    let mut done = 0;
    let mut current = String::new();
    while done < cases {
        match receiver.recv_timeout(HANG) {
            Ok((label, None)) => current = label,
            Ok((label, Some(verdict))) => {
                if let Err(error) = verdict {
                    panic!("{label}: {error}");
                }
                done += 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the probe hung on {current}"),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the probe died on {current}"),
        }
    }
}
