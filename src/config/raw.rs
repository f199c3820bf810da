//! config: `voices.toml` exactly as written, before validation. Unknown keys
//! are rejected here so that a typo never silently changes the bulletin.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub bulletin: RawBulletin,
    pub languages: BTreeMap<String, toml::Value>,
    pub voices: BTreeMap<String, RawVoice>,
    /// Kept as tables so that presets can be merged under them before they are read.
    pub backends: BTreeMap<String, toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBulletin {
    pub sample_rate: Option<u32>,
    pub split: Option<String>,
    pub intro: Option<String>,
    pub outro: Option<String>,
    pub pauses: RawPauses,
    pub attribution: BTreeMap<String, String>,
    pub channels: Option<u16>,
    pub bits: Option<u16>,
    /// A pronunciation lexicon (`.toml` or W3C `.pls`), or several.
    pub lexicon: Option<toml::Value>,
    /// "voice" (default) or "switch".
    pub mixed_language: Option<String>,
    /// "broadcast", "podcast", "off", or { integrated = -23, true_peak = -1 }.
    pub loudness: Option<toml::Value>,
    pub formats: Option<Vec<String>>,
    pub bwf: RawBwf,
    pub cart: Option<RawCart>,
    pub sounds: RawSounds,
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

/// Milliseconds as a number, or text with a unit (`"1.5s"`).
#[derive(Debug, Clone, PartialEq)]
pub enum RawDuration {
    Millis(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RawDuration, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RawDuration;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("milliseconds as a number, or text with a unit such as \"1.5s\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<RawDuration, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<RawDuration, E> {
                self.visit_f64(v as f64)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<RawDuration, E> {
                if v.is_finite() && v >= 0.0 {
                    Ok(RawDuration::Millis(v))
                } else {
                    Err(E::custom(format!(
                        "a duration must not be negative (got {v})"
                    )))
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_owned()))
            }
        }
        d.deserialize_any(Visitor)
    }
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawKindVoices {
    pub default: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub attribution: Option<String>,
    pub intro: Option<String>,
    pub outro: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBackend {
    pub preset: Option<String>,
    pub kind: Option<String>,
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
    /// "same-origin" (default), "follow" or "none".
    pub redirects: Option<String>,
    // command
    pub program: Option<String>,
    pub args: Option<Vec<String>>,
    pub input: Option<String>,
    pub output: Option<String>,
    pub install_hint: Option<String>,
    // both
    pub timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub concurrency: Option<usize>,
    pub max_chars: Option<usize>,
    pub max_bytes: Option<usize>,
    pub max_response_mb: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawResponse {
    /// `auto` (sniff WAV or MP3; also `wav`, `mp3`), `pcm` (headerless), `mulaw`, `alaw`.
    pub format: Option<String>,
    /// JSON pointer to base64 audio in a JSON response.
    pub json_pointer: Option<String>,
    pub encoding: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
}
