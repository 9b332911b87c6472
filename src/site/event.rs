//! One event's page, `feeds/<feed-id>/events/<event-id>.html`: its title, date, text and
//! link, and its speeches in the order they were given (by time, then as the catalog lists
//! them).

use std::borrow::Cow;

use super::html::{self, Frame, Pieces};
use super::lists::{Articles, key};
use super::{Context, episode};
use crate::catalog::{Event, Feed};
use crate::feed::text::{escape_html, paragraphs};

pub fn page<'r, 'a: 'r>(
    context: &Context<'_, 'a>,
    feed: &Feed,
    event: &Event,
    articles: &'r Articles<'a>,
) -> Pieces<'r> {
    let title = escape_html(&event.title);
    let link = event
        .link
        .as_ref()
        .map(|link| {
            format!(
                "<p><a href=\"{}\">The event's own page</a></p>\n",
                escape_html(link.as_str())
            )
        })
        .unwrap_or_default();
    let summary = event.summary.as_deref().map(paragraphs).unwrap_or_default();
    let header = format!(
        "<nav aria-label=\"Breadcrumb\"><a href=\"../../index.html\">All feeds</a> › \
         <a href=\"../../{feed_id}.html\" dir=\"auto\">{feed_title}</a></nav>\n\
         <h1 dir=\"auto\">{title}</h1>\n<p class=\"meta\"><time datetime=\"{datetime}\">{date}</time></p>\n\
         <div dir=\"auto\">{summary}</div>\n{link}",
        feed_id = feed.id,
        feed_title = escape_html(&feed.channel.title),
        datetime = event.date.format("%Y-%m-%d"),
        date = event.date.format("%B %-d, %Y"),
    );
    let mut main: Pieces<'r> = vec![Cow::Borrowed("<h2>Speeches</h2>\n")];
    let entries = context.lists.event(feed, event);
    for entry in entries {
        episode::push(&mut main, &articles[&key(entry)], "../../");
    }
    if entries.is_empty() {
        main.push(Cow::Borrowed(
            "<p>No speeches of this event are published yet.</p>\n",
        ));
    }
    let xml_url = feed.xml_url();
    let frame = Frame {
        lang: &feed.channel.language,
        title: &event.title,
        feed_url: Some(xml_url.as_str()),
        head: String::new(),
        up: "../../",
    };
    html::pieces(&frame, &header, main)
}
