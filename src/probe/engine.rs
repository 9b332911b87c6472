//! Which reader probes a file: `ID3v2` tags in front are read and stepped over, then the
//! signature picks the format; bytes with no signature are MPEG audio or ADTS if a chain of
//! frames confirms it, and not audio otherwise.

use super::found::Found;
use super::sniff::{self, Format, Sniffed};
use super::source::Input;
use super::tags::{Artwork, Tags};
use super::{ProbeError, caf, flac, id3, mp4, mpeg, packets, riff};

/// How many bytes the signatures are looked for in.
const HEAD: usize = 64;
/// `ID3v2` tags in a row before the audio (some files have two or three).
const MAX_TAGS: usize = 8;

/// Probes the input from its start.
pub fn run(input: &mut Input) -> Result<Found, ProbeError> {
    if input.at_end().map_err(ProbeError::read)? {
        return Err(ProbeError::Empty);
    }
    let mut tags = Tags::default();
    let mut artwork = None;
    let mut tagged = false;
    for _ in 0..MAX_TAGS {
        let head = input.fill(HEAD).map_err(ProbeError::read)?;
        let Some(header) = id3::header(head) else {
            break;
        };
        read_id3(input, header, &mut tags, &mut artwork)?;
        tagged = true;
    }
    let head = input.fill(HEAD).map_err(ProbeError::read)?.to_vec();
    if head.is_empty() {
        return Err(ProbeError::NotAudio(
            "there is an ID3 tag but no audio after it".into(),
        ));
    }
    match sniff::sniff(&head) {
        Sniffed::Audio(format) => by_format(input, format, tags, artwork),
        Sniffed::Unsupported(name) => Err(ProbeError::UnsupportedFormat(name.to_owned())),
        Sniffed::NotAudio(what) if !tagged => Err(ProbeError::NotAudio(what.to_owned())),
        Sniffed::NotAudio(_) | Sniffed::Unknown => {
            // No signature: MPEG audio or ADTS after some junk, or not audio at all.
            mpeg::probe(input, tags, artwork)?
                .ok_or_else(|| ProbeError::NotAudio(sniff::UNKNOWN.into()))
        }
    }
}

fn by_format(
    input: &mut Input,
    format: Format,
    tags: Tags,
    artwork: Option<Artwork>,
) -> Result<Found, ProbeError> {
    let mut found = match format {
        Format::FrameSync | Format::Id3 => {
            return mpeg::probe(input, tags, artwork)?
                .ok_or_else(|| ProbeError::NotAudio(sniff::UNKNOWN.into()));
        }
        Format::Mp4 => mp4::probe(input)?,
        Format::Wav => riff::probe(input)?,
        Format::Flac => flac::probe(input)?,
        Format::Caf => caf::probe(input)?,
        Format::Ogg | Format::Aiff | Format::Matroska => packets::probe(input, format)?,
    };
    // Tags of an ID3v2 tag in front of another format fill what the format's own leave out.
    found.tags.fill_from(tags);
    found.artwork = found.artwork.or(artwork);
    Ok(found)
}

/// Reads one `ID3v2` tag (or steps over it if it is larger than [`id3::MAX_TAG`]).
fn read_id3(
    input: &mut Input,
    header: id3::Header,
    tags: &mut Tags,
    artwork: &mut Option<Artwork>,
) -> Result<(), ProbeError> {
    match usize::try_from(header.total) {
        Ok(len) if len <= id3::MAX_TAG => {
            let tag = input.read_vec(len).map_err(ProbeError::read)?;
            id3::read(&tag, tags, artwork);
        }
        _ => {
            input.skip(header.total).map_err(ProbeError::read)?;
        }
    }
    Ok(())
}
