//! A feed file read a `[[event]]` or `[[episode]]` block at a time.
//!
//! Parsing the whole text of a feed of 10,000 episodes at once holds the parser's tokens and
//! events for all of it: tens of megabytes. Cut at each line that starts with `[[`, the file
//! is a first block (`[feed]` and whatever precedes the first `[[…]]` header) and one block
//! per array-of-tables header, each parsed on its own.
//!
//! The cut is made without lexing, so it may fall inside a multi-line string, array or
//! inline table. Then the block before the cut is left unterminated and does not parse; and
//! a block that does not stand alone (a `[feed.x]` after an episode, a `[[episode.x]]` that
//! belongs to the episode before it, an `episode` key in the first block) is not one the cut
//! can handle. In all these cases [`read`] returns `None` and the caller parses the whole
//! text, with the same result and the same diagnostics as always.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The array-of-tables headers a block may start with.
const BLOCK_KEYS: [&str; 2] = ["event", "episode"];

/// The blocks of `text`: its first block's top-level table, then what `each` makes of the
/// key and each table of every `[[key]]` block, in order, with spans into the whole text.
/// The blocks are parsed on every core, and each is dropped once `each` has seen it. `None`
/// when some block does not parse or does not stand alone (see the module's comment).
pub fn read<'i, R: Send>(
    text: &'i str,
    each: impl Fn(&'static str, Item<'i>) -> R + Sync,
) -> Option<(DeTable<'i>, Vec<R>)> {
    let cuts = cuts(text);
    let (first, rest) = cuts.split_first()?;
    let head = parse(&text[first.clone()])?;
    if BLOCK_KEYS.iter().any(|key| head.contains_key(*key)) && !rest.is_empty() {
        return None;
    }
    let blocks = crate::parallel::map(rest, |range| {
        let (key, items) = block(text, range.clone()).ok_or(())?;
        Ok::<_, ()>(
            items
                .into_iter()
                .map(|item| each(key, item))
                .collect::<Vec<_>>(),
        )
    });
    Some((head, blocks.ok()?.into_iter().flatten().collect()))
}

/// A table of a block, its spans into the whole text.
pub type Item<'i> = Spanned<DeValue<'i>>;

/// One `[[key]]` block: its key and tables, or `None` if it does not parse or stand alone.
fn block(text: &str, range: Range<usize>) -> Option<(&'static str, Vec<Item<'_>>)> {
    let offset = range.start;
    let mut table = parse(&text[range])?;
    if table.len() != 1 {
        return None;
    }
    let key = BLOCK_KEYS
        .into_iter()
        .find(|key| table.contains_key(*key))?;
    let DeValue::Array(items) = table.remove(key)?.into_inner() else {
        return None;
    };
    Some((key, items.into_iter().map(|v| shift(v, offset)).collect()))
}

/// The top-level table of `text`, unless it has a syntax error.
fn parse(text: &str) -> Option<DeTable<'_>> {
    let (table, errors) = DeTable::parse_recoverable(text);
    errors.is_empty().then(|| table.into_inner())
}

/// The byte ranges of the blocks: cut before every line whose first non-blank characters
/// are `[[` (the first block is empty when the text starts with one).
fn cuts(text: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let mut line = 0;
    for (at, _) in text.match_indices('\n').chain([(text.len(), "")]) {
        if text[line..at]
            .trim_start_matches([' ', '\t'])
            .starts_with("[[")
        {
            starts.push(line);
        }
        line = at + 1;
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// `value` with every span in it (of its keys and values, nested) moved `by` bytes on.
fn shift(value: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = value.span();
    let moved = match value.into_inner() {
        DeValue::Table(table) => DeValue::Table(
            table
                .into_iter()
                .map(|(key, value)| {
                    let key_span = key.span();
                    let key =
                        Spanned::new(key_span.start + by..key_span.end + by, key.into_inner());
                    (key, shift(value, by))
                })
                .collect(),
        ),
        DeValue::Array(items) => {
            DeValue::Array(items.into_iter().map(|item| shift(item, by)).collect())
        }
        scalar => scalar,
    };
    Spanned::new(span.start + by..span.end + by, moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "[feed]\ntitle = \"T\"\n\n[[event]]\nid = \"e\"\n\n[[episode]]\nid = \"a\"\n  [episode.soundbite]\n  start = 1.0\n\n[[episode]]\nid = \"b\"\n";

    #[test]
    fn cuts_before_each_array_of_tables_header() {
        let (head, blocks) = read(FEED, |key, item| (key, item)).expect("blocks");
        assert!(head.contains_key("feed"));
        let keys: Vec<_> = blocks.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, ["event", "episode", "episode"]);
        // Spans point into the whole text.
        let DeValue::Table(table) = blocks[2].1.get_ref() else {
            panic!("a table")
        };
        let (key, value) = table.iter().next().expect("a key");
        assert_eq!(&FEED[key.span()], "id");
        assert_eq!(&FEED[value.span()], "\"b\"");
    }

    #[test]
    fn the_same_tables_as_the_whole_text() {
        let (_, blocks) = read(FEED, |key, item| (key, item)).expect("blocks");
        let whole = DeTable::parse(FEED).expect("parses").into_inner();
        let DeValue::Array(episodes) = whole["episode"].get_ref() else {
            panic!("an array")
        };
        let by_block: Vec<_> = blocks
            .iter()
            .filter(|(key, _)| *key == "episode")
            .map(|(_, item)| item)
            .collect();
        assert_eq!(by_block.len(), episodes.len());
        for (ours, theirs) in by_block.iter().zip(episodes) {
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        }
    }

    #[test]
    fn a_cut_inside_a_value_or_a_block_that_does_not_stand_alone_gives_up() {
        let in_string = "[feed]\nx = \"\"\"\n[[episode]]\n\"\"\"\n";
        let in_array = "[feed]\nx = [\n[[1]],\n]\n";
        let late_feed = "[[episode]]\nid = \"a\"\n[feed.rendition]\nbitrate = 1\n";
        let nested = "[[episode]]\nid = \"a\"\n[[episode.more]]\nid = \"b\"\n";
        let inline_first = "episode = [{ id = \"a\" }]\n[[episode]]\nid = \"b\"\n";
        let broken = "[feed]\n[[episode]]\nid = \n";
        let read = |text| read(text, |key, _| key);
        for text in [in_string, in_array, late_feed, nested, inline_first, broken] {
            assert!(read(text).is_none(), "{text}");
        }
        // Without any `[[` header, the first block is the whole text; with one on the first
        // line, the first block is empty.
        assert!(read("[feed]\ntitle = \"T\"\n").is_some_and(|(_, b)| b.is_empty()));
        let (head, keys) = read("[[episode]]\nid = \"a\"\n").expect("blocks");
        assert!(head.is_empty());
        assert_eq!(keys, ["episode"]);
    }
}
