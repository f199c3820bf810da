//! audio: tidy a clip's edges before assembly: cut the leading and trailing silence TTS
//! engines pad their output with, and fade in and out so joins do not click.

use std::f32::consts::PI;
use std::time::Duration;

use crate::audio::{Clip, Frames};

/// How `trim_silence` tells sound from silence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrimOptions {
    /// Sound is anything within this many dB of the clip's peak...
    pub threshold_below_peak_db: f32,
    /// ...but never quieter than this absolute level, so a quiet clip's noise floor is
    /// not mistaken for speech.
    pub floor_dbfs: f32,
    /// Margin left before the first and after the last sound, so soft onsets and
    /// decays survive.
    pub keep: Duration,
}

impl Default for TrimOptions {
    fn default() -> Self {
        TrimOptions {
            threshold_below_peak_db: 40.0,
            floor_dbfs: -60.0,
            keep: Duration::from_millis(10),
        }
    }
}

/// Level is measured as RMS over windows this long: long enough that isolated noise
/// spikes do not count as sound, short enough to place edges precisely.
const WINDOW: Duration = Duration::from_millis(5);

/// Cuts leading and trailing silence from `clip`, keeping `opts.keep` of margin.
///
/// A window counts as sound when its RMS reaches the threshold; within the first and
/// last such windows the edge is then placed at the first (last) sample reaching it,
/// so the cut is sample-accurate for sharp onsets. A wholly silent clip becomes empty.
pub fn trim_silence(clip: &Clip, opts: &TrimOptions) -> Clip {
    let channels = usize::from(clip.spec().channels);
    let kept = speech_span(clip, opts)
        .and_then(|span| {
            clip.samples()
                .get(span.start * channels..span.end * channels)
        })
        .unwrap_or_default();
    Clip::new(clip.spec(), kept.to_vec())
}

/// [`trim_silence`] in place: the clip's buffer is cut down, not copied (a
/// four-minute answer would otherwise be held twice).
pub fn trim_silence_in_place(clip: &mut Clip, opts: &TrimOptions) {
    let span = speech_span(clip, opts).unwrap_or(0..0);
    clip.keep_frames(span);
}

/// The frames [`trim_silence`] keeps; `None` when it keeps nothing.
fn speech_span(clip: &Clip, opts: &TrimOptions) -> Option<std::ops::Range<usize>> {
    let spec = clip.spec();
    let channels = usize::from(spec.channels);
    let samples = clip.samples();
    let frames = samples.len().checked_div(channels).unwrap_or(0);
    let peak = clip.peak();
    // `peak` is never NaN: `f32::max` skips NaN samples.
    if frames == 0 || peak <= 0.0 {
        return None;
    }
    let frame = |i: usize| &samples[i * channels..(i + 1) * channels];
    let threshold_db = (20.0 * peak.log10() - opts.threshold_below_peak_db).max(opts.floor_dbfs);
    let threshold = 10.0_f32.powf(threshold_db / 20.0);

    let window = usize::try_from(Frames::from_duration(WINDOW, spec.sample_rate).0)
        .unwrap_or(usize::MAX)
        .clamp(1, frames);
    // Running sums of per-frame mean square, the last `window + 1` of them in a
    // ring: a window's energy is the difference of two, in O(1) and in memory
    // that does not grow with the clip.
    let threshold_energy = f64::from(threshold).powi(2) * window as f64;
    let mut sums = vec![0.0_f64; window + 1];
    let mut total = 0.0;
    let (mut first, mut last) = (None, None);
    // `at` is `end % (window + 1)`, kept without dividing.
    let mut at = 0;
    for end in 1..=frames {
        let energy = match frame(end - 1) {
            [s] => f64::from(*s).powi(2),
            f => f.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / channels as f64,
        };
        total += energy;
        at = if at == window { 0 } else { at + 1 };
        sums[at] = total;
        // The sum `window` frames back sits in the next slot of the ring.
        if end >= window && total - sums[if at == window { 0 } else { at + 1 }] >= threshold_energy
        {
            let start = end - window;
            first.get_or_insert(start);
            last = Some(start);
        }
    }
    let (first, last) = (first?, last?);

    let reaches = |i: &usize| *i < frames && frame(*i).iter().any(|s| s.abs() >= threshold);
    let start = (first..first + window).find(reaches).unwrap_or(first);
    let end = (last..last + window)
        .rev()
        .find(reaches)
        .unwrap_or(last + window - 1);

    let keep =
        usize::try_from(Frames::from_duration(opts.keep, spec.sample_rate).0).unwrap_or(usize::MAX);
    let from = start.saturating_sub(keep);
    let to = end.saturating_add(1).saturating_add(keep).min(frames);
    Some(from..to)
}

