//! Turning the source's channels into the rendition's: mono is the mean of every channel;
//! stereo from mono repeats the channel; stereo from more channels keeps the first two
//! (front left and right in every layout Symphonia reports).

/// Appends `input` (interleaved, `from` channels) to `out` as `to` channels.
pub fn mix(input: &[f32], from: usize, to: usize, out: &mut Vec<f32>) {
    out.clear();
    if from == to {
        out.extend_from_slice(input);
        return;
    }
    let frames = input.chunks_exact(from);
    match to {
        1 => {
            #[allow(clippy::cast_precision_loss)]
            let scale = 1.0 / from as f32;
            out.extend(frames.map(|frame| frame.iter().sum::<f32>() * scale));
        }
        _ if from == 1 => {
            for frame in frames {
                out.extend(std::iter::repeat_n(frame[0], to));
            }
        }
        _ => {
            for frame in frames {
                out.extend_from_slice(&frame[..to]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_to_mono_is_the_mean_and_keeps_a_centred_voice_at_its_level() {
        let mut out = Vec::new();
        mix(&[0.5, 0.5, 1.0, 0.0, -0.25, 0.25], 2, 1, &mut out);
        assert_eq!(out, [0.5, 0.5, 0.0]);
    }

    #[test]
    fn mono_to_stereo_repeats_and_surround_to_stereo_keeps_the_front_pair() {
        let mut out = Vec::new();
        mix(&[0.1, 0.2], 1, 2, &mut out);
        assert_eq!(out, [0.1, 0.1, 0.2, 0.2]);
        mix(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 3, 2, &mut out);
        assert_eq!(out, [1.0, 2.0, 4.0, 5.0]);
        mix(&[1.0, 2.0], 2, 2, &mut out);
        assert_eq!(out, [1.0, 2.0]);
    }
}
