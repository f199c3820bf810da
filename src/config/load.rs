//! config: parse `voices.toml` once into typed, validated settings for every
//! stage. Nothing downstream reads the file or the environment again.

use std::collections::BTreeMap;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::audio::{AudioSpec, LoudnessTarget, PcmEncoding, PcmFormat};
use crate::output::{BwfSettings, CartSettings, Format, OutputSettings};
use crate::script::{
    self, BedSettings, KindVoices, MixedLanguage, Pauses, ScriptSettings, Sounds, SplitMode,
};
use crate::text::Lexicon;
use crate::text::Limit;
use crate::tts::{
    AudioFormat, BackendSpec, BodySpec, CommandInput, CommandOutput, CommandSpec, HttpSpec,
    JsonTemplate, RedirectPolicy, RetryPolicy, Template, TemplateError, Transport, VoiceBinding,
};
use std::sync::Arc;

use crate::tts::ResponseSpec;

use super::duration::parse_duration;
use super::raw::{RawBackend, RawConfig, RawDuration, RawKindVoices};

const PRESETS: &str = include_str!("presets.toml");
const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// The longest pause (or bed lead-in or tail) a bulletin may hold.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// `value` if it lies within `min..=max`, else a message stating the range.
fn bounded<T: PartialOrd + std::fmt::Display + Copy>(
    key: &str,
    value: T,
    min: T,
    max: T,
) -> Result<T, String> {
    if value < min || value > max {
        Err(format!(
            "{key} = {value} is out of range: use {min} to {max}"
        ))
    } else {
        Ok(value)
    }
}

/// Everything `voices.toml` says, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub audio: AudioSpec,
    pub script: ScriptSettings,
    pub backends: Vec<BackendSpec>,
    pub voices: Vec<VoiceBinding>,
    pub output: OutputSettings,
}

