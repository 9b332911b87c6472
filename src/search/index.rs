//! Writing the search index: the speeches and their terms.
//!
//! `feeds/search/index.js` lists the speeches (newest first), the speakers and events they
//! name, and where the term chunks begin. The terms, sorted in UTF-16 order, are cut into
//! [`chunk_count`] chunks of about equal size, `feeds/search/terms-<n>.js`, so that a query
//! loads only the chunks of its terms: with transcripts, every word said in every speech is
//! a posting, far more than a page should load at once. A chunk holds its terms, front-coded
//! (see [`front_code`]), and their posting lists as one bit stream ([`super::postings`]) in
//! base64, with the bit offset of every [`SKIP`]th list.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::normalize::{terms, utf16_cmp};
use super::postings::{BitWriter, SKIP, write_entry};
use super::rank::{EVENT, EXCERPT, SPEAKER, TITLE, TRANSCRIPT};
use super::{Speech, data_file};
use crate::site::transcript::Paragraph;

/// About how many speeches go to one chunk of terms.
const DOCS_PER_CHUNK: usize = 100;

/// Digits of a shared prefix's length in a front-coded term list.
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

/// A chunk of terms as its file holds it.
#[derive(Serialize, Deserialize)]
pub struct Chunk {
    #[serde(default)]
    pub k: String,
    /// The terms, front-coded.
    pub t: String,
    /// The bit offset of every [`SKIP`]th posting list.
    pub s: Vec<u64>,
    /// The posting lists, one bit stream in base64.
    pub b: String,
}

impl Chunk {
    /// The chunk `n` of `terms` and their posting lists, for an index of `docs` speeches.
    fn new(n: usize, terms: &[(String, Vec<(u32, u8)>)], docs: u32) -> Self {
        let mut bits = BitWriter::default();
        let mut skips = Vec::new();
        for (at, (_, list)) in terms.iter().enumerate() {
            if at % SKIP == 0 {
                skips.push(bits.len);
            }
            write_entry(&mut bits, list, docs);
        }
        Chunk {
            k: format!("t{n}"),
            t: front_code(terms.iter().map(|(term, _)| term.as_str())),
            s: skips,
            b: STANDARD.encode(&bits.bytes),
        }
    }

    /// The terms and the bytes of the bit stream, if the chunk is well formed.
    pub fn open(&self) -> Option<(Vec<String>, Vec<u8>)> {
        let terms = front_decode(&self.t)?;
        let bytes = STANDARD.decode(&self.b).ok()?;
        (self.s.len() == terms.len().div_ceil(SKIP)).then_some((terms, bytes))
    }
}

/// Term → (speech, fields) for every speech that has it, speeches in order.
type Postings = HashMap<String, Vec<(u32, u8)>>;

/// Reads the transcript of the speech at an index, if it has one.
pub type Transcripts<'t> = dyn Fn(usize) -> Option<Vec<Paragraph>> + Sync + 't;

