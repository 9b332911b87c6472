//! What an import would do: the event, one row per speech (new, already imported, to review,
//! or without a recording), and the speakers it adds to the registry.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use url::Url;

use super::event::PageEvent;
use super::names::{folded, properly_written};
use super::pairing::{Paired, Speaker, Speech};
use super::{ImportError, ImportOptions};
use crate::catalog::{EpisodeId, EventId, SpeakerId};
use crate::edit::CatalogEdit;
use crate::speaker::suggest::id_from_name;

/// The planned import.
#[derive(Debug, Clone)]
pub struct Plan {
    pub event: PlannedEvent,
    pub rows: Vec<Row>,
    /// Speakers to add to `feeds/speakers.toml`.
    pub new_speakers: Vec<NewSpeaker>,
    /// The page, as given.
    pub source: String,
    /// The page's language and site name, for a feed the import creates.
    pub language: Option<String>,
    pub site: Option<String>,
    /// What was left out of the page, for the maintainer to know.
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether some speech needs a person's review.
    pub fn needs_review(&self) -> bool {
        self.rows
            .iter()
            .any(|row| matches!(row.status, Status::Review(_)))
    }

    /// The title of the episode made of `row`: `<speaker>: <event title>`.
    pub fn episode_title(&self, row: &Row) -> String {
        format!(
            "{}: {}",
            row.speaker.as_deref().unwrap_or_default(),
            self.event.title
        )
    }
}

/// The event of the page.
#[derive(Debug, Clone)]
pub struct PlannedEvent {
    pub id: EventId,
    pub title: String,
    pub date: NaiveDate,
    pub link: Option<Url>,
    pub summary: String,
    /// The feed has it already: it is left as it is.
    pub exists: bool,
}

/// One speech of the page.
#[derive(Debug, Clone)]
pub struct Row {
    /// The speaker's name as written properly, if one was found.
    pub speaker: Option<String>,
    pub speaker_id: Option<SpeakerId>,
    pub excerpt: String,
    pub recording: Option<Url>,
    pub status: Status,
}

/// What becomes of a speech.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Added as this episode.
    New(EpisodeId),
    /// Its recording is in the feed already.
    Imported(EpisodeId),
    /// Left out: a person must look at it.
    Review(String),
    /// Text with a speaker but no recording: left out, noted.
    NoRecording,
}

/// A speaker the import adds.
#[derive(Debug, Clone)]
pub struct NewSpeaker {
    pub id: SpeakerId,
    pub name: String,
    /// The spelling on the page, when it differs from `name`.
    pub alias: Option<String>,
}

