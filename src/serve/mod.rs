//! `archive serve`: the archive's feeds, media, transcripts, chapters and pages over HTTP, for
//! podcast apps and browsers. Read-only; nothing outside `feeds/` and `media/` is served.
//! Answers HEAD, single byte ranges, `If-Range`, `ETag`/`Last-Modified` with `304`s, and never
//! compresses. Files are streamed, never loaded whole.

mod path;
mod range;
mod resource;
mod site;
mod stall;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::Error;
use crate::confined::Root;
use resource::{Body, Resource};
use site::{Served, Site};

/// Time a client has to send a request's headers, and longest wait for the next request on a
/// kept-alive connection.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a response waits for the client to take more of it before the connection is
/// closed (nginx's `send_timeout` is 60 s too).
const SEND_TIMEOUT: Duration = Duration::from_secs(60);

/// Connections served at once; more wait for a free slot.
const MAX_CONNECTIONS: usize = 256;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    /// Serve `feeds/` as built, instead of rendering them for the serving address.
    pub as_built: bool,
    /// Log every request to stderr.
    pub log: bool,
}

struct Server {
    root: Root,
    site: Site,
    /// The address requests without a `Host` are answered for.
    local: SocketAddr,
    log: bool,
}

/// Serves until Ctrl-C, on `runtime`; `ready` gets the address actually bound.
pub fn serve(
    root: &Root,
    runtime: &tokio::runtime::Runtime,
    options: &ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    runtime.block_on(async move {
        let listener = TcpListener::bind(options.addr)
            .await
            .map_err(|source| Error::Serve {
                addr: options.addr,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Serve {
            addr: options.addr,
            source,
        })?;
        let server = Arc::new(Server {
            root: root.clone(),
            site: Site::new(options.as_built),
            local: addr,
            log: options.log,
        });
        ready(addr);
        accept(listener, server).await;
        Ok(())
    })
}

async fn accept(listener: TcpListener, server: Arc<Server>) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            break;
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors (EMFILE) or a connection reset before it was
                    // taken: wait a little instead of spinning on the same error.
                    tracing::warn!("accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut ctrl_c => break,
        };
        let server = Arc::clone(&server);
        let service = service_fn(move |request| {
            let server = Arc::clone(&server);
            async move { Ok::<_, Infallible>(server.handle(request, peer).await) }
        });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(
                TokioIo::new(stall::SendTimeout::new(stream, SEND_TIMEOUT)),
                service,
            );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    eprintln!("archive: stopping; waiting for open connections to finish");
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

impl Server {
    async fn handle(&self, request: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
        let started = Instant::now();
        let response = self.answer(&request).await;
        if self.log {
            let length = response
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            eprintln!(
                "{peer} \"{} {}\" {} {length} {:.1} ms",
                request.method(),
                request.uri().path(),
                response.status().as_u16(),
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        response
    }

    async fn answer(&self, request: &Request<Incoming>) -> Response<Body> {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let local = self.local.to_string();
        let host = match request.headers().get(header::HOST) {
            None => Some(local.as_str()),
            Some(value) => value.to_str().ok().and_then(path::host),
        };
        let Some(host) = host else {
            return plain(
                StatusCode::BAD_REQUEST,
                "the Host header is not a valid host\n",
            );
        };
        if request.uri().path() == "/" {
            return redirect("/feeds/");
        }
        let Some(relative) = path::requested(request.uri().path()) else {
            return plain(StatusCode::NOT_FOUND, "not found\n");
        };
        let resource = match self.resource(&relative, host) {
            Ok(Some(resource)) => resource,
            Ok(None) => return plain(StatusCode::NOT_FOUND, "not found\n"),
            Err(err) => {
                eprintln!("archive: error: {err:#}");
                return plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the archive could not be rendered; see the server's log\n",
                );
            }
        };
        match resource::respond(resource, request.method(), request.headers()).await {
            Ok(response) => response,
            Err(_) => plain(StatusCode::NOT_FOUND, "not found\n"),
        }
    }

    /// The output at `relative`, for a request sent to `host`.
    fn resource(
        &self,
        relative: &crate::confined::ArchivePath,
        host: &str,
    ) -> Result<Option<Resource>, Error> {
        let shown = relative.as_path();
        match self.site.lookup(self.root.path(), relative, host)? {
            None => Ok(None),
            Some(Served::Rendered(bytes)) => Ok(Some(Resource::rendered(shown, bytes))),
            Some(Served::File(file)) => match self.root.open(&file) {
                Ok((file, meta)) => Ok(Some(Resource::file(shown, file, &meta))),
                Err(err) => {
                    tracing::warn!("{err}");
                    Ok(None)
                }
            },
        }
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    use http_body_util::BodyExt;
    let body = http_body_util::Full::new(bytes::Bytes::from_static(text.as_bytes()))
        .map_err(|never| match never {})
        .boxed();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn redirect(location: &'static str) -> Response<Body> {
    let mut response = plain(StatusCode::FOUND, "see /feeds/\n");
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(location));
    response
}
