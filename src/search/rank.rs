//! Ranking, in integers so that the page script and `archive search` order results the same
//! way to the last tie (`search.js` does the same arithmetic).
//!
//! A query is its terms ([`Query`]); the last one also matches as a prefix while it is being
//! typed. Each query term scores a speech by the best field it occurs in, times the term's
//! weight ([`weight`], from how many speeches have it), times two for an exact match (not a
//! prefix). Speeches that match more query terms come first, then higher scores, then newer
//! speeches (the index lists them newest first).

use super::normalize::{self, MAX_TERM};

/// Where in a speech a term occurs: bits of a posting's mask.
pub const TITLE: u8 = 1;
pub const SPEAKER: u8 = 2;
pub const EVENT: u8 = 4;
pub const EXCERPT: u8 = 8;
pub const TRANSCRIPT: u8 = 16;

/// Most terms of a query looked at.
pub const MAX_QUERY_TERMS: usize = 12;

/// Most other terms a prefix stands for.
pub const MAX_EXPANSIONS: usize = 30;

/// The weight of the best field in `mask`.
pub fn field_weight(mask: u8) -> u32 {
    if mask & (TITLE | SPEAKER) != 0 {
        6
    } else if mask & EVENT != 0 {
        4
    } else if mask & EXCERPT != 0 {
        3
    } else {
        u32::from(mask & TRANSCRIPT != 0)
    }
}

/// The weight of a term that `df` of `docs` speeches have: about 4 × log2(16 × docs / df)
/// − 15, from 1 (every speech) up; integer steps of a quarter of a doubling.
pub fn weight(docs: u32, df: u32) -> u32 {
    let ratio = (u64::from(docs) * 16 / u64::from(df.max(1))).max(16);
    let bits = ratio.ilog2();
    let quarter = ratio * 4 / (1 << bits) - 4;
    // 4 × log2(16) = 16: a term in every speech weighs 1.
    u32::try_from(u64::from(4 * bits) + quarter).unwrap_or(u32::MAX) - 15
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub term: String,
    /// Also matches the terms it begins.
    pub prefix: bool,
}

/// The terms of a query, without repeats, at most [`MAX_QUERY_TERMS`]. The last one is a
/// prefix too when the query does not end in a space and it has two characters or more.
pub fn query(text: &str) -> Vec<QueryTerm> {
    let mut terms: Vec<QueryTerm> = Vec::new();
    for term in normalize::terms(text) {
        if terms.len() < MAX_QUERY_TERMS && !terms.iter().any(|t| t.term == term) {
            terms.push(QueryTerm {
                term,
                prefix: false,
            });
        }
    }
    let open = !text.ends_with(char::is_whitespace);
    if let Some(last) = terms.last_mut() {
        let length = last.term.chars().count();
        last.prefix = open && (2..MAX_TERM).contains(&length);
    }
    terms
}

impl QueryTerm {
    /// Whether the term `term` of a text matches this query term.
    pub fn matches(&self, term: &str) -> bool {
        term == self.term || (self.prefix && term.starts_with(&self.term))
    }
}

/// A speech's place in the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rank {
    pub doc: u32,
    /// Query terms it matches.
    pub matched: u32,
    pub score: u32,
}

/// Adds what one query term scores (`best`, per speech) to the totals.
pub fn add_term(totals: &mut [(u32, u32)], best: &[u32]) {
    for (total, &score) in totals.iter_mut().zip(best) {
        if score > 0 {
            total.0 += 1;
            total.1 += score;
        }
    }
}

/// The speeches that matched, best first.
pub fn order(totals: &[(u32, u32)]) -> Vec<Rank> {
    let mut ranks: Vec<Rank> = totals
        .iter()
        .enumerate()
        .filter(|(_, (matched, _))| *matched > 0)
        .map(|(doc, &(matched, score))| Rank {
            doc: u32::try_from(doc).unwrap_or(u32::MAX),
            matched,
            score,
        })
        .collect();
    ranks.sort_by(|a, b| {
        (b.matched, b.score)
            .cmp(&(a.matched, a.score))
            .then(a.doc.cmp(&b.doc))
    });
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarer_terms_weigh_more() {
        assert_eq!(weight(10_000, 10_000), 1);
        assert_eq!(weight(10_000, 5_000), 5);
        assert!(weight(10_000, 1) > weight(10_000, 2));
        assert_eq!(weight(10_000, 1), 53);
        assert_eq!(weight(4, 1), 9);
        assert_eq!(weight(1, 1), 1);
    }

    #[test]
    fn the_last_term_is_a_prefix_while_typing() {
        let terms = query("Uprising  NOVEM");
        assert_eq!(terms.len(), 2);
        assert!(!terms[0].prefix && terms[1].prefix);
        assert!(terms[1].matches("november") && !terms[0].matches("uprisings"));
        assert!(!query("novem ")[0].prefix);
        assert!(!query("a")[0].prefix);
        assert_eq!(query("the the The").len(), 1);
    }

    #[test]
    fn more_matched_terms_beat_a_higher_score() {
        let ranks = order(&[(1, 500), (2, 10), (0, 0), (2, 10)]);
        let docs: Vec<u32> = ranks.iter().map(|r| r.doc).collect();
        assert_eq!(docs, [1, 3, 0]);
    }
}
