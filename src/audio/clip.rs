//! audio: `Clip`, the one typed buffer that every decoded backend response becomes and
//! that the later stages (conversion, trimming, assembly) pass along.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::audio::{convert, AudioSpec, Frames};

/// The largest sample magnitude a clip holds: +36 dBFS, far past any real audio (float
/// files may go a little over full scale, and levelling can bring that back), yet small
/// enough that no sum over a clip overflows.
pub(crate) const MAX_SAMPLE: f32 = 64.0;

/// Interleaved `f32` samples, nominally in -1.0..=1.0, with the format they are in.
///
/// The buffer always holds whole frames.
#[derive(Debug)]
pub struct Clip {
    spec: AudioSpec,
    samples: Vec<f32>,
    backing: Option<Backing>,
}

impl PartialEq for Clip {
    fn eq(&self, other: &Clip) -> bool {
        self.spec == other.spec && self.samples == other.samples
    }
}

/// A file that holds a clip's samples byte for byte (little-endian `f32` from
/// `offset`): a prepared cache entry it was read from. A spool can point at it
/// rather than write the samples again. Any change to the samples drops it;
/// the open handle keeps the bytes readable if the entry is replaced or
/// pruned meanwhile (entries are replaced by rename, never rewritten).
#[derive(Debug, Clone)]
pub struct Backing {
    pub file: std::sync::Arc<std::fs::File>,
    pub offset: u64,
}

/// The bytes of decoded audio held by every [`Clip`] alive in the process,
/// now and at most: what the memory budget bounds, counted independently of it.
static LIVE: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);

/// Decoded audio in memory: the bytes held by clips now, and the most held
/// at once since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioInMemory {
    pub live: u64,
    pub peak: u64,
}

pub fn audio_in_memory() -> AudioInMemory {
    AudioInMemory {
        live: LIVE.load(Ordering::Relaxed),
        peak: PEAK.load(Ordering::Relaxed),
    }
}

fn held(samples: &Vec<f32>) -> u64 {
    (samples.capacity() * std::mem::size_of::<f32>()) as u64
}

fn count_in(bytes: u64) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn count_out(bytes: u64) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

impl Drop for Clip {
    fn drop(&mut self) {
        count_out(held(&self.samples));
    }
}

impl Clone for Clip {
    fn clone(&self) -> Clip {
        let samples = self.samples.clone();
        count_in(held(&samples));
        Clip {
            spec: self.spec,
            samples,
            backing: self.backing.clone(),
        }
    }
}

impl Clip {
    /// Wraps `samples`, dropping a trailing partial frame. A spec with zero channels
    /// can hold no frames, so its clip is empty.
    pub fn new(spec: AudioSpec, mut samples: Vec<f32>) -> Clip {
        let channels = usize::from(spec.channels);
        let whole = if channels == 0 {
            0
        } else {
            samples.len() - samples.len() % channels
        };
        samples.truncate(whole);
        count_in(held(&samples));
        // NaN or infinity from a broken float WAV would poison resampling,
        // loudness and limiting downstream: such samples become silence. Finite
        // values near f32::MAX do the same once a resampler's FFT sums them, so
        // they are held to MAX_SAMPLE.
        for s in samples.iter_mut() {
            *s = if s.is_finite() {
                s.clamp(-MAX_SAMPLE, MAX_SAMPLE)
            } else {
                0.0
            };
        }
        Clip {
            spec,
            samples,
            backing: None,
        }
    }

    /// This clip, noted as also held by `backing`; the caller vouches that the
    /// file holds exactly these samples.
    pub fn with_backing(mut self, backing: Backing) -> Clip {
        self.backing = Some(backing);
        self
    }

    /// The file that holds exactly these samples, if one is known.
    pub fn backing(&self) -> Option<&Backing> {
        self.backing.as_ref()
    }

    pub fn silence(spec: AudioSpec, frames: Frames) -> Clip {
        let len = usize::try_from(frames.0)
            .unwrap_or(usize::MAX)
            .saturating_mul(usize::from(spec.channels));
        Clip::new(spec, vec![0.0; len])
    }

    pub fn spec(&self) -> AudioSpec {
        self.spec
    }

    pub fn samples(&self) -> &[f32] {
        &self.samples
    }

    pub fn into_samples(mut self) -> Vec<f32> {
        count_out(held(&self.samples));
        std::mem::take(&mut self.samples)
    }

    pub fn frames(&self) -> Frames {
        match usize::from(self.spec.channels) {
            0 => Frames(0),
            channels => Frames((self.samples.len() / channels) as u64),
        }
    }

