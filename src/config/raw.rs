//! config: `voices.toml` exactly as written, before validation, read by serde.
//! Unknown keys are rejected here so that a typo never silently changes the
//! bulletin; words that name a choice (`split = "sentence"`) are enums, so a
//! wrong word is an error listing the right ones.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::audio::PcmEncoding;
use crate::ingest::Order;
use crate::output::Format;
use crate::script::{MixedLanguage, SplitMode};
use crate::tts::{CommandInput, CommandOutput, RedirectPolicy};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub bulletin: RawBulletin,
    pub languages: BTreeMap<String, RawLanguage>,
    pub voices: BTreeMap<String, RawVoice>,
    /// Kept as tables so that presets can be merged under them before they are read.
    pub backends: BTreeMap<String, toml::Table>,
    pub cache: RawCache,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCache {
    pub dir: Option<String>,
    pub local: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBulletin {
    pub sample_rate: Option<u32>,
    pub split: Option<SplitMode>,
    pub intro: Option<String>,
    pub outro: Option<String>,
    pub pauses: RawPauses,
    pub attribution: BTreeMap<String, String>,
    pub channels: Option<u16>,
    pub bits: Option<u16>,
    /// A pronunciation lexicon (`.toml` or W3C `.pls`), or several.
    pub lexicon: Option<OneOrMany>,
    pub mixed_language: Option<MixedLanguage>,
    pub loudness: Option<RawLoudness>,
    pub formats: Option<Vec<Format>>,
    pub bwf: RawBwf,
    pub cart: Option<RawCart>,
    pub sounds: RawSounds,
    /// MiB of decoded audio a build may hold at once.
    pub memory_mb: Option<u32>,
    /// The bulletin's inputs (paths relative to voices.toml, or URLs), read
    /// when the command line names none.
    pub inputs: Option<Vec<String>>,
    /// `24h`, or a time such as `2026-11-29T00:00`.
    pub since: Option<String>,
    pub limit: Option<usize>,
    pub order: Option<Order>,
    pub fetch: RawFetch,
    pub feed: RawFeed,
}

/// `[bulletin.feed]`: what the podcast feed's channel says about itself.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawFeed {
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub image: Option<String>,
    pub category: Option<String>,
    pub explicit: Option<bool>,
}

/// `[bulletin.fetch]`: how URL inputs are fetched; the keys a backend has.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawFetch {
    pub timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub max_response_mb: Option<u64>,
    pub redirects: Option<RedirectPolicy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBwf {
    pub description: Option<String>,
    pub originator: Option<String>,
    pub originator_reference: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCart {
    pub title: Option<String>,
    pub artist: Option<String>,
    pub category: Option<String>,
    pub client_id: Option<String>,
    pub valid_for: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSounds {
    pub intro: Option<String>,
    pub outro: Option<String>,
    pub separator: Option<String>,
    pub bed: Option<String>,
    pub bed_lead: Option<RawDuration>,
    pub bed_duck_db: Option<f32>,
    pub bed_tail: Option<RawDuration>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawPauses {
    pub after_title: Option<RawDuration>,
    pub sentence: Option<RawDuration>,
    pub paragraph: Option<RawDuration>,
    pub article: Option<RawDuration>,
    pub after_intro: Option<RawDuration>,
    pub after_sound: Option<RawDuration>,
}

/// `"broadcast"`, `"podcast"`, `"off"`, or `{ integrated = -23, true_peak = -1 }`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawLoudness {
    Profile(LoudnessProfile),
    Custom(RawLoudnessTarget),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoudnessProfile {
    /// EBU R128: -23 LUFS, -1 dBTP.
    #[serde(alias = "ebu-r128")]
    Broadcast,
    /// -16 LUFS, -1 dBTP.
    Podcast,
    Off,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLoudnessTarget {
    pub integrated: Option<f64>,
    pub true_peak: Option<f64>,
}

/// Milliseconds as a number, or text with a unit (`"1.5s"`).
#[derive(Debug, Clone, PartialEq)]
pub enum RawDuration {
    Millis(f64),
    Text(String),
}

/// A file name, or a list of them.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOrMany(pub Vec<String>);

/// `zh = "zh"`, or a voice per segment kind: `en = { title = "anchor", body = "en" }`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawLanguage {
    Voice(String),
    ByKind(RawKindVoices),
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawKindVoices {
    pub default: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub attribution: Option<String>,
    pub intro: Option<String>,
    pub outro: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVoice {
    pub backend: String,
    pub voice: Option<String>,
    pub speed: Option<f32>,
    pub lang: Option<String>,
    pub fallback: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Http,
    Command,
    /// A program started once per run and kept loaded (worker protocol 1).
    Worker,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBackend {
    pub preset: Option<String>,
    pub kind: Option<BackendKind>,
    // http
    pub url: Option<String>,
    pub urls: Option<Vec<String>>,
    pub cooldown_secs: Option<f64>,
    pub requests_per_minute: Option<u32>,
    pub method: Option<String>,
    pub query: BTreeMap<String, String>,
    pub headers: BTreeMap<String, String>,
    pub body: Option<toml::Value>,
    pub form: Option<BTreeMap<String, String>>,
    pub text_body: Option<String>,
    pub content_type: Option<String>,
    pub api_key_env: Option<String>,
    pub api_key_header: Option<String>,
    pub api_key_prefix: Option<String>,
    pub response: Option<RawResponse>,
    pub redirects: Option<RedirectPolicy>,
    // command
    pub program: Option<String>,
    pub args: Option<Vec<String>>,
    pub input: Option<CommandInput>,
    pub output: Option<CommandOutput>,
    pub install_hint: Option<String>,
    // worker
    pub pool: Option<usize>,
    pub start_timeout_secs: Option<f64>,
    // every kind
    pub notice: Option<String>,
    pub timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub concurrency: Option<usize>,
    pub max_chars: Option<usize>,
    pub max_bytes: Option<usize>,
    pub max_response_mb: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseFormat {
    /// Sniff the bytes: WAV or MP3.
    Auto,
    Wav,
    Mp3,
    /// Headerless PCM.
    Pcm,
    Mulaw,
    Alaw,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawResponse {
    pub format: Option<ResponseFormat>,
    /// JSON pointer to base64 audio in a JSON response.
    pub json_pointer: Option<String>,
    pub encoding: Option<PcmEncoding>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawDuration, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("milliseconds as a number, or text with a unit such as \"1.5s\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                if v.is_finite() && v >= 0.0 {
                    Ok(RawDuration::Millis(v))
                } else {
                    Err(E::custom(format!(
                        "a duration must not be negative (got {v})"
                    )))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawLoudness {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawLoudness, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawLoudness;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "\"broadcast\" (-23 LUFS), \"podcast\" (-16 LUFS), \"off\", \
                     or { integrated = -23, true_peak = -1 }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawLoudness, E> {
                LoudnessProfile::deserialize(de::value::StrDeserializer::new(v))
                    .map(RawLoudness::Profile)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawLoudness, A::Error> {
                RawLoudnessTarget::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawLoudness::Custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OneOrMany, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a file name or a list of file names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<OneOrMany, A::Error> {
                Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(OneOrMany)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawLanguage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawLanguage, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawLanguage;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a voice name or a table such as { title = \"anchor\", body = \"reporter\" }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawLanguage, E> {
                Ok(RawLanguage::Voice(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawLanguage, A::Error> {
                RawKindVoices::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawLanguage::ByKind)
            }
        }
        d.deserialize_any(V)
    }
}
