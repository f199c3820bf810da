//! run: `bulletin build`, the whole pipeline: ingest → script → synthesize →
//! assemble → write, with the cache, the output lock and the failure policy
//! that make it safe to run from cron.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::assemble::{Bed, Item, Spool};
use crate::audio::PrepareSettings;
use crate::cancel::Cancel;
use crate::config::{Config, Secrets};
use crate::ingest::{self, Article, InputSpec};
use crate::output::{self, FileEntry, Format, Generation, OutputLock, SegmentSource};
use crate::script::{self, Script, SegmentKind};
use crate::tts::{ClipCache, Engine};

use super::artifacts::{write_artifacts, write_err};
use super::error::Error;
use super::policy::{apply_failure_policy, fit_duration, SkippedInput};
use super::synthesize::synthesize;

#[derive(Debug, Clone, PartialEq)]
pub enum CacheChoice {
    /// `BULLETIN_CACHE_DIR`, else the user's cache folder.
    Default,
    Dir(PathBuf),
    Off,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub inputs: Vec<InputSpec>,
    pub voices: PathBuf,
    pub out: PathBuf,
    /// Base name of the artifacts; `bulletin-YYYY-MM-DD` (local date) when absent.
    pub name: Option<String>,
    pub cache: CacheChoice,
    /// How long to wait for another run writing the same name.
    pub wait_lock: Duration,
    /// Drop articles that could not be fully synthesized instead of failing.
    pub skip_failed_articles: bool,
    /// Report and skip unreadable inputs instead of failing.
    pub skip_bad_inputs: bool,
    /// Show a progress bar (a terminal, text logs, not quiet).
    pub progress_bar: bool,
    /// Output formats, overriding `[bulletin] formats`.
    pub formats: Option<Vec<Format>>,
    /// Also write one file per article.
    pub per_article: bool,
    /// Drop the lowest-priority articles, whole, until the bulletin fits.
    pub max_duration: Option<Duration>,
    /// Checked at every safe point; a signal stops the run with nothing written.
    pub cancel: Cancel,
}

impl BuildOptions {
    pub fn new(inputs: Vec<InputSpec>) -> BuildOptions {
        BuildOptions {
            inputs,
            voices: PathBuf::from("voices.toml"),
            out: PathBuf::from("out"),
            name: None,
            cache: CacheChoice::Default,
            wait_lock: Duration::ZERO,
            skip_failed_articles: false,
            skip_bad_inputs: false,
            progress_bar: false,
            formats: None,
            per_article: false,
            max_duration: None,
            cancel: Cancel::never(),
        }
    }
}

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

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let name = artifact_name(opts.name.as_deref())?;
    let config = Config::load(&opts.voices, Secrets::Required, &|k| std::env::var(k).ok())?;
    // Reading a pipe or a terminal cannot be interrupted, and holds nothing to clean up.
    let (articles, skipped) = opts
        .cancel
        .exit_at_once(|| read_inputs(&opts.inputs, opts.skip_bad_inputs))?;
    let script = script::build(&articles, &config.script)?;
    tracing::info!(
        articles = script.articles.len(),
        segments = script.segments.len(),
        "script ready"
    );

    std::fs::create_dir_all(&opts.out).map_err(|source| Error::Write {
        path: opts.out.clone(),
        source,
    })?;
    let _lock = OutputLock::acquire(&opts.out, &name, opts.wait_lock)?;
    output::recover(&opts.out, &name);

    let cache = match &opts.cache {
        CacheChoice::Off => None,
        CacheChoice::Dir(d) => Some(ClipCache::new(d)),
        CacheChoice::Default => {
            ClipCache::default_dir(&|k| std::env::var(k).ok()).map(ClipCache::new)
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::BadArgument(format!("could not start the async runtime: {e}")))?;
    let mut output_settings = config.output.clone();
    if let Some(formats) = &opts.formats {
        output_settings.formats = formats.clone();
    }
    output_settings.per_article |= opts.per_article;
    let mut settings = PrepareSettings::new(config.audio);
    // Level every clip to the programme's target so voices do not jump at the joins.
    settings.level_lufs = output_settings.loudness.as_ref().map(|t| t.integrated_lufs);
    let engine = Engine::new(
        config.backends.clone(),
        config.voices.clone(),
        settings.clone(),
    )?
    .with_cache(cache);
    let spool = Spool::new_in(&opts.out, config.audio).map_err(|source| Error::Write {
        path: opts.out.clone(),
        source,
    })?;
    let mut outcome = runtime.block_on(synthesize(
        engine,
        settings.clone(),
        spool,
        &script,
        opts.progress_bar,
        &opts.cancel,
    ))?;
    // Cancelled tasks (an interrupted run) end with the runtime; their programs are killed.
    runtime.shutdown_timeout(Duration::from_secs(1));

    let (script, mut dropped) = apply_failure_policy(script, &outcome, opts.skip_failed_articles)?;
    // Failed articles make a partial bulletin; fitting the slot is what was asked.
    let partial = !dropped.is_empty() || !skipped.is_empty();
    let (script, too_long) = fit_duration(script, &outcome, &config, opts.max_duration)?;
    dropped.extend(too_long);
    let keys: Vec<usize> = script.segments.iter().map(|s| outcome.ids[&s.id]).collect();
    let items = items_of(&script, &outcome, &config.script.sounds.bed);
    let sources: Vec<SegmentSource> = keys
        .iter()
        .map(|&k| {
            let done = outcome.clips[k]
                .as_ref()
                .expect("kept segments were synthesized");
            SegmentSource {
                voice: done.voice.clone(),
                backend: done.backend.clone(),
                attempts: done.attempts,
                cached: done.cached,
            }
        })
        .collect();

    tracing::info!(segments = items.len(), "rendering the bulletin");
    let mut generation = Generation::new(&opts.out, &name);
    let mut manifest = write_artifacts(
        &mut generation,
        &name,
        &output_settings,
        &script,
        &items,
        &sources,
        &mut outcome.spool,
        &opts.cancel,
    )?;
    manifest.generation = generation.id().to_owned();
    manifest.dropped_articles = serde_json::to_value(&dropped).expect("plain data");
    manifest.skipped_inputs = serde_json::to_value(&skipped).expect("plain data");
    let transcript = output::render_vtt(&manifest.cues());
    let vtt = format!("{name}.vtt");
    generation
        .stage(&vtt, |w| w.write_all(transcript.as_bytes()))
        .map_err(write_err(&generation.path(&vtt)))?;
    manifest.files.push(FileEntry {
        format: "vtt".into(),
        path: vtt,
        article: None,
    });
    let json = serde_json::to_vec_pretty(&manifest).expect("the manifest is plain data");
    // The manifest goes last: its presence means the set is complete.
    let paths = generation.commit(|w| w.write_all(&json), &opts.cancel)?;

    let cached = sources.iter().filter(|s| s.cached).count();
    let requests: u32 = sources.iter().map(|s| s.attempts).sum::<u32>() + outcome.failed_requests;
    tracing::info!(
        articles = script.articles.len(),
        segments = script.segments.len(),
        cached,
        requests,
        dropped_articles = dropped.len(),
        skipped_inputs = skipped.len(),
        duration_ms = manifest.audio.duration_ms,
        integrated_lufs = manifest.loudness.output.integrated_lufs,
        true_peak_dbtp = manifest.loudness.output.true_peak_dbtp,
        loudness_range_lu = manifest.loudness.output.range_lu,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "bulletin written"
    );
    Ok(BuildReport {
        paths,
        duration_ms: manifest.audio.duration_ms,
        segments: script.segments.len(),
        articles: script.articles.len(),
        partial,
    })
}

