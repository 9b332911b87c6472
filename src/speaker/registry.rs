//! Changes to the document of `feeds/speakers.toml` that keep everything else as it is:
//! comments, key order, quoting and spacing of untouched lines.
//!
//! A speaker is a `[speakers.<id>]` table, or an inline table in `[speakers]`. Comments
//! above a table belong to it when they touch its header; comments separated from it by a
//! blank line stay in the file when the table is removed.

use toml_edit::{Array, DocumentMut, Item, Key, Table, TableLike, Value};

/// The `speakers` table, if the file has one.
pub fn speakers(document: &DocumentMut) -> Option<&Table> {
    document.get("speakers").and_then(Item::as_table)
}

fn speakers_mut(document: &mut DocumentMut) -> Option<&mut Table> {
    document.get_mut("speakers").and_then(Item::as_table_mut)
}

/// The table of speaker `id`.
pub fn speaker<'a>(document: &'a DocumentMut, id: &str) -> Option<&'a dyn TableLike> {
    speakers(document)?.get(id)?.as_table_like()
}

/// The table of speaker `id`, to change.
pub fn speaker_mut<'a>(document: &'a mut DocumentMut, id: &str) -> Option<&'a mut dyn TableLike> {
    speakers_mut(document)?.get_mut(id)?.as_table_like_mut()
}

/// A string field of a speaker's table.
pub fn text<'a>(table: &'a dyn TableLike, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Item::as_str)
}

/// Sets `key` to `text`. An existing value keeps its place, its quoting where it can, and
/// the spacing and comment around it; a new key goes last.
pub fn set_text(table: &mut dyn TableLike, key: &str, text: &str) {
    if let Some(Item::Value(old)) = table.get_mut(key) {
        *old = styled(text, Some(old));
    } else {
        table.insert(key, Item::Value(Value::from(text)));
    }
}

/// Sets `key` to an array of `texts`, on one line. An existing value keeps its place and
/// the spacing and comment around it; a new key goes last.
pub fn set_list(table: &mut dyn TableLike, key: &str, texts: &[String]) {
    let mut array: Array = texts.iter().map(String::as_str).collect();
    if let Some(Item::Value(old)) = table.get_mut(key) {
        array.decor_mut().clone_from(old.decor());
        *old = Value::Array(array);
    } else {
        table.insert(key, Item::Value(Value::Array(array)));
    }
}

/// `text` as a TOML string in the style of `old`: a literal string (`'…'`) stays one when
/// `text` fits in it, spacing and comments around the value stay.
pub fn styled(text: &str, old: Option<&Value>) -> Value {
    let raw = old.and_then(|old| match old {
        Value::String(string) => string.as_repr()?.as_raw().as_str(),
        _ => None,
    });
    let literal = raw.is_some_and(|raw| raw.starts_with('\'') && !raw.starts_with("'''"));
    let fits = !text.contains('\'') && !text.chars().any(char::is_control);
    let mut value = if literal && fits {
        format!("'{text}'")
            .parse::<Value>()
            .unwrap_or_else(|_| Value::from(text))
    } else {
        Value::from(text)
    };
    if let Some(old) = old {
        *value.decor_mut() = old.decor().clone();
    }
    value
}

/// Copies the value of `key` as written (quoting and all) into `table`: over an existing
/// value, keeping its spacing and comment; else as a new last key.
pub fn copy_value(table: &mut dyn TableLike, key: &str, from: &Value) {
    let mut value = from.clone();
    if let Some(Item::Value(old)) = table.get_mut(key) {
        *value.decor_mut() = old.decor().clone();
        *old = value;
    } else {
        value.decor_mut().clear();
        table.insert(key, Item::Value(value));
    }
}

/// Adds `[speakers.<id>]` with `fields` (key, text) after the last speaker.
pub fn insert(document: &mut DocumentMut, id: &str, fields: &[(&str, String)]) {
    let last = speakers(document)
        .into_iter()
        .flat_map(|table| table.iter())
        .filter_map(|(_, item)| item.as_table()?.position())
        .max();
    let first_in_file = document.to_string().trim().is_empty();
    let mut table = Table::new();
    for (key, text) in fields {
        table.insert(key, toml_edit::value(text.as_str()));
    }
    if !first_in_file {
        table.decor_mut().set_prefix("\n");
    }
    table.set_position(last.map(|position| position + 1));
    if speakers_mut(document).is_none() {
        let mut speakers = Table::new();
        speakers.set_implicit(true);
        document.insert("speakers", Item::Table(speakers));
    }
    if let Some(speakers) = speakers_mut(document) {
        speakers.insert(id, Item::Table(table));
    }
}

/// Renames speaker `old` to `new`, in its place among the others.
pub fn rename(document: &mut DocumentMut, old: &str, new: &str) {
    let Some(speakers) = speakers_mut(document) else {
        return;
    };
    let keys: Vec<String> = speakers.iter().map(|(key, _)| key.to_owned()).collect();
    let entries: Vec<(Key, Item)> = keys
        .iter()
        .filter_map(|key| speakers.remove_entry(key))
        .collect();
    for (key, item) in entries {
        let key = if key.get() == old {
            Key::new(new)
                .with_leaf_decor(key.leaf_decor().clone())
                .with_dotted_decor(key.dotted_decor().clone())
        } else {
            key
        };
        speakers.insert_formatted(&key, item);
    }
}

