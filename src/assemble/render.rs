//! assemble: the spooled clips and their pauses → the finished programme, in
//! two streaming passes: the first measures loudness (ITU-R BS.1770), the
//! second applies the gain to the target and the true-peak limiter and hands
//! the samples to the writers. Memory holds one clip at a time.

use std::io;
use std::time::Duration;

use crate::audio::{AudioSpec, Frames, Limiter, Loudness, LoudnessTarget, Meter};
use crate::cancel::Cancel;

use super::spool::Spool;

/// One thing placed in the programme: a spooled clip and the pause after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    /// The clip's key in the spool (the segment's index in the script).
    pub key: usize,
    pub pause_after: Duration,
    /// Set for a music bed: mixed under the items that follow it instead of
    /// placed before them.
    pub bed: Option<Bed>,
    /// The least sound this item may hold: a spoken segment's plausible
    /// minimum. Synthesis guarantees it; rendering checks it as an invariant,
    /// so a zero-length segment can never reach air.
    pub min_frames: Frames,
}

/// How a music bed plays: alone at full level for `lead`, ducked by
/// `duck_db` under the next `under` items, then faded out over `tail`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bed {
    pub lead: Duration,
    pub under: usize,
    pub duck_db: f32,
    pub tail: Duration,
}

impl Item {
    pub fn new(key: usize, pause_after: Duration) -> Item {
        Item {
            key,
            pause_after,
            bed: None,
            min_frames: Frames(0),
        }
    }
}

/// The invariant every rendered programme holds: each item has at least its
/// minimum of sound. Broken here means a bug upstream, never a bulletin with a
/// silent hole in it.
fn check_lengths(spool: &Spool, items: &[Item]) -> io::Result<()> {
    for item in items {
        let have = spool.frames(item.key);
        if have < item.min_frames {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "internal error: segment {} holds {} frames of sound, less than its plausible minimum of {}",
                    item.key, have.0, item.min_frames.0
                ),
            ));
        }
    }
    Ok(())
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
    let mut timeline: Vec<Placement> = items
        .iter()
        .map(|item| {
            let start = at + owed;
            // A bed takes only its lead-in in the sequence; the rest is mixed under.
            let length = match &item.bed {
                Some(bed) => Frames::from_duration(bed.lead, rate).min(spool.frames(item.key)),
                None => spool.frames(item.key),
            };
            let end = start + length;
            at = end;
            owed = match &item.bed {
                Some(_) => Frames(0),
                None => Frames::from_duration(item.pause_after, rate),
            };
            Placement {
                key: item.key,
                start,
                end,
            }
        })
        .collect();
    // A bed's placement spans all of its sound: lead-in, under the voice, and tail.
    for (i, item) in items.iter().enumerate() {
        if let Some(bed) = &item.bed {
            let last = (i + bed.under).min(timeline.len() - 1);
            let wanted = timeline[last].end + Frames::from_duration(bed.tail, rate);
            timeline[i].end = wanted
                .min(timeline[i].start + spool.frames(item.key))
                .max(timeline[i].end);
        }
    }
    timeline
}

