//! A connection whose writes give up when the client takes nothing for a while. A client
//! that asks for a large recording and stops reading would otherwise hold its connection,
//! one of the server's slots, for ever; the header-read timeout only covers the request.

use std::future::Future as _;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

/// A stream whose writes fail with `TimedOut` once one has waited `limit` for the client:
/// nginx's `send_timeout`, which also counts from the last write the socket took.
pub struct SendTimeout<S> {
    inner: S,
    limit: Duration,
    /// The deadline of the write that waits, reset for each new wait.
    deadline: Pin<Box<Sleep>>,
    /// Whether a write is waiting (and `deadline` is its deadline).
    waiting: bool,
}

impl<S> SendTimeout<S> {
    pub fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
            waiting: false,
        }
    }

    /// Called when a write could not go on: pending until `limit` has passed since the
    /// first such call, then the error that ends the connection.
    fn wait<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if !self.waiting {
            self.waiting = true;
            let at = tokio::time::Instant::now() + self.limit;
            self.deadline.as_mut().reset(at);
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client took no bytes for {} s", self.limit.as_secs()),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    /// The result of a write: progress ends the wait.
    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match poll {
            Poll::Pending => self.wait(cx),
            ready @ Poll::Ready(_) => {
                self.waiting = false;
                ready
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for SendTimeout<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for SendTimeout<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.progress(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.progress(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.progress(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
    }

    /// A client that stops reading: the write waits `limit`, then fails with `TimedOut`.
    #[test]
    fn a_write_the_client_never_takes_times_out() {
        runtime().block_on(async {
            let (server, _client) = tokio::io::duplex(1024);
            let mut stream = SendTimeout::new(server, Duration::from_millis(200));
            let started = tokio::time::Instant::now();
            let err = stream
                .write_all(&vec![0; 64 * 1024])
                .await
                .expect_err("the client reads nothing");
            assert_eq!(err.kind(), io::ErrorKind::TimedOut);
            assert!(started.elapsed() >= Duration::from_millis(200));
        });
    }

    /// A client that reads slowly but steadily is served to the end: each write that goes
    /// through starts the wait again.
    #[test]
    fn a_slow_but_steady_client_gets_everything() {
        runtime().block_on(async {
            let (server, mut client) = tokio::io::duplex(1024);
            let mut stream = SendTimeout::new(server, Duration::from_millis(600));
            let reader = tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0; 1024];
                loop {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    match client.read(&mut buf).await.expect("a read") {
                        0 => return got,
                        n => got.extend_from_slice(&buf[..n]),
                    }
                }
            });
            // 48 KiB at 1 KiB per 20 ms: about 1 s in all, longer than the limit.
            stream
                .write_all(&vec![7; 48 * 1024])
                .await
                .expect("written");
            stream.shutdown().await.expect("closed");
            drop(stream);
            assert_eq!(reader.await.expect("the reader").len(), 48 * 1024);
        });
    }
}
