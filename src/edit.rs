//! Editing the catalog in place, for the commands that change it (`archive speaker`, and
//! later `archive import`).
//!
//! [`CatalogEdit::open`] reads every catalog file once, through a [`Transaction`], checks it
//! as `archive sync` does, and parses each file into a `toml_edit` document that keeps its
//! comments, key order and formatting. The caller changes the documents;
//! [`CatalogEdit::commit`] checks the new texts with the same catalog validation and writes
//! the files that changed as one transaction. An edit can therefore never leave a catalog
//! that `archive sync` rejects, and a diff of it shows only the lines it changed.

use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use crate::Error;
use crate::catalog::{self, Catalog, CatalogError, Diagnostic, SPEAKERS_FILE, SourceText, Sources};
use crate::transaction::Transaction;

/// The catalog of one archive, open for editing.
#[derive(Debug)]
pub struct CatalogEdit {
    root: PathBuf,
    transaction: Transaction,
    catalog: Catalog,
    speakers: TomlFile,
    feeds: Vec<TomlFile>,
}

/// One catalog file as a format-preserving document.
#[derive(Debug)]
pub struct TomlFile {
    /// The file, relative to the archive root.
    pub path: PathBuf,
    /// Its text as read; `None` when it does not exist yet.
    original: Option<String>,
    /// Its content, to be changed in place.
    pub document: DocumentMut,
}

impl TomlFile {
    fn parse(path: PathBuf, original: Option<String>) -> Result<Self, Error> {
        let text = original.as_deref().unwrap_or_default();
        let document = text.parse::<DocumentMut>().map_err(|err| {
            let message = err.message().trim_end().replace('\n', " ");
            let diagnostic = match err.span() {
                Some(span) => SourceText::new(&path, text.to_owned()).error(span, message),
                None => Diagnostic::whole_file(&path, message),
            };
            Error::Catalog(CatalogError {
                diagnostics: vec![diagnostic],
            })
        })?;
        Ok(Self {
            path,
            original,
            document,
        })
    }

    /// The new text, when it differs from what was read (a file that did not exist and is
    /// still empty is left alone).
    pub fn changed_text(&self) -> Option<String> {
        let text = self.document.to_string();
        match &self.original {
            Some(original) if *original == text => None,
            None if text.trim().is_empty() => None,
            _ => Some(text),
        }
    }

    /// The text to check: the new one, or the original.
    fn current(&self) -> Option<SourceText> {
        let text = self.changed_text().or_else(|| self.original.clone())?;
        Some(SourceText::new(&self.path, text))
    }

    /// The feed id of a feed file: its file stem.
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    }
}

