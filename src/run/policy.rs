//! run: what a build leaves out, and why: articles whose segments failed
//! (`--skip-failed-articles`), articles that do not fit the slot
//! (`--max-duration`), inputs that could not be read (`--skip-bad-inputs`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::Serialize;

use crate::assemble::layout;
use crate::audio::Frames;
use crate::config::Config;
use crate::script::{Script, Segment, SegmentKind};

use super::build::items_of;
use super::error::{Error, FailedSegment, SynthesisFailures};
use super::synthesize::Outcome;
use crate::text::excerpt;

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

/// With `--max-duration`, drops the lowest-priority articles, whole, until the
/// bulletin fits. Priority comes from a `Priority:` / `优先级:` metadata value
/// (1 is the most important), else input order.
pub(super) fn fit_duration(
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
        let items = items_of(script, outcome, bed);
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
pub(super) fn without_article(script: Script, a: usize) -> Script {
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

/// By default any failed segment fails the run. With `skip`, articles with a
/// failed segment are dropped (and a failed intro or outro left out); the run
/// fails only when no article remains.
pub(super) fn apply_failure_policy(
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
