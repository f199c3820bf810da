//! assemble: the first pass, taken while the clips are still being made. A
//! clip's place depends only on the clips before it, so as soon as the
//! programme's in-order prefix is in the spool it can be measured; when the
//! last clip arrives only a short tail is left, and rendering goes straight to
//! its one writing pass. Valid only if the programme that is finally laid out
//! is the one planned (no article dropped, no bed): otherwise the render
//! measures it again.

use std::io;

use crate::audio::{AudioSpec, Clip, Frames, Loudness, Meter};
use crate::script::SegmentIndex;

use super::render::{Item, Placement, Programme};
use super::spool::Spool;

/// Frames of silence fed to the meter at a time.
const SILENCE_CHUNK: usize = 4096;

/// The programme's integrated loudness, measured over its in-order prefix.
pub struct PrefixMeter {
    spec: AudioSpec,
    items: Vec<Item>,
    meter: Meter,
    /// Placements of the items measured so far.
    timeline: Vec<Placement>,
    /// The end of the last measured clip, and the pause owed after it.
    at: Frames,
    owed: Frames,
    silence: Vec<f32>,
}

impl PrefixMeter {
    /// A meter for the programme `items` will make if every clip arrives;
    /// `None` when beds are mixed in (their span depends on later items).
    pub fn new(spec: AudioSpec, items: Vec<Item>) -> Option<PrefixMeter> {
        if items.iter().any(|i| i.bed.is_some()) {
            return None;
        }
        Some(PrefixMeter {
            spec,
            timeline: Vec::with_capacity(items.len()),
            items,
            meter: Meter::integrated(spec),
            at: Frames(0),
            owed: Frames(0),
            silence: vec![0.0; SILENCE_CHUNK * usize::from(spec.channels)],
        })
    }