impl CatalogEdit {
    /// Reads and checks the catalog of the archive at `root`.
    pub fn open(root: &Path) -> Result<Self, Error> {
        let mut transaction = Transaction::new(root);
        let speakers_path = PathBuf::from(SPEAKERS_FILE);
        let speakers_text = transaction.read(&speakers_path)?;
        let mut sources = Sources {
            speakers: speakers_text
                .clone()
                .map(|text| SourceText::new(&speakers_path, text)),
            feeds: Vec::new(),
        };
        for path in catalog::feed_files(root)? {
            let text = transaction.read(&path)?.ok_or_else(|| Error::Read {
                path: path.clone(),
                source: std::io::ErrorKind::NotFound.into(),
            })?;
            sources.feeds.push(SourceText::new(path, text));
        }
        let catalog = catalog::check(&sources, root)
            .map_err(|diagnostics| Error::Catalog(CatalogError { diagnostics }))?;
        let speakers = TomlFile::parse(speakers_path, speakers_text)?;
        let feeds = sources
            .feeds
            .into_iter()
            .map(|source| TomlFile::parse(source.path, Some(source.text)))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            root: root.to_owned(),
            transaction,
            catalog,
            speakers,
            feeds,
        })
    }

    /// The checked catalog as it was read.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The archive root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `feeds/speakers.toml` (empty if the archive has none yet).
    pub fn speakers(&self) -> &TomlFile {
        &self.speakers
    }

    /// `feeds/speakers.toml`, to change.
    pub fn speakers_mut(&mut self) -> &mut TomlFile {
        &mut self.speakers
    }

    /// The file of feed `id`, to change; an empty new file if the feed does not exist yet.
    pub fn feed_file_mut(&mut self, id: &crate::catalog::FeedId) -> &mut TomlFile {
        let path = std::path::Path::new("feeds").join(format!("{id}.toml"));
        if let Some(index) = self.feeds.iter().position(|file| file.path == path) {
            return &mut self.feeds[index];
        }
        self.feeds.push(TomlFile {
            path,
            original: None,
            document: DocumentMut::new(),
        });
        self.feeds.last_mut().expect("just pushed")
    }

    /// Every feed file, sorted by path, to change.
    pub fn feeds_mut(&mut self) -> &mut [TomlFile] {
        &mut self.feeds
    }

    /// The files whose text the edit changes, relative to the root.
    pub fn changed_files(&self) -> Vec<PathBuf> {
        std::iter::once(&self.speakers)
            .chain(&self.feeds)
            .filter(|file| file.changed_text().is_some())
            .map(|file| file.path.clone())
            .collect()
    }

    /// Checks the edited catalog and writes every changed file, all or none; returns the
    /// files written. Nothing is written when the new catalog has a problem, or when a file
    /// changed on disk since it was read.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, Error> {
        let sources = Sources {
            speakers: self.speakers.current(),
            feeds: self.feeds.iter().filter_map(TomlFile::current).collect(),
        };
        catalog::check(&sources, &self.root).map_err(Error::InvalidEdit)?;
        for file in std::iter::once(&self.speakers).chain(&self.feeds) {
            if let Some(text) = file.changed_text() {
                self.transaction.stage(&file.path, text.into_bytes())?;
            }
        }
        self.transaction.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEAKERS: &str = "# registry\n[speakers.a]\nname = \"A\"\n";
    const FEED: &str = "[feed]\ntitle = \"T\"\ndescription = \"D\"\nlanguage = \"en\"\n\
        public_url = \"https://e.org/\"\n\n[[episode]]\nid = \"x\"\ntitle = \"X\"\n\
        speakers = [\"a\"]\naudio = \"https://e.org/x.mp3\"\nexcerpt = \"E\"\n\
        published = 2020-01-01\n";

    fn archive() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("feeds")).unwrap();
        std::fs::write(dir.path().join(SPEAKERS_FILE), SPEAKERS).unwrap();
        std::fs::write(dir.path().join("feeds/talks.toml"), FEED).unwrap();
        dir
    }

    #[test]
    fn an_edit_without_changes_writes_nothing() {
        let dir = archive();
        let edit = CatalogEdit::open(dir.path()).unwrap();
        assert!(edit.changed_files().is_empty());
        assert!(edit.commit().unwrap().is_empty());
        assert!(!dir.path().join(".archive").exists());
    }

    #[test]
    fn an_edit_that_breaks_the_catalog_is_refused() {
        let dir = archive();
        let mut edit = CatalogEdit::open(dir.path()).unwrap();
        edit.speakers_mut().document["speakers"]["a"]
            .as_table_like_mut()
            .unwrap()
            .remove("name");
        let err = edit.commit().unwrap_err();
        assert_eq!(
            err.to_string(),
            "feeds/speakers.toml:2:1: missing field `name`\n  |\n2 | [speakers.a]\n  | ^^^^^^^^^^^^\n\
             this edit would leave 1 problem in the catalog; nothing was written"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(SPEAKERS_FILE)).unwrap(),
            SPEAKERS
        );
    }

    #[test]
    fn a_broken_catalog_cannot_be_edited() {
        let dir = archive();
        std::fs::write(
            dir.path().join("feeds/talks.toml"),
            FEED.replace("[\"a\"]", "[\"b\"]"),
        )
        .unwrap();
        let err = CatalogEdit::open(dir.path()).unwrap_err();
        assert!(matches!(err, Error::Catalog(_)), "{err}");
    }
}
