//! assemble: the spooled clips and their pauses → the finished programme, in
//! two streaming passes: the first measures loudness (ITU-R BS.1770), the
//! second applies the gain to the target and the true-peak limiter and hands
//! the samples to the writers. Memory holds one clip at a time.

use std::io;
use std::time::Duration;

use crate::audio::{AudioSpec, Frames, Limiter, Loudness, LoudnessTarget, Meter};

use super::spool::Spool;

/// One thing placed in the programme: a spooled clip and the pause after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// The clip's key in the spool (the segment's index in the script).
    pub key: usize,
    pub pause_after: Duration,
}

/// Where one item's sound lies in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub key: usize,
    pub start: Frames,
    pub end: Frames,
}

/// What rendering did.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub spec: AudioSpec,
    pub frames: Frames,
    pub timeline: Vec<Placement>,
    /// Loudness before normalization (after per-clip levelling).
    pub measured: Loudness,
    /// Loudness of the output.
    pub loudness: Loudness,
    pub gain_db: f64,
}

/// The timeline of `items`: each clip follows the previous one's pause; the
/// pause after the last item is not added, so the programme ends on its last word.
pub fn layout(spool: &Spool, items: &[Item]) -> Vec<Placement> {
    let rate = spool.spec().sample_rate;
    let mut at = Frames(0);
    let mut owed = Frames(0);
    items
        .iter()
        .map(|item| {
            let start = at + owed;
            let end = start + spool.frames(item.key);
            at = end;
            owed = Frames::from_duration(item.pause_after, rate);
            Placement {
                key: item.key,
                start,
                end,
            }
        })
        .collect()
}

/// Renders `items` from `spool` into `sink`, brought to `target` (or passed
/// through unchanged when `target` is `None`).
pub fn render(
    spool: &mut Spool,
    items: &[Item],
    target: Option<&LoudnessTarget>,
    sink: &mut dyn FnMut(&[f32]) -> io::Result<()>,
) -> io::Result<Rendered> {
    let spec = spool.spec();
    let timeline = layout(spool, items);
    let mut before = Meter::new(spec);
    walk(spool, &timeline, &mut |samples| {
        before.add(samples);
        Ok(())
    })?;
    let measured = before.finish();
    let gain_db = match (target, measured.integrated()) {
        (Some(t), Some(now)) => t.integrated_lufs - now,
        _ => 0.0,
    };
    let gain = 10f32.powf(gain_db as f32 / 20.0);
    let mut after = Meter::new(spec);
    let mut limiter = target.map(|t| Limiter::new(spec, t.true_peak_dbtp));
    let mut out = Vec::new();
    walk(spool, &timeline, &mut |samples| {
        let scaled: Vec<f32> = samples.iter().map(|s| s * gain).collect();
        let ready = match &mut limiter {
            Some(l) => {
                out.clear();
                l.process(&scaled, &mut out);
                &out[..]
            }
            None => &scaled[..],
        };
        after.add(ready);
        sink(ready)
    })?;
    if let Some(l) = &mut limiter {
        out.clear();
        l.flush(&mut out);
        after.add(&out);
        sink(&out)?;
    }
    let frames = timeline.last().map_or(Frames(0), |p| p.end);
    Ok(Rendered {
        spec,
        frames,
        timeline,
        measured,
        loudness: after.finish(),
        gain_db,
    })
}

/// Feeds the programme's raw samples (clips and silences) to `f` in order.
fn walk(
    spool: &mut Spool,
    timeline: &[Placement],
    f: &mut dyn FnMut(&[f32]) -> io::Result<()>,
) -> io::Result<()> {
    let channels = usize::from(spool.spec().channels);
    let mut at = Frames(0);
    let silence = vec![0.0f32; 4096 * channels];
    for place in timeline {
        let mut gap = place.start.saturating_sub(at).0 as usize * channels;
        while gap > 0 {
            let n = gap.min(silence.len());
            f(&silence[..n])?;
            gap -= n;
        }
        let clip = spool.get(place.key)?;
        f(clip.samples())?;
        at = place.end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Clip;

    const SPEC: AudioSpec = AudioSpec {
        sample_rate: 1000,
        channels: 1,
    };

    fn spool_with(clips: &[(usize, usize, f32)]) -> (tempfile::TempDir, Spool) {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), SPEC).unwrap();
        for &(key, frames, value) in clips {
            spool
                .put(key, &Clip::new(SPEC, vec![value; frames]))
                .unwrap();
        }
        (dir, spool)
    }

    #[test]
    fn pauses_sit_between_clips_and_the_timeline_follows() {
        let (_dir, mut spool) = spool_with(&[(0, 100, 0.5), (1, 50, -0.5), (2, 10, 0.25)]);
        let items = [
            Item {
                key: 0,
                pause_after: Duration::from_millis(250),
            },
            Item {
                key: 1,
                pause_after: Duration::from_millis(40),
            },
            Item {
                key: 2,
                pause_after: Duration::from_millis(900),
            },
        ];
        let mut s = Vec::new();
        let r = render(&mut spool, &items, None, &mut |x| {
            s.extend_from_slice(x);
            Ok(())
        })
        .unwrap();
        let spans: Vec<(u64, u64)> = r.timeline.iter().map(|p| (p.start.0, p.end.0)).collect();
        assert_eq!(spans, vec![(0, 100), (350, 400), (440, 450)]);
        assert_eq!(s.len(), 450, "no trailing pause after the last item");
        assert!(s[100..350].iter().all(|&x| x == 0.0), "the pause is silent");
        assert!(
            s[350..400].iter().all(|&x| x == -0.5),
            "second clip in place"
        );
        assert_eq!(s[449], 0.25);
        assert_eq!(r.frames, Frames(450));
        assert_eq!(r.gain_db, 0.0);
    }

    #[test]
    fn the_output_is_brought_to_the_target_and_keeps_its_length() {
        let spec = AudioSpec {
            sample_rate: 48000,
            channels: 1,
        };
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), spec).unwrap();
        // Two "voices" 12 dB apart.
        for (key, amp) in [(0, 0.5f32), (1, 0.125), (2, 0.5), (3, 0.125)] {
            let tone: Vec<f32> = (0..48000)
                .map(|i| (i as f32 * 0.0523).sin() * amp * (1.0 + (i as f32 * 0.0004).sin()) / 2.0)
                .collect();
            spool.put(key, &Clip::new(spec, tone)).unwrap();
        }
        let items: Vec<Item> = (0..4)
            .map(|key| Item {
                key,
                pause_after: Duration::from_millis(300),
            })
            .collect();
        let mut n = 0;
        let r = render(
            &mut spool,
            &items,
            Some(&LoudnessTarget::broadcast()),
            &mut |x| {
                n += x.len();
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n as u64, r.frames.0);
        let i = r.loudness.integrated().unwrap();
        assert!((i + 23.0).abs() < 0.5, "{i} LUFS");
        assert!(
            r.loudness.true_peak().unwrap() <= -1.0 + 1e-6,
            "{:?}",
            r.loudness.true_peak()
        );
    }
}
