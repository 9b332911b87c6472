//! Text as the search sees it: a text's words, with where each lies in the original, and the
//! terms each word folds to. The page script (`search.js`) folds words the same way, step by
//! step; a change here is a change there.
//!
//! A word is a run of letters, digits and combining marks (and the zero-width joiners Persian
//! writes inside words). Folding lowercases it, decomposes it (NFKD: `ﬁ` → `fi`, `é` → `e` +
//! accent, Arabic presentation forms → letters), drops combining marks (accents, Arabic
//! harakat), joiners and tatweel, lowercases again, and maps letter variants to one letter:
//! Arabic `ي ى` → Persian `ی`, `ك ڪ` → `ک`, `ة ە` → `ه`, `ٱ` → `ا`, Persian and Arabic-Indic
//! digits → `0-9`, and `ς ß æ œ ø đ ł ı` → `σ ss ae oe o d l i`. What is left is split again
//! at anything that is not a letter or digit (NFKD can make `½` into `1⁄2`).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest term indexed or searched for, in characters: longer runs are not words.
pub const MAX_TERM: usize = 40;

/// A word of a text: its byte range in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
}

/// Whether `c` belongs to a word.
fn in_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '\u{200C}' | '\u{200D}')
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (in_word(c), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                words.push(Word {
                    start: from,
                    end: at,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push(Word {
            start: from,
            end: text.len(),
        });
    }
    words
}

/// The terms one word folds to (usually one; none for a word of marks alone or a term longer
/// than [`MAX_TERM`]).
pub fn fold(word: &str) -> Vec<String> {
    if word.is_ascii() {
        return fold_ascii(word);
    }
    fold_unicode(word)
}

/// [`fold_unicode`] for ASCII, where decomposing, marks and variants change nothing: the
/// search index of a large archive folds hundreds of thousands of words.
fn fold_ascii(word: &str) -> Vec<String> {
    word.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|term| !term.is_empty() && term.len() <= MAX_TERM)
        .map(str::to_owned)
        .collect()
}

fn fold_unicode(word: &str) -> Vec<String> {
    let decomposed: String = word
        .to_lowercase()
        .nfkd()
        .filter(|&c| !is_combining_mark(c) && !matches!(c, '\u{200C}' | '\u{200D}' | '\u{640}'))
        .collect();
    let mut folded = String::with_capacity(decomposed.len());
    for c in decomposed.to_lowercase().chars() {
        push_variant(&mut folded, c);
    }
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|term| !term.is_empty() && term.chars().count() <= MAX_TERM)
        .map(str::to_owned)
        .collect()
}

/// Appends `c`, or the one letter its variants fold to.
fn push_variant(out: &mut String, c: char) {
    let to = match c {
        'ي' | 'ى' => "ی",
        'ك' | 'ڪ' => "ک",
        'ة' | 'ە' => "ه",
        'ٱ' => "ا",
        'ς' => "σ",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'đ' => "d",
        'ł' => "l",
        'ı' => "i",
        '۰'..='۹' => return out.push(digit(c, '۰')),
        '٠'..='٩' => return out.push(digit(c, '٠')),
        _ => return out.push(c),
    };
    out.push_str(to);
}

fn digit(c: char, zero: char) -> char {
    char::from_digit(u32::from(c) - u32::from(zero), 10).unwrap_or(c)
}

/// Every term of `text`, in order, with repeats.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text)
        .into_iter()
        .flat_map(move |word| fold(&text[word.start..word.end]))
}

/// Orders terms as JavaScript compares strings (by UTF-16 code units), so that the page
/// script finds a term by binary search in the order the build wrote.
pub fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        terms(text).collect()
    }

    #[test]
    fn case_and_diacritics_fold_away() {
        assert_eq!(
            all("Él  CAFÉ naïve Straße"),
            ["el", "cafe", "naive", "strasse"]
        );
        assert_eq!(all("ﬁne ＡＢＣ"), ["fine", "abc"]);
    }

    #[test]
    fn persian_and_arabic_letter_variants_fold_to_one() {
        // Arabic yeh and kaf, as keyboards without Persian letters type them.
        assert_eq!(all("علي كتاب"), all("علی کتاب"));
        assert_eq!(all("مدرسة"), all("مدرسه"));
        // Harakat, tatweel and the zero-width non-joiner inside a word.
        assert_eq!(all("كَتَبَ"), ["کتب"]);
        assert_eq!(all("مـــریم"), ["مریم"]);
        assert_eq!(all("می‌خواهم"), ["میخواهم"]);
        // Hamza and madda seats fold to the bare letter.
        assert_eq!(all("أحمد آزادی"), ["احمد", "ازادی"]);
        assert_eq!(all("۱۳۹۸ ١٤٤١"), ["1398", "1441"]);
    }

    #[test]
    fn words_keep_their_place_in_the_original() {
        let text = "people’s «آزادی» 2019!";
        let spans: Vec<&str> = words(text).iter().map(|w| &text[w.start..w.end]).collect();
        assert_eq!(spans, ["people", "s", "آزادی", "2019"]);
    }

    #[test]
    fn overlong_runs_are_not_terms() {
        assert!(all(&"a".repeat(MAX_TERM + 1)).is_empty());
        assert_eq!(all(&"a".repeat(MAX_TERM)).len(), 1);
    }

    #[test]
    fn ascii_words_fold_as_the_full_fold_does() {
        let words = [
            "CAFE", "Don't", "a-b_c", "x1Y2", "MiXeD123", "", "!!", "tab\tEnd",
        ];
        let long = "Q".repeat(MAX_TERM + 1);
        for word in words.iter().copied().chain([long.as_str()]) {
            assert_eq!(fold_ascii(word), fold_unicode(word), "{word:?}");
        }
    }

    #[test]
    fn terms_sort_as_javascript_compares_strings() {
        // U+FB01 sorts after U+1F600 by UTF-16 units (D83D…), before it by code point.
        assert_eq!(
            utf16_cmp("\u{FB01}", "\u{1F600}"),
            std::cmp::Ordering::Greater
        );
        assert_eq!(utf16_cmp("ab", "abc"), std::cmp::Ordering::Less);
    }
}
