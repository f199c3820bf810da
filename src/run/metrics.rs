//! run: `--metrics-file PATH`: what a run did, in the Prometheus text format
//! for node_exporter's textfile collector, written atomically (temp file,
//! rename) at the end of every run, success or failure, so a fleet's
//! dashboards and alerts see each bulletin and each shard.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::script::SegmentIndex;
use crate::tts::{ClipMeta, SegmentFailure};

use super::shard::Shard;

/// What a run did, gathered as it goes; whatever it reached is reported,
/// even when it failed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Segments this run was to make (a shard's share for a shard).
    pub segments: u64,
    /// Requests sent to the backends, retries included.
    pub requests: u64,
    pub cache_hits: u64,
    pub retries: u64,
    /// Segments that failed after their retries, by backend (every
    /// configured backend is listed, at 0 when it did not fail).
    pub failures: BTreeMap<String, u64>,
    /// Clip cache operations that failed (the build went on without it).
    pub cache_errors: u64,
    pub output_seconds: Option<f64>,
    pub integrated_lufs: Option<f64>,
}

impl Tally {
    /// A tally listing `backends` with no failures yet.
    pub fn for_backends<'a>(backends: impl IntoIterator<Item = &'a str>) -> Tally {
        Tally {
            failures: backends.into_iter().map(|b| (b.to_owned(), 0)).collect(),
            ..Tally::default()
        }
    }

    pub(super) fn absorb(
        &mut self,
        made: &BTreeMap<SegmentIndex, ClipMeta>,
        failures: &BTreeMap<SegmentIndex, SegmentFailure>,
    ) {
        for meta in made.values() {
            if meta.cached {
                self.cache_hits += 1;
            }
            self.requests += u64::from(meta.attempts);
            self.retries += u64::from(meta.attempts.saturating_sub(1));
        }
        for failure in failures.values() {
            self.requests += u64::from(failure.attempts);
            self.retries += u64::from(failure.attempts.saturating_sub(1));
            *self.failures.entry(failure.backend.clone()).or_default() += 1;
        }
    }
}

/// One run's metrics.
#[derive(Debug, Clone)]
pub struct RunMetrics<'a> {
    /// The bulletin's name (`--name`), a label on every series.
    pub name: &'a str,
    pub shard: Option<Shard>,
    pub exit_code: u8,
    pub elapsed: Duration,
    pub finished: SystemTime,
    pub tally: &'a Tally,
}

const LAST_SUCCESS: &str = "bulletin_last_success_timestamp_seconds";

impl RunMetrics<'_> {
    /// The text format. `last_success` is the previous file's value, kept
    /// when this run failed.
    pub fn render(&self, last_success: Option<f64>) -> String {
        let mut labels = format!("name=\"{}\"", escape(self.name));
        if let Some(shard) = self.shard {
            let _ = write!(labels, ",shard=\"{shard}\"");
        }
        let finished = unix_seconds(self.finished);
        let success = self.exit_code == crate::exit_codes::SUCCESS;
        let last_success = if success {
            Some(finished)
        } else {
            last_success
        };
        let t = self.tally;
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: f64| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} gauge");
            let _ = writeln!(out, "{name}{{{labels}}} {}", number(value));
        };
        gauge(
            "bulletin_run_success",
            "1 when the last run succeeded (exit code 0), else 0.",
            f64::from(u8::from(success)),
        );
        gauge(
            "bulletin_run_exit_code",
            "Exit code of the last run.",
            f64::from(self.exit_code),
        );
        gauge(
            "bulletin_run_duration_seconds",
            "Wall-clock time of the last run.",
            self.elapsed.as_secs_f64(),
        );
        gauge(
            "bulletin_run_timestamp_seconds",
            "When the last run ended, in Unix time.",
            finished,
        );
        gauge(
            "bulletin_run_segments",
            "Segments the last run was to make (a shard's share for a shard).",
            t.segments as f64,
        );
        gauge(
            "bulletin_run_requests",
            "Requests sent to TTS backends in the last run, retries included.",
            t.requests as f64,
        );
        gauge(
            "bulletin_run_cache_hits",
            "Segments served from the clip cache in the last run.",
            t.cache_hits as f64,
        );
        gauge(
            "bulletin_run_retries",
            "Retried requests in the last run.",
            t.retries as f64,
        );
        gauge(
            "bulletin_run_cache_errors",
            "Clip cache operations that failed in the last run (it went on without the cache).",
            t.cache_errors as f64,
        );
        if let Some(seconds) = t.output_seconds {
            gauge(
                "bulletin_output_duration_seconds",
                "Length of the bulletin written by the last run.",
                seconds,
            );
        }
        if let Some(lufs) = t.integrated_lufs {
            gauge(
                "bulletin_output_integrated_lufs",
                "Integrated loudness (ITU-R BS.1770) of the bulletin written by the last run.",
                lufs,
            );
        }
        if let Some(when) = last_success {
            gauge(
                LAST_SUCCESS,
                "When a run last succeeded, in Unix time.",
                when,
            );
        }
        let name = "bulletin_run_segment_failures";
        let _ = writeln!(
            out,
            "# HELP {name} Segments that failed after their retries in the last run, by backend."
        );
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (backend, n) in &t.failures {
            let _ = writeln!(
                out,
                "{name}{{{labels},backend=\"{}\"}} {n}",
                escape(backend)
            );
        }
        out
    }

    /// Writes the metrics to `path` atomically, keeping the last success
    /// time from the file there.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let previous = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| last_success_in(&text));
        let text = self.render(previous);
        crate::output::stage(path, |w| w.write_all(text.as_bytes()))?.commit()?;
        Ok(())
    }
}

