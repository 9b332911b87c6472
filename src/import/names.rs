//! Names on event pages: what looks like a person's name, the speaker a sentence says spoke
//! ("…, said NCRI President-elect Maryam Rajavi in her speech"), and matching a name against
//! the registry regardless of case and accents.

use unicode_normalization::UnicodeNormalization;

/// Words that make a short line a label of the page rather than a name.
const NOT_NAMES: &[&str] = &[
    "click",
    "here",
    "listen",
    "speech",
    "audio",
    "related",
    "posts",
    "share",
    "read",
    "more",
    "video",
    "watch",
    "download",
    "comments",
    "tags",
    "menu",
    "home",
    "contact",
    "keynote",
    "speakers",
    "speaker",
    "transcript",
    "full",
    "the",
    "and",
    "of",
    "to",
    "in",
    "on",
];

/// Titles that come before a name and are not part of it.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "madam",
    "madame",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "president",
    "senator",
    "rep",
    "representative",
    "ambassador",
    "minister",
    "mayor",
    "judge",
    "general",
    "colonel",
    "rev",
    "reverend",
];

/// Whether `text` looks like a person's name: two to four words of letters, nothing else.
pub fn looks_like_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !(2..=4).contains(&words.len()) || text.chars().count() > 48 {
        return false;
    }
    words.iter().all(|word| {
        let lower = word.to_lowercase();
        word.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
            && word.chars().next().is_some_and(char::is_alphabetic)
            && !NOT_NAMES.contains(&lower.trim_end_matches('.'))
    })
}

/// The speaker a sentence attributes it to: `said … NAME in his/her/their speech`, or
/// `NAME said`. Titles and words like "President-elect" before the name are dropped.
pub fn mentioned_speaker(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (index, word) in words.iter().enumerate() {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if !word.eq_ignore_ascii_case("said") {
            continue;
        }
        // "said [titles] First Last in her speech"
        let after: Vec<&str> = words[index + 1..].iter().take(8).copied().collect();
        if let Some(end) = after.windows(3).position(|w| {
            w[0] == "in" && matches!(w[1], "his" | "her" | "their") && w[2].starts_with("speech")
        }) && let Some(name) = trailing_name(&after[..end])
        {
            return Some(name);
        }
        // "First Last said"
        if index >= 2 {
            let before: Vec<&str> = words[index.saturating_sub(4)..index].to_vec();
            if let Some(name) = trailing_name(&before) {
                return Some(name);
            }
        }
    }
    None
}

/// The last two or three capitalized words of `words`, without titles, if they form a name.
fn trailing_name(words: &[&str]) -> Option<String> {
    let cleaned: Vec<String> = words
        .iter()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                .to_owned()
        })
        .collect();
    let mut name: Vec<&str> = Vec::new();
    for word in cleaned.iter().rev() {
        let capitalized = word.chars().next().is_some_and(char::is_uppercase)
            && word.chars().skip(1).any(char::is_lowercase)
            && !word.contains('-');
        if !capitalized || TITLES.contains(&word.to_lowercase().as_str()) || name.len() == 3 {
            break;
        }
        name.insert(0, word);
    }
    let name = name.join(" ");
    (name.split_whitespace().count() >= 2 && looks_like_name(&name)).then_some(name)
}

/// A name folded for comparison: no accents, lowercase, single spaces.
pub fn folded(name: &str) -> String {
    name.nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name written properly: an all-lowercase or all-uppercase name gets capitals
/// ("ramesh separad" → "Ramesh Separad"); any other is left as written.
pub fn properly_written(name: &str) -> String {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let cased = name.chars().any(char::is_uppercase) && name.chars().any(char::is_lowercase);
    if cased {
        return name;
    }
    name.split(' ')
        .map(|word| {
            word.split('-')
                .map(|part| {
                    let mut chars = part.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first
                            .to_uppercase()
                            .chain(chars.flat_map(char::to_lowercase))
                            .collect()
                    })
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_names() {
        assert!(looks_like_name("ramesh separad"));
        assert!(looks_like_name("Maryam Rajavi"));
        assert!(looks_like_name("Zoë O’Brien-Ćosić"));
        assert!(!looks_like_name("Click here to listen the full speech"));
        assert!(!looks_like_name("Related Posts"));
        assert!(!looks_like_name("November 10, 2020"));
        assert!(!looks_like_name("Keynote"));
    }

    #[test]
    fn finds_who_said_it() {
        let text =
            "“The uprising… or government,” said NCRI President-elect Maryam Rajavi in her speech.";
        assert_eq!(mentioned_speaker(text).as_deref(), Some("Maryam Rajavi"));
        assert_eq!(
            mentioned_speaker("“We will prevail,” Hasti Hesami said.").as_deref(),
            Some("Hasti Hesami")
        );
        assert_eq!(
            mentioned_speaker("“It was a crime against humanity,” she added."),
            None
        );
    }

    #[test]
    fn folds_and_writes_names() {
        assert_eq!(folded("  Zoë  ĆOSIĆ "), "zoe cosic");
        assert_eq!(properly_written("ramesh separad"), "Ramesh Separad");
        assert_eq!(properly_written("HASTI HESAMI"), "Hasti Hesami");
        assert_eq!(properly_written("Aidin de la Cruz"), "Aidin de la Cruz");
    }
}