/// Whether `${NAME}` secrets must be present. `plan` and `voices` (without
/// `--check`) never send a request, so they do not need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    Required,
    NotNeeded,
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl Config {
    /// Reads and validates the file at `path`, resolving secrets through `env`.
    pub fn load(
        path: &Path,
        secrets: Secrets,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.display().to_string(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| {
            err(if e.kind() == std::io::ErrorKind::NotFound {
                "no such file (pass another with --voices, or copy voices.toml from the bulletin repository)".into()
            } else {
                format!("cannot read: {e}")
            })
        })?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(err(format!(
                "file is too large for a configuration file ({} bytes)",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            err(format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Config::parse(&text, path, secrets, env)
    }

    pub fn parse(
        text: &str,
        path: &Path,
        secrets: Secrets,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.display().to_string(),
            message,
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| err(describe_toml_error(&e)))?;
        let env_for_templates = |name: &str| match secrets {
            Secrets::Required => env(name),
            // Never sent: a stand-in keeps plans and listings working without keys.
            Secrets::NotNeeded => Some(
                env(name)
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| "unset".to_owned()),
            ),
        };
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        resolve(raw, base, &env_for_templates)
            .map(|mut c| {
                c.path = path.to_owned();
                c
            })
            .map_err(err)
    }
}

fn resolve(
    raw: RawConfig,
    base: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, String> {
    let bulletin = raw.bulletin;
    let sample_rate = bulletin.sample_rate.unwrap_or(48000);
    bounded("[bulletin] sample_rate", sample_rate, 8000, 192_000)?;
    let split = match bulletin.split.as_deref() {
        None | Some("sentence") => SplitMode::Sentence,
        Some("paragraph") => SplitMode::Paragraph,
        Some(other) => {
            return Err(format!(
                "[bulletin] split = \"{other}\": use \"sentence\" or \"paragraph\""
            ))
        }
    };
    let defaults = Pauses::default();
    let pause =
        |value: &Option<RawDuration>, name: &str, default: Duration| -> Result<Duration, String> {
            let at = if name.starts_with("bed_") {
                "[bulletin.sounds]"
            } else {
                "[bulletin.pauses]"
            };
            let d = match value {
                None => return Ok(default),
                Some(RawDuration::Millis(ms)) => Duration::from_secs_f64(ms.min(1e12) / 1000.0),
                Some(RawDuration::Text(t)) => parse_duration(t, Duration::from_millis(1))
                    .map_err(|e| format!("{at} {name}: {e}"))?,
            };
            // A pause is silence on air: a minute is already dead air.
            if d > MAX_PAUSE {
                return Err(format!(
                    "{at} {name} = {:.1}s is out of range: use 0 to {}s",
                    d.as_secs_f64(),
                    MAX_PAUSE.as_secs()
                ));
            }
            Ok(d)
        };
    let p = &bulletin.pauses;
    let pauses = Pauses {
        after_title: pause(&p.after_title, "after_title", defaults.after_title)?,
        sentence: pause(&p.sentence, "sentence", defaults.sentence)?,
        paragraph: pause(&p.paragraph, "paragraph", defaults.paragraph)?,
        article: pause(&p.article, "article", defaults.article)?,
        after_intro: pause(&p.after_intro, "after_intro", defaults.after_intro)?,
        after_sound: pause(&p.after_sound, "after_sound", defaults.after_sound)?,
    };
    let channels = bulletin.channels.unwrap_or(1);
    if !(1..=2).contains(&channels) {
        return Err(format!(
            "[bulletin] channels = {channels}: use 1 (mono) or 2 (stereo)"
        ));
    }
    let output = resolve_output(&bulletin)?;
    let lexicon = resolve_lexicon(&bulletin.lexicon, base)?;
    let mixed_language = match bulletin.mixed_language.as_deref() {
        None | Some("voice") => MixedLanguage::Voice,
        Some("switch") => MixedLanguage::Switch,
        Some(other) => {
            return Err(format!(
                "[bulletin] mixed_language = \"{other}\": use \"voice\" or \"switch\""
            ))
        }
    };
    let sound = |p: &Option<String>| p.as_ref().map(|p| base.join(p));
    let bed_defaults = BedSettings::default();
    let sounds = Sounds {
        intro: sound(&bulletin.sounds.intro),
        outro: sound(&bulletin.sounds.outro),
        separator: sound(&bulletin.sounds.separator),
        bed: BedSettings {
            path: sound(&bulletin.sounds.bed),
            lead: pause(&bulletin.sounds.bed_lead, "bed_lead", bed_defaults.lead)?,
            duck_db: bounded(
                "[bulletin.sounds] bed_duck_db",
                bulletin
                    .sounds
                    .bed_duck_db
                    .unwrap_or(bed_defaults.duck_db)
                    .abs(),
                0.0,
                60.0,
            )?,
            tail: pause(&bulletin.sounds.bed_tail, "bed_tail", bed_defaults.tail)?,
        },
    };
    if sounds.bed.path.is_some() && bulletin.intro.is_none() {
        return Err(
            "[bulletin.sounds] bed plays under the spoken intro: set [bulletin] intro too".into(),
        );
    }
    for path in [
        &sounds.intro,
        &sounds.outro,
        &sounds.separator,
        &sounds.bed.path,
    ]
    .into_iter()
    .flatten()
    {
        if !path.is_file() {
            return Err(format!(
                "[bulletin.sounds] {} does not exist",
                path.display()
            ));
        }
    }
    let mut attribution = script::default_attribution();
    for (lang, template) in bulletin.attribution {
        if let Some(bad) = script::unknown_placeholder(&template) {
            return Err(format!(
                "[bulletin.attribution] {lang}: unknown placeholder `{{{bad}}}` (known: {})",
                script::PLACEHOLDERS
                    .iter()
                    .map(|p| format!("{{{p}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        attribution.insert(lang, template);
    }

    let mut backends = Vec::new();
    let mut limits = BTreeMap::new();
    for (name, table) in raw.backends {
        let (spec, limit) =
            resolve_backend(&name, table, env).map_err(|e| format!("[backends.{name}] {e}"))?;
        limits.insert(name, limit);
        backends.push(spec);
    }

    let mut languages = BTreeMap::new();
    for (lang, value) in raw.languages {
        let voices = resolve_language(&value).map_err(|e| format!("[languages] {lang}: {e}"))?;
        for voice in std::iter::once(&voices.default).chain(voices.by_kind.values()) {
            if !raw.voices.contains_key(voice) {
                return Err(format!(
                    "[languages] {lang} names voice `{voice}`, which is not defined under [voices]{}",
                    suggest(voice, raw.voices.keys())
                ));
            }
        }
        languages.insert(lang, voices);
    }

    let mut voices = Vec::new();
    let mut voice_limits = BTreeMap::new();
    for (name, v) in &raw.voices {
        let Some(limit) = limits.get(&v.backend) else {
            let defined = limits.keys().cloned().collect::<Vec<_>>().join(", ");
            return Err(format!(
                "[voices.{name}] names backend `{}`, which is not defined under [backends] (defined: {defined}){}",
                v.backend,
                suggest(&v.backend, limits.keys())
            ));
        };
        let speed = v.speed.unwrap_or(1.0);
        if !(0.25..=4.0).contains(&speed) {
            return Err(format!(
                "[voices.{name}] speed = {speed} is out of range: use 0.25 to 4"
            ));
        }
        // The language a voice speaks: its own `lang`, else the first language that uses it.
        let lang = v.lang.clone().or_else(|| {
            languages
                .iter()
                .find(|(_, kv): &(&String, &KindVoices)| {
                    kv.default == *name || kv.by_kind.values().any(|x| x == name)
                })
                .map(|(l, _)| l.clone())
        });
        voice_limits.insert(name.clone(), *limit);
        if let Some(f) = &v.fallback {
            if !raw.voices.contains_key(f) {
                return Err(format!(
                    "[voices.{name}] fallback = \"{f}\" is not defined under [voices]{}",
                    suggest(f, raw.voices.keys())
                ));
            }
            if f == name {
                return Err(format!("[voices.{name}] cannot be its own fallback"));
            }
        }
        voices.push(VoiceBinding {
            name: name.clone(),
            backend: v.backend.clone(),
            voice: v.voice.clone().unwrap_or_default(),
            speed,
            lang: lang.unwrap_or_default(),
            fallback: v.fallback.clone(),
        });
    }
    if languages.is_empty() {
        return Err(
            "[languages] maps no language to a voice; add e.g. `zh = \"zh\"` and `en = \"en\"`"
                .into(),
        );
    }

    Ok(Config {
        path: PathBuf::new(),
        audio: AudioSpec {
            sample_rate,
            channels,
        },
        script: ScriptSettings {
            split,
            pauses,
            attribution,
            languages,
            voice_limits,
            intro: bulletin.intro,
            outro: bulletin.outro,
            sounds,
            lexicon,
            mixed_language,
        },
        backends,
        voices,
        output,
    })
}

/// Loads the lexicon files (TOML, or W3C PLS by their `.pls` extension), later ones winning.
fn resolve_lexicon(
    value: &Option<toml::Value>,
    base: &Path,
) -> Result<Option<Arc<Lexicon>>, String> {
    let paths: Vec<String> = match value {
        None => return Ok(None),
        Some(toml::Value::String(p)) => vec![p.clone()],
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or("[bulletin] lexicon: a list of file names")
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("[bulletin] lexicon must be a file name or a list of them".into()),
    };
    let mut lexicon = Lexicon::default();
    for p in paths {
        let loaded =
            Lexicon::load(base.join(&p)).map_err(|e| format!("[bulletin] lexicon: {e}"))?;
        lexicon.extend(loaded);
    }
    Ok(Some(Arc::new(lexicon)))
}

fn resolve_output(bulletin: &super::raw::RawBulletin) -> Result<OutputSettings, String> {
    let defaults = OutputSettings::default();
    let bits = bulletin.bits.unwrap_or(16);
    if bits != 16 && bits != 24 {
        return Err(format!("[bulletin] bits = {bits}: use 16 or 24"));
    }
    let loudness = match &bulletin.loudness {
        None => defaults.loudness,
        Some(toml::Value::String(p)) => match p.as_str() {
            "broadcast" | "ebu-r128" => Some(LoudnessTarget::broadcast()),
            "podcast" => Some(LoudnessTarget::podcast()),
            "off" => None,
            other => {
                return Err(format!(
                    "[bulletin] loudness = \"{other}\": use \"broadcast\" (-23 LUFS), \"podcast\" (-16 LUFS), \"off\", \
                     or {{ integrated = -23, true_peak = -1 }}"
                ))
            }
        },
        Some(toml::Value::Table(t)) => {
            let number = |key: &str, default: f64| -> Result<f64, String> {
                match t.get(key) {
                    None => Ok(default),
                    Some(toml::Value::Float(f)) => Ok(*f),
                    Some(toml::Value::Integer(i)) => Ok(*i as f64),
                    Some(_) => Err(format!("[bulletin] loudness.{key} must be a number")),
                }
            };
            if let Some(bad) = t.keys().find(|k| !["integrated", "true_peak"].contains(&k.as_str())) {
                return Err(format!("[bulletin] loudness: unknown key `{bad}` (use integrated, true_peak)"));
            }
            let target = LoudnessTarget { integrated_lufs: number("integrated", -23.0)?, true_peak_dbtp: number("true_peak", -1.0)? };
            if !(-70.0..=0.0).contains(&target.integrated_lufs) || !(-20.0..=0.0).contains(&target.true_peak_dbtp) {
                return Err("[bulletin] loudness: integrated must be within -70..0 LUFS and true_peak within -20..0 dBTP".into());
            }
            Some(target)
        }
        Some(_) => return Err("[bulletin] loudness must be a profile name or a table".into()),
    };
    let formats = match &bulletin.formats {
        None => defaults.formats,
        Some(list) if list.is_empty() => {
            return Err("[bulletin] formats must name at least one format".into())
        }
        Some(list) => list
            .iter()
            .map(|f| Format::parse(f).map_err(|e| format!("[bulletin] formats: {e}")))
            .collect::<Result<_, _>>()?,
    };
    let cart = match &bulletin.cart {
        None => None,
        Some(c) => Some(CartSettings {
            title: c.title.clone(),
            artist: c.artist.clone().unwrap_or_default(),
            category: c.category.clone().unwrap_or_else(|| "NEWS".into()),
            client_id: c.client_id.clone().unwrap_or_default(),
            valid_for: match &c.valid_for {
                None => Duration::from_secs(3600),
                Some(t) => {
                    let d = parse_duration(t, Duration::from_secs(60))
                        .map_err(|e| format!("[bulletin.cart] valid_for: {e}"))?;
                    if !(Duration::from_secs(60)..=Duration::from_secs(366 * 86400)).contains(&d) {
                        return Err(format!(
                            "[bulletin.cart] valid_for = \"{t}\" is out of range: use 1m to 366d"
                        ));
                    }
                    d
                }
            },
        }),
    };
    Ok(OutputSettings {
        formats,
        bits,
        loudness,
        bwf: BwfSettings {
            description: bulletin.bwf.description.clone(),
            originator: bulletin
                .bwf
                .originator
                .clone()
                .unwrap_or(defaults.bwf.originator),
            originator_reference: bulletin.bwf.originator_reference.clone(),
        },
        cart,
        per_article: false,
    })
}

fn resolve_language(value: &toml::Value) -> Result<KindVoices, String> {
    match value {
        toml::Value::String(voice) => Ok(KindVoices::single(voice.clone())),
        toml::Value::Table(table) => {
            let kinds: RawKindVoices = table
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| with_suggestion(e.message()))?;
            let default = kinds
                .default
                .clone()
                .or_else(|| kinds.body.clone())
                .ok_or("a table of voices needs `default` or `body`")?;
            let mut voices = KindVoices::single(default);
            for (kind, voice) in [
                ("title", kinds.title),
                ("body", kinds.body),
                ("attribution", kinds.attribution),
                ("intro", kinds.intro),
                ("outro", kinds.outro),
            ] {
                if let Some(v) = voice {
                    voices.by_kind.insert(kind, v);
                }
            }
            Ok(voices)
        }
        _ => Err(
            "expected a voice name or a table such as { title = \"anchor\", body = \"reporter\" }"
                .into(),
        ),
    }
}

fn resolve_backend(
    name: &str,
    mut table: toml::Table,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(BackendSpec, Limit), String> {
    if let Some(preset) = table
        .get("preset")
        .and_then(|p| p.as_str())
        .map(str::to_owned)
    {
        let presets: toml::Table = PRESETS.parse().expect("built-in presets are valid TOML");
        let Some(toml::Value::Table(base)) = presets.get(&preset) else {
            return Err(format!(
                "unknown preset `{preset}` (known: {}){}",
                presets.keys().cloned().collect::<Vec<_>>().join(", "),
                suggest(&preset, presets.keys())
            ));
        };
        let mut merged = base.clone();
        if table.contains_key("urls") {
            // A pool replaces the preset's single endpoint.
            merged.remove("url");
        }
        merge(&mut merged, table);
        table = merged;
    }
    let raw: RawBackend = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| with_suggestion(e.message()))?;
    let template =
        |what: &str, s: &str| Template::parse(s, env).map_err(|e| template_error(what, e));

    let kind = raw.kind.as_deref().unwrap_or(if raw.program.is_some() {
        "command"
    } else {
        "http"
    });
    let transport = match kind {
        "http" => {
            let listed: Vec<String> = match (&raw.url, &raw.urls) {
                (Some(_), Some(_)) => return Err("give `url` or `urls`, not both".into()),
                (Some(u), None) => vec![u.clone()],
                (None, Some(us)) if !us.is_empty() => us.clone(),
                _ => {
                    return Err("needs `url`: the full endpoint URL, e.g. \
                                http://127.0.0.1:5000/synthesize"
                        .into())
                }
            };
            let mut urls = Vec::new();
            for (i, u) in listed.iter().enumerate() {
                let at = if listed.len() == 1 {
                    "url".to_owned()
                } else {
                    format!("urls[{i}]")
                };
                let t = template(&at, u)?;
                check_url(&t)?;
                urls.push(t);
            }
            let cooldown = raw.cooldown_secs.unwrap_or(30.0);
            if !(cooldown.is_finite() && (0.0..=3600.0).contains(&cooldown)) {
                return Err(format!(
                    "cooldown_secs = {cooldown} is out of range: use 0 to 3600"
                ));
            }
            let method = raw.method.as_deref().unwrap_or("POST").to_ascii_uppercase();
            let method = reqwest::Method::from_bytes(method.as_bytes())
                .map_err(|_| format!("invalid method `{method}`"))?;
            let mut headers = Vec::new();
            for (k, v) in &raw.headers {
                headers.push((k.clone(), template(&format!("headers.{k}"), v)?));
            }
            if let Some(var) = &raw.api_key_env {
                let key = env(var).ok_or_else(|| {
                    format!("api_key_env: environment variable `{var}` is not set")
                })?;
                if key.is_empty() {
                    return Err(format!(
                        "api_key_env: environment variable `{var}` is set but empty"
                    ));
                }
                let header = raw
                    .api_key_header
                    .clone()
                    .unwrap_or_else(|| "Authorization".into());
                let prefix = raw.api_key_prefix.clone().unwrap_or_else(|| {
                    if header.eq_ignore_ascii_case("authorization") {
                        "Bearer ".into()
                    } else {
                        String::new()
                    }
                });
                let value = Template::parse(
                    &format!("{}${{{var}}}", prefix.replace('{', "{{").replace('}', "}}")),
                    &|_| Some(key.clone()),
                )
                .map_err(|e| template_error("api_key_env", e))?;
                headers.push((header, value));
            }
            let mut query = Vec::new();
            for (k, v) in &raw.query {
                query.push((k.clone(), template(&format!("query.{k}"), v)?));
            }
            let bodies = [
                raw.body.is_some(),
                raw.form.is_some(),
                raw.text_body.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if bodies > 1 {
                return Err("give only one of `body` (JSON), `form` and `text_body`".into());
            }
            let body = if let Some(body) = &raw.body {
                BodySpec::Json(json_template(body, env, "body")?)
            } else if let Some(form) = &raw.form {
                let mut fields = Vec::new();
                for (k, v) in form {
                    fields.push((k.clone(), template(&format!("form.{k}"), v)?));
                }
                BodySpec::Form(fields)
            } else if let Some(text) = &raw.text_body {
                let content_type = raw
                    .content_type
                    .clone()
                    .unwrap_or_else(|| "text/plain; charset=utf-8".into());
                let xml = content_type.contains("xml");
                BodySpec::Text {
                    content_type,
                    template: template("text_body", text)?,
                    xml,
                }
            } else {
                BodySpec::Empty
            };
            Transport::Http(HttpSpec {
                method,
                urls,
                cooldown: Duration::from_secs_f64(cooldown),
                query,
                headers,
                body,
                response: resolve_response(&raw)?,
                redirects: match raw.redirects.as_deref() {
                    None | Some("same-origin") => RedirectPolicy::SameOrigin,
                    Some("follow") => RedirectPolicy::Follow,
                    Some("none") => RedirectPolicy::None,
                    Some(other) => {
                        return Err(format!(
                        "redirects = \"{other}\": use \"same-origin\" (the default), \"follow\" \
                             (to another origin without credentials) or \"none\""
                    ))
                    }
                },
            })
        }
        "command" => {
            let program = raw
                .program
                .clone()
                .ok_or("needs `program`, e.g. \"espeak-ng\"")?;
            let input = match raw.input.as_deref() {
                None | Some("stdin") => CommandInput::Stdin,
                Some("argument") => CommandInput::Argument,
                Some(o) => return Err(format!("input = \"{o}\": use \"stdin\" or \"argument\"")),
            };
            let output = match raw.output.as_deref() {
                None | Some("stdout") => CommandOutput::Stdout,
                Some("file") => CommandOutput::File,
                Some(o) => return Err(format!("output = \"{o}\": use \"stdout\" or \"file\"")),
            };
            let mut args = Vec::new();
            for (i, a) in raw.args.clone().unwrap_or_default().iter().enumerate() {
                args.push(template(&format!("args[{i}]"), a)?);
            }
            if input == CommandInput::Argument
                && !args.iter().any(|a| a.uses(crate::tts::Var::Text))
            {
                return Err("input = \"argument\" needs `{text}` in `args`".into());
            }
            if output == CommandOutput::File && !args.iter().any(|a| a.uses(crate::tts::Var::Out)) {
                return Err("output = \"file\" needs `{out}` in `args`".into());
            }
            Transport::Command(CommandSpec {
                program,
                args,
                input,
                output,
                install_hint: raw.install_hint.clone(),
            })
        }
        other => return Err(format!("kind = \"{other}\": use \"http\" or \"command\"")),
    };

    let nonzero = |n: usize| NonZeroUsize::new(n).expect("bounded below by 1");
    let limit = match (raw.max_chars, raw.max_bytes) {
        (Some(_), Some(_)) => return Err("give `max_chars` or `max_bytes`, not both".into()),
        (Some(n), None) => Limit::Chars(nonzero(bounded("max_chars", n, 1, 100_000)?)),
        (None, Some(n)) => Limit::Bytes(nonzero(bounded("max_bytes", n, 1, 100_000)?)),
        (None, None) => Limit::Chars(nonzero(1000)),
    };
    let is_command = matches!(transport, Transport::Command(_));
    let default_concurrency = if is_command {
        std::thread::available_parallelism()
            .map(NonZeroUsize::get)
            .unwrap_or(2)
    } else {
        4
    };
    let concurrency = nonzero(bounded(
        "concurrency",
        raw.concurrency.unwrap_or(default_concurrency),
        1,
        64,
    )?);
    let timeout_secs = raw.timeout_secs.unwrap_or(60.0);
    if !(timeout_secs.is_finite() && timeout_secs > 0.0 && timeout_secs <= 3600.0) {
        return Err(format!(
            "timeout_secs = {timeout_secs} is out of range: use more than 0, at most 3600"
        ));
    }
    let retry = RetryPolicy {
        retries: bounded("retries", raw.retries.unwrap_or(4), 0, 10)?,
        ..RetryPolicy::default()
    };
    let max_response_bytes = (bounded(
        "max_response_mb",
        raw.max_response_mb.unwrap_or(200),
        1,
        4096,
    )? as usize)
        << 20;
    let requests_per_minute = match raw.requests_per_minute {
        None => None,
        Some(n) => Some(
            NonZeroU32::new(bounded("requests_per_minute", n, 1, 60_000)?)
                .expect("bounded below by 1"),
        ),
    };
    let spec = BackendSpec {
        name: name.to_owned(),
        transport,
        concurrency,
        timeout: Duration::from_secs_f64(timeout_secs),
        retry,
        max_response_bytes,
        requests_per_minute,
    };
    Ok((spec, limit))
}

fn resolve_response(raw: &RawBackend) -> Result<ResponseSpec, String> {
    let Some(r) = &raw.response else {
        return Ok(ResponseSpec {
            format: AudioFormat::Auto,
            json_pointer: None,
        });
    };
    if let Some(p) = &r.json_pointer {
        if !p.starts_with('/') {
            return Err(format!(
                "response.json_pointer = \"{p}\" must start with `/`, e.g. \"/audioContent\""
            ));
        }
    }
    let format = match r.format.as_deref() {
        None | Some("auto") | Some("wav") | Some("mp3") => AudioFormat::Auto,
        Some(f @ ("pcm" | "mulaw" | "alaw")) => {
            let default = if f == "pcm" { "s16le" } else { f };
            let encoding = match r.encoding.as_deref().unwrap_or(default) {
                "s16le" => PcmEncoding::S16Le,
                "s24le" => PcmEncoding::S24Le,
                "s32le" => PcmEncoding::S32Le,
                "f32le" => PcmEncoding::F32Le,
                "u8" => PcmEncoding::U8,
                "mulaw" => PcmEncoding::MuLaw,
                "alaw" => PcmEncoding::ALaw,
                other => {
                    return Err(format!(
                        "response.encoding = \"{other}\": use s16le, s24le, s32le, f32le, u8, \
                         mulaw or alaw"
                    ))
                }
            };
            let sample_rate = r.sample_rate.ok_or(format!(
                "response.format = \"{f}\" needs response.sample_rate"
            ))?;
            AudioFormat::Pcm(PcmFormat {
                encoding,
                sample_rate,
                channels: r.channels.unwrap_or(1),
            })
        }
        Some(other) => {
            return Err(format!(
                "response.format = \"{other}\": use \"auto\", \"wav\", \"mp3\", \"pcm\", \
                 \"mulaw\" or \"alaw\""
            ))
        }
    };
    Ok(ResponseSpec {
        format,
        json_pointer: r.json_pointer.clone(),
    })
}

fn json_template(
    value: &toml::Value,
    env: &dyn Fn(&str) -> Option<String>,
    at: &str,
) -> Result<JsonTemplate, String> {
    Ok(match value {
        toml::Value::String(s) => {
            JsonTemplate::Str(Template::parse(s, env).map_err(|e| template_error(at, e))?)
        }
        toml::Value::Integer(i) => JsonTemplate::Int(*i),
        toml::Value::Float(f) => JsonTemplate::Float(*f),
        toml::Value::Boolean(b) => JsonTemplate::Bool(*b),
        toml::Value::Datetime(d) => JsonTemplate::Str(Template::literal(d.to_string())),
        toml::Value::Array(items) => JsonTemplate::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| json_template(v, env, &format!("{at}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => JsonTemplate::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), json_template(v, env, &format!("{at}.{k}"))?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

fn template_error(at: &str, e: TemplateError) -> String {
    format!("{at}: {e}")
}

fn check_url(url: &Template) -> Result<(), String> {
    let sample = crate::tts::Vars {
        text: "x",
        voice: "x",
        lang: "x",
        speed: 1.0,
        out: "",
    };
    let rendered = url.render(&sample);
    let parsed = url::Url::parse(&rendered).map_err(|e| {
        format!(
            "url `{}` is not a valid URL: {e}",
            url.render_redacted(&sample)
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "url must be http or https, not `{}`",
            parsed.scheme()
        ));
    }
    Ok(())
}

/// Merges `over` into `base`; tables merge key by key, anything else is replaced.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// `toml`'s message with a "did you mean" for unknown keys.
fn describe_toml_error(e: &toml::de::Error) -> String {
    let mut text = e.to_string().trim_end().to_owned();
    if let Some(hint) = unknown_field_hint(e.message()) {
        text.push_str(&hint);
    }
    text.replace("TOML parse error at ", "")
}

fn with_suggestion(message: &str) -> String {
    let mut text = message.to_owned();
    if let Some(hint) = unknown_field_hint(message) {
        text.push_str(&hint);
    }
    text
}

fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (bad, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = suggest(bad, expected.iter());
    (!hint.is_empty()).then_some(hint)
}

/// "; did you mean `x`?" for the closest name, when one is close enough.
pub fn suggest<'a, S: AsRef<str> + 'a>(wrong: &str, names: impl Iterator<Item = &'a S>) -> String {
    names
        .map(|n| {
            (
                strsim::jaro_winkler(wrong, n.as_ref()),
                n.as_ref().to_owned(),
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "TEST_KEY").then(|| "sk-test-123".to_owned())
    }

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("voices.toml"), Secrets::Required, &env)
    }

    const MINIMAL: &str = r#"
[languages]
zh = "zh"
en = { title = "anchor", body = "en" }

[voices.zh]
backend = "espeak"
voice = "cmn-latn-pinyin"

[voices.en]
backend = "local"
voice = "alloy"
speed = 1.25

[voices.anchor]
backend = "local"
voice = "onyx"

[backends.espeak]
preset = "espeak-ng"

[backends.local]
preset = "openai"
url = "http://127.0.0.1:8880/v1/audio/speech"
api_key_env = "TEST_KEY"
concurrency = 2
[backends.local.body]
model = "kokoro"
"#;

    #[test]
    fn presets_fill_in_and_user_keys_win() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(
            c.audio,
            AudioSpec {
                sample_rate: 48000,
                channels: 1
            }
        );
        let local = c.backends.iter().find(|b| b.name == "local").unwrap();
        assert_eq!(local.concurrency.get(), 2);
        let Transport::Http(http) = &local.transport else {
            panic!("openai is http")
        };
        assert_eq!(http.method, reqwest::Method::POST);
        let BodySpec::Json(JsonTemplate::Object(fields)) = &http.body else {
            panic!("json body")
        };
        let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            vec!["input", "model", "response_format", "speed", "voice"]
        );
        let model = fields.iter().find(|(k, _)| k == "model").unwrap();
        assert!(
            matches!(&model.1, JsonTemplate::Str(t) if t.render(&crate::tts::Vars { text: "", voice: "", lang: "", speed: 1.0, out: "" }) == "kokoro")
        );
        let (name, auth) = http
            .headers
            .iter()
            .find(|(k, _)| k == "Authorization")
            .unwrap();
        assert_eq!(name, "Authorization");
        assert_eq!(
            auth.render(&crate::tts::Vars {
                text: "",
                voice: "",
                lang: "",
                speed: 1.0,
                out: ""
            }),
            "Bearer sk-test-123"
        );
        assert!(
            !format!("{c:?}").contains("sk-test-123"),
            "secrets never show in Debug output"
        );
        assert_eq!(
            c.script.voice_limits["en"],
            Limit::Chars(NonZeroUsize::new(4096).unwrap())
        );
        assert_eq!(
            c.script.languages["en"].for_kind(crate::script::SegmentKind::Title),
            "anchor"
        );
        let en = c.voices.iter().find(|v| v.name == "en").unwrap();
        assert_eq!((en.lang.as_str(), en.speed), ("en", 1.25));
    }

    #[test]
    fn unknown_keys_are_rejected_with_a_suggestion() {
        let e = parse("[bulletin]\nsampl_rate = 44100\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown field `sampl_rate`") && e.contains("did you mean `sample_rate`?"),
            "{e}"
        );
        assert!(e.contains("line 2"), "{e}");
        let e = parse(&MINIMAL.replace("concurrency = 2", "concurency = 2"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("[backends.local]") && e.contains("did you mean `concurrency`?"),
            "{e}"
        );
    }

    #[test]
    fn references_must_resolve() {
        let e = parse(&MINIMAL.replace("backend = \"espeak\"", "backend = \"espeek\""))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("names backend `espeek`") && e.contains("did you mean `espeak`?"),
            "{e}"
        );
        let e = parse(&MINIMAL.replace("zh = \"zh\"", "zh = \"zhh\""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("names voice `zhh`"), "{e}");
    }

    #[test]
    fn missing_secret_is_a_config_error_unless_not_needed() {
        let text = MINIMAL.replace("TEST_KEY", "BULLETIN_NOT_SET");
        let e = parse(&text).unwrap_err().to_string();
        assert!(e.contains("`BULLETIN_NOT_SET` is not set"), "{e}");
        assert!(Config::parse(&text, Path::new("v.toml"), Secrets::NotNeeded, &env).is_ok());
    }

    #[test]
    fn malformed_toml_names_the_file_and_line() {
        let e = parse("[bulletin\nsample_rate = 1").unwrap_err().to_string();
        assert!(e.starts_with("voices.toml: line 1"), "{e}");
    }

    #[test]
    fn pauses_accept_numbers_and_units() {
        let c = parse(&format!(
            "{MINIMAL}\n[bulletin.pauses]\nsentence = 300\narticle = \"2s\"\n"
        ))
        .unwrap();
        assert_eq!(c.script.pauses.sentence, Duration::from_millis(300));
        assert_eq!(c.script.pauses.article, Duration::from_secs(2));
        assert!(parse(&format!(
            "{MINIMAL}\n[bulletin.pauses]\narticle = \"2 weeks\"\n"
        ))
        .is_err());
    }

    #[test]
    fn every_number_has_a_range_that_the_message_states() {
        for (patch, expect) in [
            (
                "retries = 4000000000",
                "retries = 4000000000 is out of range: use 0 to 10",
            ),
            (
                "max_response_mb = 0",
                "max_response_mb = 0 is out of range: use 1 to 4096",
            ),
            (
                "concurrency = 0",
                "concurrency = 0 is out of range: use 1 to 64",
            ),
            (
                "timeout_secs = 0",
                "timeout_secs = 0 is out of range: use more than 0, at most 3600",
            ),
            (
                "max_chars = 0",
                "max_chars = 0 is out of range: use 1 to 100000",
            ),
            (
                "requests_per_minute = 0",
                "requests_per_minute = 0 is out of range",
            ),
        ] {
            let text = MINIMAL.replace("concurrency = 2", patch);
            let e = parse(&text).unwrap_err().to_string();
            assert!(e.contains(expect), "{patch}: {e}");
        }
        for (pauses, expect) in [
            (
                "article = \"10h\"",
                "article = 36000.0s is out of range: use 0 to 60s",
            ),
            ("sentence = 3600000", "sentence = 3600.0s is out of range"),
            ("sentence = -5", "a duration must not be negative (got -5)"),
        ] {
            let e = parse(&format!("{MINIMAL}\n[bulletin.pauses]\n{pauses}\n"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(expect), "{pauses}: {e}");
            assert!(!e.contains("untagged"), "{e}");
        }
        let ok = parse(&format!("{MINIMAL}\n[bulletin.pauses]\nsentence = 250.5\n")).unwrap();
        assert_eq!(ok.script.pauses.sentence, Duration::from_micros(250_500));
    }

    #[test]
    fn the_shipped_voices_toml_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("voices.toml");
        let c = Config::load(&path, Secrets::Required, &|_| None).unwrap();
        assert!(c.script.languages.contains_key("zh") && c.script.languages.contains_key("en"));
        let zh = c
            .voices
            .iter()
            .find(|v| v.name == c.script.languages["zh"].default)
            .unwrap();
        assert_eq!(zh.voice, "cmn-latn-pinyin");
    }
}
