//! run: `bulletin build`, the whole pipeline: ingest → script → synthesize →
//! (failure policy) → assemble and write → commit, with the cache, the output
//! lock and the signal handling that make it safe to run from cron.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use crate::assemble::{Bed, Item, PrefixMeter, Programme, Spool};
use crate::audio::Frames;
use crate::cancel::Cancel;
use crate::exit_codes;
use crate::ingest;
use crate::output::{self, Generation, Manifest, OutputLock, SegmentSource, SkippedInput};
use crate::script::{self, Script, SegmentIndex, SegmentKind};
use crate::tts::{self, ClipCache, Engine};

use super::artifacts::{render_error, write_artifacts, Inputs};
use super::error::Error;
use super::metrics::{RunMetrics, Tally};
use super::policy::{apply_failure_policy, failures_of, fit_duration};
use super::settings::{artifact_name, runtime, BuildArgs, BuildSettings};
use super::shard::Shard;
use super::synthesize::{collect, job, synthesize, Outcome};

/// What a finished build produced.
#[derive(Debug)]
pub struct BuildReport {
    /// Every artifact, the manifest last.
    pub paths: Vec<PathBuf>,
    pub duration_ms: u64,
    pub segments: usize,
    pub articles: usize,
    /// Something was left out (a bad input, a failed article): a partial bulletin.
    pub partial: bool,
}

/// `bulletin build` from its arguments: the settings resolved, the build
/// (or a shard's share) run, and with `--metrics-file` the run's metrics
/// written whatever the outcome, a bad configuration included.
pub fn build_command(
    args: BuildArgs,
    env: &dyn Fn(&str) -> Option<String>,
    cancel: Cancel,
) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let metrics_file = args.metrics_file.clone();
    let shard = args.shard;
    let given_name = args.name.clone();
    let mut tally = Tally::default();
    let (result, name) = match BuildSettings::resolve(args, env, cancel) {
        Ok(settings) => {
            tally = Tally::for_backends(
                settings
                    .config
                    .voices
                    .backends()
                    .iter()
                    .map(|b| b.name.as_str()),
            );
            (build_counting(&settings, &mut tally), settings.name.clone())
        }
        Err(e) => (
            Err(e),
            artifact_name(given_name.as_deref()).unwrap_or_else(|_| "bulletin".into()),
        ),
    };
    if let Some(path) = metrics_file {
        let exit_code = match &result {
            Ok(report) if report.partial => exit_codes::PARTIAL,
            Ok(_) => exit_codes::SUCCESS,
            Err(e) => e.exit_code(),
        };
        let metrics = RunMetrics {
            name: &name,
            shard,
            exit_code,
            elapsed: started.elapsed(),
            finished: SystemTime::now(),
            tally: &tally,
        };
        if let Err(e) = metrics.write(&path) {
            tracing::warn!(path = %path.display(), "could not write the metrics file: {e}");
        }
    }
    result
}

pub fn build(settings: &BuildSettings) -> Result<BuildReport, Error> {
    build_counting(settings, &mut Tally::default())
}

/// The clip cache of a run, nothing contacted yet.
fn open_cache(settings: &BuildSettings) -> Result<Option<ClipCache>, Error> {
    settings
        .cache
        .as_ref()
        .map(|c| c.open())
        .transpose()
        .map_err(|e| Error::Cache(e.to_string()))
}

