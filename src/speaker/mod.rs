//! `archive speaker`: the speaker registry, `feeds/speakers.toml`, and the credits of
//! speakers in every feed file.
//!
//! Reading ([`list`], [`show`]) works on the checked catalog. An edit ([`apply`]) checks
//! every new value first, then changes the documents of a [`CatalogEdit`] in place; the
//! caller commits it, which checks the whole new catalog again and writes every changed file
//! or none.

mod error;
mod fields;
mod listing;
mod merge;
mod references;
mod registry;
pub mod suggest;

use std::path::PathBuf;

pub use error::{Conflict, SpeakerError};
pub use fields::Field;
pub use listing::{Appearance, Details, Summary, Table, list, show};
pub use suggest::id_from_name;

use crate::catalog::{Catalog, Speaker, SpeakerId};
use crate::edit::CatalogEdit;

/// Text given on the command line, or the path of a file that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Inline(String),
    File(PathBuf),
}

impl Text {
    /// The text; a file's content without trailing whitespace.
    fn read(&self) -> Result<String, SpeakerError> {
        match self {
            Text::Inline(text) => Ok(text.clone()),
            Text::File(path) => std::fs::read_to_string(path)
                .map(|text| text.trim_end().to_owned())
                .map_err(|source| {
                    crate::Error::Read {
                        path: path.clone(),
                        source,
                    }
                    .into()
                }),
        }
    }
}

/// A speaker to add. Without an id, one is made from the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpeaker {
    pub id: Option<String>,
    pub name: String,
    pub title: Option<String>,
    pub bio: Option<Text>,
    pub image: Option<String>,
    pub href: Option<String>,
    pub role: Option<String>,
    pub group: Option<String>,
    /// Other spellings of the name.
    pub aliases: Vec<String>,
}

/// Which speaker's value wins where a merge finds two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// The speaker merged away.
    From,
    /// The speaker kept.
    Into,
}

/// A change to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Add(NewSpeaker),
    /// One value, or for `aliases` one or more; a file holds one value, or one alias a line.
    Set {
        id: String,
        field: Field,
        values: Vec<Text>,
    },
    Unset {
        id: String,
        field: Field,
    },
    Rename {
        old: String,
        new: String,
    },
    Merge {
        from: String,
        into: String,
        prefer: Option<Prefer>,
    },
    Remove {
        id: String,
    },
}

/// Checks `request` and makes it in `edit`'s documents; returns what it did, in words.
pub fn apply(edit: &mut CatalogEdit, request: &Edit) -> Result<String, SpeakerError> {
    match request {
        Edit::Add(new) => add(edit, new),
        Edit::Set { id, field, values } => match (field, values.as_slice()) {
            (Field::Aliases, _) => set_aliases(edit, id, values),
            (_, [value]) => set(edit, id, *field, &value.read()?),
            _ => Err(SpeakerError::OneValue {
                field: *field,
                count: values.len(),
            }),
        },
        Edit::Unset { id, field } => unset(edit, id, *field),
        Edit::Rename { old, new } => rename(edit, old, new),
        Edit::Merge { from, into, prefer } => merge::merge(edit, (from, into), *prefer),
        Edit::Remove { id } => remove(edit, id),
    }
}

/// Speaker `id` of the catalog, or an error that suggests a close id.
fn find<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a Speaker, SpeakerError> {
    SpeakerId::parse(id)
        .ok()
        .and_then(|parsed| catalog.speakers.get(&parsed))
        .ok_or_else(|| SpeakerError::Unknown {
            id: id.to_owned(),
            suggestion: listing::closest(catalog, id),
        })
}

/// Checks an id for a new speaker: the pattern, and that no speaker has it.
fn check_new_id(catalog: &Catalog, id: &str, name: Option<&str>) -> Result<(), SpeakerError> {
    let taken = |candidate: &String| {
        SpeakerId::parse(candidate).is_ok_and(|c| catalog.speakers.contains_key(&c))
    };
    let parsed = SpeakerId::parse(id).map_err(|problem| SpeakerError::BadId {
        problem,
        // A suggestion spelled from the id itself, else from the name; never one in use.
        suggestion: id_from_name(id)
            .or_else(|| name.and_then(id_from_name))
            .filter(|suggestion| suggestion != id && !taken(suggestion)),
    })?;
    if catalog.speakers.contains_key(&parsed) {
        return Err(SpeakerError::Exists { id: id.to_owned() });
    }
    Ok(())
}

