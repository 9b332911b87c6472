//! `archive import`: read an event page, find its recordings, pair each with its speech block
//! (excerpt and speaker), and add the event, the episodes and any new speakers to the catalog
//! through the same checked, all-or-nothing edit as `archive speaker`.
//!
//! The page is scanned into a flat list of text, names and recordings ([`scan`]); "listen"
//! links are followed one level; the list is split into speech blocks ([`pairing`]). Every
//! uncertain pairing is reported for review and left out, never guessed.

mod event;
mod names;
mod page;
mod pairing;
mod plan;
mod scan;
mod write;

use std::collections::HashSet;

use chrono::NaiveDate;
use scraper::Html;
use url::Url;

pub use plan::{Plan, Row, Status};
use scan::Token;

use crate::catalog::{EventId, FeedId};
use crate::edit::CatalogEdit;

/// Checked options of `archive import`.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// An http(s) URL, or a local HTML file.
    pub page: String,
    pub feed: FeedId,
    pub event_id: Option<EventId>,
    /// The event date when the page does not give one.
    pub date: Option<NaiveDate>,
    /// The public URL of a feed the import creates.
    pub public_url: Option<Url>,
    pub dry_run: bool,
}

/// Why an import could not run.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("failed to fetch `{url}`: {reason}")]
    Fetch { url: String, reason: String },
    #[error("`{0}` is not an http(s) URL or an HTML file")]
    NotAPage(String),
    #[error(
        "`{0}` links no recordings (no `<audio>`, audio file links, or \"listen\" links that lead to audio)"
    )]
    NoRecordings(String),
    #[error("`{0}` gives no date for the event; give one with --date YYYY-MM-DD")]
    NoDate(String),
    #[error("`{0}` has no title (no `<h1>`, `og:title` or `<title>`)")]
    NoTitle(String),
    #[error("there is no `feeds/{0}.toml` yet; give its public URL with --public-url to create it")]
    NoPublicUrl(FeedId),
}

/// Reads the page and plans the import against the catalog open in `edit`.
pub fn plan(options: &ImportOptions, edit: &CatalogEdit) -> Result<Plan, crate::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(crate::Error::Runtime)?;
    let (event, tokens) = runtime.block_on(read_page(&options.page))?;
    if !tokens
        .iter()
        .any(|token| matches!(token, Token::Recording(_)))
    {
        return Err(ImportError::NoRecordings(options.page.clone()).into());
    }
    let paired = pairing::pair(&tokens);
    plan::build(options, edit, &event, &paired).map_err(Into::into)
}

/// Writes what `plan` found into the catalog; returns the files written.
pub fn apply(
    options: &ImportOptions,
    mut edit: CatalogEdit,
    plan: &Plan,
) -> Result<Vec<std::path::PathBuf>, crate::Error> {
    write::apply(&mut edit, options, plan)?;
    if options.dry_run {
        return Ok(edit.changed_files());
    }
    edit.commit()
}

/// The page's event, and its tokens with "listen" links resolved and duplicates removed.
async fn read_page(page: &str) -> Result<(event::PageEvent, Vec<Token>), ImportError> {
    let fetcher = page::Fetcher::new()?;
    let (html, base) = match Url::parse(page) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => (fetcher.page(&url).await?, url),
        Ok(_) => return Err(ImportError::NotAPage(page.to_owned())),
        Err(_) => page::local(std::path::Path::new(page))?,
    };
    let (event, tokens) = {
        let document = Html::parse_document(&html);
        (
            event::read(&document, &base),
            scan::tokens(&document, &base),
        )
    };
    let mut resolved = Vec::new();
    for token in tokens {
        match token {
            Token::Listen(url) => {
                resolved.extend(follow(&fetcher, &url).await.map(Token::Recording));
            }
            other => resolved.push(other),
        }
    }
    let mut seen = HashSet::new();
    resolved.retain(|token| match token {
        Token::Recording(url) => seen.insert(url.clone()),
        _ => true,
    });
    Ok((event, resolved))
}

/// Where a "listen" link leads: an audio file (by its `Content-Type`), or a page holding
/// `<audio>`, `og:audio` or a link to an audio file.
async fn follow(fetcher: &page::Fetcher, url: &Url) -> Option<Url> {
    let kind = fetcher.content_type(url).await?;
    if kind.starts_with("audio/") {
        return Some(url.clone());
    }
    if !kind.contains("html") {
        return None;
    }
    let html = Html::parse_document(&fetcher.page(url).await.ok()?);
    let og_audio =
        scraper::Selector::parse("meta[property=\"og:audio\"], meta[property=\"og:audio:url\"]")
            .ok()?;
    if let Some(audio) = html
        .select(&og_audio)
        .find_map(|meta| meta.value().attr("content"))
        .and_then(|content| scan::resolve(url, content))
    {
        return Some(audio);
    }
    scan::tokens(&html, url)
        .into_iter()
        .find_map(|token| match token {
            Token::Recording(audio) => Some(audio),
            _ => None,
        })
}
