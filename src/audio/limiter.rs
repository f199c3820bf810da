//! audio: limiter — a lookahead true-peak limiter, the last step of loudness
//! normalisation, so that no inter-sample peak of the finished bulletin passes the
//! ceiling.
//!
//! How it works, per frame:
//! 1. A 4× polyphase interpolator estimates the true peak around the frame; it uses the
//!    same 48-tap windowed sinc as the `ebur128` meter, so the limiter and the meter that
//!    checks it agree on what a true peak is.
//! 2. The gain that peak needs is held for the lookahead plus the interpolator's span,
//!    released exponentially, and smoothed by a moving average as long as the
//!    lookahead: the gain is already down when the peak arrives (a linear attack ramp)
//!    and flat over every sample the peak's interpolation depends on.
//! 3. The audio is delayed by the lookahead so the gain lines up with it; `flush` pushes
//!    the delayed tail out, so output length equals input length and sample `n` out is
//!    sample `n` in, scaled.
//!
//! Where nothing exceeds the ceiling the gain is exactly 1.0 and samples pass unchanged.

use std::collections::VecDeque;
use std::f64::consts::PI;
use std::time::Duration;

use crate::audio::{AudioSpec, Frames};

/// Interpolation factor and filter length of the true-peak estimate (as in `ebur128`).
const FACTOR: usize = 4;
const TAPS: usize = 48;
const PHASE_TAPS: usize = TAPS / FACTOR;
/// Input samples by which the interpolator's output lags its input.
const INTERP_DELAY: usize = PHASE_TAPS / 2;
/// Samples either side of a peak over which the gain is held flat: the interpolator's
/// span, so that the peak between two samples scales exactly with the gain.
const HOLD_SPAN: usize = PHASE_TAPS;

/// Default lookahead: long enough for a gentle attack on speech, short enough that
/// the limiter adds no audible latency to anything.
pub const DEFAULT_LOOKAHEAD: Duration = Duration::from_millis(5);
/// Default release time constant: slow enough not to distort low voices, fast enough
/// that one loud syllable does not duck the next word (no pumping).
pub const DEFAULT_RELEASE: Duration = Duration::from_millis(100);
/// The limiter aims this far below the ceiling, for float rounding in the gain path and
/// for meters whose interpolators differ from ours (ffmpeg oversamples with its own
/// resampler), and for the rounding of a 16- or 24-bit file.
const SAFETY_MARGIN_DB: f64 = 0.1;
/// A release this close to unity snaps to exactly 1.0, so audio after a peak returns
/// to passing through bit-exact.
const UNITY_SNAP: f64 = 1e-6;

/// A streaming lookahead true-peak limiter for interleaved `f32` audio.
///
/// All channels share one gain, so the stereo image does not wander.
#[derive(Debug, Clone)]
pub struct Limiter {
    spec: AudioSpec,
    channels: usize,
    ceiling: f64,
    /// Below this absolute sample value no interpolated point can reach the ceiling, so
    /// quiet passages skip the interpolator.
    quiet_below: f64,
    /// Steps until the last sample above `quiet_below` leaves the interpolator.
    hot: usize,
    delay: usize,
    release_coef: f64,
    /// Polyphase coefficients, `[tap][phase]`.
    filter: [[f64; FACTOR]; PHASE_TAPS],
    /// Per channel, the last `PHASE_TAPS` inputs, newest first.
    history: Vec<[f64; PHASE_TAPS]>,
    /// Sliding minimum of the needed gain (below 1) over the hold window: (step, gain).
    hold: VecDeque<(u64, f64)>,
    hold_len: u64,
    release: f64,
    /// Ring of the released gain reductions (1 - gain) of the last `attack` steps.
    ramp: Vec<f64>,
    ramp_at: usize,
    ramp_sum: f64,
    ramp_nonzero: usize,
    /// Ring of the last `delay` input frames, interleaved; `delay_at` is the oldest.
    delayed: Vec<f32>,
    delay_at: usize,
    /// How many frames in `delayed` are real input (the rest is the initial zeros).
    delay_filled: usize,
    /// Samples of an incomplete frame left over from the last `process` call.
    partial: Vec<f32>,
    step: u64,
    min_gain: f64,
    /// The largest true peak estimated at the input: every frame that could
    /// need limiting is estimated, so once anything was limited this is the
    /// input's true peak.
    max_peak: f64,
    /// Off in tests, to check the fast path against the frame-by-frame one.
    #[cfg(test)]
    fast_path: bool,
}

