//! tts: the typed description of each backend, built once from `voices.toml`
//! by the configuration layer and handed to the engine.

use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;

use crate::audio::PcmFormat;

use super::retry::RetryPolicy;
use super::template::{Secret, Template};

/// What a backend is asked to say.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeechRequest {
    pub text: String,
    /// The backend's own voice id (`alloy`, `cmn-latn-pinyin`, …).
    pub voice: String,
    pub lang: String,
    pub speed: f32,
}

#[derive(Debug, Clone)]
pub struct BackendSpec {
    pub name: String,
    pub transport: Transport,
    pub concurrency: NonZeroUsize,
    /// Time allowed for one attempt, from sending to the last byte.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Responses larger than this are cut off and count as a failed attempt.
    pub max_response_bytes: usize,
    /// A cap on requests started per minute, for plans that meter them.
    pub requests_per_minute: Option<NonZeroU32>,
    /// Said where a user decides whether to air this backend (its licence,
    /// say): by `bulletin voices`, and once in the log of a build it speaks in.
    pub notice: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Transport {
    Http(HttpSpec),
    Command(CommandSpec),
    Worker(WorkerSpec),
}

#[derive(Debug, Clone)]
pub struct HttpSpec {
    pub method: reqwest::Method,
    /// The full endpoint URL, or several for a pool spread round-robin;
    /// placeholders in them are percent-encoded.
    pub urls: Vec<Template>,
    /// How long a pool URL that keeps failing is left alone.
    pub cooldown: Duration,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(String, Template)>,
    pub body: BodySpec,
    pub response: ResponseSpec,
    pub redirects: RedirectPolicy,
}

/// What to do when a backend answers with a redirect. Secrets (an API key in a
/// header, query or URL) never leave the origin they were configured for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedirectPolicy {
    /// Follow redirects within the same origin (scheme, host and port); a
    /// redirect to another origin fails the attempt, naming the Location.
    #[default]
    SameOrigin,
    /// Follow redirects to another origin too, as a plain GET that carries no
    /// header, query value or body that came from the configuration (for
    /// services that hand the audio over on a pre-signed download URL).
    Follow,
    /// Any redirect fails the attempt.
    None,
}

/// Where the audio is in a successful response, and how it is encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseSpec {
    pub format: AudioFormat,
    /// JSON pointer to base64 audio (Google's `/audioContent`); `None` for raw bytes.
    pub json_pointer: Option<String>,
}

#[derive(Debug, Clone)]
pub enum BodySpec {
    Empty,
    /// A JSON document; strings in it are templates.
    Json(JsonTemplate),
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, Template)>),
    /// Raw text such as SSML; with `xml`, values are XML-escaped.
    Text {
        content_type: String,
        template: Template,
        xml: bool,
    },
}

/// A JSON value whose strings are templates. A string that is a single
/// placeholder becomes a typed value (`"{speed}"` → a number).
#[derive(Debug, Clone)]
pub enum JsonTemplate {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Template),
    Array(Vec<JsonTemplate>),
    Object(Vec<(String, JsonTemplate)>),
}

/// How to read the audio in a successful response.
#[derive(Debug, Clone, PartialEq)]
pub enum AudioFormat {
    /// Sniff the bytes: WAV with any of the common header quirks, or MP3.
    Auto,
    /// Headerless PCM; `rate=` and `channels=` parameters of the response's
    /// Content-Type (`audio/L16; rate=24000`) override the configured values.
    Pcm(PcmFormat),
}

#[derive(Debug, Clone)]
pub struct CommandSpec {
    pub program: String,
    pub args: Vec<Template>,
    pub input: CommandInput,
    pub output: CommandOutput,
    /// Told to the user when the program is missing.
    pub install_hint: Option<String>,
}

/// A program started once and kept loaded, spoken to in "bulletin worker
/// protocol 1" (JSON lines over its stdin and stdout; see `worker.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerSpec {
    pub program: String,
    pub args: Vec<String>,
    /// Workers run at once; each takes one request at a time.
    pub pool: NonZeroUsize,
    /// Time allowed from starting the program to its ready line.
    pub start_timeout: Duration,
    /// Told to the user when the program is missing or cannot get ready.
    pub install_hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandInput {
    /// The text is written to the program's standard input.
    Stdin,
    /// The text is passed in an argument through `{text}`.
    Argument,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandOutput {
    /// The program writes WAV to standard output.
    Stdout,
    /// The program writes WAV to the file named by `{out}`.
    File,
}

impl BackendSpec {
    /// Every secret the backend's templates carry, for scrubbing messages.
    pub fn secrets(&self) -> Vec<Secret> {
        let mut all: Vec<&Template> = Vec::new();
        match &self.transport {
            Transport::Http(h) => {
                all.extend(h.urls.iter());
                all.extend(h.query.iter().map(|(_, t)| t));
                all.extend(h.headers.iter().map(|(_, t)| t));
                match &h.body {
                    BodySpec::Empty => {}
                    BodySpec::Json(j) => j.templates(&mut all),
                    BodySpec::Form(f) => all.extend(f.iter().map(|(_, t)| t)),
                    BodySpec::Text { template, .. } => all.push(template),
                }
            }
            Transport::Command(c) => all.extend(c.args.iter()),
            // Its arguments are plain text, given once at start.
            Transport::Worker(_) => {}
        }
        all.iter().flat_map(|t| t.secrets().cloned()).collect()
    }
}

impl JsonTemplate {
    fn templates<'a>(&'a self, out: &mut Vec<&'a Template>) {
        match self {
            JsonTemplate::Str(t) => out.push(t),
            JsonTemplate::Array(items) => items.iter().for_each(|i| i.templates(out)),
            JsonTemplate::Object(fields) => fields.iter().for_each(|(_, v)| v.templates(out)),
            _ => {}
        }
    }
}