    pub fn duration(&self) -> Duration {
        self.frames().to_duration(self.spec.sample_rate)
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The largest absolute sample value (linear); 0 for an empty clip.
    pub fn peak(&self) -> f32 {
        self.samples
            .iter()
            .fold(0.0_f32, |peak, s| peak.max(s.abs()))
    }

    /// The root mean square over all samples (linear); 0 for an empty clip.
    pub fn rms(&self) -> f32 {
        if self.samples.is_empty() {
            return 0.0;
        }
        let sum: f64 = self.samples.iter().map(|&s| f64::from(s).powi(2)).sum();
        (sum / self.samples.len() as f64).sqrt() as f32
    }

    /// Appends `other`, first converting it to this clip's spec if the two differ.
    pub fn append(&mut self, other: Clip) {
        let other = if other.spec == self.spec {
            other
        } else {
            convert(other, self.spec)
        };
        let before = held(&self.samples);
        self.backing = None;
        self.samples.extend_from_slice(&other.samples);
        count_in(held(&self.samples));
        count_out(before);
    }

    /// Keeps only `frames` (clamped to the clip), in place: the buffer is cut
    /// down, not copied (its capacity, and what it counts as held, stay).
    pub(crate) fn keep_frames(&mut self, frames: std::ops::Range<usize>) {
        let channels = usize::from(self.spec.channels);
        let end = frames.end.saturating_mul(channels).min(self.samples.len());
        let start = frames.start.saturating_mul(channels).min(end);
        self.backing = None;
        self.samples.truncate(end);
        self.samples.drain(..start);
    }

    /// Mutable access for in-place processing; the length cannot change, so whole
    /// frames are kept.
    pub(crate) fn samples_mut(&mut self) -> &mut [f32] {
        self.backing = None;
        &mut self.samples
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn non_finite_samples_become_silence_and_convert_survives() {
        let spec = AudioSpec {
            sample_rate: 22050,
            channels: 1,
        };
        let clip = Clip::new(spec, vec![0.5, f32::NAN, f32::INFINITY, -0.5]);
        assert_eq!(clip.samples(), &[0.5, 0.0, 0.0, -0.5]);
        let out = crate::audio::convert(
            clip,
            AudioSpec {
                sample_rate: 48000,
                channels: 1,
            },
        );
        assert!(out.samples().iter().all(|s| s.is_finite()));
    }

    use super::*;

    const MONO: AudioSpec = AudioSpec {
        sample_rate: 8_000,
        channels: 1,
    };
    const STEREO: AudioSpec = AudioSpec {
        sample_rate: 8_000,
        channels: 2,
    };

    #[test]
    fn new_truncates_to_whole_frames() {
        let clip = Clip::new(STEREO, vec![0.1, 0.2, 0.3]);
        assert_eq!(clip.samples(), &[0.1, 0.2]);
        assert_eq!(clip.frames(), Frames(1));
        let none = Clip::new(
            AudioSpec {
                sample_rate: 8_000,
                channels: 0,
            },
            vec![0.5; 4],
        );
        assert!(none.is_empty());
        assert_eq!(none.frames(), Frames(0));
    }

    #[test]
    fn silence_has_the_requested_length() {
        let clip = Clip::silence(STEREO, Frames(4_000));
        assert_eq!(clip.samples().len(), 8_000);
        assert_eq!(clip.duration(), Duration::from_millis(500));
        assert_eq!(clip.peak(), 0.0);
    }

    #[test]
    fn peak_and_rms() {
        let clip = Clip::new(MONO, vec![0.5, -0.5, 0.5, -1.0]);
        assert_eq!(clip.peak(), 1.0);
        let expected = ((0.25 * 3.0 + 1.0) / 4.0_f32).sqrt();
        assert!((clip.rms() - expected).abs() < 1e-6);
        assert_eq!(Clip::new(MONO, vec![]).rms(), 0.0);
        assert_eq!(Clip::new(MONO, vec![]).peak(), 0.0);
    }

    #[test]
    fn append_converts_a_different_spec() {
        let mut clip = Clip::new(MONO, vec![0.25; 10]);
        clip.append(Clip::new(STEREO, vec![0.5, 0.0, 0.5, 0.0]));
        assert_eq!(clip.spec(), MONO);
        assert_eq!(clip.frames(), Frames(12));
        assert_eq!(&clip.samples()[10..], &[0.25, 0.25]);
    }
}
