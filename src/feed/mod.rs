//! Writing a feed's RSS 2.0 from the catalog and the sync state, with the `rss` crate.
//!
//! The output depends only on its inputs: no "now", items in a fixed order, maps sorted. The
//! same catalog and media give a byte-identical file.

mod channel;
mod item;
mod namespace;

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use url::Url;

use crate::catalog::{Catalog, EpisodeId, Feed, Source};
use crate::media;
use crate::state::Record;
use crate::{Error, atomic};

/// A feed rendered to XML, with what it had to leave out.
#[derive(Debug)]
pub struct Rendered {
    pub xml: String,
    /// Episodes left out because they have no synced recording yet.
    pub missing: Vec<EpisodeId>,
}

/// Renders `feed` to RSS. Local images are published into `media/` on the way.
pub fn render(
    root: &Path,
    catalog: &Catalog,
    feed: &Feed,
    records: &HashMap<EpisodeId, Record>,
) -> Result<Rendered, Error> {
    let assets = Assets::new(root, feed);
    let mut items = Vec::new();
    let mut missing = Vec::new();
    let mut episodes: Vec<_> = feed.episodes.iter().enumerate().collect();
    // Newest first; the catalog order breaks ties.
    episodes.sort_by(|(ia, a), (ib, b)| b.published.cmp(&a.published).then(ia.cmp(ib)));
    for (_, episode) in episodes {
        match records.get(&episode.id) {
            Some(record) => items.push(item::build(catalog, feed, episode, record, &assets)?),
            None => missing.push(episode.id.clone()),
        }
    }
    let channel = channel::build(feed, items, &assets)?;
    let body = channel
        .pretty_write_to(Vec::new(), b' ', 2)
        .map_err(|source| Error::Rss {
            feed: feed.id.clone(),
            source,
        })?;
    // quick-xml writes only valid UTF-8 (with its own XML declaration).
    let mut xml = String::from_utf8_lossy(&body).into_owned();
    xml.push('\n');
    Ok(Rendered { xml, missing })
}

/// Renders `feed` and writes `feeds/<id>.xml` if it changed; returns whether it wrote.
pub fn write(
    root: &Path,
    catalog: &Catalog,
    feed: &Feed,
    records: &HashMap<EpisodeId, Record>,
) -> Result<(Rendered, bool), Error> {
    let rendered = render(root, catalog, feed, records)?;
    let changed = atomic::write_if_changed(&root.join(feed.xml_path()), rendered.xml.as_bytes())?;
    Ok((rendered, changed))
}

/// Resolves the public URL of images and other files a feed refers to, publishing each local
/// file once per render however many items use it.
struct Assets<'a> {
    root: &'a Path,
    feed: &'a Feed,
    published: RefCell<HashMap<PathBuf, Url>>,
}

impl<'a> Assets<'a> {
    fn new(root: &'a Path, feed: &'a Feed) -> Self {
        Self {
            root,
            feed,
            published: RefCell::default(),
        }
    }

    fn url(&self, source: &Source) -> Result<Url, Error> {
        let path = match source {
            Source::Remote(url) => return Ok(url.clone()),
            Source::Local(path) => path,
        };
        if let Some(url) = self.published.borrow().get(path) {
            return Ok(url.clone());
        }
        let published = media::publish_asset(self.root, &self.feed.id, path)?;
        let url = media::public_url(&self.feed.channel.public_url, &published);
        self.published
            .borrow_mut()
            .insert(path.clone(), url.clone());
        Ok(url)
    }
}

/// `H:MM:SS` (or `M:SS`) for a number of seconds.
pub fn clock(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}
