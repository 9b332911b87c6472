//! Formats read by Symphonia: Ogg (Vorbis, Opus, FLAC), AIFF/AIFC, CAF, Matroska/WebM, and
//! the frames of FLAC. Every packet of the audio track is walked, without decoding, over the
//! forward-only input; the length is the sum of the packet durations, less the pre-skip of
//! Opus. Where the container states a length (FLAC STREAMINFO, AIFF `COMM`, CAF packet
//! table), fewer samples than that is a truncated file.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use symphonia::core::codecs::audio::AudioCodecId;
use symphonia::core::codecs::audio::well_known as codecs;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, Track, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions, ReadOnlySource};
use symphonia::default::formats::{AiffReader, CafReader, FlacReader, MkvReader, OggReader};

use super::found::{Found, Length, seconds};
use super::sniff::Format;
use super::source::Input;
use super::{Codec, Container, ProbeError, tags};

/// Probes the input with Symphonia's reader for `format`.
pub fn probe(input: &mut Input, format: Format) -> Result<Found, ProbeError> {
    let container = match format {
        Format::Ogg => Container::Ogg,
        Format::Aiff => Container::Aiff,
        Format::Caf => Container::Caf,
        Format::Flac => Container::Flac,
        _ if is_webm(
            input
                .fill(super::source::BUFFER)
                .map_err(ProbeError::read)?,
        ) =>
        {
            Container::Webm
        }
        _ => Container::Matroska,
    };
    measure(input, container)
}

/// Walks `bytes` with the reader of `container`.
pub fn measure(bytes: impl Read + Send + Sync, container: Container) -> Result<Found, ProbeError> {
    let read = Arc::new(AtomicU64::new(0));
    let source = ReadOnlySource::new(Counted {
        inner: bytes,
        read: Arc::clone(&read),
    });
    let stream = MediaSourceStream::new(Box::new(source), MediaSourceStreamOptions::default());
    let options = FormatOptions::default();
    let opened: Result<Box<dyn FormatReader + '_>, SymphoniaError> = match container {
        Container::Ogg => OggReader::try_new(stream, options).map(|r| Box::new(r) as _),
        Container::Aiff => AiffReader::try_new(stream, options).map(|r| Box::new(r) as _),
        Container::Caf => CafReader::try_new(stream, options).map(|r| Box::new(r) as _),
        Container::Flac => FlacReader::try_new(stream, options).map(|r| Box::new(r) as _),
        _ => MkvReader::try_new(stream, options).map(|r| Box::new(r) as _),
    };
    let mut reader = opened.map_err(|err| opened_error(&err, container))?;
    walk_track(reader.as_mut(), container, &read)
}

/// Counts the bytes a reader takes: every packet takes at least one, so a reader that yields
/// more packets than that is going round in circles.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Whether a Matroska file's EBML header names the doc type `webm`.
fn is_webm(head: &[u8]) -> bool {
    // DocType element (0x4282) with a one-byte size, in the first bytes.
    head.windows(7)
        .take(256)
        .any(|w| w[..2] == [0x42, 0x82] && w[2] == 0x84 && &w[3..7] == b"webm")
}

fn opened_error(err: &SymphoniaError, container: Container) -> ProbeError {
    match err {
        SymphoniaError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            ProbeError::Malformed(format!("the file ends inside its {container} header"))
        }
        other => ProbeError::Malformed(other.to_string()),
    }
}

/// The codec of a Symphonia codec id.
fn codec_of(id: AudioCodecId) -> Codec {
    match id {
        codecs::CODEC_ID_MP3 => Codec::Mp3,
        codecs::CODEC_ID_MP2 => Codec::Mp2,
        codecs::CODEC_ID_MP1 => Codec::Mp1,
        codecs::CODEC_ID_AAC => Codec::Aac,
        codecs::CODEC_ID_ALAC => Codec::Alac,
        codecs::CODEC_ID_VORBIS => Codec::Vorbis,
        codecs::CODEC_ID_OPUS => Codec::Opus,
        codecs::CODEC_ID_FLAC => Codec::Flac,
        id if (codecs::CODEC_ID_PCM_S32LE..=codecs::CODEC_ID_PCM_MULAW).contains(&id) => Codec::Pcm,
        id if (codecs::CODEC_ID_ADPCM_G722..=codecs::CODEC_ID_ADPCM_IMA_QT).contains(&id) => {
            Codec::Adpcm
        }
        _ => Codec::Other,
    }
}

/// What walking the packets of one track found, in time-base ticks.
#[derive(Debug, Default)]
struct Walk {
    packets: u64,
    /// Sum of the packet durations, which the readers trim to the playable part.
    sum: u64,
    first_pts: i64,
    last_pts: i64,
    /// Timestamp step between the last two packets.
    step: u64,
    /// Samples (at 48 kHz) of the last packet, for Opus.
    last_opus_samples: u64,
    /// The error that ended the walk before the end of the stream, if any.
    stopped_by: Option<String>,
}

