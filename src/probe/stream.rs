//! Probing a recording while it downloads: the bytes are handed over as they arrive and read
//! by the same code as [`super::probe_file`], on a thread of its own, so the file is never
//! read back from disk.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use bytes::Bytes;

use super::found::Found;
use super::source::{Input, Source};
use super::{Probe, ProbeError};

/// Bytes are handed to the probe thread in pieces of at most this size.
const PIECE: usize = 64 * 1024;
/// Pieces waiting for the probe thread at most: the memory a stream probe holds is bounded by
/// this times [`PIECE`] (2 MiB), plus the reader's own buffers and the MP4 index.
const QUEUE: usize = 32;

/// Fed the bytes of a recording as they arrive; gives the same [`Probe`] as
/// [`super::probe_file`] on the whole file.
///
/// ```no_run
/// # use speech_archive::probe::StreamProbe;
/// let mut probe = StreamProbe::new();
/// for chunk in [&b"ID3"[..], &b"..."[..]] {
///     probe.feed(chunk); // write the chunk to the file and hash it too
/// }
/// let result = probe.finish();
/// ```
///
/// Every format is read forward only, MP4 included: a `moov` at the end is read when it
/// arrives. So no format needs the file read back. Once the probe has what it needs (the
/// frames of an MP3 followed by garbage it gave up on, an MP4 whose samples are all there),
/// [`feed`](Self::feed) only counts the bytes. Until then it waits while 2 MiB are queued for
/// the probe, which reads much faster than any network delivers (about 1.2 GB/s for MP3).
///
/// A resumed download feeds the bytes it already has on disk first: the probe needs the
/// recording from its first byte. Dropping a `StreamProbe` without finishing it ends its
/// thread.
pub struct StreamProbe {
    sender: Option<SyncSender<Bytes>>,
    done: Arc<AtomicBool>,
    fed: u64,
    worker: Option<JoinHandle<Result<Found, ProbeError>>>,
    spawn_error: Option<String>,
}

impl std::fmt::Debug for StreamProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamProbe")
            .field("fed", &self.fed)
            .finish_non_exhaustive()
    }
}

impl StreamProbe {
    /// Starts a probe thread waiting for bytes.
    pub fn new() -> Self {
        let (sender, receiver) = sync_channel(QUEUE);
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let source = ChannelSource {
            receiver: Mutex::new(receiver),
            piece: Bytes::new(),
            at: 0,
        };
        let spawned = std::thread::Builder::new()
            .name("stream-probe".into())
            .spawn(move || {
                crate::parallel::helper_priority();
                let result = super::guarded(Input::new(Box::new(source)));
                flag.store(true, Ordering::Release);
                result
            });
        let (worker, spawn_error) = match spawned {
            Ok(handle) => (Some(handle), None),
            Err(err) => (None, Some(err.to_string())),
        };
        Self {
            sender: Some(sender),
            done,
            fed: 0,
            worker,
            spawn_error,
        }
    }

    /// Hands over the next bytes of the recording (copied).
    pub fn feed(&mut self, bytes: &[u8]) {
        self.feed_shared(&Bytes::copy_from_slice(bytes));
    }

    /// Hands over the next bytes of the recording without copying them: the probe thread
    /// keeps a reference to `bytes` until it has read them.
    pub fn feed_shared(&mut self, bytes: &Bytes) {
        self.fed += bytes.len() as u64;
        if self.done.load(Ordering::Acquire) {
            self.sender = None;
            return;
        }
        let Some(sender) = &self.sender else { return };
        let mut at = 0;
        while at < bytes.len() {
            let end = (at + PIECE).min(bytes.len());
            if sender.send(bytes.slice(at..end)).is_err() {
                // The probe has finished and dropped its end.
                self.sender = None;
                return;
            }
            at = end;
        }
    }

    /// How many bytes were fed.
    pub fn fed(&self) -> u64 {
        self.fed
    }

    /// Ends the stream and gives the probe of the whole recording.
    pub fn finish(mut self) -> Result<Probe, ProbeError> {
        self.sender = None;
        if let Some(err) = self.spawn_error.take() {
            return Err(ProbeError::Read(format!(
                "could not start the probe: {err}"
            )));
        }
        let worker = self
            .worker
            .take()
            .ok_or_else(|| ProbeError::Read("no probe".into()))?;
        let found = worker
            .join()
            .map_err(|_| ProbeError::Panicked("the probe thread panicked".into()))??;
        if self.fed == 0 {
            return Err(ProbeError::Empty);
        }
        Ok(found.into_probe(self.fed))
    }
}

impl Default for StreamProbe {
    fn default() -> Self {
        Self::new()
    }
}

/// The receiving end, read by the probe thread (behind a mutex only to be `Sync`).
struct ChannelSource {
    receiver: Mutex<Receiver<Bytes>>,
    piece: Bytes,
    at: usize,
}

impl ChannelSource {
    /// The next unread bytes; empty at the end of the stream.
    fn next_bytes(&mut self) -> &[u8] {
        if self.at == self.piece.len() {
            let next = match self.receiver.lock() {
                Ok(receiver) => receiver.recv().ok(),
                Err(_) => None,
            };
            self.piece = next.unwrap_or_default();
            self.at = 0;
        }
        &self.piece[self.at..]
    }
}

impl Read for ChannelSource {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.next_bytes();
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.at += n;
        Ok(n)
    }
}

impl Source for ChannelSource {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut skipped = 0;
        while skipped < n {
            let available = self.next_bytes().len() as u64;
            if available == 0 {
                break;
            }
            let step = available.min(n - skipped);
            self.at += usize::try_from(step).unwrap_or(usize::MAX);
            skipped += step;
        }
        Ok(skipped)
    }
}
