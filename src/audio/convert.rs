//! audio: bring a decoded clip to the bulletin's format (channel mixdown or upmix, then
//! band-limited resampling with rubato) so that clips from different backends can be
//! joined into one stream.

use rubato::{
    calculate_cutoff, FftFixedInOut, Resampler, SincFixedIn, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};

use crate::audio::{AudioSpec, Clip};

/// Input frames per resampler call: large enough to amortise the per-call work, small
/// enough that the working buffers stay in cache.
const CHUNK_FRAMES: usize = 1024;

/// The largest reduced ratio term (rate / gcd) handed to the FFT resampler. Every
/// common TTS pair reduces far below it (22050:48000 = 147:320, 44100:48000 = 147:160).
const MAX_FFT_RATIO_TERM: u32 = 4096;

/// Sinc length of the fallback resampler; 128 taps with a Blackman-Harris window keep
/// aliasing far below the noise floor of 16-bit speech.
const SINC_LEN: usize = 128;
const SINC_WINDOW: WindowFunction = WindowFunction::BlackmanHarris2;

/// Converts `clip` to `target`: channels first (averaged down, or duplicated up), then
/// the sample rate. Returns the clip untouched if it is already in `target`'s format.
///
/// The output is time-aligned with the input (the resampler's delay is removed) and
/// holds `round(frames * target_rate / source_rate)` frames. A zero rate or channel
/// count on either side cannot describe audio, so the result is an empty clip.
pub fn convert(clip: Clip, target: AudioSpec) -> Clip {
    let source = clip.spec();
    if source == target {
        return clip;
    }
    if [source.sample_rate, target.sample_rate].contains(&0)
        || [source.channels, target.channels].contains(&0)
    {
        return Clip::new(target, Vec::new());
    }
    // Resample as few channels as possible: mix down before, duplicate up after.
    let samples = clip.into_samples();
    let samples = if target.channels < source.channels {
        let mixed = remix(&samples, source.channels, target.channels);
        resample_interleaved(
            &mixed,
            target.channels,
            source.sample_rate,
            target.sample_rate,
        )
    } else {
        let resampled = resample_interleaved(
            &samples,
            source.channels,
            source.sample_rate,
            target.sample_rate,
        );
        remix(&resampled, source.channels, target.channels)
    };
    Clip::new(target, samples)
}

/// Maps interleaved frames from `from` channels to `to` channels. To mono: the mean of
/// all channels. From mono: the one channel copied to all. Otherwise output channel `j`
/// is the mean of the input channels `i` with `i % to == j` when mixing down, and a copy
/// of input channel `j % from` when mixing up.
fn remix(samples: &[f32], from: u16, to: u16) -> Vec<f32> {
    let (from, to) = (usize::from(from), usize::from(to));
    if from == to {
        return samples.to_vec();
    }
    let frames = samples.chunks_exact(from);
    let mut out = Vec::with_capacity(frames.len() * to);
    for frame in frames {
        out.extend((0..to).map(|c| map_channel(frame, c, to)));
    }
    out
}

/// Output channel `c` of `to` from one input frame: the mean of the input
/// channels that map to it when mixing down, a copy when mixing up.
pub(super) fn map_channel(frame: &[f32], c: usize, to: usize) -> f32 {
    let from = frame.len();
    if from == to {
        frame[c]
    } else if to < from {
        let picked = frame.iter().skip(c).step_by(to);
        let count = picked.clone().count().max(1);
        picked.sum::<f32>() / count as f32
    } else {
        frame.get(c % from.max(1)).copied().unwrap_or(0.0)
    }
}

fn resample_interleaved(samples: &[f32], channels: u16, from: u32, to: u32) -> Vec<f32> {
    if from == to || samples.is_empty() {
        return samples.to_vec();
    }
    if channels == 1 {
        // Mono is its own planar layout: no copy in, and the one output channel
        // is the result (a long answer is not held three times over).
        return resample(&[samples], from, to).pop().unwrap_or_default();
    }
    let planar = deinterleave(samples, usize::from(channels));
    let slices: Vec<&[f32]> = planar.iter().map(Vec::as_slice).collect();
    interleave(&resample(&slices, from, to))
}

fn deinterleave(samples: &[f32], channels: usize) -> Vec<Vec<f32>> {
    (0..channels)
        .map(|c| samples.iter().skip(c).step_by(channels).copied().collect())
        .collect()
}

