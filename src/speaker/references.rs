//! Credits of speakers in the documents of feed files: the entries of each episode's
//! `speakers` list, a bare id (`"maryam-rajavi"`) or a table
//! (`{ id = "maryam-rajavi", role = "host" }`). Entries are changed in place and keep their
//! quoting, spacing and comments.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

use super::error::Conflict;
use super::{Prefer, registry};
use crate::catalog::taxonomy;

/// Points every credit of `old` at `new`; returns the ids of the episodes changed.
pub fn rename(document: &mut DocumentMut, old: &str, new: &str) -> Vec<String> {
    let mut changed = Vec::new();
    for_each_list(document, |episode, list| {
        for entry in list.iter_mut() {
            if entry_id(entry) == Some(old) {
                set_entry_id(entry, new);
                changed.push(episode.to_owned());
            }
        }
    });
    changed.dedup();
    changed
}

/// Moves the credits of `from` to `into` in feed `feed`. An episode that credits both keeps
/// the entry of `into` where it is; the entry of `from` goes. When the two entries give the
/// episode different roles, that is a conflict: `prefer` decides, or it is returned.
/// Returns the ids of the episodes changed and the conflicts.
pub fn merge(
    document: &mut DocumentMut,
    feed: &str,
    ids: (&str, &str),
    prefer: Option<Prefer>,
) -> (Vec<String>, Vec<Conflict>) {
    let mut changed = Vec::new();
    let mut conflicts = Vec::new();
    for_each_list(document, |episode, list| {
        let found = merge_list(list, ids, prefer);
        if let Some(found) = found {
            changed.push(episode.to_owned());
            conflicts.extend(found.into_iter().map(|(theirs, ours)| Conflict {
                what: format!("credit in `{feed}/{episode}`"),
                from: describe(&theirs),
                into: describe(&ours),
            }));
        }
    });
    changed.dedup();
    (changed, conflicts)
}

/// Merges the credits of one episode; `None` when it does not credit `from`, else the
/// differing roles (from, into) it found.
fn merge_list(
    list: &mut Array,
    (from, into): (&str, &str),
    prefer: Option<Prefer>,
) -> Option<Vec<(Overrides, Overrides)>> {
    let mut kept = list.iter().position(|entry| entry_id(entry) == Some(into));
    let mut removed = Vec::new();
    let mut conflicts = Vec::new();
    let mut touched = false;
    for index in 0..list.len() {
        let Some(entry) = list.get(index).filter(|e| entry_id(e) == Some(from)) else {
            continue;
        };
        touched = true;
        let Some(keep) = kept else {
            if let Some(entry) = list.get_mut(index) {
                set_entry_id(entry, into);
            }
            kept = Some(index);
            continue;
        };
        let theirs = overrides(entry);
        removed.push(index);
        let ours = list.get(keep).map(overrides).unwrap_or_default();
        if theirs != ours {
            if let (Some(Prefer::From), Some(entry)) = (prefer, list.get_mut(keep)) {
                set_overrides(entry, into, &theirs);
            }
            conflicts.push((theirs, ours));
        }
    }
    for index in removed.into_iter().rev() {
        remove(list, index);
    }
    touched.then_some(conflicts)
}

/// A per-episode role and group, as written (lowercase, canonical where valid).
type Overrides = (Option<String>, Option<String>);

fn overrides(entry: &Value) -> Overrides {
    let Value::InlineTable(table) = entry else {
        return (None, None);
    };
    let get = |key: &str, canonical: fn(&str) -> Option<&'static str>| {
        table
            .get(key)
            .and_then(Value::as_str)
            .map(|text| canonical(text).map_or_else(|| text.trim().to_lowercase(), str::to_owned))
    };
    (
        get("role", taxonomy::canonical_role),
        get("group", taxonomy::canonical_group),
    )
}

fn describe((role, group): &Overrides) -> String {
    match (role, group) {
        (None, None) => "no role of its own".to_owned(),
        (Some(role), None) => format!("role `{role}`"),
        (None, Some(group)) => format!("group `{group}`"),
        (Some(role), Some(group)) => format!("role `{role}`, group `{group}`"),
    }
}

/// Gives a credit the role and group of another; a bare id becomes a table if needed.
fn set_overrides(entry: &mut Value, id: &str, (role, group): &Overrides) {
    if let Value::String(_) = entry {
        if role.is_none() && group.is_none() {
            return;
        }
        let mut table = InlineTable::new();
        table.insert("id", Value::from(id));
        *table.decor_mut() = entry.decor().clone();
        *entry = Value::InlineTable(table);
    }
    if let Value::InlineTable(table) = entry {
        for (key, value) in [("role", role), ("group", group)] {
            match value {
                Some(text) => match table.get_mut(key) {
                    Some(old) => {
                        let decor = old.decor().clone();
                        *old = Value::from(text.as_str());
                        *old.decor_mut() = decor;
                    }
                    None => {
                        table.insert(key, Value::from(text.as_str()));
                    }
                },
                None => {
                    table.remove(key);
                }
            }
        }
    }
}

