//! The build (`archive build`, and the end of `archive sync`): every output of the archive from
//! its catalog and sync records, and the manifest that lists them.
//!
//! 1. Plan: the feed documents, the pages, the local assets they name, and a fingerprint of
//!    each output's inputs ([`fingerprint`]).
//! 2. Render the outputs whose fingerprint changed (rendering is pure).
//! 3. Write: copy the assets, write the changed feeds and pages, each atomically.
//! 4. Reconcile: delete the outputs the catalog no longer produces (a renamed speaker's feed,
//!    a removed feed's pages, recordings no record names).
//! 5. Save the manifest ([`crate::outputs`]), which `publish` and `serve` work from.

mod fingerprint;
mod reconcile;
mod write;

use std::collections::{BTreeMap, HashMap};

use crate::Error;
use crate::archive::Archive;
use crate::assets::Assets;
use crate::catalog::{Catalog, EpisodeId, FeedId};
use crate::confined::ArchivePath;
use crate::feed::{self, Document};
use crate::outputs::{Kind, Output, Outputs};
use crate::site::{self, Page};

pub use fingerprint::Fingerprint;
pub use write::present;

/// One feed document, as the build left it.
#[derive(Debug)]
pub struct FeedReport {
    pub path: ArchivePath,
    /// Written now (its bytes changed), rather than already current.
    pub changed: bool,
    pub items: usize,
    /// Catalog episodes left out: they have no synced recording.
    pub missing: Vec<EpisodeId>,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct Report {
    /// Every feed document in scope.
    pub feeds: Vec<FeedReport>,
    /// Pages written.
    pub pages: usize,
    /// Assets copied into `media/`.
    pub assets: usize,
    /// Outputs deleted because the catalog no longer produces them.
    pub deleted: Vec<ArchivePath>,
    pub warnings: Vec<String>,
    /// Nothing had changed since the last build: nothing was read or written.
    pub current: bool,
}

/// Builds the outputs of `only` one feed (and the pages and speaker feeds every feed shares),
/// or of the whole archive.
pub fn build(archive: &mut Archive, only: Option<&FeedId>) -> Result<Report, Error> {
    if let Some(id) = only {
        archive.select(Some(id))?;
    }
    // A record that does not parse makes its episode look unsynced: building now would drop it
    // from the feed. A sync pulls it again first.
    let unrepaired: Vec<String> = archive
        .corrupt
        .iter()
        .filter(|c| {
            archive
                .records()
                .get(&c.feed)
                .is_none_or(|r| !r.contains_key(&c.episode))
        })
        .map(|c| c.problem.clone())
        .collect();
    if !unrepaired.is_empty() {
        return Err(Error::CorruptRecords(unrepaired));
    }
    let started = std::time::Instant::now();
    let (outputs, report) = plan_and_write(archive, only)?;
    tracing::debug!("built in {:?}", started.elapsed());
    if outputs != *archive.outputs() {
        outputs.save(archive.root().path())?;
        archive.set_outputs(outputs);
    }
    Ok(report)
}

/// Whether an output belongs to the build's scope: with `--feed`, that feed's own files and
/// the ones every feed shares (the index, speaker feeds and pages, `media/speakers/`).
fn in_scope(path: &ArchivePath, only: Option<&FeedId>) -> bool {
    only.is_none_or(|id| owner(path).is_none_or(|owner| owner == id.as_str()))
}

/// The feed an output belongs to: `feeds/<id>.xml`, `.full.xml`, `.html`, its speech and
/// event pages `feeds/<id>/…`, `media/<id>/…`. The search's files belong to every feed.
fn owner(path: &ArchivePath) -> Option<&str> {
    if crate::search::is_search_file(path) {
        return None;
    }
    let mut segments = path.segments();
    let owner = match (segments.next(), segments.next(), segments.next()) {
        (Some("feeds"), Some(name), None) => name.split('.').next(),
        (Some("feeds" | "media"), Some(folder), Some(_)) => Some(folder),
        _ => None,
    };
    owner.filter(|owner| !matches!(*owner, "index" | "speakers"))
}

fn plan_and_write(archive: &Archive, only: Option<&FeedId>) -> Result<(Outputs, Report), Error> {
    let (catalog, records) = (archive.catalog(), archive.records());
    let previous = archive.outputs();
    let assets = Assets::new(archive.root(), &previous.sources);
    let (documents, warnings) = feed::documents(catalog, records);
    name_assets(catalog, &documents, &assets)?;
    let pages = site::plan(catalog, &documents);
    let items = fingerprint::items(catalog, &documents, &assets)?;
    let stale = |path: &ArchivePath, print: &String| {
        in_scope(path, only)
            && !previous.files.get(path).is_some_and(|output| {
                output.inputs.as_ref() == Some(print)
                    && write::present(archive.root(), path, output.size)
            })
    };
    let doc_prints = crate::parallel::map(&documents, |document| {
        fingerprint::document(catalog, document, &items, &assets)
    })?;
    let search = fingerprint::search(catalog, &documents, &items);
    let page_prints = crate::parallel::map(&pages, |page| {
        fingerprint::page(catalog, records, &documents, page, &items, &assets, &search)
    })?;
    let render_docs: Vec<&Document<'_>> = documents
        .iter()
        .zip(&doc_prints)
        .filter(|(document, print)| stale(&document.path, print))
        .map(|(document, _)| document)
        .collect();
    let render_pages: Vec<Page<'_>> = pages
        .iter()
        .zip(&page_prints)
        .filter(|(page, print)| stale(&page.path(), print))
        .map(|(page, _)| *page)
        .collect();
    let xml = feed::render_all(catalog, &render_docs, &assets)?;
    let context = site::Context {
        catalog,
        records,
        documents: &documents,
        assets: &assets,
        root: archive.root(),
    };
    let html = site::render(&context, &render_pages)?;

    let mut rendered: Vec<(ArchivePath, Kind, String, String)> = Vec::new();
    let prints: HashMap<ArchivePath, &String> = documents
        .iter()
        .map(|document| document.path.clone())
        .zip(&doc_prints)
        .chain(pages.iter().map(Page::path).zip(&page_prints))
        .collect();
    for (document, xml) in render_docs.iter().zip(xml) {
        let print = prints[&document.path].clone();
        rendered.push((document.path.clone(), Kind::Feed, print, xml));
    }
    for (page, html) in render_pages.iter().zip(html) {
        let path = page.path();
        let print = prints[&path].clone();
        rendered.push((path, Kind::Page, print, html));
    }
    let root = archive.root();
    let mut files = BTreeMap::new();
    let written = write::rendered(root, previous, &rendered, &mut files)?;
    // Outputs left as they were: in scope and current, or out of scope.
    for path in prints.keys() {
        if !files.contains_key(path)
            && let Some(output) = previous.files.get(path)
        {
            files.insert(path.clone(), output.clone());
        }
    }
    let copied = write::assets(root, &assets, &mut files)?;
    recordings(&documents, &mut files);
    let mut outputs = Outputs {
        version: crate::outputs::VERSION.to_owned(),
        inputs: String::new(),
        sources: assets.hashes(),
        files,
    };
    let deleted = reconcile::delete_stale(root, previous, &outputs, |path| in_scope(path, only))?;
    if only.is_none() {
        outputs.inputs = crate::archive::stamp(root.path(), archive.catalog_digest())?;
    }
    let report = Report {
        feeds: feed_reports(&documents, &written, only),
        pages: render_pages
            .iter()
            .filter(|page| written.contains(&page.path()))
            .count(),
        assets: copied,
        deleted,
        warnings,
        current: false,
    };
    Ok((outputs, report))
}

/// Everything a build would put in place, in memory: the rendered feeds and pages, and the
/// file on disk behind every other output (a recording, or an asset's source). `serve` shows
/// this without writing anything.
pub struct Site {
    pub rendered: Vec<(ArchivePath, String)>,
    pub files: BTreeMap<ArchivePath, ArchivePath>,
}

/// Renders every feed and page of `archive` in memory.
pub fn render(archive: &Archive) -> Result<Site, Error> {
    let (catalog, records) = (archive.catalog(), archive.records());
    let assets = Assets::new(archive.root(), &archive.outputs().sources);
    let (documents, _) = feed::documents(catalog, records);
    name_assets(catalog, &documents, &assets)?;
    let all: Vec<&Document<'_>> = documents.iter().collect();
    let pages = site::plan(catalog, &documents);
    let xml = feed::render_all(catalog, &all, &assets)?;
    let context = site::Context {
        catalog,
        records,
        documents: &documents,
        assets: &assets,
        root: archive.root(),
    };
    let html = site::render(&context, &pages)?;
    let rendered = documents
        .iter()
        .map(|document| document.path.clone())
        .zip(xml)
        .chain(pages.iter().map(Page::path).zip(html))
        .collect();
    let mut files = assets.named();
    for entry in documents.iter().flat_map(|document| &document.entries) {
        for (media, ..) in entry.record.files() {
            files.insert(media.clone(), media.clone());
        }
    }
    Ok(Site { rendered, files })
}

fn feed_reports(
    documents: &[Document<'_>],
    written: &std::collections::HashSet<ArchivePath>,
    only: Option<&FeedId>,
) -> Vec<FeedReport> {
    documents
        .iter()
        .filter(|document| in_scope(&document.path, only))
        .map(|document| FeedReport {
            path: document.path.clone(),
            changed: written.contains(&document.path),
            items: document.entries.len(),
            missing: document.missing.clone(),
        })
        .collect()
}

/// Every recording a document names (and its rendition), as its sync record describes it.
fn recordings(documents: &[Document<'_>], files: &mut BTreeMap<ArchivePath, Output>) {
    for entry in documents.iter().flat_map(|document| &document.entries) {
        for (media, size, sha256) in entry.record.files() {
            files.entry(media.clone()).or_insert_with(|| Output {
                kind: Kind::Recording,
                size,
                sha256: sha256.to_owned(),
                inputs: None,
            });
        }
    }
}

/// Names every local file the documents and pages use, at the place each is published, so
/// that the assets of an output that is current (and not rendered again) are still listed
/// and copied.
fn name_assets(
    catalog: &Catalog,
    documents: &[Document<'_>],
    assets: &Assets<'_>,
) -> Result<(), Error> {
    let image_of = |id| catalog.speakers.get(id).and_then(|s| s.image.as_ref());
    for document in documents {
        let info = &document.channel;
        let persons = info.persons.iter().map(|credit| image_of(&credit.speaker));
        for source in persons.chain([info.image]).flatten() {
            assets.url(source, &info.place)?;
        }
        for entry in &document.entries {
            let (feed, episode, place) = (entry.feed, entry.episode, entry.place());
            let speakers = episode.credits.iter().map(|c| image_of(&c.speaker));
            let transcript = episode.transcript.as_ref().map(|t| &t.source);
            let own = [
                episode.image.as_ref(),
                episode.chapters.as_ref(),
                transcript,
                feed.channel.image.as_ref(),
            ];
            for source in speakers.chain(own).flatten() {
                assets.url(source, &place)?;
            }
        }
    }
    site::name_assets(catalog, assets)
}
