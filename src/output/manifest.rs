//! output: the manifest (`NAME.json`), the machine-readable account of the
//! bulletin: every article and segment with where it lies in the audio.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assemble::Rendered;
use crate::audio::LoudnessTarget;
use crate::script::{ArticleSummary, Script, SegmentIndex, SegmentKind};

#[derive(Debug, Serialize)]
pub struct Manifest {
    /// Identifies the set of files committed together with this manifest.
    pub generation: String,
    pub audio: AudioInfo,
    /// Every file of this generation but the manifest itself, by format
    /// (`wav`, `mp3`, `vtt`) and per article.
    pub files: Vec<FileEntry>,
    pub loudness: LoudnessReport,
    pub articles: Vec<ArticleEntry>,
    pub segments: Vec<SegmentEntry>,
    /// Articles left out by `--skip-failed-articles` or `--max-duration`, and why.
    pub dropped_articles: Vec<DroppedArticle>,
    /// Inputs left out by `--skip-bad-inputs`, with the reason.
    pub skipped_inputs: Vec<SkippedInput>,
    pub generator: String,
    /// When the bulletin was made, RFC 3339 with offset.
    pub created: String,
}

/// An input left out of the bulletin, and why.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedInput {
    pub origin: String,
    pub error: String,
}

/// An article left out of the bulletin, and why.
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

#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    pub format: String,
    pub path: String,
    /// The article it holds, for per-article files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<usize>,
}

/// ITU-R BS.1770 figures of the programme, before and after normalization.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoudnessReport {
    /// The target, or null when normalization is off.
    pub target_lufs: Option<f64>,
    pub true_peak_ceiling_dbtp: Option<f64>,
    pub gain_db: f64,
    pub measured: LoudnessFigures,
    pub output: LoudnessFigures,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LoudnessFigures {
    pub integrated_lufs: Option<f64>,
    pub range_lu: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
}

impl From<&crate::audio::Loudness> for LoudnessFigures {
    fn from(l: &crate::audio::Loudness) -> LoudnessFigures {
        let round = |v: Option<f64>| v.map(|x| (x * 100.0).round() / 100.0);
        LoudnessFigures {
            integrated_lufs: round(l.integrated()),
            range_lu: round(l.range()),
            true_peak_dbtp: round(l.true_peak()),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct AudioInfo {
    pub path: String,
    pub sample_rate: u32,
    pub channels: u16,
    pub bits_per_sample: u16,
    pub duration_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct ArticleEntry {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    pub start_ms: u64,
    pub end_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct SegmentEntry {
    pub id: String,
    pub kind: SegmentKind,
    pub article: Option<usize>,
    pub voice: String,
    /// The voice that actually spoke: `voice`, or its fallback.
    pub spoken_voice: String,
    /// The backend that spoke.
    pub backend: String,
    pub lang: String,
    /// Exactly the text sent to the backend (the spoken form).
    pub text: String,
    /// The article's own words that `text` speaks; on the first piece only of
    /// a sentence split into several (see `source_text_in`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_text: Option<std::sync::Arc<str>>,
    /// For a later piece of a split sentence: the segment holding its `source_text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_text_in: Option<String>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub pause_after_ms: u64,
    /// The audio file of a `sound` segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sound: Option<String>,
    /// Requests made for this segment (1 when the first one succeeded, 0 from the cache).
    pub attempts: u32,
    /// Whether the clip came from the clip cache.
    pub cached: bool,
}

/// What synthesis says about one segment.
#[derive(Debug, Clone)]
pub struct SegmentSource {
    pub voice: String,
    pub backend: String,
    pub attempts: u32,
    pub cached: bool,
}

/// Everything a finished build knows, from which the manifest (and every
/// other account of the run) is made, once.
pub struct Report<'a> {
    pub generation: &'a str,
    pub created: chrono::DateTime<chrono::Local>,
    /// The programme's main audio file, as the manifest names it.
    pub audio_file: String,
    pub bits_per_sample: u16,
    pub script: &'a Script,
    pub rendered: &'a Rendered,
    /// Per segment still in the script.
    pub sources: &'a BTreeMap<SegmentIndex, SegmentSource>,
    pub files: Vec<FileEntry>,
    pub target: Option<LoudnessTarget>,
    pub dropped: Vec<DroppedArticle>,
    pub skipped: Vec<SkippedInput>,
}

impl Manifest {
    /// The manifest of a build: segment `i` of the script is placement `i`
    /// of the timeline.
    pub fn new(report: &Report<'_>) -> Manifest {
        let rendered = report.rendered;
        let spec = rendered.spec;
        let ms = |frames: crate::audio::Frames| frames.to_ms(spec.sample_rate);
        let segments: Vec<SegmentEntry> = report
            .script
            .segments
            .iter()
            .zip(&rendered.timeline)
            .map(|(seg, place)| {
                let source = report.sources.get(&seg.index);
                let speech = seg.speech();
                SegmentEntry {
                    id: seg.id.clone(),
                    kind: seg.kind,
                    article: seg.article,
                    voice: seg.voice().to_owned(),
                    spoken_voice: source
                        .map(|s| s.voice.clone())
                        .unwrap_or_else(|| seg.voice().to_owned()),
                    backend: source.map(|s| s.backend.clone()).unwrap_or_default(),
                    lang: seg.lang().to_owned(),
                    text: seg.text().to_owned(),
                    source_text: speech.and_then(|s| s.source_text.clone()),
                    source_text_in: speech.and_then(|s| s.source_text_in.clone()),
                    start_ms: ms(place.start),
                    end_ms: ms(place.end),
                    pause_after_ms: seg.pause_after.as_millis() as u64,
                    sound: seg.sound().map(|s| s.path.display().to_string()),
                    attempts: source.map_or(0, |s| s.attempts),
                    cached: source.is_some_and(|s| s.cached),
                }
            })
            .collect();
        let articles = report
            .script
            .articles
            .iter()
            .enumerate()
            .map(|(i, summary)| {
                let mine = segments.iter().filter(|s| s.article == Some(i));
                let start_ms = mine.clone().map(|s| s.start_ms).min().unwrap_or(0);
                let end_ms = mine.map(|s| s.end_ms).max().unwrap_or(0);
                ArticleEntry {
                    summary: summary.clone(),
                    start_ms,
                    end_ms,
                }
            })
            .collect();
        let levels = &rendered.programme;
        Manifest {
            generation: report.generation.to_owned(),
            audio: AudioInfo {
                path: report.audio_file.clone(),
                sample_rate: spec.sample_rate,
                channels: spec.channels,
                bits_per_sample: report.bits_per_sample,
                duration_ms: ms(rendered.frames),
            },
            files: report.files.clone(),
            loudness: LoudnessReport {
                target_lufs: report.target.map(|t| t.integrated_lufs),
                true_peak_ceiling_dbtp: report.target.map(|t| t.true_peak_dbtp),
                gain_db: (levels.gain_db * 100.0).round() / 100.0,
                measured: (&levels.measured).into(),
                output: (&levels.loudness).into(),
            },
            articles,
            segments,
            dropped_articles: report.dropped.clone(),
            skipped_inputs: report.skipped.clone(),
            generator: concat!("bulletin ", env!("CARGO_PKG_VERSION")).to_owned(),
            created: report
                .created
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }

    pub fn cues(&self) -> Vec<super::vtt::Cue<'_>> {
        self.segments
            .iter()
            .filter(|s| s.kind != SegmentKind::Sound)
            .map(|s| super::vtt::Cue {
                id: &s.id,
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                text: &s.text,
            })
            .collect()
    }
}
