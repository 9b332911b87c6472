//! A transcript as the speech page shows it and the search indexes it: paragraphs of cues,
//! each cue with the time it starts (when the format has times) and, where the format names
//! one, its speaker.
//!
//! `WebVTT` and `SubRip` ([`cues`]), the Podcasting 2.0 JSON format ([`json`]), HTML
//! ([`html`]) and plain text are read, each in one pass over a file of at most
//! [`MAX_TRANSCRIPT`] bytes, keeping at most [`MAX_CUES`] cues. Short caption cues are joined
//! into readable paragraphs ([`paragraphs`]). Only local files are read: the build does not
//! go to the network, so a remote transcript is linked, not shown.

mod cues;
mod html;
mod json;

use crate::catalog::{Source, Transcript};
use crate::confined::Root;

/// Largest transcript read (the catalog's limit).
pub const MAX_TRANSCRIPT: u64 = 32 * 1024 * 1024;

/// Most cues kept from one transcript.
pub const MAX_CUES: usize = 200_000;

/// One stretch of text: a caption cue, a JSON segment, or an untimed paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Seconds from the start of the recording.
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub speaker: Option<String>,
    pub text: String,
}

/// Cues read as one paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub cues: Vec<Cue>,
}

impl Paragraph {
    /// When the paragraph starts.
    pub fn start(&self) -> Option<f64> {
        self.cues.first().and_then(|cue| cue.start)
    }

    /// Its speaker, if the transcript names one.
    pub fn speaker(&self) -> Option<&str> {
        self.cues.first().and_then(|cue| cue.speaker.as_deref())
    }
}

/// Reads the local transcript of an episode; `None` for a remote one, or one that cannot
/// be read (the page links it instead, and the build says why).
pub fn load(root: &Root, transcript: &Transcript) -> Option<Vec<Paragraph>> {
    let Source::Local(path) = &transcript.source else {
        return None;
    };
    let bytes = match root.read(path, MAX_TRANSCRIPT) {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::warn!("transcript `{path}` is not shown on its page: {err}");
            return None;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    match parse(transcript.mime_type, text) {
        Ok(cues) => Some(paragraphs(cues)),
        Err(why) => {
            tracing::warn!("transcript `{path}` is not shown on its page: {why}");
            None
        }
    }
}

/// The cues of a transcript of type `mime_type`.
pub fn parse(mime_type: &str, text: &str) -> Result<Vec<Cue>, String> {
    match mime_type {
        "text/vtt" | "application/x-subrip" => Ok(cues::parse(text)),
        "application/json" => json::parse(text),
        "text/html" => Ok(html::parse(text)),
        _ => Ok(plain(text)),
    }
}

/// Plain text: blank lines separate paragraphs.
fn plain(text: &str) -> Vec<Cue> {
    text.split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .take(MAX_CUES)
        .map(|text| Cue {
            start: None,
            end: None,
            speaker: None,
            text,
        })
        .collect()
}

/// Joins cues into paragraphs. A new paragraph starts with a new speaker, with an untimed
/// cue, after a sentence that ends in a pause of half a second or more once the paragraph
/// has 80 characters, after any sentence once it has 400, and at 1,200 characters whatever
/// the punctuation. A long cue (a JSON segment, a cue per paragraph) stays one paragraph.
pub fn paragraphs(cues: Vec<Cue>) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut length = 0;
    for cue in cues {
        let new = match paragraphs.last().and_then(|p| p.cues.last()) {
            None => true,
            Some(last) => {
                let sentence = last
                    .text
                    .trim_end()
                    .ends_with(['.', '?', '!', '…', '؟', '۔']);
                let pause = match (last.end.or(last.start), cue.start) {
                    (Some(end), Some(start)) => start - end >= 0.5,
                    _ => true,
                };
                cue.start.is_none()
                    || cue.speaker != last.speaker
                    || (sentence && pause && length >= 80)
                    || (sentence && length >= 400)
                    || length >= 1200
            }
        };
        if new {
            length = 0;
            paragraphs.push(Paragraph { cues: Vec::new() });
        }
        length += cue.text.len();
        if let Some(paragraph) = paragraphs.last_mut() {
            paragraph.cues.push(cue);
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start: f64, end: f64, text: &str) -> Cue {
        Cue {
            start: Some(start),
            end: Some(end),
            speaker: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn captions_join_into_paragraphs_at_sentence_pauses() {
        let long = "word ".repeat(20);
        let cues = vec![
            cue(0.0, 2.0, &long),
            cue(2.0, 4.0, "and so on."),
            // A pause after a sentence, with 100+ characters: a new paragraph.
            cue(5.0, 6.0, "Next one"),
            cue(6.0, 7.0, "goes on."),
        ];
        let paragraphs = paragraphs(cues);
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[1].start(), Some(5.0));
        assert_eq!(paragraphs[1].cues.len(), 2);
    }

    #[test]
    fn a_new_speaker_starts_a_paragraph() {
        let mut second = cue(1.0, 2.0, "Thanks");
        second.speaker = Some("Host".to_owned());
        let paragraphs = paragraphs(vec![cue(0.0, 1.0, "Hello"), second]);
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[1].speaker(), Some("Host"));
    }

    #[test]
    fn plain_text_paragraphs() {
        let cues = parse("text/plain", "One\nline.\n\n\nTwo.").unwrap();
        let texts: Vec<&str> = cues.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["One line.", "Two."]);
    }
}
