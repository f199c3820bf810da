//! audio: loudness — EBU R128 measurement (integrated, range, true peak) with our
//! one-read meter (`bs1770`; `ebur128` measures clips under one gating block and is
//! the reference in the tests), per-clip levelling so voices match at joins, and normalisation of the
//! assembled bulletin to a target with a true-peak limiter.
//!
//! Silence is a measurement, not an error: loudness figures of silent or too-short
//! audio are `f64::NEG_INFINITY` (and the range 0), never NaN. Use
//! [`Loudness::integrated`] and friends for an `Option` of the finite figures.

use std::fmt;
use std::time::Duration;

use ebur128::{EbuR128, Mode};

use super::bs1770::{Bs1770, Figures};

use super::limiter::{db_to_gain, gain_to_db};
use crate::audio::{AudioSpec, Clip};

/// The length of one BS.1770 gating block: shorter clips have no gated loudness.
const GATING_BLOCK: Duration = Duration::from_millis(400);
/// The absolute gate of BS.1770: anything quieter is silence, and is never amplified.
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
/// The most `level_clip` will raise or lower a clip: a whisper-quiet or broken clip is
/// not blown up into noise, and a clipped one not crushed.
pub const MAX_CLIP_GAIN_DB: f64 = 20.0;

/// EBU R128 figures of a programme or clip.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Loudness {
    /// Gated integrated loudness (LUFS); `NEG_INFINITY` when no 400 ms block rises above
    /// the absolute gate: silence, or audio shorter than 400 ms.
    pub integrated_lufs: f64,
    /// Loudness range (LU, EBU Tech 3342); 0 when there is too little (about 3 s of
    /// non-silent) audio to have a range.
    pub range_lu: f64,
    /// Maximum true peak over all channels (dBTP, 4× oversampled); `NEG_INFINITY` for
    /// digital silence.
    pub true_peak_dbtp: f64,
    /// Highest momentary (400 ms) loudness, sampled every 100 ms; `NEG_INFINITY` under
    /// 400 ms or for silence.
    pub max_momentary_lufs: f64,
    /// Highest short-term (3 s) loudness, sampled every 100 ms; `NEG_INFINITY` under 3 s
    /// or for silence.
    pub max_short_term_lufs: f64,
}

impl Loudness {
    /// The loudness figures of `loudness` with the true peak of `peak`: the
    /// two halves of [`Meter::split`].
    pub fn merge(loudness: Loudness, peak: Loudness) -> Loudness {
        Loudness {
            true_peak_dbtp: peak.true_peak_dbtp,
            ..loudness
        }
    }

    /// The figures of silence (or of no audio at all).
    pub const SILENCE: Loudness = Loudness {
        integrated_lufs: f64::NEG_INFINITY,
        range_lu: 0.0,
        true_peak_dbtp: f64::NEG_INFINITY,
        max_momentary_lufs: f64::NEG_INFINITY,
        max_short_term_lufs: f64::NEG_INFINITY,
    };

    /// Whether there was programme to measure (integrated loudness is finite).
    pub fn has_programme(&self) -> bool {
        self.integrated_lufs.is_finite()
    }

    pub fn integrated(&self) -> Option<f64> {
        finite(self.integrated_lufs)
    }

    /// The loudness range, when there was programme to measure.
    pub fn range(&self) -> Option<f64> {
        self.has_programme().then_some(self.range_lu)
    }

    pub fn true_peak(&self) -> Option<f64> {
        finite(self.true_peak_dbtp)
    }

    pub fn max_momentary(&self) -> Option<f64> {
        finite(self.max_momentary_lufs)
    }

    pub fn max_short_term(&self) -> Option<f64> {
        finite(self.max_short_term_lufs)
    }
}

impl fmt::Display for Loudness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.1} LUFS integrated, {:.1} LU range, {:.1} dBTP true peak",
            self.integrated_lufs, self.range_lu, self.true_peak_dbtp
        )
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// What the finished bulletin should measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoudnessTarget {
    pub integrated_lufs: f64,
    pub true_peak_dbtp: f64,
}

impl LoudnessTarget {
    /// EBU R128 broadcast: -23 LUFS, -1 dBTP.
    pub fn broadcast() -> LoudnessTarget {
        LoudnessTarget {
            integrated_lufs: -23.0,
            true_peak_dbtp: -1.0,
        }
    }

