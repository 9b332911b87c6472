//! `archive speaker …`: list and show read the catalog; edits take the lock, check, and
//! write every changed catalog file or none.

use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::archive::{Access, Archive};
use crate::edit::CatalogEdit;
use crate::speaker::{self, Edit};

pub fn list(root: &Path, json: bool) -> Result<Outcome> {
    let archive = Archive::open(root, Access::Read)?;
    let speakers = speaker::list(archive.catalog());
    if json {
        println!("{}", serde_json::to_string_pretty(&speakers)?);
    } else {
        print!("{}", speaker::Table(&speakers));
    }
    Ok(Outcome::Success)
}

pub fn show(root: &Path, id: &str, json: bool) -> Result<Outcome> {
    let archive = Archive::open(root, Access::Read)?;
    let details = speaker::show(archive.catalog(), id)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&details)?);
    } else {
        print!("{details}");
    }
    Ok(Outcome::Success)
}

pub fn edit(root: &Path, request: &Edit, wait: bool, quiet: bool) -> Result<Outcome> {
    // The lock, a finished interrupted edit and a swept archive; the edit reads its own text.
    let _archive = super::load(super::open_writing(root, wait)?)?;
    let mut edit = CatalogEdit::open(root)?;
    let done = speaker::apply(&mut edit, request)?;
    let written = edit.commit()?;
    if !quiet {
        eprintln!("{done}");
        for path in &written {
            eprintln!("{:>10} {}", "wrote", path.display());
        }
        if !written.is_empty() {
            eprintln!("run `archive build` to update the feeds");
        }
    }
    Ok(Outcome::Success)
}