impl Limiter {
    /// A limiter holding true peaks at or below `ceiling_dbtp`, with the default 5 ms
    /// lookahead and 100 ms release.
    pub fn new(spec: AudioSpec, ceiling_dbtp: f64) -> Limiter {
        Limiter::with_timing(spec, ceiling_dbtp, DEFAULT_LOOKAHEAD, DEFAULT_RELEASE)
    }

    /// A limiter with explicit lookahead (attack ramp) and release time constant. A
    /// non-finite ceiling means 0 dBTP.
    pub fn with_timing(
        spec: AudioSpec,
        ceiling_dbtp: f64,
        lookahead: Duration,
        release: Duration,
    ) -> Limiter {
        let rate = spec.sample_rate.max(1);
        let attack = usize::try_from(Frames::from_duration(lookahead, rate).0)
            .unwrap_or(usize::MAX)
            .clamp(1, 1 << 20);
        let release_frames = release.as_secs_f64() * f64::from(rate);
        let release_coef = if release_frames > 0.0 {
            (-1.0 / release_frames).exp()
        } else {
            0.0
        };
        let ceiling_dbtp = if ceiling_dbtp.is_finite() {
            ceiling_dbtp
        } else {
            0.0
        };
        let ceiling = db_to_gain(ceiling_dbtp - SAFETY_MARGIN_DB);
        let filter = interpolation_filter();
        let gain_bound = (0..FACTOR)
            .map(|k| filter.iter().map(|taps| taps[k].abs()).sum::<f64>())
            .fold(1.0, f64::max);
        let channels = usize::from(spec.channels);
        let delay = attack + HOLD_SPAN + INTERP_DELAY;
        Limiter {
            spec,
            channels,
            ceiling,
            quiet_below: ceiling / gain_bound,
            hot: 0,
            delay,
            release_coef,
            filter,
            history: vec![[0.0; PHASE_TAPS]; channels],
            hold: VecDeque::new(),
            hold_len: (attack + 2 * HOLD_SPAN + 1) as u64,
            release: 1.0,
            ramp: vec![0.0; attack],
            ramp_at: 0,
            ramp_sum: 0.0,
            ramp_nonzero: 0,
            delayed: vec![0.0; delay * channels],
            delay_at: 0,
            delay_filled: 0,
            partial: Vec::new(),
            step: 0,
            min_gain: 1.0,
            max_peak: 0.0,
            #[cfg(test)]
            fast_path: true,
        }
    }

    pub fn spec(&self) -> AudioSpec {
        self.spec
    }

    /// How many frames the output lags the input inside `process`; `flush` returns them.
    pub fn latency(&self) -> Frames {
        Frames(self.delay as u64)
    }

    /// The deepest gain reduction applied so far, in dB (0 when nothing was limited).
    pub fn max_reduction_db(&self) -> f64 {
        -gain_to_db(self.min_gain)
    }

    /// The input's largest true peak so far (dBTP), when something was limited
    /// (and so every candidate peak was estimated); `None` otherwise, when the
    /// output is the input scaled and its own true peak says it.
    pub fn input_true_peak_db(&self) -> Option<f64> {
        (self.min_gain < 1.0).then(|| gain_to_db(self.max_peak))
    }

