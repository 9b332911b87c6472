//! `archive check [--feed ID] [--json] [--online]`: lint the catalog and its feeds; exit 1 on
//! an error.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::archive::{Access, Archive};
use crate::catalog::FeedId;
use crate::check::{self, Scope, Severity};

pub fn run(
    root: &Path,
    feed: Option<&FeedId>,
    json: bool,
    online: bool,
    allow_private: bool,
) -> Result<Outcome> {
    let mut archive = Archive::open(root, Access::Read)?;
    archive.allow_private(allow_private);
    let findings = check::run(&archive, Scope { feed, online })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&findings)?);
    } else {
        for finding in &findings {
            println!("{finding}");
        }
    }
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if !json {
        eprintln!(
            "check: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
    }
    if errors > 0 {
        anyhow::bail!(
            "check found {}: apps or directories would reject or mishandle the feeds",
            plural(errors, "error")
        );
    }
    Ok(Outcome::Success)
}

/// `1 error`, `2 errors`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
