//! `feeds/speakers.toml`: the speaker registry, and what feed files may assume about it when
//! the registry has problems.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::check::Checker;
use super::diagnostic::{Diagnostic, SourceText, sort_by_position};
use super::id::SpeakerId;
use super::model::{Speaker, SpeakerFeeds};
use super::raw::SpeakerTable;
use super::schema;
use super::suggest::{close, did_you_mean};

/// Path of the registry, relative to the archive root.
pub const SPEAKERS_FILE: &str = "feeds/speakers.toml";

/// The registry: the speakers free of problems, the settings of their feeds, and what is
/// known of the others.
#[derive(Debug, Clone)]
pub struct Registry {
    pub speakers: BTreeMap<SpeakerId, Speaker>,
    pub feeds: SpeakerFeeds,
    /// The ids of speakers whose tables have problems (reported with the registry); `None`
    /// when the file is too broken to tell which speakers it has.
    pub broken: Option<BTreeSet<String>>,
}

impl Registry {
    /// The registry of an archive without `feeds/speakers.toml`.
    pub fn empty() -> Self {
        Self {
            speakers: BTreeMap::new(),
            feeds: SpeakerFeeds::default(),
            broken: Some(BTreeSet::new()),
        }
    }

    /// How feed files look speakers up in this registry.
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup {
            speakers: &self.speakers,
            broken: self.broken.as_ref(),
        }
    }
}

/// Parses and checks the registry text; returns what could be read, and every problem.
pub fn parse(source: &SourceText, root: &Path) -> (Registry, Vec<Diagnostic>) {
    let document = match schema::document(source) {
        Ok(document) => document,
        Err(diagnostics) => {
            let registry = Registry {
                broken: None,
                ..Registry::empty()
            };
            return (registry, diagnostics);
        }
    };
    let mut checker = Checker::new(source, root);
    let raw = schema::speakers_file(&mut checker, document);
    let mut registry = Registry {
        broken: raw.broken,
        ..Registry::empty()
    };
    for (id, table) in &raw.speakers {
        let parsed = checker.id(id, SpeakerId::parse);
        let line = checker.line(table.span().start);
        match speaker(&mut checker, parsed, table.get_ref(), line) {
            Some(speaker) => {
                registry.speakers.insert(speaker.id.clone(), speaker);
            }
            None => {
                if let Some(broken) = &mut registry.broken {
                    broken.insert(id.get_ref().clone());
                }
            }
        }
    }
    if let Some(table) = &raw.speaker_feeds {
        let table = table.get_ref();
        let public_url = checker.optional(table.public_url.as_ref(), |c, v| c.url(v, "public_url"));
        registry.feeds = SpeakerFeeds {
            enabled: table.enabled,
            public_url: public_url
                .flatten()
                .map(super::feed_file::with_trailing_slash),
        };
    }
    sort_by_position(&mut checker.diagnostics);
    (registry, checker.diagnostics)
}

/// Checks every field of a speaker; the speaker, when its id and every field are valid.
fn speaker(
    checker: &mut Checker<'_>,
    id: Option<SpeakerId>,
    table: &SpeakerTable,
    line: usize,
) -> Option<Speaker> {
    let name = if table.name.get_ref().trim().is_empty() {
        checker.error(table.name.span(), "`name` is empty: a speaker needs a name")
    } else {
        Some(table.name.get_ref().clone())
    };
    let image = checker.optional(table.image.as_ref(), |c, v| c.source(v, "image", true));
    let href = checker.optional(table.href.as_ref(), |c, v| c.url(v, "href"));
    let person = checker.person(table.role.as_ref(), table.group.as_ref());
    let (role, group) = person?;
    Some(Speaker {
        id: id?,
        name: name?,
        title: table.title.clone(),
        bio: table.bio.clone(),
        image: image?,
        href: href?,
        role,
        group,
        aliases: table.aliases.clone(),
        feed: table.feed.unwrap_or(true),
        line,
    })
}

/// How a feed file finds the speakers it credits.
#[derive(Debug, Clone, Copy)]
pub struct Lookup<'a> {
    pub speakers: &'a BTreeMap<SpeakerId, Speaker>,
    /// See [`Registry::broken`].
    pub broken: Option<&'a BTreeSet<String>>,
}

/// A registry known to have no problems.
static NONE_BROKEN: BTreeSet<String> = BTreeSet::new();

impl<'a> Lookup<'a> {
    /// Looks speakers up in a registry that has no problems.
    pub fn complete(speakers: &'a BTreeMap<SpeakerId, Speaker>) -> Self {
        Self {
            speakers,
            broken: Some(&NONE_BROKEN),
        }
    }

    /// Speaker `id`. `Ok(None)` when the registry's own problems (reported with it) may be
    /// why it is not there; the error message when there is no such speaker.
    pub fn find(&self, id: &str) -> Result<Option<&'a Speaker>, String> {
        let parsed = SpeakerId::parse(id);
        if let Some(speaker) = parsed.as_ref().ok().and_then(|id| self.speakers.get(id)) {
            return Ok(Some(speaker));
        }
        let Some(broken) = self.broken else {
            return parsed.map(|_| None);
        };
        if broken.contains(id) {
            return Ok(None);
        }
        parsed?;
        let known = self
            .speakers
            .keys()
            .map(SpeakerId::as_str)
            .chain(broken.iter().map(String::as_str));
        let suggestion = did_you_mean(close(id, known));
        Err(format!(
            "no speaker `{id}` in `{SPEAKERS_FILE}`{suggestion}"
        ))
    }
}
