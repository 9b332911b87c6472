//! `archive check --online`: asks the public URL of every enclosure of the written feeds, with
//! HEAD, whether it answers with the length the feed states and takes byte ranges, as podcast
//! apps need. This is how to verify that the feeds' `public_url` and the bucket's (or CDN's)
//! public endpoint line up.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header;
use url::Url;

use super::{Findings, Severity};
use crate::Error;
use crate::archive::Archive;
use crate::confined::ArchivePath;
use crate::net::Timeouts;

/// Largest feed read.
const MAX_FEED: u64 = 256 * 1024 * 1024;

/// Time allowed for each HEAD request, connection included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Checks the enclosures of the feed files at `paths`.
pub fn check(
    archive: &Archive,
    paths: &[ArchivePath],
    findings: &mut Findings,
) -> Result<(), Error> {
    let mut enclosures = Vec::new();
    for path in paths {
        let Ok(bytes) = archive.root().read(path, MAX_FEED) else {
            continue;
        };
        let Ok(channel) = rss::Channel::read_from(&bytes[..]) else {
            continue;
        };
        for item in channel.items() {
            if let Some(enclosure) = item.enclosure() {
                enclosures.push((
                    path.clone(),
                    enclosure.url().to_owned(),
                    enclosure.length().to_owned(),
                ));
            }
        }
    }
    let client = archive.net(|_| {}).client(Timeouts {
        connect: TIMEOUT,
        read: None,
        total: Some(TIMEOUT),
    })?;
    let answers: Vec<_> = archive.runtime()?.block_on(
        futures_util::stream::iter(enclosures.iter().map(|(_, url, _)| {
            let client = client.clone();
            async move {
                let url = Url::parse(url).map_err(|err| err.to_string())?;
                let request = client.head(&url).map_err(|refused| refused.0)?;
                request
                    .send()
                    .await
                    .map_err(|err| match crate::net::reason(&err) {
                        reason if err.is_timeout() => {
                            format!("{reason} after {} s", TIMEOUT.as_secs())
                        }
                        reason => reason,
                    })
            }
        }))
        .buffered(8)
        .collect(),
    );
    for ((path, url, length), answer) in enclosures.iter().zip(answers) {
        let at = (path.as_path(), None);
        let response = match answer {
            Ok(response) if response.status().is_success() => response,
            Ok(response) => {
                let message = format!("`{url}` answers HEAD with {}", response.status());
                findings.add(Severity::Error, "online", at, message);
                continue;
            }
            Err(reason) => {
                findings.add(
                    Severity::Error,
                    "online",
                    at,
                    format!("`{url}` does not answer: {reason}"),
                );
                continue;
            }
        };
        let served = response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        if served != length {
            let message = format!("`{url}` is served with length {served}, the feed says {length}");
            findings.add(Severity::Error, "online", at, message);
        }
        let ranges = response
            .headers()
            .get(header::ACCEPT_RANGES)
            .and_then(|v| v.to_str().ok());
        if ranges != Some("bytes") {
            let message = format!(
                "`{url}` does not announce `Accept-Ranges: bytes`; Apple Podcasts needs byte ranges"
            );
            findings.add(Severity::Warning, "online", at, message);
        }
    }
    Ok(())
}
