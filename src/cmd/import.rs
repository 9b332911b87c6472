//! `archive import PAGE --feed ID [--event-id ID] [--date D] [--public-url URL] [--dry-run]`:
//! print what was paired, flag what needs review, write the rest; exit 3 if something needs
//! review.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::cli::Verbosity;
use crate::edit::CatalogEdit;
use crate::import::{self, Excerpts, ImportOptions};

pub fn run(
    root: &Path,
    options: &ImportOptions,
    wait: bool,
    verbosity: Verbosity,
) -> Result<Outcome> {
    let quiet = verbosity == Verbosity::Quiet;
    let archive = super::load(super::open_writing(root, wait)?)?;
    let edit = CatalogEdit::open(root)?;
    let plan = import::plan(options, &edit, &archive)?;
    let excerpts = if verbosity == Verbosity::Verbose {
        Excerpts::Whole
    } else {
        Excerpts::Ends
    };
    print!("{}", import::review(&plan, excerpts));
    let written = import::apply(options, edit, &plan)?;
    if !quiet {
        let verb = if options.dry_run {
            "would write"
        } else {
            "wrote"
        };
        for path in &written {
            eprintln!("{verb:>11} {}", path.display());
        }
        if written.is_empty() {
            eprintln!("nothing new to import");
        } else if !options.dry_run {
            eprintln!("run `archive sync` to pull the new recordings");
        }
    }
    if plan.needs_review() {
        eprintln!(
            "archive: some speeches need review and were not imported; fix the page or add them by hand"
        );
        return Ok(Outcome::Partial);
    }
    Ok(Outcome::Success)
}
