//! Where a download's body goes: hashed, handed to the stream probe and written to the partial
//! file on tokio's blocking pool, a batch of chunks at a time, while the task that receives
//! the body gathers the next batch.
//!
//! The chunks are the network's own buffers ([`Bytes`]): nothing is copied on the way to the
//! file (one vectored write a batch) or to the probe, and the receiving task never waits on
//! the disk or on the hash unless a whole batch is still in flight.

use std::fs::File;
use std::io::{self, IoSlice, Write};

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;

use super::partial::{Partial, PartialMeta};
use crate::probe::StreamProbe;

/// Chunks gathered before they go to the blocking pool.
const BATCH: usize = 256 * 1024;
/// How often a download asks the kernel to start writing what arrived to disk. A download
/// from zero also saves its sidecar once it has this much: below it, a run killed before the
/// download ends starts it again rather than resuming, and most recordings never cost the
/// sidecar's file (creating a file is slow on a busy filesystem).
const WRITEBACK_EVERY: u64 = 8 * 1024 * 1024;

/// The partial file, the hash and the probe of the bytes so far: owned by whichever side
/// works on them.
#[derive(Debug)]
pub struct Sink {
    pub file: File,
    pub hasher: Sha256,
    pub probe: StreamProbe,
    /// Bytes this sink wrote to the file.
    written: u64,
    /// The sidecar of the partial file, until it is saved.
    sidecar: Option<(Partial, PartialMeta)>,
}

impl Sink {
    /// A sink appending to `file`, with `hasher` and `probe` already fed the bytes before.
    /// `sidecar` is saved once the download has gone far enough to be worth resuming, or
    /// when it stops short ([`Sink::save_sidecar`]).
    pub fn new(
        file: File,
        hasher: Sha256,
        probe: StreamProbe,
        sidecar: Option<(Partial, PartialMeta)>,
    ) -> Self {
        Self {
            file,
            hasher,
            probe,
            written: 0,
            sidecar,
        }
    }

    /// Saves the sidecar, if it is not saved yet.
    pub fn save_sidecar(&mut self) -> io::Result<()> {
        if let Some((partial, meta)) = self.sidecar.take() {
            partial
                .save_meta(&meta)
                .map_err(|err| io::Error::other(format!("{err:#}")))?;
        }
        Ok(())
    }

    /// Hashes, probes and writes one batch; starts the writeback every few megabytes and
    /// after the `last` batch, so the sync at the end has little left: the disk writes one
    /// recording while the next downloads.
    fn take(&mut self, batch: &[Bytes], last: bool) -> io::Result<()> {
        let mut length = 0;
        for chunk in batch {
            self.hasher.update(chunk);
            self.probe.feed_shared(chunk);
            length += chunk.len() as u64;
        }
        write_all(&mut self.file, batch)?;
        let before = self.written;
        self.written += length;
        if self.written / WRITEBACK_EVERY != before / WRITEBACK_EVERY {
            crate::atomic::start_writeback(&self.file, 0, 0);
            self.save_sidecar()?;
        } else if last {
            crate::atomic::start_writeback(&self.file, 0, 0);
        }
        Ok(())
    }
}

