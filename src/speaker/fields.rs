//! The fields of a speaker and the checks on their new values, all made before anything is
//! written: a non-empty name, https URLs, a local image that exists, a role and group from
//! the Podcasting 2.0 person taxonomy (any case; stored lowercase), and aliases that are
//! neither blank nor given twice.

use std::fmt;
use std::path::Path;

use super::error::SpeakerError;
use crate::catalog::{Source, parse_source, taxonomy};

/// A field of `[speakers.<id>]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Name,
    Title,
    Bio,
    Image,
    Href,
    Role,
    Group,
    /// Other spellings of the name: the one field that is a list.
    Aliases,
}

impl Field {
    /// Every field, in the order a new speaker's table lists them.
    pub const ALL: [Field; 8] = [
        Field::Name,
        Field::Title,
        Field::Bio,
        Field::Image,
        Field::Href,
        Field::Role,
        Field::Group,
        Field::Aliases,
    ];

    /// The key in `feeds/speakers.toml`.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Title => "title",
            Field::Bio => "bio",
            Field::Image => "image",
            Field::Href => "href",
            Field::Role => "role",
            Field::Group => "group",
            Field::Aliases => "aliases",
        }
    }

    /// The field stored under `key`.
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.key() == key)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Checks a new value of `field` of speaker `id`; returns the text to store (a role or group
/// in its canonical lowercase spelling).
pub fn check(id: &str, field: Field, value: &str, root: &Path) -> Result<String, SpeakerError> {
    if value.trim().is_empty() {
        return Err(match field {
            Field::Name => SpeakerError::EmptyName,
            _ => SpeakerError::Empty {
                id: id.to_owned(),
                field,
            },
        });
    }
    match field {
        Field::Name | Field::Title | Field::Bio | Field::Aliases => Ok(value.to_owned()),
        Field::Image | Field::Href => check_link(field, value, root),
        Field::Role => taxonomy::canonical_role(value)
            .map(str::to_owned)
            .ok_or_else(|| SpeakerError::UnknownRole {
                value: value.to_owned(),
            }),
        Field::Group => taxonomy::canonical_group(value)
            .map(str::to_owned)
            .ok_or_else(|| SpeakerError::UnknownGroup {
                value: value.to_owned(),
            }),
    }
}

/// Checks new aliases: at least one, none blank, none twice; returns them trimmed.
pub fn check_aliases(aliases: &[String]) -> Result<Vec<String>, SpeakerError> {
    let mut checked: Vec<String> = Vec::new();
    for alias in aliases {
        let alias = alias.trim();
        if alias.is_empty() {
            return Err(SpeakerError::EmptyAlias);
        }
        if checked.iter().any(|seen| seen == alias) {
            return Err(SpeakerError::AliasTwice {
                alias: alias.to_owned(),
            });
        }
        checked.push(alias.to_owned());
    }
    if checked.is_empty() {
        return Err(SpeakerError::EmptyAlias);
    }
    Ok(checked)
}

/// An https URL; for `image`, also a file inside the archive that exists.
fn check_link(field: Field, value: &str, root: &Path) -> Result<String, SpeakerError> {
    let not_https = || SpeakerError::NotHttps {
        field,
        value: value.to_owned(),
    };
    match parse_source(value) {
        Ok(Source::Remote(url)) if url.scheme() == "https" => Ok(value.to_owned()),
        Ok(Source::Local(path)) if field == Field::Image => {
            crate::confined::check_file(root, &path)
                .map(|()| value.to_owned())
                .map_err(|err| SpeakerError::BadImage(err.to_string()))
        }
        Ok(Source::Remote(_) | Source::Local(_)) => Err(not_https()),
        Err(message) => Err(SpeakerError::BadValue { field, message }),
    }
}

/// Checks that a speaker's role and group (as stored, either may be absent) belong together,
/// as the catalog does: no role means `guest`, no group means the role's own group.
pub fn check_person(role: Option<&str>, group: Option<&str>) -> Result<(), SpeakerError> {
    let role = role
        .and_then(taxonomy::canonical_role)
        .unwrap_or(taxonomy::DEFAULT_ROLE);
    let Some(group) = group.and_then(taxonomy::canonical_group) else {
        return Ok(());
    };
    if taxonomy::role_in_group(role, group) {
        Ok(())
    } else {
        Err(SpeakerError::RoleNotInGroup { role, group })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(field: Field, value: &str) -> String {
        check("x", field, value, Path::new("."))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn roles_and_groups_are_stored_lowercase() {
        let root = Path::new(".");
        assert_eq!(check("x", Field::Role, "Co-Host", root).unwrap(), "co-host");
        assert_eq!(check("x", Field::Group, " CAST ", root).unwrap(), "cast");
    }

    #[test]
    fn unknown_roles_and_groups_get_the_nearest_valid_value() {
        assert_eq!(
            error(Field::Role, "Hots"),
            "unknown role `Hots` (did you mean `host`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
        assert_eq!(
            error(Field::Role, "translatr"),
            "unknown role `translatr` (did you mean `translator`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
        assert_eq!(
            error(Field::Group, "writers"),
            "unknown group `writers` (did you mean `writing`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
    }

    #[test]
    fn links_must_be_https() {
        assert_eq!(
            error(Field::Href, "http://example.org/"),
            "`href` must be an https URL, not `http://example.org/`"
        );
        assert_eq!(
            error(Field::Href, "people/x.html"),
            "`href` must be an https URL, not `people/x.html`"
        );
        assert_eq!(
            error(Field::Image, "ftp://example.org/x.png"),
            "`image`: unsupported URL scheme `ftp` in `ftp://example.org/x.png`: use http(s) or a path inside the archive"
        );
    }

    #[test]
    fn aliases_are_trimmed_and_given_once() {
        let aliases = |list: &[&str]| {
            let list: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
            check_aliases(&list).map_err(|err| err.to_string())
        };
        assert_eq!(
            aliases(&[" M. Rajavi ", "Maryam Radjavi"]),
            Ok(vec!["M. Rajavi".to_owned(), "Maryam Radjavi".to_owned()])
        );
        assert_eq!(
            aliases(&["M. Rajavi", "M. Rajavi "]),
            Err("alias `M. Rajavi` is given twice".to_owned())
        );
        assert_eq!(
            aliases(&["M. Rajavi", " "]),
            Err("an alias is empty: give each alias as one value, such as `archive speaker set ID aliases \"Maryam Radjavi\" \"M. Rajavi\"`".to_owned())
        );
    }

    #[test]
    fn role_and_group_must_match() {
        assert!(check_person(None, None).is_ok());
        assert!(check_person(Some("Producer"), None).is_ok());
        assert!(check_person(Some("director"), Some("Creative Direction")).is_ok());
        assert_eq!(
            check_person(None, Some("writing")).unwrap_err().to_string(),
            "role `guest` is not in group `writing` (`guest` belongs to `cast`)"
        );
    }
}