    /// Takes note that `clip` (already spooled under `key`) arrived, and
    /// measures as far as the spool now holds the programme in order.
    pub fn arrived(&mut self, spool: &mut Spool, key: SegmentIndex, clip: &Clip) -> io::Result<()> {
        let mut fresh = Some((key, clip));
        while let Some(item) = self.items.get(self.timeline.len()).copied() {
            match fresh {
                Some((k, clip)) if k == item.key => {
                    self.measure(item, clip.samples());
                    fresh = None;
                }
                _ if spool.contains(item.key) => {
                    let clip = spool.get(item.key)?;
                    self.measure(item, clip.samples());
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn measure(&mut self, item: Item, samples: &[f32]) {
        let start = self.at + self.owed;
        let mut gap = self.owed.0;
        let channels = usize::from(self.spec.channels);
        while gap > 0 {
            let n = gap.min(SILENCE_CHUNK as u64) as usize;
            self.meter.add(&self.silence[..n * channels]);
            gap -= n as u64;
        }
        self.meter.add(samples);
        let end = start + Frames((samples.len() / channels.max(1)) as u64);
        self.timeline.push(Placement {
            key: item.key,
            start,
            end,
        });
        self.at = end;
        self.owed = Frames::from_duration(item.pause_after, self.spec.sample_rate);
    }

    /// The measurement, if it is of `programme`: every item measured, in the
    /// same places.
    pub fn finish(self, programme: &Programme) -> Option<Loudness> {
        let same = programme.spec == self.spec
            && programme.timeline == self.timeline
            && programme.items.iter().all(|i| i.bed.is_none())
            && programme.frames == self.at;
        same.then(|| self.meter.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::render::{render, Outputs, Sink, SinkError};
    use crate::audio::LoudnessTarget;
    use crate::cancel::Cancel;
    use std::time::Duration;

    const SPEC: AudioSpec = AudioSpec {
        sample_rate: 8000,
        channels: 2,
    };

    #[derive(Default)]
    struct Collect(Vec<f32>);

    impl Sink for Collect {
        fn write(&mut self, samples: &[f32]) -> Result<(), SinkError> {
            self.0.extend_from_slice(samples);
            Ok(())
        }
        fn finish(&mut self, _: &Loudness) -> Result<(), SinkError> {
            Ok(())
        }
    }

    fn clip(i: usize) -> Clip {
        let frames = 3000 + i * 1700;
        let amp = 0.05 + 0.1 * (i % 4) as f32;
        Clip::new(
            SPEC,
            (0..frames * 2)
                .map(|n| (n as f32 * (0.01 + i as f32 * 0.003)).sin() * amp)
                .collect(),
        )
    }

    fn items(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| Item::new(SegmentIndex(i), Duration::from_millis(150 + 70 * i as u64)))
            .collect()
    }

    fn rendered(spool: &mut Spool, programme: &Programme, measured: Option<Loudness>) -> Vec<f32> {
        let mut sink = Collect::default();
        let target = LoudnessTarget::broadcast();
        let mut outputs = Outputs::default();
        outputs.programme.push(&mut sink);
        outputs.measured = measured;
        let r = render(spool, programme, Some(&target), &Cancel::never(), outputs).unwrap();
        assert!(r.programme.gain_db.abs() > 0.1, "a gain is applied");
        sink.0
    }

    /// Clips arriving in any order measure the same as the render's own first
    /// pass, bit for bit, and the render that uses the measurement writes the
    /// same samples.
    #[test]
    fn the_prefix_measurement_is_the_first_pass() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), SPEC).unwrap();
        let n = 9;
        let mut prefix = PrefixMeter::new(SPEC, items(n)).unwrap();
        for i in [3, 0, 1, 8, 2, 5, 4, 7, 6] {
            let c = clip(i);
            spool.put(SegmentIndex(i), &c).unwrap();
            prefix.arrived(&mut spool, SegmentIndex(i), &c).unwrap();
        }
        let programme = Programme::layout(&spool, items(n)).unwrap();
        let measured = prefix.finish(&programme).expect("the planned programme");

        let mut whole = Meter::integrated(SPEC);
        let mut end = 0;
        for place in &programme.timeline {
            whole.add(&vec![0.0; (place.start.0 - end) as usize * 2]);
            whole.add(spool.get(place.key).unwrap().samples());
            end = place.end.0;
        }
        assert_eq!(measured, whole.finish());

        let fast = rendered(&mut spool, &programme, Some(measured));
        let slow = rendered(&mut spool, &programme, None);
        assert_eq!(
            fast, slow,
            "the same samples with the measurement taken early"
        );
    }

    #[test]
    fn a_programme_other_than_the_planned_one_is_measured_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), SPEC).unwrap();
        let mut prefix = PrefixMeter::new(SPEC, items(4)).unwrap();
        for i in 0..4 {
            let c = clip(i);
            spool.put(SegmentIndex(i), &c).unwrap();
            prefix.arrived(&mut spool, SegmentIndex(i), &c).unwrap();
        }
        // Segment 1 failed and its article was dropped.
        let kept: Vec<Item> = items(4).into_iter().filter(|i| i.key.0 != 1).collect();
        let programme = Programme::layout(&spool, kept).unwrap();
        assert!(prefix.finish(&programme).is_none());

        // A clip that never arrives stops the prefix there.
        let mut prefix = PrefixMeter::new(SPEC, items(3)).unwrap();
        let c = clip(2);
        prefix.arrived(&mut spool, SegmentIndex(2), &c).unwrap();
        assert_eq!(prefix.timeline.len(), 3, "0 and 1 are in the spool already");
    }

    #[test]
    fn beds_are_left_to_the_render() {
        let mut with_bed = items(2);
        with_bed[0].bed = Some(crate::assemble::Bed {
            lead: Duration::from_secs(1),
            under: 1,
            duck_db: -12.0,
            tail: Duration::from_secs(1),
        });
        assert!(PrefixMeter::new(SPEC, with_bed).is_none());
    }
}
