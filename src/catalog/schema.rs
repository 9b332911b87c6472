//! From the text of a catalog file to its raw tables ([`FeedFile`], [`SpeakersFile`]), with
//! every problem reported rather than the first.
//!
//! The TOML syntax is read first, with recovery, so that every syntax error is reported. Then
//! each table is deserialized on its own: a problem in one episode leaves the others checked.
//! Within a table, a key with a problem is reported and set aside and the rest is tried again,
//! so that every unknown key, wrong type and missing key of the table is reported, and a key
//! set aside is not reported again as missing.

use std::collections::BTreeSet;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue, ValueDeserializer};

use super::blocks;
use super::check::Checker;
use super::diagnostic::{Diagnostic, SourceText, sort_by_position};
use super::raw::{EpisodeTable, EventTable, FeedFile, SpeakersFile, Table};
use super::suggest::{close, did_you_mean};

type Value<'i> = Spanned<DeValue<'i>>;
type Key<'i> = Spanned<DeString<'i>>;

/// The top-level table of a file, or every syntax error in it.
pub fn document(source: &SourceText) -> Result<DeTable<'_>, Vec<Diagnostic>> {
    let (table, errors) = DeTable::parse_recoverable(&source.text);
    if errors.is_empty() {
        return Ok(table.into_inner());
    }
    let mut diagnostics: Vec<Diagnostic> = errors
        .iter()
        .map(|error| {
            let message = one_line(error.message());
            match error.span() {
                Some(span) => source.error(span, message),
                None => Diagnostic::whole_file(&source.path, message),
            }
        })
        .collect();
    sort_by_position(&mut diagnostics);
    Err(diagnostics)
}

/// The tables of a feed file that are free of problems, or its syntax errors; the other
/// problems go to `checker`. The file is read a block at a time ([`blocks`]), or whole when
/// its blocks do not stand alone.
pub fn feed_file(checker: &mut Checker<'_>) -> Result<FeedFile, Vec<Diagnostic>> {
    let (source, root) = (checker.source, checker.root);
    let mut file = FeedFile::default();
    let by_block = blocks::read(&source.text, |key, item| {
        let mut own = Checker::new(source, root);
        let table = if key == "event" {
            Block::Event(id_of(&item), table(&mut own, "event", item).map(Box::new))
        } else {
            Block::Episode(table(&mut own, "episode", item).map(Box::new))
        };
        (table, own.diagnostics)
    });
    let head = match by_block {
        Some((head, blocks)) => {
            for (block, mut diagnostics) in blocks {
                checker.diagnostics.append(&mut diagnostics);
                match block {
                    Block::Event(id, table) => {
                        file.event_ids.extend(id);
                        file.event.extend(table.map(|table| *table));
                    }
                    Block::Episode(table) => file.episode.extend(table.map(|table| *table)),
                }
            }
            head
        }
        None => document(source)?,
    };
    top_level(checker, head, &mut file);
    Ok(file)
}

/// One table of a `[[event]]` or `[[episode]]` block (boxed: thousands wait for the others).
enum Block {
    Event(Option<String>, Option<Box<Spanned<EventTable>>>),
    Episode(Option<Box<Spanned<EpisodeTable>>>),
}

/// The top-level keys of a feed file (of its first block, when read by blocks).
fn top_level(checker: &mut Checker<'_>, document: DeTable<'_>, file: &mut FeedFile) {
    let mut has_feed = false;
    for (key, value) in document {
        match key.get_ref().as_ref() {
            "feed" => {
                has_feed = true;
                file.feed = table(checker, "feed", value);
            }
            "event" => {
                for item in array_of_tables(checker, "event", value) {
                    file.event_ids.extend(id_of(&item));
                    file.event.extend(table(checker, "event", item));
                }
            }
            "episode" => {
                for item in array_of_tables(checker, "episode", value) {
                    file.episode.extend(table(checker, "episode", item));
                }
            }
            _ => unknown_key(checker, &key, &["feed", "event", "episode"]),
        }
    }
    if !has_feed {
        checker.whole_file("missing table `[feed]`: every feed file needs one");
    }
}

