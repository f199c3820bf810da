//! assemble: the spooled clips and their pauses → the finished programme, in
//! two streaming passes over the spool. The first measures loudness (ITU-R
//! BS.1770) of the programme and of each article; the second applies each
//! gain and its true-peak limiter and hands the samples to the sinks: the
//! programme's (WAV, MP3) and each article's. Memory holds one clip at a time.

use std::io;
use std::time::Duration;

use crate::audio::{AudioSpec, Frames, Limiter, Loudness, LoudnessTarget, Meter};
use crate::cancel::{Cancel, Interrupted};
use crate::script::SegmentIndex;

use super::spool::Spool;

/// Where rendered samples go: one per artifact. Errors carry their own
/// context (the file), so they are boxed as they are.
pub trait Sink {
    fn write(&mut self, samples: &[f32]) -> Result<(), SinkError>;
    /// After the last samples, with the loudness of everything written.
    fn finish(&mut self, loudness: &Loudness) -> Result<(), SinkError>;
}

pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("failed to read the clip spool: {0}")]
    Spool(#[source] io::Error),
    #[error(transparent)]
    Sink(SinkError),
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// A programme that breaks an invariant: a bug upstream, never aired.
    #[error("internal error: {0}")]
    Invariant(String),
}

/// One thing placed in the programme: a spooled clip and the pause after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Item {
    /// The clip's key in the spool.
    pub key: SegmentIndex,
    pub pause_after: Duration,
    /// Set for a music bed: mixed under the items that follow it instead of
    /// placed before them.
    pub bed: Option<Bed>,
    /// The least sound this item may hold: a spoken segment's plausible
    /// minimum. Synthesis guarantees it; layout checks it as an invariant, so
    /// a zero-length segment can never reach air.
    pub min_frames: Frames,
    /// The article the item belongs to, for per-article files.
    pub article: Option<usize>,
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
    pub fn new(key: SegmentIndex, pause_after: Duration) -> Item {
        Item {
            key,
            pause_after,
            bed: None,
            min_frames: Frames(0),
            article: None,
        }
    }
}

/// Where one item's sound lies in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub key: SegmentIndex,
    pub start: Frames,
    pub end: Frames,
}

/// A stretch of the programme, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Frames,
    pub end: Frames,
}

/// The laid-out programme: every item's place, before any sample is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    pub spec: AudioSpec,
    pub items: Vec<Item>,
    /// One placement per item, in order.
    pub timeline: Vec<Placement>,
    pub frames: Frames,
}

impl Programme {
    /// Lays out `items` from the clips in `spool`: each clip follows the
    /// previous one's pause; the pause after the last item is not added, so
    /// the programme ends on its last word. Checks that every item holds at
    /// least its minimum of sound.
    pub fn layout(spool: &Spool, items: Vec<Item>) -> Result<Programme, RenderError> {
        for item in &items {
            let have = spool.frames(item.key);
            if have < item.min_frames {
                return Err(RenderError::Invariant(format!(
                    "segment {} holds {} frames of sound, less than its plausible minimum of {}",
                    item.key.0, have.0, item.min_frames.0
                )));
            }
        }
        let spec = spool.spec();
        let timeline = timeline(spool, &items);
        let frames = timeline.iter().map(|p| p.end).max().unwrap_or(Frames(0));
        Ok(Programme {
            spec,
            items,
            timeline,
            frames,
        })
    }

    pub fn duration(&self) -> Duration {
        self.frames.to_duration(self.spec.sample_rate)
    }

    /// Where article `a` lies: from its first item's start to its last item's end.
    pub fn article_span(&self, a: usize) -> Option<Span> {
        let mut places = self
            .items
            .iter()
            .zip(&self.timeline)
            .filter(|(item, _)| item.article == Some(a))
            .map(|(_, p)| p);
        let first = places.next()?;
        let end = places.fold(first.end, |end, p| end.max(p.end));
        Some(Span {
            start: first.start,
            end,
        })
    }
}