    /// Podcast and streaming delivery: -16 LUFS, -1 dBTP.
    pub fn podcast() -> LoudnessTarget {
        LoudnessTarget {
            integrated_lufs: -16.0,
            true_peak_dbtp: -1.0,
        }
    }
}

/// A streaming loudness meter: feed interleaved samples in pieces of any size.
pub struct Meter {
    /// `None` for a spec no meter can describe (no channels, absurd rate): it measures
    /// silence.
    inner: Option<Bs1770>,
    channels: usize,
    partial: Vec<f32>,
}

impl Meter {
    /// Every figure: integrated, range, true peak, momentary and short-term maxima.
    pub fn new(spec: AudioSpec) -> Meter {
        Meter::with(
            spec,
            Figures {
                loudness: true,
                range: true,
                maxima: true,
                true_peak: true,
            },
        )
    }

    /// Integrated loudness only: no range (0), no true peak and no maxima
    /// (`NEG_INFINITY`), at a fraction of the cost, for a measurement whose gain
    /// is all that is needed.
    pub fn integrated(spec: AudioSpec) -> Meter {
        Meter::with(
            spec,
            Figures {
                loudness: true,
                range: false,
                maxima: false,
                true_peak: false,
            },
        )
    }

    /// The figures of [`Meter::new`] from two meters that can run on two
    /// threads: loudness (integrated, range, maxima) and true peak. Join their
    /// results with [`Loudness::merge`].
    pub fn split(spec: AudioSpec) -> (Meter, Meter) {
        let all = Figures {
            loudness: true,
            range: true,
            maxima: true,
            true_peak: false,
        };
        let peak = Figures {
            loudness: false,
            range: false,
            maxima: false,
            true_peak: true,
        };
        (Meter::with(spec, all), Meter::with(spec, peak))
    }

    fn with(spec: AudioSpec, figures: Figures) -> Meter {
        let channels = usize::from(spec.channels);
        let inner = spec
            .implausibility()
            .is_none()
            .then(|| Bs1770::new(channels, spec.sample_rate, figures))
            .flatten();
        Meter {
            channels: if inner.is_some() { channels } else { 0 },
            inner,
            partial: Vec::new(),
        }
    }

    /// Adds interleaved samples. A trailing partial frame waits for the next call;
    /// non-finite samples count as silence.
    pub fn add(&mut self, samples: &[f32]) {
        let Some(inner) = self.inner.as_mut() else {
            return;
        };
        let channels = self.channels;
        let mut rest = samples;
        if !self.partial.is_empty() {
            let take = (channels - self.partial.len()).min(rest.len());
            self.partial.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.partial.len() < channels {
                return;
            }
            inner.add(&self.partial);
            self.partial.clear();
        }
        let whole = rest.len() - rest.len() % channels;
        inner.add(&rest[..whole]);
        self.partial.extend_from_slice(&rest[whole..]);
    }

    /// The figures for everything added.
    pub fn finish(self) -> Loudness {
        let Some(inner) = self.inner else {
            return Loudness::SILENCE;
        };
        let peak = inner.true_peak();
        Loudness {
            integrated_lufs: inner.integrated(),
            range_lu: inner.range(),
            true_peak_dbtp: if peak > 0.0 {
                gain_to_db(peak)
            } else {
                f64::NEG_INFINITY
            },
            max_momentary_lufs: inner.max_momentary(),
            max_short_term_lufs: inner.max_short_term(),
        }
    }
}

fn silence_for_nan(x: f64) -> f64 {
    if x.is_nan() {
        f64::NEG_INFINITY
    } else {
        x
    }
}

/// Measures a whole clip (tests; the program meters streams with [`Meter`]).
#[cfg(test)]
pub fn measure(clip: &Clip) -> Loudness {
    let mut meter = Meter::new(clip.spec());
    meter.add(clip.samples());
    meter.finish()
}

/// How `level_clip` measured a clip, and what it did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClipLevel {
    /// The clip's loudness before levelling (LUFS), by `method`.
    pub measured_lufs: f64,
    /// The gain applied (dB); 0 when untouched.
    pub gain_db: f64,
    pub method: LevelMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelMethod {
    /// Gated integrated loudness: clips of 400 ms and more.
    Gated,
    /// Ungated K-weighted loudness over the whole clip: clips under 400 ms, which have no
    /// gating block. Such clips are expected to have been trimmed of silence first
    /// (`trim_silence`), so that the whole clip is speech.
    Ungated,
    /// Silent (below the -70 LUFS absolute gate), empty, or a non-finite target: left as
    /// it was.
    Untouched,
}