/// What the renderer places, one item per segment: its clip in the spool, the
/// pause after it, and the least sound it must hold.
pub(super) fn items_of(
    script: &Script,
    outcome: &super::synthesize::Outcome,
    bed: &crate::script::BedSettings,
) -> Vec<Item> {
    let ids = &outcome.ids;
    let rate = outcome.spool.spec().sample_rate;
    script
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut item = Item::new(ids[&s.id], s.pause_after);
            if let (None, Some(done)) = (&s.sound, &outcome.clips[item.key]) {
                // Judged with the speed of the voice that spoke (it may be a fallback).
                let (shortest, _) = crate::tts::plausible_seconds(&s.text, done.speed);
                item.min_frames =
                    crate::audio::Frames::from_duration(Duration::from_secs_f64(shortest), rate);
            }
            if s.bed {
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

/// Reads and parses every input; the first bad one stops the run.
pub fn read_articles(inputs: &[InputSpec]) -> Result<Vec<Article>, Error> {
    read_inputs(inputs, false).map(|(articles, _)| articles)
}

/// Reads every input. With `skip_bad`, unreadable inputs are reported and
/// left out, as long as at least one article remains.
fn read_inputs(
    inputs: &[InputSpec],
    skip_bad: bool,
) -> Result<(Vec<Article>, Vec<SkippedInput>), Error> {
    if !skip_bad {
        let documents = ingest::collect(inputs)?;
        let articles = documents
            .iter()
            .map(ingest::parse_document)
            .collect::<Result<Vec<_>, _>>()?
            .concat();
        return Ok((articles, Vec::new()));
    }
    let mut articles = Vec::new();
    let mut skipped = Vec::new();
    let mut first_error = None;
    for input in inputs {
        for document in ingest::collect_each(input) {
            match document.and_then(|doc| ingest::parse_document(&doc)) {
                Ok(found) => articles.extend(found),
                Err(e) => {
                    tracing::warn!("skipping an input: {e}");
                    skipped.push(SkippedInput {
                        origin: e.origin().to_owned(),
                        error: e.to_string(),
                    });
                    first_error.get_or_insert(e);
                }
            }
        }
    }
    match (articles.is_empty(), first_error) {
        (true, Some(e)) => Err(e.into()),
        _ => Ok((articles, skipped)),
    }
}

fn artifact_name(name: Option<&str>) -> Result<String, Error> {
    let name = match name {
        Some(n) => n.to_owned(),
        None => format!("bulletin-{}", chrono::Local::now().format("%Y-%m-%d")),
    };
    let bad = name.is_empty()
        || name.starts_with('.')
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '\0') || c.is_control());
    if bad {
        return Err(Error::BadArgument(format!(
            "--name `{name}` must be a plain file name (no folders, not starting with a dot)"
        )));
    }
    Ok(name)
}

/// Whether a progress bar suits this run: a terminal on stderr.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain_file_names() {
        assert!(artifact_name(Some("morning")).is_ok());
        assert!(artifact_name(Some("../evil")).is_err());
        assert!(artifact_name(Some(".hidden")).is_err());
        assert!(artifact_name(Some("")).is_err());
        assert!(artifact_name(None).unwrap().starts_with("bulletin-20"));
    }
}