fn timeline(spool: &Spool, items: &[Item]) -> Vec<Placement> {
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

/// The sinks a render feeds: the whole programme's, and each article's with
/// the article it takes.
#[derive(Default)]
pub struct Outputs<'a> {
    pub programme: Vec<&'a mut dyn Sink>,
    pub articles: Vec<(usize, &'a mut dyn Sink)>,
    /// The programme's loudness when already measured (by a
    /// [`PrefixMeter`](super::PrefixMeter) during synthesis): the first pass
    /// is then skipped unless articles need measuring.
    pub measured: Option<Loudness>,
}

/// What one chain (the programme, or one article) measured and did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    /// Loudness before normalization (after per-clip levelling).
    pub measured: Loudness,
    /// Loudness of the output.
    pub loudness: Loudness,
    pub gain_db: f64,
}

/// What rendering did.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub spec: AudioSpec,
    pub frames: Frames,
    pub timeline: Vec<Placement>,
    pub programme: Levels,
    /// Per article with a sink, by article index.
    pub articles: Vec<(usize, Levels)>,
}

/// Renders `programme` from `spool` into `outputs`, each chain brought to
/// `target` (or passed through unchanged when `target` is `None`). Every
/// chunk is a checkpoint for `cancel`: a long programme stops at once on a
/// signal.
pub fn render(
    spool: &mut Spool,
    programme: &Programme,
    target: Option<&LoudnessTarget>,
    cancel: &Cancel,
    outputs: Outputs<'_>,
) -> Result<Rendered, RenderError> {
    let spec = programme.spec;
    let article_spans: Vec<(usize, Span)> = outputs
        .articles
        .iter()
        .filter_map(|(a, _)| programme.article_span(*a).map(|s| (*a, s)))
        .collect();

    // Pass 1: measure the programme and each article. Only the integrated
    // loudness decides the gain; the range and true peak of the input are read
    // off pass 2 (a gain changes neither but by itself).
    let mut whole = Meter::integrated(spec);
    let mut parts: Vec<Meter> = article_spans
        .iter()
        .map(|_| Meter::integrated(spec))
        .collect();
    let measured = match outputs.measured {
        Some(measured) if parts.is_empty() => measured,
        _ => {
            walk(spool, programme, cancel, &mut |start, chunk| {
                whole.add(chunk);
                for ((_, span), meter) in article_spans.iter().zip(&mut parts) {
                    if let Some(piece) = within(chunk, start, *span, spec.channels) {
                        meter.add(piece);
                    }
                }
                Ok(())
            })?;
            whole.finish()
        }
    };
    let mut sinks_by_article = outputs.articles;
    let mut article_chains: Vec<(usize, Span, Meter, Vec<&mut dyn Sink>)> = Vec::new();
    for ((a, span), meter) in article_spans.iter().zip(parts) {
        if let Some(pos) = sinks_by_article.iter().position(|(x, _)| x == a) {
            let (_, sink) = sinks_by_article.swap_remove(pos);
            article_chains.push((*a, *span, meter, vec![sink]));
        }
    }

    // Pass 2: gain, limit, write; the programme's output meter (the costliest
    // part) runs on two threads beside this one.
    std::thread::scope(|scope| {
        let mut main = Chain::new(spec, target, measured, outputs.programme, Some(scope));
        let mut chains: Vec<(usize, Span, Chain<'_, '_>)> = article_chains
            .into_iter()
            .map(|(a, span, meter, sinks)| {
                (
                    a,
                    span,
                    Chain::new(spec, target, meter.finish(), sinks, None),
                )
            })
            .collect();
        walk(spool, programme, cancel, &mut |start, chunk| {
            main.process(chunk)?;
            for (_, span, chain) in &mut chains {
                if let Some(piece) = within(chunk, start, *span, spec.channels) {
                    chain.process(piece)?;
                }
            }
            Ok(())
        })?;
        let programme_levels = main.finish()?;
        let mut articles = Vec::new();
        for (a, _, chain) in chains {
            articles.push((a, chain.finish()?));
        }
        Ok(Rendered {
            spec,
            frames: programme.frames,
            timeline: programme.timeline.clone(),
            programme: programme_levels,
            articles,
        })
    })
}

