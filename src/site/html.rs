//! The shared frame of every page: the head with a small stylesheet that reads well on a
//! phone (colours pass WCAG AA), a link to skip to the content, the search box (hidden until
//! the script shows it, so that a page without JavaScript offers nothing that cannot work),
//! and helpers for the bits pages repeat.

use std::borrow::Cow;
use std::fmt::Write as _;

pub use crate::feed::text::Pieces;
use crate::feed::text::escape_html;

/// What a page puts into the frame.
pub struct Frame<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    /// An RSS feed to offer as `alternate`.
    pub feed_url: Option<&'a str>,
    /// More of the head: share meta, canonical link, JSON-LD.
    pub head: String,
    /// The path from the page to `feeds/`: `""`, `"../"` or `"../../"`.
    pub up: &'a str,
}

/// A whole page: the frame around `header` (below the search box) and `main`.
pub fn page(frame: &Frame<'_>, header: &str, main: &str) -> String {
    pieces(frame, header, vec![Cow::Borrowed(main)]).concat()
}

/// A whole page in pieces: the frame's opening, `main`'s pieces as they are, and the frame's
/// end. The page of a feed of 10,000 speeches is megabytes of articles it borrows: it is
/// written piece by piece, never put together in memory.
pub fn pieces<'m>(frame: &Frame<'_>, header: &str, main: Pieces<'m>) -> Pieces<'m> {
    let mut page = Vec::with_capacity(main.len() + 2);
    page.push(Cow::Owned(opening(frame, header)));
    page.extend(main);
    page.push(Cow::Borrowed("\n</main>\n</body>\n</html>\n"));
    page
}

/// The frame up to where `main` begins.
fn opening(frame: &Frame<'_>, header: &str) -> String {
    let alternate = frame
        .feed_url
        .map(|url| {
            format!(
                "\n<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{}\" href=\"{}\">",
                escape_html(frame.title),
                escape_html(url)
            )
        })
        .unwrap_or_default();
    let up = frame.up;
    let length = STYLE.len() + frame.head.len() + header.len() + 1024;
    let mut page = String::with_capacity(length);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>{alternate}{head}\n<style>{STYLE}</style>\n\
         <script src=\"{up}search.js\" defer></script>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to the content</a>\n<header>\n{header}\n{search}\n</header>\n\
         <main id=\"main\">\n",
        lang = escape_html(frame.lang),
        title = escape_html(frame.title),
        head = frame.head,
        search = search_box(up),
    );
    page
}

/// The search form; `search.js` shows it and fills its results.
fn search_box(up: &str) -> String {
    format!(
        "<form class=\"search\" role=\"search\" data-root=\"{up}\" hidden>\n\
         <label for=\"search-q\">Search every speech</label>\n\
         <div class=\"row\"><input id=\"search-q\" type=\"search\" name=\"q\" autocomplete=\"off\" dir=\"auto\">\
         <button type=\"submit\">Search</button></div>\n\
         <p class=\"meta\" role=\"status\"></p>\n<ol class=\"results\" aria-label=\"Search results\"></ol>\n</form>"
    )
}

const STYLE: &str = "
body{font-family:system-ui,sans-serif;line-height:1.5;max-width:44rem;margin:0 auto;padding:1rem;color:#1b1b1b;background:#fff}
a{color:#0b4f9c}
h1{font-size:1.7rem;line-height:1.2}
article{border-top:1px solid #ccc;padding:1rem 0}
.skip{position:absolute;left:-100rem}
.skip:focus{position:static}
.speakers{list-style:none;padding:0;margin:.5rem 0}
.speakers li{display:flex;align-items:center;gap:.6rem;margin:.3rem 0}
.speakers img{width:3rem;height:3rem;border-radius:50%;object-fit:cover;flex:none}
.meta{color:#555;font-size:.95rem}
audio{width:100%;margin:.5rem 0}
.subscribe,.search{background:#f3f6fa;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}
.subscribe input{width:100%;font:inherit;padding:.3rem;box-sizing:border-box}
.search .row{display:flex;gap:.5rem}
.search input{flex:1;min-width:0;font:inherit;padding:.3rem}
.search button{font:inherit;padding:.3rem .8rem;color:#fff;background:#0b4f9c;border:0;border-radius:.3rem}
.results{padding-left:1.4rem}
.results li{margin:.6rem 0}
.results p{margin:.1rem 0}
.hit a{font-weight:600}
mark{background:#ffe58a;color:#1b1b1b}
.portrait{width:8rem;height:8rem;border-radius:50%;object-fit:cover}
.bio{margin:0;font-size:.95rem}
.chapters,.transcript{padding-left:0;list-style:none}
.transcript p{margin:.6rem 0}
a.seek{font-variant-numeric:tabular-nums;margin-inline-end:.4rem}
.downloads{padding-left:1.2rem}
";

/// The "Subscribe" box: a link to the feed and its URL to copy.
pub fn subscribe(feed_url: &str, id: &str) -> String {
    let url = escape_html(feed_url);
    format!(
        "<section class=\"subscribe\" aria-labelledby=\"subscribe-{id}\">\n\
         <h2 id=\"subscribe-{id}\">Subscribe</h2>\n\
         <p><a href=\"{url}\">Subscribe in a podcast app (RSS feed)</a></p>\n\
         <p><label for=\"feed-url-{id}\">Feed URL, to paste into a podcast app:</label>\n\
         <input id=\"feed-url-{id}\" type=\"url\" readonly value=\"{url}\"></p>\n\
         </section>"
    )
}

/// `H:MM:SS` (or `M:SS`) of a time in seconds, for a timestamp link.
pub fn clock(seconds: f64) -> String {
    // A time in a recording: never negative, far below 2^53.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    crate::feed::clock(seconds.max(0.0).floor() as u64)
}

/// A link that seeks the player to `seconds` (and, without the script, does nothing
/// harmful: it names a place on the page).
pub fn seek(seconds: f64) -> String {
    let fragment = crate::search::query::fragment(seconds);
    format!(
        "<a class=\"seek\" href=\"{fragment}\" aria-label=\"Play from {}\">{}</a>",
        clock(seconds),
        clock(seconds)
    )
}
