//! Every outbound HTTP request goes through here: one factory of reqwest clients with the same
//! user agent, redirect cap, timeouts, outbound address policy and TLS configuration (`tls`:
//! the system's roots, read at the first handshake) for `sync`, `import` and `check --online`.
//!
//! The address policy keeps a hostile catalog, page or redirect from reaching the machine's
//! own network: loopback, link-local (cloud metadata at 169.254.169.254), private, shared
//! (100.64/10), unique-local and unspecified addresses are refused, also after a redirect,
//! unless the host was named by the user (a catalog URL, the page given to `import`) or
//! `--allow-private` is given. Host names are checked after resolution, by the resolver the
//! connection uses, so a name that resolves to a public address for a check and to a private
//! one for the connection (DNS rebinding) cannot get through; IP literals, which are never
//! resolved, are checked before each request and each redirect.

pub mod policy;
mod tls;

use std::sync::Arc;
use std::time::Duration;

use reqwest::redirect;
use url::Url;

pub use policy::Policy;

use crate::Error;

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 10;

/// The user agent of every request.
pub const USER_AGENT: &str = concat!("speech-archive/", env!("CARGO_PKG_VERSION"));

/// Timeouts of one kind of client.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// Longest wait for the next byte.
    pub read: Option<Duration>,
    /// Longest time for a whole request.
    pub total: Option<Duration>,
}

/// Makes HTTP clients that share one address policy.
#[derive(Debug, Clone)]
pub struct Net {
    policy: Arc<Policy>,
}

/// A reqwest client whose requests are checked against the address policy first.
#[derive(Debug, Clone)]
pub struct Client {
    inner: reqwest::Client,
    policy: Arc<Policy>,
}

/// A request the address policy refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

impl Net {
    pub fn new(policy: Policy) -> Self {
        Self {
            policy: Arc::new(policy),
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A client with `timeouts`, at most [`MAX_REDIRECTS`] redirects, http(s) only, and the
    /// address policy on every connection and redirect.
    pub fn client(&self, timeouts: Timeouts) -> Result<Client, Error> {
        let policy = Arc::clone(&self.policy);
        let redirects = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if let Err(refused) = policy.check_url(attempt.url()) {
                let message = format!("refused redirect to `{}`: {refused}", attempt.url());
                attempt.error(message)
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(timeouts.connect)
            .redirect(redirects)
            .dns_resolver(policy::Resolver::new(Arc::clone(&self.policy)))
            .tls_backend_preconfigured(tls::config().map_err(Error::Tls)?);
        if let Some(read) = timeouts.read {
            builder = builder.read_timeout(read);
        }
        if let Some(total) = timeouts.total {
            builder = builder.timeout(total);
        }
        Ok(Client {
            inner: builder.build().map_err(Error::HttpClient)?,
            policy: Arc::clone(&self.policy),
        })
    }
}

impl Client {
    /// A GET of `url`, if the policy lets it be asked.
    pub fn get(&self, url: &Url) -> Result<reqwest::RequestBuilder, Refused> {
        self.policy.check_url(url)?;
        Ok(self.inner.get(url.clone()))
    }

    /// A HEAD of `url`, if the policy lets it be asked.
    pub fn head(&self, url: &Url) -> Result<reqwest::RequestBuilder, Refused> {
        self.policy.check_url(url)?;
        Ok(self.inner.head(url.clone()))
    }
}

/// Why a request failed, in few words: the policy's refusal, a failed TLS handshake and what
/// to do about it, "connection refused", "timed out", or the innermost cause, without the URL
/// reqwest repeats.
pub fn reason(err: &reqwest::Error) -> String {
    if let Some(tls) = tls_failure(err) {
        return tls;
    }
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(err);
    let mut innermost = None;
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<Refused>() {
            return refused.0.clone();
        }
        innermost = Some(cause.to_string());
        source = cause.source();
    }
    if err.is_timeout() {
        return "timed out".to_owned();
    }
    match innermost {
        Some(text) if text.contains("Connection refused") => "connection refused".to_owned(),
        Some(text) => text,
        None => err.to_string(),
    }
}

/// A failed TLS handshake under `err`, said with what to do, or `None`. Such a failure is the
/// same at the next attempt, so callers do not retry it.
pub fn tls_failure(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    // The connector wraps the TLS error in an `io::Error` (perhaps twice), whose `source`
    // skips what it wraps, so those are opened by hand.
    let mut cause = Some(err);
    while let Some(err) = cause {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(match tls {
                rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => {
                    format!(
                        "the secure connection failed: {tls}. If a private authority signs the server's certificate, set {} to a PEM file with that authority's certificate and the system's (it replaces the system store: for example a copy of /etc/ssl/certs/ca-certificates.crt with the authority appended)",
                        tls::STORE_FILE
                    )
                }
                rustls::Error::General(reason) => format!("the secure connection failed: {reason}"),
                _ => format!("the secure connection failed: {tls}"),
            });
        }
        cause = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}