    /// Limits interleaved `input`, appending to `out` every frame whose gain is known;
    /// the last `latency()` frames wait for more input or for `flush`.
    pub fn process(&mut self, input: &[f32], out: &mut Vec<f32>) {
        if self.channels == 0 {
            // No frames exist in a channel-less stream; pass the samples through.
            out.extend_from_slice(input);
            return;
        }
        let mut rest = input;
        if !self.partial.is_empty() {
            let need = self.channels - self.partial.len();
            let take = need.min(rest.len());
            self.partial.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.partial.len() < self.channels {
                return;
            }
            let frame = std::mem::take(&mut self.partial);
            self.push_frame(&frame, out);
        }
        let whole = rest.len() - rest.len() % self.channels;
        out.reserve(whole);
        let mut frames = &rest[..whole];
        while !frames.is_empty() {
            // Most of a programme is well under the ceiling: while nothing is being
            // limited, a run of quiet frames only passes through the delay line.
            if self.is_idle() {
                let quiet = frames
                    .chunks_exact(self.channels)
                    .take_while(|f| {
                        f.iter()
                            .all(|&s| f64::from(finite(s)).abs() <= self.quiet_below)
                    })
                    .count();
                if quiet > 0 {
                    let (run, later) = frames.split_at(quiet * self.channels);
                    self.pass_quiet(run, out);
                    frames = later;
                    continue;
                }
            }
            let (frame, later) = frames.split_at(self.channels);
            self.push_frame(frame, out);
            frames = later;
        }
        self.partial.extend_from_slice(&rest[whole..]);
    }

    /// Nothing held, releasing or ramping, and no loud sample in the interpolator:
    /// a quiet frame now would come out at exactly unity gain.
    fn is_idle(&self) -> bool {
        #[cfg(test)]
        if !self.fast_path {
            return false;
        }
        self.hot == 0 && self.hold.is_empty() && self.release == 1.0 && self.ramp_nonzero == 0
    }

    /// What `push_frame` does for frames that are all at or under `quiet_below`
    /// while idle (unity gain, no interpolation), for a whole run at once.
    fn pass_quiet(&mut self, run: &[f32], out: &mut Vec<f32>) {
        let ch = self.channels;
        let mut rest = run;
        // Until the delay line is full nothing comes out: frame by frame.
        while self.delay_filled < self.delay && !rest.is_empty() {
            let at = self.delay_at * ch;
            for (d, &s) in self.delayed[at..at + ch].iter_mut().zip(&rest[..ch]) {
                *d = finite(s);
            }
            self.delay_filled += 1;
            self.delay_at = (self.delay_at + 1) % self.delay;
            rest = &rest[ch..];
        }
        // Then each sample out is the ring's oldest, replaced by one coming in:
        // whole stretches of the ring at a time.
        let ring = self.delay * ch;
        let mut pos = self.delay_at * ch;
        while !rest.is_empty() {
            let take = rest.len().min(ring - pos);
            out.extend_from_slice(&self.delayed[pos..pos + take]);
            for (d, &s) in self.delayed[pos..pos + take].iter_mut().zip(&rest[..take]) {
                *d = finite(s);
            }
            rest = &rest[take..];
            pos = (pos + take) % ring;
        }
        self.delay_at = pos / ch;
        // The interpolator's history: the newest frames, newest first.
        let frames = run.len() / ch;
        for (c, history) in self.history.iter_mut().enumerate() {
            let keep = PHASE_TAPS.saturating_sub(frames);
            history.copy_within(..keep, PHASE_TAPS - keep);
            for (k, slot) in history.iter_mut().take(PHASE_TAPS - keep).enumerate() {
                *slot = f64::from(finite(run[(frames - 1 - k) * ch + c]));
            }
        }
        self.step += frames as u64;
        // In `smooth`, unity with an empty ring leaves the sum at exactly zero.
        self.ramp_sum = 0.0;
    }

    /// Emits the frames still held back by the lookahead and resets the limiter for a
    /// new stream. An incomplete trailing frame is dropped.
    pub fn flush(&mut self, out: &mut Vec<f32>) {
        if self.channels > 0 {
            let zeros = vec![0.0; self.channels];
            // Frames pushed now are silence after the end; the real ones come out first.
            let mut real = self.delay_filled;
            while real > 0 {
                if self.push_frame(&zeros, out) {
                    real -= 1;
                }
            }
        }
        self.reset();
    }

