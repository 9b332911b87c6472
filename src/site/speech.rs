//! One speech's page, `feeds/<feed-id>/<episode-id>.html`: title; event, date and duration;
//! the player; downloads; the speakers with portrait, title and bio; the full excerpt; the
//! chapters and the transcript, whose timestamps seek the player (`#t=<seconds>`, handled
//! by `search.js`; the same fragment opens the page at that time). The head carries the
//! share preview ([`share`]).
//!
//! Media the page plays and shows are linked relative to the page (the public URL's
//! `feeds/` and `media/` are siblings), so that the page works from `file://` and at any
//! address; what a shared link's preview reads is absolute.

use std::fmt::Write as _;

use url::Url;

use super::Context;
use super::chapters::{self, Chapter};
use super::html::{self, Frame, seek};
use super::share::{self, Image};
use super::transcript::{self, Paragraph};
use crate::Error;
use crate::catalog::Speaker;
use crate::feed::clock;
use crate::feed::document::Entry;
use crate::feed::text::{escape_html, paragraphs};
use crate::media;

/// From the page to the archive root.
const TOP: &str = "../../";

/// A file to download: the recording (later, its renditions too).
struct Download {
    label: String,
    href: String,
    mime: String,
    size: u64,
}

pub fn page(context: &Context<'_, '_>, entry: &Entry<'_>) -> Result<String, Error> {
    let Entry { feed, episode, .. } = *entry;
    let place = entry.place();
    let local = |url: &Url| relative(url, &feed.channel.public_url);
    let mut speakers = Vec::new();
    for credit in &episode.credits {
        if let Some(speaker) = context.catalog.speakers.get(&credit.speaker) {
            let portrait = match &speaker.image {
                Some(image) => Some(context.assets.url(image, &place)?),
                None => None,
            };
            speakers.push((speaker, portrait));
        }
    }
    let image = share_image(context, entry, &speakers)?;
    let head = share::head(context.catalog, entry, image.as_ref());
    let transcript = episode
        .transcript
        .as_ref()
        .and_then(|t| transcript::load(context.root, t));
    let chapters = episode
        .chapters
        .as_ref()
        .and_then(|c| chapters::load(context.root, c));
    let mut main = intro(entry);
    main.push_str(&downloads(&recordings(entry)));
    main.push_str(&speaker_list(&speakers, &local));
    let _ = write!(
        main,
        "\n<section aria-labelledby=\"excerpt\">\n<h2 id=\"excerpt\">Excerpt</h2>\n<div dir=\"auto\">{}</div>\n</section>",
        paragraphs(&episode.excerpt)
    );
    if let Some(chapters) = chapters.filter(|c| !c.is_empty()) {
        main.push_str(&chapter_list(&chapters));
    }
    let file = match &episode.transcript {
        Some(t) => Some((local(&context.assets.url(&t.source, &place)?), t.mime_type)),
        None => None,
    };
    main.push_str(&transcript_section(transcript.as_deref(), file));
    if let Some(note) = &episode.note {
        let _ = write!(
            main,
            "\n<p class=\"meta\"><em>{}</em></p>",
            escape_html(note.trim())
        );
    }
    let header = format!(
        "<nav aria-label=\"Breadcrumb\"><a href=\"../index.html\">All feeds</a> › \
         <a href=\"../{}.html\" dir=\"auto\">{}</a></nav>",
        feed.id,
        escape_html(&feed.channel.title)
    );
    let title = format!("{} · {}", episode.title, feed.channel.title);
    let xml_url = feed.xml_url();
    let frame = Frame {
        lang: &feed.channel.language,
        title: &title,
        feed_url: Some(xml_url.as_str()),
        head,
        up: "../",
    };
    Ok(html::page(&frame, &header, &main))
}

/// `url` relative to the page when it is under the archive's public URL, else as it is.
fn relative(url: &Url, base: &Url) -> String {
    match url.as_str().strip_prefix(base.as_str()) {
        Some(rest) => format!("{TOP}{rest}"),
        None => url.to_string(),
    }
}

/// The share image: the episode's artwork, else the first speaker's portrait, else the
/// feed's artwork.
fn share_image(
    context: &Context<'_, '_>,
    entry: &Entry<'_>,
    speakers: &[(&Speaker, Option<Url>)],
) -> Result<Option<Image>, Error> {
    let (feed, episode) = (entry.feed, entry.episode);
    let place = entry.place();
    if let Some(image) = &episode.image {
        let alt = format!("Artwork of {}", episode.title);
        return Ok(Some(Image {
            url: context.assets.url(image, &place)?,
            alt,
        }));
    }
    if let Some((speaker, Some(url))) = speakers.iter().find(|(_, url)| url.is_some()) {
        let alt = format!("Portrait of {}", speaker.name);
        return Ok(Some(Image {
            url: url.clone(),
            alt,
        }));
    }
    match &feed.channel.image {
        Some(image) => Ok(Some(Image {
            url: context.assets.url(image, &place)?,
            alt: format!("Cover of {}", feed.channel.title),
        })),
        None => Ok(None),
    }
}

/// Title, event, date, duration and the player.
fn intro(entry: &Entry<'_>) -> String {
    let Entry {
        feed,
        episode,
        record,
    } = *entry;
    let event = episode
        .event
        .as_ref()
        .and_then(|id| feed.event(id))
        .map(|event| {
            format!(
                "<a href=\"events/{}.html\" dir=\"auto\">{}</a> · ",
                event.id,
                escape_html(&event.title)
            )
        })
        .unwrap_or_default();
    let audio = relative(
        &media::public_url(&feed.channel.public_url, record.enclosure().media),
        &feed.channel.public_url,
    );
    format!(
        "<h1 dir=\"auto\">{title}</h1>\n<p class=\"meta\">{event}<time datetime=\"{datetime}\">{date}</time> · {duration}</p>\n\
         <audio id=\"player\" controls preload=\"metadata\" src=\"{audio}\" aria-label=\"Listen to {title}\">\
         <a href=\"{audio}\">Download the recording</a></audio>\n",
        title = escape_html(&episode.title),
        datetime = episode.published.format("%Y-%m-%dT%H:%M:%SZ"),
        date = episode.published.format("%B %-d, %Y"),
        duration = clock(record.enclosure().whole_seconds()),
        audio = escape_html(&audio),
    )
}

