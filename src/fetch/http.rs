//! One HTTP attempt: a conditional, possibly resumed GET, streamed to the partial file.
//!
//! Every answer is checked before a byte is kept: a `206` must continue exactly where the
//! partial file ends, of the same file; a `200` to a range request restarts from zero and
//! never appends; a `416` means "complete" only when its length and validator match. The
//! body is hashed while it is written and never held in memory.

use std::io::Read;
use std::time::Duration;

use bytes::Bytes;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Response, StatusCode};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::log::Exchange;
use super::partial::{Partial, PartialMeta};
use super::retry::{Settings, parse_retry_after, retryable_status};
use super::sink::{Pipeline, Sink};
use super::{FetchError, Pulled, PulledFile, range};
use crate::Error;
use crate::net::{self, Net, Timeouts};
use crate::probe::{StreamProbe, sniff};
use crate::progress::{EpisodeKey, Progress};
use crate::state::Validators;

/// The result of a download.
#[derive(Debug)]
pub enum Download {
    /// The server says the published copy is current.
    NotModified,
    /// A complete body at its partial path, with the validators that came with it.
    Fetched {
        pulled: Box<Pulled>,
        validators: Validators,
    },
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Try again after a backoff, or after the server's `Retry-After`.
    Retry(Option<Duration>),
    /// The partial file cannot be continued: drop it and try again from byte zero.
    Restart,
    /// Give up on this recording.
    Stop,
}

/// A failed attempt.
#[derive(Debug)]
pub struct Failure {
    pub error: FetchError,
    pub next: Next,
}

impl Failure {
    fn stop(error: FetchError) -> Self {
        Self {
            error,
            next: Next::Stop,
        }
    }

    fn restart(error: FetchError) -> Self {
        Self {
            error,
            next: Next::Restart,
        }
    }

    fn retry(error: FetchError) -> Self {
        Self {
            error,
            next: Next::Retry(None),
        }
    }
}

/// One recording to download.
pub struct Request<'a> {
    pub url: &'a Url,
    /// Validators of the published copy, when it is current: the GET is conditional.
    pub known: Option<&'a Validators>,
    pub partial: &'a Partial,
    pub key: &'a EpisodeKey,
    pub progress: &'a dyn Progress,
    /// Cancelled by Ctrl-C: the download stops, keeping what arrived for the next sync.
    pub stop: &'a CancellationToken,
}

/// The end of the time allowed for one recording, retries included.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub at: tokio::time::Instant,
    /// The time allowed, for messages.
    pub allowed: Duration,
}

impl Deadline {
    /// A deadline `allowed` from now.
    pub fn after(allowed: Duration) -> Self {
        Self {
            at: tokio::time::Instant::now() + allowed,
            allowed,
        }
    }

    /// Whether waiting `wait` from now would pass it.
    pub fn passed_after(&self, wait: Duration) -> bool {
        tokio::time::Instant::now() + wait >= self.at
    }

    fn failure(&self) -> Failure {
        Failure::stop(FetchError::TotalTimeout(self.allowed))
    }
}

/// An HTTP client set up for pulling recordings.
#[derive(Debug, Clone)]
pub struct Client {
    inner: net::Client,
    max_size: u64,
}

impl Client {
    /// A client of `net` with the timeouts and size limit of `settings`.
    pub fn new(net: &Net, settings: &Settings) -> Result<Self, Error> {
        let inner = net.client(Timeouts {
            connect: settings.connect_timeout,
            read: Some(settings.read_timeout),
            total: None,
        })?;
        Ok(Self {
            inner,
            max_size: settings.max_size,
        })
    }

    /// One attempt at downloading `request.url`, logged with `-v` as it ends.
    pub async fn attempt(
        &self,
        request: &Request<'_>,
        deadline: Deadline,
    ) -> Result<Download, Failure> {
        let exchange = Exchange::new(request.url, request.progress);
        let logged = Request {
            progress: &exchange,
            ..*request
        };
        let result = self.exchange(&logged, deadline, &exchange).await;
        exchange.finish(&result);
        result
    }

