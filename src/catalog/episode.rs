//! `[[episode]]` of a feed file, and the speaker credits of episodes and channels.

use std::collections::HashMap;

use toml::Spanned;

use super::check::Checker;
use super::feed_file::derived_guid;
use super::id::{EpisodeId, EventId, FeedId};
use super::model::{Credit, Episode, Event, Soundbite, Source, Speaker, Transcript};
use super::raw::{EpisodeTable, Soundbite as RawSoundbite, SpeakerRef};
use super::speakers::Lookup;
use super::suggest::{close, did_you_mean};
use super::{chapters as chapters_file, transcript as transcript_file};

/// What an episode can refer to.
pub struct Context<'a> {
    pub feed: &'a FeedId,
    /// The events free of problems.
    pub events: &'a HashMap<&'a EventId, &'a Event>,
    /// The id of every event written, also of those with problems.
    pub event_ids: &'a [String],
    pub speakers: Lookup<'a>,
}

/// Checks one `[[episode]]`.
pub fn check(
    checker: &mut Checker<'_>,
    context: &Context<'_>,
    spanned: &Spanned<EpisodeTable>,
) -> Option<Episode> {
    let table = spanned.get_ref();
    let id = checker.id(&table.id, EpisodeId::parse);
    let title = checker.text(&table.title, "title");
    let event = checker.optional(table.event.as_ref(), |c, v| event(c, context, v));
    let credits = if table.speakers.get_ref().is_empty() {
        checker.error(
            table.speakers.span(),
            "`speakers` is empty: name at least one speaker",
        )
    } else {
        credits(checker, context, table.speakers.get_ref())
    };
    let audio = checker.source(&table.audio, "audio", false);
    let excerpt = checker.text(&table.excerpt, "excerpt");
    let published = checker.optional(table.published.as_ref(), |c, v| c.date(v, "published"));
    let guid = checker.optional(table.guid.as_ref(), |c, v| c.text(v, "guid"));
    let sha256 = checker.optional(table.sha256.as_ref(), sha256);
    let transcript = checker.optional(table.transcript.as_ref(), transcript);
    let chapters = checker.optional(table.chapters.as_ref(), chapters);
    let episode_type = checker.optional(table.episode_type.as_ref(), episode_type);
    let soundbite = checker.optional(table.soundbite.as_ref(), soundbite);
    let season = checker.optional(table.season.as_ref(), |c, v| positive(c, v, "season"));
    let number = checker.optional(table.number.as_ref(), |c, v| positive(c, v, "number"));
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
        season: season?,
        number: number?,
        episode_type: episode_type?.unwrap_or("full"),
        soundbite: soundbite?,
        rendition: table.rendition.unwrap_or(true),
        line: checker.line(spanned.span().start),
    })
}

/// The event an episode names; an event with problems of its own is not reported again.
fn event(c: &mut Checker<'_>, context: &Context<'_>, v: &Spanned<String>) -> Option<Event> {
    let id = c.id(v, EventId::parse)?;
    if let Some(event) = context.events.get(&id) {
        return Some((*event).clone());
    }
    if context
        .event_ids
        .iter()
        .any(|written| written == id.as_str())
    {
        return None;
    }
    let known = context.event_ids.iter().map(String::as_str);
    let suggestion = did_you_mean(close(id.as_str(), known));
    c.error(
        v.span(),
        format!("no event `{id}` in this feed{suggestion}"),
    )
}

/// `sha256`: 64 hex digits, lowercased.
fn sha256(c: &mut Checker<'_>, v: &Spanned<String>) -> Option<String> {
    let hex = v.get_ref().to_ascii_lowercase();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some(hex)
    } else {
        c.error(v.span(), "`sha256` must be 64 hexadecimal digits")
    }
}

/// `transcript`: a file or URL, and its type.
fn transcript(c: &mut Checker<'_>, v: &Spanned<String>) -> Option<Transcript> {
    let source = c.source(v, "transcript", true)?;
    match transcript_file::recognise(source, c.root) {
        Ok(transcript) => Some(transcript),
        Err(message) => c.error(v.span(), format!("`transcript`: {message}")),
    }
}

/// `chapters`: a JSON chapters file or URL.
fn chapters(c: &mut Checker<'_>, v: &Spanned<String>) -> Option<Source> {
    let source = c.source(v, "chapters", true)?;
    match chapters_file::check(&source, c.root) {
        Ok(()) => Some(source),
        Err(message) => c.error(v.span(), format!("`chapters`: {message}")),
    }
}

/// `episode_type`: `full`, `trailer` or `bonus`.
fn episode_type(c: &mut Checker<'_>, v: &Spanned<String>) -> Option<&'static str> {
    match v.get_ref().as_str() {
        "full" => Some("full"),
        "trailer" => Some("trailer"),
        "bonus" => Some("bonus"),
        other => c.error(
            v.span(),
            format!("`episode_type` must be `full`, `trailer` or `bonus`, not `{other}`"),
        ),
    }
}

/// `soundbite`: a start and a positive duration.
fn soundbite(c: &mut Checker<'_>, v: &Spanned<RawSoundbite>) -> Option<Soundbite> {
    let bite = v.get_ref();
    if !(bite.start >= 0.0
        && bite.duration > 0.0
        && bite.start.is_finite()
        && bite.duration.is_finite())
    {
        return c.error(
            v.span(),
            "`soundbite` needs a `start` of zero or more and a positive `duration`, in seconds",
        );
    }
    Some(Soundbite {
        start: bite.start,
        duration: bite.duration,
        title: bite.title.clone(),
    })
}

/// `season` and `number`: Apple wants them 1 or more.
fn positive(c: &mut Checker<'_>, v: &Spanned<u32>, what: &str) -> Option<u32> {
    match *v.get_ref() {
        0 => c.error(v.span(), format!("`{what}` must be 1 or more")),
        n => Some(n),
    }
}

/// Speaker credits (`speakers` of an episode, `persons` of a feed), each with its role.
pub fn credits(
    checker: &mut Checker<'_>,
    context: &Context<'_>,
    list: &[Spanned<SpeakerRef>],
) -> Option<Vec<Credit>> {
    let mut credits = Vec::new();
    let mut failed = false;
    for entry in list {
        let (id, role, group) = match entry.get_ref() {
            SpeakerRef::Id(id) => (id, None, None),
            SpeakerRef::Credit(credit) => (&credit.id, credit.role.as_ref(), credit.group.as_ref()),
        };
        let Some(speaker) = speaker(checker, context, id, entry.span()) else {
            failed = true;
            continue;
        };
        if credits
            .iter()
            .any(|credit: &Credit| credit.speaker == speaker.id)
        {
            checker.error::<()>(
                entry.span(),
                format!("speaker `{}` is credited twice", speaker.id),
            );
            failed = true;
            continue;
        }
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
    context: &Context<'a>,
    id: &str,
    span: std::ops::Range<usize>,
) -> Option<&'a Speaker> {
    match context.speakers.find(id) {
        Ok(found) => found,
        Err(message) => checker.error(span, message),
    }
}