/// The index of `speeches`, which are newest first.
pub fn write(speeches: &[Speech<'_>], transcripts: &Transcripts<'_>) -> Written {
    let mut sorted: Vec<(String, Vec<(u32, u8)>)> =
        postings(speeches, transcripts).into_iter().collect();
    sorted.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
    let count = chunk_count(speeches.len());
    let docs = u32::try_from(speeches.len()).unwrap_or(u32::MAX);
    // A list's size is about its length in postings; a term's, a few bytes.
    let cost = |(term, list): &(String, Vec<(u32, u8)>)| {
        term.len() + list.len().min(docs as usize / 2) + 4
    };
    let total: usize = sorted.iter().map(cost).sum();
    let mut cuts = vec![0];
    let mut size = 0;
    for (at, entry) in sorted.iter().enumerate() {
        if cuts.len() < count && size >= total * cuts.len() / count && cuts.last() != Some(&at) {
            cuts.push(at);
        }
        size += cost(entry);
    }
    cuts.push(sorted.len());
    let chunks: Vec<String> = cuts
        .windows(2)
        .enumerate()
        .map(|(n, range)| data_file(&Chunk::new(n, &sorted[range[0]..range[1]], docs)))
        .chain((cuts.len() - 1..count).map(|n| data_file(&Chunk::new(n, &[], docs))))
        .collect();
    let starts = cuts[..cuts.len() - 1]
        .iter()
        .enumerate()
        .map(|(n, &at)| {
            if n == 0 {
                String::new()
            } else {
                sorted[at].0.clone()
            }
        })
        .collect();
    Written {
        index: data_file(&meta(speeches, starts)),
        chunks,
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

/// Terms in order as one string: each term is the length of the prefix it shares with the
/// previous one (in UTF-16 units, at most 63, as a digit of [`DIGITS`]) and the rest, and a
/// space comes between terms (terms have no spaces).
pub fn front_code<'t>(terms: impl Iterator<Item = &'t str>) -> String {
    let mut text = String::new();
    let mut previous = "";
    for term in terms {
        let (mut units, mut bytes) = (0, 0);
        for (a, b) in previous.chars().zip(term.chars()) {
            if a != b || units + b.len_utf16() > 63 {
                break;
            }
            units += b.len_utf16();
            bytes += b.len_utf8();
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push(char::from(DIGITS[units]));
        text.push_str(&term[bytes..]);
        previous = term;
    }
    text
}

/// The terms of a front-coded string.
pub fn front_decode(text: &str) -> Option<Vec<String>> {
    let mut terms: Vec<String> = Vec::new();
    if text.is_empty() {
        return Some(terms);
    }
    for entry in text.split(' ') {
        let digit = *entry.as_bytes().first()?;
        let units = DIGITS.iter().position(|&d| d == digit)?;
        let previous = terms.last().map_or("", String::as_str);
        let mut bytes = 0;
        let mut counted = 0;
        for c in previous.chars() {
            if counted >= units {
                break;
            }
            counted += c.len_utf16();
            bytes += c.len_utf8();
        }
        if counted != units {
            return None;
        }
        terms.push(format!("{}{}", &previous[..bytes], &entry[1..]));
    }
    Some(terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_coded_terms_round_trip() {
        let terms = ["a", "abc", "abd", "b", "آزادی", "آزادیخواه", "😀x", "😀y"];
        let text = front_code(terms.iter().copied());
        assert!(
            text.starts_with("0a 1bc 2d 0b 0آزادی 5خواه 0😀x 2y"),
            "{text}"
        );
        let back = front_decode(&text).unwrap();
        assert_eq!(back, terms);
        assert_eq!(
            front_decode("5abc"),
            None,
            "a prefix longer than the previous term"
        );
        assert_eq!(front_decode(""), Some(Vec::new()));
    }

    fn speech<'a>(page: &str, title: &'a str, excerpt: &'a str) -> Speech<'a> {
        Speech {
            page: page.to_owned(),
            title,
            speakers: vec![("Hasti", "speakers/hasti".to_owned())],
            event: None,
            date: "2020-11-10".to_owned(),
            excerpt,
        }
    }

    #[test]
    fn a_written_chunk_reads_back_term_by_term() {
        let speeches = [
            speech("talks/one", "Aban", "Freedom and courage."),
            speech("talks/two", "Courage", "آزادی"),
        ];
        let written = write(&speeches, &|_| None);
        assert_eq!(written.chunks.len(), 1);
        let json = super::super::data_json(&written.chunks[0]).unwrap();
        let chunk: Chunk = serde_json::from_str(json).unwrap();
        let (terms, bytes) = chunk.open().unwrap();
        assert_eq!(
            terms,
            ["aban", "and", "courage", "freedom", "hasti", "ازادی"]
        );
        let mut input = crate::search::postings::BitReader::new(&bytes, chunk.s[0]);
        let lists: Vec<_> = terms
            .iter()
            .map(|_| crate::search::postings::read_entry(&mut input, 2).unwrap())
            .collect();
        assert_eq!(lists[0], [(0, TITLE)]);
        assert_eq!(lists[2], [(0, EXCERPT), (1, TITLE)]);
        assert_eq!(lists[4], [(0, SPEAKER), (1, SPEAKER)]);
        assert_eq!(lists[5], [(1, EXCERPT)]);
    }

    #[test]
    fn chunks_grow_with_the_archive() {
        assert_eq!(chunk_count(0), 1);
        assert_eq!(chunk_count(4), 1);
        assert_eq!(chunk_count(10_000), 100);
    }
}
