//! audio: bs1770 — the ITU-R BS.1770-4 / EBU R128 / EBU Tech 3342 meter itself,
//! reading every sample once.
//!
//! - K-weighting: the two BS.1770 filters as one 4th-order recursive filter per
//!   channel, with the coefficients `ebur128` and libebur128 derive for any rate.
//! - Energy: each 100 ms block's weighted sum of squares. The 400 ms gating and
//!   momentary windows and the 3 s short-term window are equal runs of those
//!   blocks, so they are sums of 4 or 30 numbers rather than of 19,200 or 144,000
//!   samples (the `ebur128` crate sums every window again from its samples).
//! - Integrated loudness and loudness range gate those windows exactly as
//!   `ebur128`'s queue mode does (absolute gate -70 LUFS, relative -10 LU for
//!   integrated and -20 LU for range, range from the 10th to the 95th percentile
//!   of 3 s windows taken every second).
//! - True peak: the same 4× (2× from 96 kHz) Hann-windowed sinc interpolator as
//!   `ebur128`, summed in the same order in `f32`, evaluated only where it can
//!   matter: an interpolated point is a weighted sum of a few neighbouring samples,
//!   so it is bounded by their largest magnitude and their steepest step. A run of
//!   32 points whose bound is below the highest peak found so far is skipped, and
//!   speech at broadcast level is mostly such runs.
//!
//! The tests in `loudness.rs` hold this meter to `ebur128` on the same audio.

use std::f64::consts::PI;

/// BS.1770 energy of the absolute gate, -70 LUFS (as `ebur128` tabulates it).
const ABSOLUTE_GATE_ENERGY: f64 = 1.172_465_304_582_298e-7;
/// A filter state smaller than this is zero: digital silence after sound would
/// otherwise decay into subnormal numbers, which are a hundred times slower.
/// Flushed at every block; no real signal comes near it.
const FLUSH_BELOW: f64 = 1e-30;

/// Energy to loudness (LUFS), as BS.1770 defines it.
pub(crate) fn energy_to_loudness(energy: f64) -> f64 {
    if energy > 0.0 {
        10.0 * energy.log10() - 0.691
    } else {
        f64::NEG_INFINITY
    }
}

/// Which figures a [`Bs1770`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Figures {
    /// Integrated loudness (and the maxima, when `maxima`).
    pub loudness: bool,
    /// The short-term windows of the loudness range.
    pub range: bool,
    /// The momentary and short-term maxima, sampled every 100 ms.
    pub maxima: bool,
    pub true_peak: bool,
}

/// The K-weighting filter of one channel: BS.1770's high shelf and high pass as one
/// direct-form-II filter of order 4.
#[derive(Debug, Clone)]
struct KWeighting {
    b: [f64; 5],
    a: [f64; 5],
    /// w[n-1] .. w[n-4].
    state: [f64; 4],
    /// Sum of the squared outputs since the block began, added in sample order.
    acc: f64,
}

impl KWeighting {
    #[allow(non_snake_case)]
    fn new(rate: f64) -> KWeighting {
        // The analogue prototypes of BS.1770, as libebur128 fits them.
        let f0 = 1_681.974_450_955_533;
        let G = 3.999_843_853_973_347;
        let Q = 0.707_175_236_955_419_6;
        let K = (PI * f0 / rate).tan();
        let Vh = 10f64.powf(G / 20.0);
        let Vb = Vh.powf(0.499_666_774_154_541_6);
        let a0 = 1.0 + K / Q + K * K;
        let pb = [
            (Vh + Vb * K / Q + K * K) / a0,
            2.0 * (K * K - Vh) / a0,
            (Vh - Vb * K / Q + K * K) / a0,
        ];
        let pa = [1.0, 2.0 * (K * K - 1.0) / a0, (1.0 - K / Q + K * K) / a0];

        let f0 = 38.135_470_876_024_44;
        let Q = 0.500_327_037_323_877_3;
        let K = (PI * f0 / rate).tan();
        let rb = [1.0, -2.0, 1.0];
        let ra = [
            1.0,
            2.0 * (K * K - 1.0) / (1.0 + K / Q + K * K),
            (1.0 - K / Q + K * K) / (1.0 + K / Q + K * K),
        ];
        let product = |p: [f64; 3], r: [f64; 3]| {
            [
                p[0] * r[0],
                p[0] * r[1] + p[1] * r[0],
                p[0] * r[2] + p[1] * r[1] + p[2] * r[0],
                p[1] * r[2] + p[2] * r[1],
                p[2] * r[2],
            ]
        };
        KWeighting {
            b: product(pb, rb),
            a: product(pa, ra),
            state: [0.0; 4],
            acc: 0.0,
        }
    }

