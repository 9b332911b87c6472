//! Why a speaker command refused: each error names the speaker, field or episodes it is
//! about. Nothing was written when one is returned.

use std::fmt;

use super::fields::Field;
use crate::catalog::suggest::did_you_mean;
use crate::catalog::taxonomy;

/// A speaker command that cannot be done as asked.
#[derive(Debug, thiserror::Error)]
pub enum SpeakerError {
    /// No speaker has this id.
    #[error("no speaker `{id}` in `feeds/speakers.toml`{}", did_you_mean(.suggestion.as_deref()))]
    Unknown {
        id: String,
        suggestion: Option<String>,
    },
    /// A new id does not match `[a-z0-9-]+`.
    #[error("{problem}{}", match .suggestion {
        Some(id) => format!("; try `{id}`"),
        None => String::new(),
    })]
    BadId {
        problem: String,
        suggestion: Option<String>,
    },
    /// `add` without an id, for a name that cannot be spelled as one.
    #[error(
        "cannot make an id from the name `{name}`: ids are ASCII `a-z`, `0-9` and `-`, and names in other scripts than Latin have no single spelling in them; give the id: `archive speaker add ID --name …`"
    )]
    NoIdFromName { name: String },
    /// `add` of an id that exists.
    #[error("speaker `{id}` already exists; change it with `archive speaker set {id} FIELD VALUE`")]
    Exists { id: String },
    /// `rename` onto an id that exists.
    #[error(
        "speaker `{new}` already exists; to make `{old}` and `{new}` one speaker, use `archive speaker merge {old} {new}`"
    )]
    RenameOntoExisting { old: String, new: String },
    /// `rename` or `merge` of a speaker with itself.
    #[error("`{id}` and `{id}` are the same speaker")]
    Same { id: String },
    /// A blank name.
    #[error("`name` is empty: a speaker needs a name")]
    EmptyName,
    /// A blank value for another field.
    #[error("`{field}` is empty; to remove it, use `archive speaker unset {id} {field}`")]
    Empty { id: String, field: Field },
    /// A scalar field given several values.
    #[error("`{field}` takes one value, not {count}; quote a value that has spaces (`\"…\"`)")]
    OneValue { field: Field, count: usize },
    /// A blank alias.
    #[error(
        "an alias is empty: give each alias as one value, such as `archive speaker set ID aliases \"Maryam Radjavi\" \"M. Rajavi\"`"
    )]
    EmptyAlias,
    /// The same alias twice.
    #[error("alias `{alias}` is given twice")]
    AliasTwice { alias: String },
    /// `unset name`.
    #[error("`name` cannot be unset: a speaker needs a name")]
    Required,
    /// A role that is not in the Podcasting 2.0 taxonomy.
    #[error("{}", taxonomy::unknown_role(.value))]
    UnknownRole { value: String },
    /// A group that is not in the Podcasting 2.0 taxonomy.
    #[error("{}", taxonomy::unknown_group(.value))]
    UnknownGroup { value: String },
    /// A role and a group that do not belong together.
    #[error("{}", taxonomy::not_in_group(.role, .group))]
    RoleNotInGroup {
        role: &'static str,
        group: &'static str,
    },
    /// `image` or `href` given as a plain http URL or another non-https value.
    #[error("`{field}` must be an https URL{}, not `{value}`", if *.field == Field::Image { " or a file in the archive" } else { "" })]
    NotHttps { field: Field, value: String },
    /// A value that is not a URL or archive path at all.
    #[error("`{field}`: {message}")]
    BadValue { field: Field, message: String },
    /// A local image that is missing, or not a file inside the archive.
    #[error("`image`: {0}")]
    BadImage(String),
    /// `remove` of a speaker that episodes still credit.
    #[error("speaker `{id}` is credited in {} {}: {}; remove those credits first, or merge `{id}` into another speaker", .episodes.len(), if .episodes.len() == 1 { "episode" } else { "episodes" }, ticked(.episodes))]
    Referenced { id: String, episodes: Vec<String> },
    /// `merge` of speakers whose fields disagree, without `--prefer`.
    #[error("cannot merge `{from}` into `{into}`: {} {}; choose which side wins with `--prefer into` or `--prefer from`{}", .conflicts.len(), if .conflicts.len() == 1 { "conflict" } else { "conflicts" }, lines(.conflicts))]
    Conflicts {
        from: String,
        into: String,
        conflicts: Vec<Conflict>,
    },
    /// Reading the catalog, a bio file, or writing the edit failed.
    #[error(transparent)]
    Archive(#[from] crate::Error),
}

/// A value two speakers disagree on in a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The field (`name`), or the credit (``credit in `feed/episode` ``).
    pub what: String,
    /// The value of the speaker merged away.
    pub from: String,
    /// The value of the speaker kept.
    pub into: String,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (from) / {} (into)",
            self.what, self.from, self.into
        )
    }
}

fn ticked(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lines(conflicts: &[Conflict]) -> String {
    conflicts
        .iter()
        .map(|conflict| format!("\n  {conflict}"))
        .collect::<Vec<_>>()
        .concat()
}