    async fn exchange(
        &self,
        request: &Request<'_>,
        deadline: Deadline,
        exchange: &Exchange<'_>,
    ) -> Result<Download, Failure> {
        let partial = request.partial;
        let resume = partial.load().filter(|(size, meta)| {
            *size > 0 && meta.url == request.url.as_str() && meta.if_range().is_some()
        });
        if resume.is_none() {
            partial.discard();
        }
        let conditions = conditional_headers(request.known);
        let asked = !conditions.is_empty();
        exchange.sent(&conditions);
        let mut builder = self
            .inner
            .get(request.url)
            .map_err(|refused| Failure::stop(FetchError::Network(refused.0)))?
            .headers(conditions);
        if let Some((have, meta)) = &resume {
            builder = builder.header(header::RANGE, format!("bytes={have}-"));
            exchange.sent_one("Range", &format!("bytes={have}-"));
            if let Some(validator) = meta.if_range() {
                builder = builder.header(header::IF_RANGE, validator);
                exchange.sent_one("If-Range", validator);
            }
        }
        let response = tokio::select! {
            answer = tokio::time::timeout_at(deadline.at, builder.send()) => answer,
            () = request.stop.cancelled() => return Err(Failure::stop(FetchError::Interrupted)),
        };
        let response = response
            .map_err(|_| deadline.failure())?
            .map_err(|err| classify(&err))?;
        exchange.answered(response.status());
        match response.status() {
            StatusCode::NOT_MODIFIED if asked => {
                // Without a resume the partial download was discarded before the request.
                if resume.is_some() {
                    partial.discard();
                }
                Ok(Download::NotModified)
            }
            StatusCode::NOT_MODIFIED => Err(Failure::stop(FetchError::UnaskedNotModified)),
            StatusCode::OK => self.receive(request, deadline, response, None).await,
            StatusCode::PARTIAL_CONTENT => {
                let Some((have, meta)) = resume else {
                    let message = "a `206` answer to a request without `Range`".to_owned();
                    return Err(Failure::restart(FetchError::BadRange(message)));
                };
                self.receive(request, deadline, response, Some((have, meta)))
                    .await
            }
            StatusCode::RANGE_NOT_SATISFIABLE => complete_or_restart(request, &response, resume),
            status if status.is_redirection() => {
                // reqwest follows http(s) redirects; one it hands back leads elsewhere.
                let target = header_text(response.headers(), header::LOCATION).unwrap_or_default();
                let error =
                    FetchError::Network(format!("refused redirect to `{target}` ({status})"));
                Err(Failure::stop(error))
            }
            status if retryable_status(status) => Err(Failure {
                next: Next::Retry(retry_after(&response)),
                error: FetchError::Status(status),
            }),
            status => Err(Failure::stop(FetchError::Status(status))),
        }
    }

    /// Streams the body of a `200` (from zero) or a checked `206` (after `resume`'s bytes).
    async fn receive(
        &self,
        request: &Request<'_>,
        deadline: Deadline,
        mut response: Response,
        resume: Option<(u64, PartialMeta)>,
    ) -> Result<Download, Failure> {
        let partial = request.partial;
        if let Some(kind) = text_content_type(response.headers()) {
            partial.discard();
            let error = FetchError::NotAudio(format!("the server sent `{kind}`"));
            return Err(Failure::stop(error));
        }
        let (have, total) = match &resume {
            None => (0, response.content_length()),
            Some((have, previous)) => {
                (*have, Some(check_continuation(&response, *have, previous)?))
            }
        };
        if let Some(total) = total.filter(|&total| total > self.max_size) {
            partial.discard();
            let error = FetchError::TooLarge {
                size: total,
                limit: self.max_size,
            };
            return Err(Failure::stop(error));
        }
        let meta = match resume {
            Some((_, previous)) => PartialMeta { total, ..previous },
            None => PartialMeta {
                total,
                ..answer_meta(request.url, &response)
            },
        };
        let sink = open_sink(partial, &meta, have).await?;
        request.progress.receiving(request.key, total, have);
        let mut body = Body {
            pipeline: Pipeline::new(sink),
            size: have,
            start: (have == 0).then(|| Vec::with_capacity(sniff::SNIFF_LEN)),
            max_size: self.max_size,
        };
        let outcome = loop {
            let chunk =
                match next_chunk(&mut response, deadline, request.stop, body.size, total).await {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break Ok(()),
                    Err(failure) => break Err(failure),
                };
            let length = chunk.len() as u64;
            if let Err(error) = body.take(chunk).await {
                // The batch in flight ends first, so that nothing is written after the discard.
                body.pipeline.abandon().await;
                partial.discard();
                return Err(Failure::stop(error.into_fetch(partial)));
            }
            request.progress.received(request.key, length);
        };
        let Body {
            pipeline,
            size,
            start,
            ..
        } = body;
        // A download that stopped short keeps what arrived, durably, for the next attempt to
        // resume from. A complete one is synced with its batch of the group commit.
        let complete = outcome.is_ok() && total.is_none_or(|total| total == size);
        let sink = match settle(pipeline, partial, complete).await {
            Ok(sink) => sink,
            Err(err) => {
                partial.discard();
                return Err(Failure::stop(io_failure(partial, err)));
            }
        };
        outcome?;
        if let Some(expected) = total.filter(|&expected| expected != size) {
            return Err(Failure::retry(FetchError::Truncated {
                received: size,
                expected,
            }));
        }
        let Sink { hasher, probe, .. } = sink;
        let sha256 = hex::encode(hasher.finalize());
        finish(partial, size, sha256, probe, &meta, start.as_deref())
    }
}