fn interleave(planar: &[Vec<f32>]) -> Vec<f32> {
    let frames = planar.first().map_or(0, Vec::len);
    let mut out = Vec::with_capacity(frames * planar.len());
    for i in 0..frames {
        out.extend(planar.iter().map(|c| c.get(i).copied().unwrap_or(0.0)));
    }
    out
}

/// Resamples planar audio from `from` Hz to `to` Hz (both nonzero).
///
/// TTS rates are related by small integer ratios, so the synchronous FFT resampler
/// applies its long windowed-sinc filter (as long as an FFT block, about 1000 taps,
/// Blackman-Harris) exactly, with no interpolation error and far faster than an
/// oversampled sinc table. A ratio that does not reduce (a 44101 Hz header) would need
/// an FFT as long as a second of audio, so those go through the asynchronous sinc
/// resampler instead: 128 taps, 256x oversampling, cubic interpolation.
fn resample(planar: &[&[f32]], from: u32, to: u32) -> Vec<Vec<f32>> {
    let in_frames = planar.first().map_or(0, |c| c.len());
    let expected = expected_frames(in_frames, from, to);
    let channels = planar.len();
    let gcd = gcd(from, to);
    let (p, q) = (from / gcd, to / gcd);
    let resampled = if p <= MAX_FFT_RATIO_TERM && q <= MAX_FFT_RATIO_TERM {
        // An even number of p-frame blocks per FFT makes the filter's centre, and so the
        // reported delay of half an output block, a whole number of frames at both rates.
        let p = p as usize;
        let chunk = 2 * p * CHUNK_FRAMES.div_ceil(2 * p);
        FftFixedInOut::<f32>::new(from as usize, to as usize, chunk, channels)
            .ok()
            .and_then(|mut r| {
                let delay = r.output_delay();
                run(&mut r, planar, expected, delay).ok()
            })
    } else {
        let params = SincInterpolationParameters {
            sinc_len: SINC_LEN,
            f_cutoff: calculate_cutoff(SINC_LEN, SINC_WINDOW),
            oversampling_factor: 256,
            interpolation: SincInterpolationType::Cubic,
            window: SINC_WINDOW,
        };
        // rubato 0.16's sinc resamplers start interpolating half a filter length back,
        // so their first output frame already lines up with the first input frame (to
        // within a fraction of a frame); the `output_delay` they report is look-ahead
        // latency, not an offset in the output. The impulse test pins this down.
        SincFixedIn::<f32>::new(
            f64::from(to) / f64::from(from),
            1.0,
            params,
            CHUNK_FRAMES,
            channels,
        )
        .ok()
        .and_then(|mut r| run(&mut r, planar, expected, 0).ok())
    };
    // Rubato only fails on inconsistent buffer sizes, which `run` never passes; should
    // it fail anyway, plain interpolation beats dropping the audio.
    resampled.unwrap_or_else(|| linear(planar, from, to, expected))
}

