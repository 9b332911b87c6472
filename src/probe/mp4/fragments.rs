//! Fragmented MP4 (`moof` + `mdat` pairs after a `moov` with `mvex`): the samples of the audio
//! track, fragment by fragment, with the durations and sizes each `trun` gives (or the
//! defaults of `tfhd` and `trex`).

use super::boxes::{Children, u32_at};
use super::moov::TrackDefaults;

/// The audio track's samples over the fragments read so far.
#[derive(Debug, Default)]
pub struct Fragments {
    /// Ticks of the samples whose data was all there.
    pub ticks: u64,
    /// Samples of the last fragment, until its `mdat` is seen: runs of (count, duration,
    /// size).
    pending: Vec<(u64, u32, u32)>,
}

impl Fragments {
    /// Adds the samples of `track` in a `moof` body.
    pub fn add_moof(&mut self, moof: &[u8], defaults: TrackDefaults) {
        self.settle(u64::MAX);
        for (kind, traf) in Children::of(moof) {
            if &kind != b"traf" {
                continue;
            }
            let Some(tfhd) = Children::find(traf, *b"tfhd") else {
                continue;
            };
            let Some((id, duration, size)) = track_header(tfhd, defaults) else {
                continue;
            };
            if id != defaults.id {
                continue;
            }
            for (kind, trun) in Children::of(traf) {
                if &kind == b"trun" {
                    self.run(trun, duration, size);
                }
            }
        }
    }

    /// The `mdat` after the last `moof` holds `present` bytes: its samples count as far as
    /// their data is there.
    pub fn settle(&mut self, present: u64) {
        let mut left = present;
        for &(count, duration, size) in &self.pending {
            let fit = if size == 0 {
                count
            } else {
                left / u64::from(size)
            };
            let taken = count.min(fit);
            self.ticks = self
                .ticks
                .saturating_add(taken.saturating_mul(u64::from(duration)));
            left -= taken * u64::from(size);
            if taken < count {
                break;
            }
        }
        self.pending.clear();
    }

    fn run(&mut self, trun: &[u8], duration: u32, size: u32) {
        let Some(flags) = u32_at(trun, 0).map(|f| f & 0x00FF_FFFF) else {
            return;
        };
        let Some(count) = u32_at(trun, 4) else { return };
        let mut at = 8;
        if flags & 0x01 != 0 {
            at += 4; // data offset
        }
        if flags & 0x04 != 0 {
            at += 4; // first sample flags
        }
        let fields = [0x100, 0x200, 0x400, 0x800].map(|bit| flags & bit != 0);
        let width = fields.iter().filter(|on| **on).count() * 4;
        if width == 0 {
            self.pending.push((u64::from(count), duration, size));
            return;
        }
        for _ in 0..count {
            if at + width > trun.len() {
                return; // the run claims more entries than its box holds
            }
            let entry_duration = if fields[0] {
                u32_at(trun, at)
            } else {
                Some(duration)
            };
            let entry_size = if fields[1] {
                u32_at(trun, at + 4 * usize::from(fields[0]))
            } else {
                Some(size)
            };
            let (Some(d), Some(s)) = (entry_duration, entry_size) else {
                return;
            };
            self.pending.push((1, d, s));
            at += width;
        }
    }
}

/// Track id, default duration and default size of a `tfhd`.
fn track_header(tfhd: &[u8], defaults: TrackDefaults) -> Option<(u32, u32, u32)> {
    let flags = u32_at(tfhd, 0)? & 0x00FF_FFFF;
    let id = u32_at(tfhd, 4)?;
    let mut at = 8;
    if flags & 0x01 != 0 {
        at += 8; // base data offset
    }
    if flags & 0x02 != 0 {
        at += 4; // sample description index
    }
    let mut duration = defaults.duration;
    if flags & 0x08 != 0 {
        duration = u32_at(tfhd, at)?;
        at += 4;
    }
    let mut size = defaults.size;
    if flags & 0x10 != 0 {
        size = u32_at(tfhd, at)?;
    }
    Some((id, duration, size))
}
