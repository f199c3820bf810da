//! audio: one decoded clip → what the bulletin airs: the output format, any DC
//! offset removed, its own edge silence trimmed, measured, levelled (within a
//! bounded gain) so voices of different loudness do not jump at the joins, and
//! faded at its edges so the joins do not click.
//!
//! The measurement is taken on the trimmed clip, before levelling, because that
//! is what will actually be aired: a backend's quiet hiss or a DC step must be
//! judged as what it is, not as the padding around it.

use std::time::Duration;

use crate::audio::{self, AudioSpec, Clip, TrimOptions};

#[derive(Debug, Clone, PartialEq)]
pub struct PrepareSettings {
    pub spec: AudioSpec,
    /// Fade at each clip edge.
    pub fade: Duration,
    pub trim: TrimOptions,
    /// Per-clip loudness before the programme is normalized; `None` leaves clips
    /// as they are. The gain is bounded by [`audio::MAX_CLIP_GAIN_DB`].
    pub level_lufs: Option<f64>,
}

impl PrepareSettings {
    pub fn new(spec: AudioSpec) -> PrepareSettings {
        PrepareSettings {
            spec,
            fade: Duration::from_millis(5),
            trim: TrimOptions::default(),
            level_lufs: None,
        }
    }
}

/// A clip cut to its sound, with what was measured on the way: the part of
/// preparation that decides whether the clip is speech at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The clip trimmed of its edge silence and any DC offset, still in the
    /// format the backend sent ([`finish`] brings it to the bulletin's).
    pub clip: Clip,
    /// Loudness of the trimmed clip (LUFS; `NEG_INFINITY` when nothing was left
    /// after trimming). See [`audio::speech_loudness`].
    pub speech_lufs: f64,
    /// Peak of the clip before trimming (dBFS), for messages about clips that
    /// turn out to hold nothing.
    pub peak_dbfs: f64,
    /// Duration of the clip before trimming.
    pub untrimmed: Duration,
}

/// Trims and measures `clip` in the format it came in: cheap enough to judge
/// every answer before it is cached, and resampling only what will air.
pub fn trim(mut clip: Clip, options: &TrimOptions) -> Prepared {
    let untrimmed = clip.duration();
    // Before trimming: an offset would otherwise count as sound in the padding.
    remove_dc(&mut clip);
    let peak = clip.peak();
    let mut trimmed = clip;
    audio::trim_silence_in_place(&mut trimmed, options);
    remove_dc(&mut trimmed);
    let speech_lufs = audio::speech_loudness(&trimmed);
    Prepared {
        clip: trimmed,
        speech_lufs,
        peak_dbfs: if peak > 0.0 {
            20.0 * f64::from(peak).log10()
        } else {
            f64::NEG_INFINITY
        },
        untrimmed,
    }
}

/// The rest of preparation for a clip [`trim`] judged to be speech: converted
/// to the bulletin's format, levelled (by the loudness `trim` measured, within
/// a bounded gain) and faded at its edges.
pub fn finish(trimmed: Prepared, settings: &PrepareSettings) -> Clip {
    let mut clip = audio::convert(trimmed.clip, settings.spec);
    if let Some(target) = settings.level_lufs {
        audio::level_measured(&mut clip, trimmed.speech_lufs, target);
    }
    audio::fade_edges(&mut clip, settings.fade);
    clip
}

/// All of preparation in one go: [`trim`] then [`finish`].
pub fn prepare(clip: Clip, settings: &PrepareSettings) -> (Clip, Prepared) {
    let trimmed = trim(clip, &settings.trim);
    let summary = Prepared {
        clip: Clip::new(trimmed.clip.spec(), Vec::new()),
        ..trimmed.clone()
    };
    (finish(trimmed, settings), summary)
}

impl PrepareSettings {
    /// What decides a prepared clip's samples, as text: part of the key of a
    /// prepared clip in the cache, so a change of format invalidates it.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}Hz {}ch fade {}us trim {}/{}/{}us level {:?}",
            self.spec.sample_rate,
            self.spec.channels,
            self.fade.as_micros(),
            self.trim.threshold_below_peak_db,
            self.trim.floor_dbfs,
            self.trim.keep.as_micros(),
            self.level_lufs
        )
    }
}

/// An offset smaller than this (-140 dBFS) is left alone: it is far below
/// anything audible, and leaving it makes removal idempotent, so a clip that
/// comes back from the cache and is trimmed again is the very clip that was
/// stored (two segments with the same text could otherwise differ in a few
/// samples, depending on which of them reached the cache first).
const NO_OFFSET: f32 = 1e-7;

