//! http(s) sources: a conditional GET streamed to a temp file with reqwest.
//!
//! The body is never held whole in memory. It is hashed while it is written, its first bytes
//! must look like audio, and its length must match `Content-Length`.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, redirect};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncWriteExt, BufWriter};
use url::Url;

use super::{FetchError, Pulled};
use crate::Error;
use crate::probe::sniff;
use crate::state::Validators;

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// An HTTP client for pulling recordings.
#[derive(Debug, Clone)]
pub struct Client {
    inner: reqwest::Client,
}

/// The result of a download.
#[derive(Debug)]
pub enum Download {
    /// The server says the copy we have is current.
    NotModified,
    /// A new body, in a temp file, with the validators that came with it.
    Fetched {
        pulled: Pulled,
        validators: Validators,
    },
}

impl Client {
    /// A client with connect and read timeouts, a redirect limit and http(s) only.
    pub fn new() -> Result<Self, Error> {
        let policy = redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                let message = format!("refused redirect to `{}`", attempt.url());
                attempt.error(message)
            } else {
                attempt.follow()
            }
        });
        let inner = reqwest::Client::builder()
            .user_agent(concat!("speech-archive/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(60))
            .redirect(policy)
            .build()
            .map_err(Error::HttpClient)?;
        Ok(Self { inner })
    }

    /// GETs `url` into a temp file in `dir`, conditional on `known` validators if given.
    pub async fn download(
        &self,
        url: &Url,
        known: Option<&Validators>,
        dir: &Path,
    ) -> Result<Download, FetchError> {
        let conditions = conditional_headers(known);
        let asked = !conditions.is_empty();
        let response = self
            .inner
            .get(url.clone())
            .headers(conditions)
            .send()
            .await
            .map_err(|err| FetchError::Network(chain(&err)))?;
        match response.status() {
            StatusCode::NOT_MODIFIED if asked => return Ok(Download::NotModified),
            StatusCode::NOT_MODIFIED => return Err(FetchError::UnaskedNotModified),
            StatusCode::OK => {}
            status => return Err(FetchError::Status(status)),
        }
        if let Some(kind) = text_content_type(response.headers()) {
            return Err(FetchError::NotAudio(format!("the server sent `{kind}`")));
        }
        let validators = Validators::Http {
            etag: header_text(response.headers(), header::ETAG),
            last_modified: header_text(response.headers(), header::LAST_MODIFIED),
        };
        let pulled = stream_to_temp(response, dir).await?;
        Ok(Download::Fetched { pulled, validators })
    }
}

async fn stream_to_temp(mut response: reqwest::Response, dir: &Path) -> Result<Pulled, FetchError> {
    let expected = response.content_length();
    let write_error = |source| FetchError::Write {
        path: dir.display().to_string(),
        source,
    };
    let temp =
        crate::atomic::temp_in(dir).map_err(|err| write_error(std::io::Error::other(err)))?;
    let file = temp.as_file().try_clone().map_err(write_error)?;
    let mut output = BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut hasher = Sha256::new();
    let mut start = Vec::with_capacity(sniff::SNIFF_LEN);
    let mut size = 0u64;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) => {
                return Err(match expected {
                    Some(expected) if size < expected => FetchError::Truncated {
                        received: size,
                        expected,
                    },
                    _ => FetchError::Network(chain(&err)),
                });
            }
        };
        if start.len() < sniff::SNIFF_LEN {
            let wanted = (sniff::SNIFF_LEN - start.len()).min(chunk.len());
            start.extend_from_slice(&chunk[..wanted]);
            if start.len() == sniff::SNIFF_LEN {
                sniff::looks_like_audio(&start).map_err(FetchError::NotAudio)?;
            }
        }
        hasher.update(&chunk);
        output.write_all(&chunk).await.map_err(write_error)?;
        size += chunk.len() as u64;
    }
    output.flush().await.map_err(write_error)?;
    if start.len() < sniff::SNIFF_LEN {
        sniff::looks_like_audio(&start).map_err(FetchError::NotAudio)?;
    }
    if let Some(expected) = expected.filter(|&expected| expected != size) {
        return Err(FetchError::Truncated {
            received: size,
            expected,
        });
    }
    Ok(Pulled {
        temp,
        size,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn conditional_headers(known: Option<&Validators>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(Validators::Http {
        etag,
        last_modified,
    }) = known
    {
        let value =
            |text: &Option<String>| text.as_deref().and_then(|t| HeaderValue::from_str(t).ok());
        if let Some(etag) = value(etag) {
            headers.insert(header::IF_NONE_MATCH, etag);
        }
        if let Some(date) = value(last_modified) {
            headers.insert(header::IF_MODIFIED_SINCE, date);
        }
    }
    headers
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

/// The media type of a textual (HTML, XML, plain) response.
fn text_content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media_type = value.split(';').next()?.trim().to_ascii_lowercase();
    let textual = media_type.starts_with("text/")
        || media_type.ends_with("+xml")
        || media_type == "application/xml";
    textual.then_some(media_type)
}

/// An error with its causes, `outer: inner: innermost`.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
