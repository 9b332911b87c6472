//! Reading an event page's content, in document order, as a flat list of what matters for
//! pairing: paragraphs of text, names that label a speech (captions, portrait alt text,
//! headings, bold names), recordings (`<audio>`, `<source>`, links to audio files,
//! `WordPress` `[audio]` shortcodes) and "listen" links to follow.

use std::sync::LazyLock;

use ego_tree::{NodeId, iter::Edge};
use scraper::{ElementRef, Html, Node, Selector};
use url::Url;

use super::names::looks_like_name;

/// One thing on the page, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A paragraph of text, with its line breaks.
    Text(String),
    /// A name labelling a speech.
    Label(String),
    /// A recording.
    Recording(Url),
    /// A link whose text says listen, speech, audio…: it may lead to a recording.
    Listen(Url),
}

/// Extensions of audio files.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "mp3", "m4a", "m4b", "aac", "ogg", "oga", "opus", "flac", "wav",
];

/// Elements whose content is not the article.
const SKIPPED: &[&str] = &[
    "script", "style", "nav", "footer", "aside", "form", "noscript", "header", "button", "iframe",
    "template",
];

/// The content of `html` (its `article`, `main`, `WordPress` entry, or `body`), as tokens.
pub fn tokens(html: &Html, base: &Url) -> Vec<Token> {
    let root = ["article", "main", ".entry-content", ".post-content", "body"]
        .iter()
        .filter_map(|selector| Selector::parse(selector).ok())
        .find_map(|selector| html.select(&selector).next());
    let mut found = Vec::new();
    if let Some(root) = root {
        walk(root, base, &mut found);
    }
    found
}

/// Visits the elements under `root` in document order, without recursion: an element that
/// makes a token is read whole, and what it holds is not visited again.
fn walk(root: ElementRef<'_>, base: &Url, found: &mut Vec<Token>) {
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() && node.id() != root.id() => {
                if let Some(element) = ElementRef::wrap(node)
                    && visit(element, base, found)
                {
                    skipping = Some(node.id());
                }
            }
            Edge::Close(node) if skipping == Some(node.id()) => skipping = None,
            _ => {}
        }
    }
}

/// Reads `element`; whether that covered its content too.
fn visit(element: ElementRef<'_>, base: &Url, found: &mut Vec<Token>) -> bool {
    let name = element.value().name();
    match name {
        // The page's title is the event's, not a speaker's.
        _ if SKIPPED.contains(&name) || name == "h1" => {}
        "figure" => figure(element, base, found),
        "figcaption" | "h2" | "h3" | "h4" | "h5" | "h6" => label(&text_of(element), found),
        "img" => {
            if let Some(alt) = element
                .value()
                .attr("alt")
                .filter(|alt| looks_like_name(alt))
            {
                found.push(Token::Label(alt.trim().to_owned()));
            }
        }
        "audio" => recordings_in(element, base, found),
        "p" | "li" | "blockquote" | "dd" => paragraph(element, base, found),
        _ => return false,
    }
    true
}

/// A figure: its recordings, and its caption (or its image's alt text) as a label.
fn figure(element: ElementRef<'_>, base: &Url, found: &mut Vec<Token>) {
    let caption = select_first(element, "figcaption").map(text_of);
    let alt =
        select_first(element, "img").and_then(|img| img.value().attr("alt").map(str::to_owned));
    recordings_in(element, base, found);
    if let Some(name) = caption
        .into_iter()
        .chain(alt)
        .find(|text| looks_like_name(text))
    {
        found.push(Token::Label(name.trim().to_owned()));
    }
}

fn label(text: &str, found: &mut Vec<Token>) {
    if looks_like_name(text) {
        found.push(Token::Label(text.trim().to_owned()));
    }
}

/// `<audio src>` and `<source src>` in (or of) `element`.
fn recordings_in(element: ElementRef<'_>, base: &Url, found: &mut Vec<Token>) {
    static PLAYERS: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("audio, audio source").expect("a valid selector"));
    let mut players: Vec<ElementRef<'_>> = Vec::new();
    if element.value().name() == "audio" {
        players.push(element);
    }
    players.extend(element.select(&PLAYERS));
    for player in players {
        if let Some(url) = player
            .value()
            .attr("src")
            .and_then(|src| resolve(base, src))
        {
            found.push(Token::Recording(url));
        }
    }
}

