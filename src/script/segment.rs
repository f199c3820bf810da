//! script: the reviewed-before-spending plan. A `Script` is every segment the
//! bulletin will contain, in order, with the voice and exact text of each.

use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    Intro,
    Title,
    Body,
    Attribution,
    Outro,
    /// A station sound (jingle, sting) from a file, not synthesized.
    Sound,
}

impl SegmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Intro => "intro",
            SegmentKind::Title => "title",
            SegmentKind::Body => "body",
            SegmentKind::Attribution => "attribution",
            SegmentKind::Outro => "outro",
            SegmentKind::Sound => "sound",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Stable within a script: `intro`, `a1-title`, `a1-p2-s3`, `a1-attribution`, `outro`.
    pub id: String,
    pub kind: SegmentKind,
    /// Index into `Script::articles`; none for the intro and outro.
    pub article: Option<usize>,
    pub voice: String,
    pub lang: String,
    /// Exactly the text sent to the backend: the speakable form.
    pub text: String,
    /// The text as written in the article, of which `text` is the spoken form.
    /// When a long sentence is split into pieces, only the first piece carries
    /// it (the others point at that piece with `source_text_in`), so the plan
    /// and the manifest stay linear in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_text: Option<std::sync::Arc<str>>,
    /// The id of the segment whose `source_text` this piece speaks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_text_in: Option<String>,
    #[serde(rename = "pause_after_ms", serialize_with = "as_millis")]
    pub pause_after: Duration,
    /// The audio file of a `sound` segment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sound: Option<std::path::PathBuf>,
    /// A `sound` that is a music bed, mixed under the spoken intro after it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bed: bool,
}

/// What the manifest and plan say about each article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    pub title: String,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    pub published: Option<String>,
    pub byline: Option<String>,
    pub language: String,
    /// The file the article came from.
    pub origin: String,
    /// From a `Priority:` / `优先级:` metadata value; 1 is the most important.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    pub articles: Vec<ArticleSummary>,
    pub segments: Vec<Segment>,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}