fn build_counting(settings: &BuildSettings, tally: &mut Tally) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let cancel = &settings.cancel;
    // Reading a pipe or a terminal cannot be interrupted, and holds nothing to clean up.
    let read = cancel.exit_at_once(|| super::inputs::read(&settings.read))?;
    let skipped: Vec<SkippedInput> = read.skipped.iter().map(skipped_input).collect();
    let script = script::build(&read.articles, &settings.config.script)?;
    tracing::info!(
        articles = script.articles.len(),
        segments = script.segments.len(),
        "script ready"
    );
    if let Some(shard) = settings.shard {
        return synthesize_share(settings, &script, shard, tally);
    }
    tally.segments = script.segments.len() as u64;

    let out = &settings.out;
    std::fs::create_dir_all(out).map_err(|source| Error::Write {
        path: out.clone(),
        source,
    })?;
    let _lock = OutputLock::acquire(out, &settings.name, settings.wait_lock)?;
    output::recover(out, &settings.name);

    let engine = Engine::new(&settings.config.voices, settings.prepare.clone())?
        .with_cache(open_cache(settings)?)
        .with_budget(tts::MemoryBudget::mib(settings.memory_mib));
    let cache = engine.cache();
    let spool = Spool::new_in(out, settings.config.audio).map_err(Error::Spool)?;
    let bed = &settings.config.script.sounds.bed;
    // Per-article files measure each article in the render's first pass anyway.
    let prefix = (!settings.per_article)
        .then(|| {
            let planned = items_of(&script, &BTreeMap::new(), bed, settings.config.audio);
            PrefixMeter::new(settings.config.audio, planned)
        })
        .flatten();
    let runtime = runtime()?;
    let outcome = runtime.block_on(synthesize(
        engine,
        spool,
        prefix,
        &script,
        settings.progress_bar,
        cancel,
    ));
    // Cancelled tasks (an interrupted run) end with the runtime; their programs are killed.
    runtime.shutdown_timeout(Duration::from_secs(1));
    let mut outcome = outcome?;
    tracing::debug!(
        peak_audio_bytes = crate::audio::audio_in_memory().peak,
        "clips made"
    );
    tally.absorb(&outcome.made, &outcome.failures);
    tally.cache_errors = cache.as_ref().map_or(0, |c| c.errors());

    let (script, mut dropped) =
        apply_failure_policy(script, &outcome, settings.skip_failed_articles)?;
    // Failed articles make a partial bulletin; fitting the slot is what was asked.
    let partial = !dropped.is_empty() || !skipped.is_empty();
    let items = |s: &Script| items_of(s, &outcome.made, bed, outcome.spool.spec());
    let (script, too_long) = fit_duration(script, settings.max_duration, &|s| {
        Ok(Programme::layout(&outcome.spool, items(s))
            .map_err(render_error)?
            .duration())
    })?;
    dropped.extend(too_long);
    let programme = Programme::layout(&outcome.spool, items(&script)).map_err(render_error)?;
    let measured = outcome.prefix.take().and_then(|p| p.finish(&programme));
    tracing::debug!(measured_early = measured.is_some(), "programme laid out");
    let sources = sources_of(&script, &outcome);
    log_notices(settings, &sources);

    tracing::info!(segments = programme.items.len(), "rendering the bulletin");
    let mut generation = Generation::new(out, &settings.name);
    let manifest = write_artifacts(
        &mut generation,
        &mut outcome.spool,
        Inputs {
            name: &settings.name,
            settings: &settings.output,
            per_article: settings.per_article,
            script: &script,
            programme: &programme,
            sources: &sources,
            dropped,
            skipped,
            measured,
        },
        cancel,
    )?;
    let feed = match &settings.feed {
        Some(target) => {
            let bwf = &settings.output.bwf;
            let title = bwf
                .description
                .clone()
                .unwrap_or_else(|| format!("News bulletin {}", settings.name));
            Some(super::feed::stage(
                target,
                &super::feed::FeedInputs {
                    name: &settings.name,
                    manifest: &manifest,
                    channel: &settings.output.channel,
                    title: &title,
                    publisher: &bwf.originator,
                    wait: settings.wait_lock,
                    staged_size: &|f| generation.staged_size(f),
                },
            )?)
        }
        None => None,
    };
    let json = serde_json::to_vec_pretty(&manifest).expect("the manifest is plain data");
    // The manifest goes last: its presence means the set is complete.
    let mut paths = generation.commit(|w| w.write_all(&json), cancel)?;
    // The feed after it: it never names a bulletin that is not all there.
    if let Some(feed) = feed {
        paths.push(feed.commit()?);
    }

    tally.output_seconds = Some(manifest.audio.duration_ms as f64 / 1000.0);
    tally.integrated_lufs = manifest.loudness.output.integrated_lufs;
    log_summary(
        &manifest,
        &sources,
        outcome.failed_requests,
        settings.memory_mib,
        started,
    );
    Ok(BuildReport {
        paths,
        duration_ms: manifest.audio.duration_ms,
        segments: script.segments.len(),
        articles: script.articles.len(),
        partial,
    })
}

/// `--shard K/N`: this worker's share of the segments (by cache key)
/// synthesised into the cache; no bulletin, no output lock. Exit 0 only
/// when every clip of the share is in the shared cache.
fn synthesize_share(
    settings: &BuildSettings,
    script: &Script,
    shard: Shard,
    tally: &mut Tally,
) -> Result<BuildReport, Error> {
    let engine = Engine::new(&settings.config.voices, settings.prepare.clone())?
        .with_cache(open_cache(settings)?);
    let cache = engine
        .cache()
        .ok_or_else(|| Error::BadArgument("--shard needs a clip cache".into()))?;
    let jobs: Vec<_> = script
        .segments
        .iter()
        .filter_map(|s| {
            // Station sounds are read from files by the final build.
            let speech = s.speech()?;
            let mine = engine
                .clip_digest(&speech.voice, &speech.text)
                .map_or(shard.index == 0, |d| shard.owns(&d));
            mine.then(|| (s.index, job(s)))
        })
        .collect();
    tally.segments = jobs.len() as u64;
    tracing::info!(
        shard = %shard,
        segments = jobs.len(),
        of = script.segments.len(),
        cache = %cache.location(),
        "synthesising this shard's share into the cache"
    );
    let runtime = runtime()?;
    let results = runtime.block_on(collect(
        std::sync::Arc::new(engine),
        jobs,
        script,
        settings.progress_bar,
        &settings.cancel,
        |_, _| Ok(()),
    ));
    runtime.shutdown_timeout(Duration::from_secs(1));
    let results = results?;
    tally.absorb(&results.made, &results.failures);
    tally.cache_errors = cache.errors();
    if !results.failures.is_empty() {
        return Err(failures_of(script, &results.failures, tally.segments as usize).into());
    }
    let unstored = cache.unstored();
    if unstored > 0 {
        return Err(Error::Cache(format!(
            "shard {shard}: {unstored} clips could not be stored in the cache {}; \
             the final build would synthesise them again",
            cache.location()
        )));
    }
    let cached = results.made.values().filter(|m| m.cached).count();
    tracing::info!(
        shard = %shard,
        segments = results.made.len(),
        cached,
        synthesized = results.made.len() - cached,
        requests = tally.requests,
        "shard done: its share is in the cache"
    );
    Ok(BuildReport {
        paths: Vec::new(),
        duration_ms: 0,
        segments: results.made.len(),
        articles: script.articles.len(),
        partial: false,
    })
}