    /// Filters channel `channel` of the interleaved `frames`, adding the squared
    /// outputs to `acc`. Non-finite samples count as silence.
    ///
    /// Two samples a step: the second is written in terms of the state before the
    /// first (the recursion substituted into itself), so the two recursions overlap
    /// instead of each waiting on the last; the filter is the same, up to rounding.
    /// The caller keeps the pairs at the same places in every block whatever the
    /// pieces it was given, so that the figures do not depend on them: an odd frame
    /// comes last only at the end of a block.
    fn filter(&mut self, frames: &[f32], channels: usize, channel: usize) {
        let finite = |s: f32| if s.is_finite() { f64::from(s) } else { 0.0 };
        let [b0, b1, b2, b3, b4] = self.b;
        let [_, a1, a2, a3, a4] = self.a;
        let (d2, d3, d4, d5) = (a1 * a1 - a2, a1 * a2 - a3, a1 * a3 - a4, a1 * a4);
        let [mut w1, mut w2, mut w3, mut w4] = self.state;
        let mut sum = self.acc;
        let mut pairs = frames.chunks_exact(2 * channels);
        for pair in &mut pairs {
            let x0 = finite(pair[channel]);
            let x1 = finite(pair[channels + channel]);
            let w0 = (x0 - a4 * w4 - a3 * w3) - (a2 * w2 + a1 * w1);
            let wn = (x1 - a1 * x0 + d5 * w4 + d4 * w3) + (d3 * w2 + d2 * w1);
            let y0 = b0 * w0 + b1 * w1 + b2 * w2 + b3 * w3 + b4 * w4;
            let y1 = b0 * wn + b1 * w0 + b2 * w1 + b3 * w2 + b4 * w3;
            sum += y0 * y0 + y1 * y1;
            (w4, w3, w2, w1) = (w2, w1, w0, wn);
        }
        if let Some(frame) = pairs.remainder().get(..channels) {
            let x = finite(frame[channel]);
            let w0 = (x - a4 * w4 - a3 * w3) - (a2 * w2 + a1 * w1);
            let y = b0 * w0 + b1 * w1 + b2 * w2 + b3 * w3 + b4 * w4;
            sum += y * y;
            (w4, w3, w2, w1) = (w3, w2, w1, w0);
        }
        self.acc = sum;
        self.state = [w1, w2, w3, w4].map(|w| if w.abs() < FLUSH_BELOW { 0.0 } else { w });
    }

    /// The block's sum of squares, starting the next block at zero.
    fn take_block(&mut self) -> f64 {
        std::mem::take(&mut self.acc)
    }
}

/// Filters every weighted channel of `frames`.
fn filter_all(filters: &mut [KWeighting], weights: &[f64], channels: usize, frames: &[f32]) {
    for (c, (filter, weight)) in filters.iter_mut().zip(weights).enumerate() {
        if *weight != 0.0 {
            filter.filter(frames, channels, c);
        }
    }
}

/// BS.1770's weight of channel `c` of `channels` in `ebur128`'s default layout
/// (L R C LFE Ls Rs; four channels are L R Ls Rs, five L R C Ls Rs).
fn channel_weight(c: usize, channels: usize) -> f64 {
    let surround = 1.41;
    match channels {
        4 => [1.0, 1.0, surround, surround][c],
        5 => [1.0, 1.0, 1.0, surround, surround][c],
        _ => [1.0, 1.0, 1.0, 0.0, surround, surround]
            .get(c)
            .copied()
            .unwrap_or(0.0),
    }
}

/// The true-peak interpolator of one channel: `FACTOR` phases of `TAPS` taps each,
/// with the peak found so far.
#[derive(Debug, Clone)]
struct Interpolator<const FACTOR: usize, const TAPS: usize> {
    /// `[tap][phase]`, `f32` as in `ebur128`, whose order of summation this keeps.
    coeffs: [[f32; FACTOR]; TAPS],
    /// The inputs of this channel, oldest first: between scans the last `TAPS - 1`
    /// (zeros at the start, as in `ebur128`), during one the new ones after them.
    history: Vec<f32>,
    /// No interpolated point exceeds `level * M + slope * D` (see `new`).
    level: f32,
    slope: f32,
    peak: f32,
}

