//! Pairing recordings with their speech blocks. The introduction runs until the first name or
//! recording; after it, each recording closes a block: the text since the previous recording.
//! A name that labels a new speech after text that already had its speaker (a caption after
//! a quoted keynote, say) starts a new block, so a speech without a recording stays apart.

use std::collections::HashSet;

use url::Url;

use super::names::{folded, mentioned_speaker};
use super::scan::Token;

/// One speech found on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Speech {
    /// Names that label the block (captions, alt text, headings, bold names).
    pub labels: Vec<String>,
    /// Names the text says spoke ("said NAME in her speech").
    pub mentions: Vec<String>,
    /// The block's paragraphs, word for word.
    pub paragraphs: Vec<String>,
    pub recording: Option<Url>,
}

/// Who gave a speech, or why that is not certain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speaker {
    Named(String),
    NoName,
    SeveralNames(Vec<String>),
}

impl Speech {
    /// The speaker: the one label, else the one name the text mentions.
    pub fn speaker(&self) -> Speaker {
        let labels = distinct(&self.labels);
        let mentions = distinct(&self.mentions);
        match (labels.as_slice(), mentions.as_slice()) {
            ([one], _) | ([], [one]) => Speaker::Named(one.clone()),
            ([], []) => Speaker::NoName,
            ([], many) | (many, _) => Speaker::SeveralNames(many.to_vec()),
        }
    }

    /// The excerpt: the paragraphs, with a sentence that a caption cut in two joined again.
    pub fn excerpt(&self) -> String {
        let mut excerpt = String::new();
        for paragraph in &self.paragraphs {
            if excerpt.is_empty() {
                excerpt.push_str(paragraph);
            } else if continues(&excerpt, paragraph) {
                excerpt.push(' ');
                excerpt.push_str(paragraph);
            } else {
                excerpt.push_str("\n\n");
                excerpt.push_str(paragraph);
            }
        }
        excerpt
    }
}

/// Whether `next` continues the sentence `text` ends with.
fn continues(text: &str, next: &str) -> bool {
    let ends_sentence = text
        .trim_end()
        .ends_with(['.', '!', '?', '…', '"', '”', '’', ')', ':', ';']);
    !ends_sentence && next.chars().next().is_some_and(char::is_lowercase)
}

fn distinct(names: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .iter()
        .filter(|name| seen.insert(folded(name)))
        .cloned()
        .collect()
}

/// The page split into its introduction and its speeches.
#[derive(Debug, Default)]
pub struct Paired {
    pub introduction: Vec<String>,
    pub speeches: Vec<Speech>,
}

/// Pairs `tokens` (recordings resolved, duplicates removed).
pub fn pair(tokens: &[Token]) -> Paired {
    let start = tokens
        .iter()
        .position(|token| match token {
            Token::Text(text) => mentioned_speaker(text).is_some(),
            _ => true,
        })
        .unwrap_or(tokens.len());
    let mut paired = Paired {
        introduction: tokens[..start]
            .iter()
            .filter_map(|token| match token {
                Token::Text(text) => Some(text.clone()),
                _ => None,
            })
            .collect(),
        speeches: Vec::new(),
    };
    let mut current = Speech::default();
    for token in &tokens[start..] {
        match token {
            Token::Text(text) => {
                current.mentions.extend(mentioned_speaker(text));
                current.paragraphs.push(text.clone());
            }
            Token::Label(name) => {
                let has_speaker = !current.labels.is_empty() || !current.mentions.is_empty();
                if !current.paragraphs.is_empty() && has_speaker {
                    paired.speeches.push(std::mem::take(&mut current));
                }
                current.labels.push(name.clone());
            }
            Token::Recording(url) => {
                current.recording = Some(url.clone());
                paired.speeches.push(std::mem::take(&mut current));
            }
            Token::Listen(_) => {}
        }
    }
    // Text after the last recording is a speech only if someone is named as giving it.
    let named = !current.labels.is_empty() || !current.mentions.is_empty();
    if !current.paragraphs.is_empty() && named {
        paired.speeches.push(current);
    }
    paired
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Token {
        Token::Text(t.to_owned())
    }

    #[test]
    fn a_caption_after_a_quoted_speech_starts_a_new_one() {
        let tokens = [
            text("To mark the anniversary, …"),
            text("“The uprising…,” said NCRI President-elect Maryam Rajavi in her speech."),
            text("“It was a crime against humanity,” she added."),
            Token::Label("ramesh separad".into()),
            text("Generation after generation…"),
            Token::Recording(Url::parse("https://e.org/ramesh.mp3").unwrap()),
            text(
                "There is a will to stand up in Iran. This is the kind of will we see in Ashraf, where the regime",
            ),
            Token::Label("hasti hesami".into()),
            text("tried to bring an end to the MEK."),
            Token::Recording(Url::parse("https://e.org/hasti.mp3").unwrap()),
        ];
        let paired = pair(&tokens);
        assert_eq!(paired.introduction, ["To mark the anniversary, …"]);
        let [keynote, ramesh, hasti] = paired.speeches.as_slice() else {
            panic!("{paired:#?}")
        };
        assert_eq!(keynote.speaker(), Speaker::Named("Maryam Rajavi".into()));
        assert_eq!(keynote.recording, None);
        assert_eq!(ramesh.speaker(), Speaker::Named("ramesh separad".into()));
        assert_eq!(ramesh.excerpt(), "Generation after generation…");
        assert_eq!(hasti.speaker(), Speaker::Named("hasti hesami".into()));
        assert_eq!(
            hasti.excerpt(),
            "There is a will to stand up in Iran. This is the kind of will we see in Ashraf, where the regime tried to bring an end to the MEK."
        );
    }

    #[test]
    fn uncertain_speakers_are_told_apart() {
        let speech = Speech {
            labels: vec!["A Person".into(), "B Person".into()],
            ..Speech::default()
        };
        assert_eq!(
            speech.speaker(),
            Speaker::SeveralNames(vec!["A Person".into(), "B Person".into()])
        );
        assert_eq!(Speech::default().speaker(), Speaker::NoName);
        let same = Speech {
            labels: vec!["Zoë Ćosić".into(), "zoe cosic".into()],
            ..Speech::default()
        };
        assert_eq!(same.speaker(), Speaker::Named("Zoë Ćosić".into()));
    }
}