/// The part of `chunk` (starting at frame `start`) that lies within `span`.
fn within(chunk: &[f32], start: Frames, span: Span, channels: u16) -> Option<&[f32]> {
    let channels = usize::from(channels.max(1)) as u64;
    let frames = chunk.len() as u64 / channels;
    let from = span.start.0.max(start.0);
    let to = span.end.0.min(start.0 + frames);
    if from >= to {
        return None;
    }
    let (a, b) = ((from - start.0) * channels, (to - start.0) * channels);
    chunk.get(a as usize..b as usize)
}

/// Samples handed to a meter thread at a time: small enough that the queue
/// holds little audio, large enough that sending costs nothing.
const METER_PIECE: usize = 32 * 1024;

/// Where a chain's output is measured: here, or on threads of their own.
enum Metering<'scope> {
    Inline(Box<Meter>),
    Threads {
        loudness: MeterThread<'scope>,
        peak: MeterThread<'scope>,
    },
}

/// A meter on a thread, fed through a short queue.
struct MeterThread<'scope> {
    feed: std::sync::mpsc::SyncSender<std::sync::Arc<[f32]>>,
    done: std::thread::ScopedJoinHandle<'scope, Loudness>,
}

impl<'scope> MeterThread<'scope> {
    fn spawn<'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        mut meter: Meter,
    ) -> MeterThread<'scope> {
        let (feed, pieces) = std::sync::mpsc::sync_channel::<std::sync::Arc<[f32]>>(8);
        let done = scope.spawn(move || {
            for piece in pieces {
                meter.add(&piece);
            }
            meter.finish()
        });
        MeterThread { feed, done }
    }
}

impl Metering<'_> {
    fn add(&mut self, samples: &[f32]) {
        match self {
            Metering::Inline(m) => m.add(samples),
            Metering::Threads { loudness, peak } => {
                for piece in samples.chunks(METER_PIECE) {
                    let shared: std::sync::Arc<[f32]> = piece.into();
                    // A meter thread only stops when it panics; its result says so.
                    let _ = loudness.feed.send(std::sync::Arc::clone(&shared));
                    let _ = peak.feed.send(shared);
                }
            }
        }
    }

    fn finish(self) -> Result<Loudness, RenderError> {
        match self {
            Metering::Inline(m) => Ok(m.finish()),
            Metering::Threads { loudness, peak } => {
                drop((loudness.feed, peak.feed));
                let join = |h: std::thread::ScopedJoinHandle<'_, Loudness>| {
                    h.join()
                        .map_err(|_| RenderError::Invariant("a meter thread panicked".into()))
                };
                Ok(Loudness::merge(join(loudness.done)?, join(peak.done)?))
            }
        }
    }
}

/// Gain, limiter, meter and sinks for one output.
struct Chain<'a, 'scope> {
    gain: f32,
    gain_db: f64,
    measured: Loudness,
    limiter: Option<Limiter>,
    meter: Metering<'scope>,
    scaled: Vec<f32>,
    limited: Vec<f32>,
    sinks: Vec<&'a mut dyn Sink>,
}

