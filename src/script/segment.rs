//! script: the reviewed-before-spending plan. A `Script` is every segment the
//! bulletin will contain, in order, with the voice and exact text of each.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

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

/// A segment's place in the script as it was planned. It names the segment's
/// clip (in synthesis, the spool and the manifest's sources) and does not
/// change when articles are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct SegmentIndex(pub usize);

/// What a station sound is for, which decides where it may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SoundRole {
    /// Before everything else.
    Intro,
    /// Between two articles.
    Separator,
    /// After everything else.
    Outro,
    /// A music bed, mixed under the spoken intro that follows it.
    Bed,
}

/// Text for a voice.
#[derive(Debug, Clone, PartialEq)]
pub struct Speech {
    pub voice: String,
    pub lang: String,
    /// Exactly the text sent to the backend: the speakable form.
    pub text: String,
    /// The text as written in the article, of which `text` is the spoken form.
    /// When a long sentence is split into pieces, only the first piece carries
    /// it (the others point at that piece with `source_text_in`), so the plan
    /// and the manifest stay linear in the input.
    pub source_text: Option<Arc<str>>,
    /// The id of the segment whose `source_text` this piece speaks.
    pub source_text_in: Option<String>,
}

/// A station sound from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Sound {
    pub path: PathBuf,
    pub role: SoundRole,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Speech(Speech),
    Sound(Sound),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub index: SegmentIndex,
    /// Stable within a script: `intro`, `a1-title`, `a1-p2-s3`, `a1-attribution`, `outro`.
    pub id: String,
    pub kind: SegmentKind,
    /// Index into `Script::articles`; none for the intro, the outro and sounds.
    pub article: Option<usize>,
    pub pause_after: Duration,
    pub content: Content,
}

impl Segment {
    pub fn speech(&self) -> Option<&Speech> {
        match &self.content {
            Content::Speech(s) => Some(s),
            Content::Sound(_) => None,
        }
    }

    pub fn sound(&self) -> Option<&Sound> {
        match &self.content {
            Content::Sound(s) => Some(s),
            Content::Speech(_) => None,
        }
    }

    /// The text sent to the backend; empty for a sound.
    pub fn text(&self) -> &str {
        self.speech().map_or("", |s| s.text.as_str())
    }

    /// The voice asked for; empty for a sound.
    pub fn voice(&self) -> &str {
        self.speech().map_or("", |s| s.voice.as_str())
    }

    pub fn lang(&self) -> &str {
        self.speech().map_or("", |s| s.lang.as_str())
    }

    fn is_role(&self, role: SoundRole) -> bool {
        self.sound().is_some_and(|s| s.role == role)
    }
}

/// Segments read as the plan and manifest have always shown them: the
/// speech fields empty for a sound, the sound's file and role for a sound.
impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("article", &self.article)?;
        m.serialize_entry("voice", self.voice())?;
        m.serialize_entry("lang", self.lang())?;
        m.serialize_entry("text", self.text())?;
        if let Some(speech) = self.speech() {
            if let Some(source) = &speech.source_text {
                m.serialize_entry("source_text", source)?;
            }
            if let Some(first) = &speech.source_text_in {
                m.serialize_entry("source_text_in", first)?;
            }
        }
        m.serialize_entry("pause_after_ms", &(self.pause_after.as_millis() as u64))?;
        if let Some(sound) = self.sound() {
            m.serialize_entry("sound", &sound.path)?;
            m.serialize_entry("role", &sound.role)?;
            if sound.role == SoundRole::Bed {
                m.serialize_entry("bed", &true)?;
            }
        }
        m.end()
    }
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
    /// Where the article came from: the file path as given (or found in a
    /// folder or playlist), the URL it was fetched from, or `<stdin>`.
    pub origin: String,
    /// Its place in a document of several articles (a feed, a JSON array,
    /// a `newsMessage`), counting from 1; absent for a document of one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    /// The publisher's identifier for the story (a guid, a ninjs `uri`, an `id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The story's web address, when the input gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// From a `Priority:` / `优先级:` metadata value; 1 is the most important.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    pub articles: Vec<ArticleSummary>,
    pub segments: Vec<Segment>,
}

impl Script {
    /// The segment planned at `index`, if it is still in the script.
    pub fn segment(&self, index: SegmentIndex) -> Option<&Segment> {
        self.segments.iter().find(|s| s.index == index)
    }

    /// The script without the articles in `drop`: their segments go, the
    /// other articles are renumbered, and a separator sound that would then
    /// stand at an edge or beside another separator goes too. Segment
    /// indices stay as planned.
    pub fn without_articles(&self, drop: &BTreeSet<usize>) -> Script {
        let renumber = |a: usize| a - drop.range(..a).count();
        let segments = self
            .segments
            .iter()
            .filter(|s| s.article.is_none_or(|a| !drop.contains(&a)))
            .map(|s| Segment {
                article: s.article.map(renumber),
                ..s.clone()
            })
            .collect();
        let articles = self
            .articles
            .iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, a)| a.clone())
            .collect();
        Script {
            articles,
            segments: without_stray_separators(segments),
        }
    }

    /// The script without the segments in `drop` (a failed intro or outro).
    pub fn without_segments(&self, drop: &BTreeSet<SegmentIndex>) -> Script {
        let segments = self
            .segments
            .iter()
            .filter(|s| !drop.contains(&s.index))
            .cloned()
            .collect();
        Script {
            articles: self.articles.clone(),
            segments: without_stray_separators(segments),
        }
    }
}