/// The last success time in a metrics file written by [`RunMetrics::write`].
fn last_success_in(text: &str) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(LAST_SUCCESS) && !l.starts_with('#'))
        .find_map(|l| l.rsplit(' ').next()?.parse().ok())
}

fn unix_seconds(t: SystemTime) -> f64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| (d.as_millis() as f64) / 1000.0)
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

/// A label value: backslash, quote and newline escaped.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn tally() -> Tally {
        let mut t = Tally::for_backends(["kokoro", "espeak"]);
        t.segments = 12;
        t.requests = 14;
        t.cache_hits = 3;
        t.retries = 2;
        t.cache_errors = 1;
        *t.failures.get_mut("kokoro").unwrap() = 1;
        t.output_seconds = Some(93.21);
        t.integrated_lufs = Some(-23.0);
        t
    }

    fn parsed(text: &str) -> prometheus_parse::Scrape {
        prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap()
    }

    fn value(scrape: &prometheus_parse::Scrape, name: &str, label: Option<(&str, &str)>) -> f64 {
        let sample = scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .unwrap_or_else(|| panic!("no {name} {label:?}"));
        match sample.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            ref other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn the_file_parses_back_with_every_series_and_label() {
        let t = tally();
        let finished = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let m = RunMetrics {
            name: "morning \"news\"",
            shard: Some(Shard {
                index: 1,
                count: NonZeroU32::new(4).unwrap(),
            }),
            exit_code: 0,
            elapsed: Duration::from_millis(4250),
            finished,
            tally: &t,
        };
        let text = m.render(None);
        let scrape = parsed(&text);
        assert_eq!(value(&scrape, "bulletin_run_success", None), 1.0);
        assert_eq!(value(&scrape, "bulletin_run_exit_code", None), 0.0);
        assert_eq!(value(&scrape, "bulletin_run_duration_seconds", None), 4.25);
        assert_eq!(value(&scrape, "bulletin_run_segments", None), 12.0);
        assert_eq!(value(&scrape, "bulletin_run_requests", None), 14.0);
        assert_eq!(value(&scrape, "bulletin_run_cache_hits", None), 3.0);
        assert_eq!(value(&scrape, "bulletin_run_retries", None), 2.0);
        assert_eq!(value(&scrape, "bulletin_run_cache_errors", None), 1.0);
        assert_eq!(
            value(&scrape, "bulletin_output_duration_seconds", None),
            93.21
        );
        assert_eq!(
            value(&scrape, "bulletin_output_integrated_lufs", None),
            -23.0
        );
        assert_eq!(value(&scrape, LAST_SUCCESS, None), 1.8e9);
        assert_eq!(
            value(
                &scrape,
                "bulletin_run_segment_failures",
                Some(("backend", "kokoro"))
            ),
            1.0
        );
        assert_eq!(
            value(
                &scrape,
                "bulletin_run_segment_failures",
                Some(("backend", "espeak"))
            ),
            0.0
        );
        for s in &scrape.samples {
            assert!(
                s.labels.get("name").is_some_and(|n| n.contains("morning")),
                "{}",
                s.metric
            );
            assert_eq!(s.labels.get("shard"), Some("1/4"), "{}", s.metric);
        }
        for s in &scrape.docs {
            assert!(!s.1.is_empty());
        }
    }

    #[test]
    fn a_failed_run_keeps_the_last_success_time_and_the_write_is_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bulletin.prom");
        let t = tally();
        let ok = RunMetrics {
            name: "m",
            shard: None,
            exit_code: 0,
            elapsed: Duration::from_secs(1),
            finished: SystemTime::UNIX_EPOCH + Duration::from_secs(1000),
            tally: &t,
        };
        ok.write(&path).unwrap();
        let failed = RunMetrics {
            exit_code: 5,
            finished: SystemTime::UNIX_EPOCH + Duration::from_secs(2000),
            ..ok.clone()
        };
        failed.write(&path).unwrap();
        let scrape = parsed(&std::fs::read_to_string(&path).unwrap());
        assert_eq!(value(&scrape, "bulletin_run_success", None), 0.0);
        assert_eq!(value(&scrape, "bulletin_run_exit_code", None), 5.0);
        assert_eq!(
            value(&scrape, "bulletin_run_timestamp_seconds", None),
            2000.0
        );
        assert_eq!(value(&scrape, LAST_SUCCESS, None), 1000.0);
        assert!(scrape
            .samples
            .iter()
            .all(|s| s.labels.get("shard").is_none()));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["bulletin.prom"], "no temporary file left");
        // Never succeeded: no last-success series at all.
        let never = failed.render(None);
        assert!(!never.contains(LAST_SUCCESS), "{never}");
    }
}
