//! `archive serve`: the archive's feeds, media, transcripts, chapters and pages over HTTP, for
//! podcast apps and browsers. Read-only; nothing outside `feeds/` and `media/` is served.
//! Answers HEAD, single byte ranges, `If-Range`, `ETag`/`Last-Modified` with `304`s, and never
//! compresses. Files are streamed, never loaded whole.

mod path;
mod preview;
mod range;
mod resource;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::Error;
use resource::{Body, Resource};

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
    root: PathBuf,
    preview: Option<preview::Preview>,
    log: bool,
}

/// Serves until Ctrl-C; `ready` gets the address actually bound.
pub fn serve(
    root: &Path,
    options: &ServeOptions,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let server = Arc::new(Server {
        root: root.to_owned(),
        preview: (!options.as_built).then(|| preview::Preview::new(root)),
        log: options.log,
    });
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
        ready(addr);
        accept(listener, server).await;
        Ok(())
    })
}

async fn accept(listener: TcpListener, server: Arc<Server>) {
    let graceful = GracefulShutdown::new();
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let server = Arc::clone(&server);
                let service = service_fn(move |request| {
                    let server = Arc::clone(&server);
                    async move { Ok::<_, Infallible>(server.handle(request, peer).await) }
                });
                let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            _ = &mut ctrl_c => break,
        }
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
            return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        }
        if request.uri().path() == "/" {
            return redirect("/feeds/");
        }
        let Some(relative) = path::relative(request.uri().path()) else {
            return plain(StatusCode::NOT_FOUND, "not found\n");
        };
        let resource = match self.resource(request, &relative) {
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

    /// The resource at `relative`: rendered for this host, or the file on disk.
    fn resource(
        &self,
        request: &Request<Incoming>,
        relative: &Path,
    ) -> Result<Option<Resource>, Error> {
        let generated = relative.starts_with("feeds");
        if let (Some(preview), true) = (&self.preview, generated) {
            let host = request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let rendered = preview.rendered(host)?;
            return Ok(rendered
                .get(relative)
                .map(|bytes| Resource::memory(relative, bytes.clone())));
        }
        Ok(path::contained(&self.root, relative).and_then(|file| Resource::file(file).ok()))
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
