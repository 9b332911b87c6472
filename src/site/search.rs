//! The search's files among the site's outputs: the index of every synced speech (built
//! once per rendering, and only when one of its files is to be written) and each speech's
//! passages. The format and the ranking are [`crate::search`]'s.

use super::transcript;
use super::{Context, Page, full_entries};
use crate::feed::document::Entry;
use crate::search::index::{self, Written};
use crate::search::passage::Passages;
use crate::search::{Speech, data_file};

/// The index, if `pages` has one of its files.
pub fn index_if_needed(context: &Context<'_, '_>, pages: &[Page<'_>]) -> Option<Written> {
    let needed = pages
        .iter()
        .any(|page| matches!(page, Page::SearchIndex | Page::SearchTerms(_)));
    needed.then(|| write(context))
}

/// Every synced speech, newest first (then by feed and episode id).
fn entries<'a>(context: &Context<'_, 'a>) -> Vec<Entry<'a>> {
    let mut entries: Vec<Entry<'a>> = context
        .catalog
        .feeds
        .iter()
        .flat_map(|feed| full_entries(context.documents, feed).iter().copied())
        .collect();
    entries.sort_by(|a, b| {
        (b.episode.published, &a.feed.id, &a.episode.id).cmp(&(
            a.episode.published,
            &b.feed.id,
            &b.episode.id,
        ))
    });
    entries
}

fn write(context: &Context<'_, '_>) -> Written {
    let entries = entries(context);
    let speeches: Vec<Speech<'_>> = entries.iter().map(|entry| speech(context, entry)).collect();
    let transcripts = |n: usize| {
        let transcript = entries.get(n)?.episode.transcript.as_ref()?;
        transcript::load(context.root, transcript)
    };
    index::write(&speeches, &transcripts)
}

/// The page path of an entry, from `feeds/` and without `.html`.
fn page(entry: &Entry<'_>) -> String {
    format!("{}/{}", entry.feed.id, entry.episode.id)
}

fn speech<'a>(context: &Context<'_, 'a>, entry: &Entry<'a>) -> Speech<'a> {
    let (feed, episode) = (entry.feed, entry.episode);
    let speakers = episode
        .credits
        .iter()
        .filter_map(|credit| context.catalog.speakers.get(&credit.speaker))
        .map(|speaker| (speaker.name.as_str(), format!("speakers/{}", speaker.id)))
        .collect();
    let event = episode
        .event
        .as_ref()
        .and_then(|id| feed.event(id))
        .map(|event| {
            (
                event.title.as_str(),
                format!("{}/events/{}", feed.id, event.id),
            )
        });
    Speech {
        page: page(entry),
        title: &episode.title,
        speakers,
        event,
        date: episode.published.format("%Y-%m-%d").to_string(),
        excerpt: &episode.excerpt,
    }
}

/// The passages file of one speech.
pub fn passages(context: &Context<'_, '_>, entry: &Entry<'_>) -> String {
    let transcript = entry
        .episode
        .transcript
        .as_ref()
        .and_then(|t| transcript::load(context.root, t));
    data_file(&Passages::new(
        &page(entry),
        &entry.episode.excerpt,
        transcript.as_deref(),
    ))
}
