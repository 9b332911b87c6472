//! The passages of one speech, `feeds/search/<feed-id>/<episode-id>.js`: its excerpt's
//! paragraphs and its transcript's, with the time of each cue. The index has terms, not
//! text; a result loads its speech's passages to show where the query matched.
//!
//! The passage shown ([`best`]) is the paragraph that matches most query terms (the first
//! of equals; excerpt paragraphs come first), cut to [`WINDOW`] words from a little before
//! its first match. A transcript passage links to the start of the cue of that match.

use serde::{Deserialize, Serialize};

use super::normalize::{Word, fold, words};
use super::rank::QueryTerm;
use crate::site::transcript::Paragraph;

/// Words shown of a passage.
pub const WINDOW: usize = 30;

/// Words shown before the first match.
pub const LEAD: usize = 8;

/// The passages file of one speech.
#[derive(Debug, Serialize, Deserialize)]
pub struct Passages {
    pub k: String,
    /// The excerpt's paragraphs.
    pub x: Vec<String>,
    /// The transcript's paragraphs: cues with their start.
    pub t: Vec<Vec<(Option<f64>, String)>>,
}

impl Passages {
    /// The passages of a speech whose page is `page` (from `feeds/`, without `.html`).
    pub fn new(page: &str, excerpt: &str, transcript: Option<&[Paragraph]>) -> Self {
        let x = excerpt
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        let t = transcript
            .unwrap_or_default()
            .iter()
            .map(|p| p.cues.iter().map(|c| (c.start, c.text.clone())).collect())
            .collect();
        Self {
            k: format!("p/{page}"),
            x,
            t,
        }
    }
}

/// A passage to show: its text (with `…` where it was cut), the byte ranges of the words
/// that matched, and the time it links to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
    pub time: Option<f64>,
}

/// Where a cue begins in its paragraph's text (bytes), and its time.
type CueStart = (usize, Option<f64>);

/// A paragraph, as [`best`] weighs it.
struct Candidate<'t> {
    /// Distinct query terms it matches.
    matched: usize,
    text: &'t str,
    starts: &'t [CueStart],
    words: Vec<Word>,
    hits: Vec<usize>,
}

/// The passage that matches the query best; the excerpt's start if none matches.
pub fn best(passages: &Passages, query: &[QueryTerm]) -> Option<Passage> {
    let joined: Vec<(String, Vec<CueStart>)> = passages
        .t
        .iter()
        .map(|cues| {
            let mut text = String::new();
            let mut starts = Vec::new();
            for (start, cue) in cues {
                if !text.is_empty() {
                    text.push(' ');
                }
                starts.push((text.len(), *start));
                text.push_str(cue);
            }
            (text, starts)
        })
        .collect();
    let paragraphs = passages
        .x
        .iter()
        .map(|text| (text.as_str(), &[][..]))
        .chain(
            joined
                .iter()
                .map(|(text, starts)| (text.as_str(), &starts[..])),
        );
    let mut chosen: Option<Candidate<'_>> = None;
    for (text, starts) in paragraphs {
        let words = words(text);
        let (matched, hits) = matches(text, &words, query);
        if chosen.as_ref().is_none_or(|c| matched > c.matched) {
            chosen = Some(Candidate {
                matched,
                text,
                starts,
                words,
                hits,
            });
        }
    }
    let Candidate {
        text,
        starts,
        words,
        hits,
        ..
    } = chosen?;
    let first = hits.first().copied().unwrap_or(0);
    let time = hits.first().and_then(|&hit| {
        let at = words[hit].start;
        starts.iter().rev().find(|(offset, _)| *offset <= at)?.1
    });
    Some(window(text, &words, &hits, first, time))
}

/// How many distinct query terms the words match, and which words match.
fn matches(text: &str, words: &[Word], query: &[QueryTerm]) -> (usize, Vec<usize>) {
    let mut matched = vec![false; query.len()];
    let mut hits = Vec::new();
    for (n, word) in words.iter().enumerate() {
        let mut hit = false;
        for term in fold(&text[word.start..word.end]) {
            for (q, query_term) in query.iter().enumerate() {
                if query_term.matches(&term) {
                    matched[q] = true;
                    hit = true;
                }
            }
        }
        if hit {
            hits.push(n);
        }
    }
    (matched.iter().filter(|&&m| m).count(), hits)
}

/// [`WINDOW`] words of `text` from [`LEAD`] words before `first`.
fn window(text: &str, words: &[Word], hits: &[usize], first: usize, time: Option<f64>) -> Passage {
    if words.is_empty() {
        return Passage {
            text: text.to_owned(),
            highlights: Vec::new(),
            time,
        };
    }
    let from = first.saturating_sub(LEAD);
    let to = (from + WINDOW).min(words.len());
    // The whole paragraph's ends where it is not cut: punctuation before the first word and
    // after the last stays.
    let start = if from == 0 { 0 } else { words[from].start };
    let end = if to == words.len() {
        text.len()
    } else {
        words[to - 1].end
    };
    let lead = if from > 0 { "…" } else { "" };
    let mut shown = format!("{lead}{}", &text[start..end]);
    if to < words.len() {
        shown.push('…');
    }
    let highlights = hits
        .iter()
        .filter(|&&hit| (from..to).contains(&hit))
        .map(|&hit| {
            let shift = lead.len();
            (
                words[hit].start - start + shift,
                words[hit].end - start + shift,
            )
        })
        .collect();
    Passage {
        text: shown,
        highlights,
        time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::rank::query;

    fn passages() -> Passages {
        Passages {
            k: "p/talks/one".to_owned(),
            x: vec!["An excerpt about courage.".to_owned()],
            t: vec![
                vec![(Some(0.0), "Hello.".to_owned())],
                vec![
                    (Some(12.5), "We speak of".to_owned()),
                    (Some(14.0), "the Uprising today".to_owned()),
                ],
            ],
        }
    }

    #[test]
    fn the_transcript_passage_links_to_the_cue_of_the_match() {
        let passage = best(&passages(), &query("uprising")).unwrap();
        assert_eq!(passage.text, "We speak of the Uprising today");
        assert_eq!(passage.time, Some(14.0));
        let (start, end) = passage.highlights[0];
        assert_eq!(&passage.text[start..end], "Uprising");
    }

    #[test]
    fn without_a_match_the_excerpt_opens() {
        let passage = best(&passages(), &query("nothing")).unwrap();
        assert_eq!(passage.text, "An excerpt about courage.");
        assert_eq!(passage.time, None);
        assert!(passage.highlights.is_empty());
    }

    #[test]
    fn long_paragraphs_are_cut_around_the_match() {
        let words: Vec<String> = (0..100).map(|n| format!("w{n}")).collect();
        let mut p = passages();
        p.x = vec![words.join(" ")];
        let passage = best(&p, &query("w50")).unwrap();
        assert!(passage.text.starts_with("…w42 ") && passage.text.ends_with(" w71…"));
        let (start, end) = passage.highlights[0];
        assert_eq!(&passage.text[start..end], "w50");
    }
}
