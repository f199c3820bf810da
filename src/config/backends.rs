//! config: `[backends.NAME]` → a typed [`BackendSpec`] and the request limit
//! of its voices. A backend starts from a built-in preset (parsed once) and
//! overrides what differs, or spells out its request in full.

use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::LazyLock;
use std::time::Duration;

use crate::audio::{PcmEncoding, PcmFormat};
use crate::text::Limit;
use crate::tts::{
    AudioFormat, BackendSpec, BodySpec, CommandInput, CommandOutput, CommandSpec, HttpSpec,
    JsonTemplate, ResponseSpec, RetryPolicy, Template, TemplateError, Transport, Var, Vars,
};

use super::error::{bounded, suggest, with_suggestion, Problem};
use super::raw::{BackendKind, RawBackend, ResponseFormat};

/// The built-in presets, parsed once per process.
static PRESETS: LazyLock<toml::Table> = LazyLock::new(|| {
    include_str!("presets.toml")
        .parse()
        .expect("built-in presets are valid TOML")
});

/// The names of the built-in presets.
pub fn preset_names() -> impl Iterator<Item = &'static String> {
    PRESETS.keys()
}

/// Resolves one backend. `env` gives the values of `${NAME}` secrets.
pub(super) fn resolve(
    name: &str,
    mut table: toml::Table,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(BackendSpec, Limit), Problem> {
    let section = format!("backends.{name}");
    let problem = |key: &str, message: String| Problem::at(&section, key, message);
    if let Some(preset) = table.get("preset").and_then(|p| p.as_str()) {
        let Some(toml::Value::Table(base)) = PRESETS.get(preset) else {
            return Err(problem(
                "preset",
                format!(
                    "unknown preset `{preset}` (known: {}){}",
                    PRESETS.keys().cloned().collect::<Vec<_>>().join(", "),
                    suggest(preset, PRESETS.keys())
                ),
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
    // The key at fault is named: a merged table has no line numbers to show.
    let raw: RawBackend = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(
        |e: serde_path_to_error::Error<toml::de::Error>| {
            let key = e.path().to_string();
            let message = with_suggestion(e.inner().message());
            if key == "." {
                Problem::new(&section, message)
            } else {
                Problem::at(&section, key, message)
            }
        },
    )?;
    let template = |key: &str, s: &str| {
        Template::parse(s, env).map_err(|e: TemplateError| problem(key, e.to_string()))
    };
    let kind = raw.kind.unwrap_or(if raw.program.is_some() {
        BackendKind::Command
    } else {
        BackendKind::Http
    });
    let transport = match kind {
        BackendKind::Http => Transport::Http(http(&raw, &section, env, &template)?),
        BackendKind::Command => Transport::Command(command(&raw, &section, &template)?),
    };
    let nonzero = |n: usize| NonZeroUsize::new(n).expect("bounded below by 1");
    let limit = match (raw.max_chars, raw.max_bytes) {
        (Some(_), Some(_)) => {
            return Err(Problem::new(
                &section,
                "give `max_chars` or `max_bytes`, not both",
            ))
        }
        (Some(n), None) => Limit::Chars(nonzero(bounded(&section, "max_chars", n, 1, 100_000)?)),
        (None, Some(n)) => Limit::Bytes(nonzero(bounded(&section, "max_bytes", n, 1, 100_000)?)),
        (None, None) => Limit::Chars(nonzero(1000)),
    };
    let default_concurrency = match transport {
        // A local program uses this machine's cores.
        Transport::Command(_) => std::thread::available_parallelism()
            .map(NonZeroUsize::get)
            .unwrap_or(2),
        Transport::Http(_) => 4,
    };
    let concurrency = nonzero(bounded(
        &section,
        "concurrency",
        raw.concurrency.unwrap_or(default_concurrency),
        1,
        64,
    )?);
    let timeout = timeout_of(&section, raw.timeout_secs)?;
    let retry = retry_of(&section, raw.retries)?;
    let max_response_bytes = max_response_of(&section, raw.max_response_mb, 200, 4096)?;
    let requests_per_minute = match raw.requests_per_minute {
        None => None,
        Some(n) => NonZeroU32::new(bounded(&section, "requests_per_minute", n, 1, 60_000)?),
    };
    let spec = BackendSpec {
        name: name.to_owned(),
        transport,
        concurrency,
        timeout,
        retry,
        max_response_bytes,
        requests_per_minute,
    };
    Ok((spec, limit))
}

/// `timeout_secs`: one attempt, from sending to the last byte (default 60).
/// Shared with `[bulletin.fetch]`, so inputs and backends read it alike.
pub(super) fn timeout_of(section: &str, raw: Option<f64>) -> Result<Duration, Problem> {
    let secs = raw.unwrap_or(60.0);
    if !(secs.is_finite() && secs > 0.0 && secs <= 3600.0) {
        return Err(Problem::at(
            section,
            "timeout_secs",
            format!("= {secs} is out of range: use more than 0, at most 3600"),
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `retries`: after the first attempt (default 4, at most 10).
pub(super) fn retry_of(section: &str, raw: Option<u32>) -> Result<RetryPolicy, Problem> {
    Ok(RetryPolicy {
        retries: bounded(section, "retries", raw.unwrap_or(4), 0, 10)?,
        ..RetryPolicy::default()
    })
}

/// `max_response_mb`, in bytes: 1 to `max` MiB.
pub(super) fn max_response_of(
    section: &str,
    raw: Option<u64>,
    default: u64,
    max: u64,
) -> Result<usize, Problem> {
    Ok((bounded(section, "max_response_mb", raw.unwrap_or(default), 1, max)? as usize) << 20)
}

type TemplateOf<'a> = dyn Fn(&str, &str) -> Result<Template, Problem> + 'a;

fn http(
    raw: &RawBackend,
    section: &str,
    env: &dyn Fn(&str) -> Option<String>,
    template: &TemplateOf<'_>,
) -> Result<HttpSpec, Problem> {
    let listed: Vec<String> = match (&raw.url, &raw.urls) {
        (Some(_), Some(_)) => return Err(Problem::new(section, "give `url` or `urls`, not both")),
        (Some(u), None) => vec![u.clone()],
        (None, Some(us)) if !us.is_empty() => us.clone(),
        _ => {
            return Err(Problem::new(
                section,
                "needs `url`: the full endpoint URL, e.g. http://127.0.0.1:5000/synthesize",
            ))
        }
    };
    let mut urls = Vec::new();
    for (i, u) in listed.iter().enumerate() {
        let key = if listed.len() == 1 {
            "url".to_owned()
        } else {
            format!("urls[{i}]")
        };
        let t = template(&key, u)?;
        check_url(&t).map_err(|m| Problem::at(section, &key, m))?;
        urls.push(t);
    }
    let cooldown = raw.cooldown_secs.unwrap_or(30.0);
    if !(cooldown.is_finite() && (0.0..=3600.0).contains(&cooldown)) {
        return Err(Problem::at(
            section,
            "cooldown_secs",
            format!("= {cooldown} is out of range: use 0 to 3600"),
        ));
    }
    let method = raw.method.as_deref().unwrap_or("POST").to_ascii_uppercase();
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| Problem::at(section, "method", format!("invalid method `{method}`")))?;
    let mut headers = Vec::new();
    for (k, v) in &raw.headers {
        headers.push((k.clone(), template(&format!("headers.{k}"), v)?));
    }
    if let Some(var) = &raw.api_key_env {
        let key = env(var).ok_or_else(|| {
            Problem::at(
                section,
                "api_key_env",
                format!("environment variable `{var}` is not set"),
            )
        })?;
        if key.is_empty() {
            return Err(Problem::at(
                section,
                "api_key_env",
                format!("environment variable `{var}` is set but empty"),
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
        .map_err(|e| Problem::at(section, "api_key_env", e.to_string()))?;
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
        return Err(Problem::new(
            section,
            "give only one of `body` (JSON), `form` and `text_body`",
        ));
    }
    let body = if let Some(body) = &raw.body {
        BodySpec::Json(json_template(body, "body", template)?)
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
    Ok(HttpSpec {
        method,
        urls,
        cooldown: Duration::from_secs_f64(cooldown),
        query,
        headers,
        body,
        response: response(raw, section)?,
        redirects: raw.redirects.unwrap_or_default(),
    })
}

fn command(
    raw: &RawBackend,
    section: &str,
    template: &TemplateOf<'_>,
) -> Result<CommandSpec, Problem> {
    let program = raw
        .program
        .clone()
        .ok_or_else(|| Problem::new(section, "needs `program`, e.g. \"espeak-ng\""))?;
    let input = raw.input.unwrap_or(CommandInput::Stdin);
    let output = raw.output.unwrap_or(CommandOutput::Stdout);
    let mut args = Vec::new();
    for (i, a) in raw.args.iter().flatten().enumerate() {
        args.push(template(&format!("args[{i}]"), a)?);
    }
    if input == CommandInput::Argument && !args.iter().any(|a| a.uses(Var::Text)) {
        return Err(Problem::at(
            section,
            "input",
            "= \"argument\" needs `{text}` in `args`",
        ));
    }
    if output == CommandOutput::File && !args.iter().any(|a| a.uses(Var::Out)) {
        return Err(Problem::at(
            section,
            "output",
            "= \"file\" needs `{out}` in `args`",
        ));
    }
    Ok(CommandSpec {
        program,
        args,
        input,
        output,
        install_hint: raw.install_hint.clone(),
    })
}

fn response(raw: &RawBackend, section: &str) -> Result<ResponseSpec, Problem> {
    let Some(r) = &raw.response else {
        return Ok(ResponseSpec {
            format: AudioFormat::Auto,
            json_pointer: None,
        });
    };
    if let Some(p) = &r.json_pointer {
        if !p.starts_with('/') {
            return Err(Problem::at(
                section,
                "response.json_pointer",
                format!("= \"{p}\" must start with `/`, e.g. \"/audioContent\""),
            ));
        }
    }
    let pcm = |default: PcmEncoding, name: &str| -> Result<AudioFormat, Problem> {
        let sample_rate = r.sample_rate.ok_or_else(|| {
            Problem::at(
                section,
                "response.format",
                format!("= \"{name}\" needs response.sample_rate"),
            )
        })?;
        Ok(AudioFormat::Pcm(PcmFormat {
            encoding: r.encoding.unwrap_or(default),
            sample_rate,
            channels: r.channels.unwrap_or(1),
        }))
    };
    let format = match r.format.unwrap_or(ResponseFormat::Auto) {
        ResponseFormat::Auto | ResponseFormat::Wav | ResponseFormat::Mp3 => AudioFormat::Auto,
        ResponseFormat::Pcm => pcm(PcmEncoding::S16Le, "pcm")?,
        ResponseFormat::Mulaw => pcm(PcmEncoding::MuLaw, "mulaw")?,
        ResponseFormat::Alaw => pcm(PcmEncoding::ALaw, "alaw")?,
    };
    Ok(ResponseSpec {
        format,
        json_pointer: r.json_pointer.clone(),
    })
}

fn json_template(
    value: &toml::Value,
    at: &str,
    template: &TemplateOf<'_>,
) -> Result<JsonTemplate, Problem> {
    Ok(match value {
        toml::Value::String(s) => JsonTemplate::Str(template(at, s)?),
        toml::Value::Integer(i) => JsonTemplate::Int(*i),
        toml::Value::Float(f) => JsonTemplate::Float(*f),
        toml::Value::Boolean(b) => JsonTemplate::Bool(*b),
        toml::Value::Datetime(d) => JsonTemplate::Str(Template::literal(d.to_string())),
        toml::Value::Array(items) => JsonTemplate::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| json_template(v, &format!("{at}[{i}]"), template))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => JsonTemplate::Object(
            t.iter()
                .map(|(k, v)| Ok((k.clone(), json_template(v, &format!("{at}.{k}"), template)?)))
                .collect::<Result<_, Problem>>()?,
        ),
    })
}

fn check_url(url: &Template) -> Result<(), String> {
    let sample = Vars {
        text: "x",
        voice: "x",
        lang: "x",
        speed: 1.0,
        out: "",
    };
    let rendered = url.render(&sample);
    let parsed = url::Url::parse(&rendered)
        .map_err(|e| format!("`{}` is not a valid URL: {e}", url.render_redacted(&sample)))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("must be http or https, not `{}`", parsed.scheme()));
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
