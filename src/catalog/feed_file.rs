//! `feeds/<feed-id>.toml`: one feed with its channel metadata, events and episodes.

use std::collections::HashMap;
use std::path::Path;

use toml::Spanned;

use super::check::Checker;
use super::diagnostic::{Diagnostic, SourceText, sort_by_position};
use super::episode::{self, Context};
use super::id::{EpisodeId, EventId, FeedId};
use super::model::{Category, Channel, Episode, Event, Feed, Owner};
use super::raw::{EpisodeTable, EventTable, FeedTable};
use super::schema;
use super::speakers::Lookup;

/// Parses and checks one feed file, its id taken from its file name.
pub fn parse_file(
    source: &SourceText,
    root: &Path,
    speakers: Lookup<'_>,
) -> Result<Feed, Vec<Diagnostic>> {
    let stem = source
        .path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy();
    match FeedId::parse(&stem) {
        Ok(id) => parse(id, source, root, speakers),
        Err(message) => {
            let mut diagnostics = vec![Diagnostic::whole_file(
                &source.path,
                format!("file name: feed {message}"),
            )];
            // The content is checked all the same, under a stand-in id; the feed is not kept.
            let stand_in = FeedId::parse("feed").expect("a valid id");
            if let Err(mut found) = parse(stand_in, source, root, speakers) {
                diagnostics.append(&mut found);
            }
            Err(diagnostics)
        }
    }
}

/// Parses and checks one feed file against the speaker registry. An error without
/// diagnostics means that the feed credits speakers whose registry entries have problems.
pub fn parse(
    id: FeedId,
    source: &SourceText,
    root: &Path,
    speakers: Lookup<'_>,
) -> Result<Feed, Vec<Diagnostic>> {
    let mut checker = Checker::new(source, root);
    let raw = schema::feed_file(&mut checker)?;
    let mut failed = false;
    let events = unique(
        &mut checker,
        &raw.event,
        "event",
        |e| &e.id,
        |c, e| event(c, e.get_ref()),
    );
    let events_by_id: HashMap<&EventId, &Event> = events.iter().map(|e| (&e.id, e)).collect();
    let context = Context {
        feed: &id,
        events: &events_by_id,
        event_ids: &raw.event_ids,
        speakers,
    };
    let channel = raw
        .feed
        .as_ref()
        .and_then(|feed| channel(&mut checker, &context, feed));
    let episodes = unique(
        &mut checker,
        &raw.episode,
        "episode",
        |e| &e.id,
        |c, e| {
            let episode = episode::check(c, &context, e);
            failed |= episode.is_none();
            episode
        },
    );
    check_unique_guids(&mut checker, &raw.episode, &episodes);
    sort_by_position(&mut checker.diagnostics);
    match channel {
        Some(channel) if checker.diagnostics.is_empty() && !failed => Ok(Feed {
            id,
            file: source.path.clone(),
            channel,
            events,
            episodes,
        }),
        _ => Err(checker.diagnostics),
    }
}

/// Checks each table, rejecting a repeated id; returns the tables that passed.
fn unique<R, T>(
    checker: &mut Checker<'_>,
    tables: &[Spanned<R>],
    kind: &str,
    id_of: impl Fn(&R) -> &Spanned<String>,
    mut check: impl FnMut(&mut Checker<'_>, &Spanned<R>) -> Option<T>,
) -> Vec<T> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut passed = Vec::new();
    for table in tables {
        let id = id_of(table.get_ref());
        if let Some(first) = seen.get(id.get_ref().as_str()) {
            let message = format!(
                "duplicate {kind} id `{}` (first defined on line {first})",
                id.get_ref()
            );
            checker.error::<()>(id.span(), message);
            continue;
        }
        let line = checker.line(id.span().start);
        seen.insert(id.get_ref(), line);
        passed.extend(check(checker, table));
    }
    passed
}

fn channel(
    checker: &mut Checker<'_>,
    context: &Context<'_>,
    spanned: &Spanned<FeedTable>,
) -> Option<Channel> {
    let table = spanned.get_ref();
    let title = checker.text(&table.title, "title");
    let description = checker.text(&table.description, "description");
    let language = language(checker, &table.language);
    let public_url = checker
        .url(&table.public_url, "public_url")
        .map(with_trailing_slash);
    let persons = episode::credits(checker, context, &table.persons);
    let limit = checker.optional(table.limit.as_ref(), |c, v| match *v.get_ref() {
        0 => c.error(v.span(), "`limit` must be at least 1"),
        n => usize::try_from(n).ok(),
    });
    let rendition =
        checker.optional(
            table.rendition.as_ref(),
            |c, raw| match crate::rendition::Settings::new(*raw.get_ref()) {
                Ok(settings) => Some(settings),
                Err(err) => c.error(raw.span(), format!("`[feed.rendition]`: {err}")),
            },
        );
    let owner = checker.optional(table.owner.as_ref(), |c, owner| {
        let email = owner.get_ref().email.get_ref();
        if !email.contains('@') || email.trim() != email {
            let message = format!("`owner.email`: `{email}` is not an email address");
            return c.error(owner.get_ref().email.span(), message);
        }
        Some(Owner {
            name: owner.get_ref().name.clone(),
            email: email.clone(),
        })
    });
    let image = checker.optional(table.image.as_ref(), |c, v| c.source(v, "image", true));
    let recheck = checker.optional(table.recheck.as_ref(), |c, v| {
        humantime::parse_duration(v.get_ref()).map_or_else(
            |_| {
                let message = format!(
                    "`recheck`: `{}` is not a duration; write it like \"7d\", \"12h\" or \"0s\"",
                    v.get_ref()
                );
                c.error(v.span(), message)
            },
            Some,
        )
    });
    let link = checker.optional(table.link.as_ref(), |c, v| c.url(v, "link"));
    let categories: Vec<Option<Category>> = table
        .categories
        .iter()
        .map(|text| category(checker, text))
        .collect();
    Some(Channel {
        title: title?,
        description: description?,
        language: language?,
        public_url: public_url?,
        author: table.author.clone(),
        owner: owner?,
        image: image?,
        categories: categories.into_iter().collect::<Option<_>>()?,
        explicit: table.explicit,
        link: link?,
        locked: table.locked,
        persons: persons?,
        limit: limit?,
        rendition: rendition?.unwrap_or_default(),
        recheck: recheck?.unwrap_or(crate::fetch::recheck::DEFAULT),
        line: checker.line(spanned.span().start),
    })
}

