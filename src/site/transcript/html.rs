//! An HTML transcript: its text, one paragraph per block (`<p>`, `<div>`, `<li>`, a heading,
//! `<br>`…). Only html5ever's tokenizer runs, without a tree: one pass, no nesting to
//! bound, whatever the depth of the file. Text inside `<script>`, `<style>`, `<head>` and
//! `<template>` is left out.

use std::cell::RefCell;

use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

use super::{Cue, MAX_CUES};

/// The paragraphs of an HTML transcript, as untimed cues.
pub fn parse(text: &str) -> Vec<Cue> {
    let sink = Sink::default();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    while !matches!(tokenizer.feed(&input), html5ever::TokenizerResult::Done) {}
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    state.close_paragraph();
    state.paragraphs
}

#[derive(Default)]
struct Sink {
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    paragraphs: Vec<Cue>,
    current: String,
    /// Open elements whose text is left out.
    hidden: usize,
}

impl State {
    fn close_paragraph(&mut self) {
        let text = self
            .current
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.current.clear();
        if !text.is_empty() && self.paragraphs.len() < MAX_CUES {
            self.paragraphs.push(Cue {
                start: None,
                end: None,
                speaker: None,
                text,
            });
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "blockquote"
            | "section"
            | "article"
            | "dd"
            | "dt"
            | "hr"
            | "pre"
            | "body"
    )
}

fn is_hidden(name: &str) -> bool {
    matches!(name, "script" | "style" | "head" | "template" | "title")
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(text) if state.hidden == 0 => state.current.push_str(&text),
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if is_hidden(name) && !tag.self_closing {
                    match tag.kind {
                        TagKind::StartTag => state.hidden += 1,
                        TagKind::EndTag => state.hidden = state.hidden.saturating_sub(1),
                    }
                } else if is_block(name) {
                    state.close_paragraph();
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_scripts_are_left_out() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\
                    <h1>Talk</h1><p>First <b>part</b>\n of it.</p><script>x()</script>\
                    <div>Second<br>third &amp; last</div></body></html>";
        let texts: Vec<String> = parse(html).into_iter().map(|c| c.text).collect();
        assert_eq!(
            texts,
            ["Talk", "First part of it.", "Second", "third & last"]
        );
    }

    #[test]
    fn deep_nesting_costs_nothing_more() {
        let html = format!("{}deep{}", "<div>".repeat(50_000), "</div>".repeat(50_000));
        let texts: Vec<String> = parse(&html).into_iter().map(|c| c.text).collect();
        assert_eq!(texts, ["deep"]);
    }
}
