//! `archive probe FILE… [--json]`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use crate::Outcome;
use crate::probe::{Probe, probe_file};
use crate::rendition::{Loudness, measure};

/// One line of `--json` output: the probe's fields, or an error.
#[derive(Serialize)]
struct Report<'a> {
    path: &'a Path,
    #[serde(flatten)]
    probe: Option<&'a Probe>,
    /// With `--loudness`: what EBU R128 measures of the decoded audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    loudness: Option<Loudness>,
    /// With `--loudness`: why the audio could not be measured (it does not decode to its end).
    #[serde(skip_serializing_if = "Option::is_none")]
    loudness_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Probes every file (and measures its loudness with `loudness`); a file that is not
/// readable audio makes the exit code 1, and so does one whose loudness cannot be measured.
pub fn run(files: &[PathBuf], json: bool, loudness: bool) -> Result<Outcome> {
    let results: Vec<_> = files.iter().map(|path| (path, probe_file(path))).collect();
    let reports: Vec<Report<'_>> = results
        .iter()
        .map(|(path, result)| {
            let measured = match result {
                Ok(_) if loudness => Some(measure(path).map_err(|err| err.to_string())),
                _ => None,
            };
            Report {
                path,
                probe: result.as_ref().ok(),
                loudness: measured.as_ref().and_then(|m| m.as_ref().ok().copied()),
                loudness_error: measured.and_then(Result::err),
                error: result.as_ref().err().map(ToString::to_string),
            }
        })
        .collect();
    if json {
        let text = match reports.as_slice() {
            [one] => serde_json::to_string_pretty(one)?,
            many => serde_json::to_string_pretty(many)?,
        };
        println!("{text}");
    } else {
        for report in &reports {
            println!("{}", human(report));
        }
    }
    let unmeasured = reports
        .iter()
        .filter(|r| r.loudness_error.is_some())
        .count();
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    if failed == 0 && unmeasured > 0 {
        let verb = if unmeasured == 1 { "does" } else { "do" };
        let files = super::out::count(reports.len(), "file");
        anyhow::bail!("{unmeasured} of {files} {verb} not decode to the end: loudness unknown");
    }
    if failed > 0 {
        let verb = if failed == 1 { "is" } else { "are" };
        let files = super::out::count(reports.len(), "file");
        anyhow::bail!("{failed} of {files} {verb} not readable audio");
    }
    Ok(Outcome::Success)
}

/// The container and the codec, the codec left out where it is the container's name:
/// `mp3`, `flac`, `ogg vorbis`, `mp4 aac`.
pub fn format_name(probe: &Probe) -> String {
    let (container, codec) = (probe.container.to_string(), probe.codec.to_string());
    if container == codec {
        container
    } else {
        format!("{container} {codec}")
    }
}

fn human(report: &Report<'_>) -> String {
    let path = report.path.display();
    let Some(probe) = report.probe else {
        let error = report.error.as_deref().unwrap_or_default();
        return format!("{path}: error: {error}");
    };
    let mut line = format!(
        "{path}: {}, {:.3} s ({}), {} Hz, {} ch, {} kb/s, {}",
        format_name(probe),
        probe.duration,
        crate::feed::clock(probe.whole_seconds()),
        probe.sample_rate,
        probe.channels,
        probe.bitrate / 1000,
        super::out::count(probe.size, "byte")
    );
    if probe.trailing_bytes > 0 {
        let _ = write!(line, ", {} bytes of trailing data", probe.trailing_bytes);
    }
    let tags = &probe.tags;
    for (name, value) in [
        ("title", &tags.title),
        ("artist", &tags.artist),
        ("album", &tags.album),
        ("date", &tags.date),
        ("comment", &tags.comment),
    ] {
        if let Some(value) = value {
            let _ = write!(line, "\n  {name}: {value}");
        }
    }
    if let Some(art) = &probe.artwork {
        let _ = write!(
            line,
            "\n  artwork: {} {}x{}",
            art.media_type, art.width, art.height
        );
    }
    if let Some(loudness) = &report.loudness {
        let _ = write!(
            line,
            "\n  loudness: {:.1} LUFS integrated, {:.1} LU range, {:.1} dBTP true peak",
            loudness.integrated_lufs, loudness.range_lu, loudness.true_peak_dbtp
        );
    }
    if let Some(error) = &report.loudness_error {
        let _ = write!(line, "\n  loudness: error: {error}");
    }
    line
}
