//! Opus for Symphonia, which has no Opus decoder of its own: an [`AudioDecoder`] over the
//! pure-Rust `opus-pure` codec (no C, nothing to build but Rust).
//!
//! The decoder takes the stream's `OpusHead` (RFC 7845 §5.1) from the codec parameters'
//! extra data, as Symphonia's Ogg, MP4 and Matroska readers give it, and applies what the
//! header asks of a player: the pre-skip is dropped from the start of the stream (across as
//! many packets as it covers) and the output gain is applied. Each packet's own trims (the
//! end trim Symphonia's Ogg reader takes from the last granule position) are applied too.
//! Mono and stereo streams (channel mapping family 0) decode; surround streams are refused.
//! An empty packet is a decode error, not a lost packet to conceal: a recording is rendered
//! from a file, where nothing is lost in transit.

use symphonia::core::audio::{
    AsGenericAudioBufferRef, Audio, AudioBuffer, AudioMut, AudioSpec, GenericAudioBufferRef,
    layouts,
};
use symphonia::core::codecs::CodecInfo;
use symphonia::core::codecs::audio::well_known::CODEC_ID_OPUS;
use symphonia::core::codecs::audio::{
    AudioCodecParameters, AudioDecoder, AudioDecoderOptions, FinalizeResult,
};
use symphonia::core::codecs::registry::{RegisterableAudioDecoder, SupportedAudioCodec};
use symphonia::core::errors::{Result, decode_error, unsupported_error};
use symphonia::core::packet::PacketRef;

/// Most frames one Opus packet decodes to: 120 ms at 48 kHz.
const MAX_FRAMES: usize = opus_pure::MAX_PACKET_SAMPLES;

const SUPPORTED: &[SupportedAudioCodec] = &[SupportedAudioCodec {
    id: CODEC_ID_OPUS,
    info: CodecInfo {
        short_name: "opus",
        long_name: "Opus (opus-pure)",
        profiles: &[],
    },
}];

/// What the decoder needs from an `OpusHead`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Head {
    channels: usize,
    /// Frames at 48 kHz to drop from the start of the stream.
    pre_skip: usize,
    /// Output gain, Q7.8 dB.
    gain_q8: i16,
}

impl Head {
    /// Reads the fixed part of an `OpusHead`: magic, version, channels, pre-skip, input
    /// rate, output gain and mapping family.
    fn parse(data: &[u8]) -> Result<Self> {
        let Some(fixed) = data.get(..19).filter(|head| head.starts_with(b"OpusHead")) else {
            return decode_error("opus: the stream has no valid OpusHead");
        };
        // RFC 7845 §5.1: a major version (upper four bits) above 0 is not understood.
        if fixed[8] >> 4 != 0 {
            return unsupported_error("opus: unknown OpusHead version");
        }
        if fixed[18] != 0 || !(1..=2).contains(&fixed[9]) {
            return unsupported_error("opus: only mono and stereo streams are supported");
        }
        Ok(Self {
            channels: usize::from(fixed[9]),
            pre_skip: usize::from(u16::from_le_bytes([fixed[10], fixed[11]])),
            gain_q8: i16::from_le_bytes([fixed[16], fixed[17]]),
        })
    }
}

/// Symphonia decoder for Opus; register it with
/// [`CodecRegistry::register_audio_decoder`](symphonia::core::codecs::registry::CodecRegistry::register_audio_decoder).
pub struct OpusDecoder {
    params: AudioCodecParameters,
    codec: opus_pure::OpusDecoder,
    channels: usize,
    /// Whether to drop the pre-skip and the packets' trims ([`AudioDecoderOptions::gapless`]).
    gapless: bool,
    /// Frames still to drop from the start of the stream (the pre-skip at the output rate).
    skip: usize,
    /// One packet's decoded samples, interleaved.
    pcm: Vec<f32>,
    buf: AudioBuffer<f32>,
}

impl OpusDecoder {
    fn try_new(params: &AudioCodecParameters, opts: AudioDecoderOptions) -> Result<Self> {
        let Some(extra) = params.extra_data.as_deref() else {
            return decode_error("opus: the stream has no OpusHead");
        };
        let head = Head::parse(extra)?;
        if params
            .channels
            .as_ref()
            .is_some_and(|ch| ch.count() != head.channels)
        {
            return decode_error("opus: the container and the OpusHead disagree on channels");
        }
        // Opus decodes to 8, 12, 16, 24 or 48 kHz; 48 unless the container says otherwise.
        let rate = params.sample_rate.unwrap_or(48_000);
        let codec = i32::try_from(rate)
            .ok()
            .and_then(|rate| opus_pure::OpusDecoder::new(rate, head.channels).ok());
        let Some(mut codec) = codec else {
            return unsupported_error("opus: the sample rate is not one Opus decodes to");
        };
        let layout = if head.channels == 1 {
            layouts::CHANNEL_LAYOUT_MONO
        } else {
            layouts::CHANNEL_LAYOUT_STEREO
        };
        codec.gain_q8 = i32::from(head.gain_q8);
        Ok(Self {
            params: params.clone(),
            codec,
            channels: head.channels,
            gapless: opts.gapless,
            skip: head.pre_skip * rate as usize / 48_000,
            pcm: vec![0.0; MAX_FRAMES * head.channels],
            buf: AudioBuffer::new(AudioSpec::new(rate, layout), MAX_FRAMES),
        })
    }