fn skipped_input(e: &ingest::IngestError) -> SkippedInput {
    SkippedInput {
        origin: e.origin().to_owned(),
        error: e.to_string(),
    }
}

/// What synthesis says about each segment still in the script.
fn sources_of(script: &Script, outcome: &Outcome) -> BTreeMap<SegmentIndex, SegmentSource> {
    script
        .segments
        .iter()
        .filter_map(|s| {
            let made = outcome.made.get(&s.index)?;
            Some((
                s.index,
                SegmentSource {
                    voice: made.voice.clone(),
                    backend: made.backend.clone(),
                    attempts: made.attempts,
                    cached: made.cached,
                },
            ))
        })
        .collect()
}

/// A backend's notice (its licence, say), once for each backend that speaks
/// in this bulletin.
fn log_notices(settings: &BuildSettings, sources: &BTreeMap<SegmentIndex, SegmentSource>) {
    for spec in settings.config.voices.backends() {
        let Some(notice) = &spec.notice else {
            continue;
        };
        let segments = sources.values().filter(|s| s.backend == spec.name).count();
        if segments > 0 {
            tracing::warn!(backend = %spec.name, segments, "this bulletin airs backend `{}`: {notice}", spec.name);
        }
    }
}

/// The last log line of a build: what was made, from where, how loud.
fn log_summary(
    manifest: &Manifest,
    sources: &BTreeMap<SegmentIndex, SegmentSource>,
    failed_requests: u32,
    memory_mib: u32,
    started: Instant,
) {
    let audio = crate::audio::audio_in_memory();
    let cached = sources.values().filter(|s| s.cached).count();
    let requests: u32 = sources.values().map(|s| s.attempts).sum::<u32>() + failed_requests;
    tracing::info!(
        articles = manifest.articles.len(),
        segments = manifest.segments.len(),
        cached,
        requests,
        dropped_articles = manifest.dropped_articles.len(),
        skipped_inputs = manifest.skipped_inputs.len(),
        duration_ms = manifest.audio.duration_ms,
        integrated_lufs = manifest.loudness.output.integrated_lufs,
        true_peak_dbtp = manifest.loudness.output.true_peak_dbtp,
        loudness_range_lu = manifest.loudness.output.range_lu,
        peak_audio_bytes = audio.peak,
        memory_budget_bytes = u64::from(memory_mib) << 20,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "bulletin written"
    );
}

/// What the renderer places, one item per segment: its clip in the spool, the
/// pause after it, its article, and the least sound it must hold (judged by
/// the clips `made`; none before synthesis).
fn items_of(
    script: &Script,
    made: &BTreeMap<SegmentIndex, tts::ClipMeta>,
    bed: &script::BedSettings,
    spec: crate::audio::AudioSpec,
) -> Vec<Item> {
    let rate = spec.sample_rate;
    script
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut item = Item {
                article: s.article,
                ..Item::new(s.index, s.pause_after)
            };
            if let (Some(speech), Some(made)) = (s.speech(), made.get(&s.index)) {
                // Judged with the speed of the voice that spoke (it may be a fallback).
                let (shortest, _) = tts::plausible_seconds(&speech.text, made.speed);
                item.min_frames = Frames::from_duration(Duration::from_secs_f64(shortest), rate);
            }
            if s.sound().is_some_and(|x| x.role == script::SoundRole::Bed) {
                // The bed runs under the spoken intro that follows it.
                let under = script.segments[i + 1..]
                    .iter()
                    .take_while(|n| n.kind == SegmentKind::Intro)
                    .count();
                item.bed = Some(Bed {
                    lead: bed.lead,
                    under,
                    duck_db: bed.duck_db,
                    tail: bed.tail,
                });
            }
            item
        })
        .collect()
}

/// Whether a progress bar suits this run: a terminal on stderr.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}