fn add(edit: &mut CatalogEdit, new: &NewSpeaker) -> Result<String, SpeakerError> {
    let root = edit.root().to_owned();
    let (id, made) = match &new.id {
        Some(id) => (id.clone(), false),
        None if new.name.trim().is_empty() => return Err(SpeakerError::EmptyName),
        None => {
            let id = id_from_name(&new.name).ok_or_else(|| SpeakerError::NoIdFromName {
                name: new.name.clone(),
            })?;
            (id, true)
        }
    };
    let name = fields::check(&id, Field::Name, &new.name, &root)?;
    check_new_id(edit.catalog(), &id, Some(&new.name))?;
    let bio = new.bio.as_ref().map(Text::read).transpose()?;
    let mut values = vec![(Field::Name.key(), name)];
    for (field, value) in [
        (Field::Title, new.title.as_ref()),
        (Field::Bio, bio.as_ref()),
        (Field::Image, new.image.as_ref()),
        (Field::Href, new.href.as_ref()),
        (Field::Role, new.role.as_ref()),
        (Field::Group, new.group.as_ref()),
    ] {
        if let Some(value) = value {
            values.push((field.key(), fields::check(&id, field, value, &root)?));
        }
    }
    let stored = |key: &str| {
        values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    };
    fields::check_person(stored("role"), stored("group"))?;
    let aliases = if new.aliases.is_empty() {
        Vec::new()
    } else {
        fields::check_aliases(&new.aliases)?
    };
    let document = &mut edit.speakers_mut().document;
    registry::insert(document, &id, &values);
    if let Some(table) = registry::speaker_mut(document, &id).filter(|_| !aliases.is_empty()) {
        registry::set_list(table, Field::Aliases.key(), &aliases);
    }
    let how = if made { " (id made from the name)" } else { "" };
    Ok(format!("added speaker `{id}`{how}"))
}

fn set(
    edit: &mut CatalogEdit,
    id: &str,
    field: Field,
    value: &str,
) -> Result<String, SpeakerError> {
    find(edit.catalog(), id)?;
    let value = fields::check(id, field, value, edit.root())?;
    let table = speaker_table(edit, id)?;
    let role = match field {
        Field::Role => Some(value.as_str()),
        _ => registry::text(table, "role"),
    };
    let group = match field {
        Field::Group => Some(value.as_str()),
        _ => registry::text(table, "group"),
    };
    fields::check_person(role, group)?;
    registry::set_text(table, field.key(), &value);
    Ok(format!("set `{field}` of `{id}`"))
}

fn set_aliases(edit: &mut CatalogEdit, id: &str, values: &[Text]) -> Result<String, SpeakerError> {
    find(edit.catalog(), id)?;
    let mut aliases = Vec::new();
    for value in values {
        match value {
            Text::Inline(alias) => aliases.push(alias.clone()),
            Text::File(_) => aliases.extend(
                value
                    .read()?
                    .lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(str::to_owned),
            ),
        }
    }
    let aliases = fields::check_aliases(&aliases)?;
    let table = speaker_table(edit, id)?;
    registry::set_list(table, Field::Aliases.key(), &aliases);
    Ok(format!(
        "set `aliases` of `{id}`: {} {}",
        aliases.len(),
        plural(aliases.len(), "alias")
    ))
}

fn unset(edit: &mut CatalogEdit, id: &str, field: Field) -> Result<String, SpeakerError> {
    find(edit.catalog(), id)?;
    if field == Field::Name {
        return Err(SpeakerError::Required);
    }
    let table = speaker_table(edit, id)?;
    if table.remove(field.key()).is_none() {
        return Ok(format!("`{id}` has no `{field}`; nothing to change"));
    }
    fields::check_person(
        registry::text(table, "role"),
        registry::text(table, "group"),
    )?;
    Ok(format!("removed `{field}` of `{id}`"))
}

fn rename(edit: &mut CatalogEdit, old: &str, new: &str) -> Result<String, SpeakerError> {
    find(edit.catalog(), old)?;
    if old == new {
        return Err(SpeakerError::Same { id: old.to_owned() });
    }
    check_new_id(edit.catalog(), new, None).map_err(|err| match err {
        SpeakerError::Exists { .. } => SpeakerError::RenameOntoExisting {
            old: old.to_owned(),
            new: new.to_owned(),
        },
        other => other,
    })?;
    registry::rename(&mut edit.speakers_mut().document, old, new);
    let mut episodes = 0;
    for feed in edit.feeds_mut() {
        episodes += references::rename(&mut feed.document, old, new).len();
    }
    Ok(format!(
        "renamed `{old}` to `{new}`, and its credits in {episodes} {}",
        plural(episodes, "episode")
    ))
}

fn remove(edit: &mut CatalogEdit, id: &str) -> Result<String, SpeakerError> {
    let speaker = find(edit.catalog(), id)?;
    let credited = listing::appearances(edit.catalog(), &speaker.id);
    if !credited.is_empty() {
        return Err(SpeakerError::Referenced {
            id: id.to_owned(),
            episodes: credited
                .iter()
                .map(|a| format!("{}/{}", a.feed, a.episode))
                .collect(),
        });
    }
    registry::remove(&mut edit.speakers_mut().document, id);
    Ok(format!("removed speaker `{id}`"))
}

/// The table of a speaker that the checked catalog has.
fn speaker_table<'a>(
    edit: &'a mut CatalogEdit,
    id: &str,
) -> Result<&'a mut dyn toml_edit::TableLike, SpeakerError> {
    registry::speaker_mut(&mut edit.speakers_mut().document, id).ok_or_else(|| {
        SpeakerError::Unknown {
            id: id.to_owned(),
            suggestion: None,
        }
    })
}

fn plural(count: usize, word: &str) -> String {
    match count {
        1 => word.to_owned(),
        _ if word.ends_with('s') => format!("{word}es"),
        _ => format!("{word}s"),
    }
}
