//! `feeds/speakers.toml`: the speaker registry.

use std::collections::BTreeMap;
use std::path::Path;

use super::check::Checker;
use super::diagnostic::{Diagnostic, SourceText};
use super::id::SpeakerId;
use super::model::{Speaker, SpeakerFeeds};
use super::raw::{SpeakerTable, SpeakersFile};

/// Path of the registry, relative to the archive root.
pub const SPEAKERS_FILE: &str = "feeds/speakers.toml";

/// The checked registry: the speakers and the settings of their feeds.
pub type Registry = (BTreeMap<SpeakerId, Speaker>, SpeakerFeeds);

/// Parses and checks the registry text.
pub fn parse(source: &SourceText, root: &Path) -> Result<Registry, Vec<Diagnostic>> {
    let raw: SpeakersFile = super::parse_toml(source)?;
    let mut checker = Checker::new(source, root);
    let mut speakers = BTreeMap::new();
    for (id, table) in &raw.speakers {
        let Some(id) = checker.id(id, SpeakerId::parse) else {
            continue;
        };
        let line = checker.line(table.span().start);
        if let Some(speaker) = speaker(&mut checker, id.clone(), table.get_ref(), line) {
            speakers.insert(id, speaker);
        }
    }
    let feeds = raw
        .speaker_feeds
        .as_ref()
        .map_or(Some(SpeakerFeeds::default()), |table| {
            let public_url =
                checker.optional(table.public_url.as_ref(), |c, v| c.url(v, "public_url"))?;
            Some(SpeakerFeeds {
                enabled: table.enabled,
                public_url: public_url.map(super::feed_file::with_trailing_slash),
            })
        });
    match feeds {
        Some(feeds) if checker.diagnostics.is_empty() => Ok((speakers, feeds)),
        _ => Err(checker.diagnostics),
    }
}

fn speaker(
    checker: &mut Checker<'_>,
    id: SpeakerId,
    table: &SpeakerTable,
    line: usize,
) -> Option<Speaker> {
    let name = checker.text(&table.name, "name");
    let image = checker.optional(table.image.as_ref(), |c, v| c.source(v, "image", true));
    let href = checker.optional(table.href.as_ref(), |c, v| c.url(v, "href"));
    let person = checker.person(table.role.as_ref(), table.group.as_ref());
    let (role, group) = person?;
    Some(Speaker {
        id,
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