impl<const FACTOR: usize, const TAPS: usize> Interpolator<FACTOR, TAPS> {
    fn new() -> Self {
        // A Hann-windowed sinc over 48 taps, as `ebur128` builds it.
        let window = (FACTOR * TAPS) as f64;
        let mut coeffs = [[0.0_f32; FACTOR]; TAPS];
        for (j, c) in coeffs.iter_mut().flat_map(|t| t.iter_mut()).enumerate() {
            let j = j as f64;
            let w = 0.5 * (1.0 - (2.0 * PI * j / window).cos());
            let m = j - window / 2.0;
            let x = m * PI / FACTOR as f64;
            *c = (if m.abs() > 1e-6 { w * x.sin() / x } else { w }) as f32;
        }
        // A point of phase p is S_p x_r + sum_t c_t (x_t - x_r) for any tap r, and
        // |x_t - x_r| <= |t - r| D for D the largest step between neighbours, so
        // |point| <= |S_p| M + W_p D with M the largest |x| (r chosen to make W_p least).
        let (mut level, mut slope) = (0.0_f64, 0.0_f64);
        for p in 0..FACTOR {
            let sum: f64 = coeffs.iter().map(|t| f64::from(t[p])).sum();
            let spread = (0..TAPS)
                .map(|r| {
                    (0..TAPS)
                        .map(|t| f64::from(coeffs[t][p].abs()) * t.abs_diff(r) as f64)
                        .sum::<f64>()
                })
                .fold(f64::INFINITY, f64::min);
            level = level.max(sum.abs());
            slope = slope.max(spread);
        }
        // Room for the f32 rounding of the sums.
        let margin = 1.0001;
        Interpolator {
            coeffs,
            history: vec![0.0; TAPS - 1],
            level: (level * margin) as f32,
            slope: (slope * margin) as f32,
            peak: 0.0,
        }
    }

    /// Scans one channel of interleaved `frames` in blocks of [`BLOCK`] positions:
    /// a block whose loudest sample and steepest step bound every point in it below
    /// the peak so far (or `floor`, a sample peak already known) is skipped; the rest is
    /// interpolated as a FIR over contiguous samples, which the compiler turns into
    /// vector code (each point still sums its taps in `ebur128`'s order).
    fn scan(&mut self, frames: &[f32], channels: usize, channel: usize, floor: f32) {
        // `history` holds the last TAPS - 1 inputs (oldest first) before the new ones.
        self.history.truncate(TAPS - 1);
        let finite = |&s: &f32| if s.is_finite() { s } else { 0.0 };
        if channels == 1 {
            self.history.extend(frames.iter().map(finite));
        } else {
            let samples = frames.iter().skip(channel).step_by(channels);
            self.history.extend(samples.map(finite));
        }
        let xs = &self.history;
        let positions = xs.len() - (TAPS - 1);
        let mut acc = [[0.0_f32; BLOCK]; FACTOR];
        let mut start = 0;
        while start < positions {
            let n = BLOCK.min(positions - start);
            // Output position i reads xs[i .. i + TAPS], newest (tap 0) last.
            let inputs = &xs[start..start + n + TAPS - 1];
            let loudest = inputs.iter().fold(0.0_f32, |m, x| m.max(x.abs()));
            let steepest = inputs
                .windows(2)
                .fold(0.0_f32, |m, w| m.max((w[1] - w[0]).abs()));
            if loudest * self.level + steepest * self.slope > self.peak.max(floor) {
                for row in acc.iter_mut() {
                    row[..n].fill(0.0);
                }
                for (t, taps) in self.coeffs.iter().enumerate() {
                    let x = &inputs[TAPS - 1 - t..TAPS - 1 - t + n];
                    // Phase 0 is the sample itself (its centre tap is exactly 1, the
                    // others sin(k pi), nothing): the sample peak stands for it.
                    for (row, &c) in acc.iter_mut().zip(taps).skip(1) {
                        for (a, &v) in row[..n].iter_mut().zip(x) {
                            *a += v * c;
                        }
                    }
                }
                for row in &acc {
                    self.peak = row[..n].iter().fold(self.peak, |m, a| m.max(a.abs()));
                }
            }
            start += n;
        }
        let keep = self.history.len() - (TAPS - 1);
        self.history.drain(..keep);
    }
}

