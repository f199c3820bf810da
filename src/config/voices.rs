//! config: `[voices]` and `[languages]` → the voices, each resolved to its
//! backend once, and the voice for each language and kind of segment.

use std::collections::BTreeMap;

use crate::script::{KindVoices, SegmentKind, VoiceRef};
use crate::text::Limit;
use crate::tts::{BackendSpec, VoiceBinding, Voices, VoicesError};

use super::error::{suggest, Problem};
use super::raw::{RawLanguage, RawVoice};

/// `limits` gives each backend's request limit, by backend name.
pub(super) fn resolve(
    raw_voices: &BTreeMap<String, RawVoice>,
    raw_languages: &BTreeMap<String, RawLanguage>,
    backends: Vec<BackendSpec>,
    limits: &BTreeMap<String, Limit>,
) -> Result<(Voices, BTreeMap<String, KindVoices>), Problem> {
    let voice_ref = |name: &str, lang: &str| -> Result<VoiceRef, Problem> {
        let Some(v) = raw_voices.get(name) else {
            return Err(Problem::new(
                "languages",
                format!(
                    "{lang} names voice `{name}`, which is not defined under [voices]{}",
                    suggest(name, raw_voices.keys())
                ),
            ));
        };
        let limit = limits
            .get(&v.backend)
            .copied()
            .ok_or_else(|| unknown_backend(name, &v.backend, limits))?;
        Ok(VoiceRef {
            name: name.to_owned(),
            limit,
        })
    };
    let mut languages = BTreeMap::new();
    for (lang, value) in raw_languages {
        let voices = match value {
            RawLanguage::Voice(name) => KindVoices::single(voice_ref(name, lang)?),
            RawLanguage::ByKind(kinds) => {
                let default = kinds
                    .default
                    .as_deref()
                    .or(kinds.body.as_deref())
                    .ok_or_else(|| {
                        Problem::at(
                            "languages",
                            lang,
                            "a table of voices needs `default` or `body`",
                        )
                    })?;
                let mut voices = KindVoices::single(voice_ref(default, lang)?);
                for (kind, voice) in [
                    (SegmentKind::Title, &kinds.title),
                    (SegmentKind::Body, &kinds.body),
                    (SegmentKind::Attribution, &kinds.attribution),
                    (SegmentKind::Intro, &kinds.intro),
                    (SegmentKind::Outro, &kinds.outro),
                ] {
                    if let Some(v) = voice {
                        voices.by_kind.insert(kind, voice_ref(v, lang)?);
                    }
                }
                voices
            }
        };
        languages.insert(lang.clone(), voices);
    }
    if languages.is_empty() {
        return Err(Problem::new(
            "languages",
            "maps no language to a voice; add e.g. `zh = \"zh\"` and `en = \"en\"`",
        ));
    }

    let mut bindings = Vec::new();
    for (name, v) in raw_voices {
        let section = format!("voices.{name}");
        let speed = v.speed.unwrap_or(1.0);
        if !(0.25..=4.0).contains(&speed) {
            return Err(Problem::at(
                &section,
                "speed",
                format!("= {speed} is out of range: use 0.25 to 4"),
            ));
        }
        // The language a voice speaks: its own `lang`, else the first language that uses it.
        let lang = v.lang.clone().or_else(|| {
            languages
                .iter()
                .find(|(_, kv)| kv.all().any(|r| r.name == *name))
                .map(|(l, _)| l.clone())
        });
        bindings.push(VoiceBinding {
            name: name.clone(),
            backend: v.backend.clone(),
            voice: v.voice.clone().unwrap_or_default(),
            speed,
            lang: lang.unwrap_or_default(),
            fallback: v.fallback.clone(),
        });
    }
    let voices = Voices::new(backends, bindings).map_err(|e| match e {
        VoicesError::UnknownBackend { voice, backend } => unknown_backend(&voice, &backend, limits),
        VoicesError::UnknownFallback { voice, fallback } => Problem::at(
            format!("voices.{voice}"),
            "fallback",
            format!(
                "= \"{fallback}\" is not defined under [voices]{}",
                suggest(&fallback, raw_voices.keys())
            ),
        ),
        VoicesError::OwnFallback(voice) => Problem::at(
            format!("voices.{voice}"),
            "fallback",
            "cannot be the voice itself",
        ),
    })?;
    Ok((voices, languages))
}

fn unknown_backend(voice: &str, backend: &str, limits: &BTreeMap<String, Limit>) -> Problem {
    let defined = limits.keys().cloned().collect::<Vec<_>>().join(", ");
    Problem::new(
        format!("voices.{voice}"),
        format!(
            "names backend `{backend}`, which is not defined under [backends] (defined: {defined}){}",
            suggest(backend, limits.keys())
        ),
    )
}