/// The tables of `feeds/speakers.toml` that are free of problems, and the ids of the
/// speakers that have problems; the problems go to `checker`.
pub fn speakers_file(checker: &mut Checker<'_>, document: DeTable<'_>) -> SpeakersFile {
    let mut file = SpeakersFile {
        broken: Some(BTreeSet::new()),
        ..SpeakersFile::default()
    };
    for (key, value) in document {
        match key.get_ref().as_ref() {
            "speakers" => speakers(checker, value, &mut file),
            "speaker_feeds" => file.speaker_feeds = table(checker, "speaker_feeds", value),
            _ => {
                unknown_key(checker, &key, &["speakers", "speaker_feeds"]);
                // A misspelled `[speakers.<id>]` header: which speakers exist is unknown.
                file.broken = None;
            }
        }
    }
    file
}

fn speakers(checker: &mut Checker<'_>, value: Value<'_>, file: &mut SpeakersFile) {
    let span = value.span();
    let DeValue::Table(entries) = value.into_inner() else {
        checker.error::<()>(
            span,
            "`speakers` must be a table: write each speaker as `[speakers.<id>]`",
        );
        file.broken = None;
        return;
    };
    for (id, entry) in entries {
        let name = format!("speakers.{}", id.get_ref());
        match table(checker, &name, entry) {
            Some(speaker) => {
                let id = Spanned::new(id.span(), id.get_ref().to_string());
                file.speakers.push((id, speaker));
            }
            None => {
                if let Some(broken) = &mut file.broken {
                    broken.insert(id.get_ref().to_string());
                }
            }
        }
    }
}

/// The tables of `[[name]]`; anything else is reported.
fn array_of_tables<'i>(checker: &mut Checker<'_>, name: &str, value: Value<'i>) -> Vec<Value<'i>> {
    let span = value.span();
    let DeValue::Array(items) = value.into_inner() else {
        return wrong_shape(checker, name, span);
    };
    let mut tables = Vec::new();
    for item in items {
        if matches!(item.get_ref(), DeValue::Table(_)) {
            tables.push(item);
        } else {
            wrong_shape::<()>(checker, name, item.span());
        }
    }
    tables
}

fn wrong_shape<T>(checker: &mut Checker<'_>, name: &str, span: std::ops::Range<usize>) -> Vec<T> {
    let message = format!("`{name}` must be written as tables: `[[{name}]]`, one for each {name}");
    checker.error::<()>(span, message);
    Vec::new()
}

/// The `id` of a table, as written.
fn id_of(value: &Value<'_>) -> Option<String> {
    match value.get_ref() {
        DeValue::Table(table) => table.get("id")?.get_ref().as_str().map(str::to_owned),
        _ => None,
    }
}

/// Deserializes one table, reporting every problem in it. What is left once the keys with
/// problems are set aside is returned, so that its values are checked too; nothing is when a
/// required key is missing or set aside.
pub fn table<T: Table>(
    checker: &mut Checker<'_>,
    name: &str,
    mut value: Value<'_>,
) -> Option<Spanned<T>> {
    let DeValue::Table(keys) = value.get_ref() else {
        return checker.error(value.span(), format!("`{name}` must be a table"));
    };
    let missing: Vec<&str> = T::REQUIRED
        .iter()
        .copied()
        .filter(|key| !keys.contains_key(*key))
        .collect();
    let suggested = match set_aside_problems(checker, &mut value, &missing) {
        Ok(parsed) => return Some(parsed),
        Err(suggested) => suggested,
    };
    // A required key that an unknown key was taken for (`titel` → `title`) is not missing
    // twice over.
    for key in missing
        .iter()
        .filter(|key| !suggested.iter().any(|s| s == *key))
    {
        checker.error::<()>(value.span(), format!("missing field `{key}`"));
    }
    None
}

