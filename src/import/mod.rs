//! `archive import`: read an event page, find its recordings, pair each with its speech block
//! (excerpt and speaker), and add the event, the episodes and any new speakers to the catalog
//! through the same checked, all-or-nothing edit as `archive speaker`.
//!
//! The page is decoded in its charset ([`charset`]), parsed with a bounded depth ([`html`]),
//! and scanned into a flat list of text, names and recordings ([`scan`]); "listen" links are
//! followed one level, at most [`MAX_FOLLOWED`] of them; the list is split into speech blocks
//! ([`pairing`]). Every uncertain pairing is reported for review and left out, never guessed.
//! The whole import, fetching included, ends within [`DEADLINE`].

mod charset;
mod event;
mod html;
mod names;
mod page;
mod pairing;
mod plan;
mod review;
mod scan;
mod write;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use url::Url;

pub use plan::{Plan, Row, Status};
pub use review::{Excerpts, review};
use scan::Token;

use crate::archive::Archive;
use crate::catalog::{EventId, FeedId};
use crate::edit::CatalogEdit;

/// Most "listen" links followed from one page; the others are left out, with a note.
pub const MAX_FOLLOWED: usize = 200;

/// How long an import may take: fetching the page, parsing it, following its links.
pub const DEADLINE: Duration = Duration::from_secs(120);

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
    #[error(
        "`{0}` could not be read within the import's {secs} s; try again, or save the page and import the file",
        secs = DEADLINE.as_secs()
    )]
    Deadline(String),
    /// Reading or writing the archive failed.
    #[error(transparent)]
    Archive(#[from] crate::Error),
}

/// Reads the page and plans the import against the catalog open in `edit`, with the HTTP
/// client and runtime of `archive`. The page's own host may be on the local network (the
/// user named it); links it leads to are held to the address policy.
pub fn plan(
    options: &ImportOptions,
    edit: &CatalogEdit,
    archive: &Archive,
) -> Result<Plan, ImportError> {
    // Before anything is fetched: the page must be one, and a feed the import would create
    // needs its public URL.
    let source = Source::of(&options.page)?;
    if options.public_url.is_none() && edit.catalog().feed(&options.feed).is_none() {
        return Err(ImportError::NoPublicUrl(options.feed.clone()));
    }
    let deadline = Instant::now() + DEADLINE;
    let net = archive.net(|policy| {
        if let Source::Web(url) = &source {
            policy.allow_host_of(url);
        }
    });
    let client = page::client(&net)?;
    let page = archive
        .runtime()?
        .block_on(read_page(&options.page, source, deadline, client))?;
    if !page
        .tokens
        .iter()
        .any(|token| matches!(token, Token::Recording(_)))
    {
        return Err(ImportError::NoRecordings(options.page.clone()));
    }
    let paired = pairing::pair(&page.tokens);
    let mut plan = plan::build(options, edit, &page.event, &paired)?;
    plan.notes = page.notes;
    Ok(plan)
}

/// Writes what `plan` found into the catalog; returns the files written.
pub fn apply(
    options: &ImportOptions,
    mut edit: CatalogEdit,
    plan: &Plan,
) -> Result<Vec<std::path::PathBuf>, ImportError> {
    write::apply(&mut edit, options, plan)?;
    if options.dry_run {
        return Ok(edit.changed_files());
    }
    Ok(edit.commit()?)
}

/// What a page gave: its event, its tokens with "listen" links resolved and duplicates
/// removed, and notes on what was left out.
struct Page {
    event: event::PageEvent,
    tokens: Vec<Token>,
    notes: Vec<String>,
}

/// Where the page is.
enum Source {
    Web(Url),
    File(std::path::PathBuf),
}

impl Source {
    /// An http(s) URL, or else a file path.
    fn of(page: &str) -> Result<Self, ImportError> {
        match Url::parse(page) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Self::Web(url)),
            Ok(_) => Err(ImportError::NotAPage(page.to_owned())),
            Err(_) => Ok(Self::File(page.into())),
        }
    }
}

async fn read_page(
    page: &str,
    source: Source,
    deadline: Instant,
    client: crate::net::Client,
) -> Result<Page, ImportError> {
    let fetcher = page::Fetcher::new(client, deadline);
    let (text, base) = match source {
        Source::Web(url) => (fetcher.page(&url).await?, url),
        Source::File(path) => page::local(&path)?,
    };
    let mut notes = Vec::new();
    let (event, tokens) = {
        let parsed =
            html::parse(&text, deadline).map_err(|_| ImportError::Deadline(page.to_owned()))?;
        if parsed.dropped > 0 {
            notes.push(format!(
                "`{page}` nests elements more than {} levels deep: {} tags below that were left out (their text was kept)",
                html::MAX_DEPTH,
                parsed.dropped
            ));
        }
        (
            event::read(&parsed.document, &base),
            scan::tokens(&parsed.document, &base),
        )
    };
    let tokens = resolve_listen_links(&fetcher, page, tokens, &mut notes).await;
    Ok(Page {
        event,
        tokens,
        notes,
    })
}

/// `tokens` with the first [`MAX_FOLLOWED`] "listen" links replaced by the recordings they
/// lead to (the others are dropped, with a note), and each recording kept once.
async fn resolve_listen_links(
    fetcher: &page::Fetcher,
    page: &str,
    tokens: Vec<Token>,
    notes: &mut Vec<String>,
) -> Vec<Token> {
    let links = tokens
        .iter()
        .filter(|token| matches!(token, Token::Listen(_)))
        .count();
    let mut followed = 0;
    let mut resolved = Vec::new();
    for token in tokens {
        match token {
            Token::Listen(url) => {
                if followed < MAX_FOLLOWED && Instant::now() < fetcher.deadline() {
                    followed += 1;
                    resolved.extend(follow(fetcher, &url).await.map(Token::Recording));
                }
            }
            other => resolved.push(other),
        }
    }
    if followed < links {
        let why = if followed < MAX_FOLLOWED {
            format!("the import's {} s were over", DEADLINE.as_secs())
        } else {
            format!("at most {MAX_FOLLOWED} are followed")
        };
        notes.push(format!(
            "`{page}` has {links} \"listen\" links; {followed} were followed and the other {} were not ({why}): add their recordings by hand, or import the pages they lead to",
            links - followed
        ));
    }
    let mut seen = HashSet::new();
    resolved.retain(|token| match token {
        Token::Recording(url) => seen.insert(url.clone()),
        _ => true,
    });
    resolved
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
    let text = fetcher.page(url).await.ok()?;
    let html = html::parse(&text, fetcher.deadline()).ok()?.document;
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
