//! script: the settings that shape a script, resolved from `voices.toml` by the
//! configuration layer.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::text::Limit;

use super::segment::SegmentKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitMode {
    /// One segment per sentence: finest transcript, cache and pause control.
    Sentence,
    /// As many whole sentences per segment as the backend's limit allows.
    Paragraph,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pauses {
    pub after_title: Duration,
    pub sentence: Duration,
    pub paragraph: Duration,
    pub article: Duration,
    pub after_intro: Duration,
    pub after_sound: Duration,
}

impl Default for Pauses {
    fn default() -> Pauses {
        Pauses {
            after_title: Duration::from_millis(700),
            sentence: Duration::from_millis(250),
            paragraph: Duration::from_millis(600),
            article: Duration::from_millis(1500),
            after_intro: Duration::from_millis(1000),
            after_sound: Duration::from_millis(500),
        }
    }
}

/// A configured voice as the script needs it: its name and how much text one
/// request to its backend may carry. Made by the configuration layer, which
/// has checked that the voice exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceRef {
    pub name: String,
    pub limit: Limit,
}

/// The voice for each kind of segment in one language.
#[derive(Debug, Clone, PartialEq)]
pub struct KindVoices {
    pub default: VoiceRef,
    pub by_kind: BTreeMap<SegmentKind, VoiceRef>,
}

impl KindVoices {
    pub fn single(voice: VoiceRef) -> KindVoices {
        KindVoices {
            default: voice,
            by_kind: BTreeMap::new(),
        }
    }

    pub fn for_kind(&self, kind: SegmentKind) -> &VoiceRef {
        self.by_kind.get(&kind).unwrap_or(&self.default)
    }

    /// Every voice named, the default first.
    pub fn all(&self) -> impl Iterator<Item = &VoiceRef> {
        std::iter::once(&self.default).chain(self.by_kind.values())
    }
}

#[derive(Debug, Clone)]
pub struct ScriptSettings {
    pub split: SplitMode,
    pub pauses: Pauses,
    /// Attribution template per language; see `attribution.rs`.
    pub attribution: BTreeMap<String, String>,
    /// Article language → voices.
    pub languages: BTreeMap<String, KindVoices>,
    pub intro: Option<String>,
    pub outro: Option<String>,
    pub sounds: Sounds,
    /// The newsroom's pronunciation lexicon, applied before the number rules.
    pub lexicon: Option<std::sync::Arc<crate::text::Lexicon>>,
    pub mixed_language: MixedLanguage,
}

/// What to do with a run of another language inside a sentence (English
/// words in a Chinese article).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MixedLanguage {
    /// Leave it to the sentence's voice.
    #[default]
    Voice,
    /// Speak it with that language's voice, as a segment of its own.
    Switch,
}

/// Station sounds from `[bulletin.sounds]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sounds {
    /// Before everything else.
    pub intro: Option<std::path::PathBuf>,
    /// After everything else.
    pub outro: Option<std::path::PathBuf>,
    /// Between articles.
    pub separator: Option<std::path::PathBuf>,
    /// A music bed under the spoken intro.
    pub bed: BedSettings,
}

/// A music bed: played alone for `lead`, ducked by `duck_db` under the
/// spoken intro, faded out over `tail` after it.
#[derive(Debug, Clone, PartialEq)]
pub struct BedSettings {
    pub path: Option<std::path::PathBuf>,
    pub lead: Duration,
    pub duck_db: f32,
    pub tail: Duration,
}

impl Default for BedSettings {
    fn default() -> BedSettings {
        BedSettings {
            path: None,
            lead: Duration::from_secs(3),
            duck_db: 18.0,
            tail: Duration::from_millis(1500),
        }
    }
}

/// Attribution templates used when `voices.toml` gives none for a language.
pub fn default_attribution() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "zh".to_owned(),
            "来源:{source}。作者:{author}。{byline}。".to_owned(),
        ),
        (
            "en".to_owned(),
            "From {source}. By {author}. {byline}.".to_owned(),
        ),
    ])
}
