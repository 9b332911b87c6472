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
    let steps = [
        (
            "archive speaker add --name \"Jane Doe\"".to_owned(),
            "a speaker",
        ),
        (
            format!("$EDITOR feeds/{feed}.toml"),
            "an event and its speeches",
        ),
        (
            "archive sync && archive serve".to_owned(),
            "pull, probe, write the feed, serve it",
        ),
    ];
    let width = steps
        .iter()
        .map(|(command, _)| command.len())
        .max()
        .unwrap_or(0);
    for (command, what) in &steps {
        eprintln!("  {command:width$}   # {what}");
    }
    if options.public_url.is_none() {
        eprintln!(
            "and set `public_url` in `feeds/{feed}.toml` (now `{PLACEHOLDER_URL}`) to where you will publish"
        );
    }
    Ok(Outcome::Success)
}
