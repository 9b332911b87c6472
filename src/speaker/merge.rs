//! `archive speaker merge FROM INTO`: one person spelled two ways becomes one id.
//!
//! Every credit of FROM moves to INTO (an episode that credits both keeps one entry). A field
//! that INTO lacks is taken from FROM, as written. Where both have a field with different
//! values, or an episode gives the two entries different roles, that is a conflict: without
//! `--prefer`, the merge is refused and every conflict listed; `--prefer into` keeps INTO's
//! values, `--prefer from` takes FROM's. Aliases never conflict: INTO keeps its own and gains
//! FROM's. FROM is then removed from the registry.

use std::fmt::Write;

use toml_edit::{TableLike, Value};

use super::error::{Conflict, SpeakerError};
use super::fields::{self, Field};
use super::{Prefer, find, plural, references, registry};
use crate::catalog::taxonomy;
use crate::edit::CatalogEdit;

/// Merges speaker `from` into `into`; returns what it did, in words.
pub fn merge(
    edit: &mut CatalogEdit,
    (from, into): (&str, &str),
    prefer: Option<Prefer>,
) -> Result<String, SpeakerError> {
    find(edit.catalog(), from)?;
    find(edit.catalog(), into)?;
    if from == into {
        return Err(SpeakerError::Same {
            id: from.to_owned(),
        });
    }
    let document = &mut edit.speakers_mut().document;
    let source = registry::speaker(document, from)
        .map(values)
        .unwrap_or_default();
    let (taken, mut conflicts) = match registry::speaker_mut(document, into) {
        Some(target) => merge_fields(target, &source, prefer)?,
        None => (Vec::new(), Vec::new()),
    };
    let mut episodes = 0;
    for feed in edit.feeds_mut() {
        let stem = feed.stem();
        let (changed, found) = references::merge(&mut feed.document, &stem, (from, into), prefer);
        episodes += changed.len();
        conflicts.extend(found);
    }
    if !conflicts.is_empty() && prefer.is_none() {
        return Err(SpeakerError::Conflicts {
            from: from.to_owned(),
            into: into.to_owned(),
            conflicts,
        });
    }
    registry::remove(&mut edit.speakers_mut().document, from);
    Ok(summary(
        (from, into),
        &taken,
        conflicts.len(),
        prefer,
        episodes,
    ))
}

/// The fields of a speaker's table, as written.
fn values(table: &dyn TableLike) -> Vec<(Field, Value)> {
    Field::ALL
        .into_iter()
        .filter_map(|field| Some((field, table.get(field.key())?.as_value()?.clone())))
        .collect()
}

/// Takes the fields `target` lacks from `source`; returns those taken and the conflicts.
fn merge_fields(
    target: &mut dyn TableLike,
    source: &[(Field, Value)],
    prefer: Option<Prefer>,
) -> Result<(Vec<Field>, Vec<Conflict>), SpeakerError> {
    let mut taken = Vec::new();
    let mut conflicts = Vec::new();
    for (field, theirs) in source {
        let ours = target.get(field.key()).and_then(|item| item.as_value());
        match ours {
            None => {
                registry::copy_value(target, field.key(), theirs);
                taken.push(*field);
            }
            Some(ours) if *field == Field::Aliases => {
                if let Some(both) = union(ours, theirs) {
                    registry::set_list(target, field.key(), &both);
                    taken.push(*field);
                }
            }
            Some(ours) if !same(*field, ours, theirs) => {
                conflicts.push(Conflict {
                    what: field.key().to_owned(),
                    from: shown(theirs),
                    into: shown(ours),
                });
                if prefer == Some(Prefer::From) {
                    registry::copy_value(target, field.key(), theirs);
                }
            }
            Some(_) => {}
        }
    }
    fields::check_person(
        registry::text(target, "role"),
        registry::text(target, "group"),
    )?;
    Ok((taken, conflicts))
}

/// INTO's aliases followed by those of FROM's that INTO lacks, if there are any such.
fn union(ours: &Value, theirs: &Value) -> Option<Vec<String>> {
    let texts = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .into_iter()
            .flat_map(|array| array.iter().filter_map(Value::as_str).map(str::to_owned))
            .collect()
    };
    let mut both = texts(ours);
    let before = both.len();
    for alias in texts(theirs) {
        if !both.contains(&alias) {
            both.push(alias);
        }
    }
    (both.len() > before).then_some(both)
}

/// Whether two values of `field` mean the same (roles and groups in any case).
fn same(field: Field, a: &Value, b: &Value) -> bool {
    let canonical = |value: &Value| -> Option<String> {
        let text = value.as_str()?;
        Some(match field {
            Field::Role => {
                taxonomy::canonical_role(text).map_or_else(|| text.to_owned(), str::to_owned)
            }
            Field::Group => {
                taxonomy::canonical_group(text).map_or_else(|| text.to_owned(), str::to_owned)
            }
            _ => text.to_owned(),
        })
    };
    canonical(a) == canonical(b)
}

/// A value for a conflict line: on one line, cut after 60 characters.
fn shown(value: &Value) -> String {
    let text = value.as_str().unwrap_or_default();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut shown: String = flat.chars().take(60).collect();
    if shown.len() < flat.len() {
        shown.push('…');
    }
    format!("`{shown}`")
}

fn summary(
    (from, into): (&str, &str),
    taken: &[Field],
    conflicts: usize,
    prefer: Option<Prefer>,
    episodes: usize,
) -> String {
    let mut text = format!(
        "merged `{from}` into `{into}`: credits in {episodes} {} moved",
        plural(episodes, "episode")
    );
    if !taken.is_empty() {
        let names: Vec<String> = taken.iter().map(|field| format!("`{field}`")).collect();
        let _ = write!(text, "; took {} from `{from}`", names.join(", "));
    }
    if conflicts > 0 {
        let winner = match prefer {
            Some(Prefer::From) => from,
            _ => into,
        };
        let _ = write!(
            text,
            "; {conflicts} {} resolved for `{winner}`",
            plural(conflicts, "conflict")
        );
    }
    text
}
