//! The bytes a probe reads, forward only: from a file, or from a download as it arrives
//! ([`super::StreamProbe`]). Every format is probed through [`Input`], so a probe never
//! depends on being able to seek back, and a file and the same bytes streamed give the same
//! answer.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

/// How many bytes [`Input`] keeps buffered: enough for the longest chain of frames a resync
/// checks.
pub const BUFFER: usize = 64 * 1024;

/// A forward-only byte source.
pub trait Source: Read + Send + Sync {
    /// Skips `n` bytes, or up to the end; returns how many were skipped.
    fn skip(&mut self, n: u64) -> io::Result<u64>;
}

/// A file read from its start; skips are seeks, never past the end.
pub struct FileSource {
    file: File,
    len: u64,
    pos: u64,
}

impl FileSource {
    pub fn new(file: File, len: u64) -> Self {
        Self { file, len, pos: 0 }
    }
}

impl Read for FileSource {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Source for FileSource {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let n = n.min(self.len.saturating_sub(self.pos));
        let offset = i64::try_from(n).map_err(io::Error::other)?;
        self.file.seek(SeekFrom::Current(offset))?;
        self.pos += n;
        Ok(n)
    }
}

/// Bytes in memory.
impl<T: AsRef<[u8]> + Send + Sync> Source for io::Cursor<T> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let len = self.get_ref().as_ref().len() as u64;
        let n = n.min(len.saturating_sub(self.position()));
        self.set_position(self.position() + n);
        Ok(n)
    }
}

/// A buffered reader over a [`Source`] that knows its offset in the file and can look ahead
/// up to [`BUFFER`] bytes.
pub struct Input {
    source: Box<dyn Source>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// File offset of `buf[start]`.
    offset: u64,
    eof: bool,
}

impl Input {
    pub fn new(source: Box<dyn Source>) -> Self {
        Self {
            source,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
        }
    }

    /// The file offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The buffered bytes after at least `n` are available (at most [`BUFFER`]); fewer only at
    /// the end of the file.
    pub fn fill(&mut self, n: usize) -> io::Result<&[u8]> {
        let n = n.min(BUFFER);
        if self.end - self.start < n && !self.eof {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            while self.end < n {
                let read = self.source.read(&mut self.buf[self.end..])?;
                if read == 0 {
                    self.eof = true;
                    break;
                }
                self.end += read;
            }
        }
        Ok(&self.buf[self.start..self.end])
    }

    /// Marks `n` buffered bytes as read.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.offset += n as u64;
    }

    /// Skips `n` bytes, or up to the end; returns how many were skipped.
    pub fn skip(&mut self, n: u64) -> io::Result<u64> {
        let buffered = (self.end - self.start) as u64;
        if n <= buffered {
            self.consume(usize::try_from(n).unwrap_or(usize::MAX));
            return Ok(n);
        }
        self.consume(self.end - self.start);
        let skipped = if self.eof {
            0
        } else {
            self.source.skip(n - buffered)?
        };
        self.offset += skipped;
        if skipped < n - buffered {
            self.eof = true;
        }
        Ok(buffered + skipped)
    }

    /// Reads the next `n` bytes, or up to the end.
    pub fn read_vec(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(n.min(BUFFER * 16));
        while out.len() < n {
            let available = self.fill(n - out.len())?;
            if available.is_empty() {
                break;
            }
            let take = available.len().min(n - out.len());
            out.extend_from_slice(&available[..take]);
            self.consume(take);
        }
        Ok(out)
    }

    /// Whether the file ends here.
    pub fn at_end(&mut self) -> io::Result<bool> {
        Ok(self.fill(1)?.is_empty())
    }
}

/// Reads of at least this size skip the buffer when it is empty (Symphonia's reads: one copy
/// less).
const DIRECT_READ: usize = 4096;

impl Read for Input {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.start == self.end && out.len() >= DIRECT_READ && !self.eof {
            let n = self.source.read(out)?;
            self.offset += n as u64;
            return Ok(n);
        }
        let available = self.fill(1)?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out at most `step` bytes per read, like a network.
    struct Trickle {
        data: Vec<u8>,
        pos: usize,
        step: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len() - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    impl Source for Trickle {
        fn skip(&mut self, n: u64) -> io::Result<u64> {
            let n = usize::try_from(n).unwrap().min(self.data.len() - self.pos);
            self.pos += n;
            Ok(n as u64)
        }
    }

    fn input(len: usize, step: usize) -> Input {
        let data = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
        Input::new(Box::new(Trickle { data, pos: 0, step }))
    }

    #[test]
    fn fill_gathers_short_reads_and_tracks_the_offset() {
        let mut input = input(200_000, 7);
        assert_eq!(input.fill(100).unwrap()[..3], [0, 1, 2]);
        input.consume(10);
        assert_eq!(input.offset(), 10);
        assert_eq!(input.skip(100_000).unwrap(), 100_000);
        assert_eq!(input.offset(), 100_010);
        assert_eq!(input.fill(1).unwrap()[0], (100_010 % 251) as u8);
        let rest = input.read_vec(usize::MAX).unwrap();
        assert_eq!(rest.len(), 99_990);
        assert!(input.at_end().unwrap());
        assert_eq!(input.skip(5).unwrap(), 0);
    }

    #[test]
    fn a_skip_past_the_end_says_how_far_it_got() {
        let mut input = input(1000, 1000);
        input.fill(10).unwrap();
        assert_eq!(input.skip(5000).unwrap(), 1000);
        assert_eq!(input.offset(), 1000);
    }
}