/// Renders `items` from `spool` into `sink`, brought to `target` (or passed
/// through unchanged when `target` is `None`). Every chunk is a checkpoint for
/// `cancel`: a long pause or programme stops at once on a signal.
pub fn render(
    spool: &mut Spool,
    items: &[Item],
    target: Option<&LoudnessTarget>,
    cancel: &Cancel,
    sink: &mut dyn FnMut(&[f32]) -> io::Result<()>,
) -> io::Result<Rendered> {
    let spec = spool.spec();
    check_lengths(spool, items)?;
    let timeline = layout(spool, items);
    let mut before = Meter::new(spec);
    walk(spool, items, &timeline, cancel, &mut |samples| {
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
    walk(spool, items, &timeline, cancel, &mut |samples| {
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
    let frames = timeline.iter().map(|p| p.end).max().unwrap_or(Frames(0));
    Ok(Rendered {
        spec,
        frames,
        timeline,
        measured,
        loudness: after.finish(),
        gain_db,
    })
}

/// Feeds the programme's raw samples (clips, silences, and beds mixed under
/// them) to `f` in order.
fn walk(
    spool: &mut Spool,
    items: &[Item],
    timeline: &[Placement],
    cancel: &Cancel,
    f: &mut dyn FnMut(&[f32]) -> io::Result<()>,
) -> io::Result<()> {
    let spec = spool.spec();
    let channels = usize::from(spec.channels);
    let beds = beds(spool, items, timeline)?;
    let mut at = Frames(0);
    let mut emit = |start: Frames, chunk: &mut Vec<f32>| -> io::Result<()> {
        cancel.check_io()?;
        for bed in &beds {
            bed.mix(start, chunk, channels);
        }
        f(chunk)
    };
    let total = timeline.iter().map(|p| p.end).max().unwrap_or(Frames(0));
    for (place, item) in timeline.iter().zip(items) {
        if item.bed.is_some() {
            continue;
        }
        emit_silence(&mut at, place.start, channels, &mut emit)?;
        let mut clip = spool.get(place.key)?.into_samples();
        emit(at, &mut clip)?;
        at = place.end;
    }
    // A bed's tail may outlast the last word.
    emit_silence(&mut at, total, channels, &mut emit)
}

fn emit_silence(
    at: &mut Frames,
    until: Frames,
    channels: usize,
    emit: &mut dyn FnMut(Frames, &mut Vec<f32>) -> io::Result<()>,
) -> io::Result<()> {
    while *at < until {
        let n = (until.0 - at.0).min(4096);
        let mut chunk = vec![0.0f32; n as usize * channels];
        emit(*at, &mut chunk)?;
        *at += Frames(n);
    }
    Ok(())
}

/// A bed ready to mix: its samples and gain envelope on the programme's clock.
struct BedMix {
    samples: Vec<f32>,
    start: u64,
    voice_start: u64,
    voice_end: u64,
    end: u64,
    duck: f32,
    ramp: u64,
}

impl BedMix {
    fn gain(&self, frame: u64) -> f32 {
        let fade_in = ((frame - self.start) as f32 / self.ramp as f32).min(1.0);
        let fade_out = (self.end.saturating_sub(frame) as f32 / self.ramp as f32).min(1.0);
        let level = if frame + self.ramp < self.voice_start {
            1.0
        } else if frame < self.voice_start {
            // Duck over the `ramp` before the voice comes in.
            let into = (frame + self.ramp - self.voice_start) as f32 / self.ramp as f32;
            1.0 + (self.duck - 1.0) * into
        } else if frame < self.voice_end {
            self.duck
        } else {
            // After the voice, fade out from the ducked level.
            let tail = (self.end - self.voice_end).max(1) as f32;
            self.duck * (1.0 - (frame - self.voice_end) as f32 / tail)
        };
        level * fade_in * fade_out
    }

    fn mix(&self, chunk_start: Frames, chunk: &mut [f32], channels: usize) {
        for (i, frame) in chunk.chunks_exact_mut(channels).enumerate() {
            let t = chunk_start.0 + i as u64;
            if t < self.start || t >= self.end {
                continue;
            }
            let g = self.gain(t);
            let offset = (t - self.start) as usize * channels;
            for (c, s) in frame.iter_mut().enumerate() {
                *s += self.samples.get(offset + c).copied().unwrap_or(0.0) * g;
            }
        }
    }
}

fn beds(spool: &mut Spool, items: &[Item], timeline: &[Placement]) -> io::Result<Vec<BedMix>> {
    let rate = spool.spec().sample_rate;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(bed) = &item.bed else { continue };
        let place = timeline[i];
        let under_from = (i + 1).min(timeline.len() - 1);
        let under_to = (i + bed.under).min(timeline.len() - 1);
        out.push(BedMix {
            samples: spool.get(item.key)?.into_samples(),
            start: place.start.0,
            voice_start: timeline[under_from].start.0,
            voice_end: timeline[under_to].end.0,
            end: place.end.0,
            duck: 10f32.powf(-bed.duck_db.abs() / 20.0),
            ramp: u64::from(rate / 4).max(1),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Clip;

    /// Renders without normalization; returns the report and every sample.
    fn render_all(spool: &mut Spool, items: &[Item]) -> (Rendered, Vec<f32>) {
        let mut samples = Vec::new();
        let r = render(spool, items, None, &Cancel::never(), &mut |x| {
            samples.extend_from_slice(x);
            Ok(())
        })
        .unwrap();
        (r, samples)
    }

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
            Item::new(0, Duration::from_millis(250)),
            Item::new(1, Duration::from_millis(40)),
            Item::new(2, Duration::from_millis(900)),
        ];
        let (r, s) = render_all(&mut spool, &items);
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
    fn an_item_shorter_than_its_minimum_is_refused() {
        let (_dir, mut spool) = spool_with(&[(0, 100, 0.5), (1, 0, 0.0)]);
        let mut items = [
            Item::new(0, Duration::from_millis(250)),
            Item::new(1, Duration::ZERO),
        ];
        items[1].min_frames = Frames(120);
        let err = render(&mut spool, &items, None, &Cancel::never(), &mut |_| Ok(())).unwrap_err();
        assert!(
            err.to_string().contains("segment 1 holds 0 frames"),
            "{err}"
        );
        items[1].min_frames = Frames(0);
        assert!(render(&mut spool, &items, None, &Cancel::never(), &mut |_| Ok(())).is_ok());
    }

    #[test]
    fn a_bed_plays_alone_then_ducks_under_the_voice_then_fades() {
        let spec = AudioSpec {
            sample_rate: 1000,
            channels: 1,
        };
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), spec).unwrap();
        spool.put(0, &Clip::new(spec, vec![0.1; 10_000])).unwrap(); // 10 s of bed
        spool.put(1, &Clip::new(spec, vec![0.5; 2000])).unwrap(); // 2 s of voice
        spool.put(2, &Clip::new(spec, vec![0.5; 1000])).unwrap(); // the next item
        let bed = Bed {
            lead: Duration::from_secs(2),
            under: 1,
            duck_db: 20.0,
            tail: Duration::from_secs(1),
        };
        let items = [
            Item {
                bed: Some(bed),
                ..Item::new(0, Duration::ZERO)
            },
            Item::new(1, Duration::from_millis(2000)),
            Item::new(2, Duration::ZERO),
        ];
        let (r, s) = render_all(&mut spool, &items);
        let spans: Vec<(u64, u64)> = r.timeline.iter().map(|p| (p.start.0, p.end.0)).collect();
        assert_eq!(spans, vec![(0, 5000), (2000, 4000), (6000, 7000)]);
        assert!((s[1000] - 0.1).abs() < 1e-6, "full bed alone: {}", s[1000]);
        assert!(
            (s[3000] - (0.5 + 0.01)).abs() < 1e-4,
            "ducked 20 dB under the voice: {}",
            s[3000]
        );
        assert!(s[4500] > 0.0 && s[4500] < 0.01, "fading: {}", s[4500]);
        assert!(s[5500].abs() < 1e-9, "gone after its tail");
        assert_eq!(s.len(), 7000);
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
            .map(|key| Item::new(key, Duration::from_millis(300)))
            .collect();
        let mut n = 0;
        let r = render(
            &mut spool,
            &items,
            Some(&LoudnessTarget::broadcast()),
            &Cancel::never(),
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