/// A paragraph: its links (recordings and "listen" links), `WordPress` shortcodes, and its text
/// unless it is nothing but a link; a paragraph that is only a (bold) name is a label.
fn paragraph(element: ElementRef<'_>, base: &Url, found: &mut Vec<Token>) {
    recordings_in(element, base, found);
    let mut text = text_of(element);
    let mut link_text = String::new();
    for link in outermost_links(element) {
        let Some(url) = link
            .value()
            .attr("href")
            .and_then(|href| resolve(base, href))
        else {
            continue;
        };
        let words = text_of(link);
        if is_audio_url(&url) {
            found.push(Token::Recording(url));
            link_text.push_str(&words);
        } else if says_listen(&words) {
            found.push(Token::Listen(url));
            link_text.push_str(&words);
        }
    }
    for url in shortcodes(&text, base) {
        found.push(Token::Recording(url));
    }
    text = strip_shortcodes(&text);
    // A dateline ("November 10, 2020") is not part of any speech.
    let dateline =
        text.split_whitespace().count() <= 4 && super::event::date_in_text(&text).is_some();
    if dateline
        || text.trim().is_empty()
        || (!link_text.is_empty() && text.trim() == link_text.trim())
    {
        return;
    }
    if looks_like_name(&text) && !text.contains(['.', ',']) {
        found.push(Token::Label(text.trim().to_owned()));
    } else {
        found.push(Token::Text(text));
    }
}

/// Whether a link's text says it leads to the recording.
pub fn says_listen(text: &str) -> bool {
    let text = text.to_lowercase();
    [
        "listen",
        "speech",
        "audio",
        "recording",
        "hear ",
        "podcast",
        "mp3",
    ]
    .iter()
    .any(|word| text.contains(word))
}

/// Whether a URL names an audio file by its extension.
pub fn is_audio_url(url: &Url) -> bool {
    url.path().rsplit_once('.').is_some_and(|(_, extension)| {
        AUDIO_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
    })
}

/// `[audio mp3="…"]`, `[audio src="…"]` and the like.
fn shortcodes(text: &str, base: &Url) -> Vec<Url> {
    let mut urls = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[audio") {
        let Some(end) = rest[start..].find(']') else {
            break;
        };
        let code = &rest[start..start + end];
        for part in code.split_whitespace().skip(1) {
            if let Some((_, value)) = part.split_once('=')
                && let Some(url) = resolve(base, value.trim_matches(['"', '\'']))
            {
                urls.push(url);
                break;
            }
        }
        rest = &rest[start + end..];
    }
    urls
}

fn strip_shortcodes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('[') {
        let code = &rest[start..];
        let closes = code.find(']');
        let is_code = code.starts_with("[audio") || code.starts_with("[/audio");
        match closes {
            Some(end) if is_code => {
                out.push_str(&rest[..start]);
                rest = &rest[start + end + 1..];
            }
            _ => {
                out.push_str(&rest[..=start]);
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
    out.trim().to_owned()
}

/// An http(s) URL from a link on the page.
pub fn resolve(base: &Url, link: &str) -> Option<Url> {
    let url = base.join(link.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then_some(url)
}

/// The `<a href>` elements in `element` that are not inside another one (links do not nest
/// in HTML, but they do in SVG), so that each text is read once.
fn outermost_links(element: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    let mut links = Vec::new();
    let mut inside: Option<NodeId> = None;
    for edge in element.traverse() {
        match edge {
            Edge::Open(node) if inside.is_none() => {
                if let Some(link) = ElementRef::wrap(node)
                    .filter(|e| e.value().name() == "a" && e.value().attr("href").is_some())
                {
                    links.push(link);
                    inside = Some(node.id());
                }
            }
            Edge::Close(node) if inside == Some(node.id()) => inside = None,
            _ => {}
        }
    }
    links
}

fn select_first<'a>(element: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    element
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|descendant| descendant.value().name() == name)
}

/// The text of an element as a reader sees it: HTML whitespace collapsed (a non-breaking
/// space is kept, as browsers keep it), `<br>` as a line break.
pub fn text_of(element: ElementRef<'_>) -> String {
    let mut raw = String::new();
    let mut skipping: Option<NodeId> = None;
    for edge in element.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Text(text) => {
                    raw.extend(text.chars().map(|c| if c == '\n' { ' ' } else { c }));
                }
                Node::Element(inner) if inner.name() == "br" => raw.push('\n'),
                Node::Element(inner)
                    if SKIPPED.contains(&inner.name()) && node.id() != element.id() =>
                {
                    skipping = Some(node.id());
                }
                _ => {}
            },
            Edge::Close(node) if skipping == Some(node.id()) => skipping = None,
            _ => {}
        }
    }
    raw.split('\n')
        .map(|line| line.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