    /// Decodes `data` into `buf`, untrimmed.
    fn decode_packet(&mut self, data: &[u8]) -> Result<()> {
        self.buf.clear();
        if data.is_empty() {
            return decode_error("opus: empty packet");
        }
        // The codec is not expected to panic on a hostile packet; if it does, that packet is
        // an error like any other (the decoder is not used again: the decode stops there).
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.codec.decode(data, MAX_FRAMES, &mut self.pcm)
        }));
        let frames = match decoded {
            Ok(Ok(frames)) => frames,
            Ok(Err(err)) => return decode_error(reason(&err)),
            Err(_) => return decode_error("opus: the decoder failed on this packet"),
        };
        self.buf.render_uninit(Some(frames));
        self.buf
            .copy_from_slice_interleaved(&&self.pcm[..frames * self.channels]);
        Ok(())
    }
}

/// The codec's message for a packet it cannot decode.
fn reason(err: &opus_pure::Error) -> &'static str {
    match err {
        opus_pure::Error::InvalidPacket(why)
        | opus_pure::Error::Internal(why)
        | opus_pure::Error::InvalidArgument(why)
        | opus_pure::Error::InvalidStream(why) => why,
        _ => "opus: the packet does not decode",
    }
}

impl AudioDecoder for OpusDecoder {
    fn reset(&mut self) {
        // Resetting a decoder that was built only fails on arguments it already accepted.
        let _ = self.codec.reset_state();
    }

    fn codec_info(&self) -> &CodecInfo {
        &SUPPORTED[0].info
    }

    fn codec_params(&self) -> &AudioCodecParameters {
        &self.params
    }

    fn decode_ref(&mut self, packet: &PacketRef<'_>) -> Result<GenericAudioBufferRef<'_>> {
        self.decode_packet(packet.data)?;
        if !self.gapless {
            return Ok(self.buf.as_generic_audio_buffer_ref());
        }
        let frames = self.buf.frames();
        let pre_skip = self.skip.min(frames);
        self.skip -= pre_skip;
        let trim = |frames: u64| usize::try_from(frames).unwrap_or(usize::MAX);
        let start = pre_skip.saturating_add(trim(packet.trim_start.get()));
        self.buf.trim(start, trim(packet.trim_end.get()));
        Ok(self.buf.as_generic_audio_buffer_ref())
    }

    fn finalize(&mut self) -> FinalizeResult {
        FinalizeResult::default()
    }

    fn last_decoded(&self) -> GenericAudioBufferRef<'_> {
        self.buf.as_generic_audio_buffer_ref()
    }
}

impl RegisterableAudioDecoder for OpusDecoder {
    fn try_registry_new(
        params: &AudioCodecParameters,
        opts: &AudioDecoderOptions,
    ) -> Result<Box<dyn AudioDecoder>> {
        Ok(Box::new(Self::try_new(params, *opts)?))
    }

    fn supported_codecs() -> &'static [SupportedAudioCodec] {
        SUPPORTED
    }
}