/// A body on its way to the partial file: checked to start like audio and to stay under the
/// size limit here, hashed, probed and written by its [`Pipeline`].
struct Body {
    pipeline: Pipeline,
    /// Bytes received, with those the partial file had.
    size: u64,
    /// The first bytes of a download from zero, until there are enough to sniff.
    start: Option<Vec<u8>>,
    max_size: u64,
}

/// Why a body was refused while it arrived.
enum Refusal {
    Fetch(FetchError),
    Io(std::io::Error),
}

impl Refusal {
    fn into_fetch(self, partial: &Partial) -> FetchError {
        match self {
            Refusal::Fetch(error) => error,
            Refusal::Io(err) => io_failure(partial, err),
        }
    }
}

impl Body {
    async fn take(&mut self, chunk: Bytes) -> Result<(), Refusal> {
        if let Some(start) = self.start.as_mut().filter(|s| s.len() < sniff::SNIFF_LEN) {
            let wanted = (sniff::SNIFF_LEN - start.len()).min(chunk.len());
            start.extend_from_slice(&chunk[..wanted]);
            if start.len() == sniff::SNIFF_LEN {
                sniff::looks_like_audio(start)
                    .map_err(|reason| Refusal::Fetch(FetchError::NotAudio(reason)))?;
            }
        }
        self.size += chunk.len() as u64;
        if self.size > self.max_size {
            return Err(Refusal::Fetch(FetchError::TooLarge {
                size: self.size,
                limit: self.max_size,
            }));
        }
        self.pipeline.push(chunk).await.map_err(Refusal::Io)
    }
}

/// Opens the partial file, with the bytes it already has fed to the hash and the probe, on
/// the blocking pool (creating a file can take a while). A resumed download saves its
/// sidecar at once; one from zero leaves it to the sink.
async fn open_sink(partial: &Partial, meta: &PartialMeta, have: u64) -> Result<Sink, Failure> {
    let (partial, meta) = (partial.clone(), meta.clone());
    let failed = partial.clone();
    tokio::task::spawn_blocking(move || {
        let mut hasher = Sha256::new();
        let mut probe = StreamProbe::new();
        let (file, sidecar) = if have > 0 {
            partial
                .save_meta(&meta)
                .map_err(|err| Failure::stop(write_failure(&partial, &err)))?;
            take_existing(&partial, &mut hasher, &mut probe)?;
            (partial.open(true), None)
        } else {
            (partial.open(false), Some((partial.clone(), meta)))
        };
        let file = file.map_err(|err| Failure::stop(io_failure(&partial, err)))?;
        Ok(Sink::new(file, hasher, probe, sidecar))
    })
    .await
    .map_err(|err| Failure::stop(io_failure(&failed, std::io::Error::other(err.to_string()))))?
}

/// Waits until every byte received is in the partial file. One that is not `complete` is
/// made durable with its sidecar, for the next attempt to resume from.
async fn settle(pipeline: Pipeline, partial: &Partial, complete: bool) -> std::io::Result<Sink> {
    let mut sink = pipeline.finish().await?;
    if complete {
        return Ok(sink);
    }
    let partial = partial.clone();
    tokio::task::spawn_blocking(move || {
        sink.save_sidecar()?;
        sink.file.sync_data()?;
        partial.keep()?;
        Ok(sink)
    })
    .await
    .map_err(|err| std::io::Error::other(err.to_string()))?
}

