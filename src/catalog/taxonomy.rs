//! The Podcasting 2.0 person taxonomy: valid `role` and `group` values for `podcast:person`.
//!
//! From `taxonomy.json` of the podcast namespace, lowercased as the namespace asks. The
//! taxonomy spells "translater"; both that and "translator" are accepted.

use super::suggest::{close, did_you_mean};

/// Every `(group, role)` pair of the taxonomy.
pub const ROLES: &[(&str, &str)] = &[
    ("creative direction", "director"),
    ("creative direction", "assistant director"),
    ("creative direction", "executive producer"),
    ("creative direction", "senior producer"),
    ("creative direction", "producer"),
    ("creative direction", "associate producer"),
    ("creative direction", "development producer"),
    ("creative direction", "creative director"),
    ("cast", "host"),
    ("cast", "co-host"),
    ("cast", "guest host"),
    ("cast", "guest"),
    ("cast", "voice actor"),
    ("cast", "narrator"),
    ("cast", "announcer"),
    ("cast", "reporter"),
    ("writing", "author"),
    ("writing", "editorial director"),
    ("writing", "co-writer"),
    ("writing", "writer"),
    ("writing", "songwriter"),
    ("writing", "guest writer"),
    ("writing", "story editor"),
    ("writing", "managing editor"),
    ("writing", "script editor"),
    ("writing", "script coordinator"),
    ("writing", "researcher"),
    ("writing", "editor"),
    ("writing", "fact checker"),
    ("writing", "translator"),
    ("writing", "translater"),
    ("writing", "transcriber"),
    ("writing", "logger"),
    ("audio production", "studio coordinator"),
    ("audio production", "technical director"),
    ("audio production", "technical manager"),
    ("audio production", "audio engineer"),
    ("audio production", "remote recording engineer"),
    ("audio production", "post production engineer"),
    ("audio post-production", "audio editor"),
    ("audio post-production", "sound designer"),
    ("audio post-production", "foley artist"),
    ("audio post-production", "composer"),
    ("audio post-production", "theme music"),
    ("audio post-production", "music production"),
    ("audio post-production", "music contributor"),
    ("administration", "production coordinator"),
    ("administration", "booking coordinator"),
    ("administration", "production assistant"),
    ("administration", "content manager"),
    ("administration", "marketing manager"),
    ("administration", "sales representative"),
    ("administration", "sales manager"),
    ("visuals", "graphic designer"),
    ("visuals", "cover art designer"),
    ("community", "social media manager"),
    ("misc.", "consultant"),
    ("misc.", "intern"),
    ("video production", "camera operator"),
    ("video production", "lighting designer"),
    ("video production", "camera grip"),
    ("video production", "assistant camera"),
    ("video post-production", "editor"),
    ("video post-production", "assistant editor"),
];

/// The role a speaker gets when neither the registry nor the episode names one.
pub const DEFAULT_ROLE: &str = "guest";
/// The group a speaker gets when the registry names none.
pub const DEFAULT_GROUP: &str = "cast";

/// The canonical (lowercase) spelling of `role`, if the taxonomy has it.
pub fn canonical_role(role: &str) -> Option<&'static str> {
    let wanted = role.trim().to_lowercase();
    ROLES.iter().map(|(_, r)| *r).find(|r| *r == wanted)
}

/// The canonical (lowercase) spelling of `group`, if the taxonomy has it.
pub fn canonical_group(group: &str) -> Option<&'static str> {
    let wanted = group.trim().to_lowercase();
    ROLES.iter().map(|(g, _)| *g).find(|g| *g == wanted)
}

/// Where to look up valid values, for error messages.
pub const ROLE_HINT: &str = "see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)";

/// The error for a `role` the taxonomy does not have, with the closest one that it has.
pub fn unknown_role(value: &str) -> String {
    // `translater` is the taxonomy's own misspelling: never suggested.
    let roles = ROLES
        .iter()
        .map(|(_, role)| *role)
        .filter(|role| *role != "translater");
    let suggestion = did_you_mean(close(value, roles));
    format!("unknown role `{value}`{suggestion}; {ROLE_HINT}")
}

/// The error for a `group` the taxonomy does not have, with the closest one that it has.
pub fn unknown_group(value: &str) -> String {
    let suggestion = did_you_mean(close(value, ROLES.iter().map(|(group, _)| *group)));
    format!("unknown group `{value}`{suggestion}; {ROLE_HINT}")
}

/// The error for a role (canonical) outside a group (canonical).
pub fn not_in_group(role: &str, group: &str) -> String {
    let home = group_of(role);
    format!("role `{role}` is not in group `{group}` (`{role}` belongs to `{home}`)")
}

/// The first group that `role` (canonical) belongs to.
pub fn group_of(role: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(_, r)| *r == role)
        .map_or(DEFAULT_GROUP, |(g, _)| *g)
}

/// Whether `role` belongs to `group` (both canonical).
pub fn role_in_group(role: &str, group: &str) -> bool {
    ROLES.iter().any(|(g, r)| *g == group && *r == role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_case_insensitively() {
        assert_eq!(canonical_role("Co-Host"), Some("co-host"));
        assert_eq!(
            canonical_group("Audio Post-Production"),
            Some("audio post-production")
        );
        assert_eq!(canonical_role("keynote"), None);
        assert!(role_in_group(DEFAULT_ROLE, DEFAULT_GROUP));
    }

    #[test]
    fn unknown_values_get_the_closest_valid_one() {
        assert_eq!(
            unknown_role("Hots"),
            "unknown role `Hots` (did you mean `host`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
        assert_eq!(
            unknown_role("translatr"),
            "unknown role `translatr` (did you mean `translator`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
        assert_eq!(
            unknown_role("keynote"),
            "unknown role `keynote`; see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
        assert_eq!(
            unknown_group("writers"),
            "unknown group `writers` (did you mean `writing`?); see the Podcasting 2.0 person taxonomy (https://podcasttaxonomy.com)"
        );
        assert_eq!(
            not_in_group("director", "cast"),
            "role `director` is not in group `cast` (`director` belongs to `creative direction`)"
        );
    }
}
