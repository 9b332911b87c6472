//! What every client must read of a feed, worked out from the catalog (`feeds/*.toml`), the
//! published media and the probed recordings, never from the feed under test.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate};
use speech_archive::catalog::{EpisodeId, FeedId, derived_guid};
use toml::{Table, Value};

/// One item as the catalog says it must be read.
#[derive(Debug)]
pub struct Item {
    pub title: String,
    pub guid: String,
    pub url: String,
    pub length: u64,
    pub mime_type: String,
    pub published: i64,
    pub duration: u64,
    /// Name, role and group, in credit order.
    pub persons: Vec<(String, String, String)>,
    /// URL, type and whether it is captions.
    pub transcript: Option<(String, String, bool)>,
    pub chapters: Option<String>,
    pub season: Option<u32>,
    pub episode: Option<u32>,
    pub soundbite: Option<(f64, f64)>,
    /// What `description` shows: speaker and event lines, the excerpt and the note, as text.
    pub description: String,
    /// The excerpt, which `content:encoded` carries whole.
    pub excerpt: String,
}

/// The characters a feed cannot carry (XML 1.0 and HTML): C0 controls but tab, LF and CR,
/// DEL and the C1 controls, U+FFFE and U+FFFF.
pub fn strip_controls(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            !(matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}')
                || ('\u{7F}'..='\u{9F}').contains(&c)
                || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect()
}

/// Whitespace runs as one space, trimmed: how an HTML page shows text.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn toml(root: &Path, relative: &str) -> Table {
    let text = std::fs::read_to_string(root.join(relative)).unwrap();
    toml::from_str(&text).unwrap()
}

/// The items of `feeds/<feed>.xml`, newest first.
pub fn feed(root: &Path, feed: &str) -> Vec<Item> {
    items(root, &[feed], |_| true)
}

/// The items of the speaker feed of `speaker`, newest first.
pub fn speaker(root: &Path, feeds: &[&str], speaker: &str) -> Vec<Item> {
    items(root, feeds, |episode| {
        credits(episode).iter().any(|(id, _)| id == speaker)
    })
}

fn items(root: &Path, feeds: &[&str], wanted: impl Fn(&Table) -> bool) -> Vec<Item> {
    let speakers = toml(root, "feeds/speakers.toml")["speakers"]
        .as_table()
        .unwrap()
        .clone();
    let mut durations = HashMap::new();
    let mut items = Vec::new();
    for feed_id in feeds {
        let catalog = toml(root, &format!("feeds/{feed_id}.toml"));
        let episodes = catalog.get("episode").and_then(Value::as_array);
        for episode in episodes.into_iter().flatten() {
            let episode = episode.as_table().unwrap();
            if wanted(episode) {
                let context = Context {
                    root,
                    feed_id,
                    catalog: &catalog,
                    speakers: &speakers,
                };
                items.push(item(&context, episode, &mut durations));
            }
        }
    }
    // Newest first; the catalog order breaks ties (a stable sort).
    items.sort_by_key(|item| std::cmp::Reverse(item.published));
    items
}

struct Context<'a> {
    root: &'a Path,
    feed_id: &'a str,
    catalog: &'a Table,
    speakers: &'a Table,
}

fn item(context: &Context<'_>, episode: &Table, durations: &mut HashMap<String, u64>) -> Item {
    let Context { root, feed_id, .. } = *context;
    let text = |key: &str| episode.get(key).and_then(Value::as_str).map(str::to_owned);
    let id = text("id").unwrap();
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root.join(format!(".archive/state/{feed_id}/{id}.json"))).unwrap(),
    )
    .unwrap();
    // The enclosure is the rendition when the feed makes one, else the recording itself.
    let rendition = record.get("rendition");
    let media = rendition.unwrap_or(&record)["media"]
        .as_str()
        .unwrap()
        .to_owned();
    let duration = *durations.entry(media.clone()).or_insert_with(|| {
        speech_archive::probe::probe_file(&root.join(&media))
            .unwrap()
            .whole_seconds()
    });
    let audio = text("audio").unwrap();
    let public_url = context.catalog["feed"]["public_url"].as_str().unwrap();
    let public_url = format!("{}/", public_url.trim_end_matches('/'));
    let number = |key: &str| {
        episode
            .get(key)
            .and_then(Value::as_integer)
            .map(|n| n.try_into().unwrap())
    };
    Item {
        title: strip_controls(&text("title").unwrap()),
        guid: text("guid").unwrap_or_else(|| {
            derived_guid(
                &FeedId::parse(feed_id).unwrap(),
                &EpisodeId::parse(&id).unwrap(),
            )
        }),
        url: format!("{public_url}{media}"),
        length: std::fs::metadata(root.join(&media)).unwrap().len(),
        mime_type: rendition.map_or_else(
            || mime_type(&audio).to_owned(),
            |rendition| rendition["mime_type"].as_str().unwrap().to_owned(),
        ),
        published: published(context.catalog, episode),
        duration,
        persons: persons(context.speakers, episode),
        transcript: text("transcript").map(|source| {
            let url = published_copy(root, feed_id, &public_url, &source);
            let vtt = Path::new(&source)
                .extension()
                .is_some_and(|ext| ext == "vtt");
            assert!(vtt, "no expectation for `{source}`");
            (url, "text/vtt".to_owned(), true)
        }),
        chapters: text("chapters")
            .map(|source| published_copy(root, feed_id, &public_url, &source)),
        season: number("season"),
        episode: number("number"),
        soundbite: episode.get("soundbite").map(|bite| {
            (
                bite["start"].as_float().unwrap(),
                bite["duration"].as_float().unwrap(),
            )
        }),
        description: description(context, episode),
        excerpt: squash(&strip_controls(&text("excerpt").unwrap())),
    }
}