/// A separator must sit between two articles, once.
fn without_stray_separators(segments: Vec<Segment>) -> Vec<Segment> {
    let mut kept: Vec<Segment> = Vec::with_capacity(segments.len());
    for (i, s) in segments.iter().enumerate() {
        if s.is_role(SoundRole::Separator) {
            let spoken = |n: &&Segment| n.speech().is_some();
            let next_is_article = segments[i + 1..]
                .iter()
                .find(spoken)
                .is_some_and(|n| n.article.is_some());
            let prev_is_article = kept
                .iter()
                .rev()
                .find(spoken)
                .is_some_and(|n| n.article.is_some());
            let doubled = kept.last().is_some_and(|p| p.is_role(SoundRole::Separator));
            if !next_is_article || !prev_is_article || doubled {
                continue;
            }
        }
        kept.push(s.clone());
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speech(index: usize, id: &str, article: Option<usize>) -> Segment {
        Segment {
            index: SegmentIndex(index),
            id: id.into(),
            kind: SegmentKind::Body,
            article,
            pause_after: Duration::ZERO,
            content: Content::Speech(Speech {
                voice: "v".into(),
                lang: "en".into(),
                text: id.into(),
                source_text: None,
                source_text_in: None,
            }),
        }
    }

    fn separator(index: usize) -> Segment {
        Segment {
            index: SegmentIndex(index),
            id: format!("sound-{index}"),
            kind: SegmentKind::Sound,
            article: None,
            pause_after: Duration::ZERO,
            content: Content::Sound(Sound {
                path: "sting.wav".into(),
                role: SoundRole::Separator,
            }),
        }
    }

    fn summary(title: &str) -> ArticleSummary {
        ArticleSummary {
            title: title.into(),
            source: None,
            author: None,
            editor: None,
            published: None,
            byline: None,
            language: "en".into(),
            origin: format!("{title}.txt"),
            item: None,
            id: None,
            url: None,
            priority: None,
        }
    }

    /// intro, a1, sting, a2, sting, a3, outro
    fn script() -> Script {
        Script {
            articles: vec![summary("one"), summary("two"), summary("three")],
            segments: vec![
                speech(0, "intro", None),
                speech(1, "a1", Some(0)),
                separator(2),
                speech(3, "a2", Some(1)),
                separator(4),
                speech(5, "a3", Some(2)),
                speech(6, "outro", None),
            ],
        }
    }

    fn ids(s: &Script) -> Vec<&str> {
        s.segments.iter().map(|g| g.id.as_str()).collect()
    }

    #[test]
    fn dropping_a_middle_article_keeps_one_separator_and_renumbers() {
        let s = script().without_articles(&BTreeSet::from([1]));
        assert_eq!(ids(&s), ["intro", "a1", "sound-2", "a3", "outro"]);
        assert_eq!(s.articles.len(), 2);
        assert_eq!(s.articles[1].title, "three");
        let a3 = s.segments.iter().find(|g| g.id == "a3").unwrap();
        assert_eq!((a3.article, a3.index), (Some(1), SegmentIndex(5)));
    }

    #[test]
    fn dropping_edge_articles_leaves_no_separator_at_an_edge() {
        assert_eq!(
            ids(&script().without_articles(&BTreeSet::from([0]))),
            ["intro", "a2", "sound-4", "a3", "outro"]
        );
        assert_eq!(
            ids(&script().without_articles(&BTreeSet::from([0, 2]))),
            ["intro", "a2", "outro"]
        );
        assert_eq!(
            ids(&script().without_articles(&BTreeSet::new())),
            ids(&script())
        );
    }

    #[test]
    fn dropping_segments_keeps_the_rest() {
        let s = script().without_segments(&BTreeSet::from([SegmentIndex(0), SegmentIndex(6)]));
        assert_eq!(ids(&s), ["a1", "sound-2", "a2", "sound-4", "a3"]);
    }

    #[test]
    fn segments_serialize_as_the_plan_has_always_shown_them() {
        let json = serde_json::to_value(script().segments[2].clone()).unwrap();
        assert_eq!(json["kind"], "sound");
        assert_eq!(json["text"], "");
        assert_eq!(json["sound"], "sting.wav");
        assert_eq!(json["role"], "separator");
        let json = serde_json::to_value(script().segments[1].clone()).unwrap();
        assert_eq!(json["voice"], "v");
        assert!(json.get("sound").is_none() && json.get("bed").is_none());
    }
}
