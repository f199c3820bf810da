//! Listening to the output: pitch and level measurements on raw samples.

/// Power of `hz` in `samples` (Goertzel), normalised by length.
pub fn goertzel(samples: &[f32], rate: u32, hz: f32) -> f32 {
    let w = std::f32::consts::TAU * hz / rate as f32;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &x in samples {
        let s = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    let power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    power / (samples.len() as f32).powi(2)
}

/// The strongest of the candidate pitches 300..=3000 Hz in 100 Hz steps.
pub fn dominant_hz(samples: &[f32], rate: u32) -> f32 {
    (3..=30)
        .map(|k| k as f32 * 100.0)
        .map(|hz| (hz, goertzel(samples, rate, hz)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
        .0
}

pub fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0, |m, s| m.max(s.abs()))
}

pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt()
}
