//! `archive check --online`: asks the public URL of every enclosure of the written feeds, with
//! HEAD, whether it answers with the length the feed states and takes byte ranges, as podcast
//! apps need. This is how to verify that the feeds' `public_url` and the bucket's (or CDN's)
//! public endpoint line up.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header;

use super::{Findings, Severity};

/// Checks the enclosures of the feed files at `paths` (archive-relative).
pub fn check(root: &Path, paths: &[std::path::PathBuf], findings: &mut Findings) {
    let mut enclosures = Vec::new();
    for path in paths {
        let Ok(bytes) = std::fs::read(root.join(path)) else {
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
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(60))
        .build();
    let Ok(client) = client else { return };
    let answers: Vec<_> = runtime.block_on(
        futures_util::stream::iter(enclosures.iter().map(|(_, url, _)| {
            let client = client.clone();
            async move { client.head(url).send().await }
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
            Err(err) => {
                findings.add(
                    Severity::Error,
                    "online",
                    at,
                    format!("`{url}` does not answer: {err}"),
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
}
