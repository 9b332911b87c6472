//! `archive search`: the query side of the index, as the page script runs it. Reads
//! `feeds/search/index.js`, the chunks that hold the query's terms, and the passages of the
//! results shown, all through the archive's confined reads.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::index::Chunk;
use super::normalize::utf16_cmp;
use super::passage::{self, Passage, Passages};
use super::postings::{BitReader, SKIP, read_entry};
use super::rank::{self, MAX_EXPANSIONS, QueryTerm};
use super::{INDEX_PATH, chunk_path, data_json};
use crate::confined::{ArchivePath, OpenError, Root};

/// Largest index file read.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// Why a search could not run.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("there is no search index `{}`: run `archive build` to write it", .0.display())]
    Missing(PathBuf),
    #[error("failed to read the search index")]
    Read(#[source] OpenError),
    #[error("the search file `{}` is damaged ({reason}): run `archive build` to write it again", path.display())]
    Damaged { path: PathBuf, reason: String },
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// The speech page, from the archive root, with `#t=` for a transcript passage.
    pub page: String,
    pub title: String,
    pub speakers: Vec<String>,
    pub event: Option<String>,
    pub date: String,
    /// Query terms matched, and the score (see [`rank`]).
    pub matched: u32,
    pub score: u32,
    pub passage: Option<Shown>,
}

/// The passage a result shows, with the matched words as character (not byte) ranges.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
    /// Seconds into the recording, for a transcript passage.
    pub time: Option<f64>,
}

impl From<Passage> for Shown {
    fn from(passage: Passage) -> Self {
        let chars = |byte: usize| passage.text[..byte].chars().count();
        Shown {
            highlights: passage
                .highlights
                .iter()
                .map(|&(start, end)| (chars(start), chars(end)))
                .collect(),
            text: passage.text,
            time: passage.time,
        }
    }
}

#[derive(Deserialize)]
struct Meta {
    d: Vec<(String, String, Vec<usize>, i64, String)>,
    s: Vec<(String, String)>,
    e: Vec<(String, String)>,
    c: Vec<String>,
}

/// A chunk, opened: its terms, its bit stream, and the offsets of every [`SKIP`]th list.
struct Opened {
    terms: Vec<String>,
    bytes: Vec<u8>,
    skips: Vec<u64>,
}

/// A query term's posting lists: (speech, fields) per speech, and whether it is the term
/// itself (not a longer one it begins).
type Lists = Vec<(Vec<(u32, u8)>, bool)>;

/// The index of an archive, read as a query needs it.
struct Index<'r> {
    root: &'r Root,
    meta: Meta,
    chunks: HashMap<usize, Opened>,
}

/// The `limit` best results for `text` in the archive at `root`.
pub fn search(root: &Root, text: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
    let index_path = ArchivePath::parse(INDEX_PATH).expect("a valid path");
    let mut index = Index {
        root,
        meta: read(root, &index_path)?,
        chunks: HashMap::new(),
    };
    let query = rank::query(text);
    let docs = index.meta.d.len();
    let mut totals = vec![(0_u32, 0_u32); docs];
    for term in &query {
        let mut best = vec![0_u32; docs];
        for (postings, exact) in index.matches(term)? {
            let df = u32::try_from(postings.len()).unwrap_or(u32::MAX);
            let weight = rank::weight(u32::try_from(docs).unwrap_or(u32::MAX), df);
            for (doc, mask) in postings {
                let score = weight * rank::field_weight(mask) * if exact { 2 } else { 1 };
                let slot = best
                    .get_mut(doc as usize)
                    .ok_or_else(|| damaged(&index_path, "a speech number"))?;
                *slot = (*slot).max(score);
            }
        }
        rank::add_term(&mut totals, &best);
    }
    let ranks = rank::order(&totals);
    ranks
        .iter()
        .take(limit)
        .map(|rank| index.hit(rank, &query))
        .collect()
}

