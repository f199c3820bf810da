//! assemble: one decoded clip → what the bulletin holds: the output format,
//! its own edge silence trimmed, levelled so voices of different loudness do
//! not jump at the joins, and faded at its edges so the joins do not click.

use std::time::Duration;

use crate::audio::{self, AudioSpec, Clip, TrimOptions};

#[derive(Debug, Clone)]
pub struct AssembleSettings {
    pub spec: AudioSpec,
    /// Fade at each clip edge.
    pub fade: Duration,
    pub trim: TrimOptions,
    /// Per-clip loudness before the programme is normalized; `None` leaves clips as they are.
    pub level_lufs: Option<f64>,
}

impl AssembleSettings {
    pub fn new(spec: AudioSpec) -> AssembleSettings {
        AssembleSettings {
            spec,
            fade: Duration::from_millis(5),
            trim: TrimOptions::default(),
            level_lufs: None,
        }
    }
}

/// Pure and independent per clip, so callers may run it on any thread.
pub fn prepare(clip: Clip, settings: &AssembleSettings) -> Clip {
    let converted = audio::convert(clip, settings.spec);
    let mut trimmed = audio::trim_silence(&converted, &settings.trim);
    remove_dc(&mut trimmed);
    if let Some(target) = settings.level_lufs {
        audio::level_clip(&mut trimmed, target);
    }
    audio::fade_edges(&mut trimmed, settings.fade);
    trimmed
}

/// Subtracts each channel's mean: an offset carried into the programme would
/// step at every join.
fn remove_dc(clip: &mut Clip) {
    let channels = usize::from(clip.spec().channels.max(1));
    let frames = clip.samples().len() / channels;
    if frames == 0 {
        return;
    }
    let mut means = vec![0.0f64; channels];
    for frame in clip.samples().chunks_exact(channels) {
        for (m, s) in means.iter_mut().zip(frame) {
            *m += f64::from(*s);
        }
    }
    let means: Vec<f32> = means.iter().map(|m| (m / frames as f64) as f32).collect();
    let spec = clip.spec();
    let samples: Vec<f32> = clip
        .samples()
        .chunks_exact(channels)
        .flat_map(|f| f.iter().zip(&means).map(|(s, m)| s - m))
        .collect();
    *clip = Clip::new(spec, samples);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_converts_trims_and_fades() {
        let settings = AssembleSettings::new(AudioSpec {
            sample_rate: 48000,
            channels: 1,
        });
        // 0.5 s of 440 Hz at 24 kHz stereo, between 200 ms of silence on each side.
        let rate = 24000;
        let mut samples = vec![0.0f32; 2 * rate / 5];
        for i in 0..rate / 2 {
            let v = (i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 0.5;
            samples.extend_from_slice(&[v, v]);
        }
        samples.extend(std::iter::repeat_n(0.0, 2 * rate / 5));
        let input = Clip::new(
            AudioSpec {
                sample_rate: rate as u32,
                channels: 2,
            },
            samples,
        );
        let out = prepare(input, &settings);
        assert_eq!(out.spec(), settings.spec);
        let secs = out.duration().as_secs_f64();
        assert!((0.49..0.53).contains(&secs), "trimmed to the tone: {secs}s");
        assert!(out.samples()[0].abs() < 1e-3, "faded in");
        assert!(
            out.samples()[out.samples().len() - 1].abs() < 1e-3,
            "faded out"
        );
    }

    #[test]
    fn dc_offset_is_removed_and_levels_are_evened() {
        let spec = AudioSpec {
            sample_rate: 48000,
            channels: 1,
        };
        let mut settings = AssembleSettings::new(spec);
        settings.level_lufs = Some(-23.0);
        let tone = |amp: f32| {
            Clip::new(
                spec,
                (0..48000)
                    .map(|i| 0.1 + (i as f32 * 0.0523).sin() * amp)
                    .collect(),
            )
        };
        let loud = prepare(tone(0.5), &settings);
        let quiet = prepare(tone(0.125), &settings);
        let mean: f32 = loud.samples().iter().sum::<f32>() / loud.samples().len() as f32;
        assert!(mean.abs() < 1e-3, "no DC: {mean}");
        let (a, b) = (
            audio::measure(&loud).integrated().unwrap(),
            audio::measure(&quiet).integrated().unwrap(),
        );
        assert!((a - b).abs() < 0.5, "{a} vs {b}");
    }
}
