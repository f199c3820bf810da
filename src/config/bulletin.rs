//! config: `[bulletin]` → the audio format and what shapes the script: split
//! mode, pauses, intro and outro, station sounds, attribution templates, the
//! pronunciation lexicon, mixed-language handling.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::audio::AudioSpec;
use crate::script::{self, BedSettings, Pauses, Sounds, SplitMode};
use crate::text::Lexicon;

use super::duration::parse_duration;
use super::error::{bounded, Problem};
use super::raw::{RawBulletin, RawDuration};

/// The longest pause (or bed lead-in or tail) a bulletin may hold: a pause is
/// silence on air, and a minute is already dead air.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The range of `memory_mb`: below a few MiB one long clip fills the budget
/// alone; above 64 GiB is a typo.
pub const MIN_MEMORY_MIB: u32 = 4;
pub const MAX_MEMORY_MIB: u32 = 65_536;

/// What `[bulletin]` says, apart from the output artifacts.
pub(super) struct Bulletin {
    pub audio: AudioSpec,
    pub split: SplitMode,
    pub pauses: Pauses,
    pub intro: Option<String>,
    pub outro: Option<String>,
    pub sounds: Sounds,
    pub attribution: std::collections::BTreeMap<String, String>,
    pub lexicon: Option<Arc<Lexicon>>,
    pub mixed_language: script::MixedLanguage,
    pub memory_mib: Option<u32>,
}

/// Resolves `[bulletin]`; relative paths are taken from `base`, the folder of
/// voices.toml.
pub(super) fn resolve(raw: &RawBulletin, base: &Path) -> Result<Bulletin, Problem> {
    let sample_rate = bounded(
        "bulletin",
        "sample_rate",
        raw.sample_rate.unwrap_or(48000),
        8000,
        192_000,
    )?;
    let channels = bounded("bulletin", "channels", raw.channels.unwrap_or(1), 1, 2)?;
    let defaults = Pauses::default();
    let pause = |value: &Option<RawDuration>, key: &str, default: Duration| {
        duration("bulletin.pauses", key, value, default)
    };
    let p = &raw.pauses;
    let pauses = Pauses {
        after_title: pause(&p.after_title, "after_title", defaults.after_title)?,
        sentence: pause(&p.sentence, "sentence", defaults.sentence)?,
        paragraph: pause(&p.paragraph, "paragraph", defaults.paragraph)?,
        article: pause(&p.article, "article", defaults.article)?,
        after_intro: pause(&p.after_intro, "after_intro", defaults.after_intro)?,
        after_sound: pause(&p.after_sound, "after_sound", defaults.after_sound)?,
    };
    let sounds = sounds(raw, base)?;
    let mut attribution = script::default_attribution();
    for (lang, template) in &raw.attribution {
        if let Some(bad) = script::unknown_placeholder(template) {
            return Err(Problem::at(
                "bulletin.attribution",
                lang,
                format!(
                    "unknown placeholder `{{{bad}}}` (known: {})",
                    script::PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        attribution.insert(lang.clone(), template.clone());
    }
    Ok(Bulletin {
        audio: AudioSpec {
            sample_rate,
            channels,
        },
        split: raw.split.unwrap_or(SplitMode::Sentence),
        pauses,
        intro: raw.intro.clone(),
        outro: raw.outro.clone(),
        sounds,
        attribution,
        lexicon: lexicon(raw, base)?,
        mixed_language: raw.mixed_language.unwrap_or_default(),
        memory_mib: raw
            .memory_mb
            .map(|mb| bounded("bulletin", "memory_mb", mb, MIN_MEMORY_MIB, MAX_MEMORY_MIB))
            .transpose()?,
    })
}

fn sounds(raw: &RawBulletin, base: &Path) -> Result<Sounds, Problem> {
    let s = &raw.sounds;
    let sound = |p: &Option<String>| p.as_ref().map(|p| base.join(p));
    let bed_defaults = BedSettings::default();
    let sounds = Sounds {
        intro: sound(&s.intro),
        outro: sound(&s.outro),
        separator: sound(&s.separator),
        bed: BedSettings {
            path: sound(&s.bed),
            lead: duration(
                "bulletin.sounds",
                "bed_lead",
                &s.bed_lead,
                bed_defaults.lead,
            )?,
            duck_db: bounded(
                "bulletin.sounds",
                "bed_duck_db",
                s.bed_duck_db.unwrap_or(bed_defaults.duck_db).abs(),
                0.0,
                60.0,
            )?,
            tail: duration(
                "bulletin.sounds",
                "bed_tail",
                &s.bed_tail,
                bed_defaults.tail,
            )?,
        },
    };
    if sounds.bed.path.is_some() && raw.intro.is_none() {
        return Err(Problem::at(
            "bulletin.sounds",
            "bed",
            "plays under the spoken intro: set [bulletin] intro too",
        ));
    }
    for (key, path) in [
        ("intro", &sounds.intro),
        ("outro", &sounds.outro),
        ("separator", &sounds.separator),
        ("bed", &sounds.bed.path),
    ] {
        if let Some(path) = path {
            if !path.is_file() {
                return Err(Problem::at(
                    "bulletin.sounds",
                    key,
                    format!("{} does not exist", path.display()),
                ));
            }
        }
    }
    Ok(sounds)
}

/// Loads the lexicon files (TOML, or W3C PLS by their `.pls` extension), later ones winning.
fn lexicon(raw: &RawBulletin, base: &Path) -> Result<Option<Arc<Lexicon>>, Problem> {
    let Some(files) = &raw.lexicon else {
        return Ok(None);
    };
    let mut lexicon = Lexicon::default();
    for file in &files.0 {
        let loaded = Lexicon::load(base.join(file))
            .map_err(|e| Problem::at("bulletin", "lexicon", e.to_string()))?;
        lexicon.extend(loaded);
    }
    Ok(Some(Arc::new(lexicon)))
}

/// A pause-like duration: milliseconds or text with a unit, at most [`MAX_PAUSE`].
fn duration(
    section: &str,
    key: &str,
    value: &Option<RawDuration>,
    default: Duration,
) -> Result<Duration, Problem> {
    let d = match value {
        None => return Ok(default),
        Some(RawDuration::Millis(ms)) => Duration::from_secs_f64(ms.min(1e12) / 1000.0),
        Some(RawDuration::Text(t)) => {
            parse_duration(t, Duration::from_millis(1)).map_err(|e| Problem::at(section, key, e))?
        }
    };
    if d > MAX_PAUSE {
        return Err(Problem::at(
            section,
            key,
            format!(
                "= {:.1}s is out of range: use 0 to {}s",
                d.as_secs_f64(),
                MAX_PAUSE.as_secs()
            ),
        ));
    }
    Ok(d)
}