impl Index<'_> {
    /// The posting lists a query term stands for: its own (exact), and those of up to
    /// [`MAX_EXPANSIONS`] terms it begins when it is a prefix.
    fn matches(&mut self, term: &QueryTerm) -> Result<Lists, SearchError> {
        let mut chunk = self
            .meta
            .c
            .partition_point(|start| utf16_cmp(start, &term.term).is_le())
            .saturating_sub(1);
        let mut found = Vec::new();
        let mut expansions = 0;
        loop {
            self.load(chunk)?;
            let terms = &self.chunks[&chunk].terms;
            let from = terms.partition_point(|t| utf16_cmp(t, &term.term).is_lt());
            for (at, t) in terms.iter().enumerate().skip(from) {
                if *t == term.term {
                    found.push((self.list(chunk, at)?, true));
                } else if term.prefix && t.starts_with(&term.term) && expansions < MAX_EXPANSIONS {
                    found.push((self.list(chunk, at)?, false));
                    expansions += 1;
                } else {
                    return Ok(found);
                }
            }
            chunk += 1;
            let more = term.prefix && expansions < MAX_EXPANSIONS;
            if !more
                || self
                    .meta
                    .c
                    .get(chunk)
                    .is_none_or(|s| !s.starts_with(&term.term))
            {
                return Ok(found);
            }
        }
    }

    /// The posting list of the term at `at` in a loaded chunk.
    fn list(&self, chunk: usize, at: usize) -> Result<Vec<(u32, u8)>, SearchError> {
        let opened = &self.chunks[&chunk];
        let docs = u32::try_from(self.meta.d.len()).unwrap_or(u32::MAX);
        let start = opened.skips.get(at / SKIP).copied().unwrap_or(u64::MAX);
        let mut input = BitReader::new(&opened.bytes, start);
        for _ in 0..at % SKIP {
            read_entry(&mut input, docs);
        }
        read_entry(&mut input, docs).ok_or_else(|| damaged(&chunk_path(chunk), "a posting list"))
    }

    fn load(&mut self, n: usize) -> Result<(), SearchError> {
        if !self.chunks.contains_key(&n) {
            let chunk: Chunk = read(self.root, &chunk_path(n))?;
            let (terms, bytes) = chunk
                .open()
                .ok_or_else(|| damaged(&chunk_path(n), "its terms or posting lists"))?;
            self.chunks.insert(
                n,
                Opened {
                    terms,
                    bytes,
                    skips: chunk.s,
                },
            );
        }
        Ok(())
    }

    fn hit(&self, rank: &rank::Rank, query: &[QueryTerm]) -> Result<Hit, SearchError> {
        let (page, title, speakers, event, date) = &self.meta.d[rank.doc as usize];
        let path = ArchivePath::parse(&format!("feeds/search/{page}.js"))
            .map_err(|_| damaged(&ArchivePath::parse(INDEX_PATH).expect("valid"), "a page"))?;
        let passages: Passages = read(self.root, &path)?;
        let passage = passage::best(&passages, query);
        let time = passage.as_ref().and_then(|p| p.time);
        Ok(Hit {
            page: format!(
                "feeds/{page}.html{}",
                time.map(fragment).unwrap_or_default()
            ),
            title: title.clone(),
            speakers: speakers
                .iter()
                .filter_map(|&s| self.meta.s.get(s).map(|(name, _)| name.clone()))
                .collect(),
            event: usize::try_from(*event)
                .ok()
                .and_then(|e| self.meta.e.get(e))
                .map(|(title, _)| title.clone()),
            date: date.clone(),
            matched: rank.matched,
            score: rank.score,
            passage: passage.map(Shown::from),
        })
    }
}

/// `#t=<seconds>`, to the millisecond, as the page script writes it.
pub fn fragment(time: f64) -> String {
    format!("#t={}", (time * 1000.0).round() / 1000.0)
}

fn read<T: for<'de> Deserialize<'de>>(root: &Root, path: &ArchivePath) -> Result<T, SearchError> {
    let bytes = root.read(path, MAX_FILE).map_err(|err| match err {
        OpenError::Missing(_) => SearchError::Missing(path.as_path().to_owned()),
        other => SearchError::Read(other),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| damaged(path, "not UTF-8"))?;
    let json = data_json(&text).ok_or_else(|| damaged(path, "not a search data file"))?;
    serde_json::from_str(json).map_err(|err| damaged(path, &err.to_string()))
}

fn damaged(path: &ArchivePath, reason: &str) -> SearchError {
    SearchError::Damaged {
        path: path.as_path().to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fragments_are_rounded_to_the_millisecond() {
        assert_eq!(super::fragment(15.5344), "#t=15.534");
        assert_eq!(super::fragment(0.0), "#t=0");
        assert_eq!(super::fragment(3600.0), "#t=3600");
    }
}
