//! The rules: Apple's required and recommended tags, artwork, categories, lengths, enclosure
//! types and sizes, durations, duplicates, soundbites, https links, and control characters in
//! catalog text.

use std::collections::HashSet;
use std::path::Path;

use super::{Findings, Severity, apple, artwork};
use crate::catalog::{Feed, SPEAKERS_FILE, SourceText, Speaker};
use crate::feed::text::stripped;
use crate::feed::{DESCRIPTION_LIMIT, Document, DocumentKind};

/// Channel rules of a catalog feed.
pub fn channel(root: &Path, feed: &Feed, findings: &mut Findings) {
    let meta = &feed.channel;
    let at = (feed.file.as_path(), Some(meta.line));
    match &meta.image {
        None => findings.add(
            Severity::Error,
            "artwork",
            at,
            "Apple Podcasts requires artwork: set `image`",
        ),
        Some(image) => {
            for (severity, message) in artwork::problems(root, image) {
                findings.add(severity, "artwork", at, message);
            }
        }
    }
    if meta.categories.is_empty() {
        findings.add(
            Severity::Error,
            "category",
            at,
            "Apple Podcasts requires a category: set `categories`",
        );
    }
    for category in &meta.categories {
        if let Some(problem) = apple::category_problem(&category.name, category.sub.as_deref()) {
            let at = (feed.file.as_path(), Some(category.line));
            findings.add(Severity::Error, "category", at, problem);
        }
    }
    if meta.author.is_none() {
        findings.add(
            Severity::Warning,
            "author",
            at,
            "no `author` (itunes:author): apps show the feed without one",
        );
    }
    if meta.owner.is_none() {
        findings.add(
            Severity::Warning,
            "owner",
            at,
            "no `owner`: Apple Podcasts uses its email to verify the feed",
        );
    }
    if meta.title.chars().count() > 255 {
        findings.add(
            Severity::Warning,
            "length",
            at,
            "the title is longer than 255 characters",
        );
    }
    if meta.description.len() > DESCRIPTION_LIMIT {
        let message = format!(
            "the description is longer than {DESCRIPTION_LIMIT} bytes and is cut in the feed"
        );
        findings.add(Severity::Warning, "length", at, message);
    }
}

/// A speaker's links should be https.
pub fn links(speaker: &Speaker, findings: &mut Findings) {
    let at = (Path::new(SPEAKERS_FILE), Some(speaker.line));
    if speaker
        .href
        .as_ref()
        .is_some_and(|href| href.scheme() != "https")
    {
        let message = format!("speaker `{}` links to an http (not https) page", speaker.id);
        findings.add(Severity::Warning, "https", at, message);
    }
    if let Some(crate::catalog::Source::Remote(url)) = &speaker.image
        && url.scheme() != "https"
    {
        let message = format!("speaker `{}` has an http (not https) portrait", speaker.id);
        findings.add(Severity::Warning, "https", at, message);
    }
}

/// Rules on a rendered document and its items.
pub fn document(root: &Path, document: &Document<'_>, xml: &str, findings: &mut Findings) {
    let shown = document.path.as_path();
    let channel = match rss::Channel::read_from(xml.as_bytes()) {
        Ok(channel) => channel,
        Err(err) => {
            let message = format!("the feed does not parse back: {err}");
            return findings.add(Severity::Error, "rss", (shown, None), message);
        }
    };
    let itunes = channel.itunes_ext();
    // Artwork and categories missing from the catalog are reported there, at their line.
    let (no_image, no_categories) = (
        document.channel.image.is_none(),
        document.channel.categories.is_empty(),
    );
    for (present, tag) in [
        (!channel.title().is_empty(), "title"),
        (!channel.description().is_empty(), "description"),
        (channel.language().is_some(), "language"),
        (
            no_image || itunes.and_then(|i| i.image()).is_some(),
            "itunes:image",
        ),
        (
            no_categories || itunes.is_some_and(|i| !i.categories().is_empty()),
            "itunes:category",
        ),
        (
            itunes.and_then(|i| i.explicit()).is_some(),
            "itunes:explicit",
        ),
    ] {
        if !present {
            let message = format!("the channel has no `{tag}`, which Apple Podcasts requires");
            findings.add(Severity::Error, "apple", (shown, None), message);
        }
    }
    let mut guids = HashSet::new();
    let mut urls = HashSet::new();
    for (entry, item) in document.entries.iter().zip(channel.items()) {
        let at = match document.kind {
            DocumentKind::Speaker(_) => (shown, None),
            DocumentKind::Feed { .. } => (entry.feed.file.as_path(), Some(entry.episode.line)),
        };
        let id = format!("{}/{}", entry.feed.id, entry.episode.id);
        let (Some(enclosure), Some(guid)) = (item.enclosure(), item.guid()) else {
            findings.add(
                Severity::Error,
                "apple",
                at,
                format!("episode `{id}` has no enclosure or GUID"),
            );
            continue;
        };
        if !guids.insert(guid.value().to_owned()) {
            let message = format!(
                "episode `{id}` has the GUID `{}` of another item in `{}`",
                guid.value(),
                shown.display()
            );
            findings.add(Severity::Error, "duplicate", at, message);
        }
        if !urls.insert(enclosure.url().to_owned()) {
            let message = format!(
                "episode `{id}` has the enclosure URL of another item in `{}`",
                shown.display()
            );
            findings.add(Severity::Error, "duplicate", at, message);
        }
        if matches!(document.kind, DocumentKind::Feed { full: true, .. }) {
            item_rules(root, entry, enclosure, at, findings);
        }
    }
    if document.entries.is_empty() {
        let message = format!(
            "`{}` has no items yet (run `archive sync`)",
            shown.display()
        );
        findings.add(Severity::Warning, "empty", (shown, None), message);
    }
}

