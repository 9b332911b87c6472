//! Text as it goes into the feed: stripped of what XML 1.0 forbids or discourages, cut to
//! length, escaped for HTML.

/// A text in pieces, written one after the other and never joined in memory: a feed of
/// 10,000 items, or the page that lists them, borrows its items rather than copying them.
pub type Pieces<'a> = Vec<std::borrow::Cow<'a, str>>;

/// Removes the characters a feed must not carry: what XML 1.0 forbids (controls other than
/// tab, LF and CR, U+FFFE and U+FFFF; a `char` is never a surrogate), and DEL and the C1
/// controls (U+007F–U+009F), which XML 1.0 discourages and HTML calls invalid.
pub fn clean(text: &str) -> String {
    // One pass over the bytes: a C0 control, DEL, the lead byte of a C1 control (C2 80–9F)
    // or of U+FFFE/U+FFFF (EF BF BE/BF).
    let suspect = text.bytes().any(|b| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7F | 0xC2 | 0xEF)
    });
    if !suspect || !text.chars().any(stripped) {
        return text.to_owned();
    }
    text.chars().filter(|&c| !stripped(c)).collect()
}

/// Whether [`clean`] removes `c`: `archive check` warns about each one in the catalog.
pub fn stripped(c: char) -> bool {
    !(matches!(c, '\t' | '\n' | '\r')
        || ('\u{20}'..='\u{7E}').contains(&c)
        || ('\u{A0}'..='\u{D7FF}').contains(&c)
        || ('\u{E000}'..='\u{FFFD}').contains(&c)
        || c >= '\u{10000}')
}

/// `text` if it fits in `max` bytes; otherwise cut at the last word boundary that leaves room
/// for an ellipsis, with the ellipsis.
pub fn cut(text: &str, max: usize) -> String {
    const ELLIPSIS: &str = "…";
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub(ELLIPSIS.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    format!("{}{ELLIPSIS}", head.trim_end())
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + text.len() / 16);
    push_escaped(&mut escaped, text);
    escaped
}

/// Appends `text` to `out`, escaped for HTML.
fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Plain text as HTML paragraphs: blank lines separate paragraphs, single line breaks stay.
pub fn paragraphs(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + text.len() / 8);
    for paragraph in text.split("\n\n").map(str::trim) {
        if paragraph.is_empty() {
            continue;
        }
        if !html.is_empty() {
            html.push('\n');
        }
        html.push_str("<p>");
        for (n, line) in paragraph.lines().enumerate() {
            if n > 0 {
                html.push_str("<br>");
            }
            push_escaped(&mut html, line.trim());
        }
        html.push_str("</p>");
    }
    html
}

/// [`paragraphs`] of `text`, cut at a word boundary (with an ellipsis) so that the HTML fits
/// in `max` bytes. Markup and escapes take room too, so while the HTML is too long the text
/// is cut again, shorter in the ratio of the overshoot (and by at least one byte).
pub fn paragraphs_within(text: &str, max: usize) -> String {
    let mut html = paragraphs(text);
    let mut budget = text.len();
    while html.len() > max && budget > 0 {
        budget = (budget - 1).min(budget * max / html.len());
        html = paragraphs(&cut(text, budget));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_strips_what_xml_forbids() {
        assert_eq!(
            clean("a\u{0}b\u{8}c\u{B}\u{C}d\u{1F}e\u{FFFE}\u{FFFF}f\tg\nh"),
            "abcdef\tg\nh"
        );
        assert_eq!(clean("مریم 🎙 a\u{A0}b é"), "مریم 🎙 a\u{A0}b é");
    }

    /// Issue 15: DEL was kept, and the W3C validator calls it invalid HTML.
    #[test]
    fn clean_strips_del_and_the_c1_controls() {
        assert_eq!(clean("a\u{7F}b\u{80}c\u{85}d\u{9F}e\u{A0}"), "abcde\u{A0}");
        assert!(stripped('\u{7F}') && stripped('\u{1}') && stripped('\u{FFFE}'));
        assert!(!stripped('\t') && !stripped('~') && !stripped('\u{A0}') && !stripped('🎙'));
    }

    #[test]
    fn paragraphs_within_fits_the_html_in_the_limit() {
        let text = "<&> ".repeat(2000);
        let html = paragraphs_within(&text, 4000);
        assert!(html.len() <= 4000, "{}", html.len());
        assert!(html.starts_with("<p>&lt;&amp;&gt; ") && html.ends_with("…</p>"));
        assert_eq!(paragraphs_within("a\n\nb", 4000), "<p>a</p>\n<p>b</p>");
    }

    #[test]
    fn cut_keeps_words_whole_and_stays_within_the_limit() {
        assert_eq!(cut("short", 4000), "short");
        let cut_text = cut("one two three four", 12);
        assert_eq!(cut_text, "one two…");
        assert!(cut_text.len() <= 12);
        let persian = "مریم رجوی ".repeat(500);
        let cut_persian = cut(&persian, 4000);
        assert!(cut_persian.len() <= 4000 && cut_persian.ends_with("رجوی…"));
    }

    #[test]
    fn html_is_escaped_and_paragraphs_kept() {
        assert_eq!(
            escape_html(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            paragraphs("a & b\nc\n\n d "),
            "<p>a &amp; b<br>c</p>\n<p>d</p>"
        );
    }
}