    /// Forgets the stream (but not `max_reduction_db`).
    fn reset(&mut self) {
        self.hot = 0;
        self.history.iter_mut().for_each(|h| *h = [0.0; PHASE_TAPS]);
        self.hold.clear();
        self.release = 1.0;
        self.ramp.iter_mut().for_each(|r| *r = 0.0);
        self.ramp_at = 0;
        self.ramp_sum = 0.0;
        self.ramp_nonzero = 0;
        self.delayed.iter_mut().for_each(|s| *s = 0.0);
        self.delay_at = 0;
        self.delay_filled = 0;
        self.partial.clear();
        self.step = 0;
    }

    /// Runs one frame through; returns whether a delayed frame came out.
    fn push_frame(&mut self, frame: &[f32], out: &mut Vec<f32>) -> bool {
        let peak = self.true_peak_estimate(frame);
        self.max_peak = self.max_peak.max(peak);
        let needed = if peak > self.ceiling {
            self.ceiling / peak
        } else {
            1.0
        };
        let gain = self.smooth(needed);
        self.min_gain = self.min_gain.min(gain);

        let at = self.delay_at * self.channels;
        let slot = &mut self.delayed[at..at + self.channels];
        let emitted = self.delay_filled == self.delay;
        if emitted {
            if gain == 1.0 {
                out.extend_from_slice(slot);
            } else {
                out.extend(slot.iter().map(|&s| (f64::from(s) * gain) as f32));
            }
        } else {
            self.delay_filled += 1;
        }
        for (d, &s) in slot.iter_mut().zip(frame) {
            *d = finite(s);
        }
        self.delay_at += 1;
        if self.delay_at == self.delay {
            self.delay_at = 0;
        }
        emitted
    }

    /// The largest absolute value among this frame's samples and the interpolated
    /// points between it and its neighbours, over all channels.
    fn true_peak_estimate(&mut self, frame: &[f32]) -> f64 {
        let mut loud = false;
        for (history, &s) in self.history.iter_mut().zip(frame) {
            let s = f64::from(finite(s));
            history.copy_within(..PHASE_TAPS - 1, 1);
            history[0] = s;
            loud |= s.abs() > self.quiet_below;
        }
        if loud {
            self.hot = PHASE_TAPS;
        } else if self.hot == 0 {
            return 0.0;
        } else {
            self.hot -= 1;
        }
        let mut peak = 0.0_f64;
        // Written out by hand: this is the limiter's inner loop, and unoptimised (debug)
        // builds do not flatten iterator chains.
        for history in &self.history {
            let (mut p0, mut p1, mut p2, mut p3) = (0.0, 0.0, 0.0, 0.0);
            for (x, taps) in history.iter().zip(&self.filter) {
                p0 += x * taps[0];
                p1 += x * taps[1];
                p2 += x * taps[2];
                p3 += x * taps[3];
            }
            peak = peak.max(p0.abs()).max(p1.abs()).max(p2.abs()).max(p3.abs());
        }
        peak
    }

    /// Hold (sliding minimum), release, then the attack ramp (moving average).
    fn smooth(&mut self, needed: f64) -> f64 {
        let step = self.step;
        self.step += 1;
        if needed < 1.0 {
            while self.hold.back().is_some_and(|&(_, g)| g >= needed) {
                self.hold.pop_back();
            }
            self.hold.push_back((step, needed));
        }
        while self
            .hold
            .front()
            .is_some_and(|&(s, _)| s + self.hold_len <= step)
        {
            self.hold.pop_front();
        }
        let held = self.hold.front().map_or(1.0, |&(_, g)| g);
        if held == 1.0 && self.release == 1.0 && self.ramp_nonzero == 0 {
            // Nothing to limit, nothing in the ramp: exactly unity. The ramp ring is all
            // zeros, so where it starts does not matter.
            self.ramp_sum = 0.0;
            return 1.0;
        }

        self.release = if held < self.release {
            held
        } else {
            held + (self.release - held) * self.release_coef
        };
        if self.release > 1.0 - UNITY_SNAP {
            self.release = 1.0;
        }

        let reduction = 1.0 - self.release;
        let old = std::mem::replace(&mut self.ramp[self.ramp_at], reduction);
        self.ramp_at += 1;
        if self.ramp_at == self.ramp.len() {
            self.ramp_at = 0;
        }
        self.ramp_sum += reduction - old;
        self.ramp_nonzero =
            self.ramp_nonzero + usize::from(reduction != 0.0) - usize::from(old != 0.0);
        if self.ramp_nonzero == 0 {
            // Exactly unity, not 1 - (rounding residue): untouched audio stays bit-exact.
            self.ramp_sum = 0.0;
            return 1.0;
        }
        // Rounding in the running sum can leave it a hair below zero.
        let avg = (self.ramp_sum / self.ramp.len() as f64).max(0.0);
        (1.0 - avg).clamp(0.0, 1.0)
    }
}