/// Fades the first and last `fade` of `clip` in and out with a raised cosine, which
/// has no corner at either end of the ramp. The fade is clamped to half the clip.
pub fn fade_edges(clip: &mut Clip, fade: Duration) {
    let spec = clip.spec();
    let channels = usize::from(spec.channels);
    if channels == 0 {
        return;
    }
    let frames = usize::try_from(clip.frames().0).unwrap_or(usize::MAX);
    let len = usize::try_from(Frames::from_duration(fade, spec.sample_rate).0)
        .unwrap_or(usize::MAX)
        .min(frames / 2);
    if len == 0 {
        return;
    }
    let gain = |i: usize| 0.5 - 0.5 * (PI * i as f32 / len as f32).cos();
    let samples = clip.samples_mut();
    for (i, frame) in samples.chunks_exact_mut(channels).take(len).enumerate() {
        frame.iter_mut().for_each(|s| *s *= gain(i));
    }
    for (i, frame) in samples
        .chunks_exact_mut(channels)
        .rev()
        .take(len)
        .enumerate()
    {
        frame.iter_mut().for_each(|s| *s *= gain(i));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSpec;
    use std::f64::consts::TAU;

    const RATE: u32 = 22_050;
    const MONO: AudioSpec = AudioSpec {
        sample_rate: RATE,
        channels: 1,
    };

    fn frames(ms: u64) -> usize {
        Frames::from_duration(Duration::from_millis(ms), RATE).0 as usize
    }

    /// Deterministic uniform noise at `dbfs` RMS.
    fn noise(len: usize, dbfs: f64, seed: u64) -> Vec<f32> {
        let amplitude = 10.0_f64.powf(dbfs / 20.0) * 3.0_f64.sqrt();
        let mut state = seed | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let unit = (state >> 11) as f64 / (1_u64 << 53) as f64;
                (amplitude * (2.0 * unit - 1.0)) as f32
            })
            .collect()
    }

    /// 300 ms of -70 dBFS noise, a 500 ms 1 kHz tone at half scale over the noise,
    /// 300 ms of noise.
    fn padded_tone() -> Vec<f32> {
        let (pad, tone) = (frames(300), frames(500));
        let mut samples = noise(pad * 2 + tone, -70.0, 7);
        for (i, s) in samples[pad..pad + tone].iter_mut().enumerate() {
            *s += (0.5 * (TAU * 1_000.0 * i as f64 / f64::from(RATE)).sin()) as f32;
        }
        samples
    }

    fn ms(frames: usize) -> f64 {
        frames as f64 * 1_000.0 / f64::from(RATE)
    }

    #[test]
    fn trims_a_padded_tone_to_its_length() {
        let clip = Clip::new(MONO, padded_tone());
        let no_margin = TrimOptions {
            keep: Duration::ZERO,
            ..TrimOptions::default()
        };
        let trimmed = trim_silence(&clip, &no_margin);
        let length = ms(trimmed.frames().0 as usize);
        assert!((length - 500.0).abs() <= 2.0, "{length} ms");
        // The cut lands on the tone's onset: its first sample is a zero crossing lost in
        // the noise, so the first kept sample is the tone's first or second.
        let start = clip
            .samples()
            .windows(trimmed.samples().len())
            .position(|w| w == trimmed.samples())
            .unwrap();
        assert!(
            (frames(300)..=frames(300) + 1).contains(&start),
            "starts at {start}"
        );

        let trimmed = trim_silence(&clip, &TrimOptions::default());
        let length = ms(trimmed.frames().0 as usize);
        assert!((length - 520.0).abs() <= 2.0, "{length} ms");
    }

    #[test]
    fn trims_stereo_by_the_loudest_channel() {
        let tone = padded_tone();
        let quiet = noise(tone.len(), -70.0, 99);
        let interleaved: Vec<f32> = quiet
            .iter()
            .zip(&tone)
            .flat_map(|(&l, &r)| [l, r])
            .collect();
        let clip = Clip::new(
            AudioSpec {
                sample_rate: RATE,
                channels: 2,
            },
            interleaved,
        );
        let trimmed = trim_silence(&clip, &TrimOptions::default());
        assert_eq!(trimmed.spec().channels, 2);
        let length = ms(trimmed.frames().0 as usize);
        assert!((length - 520.0).abs() <= 2.0, "{length} ms");
    }

    #[test]
    fn a_silent_clip_becomes_empty() {
        let zeros = Clip::silence(MONO, Frames(10_000));
        assert!(trim_silence(&zeros, &TrimOptions::default()).is_empty());
        // Noise alone never reaches the -60 dBFS floor, however close to its own peak.
        let hiss = Clip::new(MONO, noise(10_000, -70.0, 3));
        assert!(trim_silence(&hiss, &TrimOptions::default()).is_empty());
        assert!(trim_silence(&Clip::new(MONO, vec![]), &TrimOptions::default()).is_empty());
    }

    #[test]
    fn a_clip_that_is_all_sound_is_kept_whole() {
        let clip = Clip::new(MONO, vec![0.5; 1_000]);
        assert_eq!(trim_silence(&clip, &TrimOptions::default()), clip);
        let mut in_place = clip.clone();
        trim_silence_in_place(&mut in_place, &TrimOptions::default());
        assert_eq!(in_place, clip);
        let tiny = Clip::new(MONO, vec![0.5]);
        assert_eq!(trim_silence(&tiny, &TrimOptions::default()), tiny);
    }

    #[test]
    fn fade_is_a_raised_cosine() {
        let mut clip = Clip::new(MONO, vec![1.0; frames(1_000)]);
        fade_edges(&mut clip, Duration::from_millis(20));
        let s = clip.samples();
        let len = frames(20);
        assert_eq!(s[0], 0.0);
        assert_eq!(s[s.len() - 1], 0.0);
        assert!((s[len / 2] - 0.5).abs() < 5e-3, "{}", s[len / 2]);
        assert!(s[..len].windows(2).all(|w| w[0] <= w[1]));
        assert!(s[len..s.len() - len].iter().all(|&x| x == 1.0));
        assert!((s[len - 1] - 1.0).abs() < 1e-3);
    }

    #[test]
    fn fade_is_clamped_to_half_the_clip() {
        let mut clip = Clip::new(
            AudioSpec {
                sample_rate: 1_000,
                channels: 2,
            },
            vec![1.0; 20],
        );
        fade_edges(&mut clip, Duration::from_secs(5));
        let s = clip.samples();
        assert_eq!(&s[..2], &[0.0, 0.0]);
        assert_eq!(&s[18..], &[0.0, 0.0]);
        // Symmetric, and the middle frames are almost at full gain.
        for i in 0..10 {
            assert_eq!(s[i], s[19 - i]);
        }
        assert!(s[8] > 0.9);

        let mut one = Clip::new(MONO, vec![1.0]);
        fade_edges(&mut one, Duration::from_millis(10));
        assert_eq!(one.samples(), &[1.0]);
    }
}
