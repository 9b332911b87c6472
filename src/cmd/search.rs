//! `archive search`: the speeches that match a query, from the index the build wrote, ranked
//! as the web pages rank them.

use std::io::IsTerminal as _;
use std::path::Path;

use anyhow::Result;

use crate::Outcome;
use crate::archive::{Access, Opening};
use crate::confined::Root;
use crate::search::{Hit, search};

pub fn run(root: &Path, query: &str, json: bool, limit: usize) -> Result<Outcome> {
    let opening = Opening::open(root, Access::Read)?;
    let archive_root = Root::new(root).map_err(|source| crate::Error::Read {
        path: root.to_owned(),
        source,
    })?;
    let hits = search(&archive_root, query, limit)?;
    if !opening.current()? {
        eprintln!(
            "archive: warning: the catalog, recordings or files changed since the last build; run `archive build` to search them"
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
    } else if hits.is_empty() {
        eprintln!("search: no speech matches `{query}`");
    } else {
        let bold = std::io::stdout().is_terminal();
        for (n, hit) in hits.iter().enumerate() {
            print_hit(n + 1, hit, bold);
        }
    }
    Ok(Outcome::Success)
}

fn print_hit(rank: usize, hit: &Hit, bold: bool) {
    let mut about = hit.speakers.clone();
    about.extend(hit.event.clone());
    about.push(hit.date.clone());
    println!(
        "{rank}. {}\n   {}\n   {}",
        hit.title,
        about.join(" · "),
        hit.page
    );
    if let Some(passage) = &hit.passage {
        let mut text = String::new();
        let mut at = 0;
        let chars: Vec<char> = passage.text.chars().collect();
        for &(start, end) in &passage.highlights {
            text.extend(&chars[at..start]);
            let word: String = chars[start..end].iter().collect();
            if bold {
                text.push_str("\x1b[1m");
                text.push_str(&word);
                text.push_str("\x1b[0m");
            } else {
                text.push_str(&word);
            }
            at = end;
        }
        text.extend(&chars[at..]);
        println!("   {text}");
    }
}
