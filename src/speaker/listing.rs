//! `archive speaker list` and `show`: what the registry holds about each speaker and which
//! episodes credit them, as text for people or JSON for scripts.

use std::fmt;

use chrono::SecondsFormat;
use serde::Serialize;

use super::error::SpeakerError;
use crate::catalog::suggest::close;
use crate::catalog::{Catalog, SpeakerId};

/// One line of `archive speaker list`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub id: String,
    pub name: String,
    pub title: Option<String>,
    /// Episodes that credit the speaker, across all feeds.
    pub episodes: usize,
}

/// Everything `archive speaker show` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Details {
    pub id: String,
    pub name: String,
    pub title: Option<String>,
    pub bio: Option<String>,
    pub image: Option<String>,
    pub href: Option<String>,
    /// Podcasting 2.0 role and group, defaults applied.
    pub role: &'static str,
    pub group: &'static str,
    /// Other spellings of the name.
    pub aliases: Vec<String>,
    pub episodes: Vec<Appearance>,
}

/// An episode that credits the speaker.
#[derive(Debug, Clone, Serialize)]
pub struct Appearance {
    pub feed: String,
    pub episode: String,
    pub title: String,
    /// When the episode was published, RFC 3339 in UTC.
    pub date: String,
    /// The speaker's role in this episode.
    pub role: &'static str,
}

/// Every speaker, by id.
pub fn list(catalog: &Catalog) -> Vec<Summary> {
    catalog
        .speakers
        .values()
        .map(|speaker| Summary {
            id: speaker.id.to_string(),
            name: speaker.name.clone(),
            title: speaker.title.clone(),
            episodes: appearances(catalog, &speaker.id).len(),
        })
        .collect()
}

/// Speaker `id`, with the episodes that credit it.
pub fn show(catalog: &Catalog, id: &str) -> Result<Details, SpeakerError> {
    let speaker = super::find(catalog, id)?;
    Ok(Details {
        id: speaker.id.to_string(),
        name: speaker.name.clone(),
        title: speaker.title.clone(),
        bio: speaker.bio.clone(),
        image: speaker.image.as_ref().map(ToString::to_string),
        href: speaker.href.as_ref().map(ToString::to_string),
        role: speaker.role,
        group: speaker.group,
        aliases: speaker.aliases.clone(),
        episodes: appearances(catalog, &speaker.id),
    })
}

/// The episodes that credit speaker `id`, by feed and catalog order.
pub fn appearances(catalog: &Catalog, id: &SpeakerId) -> Vec<Appearance> {
    let mut found = Vec::new();
    for feed in &catalog.feeds {
        for episode in &feed.episodes {
            if let Some(credit) = episode.credits.iter().find(|c| &c.speaker == id) {
                found.push(Appearance {
                    feed: feed.id.to_string(),
                    episode: episode.id.to_string(),
                    title: episode.title.clone(),
                    date: episode.published.to_rfc3339_opts(SecondsFormat::Secs, true),
                    role: credit.role,
                });
            }
        }
    }
    found
}

/// The id closest to `id`, for "did you mean".
pub(super) fn closest(catalog: &Catalog, id: &str) -> Option<String> {
    close(id, catalog.speakers.keys().map(SpeakerId::as_str)).map(str::to_owned)
}

/// Prints a list as an aligned table.
pub struct Table<'a>(pub &'a [Summary]);

impl fmt::Display for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = |text: &str| text.chars().count();
        let id_width = self
            .0
            .iter()
            .map(|s| width(&s.id))
            .max()
            .unwrap_or(0)
            .max(2);
        let name_width = self
            .0
            .iter()
            .map(|s| width(&s.name))
            .max()
            .unwrap_or(0)
            .max(4);
        writeln!(
            f,
            "{:id_width$}  {:name_width$}  EPISODES  TITLE",
            "ID", "NAME"
        )?;
        for summary in self.0 {
            let title = summary.title.as_deref().unwrap_or("");
            let line = format!(
                "{:id_width$}  {:name_width$}  {:>8}  {title}",
                summary.id, summary.name, summary.episodes
            );
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

impl fmt::Display for Details {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.id)?;
        writeln!(f, "  name:  {}", self.name)?;
        for (label, value) in [
            ("title", &self.title),
            ("image", &self.image),
            ("href", &self.href),
        ] {
            if let Some(value) = value {
                writeln!(f, "  {label}:{:pad$}{value}", "", pad = 6 - label.len())?;
            }
        }
        writeln!(f, "  role:  {} (group `{}`)", self.role, self.group)?;
        if !self.aliases.is_empty() {
            writeln!(f, "  aliases:")?;
            for alias in &self.aliases {
                writeln!(f, "    {alias}")?;
            }
        }
        if let Some(bio) = &self.bio {
            writeln!(f, "  bio:")?;
            for line in bio.trim().lines() {
                writeln!(f, "    {line}")?;
            }
        }
        writeln!(f, "  episodes: {}", self.episodes.len())?;
        for episode in &self.episodes {
            writeln!(
                f,
                "    {}/{}  {}  {}",
                episode.feed,
                episode.episode,
                episode.date.get(..10).unwrap_or(&episode.date),
                episode.title
            )?;
        }
        Ok(())
    }
}
