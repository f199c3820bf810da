//! run: the consumer of the synthesis stage: each clip spooled to disk as it
//! arrives, its metadata kept, failures collected, progress shown, and a
//! signal honoured at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::assemble::{PrefixMeter, Spool};
use crate::cancel::Cancel;
use crate::script::{Content, Script, SegmentIndex};
use crate::tts::{self, ClipMeta, Engine, Job, SegmentFailure};

use super::error::Error;

/// Every segment's result; the clips themselves are in the spool.
pub(super) struct Outcome {
    pub(super) made: BTreeMap<SegmentIndex, ClipMeta>,
    pub(super) failures: BTreeMap<SegmentIndex, SegmentFailure>,
    /// Requests spent on segments that failed in the end.
    pub(super) failed_requests: u32,
    pub(super) spool: Spool,
    /// The programme measured as its clips arrived in order, if planned.
    pub(super) prefix: Option<PrefixMeter>,
}

/// Makes a clip for every segment of `script` (each backend caps its own
/// concurrency; station sounds are read from their files) and spools each as
/// it arrives, so memory stays flat however long the bulletin. `prefix`, when
/// given, measures the programme's in-order prefix as clips come in.
pub(super) async fn synthesize(
    engine: Engine,
    mut spool: Spool,
    mut prefix: Option<PrefixMeter>,
    script: &Script,
    progress_bar: bool,
    cancel: &Cancel,
) -> Result<Outcome, Error> {
    let jobs = script
        .segments
        .iter()
        .map(|s| {
            let job = match &s.content {
                Content::Speech(speech) => Job::Speech {
                    voice: speech.voice.clone(),
                    text: speech.text.clone(),
                },
                Content::Sound(sound) => Job::Sound {
                    path: sound.path.clone(),
                },
            };
            (s.index, job)
        })
        .collect();
    let mut deliveries = tts::synthesize_all(Arc::new(engine), jobs);
    let progress = Progress::new(script.segments.len(), progress_bar);
    let mut made = BTreeMap::new();
    let mut failures = BTreeMap::new();
    let mut failed_requests = 0;
    let mut interrupted = std::pin::pin!(cancel.wait());
    loop {
        let delivery = tokio::select! {
            next = deliveries.recv() => match next {
                Some(d) => d,
                None => break,
            },
            signal = &mut interrupted => {
                progress.abandon();
                return Err(Error::Interrupted(signal));
            }
        };
        let segment = script
            .segment(delivery.key)
            .expect("every delivery is for a segment of the script");
        match delivery.result {
            Ok(done) => {
                progress.made(&segment.id, &done.meta, done.clip.duration());
                spool.put(segment.index, &done.clip).map_err(Error::Spool)?;
                if let Some(prefix) = &mut prefix {
                    prefix
                        .arrived(&mut spool, segment.index, &done.clip)
                        .map_err(Error::Spool)?;
                }
                made.insert(segment.index, done.meta);
            }
            Err(failure) => {
                progress.failed(&segment.id, &failure);
                failed_requests += failure.attempts;
                failures.insert(segment.index, failure);
            }
        }
    }
    progress.finish();
    Ok(Outcome {
        made,
        failures,
        failed_requests,
        spool,
        prefix,
    })
}

/// A bar on a terminal; one log line per segment otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: std::cell::Cell<usize>,
}

impl Progress {
    fn new(total: usize, bar: bool) -> Progress {
        let bar = bar.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} segments {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            total,
            done: std::cell::Cell::new(0),
        }
    }

    fn made(&self, id: &str, meta: &ClipMeta, audio: std::time::Duration) {
        let done = self.step();
        let (total, audio_ms, retries) = (
            self.total,
            audio.as_millis() as u64,
            meta.attempts.saturating_sub(1),
        );
        if self.bar.is_some() {
            tracing::debug!(segment = %id, voice = %meta.voice, backend = %meta.backend, audio_ms, cached = meta.cached, retries, "synthesized");
        } else {
            tracing::info!(segment = %id, voice = %meta.voice, backend = %meta.backend, audio_ms, cached = meta.cached, retries, "[{done}/{total}] synthesized");
        }
    }

    fn failed(&self, id: &str, failure: &SegmentFailure) {
        let done = self.step();
        let total = self.total;
        tracing::error!(segment = %id, voice = %failure.voice, backend = %failure.backend, attempts = failure.attempts, "[{done}/{total}] {failure}");
    }

    fn step(&self) -> usize {
        self.done.set(self.done.get() + 1);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        self.done.get()
    }

    fn abandon(&self) {
        if let Some(bar) = &self.bar {
            bar.abandon();
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
