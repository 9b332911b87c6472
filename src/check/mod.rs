//! `archive check`: lints the catalog and the feeds it would build against Apple Podcasts'
//! and Podcasting 2.0's rules, and checks GUID continuity against the feeds already written.
//!
//! Each finding names the catalog file and line at fault where there is one.

mod apple;
mod artwork;
mod continuity;
mod online;
mod rules;
mod vanished;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Error;
use crate::archive::Archive;
use crate::assets::Assets;
use crate::catalog::{FeedId, SPEAKERS_FILE, SpeakerId};
use crate::feed::{self, Document, DocumentKind};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something `check` could not look at.
    Note,
    /// Apps cope, but something is missing or odd.
    Warning,
    /// A directory or app would reject the feed, or listeners would be hurt.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// A short stable name of the rule, such as `artwork` or `guid-changed`.
    pub rule: &'static str,
    pub message: String,
    /// The catalog file at fault (or the feed file, for what only the feed shows).
    pub file: PathBuf,
    pub line: Option<usize>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}[{}]: {}", self.severity, self.rule, self.message)
    }
}

/// Collects findings.
#[derive(Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    fn add(
        &mut self,
        severity: Severity,
        rule: &'static str,
        at: (&Path, Option<usize>),
        message: impl Into<String>,
    ) {
        self.0.push(Finding {
            severity,
            rule,
            message: message.into(),
            file: at.0.to_owned(),
            line: at.1,
        });
    }
}

/// What `check` looks at: the whole archive, or one feed and the speaker feeds built from
/// its episodes.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub feed: Option<&'a FeedId>,
    pub online: bool,
}

/// Checks the archive. A problem found in the catalog is reported once, at its `file:line`;
/// the rendered documents that inherit it are not reported again for it. With a feed in
/// `scope`, only that feed's problems and those of the speaker feeds its episodes are in are
/// reported. With `online`, every enclosure URL of the written feeds is asked (HEAD) whether
/// it answers as the feed says.
pub fn run(archive: &Archive, scope: Scope<'_>) -> Result<Vec<Finding>, Error> {
    let (root, catalog) = (archive.root(), archive.catalog());
    let selected = archive.select(scope.feed)?;
    let speakers: BTreeSet<&SpeakerId> = match scope.feed {
        None => catalog.speakers.keys().collect(),
        Some(_) => selected
            .iter()
            .flat_map(|feed| feed.episodes.iter().flat_map(|e| &e.credits))
            .map(|credit| &credit.speaker)
            .collect(),
    };
    let mut findings = Findings::default();
    for feed in &selected {
        rules::channel(root.path(), feed, &mut findings);
        rules::control_characters(root.path(), &feed.file, &mut findings);
    }
    rules::control_characters(root.path(), Path::new(SPEAKERS_FILE), &mut findings);
    for speaker in catalog
        .speakers
        .values()
        .filter(|s| speakers.contains(&s.id))
    {
        if let Some(image) = &speaker.image {
            for (severity, message) in artwork::problems(root.path(), image) {
                findings.add(
                    severity.min(Severity::Warning),
                    "artwork",
                    (Path::new(SPEAKERS_FILE), Some(speaker.line)),
                    message,
                );
            }
        }
        rules::links(speaker, &mut findings);
    }
    let assets = Assets::new(root, &archive.outputs().sources);
    let (documents, warnings) = feed::documents(catalog, archive.records());
    for warning in warnings {
        findings.add(
            Severity::Warning,
            "speaker-feeds",
            (Path::new(SPEAKERS_FILE), None),
            warning,
        );
    }
    let in_scope = |document: &Document<'_>| match &document.kind {
        DocumentKind::Feed { id, .. } => selected.iter().any(|feed| &feed.id == id),
        DocumentKind::Speaker(id) => speakers.contains(id),
    };
    let checked: Vec<&Document<'_>> = documents.iter().filter(|d| in_scope(d)).collect();
    for (document, xml) in checked
        .iter()
        .zip(feed::render_all(catalog, &checked, &assets)?)
    {
        rules::document(root.path(), document, &xml, &mut findings);
        if let DocumentKind::Feed { id, full: true } = &document.kind
            && let Some(feed) = catalog.feed(id)
        {
            continuity::check(root.path(), feed, document, &mut findings);
        }
    }
    if scope.feed.is_none() {
        vanished::check(archive, &documents, &mut findings);
    }
    if scope.online {
        let written: Vec<_> = checked.iter().map(|d| d.path.clone()).collect();
        online::check(archive, &written, &mut findings)?;
    }
    findings
        .0
        .sort_by(|a, b| (&a.file, a.line, b.severity).cmp(&(&b.file, b.line, a.severity)));
    findings.0.dedup();
    Ok(findings.0)
}