impl std::fmt::Debug for OpusDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpusDecoder")
            .field("channels", &self.channels)
            .field("skip", &self.skip)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use symphonia::core::units::{Duration, Timestamp};

    use super::*;

    /// An `OpusHead` of `channels`, `pre_skip`, `gain_q8` and mapping `family`.
    fn head(channels: u8, pre_skip: u16, gain_q8: i16, family: u8) -> Vec<u8> {
        let mut head = b"OpusHead".to_vec();
        head.extend([1, channels]);
        head.extend(pre_skip.to_le_bytes());
        head.extend(48_000u32.to_le_bytes());
        head.extend(gain_q8.to_le_bytes());
        head.push(family);
        if family != 0 {
            head.extend([1, channels - 1, 0, 1]);
        }
        head
    }

    fn decoder(head: Vec<u8>) -> Result<OpusDecoder> {
        let mut params = AudioCodecParameters::new();
        params
            .for_codec(CODEC_ID_OPUS)
            .with_sample_rate(48_000)
            .with_extra_data(head.into_boxed_slice());
        OpusDecoder::try_new(&params, AudioDecoderOptions::default())
    }

    /// `count` packets of 20 ms, encoded by the codec: a 440 Hz tone at `amplitude` per
    /// channel.
    fn packets(amplitudes: &[f32], count: usize) -> Vec<Vec<u8>> {
        let channels = amplitudes.len();
        let mut encoder =
            opus_pure::OpusEncoder::new(48_000, channels, opus_pure::Application::Audio).unwrap();
        (0..count)
            .map(|packet| {
                let pcm: Vec<f32> = (0..960 * channels)
                    .map(|i| {
                        #[allow(clippy::cast_precision_loss)]
                        let t = (packet * 960 + i / channels) as f32 / 48_000.0;
                        amplitudes[i % channels] * (std::f32::consts::TAU * 440.0 * t).sin()
                    })
                    .collect();
                let mut out = vec![0; opus_pure::MAX_PACKET_BYTES];
                let len = encoder.encode(&pcm, 960, &mut out).unwrap();
                out.truncate(len);
                out
            })
            .collect()
    }

    /// Decodes `packets`, interleaved.
    fn decode_all(decoder: &mut OpusDecoder, packets: &[Vec<u8>]) -> Vec<f32> {
        let mut pcm = Vec::new();
        let mut chunk = Vec::new();
        for data in packets {
            let packet = PacketRef::new(0, Timestamp::ZERO, Duration::ZERO, data);
            let audio = decoder.decode_ref(&packet).unwrap();
            audio.copy_to_vec_interleaved(&mut chunk);
            pcm.extend_from_slice(&chunk);
        }
        pcm
    }

    fn rms(samples: &[f32]) -> f32 {
        #[allow(clippy::cast_precision_loss)]
        let mean = samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32;
        mean.sqrt()
    }

    #[test]
    fn a_pre_skip_longer_than_one_packet_is_dropped_across_packets() {
        let mut decoder = decoder(head(1, 1500, 0, 0)).unwrap();
        let pcm = decode_all(&mut decoder, &packets(&[0.5], 5));
        assert_eq!(pcm.len(), 5 * 960 - 1500);
    }

    #[test]
    fn the_end_trim_of_the_last_packet_is_dropped() {
        let mut decoder = decoder(head(1, 312, 0, 0)).unwrap();
        let data = &packets(&[0.5], 1)[0];
        let mut packet = PacketRef::new(0, Timestamp::ZERO, Duration::ZERO, data);
        packet.trim_end = Duration::from(100u64);
        assert_eq!(
            decoder.decode_ref(&packet).unwrap().frames(),
            960 - 312 - 100
        );
    }

    #[test]
    fn the_output_gain_of_the_header_is_applied() {
        let packets = packets(&[0.25], 10);
        let plain = decode_all(&mut decoder(head(1, 0, 0, 0)).unwrap(), &packets);
        // +6.02 dB in Q7.8: twice the amplitude.
        let louder = decode_all(&mut decoder(head(1, 0, 1541, 0)).unwrap(), &packets);
        let ratio = rms(&louder) / rms(&plain);
        assert!((ratio - 2.0).abs() < 0.01, "{ratio}");
    }

    #[test]
    fn stereo_decodes_to_two_channels_at_48_khz_each_its_own() {
        let mut decoder = decoder(head(2, 312, 0, 0)).unwrap();
        let pcm = decode_all(&mut decoder, &packets(&[0.5, 0.05], 10));
        let spec = decoder.last_decoded().spec().clone();
        assert_eq!((spec.rate(), spec.channels().count()), (48_000, 2));
        let left: Vec<f32> = pcm.iter().step_by(2).copied().collect();
        let right: Vec<f32> = pcm.iter().skip(1).step_by(2).copied().collect();
        let ratio = rms(&left) / rms(&right);
        assert!((8.0..12.0).contains(&ratio), "{ratio}");
    }

    #[test]
    fn an_empty_or_damaged_packet_is_an_error_and_leaves_no_audio() {
        let mut decoder = decoder(head(1, 0, 0, 0)).unwrap();
        decode_all(&mut decoder, &packets(&[0.5], 1));
        // A code 3 packet of 63 frames: over the 120 ms a packet may hold.
        for data in [&[][..], &[0x03, 0x3f][..]] {
            let packet = PacketRef::new(0, Timestamp::ZERO, Duration::ZERO, data);
            assert!(decoder.decode_ref(&packet).is_err(), "{data:?}");
            assert_eq!(decoder.last_decoded().frames(), 0);
        }
    }

    #[test]
    fn surround_streams_and_missing_or_foreign_headers_are_refused() {
        assert!(decoder(head(2, 312, 0, 1)).is_err());
        assert!(decoder(head(3, 312, 0, 0)).is_err());
        let mut not_opus = head(1, 312, 0, 0);
        not_opus[..8].copy_from_slice(b"OpusTags");
        assert!(decoder(not_opus).is_err());
        assert!(decoder(head(1, 312, 0, 0)[..18].to_vec()).is_err());
        let mut params = AudioCodecParameters::new();
        params.for_codec(CODEC_ID_OPUS).with_sample_rate(48_000);
        assert!(OpusDecoder::try_new(&params, AudioDecoderOptions::default()).is_err());
    }
}