/// The next piece of a body that has `size` of `total` bytes so far, unless the deadline
/// passes or Ctrl-C stops the sync first.
async fn next_chunk(
    response: &mut Response,
    deadline: Deadline,
    stop: &CancellationToken,
    size: u64,
    total: Option<u64>,
) -> Result<Option<Bytes>, Failure> {
    tokio::select! {
        next = tokio::time::timeout_at(deadline.at, response.chunk()) => match next {
            Ok(Ok(chunk)) => Ok(chunk),
            Ok(Err(err)) => Err(cut_short(&err, size, total)),
            Err(_) => Err(deadline.failure()),
        },
        () = stop.cancelled() => Err(Failure::stop(FetchError::Interrupted)),
    }
}

/// Checks a `206`: its range continues the partial file, of the same file. Returns the total.
fn check_continuation(
    response: &Response,
    have: u64,
    previous: &PartialMeta,
) -> Result<u64, Failure> {
    let bad = |message: String| Failure::restart(FetchError::BadRange(message));
    let value = response
        .headers()
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| bad("a `206` answer without `Content-Range`".into()))?;
    let content_range = range::parse(value).map_err(bad)?;
    let total = range::check(content_range, have, previous.total).map_err(bad)?;
    if let Some(length) = response
        .content_length()
        .filter(|&length| length != total - have)
    {
        return Err(bad(format!(
            "`Content-Length: {length}` does not match `Content-Range: {value}`"
        )));
    }
    same_representation(response, previous, total).map_err(bad)?;
    Ok(total)
}

/// Whether a `206` continues the very file the partial download holds: a strong `ETag`
/// equal to the one it started with, or, where the server sends no `ETag`, the same
/// `Last-Modified` and the same total length. Anything less could splice two versions.
fn same_representation(
    response: &Response,
    previous: &PartialMeta,
    total: u64,
) -> Result<(), String> {
    let etag = header_text(response.headers(), header::ETAG);
    let modified = header_text(response.headers(), header::LAST_MODIFIED);
    let strong = previous
        .etag
        .as_deref()
        .filter(|etag| !etag.starts_with("W/"));
    match (etag.as_deref(), strong) {
        (Some(now), Some(before)) if now == before => Ok(()),
        (Some(now), Some(before)) => Err(format!(
            "the file changed since the partial download (`ETag` {before} is now {now})"
        )),
        (None, Some(before)) => Err(format!(
            "the `206` answer has no `ETag` to prove it continues the same file (`{before}`)"
        )),
        (_, None) => match (&modified, &previous.last_modified) {
            (Some(now), Some(before)) if now == before && previous.total == Some(total) => Ok(()),
            (Some(now), Some(before)) if now != before => Err(format!(
                "the file changed since the partial download (`Last-Modified` {before} is now {now})"
            )),
            _ => Err(
                "the `206` answer carries no validator proving it continues the same file".into(),
            ),
        },
    }
}

