//! assemble: clips + pauses → one programme. Each clip is brought to the
//! output format, its edge silence trimmed and its edges faded, then placed
//! after the previous segment's pause; the timeline records where it lies.

use std::time::Duration;

use crate::audio::{self, AudioSpec, Clip, Frames, TrimOptions};

#[derive(Debug, Clone)]
pub struct AssembleSettings {
    pub spec: AudioSpec,
    /// Fade at each clip edge, so that joins do not click.
    pub fade: Duration,
    pub trim: TrimOptions,
}

impl AssembleSettings {
    pub fn new(spec: AudioSpec) -> AssembleSettings {
        AssembleSettings {
            spec,
            fade: Duration::from_millis(5),
            trim: TrimOptions::default(),
        }
    }
}

/// Where one segment's speech lies in the bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Index of the segment in the script.
    pub segment: usize,
    pub start: Frames,
    pub end: Frames,
}

#[derive(Debug)]
pub struct Bulletin {
    pub audio: Clip,
    pub timeline: Vec<Placement>,
}

/// Turns a decoded clip into what the bulletin holds: output format, trimmed,
/// faded. Pure and independent per clip, so callers may run it on any thread.
pub fn prepare(clip: Clip, settings: &AssembleSettings) -> Clip {
    let converted = audio::convert(clip, settings.spec);
    let mut trimmed = audio::trim_silence(&converted, &settings.trim);
    audio::fade_edges(&mut trimmed, settings.fade);
    trimmed
}

/// Builds the bulletin one prepared clip at a time, in script order.
pub struct Assembler {
    spec: AudioSpec,
    samples: Vec<f32>,
    timeline: Vec<Placement>,
    pending_pause: Frames,
}

impl Assembler {
    pub fn new(spec: AudioSpec) -> Assembler {
        Assembler {
            spec,
            samples: Vec::new(),
            timeline: Vec::new(),
            pending_pause: Frames(0),
        }
    }

    /// Appends the pause owed by the previous segment, then `clip` (already
    /// prepared), and owes `pause_after` to whatever comes next.
    pub fn push(&mut self, segment: usize, clip: &Clip, pause_after: Duration) {
        debug_assert_eq!(
            clip.spec(),
            self.spec,
            "clips must be prepared before they are placed"
        );
        let channels = usize::from(self.spec.channels);
        let pause = self.pending_pause.0 as usize * channels;
        self.samples.resize(self.samples.len() + pause, 0.0);
        let start = self.frames();
        self.samples.extend_from_slice(clip.samples());
        self.timeline.push(Placement {
            segment,
            start,
            end: self.frames(),
        });
        self.pending_pause = Frames::from_duration(pause_after, self.spec.sample_rate);
    }

    fn frames(&self) -> Frames {
        Frames((self.samples.len() / usize::from(self.spec.channels)) as u64)
    }

    /// The bulletin; a pause owed after the last segment is not added, since
    /// a bulletin should end on its last word.
    pub fn finish(self) -> Bulletin {
        Bulletin {
            audio: Clip::new(self.spec, self.samples),
            timeline: self.timeline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: AudioSpec = AudioSpec {
        sample_rate: 1000,
        channels: 1,
    };

    fn clip(frames: usize, value: f32) -> Clip {
        Clip::new(SPEC, vec![value; frames])
    }

    #[test]
    fn pauses_sit_between_clips_and_the_timeline_follows() {
        let mut a = Assembler::new(SPEC);
        a.push(0, &clip(100, 0.5), Duration::from_millis(250));
        a.push(1, &clip(50, -0.5), Duration::from_millis(40));
        a.push(2, &clip(10, 0.25), Duration::from_millis(900));
        let b = a.finish();
        let spans: Vec<(u64, u64)> = b.timeline.iter().map(|p| (p.start.0, p.end.0)).collect();
        assert_eq!(spans, vec![(0, 100), (350, 400), (440, 450)]);
        let s = b.audio.samples();
        assert_eq!(s.len(), 450, "no trailing pause after the last segment");
        assert!(s[100..350].iter().all(|&x| x == 0.0), "the pause is silent");
        assert!(
            s[350..400].iter().all(|&x| x == -0.5),
            "second clip in place"
        );
        assert!(s[400..440].iter().all(|&x| x == 0.0));
        assert_eq!(s[449], 0.25);
    }

    #[test]
    fn prepare_converts_trims_and_fades() {
        let settings = AssembleSettings::new(AudioSpec {
            sample_rate: 48000,
            channels: 1,
        });
        // 0.5 s of 440 Hz at 24 kHz stereo, between 200 ms of silence on each side.
        let rate = 24000;
        let mut samples = vec![0.0f32; 2 * rate / 5 * 2 / 2];
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
}
