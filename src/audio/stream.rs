//! audio: format conversion for a stream that arrives in chunks (the rendered
//! programme on its way to an encoder that wants another rate), with the same
//! channel mapping as [`convert`](super::convert) and rubato's FFT resampler,
//! delay removed, so that `n` frames in give `round(n * to / from)` out.

use rubato::{FftFixedInOut, Resampler};

use crate::audio::AudioSpec;

use super::convert::map_channel;

/// Input frames per resampler call.
const CHUNK_FRAMES: usize = 1024;

pub struct StreamConverter {
    from: AudioSpec,
    to: AudioSpec,
    resampler: Option<FftFixedInOut<f32>>,
    /// Planar input not yet resampled, in the target's channels.
    pending: Vec<Vec<f32>>,
    output: Vec<Vec<f32>>,
    /// Output frames still to drop for the resampler's delay.
    delay_left: usize,
    frames_in: u64,
    frames_out: u64,
}

impl StreamConverter {
    /// A converter from `from` to `to`; both must have nonzero rates and channels.
    pub fn new(from: AudioSpec, to: AudioSpec) -> StreamConverter {
        let channels = usize::from(to.channels.max(1));
        let resampler = (from.sample_rate != to.sample_rate)
            .then(|| {
                FftFixedInOut::<f32>::new(
                    from.sample_rate as usize,
                    to.sample_rate as usize,
                    CHUNK_FRAMES,
                    channels,
                )
                .ok()
            })
            .flatten();
        let delay_left = resampler.as_ref().map_or(0, Resampler::output_delay);
        let output = resampler
            .as_ref()
            .map(|r| r.output_buffer_allocate(true))
            .unwrap_or_default();
        StreamConverter {
            from,
            to,
            resampler,
            pending: vec![Vec::new(); channels],
            output,
            delay_left,
            frames_in: 0,
            frames_out: 0,
        }
    }

    /// Converts interleaved `samples` (whole frames of `from`), appending
    /// interleaved frames of `to` to `out`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<f32>) {
        let from = usize::from(self.from.channels.max(1));
        let to = usize::from(self.to.channels.max(1));
        for frame in samples.chunks_exact(from) {
            for (c, channel) in self.pending.iter_mut().enumerate() {
                channel.push(map_channel(frame, c, to));
            }
        }
        self.frames_in += (samples.len() / from) as u64;
        self.drain(false, out);
    }

    /// Flushes what the resampler holds; after this, exactly
    /// `round(frames_in * to / from)` frames have been given out.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        self.drain(true, out);
    }

    fn drain(&mut self, last: bool, out: &mut Vec<f32>) {
        let Some(resampler) = self.resampler.as_mut() else {
            // Same rate: the channel mapping is all there is.
            let frames = self.pending.first().map_or(0, Vec::len);
            for i in 0..frames {
                out.extend(self.pending.iter().map(|c| c[i]));
            }
            self.frames_out += frames as u64;
            self.pending.iter_mut().for_each(Vec::clear);
            return;
        };
        let expected = (self.frames_in * u64::from(self.to.sample_rate)
            + u64::from(self.from.sample_rate) / 2)
            / u64::from(self.from.sample_rate.max(1));
        let mut flushes = 0;
        loop {
            let need = resampler.input_frames_next();
            let have = self.pending.first().map_or(0, Vec::len);
            let produced = if have >= need {
                let input: Vec<&[f32]> = self.pending.iter().map(|c| &c[..need]).collect();
                let result = resampler.process_into_buffer(&input, &mut self.output, None);
                self.pending.iter_mut().for_each(|c| {
                    c.drain(..need);
                });
                result.map(|(_, produced)| produced).unwrap_or(0)
            } else if last && self.frames_out < expected && flushes < 64 {
                flushes += 1;
                let input: Vec<&[f32]> = self.pending.iter().map(|c| &c[..]).collect();
                let result = resampler.process_partial_into_buffer(
                    (have > 0).then_some(&input[..]),
                    &mut self.output,
                    None,
                );
                self.pending.iter_mut().for_each(Vec::clear);
                result.map(|(_, produced)| produced).unwrap_or(0)
            } else {
                break;
            };
            let skip = self.delay_left.min(produced);
            self.delay_left -= skip;
            let wanted = if last {
                (expected - self.frames_out).min((produced - skip) as u64) as usize
            } else {
                produced - skip
            };
            for i in skip..skip + wanted {
                out.extend(self.output.iter().map(|c| c[i]));
            }
            self.frames_out += wanted as u64;
        }
        if last {
            // Should the resampler give less than expected, pad with silence.
            let channels = usize::from(self.to.channels.max(1));
            while self.frames_out < expected {
                out.extend(std::iter::repeat_n(0.0, channels));
                self.frames_out += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(sample_rate: u32, channels: u16) -> AudioSpec {
        AudioSpec {
            sample_rate,
            channels,
        }
    }

    #[test]
    fn chunked_conversion_matches_the_whole_clip_conversion_in_length_and_level() {
        let (from, to) = (spec(8000, 1), spec(48000, 1));
        let tone: Vec<f32> = (0..8000 * 3 + 77)
            .map(|i| (i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 0.5)
            .collect();
        let mut c = StreamConverter::new(from, to);
        let mut out = Vec::new();
        for chunk in tone.chunks(333) {
            c.push(chunk, &mut out);
        }
        c.finish(&mut out);
        assert_eq!(out.len(), tone.len() * 6);
        let whole = crate::audio::convert(crate::audio::Clip::new(from, tone), to);
        assert_eq!(whole.samples().len(), out.len());
        // Same signal, to within the two resamplers' alignment.
        let rms = |s: &[f32]| (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt();
        assert!((rms(&out[4800..]) - rms(&whole.samples()[4800..])).abs() < 0.01);
        let peak = out[48000..96000].iter().fold(0f32, |m, x| m.max(x.abs()));
        assert!((peak - 0.5).abs() < 0.02, "{peak}");
    }

    #[test]
    fn channels_only_and_nothing_at_all() {
        let mut c = StreamConverter::new(spec(48000, 2), spec(48000, 1));
        let mut out = Vec::new();
        c.push(&[0.2, 0.4, -1.0, 1.0], &mut out);
        c.finish(&mut out);
        assert_eq!(out, vec![0.3, 0.0]);
        let mut c = StreamConverter::new(spec(22050, 1), spec(44100, 2));
        let mut out = Vec::new();
        c.finish(&mut out);
        assert!(out.is_empty());
    }
}
