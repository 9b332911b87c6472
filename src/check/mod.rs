//! `archive check`: lints the catalog and the feeds it would build against Apple Podcasts'
//! and Podcasting 2.0's rules, and checks GUID continuity against the feeds already written.
//!
//! Each finding names the catalog file and line at fault where there is one.

mod apple;
mod artwork;
mod continuity;
mod online;
mod rules;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::Error;
use crate::catalog::{Catalog, Feed, SPEAKERS_FILE};
use crate::feed::{self, Assets, DocumentKind, Records};

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

/// Checks `feeds` (and the speaker feeds) of the archive at `root`; with `online`, also asks
/// every enclosure URL of the written feeds whether it answers as the feed says.
pub fn run(
    root: &Path,
    catalog: &Catalog,
    records: &Records,
    feeds: &[&Feed],
    online: bool,
) -> Result<Vec<Finding>, Error> {
    let mut findings = Findings::default();
    for feed in feeds {
        rules::channel(root, feed, &mut findings);
        rules::control_characters(root, &feed.file, &mut findings);
    }
    rules::control_characters(root, Path::new(SPEAKERS_FILE), &mut findings);
    for speaker in catalog.speakers.values() {
        if let Some(image) = &speaker.image {
            for (severity, message) in artwork::problems(root, image) {
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
    let assets = Assets::new(root, false);
    let (documents, warnings) = feed::documents(catalog, records, feeds);
    for warning in warnings {
        findings.add(
            Severity::Warning,
            "speaker-feeds",
            (Path::new(SPEAKERS_FILE), None),
            warning,
        );
    }
    for (document, xml) in documents
        .iter()
        .zip(feed::render_all(catalog, &documents, &assets)?)
    {
        rules::document(root, document, &xml, &mut findings);
    }
    for document in &documents {
        if let DocumentKind::Feed { id, full: true } = &document.kind
            && let Some(feed) = catalog.feed(id)
        {
            continuity::check(root, feed, document, &mut findings);
        }
    }
    if online {
        let written: Vec<_> = documents
            .iter()
            .map(|document| document.path.clone())
            .collect();
        online::check(root, &written, &mut findings);
    }
    findings
        .0
        .sort_by(|a, b| (&a.file, a.line, b.severity).cmp(&(&b.file, b.line, a.severity)));
    findings.0.dedup();
    Ok(findings.0)
}