/// The enclosure type of a recording, from its extension.
fn mime_type(audio: &str) -> &'static str {
    match audio.rsplit('.').next().unwrap() {
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "opus" | "ogg" => "audio/ogg",
        "flac" => "audio/flac",
        "wav" => "audio/wav",
        other => panic!("no expectation for `.{other}`"),
    }
}

/// The URL of the copy of `source` published under `media/<feed>/`: the file there named
/// `<stem>-<hash>.<ext>` with the same bytes.
fn published_copy(root: &Path, feed_id: &str, public_url: &str, source: &str) -> String {
    let bytes = std::fs::read(root.join(source)).unwrap();
    let name = Path::new(source).file_name().unwrap().to_str().unwrap();
    let (stem, ext) = name.rsplit_once('.').unwrap();
    let dir = root.join("media").join(feed_id);
    let copy = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .find(|file| {
            file.starts_with(&format!("{stem}-"))
                && file.ends_with(&format!(".{ext}"))
                && std::fs::read(dir.join(file)).unwrap() == bytes
        })
        .unwrap_or_else(|| panic!("no published copy of `{source}`"));
    format!("{public_url}media/{feed_id}/{copy}")
}

/// `published`, else the event's date, in seconds since the epoch.
fn published(catalog: &Table, episode: &Table) -> i64 {
    let when = episode.get("published").or_else(|| {
        let event = episode.get("event")?.as_str()?;
        let events = catalog.get("event")?.as_array()?;
        events
            .iter()
            .find(|e| e["id"].as_str() == Some(event))?
            .get("date")
    });
    let when = when.unwrap().as_datetime().unwrap().to_string();
    match DateTime::parse_from_rfc3339(&when) {
        Ok(time) => time.timestamp(),
        Err(_) => NaiveDate::parse_from_str(&when, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp(),
    }
}

/// The speakers of an episode, with the role they have there.
fn credits(episode: &Table) -> Vec<(String, Option<String>)> {
    episode["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|credit| match credit {
            Value::String(id) => (id.clone(), None),
            Value::Table(credit) => (
                credit["id"].as_str().unwrap().to_owned(),
                credit
                    .get("role")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            ),
            other => panic!("unexpected credit {other}"),
        })
        .collect()
}

/// Name, role and group of each speaker; the tests' catalogs give a group with every role
/// that is not in the `cast` group.
fn persons(speakers: &Table, episode: &Table) -> Vec<(String, String, String)> {
    credits(episode)
        .into_iter()
        .map(|(id, role)| {
            let speaker = &speakers[&id];
            let field = |key: &str| speaker.get(key).and_then(Value::as_str);
            let role = role.as_deref().or(field("role")).unwrap_or("guest");
            (
                strip_controls(field("name").unwrap()),
                role.to_lowercase(),
                field("group").unwrap_or("cast").to_lowercase(),
            )
        })
        .collect()
}

/// The text of `description`: a line per speaker, the event, the excerpt and the note.
fn description(context: &Context<'_>, episode: &Table) -> String {
    let mut parts = Vec::new();
    for (id, _) in credits(episode) {
        let speaker = &context.speakers[&id];
        let name = speaker["name"].as_str().unwrap();
        match speaker.get("title").and_then(Value::as_str) {
            Some(title) => parts.push(format!("Speaker: {name}, {title}")),
            None => parts.push(format!("Speaker: {name}")),
        }
    }
    let event = episode.get("event").and_then(Value::as_str).and_then(|id| {
        let events = context.catalog.get("event")?.as_array()?;
        events.iter().find(|e| e["id"].as_str() == Some(id))
    });
    if let Some(event) = event {
        let date = event["date"].as_datetime().unwrap().to_string();
        let date = NaiveDate::parse_from_str(&date[..10], "%Y-%m-%d").unwrap();
        let title = event["title"].as_str().unwrap();
        parts.push(format!("Event: {title}, {}", date.format("%B %-d, %Y")));
    }
    parts.push(episode["excerpt"].as_str().unwrap().to_owned());
    if let Some(note) = episode.get("note").and_then(Value::as_str) {
        parts.push(note.to_owned());
    }
    // Angle brackets of catalog text are shown as angle quotes in a description.
    let text = parts.join("\n").replace('<', "‹").replace('>', "›");
    squash(&strip_controls(&text))
}

/// `text` with HTML entities decoded once more, as partytime hands on every text (it runs
/// `he.decode` on what the XML parser already decoded): `&amp;lt;` comes back as `<`.
pub fn decoded_again(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&end| end <= 10);
        let decoded = end.and_then(|end| match &rest[1..end] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            number => {
                let number = number.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        if let (Some(c), Some(end)) = (decoded, end) {
            out.push(c);
            rest = &rest[end + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}
