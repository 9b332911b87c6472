//! The build (`archive build`, and the end of `archive sync`): every output of the archive from
//! its catalog and sync records, and the manifest that lists them.
//!
//! 1. Plan: the feed documents, the pages, the local assets they name, and a fingerprint of
//!    each output's inputs ([`fingerprint`]).
//! 2. Render the outputs whose fingerprint changed (rendering is pure), a batch at a time,
//!    and write each batch's changed feeds and pages before rendering the next, so that
//!    memory holds a batch, not the site; then make them durable together and copy the
//!    assets.
//! 3. Reconcile: delete the outputs the catalog no longer produces (a renamed speaker's feed,
//!    a removed feed's pages, recordings no record names).
//! 4. Save the manifest ([`crate::outputs`]), which `publish` and `serve` work from.

mod fingerprint;
mod reconcile;
mod write;

use std::collections::BTreeMap;

use crate::Error;
use crate::archive::Archive;
use crate::assets::Assets;
use crate::catalog::{Catalog, EpisodeId, FeedId};
use crate::confined::ArchivePath;
use crate::feed::{self, Document};
use crate::outputs::{Kind, Output, Outputs};
use crate::site::{self, Page};

pub use fingerprint::Fingerprint;
use write::{Rendered, Writer};
pub use write::{all_present, present};

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
    if only.is_none() && archive.current()? {
        // A sync that pulled nothing: nothing to render, only the report to make.
        let (documents, warnings) = feed::documents(archive.catalog(), archive.records());
        return Ok(Report {
            feeds: feed_reports(&documents, &std::collections::HashSet::new(), None),
            warnings,
            current: true,
            ..Report::default()
        });
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

/// Feed documents assembled and written at once: the 10,000-item feed of a large archive is
/// tens of megabytes.
const DOCUMENTS_AT_ONCE: usize = 2;

/// Pages rendered and written at once, by weight: a speech's page or passages weigh 1, and a
/// page that lists speeches (a feed's, a speaker's, an event's) weighs [`LIST_WEIGHT`]: the
/// page of a feed of 10,000 speeches is megabytes.
const PAGES_AT_ONCE: usize = 256;
const LIST_WEIGHT: usize = 128;

/// `stale` cut into batches of [`PAGES_AT_ONCE`] weight or less (or one page).
fn batches<'s, 'a>(
    stale: &'s [(Page<'a>, &'s String)],
) -> impl Iterator<Item = &'s [(Page<'a>, &'s String)]> {
    let weigh = |page: &Page<'_>| match page {
        Page::Feed(_) | Page::Speaker(_) | Page::Event(..) => LIST_WEIGHT,
        _ => 1,
    };
    let mut weight = stale.first().map_or(0, |(page, _)| weigh(page));
    // Called on each pair of neighbours in order: `false` starts a batch at `next`.
    stale.chunk_by(move |_, (next, _)| {
        weight += weigh(next);
        if weight > PAGES_AT_ONCE {
            weight = weigh(next);
            return false;
        }
        true
    })
}

fn plan_and_write(archive: &Archive, only: Option<&FeedId>) -> Result<(Outputs, Report), Error> {
    let (catalog, records) = (archive.catalog(), archive.records());
    let (root, previous) = (archive.root(), archive.outputs());
    let assets = Assets::new(root, &previous.sources);
    let (documents, warnings) = feed::documents(catalog, records);
    name_assets(catalog, &documents, &assets)?;
    let pages = site::plan(catalog, &documents);
    let items = fingerprint::items(catalog, &documents, &assets)?;
    let stale = |path: &ArchivePath, print: &String| {
        in_scope(path, only)
            && !previous.files.get(path).is_some_and(|output| {
                output.inputs.as_ref() == Some(print) && write::present(root, path, output.size)
            })
    };
    let doc_prints = crate::parallel::map(&documents, |document| {
        fingerprint::document(catalog, document, &items, &assets)
    })?;
    let search = fingerprint::search(catalog, &documents, &items);
    let links = fingerprint::links(&documents);
    let shared = (search.as_str(), links.as_str());
    let lists = site::Lists::new(catalog, records, &documents);
    let page_prints = crate::parallel::map(&pages, |page| {
        fingerprint::page(catalog, &lists, &documents, page, &items, &assets, shared)
    })?;
    let render_docs: Vec<(&Document<'_>, &String)> = documents
        .iter()
        .zip(&doc_prints)
        .filter(|(document, print)| stale(&document.path, print))
        .collect();
    let render_pages: Vec<(Page<'_>, &String)> = pages
        .iter()
        .copied()
        .zip(&page_prints)
        .filter(|(page, print)| stale(&page.path(), print))
        .collect();
    let mut writer = Writer::new(root, previous, render_docs.len() + render_pages.len());
    write_documents(catalog, &render_docs, &assets, &mut writer)?;
    let context = site::Context {
        catalog,
        records,
        documents: &documents,
        lists: &lists,
        assets: &assets,
        root,
    };
    write_pages(&context, &render_pages, &mut writer)?;
    let (mut files, written) = writer.finish()?;
    // Outputs left as they were: in scope and current, or out of scope.
    let paths = documents.iter().map(|document| document.path.clone());
    for path in paths.chain(pages.iter().map(Page::path)) {
        if !files.contains_key(&path)
            && let Some(output) = previous.files.get(&path)
        {
            files.insert(path, output.clone());
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
            .filter(|(page, _)| written.contains(&page.path()))
            .count(),
        assets: copied,
        deleted,
        warnings,
        current: false,
    };
    Ok((outputs, report))
}

/// Renders the feed documents `stale` names and hands them to `writer` a few at a time.
fn write_documents<'a>(
    catalog: &Catalog,
    stale: &[(&Document<'a>, &String)],
    assets: &Assets<'_>,
    writer: &mut Writer<'_>,
) -> Result<(), Error> {
    let documents: Vec<&Document<'a>> = stale.iter().map(|(document, _)| *document).collect();
    let items = feed::Items::render(catalog, &documents, assets)?;
    for batch in stale.chunks(DOCUMENTS_AT_ONCE) {
        let xml = crate::parallel::map(batch, |(document, _)| {
            items.pieces(catalog, document, assets)
        })?;
        let rendered = batch
            .iter()
            .zip(xml)
            .map(|((document, print), text)| Rendered {
                path: document.path.clone(),
                kind: Kind::Feed,
                print: (*print).clone(),
                text,
            });
        writer.put(rendered.collect())?;
    }
    Ok(())
}

/// Renders the pages `stale` names and hands them to `writer` a batch at a time.
fn write_pages(
    context: &site::Context<'_, '_>,
    stale: &[(Page<'_>, &String)],
    writer: &mut Writer<'_>,
) -> Result<(), Error> {
    let pages: Vec<Page<'_>> = stale.iter().map(|(page, _)| *page).collect();
    let site = site::Renderer::new(context, &pages)?;
    for batch in batches(stale) {
        let pages: Vec<Page<'_>> = batch.iter().map(|(page, _)| *page).collect();
        let html = site.render(&pages)?;
        let rendered = batch
            .iter()
            .zip(html)
            .map(|((page, print), text)| Rendered {
                path: page.path(),
                kind: Kind::Page,
                print: (*print).clone(),
                text,
            });
        writer.put(rendered.collect())?;
    }
    Ok(())
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
    let lists = site::Lists::new(catalog, records, &documents);
    let context = site::Context {
        catalog,
        records,
        documents: &documents,
        lists: &lists,
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