/// Deserializes `value` again and again, each time reporting the key with a problem and
/// setting it aside. The table once it deserializes; else the fields that unknown keys were
/// taken for. A missing key is left to the caller, which knows them all.
fn set_aside_problems<T: Table>(
    checker: &mut Checker<'_>,
    value: &mut Value<'_>,
    missing: &[&str],
) -> Result<Spanned<T>, Vec<String>> {
    let mut set_aside: Vec<String> = Vec::new();
    let mut suggested = Vec::new();
    // Each round ends, or sets one key aside: the table shrinks.
    loop {
        let error = match Spanned::<T>::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(parsed) => return Ok(parsed),
            Err(error) => error,
        };
        let span = error.span().unwrap_or_else(|| value.span());
        let message = one_line(error.message());
        let Some(key) = owner(value, span.start) else {
            let known = missing_field(&message).is_some_and(|field| {
                set_aside.iter().any(|key| key == field) || missing.contains(&field)
            });
            if !known {
                checker.error::<()>(span, message);
            }
            return Err(suggested);
        };
        let (message, suggestion) = explain(&message);
        checker.error::<()>(span, message);
        suggested.extend(suggestion);
        if let DeValue::Table(keys) = value.get_mut() {
            keys.remove(key.as_str());
        }
        set_aside.push(key);
    }
}

/// The key of `table` whose key or value holds the byte `offset`.
fn owner(table: &Value<'_>, offset: usize) -> Option<String> {
    let DeValue::Table(keys) = table.get_ref() else {
        return None;
    };
    keys.iter()
        .find(|(key, value)| key.span().contains(&offset) || holds(value, offset))
        .map(|(key, _)| key.get_ref().to_string())
}

/// Whether `value`, or a key or value nested in it, holds the byte `offset`. A sub-table
/// `[a.b]` spans only its header, so its keys are looked at one by one.
fn holds(value: &Value<'_>, offset: usize) -> bool {
    if value.span().contains(&offset) {
        return true;
    }
    match value.get_ref() {
        DeValue::Table(keys) => keys
            .iter()
            .any(|(key, value)| key.span().contains(&offset) || holds(value, offset)),
        DeValue::Array(items) => items.iter().any(|item| holds(item, offset)),
        _ => false,
    }
}

/// An unknown key of the top-level table.
fn unknown_key(checker: &mut Checker<'_>, key: &Key<'_>, known: &[&str]) {
    let message = match close(key.get_ref(), known.iter().copied()) {
        Some(near) => format!(
            "unknown field `{}`{}",
            key.get_ref(),
            did_you_mean(Some(near))
        ),
        None => format!(
            "unknown field `{}`, expected {}",
            key.get_ref(),
            one_of(known)
        ),
    };
    checker.error::<()>(key.span(), message);
}

/// serde's `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    let ticked: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match ticked.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        _ => format!("one of {}", ticked.join(", ")),
    }
}

/// serde's message on one line; an unknown field gets the closest known one instead of the
/// list of every field (`speeker` → did you mean `speakers`?), which is returned too.
fn explain(message: &str) -> (String, Option<String>) {
    let message = one_line(message);
    let near = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .and_then(|(field, expected)| {
            let known = expected.split('`').skip(1).step_by(2);
            Some((field, close(field, known)?))
        });
    match near {
        Some((field, near)) => (
            format!("unknown field `{field}`{}", did_you_mean(Some(near))),
            Some(near.to_owned()),
        ),
        None => (message, None),
    }
}

/// The field of a "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.strip_suffix('`')
}

fn one_line(message: &str) -> String {
    message.trim_end().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_field_gets_the_closest_one_or_the_list() {
        let message = |text| explain(text).0;
        assert_eq!(
            explain("unknown field `speeker`, expected one of `id`, `speakers`, `season`"),
            (
                "unknown field `speeker` (did you mean `speakers`?)".to_owned(),
                Some("speakers".to_owned())
            )
        );
        assert_eq!(
            message("unknown field `rol`, expected `id` or `role`"),
            "unknown field `rol` (did you mean `role`?)"
        );
        assert_eq!(
            message("unknown field `url`, expected one of `id`, `title`"),
            "unknown field `url`, expected one of `id`, `title`"
        );
        assert_eq!(
            message("invalid type: integer `5`\n"),
            "invalid type: integer `5`"
        );
    }

    #[test]
    fn lists_like_serde() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b"]), "`a` or `b`");
        assert_eq!(one_of(&["a", "b", "c"]), "one of `a`, `b`, `c`");
    }
}
