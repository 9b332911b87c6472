//! What an item says about its speech, as HTML made only of our own tags around escaped
//! catalog text: `description` (who, where and when, the excerpt and the note, in paragraphs,
//! cut to fit Apple's limit) and `content:encoded` (all of it, with the speakers' titles and
//! bios and links to their pages and the event's).
//!
//! Clients render both as HTML, so no catalog text reaches them as markup: an excerpt with
//! `<script>` or `<img onerror=…>` is shown as text, never run. In `description` its angle
//! brackets become `‹ ›` ([`angle_quotes`]), so that not even a client that decodes entities
//! twice can turn it into a tag.

use super::channel::DESCRIPTION_LIMIT;
use super::document::Entry;
use super::text::{clean, escape_html, paragraphs, paragraphs_within};
use crate::catalog::{Event, Speaker};

/// `description`: a paragraph with a `Speaker:` line per speaker and an `Event:` line, the
/// excerpt's paragraphs and the note, within [`DESCRIPTION_LIMIT`] bytes.
pub fn description(entry: &Entry<'_>, speakers: &[&Speaker], event: Option<&Event>) -> String {
    let mut lines = Vec::new();
    for speaker in speakers {
        match &speaker.title {
            Some(title) => lines.push(format!("Speaker: {}, {title}", speaker.name)),
            None => lines.push(format!("Speaker: {}", speaker.name)),
        }
    }
    if let Some(event) = event {
        lines.push(format!(
            "Event: {}, {}",
            event.title,
            event.date.format("%B %-d, %Y")
        ));
    }
    let mut text = lines.join("\n");
    text.push_str("\n\n");
    text.push_str(entry.episode.excerpt.trim());
    if let Some(note) = &entry.episode.note {
        text.push_str("\n\n");
        text.push_str(note.trim());
    }
    paragraphs_within(&angle_quotes(&clean(&text)), DESCRIPTION_LIMIT)
}

/// `<` and `>` of catalog text as `‹` and `›` in `description`. Escaped, they are safe in
/// a client that parses XML once; but partytime (Podcast Index's parser) decodes HTML entities
/// once more in every text, and would hand `&lt;script&gt;` on as `<script>`. Without the
/// characters, no decoding can make a tag of them; `content:encoded` keeps them, escaped.
fn angle_quotes(text: &str) -> String {
    text.replace('<', "‹").replace('>', "›")
}

/// `content:encoded`: the excerpt's paragraphs, each speaker's name (linked to their page),
/// title and bio, the event (linked to its page) and the note.
pub fn content(entry: &Entry<'_>, speakers: &[&Speaker], event: Option<&Event>) -> String {
    let mut parts = vec![paragraphs(&entry.episode.excerpt)];
    for speaker in speakers {
        let name = link(&speaker.name, speaker.href.as_ref());
        let title = speaker
            .title
            .as_deref()
            .map(|title| format!(", {}", escape_html(title)))
            .unwrap_or_default();
        parts.push(format!("<p><strong>{name}</strong>{title}</p>"));
        if let Some(bio) = &speaker.bio {
            parts.push(paragraphs(bio));
        }
    }
    if let Some(event) = event {
        parts.push(format!(
            "<p>Event: {}, {}</p>",
            link(&event.title, event.link.as_ref()),
            event.date.format("%B %-d, %Y")
        ));
    }
    if let Some(note) = &entry.episode.note {
        parts.push(format!("<p><em>{}</em></p>", escape_html(note.trim())));
    }
    clean(&parts.join("\n"))
}

/// `text`, escaped, as a link to `href` if it is an http(s) URL (the catalog accepts no
/// other; a `javascript:` URL never becomes a link).
fn link(text: &str, href: Option<&url::Url>) -> String {
    let text = escape_html(text);
    match href {
        Some(href) if matches!(href.scheme(), "http" | "https") => {
            format!("<a href=\"{}\">{text}</a>", escape_html(href.as_str()))
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: the excerpt was written as it was, and clients ran its markup.
    #[test]
    fn angle_brackets_of_text_are_never_markup_in_the_description() {
        let html = paragraphs_within(&angle_quotes("<script>a</script> & <b>"), 100);
        assert_eq!(html, "<p>‹script›a‹/script› &amp; ‹b›</p>");
    }

    #[test]
    fn only_http_links_become_links() {
        let https = url::Url::parse("https://e.org/?a=1&b=<2>").unwrap();
        assert_eq!(
            link("A & B", Some(&https)),
            "<a href=\"https://e.org/?a=1&amp;b=%3C2%3E\">A &amp; B</a>"
        );
        let script = url::Url::parse("javascript:alert(1)").unwrap();
        assert_eq!(link("<b>x</b>", Some(&script)), "&lt;b&gt;x&lt;/b&gt;");
        assert_eq!(link("x", None), "x");
    }
}
