//! The Podcasting 2.0 JSON transcript: `{"segments": [{"startTime", "endTime", "speaker",
//! "body"}]}`. `serde_json` limits nesting; unknown fields are ignored.

use serde::Deserialize;

use super::{Cue, MAX_CUES};

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    segments: Vec<Segment>,
}

#[derive(Deserialize)]
struct Segment {
    #[serde(rename = "startTime")]
    start: Option<f64>,
    #[serde(rename = "endTime")]
    end: Option<f64>,
    speaker: Option<String>,
    #[serde(default)]
    body: String,
}

/// The segments of a JSON transcript, as cues.
pub fn parse(text: &str) -> Result<Vec<Cue>, String> {
    let file: File = serde_json::from_str(text).map_err(|err| format!("not valid JSON: {err}"))?;
    Ok(file
        .segments
        .into_iter()
        .take(MAX_CUES)
        .map(|segment| Cue {
            start: segment.start.filter(|s| s.is_finite() && *s >= 0.0),
            end: segment.end.filter(|s| s.is_finite() && *s >= 0.0),
            speaker: segment.speaker.filter(|s| !s.trim().is_empty()),
            text: segment
                .body
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
        .filter(|cue| !cue.text.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_become_cues() {
        let json = r#"{"version":"1.0.0","segments":[
            {"speaker":"Host","startTime":0.5,"endTime":2,"body":"Hello  there"},
            {"startTime":2.5,"body":""},
            {"startTime":-1,"body":"odd"}]}"#;
        let cues = parse(json).unwrap();
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].speaker.as_deref(), Some("Host"));
        assert_eq!(cues[0].text, "Hello there");
        assert_eq!(cues[1].start, None);
        assert!(parse("{").is_err());
    }
}
