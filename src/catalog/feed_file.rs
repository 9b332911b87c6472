//! `feeds/<feed-id>.toml`: one feed with its channel metadata, events and episodes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use toml::Spanned;

use super::check::Checker;
use super::diagnostic::{Diagnostic, SourceText};
use super::id::{EpisodeId, EventId, FeedId, SpeakerId};
use super::model::{Category, Channel, Credit, Episode, Event, Feed, Owner, Speaker};
use super::raw::{EpisodeTable, EventTable, FeedFile, FeedTable, SpeakerRef};

/// Parses and checks one feed file against the speaker registry.
pub fn parse(
    id: FeedId,
    source: &SourceText,
    root: &Path,
    speakers: &BTreeMap<SpeakerId, Speaker>,
) -> Result<Feed, Vec<Diagnostic>> {
    let raw: FeedFile = super::parse_toml(source)?;
    let mut checker = Checker::new(source, root);
    let channel = channel(&mut checker, raw.feed.get_ref());
    let events = unique(&mut checker, &raw.event, "event", |e| &e.id, event);
    let events_by_id: HashMap<&EventId, &Event> = events.iter().map(|e| (&e.id, e)).collect();
    let context = EpisodeContext {
        feed: &id,
        events: &events_by_id,
        speakers,
    };
    let episodes = unique(
        &mut checker,
        &raw.episode,
        "episode",
        |e| &e.id,
        |c, e| episode(c, &context, e),
    );
    check_unique_guids(&mut checker, &raw.episode, &episodes);
    match channel {
        Some(channel) if checker.diagnostics.is_empty() => Ok(Feed {
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
    mut check: impl FnMut(&mut Checker<'_>, &R) -> Option<T>,
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
        let line = checker.source.text[..id.span().start].matches('\n').count() + 1;
        seen.insert(id.get_ref(), line);
        passed.extend(check(checker, table.get_ref()));
    }
    passed
}

fn channel(checker: &mut Checker<'_>, table: &FeedTable) -> Option<Channel> {
    let title = checker.text(&table.title, "title");
    let description = checker.text(&table.description, "description");
    let language = language(checker, &table.language);
    let public_url = checker.url(&table.public_url, "public_url").map(|mut url| {
        if !url.path().ends_with('/') {
            url.set_path(&format!("{}/", url.path()));
        }
        url
    });
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
    })
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
    let mut parts = value.get_ref().split('>').map(str::trim);
    let name = parts.next().filter(|n| !n.is_empty());
    let sub = parts.next();
    match (name, sub, parts.next()) {
        (Some(name), None, None) => Some(Category {
            name: name.to_owned(),
            sub: None,
        }),
        (Some(name), Some(sub), None) if !sub.is_empty() => Some(Category {
            name: name.to_owned(),
            sub: Some(sub.to_owned()),
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

struct EpisodeContext<'a> {
    feed: &'a FeedId,
    events: &'a HashMap<&'a EventId, &'a Event>,
    speakers: &'a BTreeMap<SpeakerId, Speaker>,
}

fn episode(
    checker: &mut Checker<'_>,
    context: &EpisodeContext<'_>,
    table: &EpisodeTable,
) -> Option<Episode> {
    let id = checker.id(&table.id, EpisodeId::parse);
    let title = checker.text(&table.title, "title");
    let event = checker.optional(table.event.as_ref(), |c, v| {
        let id = c.id(v, EventId::parse)?;
        match context.events.get(&id) {
            Some(event) => Some((*event).clone()),
            None => c.error(v.span(), format!("no event `{id}` in this feed")),
        }
    });
    let credits = credits(checker, context, &table.speakers);
    let audio = checker.source(&table.audio, "audio", false);
    let excerpt = checker.text(&table.excerpt, "excerpt");
    let published = checker.optional(table.published.as_ref(), |c, v| c.date(v, "published"));
    let guid = checker.optional(table.guid.as_ref(), |c, v| c.text(v, "guid"));
    let sha256 = checker.optional(table.sha256.as_ref(), |c, v| {
        let hex = v.get_ref().to_ascii_lowercase();
        if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some(hex)
        } else {
            c.error(v.span(), "`sha256` must be 64 hexadecimal digits")
        }
    });
    let transcript = checker.optional(table.transcript.as_ref(), |c, v| {
        c.source(v, "transcript", true)
    });
    let chapters = checker.optional(table.chapters.as_ref(), |c, v| {
        c.source(v, "chapters", true)
    });
    let image = checker.optional(table.image.as_ref(), |c, v| c.source(v, "image", true));
    let (id, event, published) = (id?, event?, published?);
    let Some(published) = published.or(event.as_ref().map(|e| e.date)) else {
        let message = format!("episode `{id}` has no date: set `published` or `event`");
        return checker.error(table.id.span(), message);
    };
    let guid = guid?.unwrap_or_else(|| derived_guid(context.feed, &id));
    Some(Episode {
        id,
        title: title?,
        event: event.map(|e| e.id),
        credits: credits?,
        audio: audio?,
        excerpt: excerpt?,
        note: table.note.clone(),
        published,
        guid,
        sha256: sha256?,
        transcript: transcript?,
        chapters: chapters?,
        image: image?,
        explicit: table.explicit.unwrap_or(false),
    })
}

fn credits(
    checker: &mut Checker<'_>,
    context: &EpisodeContext<'_>,
    list: &Spanned<Vec<Spanned<SpeakerRef>>>,
) -> Option<Vec<Credit>> {
    if list.get_ref().is_empty() {
        return checker.error(
            list.span(),
            "`speakers` is empty: name at least one speaker",
        );
    }
    let mut credits = Vec::new();
    let mut failed = false;
    for entry in list.get_ref() {
        let (id, role, group) = match entry.get_ref() {
            SpeakerRef::Id(id) => (id, None, None),
            SpeakerRef::Credit(credit) => (&credit.id, credit.role.as_ref(), credit.group.as_ref()),
        };
        let Some(speaker) = speaker(checker, context, id, entry.span()) else {
            failed = true;
            continue;
        };
        let (role, group) = if role.is_some() || group.is_some() {
            let Some(person) = checker.person(role, group) else {
                failed = true;
                continue;
            };
            person
        } else {
            (speaker.role, speaker.group)
        };
        credits.push(Credit {
            speaker: speaker.id.clone(),
            role,
            group,
        });
    }
    (!failed).then_some(credits)
}

fn speaker<'a>(
    checker: &mut Checker<'_>,
    context: &EpisodeContext<'a>,
    id: &str,
    span: std::ops::Range<usize>,
) -> Option<&'a Speaker> {
    let id = match SpeakerId::parse(id) {
        Ok(id) => id,
        Err(message) => return checker.error(span, message),
    };
    match context.speakers.get(&id) {
        Some(speaker) => Some(speaker),
        None => checker.error(span, format!("no speaker `{id}` in `feeds/speakers.toml`")),
    }
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
