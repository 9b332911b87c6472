//! Credits of speakers in the documents of feed files: the entries of each episode's
//! `speakers` list, a bare id (`"maryam-rajavi"`) or a table
//! (`{ id = "maryam-rajavi", role = "host" }`). Entries are changed in place and keep their
//! quoting, spacing and comments.

use toml_edit::{Array, DocumentMut, InlineTable, Item, Value};

use super::Prefer;
use super::error::Conflict;
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
    (from, into): (&str, &str),
    prefer: Option<Prefer>,
) -> (Vec<String>, Vec<Conflict>) {
    let mut changed = Vec::new();
    let mut conflicts = Vec::new();
    for_each_list(document, |episode, list| {
        let mut kept = list.iter().position(|entry| entry_id(entry) == Some(into));
        let mut removed = Vec::new();
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
                conflicts.push(Conflict {
                    what: format!("credit in `{feed}/{episode}`"),
                    from: describe(&theirs),
                    into: describe(&ours),
                });
                if let (Some(Prefer::From), Some(entry)) = (prefer, list.get_mut(keep)) {
                    set_overrides(entry, into, &theirs);
                }
            }
        }
        if touched {
            changed.push(episode.to_owned());
        }
        for index in removed.into_iter().rev() {
            remove(list, index);
        }
    });
    changed.dedup();
    (changed, conflicts)
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

/// Removes entry `index`; the next entry takes its place, spacing and all.
fn remove(list: &mut Array, index: usize) {
    let removed = list.remove(index);
    if index == 0
        && let Some(next) = list.get_mut(0)
    {
        let prefix = removed.decor().prefix().cloned();
        if let Some(prefix) = prefix {
            next.decor_mut().set_prefix(prefix);
        }
    }
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
        Value::String(_) => *entry = same_style(entry, id),
        Value::InlineTable(table) => {
            if let Some(old) = table.get_mut("id") {
                *old = same_style(old, id);
            }
        }
        _ => {}
    }
}

/// `id` as a string quoted like `old` (`'…'` or `"…"`), with `old`'s spacing and comments.
fn same_style(old: &Value, id: &str) -> Value {
    let literal = match old {
        Value::String(text) => text
            .as_repr()
            .and_then(|repr| repr.as_raw().as_str())
            .is_some_and(|raw| raw.starts_with('\'')),
        _ => false,
    };
    let mut value = if literal {
        format!("'{id}'")
            .parse::<Value>()
            .unwrap_or_else(|_| Value::from(id))
    } else {
        Value::from(id)
    };
    *value.decor_mut() = old.decor().clone();
    value
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