/// Interpolated positions per block of the true-peak scan.
const BLOCK: usize = 32;

/// The interpolator for a rate: 4× below 96 kHz, 2× below 192 kHz, none from there
/// (where the sample peak is the true peak), as in `ebur128`.
#[derive(Debug, Clone)]
enum PeakScanner {
    Four(Interpolator<4, 12>),
    Two(Interpolator<2, 24>),
}

impl PeakScanner {
    fn new(rate: u32) -> Option<PeakScanner> {
        match rate {
            0..96_000 => Some(PeakScanner::Four(Interpolator::new())),
            96_000..192_000 => Some(PeakScanner::Two(Interpolator::new())),
            _ => None,
        }
    }

    fn scan(&mut self, frames: &[f32], channels: usize, channel: usize, floor: f32) {
        match self {
            PeakScanner::Four(i) => i.scan(frames, channels, channel, floor),
            PeakScanner::Two(i) => i.scan(frames, channels, channel, floor),
        }
    }

    fn peak(&self) -> f32 {
        match self {
            PeakScanner::Four(i) => i.peak,
            PeakScanner::Two(i) => i.peak,
        }
    }
}

/// A streaming BS.1770 meter over interleaved `f32` frames.
#[derive(Debug, Clone)]
pub(crate) struct Bs1770 {
    figures: Figures,
    channels: usize,
    weights: Vec<f64>,
    filters: Vec<KWeighting>,
    peaks: Vec<PeakScanner>,
    /// The highest sample of any channel.
    sample_peak: f32,
    /// Frames per 100 ms block (as `ebur128` rounds it).
    hop: usize,
    frames_in_hop: usize,
    /// A frame held back so that the filter's pairs keep their places in the block.
    held: Vec<f32>,
    hops: u64,
    /// Weighted sums of squares of the last 30 blocks, a ring at `recent_at`.
    recent: [f64; 30],
    recent_at: usize,
    /// Energies of the 400 ms gating blocks above the absolute gate.
    gating: Vec<f64>,
    /// Energies of the 3 s windows of the range, every second, above the absolute gate.
    short_term: Vec<f64>,
    max_momentary: f64,
    max_short_term: f64,
}

impl Bs1770 {
    /// `None` for no channels or a rate of zero.
    pub(crate) fn new(channels: usize, rate: u32, figures: Figures) -> Option<Bs1770> {
        if channels == 0 || rate == 0 {
            return None;
        }
        let loudness = figures.loudness || figures.range || figures.maxima;
        let peaks = if figures.true_peak {
            PeakScanner::new(rate).map_or_else(Vec::new, |p| vec![p; channels])
        } else {
            Vec::new()
        };
        Some(Bs1770 {
            figures,
            channels,
            weights: (0..channels).map(|c| channel_weight(c, channels)).collect(),
            filters: if loudness {
                vec![KWeighting::new(f64::from(rate)); channels]
            } else {
                Vec::new()
            },
            peaks,
            sample_peak: 0.0,
            hop: (rate as usize + 5) / 10,
            frames_in_hop: 0,
            held: Vec::new(),
            hops: 0,
            recent: [0.0; 30],
            recent_at: 0,
            gating: Vec::new(),
            short_term: Vec::new(),
            max_momentary: f64::NEG_INFINITY,
            max_short_term: f64::NEG_INFINITY,
        })
    }

    /// Adds whole interleaved frames (a trailing partial frame is ignored: the caller
    /// keeps it for the next call).
    pub(crate) fn add(&mut self, mut frames: &[f32]) {
        let channels = self.channels;
        frames = &frames[..frames.len() - frames.len() % channels];
        if self.figures.true_peak {
            self.scan_peaks(frames);
        }
        if self.filters.is_empty() {
            return;
        }
        while !frames.is_empty() {
            let take = (self.hop - self.frames_in_hop).min(frames.len() / channels);
            let (mut now, later) = frames.split_at(take * channels);
            frames = later;
            let ends_block = self.frames_in_hop + take == self.hop;
            self.frames_in_hop += take;
            // A frame held back from the last piece pairs with this piece's first.
            // (`now` has a frame: `take` is at least one.)
            if !self.held.is_empty() {
                self.held.extend_from_slice(&now[..channels]);
                now = &now[channels..];
                filter_all(&mut self.filters, &self.weights, channels, &self.held);
                self.held.clear();
            }
            let frames_now = now.len() / channels;
            if !ends_block && frames_now % 2 == 1 {
                let (body, last) = now.split_at(now.len() - channels);
                self.held.extend_from_slice(last);
                now = body;
            }
            filter_all(&mut self.filters, &self.weights, channels, now);
            // A frame is only held back short of the block's end, so none is
            // held here when the block ends.
            if ends_block {
                self.end_block();
            }
        }
    }