/// Rules on one item of a catalog feed (checked once, in its feed's full document).
fn item_rules(
    root: &Path,
    entry: &crate::feed::document::Entry<'_>,
    enclosure: &rss::Enclosure,
    at: (&Path, Option<usize>),
    findings: &mut Findings,
) {
    let (episode, record) = (entry.episode, entry.record);
    let id = format!("{}/{}", entry.feed.id, episode.id);
    let mime = enclosure.mime_type();
    if !matches!(mime, "audio/mpeg" | "audio/mp4" | "audio/x-m4a") {
        let message = format!(
            "episode `{id}` is `{mime}`, which Apple Podcasts ignores (it plays MP3 and M4A)"
        );
        findings.add(Severity::Warning, "enclosure-type", at, message);
    }
    let file = record.enclosure();
    match std::fs::symlink_metadata(root.join(file.media.as_path())) {
        Ok(meta) if meta.len().to_string() == enclosure.length() => {}
        Ok(meta) => {
            let message = format!(
                "episode `{id}`: the enclosure says {} bytes but `{}` has {}",
                enclosure.length(),
                file.media,
                meta.len()
            );
            findings.add(Severity::Error, "enclosure-length", at, message);
        }
        Err(_) => {
            let message = format!(
                "episode `{id}`: `{}` is missing; run `archive sync`",
                file.media
            );
            findings.add(Severity::Error, "enclosure-length", at, message);
        }
    }
    let settings = &entry.feed.channel.rendition;
    let wanted = settings.enabled() && episode.rendition;
    let key = crate::rendition::rendition_key(&record.sha256, settings);
    let made = record.rendition.as_ref().map(|rendition| &rendition.key);
    if wanted && made != Some(&key) {
        let message = format!(
            "episode `{id}` has no rendition made with the feed's settings yet; run `archive sync`"
        );
        findings.add(Severity::Warning, "rendition", at, message);
    }
    if file.whole_seconds() == 0 {
        findings.add(
            Severity::Error,
            "duration",
            at,
            format!("episode `{id}` has no duration"),
        );
    }
    if let Some(bite) = &episode.soundbite {
        if bite.start + bite.duration > record.probe.duration {
            let message = format!("episode `{id}`: the soundbite ends after the recording");
            findings.add(Severity::Error, "soundbite", at, message);
        } else if !(15.0..=120.0).contains(&bite.duration) {
            let message = format!("episode `{id}`: a soundbite should last 15 to 120 seconds");
            findings.add(Severity::Warning, "soundbite", at, message);
        }
    }
    if episode.excerpt.len() > DESCRIPTION_LIMIT {
        let message = format!(
            "episode `{id}`: the excerpt is cut to {DESCRIPTION_LIMIT} bytes in `description`; `content:encoded` has it whole"
        );
        findings.add(Severity::Note, "length", at, message);
    }
}

/// Text of a catalog file with characters the feed leaves out ([`stripped`]: C0 controls but
/// tab and line breaks, DEL, the C1 controls, U+FFFE, U+FFFF): a warning at the line of each
/// such value, naming its key and the characters.
pub fn control_characters(root: &Path, file: &Path, findings: &mut Findings) {
    // The catalog loaded from this file a moment ago; a file that has gone is its problem.
    let Ok(text) = std::fs::read_to_string(root.join(file)) else {
        return;
    };
    let Ok(document) = toml_edit::Document::parse(text.as_str()) else {
        return;
    };
    let source = SourceText::new(file, text.clone());
    let mut found = Vec::new();
    strings_in_table(document.as_table(), "", &mut found);
    for (key, value, span) in found {
        let mut characters: Vec<String> = Vec::new();
        for c in value.chars().filter(|&c| stripped(c)) {
            let code = format!("U+{:04X}", u32::from(c));
            if !characters.contains(&code) {
                characters.push(code);
            }
        }
        if characters.is_empty() {
            continue;
        }
        let line = span.map(|span| source.line(span.start));
        let message = format!(
            "`{key}` has control characters ({}), which the feed leaves out; remove them from `{}`",
            characters.join(", "),
            file.display()
        );
        findings.add(
            Severity::Warning,
            "control-character",
            (file, line),
            message,
        );
    }
}

/// Every string value under `table`, with its dotted key and its span in the file.
fn strings_in_table(
    table: &toml_edit::Table,
    prefix: &str,
    found: &mut Vec<(String, String, Option<std::ops::Range<usize>>)>,
) {
    for (key, item) in table {
        let key = if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        };
        match item {
            toml_edit::Item::Value(value) => strings_in_value(value, &key, found),
            toml_edit::Item::Table(table) => strings_in_table(table, &key, found),
            toml_edit::Item::ArrayOfTables(tables) => {
                for table in tables {
                    strings_in_table(table, &key, found);
                }
            }
            toml_edit::Item::None => {}
        }
    }
}

fn strings_in_value(
    value: &toml_edit::Value,
    key: &str,
    found: &mut Vec<(String, String, Option<std::ops::Range<usize>>)>,
) {
    match value {
        toml_edit::Value::String(text) => {
            found.push((key.to_owned(), text.value().clone(), value.span()));
        }
        toml_edit::Value::Array(array) => {
            for value in array {
                strings_in_value(value, key, found);
            }
        }
        toml_edit::Value::InlineTable(table) => {
            for (name, value) in table {
                strings_in_value(value, &format!("{key}.{name}"), found);
            }
        }
        _ => {}
    }
}
