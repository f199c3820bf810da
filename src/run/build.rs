//! run: `bulletin build`, the whole pipeline: ingest → script → synthesize →
//! assemble → write, with the cache, the output lock and the failure policy
//! that make it safe to run from cron.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::assemble::{self, layout, render, AssembleSettings, Bed, Item, Spool};
use crate::audio::{Clip, Frames};
use crate::config::{Config, Secrets};
use crate::ingest::{self, Article, InputSpec};
use crate::output::{
    self, Bext, BwfWriter, Cart, CartSettings, Chapter, FileEntry, Format, Manifest, Mp3Tags,
    OutputLock, OutputSettings, SegmentSource, WavFormat,
};
use crate::script::{self, Script, Segment, SegmentKind};
use crate::tts::{ClipCache, Engine, SegmentFailure, Synthesized};

use super::error::{excerpt, Error, FailedSegment, SynthesisFailures};

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

/// An input left out of the bulletin, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedInput {
    pub origin: String,
    pub error: String,
}

/// An article left out because some of its segments failed.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedArticle {
    pub title: String,
    pub origin: String,
    pub reason: String,
    pub failed_segments: Vec<DroppedSegment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DroppedSegment {
    pub id: String,
    pub text: String,
    pub backend: String,
    pub status: Option<u16>,
    pub attempts: u32,
    pub error: String,
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let name = artifact_name(opts.name.as_deref())?;
    let config = Config::load(&opts.voices, Secrets::Required, &|k| std::env::var(k).ok())?;
    let (articles, skipped) = read_inputs(&opts.inputs, opts.skip_bad_inputs)?;
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
    remove_stale_partials(&opts.out, &name);

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
    let engine = Engine::new(config.backends.clone(), config.voices.clone())?.with_cache(cache);
    let mut settings = AssembleSettings::new(config.audio);
    let mut output_settings = config.output.clone();
    if let Some(formats) = &opts.formats {
        output_settings.formats = formats.clone();
    }
    output_settings.per_article |= opts.per_article;
    // Level every clip to the programme's target so voices do not jump at the joins.
    settings.level_lufs = output_settings.loudness.as_ref().map(|t| t.integrated_lufs);
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
    ))?;
    // Cancelled tasks (an interrupted run) end with the runtime; their programs are killed.
    runtime.shutdown_timeout(Duration::from_secs(1));

    let (script, mut dropped) = apply_failure_policy(script, &outcome, opts.skip_failed_articles)?;
    // Failed articles make a partial bulletin; fitting the slot is what was asked.
    let partial = !dropped.is_empty() || !skipped.is_empty();
    let (script, too_long) = fit_duration(script, &outcome, &config, opts.max_duration)?;
    dropped.extend(too_long);
    let keys: Vec<usize> = script.segments.iter().map(|s| outcome.ids[&s.id]).collect();
    let items = items_of(&script, &outcome.ids, &config.script.sounds.bed);
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

    let written = write_artifacts(
        opts,
        &name,
        &output_settings,
        &script,
        &items,
        &sources,
        &mut outcome.spool,
    )?;
    let mut manifest = written.manifest;
    manifest.dropped_articles = serde_json::to_value(&dropped).expect("plain data");
    manifest.skipped_inputs = serde_json::to_value(&skipped).expect("plain data");
    let json = serde_json::to_vec_pretty(&manifest).expect("the manifest is plain data");
    let transcript = output::render_vtt(&manifest.cues());
    let vtt = opts.out.join(format!("{name}.vtt"));
    let manifest_path = opts.out.join(format!("{name}.json"));
    let mut staged = written.staged;
    staged.push(
        output::stage(&vtt, |w| w.write_all(transcript.as_bytes())).map_err(write_err(&vtt))?,
    );
    // The manifest goes last, so its presence means the set is complete.
    staged.push(
        output::stage(&manifest_path, |w| w.write_all(&json)).map_err(write_err(&manifest_path))?,
    );
    let paths = output::commit_all(staged).map_err(write_err(&opts.out))?;

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

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_owned();
    move |source| Error::Write { path, source }
}

struct Written {
    manifest: Manifest,
    staged: Vec<output::Staged>,
}