/// Subtracts each channel's mean: an offset carried into the programme would
/// step at every join.
fn remove_dc(clip: &mut Clip) {
    let channels = usize::from(clip.spec().channels.max(1));
    let frames = clip.samples().len() / channels;
    if frames == 0 {
        return;
    }
    let mut means = vec![0.0f64; channels];
    if let [mean] = means.as_mut_slice() {
        // Mono: the same sum, in a register rather than through memory.
        *mean = clip.samples().iter().map(|&s| f64::from(s)).sum();
    } else {
        for frame in clip.samples().chunks_exact(channels) {
            for (m, s) in means.iter_mut().zip(frame) {
                *m += f64::from(*s);
            }
        }
    }
    let means: Vec<f32> = means.iter().map(|m| (m / frames as f64) as f32).collect();
    if means.iter().all(|m| m.abs() < NO_OFFSET) {
        return;
    }
    for frame in clip.samples_mut().chunks_exact_mut(channels) {
        for (s, m) in frame.iter_mut().zip(&means) {
            *s -= m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: AudioSpec = AudioSpec {
        sample_rate: 48000,
        channels: 1,
    };

    #[test]
    fn trimming_a_trimmed_clip_changes_no_sample() {
        // What a raw cache entry holds is a trimmed clip; a later run trims it
        // again, and must get exactly what the first run stored.
        let rate = 22050;
        let mut samples = vec![0.0f32; rate / 5];
        samples.extend((0..rate).map(|i| {
            let t = i as f32 / rate as f32;
            0.03 + 0.4 * (t * 180.0 * std::f32::consts::TAU).sin() * (t * 9.0).sin().abs()
        }));
        samples.extend(vec![0.0f32; rate / 5]);
        let spec = AudioSpec {
            sample_rate: rate as u32,
            channels: 1,
        };
        let options = TrimOptions::default();
        let once = trim(Clip::new(spec, samples), &options);
        let twice = trim(once.clip.clone(), &options);
        assert_eq!(twice.clip, once.clip);
        assert_eq!(twice.speech_lufs, once.speech_lufs);
    }

    #[test]
    fn prepare_converts_trims_and_fades() {
        let settings = PrepareSettings::new(OUT);
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
        let (clip, out) = prepare(input, &settings);
        assert_eq!(clip.spec(), settings.spec);
        let secs = clip.duration().as_secs_f64();
        assert!((0.49..0.53).contains(&secs), "trimmed to the tone: {secs}s");
        assert!((out.untrimmed.as_secs_f64() - 0.9).abs() < 0.01);
        assert!(clip.samples()[0].abs() < 1e-3, "faded in");
        assert!(
            clip.samples()[clip.samples().len() - 1].abs() < 1e-3,
            "faded out"
        );
        assert!((out.peak_dbfs + 6.02).abs() < 0.1, "{}", out.peak_dbfs);
        assert!(out.speech_lufs > -15.0, "{}", out.speech_lufs);
    }

    #[test]
    fn dc_offset_is_removed_and_levels_are_evened() {
        let mut settings = PrepareSettings::new(OUT);
        settings.level_lufs = Some(-23.0);
        let tone = |amp: f32| {
            Clip::new(
                OUT,
                (0..48000)
                    .map(|i| 0.1 + (i as f32 * 0.0523).sin() * amp)
                    .collect(),
            )
        };
        let loud = prepare(tone(0.5), &settings).0;
        let quiet = prepare(tone(0.125), &settings).0;
        let mean: f32 = loud.samples().iter().sum::<f32>() / loud.samples().len() as f32;
        assert!(mean.abs() < 1e-3, "no DC: {mean}");
        let (a, b) = (
            audio::measure(&loud).integrated().unwrap(),
            audio::measure(&quiet).integrated().unwrap(),
        );
        assert!((a - b).abs() < 0.5, "{a} vs {b}");
    }

    #[test]
    fn an_offset_alone_leaves_nothing_to_air() {
        // A backend that sends only a DC level: no speech once the offset is gone.
        let dc = Clip::new(OUT, vec![0.3; 48000]);
        let out = trim(dc, &TrimOptions::default());
        assert!(out.clip.is_empty(), "{} frames", out.clip.frames().0);
        assert_eq!(out.speech_lufs, f64::NEG_INFINITY);
    }

    #[test]
    fn a_whisper_is_measured_as_it_will_air_and_lifted_by_at_most_the_bound() {
        // Speech-like tone bursts 45 dB down: above the trim floor, quiet as speech.
        let amp = 10f32.powf(-45.0 / 20.0);
        let clip = Clip::new(
            OUT,
            (0..48000)
                .map(|i| (i as f32 * 0.0523).sin() * amp * (1.0 + (i as f32 * 0.0004).sin()))
                .collect(),
        );
        let mut settings = PrepareSettings::new(OUT);
        settings.level_lufs = Some(-23.0);
        let (clip, out) = prepare(clip, &settings);
        assert!(
            (-52.0..-40.0).contains(&out.speech_lufs),
            "{}",
            out.speech_lufs
        );
        let after = audio::measure(&clip).integrated().unwrap();
        let lifted = after - out.speech_lufs;
        assert!(
            lifted <= audio::MAX_CLIP_GAIN_DB + 0.5,
            "lifted {lifted} dB"
        );
        assert!(after < -23.0 - 1.0, "not blown up to the target: {after}");
    }
}