/// Brings one clip (typically a sentence) to `target_lufs`, so that clips from voices
/// and backends of different loudness do not jump at the joins.
///
/// The gain is capped at ±[`MAX_CLIP_GAIN_DB`]; silence is left alone. Samples may
/// exceed full scale afterwards: `normalize` (with its limiter) is the final step.
pub fn level_clip(clip: &mut Clip, target_lufs: f64) -> ClipLevel {
    let untouched = |measured_lufs| ClipLevel {
        measured_lufs,
        gain_db: 0.0,
        method: LevelMethod::Untouched,
    };
    let gated = gated_loudness(clip);
    let (measured, method) = if gated.is_finite() {
        (gated, LevelMethod::Gated)
    } else if clip.duration() < GATING_BLOCK {
        (ungated_loudness(clip), LevelMethod::Ungated)
    } else {
        // Long enough for gating blocks, and none above the gate: silence.
        return untouched(gated);
    };
    let gain_db = level_measured(clip, measured, target_lufs);
    if gain_db == 0.0
        && (!target_lufs.is_finite() || !measured.is_finite() || measured < ABSOLUTE_GATE_LUFS)
    {
        return untouched(measured);
    }
    ClipLevel {
        measured_lufs: measured,
        gain_db,
        method,
    }
}

/// Brings a clip whose loudness was already measured (`measured_lufs`, as
/// [`speech_loudness`] gives it) to `target_lufs`, within ±[`MAX_CLIP_GAIN_DB`];
/// silence and a target that is not a number leave it as it is. Returns the
/// gain applied (dB).
pub fn level_measured(clip: &mut Clip, measured_lufs: f64, target_lufs: f64) -> f64 {
    if !target_lufs.is_finite() || !measured_lufs.is_finite() || measured_lufs < ABSOLUTE_GATE_LUFS
    {
        return 0.0;
    }
    let gain_db = (target_lufs - measured_lufs).clamp(-MAX_CLIP_GAIN_DB, MAX_CLIP_GAIN_DB);
    apply_gain(clip.samples_mut(), gain_db);
    gain_db
}

/// The loudness of a clip of speech already trimmed of its edge silence:
/// gated integrated loudness (BS.1770) when it is at least one gating block
/// long, else the ungated K-weighted loudness of the whole clip. `NEG_INFINITY`
/// for silence or an empty clip.
pub fn speech_loudness(clip: &Clip) -> f64 {
    let gated = gated_loudness(clip);
    if gated.is_finite() || clip.duration() >= GATING_BLOCK {
        gated
    } else {
        ungated_loudness(clip)
    }
}

/// Gated integrated loudness alone (no peak or range work), for levelling.
fn gated_loudness(clip: &Clip) -> f64 {
    let mut meter = Meter::integrated(clip.spec());
    meter.add(clip.samples());
    meter.finish().integrated_lufs
}

fn finite_samples(clip: &Clip) -> Vec<f32> {
    clip.samples()
        .iter()
        .map(|&s| if s.is_finite() { s } else { 0.0 })
        .collect()
}

/// K-weighted loudness of the whole clip, ungated: the fallback for clips too short for
/// a gating block. `NEG_INFINITY` for silence or a clip under 1 ms.
fn ungated_loudness(clip: &Clip) -> f64 {
    let spec = clip.spec();
    let frames = clip.frames().0;
    let window_ms = frames.saturating_mul(1000) / u64::from(spec.sample_rate.max(1));
    // The meter keeps a buffer as long as the window: only short clips come here.
    let Ok(window_ms) = u32::try_from(window_ms) else {
        return f64::NEG_INFINITY;
    };
    if window_ms == 0 || u128::from(window_ms) > GATING_BLOCK.as_millis() {
        return f64::NEG_INFINITY;
    }
    let Ok(mut meter) = EbuR128::new(u32::from(spec.channels), spec.sample_rate, Mode::M) else {
        return f64::NEG_INFINITY;
    };
    if meter.set_max_window(window_ms).is_err() {
        return f64::NEG_INFINITY;
    }
    if meter.add_frames_f32(&finite_samples(clip)).is_err() {
        return f64::NEG_INFINITY;
    }
    silence_for_nan(
        meter
            .loudness_window(window_ms)
            .unwrap_or(f64::NEG_INFINITY),
    )
}