/// Renders the programme into every requested format (and per-article files),
/// staged under temporary names; returns the manifest to go with them.
fn write_artifacts(
    opts: &BuildOptions,
    name: &str,
    settings: &OutputSettings,
    script: &Script,
    items: &[Item],
    sources: &[SegmentSource],
    spool: &mut Spool,
) -> Result<Written, Error> {
    let spec = spool.spec();
    let created = chrono::Local::now();
    let wants_mp3 = settings.formats.contains(&Format::Mp3);
    let mut staged = Vec::new();
    let mut files = Vec::new();
    let mut mp3_samples = Vec::new();
    let primary = settings.formats.first().copied().unwrap_or(Format::Wav);
    let wav_path = opts.out.join(format!("{name}.wav"));
    let format = WavFormat {
        bits: settings.bits,
        spec,
    };
    let bext = bext_for(settings, name, &format, created);
    let cart = settings.cart.as_ref().map(|c| cart_for(c, name, created));
    let mut rendered = None;
    let write_wav = settings.formats.contains(&Format::Wav);
    if write_wav {
        let staged_wav = output::stage_seekable(&wav_path, |w| {
            let mut writer = BwfWriter::new(w, format, Some(&bext), cart.as_ref())?;
            let r = render(spool, items, settings.loudness.as_ref(), &mut |samples| {
                if wants_mp3 {
                    mp3_samples.extend_from_slice(samples);
                }
                writer.write_samples(samples)
            })?;
            let w = writer.finish()?;
            w.flush()?;
            output::patch_bext_loudness(&mut { *w.get_ref() }, &r.loudness)?;
            rendered = Some(r);
            Ok(())
        })
        .map_err(write_err(&wav_path))?;
        staged.push(staged_wav);
        files.push(FileEntry {
            format: "wav".into(),
            path: format!("{name}.wav"),
            article: None,
        });
    } else {
        let r = render(spool, items, settings.loudness.as_ref(), &mut |samples| {
            mp3_samples.extend_from_slice(samples);
            Ok(())
        })
        .map_err(write_err(&opts.out))?;
        rendered = Some(r);
    }
    let rendered = rendered.expect("the programme was rendered");
    let mut manifest = Manifest::new(
        &format!("{name}.{}", primary.extension()),
        settings.bits,
        script,
        &rendered,
        sources,
        created.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    );
    manifest.loudness.target_lufs = settings.loudness.as_ref().map(|t| t.integrated_lufs);
    manifest.loudness.true_peak_ceiling_dbtp = settings.loudness.as_ref().map(|t| t.true_peak_dbtp);

    if wants_mp3 {
        let path = opts.out.join(format!("{name}.mp3"));
        let clip = crate::audio::Clip::new(spec, std::mem::take(&mut mp3_samples));
        let chapters: Vec<Chapter> = manifest
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| Chapter {
                id: format!("chp{}", i + 1),
                title: a.summary.title.clone(),
                start_ms: a.start_ms as u32,
                end_ms: a.end_ms as u32,
            })
            .collect();
        let tags = Mp3Tags {
            title: bext.description.clone(),
            artist: settings.bwf.originator.clone(),
            album: name.to_owned(),
            date: created.format("%Y-%m-%dT%H:%M:%S").to_string(),
            comment: format!("{} articles", manifest.articles.len()),
        };
        staged.push(
            output::stage(&path, |w| output::write_mp3(&clip, &tags, &chapters, w))
                .map_err(write_err(&path))?,
        );
        files.push(FileEntry {
            format: "mp3".into(),
            path: format!("{name}.mp3"),
            article: None,
        });
    }

    if settings.per_article {
        for (a, summary) in script.articles.iter().enumerate() {
            let mine: Vec<Item> = script
                .segments
                .iter()
                .zip(items)
                .filter(|(s, _)| s.article == Some(a))
                .map(|(_, item)| *item)
                .collect();
            let file = format!("{name}-a{}.wav", a + 1);
            let path = opts.out.join(&file);
            let mut article_bext = bext.clone();
            article_bext.description =
                truncate(&format!("{} - {}", bext.description, summary.title), 256);
            let staged_file = output::stage_seekable(&path, |w| {
                let mut writer = BwfWriter::new(w, format, Some(&article_bext), None)?;
                let r = render(spool, &mine, settings.loudness.as_ref(), &mut |samples| {
                    writer.write_samples(samples)
                })?;
                let w = writer.finish()?;
                w.flush()?;
                output::patch_bext_loudness(&mut { *w.get_ref() }, &r.loudness)
            })
            .map_err(write_err(&path))?;
            staged.push(staged_file);
            files.push(FileEntry {
                format: "wav".into(),
                path: file,
                article: Some(a),
            });
        }
    }
    manifest.files = files;
    Ok(Written { manifest, staged })
}

