//! The movie box (`moov`): its tracks (handler, time scale, sample description, sample table,
//! edit list) and its metadata. Read from memory, bounded by the box's size.

use super::boxes::{Children, u32_at, u64_at};
use super::codec::{self, Description};
use super::ilst::{self, Metadata};
use super::table::SampleTable;

/// One entry of an edit list: `segment_duration` in the movie's time scale, `media_time` in
/// the track's (−1 for an empty edit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edit {
    pub segment_duration: u64,
    pub media_time: i64,
}

/// A track of the movie.
#[derive(Debug)]
pub struct Track {
    pub id: u32,
    pub handler: [u8; 4],
    pub timescale: u32,
    pub description: Option<Description>,
    pub table: SampleTable,
    pub edits: Vec<Edit>,
}

impl Track {
    pub fn is_audio(&self) -> bool {
        &self.handler == b"soun"
    }
}

/// Defaults for the samples of a fragmented track (`mvex/trex`).
#[derive(Debug, Clone, Copy, Default)]
pub struct TrackDefaults {
    pub id: u32,
    pub duration: u32,
    pub size: u32,
}

/// The movie box.
#[derive(Debug, Default)]
pub struct Movie {
    pub timescale: u32,
    pub tracks: Vec<Track>,
    pub metadata: Metadata,
    /// Present when the movie is fragmented (`mvex`): samples come in `moof` boxes.
    pub fragments: Option<Vec<TrackDefaults>>,
}

/// Parses a `moov` body.
pub fn parse(moov: &[u8]) -> Movie {
    let mut movie = Movie::default();
    for (kind, body) in Children::of(moov) {
        match &kind {
            b"mvhd" => {
                let at = if body.first() == Some(&1) { 20 } else { 12 };
                movie.timescale = u32_at(body, at).unwrap_or(0);
            }
            b"trak" => movie.tracks.extend(track(body)),
            b"udta" => {
                if let Some(meta) = Children::find(body, *b"meta") {
                    ilst::read_meta(meta, &mut movie.metadata);
                }
            }
            b"meta" => ilst::read_meta(body, &mut movie.metadata),
            b"mvex" => movie.fragments = Some(defaults(body)),
            _ => {}
        }
    }
    movie
}

fn track(trak: &[u8]) -> Option<Track> {
    let tkhd = Children::find(trak, *b"tkhd")?;
    let id = u32_at(tkhd, if tkhd.first() == Some(&1) { 20 } else { 12 })?;
    let mdia = Children::find(trak, *b"mdia")?;
    let mdhd = Children::find(mdia, *b"mdhd")?;
    let timescale = u32_at(mdhd, if mdhd.first() == Some(&1) { 20 } else { 12 })?;
    let handler = Children::find(mdia, *b"hdlr")
        .and_then(|hdlr| hdlr.get(8..12))
        .and_then(|h| h.try_into().ok())
        .unwrap_or([0; 4]);
    let stbl = Children::find(mdia, *b"minf").and_then(|minf| Children::find(minf, *b"stbl"));
    let stbl = stbl.unwrap_or_default();
    let description = Children::find(stbl, *b"stsd").and_then(codec::describe);
    let edits = Children::find(trak, *b"edts")
        .and_then(|edts| Children::find(edts, *b"elst"))
        .map(edit_list)
        .unwrap_or_default();
    Some(Track {
        id,
        handler,
        timescale,
        description,
        table: SampleTable::parse(stbl),
        edits,
    })
}

fn edit_list(elst: &[u8]) -> Vec<Edit> {
    let version = elst.first().copied().unwrap_or(0);
    let count = u32_at(elst, 4).unwrap_or(0) as usize;
    let width = if version == 1 { 20 } else { 12 };
    elst.get(8..)
        .unwrap_or_default()
        .chunks_exact(width)
        .take(count)
        .filter_map(|e| {
            if version == 1 {
                Some(Edit {
                    segment_duration: u64_at(e, 0)?,
                    media_time: i64::from_be_bytes(e.get(8..16)?.try_into().ok()?),
                })
            } else {
                Some(Edit {
                    segment_duration: u64::from(u32_at(e, 0)?),
                    media_time: i64::from(i32::from_be_bytes(e.get(4..8)?.try_into().ok()?)),
                })
            }
        })
        .collect()
}

fn defaults(mvex: &[u8]) -> Vec<TrackDefaults> {
    Children::of(mvex)
        .filter(|(kind, _)| kind == b"trex")
        .filter_map(|(_, trex)| {
            Some(TrackDefaults {
                id: u32_at(trex, 4)?,
                duration: u32_at(trex, 12)?,
                size: u32_at(trex, 16)?,
            })
        })
        .collect()
}