/// A public URL as the base of `feeds/` and `media/`: with a trailing `/`.
pub fn with_trailing_slash(mut url: url::Url) -> url::Url {
    if !url.path().ends_with('/') {
        url.set_path(&format!("{}/", url.path()));
    }
    url
}

/// An ISO 639 language code, optionally with a region: `en`, `fa`, `en-US`.
fn language(checker: &mut Checker<'_>, value: &Spanned<String>) -> Option<String> {
    let text = value.get_ref();
    let mut parts = text.split('-');
    let code_ok = parts
        .next()
        .is_some_and(|c| (2..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_lowercase()));
    let region_ok = match parts.next() {
        None => true,
        Some(r) => {
            (r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()))
                || (r.len() == 3 && r.bytes().all(|b| b.is_ascii_digit()))
        }
    };
    if code_ok && region_ok && parts.next().is_none() {
        Some(text.clone())
    } else {
        let message =
            format!("`language`: `{text}` is not an ISO 639 code such as `en` or `en-US`");
        checker.error(value.span(), message)
    }
}

/// `"Parent"` or `"Parent > Child"`.
fn category(checker: &mut Checker<'_>, value: &Spanned<String>) -> Option<Category> {
    let line = checker.line(value.span().start);
    let mut parts = value.get_ref().split('>').map(str::trim);
    let name = parts.next().filter(|n| !n.is_empty());
    let sub = parts.next();
    match (name, sub, parts.next()) {
        (Some(name), None, None) => Some(Category {
            name: name.to_owned(),
            sub: None,
            line,
        }),
        (Some(name), Some(sub), None) if !sub.is_empty() => Some(Category {
            name: name.to_owned(),
            sub: Some(sub.to_owned()),
            line,
        }),
        _ => {
            let message = format!(
                "category `{}` must be `Parent` or `Parent > Child`",
                value.get_ref()
            );
            checker.error(value.span(), message)
        }
    }
}

fn event(checker: &mut Checker<'_>, table: &EventTable) -> Option<Event> {
    let id = checker.id(&table.id, EventId::parse);
    let title = checker.text(&table.title, "title");
    let date = checker.date(&table.date, "date");
    let link = checker.optional(table.link.as_ref(), |c, v| c.url(v, "link"));
    Some(Event {
        id: id?,
        title: title?,
        date: date?,
        link: link?,
        summary: table.summary.clone(),
    })
}

/// The GUID of an episode without a `guid` override: a `UUIDv5` of `<feed-id>/<episode-id>`,
/// so that it survives changes to the title, the audio and the public URL.
pub fn derived_guid(feed: &FeedId, episode: &EpisodeId) -> String {
    uuid::Uuid::new_v5(&GUID_NAMESPACE, format!("{feed}/{episode}").as_bytes()).to_string()
}

/// The namespace of episode GUIDs: the `UUIDv5` of `urn:speech-archive:episode` in the URL
/// namespace.
const GUID_NAMESPACE: uuid::Uuid = uuid::uuid!("56816eaf-0726-5fea-8ca9-726a6863918e");

fn check_unique_guids(
    checker: &mut Checker<'_>,
    tables: &[Spanned<EpisodeTable>],
    episodes: &[Episode],
) {
    let mut seen: HashMap<&str, &EpisodeId> = HashMap::new();
    for episode in episodes {
        if let Some(first) = seen.insert(&episode.guid, &episode.id) {
            let span = tables
                .iter()
                .find(|t| t.get_ref().id.get_ref() == episode.id.as_str())
                .map_or(0..0, |t| {
                    t.get_ref()
                        .guid
                        .as_ref()
                        .map_or(t.get_ref().id.span(), Spanned::span)
                });
            let message = format!(
                "episode `{}` has the same guid as episode `{first}`",
                episode.id
            );
            checker.error::<()>(span, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_namespace_is_what_its_doc_says() {
        let computed =
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, b"urn:speech-archive:episode");
        assert_eq!(GUID_NAMESPACE, computed);
    }

    #[test]
    fn derived_guid_depends_only_on_feed_and_episode_ids() {
        let feed = FeedId::parse("talks").unwrap();
        let episode = EpisodeId::parse("2020-11-10-keynote").unwrap();
        assert_eq!(derived_guid(&feed, &episode), derived_guid(&feed, &episode));
        let other = FeedId::parse("other").unwrap();
        assert_ne!(
            derived_guid(&feed, &episode),
            derived_guid(&other, &episode)
        );
    }
}