fn bext_for(
    settings: &OutputSettings,
    name: &str,
    format: &WavFormat,
    created: chrono::DateTime<chrono::Local>,
) -> Bext {
    Bext {
        description: truncate(
            settings
                .bwf
                .description
                .as_deref()
                .unwrap_or(&format!("News bulletin {name}")),
            256,
        ),
        originator: truncate(&settings.bwf.originator, 32),
        originator_reference: truncate(
            settings.bwf.originator_reference.as_deref().unwrap_or(name),
            32,
        ),
        origination_date: created.format("%Y-%m-%d").to_string(),
        origination_time: created.format("%H:%M:%S").to_string(),
        time_reference: 0,
        loudness_value: None,
        loudness_range: None,
        max_true_peak_level: None,
        max_momentary_loudness: None,
        max_short_term_loudness: None,
        coding_history: Bext::coding_history_line(
            format,
            concat!("bulletin ", env!("CARGO_PKG_VERSION")),
        ),
    }
}

fn cart_for(c: &CartSettings, name: &str, created: chrono::DateTime<chrono::Local>) -> Cart {
    let end =
        created + chrono::Duration::from_std(c.valid_for).unwrap_or(chrono::Duration::hours(1));
    Cart {
        title: truncate(c.title.as_deref().unwrap_or(name), 64),
        artist: truncate(&c.artist, 64),
        cut_id: truncate(name, 64),
        client_id: truncate(&c.client_id, 64),
        category: truncate(&c.category, 64),
        start_date: created.format("%Y-%m-%d").to_string(),
        start_time: created.format("%H:%M:%S").to_string(),
        end_date: end.format("%Y-%m-%d").to_string(),
        end_time: end.format("%H:%M:%S").to_string(),
        producer_app_id: "bulletin".into(),
        producer_app_version: env!("CARGO_PKG_VERSION").into(),
        ..Cart::default()
    }
}

