//! MPEG audio (MP3, and MP1/MP2) and ADTS AAC: streams of self-framed packets with no
//! container around them. The length is the frames counted times their samples, minus the
//! LAME encoder delay and padding where a LAME tag gives them; a Xing/VBRI frame count is a
//! claim, and fewer frames than it means the file was cut.

mod header;
#[cfg(test)]
mod tests;
mod walk;
mod xing;

use super::found::{Found, Length, seconds};
use super::source::Input;
use super::tags::{Artwork, Tags};
use super::{Codec, Container, ProbeError};
pub use header::Kind;
pub use walk::{Chain, walk};

/// Probes MP3 or ADTS from the input's position. `None` when no confirmed chain of frames
/// starts within the search window.
pub fn probe(
    input: &mut Input,
    mut tags: Tags,
    artwork: Option<Artwork>,
) -> Result<Option<Found>, ProbeError> {
    let chain =
        walk(input, &[Kind::Mpeg, Kind::Adts], None, &mut tags).map_err(ProbeError::read)?;
    let Some(chain) = chain else {
        return Ok(None);
    };
    let (codec, length) = measure(&chain)?;
    let container = match chain.kind {
        Kind::Mpeg => Container::Mp3,
        Kind::Adts => Container::Aac,
    };
    Ok(Some(Found {
        container,
        codec,
        sample_rate: chain.first.sample_rate,
        channels: chain.first.channels,
        length,
        tags,
        artwork,
        trailing_from: chain.garbage_from,
    }))
}

/// The codec and playable length of a walked chain.
pub fn measure(chain: &Chain) -> Result<(Codec, Length), ProbeError> {
    let codec = match (chain.kind, chain.first.layer) {
        (Kind::Adts, _) => Codec::Aac,
        (Kind::Mpeg, 1) => Codec::Mp1,
        (Kind::Mpeg, 2) => Codec::Mp2,
        (Kind::Mpeg, _) => Codec::Mp3,
    };
    if chain.frames == 0 {
        return Err(ProbeError::Malformed(
            "no audio frames after the Xing/VBRI header".into(),
        ));
    }
    let rate = chain.first.sample_rate;
    let info = chain.info.unwrap_or_default();
    let (delay, padding) = info.gapless.unwrap_or((0, 0));
    let (delay, padding) = (u64::from(delay), u64::from(padding));
    // Fewer frames than the Xing/VBRI header counts (one short is rounding by some encoders).
    if let Some(claimed) = info.frames.map(u64::from)
        && claimed > chain.frames + 1
    {
        let per_frame = u64::from(chain.first.samples);
        let claimed = (claimed * per_frame).saturating_sub(delay + padding);
        return Err(ProbeError::Truncated {
            claimed: seconds(claimed, 1, rate),
            present: seconds(chain.samples.saturating_sub(delay), 1, rate),
            bytes: chain.end - chain.start,
        });
    }
    let frames = chain.samples.saturating_sub(delay + padding);
    Ok((codec, Length::of_frames(frames, rate)))
}
