//! Fetching event pages and asking what a link is: http(s) only, a size limit, HTML only.

use std::path::Path;
use std::time::Duration;

use reqwest::header;
use url::Url;

use super::ImportError;

/// Largest page read, in bytes.
pub const MAX_PAGE: u64 = 5 * 1024 * 1024;

/// Fetches pages for an import.
pub struct Fetcher {
    client: reqwest::Client,
}

impl Fetcher {
    pub fn new() -> Result<Self, ImportError> {
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
        let client = reqwest::Client::builder()
            .user_agent(concat!("speech-archive/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(60))
            .redirect(policy)
            .build()
            .map_err(|err| ImportError::Fetch {
                url: String::new(),
                reason: err.to_string(),
            })?;
        Ok(Self { client })
    }

    /// The HTML of an http(s) page.
    pub async fn page(&self, url: &Url) -> Result<String, ImportError> {
        let failed = |reason: String| ImportError::Fetch {
            url: url.to_string(),
            reason,
        };
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
            .to_ascii_lowercase();
        if !kind.contains("html") {
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
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// The media type of what `url` leads to, from a HEAD request.
    pub async fn content_type(&self, url: &Url) -> Option<String> {
        let response = self.client.head(url.clone()).send().await.ok()?;
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

/// A local HTML file and the `file:` URL its relative links resolve against.
pub fn local(path: &Path) -> Result<(String, Url), ImportError> {
    let failed = |reason: String| ImportError::Fetch {
        url: path.display().to_string(),
        reason,
    };
    let metadata = std::fs::metadata(path).map_err(|err| failed(err.to_string()))?;
    if metadata.len() > MAX_PAGE {
        return Err(failed(format!("the page is larger than {MAX_PAGE} bytes")));
    }
    let text = std::fs::read_to_string(path).map_err(|err| failed(err.to_string()))?;
    let absolute = std::path::absolute(path).map_err(|err| failed(err.to_string()))?;
    let url = Url::from_file_path(&absolute).map_err(|()| failed("not an absolute path".into()))?;
    Ok((text, url))
}
