//! The clients, each run on a feed file and its view turned into one JSON shape: the channel's
//! `title`, `guid`, `locked`, and per item `title`, `guid`, `url`, `length`, `type`,
//! `published` (seconds since the epoch), `duration` (seconds), `description`, `content`
//! (HTML), `persons`, `transcripts`, `chapters`, `season`, `episode`, `soundbites`.
//!
//! The Python and npm clients are installed by `tests/clients/setup.sh`; feed-rs and the rss
//! crate run in-process.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::repo;

/// Every client in the matrix.
pub const CLIENTS: [&str; 7] = [
    "partytime",
    "podcastparser",
    "feedparser",
    "rss-parser",
    "feedsmith",
    "feed-rs",
    "rss",
];

/// What `client` read of the feed at `path`.
pub fn parse_with(client: &str, feed: &Path) -> Value {
    match client {
        "feed-rs" => feed_rs(feed),
        "rss" => rss_crate(feed),
        _ => external(client, feed),
    }
}

fn external(client: &str, feed: &Path) -> Value {
    let dir = repo().join("tests/clients");
    let python = dir.join(".venv/bin/python");
    let (program, script): (PathBuf, &str) = match client {
        "partytime" => ("node".into(), "partytime.js"),
        "rss-parser" => ("node".into(), "rss_parser.js"),
        "feedsmith" => ("node".into(), "feedsmith.js"),
        "podcastparser" => (python, "podcastparser_dump.py"),
        "feedparser" => (python, "feedparser_dump.py"),
        other => panic!("no client {other}"),
    };
    let output = Command::new(&program)
        .arg(dir.join(script))
        .arg(feed)
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "{client}: cannot run {}: {err}; run tests/clients/setup.sh",
                program.display()
            )
        });
    assert!(
        output.status.success(),
        "{client} failed on {}: {}\n(run tests/clients/setup.sh if it is not installed)",
        feed.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// feed-rs 3, in-process: it maps the enclosure, the iTunes elements and the podcast
/// namespace (persons, transcripts, season, episode) onto media objects, one per source
/// unless it merges them.
fn feed_rs(path: &Path) -> Value {
    let feed = feed_rs::parser::parse(&std::fs::read(path).unwrap()[..]).unwrap();
    let items: Vec<Value> = feed
        .entries
        .iter()
        .map(|entry| {
            let media = &entry.media;
            let content = media.iter().flat_map(|m| &m.content).next();
            let persons: Vec<_> = media
                .iter()
                .flat_map(|m| &m.people)
                .map(|p| {
                    json!({
                        "name": p.name,
                        "role": format!("{:?}", p.role).to_lowercase(),
                        "group": format!("{:?}", p.group).to_lowercase(),
                    })
                })
                .collect();
            let transcripts: Vec<_> = media
                .iter()
                .flat_map(|m| &m.transcripts)
                .map(|t| {
                    json!({
                        "url": t.url.to_string(),
                        "type": t.content_type.to_string(),
                        "rel": t.rel,
                    })
                })
                .collect();
            json!({
                "title": entry.title.as_ref().map(|t| t.content.clone()),
                "guid": entry.id,
                "url": content.and_then(|c| c.url.as_ref()).map(ToString::to_string),
                "length": content.and_then(|c| c.size),
                "type": content.and_then(|c| c.content_type.as_ref()).map(ToString::to_string),
                "published": entry.published.map(|p| p.timestamp()),
                "duration": media.iter().find_map(|m| m.duration).map(|d| d.as_secs()),
                "description": entry.summary.as_ref().map(|s| s.content.clone()),
                "content": entry.content.as_ref().and_then(|c| c.body.clone()),
                "persons": persons,
                "transcripts": transcripts,
                "season": media.iter().find_map(|m| m.season.as_ref()).map(|s| s.number),
                "episode": media.iter().find_map(|m| m.episode.as_ref()).map(|e| e.number),
            })
        })
        .collect();
    json!({ "title": feed.title.map(|t| t.content), "items": items })
}

/// The rss crate, in-process: the feed must pass its `validate()`, and its extension map
/// gives the podcast namespace by prefix.
fn rss_crate(path: &Path) -> Value {
    use rss::validation::Validate;
    let channel = rss::Channel::read_from(&std::fs::read(path).unwrap()[..]).unwrap();
    if let Err(err) = channel.validate() {
        panic!("rss: {} does not validate: {err}", path.display());
    }
    let podcast = |map: &rss::extension::ExtensionMap, name: &str| {
        map.get("podcast")
            .and_then(|p| p.get(name))
            .cloned()
            .unwrap_or_default()
    };
    let items: Vec<Value> = channel
        .items()
        .iter()
        .map(|item| {
            let enclosure = item.enclosure();
            let map = item.extensions();
            let value = |name: &str| {
                podcast(map, name)
                    .first()
                    .and_then(|e| e.value()?.parse::<u64>().ok())
            };
            json!({
                "title": item.title(),
                "guid": item.guid().map(rss::Guid::value),
                "url": enclosure.map(rss::Enclosure::url),
                "length": enclosure.and_then(|e| e.length().parse::<u64>().ok()),
                "type": enclosure.map(rss::Enclosure::mime_type),
                "published": item.pub_date().and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok()).map(|d| d.timestamp()),
                "duration": item.itunes_ext().and_then(|i| i.duration()?.parse::<u64>().ok()),
                "description": item.description(),
                "content": item.content(),
                "persons": podcast(map, "person").iter().map(|p| json!({
                    "name": p.value(), "role": p.attrs().get("role"), "group": p.attrs().get("group"),
                })).collect::<Vec<_>>(),
                "transcripts": podcast(map, "transcript").iter().map(|t| json!({
                    "url": t.attrs().get("url"), "type": t.attrs().get("type"), "rel": t.attrs().get("rel"),
                })).collect::<Vec<_>>(),
                "chapters": podcast(map, "chapters").first().and_then(|c| c.attrs().get("url").cloned()),
                "season": value("season"),
                "episode": value("episode"),
                "soundbites": podcast(map, "soundbite").iter().map(|s| json!({
                    "start": s.attrs()["startTime"].parse::<f64>().ok(),
                    "duration": s.attrs()["duration"].parse::<f64>().ok(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let guid = podcast(channel.extensions(), "guid");
    let locked = podcast(channel.extensions(), "locked");
    json!({
        "title": channel.title(),
        "guid": guid.first().and_then(|g| g.value()),
        "locked": locked.first().map(|l| l.value() == Some("yes")),
        "items": items,
    })
}
