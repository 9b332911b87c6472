//! Parsing an untrusted page into a document in time linear in its size.
//!
//! html5ever follows the HTML standard, whose tree builder scans its stack of open elements
//! (scope checks, end tags, the adoption agency) and its list of active formatting elements
//! (Noah's ark, reconstruction) on many tokens: a page nested 20,000 levels deep costs
//! seconds, and unclosed formatting elements with distinct attributes are cloned on every
//! reconstruction. Those scans cost up to the depth for nearly every token, so the depth has
//! to be small for the time to stay linear with a small factor: browsers stop at 512, event
//! pages are 10 to 40 levels deep, and here the limit is 128. The tokens go through a filter
//! before the tree builder:
//! - a start tag that would open an element deeper than [`MAX_DEPTH`] is dropped (its text
//!   is kept, in the deepest element), and so is the end tag that matches it;
//! - formatting elements other than `<a>` (`<b>`, `<i>`, `<font>`…) are dropped: the import
//!   reads text, not typography, and they are what the adoption agency and reconstruction
//!   work on. Their text stays where it is.
//!
//! The page is fed in small pieces; between two, the import's deadline is checked.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Instant;

use html5ever::buffer_queue::BufferQueue;
use html5ever::interface::Tracer;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{LocalName, local_name};
use scraper::{Html, HtmlTreeSink};

/// Deepest element kept.
pub const MAX_DEPTH: usize = 128;

/// Bytes given to the tokenizer at once; the deadline is checked between two.
const PIECE: usize = 4096;

type Handle = <HtmlTreeSink as TreeSink>::Handle;

/// The page took longer to parse than the import may last.
#[derive(Debug, thiserror::Error)]
#[error("parsing the page did not finish before the import's deadline")]
pub struct TooSlow;

/// A parsed page, and how many tags deeper than [`MAX_DEPTH`] were dropped.
pub struct Parsed {
    pub document: Html,
    pub dropped: usize,
}

/// Parses `text` as an HTML document, giving up at `deadline`.
pub fn parse(text: &str, deadline: Instant) -> Result<Parsed, TooSlow> {
    let builder = TreeBuilder::new(
        HtmlTreeSink::new(Html::new_document()),
        TreeBuilderOpts::default(),
    );
    let filter = Filter {
        builder,
        dropped: RefCell::new(HashMap::new()),
        dropped_total: Cell::new(0),
        known_open: Cell::new(None),
    };
    let tokenizer = Tokenizer::new(filter, TokenizerOpts::default());
    let input = BufferQueue::default();
    let mut rest = text;
    while !rest.is_empty() {
        if Instant::now() > deadline {
            return Err(TooSlow);
        }
        let (piece, after) = rest.split_at(piece_end(rest));
        input.push_back(StrTendril::from_slice(piece));
        // A finished `<script>` pauses the tokenizer; nothing runs scripts here.
        while !matches!(tokenizer.feed(&input), html5ever::TokenizerResult::Done) {}
        rest = after;
    }
    tokenizer.end();
    let filter = tokenizer.sink;
    Ok(Parsed {
        dropped: filter.dropped_total.get(),
        document: filter.builder.sink.finish(),
    })
}

/// The end of the next piece: [`PIECE`] bytes, or less to end on a character boundary.
fn piece_end(text: &str) -> usize {
    if text.len() <= PIECE {
        return text.len();
    }
    (1..=PIECE)
        .rev()
        .find(|&end| text.is_char_boundary(end))
        .unwrap_or(text.len())
}

/// Hands the tokens to the tree builder, less those that would make the tree too deep and
/// the formatting elements.
struct Filter {
    builder: TreeBuilder<Handle, HtmlTreeSink>,
    /// Start tags dropped for depth, by name, whose end tags are still to come.
    dropped: RefCell<HashMap<LocalName, usize>>,
    dropped_total: Cell<usize>,
    /// [`Filter::open_elements`], while no token has reached the tree builder since.
    known_open: Cell<Option<usize>>,
}

