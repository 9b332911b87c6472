//! The start of an MP4 track's presentation, from its edit list (`moov/trak/edts/elst`).
//!
//! AAC encoders put priming frames (1024 for most, 2112 for Apple's) before the audio and
//! say so in the edit list, which players honour. Symphonia 0.6 reads the edit list but does
//! not apply it, so the decoder skips the priming itself. The walk reads only box headers
//! and the few boxes on that path, each bounded in size and depth.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Largest box on the path that is read into memory (`elst` and `mdhd` are tiny).
const MAX_SMALL_BOX: u64 = 64 * 1024;
/// Most boxes looked at on one level.
const MAX_BOXES: usize = 10_000;

/// Frames (at the track's own rate) that the first audio track's edit list skips, if the
/// file has one. Any structure it cannot follow gives `None`.
pub fn priming_frames(path: &Path) -> Option<u64> {
    let mut file = File::open(path).ok()?;
    let end = file.metadata().ok()?.len();
    let (moov, moov_end) = find(&mut file, 0, end, *b"moov")?;
    let mut at = moov;
    // Each `trak` in turn: the first with an audio handler decides.
    while let Some((trak, trak_end)) = find(&mut file, at, moov_end, *b"trak") {
        at = trak_end;
        let (mdia, mdia_end) = find(&mut file, trak, trak_end, *b"mdia")?;
        let handler = read_box(&mut file, mdia, mdia_end, *b"hdlr")?;
        if handler.get(8..12) != Some(b"soun") {
            continue;
        }
        let Some((edts, edts_end)) = find(&mut file, trak, trak_end, *b"edts") else {
            return Some(0);
        };
        let elst = read_box(&mut file, edts, edts_end, *b"elst")?;
        return media_time(&elst);
    }
    None
}

/// The `media_time` of the first non-empty edit.
fn media_time(elst: &[u8]) -> Option<u64> {
    let version = *elst.first()?;
    let count = u32::from_be_bytes(elst.get(4..8)?.try_into().ok()?);
    let entry = if version == 1 { 20 } else { 12 };
    for i in 0..count.min(16) as usize {
        let start = 8 + i * entry;
        let time = if version == 1 {
            i64::from_be_bytes(elst.get(start + 8..start + 16)?.try_into().ok()?)
        } else {
            i64::from(i32::from_be_bytes(
                elst.get(start + 4..start + 8)?.try_into().ok()?,
            ))
        };
        // -1 marks an empty edit (a delay before the track starts).
        if time >= 0 {
            return u64::try_from(time).ok();
        }
    }
    Some(0)
}

/// The body (start, end) of the first box named `name` between `from` and `to`.
fn find(file: &mut File, from: u64, to: u64, name: [u8; 4]) -> Option<(u64, u64)> {
    let mut at = from;
    for _ in 0..MAX_BOXES {
        if at + 8 > to {
            return None;
        }
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut header = [0; 16];
        file.read_exact(&mut header[..8]).ok()?;
        let size32 = u32::from_be_bytes(header[..4].try_into().ok()?);
        let (size, body) = match size32 {
            1 => {
                file.read_exact(&mut header[8..]).ok()?;
                (u64::from_be_bytes(header[8..].try_into().ok()?), at + 16)
            }
            0 => (to - at, at + 8),
            size => (u64::from(size), at + 8),
        };
        let end = at.checked_add(size).filter(|end| *end <= to && size >= 8)?;
        if header[4..8] == name {
            return Some((body, end));
        }
        at = end;
    }
    None
}

/// The body of the first box named `name` between `from` and `to`, if it is small.
fn read_box(file: &mut File, from: u64, to: u64, name: [u8; 4]) -> Option<Vec<u8>> {
    let (body, end) = find(file, from, to, name)?;
    if end - body > MAX_SMALL_BOX {
        return None;
    }
    file.seek(SeekFrom::Start(body)).ok()?;
    let mut bytes = vec![0; usize::try_from(end - body).ok()?];
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/audio")
            .join(name)
    }

    #[test]
    fn ffmpeg_aac_is_primed_by_1024_frames_wherever_the_moov_is() {
        assert_eq!(priming_frames(&fixture("m4a-moov-last.m4a")), Some(1024));
        assert_eq!(priming_frames(&fixture("m4a-moov-first.m4a")), Some(1024));
    }

    #[test]
    fn files_that_are_not_mp4_have_no_edit_list() {
        assert_eq!(priming_frames(&fixture("wav.wav")), None);
        assert_eq!(priming_frames(&fixture("random.mp3")), None);
    }
}
