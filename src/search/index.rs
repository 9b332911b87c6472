//! Writing the search index: the speeches and their terms.
//!
//! `feeds/search/index.js` lists the speeches (newest first), the speakers and events they
//! name, and where the term chunks begin. The terms, sorted in UTF-16 order, are cut into
//! [`chunk_count`] chunks of about equal size, `feeds/search/terms-<n>.js`, so that a query
//! loads only the chunks of its terms: with transcripts, every word said in every speech is
//! a posting, far more than a page should load at once. A posting list is, per speech that
//! has the term, the gap from the previous speech and the fields the term occurs in, as one
//! number `(gap - 1) × 32 + mask` written in base 32 with a digit alphabet that marks the
//! last digit of each number (see [`encode`]).

use std::collections::HashMap;

use serde::Serialize;

use super::normalize::{terms, utf16_cmp};
use super::rank::{EVENT, EXCERPT, SPEAKER, TITLE, TRANSCRIPT};
use super::{Speech, data_file};
use crate::site::transcript::Paragraph;

/// About how many speeches go to one chunk of terms.
const DOCS_PER_CHUNK: usize = 100;

/// Digits of a posting number: the first 32 end a number, the last 32 do not.
pub const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// How many chunk files an index of `docs` speeches has.
pub fn chunk_count(docs: usize) -> usize {
    docs.div_ceil(DOCS_PER_CHUNK).max(1)
}

/// The text of every file of the index: `index.js`, then each chunk.
pub struct Written {
    pub index: String,
    pub chunks: Vec<String>,
}

#[derive(Serialize)]
struct Meta<'a> {
    k: &'static str,
    /// Speeches: page path (from `feeds/`, without `.html`), title, speakers, event, date.
    d: Vec<(String, &'a str, Vec<usize>, i64, String)>,
    /// Speakers: name, page path.
    s: Vec<(&'a str, String)>,
    /// Events: title, page path.
    e: Vec<(&'a str, String)>,
    /// The first term of each chunk.
    c: Vec<String>,
}

#[derive(Serialize)]
struct Chunk<'a> {
    k: String,
    t: Vec<&'a str>,
    p: Vec<&'a str>,
}

/// Term → (speech, fields) for every speech that has it, speeches in order.
type Postings = HashMap<String, Vec<(u32, u8)>>;

/// Reads the transcript of the speech at an index, if it has one.
pub type Transcripts<'t> = dyn Fn(usize) -> Option<Vec<Paragraph>> + Sync + 't;

/// The index of `speeches`, which are newest first.
pub fn write(speeches: &[Speech<'_>], transcripts: &Transcripts<'_>) -> Written {
    let postings = postings(speeches, transcripts);
    let mut sorted: Vec<(String, String)> = postings
        .into_iter()
        .map(|(term, list)| (term, encode(&list)))
        .collect();
    sorted.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
    let count = chunk_count(speeches.len());
    let total: usize = sorted.iter().map(|(t, p)| t.len() + p.len()).sum();
    let mut chunks: Vec<Chunk<'_>> = (0..count)
        .map(|n| Chunk {
            k: format!("t{n}"),
            t: Vec::new(),
            p: Vec::new(),
        })
        .collect();
    let (mut chunk, mut size) = (0, 0);
    let mut starts = Vec::new();
    for (term, list) in &sorted {
        if chunk + 1 < count && size >= total * (chunk + 1) / count {
            chunk += 1;
        }
        if chunks[chunk].t.is_empty() {
            starts.push(if chunk == 0 {
                String::new()
            } else {
                term.clone()
            });
        }
        chunks[chunk].t.push(term.as_str());
        chunks[chunk].p.push(list.as_str());
        size += term.len() + list.len();
    }
    Written {
        index: data_file(&meta(speeches, starts)),
        chunks: chunks.iter().map(data_file).collect(),
    }
}

fn meta<'a>(speeches: &[Speech<'a>], starts: Vec<String>) -> Meta<'a> {
    let mut speakers: Vec<(&str, String)> = Vec::new();
    let mut events: Vec<(&str, String)> = Vec::new();
    let mut docs = Vec::with_capacity(speeches.len());
    for speech in speeches {
        let mut credited = Vec::new();
        for (name, page) in &speech.speakers {
            let at = position(&mut speakers, name, page);
            credited.push(at);
        }
        let event = speech.event.as_ref().map_or(-1, |(title, page)| {
            i64::try_from(position(&mut events, title, page)).unwrap_or(-1)
        });
        docs.push((
            speech.page.clone(),
            speech.title,
            credited,
            event,
            speech.date.clone(),
        ));
    }
    Meta {
        k: "index",
        d: docs,
        s: speakers,
        e: events,
        c: starts,
    }
}