impl Filter {
    /// Whether the token reaches the tree builder.
    fn keeps(&self, token: &Token) -> bool {
        let Token::TagToken(tag) = token else {
            return true;
        };
        if is_formatting(&tag.name) {
            return false;
        }
        match tag.kind {
            TagKind::StartTag if !is_void(&tag.name) && self.open_elements() >= MAX_DEPTH => {
                *self
                    .dropped
                    .borrow_mut()
                    .entry(tag.name.clone())
                    .or_default() += 1;
                self.dropped_total.set(self.dropped_total.get() + 1);
                false
            }
            TagKind::EndTag => {
                let mut dropped = self.dropped.borrow_mut();
                match dropped.get_mut(&tag.name) {
                    Some(count) if *count > 0 => {
                        *count -= 1;
                        false
                    }
                    _ => true,
                }
            }
            TagKind::StartTag => true,
        }
    }

    /// The elements the tree builder holds open (and the few others it keeps: the document,
    /// `<head>`, a form, an open `<a>`): an upper bound of the depth of the next element.
    fn open_elements(&self) -> usize {
        if let Some(known) = self.known_open.get() {
            return known;
        }
        let counter = Counter {
            count: Cell::new(0),
        };
        self.builder.trace_handles(&counter);
        self.known_open.set(Some(counter.count.get()));
        counter.count.get()
    }
}

impl TokenSink for Filter {
    type Handle = Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<Handle> {
        if self.keeps(&token) {
            self.known_open.set(None);
            self.builder.process_token(token, line_number)
        } else {
            TokenSinkResult::Continue
        }
    }

    fn end(&self) {
        self.builder.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.builder
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

struct Counter {
    count: Cell<usize>,
}

impl Tracer for Counter {
    type Handle = Handle;

    fn trace_handle(&self, _node: &Handle) {
        self.count.set(self.count.get() + 1);
    }
}

/// The formatting elements of the HTML standard, but `<a>`.
fn is_formatting(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("b")
            | local_name!("big")
            | local_name!("code")
            | local_name!("em")
            | local_name!("font")
            | local_name!("i")
            | local_name!("nobr")
            | local_name!("s")
            | local_name!("small")
            | local_name!("strike")
            | local_name!("strong")
            | local_name!("tt")
            | local_name!("u")
    )
}

/// Elements that never hold content, so never make the tree deeper.
fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use scraper::Selector;

    use super::*;

    fn parsed(text: &str) -> Parsed {
        parse(text, Instant::now() + Duration::from_secs(60)).unwrap()
    }

    fn depth_of_deepest(document: &Html) -> usize {
        document
            .tree
            .nodes()
            .map(|node| node.ancestors().count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_deep_page_is_cut_at_the_maximum_depth_and_keeps_its_text() {
        let text = format!(
            "<p>start</p>{}deep{}",
            "<div>".repeat(2000),
            "</div>".repeat(2000)
        );
        let page = parsed(&text);
        assert!(depth_of_deepest(&page.document) <= MAX_DEPTH + 1);
        assert!(page.dropped > 1000);
        let body = page.document.root_element().text().collect::<String>();
        assert_eq!(body, "startdeep");
    }

    #[test]
    fn formatting_elements_are_dropped_and_their_text_kept() {
        let page =
            parsed("<p>A <b>bold</b> and <i><font color=red>red</font></i> <a href=x>link</a></p>");
        let p = Selector::parse("p").unwrap();
        let paragraph = page.document.select(&p).next().unwrap();
        assert_eq!(paragraph.text().collect::<String>(), "A bold and red link");
        assert_eq!(paragraph.children().count(), 2, "the text and the link");
    }

    #[test]
    fn a_page_split_across_pieces_parses_as_one() {
        let word = "Zoë Ćosić ";
        let text = format!("<p>{}</p>", word.repeat(2000));
        let page = parsed(&text);
        let p = Selector::parse("p").unwrap();
        let paragraph = page.document.select(&p).next().unwrap();
        assert_eq!(paragraph.text().collect::<String>(), word.repeat(2000));
    }

    #[test]
    fn a_past_deadline_stops_the_parse() {
        let past = Instant::now().checked_sub(Duration::from_secs(1)).unwrap();
        assert!(parse("<p>x</p>", past).is_err());
    }
}
