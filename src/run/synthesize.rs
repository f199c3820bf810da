//! run: the synthesis stage of a build: every segment to its backend (or its
//! sound file) concurrently, each clip prepared and spooled to disk as it
//! arrives, failures collected, SIGINT/SIGTERM honoured.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::assemble::Spool;
use crate::audio::{Clip, Frames, PrepareSettings};
use crate::script::Script;
use crate::tts::{Engine, SegmentFailure, Synthesized};

use super::error::Error;

/// Every segment's result, in script order; the clips themselves are in the spool.
pub(super) struct Outcome {
    pub(super) clips: Vec<Option<Synthesized>>,
    pub(super) failures: Vec<(usize, SegmentFailure)>,
    /// Requests spent on segments that failed in the end.
    pub(super) failed_requests: u32,
    pub(super) ids: BTreeMap<String, usize>,
    pub(super) spool: Spool,
}

/// Synthesizes every segment concurrently (each backend caps its own
/// concurrency; station sounds are read from their files), prepares each clip
/// for the bulletin as it arrives and spools it to disk, so memory stays flat
/// however long the bulletin. Stops cleanly on SIGINT or SIGTERM.
pub(super) async fn synthesize(
    engine: Engine,
    settings: PrepareSettings,
    spool: Spool,
    script: &Script,
    progress_bar: bool,
    cancel: &crate::cancel::Cancel,
) -> Result<Outcome, Error> {
    let engine = Arc::new(engine);
    let settings = Arc::new(settings);
    type Done = (
        usize,
        Result<Synthesized, SegmentFailure>,
        tokio::sync::OwnedSemaphorePermit,
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Done>();
    // Bounds the clips in memory, in flight or waiting to be spooled: a permit
    // travels with each clip until it is on disk.
    let in_memory = Arc::new(tokio::sync::Semaphore::new(32));
    for (index, segment) in script.segments.iter().enumerate() {
        let (engine, settings, tx, in_memory) = (
            Arc::clone(&engine),
            Arc::clone(&settings),
            tx.clone(),
            Arc::clone(&in_memory),
        );
        let segment = segment.clone();
        tokio::spawn(async move {
            let permit = in_memory.acquire_owned().await.expect("never closed");
            let result = match &segment.sound {
                Some(path) => load_sound(path, &settings).await,
                None => engine.synthesize(&segment.voice, &segment.text).await,
            };
            let _ = tx.send((index, result, permit));
        });
    }
    drop(tx);

    let total = script.segments.len();
    let bar = progress_bar.then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} segments {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let mut outcome = Outcome {
        clips: (0..total).map(|_| None).collect(),
        failures: Vec::new(),
        failed_requests: 0,
        ids: script
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect(),
        spool,
    };
    let mut interrupted = std::pin::pin!(cancel.wait());
    let mut done = 0;
    loop {
        let (index, result, _permit) = tokio::select! {
            next = rx.recv() => match next {
                Some(n) => n,
                None => break,
            },
            signal = &mut interrupted => {
                if let Some(bar) = &bar {
                    bar.abandon();
                }
                return Err(Error::Interrupted(signal));
            }
        };
        done += 1;
        let segment = &script.segments[index];
        match result {
            Ok(mut synth) => {
                let fields = (
                    synth.clip.duration().as_millis() as u64,
                    synth.attempts.saturating_sub(1),
                );
                if bar.is_some() {
                    tracing::debug!(segment = %segment.id, voice = %synth.voice, backend = %synth.backend, audio_ms = fields.0, cached = synth.cached, retries = fields.1, "synthesized");
                } else {
                    tracing::info!(segment = %segment.id, voice = %synth.voice, backend = %synth.backend, audio_ms = fields.0, cached = synth.cached, retries = fields.1, "[{done}/{total}] synthesized");
                }
                outcome
                    .spool
                    .put(index, &synth.clip)
                    .map_err(|source| Error::Write {
                        path: PathBuf::from("spool"),
                        source,
                    })?;
                synth.clip = Clip::silence(synth.clip.spec(), Frames(0));
                outcome.clips[index] = Some(synth);
            }
            Err(failure) => {
                tracing::error!(segment = %segment.id, voice = %failure.voice, backend = %failure.backend, attempts = failure.attempts, "[{done}/{total}] {failure}");
                outcome.failed_requests += failure.attempts;
                outcome.failures.push((index, failure));
            }
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    outcome.failures.sort_by_key(|(i, _)| *i);
    Ok(outcome)
}

/// A station sound from its file, in any format the decoder reads, converted
/// to the bulletin's format. Sounds are mastered: not trimmed or levelled.
pub(super) async fn load_sound(
    path: &Path,
    settings: &PrepareSettings,
) -> Result<Synthesized, SegmentFailure> {
    let started = Instant::now();
    let fail = |message: String| SegmentFailure {
        voice: String::new(),
        backend: "sound file".into(),
        attempts: 1,
        elapsed: started.elapsed(),
        error: crate::tts::AttemptError::fatal(message),
    };
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    let clip =
        crate::audio::decode(&bytes).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let (spec, fade) = (settings.spec, settings.fade);
    let clip = tokio::task::spawn_blocking(move || {
        let mut clip = crate::audio::convert(clip, spec);
        crate::audio::fade_edges(&mut clip, fade);
        clip
    })
    .await
    .map_err(|e| fail(format!("{}: converting failed: {e}", path.display())))?;
    Ok(Synthesized {
        source_spec: clip.spec(),
        clip,
        voice: String::new(),
        speed: 1.0,
        backend: "sound file".into(),
        attempts: 0,
        cached: false,
        elapsed: started.elapsed(),
    })
}
