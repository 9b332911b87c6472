//! Identifiers used in the catalog: feed, event, episode and speaker ids, all `[a-z0-9-]+`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Returns why `text` is not a valid id, or `None` when it is one.
pub fn id_problem(text: &str) -> Option<&'static str> {
    if text.is_empty() {
        return Some("is empty");
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("may only contain `a-z`, `0-9` and `-`");
    }
    if text.starts_with('-') || text.ends_with('-') {
        return Some("may not start or end with `-`");
    }
    None
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Checks `text` against the id pattern.
            pub fn parse(text: &str) -> Result<Self, String> {
                match id_problem(text) {
                    None => Ok(Self(text.to_owned())),
                    Some(problem) => Err(format!("id `{text}` {problem}")),
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A feed id: the stem of `feeds/<feed-id>.toml`.
    FeedId
);
id_type!(
    /// An `[[event]]` id, unique within its feed.
    EventId
);
id_type!(
    /// An `[[episode]]` id, unique within its feed; the item GUID derives from it.
    EpisodeId
);
id_type!(
    /// A speaker id: a key of `[speakers]` in `feeds/speakers.toml`.
    SpeakerId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_digits_and_dashes() {
        assert!(EpisodeId::parse("2020-11-10-maryam-rajavi").is_ok());
    }

    #[test]
    fn rejects_other_characters_with_a_reason() {
        assert_eq!(
            EpisodeId::parse("Maryam_Rajavi").unwrap_err(),
            "id `Maryam_Rajavi` may only contain `a-z`, `0-9` and `-`"
        );
        assert_eq!(SpeakerId::parse("").unwrap_err(), "id `` is empty");
        assert_eq!(
            FeedId::parse("-x").unwrap_err(),
            "id `-x` may not start or end with `-`"
        );
    }
}