impl<'a, 'scope> Chain<'a, 'scope> {
    fn new<'env>(
        spec: AudioSpec,
        target: Option<&LoudnessTarget>,
        measured: Loudness,
        sinks: Vec<&'a mut dyn Sink>,
        threads: Option<&'scope std::thread::Scope<'scope, 'env>>,
    ) -> Chain<'a, 'scope> {
        let gain_db = match (target, measured.integrated()) {
            (Some(t), Some(now)) => t.integrated_lufs - now,
            _ => 0.0,
        };
        let meter = match threads {
            Some(scope) => {
                let (loudness, peak) = Meter::split(spec);
                Metering::Threads {
                    loudness: MeterThread::spawn(scope, loudness),
                    peak: MeterThread::spawn(scope, peak),
                }
            }
            None => Metering::Inline(Box::new(Meter::new(spec))),
        };
        Chain {
            gain: 10f32.powf(gain_db as f32 / 20.0),
            gain_db,
            measured,
            limiter: target.map(|t| Limiter::new(spec, t.true_peak_dbtp)),
            meter,
            scaled: Vec::new(),
            limited: Vec::new(),
            sinks,
        }
    }

    fn process(&mut self, chunk: &[f32]) -> Result<(), RenderError> {
        self.scaled.clear();
        self.scaled.extend(chunk.iter().map(|s| s * self.gain));
        let ready = match &mut self.limiter {
            Some(l) => {
                self.limited.clear();
                l.process(&self.scaled, &mut self.limited);
                &self.limited
            }
            None => &self.scaled,
        };
        self.meter.add(ready);
        for sink in &mut self.sinks {
            sink.write(ready).map_err(RenderError::Sink)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Levels, RenderError> {
        if let Some(l) = &mut self.limiter {
            self.limited.clear();
            l.flush(&mut self.limited);
            self.meter.add(&self.limited);
            for sink in &mut self.sinks {
                sink.write(&self.limited).map_err(RenderError::Sink)?;
            }
        }
        let loudness = self.meter.finish()?;
        for sink in &mut self.sinks {
            sink.finish(&loudness).map_err(RenderError::Sink)?;
        }
        // What came in: the output, unscaled, unless the limiter changed it;
        // then the peak the limiter found at its input.
        let scaled_in_peak = self
            .limiter
            .as_ref()
            .and_then(Limiter::input_true_peak_db)
            .unwrap_or(loudness.true_peak_dbtp);
        let measured = Loudness {
            range_lu: loudness.range_lu,
            true_peak_dbtp: scaled_in_peak - self.gain_db,
            ..self.measured
        };
        Ok(Levels {
            measured,
            loudness,
            gain_db: self.gain_db,
        })
    }
}

/// Takes a chunk of the programme and the frame it starts at.
type ChunkFn<'a> = dyn FnMut(Frames, &[f32]) -> Result<(), RenderError> + 'a;
type EmitFn<'a> = dyn FnMut(Frames, &mut Vec<f32>) -> Result<(), RenderError> + 'a;

/// Feeds the programme's raw samples (clips, silences, and beds mixed under
/// them) to `f` in order, with the frame each chunk starts at.
/// Frames of a clip handed down the chain at a time.
const CLIP_PIECE_FRAMES: usize = 64 * 1024;

fn walk(
    spool: &mut Spool,
    programme: &Programme,
    cancel: &Cancel,
    f: &mut ChunkFn<'_>,
) -> Result<(), RenderError> {
    let channels = usize::from(programme.spec.channels);
    let beds = beds(spool, programme).map_err(RenderError::Spool)?;
    let mut at = Frames(0);
    let mut buffer = Vec::with_capacity(CLIP_PIECE_FRAMES * channels.max(1));
    let mut emit = |start: Frames, chunk: &mut Vec<f32>| -> Result<(), RenderError> {
        cancel.check()?;
        for bed in &beds {
            bed.mix(start, chunk, channels);
        }
        f(start, chunk)
    };
    for (place, item) in programme.timeline.iter().zip(&programme.items) {
        if item.bed.is_some() {
            continue;
        }
        emit_silence(&mut at, place.start, channels, &mut emit)?;
        let clip = spool.get(place.key).map_err(RenderError::Spool)?;
        // In pieces, so that the chain's working buffers stay small however
        // long one clip is.
        let mut start = at;
        for piece in clip.samples().chunks(CLIP_PIECE_FRAMES * channels.max(1)) {
            buffer.clear();
            buffer.extend_from_slice(piece);
            emit(start, &mut buffer)?;
            start += Frames((piece.len() / channels.max(1)) as u64);
        }
        at = place.end;
    }
    // A bed's tail may outlast the last word.
    emit_silence(&mut at, programme.frames, channels, &mut emit)
}

fn emit_silence(
    at: &mut Frames,
    until: Frames,
    channels: usize,
    emit: &mut EmitFn<'_>,
) -> Result<(), RenderError> {
    let mut chunk = Vec::new();
    while *at < until {
        let n = (until.0 - at.0).min(4096);
        chunk.clear();
        chunk.resize(n as usize * channels, 0.0);
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

fn beds(spool: &mut Spool, programme: &Programme) -> io::Result<Vec<BedMix>> {
    let rate = spool.spec().sample_rate;
    let timeline = &programme.timeline;
    let mut out = Vec::new();
    for (i, item) in programme.items.iter().enumerate() {
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

    /// A sink that keeps everything.
    #[derive(Default)]
    struct Collect {
        samples: Vec<f32>,
        finished: Option<Loudness>,
    }

    impl Sink for Collect {
        fn write(&mut self, samples: &[f32]) -> Result<(), SinkError> {
            self.samples.extend_from_slice(samples);
            Ok(())
        }
        fn finish(&mut self, loudness: &Loudness) -> Result<(), SinkError> {
            self.finished = Some(*loudness);
            Ok(())
        }
    }

    fn key(k: usize) -> SegmentIndex {
        SegmentIndex(k)
    }

    /// Renders without normalization; returns the report and every sample.
    fn render_all(spool: &mut Spool, items: Vec<Item>) -> (Rendered, Vec<f32>) {
        let programme = Programme::layout(spool, items).unwrap();
        let mut out = Collect::default();
        let r = render(
            spool,
            &programme,
            None,
            &Cancel::never(),
            Outputs {
                programme: vec![&mut out],
                articles: vec![],
                measured: None,
            },
        )
        .unwrap();
        assert!(out.finished.is_some());
        (r, out.samples)
    }

    const SPEC: AudioSpec = AudioSpec {
        sample_rate: 1000,
        channels: 1,
    };

    fn spool_with(clips: &[(usize, usize, f32)]) -> (tempfile::TempDir, Spool) {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), SPEC).unwrap();
        for &(k, frames, value) in clips {
            spool
                .put(key(k), &Clip::new(SPEC, vec![value; frames]))
                .unwrap();
        }
        (dir, spool)
    }

    #[test]
    fn pauses_sit_between_clips_and_the_timeline_follows() {
        let (_dir, mut spool) = spool_with(&[(0, 100, 0.5), (1, 50, -0.5), (2, 10, 0.25)]);
        let items = vec![
            Item::new(key(0), Duration::from_millis(250)),
            Item::new(key(1), Duration::from_millis(40)),
            Item::new(key(2), Duration::from_millis(900)),
        ];
        let (r, s) = render_all(&mut spool, items);
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
        assert_eq!(r.programme.gain_db, 0.0);
    }

    #[test]
    fn an_item_shorter_than_its_minimum_is_refused() {
        let (_dir, spool) = spool_with(&[(0, 100, 0.5), (1, 0, 0.0)]);
        let mut items = vec![
            Item::new(key(0), Duration::from_millis(250)),
            Item::new(key(1), Duration::ZERO),
        ];
        items[1].min_frames = Frames(120);
        let err = Programme::layout(&spool, items.clone()).unwrap_err();
        assert!(
            err.to_string().contains("segment 1 holds 0 frames"),
            "{err}"
        );
        items[1].min_frames = Frames(0);
        assert!(Programme::layout(&spool, items).is_ok());
    }

    #[test]
    fn a_bed_plays_alone_then_ducks_under_the_voice_then_fades() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), SPEC).unwrap();
        spool
            .put(key(0), &Clip::new(SPEC, vec![0.1; 10_000]))
            .unwrap(); // 10 s of bed
        spool
            .put(key(1), &Clip::new(SPEC, vec![0.5; 2000]))
            .unwrap(); // 2 s of voice
        spool
            .put(key(2), &Clip::new(SPEC, vec![0.5; 1000]))
            .unwrap(); // the next item
        let bed = Bed {
            lead: Duration::from_secs(2),
            under: 1,
            duck_db: 20.0,
            tail: Duration::from_secs(1),
        };
        let items = vec![
            Item {
                bed: Some(bed),
                ..Item::new(key(0), Duration::ZERO)
            },
            Item::new(key(1), Duration::from_millis(2000)),
            Item::new(key(2), Duration::ZERO),
        ];
        let (r, s) = render_all(&mut spool, items);
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
    fn the_output_and_each_article_are_brought_to_the_target() {
        let spec = AudioSpec {
            sample_rate: 48000,
            channels: 1,
        };
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new_in(dir.path(), spec).unwrap();
        // Two "voices" 12 dB apart; articles 0 and 1 take two clips each.
        for (k, amp) in [(0, 0.5f32), (1, 0.125), (2, 0.5), (3, 0.125)] {
            let tone: Vec<f32> = (0..48000)
                .map(|i| (i as f32 * 0.0523).sin() * amp * (1.0 + (i as f32 * 0.0004).sin()) / 2.0)
                .collect();
            spool.put(key(k), &Clip::new(spec, tone)).unwrap();
        }
        let items: Vec<Item> = (0..4)
            .map(|k| Item {
                article: Some(k / 2),
                ..Item::new(key(k), Duration::from_millis(300))
            })
            .collect();
        let programme = Programme::layout(&spool, items).unwrap();
        let (mut whole, mut first, mut second) =
            (Collect::default(), Collect::default(), Collect::default());
        let r = render(
            &mut spool,
            &programme,
            Some(&LoudnessTarget::broadcast()),
            &Cancel::never(),
            Outputs {
                programme: vec![&mut whole],
                articles: vec![(0, &mut first), (1, &mut second)],
                measured: None,
            },
        )
        .unwrap();
        assert_eq!(whole.samples.len() as u64, r.frames.0);
        let span = programme.article_span(1).unwrap();
        assert_eq!(second.samples.len() as u64, span.end.0 - span.start.0);
        for levels in std::iter::once(&r.programme).chain(r.articles.iter().map(|(_, l)| l)) {
            let i = levels.loudness.integrated().unwrap();
            assert!((i + 23.0).abs() < 0.5, "{i} LUFS");
            assert!(levels.loudness.true_peak().unwrap() <= -1.0 + 1e-6);
        }
        assert_eq!(first.finished, Some(r.articles[0].1.loudness));
        // What came in, as a full meter over the unnormalized programme reads it.
        let mut raw = Collect::default();
        let plain = render(
            &mut spool,
            &programme,
            None,
            &Cancel::never(),
            Outputs {
                programme: vec![&mut raw],
                articles: vec![],
                measured: None,
            },
        )
        .unwrap();
        let mut full = Meter::new(spec);
        full.add(&raw.samples);
        let full = full.finish();
        for got in [r.programme.measured, plain.programme.measured] {
            assert!((got.integrated_lufs - full.integrated_lufs).abs() < 1e-9);
            assert!(
                (got.true_peak_dbtp - full.true_peak_dbtp).abs() < 0.05,
                "{got} vs {full}"
            );
            assert!(
                (got.range_lu - full.range_lu).abs() < 0.1,
                "{got} vs {full}"
            );
        }
    }

    #[test]
    fn a_signal_stops_the_render() {
        let (_dir, mut spool) = spool_with(&[(0, 100, 0.5)]);
        let programme = Programme::layout(&spool, vec![Item::new(key(0), Duration::ZERO)]).unwrap();
        let cancel = Cancel::never();
        cancel.request(15);
        let mut out = Collect::default();
        let err = render(
            &mut spool,
            &programme,
            None,
            &cancel,
            Outputs {
                programme: vec![&mut out],
                articles: vec![],
                measured: None,
            },
        )
        .unwrap_err();
        assert!(matches!(err, RenderError::Interrupted(_)));
        assert!(out.samples.is_empty());
    }
}