/// Removes entry `index` with its line: comments above it and after it on its line go, the
/// comment after the entry before it stays.
fn remove(list: &mut Array, index: usize) {
    let removed = list.remove(index);
    let removed_prefix = raw(removed.decor().prefix());
    let following = match list.get(index) {
        Some(next) => raw(next.decor().prefix()),
        None => list.trailing().as_str().unwrap_or_default().to_owned(),
    };
    let joined = match following.split_once('\n') {
        // A multi-line list: keep the end of the line before the entry, drop the rest of its
        // own line.
        Some((_, rest)) => {
            let head = removed_prefix
                .split_inclusive('\n')
                .next()
                .unwrap_or_default();
            format!("{head}{rest}")
        }
        // One line: the first entry's spacing moves to the next.
        None if index == 0 => removed_prefix,
        None => following,
    };
    match list.get_mut(index) {
        Some(next) => next.decor_mut().set_prefix(joined),
        None => list.set_trailing(joined),
    }
}

fn raw(raw: Option<&toml_edit::RawString>) -> String {
    raw.and_then(toml_edit::RawString::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The speaker id of a credit.
fn entry_id(entry: &Value) -> Option<&str> {
    match entry {
        Value::String(id) => Some(id.value()),
        Value::InlineTable(table) => table.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn set_entry_id(entry: &mut Value, id: &str) {
    match entry {
        Value::String(_) => *entry = registry::styled(id, Some(entry)),
        Value::InlineTable(table) => {
            if let Some(old) = table.get_mut("id") {
                *old = registry::styled(id, Some(old));
            }
        }
        _ => {}
    }
}

/// Calls `visit` with the id and `speakers` list of every episode of a feed document,
/// `[[episode]]` tables or an inline `episode = [{ … }]` array.
fn for_each_list(document: &mut DocumentMut, mut visit: impl FnMut(&str, &mut Array)) {
    match document.get_mut("episode") {
        Some(Item::ArrayOfTables(episodes)) => {
            for episode in episodes.iter_mut() {
                let id = episode
                    .get("id")
                    .and_then(Item::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(list) = episode.get_mut("speakers").and_then(Item::as_array_mut) {
                    visit(&id, list);
                }
            }
        }
        Some(Item::Value(Value::Array(episodes))) => {
            for episode in episodes.iter_mut().filter_map(Value::as_inline_table_mut) {
                let id = episode
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(list) = episode.get_mut("speakers").and_then(Value::as_array_mut) {
                    visit(&id, list);
                }
            }
        }
        _ => {}
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
    fn rename_keeps_quoting_spacing_and_tables() {
        let text = "[[episode]]\nid = \"x\"\nspeakers = [ 'a',{ id = \"a\", role = \"host\" }, \"b\" ] # c\n";
        let mut changed = Vec::new();
        let out = edited(text, |d| changed = rename(d, "a", "z"));
        assert_eq!(
            out,
            "[[episode]]\nid = \"x\"\nspeakers = [ 'z',{ id = \"z\", role = \"host\" }, \"b\" ] # c\n"
        );
        assert_eq!(changed, ["x"]);
    }

    #[test]
    fn rename_finds_inline_episodes() {
        let text = "episode = [{ id = \"x\", speakers = [\"a\"] }]\n";
        let out = edited(text, |d| {
            rename(d, "a", "z");
        });
        assert_eq!(out, "episode = [{ id = \"x\", speakers = [\"z\"] }]\n");
    }

    fn merged(text: &str, prefer: Option<Prefer>) -> (String, Vec<Conflict>) {
        let mut conflicts = Vec::new();
        let out = edited(text, |d| conflicts = merge(d, "f", ("a", "b"), prefer).1);
        (out, conflicts)
    }

    #[test]
    fn merge_keeps_one_entry_per_episode() {
        let one_line = "[[episode]]\nid = \"x\"\nspeakers = [\"a\", \"b\"]\n";
        assert_eq!(
            merged(one_line, None).0,
            "[[episode]]\nid = \"x\"\nspeakers = [\"b\"]\n"
        );
        let lines = "[[episode]]\nid = \"x\"\nspeakers = [\n  \"b\", # kept\n  \"a\", # goes\n  \"c\",\n]\n";
        assert_eq!(
            merged(lines, None).0,
            "[[episode]]\nid = \"x\"\nspeakers = [\n  \"b\", # kept\n  \"c\",\n]\n"
        );
        let last = "[[episode]]\nid = \"x\"\nspeakers = [\n  \"b\", # kept\n  \"a\", # goes\n]\n";
        assert_eq!(
            merged(last, None).0,
            "[[episode]]\nid = \"x\"\nspeakers = [\n  \"b\", # kept\n]\n"
        );
    }

    #[test]
    fn merge_reports_and_resolves_different_roles() {
        let text = "[[episode]]\nid = \"x\"\nspeakers = [\"b\", { id = \"a\", role = \"Host\" }]\n";
        let (_, conflicts) = merged(text, None);
        assert_eq!(
            conflicts[0].to_string(),
            "credit in `f/x`: role `host` (from) / no role of its own (into)"
        );
        let (out, _) = merged(text, Some(Prefer::From));
        assert_eq!(
            out,
            "[[episode]]\nid = \"x\"\nspeakers = [{ id = \"b\", role = \"host\" }]\n"
        );
        let (out, _) = merged(text, Some(Prefer::Into));
        assert_eq!(out, "[[episode]]\nid = \"x\"\nspeakers = [\"b\"]\n");
    }
}
