//! `archive man [COMMAND] [--out DIR]`: manual pages in roff, made by `clap_mangen` from the
//! command-line definition: `archive.1` and one page per subcommand (`archive-sync.1`,
//! `archive-speaker-add.1`…) into a folder, or one page on stdout.

use anyhow::{Result, bail};

use crate::Outcome;
use crate::cli::Page;

pub fn run(page: &Page, quiet: bool) -> Result<Outcome> {
    let pages = pages()?;
    match page {
        Page::All(dir) => {
            for (name, text) in &pages {
                crate::atomic::write(&dir.join(name), text)?;
                if !quiet {
                    eprintln!("{:>10} {}", "wrote", dir.join(name).display());
                }
            }
        }
        Page::One(command) => {
            let wanted = match command {
                None => "archive.1".to_owned(),
                Some(name) => format!("archive-{name}.1"),
            };
            let Some((_, text)) = pages.iter().find(|(name, _)| *name == wanted) else {
                let asked = command.as_deref().unwrap_or_default();
                let known = pages
                    .iter()
                    .filter_map(|(name, _)| name.strip_prefix("archive-")?.strip_suffix(".1"));
                let near = crate::catalog::suggest::close(asked, known);
                bail!(
                    "no manual page for `{asked}`{}; `archive man --out DIR` writes every page",
                    crate::catalog::suggest::did_you_mean(near)
                );
            };
            std::io::Write::write_all(&mut std::io::stdout().lock(), text)?;
        }
    }
    Ok(Outcome::Success)
}

/// Every page, by file name: `archive`'s first, then its subcommands' in help order.
fn pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut command = crate::cli::definition().disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    add(&command, &mut pages)?;
    Ok(pages)
}

fn add(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let man = clap_mangen::Man::new(command.clone())
        .source(concat!("speech-archive ", env!("CARGO_PKG_VERSION")));
    let mut text = Vec::new();
    man.render(&mut text)?;
    pages.push((man.get_filename(), text));
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        add(sub, pages)?;
    }
    Ok(())
}
