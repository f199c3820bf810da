//! audio: loudness — EBU R128 measurement (integrated, range, true peak) with the
//! `ebur128` crate, per-clip levelling so voices match at joins, and normalisation of the
//! assembled bulletin to a target with a true-peak limiter.
//!
//! Silence is a measurement, not an error: loudness figures of silent or too-short
//! audio are `f64::NEG_INFINITY` (and the range 0), never NaN. Use
//! [`Loudness::integrated`] and friends for an `Option` of the finite figures.

use std::fmt;
use std::time::Duration;

use ebur128::{EbuR128, Mode};

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
    inner: Option<EbuR128>,
    channels: usize,
    /// Frames per 100 ms, the meter's block hop (as `ebur128` rounds it).
    hop: usize,
    frames_in_hop: usize,
    hops: u64,
    partial: Vec<f32>,
    scratch: Vec<f32>,
    /// Mean-square energy of each of the last 30 100-ms blocks, oldest first:
    /// momentary loudness is the mean of the last 4, short-term of all 30
    /// (BS.1770 windows of equal blocks), so neither window is summed again at
    /// every hop.
    blocks: std::collections::VecDeque<f64>,
    max_momentary: f64,
    max_short_term: f64,
    /// Whether the momentary and short-term maxima are sampled.
    maxima: bool,
}

impl Meter {
    /// Every figure: integrated, range, true peak, momentary and short-term maxima.
    pub fn new(spec: AudioSpec) -> Meter {
        Meter::with_mode(spec, Mode::I | Mode::LRA | Mode::TRUE_PEAK, true)
    }

    /// Integrated loudness only: no range (0), no true peak and no maxima
    /// (`NEG_INFINITY`), at a fraction of the cost, for a measurement whose gain
    /// is all that is needed.
    pub fn integrated(spec: AudioSpec) -> Meter {
        Meter::with_mode(spec, Mode::I, false)
    }

    /// The figures of [`Meter::new`] from two meters that can run on two
    /// threads: loudness (integrated, range, maxima) and true peak. Join their
    /// results with [`Loudness::merge`].
    pub fn split(spec: AudioSpec) -> (Meter, Meter) {
        (
            Meter::with_mode(spec, Mode::I | Mode::LRA, true),
            Meter::with_mode(spec, Mode::TRUE_PEAK, false),
        )
    }

    fn with_mode(spec: AudioSpec, mode: Mode, maxima: bool) -> Meter {
        let inner = EbuR128::new(u32::from(spec.channels), spec.sample_rate, mode).ok();
        Meter {
            channels: if inner.is_some() {
                usize::from(spec.channels)
            } else {
                0
            },
            inner,
            hop: ((spec.sample_rate as usize + 5) / 10).max(1),
            frames_in_hop: 0,
            hops: 0,
            partial: Vec::new(),
            scratch: Vec::new(),
            blocks: std::collections::VecDeque::with_capacity(31),
            max_momentary: f64::NEG_INFINITY,
            max_short_term: f64::NEG_INFINITY,
            maxima,
        }
    }

    /// Adds interleaved samples. A trailing partial frame waits for the next call;
    /// non-finite samples count as silence.
    pub fn add(&mut self, samples: &[f32]) {
        if self.inner.is_none() {
            return;
        }
        let channels = self.channels;
        let mut rest = samples;
        if !self.partial.is_empty() {
            let take = (channels - self.partial.len()).min(rest.len());
            self.partial.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.partial.len() < channels {
                return;
            }
            let frame = std::mem::take(&mut self.partial);
            self.add_frames(&frame);
        }
        let whole = rest.len() - rest.len() % channels;
        self.add_frames(&rest[..whole]);
        self.partial.extend_from_slice(&rest[whole..]);
    }

    /// Feeds whole frames, stopping at every 100 ms boundary to sample the momentary and
    /// short-term loudness for their maxima.
    fn add_frames(&mut self, mut frames: &[f32]) {
        let channels = self.channels;
        if !self.maxima {
            self.scratch.clear();
            self.scratch
                .extend(frames.iter().map(|&s| if s.is_finite() { s } else { 0.0 }));
            if let Some(inner) = self.inner.as_mut() {
                let _ = inner.add_frames_f32(&self.scratch);
            }
            return;
        }
        while !frames.is_empty() {
            let take = (self.hop - self.frames_in_hop).min(frames.len() / channels);
            if take == 0 {
                break;
            }
            let (now, later) = frames.split_at(take * channels);
            frames = later;
            self.scratch.clear();
            self.scratch
                .extend(now.iter().map(|&s| if s.is_finite() { s } else { 0.0 }));
            let Some(inner) = self.inner.as_mut() else {
                return;
            };
            // Cannot fail: whole frames, and the mode includes every figure asked for.
            let _ = inner.add_frames_f32(&self.scratch);
            self.frames_in_hop += take;
            if self.frames_in_hop == self.hop {
                self.frames_in_hop = 0;
                self.hops += 1;
                let block = inner.loudness_window(100).unwrap_or(f64::NEG_INFINITY);
                let energy = if block.is_finite() {
                    10f64.powf((block + 0.691) / 10.0)
                } else {
                    0.0
                };
                if self.blocks.len() == 30 {
                    self.blocks.pop_front();
                }
                self.blocks.push_back(energy);
                let loudness = |e: f64| {
                    if e > 0.0 {
                        -0.691 + 10.0 * e.log10()
                    } else {
                        f64::NEG_INFINITY
                    }
                };
                if self.hops >= 4 {
                    let m: f64 = self.blocks.iter().rev().take(4).sum::<f64>() / 4.0;
                    self.max_momentary = self.max_momentary.max(loudness(m));
                }
                if self.hops >= 30 {
                    let s: f64 = self.blocks.iter().sum::<f64>() / 30.0;
                    self.max_short_term = self.max_short_term.max(loudness(s));
                }
            }
        }
    }

    /// The figures for everything added.
    pub fn finish(self) -> Loudness {
        let Some(inner) = self.inner else {
            return Loudness::SILENCE;
        };
        let integrated = inner.loudness_global().unwrap_or(f64::NEG_INFINITY);
        let range = inner.loudness_range().unwrap_or(0.0);
        let peak = (0..inner.channels())
            .filter_map(|c| inner.true_peak(c).ok())
            .fold(0.0_f64, f64::max);
        Loudness {
            integrated_lufs: silence_for_nan(integrated),
            range_lu: if range.is_finite() { range } else { 0.0 },
            true_peak_dbtp: silence_for_nan(gain_to_db(peak)),
            max_momentary_lufs: silence_for_nan(self.max_momentary),
            max_short_term_lufs: silence_for_nan(self.max_short_term),
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
    let spec = clip.spec();
    let Ok(mut meter) = EbuR128::new(u32::from(spec.channels), spec.sample_rate, Mode::I) else {
        return f64::NEG_INFINITY;
    };
    if meter.add_frames_f32(&finite_samples(clip)).is_err() {
        return f64::NEG_INFINITY;
    }
    silence_for_nan(meter.loudness_global().unwrap_or(f64::NEG_INFINITY))
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
