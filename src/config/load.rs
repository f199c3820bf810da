//! config: parse `voices.toml` once into typed, validated settings for every
//! stage: read the file, let serde check its shape, then resolve each part
//! (`bulletin`, `output`, `backends`, `voices`). Nothing downstream reads the
//! file or the environment again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::audio::AudioSpec;
use crate::output::OutputSettings;
use crate::script::ScriptSettings;
use crate::tts::Voices;

use super::error::{describe_toml_error, ConfigError, Problem};
use super::inputs::InputSettings;
use super::raw::RawConfig;
use super::{backends, bulletin, inputs, output, voices};

const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Everything `voices.toml` says, validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: PathBuf,
    pub audio: AudioSpec,
    pub script: ScriptSettings,
    /// The voices, each resolved to its backend.
    pub voices: Voices,
    pub output: OutputSettings,
    /// `[bulletin] memory_mb`: the budget of decoded audio, when set.
    pub memory_mib: Option<u32>,
    /// What to read and how to pick, when the command line does not say.
    pub inputs: InputSettings,
}

/// Whether `${NAME}` secrets must be present. `plan` and `voices` (without
/// `--check`) never send a request, so they do not need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    Required,
    NotNeeded,
}

impl Config {
    /// Reads and validates the file at `path`, resolving secrets through `env`.
    pub fn load(
        path: &Path,
        secrets: Secrets,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                ConfigError::NotFound {
                    path: shown.clone(),
                }
            } else {
                ConfigError::Read {
                    path: shown.clone(),
                    source,
                }
            }
        })?;
        if meta.len() > MAX_CONFIG_BYTES {
            return Err(ConfigError::TooLarge {
                path: shown,
                size: meta.len(),
            });
        }
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::NotUtf8 {
            path: shown,
            offset: e.utf8_error().valid_up_to(),
        })?;
        Config::parse(&text, path, secrets, env)
    }

    /// Validates `text` as the contents of the file at `path`.
    pub fn parse(
        text: &str,
        path: &Path,
        secrets: Secrets,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: shown.clone(),
            message: describe_toml_error(&e),
        })?;
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
        resolve(raw, path, base, &env_for_templates).map_err(|problem| ConfigError::Invalid {
            path: shown,
            problem,
        })
    }
}

fn resolve(
    raw: RawConfig,
    path: &Path,
    base: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, Problem> {
    let bulletin = bulletin::resolve(&raw.bulletin, base)?;
    let output = output::resolve(&raw.bulletin)?;
    let inputs = inputs::resolve(&raw.bulletin, base)?;
    let mut specs = Vec::new();
    let mut limits = BTreeMap::new();
    for (name, table) in raw.backends {
        let (spec, limit) = backends::resolve(&name, table, env)?;
        limits.insert(name, limit);
        specs.push(spec);
    }
    let (voices, languages) = voices::resolve(&raw.voices, &raw.languages, specs, &limits)?;
    Ok(Config {
        path: path.to_owned(),
        audio: bulletin.audio,
        script: ScriptSettings {
            split: bulletin.split,
            pauses: bulletin.pauses,
            attribution: bulletin.attribution,
            languages,
            intro: bulletin.intro,
            outro: bulletin.outro,
            sounds: bulletin.sounds,
            lexicon: bulletin.lexicon,
            mixed_language: bulletin.mixed_language,
        },
        voices,
        output,
        memory_mib: bulletin.memory_mib,
        inputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Limit;
    use crate::tts::{BodySpec, JsonTemplate, Transport};
    use std::num::NonZeroUsize;
    use std::time::Duration;

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
        let local = c
            .voices
            .backends()
            .iter()
            .find(|b| b.name == "local")
            .unwrap();
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
            c.script.languages["en"].default.limit,
            Limit::Chars(NonZeroUsize::new(4096).unwrap())
        );
        assert_eq!(
            c.script.languages["en"]
                .for_kind(crate::script::SegmentKind::Title)
                .name,
            "anchor"
        );
        let en = c.voices.get("en").unwrap();
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
    fn the_bulletin_names_its_inputs_and_how_to_pick() {
        use crate::ingest::{InputSpec, Order, Since};
        use crate::tts::RedirectPolicy;
        let c = Config::parse(
            &format!(
                "[bulletin]\ninputs = [\"desk\", \"/abs/run.list\", \"https://news.example/feed.rss\"]\n\
                 since = \"24h\"\nlimit = 5\norder = \"published\"\n\
                 [bulletin.fetch]\ntimeout_secs = 2.5\nretries = 1\nmax_response_mb = 3\nredirects = \"none\"\n{MINIMAL}"
            ),
            Path::new("conf/morning.toml"),
            Secrets::Required,
            &env,
        )
        .unwrap();
        assert_eq!(
            c.inputs.inputs,
            vec![
                InputSpec::Path("conf/desk".into()),
                InputSpec::Path("/abs/run.list".into()),
                InputSpec::Url("https://news.example/feed.rss".parse().unwrap()),
            ],
            "relative paths are taken from the config's folder"
        );
        assert_eq!(
            c.inputs.since,
            Some(Since::Ago(Duration::from_secs(86_400)))
        );
        assert_eq!(
            (c.inputs.limit, c.inputs.order),
            (Some(5), Some(Order::Published))
        );
        let f = &c.inputs.fetch;
        assert_eq!(f.timeout, Duration::from_millis(2500));
        assert_eq!(f.retry.retries, 1);
        assert_eq!(f.max_body_bytes, 3 << 20);
        assert_eq!(f.redirects, RedirectPolicy::None);

        let defaults = parse(MINIMAL).unwrap().inputs;
        assert!(defaults.inputs.is_empty() && defaults.since.is_none());
        assert_eq!(defaults.fetch, crate::fetch::FetchSettings::default());
        assert_eq!(defaults.fetch.max_body_bytes, 10 << 20);

        for (patch, expect) in [
            ("inputs = [\"-\"]", "[bulletin] inputs[0]: standard input"),
            (
                "since = \"yesterday\"",
                "[bulletin] since: `yesterday` is neither",
            ),
            (
                "limit = 0",
                "[bulletin] limit = 0 is out of range: use 1 to 100000",
            ),
            ("order = \"random\"", "unknown variant `random`"),
            (
                "fetch = { max_response_mb = 50 }",
                "max_response_mb = 50 is out of range: use 1 to 10",
            ),
            (
                "fetch = { timeout_secs = 0 }",
                "[bulletin.fetch] timeout_secs = 0 is out of range",
            ),
            (
                "fetch = { redirect = \"none\" }",
                "did you mean `redirects`?",
            ),
        ] {
            let e = parse(&format!("[bulletin]\n{patch}\n{MINIMAL}"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(expect), "{patch}: {e}");
        }
    }

    #[test]
    fn the_shipped_voices_toml_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("voices.toml");
        let c = Config::load(&path, Secrets::Required, &|_| None).unwrap();
        assert!(c.script.languages.contains_key("zh") && c.script.languages.contains_key("en"));
        let zh = c
            .voices
            .get(&c.script.languages["zh"].default.name)
            .unwrap();
        assert_eq!(zh.voice, "cmn-latn-pinyin");
    }
}