/// Writes every chunk of `batch`, in order, with as few system calls as the kernel allows.
fn write_all(file: &mut File, batch: &[Bytes]) -> io::Result<()> {
    let mut slices: Vec<IoSlice<'_>> = batch.iter().map(|chunk| IoSlice::new(chunk)).collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        match file.write_vectored(rest) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut rest, n),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

type Flight = JoinHandle<(Sink, io::Result<()>)>;

/// A [`Sink`] fed from async code: chunks gather into a batch, and at most one batch is on
/// the blocking pool at a time, so memory stays bounded by two batches (and the probe's
/// queue).
#[derive(Debug)]
pub struct Pipeline {
    /// The sink when no batch is in flight.
    idle: Option<Sink>,
    /// The batch on the blocking pool, which hands the sink back.
    flight: Option<Flight>,
    gathered: Vec<Bytes>,
    gathered_len: usize,
}

impl Pipeline {
    pub fn new(sink: Sink) -> Self {
        Self {
            idle: Some(sink),
            flight: None,
            gathered: Vec::new(),
            gathered_len: 0,
        }
    }

    /// Adds the next chunk; sends the batch off once it is large enough. An error is the
    /// first write that failed (of this batch or an earlier one).
    pub async fn push(&mut self, chunk: Bytes) -> io::Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        self.gathered_len += chunk.len();
        self.gathered.push(chunk);
        if self.gathered_len >= BATCH {
            self.send(false).await?;
        }
        Ok(())
    }

    /// Writes what is still gathered and hands the sink back once every byte is in the file.
    pub async fn finish(mut self) -> io::Result<Sink> {
        self.send(true).await?;
        self.settle().await
    }

    /// Waits for the batch in flight, if any, and drops what is left unwritten.
    pub async fn abandon(self) {
        if let Some(flight) = self.flight {
            let _ = flight.await;
        }
    }

    async fn send(&mut self, last: bool) -> io::Result<()> {
        let mut sink = self.settle().await?;
        let batch = std::mem::take(&mut self.gathered);
        self.gathered_len = 0;
        self.flight = Some(tokio::task::spawn_blocking(move || {
            let written = sink.take(&batch, last);
            (sink, written)
        }));
        Ok(())
    }

    /// Waits for the batch in flight, if any, and takes the sink back.
    async fn settle(&mut self) -> io::Result<Sink> {
        if let Some(flight) = self.flight.take() {
            let (sink, written) = flight
                .await
                .map_err(|err| io::Error::other(format!("the writing thread failed: {err}")))?;
            written?;
            return Ok(sink);
        }
        self.idle
            .take()
            .ok_or_else(|| io::Error::other("the file was already closed after an error"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks of every size, some empty, end up in the file and the hash in order.
    #[test]
    fn a_pipeline_writes_and_hashes_every_chunk_in_order() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("body.part");
        let file = File::create(&path).expect("a file");
        let mut expected = Vec::new();
        let sink = runtime.block_on(async {
            let sink = Sink::new(file, Sha256::new(), StreamProbe::new(), None);
            let mut pipeline = Pipeline::new(sink);
            for n in 0..400_u32 {
                let chunk: Vec<u8> = (0..(n * 37) % 9001)
                    .map(|i| ((i ^ n) % 251) as u8)
                    .collect();
                expected.extend_from_slice(&chunk);
                pipeline.push(Bytes::from(chunk)).await.expect("a write");
            }
            pipeline.finish().await.expect("the last write")
        });
        assert_eq!(std::fs::read(&path).expect("the file"), expected);
        assert_eq!(
            sink.hasher.finalize().to_vec(),
            Sha256::digest(&expected).to_vec()
        );
        assert_eq!(sink.probe.fed(), expected.len() as u64);
    }

    /// A download from zero saves its resume sidecar only once it passes 8 MiB.
    #[test]
    fn the_sidecar_is_saved_once_the_download_passes_8_mib() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let feed = crate::catalog::FeedId::parse("talks").expect("a feed id");
        let episode = crate::catalog::EpisodeId::parse("a").expect("an episode id");
        let partial = Partial::new(dir.path(), &feed, &episode);
        let meta = PartialMeta {
            url: "http://127.0.0.1/a.mp3".into(),
            etag: Some("\"x\"".into()),
            last_modified: None,
            total: None,
        };
        let file = partial.open(false).expect("the partial file");
        let sidecar = Some((partial.clone(), meta.clone()));
        let mut sink = Sink::new(file, Sha256::new(), StreamProbe::new(), sidecar);
        let chunk = Bytes::from(vec![0_u8; 1024 * 1024]);
        for _ in 0..7 {
            sink.take(std::slice::from_ref(&chunk), false)
                .expect("a write");
        }
        assert_eq!(partial.load(), None, "no sidecar below 8 MiB");
        sink.take(std::slice::from_ref(&chunk), false)
            .expect("a write");
        assert_eq!(partial.load(), Some((8 * 1024 * 1024, meta)));
    }
}
