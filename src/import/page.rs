//! Fetching event pages and asking what a link is: http(s) only, a size limit, HTML only,
//! every request within the import's deadline, text decoded in the page's own charset.

use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::header;
use url::Url;

use super::ImportError;
use super::charset;

/// Largest page read, in bytes.
pub const MAX_PAGE: u64 = 5 * 1024 * 1024;

/// Fetches pages for an import.
pub struct Fetcher {
    client: reqwest::Client,
    deadline: Instant,
}

/// The HTTP client of an import: its user agent, timeouts and redirect policy.
fn client() -> Result<reqwest::Client, ImportError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else if matches!(attempt.url().scheme(), "http" | "https") {
            attempt.follow()
        } else {
            let message = format!("refused redirect to `{}`", attempt.url());
            attempt.error(message)
        }
    });
    reqwest::Client::builder()
        .user_agent(concat!("speech-archive/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15))
        .read_timeout(Duration::from_secs(60))
        .redirect(policy)
        .build()
        .map_err(|err| ImportError::Fetch {
            url: String::new(),
            reason: err.to_string(),
        })
}

impl Fetcher {
    /// A fetcher whose requests all end by `deadline`.
    pub fn new(deadline: Instant) -> Result<Self, ImportError> {
        Ok(Self {
            client: client()?,
            deadline,
        })
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
            let mut response = self
                .client
                .get(url.clone())
                .send()
                .await
                .map_err(|err| failed(err.to_string()))?;
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
        let head = self.client.head(url.clone()).send();
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
