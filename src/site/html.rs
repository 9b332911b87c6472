//! The shared frame of every page: head with a small stylesheet that reads well on a phone,
//! and helpers for the bits pages repeat.

use crate::feed::text::escape_html;

/// A whole page: `lang`, `<title>`, an optional RSS `alternate` link, and the body.
pub fn page(lang: &str, title: &str, feed_url: Option<&str>, body: &str) -> String {
    let alternate = feed_url
        .map(|url| {
            format!(
                "\n<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{}\" href=\"{}\">",
                escape_html(title),
                escape_html(url)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>{alternate}\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        escape_html(lang),
        escape_html(title),
    )
}

const STYLE: &str = "
body{font-family:system-ui,sans-serif;line-height:1.5;max-width:44rem;margin:0 auto;padding:1rem;color:#1b1b1b;background:#fff}
a{color:#0b4f9c}
h1{font-size:1.7rem;line-height:1.2}
article{border-top:1px solid #ccc;padding:1rem 0}
.speakers{list-style:none;padding:0;margin:.5rem 0}
.speakers li{display:flex;align-items:center;gap:.6rem;margin:.3rem 0}
.speakers img{width:3rem;height:3rem;border-radius:50%;object-fit:cover}
.meta{color:#555;font-size:.95rem}
audio{width:100%;margin:.5rem 0}
.subscribe{background:#f3f6fa;border-radius:.5rem;padding:.5rem 1rem;margin:1rem 0}
.subscribe input{width:100%;font:inherit;padding:.3rem;box-sizing:border-box}
.portrait{width:8rem;height:8rem;border-radius:50%;object-fit:cover}
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