/// The place of `(name, page)` in `list`, added if new (lists are short: a scan will do
/// for speakers; events are looked up from the end, where the last one went).
fn position<'a>(list: &mut Vec<(&'a str, String)>, name: &'a str, page: &str) -> usize {
    if let Some(at) = list.iter().rposition(|(_, p)| p == page) {
        return at;
    }
    list.push((name, page.to_owned()));
    list.len() - 1
}

/// The postings of every term, built on every core over contiguous runs of speeches.
fn postings(speeches: &[Speech<'_>], transcripts: &Transcripts<'_>) -> Postings {
    let runs: Vec<(usize, &[Speech<'_>])> = speeches
        .chunks(256)
        .enumerate()
        .map(|(n, run)| (n * 256, run))
        .collect();
    let parts = crate::parallel::map(&runs, |(first, run)| {
        let mut postings = Postings::new();
        for (offset, speech) in run.iter().enumerate() {
            let doc = u32::try_from(first + offset).unwrap_or(u32::MAX);
            let transcript = transcripts(first + offset);
            for (term, mask) in speech_terms(speech, transcript.as_deref()) {
                postings.entry(term).or_default().push((doc, mask));
            }
        }
        Ok::<_, std::convert::Infallible>(postings)
    });
    let mut merged = Postings::new();
    for part in parts.unwrap_or_default() {
        for (term, list) in part {
            merged.entry(term).or_default().extend(list);
        }
    }
    merged
}

/// The terms of one speech and the fields each occurs in.
fn speech_terms(speech: &Speech<'_>, transcript: Option<&[Paragraph]>) -> HashMap<String, u8> {
    let mut masks: HashMap<String, u8> = HashMap::new();
    let mut add = |text: &str, field: u8| {
        for term in terms(text) {
            *masks.entry(term).or_default() |= field;
        }
    };
    add(speech.title, TITLE);
    for (name, _) in &speech.speakers {
        add(name, SPEAKER);
    }
    if let Some((title, _)) = &speech.event {
        add(title, EVENT);
    }
    add(speech.excerpt, EXCERPT);
    for paragraph in transcript.unwrap_or_default() {
        for cue in &paragraph.cues {
            add(&cue.text, TRANSCRIPT);
        }
    }
    masks
}

/// A posting list as text: `(gap - 1) × 32 + mask` per speech, in base 32, most significant
/// digit first, every digit but the last from the second half of [`DIGITS`].
pub fn encode(list: &[(u32, u8)]) -> String {
    let mut text = String::with_capacity(list.len() * 2);
    let mut previous: Option<u32> = None;
    let mut digits = Vec::new();
    for &(doc, mask) in list {
        let gap = previous.map_or(doc, |p| doc - p - 1);
        previous = Some(doc);
        let mut value = u64::from(gap) * 32 + u64::from(mask & 31);
        digits.clear();
        loop {
            // `value & 31` is below 32: a valid index, and the cast keeps it.
            #[allow(clippy::cast_possible_truncation)]
            digits.push((value & 31) as usize);
            value >>= 5;
            if value == 0 {
                break;
            }
        }
        for (n, &digit) in digits.iter().rev().enumerate() {
            let final_digit = n + 1 == digits.len();
            text.push(char::from(
                DIGITS[if final_digit { digit } else { digit + 32 }],
            ));
        }
    }
    text
}

/// The postings of an encoded list.
pub fn decode(text: &str) -> Option<Vec<(u32, u8)>> {
    let mut list = Vec::new();
    let (mut value, mut doc): (u64, Option<u32>) = (0, None);
    let mut open = false;
    for byte in text.bytes() {
        let digit = DIGITS.iter().position(|&d| d == byte)? as u64;
        value = value.checked_mul(32)? + (digit & 31);
        open = digit >= 32;
        if !open {
            let gap = u32::try_from(value / 32).ok()?;
            let next = doc.map_or(Some(gap), |d| d.checked_add(gap)?.checked_add(1))?;
            // `value % 32` is below 32.
            #[allow(clippy::cast_possible_truncation)]
            list.push((next, (value % 32) as u8));
            doc = Some(next);
            value = 0;
        }
    }
    (!open).then_some(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posting_lists_round_trip() {
        let list = vec![(0, 1), (1, 16), (2, 16), (40, 9), (100_000, 31)];
        let text = encode(&list);
        assert_eq!(&text[..3], "1GG");
        assert_eq!(decode(&text), Some(list));
        assert_eq!(decode("W"), None, "a number without its last digit");
        assert_eq!(decode("!"), None);
    }

    #[test]
    fn chunks_grow_with_the_archive() {
        assert_eq!(chunk_count(0), 1);
        assert_eq!(chunk_count(4), 1);
        assert_eq!(chunk_count(10_000), 100);
    }
}