/// Removes speaker `id`. Comments above its header that a blank line separates from it stay
/// in the file.
pub fn remove(document: &mut DocumentMut, id: &str) {
    let Some(speakers) = speakers_mut(document) else {
        return;
    };
    let Some(Item::Table(removed)) = speakers.remove(id) else {
        return;
    };
    let prefix = removed
        .decor()
        .prefix()
        .and_then(|raw| raw.as_str())
        .unwrap_or_default();
    let kept = detached(prefix);
    if kept.is_empty() {
        return;
    }
    let next = removed.position().and_then(|position| {
        speakers
            .iter_mut()
            .filter_map(|(_, item)| item.as_table_mut())
            .filter(|table| table.position().is_some_and(|p| p > position))
            .min_by_key(|table| table.position())
    });
    if let Some(table) = next {
        let own = table
            .decor()
            .prefix()
            .and_then(|raw| raw.as_str())
            .unwrap_or_default();
        // One blank line between the kept comments and the next table is enough.
        let own = match own.split_once('\n') {
            Some((first, rest)) if first.trim().is_empty() => rest,
            _ => own,
        };
        let prefix = format!("{kept}{own}");
        table.decor_mut().set_prefix(prefix);
    } else {
        let trailing = document.trailing().as_str().unwrap_or_default().to_owned();
        document.set_trailing(format!("{kept}{trailing}"));
    }
}

/// The part of the comments above a header that a blank line separates from it: up to and
/// including the last blank line, when there is a comment before it.
fn detached(prefix: &str) -> &str {
    let mut end = 0;
    let mut offset = 0;
    for line in prefix.split_inclusive('\n') {
        offset += line.len();
        if line.trim().is_empty() && line.ends_with('\n') {
            end = offset;
        }
    }
    let head = &prefix[..end];
    if head.lines().any(|line| line.trim_start().starts_with('#')) {
        head
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(text: &str, edit: impl FnOnce(&mut DocumentMut)) -> String {
        let mut document: DocumentMut = text.parse().unwrap();
        edit(&mut document);
        document.to_string()
    }

    #[test]
    fn set_keeps_the_comment_after_the_value() {
        let text = "[speakers.a]\nname = 'A'   # the name\ntitle = 'T'\n";
        let out = edited(text, |d| {
            set_text(speaker_mut(d, "a").unwrap(), "name", "Ä");
            set_text(speaker_mut(d, "a").unwrap(), "title", "it's");
        });
        assert_eq!(
            out,
            "[speakers.a]\nname = 'Ä'   # the name\ntitle = \"it's\"\n"
        );
    }

    #[test]
    fn set_list_keeps_the_comment_after_the_value() {
        let text = "[speakers.a]\naliases = ['A.']  # from import\nname = 'A'\n";
        let list = ["Ä".to_owned(), "A. B.".to_owned()];
        let out = edited(text, |d| {
            set_list(speaker_mut(d, "a").unwrap(), "aliases", &list);
        });
        assert_eq!(
            out,
            "[speakers.a]\naliases = [\"Ä\", \"A. B.\"]  # from import\nname = 'A'\n"
        );
        let out = edited("[speakers.a]\nname = 'A'\n", |d| {
            set_list(speaker_mut(d, "a").unwrap(), "aliases", &list[..1]);
        });
        assert_eq!(out, "[speakers.a]\nname = 'A'\naliases = [\"Ä\"]\n");
    }

    #[test]
    fn rename_keeps_the_place_of_the_table() {
        let text = "# registry\n\n[speakers.a]\nname = \"A\"\n\n[speakers.b]\nname = \"B\"\n";
        let out = edited(text, |d| rename(d, "a", "z"));
        assert_eq!(
            out,
            "# registry\n\n[speakers.z]\nname = \"A\"\n\n[speakers.b]\nname = \"B\"\n"
        );
        let inline = "[speakers]\na = { name = \"A\" } # first\nb = { name = \"B\" }\n";
        let out = edited(inline, |d| rename(d, "a", "z"));
        assert_eq!(
            out,
            "[speakers]\nz = { name = \"A\" } # first\nb = { name = \"B\" }\n"
        );
    }

    #[test]
    fn remove_keeps_detached_comments() {
        let text =
            "# registry\n\n# about a\n[speakers.a]\nname = \"A\"\n\n[speakers.b]\nname = \"B\"\n";
        let out = edited(text, |d| remove(d, "a"));
        assert_eq!(out, "# registry\n\n[speakers.b]\nname = \"B\"\n");
        let out = edited(text, |d| remove(d, "b"));
        assert_eq!(out, "# registry\n\n# about a\n[speakers.a]\nname = \"A\"\n");
    }

    #[test]
    fn insert_goes_after_the_last_speaker() {
        let text = "[speakers.a]\nname = \"A\"\n\n# end of file\n";
        let out = edited(text, |d| {
            insert(
                d,
                "b",
                &[("name", "B".to_owned()), ("role", "host".to_owned())],
            );
        });
        assert_eq!(
            out,
            "[speakers.a]\nname = \"A\"\n\n[speakers.b]\nname = \"B\"\nrole = \"host\"\n\n# end of file\n"
        );
        let out = edited("", |d| insert(d, "a", &[("name", "A".to_owned())]));
        assert_eq!(out, "[speakers.a]\nname = \"A\"\n");
    }
}