/// Plans the import of `paired` into the feed of `options`.
pub fn build(
    options: &ImportOptions,
    edit: &CatalogEdit,
    page: &PageEvent,
    paired: &Paired,
) -> Result<Plan, ImportError> {
    let catalog = edit.catalog();
    let feed = catalog.feed(&options.feed);
    let title = page
        .title
        .clone()
        .ok_or_else(|| ImportError::NoTitle(options.page.clone()))?;
    let date = options
        .date
        .or(page.date)
        .ok_or_else(|| ImportError::NoDate(options.page.clone()))?;
    let existing_event = feed.and_then(|feed| {
        feed.events.iter().find(|event| {
            options.event_id.as_ref() == Some(&event.id)
                || (page.link.is_some() && event.link == page.link)
        })
    });
    let event = PlannedEvent {
        id: match (existing_event, &options.event_id) {
            (Some(event), _) => event.id.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => event_id(date, &title),
        },
        title,
        date,
        link: page.link.clone(),
        summary: paired.introduction.join("\n\n"),
        exists: existing_event.is_some(),
    };
    let mut speakers = Registry::new(edit);
    let imported: HashMap<String, EpisodeId> = feed
        .map(|feed| {
            feed.episodes
                .iter()
                .map(|episode| (episode.audio.to_string(), episode.id.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut taken: HashSet<String> = feed
        .map(|feed| feed.episodes.iter().map(|e| e.id.to_string()).collect())
        .unwrap_or_default();
    let rows = paired
        .speeches
        .iter()
        .map(|speech| {
            let mut row = row(speech, &event, &mut speakers, &imported, &mut taken);
            flag_internal(&mut row, &options.page);
            row
        })
        .collect();
    Ok(Plan {
        event,
        rows,
        new_speakers: speakers.added,
        source: options.page.clone(),
        language: page.language.clone(),
        site: page.site.clone(),
        notes: Vec::new(),
    })
}

fn row(
    speech: &Speech,
    event: &PlannedEvent,
    speakers: &mut Registry,
    imported: &HashMap<String, EpisodeId>,
    taken: &mut HashSet<String>,
) -> Row {
    let excerpt = speech.excerpt();
    let mut row = Row {
        speaker: None,
        speaker_id: None,
        excerpt: excerpt.clone(),
        recording: speech.recording.clone(),
        status: Status::NoRecording,
    };
    if speech.recording.is_some() && excerpt.trim().is_empty() {
        row.status = Status::Review("the recording has no text before it".into());
        return row;
    }
    let name = match speech.speaker() {
        Speaker::Named(name) => name,
        Speaker::NoName => {
            row.status = Status::Review("no speaker's name labels this speech".into());
            return row;
        }
        Speaker::SeveralNames(names) => {
            row.status = Status::Review(format!(
                "several names label this speech: {}",
                names.join(", ")
            ));
            return row;
        }
    };
    row.speaker = Some(properly_written(&name));
    let Some(recording) = &speech.recording else {
        return row;
    };
    if let Some(id) = imported.get(recording.as_str()) {
        row.status = Status::Imported(id.clone());
        return row;
    }

    let Some(speaker) = speakers.find_or_add(&name) else {
        row.status = Status::Review(format!(
            "no id can be spelled from `{name}`: add the speaker with `archive speaker add ID --name …`, then import again"
        ));
        return row;
    };
    let base = format!("{}-{speaker}", event.date.format("%Y-%m-%d"));
    let id = first_free(&base, |id| taken.contains(id));
    taken.insert(id.clone());
    row.speaker_id = Some(speaker);
    row.status = match EpisodeId::parse(&id) {
        Ok(id) => Status::New(id),
        Err(message) => Status::Review(message),
    };
    row
}

/// `base`, or else `base-2`, `base-3`…: the first id that `taken` does not hold.
fn first_free(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..=u32::MAX)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

/// Longest event id the import makes up.
const MAX_EVENT_ID: usize = 48;

/// `<date>-<first words of the title>`, cut at a word boundary to at most [`MAX_EVENT_ID`]
/// characters (a first word too long for that is cut where the limit falls).
fn event_id(date: NaiveDate, title: &str) -> EventId {
    let day = date.format("%Y-%m-%d").to_string();
    let slug = id_from_name(title).unwrap_or_else(|| "event".into());
    let mut id = day.clone();
    for word in slug.split('-') {
        if id.len() + 1 + word.len() > MAX_EVENT_ID {
            if id == day {
                let room = MAX_EVENT_ID - id.len() - 1;
                id = format!("{day}-{}", &word[..room]);
            }
            break;
        }
        id.push('-');
        id.push_str(word);
    }
    EventId::parse(&id)
        .or_else(|_| EventId::parse(&day))
        .expect("a date is an id")
}

/// The speakers known, by folded name and alias, and those the import adds.
struct Registry {
    known: HashMap<String, SpeakerId>,
    ids: HashSet<String>,
    added: Vec<NewSpeaker>,
}

impl Registry {
    fn new(edit: &CatalogEdit) -> Self {
        let mut known = HashMap::new();
        for speaker in edit.catalog().speakers.values() {
            for name in std::iter::once(&speaker.name).chain(&speaker.aliases) {
                known.insert(folded(name), speaker.id.clone());
            }
        }
        let ids = edit
            .catalog()
            .speakers
            .keys()
            .map(ToString::to_string)
            .collect();
        Self {
            known,
            ids,
            added: Vec::new(),
        }
    }

    /// The id of the speaker called `name`, adding one to the registry if none matches.
    fn find_or_add(&mut self, name: &str) -> Option<SpeakerId> {
        if let Some(id) = self.known.get(&folded(name)) {
            return Some(id.clone());
        }
        let proper = properly_written(name);
        let base = id_from_name(&proper)?;
        let id = SpeakerId::parse(&first_free(&base, |id| self.ids.contains(id))).ok()?;
        self.ids.insert(id.to_string());
        self.known.insert(folded(name), id.clone());
        let alias = (name.trim() != proper).then(|| name.trim().to_owned());
        self.added.push(NewSpeaker {
            id: id.clone(),
            name: proper,
            alias,
        });
        Some(id)
    }
}

/// Once in the catalog, a host is trusted by sync: a page must not put one of the local
/// network there, unless it is the page's own host (the user named it).
fn flag_internal(row: &mut Row, page: &str) {
    let (Status::New(_), Some(recording)) = (&row.status, &row.recording) else {
        return;
    };
    let page_host = url::Url::parse(page)
        .ok()
        .and_then(|page| page.host_str().map(str::to_owned));
    if recording.host_str().map(str::to_owned) == page_host {
        return;
    }
    if let Some(why) = internal_host(recording) {
        row.status = Status::Review(format!(
            "the recording is on {why}; add it by hand if it is really meant"
        ));
    }
}

/// Why a recording's host is on the local network, if its URL says so by itself: an internal
/// IP literal or a `localhost` name. (Other names are checked when sync resolves them.)
fn internal_host(url: &url::Url) -> Option<String> {
    let ip = match url.host()? {
        url::Host::Ipv4(ip) => std::net::IpAddr::V4(ip),
        url::Host::Ipv6(ip) => std::net::IpAddr::V6(ip),
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            return (name == "localhost" || name.ends_with(".localhost"))
                .then(|| format!("`{name}`, this machine"));
        }
    };
    crate::net::policy::internal(ip).map(|kind| format!("`{ip}`, a {kind} address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_cut_at_a_word_boundary_to_48_characters() {
        let date = NaiveDate::from_ymd_opt(2020, 11, 10).unwrap();
        let id = event_id(
            date,
            "Online Conference Marking Anniversary of Iran Protests",
        );
        assert_eq!(
            id.as_str(),
            "2020-11-10-online-conference-marking-anniversary"
        );
        assert_eq!(id.as_str().len(), 48);
        assert_eq!(
            event_id(date, "Human Rights Day panel").as_str(),
            "2020-11-10-human-rights-day-panel"
        );
        let long = event_id(
            date,
            "Pneumonoultramicroscopicsilicovolcanoconiosis-and-more",
        );
        assert_eq!(
            long.as_str(),
            "2020-11-10-pneumonoultramicroscopicsilicovolcano"
        );
        assert_eq!(long.as_str().len(), 48);
        assert_eq!(event_id(date, "!!!").as_str(), "2020-11-10-event");
    }
}