fn walk_track(
    reader: &mut dyn FormatReader,
    container: Container,
    read: &AtomicU64,
) -> Result<Found, ProbeError> {
    let track = reader
        .default_track(TrackType::Audio)
        .cloned()
        .ok_or(ProbeError::NoAudioTrack)?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|params| params.audio())
        .cloned()
        .ok_or(ProbeError::NoAudioTrack)?;
    let codec = codec_of(params.codec);
    if codec == Codec::Other {
        return Err(ProbeError::UnsupportedCodec {
            container: container.name().to_uppercase(),
            codec: format!("{:?}", params.codec),
        });
    }
    let rate = params
        .sample_rate
        .ok_or_else(|| ProbeError::Malformed("no sample rate".into()))?;
    let channels = params
        .channels
        .as_ref()
        .map_or(0, symphonia::core::audio::Channels::count);
    let walk = walk(reader, track.id, read)?;
    let length = length(&walk, &track, container, codec, rate, read)?;
    let (tags, artwork) = tags::read(reader);
    Ok(Found {
        container,
        codec,
        sample_rate: rate,
        channels: u32::try_from(channels).unwrap_or(u32::MAX),
        length,
        tags,
        artwork,
        trailing_from: None,
    })
}

/// The playable length of the walked track, or why there is none.
fn length(
    walk: &Walk,
    track: &Track,
    container: Container,
    codec: Codec,
    rate: u32,
    read: &AtomicU64,
) -> Result<Length, ProbeError> {
    let time_base = track
        .time_base
        .ok_or_else(|| ProbeError::Malformed("the track has no time base".into()))?;
    let (numer, denom) = (time_base.numer.get(), time_base.denom.get());
    let matroska = matches!(container, Container::Webm | Container::Matroska);
    let counted = match codec {
        Codec::Opus => walk.sum.saturating_sub(u64::from(track.delay.unwrap_or(0))),
        _ => walk.sum,
    };
    // Fewer samples than the header promises: the file was cut short.
    if let Some(claimed) = track.num_frames.filter(|_| !matroska)
        && claimed > walk.sum
    {
        return Err(ProbeError::Truncated {
            claimed: seconds(claimed, numer, denom),
            present: seconds(counted, numer, denom),
            bytes: read.load(Ordering::Relaxed),
        });
    }
    if walk.packets == 0 {
        let why = walk.stopped_by.clone();
        return Err(ProbeError::Malformed(
            why.unwrap_or_else(|| "no audio packets".into()),
        ));
    }
    if let Some(error) = &walk.stopped_by {
        return Err(ProbeError::Malformed(error.clone()));
    }
    if matroska {
        return Ok(matroska_length(walk, codec, numer, denom, rate));
    }
    Ok(Length::of_ticks(counted, numer, denom, rate))
}

fn walk(
    reader: &mut dyn FormatReader,
    track_id: u32,
    read: &AtomicU64,
) -> Result<Walk, ProbeError> {
    let mut walk = Walk::default();
    let mut seen: u64 = 0;
    loop {
        let packet = match reader.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            Err(SymphoniaError::ResetRequired) => {
                return Err(ProbeError::Malformed(
                    "chained Ogg streams are not supported".into(),
                ));
            }
            // The file ends inside a packet: what came before is what there is.
            Err(SymphoniaError::IoError(err))
                if err.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                break;
            }
            Err(err) => {
                walk.stopped_by = Some(err.to_string());
                break;
            }
        };
        seen += 1;
        if seen > read.load(Ordering::Relaxed) {
            return Err(ProbeError::Malformed(
                "the reader did not reach the end of the file".into(),
            ));
        }
        if packet.track_id != track_id {
            continue;
        }
        let pts = packet.pts.get();
        if walk.packets == 0 {
            walk.first_pts = pts;
        } else {
            walk.step = u64::try_from(pts - walk.last_pts).unwrap_or(0);
        }
        walk.last_pts = pts;
        walk.last_opus_samples = opus_samples(&packet.data);
        walk.sum = walk.sum.saturating_add(packet.dur.get());
        walk.packets += 1;
    }
    Ok(walk)
}

/// Matroska blocks carry timestamps (in milliseconds, usually) but seldom durations: the
/// length runs from the first timestamp (or zero, when the codec delay puts it before) to the
/// end of the last block, whose length is its Opus frames or, for other codecs, the step
/// between the last two blocks. Exact to the timestamp unit.
fn matroska_length(walk: &Walk, codec: Codec, numer: u32, denom: u32, rate: u32) -> Length {
    let start = seconds(
        u64::try_from(walk.first_pts.max(0)).unwrap_or(0),
        numer,
        denom,
    );
    let last = if walk.last_pts >= 0 {
        seconds(walk.last_pts.unsigned_abs(), numer, denom)
    } else {
        -seconds(walk.last_pts.unsigned_abs(), numer, denom)
    };
    let tail = match codec {
        Codec::Opus if walk.last_opus_samples > 0 => seconds(walk.last_opus_samples, 1, 48000),
        _ => seconds(walk.step, numer, denom),
    };
    Length::of_seconds((last + tail - start).max(0.0), rate)
}

/// Samples (at 48 kHz) in an Opus packet, from its table-of-contents byte (RFC 6716, 3.1).
fn opus_samples(packet: &[u8]) -> u64 {
    let Some(&toc) = packet.first() else { return 0 };
    let config = toc >> 3;
    let frame = match config {
        0..=11 => [480, 960, 1920, 2880][usize::from(config % 4)],
        12..=15 => [480, 960][usize::from(config % 2)],
        _ => [120, 240, 480, 960][usize::from(config % 4)],
    };
    let frames = match toc & 3 {
        0 => 1,
        1 | 2 => 2,
        _ => packet.get(1).map_or(0, |b| u64::from(b & 0x3F)),
    };
    frame * frames
}
