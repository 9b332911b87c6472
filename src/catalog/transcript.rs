//! `transcript = "…"`: what kind of transcript a file is, for `podcast:transcript`.
//!
//! A local file is recognised by its content, a URL by its extension: `WebVTT`
//! (`text/vtt`), `SubRip` (`application/x-subrip`), the Podcasting 2.0 JSON format
//! (`application/json`), HTML (`text/html`) or plain text (`text/plain`). Files with timecodes
//! are also offered as captions (`rel="captions"`).

use std::path::Path;

use super::model::{Source, Transcript};

/// Largest transcript read.
const MAX_TRANSCRIPT: u64 = 32 * 1024 * 1024;

/// The transcript at `source`; a local path is read from under `root`.
pub fn recognise(source: Source, root: &Path) -> Result<Transcript, String> {
    let (mime_type, captions) = match &source {
        Source::Local(path) => {
            let bytes = crate::confined::read(root, path, MAX_TRANSCRIPT)
                .map_err(|err| err.to_string())?;
            by_content(path.as_path(), &String::from_utf8_lossy(&bytes))?
        }
        Source::Remote(url) => by_extension(url.path()).ok_or_else(|| {
            format!(
                "cannot tell the type of transcript `{url}`: use a URL ending in .vtt, .srt, .json, .html or .txt"
            )
        })?,
    };
    Ok(Transcript {
        source,
        mime_type,
        captions,
    })
}

fn by_content(path: &Path, text: &str) -> Result<(&'static str, bool), String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("WEBVTT") {
        return Ok(("text/vtt", true));
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if extension == "json" || trimmed.starts_with('{') {
        let json: serde_json::Value = serde_json::from_str(trimmed)
            .map_err(|err| format!("`{}` is not valid JSON: {err}", path.display()))?;
        let timed = json
            .get("segments")
            .and_then(|s| s.as_array())
            .is_some_and(|segments| segments.iter().any(|s| s.get("startTime").is_some()));
        return Ok(("application/json", timed));
    }
    if has_srt_timecodes(trimmed) {
        return Ok(("application/x-subrip", true));
    }
    if matches!(extension.as_str(), "html" | "htm") || trimmed.starts_with('<') {
        return Ok(("text/html", false));
    }
    Ok(("text/plain", false))
}

fn by_extension(path: &str) -> Option<(&'static str, bool)> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match extension.as_str() {
        "vtt" => Some(("text/vtt", true)),
        "srt" => Some(("application/x-subrip", true)),
        "json" => Some(("application/json", false)),
        "html" | "htm" => Some(("text/html", false)),
        "txt" => Some(("text/plain", false)),
        _ => None,
    }
}

/// A `SubRip` cue timing line: `00:00:01,000 --> 00:00:04,000`.
fn has_srt_timecodes(text: &str) -> bool {
    text.lines().take(20).any(|line| {
        let Some((start, end)) = line.split_once("-->") else {
            return false;
        };
        let timecode = |t: &str| {
            let t = t.trim();
            t.len() >= 12 && t.as_bytes().get(t.len() - 4) == Some(&b',')
        };
        timecode(start) && timecode(end)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_transcripts_by_content() {
        let path = Path::new("t.txt");
        assert_eq!(
            by_content(path, "WEBVTT\n\n00:00.000 --> 00:01.000\nHi"),
            Ok(("text/vtt", true))
        );
        assert_eq!(
            by_content(path, "1\n00:00:01,000 --> 00:00:04,000\nHi\n"),
            Ok(("application/x-subrip", true))
        );
        assert_eq!(
            by_content(
                Path::new("t.json"),
                r#"{"version":"1.0.0","segments":[{"startTime":0,"body":"Hi"}]}"#
            ),
            Ok(("application/json", true))
        );
        assert_eq!(
            by_content(Path::new("t.html"), "<p>Hi</p>"),
            Ok(("text/html", false))
        );
        assert_eq!(by_content(path, "Hi, everyone."), Ok(("text/plain", false)));
        assert!(by_content(Path::new("t.json"), "{ nope").is_err());
    }

    #[test]
    fn recognises_remote_transcripts_by_extension() {
        assert_eq!(by_extension("/a/b.VTT"), Some(("text/vtt", true)));
        assert_eq!(by_extension("/a/b"), None);
    }
}