/// The polyphase coefficients of `ebur128`'s true-peak interpolator: a Hann-windowed
/// sinc over 48 taps at 4×, laid out `[tap][phase]`.
fn interpolation_filter() -> [[f64; FACTOR]; PHASE_TAPS] {
    let mut filter = [[0.0; FACTOR]; PHASE_TAPS];
    let window = TAPS as f64;
    for (j, coeff) in filter.iter_mut().flat_map(|t| t.iter_mut()).enumerate() {
        let j = j as f64;
        let w = 0.5 * (1.0 - (2.0 * PI * j / window).cos());
        let m = j - window / 2.0;
        *coeff = if m.abs() > 1e-6 {
            let x = m * PI / FACTOR as f64;
            w * x.sin() / x
        } else {
            w
        };
    }
    filter
}

fn finite(s: f32) -> f32 {
    if s.is_finite() {
        s
    } else {
        0.0
    }
}

pub(crate) fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

pub(crate) fn gain_to_db(gain: f64) -> f64 {
    20.0 * gain.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONO: AudioSpec = AudioSpec {
        sample_rate: 48_000,
        channels: 1,
    };
    const STEREO: AudioSpec = AudioSpec {
        sample_rate: 44_100,
        channels: 2,
    };

    fn true_peak_dbtp(spec: AudioSpec, samples: &[f32]) -> f64 {
        let mut m = ebur128::EbuR128::new(
            u32::from(spec.channels),
            spec.sample_rate,
            ebur128::Mode::TRUE_PEAK,
        )
        .unwrap();
        m.add_frames_f32(samples).unwrap();
        (0..u32::from(spec.channels))
            .map(|c| gain_to_db(m.true_peak(c).unwrap()))
            .fold(f64::NEG_INFINITY, f64::max)
    }

    fn run(limiter: &mut Limiter, input: &[f32], chunk: usize) -> Vec<f32> {
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            limiter.process(piece, &mut out);
        }
        limiter.flush(&mut out);
        out
    }

    fn sine(spec: AudioSpec, freq: f64, amp: f64, secs: f64) -> Vec<f32> {
        let frames = (secs * f64::from(spec.sample_rate)) as usize;
        (0..frames)
            .flat_map(|n| {
                let v = amp * (2.0 * PI * freq * n as f64 / f64::from(spec.sample_rate)).sin();
                std::iter::repeat_n(v as f32, usize::from(spec.channels))
            })
            .collect()
    }

    #[test]
    fn quiet_signal_passes_bit_exact_and_aligned() {
        let input = sine(MONO, 440.0, 0.5, 1.0);
        let mut limiter = Limiter::new(MONO, -1.0);
        let out = run(&mut limiter, &input, 777);
        assert_eq!(out, input);
        assert_eq!(limiter.max_reduction_db(), 0.0);
    }

    #[test]
    fn full_scale_burst_comes_out_under_the_ceiling() {
        // Quiet tone, a 0 dBFS burst with inter-sample overs (fs/4 at 45° phase), quiet again.
        let mut input = sine(STEREO, 300.0, 0.1, 0.5);
        let burst: Vec<f32> = (0..4410)
            .flat_map(|n| {
                let v = (PI / 2.0 * n as f64 + PI / 4.0).sin() / (PI / 4.0).sin();
                [v as f32, (v * 0.7) as f32]
            })
            .collect();
        input.extend(&burst);
        input.extend(sine(STEREO, 300.0, 0.1, 2.0));
        assert!(true_peak_dbtp(STEREO, &input) > 2.5, "the burst has overs");

        let mut limiter = Limiter::new(STEREO, -1.0);
        let out = run(&mut limiter, &input, 1000);
        assert_eq!(out.len(), input.len());
        let tp = true_peak_dbtp(STEREO, &out);
        assert!(tp <= -1.0, "true peak {tp:.3} dBTP");
        // Before the attack ramp and after the release, the tone is untouched.
        assert_eq!(out[..10_000], input[..10_000]);
        let tail = out.len() - 20_000;
        assert_eq!(out[tail..], input[tail..]);
    }

    #[test]
    fn output_length_equals_input_for_any_chunking() {
        let input = sine(STEREO, 1000.0, 1.5, 0.05);
        for chunk in [1, 3, 64, 100_000] {
            let mut limiter = Limiter::new(STEREO, -1.0);
            let out = run(&mut limiter, &input, chunk);
            assert_eq!(out.len(), input.len(), "chunk {chunk}");
        }
        // Shorter than the lookahead, and empty.
        let mut limiter = Limiter::new(MONO, -1.0);
        assert_eq!(run(&mut limiter, &[0.9, -0.9, 0.9], 2).len(), 3);
        assert!(run(&mut limiter, &[], 1).is_empty());
    }

    #[test]
    fn the_quiet_fast_path_is_sample_identical_to_frame_by_frame() {
        // Speech-like bursts: quiet stretches, and peaks far over the ceiling.
        for spec in [MONO, STEREO] {
            let mut input = sine(spec, 220.0, 0.7, 0.05);
            input.extend(sine(spec, 997.0, 0.4, 1.6));
            input.extend(vec![0.0; 4_000 * usize::from(spec.channels)]);
            input.extend(sine(spec, 330.0, 0.5, 0.3));
            input.extend(sine(spec, 660.0, 0.3, 1.2));
            let mut fast = Limiter::new(spec, -1.0);
            let mut slow = Limiter::new(spec, -1.0);
            slow.fast_path = false;
            for chunk in [5usize, 999, input.len()] {
                assert_eq!(run(&mut fast, &input, chunk), run(&mut slow, &input, chunk));
            }
        }
    }

    #[test]
    fn chunking_does_not_change_the_result() {
        let input = sine(STEREO, 997.0, 1.2, 0.2);
        let whole = run(&mut Limiter::new(STEREO, -1.0), &input, input.len());
        let bits = run(&mut Limiter::new(STEREO, -1.0), &input, 7);
        assert_eq!(whole, bits);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_input_keeps_length_and_stays_under_the_ceiling(
            input in proptest::collection::vec(-4.0f32..4.0, 0..3_000),
            chunk in 1usize..500,
            stereo in proptest::bool::ANY,
        ) {
            let spec = if stereo { STEREO } else { MONO };
            let mut limiter = Limiter::new(spec, -1.0);
            let out = run(&mut limiter, &input, chunk);
            let whole = input.len() - input.len() % usize::from(spec.channels);
            proptest::prop_assert_eq!(out.len(), whole);
            let ceiling = db_to_gain(-1.0) as f32;
            proptest::prop_assert!(out.iter().all(|s| s.abs() <= ceiling));
        }
    }

    #[test]
    fn garbage_input_does_not_panic() {
        let mut limiter = Limiter::new(MONO, f64::NAN);
        let out = run(
            &mut limiter,
            &[f32::NAN, f32::INFINITY, 1e30, -1e30, 0.0],
            2,
        );
        assert_eq!(out.len(), 5);
        assert!(out.iter().all(|s| s.is_finite() && s.abs() <= 1.0));
        let none = AudioSpec {
            sample_rate: 0,
            channels: 0,
        };
        assert_eq!(run(&mut Limiter::new(none, -1.0), &[0.5], 1), vec![0.5]);
    }
}
