//! run: `bulletin build`, the whole pipeline: ingest → script → synthesize →
//! assemble → write, with the cache, the output lock and the failure policy
//! that make it safe to run from cron.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::assemble::{self, AssembleSettings, Assembler};
use crate::audio::Clip;
use crate::config::{Config, Secrets};
use crate::ingest::{self, Article, InputSpec};
use crate::output::{self, Manifest, OutputLock, SegmentSource};
use crate::script::{self, Script};
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
        }
    }
}

/// What a finished build produced.
#[derive(Debug)]
pub struct BuildReport {
    pub wav: PathBuf,
    pub manifest: PathBuf,
    pub transcript: PathBuf,
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
    let outcome = runtime.block_on(synthesize(engine, &config, &script, opts.progress_bar))?;
    // Cancelled tasks (an interrupted run) end with the runtime; their programs are killed.
    runtime.shutdown_timeout(Duration::from_secs(1));

    let (script, dropped) = apply_failure_policy(script, &outcome, opts.skip_failed_articles)?;
    let mut assembler = Assembler::new(config.audio);
    let mut sources = Vec::with_capacity(script.segments.len());
    for (index, segment) in script.segments.iter().enumerate() {
        let done = outcome.clips[segment_index(&outcome, &segment.id)]
            .as_ref()
            .expect("kept segments were synthesized");
        assembler.push(index, &done.clip, segment.pause_after);
        sources.push(SegmentSource {
            voice: done.voice.clone(),
            backend: done.backend.clone(),
            attempts: done.attempts,
            cached: done.cached,
        });
    }
    let bulletin = assembler.finish();

    let wav = opts.out.join(format!("{name}.wav"));
    let manifest_path = opts.out.join(format!("{name}.json"));
    let vtt = opts.out.join(format!("{name}.vtt"));
    let mut manifest = Manifest::new(
        &format!("{name}.wav"),
        &script,
        &bulletin,
        &sources,
        chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    );
    manifest.dropped_articles = serde_json::to_value(&dropped).expect("plain data");
    manifest.skipped_inputs = serde_json::to_value(&skipped).expect("plain data");
    let json = serde_json::to_vec_pretty(&manifest).expect("the manifest is plain data");
    let transcript = output::render_vtt(&manifest.cues());
    let write_err = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Write { path, source }
    };
    // All three are written in full before any is renamed; the manifest goes
    // last, so its presence means the set is complete.
    let staged = vec![
        output::stage(&wav, |w| output::write_wav16(&bulletin.audio, w))
            .map_err(write_err(&wav))?,
        output::stage(&vtt, |w| w.write_all(transcript.as_bytes())).map_err(write_err(&vtt))?,
        output::stage(&manifest_path, |w| w.write_all(&json)).map_err(write_err(&manifest_path))?,
    ];
    output::commit_all(staged).map_err(write_err(&opts.out))?;

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
        elapsed_ms = started.elapsed().as_millis() as u64,
        "bulletin written"
    );
    Ok(BuildReport {
        wav,
        manifest: manifest_path,
        transcript: vtt,
        duration_ms: manifest.audio.duration_ms,
        segments: script.segments.len(),
        articles: script.articles.len(),
        partial: !dropped.is_empty() || !skipped.is_empty(),
    })
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

/// Every segment's result, in script order.
struct Outcome {
    clips: Vec<Option<Synthesized>>,
    failures: Vec<(usize, SegmentFailure)>,
    /// Requests spent on segments that failed in the end.
    failed_requests: u32,
    ids: BTreeMap<String, usize>,
}

fn segment_index(outcome: &Outcome, id: &str) -> usize {
    outcome.ids[id]
}

/// Synthesizes every segment concurrently (each backend caps its own
/// concurrency) and prepares each clip for the bulletin as it arrives. Stops
/// cleanly on SIGINT or SIGTERM.
async fn synthesize(
    engine: Engine,
    config: &Config,
    script: &Script,
    progress_bar: bool,
) -> Result<Outcome, Error> {
    let engine = Arc::new(engine);
    let settings = Arc::new(AssembleSettings::new(config.audio));
    let (tx, mut rx) =
        tokio::sync::mpsc::unbounded_channel::<(usize, Result<Synthesized, SegmentFailure>)>();
    for (index, segment) in script.segments.iter().enumerate() {
        let (engine, settings, tx) = (Arc::clone(&engine), Arc::clone(&settings), tx.clone());
        let (voice, text) = (segment.voice.clone(), segment.text.clone());
        tokio::spawn(async move {
            let result = match engine.synthesize(&voice, &text).await {
                Ok(mut done) => {
                    let clip = std::mem::replace(
                        &mut done.clip,
                        Clip::silence(settings.spec, crate::audio::Frames(0)),
                    );
                    let settings = Arc::clone(&settings);
                    // Resampling is CPU work: keep it off the async workers.
                    match tokio::task::spawn_blocking(move || assemble::prepare(clip, &settings))
                        .await
                    {
                        Ok(prepared) => {
                            done.clip = prepared;
                            Ok(done)
                        }
                        Err(e) => Err(SegmentFailure {
                            voice,
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
            let _ = tx.send((index, result));
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
    };
    let mut interrupted = std::pin::pin!(shutdown_signal());
    let mut done = 0;
    loop {
        let (index, result) = tokio::select! {
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
            Ok(synth) => {
                let fields = (
                    synth.clip.duration().as_millis() as u64,
                    synth.attempts.saturating_sub(1),
                );
                if bar.is_some() {
                    tracing::debug!(segment = %segment.id, voice = %synth.voice, backend = %synth.backend, audio_ms = fields.0, cached = synth.cached, retries = fields.1, "synthesized");
                } else {
                    tracing::info!(segment = %segment.id, voice = %synth.voice, backend = %synth.backend, audio_ms = fields.0, cached = synth.cached, retries = fields.1, "[{done}/{total}] synthesized");
                }
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
