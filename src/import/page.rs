//! Fetching event pages and asking what a link is: http(s) only, a size limit, HTML only,
//! every request within the import's deadline, text decoded in the page's own charset.

use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::header;
use url::Url;

use super::ImportError;
use super::charset;
use crate::net::{Client, Net, Timeouts};

/// Largest page read, in bytes.
pub const MAX_PAGE: u64 = 5 * 1024 * 1024;

/// Fetches pages for an import.
pub struct Fetcher {
    client: Client,
    deadline: Instant,
}

/// The HTTP client of an import: the archive's, with a page's timeouts.
pub fn client(net: &Net) -> Result<Client, crate::Error> {
    net.client(Timeouts {
        connect: Duration::from_secs(15),
        read: Some(Duration::from_secs(60)),
        total: None,
    })
}

impl Fetcher {
    /// A fetcher whose requests all end by `deadline`.
    pub fn new(client: Client, deadline: Instant) -> Self {
        Self { client, deadline }
    }

    /// When the import must be over.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// The HTML of an http(s) page, as text.
    pub async fn page(&self, url: &Url) -> Result<String, ImportError> {
        let failed = |reason: String| ImportError::Fetch {
            url: url.to_string(),
            reason,
        };
        let body = async {
            let request = self.client.get(url).map_err(|refused| failed(refused.0))?;
            let mut response = request
                .send()
                .await
                .map_err(|err| failed(crate::net::reason(&err)))?;
            if !response.status().is_success() {
                return Err(failed(format!("the server answered {}", response.status())));
            }
            let kind = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("text/html")
                .to_owned();
            if !kind.to_ascii_lowercase().contains("html") {
                return Err(failed(format!("it is `{kind}`, not an HTML page")));
            }
            if response
                .content_length()
                .is_some_and(|length| length > MAX_PAGE)
            {
                return Err(failed(format!("the page is larger than {MAX_PAGE} bytes")));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|err| failed(err.to_string()))?
            {
                body.extend_from_slice(&chunk);
                if body.len() as u64 > MAX_PAGE {
                    return Err(failed(format!("the page is larger than {MAX_PAGE} bytes")));
                }
            }
            Ok(charset::decode(&body, Some(&kind)))
        };
        tokio::time::timeout_at(self.deadline.into(), body)
            .await
            .map_err(|_| ImportError::Deadline(url.to_string()))?
    }

    /// The media type of what `url` leads to, from a HEAD request; `None` also when the
    /// deadline has passed.
    pub async fn content_type(&self, url: &Url) -> Option<String> {
        let head = self.client.head(url).ok()?.send();
        let response = tokio::time::timeout_at(self.deadline.into(), head)
            .await
            .ok()?
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let value = response
            .headers()
            .get(header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        Some(value.split(';').next()?.trim().to_ascii_lowercase())
    }
}

/// A local HTML file, as text, and the `file:` URL its relative links resolve against.
pub fn local(path: &Path) -> Result<(String, Url), ImportError> {
    let failed = |reason: String| ImportError::Fetch {
        url: path.display().to_string(),
        reason,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_PAGE + 1).read_to_end(&mut bytes))
        .map_err(|err| failed(err.to_string()))?;
    if bytes.len() as u64 > MAX_PAGE {
        return Err(failed(format!("the page is larger than {MAX_PAGE} bytes")));
    }
    let absolute = std::path::absolute(path).map_err(|err| failed(err.to_string()))?;
    let url = Url::from_file_path(&absolute).map_err(|()| failed("not an absolute path".into()))?;
    Ok((charset::decode(&bytes, None), url))
}
