//! run: what a build leaves out, and why: articles whose segments failed
//! (`--skip-failed-articles`) and articles that do not fit the slot
//! (`--max-duration`). Both drop whole articles through
//! [`Script::without_articles`].

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::output::{DroppedArticle, DroppedSegment};
use crate::script::{Script, SegmentIndex};
use crate::text::excerpt;
use crate::tts::SegmentFailure;

use super::error::{Error, FailedSegment, SynthesisFailures};
use super::synthesize::Outcome;

/// Every failed segment, placed in its article, out of `total`.
pub(super) fn failures_of(
    script: &Script,
    failures: &BTreeMap<SegmentIndex, SegmentFailure>,
    total: usize,
) -> SynthesisFailures {
    SynthesisFailures {
        total,
        failed: failures
            .iter()
            .filter_map(|(i, f)| {
                let segment = script.segment(*i)?;
                Some(FailedSegment {
                    id: segment.id.clone(),
                    article: segment.article.map(|a| script.articles[a].title.clone()),
                    text: segment.text().to_owned(),
                    failure: f.clone(),
                })
            })
            .collect(),
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
    let segment = |i: &SegmentIndex| script.segment(*i).expect("failures are of the script");
    let failed = || failures_of(&script, &outcome.failures, script.segments.len());
    if !skip {
        return Err(failed().into());
    }
    let bad: BTreeSet<usize> = outcome
        .failures
        .keys()
        .filter_map(|i| segment(i).article)
        .collect();
    if bad.len() == script.articles.len() {
        return Err(failed().into());
    }
    let dropped: Vec<DroppedArticle> = bad
        .iter()
        .map(|&a| DroppedArticle {
            title: script.articles[a].title.clone(),
            origin: script.articles[a].origin.clone(),
            reason: "segments could not be synthesized".to_owned(),
            failed_segments: outcome
                .failures
                .iter()
                .filter(|(i, _)| segment(i).article == Some(a))
                .map(|(i, f)| DroppedSegment {
                    id: segment(i).id.clone(),
                    text: excerpt(segment(i).text(), 60),
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
    // A failed intro or outro is left out on its own.
    let frames: BTreeSet<SegmentIndex> = outcome
        .failures
        .keys()
        .filter(|i| segment(i).article.is_none())
        .copied()
        .collect();
    Ok((
        script.without_articles(&bad).without_segments(&frames),
        dropped,
    ))
}

/// With `--max-duration`, drops the lowest-priority articles, whole, until the
/// bulletin fits. Priority comes from a `Priority:` / `优先级:` metadata value
/// (1 is the most important), else input order. `duration` says how long a
/// script would be.
pub(super) fn fit_duration(
    mut script: Script,
    max: Option<Duration>,
    duration: &dyn Fn(&Script) -> Result<Duration, Error>,
) -> Result<(Script, Vec<DroppedArticle>), Error> {
    let Some(max) = max else {
        return Ok((script, Vec::new()));
    };
    let mut dropped = Vec::new();
    loop {
        let before = duration(&script)?;
        if before <= max {
            return Ok((script, dropped));
        }
        if script.articles.len() <= 1 {
            return Err(Error::BadArgument(format!(
                "--max-duration {:.0?}: even one article makes the bulletin {before:.1?}",
                max
            )));
        }
        let lowest = (0..script.articles.len())
            .max_by_key(|&a| (script.articles[a].priority.unwrap_or(u32::MAX), a))
            .expect("at least one article");
        let summary = script.articles[lowest].clone();
        script = script.without_articles(&BTreeSet::from([lowest]));
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
}