/// A `416` to a resume: the partial file is complete only if the server's length and
/// validator both match it; otherwise start again.
fn complete_or_restart(
    request: &Request<'_>,
    response: &Response,
    resume: Option<(u64, PartialMeta)>,
) -> Result<Download, Failure> {
    let length = response
        .headers()
        .get(header::CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(range::parse_unsatisfied);
    let etag = header_text(response.headers(), header::ETAG);
    if let Some((have, meta)) = resume {
        let same_length = length == Some(have) && meta.total.is_none_or(|total| total == have);
        let same_file = match (&etag, &meta.etag) {
            (Some(now), Some(before)) => now == before,
            _ => meta.if_range().is_some() && etag.is_none(),
        };
        if same_length && same_file {
            let (mut hasher, mut probe) = (Sha256::new(), StreamProbe::new());
            take_existing(request.partial, &mut hasher, &mut probe)?;
            let sha256 = hex::encode(hasher.finalize());
            return finish(request.partial, have, sha256, probe, &meta, None);
        }
    }
    let message = format!(
        "`416 Range Not Satisfiable` ({}) does not match the partial download",
        length.map_or_else(|| "no length".to_owned(), |n| format!("{n} bytes"))
    );
    Err(Failure::restart(FetchError::BadRange(message)))
}

/// A complete partial file: check that it starts like audio and hand it over. `received` is
/// its start when this attempt received it from byte zero; otherwise it is read back.
fn finish(
    partial: &Partial,
    size: u64,
    sha256: String,
    probe: StreamProbe,
    meta: &PartialMeta,
    received: Option<&[u8]>,
) -> Result<Download, Failure> {
    if size == 0 {
        partial.discard();
        return Err(Failure::stop(FetchError::Empty));
    }
    let mut start = [0; sniff::SNIFF_LEN];
    let read = match received {
        Some(received) => {
            start[..received.len()].copy_from_slice(received);
            received.len()
        }
        None => std::fs::File::open(&partial.data)
            .and_then(|mut file| file.read(&mut start))
            .map_err(|err| Failure::stop(io_failure(partial, err)))?,
    };
    if let Err(reason) = sniff::looks_like_audio(&start[..read]) {
        partial.discard();
        return Err(Failure::stop(FetchError::NotAudio(reason)));
    }
    Ok(Download::Fetched {
        pulled: Box::new(Pulled::new(
            PulledFile::Partial(partial.clone()),
            size,
            sha256,
            probe,
        )),
        validators: meta.validators(),
    })
}

/// Feeds the bytes already in the partial file to the hasher and the probe, which need the
/// recording from its first byte.
fn take_existing(
    partial: &Partial,
    hasher: &mut Sha256,
    probe: &mut StreamProbe,
) -> Result<(), Failure> {
    let failed = |err| Failure::stop(io_failure(partial, err));
    let mut file = std::fs::File::open(&partial.data).map_err(failed)?;
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let n = file.read(&mut buffer).map_err(failed)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buffer[..n]);
        probe.feed(&buffer[..n]);
    }
}

/// What the answer's headers say about the body that follows.
fn answer_meta(url: &Url, response: &Response) -> PartialMeta {
    PartialMeta {
        url: url.to_string(),
        etag: header_text(response.headers(), header::ETAG),
        last_modified: header_text(response.headers(), header::LAST_MODIFIED),
        total: response.content_length(),
    }
}

fn conditional_headers(known: Option<&Validators>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(Validators::Http {
        etag,
        last_modified,
        ..
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

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, chrono::Utc::now())
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

/// The media type of a textual (HTML, XML, plain) answer.
fn text_content_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media_type = value.split(';').next()?.trim().to_ascii_lowercase();
    let textual = media_type.starts_with("text/")
        || media_type.ends_with("+xml")
        || media_type == "application/xml";
    textual.then_some(media_type)
}

/// A failed request: a timeout or another network error is retried; a refused redirect, an
/// address the policy refuses and a failed TLS handshake (a refused certificate stays refused,
/// as in curl) are not.
fn classify(err: &reqwest::Error) -> Failure {
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<crate::net::Refused>() {
            return Failure::stop(FetchError::Network(refused.to_string()));
        }
        source = cause.source();
    }
    if let Some(tls) = crate::net::tls_failure(err) {
        return Failure::stop(FetchError::Tls(tls));
    }
    if err.is_timeout() {
        Failure::retry(FetchError::Timeout(chain(err)))
    } else if err.is_redirect() {
        Failure::stop(FetchError::Network(chain(err)))
    } else {
        Failure::retry(FetchError::Network(chain(err)))
    }
}

/// A body that stopped before its end: truncated if its length was known.
fn cut_short(err: &reqwest::Error, received: u64, total: Option<u64>) -> Failure {
    let error = match total {
        _ if err.is_timeout() => FetchError::Timeout(chain(err)),
        Some(expected) => FetchError::Truncated { received, expected },
        None => FetchError::CutShort {
            received,
            reason: chain(err),
        },
    };
    Failure::retry(error)
}

fn io_failure(partial: &Partial, source: std::io::Error) -> FetchError {
    FetchError::Write {
        path: partial.data.display().to_string(),
        source,
    }
}

fn write_failure(partial: &Partial, err: &Error) -> FetchError {
    FetchError::Write {
        path: partial.data.display().to_string(),
        source: std::io::Error::other(format!("{err:#}")),
    }
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