/// What can be downloaded: the rendition everyone gets, when there is one, and the
/// recording as it was published.
fn recordings(entry: &Entry<'_>) -> Vec<Download> {
    let record = entry.record;
    let base = &entry.feed.channel.public_url;
    let download = |file: crate::state::Enclosure<'_>, label: String| Download {
        label,
        href: relative(&media::public_url(base, file.media), base),
        mime: file.mime_type.to_owned(),
        size: file.size,
    };
    let codec = match record.probe.codec.name() {
        "opus" => "Opus".to_owned(),
        "vorbis" => "Vorbis".to_owned(),
        other => other.to_uppercase(),
    };
    let mut files = Vec::new();
    if record.rendition.is_some() {
        let rendition = record.enclosure();
        let label = format!(
            "MP3, {} kbit/s, loudness-normalised",
            rendition.bitrate().div_ceil(1000)
        );
        files.push(download(rendition, label));
    }
    files.push(download(
        record.original(),
        format!("The original recording ({codec})"),
    ));
    files
}

fn downloads(files: &[Download]) -> String {
    let mut html = String::from(
        "<section aria-labelledby=\"download\">\n<h2 id=\"download\">Download</h2>\n<ul class=\"downloads\">\n",
    );
    for file in files {
        let _ = writeln!(
            html,
            "<li><a href=\"{}\" type=\"{}\" download>{}</a>, {}</li>",
            escape_html(&file.href),
            file.mime,
            escape_html(&file.label),
            bytesize::ByteSize(file.size).display().si()
        );
    }
    html.push_str("</ul>\n</section>");
    html
}

fn speaker_list(speakers: &[(&Speaker, Option<Url>)], local: &dyn Fn(&Url) -> String) -> String {
    let heading = if speakers.len() == 1 {
        "Speaker"
    } else {
        "Speakers"
    };
    let mut html = format!(
        "\n<section aria-labelledby=\"speakers\">\n<h2 id=\"speakers\">{heading}</h2>\n<ul class=\"speakers\">\n"
    );
    for (speaker, portrait) in speakers {
        let name = escape_html(&speaker.name);
        let image = portrait
            .as_ref()
            .map(|url| {
                format!(
                    "<img src=\"{}\" alt=\"Portrait of {name}\" width=\"48\" height=\"48\">",
                    escape_html(&local(url))
                )
            })
            .unwrap_or_default();
        let title = speaker
            .title
            .as_deref()
            .map(|t| format!("<br><span class=\"meta\">{}</span>", escape_html(t)))
            .unwrap_or_default();
        let bio = speaker
            .bio
            .as_deref()
            .map(|bio| format!("<div class=\"bio\">{}</div>", paragraphs(bio)))
            .unwrap_or_default();
        let _ = writeln!(
            html,
            "<li>{image}<div dir=\"auto\"><a href=\"../speakers/{}.html\">{name}</a>{title}{bio}</div></li>",
            speaker.id
        );
    }
    html.push_str("</ul>\n</section>");
    html
}

fn chapter_list(chapters: &[Chapter]) -> String {
    let mut html = String::from(
        "\n<section aria-labelledby=\"chapters\">\n<h2 id=\"chapters\">Chapters</h2>\n<ol class=\"chapters\">\n",
    );
    for chapter in chapters {
        let _ = writeln!(
            html,
            "<li>{} <span dir=\"auto\">{}</span></li>",
            seek(chapter.start),
            escape_html(&chapter.title)
        );
    }
    html.push_str("</ol>\n</section>");
    html
}

fn transcript_section(paragraphs: Option<&[Paragraph]>, file: Option<(String, &str)>) -> String {
    if paragraphs.is_none() && file.is_none() {
        return String::new();
    }
    let mut html = String::from(
        "\n<section aria-labelledby=\"transcript\">\n<h2 id=\"transcript\">Transcript</h2>\n<div class=\"transcript\" dir=\"auto\">\n",
    );
    let mut speaker = None;
    for paragraph in paragraphs.unwrap_or_default() {
        html.push_str("<p>");
        if let Some(start) = paragraph.start() {
            html.push_str(&seek(start));
        }
        if paragraph.speaker().is_some() && paragraph.speaker() != speaker {
            speaker = paragraph.speaker();
            let _ = write!(
                html,
                "<b>{}:</b> ",
                escape_html(speaker.unwrap_or_default())
            );
        }
        let text: Vec<&str> = paragraph.cues.iter().map(|c| c.text.as_str()).collect();
        html.push_str(&escape_html(&text.join(" ")));
        html.push_str("</p>\n");
    }
    html.push_str("</div>\n");
    if let Some((href, mime)) = file {
        let _ = writeln!(
            html,
            "<p><a href=\"{}\" type=\"{mime}\">The transcript as a file ({})</a></p>",
            escape_html(&href),
            format_name(mime)
        );
    }
    html.push_str("</section>");
    html
}

fn format_name(mime: &str) -> &'static str {
    match mime {
        "text/vtt" => "WebVTT",
        "application/x-subrip" => "SubRip",
        "application/json" => "JSON",
        "text/html" => "HTML",
        _ => "text",
    }
}
