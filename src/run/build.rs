//! run: `bulletin build`, the whole pipeline: ingest → script → synthesize →
//! assemble → write.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::assemble::{self, AssembleSettings, Assembler};
use crate::audio::Clip;
use crate::config::{Config, Secrets};
use crate::ingest::{self, Article, InputSpec};
use crate::output::{self, Manifest, SegmentSource};
use crate::script::{self, Script};
use crate::tts::{Engine, SegmentFailure, Synthesized};

use super::error::{Error, FailedSegment, SynthesisFailures};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub inputs: Vec<InputSpec>,
    pub voices: PathBuf,
    pub out: PathBuf,
    /// Base name of the artifacts; `bulletin-YYYY-MM-DD` (local date) when absent.
    pub name: Option<String>,
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
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let name = artifact_name(opts.name.as_deref())?;
    let config = Config::load(&opts.voices, Secrets::Required, &|k| std::env::var(k).ok())?;
    let articles = read_articles(&opts.inputs)?;
    let script = script::build(&articles, &config.script)?;
    tracing::info!(
        articles = script.articles.len(),
        segments = script.segments.len(),
        "script ready"
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::BadArgument(format!("could not start the async runtime: {e}")))?;
    let (bulletin, sources) = runtime.block_on(synthesize_and_assemble(&config, &script))?;

    std::fs::create_dir_all(&opts.out).map_err(|source| Error::Write {
        path: opts.out.clone(),
        source,
    })?;
    let wav = opts.out.join(format!("{name}.wav"));
    let manifest_path = opts.out.join(format!("{name}.json"));
    let vtt = opts.out.join(format!("{name}.vtt"));
    let manifest = Manifest::new(
        &format!("{name}.wav"),
        &script,
        &bulletin,
        &sources,
        chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    );
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
    Ok(BuildReport {
        wav,
        manifest: manifest_path,
        transcript: vtt,
        duration_ms: manifest.audio.duration_ms,
        segments: script.segments.len(),
        articles: script.articles.len(),
    })
}

/// Reads and parses every input; the first bad one stops the run.
pub fn read_articles(inputs: &[InputSpec]) -> Result<Vec<Article>, Error> {
    let documents = ingest::collect(inputs)?;
    let articles = documents
        .iter()
        .map(ingest::parse)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(articles)
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

type Outcome = (usize, Result<(Clip, Synthesized), SegmentFailure>);

/// Synthesizes every segment concurrently (each backend caps its own
/// concurrency) and places the clips in script order as they become ready.
async fn synthesize_and_assemble(
    config: &Config,
    script: &Script,
) -> Result<(assemble::Bulletin, Vec<SegmentSource>), Error> {
    let engine = Arc::new(Engine::new(config.backends.clone(), config.voices.clone())?);
    let settings = Arc::new(AssembleSettings::new(config.audio));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Outcome>();
    let started = Instant::now();
    for (index, segment) in script.segments.iter().enumerate() {
        let (engine, settings, tx) = (Arc::clone(&engine), Arc::clone(&settings), tx.clone());
        let (voice, text) = (segment.voice.clone(), segment.text.clone());
        tokio::spawn(async move {
            let result = match engine.synthesize(&voice, &text).await {
                Ok(done) => {
                    let clip = done.clip.clone();
                    let settings = Arc::clone(&settings);
                    // Resampling is CPU work: keep it off the async workers.
                    match tokio::task::spawn_blocking(move || assemble::prepare(clip, &settings))
                        .await
                    {
                        Ok(prepared) => Ok((prepared, done)),
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
    let mut assembler = Assembler::new(config.audio);
    let mut waiting: BTreeMap<usize, Clip> = BTreeMap::new();
    let mut sources = vec![
        SegmentSource {
            voice: String::new(),
            backend: String::new(),
            attempts: 0
        };
        total
    ];
    let mut failed = Vec::new();
    let mut next = 0;
    let mut done = 0;
    while let Some((index, result)) = rx.recv().await {
        done += 1;
        let segment = &script.segments[index];
        match result {
            Ok((clip, info)) => {
                tracing::info!(
                    segment = %segment.id,
                    voice = %info.voice,
                    backend = %info.backend,
                    attempts = info.attempts,
                    audio_ms = clip.duration().as_millis() as u64,
                    "[{done}/{total}] synthesized"
                );
                sources[index] = SegmentSource {
                    voice: info.voice,
                    backend: info.backend,
                    attempts: info.attempts,
                };
                waiting.insert(index, clip);
            }
            Err(failure) => {
                tracing::error!(segment = %segment.id, "[{done}/{total}] {failure}");
                failed.push(FailedSegment {
                    id: segment.id.clone(),
                    article: segment.article.map(|a| script.articles[a].title.clone()),
                    text: segment.text.clone(),
                    failure,
                });
            }
        }
        // Once anything failed there will be no bulletin; stop assembling but
        // let the other segments finish so every failure can be reported.
        if failed.is_empty() {
            while let Some(clip) = waiting.remove(&next) {
                assembler.push(next, &clip, script.segments[next].pause_after);
                next += 1;
            }
        } else {
            waiting.clear();
        }
    }
    if !failed.is_empty() {
        failed.sort_by_key(|f| script.segments.iter().position(|s| s.id == f.id));
        return Err(SynthesisFailures { failed, total }.into());
    }
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "all {total} segments synthesized"
    );
    Ok((assembler.finish(), sources))
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