/// `round(frames * to / from)`.
fn expected_frames(frames: usize, from: u32, to: u32) -> usize {
    let (from, to) = (u128::from(from), u128::from(to));
    let n = (frames as u128 * to + from / 2) / from;
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Feeds all of `input` through `resampler` in chunks, flushes the filter with zeros,
/// and drops the first `delay` output frames so that output frame `k` lines up with
/// input time `k / to`.
fn run<R: Resampler<f32>>(
    resampler: &mut R,
    input: &[&[f32]],
    expected: usize,
    delay: usize,
) -> rubato::ResampleResult<Vec<Vec<f32>>> {
    const MAX_FLUSHES: usize = 64;
    let in_frames = input.first().map_or(0, |c| c.len());
    let wanted = delay.saturating_add(expected);
    let mut out: Vec<Vec<f32>> = input
        .iter()
        .map(|_| Vec::with_capacity(wanted.saturating_add(resampler.output_frames_max())))
        .collect();
    let mut buffer = resampler.output_buffer_allocate(true);
    let mut pos = 0;
    let mut flushes = 0;
    while out.first().map_or(0, Vec::len) < wanted {
        let need = resampler.input_frames_next();
        let (consumed, produced) = if in_frames - pos >= need {
            let chunk: Vec<&[f32]> = input
                .iter()
                .map(|c| c.get(pos..pos + need).unwrap_or_default())
                .collect();
            resampler.process_into_buffer(&chunk, &mut buffer, None)?
        } else if pos < in_frames {
            let chunk: Vec<&[f32]> = input
                .iter()
                .map(|c| c.get(pos..).unwrap_or_default())
                .collect();
            resampler.process_partial_into_buffer(Some(&chunk), &mut buffer, None)?
        } else if flushes < MAX_FLUSHES {
            flushes += 1;
            resampler.process_partial_into_buffer(None::<&[Vec<f32>]>, &mut buffer, None)?
        } else {
            break;
        };
        pos = pos.saturating_add(consumed).min(in_frames);
        for (channel, produced_now) in out.iter_mut().zip(&buffer) {
            channel.extend_from_slice(produced_now.get(..produced).unwrap_or(produced_now));
        }
    }
    for channel in &mut out {
        channel.drain(..delay.min(channel.len()));
        channel.resize(expected, 0.0);
    }
    Ok(out)
}

/// Linear interpolation: the last resort if rubato refuses.
fn linear(planar: &[&[f32]], from: u32, to: u32, expected: usize) -> Vec<Vec<f32>> {
    let step = f64::from(from) / f64::from(to);
    planar
        .iter()
        .map(|channel| {
            (0..expected)
                .map(|k| {
                    let t = k as f64 * step;
                    let i = t.floor() as usize;
                    let frac = (t - t.floor()) as f32;
                    let a = channel.get(i).copied().unwrap_or(0.0);
                    let b = channel.get(i + 1).copied().unwrap_or(a);
                    a + (b - a) * frac
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Frames;
    use std::f64::consts::TAU;

    fn spec(sample_rate: u32, channels: u16) -> AudioSpec {
        AudioSpec {
            sample_rate,
            channels,
        }
    }

    fn sine(rate: u32, freq: f64, amplitude: f64, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|i| (amplitude * (TAU * freq * i as f64 / f64::from(rate)).sin()) as f32)
            .collect()
    }

    /// Frequency from interpolated rising zero crossings.
    fn measured_frequency(samples: &[f32], rate: u32) -> f64 {
        let crossings: Vec<f64> = samples
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
            .map(|(i, w)| i as f64 + f64::from(-w[0] / (w[1] - w[0])))
            .collect();
        let (first, last) = (crossings[0], crossings[crossings.len() - 1]);
        (crossings.len() - 1) as f64 * f64::from(rate) / (last - first)
    }

    fn rms(samples: &[f32]) -> f64 {
        (samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64).sqrt()
    }

    /// The middle of a clip, clear of the edges where the filter rings.
    fn middle(samples: &[f32]) -> &[f32] {
        let tenth = samples.len() / 10;
        &samples[tenth..samples.len() - tenth]
    }

    fn check_sine_conversion(from: u32, to: u32, frames: usize) {
        let input = Clip::new(spec(from, 1), sine(from, 1_000.0, 0.5, frames));
        let output = convert(input, spec(to, 1));
        assert_eq!(output.spec(), spec(to, 1));

        let expected = (frames as f64 * f64::from(to) / f64::from(from)).round() as i64;
        let got = output.frames().0 as i64;
        assert!(
            (got - expected).abs() <= 1,
            "{from}->{to}: {got} frames, expected {expected}"
        );

        let freq = measured_frequency(middle(output.samples()), to);
        assert!((freq - 1_000.0).abs() <= 2.0, "{from}->{to}: {freq} Hz");

        let gain_db = 20.0 * (rms(middle(output.samples())) / (0.5 / 2.0_f64.sqrt())).log10();
        assert!(gain_db.abs() < 0.5, "{from}->{to}: gain {gain_db} dB");

        // Time-aligned: the output follows sin(2π f k / to) from its very first frame.
        let reference = sine(to, 1_000.0, 0.5, output.samples().len());
        let error = middle(output.samples())
            .iter()
            .zip(middle(&reference))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0_f32, f32::max);
        assert!(error < 0.01, "{from}->{to}: off the ideal sine by {error}");
    }

    #[test]
    fn sine_22050_to_48000() {
        check_sine_conversion(22_050, 48_000, 22_050 * 7 / 10 + 13);
    }

    #[test]
    fn sine_24000_to_48000() {
        check_sine_conversion(24_000, 48_000, 24_000 / 2 + 1);
    }

    #[test]
    fn sine_48000_to_44100() {
        check_sine_conversion(48_000, 44_100, 48_000 * 6 / 10 + 7);
    }

    #[test]
    fn sine_16000_to_24000() {
        check_sine_conversion(16_000, 24_000, 8_000);
    }

    #[test]
    fn odd_ratio_goes_through_the_sinc_resampler() {
        assert!(44_101 / gcd(44_101, 48_000) > MAX_FFT_RATIO_TERM);
        check_sine_conversion(44_101, 48_000, 30_011);
    }

    #[test]
    fn an_impulse_stays_where_it_was() {
        for (from, to) in [
            (22_050, 48_000),
            (48_000, 44_100),
            (24_000, 48_000),
            (16_000, 22_050),
            (44_101, 48_000),
            (48_000, 44_101),
        ] {
            let mut samples = vec![0.0; from as usize / 2];
            let at = from as usize / 4;
            samples[at] = 1.0;
            let output = convert(Clip::new(spec(from, 1), samples), spec(to, 1));
            let peak_at = output
                .samples()
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(i, _)| i)
                .unwrap();
            let expected = at as f64 * f64::from(to) / f64::from(from);
            assert!(
                (peak_at as f64 - expected).abs() <= 1.0,
                "{from}->{to}: impulse at {peak_at}, expected {expected}"
            );
        }
    }

    #[test]
    fn stereo_to_mono_averages() {
        let clip = Clip::new(spec(24_000, 2), vec![0.5, 0.25, -1.0, 1.0, 0.2, 0.0]);
        let mono = convert(clip, spec(24_000, 1));
        assert_eq!(mono.samples(), &[0.375, 0.0, 0.1]);
    }

    #[test]
    fn mono_to_stereo_duplicates() {
        let clip = Clip::new(spec(24_000, 1), vec![0.5, -0.25]);
        let stereo = convert(clip, spec(24_000, 2));
        assert_eq!(stereo.samples(), &[0.5, 0.5, -0.25, -0.25]);
    }

    #[test]
    fn other_channel_counts() {
        let quad = Clip::new(spec(8_000, 4), vec![0.1, 0.2, 0.3, 0.4]);
        assert_eq!(convert(quad, spec(8_000, 2)).samples(), &[0.2, 0.3]);
        let stereo = Clip::new(spec(8_000, 2), vec![0.1, 0.2]);
        assert_eq!(convert(stereo, spec(8_000, 3)).samples(), &[0.1, 0.2, 0.1]);
    }

    #[test]
    fn stereo_44100_to_mono_48000() {
        let frames = 44_100 / 2;
        let left = sine(44_100, 1_000.0, 0.5, frames);
        let interleaved: Vec<f32> = left.iter().flat_map(|&s| [s, s]).collect();
        let output = convert(Clip::new(spec(44_100, 2), interleaved), spec(48_000, 1));
        assert_eq!(output.frames(), Frames(24_000));
        let freq = measured_frequency(middle(output.samples()), 48_000);
        assert!((freq - 1_000.0).abs() <= 2.0, "{freq}");
        let gain_db = 20.0 * (rms(middle(output.samples())) / (0.5 / 2.0_f64.sqrt())).log10();
        assert!(gain_db.abs() < 0.5, "{gain_db}");
    }

    #[test]
    fn mono_24000_to_stereo_48000() {
        let output = convert(
            Clip::new(spec(24_000, 1), sine(24_000, 1_000.0, 0.5, 2_400)),
            spec(48_000, 2),
        );
        assert_eq!(output.frames(), Frames(4_800));
        let frames: Vec<&[f32]> = output.samples().chunks_exact(2).collect();
        assert!(frames.iter().all(|f| f[0] == f[1]));
    }

    #[test]
    fn identity_empty_and_degenerate() {
        let clip = Clip::new(spec(24_000, 1), vec![0.1, 0.2, 0.3]);
        assert_eq!(convert(clip.clone(), spec(24_000, 1)), clip);
        let empty = convert(Clip::new(spec(22_050, 1), vec![]), spec(48_000, 2));
        assert_eq!(empty.spec(), spec(48_000, 2));
        assert!(empty.is_empty());
        assert!(convert(clip.clone(), spec(0, 1)).is_empty());
        assert!(convert(Clip::new(spec(0, 1), vec![0.5]), spec(48_000, 1)).is_empty());
        // A handful of frames still comes out at the right length.
        let short = convert(clip, spec(48_000, 1));
        assert_eq!(short.frames(), Frames(6));
    }

    #[test]
    fn linear_fallback_interpolates() {
        let out = linear(&[&[0.0, 1.0, 0.0]], 1, 2, 6);
        assert_eq!(out, vec![vec![0.0, 0.5, 1.0, 0.5, 0.0, 0.0]]);
    }
}
