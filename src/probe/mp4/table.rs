//! A track's sample table (`stts`, `stsz`, `stsc`, `stco`/`co64`): how long the samples are,
//! and where in the file they lie, so that a file cut short is told by where its last sample
//! should end.

use super::boxes::{Children, u32_at, u64_at};

/// Sample sizes: one for all, or one each.
#[derive(Debug, Default)]
enum Sizes {
    #[default]
    None,
    Constant {
        size: u32,
        count: u64,
    },
    Each(Vec<u32>),
}

/// The parsed sample table of one track.
#[derive(Debug, Default)]
pub struct SampleTable {
    /// (sample count, duration in ticks) runs.
    times: Vec<(u32, u32)>,
    sizes: Sizes,
    /// (first chunk, 1-based; samples per chunk) runs.
    chunk_runs: Vec<(u32, u32)>,
    chunk_offsets: Vec<u64>,
}

/// The samples before some offset: how many, their ticks and bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Present {
    pub samples: u64,
    pub ticks: u64,
    pub bytes: u64,
    /// Where the last of them ends in the file.
    pub last_end: u64,
}

impl SampleTable {
    /// Reads an `stbl` body. Entries past the end of a table's box are not read.
    pub fn parse(stbl: &[u8]) -> Self {
        let mut table = Self::default();
        for (kind, body) in Children::of(stbl) {
            match &kind {
                b"stts" => table.times = pairs(body),
                b"stsc" => {
                    let runs = entries(body, 12, |e| Some((u32_at(e, 0)?, u32_at(e, 4)?)));
                    table.chunk_runs = runs;
                }
                b"stco" => table.chunk_offsets = entries(body, 4, |e| u32_at(e, 0).map(u64::from)),
                b"co64" => table.chunk_offsets = entries(body, 8, |e| u64_at(e, 0)),
                b"stsz" => table.sizes = sizes(body),
                _ => {}
            }
        }
        table
    }

    /// Samples in the table (the size table's count, or the time table's if there is none).
    pub fn sample_count(&self) -> u64 {
        match &self.sizes {
            Sizes::Constant { count, .. } => *count,
            Sizes::Each(sizes) => sizes.len() as u64,
            Sizes::None => self.times.iter().map(|(n, _)| u64::from(*n)).sum(),
        }
    }

    /// Ticks of the first `samples` samples.
    pub fn ticks(&self, samples: u64) -> u64 {
        let mut left = samples;
        let mut ticks: u64 = 0;
        for &(count, delta) in &self.times {
            let n = left.min(u64::from(count));
            ticks = ticks.saturating_add(n.saturating_mul(u64::from(delta)));
            left -= n;
            if left == 0 {
                break;
            }
        }
        ticks
    }

    /// Ticks of all samples.
    pub fn total_ticks(&self) -> u64 {
        self.ticks(self.sample_count())
    }

    /// The samples, in decode order, that lie wholly before `end` (all of them when `end` is
    /// past the last): the playable part of a file of `end` bytes.
    pub fn present(&self, end: u64) -> Present {
        let total = self.sample_count();
        let mut present = Present::default();
        let mut runs = self.chunk_runs.iter().peekable();
        let mut per_chunk = 0;
        for (index, &offset) in self.chunk_offsets.iter().enumerate() {
            if present.samples >= total {
                break;
            }
            let chunk = u32::try_from(index + 1).unwrap_or(u32::MAX);
            while let Some(&&(first, n)) = runs.peek() {
                if first > chunk {
                    break;
                }
                per_chunk = n;
                runs.next();
            }
            let wanted = u64::from(per_chunk).min(total - present.samples);
            if !self.take_chunk(offset, wanted, end, &mut present) {
                break;
            }
        }
        present.ticks = self.ticks(present.samples);
        present
    }

    /// Counts the first `wanted` samples of the chunk at `offset` that end before `end`.
    /// False if one does not (the rest of the file is missing).
    fn take_chunk(&self, offset: u64, wanted: u64, end: u64, present: &mut Present) -> bool {
        match &self.sizes {
            Sizes::Constant { size, .. } => {
                let size = u64::from(*size);
                let fit = end.saturating_sub(offset) / size.max(1);
                let taken = wanted.min(fit);
                present.samples += taken;
                let bytes = taken.saturating_mul(size);
                present.bytes = present.bytes.saturating_add(bytes);
                if taken > 0 {
                    present.last_end = present.last_end.max(offset.saturating_add(bytes));
                }
                taken == wanted
            }
            Sizes::Each(_) => {
                let mut at = offset;
                for _ in 0..wanted {
                    let size = self.size(present.samples);
                    if at.saturating_add(size) > end {
                        return false;
                    }
                    at += size;
                    present.bytes += size;
                    present.samples += 1;
                    present.last_end = present.last_end.max(at);
                }
                true
            }
            Sizes::None => {
                present.samples += wanted;
                true
            }
        }
    }

    fn size(&self, sample: u64) -> u64 {
        match &self.sizes {
            Sizes::Constant { size, .. } => u64::from(*size),
            Sizes::Each(sizes) => usize::try_from(sample)
                .ok()
                .and_then(|i| sizes.get(i))
                .map_or(0, |s| u64::from(*s)),
            Sizes::None => 0,
        }
    }
}

/// The entries of a full box that has a 32-bit entry count after its version and flags.
fn entries<T>(body: &[u8], width: usize, read: impl Fn(&[u8]) -> Option<T>) -> Vec<T> {
    let count = u32_at(body, 4).map_or(0, |n| n as usize);
    body.get(8..)
        .unwrap_or_default()
        .chunks_exact(width)
        .take(count)
        .map_while(read)
        .collect()
}

fn pairs(body: &[u8]) -> Vec<(u32, u32)> {
    entries(body, 8, |e| Some((u32_at(e, 0)?, u32_at(e, 4)?)))
}

fn sizes(body: &[u8]) -> Sizes {
    let (Some(size), Some(count)) = (u32_at(body, 4), u32_at(body, 8)) else {
        return Sizes::None;
    };
    if size != 0 {
        return Sizes::Constant {
            size,
            count: u64::from(count),
        };
    }
    let each = body
        .get(12..)
        .unwrap_or_default()
        .chunks_exact(4)
        .take(count as usize)
        .map_while(|e| u32_at(e, 0))
        .collect();
    Sizes::Each(each)
}