/// What the renderer places, one item per segment; `ids` maps a segment to its
/// clip in the spool.
fn items_of(
    script: &Script,
    ids: &BTreeMap<String, usize>,
    bed: &crate::script::BedSettings,
) -> Vec<Item> {
    script
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut item = Item::new(ids[&s.id], s.pause_after);
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

/// At most `max` bytes, cut on a character boundary.
fn truncate(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// With `--max-duration`, drops the lowest-priority articles, whole, until the
/// bulletin fits. Priority comes from a `Priority:` / `优先级:` metadata value
/// (1 is the most important), else input order.
fn fit_duration(
    script: Script,
    outcome: &Outcome,
    config: &Config,
    max: Option<Duration>,
) -> Result<(Script, Vec<DroppedArticle>), Error> {
    let Some(max) = max else {
        return Ok((script, Vec::new()));
    };
    let spec = outcome.spool.spec();
    let bed = &config.script.sounds.bed;
    let duration = |script: &Script| -> Duration {
        let items = items_of(script, &outcome.ids, bed);
        let frames = layout(&outcome.spool, &items)
            .iter()
            .map(|p| p.end)
            .max()
            .unwrap_or(Frames(0));
        frames.to_duration(spec.sample_rate)
    };
    let mut script = script;
    let mut dropped = Vec::new();
    while duration(&script) > max {
        if script.articles.len() <= 1 {
            return Err(Error::BadArgument(format!(
                "--max-duration {:.0?}: even one article makes the bulletin {:.1?}",
                max,
                duration(&script)
            )));
        }
        let lowest = (0..script.articles.len())
            .max_by_key(|&a| (script.articles[a].priority.unwrap_or(u32::MAX), a))
            .expect("at least one article");
        let summary = script.articles[lowest].clone();
        let before = duration(&script);
        script = without_article(script, lowest);
        tracing::warn!(article = %summary.title, "dropping the article to fit --max-duration");
        dropped.push(DroppedArticle {
            title: summary.title,
            origin: summary.origin,
            reason: format!(
                "does not fit --max-duration {}s (bulletin was {:.1}s)",
                max.as_secs_f64(),
                before.as_secs_f64()
            ),
            failed_segments: Vec::new(),
        });
    }
    Ok((script, dropped))
}

/// `script` without article `a` (and a station sound that would then be
/// left between nothing), the other articles renumbered.
fn without_article(script: Script, a: usize) -> Script {
    let mut segments: Vec<Segment> = script
        .segments
        .into_iter()
        .filter(|s| s.article != Some(a))
        .collect();
    for s in &mut segments {
        if let Some(i) = s.article.as_mut() {
            if *i > a {
                *i -= 1;
            }
        }
    }
    // A separator sound must sit between two articles.
    let mut kept: Vec<Segment> = Vec::with_capacity(segments.len());
    for (i, s) in segments.iter().enumerate() {
        let separator = s.kind == SegmentKind::Sound && s.id.starts_with("sound-a");
        let next_is_article = segments[i + 1..]
            .iter()
            .find(|n| n.kind != SegmentKind::Sound)
            .is_some_and(|n| n.article.is_some());
        let prev_is_article = kept
            .iter()
            .rev()
            .find(|n| n.kind != SegmentKind::Sound)
            .is_some_and(|n| n.article.is_some());
        let duplicate = kept
            .last()
            .is_some_and(|p| p.kind == SegmentKind::Sound && p.id.starts_with("sound-a"));
        if separator && (!next_is_article || !prev_is_article || duplicate) {
            continue;
        }
        kept.push(s.clone());
    }
    let mut articles = script.articles;
    articles.remove(a);
    Script {
        articles,
        segments: kept,
    }
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
            .map(ingest::parse)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((articles, Vec::new()));
    }
    let mut articles = Vec::new();
    let mut skipped = Vec::new();
    let mut first_error = None;
    for input in inputs {
        let documents = match ingest::collect(std::slice::from_ref(input)) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!("skipping an input: {e}");
                skipped.push(SkippedInput {
                    origin: input_origin(input),
                    error: e.to_string(),
                });
                first_error.get_or_insert(e);
                continue;
            }
        };
        for doc in &documents {
            match ingest::parse(doc) {
                Ok(article) => articles.push(article),
                Err(e) => {
                    tracing::warn!("skipping an input: {e}");
                    skipped.push(SkippedInput {
                        origin: doc.origin.clone(),
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

fn input_origin(input: &InputSpec) -> String {
    match input {
        InputSpec::Path(p) => p.display().to_string(),
        InputSpec::Stdin => ingest::STDIN_ORIGIN.to_owned(),
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

/// Temporary files a killed run left behind for this name. We hold the lock,
/// so nobody else is writing them.
fn remove_stale_partials(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let ours = ["wav", "json", "vtt"]
            .iter()
            .any(|ext| file.starts_with(&format!(".{name}.{ext}.")));
        if ours && file.ends_with(".partial") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Every segment's result, in script order; the clips themselves are in the spool.
struct Outcome {
    clips: Vec<Option<Synthesized>>,
    failures: Vec<(usize, SegmentFailure)>,
    /// Requests spent on segments that failed in the end.
    failed_requests: u32,
    ids: BTreeMap<String, usize>,
    spool: Spool,
}

/// Synthesizes every segment concurrently (each backend caps its own
/// concurrency; station sounds are read from their files), prepares each clip
/// for the bulletin as it arrives and spools it to disk, so memory stays flat
/// however long the bulletin. Stops cleanly on SIGINT or SIGTERM.
async fn synthesize(
    engine: Engine,
    settings: AssembleSettings,
    spool: Spool,
    script: &Script,
    progress_bar: bool,
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
                Some(path) => load_sound(path).await,
                None => engine.synthesize(&segment.voice, &segment.text).await,
            };
            let result = match result {
                Ok(mut done) => {
                    let clip =
                        std::mem::replace(&mut done.clip, Clip::silence(settings.spec, Frames(0)));
                    let settings = Arc::clone(&settings);
                    let is_sound = segment.sound.is_some();
                    // Resampling and levelling are CPU work: keep them off the async workers.
                    let prepared = tokio::task::spawn_blocking(move || {
                        if is_sound {
                            // Station sounds are mastered: converted, not trimmed or levelled.
                            let mut clip = crate::audio::convert(clip, settings.spec);
                            crate::audio::fade_edges(&mut clip, settings.fade);
                            clip
                        } else {
                            assemble::prepare(clip, &settings)
                        }
                    })
                    .await;
                    match prepared {
                        Ok(prepared) => {
                            done.clip = prepared;
                            Ok(done)
                        }
                        Err(e) => Err(SegmentFailure {
                            voice: segment.voice.clone(),
                            backend: done.backend,
                            attempts: done.attempts,
                            elapsed: done.elapsed,
                            error: crate::tts::AttemptError::fatal(format!(
                                "preparing the clip failed: {e}"
                            )),
                        }),
                    }
                }
                Err(failure) => Err(failure),
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
    let mut interrupted = std::pin::pin!(shutdown_signal());
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

/// A station sound from its file, in any format the decoder reads.
async fn load_sound(path: &Path) -> Result<Synthesized, SegmentFailure> {
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
    Ok(Synthesized {
        clip,
        voice: String::new(),
        backend: "sound file".into(),
        attempts: 0,
        cached: false,
        elapsed: started.elapsed(),
    })
}

/// Resolves with the signal's name on SIGINT or SIGTERM.
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}

/// By default any failed segment fails the run. With `skip`, articles with a
/// failed segment are dropped (and a failed intro or outro left out); the run
/// fails only when no article remains.
fn apply_failure_policy(
    script: Script,
    outcome: &Outcome,
    skip: bool,
) -> Result<(Script, Vec<DroppedArticle>), Error> {
    if outcome.failures.is_empty() {
        return Ok((script, Vec::new()));
    }
    let failed = |outcome: &Outcome| SynthesisFailures {
        total: script.segments.len(),
        failed: outcome
            .failures
            .iter()
            .map(|(i, f)| {
                let seg = &script.segments[*i];
                FailedSegment {
                    id: seg.id.clone(),
                    article: seg.article.map(|a| script.articles[a].title.clone()),
                    text: seg.text.clone(),
                    failure: f.clone(),
                }
            })
            .collect(),
    };
    if !skip {
        return Err(failed(outcome).into());
    }
    let failed_indices: BTreeSet<usize> = outcome.failures.iter().map(|(i, _)| *i).collect();
    let bad_articles: BTreeSet<usize> = failed_indices
        .iter()
        .filter_map(|&i| script.segments[i].article)
        .collect();
    if bad_articles.len() == script.articles.len() {
        return Err(failed(outcome).into());
    }
    let dropped: Vec<DroppedArticle> = bad_articles
        .iter()
        .map(|&a| DroppedArticle {
            title: script.articles[a].title.clone(),
            origin: script.articles[a].origin.clone(),
            reason: "segments could not be synthesized".to_owned(),
            failed_segments: outcome
                .failures
                .iter()
                .filter(|(i, _)| script.segments[*i].article == Some(a))
                .map(|(i, f)| DroppedSegment {
                    id: script.segments[*i].id.clone(),
                    text: excerpt(&script.segments[*i].text, 60),
                    backend: f.backend.clone(),
                    status: f.error.status,
                    attempts: f.attempts,
                    error: f.error.message.clone(),
                })
                .collect(),
        })
        .collect();
    for d in &dropped {
        tracing::warn!(article = %d.title, origin = %d.origin, "dropping the article: {} segment(s) failed", d.failed_segments.len());
    }
    // Renumber the kept articles; segment ids stay as planned.
    let kept: Vec<usize> = (0..script.articles.len())
        .filter(|a| !bad_articles.contains(a))
        .collect();
    let new_index: BTreeMap<usize, usize> = kept
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new))
        .collect();
    let articles = kept.iter().map(|&a| script.articles[a].clone()).collect();
    let segments = script
        .segments
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            !failed_indices.contains(i) && s.article.is_none_or(|a| !bad_articles.contains(&a))
        })
        .map(|(_, s)| {
            let mut s = s.clone();
            s.article = s.article.map(|a| new_index[&a]);
            s
        })
        .collect();
    Ok((Script { articles, segments }, dropped))
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
