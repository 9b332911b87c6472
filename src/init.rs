//! `archive init`: a new archive, ready for `archive sync` — a speaker registry and one feed
//! to fill in (every optional field there as a comment), `recordings/`, a `.gitignore` for
//! what the tool writes, and an `archive.toml` with a commented `[publish]` block.
//!
//! It never overwrites: a folder whose `feeds/` has anything in it, or that has an
//! `archive.toml`, is refused before anything is written. An existing `.gitignore` keeps its
//! lines and gets the missing ones appended.

use std::path::{Path, PathBuf};

use url::Url;

use crate::Error;
use crate::catalog::{FeedId, SPEAKERS_FILE};
use crate::publish::SETTINGS_FILE;

const FEED_TEMPLATE: &str = include_str!("init/feed.toml");
const SPEAKERS_TEMPLATE: &str = include_str!("init/speakers.toml");
const SETTINGS_TEMPLATE: &str = include_str!("init/archive.toml");
const GITIGNORE_TEMPLATE: &str = include_str!("init/gitignore");

/// The public URL of a new feed until the maintainer sets theirs.
pub const PLACEHOLDER_URL: &str = "https://speeches.example.org/";

/// Checked options of `archive init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The archive's folder; created if missing.
    pub dir: PathBuf,
    /// The first feed.
    pub feed: FeedId,
    /// Its title; by default made from its id (`town-hall` → `Town hall`).
    pub title: Option<String>,
    /// Its public URL; by default [`PLACEHOLDER_URL`].
    pub public_url: Option<Url>,
}

/// Why `archive init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error(
        "`{}` is already an archive (it has `{}`); nothing was written",
        dir.display(),
        found.display()
    )]
    Exists { dir: PathBuf, found: PathBuf },
    #[error(transparent)]
    Write(#[from] Error),
}

/// What `init` made, relative to the archive's folder, in the order it made them.
#[derive(Debug, Default)]
pub struct Created {
    pub files: Vec<PathBuf>,
    /// `.gitignore` existed: the missing lines were appended.
    pub gitignore_extended: bool,
}

/// Starts an archive in `options.dir`.
pub fn init(options: &InitOptions) -> Result<Created, InitError> {
    let dir = &options.dir;
    refuse_an_archive(dir)?;
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| title_of(&options.feed));
    let public_url = options
        .public_url
        .as_ref()
        .map_or(PLACEHOLDER_URL, Url::as_str);
    let feed = FEED_TEMPLATE
        .replace("@ID@", options.feed.as_str())
        .replace("@TITLE@", &toml_string(&title))
        .replace("@PUBLIC_URL@", &toml_string(public_url));
    let feed_file = format!("feeds/{}.toml", options.feed);
    let mut created = Created::default();
    for (relative, text) in [
        (SPEAKERS_FILE, SPEAKERS_TEMPLATE),
        (feed_file.as_str(), feed.as_str()),
        (SETTINGS_FILE, SETTINGS_TEMPLATE),
    ] {
        crate::atomic::write(&dir.join(relative), text.as_bytes())?;
        created.files.push(PathBuf::from(relative));
    }
    let recordings = dir.join("recordings");
    std::fs::create_dir_all(&recordings).map_err(|source| Error::Write {
        path: recordings,
        source,
    })?;
    created.files.push(PathBuf::from("recordings/"));
    created.gitignore_extended = gitignore(dir)?;
    created.files.push(PathBuf::from(".gitignore"));
    Ok(created)
}

/// An archive already there: anything in `feeds/`, or an `archive.toml`.
fn refuse_an_archive(dir: &Path) -> Result<(), InitError> {
    let exists = |found: PathBuf| InitError::Exists {
        dir: dir.to_owned(),
        found,
    };
    let feeds = dir.join("feeds");
    if let Ok(mut entries) = std::fs::read_dir(&feeds)
        && let Some(Ok(entry)) = entries.next()
    {
        return Err(exists(Path::new("feeds").join(entry.file_name())));
    }
    if feeds.exists() && !feeds.is_dir() {
        return Err(exists(PathBuf::from("feeds")));
    }
    if dir.join(SETTINGS_FILE).exists() {
        return Err(exists(PathBuf::from(SETTINGS_FILE)));
    }
    Ok(())
}

/// Writes `.gitignore`, or appends the lines it lacks; returns whether it existed.
fn gitignore(dir: &Path) -> Result<bool, Error> {
    let path = dir.join(".gitignore");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            crate::atomic::write(&path, GITIGNORE_TEMPLATE.as_bytes())?;
            return Ok(false);
        }
        Err(source) => return Err(Error::Read { path, source }),
    };
    let have: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&str> = GITIGNORE_TEMPLATE
        .lines()
        .filter(|line| !line.starts_with('#') && !have.contains(line))
        .collect();
    if !missing.is_empty() {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# Written by `archive`.\n");
        for line in missing {
            text.push_str(line);
            text.push('\n');
        }
        crate::atomic::write(&path, text.as_bytes())?;
    }
    Ok(true)
}

/// `town-hall` → `Town hall`.
fn title_of(feed: &FeedId) -> String {
    let words = feed.as_str().replace('-', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// `text` as a TOML basic string, quotes and escapes included.
fn toml_string(text: &str) -> String {
    toml_edit::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_made_from_the_feed_id() {
        let id = FeedId::parse("town-hall-2024").unwrap();
        assert_eq!(title_of(&id), "Town hall 2024");
    }

    #[test]
    fn a_title_with_quotes_stays_one_toml_string() {
        assert_eq!(toml_string("A \"B\" \\ C"), r#"'A "B" \ C'"#);
    }
}