fn apply_gain(samples: &mut [f32], gain_db: f64) {
    let gain = db_to_gain(gain_db);
    for s in samples {
        *s = (f64::from(*s) * gain) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Frames;
    use std::f64::consts::PI;

    const SPEC: AudioSpec = AudioSpec {
        sample_rate: 48_000,
        channels: 1,
    };

    /// A deterministic xorshift noise source.
    struct Noise(u64);

    impl Noise {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        }
    }

    /// Speech-like: band-limited noise plus a voiced tone, modulated at a syllable rate,
    /// in "words" separated by pauses, with a few plosive clicks. Peak about `amp`.
    fn speech(spec: AudioSpec, secs: f64, amp: f64, seed: u64) -> Clip {
        let rate = f64::from(spec.sample_rate);
        let frames = (secs * rate) as usize;
        let mut noise = Noise(seed | 1);
        let (mut lp, mut lp2) = (0.0, 0.0);
        let mut samples = Vec::with_capacity(frames * usize::from(spec.channels));
        for n in 0..frames {
            let t = n as f64 / rate;
            // 0.8 s words with 0.25 s pauses.
            let in_word = (t % 1.05) < 0.8;
            let syllable = (0.5 - 0.5 * (2.0 * PI * 4.0 * t).cos()).powi(2);
            lp += 0.25 * (noise.next() - lp);
            lp2 += 0.25 * (lp - lp2);
            let voiced = (2.0 * PI * 140.0 * t).sin() * 0.6 + (2.0 * PI * 280.0 * t).sin() * 0.3;
            let mut v = if in_word {
                syllable * (voiced + 2.0 * (lp - lp2))
            } else {
                0.0
            };
            // A plosive every 1.6 s.
            if (t % 1.6) < 0.004 {
                v += 4.0 * (2.0 * PI * 2_500.0 * t).sin();
            }
            for _ in 0..spec.channels {
                samples.push((amp * v * 0.6) as f32);
            }
        }
        Clip::new(spec, samples)
    }

    #[test]
    fn silence_and_nothing_measure_as_negative_infinity() {
        for clip in [
            Clip::silence(SPEC, Frames(48_000 * 5)),
            Clip::new(SPEC, vec![]),
            Clip::new(SPEC, vec![0.5; 100]),
            Clip::new(
                AudioSpec {
                    sample_rate: 0,
                    channels: 0,
                },
                vec![0.5; 100],
            ),
        ] {
            let l = measure(&clip);
            assert_eq!(l.integrated_lufs, f64::NEG_INFINITY, "{clip:?}");
            assert!(!l.has_programme());
            assert_eq!(l.integrated(), None);
            assert!(!l.range_lu.is_nan());
        }
        let l = measure(&Clip::silence(SPEC, Frames(48_000)));
        assert_eq!(l, Loudness::SILENCE);
        let nan = measure(&Clip::new(SPEC, vec![f32::NAN; 48_000]));
        assert_eq!(nan, Loudness::SILENCE);
    }

    #[test]
    fn momentary_and_short_term_maxima_match_the_meters_own_windows() {
        // Reference: ask ebur128 for both windows at every 100 ms, as the meter once did.
        for spec in [
            AudioSpec {
                sample_rate: 48_000,
                channels: 1,
            },
            AudioSpec {
                sample_rate: 44_100,
                channels: 2,
            },
        ] {
            let frames = spec.sample_rate as usize * 9;
            let ch = usize::from(spec.channels);
            let samples: Vec<f32> = (0..frames * ch)
                .map(|i| {
                    let t = (i / ch) as f64 / f64::from(spec.sample_rate);
                    let swell = 0.05 + 0.9 * (0.5 + 0.5 * (t * 1.7).sin()).powi(3);
                    ((2.0 * PI * 440.0 * t).sin() * swell) as f32
                })
                .collect();
            let mut reference = EbuR128::new(
                u32::from(spec.channels),
                spec.sample_rate,
                Mode::I | Mode::LRA | Mode::TRUE_PEAK,
            )
            .unwrap();
            let hop = (spec.sample_rate as usize + 5) / 10;
            let (mut m, mut st) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
            for (k, block) in samples.chunks(hop * ch).enumerate() {
                reference.add_frames_f32(block).unwrap();
                if block.len() == hop * ch && k >= 3 {
                    m = m.max(reference.loudness_momentary().unwrap());
                }
                if block.len() == hop * ch && k >= 29 {
                    st = st.max(reference.loudness_shortterm().unwrap());
                }
            }
            let mut meter = Meter::new(spec);
            for chunk in samples.chunks(1237) {
                meter.add(chunk);
            }
            let l = meter.finish();
            assert!(
                (l.max_momentary_lufs - m).abs() < 1e-6,
                "{} vs {m}",
                l.max_momentary_lufs
            );
            assert!(
                (l.max_short_term_lufs - st).abs() < 1e-6,
                "{} vs {st}",
                l.max_short_term_lufs
            );
        }
    }

    /// Speech-like bursts, gaps of digital silence, an inter-sample peak (a quarter-rate
    /// sine sampled at 45 degrees) and a few non-finite samples.
    fn awkward_programme(spec: AudioSpec, secs: f64) -> Vec<f32> {
        let rate = f64::from(spec.sample_rate);
        let ch = usize::from(spec.channels);
        let frames = (secs * rate) as usize;
        let mut noise = Noise(7);
        let mut out = Vec::with_capacity(frames * ch);
        for n in 0..frames {
            let t = n as f64 / rate;
            for c in 0..ch {
                let v = if (t % 4.0) > 3.2 {
                    0.0
                } else if (6.0..6.05).contains(&t) {
                    0.8 * (PI * n as f64 / 2.0 + PI / 4.0).sin()
                } else {
                    let envelope = 0.05 + 0.6 * (0.5 + 0.5 * (t * 2.3 + c as f64).sin()).powi(4);
                    envelope * ((2.0 * PI * 180.0 * t).sin() * 0.6 + 0.4 * noise.next())
                };
                out.push(v as f32);
            }
        }
        for i in [1000, 1001, frames * ch / 2] {
            if let Some(s) = out.get_mut(i) {
                *s = if i % 2 == 0 { f32::NAN } else { f32::INFINITY };
            }
        }
        out
    }

    #[test]
    fn the_meter_agrees_with_ebur128() {
        let specs = [
            (48_000, 1),
            (44_100, 2),
            (8_000, 1),
            (96_000, 1),
            (192_000, 1),
            (48_000, 4),
            (48_000, 5),
            (48_000, 6),
        ];
        for (sample_rate, channels) in specs {
            let spec = AudioSpec {
                sample_rate,
                channels,
            };
            let samples = awkward_programme(spec, 10.0);
            let finite: Vec<f32> = samples
                .iter()
                .map(|&s| if s.is_finite() { s } else { 0.0 })
                .collect();
            let mut reference = EbuR128::new(
                u32::from(channels),
                sample_rate,
                Mode::I | Mode::LRA | Mode::TRUE_PEAK,
            )
            .unwrap();
            reference.add_frames_f32(&finite).unwrap();
            let integrated = reference.loudness_global().unwrap();
            let range = reference.loudness_range().unwrap();
            let peak = (0..u32::from(channels))
                .map(|c| reference.true_peak(c).unwrap())
                .fold(0.0, f64::max);
            // Frame by frame too where it is quick enough (the rest would take minutes
            // without optimisation).
            let pieces: &[usize] = if sample_rate * u32::from(channels) <= 8_000 {
                &[1, 441, 4800, usize::MAX]
            } else {
                &[4801, usize::MAX]
            };
            for &chunk in pieces {
                let mut meter = Meter::new(spec);
                let (mut loudness, mut peaks) = Meter::split(spec);
                for piece in samples.chunks(chunk.min(samples.len())) {
                    meter.add(piece);
                    loudness.add(piece);
                    peaks.add(piece);
                }
                let split = Loudness::merge(loudness.finish(), peaks.finish());
                for got in [meter.finish(), split] {
                    let at = format!("{sample_rate} Hz, {channels} channels, pieces of {chunk}");
                    assert!(
                        (got.integrated_lufs - integrated).abs() < 1e-6,
                        "{at}: {got} vs {integrated}"
                    );
                    assert!(
                        (got.range_lu - range).abs() < 1e-6,
                        "{at}: {got} vs {range}"
                    );
                    let want = gain_to_db(peak);
                    assert!(
                        (got.true_peak_dbtp - want).abs() < 1e-6,
                        "{at}: {got} vs {want}"
                    );
                }
            }
            // The inter-sample peak is above every sample, and it was found.
            let sample_peak = finite.iter().fold(0.0_f32, |m, s| m.max(s.abs()));
            if sample_rate < 192_000 {
                assert!(
                    peak > f64::from(sample_peak) * 1.05,
                    "{sample_rate}: {peak} vs {sample_peak}"
                );
            }
        }
    }

    #[test]
    fn gated_loudness_of_a_clip_agrees_with_ebur128() {
        for (sample_rate, channels) in [(22_050, 1), (48_000, 2)] {
            let spec = AudioSpec {
                sample_rate,
                channels,
            };
            let clip = speech(spec, 2.5, 0.3, 11);
            let mut reference = EbuR128::new(u32::from(channels), sample_rate, Mode::I).unwrap();
            reference.add_frames_f32(clip.samples()).unwrap();
            let want = reference.loudness_global().unwrap();
            assert!((speech_loudness(&clip) - want).abs() < 1e-6);
        }
    }

    #[test]
    fn a_full_scale_sine_measures_as_the_standard_says() {
        // A 997 Hz sine at 0 dBFS in one channel of stereo reads -3.01 LUFS (BS.1770).
        let spec = AudioSpec {
            sample_rate: 48_000,
            channels: 2,
        };
        let samples: Vec<f32> = (0..48_000 * 5)
            .flat_map(|n| [(2.0 * PI * 997.0 * n as f64 / 48_000.0).sin() as f32, 0.0])
            .collect();
        let l = measure(&Clip::new(spec, samples));
        assert!((l.integrated_lufs + 3.01).abs() < 0.05, "{l}");
        assert!(l.true_peak_dbtp.abs() < 0.1, "{l}");
        assert!((l.max_momentary_lufs + 3.01).abs() < 0.05, "{l}");
        assert!((l.max_short_term_lufs + 3.01).abs() < 0.05, "{l}");
        assert!(l.range_lu < 0.1, "{l}");
    }

    #[test]
    fn the_meter_gives_the_same_figures_in_any_chunking() {
        let clip = speech(SPEC, 4.0, 0.3, 7);
        let whole = measure(&clip);
        let mut meter = Meter::new(SPEC);
        for piece in clip.samples().chunks(997) {
            meter.add(piece);
        }
        assert_eq!(meter.finish(), whole);
    }

    #[test]
    fn levelling_brings_different_voices_together() {
        let loud = speech(SPEC, 3.0, 0.5, 1);
        let quiet = speech(SPEC, 3.0, 0.5 / 3.981, 2); // 12 dB down
        let before = (measure(&loud), measure(&quiet));
        let jump = before.0.integrated_lufs - before.1.integrated_lufs;
        assert!((jump - 12.0).abs() < 0.5, "{jump}");
        for mut clip in [loud, quiet] {
            let level = level_clip(&mut clip, -20.0);
            assert_eq!(level.method, LevelMethod::Gated);
            let l = measure(&clip).integrated_lufs;
            assert!((l + 20.0).abs() < 0.1, "{l}");
        }
    }

    #[test]
    fn short_clips_are_levelled_ungated() {
        // 300 ms: no gating block.
        let mut clip = speech(SPEC, 0.3, 0.2, 3);
        assert!(!measure(&clip).has_programme());
        let level = level_clip(&mut clip, -20.0);
        assert_eq!(level.method, LevelMethod::Ungated);
        assert!(level.gain_db > 0.0 && level.gain_db < MAX_CLIP_GAIN_DB);
        let after = ungated_loudness(&clip);
        assert!((after + 20.0).abs() < 0.1, "{after}");
    }

    #[test]
    fn near_silence_is_not_blown_up() {
        let mut hiss = speech(SPEC, 2.0, 1e-4, 4);
        let level = level_clip(&mut hiss, -23.0);
        assert_eq!(level.method, LevelMethod::Untouched);
        assert_eq!(level.gain_db, 0.0);
        // Quiet but real speech gets at most the cap.
        let mut faint = speech(SPEC, 2.0, 0.003, 5);
        let level = level_clip(&mut faint, -23.0);
        assert_eq!(level.gain_db, MAX_CLIP_GAIN_DB);
        // Silence, and a target that is not a number.
        let mut silent = Clip::silence(SPEC, Frames(4_800));
        assert_eq!(
            level_clip(&mut silent, -23.0).method,
            LevelMethod::Untouched
        );
        let mut clip = speech(SPEC, 1.0, 0.5, 6);
        let copy = clip.clone();
        level_clip(&mut clip, f64::NAN);
        assert_eq!(clip, copy);
    }
}
