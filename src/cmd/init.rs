//! `archive init [DIR] [--feed ID] [--title T] [--public-url URL]`: start an archive, list
//! what was made, and say what to do next.

use anyhow::Result;

use crate::Outcome;
use crate::init::{InitOptions, PLACEHOLDER_URL, init};

pub fn run(options: &InitOptions, quiet: bool) -> Result<Outcome> {
    let created = init(options)?;
    if quiet {
        return Ok(Outcome::Success);
    }
    for path in &created.files {
        let verb = if created.gitignore_extended && path.as_os_str() == ".gitignore" {
            "extended"
        } else {
            "created"
        };
        eprintln!("{verb:>10} {}", path.display());
    }
    let dir = options.dir.display();
    let feed = &options.feed;
    let root = if options.dir.as_os_str() == "." {
        String::new()
    } else {
        format!(" (run these in `{dir}`, or add `--root {dir}`)")
    };
    eprintln!("started an archive in `{dir}`; next{root}:");
    eprintln!("  archive speaker add --name \"Jane Doe\"   # a speaker");
    eprintln!("  $EDITOR feeds/{feed}.toml               # an event and its speeches");
    eprintln!("  archive sync && archive serve           # pull, probe, write the feed, serve it");
    if options.public_url.is_none() {
        eprintln!(
            "and set `public_url` in `feeds/{feed}.toml` (now `{PLACEHOLDER_URL}`) to where you will publish"
        );
    }
    Ok(Outcome::Success)
}
