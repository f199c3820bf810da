//! run: `bulletin voices`, the configured voices, and with `--check` a short
//! test phrase through each so a broken backend is found before air time.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use crate::config::{Config, Secrets};
use crate::tts::{Engine, Transport};

use super::error::{Error, FailedSegment, SynthesisFailures};

#[derive(Debug, Clone)]
pub struct VoicesOptions {
    pub voices: PathBuf,
    pub check: bool,
}

/// Lists (and with `check`, tries) every voice. Returns the table and whether every check passed.
pub fn voices(opts: &VoicesOptions) -> Result<(String, bool), Error> {
    let secrets = if opts.check {
        Secrets::Required
    } else {
        Secrets::NotNeeded
    };
    let config = Config::load(&opts.voices, secrets, &|k| std::env::var(k).ok())?;
    let mut out = String::new();
    if !opts.check {
        let _ = writeln!(
            out,
            "{:<14} {:<14} {:<20} {:<6} endpoint",
            "voice", "backend", "voice id", "lang"
        );
        for v in config.voices.bindings() {
            let endpoint = Some(config.voices.backend_of(v))
                .map(|b| match &b.transport {
                    Transport::Http(h) => h
                        .urls
                        .iter()
                        .map(|u| {
                            u.render_redacted(&crate::tts::Vars {
                                text: "{text}",
                                voice: &v.voice,
                                lang: &v.lang,
                                speed: v.speed,
                                out: "",
                            })
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                    Transport::Command(c) => format!("program {}", c.program),
                    Transport::Worker(w) => format!("worker {}", w.program),
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{:<14} {:<14} {:<20} {:<6} {endpoint}",
                v.name, v.backend, v.voice, v.lang
            );
        }
        notices(&config, &mut out);
        return Ok((out, true));
    }

    let runtime = super::settings::runtime()?;
    let engine = Engine::new(
        &config.voices,
        crate::audio::PrepareSettings::new(config.audio),
    )?;
    let _ = writeln!(
        out,
        "{:<14} {:<14} {:<5} {:>9} {:>8}  error",
        "voice", "backend", "ok", "latency", "rate"
    );
    let mut all_ok = true;
    let results = runtime.block_on(async {
        let checks = config.voices.bindings().map(|v| {
            let engine = &engine;
            async move {
                let started = Instant::now();
                let result = engine.synthesize(&v.name, test_phrase(&v.lang)).await;
                (v, started.elapsed(), result)
            }
        });
        futures::future::join_all(checks).await
    });
    let mut failed = Vec::new();
    for (v, elapsed, result) in results {
        match result {
            Ok(done) => {
                let _ = writeln!(
                    out,
                    "{:<14} {:<14} {:<5} {:>7}ms {:>8}",
                    v.name,
                    v.backend,
                    "ok",
                    elapsed.as_millis(),
                    done.meta.source_spec.sample_rate
                );
            }
            Err(e) => {
                all_ok = false;
                let _ = writeln!(
                    out,
                    "{:<14} {:<14} {:<5} {:>7}ms {:>8}  {}",
                    v.name,
                    v.backend,
                    "FAIL",
                    elapsed.as_millis(),
                    "-",
                    e.error
                );
                failed.push(FailedSegment {
                    id: format!("voice {}", v.name),
                    article: None,
                    text: test_phrase(&v.lang).into(),
                    failure: e,
                });
            }
        }
    }
    notices(&config, &mut out);
    if !failed.is_empty() {
        tracing::debug!(
            "{}",
            SynthesisFailures {
                total: config.voices.len(),
                failed
            }
        );
    }
    Ok((out, all_ok))
}

/// What a user must know before airing a backend (its licence), one line each.
fn notices(config: &Config, out: &mut String) {
    for b in config.voices.backends() {
        if let Some(notice) = &b.notice {
            let _ = writeln!(out, "note: backend `{}`: {notice}", b.name);
        }
    }
}

/// A short phrase in the voice's language (`zh`, `zh-CN`, `cmn-CN` read Chinese).
fn test_phrase(lang: &str) -> &'static str {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match primary.as_str() {
        "zh" | "cmn" | "yue" => "这是一条测试语音。",
        _ => "This is a test of the bulletin voice.",
    }
}
