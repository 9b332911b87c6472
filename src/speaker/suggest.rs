//! A speaker id spelled from a name. (The nearest valid value to a mistyped one is
//! `catalog::suggest`.)

/// An id for a speaker called `name`: ASCII `[a-z0-9-]+`, Latin accents dropped
/// (`Zoë Ćosić` → `zoe-cosic`). `None` when the name has letters of another script (such as
/// Persian), which have no single spelling in Latin letters, or no letters at all.
pub fn id_from_name(name: &str) -> Option<String> {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if let Some(latin) = latin(c) {
            id.push_str(latin);
        } else if is_mark(c) {
            // An apostrophe or a combining accent: part of the word, nothing to spell.
        } else if c.is_alphanumeric() {
            return None;
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_matches('-');
    (!id.is_empty()).then(|| id.to_owned())
}

fn is_mark(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | 'ʻ' | '\u{0300}'..='\u{036F}')
}

/// The ASCII spelling of a lowercase Latin letter with an accent, or a ligature.
fn latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ə' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_latin_names_drop_accents() {
        assert_eq!(
            id_from_name("Maryam Rajavi").as_deref(),
            Some("maryam-rajavi")
        );
        assert_eq!(id_from_name("  Zoë Ćosić ").as_deref(), Some("zoe-cosic"));
        assert_eq!(
            id_from_name("Jean-Luc O’Brien, Jr.").as_deref(),
            Some("jean-luc-obrien-jr")
        );
        assert_eq!(id_from_name("Straße Łódź").as_deref(), Some("strasse-lodz"));
        // "e" and a combining acute accent.
        assert_eq!(id_from_name("Rene\u{301}").as_deref(), Some("rene"));
        assert_eq!(id_from_name("Æsir 2020").as_deref(), Some("aesir-2020"));
    }

    #[test]
    fn other_scripts_have_no_id() {
        assert_eq!(id_from_name("مریم رجوی"), None);
        assert_eq!(id_from_name("Maryam رجوی"), None);
        assert_eq!(id_from_name("--"), None);
    }
}