    fn scan_peaks(&mut self, frames: &[f32]) {
        // `f32::max` ignores a NaN operand; infinities are silence, as in the scanner.
        let most = frames
            .iter()
            .map(|s| if s.is_finite() { s.abs() } else { 0.0 })
            .fold(0.0_f32, f32::max);
        self.sample_peak = self.sample_peak.max(most);
        for (c, scanner) in self.peaks.iter_mut().enumerate() {
            scanner.scan(frames, self.channels, c, self.sample_peak);
        }
    }

    fn end_block(&mut self) {
        let mut hop_sum = 0.0;
        for (filter, weight) in self.filters.iter_mut().zip(&self.weights) {
            hop_sum += weight * filter.take_block();
        }
        self.recent[self.recent_at] = hop_sum;
        self.recent_at = (self.recent_at + 1) % self.recent.len();
        self.frames_in_hop = 0;
        self.hops += 1;
        let hop = self.hop as f64;
        let last = |n: usize| -> f64 {
            (1..=n)
                .map(|back| self.recent[(self.recent_at + 30 - back) % 30])
                .sum::<f64>()
                / (n as f64 * hop)
        };
        if self.hops >= 4 {
            let momentary = last(4);
            if self.figures.loudness && momentary >= ABSOLUTE_GATE_ENERGY {
                self.gating.push(momentary);
            }
            if self.figures.maxima {
                self.max_momentary = self.max_momentary.max(energy_to_loudness(momentary));
            }
        }
        if self.hops >= 30 {
            let short = last(30);
            if self.figures.maxima {
                self.max_short_term = self.max_short_term.max(energy_to_loudness(short));
            }
            if self.figures.range && self.hops.is_multiple_of(10) && short >= ABSOLUTE_GATE_ENERGY {
                self.short_term.push(short);
            }
        }
    }

    /// Gated integrated loudness (LUFS); `NEG_INFINITY` with no block above the gate.
    pub(crate) fn integrated(&self) -> f64 {
        if self.gating.is_empty() {
            return f64::NEG_INFINITY;
        }
        let mean = self.gating.iter().sum::<f64>() / self.gating.len() as f64;
        let relative = mean * 0.1;
        let (count, sum) = self
            .gating
            .iter()
            .filter(|&&e| e >= relative)
            .fold((0_u64, 0.0), |(n, s), &e| (n + 1, s + e));
        if count == 0 {
            f64::NEG_INFINITY
        } else {
            energy_to_loudness(sum / count as f64)
        }
    }

    /// Loudness range (LU, EBU Tech 3342); 0 with too few windows.
    pub(crate) fn range(&self) -> f64 {
        if self.short_term.is_empty() {
            return 0.0;
        }
        let mut q = self.short_term.clone();
        q.sort_unstable_by(f64::total_cmp);
        let power = q.iter().sum::<f64>() / q.len() as f64;
        let gate = power * 0.01;
        let below = q.iter().take_while(|&&v| v < gate).count();
        let Some(last) = (q.len() - below).checked_sub(1) else {
            return 0.0;
        };
        let last = last as f64;
        let high = q[below + (last * 0.95 + 0.5) as usize];
        let low = q[below + (last * 0.1 + 0.5) as usize];
        energy_to_loudness(high) - energy_to_loudness(low)
    }

    /// The highest true peak of any channel (linear, 1.0 is full scale): the highest
    /// interpolated point or sample, whichever is higher.
    pub(crate) fn true_peak(&self) -> f64 {
        self.peaks
            .iter()
            .map(|p| f64::from(p.peak()))
            .fold(f64::from(self.sample_peak), f64::max)
    }

    pub(crate) fn max_momentary(&self) -> f64 {
        self.max_momentary
    }

    pub(crate) fn max_short_term(&self) -> f64 {
        self.max_short_term
    }
}
