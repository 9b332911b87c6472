//! `archive check [--feed ID] [--json]`: lint the catalog and its feeds; exit 1 on an error.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::catalog::{self, FeedId};
use crate::check::{self, Severity};
use crate::state::State;
use crate::sync::{load_records, select};

pub fn run(root: &Path, feed: Option<&FeedId>, json: bool, online: bool) -> Result<Outcome> {
    let catalog = catalog::load(root)?;
    let feeds = select(&catalog, feed)?;
    let records = load_records(&State::new(root), &catalog)?;
    let findings = check::run(root, &catalog, &records, &feeds, online)?;
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
        eprintln!("check: {errors} errors, {warnings} warnings");
    }
    if errors > 0 {
        let plural = if errors == 1 { "" } else { "s" };
        anyhow::bail!(
            "check found {errors} error{plural}: apps or directories would reject or mishandle the feeds"
        );
    }
    Ok(Outcome::Success)
}
