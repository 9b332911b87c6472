//! The XML writer of the feed: elements at an explicit depth, two spaces per level, one per
//! line; an element without content self-closed (`<itunes:image href="…"/>`); text and
//! attribute values escaped by quick-xml; HTML in CDATA.
//!
//! A document is its channel's head, its items and a tail, each written on its own: an item
//! written at [`ITEM_DEPTH`] is the same bytes in every document that contains it.

use std::fmt::Write as _;

use quick_xml::escape::{escape, partial_escape};

/// The depth of an `<item>`: inside `<rss>` and `<channel>`.
pub const ITEM_DEPTH: usize = 2;

/// An XML fragment being written.
pub struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    /// An empty fragment whose first element is `depth` levels deep.
    pub fn new(depth: usize) -> Self {
        Self {
            out: String::with_capacity(2048),
            depth,
        }
    }

    /// The XML declaration, which begins a document.
    pub fn declaration(&mut self) {
        self.out
            .push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    }

    /// `<name attrs…>`; what follows is inside it until [`Xml::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push('>');
        self.depth += 1;
    }

    /// `</name>` of the element last opened.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line();
        let _ = write!(self.out, "</{name}>");
    }

    /// `<name attrs…/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str("/>");
    }

    /// `<name attrs…>text</name>`, the text escaped.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.tag(name, attrs);
        let _ = write!(self.out, ">{}</{name}>", partial_escape(text));
    }

    /// `<name><![CDATA[html]]></name>`, as Apple asks for HTML. A `]]>` in `html` (which our
    /// escaped HTML never has) is split across two sections.
    pub fn html(&mut self, name: &str, html: &str) {
        self.tag(name, &[]);
        self.out.push_str("><![CDATA[");
        for (n, part) in html.split("]]>").enumerate() {
            if n > 0 {
                self.out.push_str("]]]]><![CDATA[>");
            }
            self.out.push_str(part);
        }
        let _ = write!(self.out, "]]></{name}>");
    }

    /// The fragment written, without spare capacity (10,000 items are kept in memory).
    pub fn finish(mut self) -> String {
        self.out.shrink_to_fit();
        self.out
    }

    /// A new line at the current depth, then `<name attrs…` (unclosed).
    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.line();
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"{}\"", escape(*value));
        }
    }

    fn line(&mut self) {
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_elements_are_self_closed_and_text_is_escaped() {
        let mut xml = Xml::new(ITEM_DEPTH);
        xml.open("item", &[]);
        xml.empty("itunes:image", &[("href", "https://e.org/a&b\"c.png")]);
        xml.text("title", &[], "Fish & <chips> \"'");
        xml.close("item");
        assert_eq!(
            xml.finish(),
            "\n    <item>\
             \n      <itunes:image href=\"https://e.org/a&amp;b&quot;c.png\"/>\
             \n      <title>Fish &amp; &lt;chips&gt; \"'</title>\
             \n    </item>"
        );
    }

    #[test]
    fn cdata_ends_in_html_are_split() {
        let mut xml = Xml::new(0);
        xml.html("description", "<p>a]]>b</p>");
        assert_eq!(
            xml.finish(),
            "\n<description><![CDATA[<p>a]]]]><![CDATA[>b</p>]]></description>"
        );
    }
}
