//! audio: the units every clip carries — its format (`AudioSpec`) and frame counts (`Frames`).

use std::ops::{Add, AddAssign};
use std::time::Duration;

/// The lowest and highest sample rates accepted from a backend. Anything outside is a
/// corrupt header, and converting it would mean an absurd (memory-exhausting) ratio.
pub const SAMPLE_RATE_RANGE: std::ops::RangeInclusive<u32> = 1_000..=768_000;

/// The most channels accepted from a backend; TTS is mono, a few send stereo.
pub const MAX_CHANNELS: u16 = 32;

/// The format that travels with every sample buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AudioSpec {
    pub sample_rate: u32,
    pub channels: u16,
}

impl AudioSpec {
    /// Why this spec cannot describe real audio, if it cannot.
    pub(crate) fn implausibility(self) -> Option<String> {
        if self.sample_rate == 0 {
            Some("sample rate 0".to_owned())
        } else if !SAMPLE_RATE_RANGE.contains(&self.sample_rate) {
            Some(format!(
                "sample rate {} Hz outside {}..={} Hz",
                self.sample_rate,
                SAMPLE_RATE_RANGE.start(),
                SAMPLE_RATE_RANGE.end()
            ))
        } else if self.channels == 0 || self.channels > MAX_CHANNELS {
            Some(format!("channel count {}", self.channels))
        } else {
            None
        }
    }
}

/// A count of frames (one sample per channel), kept apart from sample counts and seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frames(pub u64);

const NANOS_PER_SEC: u128 = 1_000_000_000;

impl Frames {
    /// The number of frames closest to `d` at `rate`.
    pub fn from_duration(d: Duration, rate: u32) -> Frames {
        let frames = (d.as_nanos() * u128::from(rate) + NANOS_PER_SEC / 2) / NANOS_PER_SEC;
        Frames(u64::try_from(frames).unwrap_or(u64::MAX))
    }

    /// How long these frames play at `rate`; zero for a zero rate.
    pub fn to_duration(self, rate: u32) -> Duration {
        if rate == 0 {
            return Duration::ZERO;
        }
        let rate = u64::from(rate);
        let secs = self.0 / rate;
        // Rounded down so that `from_duration(to_duration(n))` gives back `n`.
        let nanos = u128::from(self.0 % rate) * NANOS_PER_SEC / u128::from(rate);
        Duration::new(secs, u32::try_from(nanos).unwrap_or(0))
    }

    /// Milliseconds, rounded to nearest; zero for a zero rate.
    pub fn to_ms(self, rate: u32) -> u64 {
        if rate == 0 {
            return 0;
        }
        let rate = u128::from(rate);
        let ms = (u128::from(self.0) * 1000 + rate / 2) / rate;
        u64::try_from(ms).unwrap_or(u64::MAX)
    }

    pub fn saturating_sub(self, other: Frames) -> Frames {
        Frames(self.0.saturating_sub(other.0))
    }
}

impl Add for Frames {
    type Output = Frames;
    fn add(self, other: Frames) -> Frames {
        Frames(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Frames {
    fn add_assign(&mut self, other: Frames) {
        *self = *self + other;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn duration_conversions() {
        assert_eq!(
            Frames::from_duration(Duration::from_millis(10), 48_000),
            Frames(480)
        );
        assert_eq!(
            Frames(24_000).to_duration(48_000),
            Duration::from_millis(500)
        );
        assert_eq!(Frames(22_050).to_ms(44_100), 500);
        assert_eq!(Frames(1).to_ms(44_100), 0);
        assert_eq!(Frames(5).to_duration(0), Duration::ZERO);
        assert_eq!(Frames(5).to_ms(0), 0);
        assert_eq!(
            Frames::from_duration(Duration::MAX, u32::MAX),
            Frames(u64::MAX)
        );
    }

    #[test]
    fn frame_arithmetic_saturates() {
        assert_eq!(Frames(3) + Frames(4), Frames(7));
        assert_eq!(Frames(u64::MAX) + Frames(1), Frames(u64::MAX));
        assert_eq!(Frames(3).saturating_sub(Frames(4)), Frames(0));
    }

    #[test]
    fn implausible_specs_are_named() {
        let ok = AudioSpec {
            sample_rate: 24_000,
            channels: 1,
        };
        assert_eq!(ok.implausibility(), None);
        for bad in [
            AudioSpec {
                sample_rate: 0,
                channels: 1,
            },
            AudioSpec {
                sample_rate: 10,
                channels: 1,
            },
            AudioSpec {
                sample_rate: 24_000,
                channels: 0,
            },
            AudioSpec {
                sample_rate: 24_000,
                channels: 33,
            },
        ] {
            assert!(bad.implausibility().is_some(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn frames_survive_a_round_trip_through_duration(n in 0u64..1 << 40, rate in 1u32..=768_000) {
            let d = Frames(n).to_duration(rate);
            prop_assert_eq!(Frames::from_duration(d, rate), Frames(n));
        }
    }
}
