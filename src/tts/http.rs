//! tts: the templated HTTP backend. Renders one request per segment from an
//! `HttpSpec`, sends it, and decides success from the bytes that come back, not
//! from the status or Content-Type alone.

use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE, LOCATION};

use crate::audio::{self, Clip, DecodeError, PcmFormat};

use super::attempt::AttemptError;
use super::backend::Backend;
use super::budget::AnswerRoom;
use super::pool::Pool;
use super::retry::parse_retry_after;
use super::spec::{AudioFormat, BodySpec, HttpSpec, JsonTemplate, RedirectPolicy, SpeechRequest};
use super::template::{escape_xml, scrub, Secret, Var, Vars};
use super::transfer::{no_answer_within, read_limited, transport_error, MAX_REDIRECTS};

pub struct HttpBackend {
    client: reqwest::Client,
    spec: HttpSpec,
    pool: Pool,
    timeout: Duration,
    max_response_bytes: usize,
    /// Every secret the templates carry, scrubbed from anything shown.
    secrets: Vec<Secret>,
}

/// Error codes some services send in a JSON body to mean "busy, try later",
/// whatever the HTTP status (ElevenLabs `detail.status`).
const BUSY_CODES: &[&str] = &[
    "too_many_concurrent_requests",
    "system_busy",
    "rate_limit_exceeded",
];

impl HttpBackend {
    /// `client` must not follow redirects itself: this backend decides, so
    /// that secrets never travel to another origin.
    pub fn new(
        client: reqwest::Client,
        spec: HttpSpec,
        timeout: Duration,
        max_response_bytes: usize,
        secrets: Vec<Secret>,
    ) -> HttpBackend {
        let pool = Pool::new(spec.urls.len(), spec.cooldown);
        HttpBackend {
            client,
            spec,
            pool,
            timeout,
            max_response_bytes,
            secrets,
        }
    }

    /// The human part of an error body, with secrets scrubbed before it is cut.
    fn describe(&self, body: &[u8]) -> String {
        if self.secrets.is_empty() {
            return error_message(body);
        }
        error_message(scrub(&String::from_utf8_lossy(body), &self.secrets).as_bytes())
    }

    /// The next request after a redirect from `from` to `to`, by this backend's
    /// policy, or the reason not to follow it.
    fn follow(
        &self,
        status: reqwest::StatusCode,
        from: &reqwest::Request,
        to: url::Url,
        origin: &url::Origin,
        left_origin: &mut bool,
    ) -> Result<reqwest::Request, AttemptError> {
        let shown = scrub(to.as_str(), &self.secrets);
        let same = to.origin() == *origin && !*left_origin;
        match (self.spec.redirects, same) {
            (RedirectPolicy::None, _) => Err(AttemptError::fatal(format!(
                "answered {} redirecting to {shown}; redirects are not followed for this backend \
                 (redirects = \"none\")",
                status.as_u16()
            ))),
            (RedirectPolicy::SameOrigin, false) => Err(AttemptError::fatal(format!(
                "answered {} redirecting to another origin (Location: {shown}); not followed, so \
                 that credentials stay with {}; set redirects = \"follow\" on the backend to \
                 follow such redirects without them",
                status.as_u16(),
                origin.ascii_serialization()
            ))),
            (_, true) => {
                // 307 and 308 repeat the request as it was; the others become a GET.
                let keep = matches!(status.as_u16(), 307 | 308)
                    || *from.method() == reqwest::Method::GET
                    || *from.method() == reqwest::Method::HEAD;
                let next = if keep {
                    from.try_clone().map(|mut r| {
                        *r.url_mut() = to.clone();
                        r
                    })
                } else {
                    None
                };
                match next {
                    Some(r) => Ok(r),
                    None => {
                        let mut r = reqwest::Request::new(reqwest::Method::GET, to);
                        for (name, value) in from.headers() {
                            if name != CONTENT_TYPE && name != reqwest::header::CONTENT_LENGTH {
                                r.headers_mut().append(name.clone(), value.clone());
                            }
                        }
                        Ok(r)
                    }
                }
            }
            (RedirectPolicy::Follow, false) => {
                *left_origin = true;
                tracing::debug!(location = %shown, "following a redirect to another origin without credentials");
                let mut r = reqwest::Request::new(reqwest::Method::GET, to);
                let vars = Vars {
                    text: "",
                    voice: "",
                    lang: "",
                    speed: 1.0,
                    out: "",
                };
                for (name, value) in &self.spec.headers {
                    if value.secrets().next().is_some() {
                        continue;
                    }
                    if let (Ok(n), Ok(v)) = (
                        HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_str(&value.render(&vars)),
                    ) {
                        if !value.uses(Var::Text) && n != CONTENT_TYPE {
                            r.headers_mut().append(n, v);
                        }
                    }
                }
                Ok(r)
            }
        }
    }

    /// Builds the request for `req` to pool member `url_index`; a failure here
    /// is a configuration fault.
    pub fn build(
        &self,
        req: &SpeechRequest,
        url_index: usize,
    ) -> Result<reqwest::Request, AttemptError> {
        let vars = vars_of(req);
        let template = &self.spec.urls[url_index.min(self.spec.urls.len().saturating_sub(1))];
        let url_text = template.render_with(&vars, &|s| {
            percent_encoding::utf8_percent_encode(s, PATH_VALUE).to_string()
        });
        let mut url = url::Url::parse(&url_text).map_err(|e| {
            AttemptError::fatal(format!(
                "invalid URL `{}`: {e}",
                template.render_redacted(&vars)
            ))
        })?;
        if !self.spec.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.spec.query {
                pairs.append_pair(name, &value.render(&vars));
            }
        }
        let mut builder = self.client.request(self.spec.method.clone(), url);
        for (name, value) in &self.spec.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| AttemptError::fatal(format!("invalid header name `{name}`")))?;
            let value = HeaderValue::from_str(&value.render(&vars)).map_err(|_| {
                AttemptError::fatal(format!(
                    "header `{name}` would carry characters HTTP does not allow"
                ))
            })?;
            builder = builder.header(header, value);
        }
        builder = match &self.spec.body {
            BodySpec::Empty => builder,
            BodySpec::Json(template) => builder.json(&render_json(template, &vars, false)),
            BodySpec::Form(fields) => {
                let rendered: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.render(&vars)))
                    .collect();
                builder.form(&rendered)
            }
            BodySpec::Text {
                content_type,
                template,
                xml,
            } => {
                let body = if *xml {
                    template.render_with(&vars, &|s| escape_xml(s))
                } else {
                    template.render(&vars)
                };
                builder
                    .header(CONTENT_TYPE, content_type.as_str())
                    .body(body)
            }
        };
        builder.build().map_err(|e| {
            AttemptError::fatal(format!("could not build the request: {}", e.without_url()))
        })
    }

    /// One attempt through the pool: the endpoint's health is recorded so a
    /// failing member cools down while the others carry the load.
    async fn send(
        &self,
        req: &SpeechRequest,
        room: &mut AnswerRoom<'_>,
    ) -> Result<Clip, AttemptError> {
        let index = self.pool.pick(Instant::now());
        let result = self.send_to(req, index, room).await;
        match &result {
            Ok(_) => self.pool.succeeded(index),
            Err(e) if e.transient && e.status.is_none_or(|s| s >= 500) => {
                self.pool.failed(index, Instant::now())
            }
            Err(_) => {}
        }
        result
    }

    async fn send_to(
        &self,
        req: &SpeechRequest,
        index: usize,
        room: &mut AnswerRoom<'_>,
    ) -> Result<Clip, AttemptError> {
        let mut request = self.build(req, index)?;
        let origin = request.url().origin();
        let mut left_origin = false;
        let mut hops = 0;
        // Each hop has `timeout` to answer in full, less any time its answer
        // spent waiting for room, which is not the backend's.
        let mut sent;
        let response = loop {
            let copy = request.try_clone();
            sent = Instant::now();
            let response = tokio::time::timeout(self.timeout, self.client.execute(request))
                .await
                .map_err(|_| no_answer_within(self.timeout))?
                .map_err(|e| transport_error(e, self.timeout))?;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let (true, Some(location), Some(from)) = (status.is_redirection(), location, copy)
            else {
                break response;
            };
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(AttemptError::fatal(format!(
                    "more than {MAX_REDIRECTS} redirects"
                )));
            }
            let to = from.url().join(&location).map_err(|e| {
                AttemptError::fatal(format!(
                    "answered {} with an invalid Location `{}`: {e}",
                    status.as_u16(),
                    scrub(&location, &self.secrets)
                ))
            })?;
            request = self.follow(status, &from, to, &origin, &mut left_origin)?;
        };
        let status = response.status();
        let retry_after = parse_retry_after(response.headers());
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let waited = if status.is_success() {
            room.make_room(response.content_length()).await
        } else {
            Duration::ZERO
        };
        let left = self
            .timeout
            .saturating_sub(sent.elapsed().saturating_sub(waited));
        let body = read_limited(response, self.max_response_bytes, self.timeout, left)
            .await
            .map_err(AttemptError::from)?;
        if !status.is_success() {
            let transient = status.as_u16() == 429
                || status.as_u16() == 408
                || status.is_server_error()
                || is_busy(&body);
            let message = self.describe(&body);
            let err = if transient {
                AttemptError::transient(message)
            } else {
                AttemptError::fatal(message)
            };
            return Err(err
                .with_status(status.as_u16())
                .with_retry_after(retry_after));
        }
        let body = match &self.spec.response.json_pointer {
            None => body,
            Some(pointer) => audio_from_json(&body, pointer, &|b| self.describe(b))
                .map_err(|e| e.with_status(status.as_u16()))?,
        };
        let decoded = match &self.spec.response.format {
            AudioFormat::Auto => audio::decode(&body),
            AudioFormat::Pcm(format) => {
                audio::decode_pcm(&body, pcm_from_content_type(*format, &content_type))
            }
        };
        decoded.map_err(|e| match e {
            // A 200 carrying an error page: the message is in the body.
            DecodeError::NotAudio { .. } => AttemptError::transient(format!(
                "answered {} but the body is not audio: {}",
                status.as_u16(),
                self.describe(&body)
            ))
            .with_status(status.as_u16()),
            other => AttemptError::transient(format!("could not decode the audio: {other}")),
        })
    }
}

impl Backend for HttpBackend {
    fn fingerprint(&self, req: &SpeechRequest) -> String {
        let vars = vars_of(req);
        let mut parts = vec![self.spec.method.to_string()];
        parts.extend(self.spec.urls.iter().map(|u| u.render_redacted(&vars)));
        parts.extend(
            self.spec
                .query
                .iter()
                .map(|(k, v)| format!("?{k}={}", v.render_redacted(&vars))),
        );
        let mut headers: Vec<String> = self
            .spec
            .headers
            .iter()
            .map(|(k, v)| format!("{}: {}", k.to_ascii_lowercase(), v.render_redacted(&vars)))
            .collect();
        headers.sort();
        parts.extend(headers);
        parts.push(match &self.spec.body {
            BodySpec::Empty => String::new(),
            BodySpec::Json(t) => render_json(t, &vars, true).to_string(),
            BodySpec::Form(fields) => fields
                .iter()
                .map(|(k, v)| format!("{k}={}", v.render_redacted(&vars)))
                .collect::<Vec<_>>()
                .join("&"),
            BodySpec::Text { template, .. } => template.render_redacted(&vars),
        });
        parts.push(format!("{:?}", self.spec.response));
        parts.join("\n")
    }

    fn attempt<'a>(
        &'a self,
        request: &'a SpeechRequest,
        room: &'a mut AnswerRoom<'_>,
    ) -> BoxFuture<'a, Result<Clip, AttemptError>> {
        Box::pin(self.send(request, room))
    }
}

/// Whether a JSON body carries one of the services' "busy" codes.
fn is_busy(body: &[u8]) -> bool {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    ["/detail/status", "/error/code", "/error/type", "/status"]
        .iter()
        .filter_map(|p| json.pointer(p).and_then(|v| v.as_str()))
        .any(|code| BUSY_CODES.contains(&code))
}

/// Base64 audio at `pointer` in a JSON body (Google's `audioContent`).
fn audio_from_json(
    body: &[u8],
    pointer: &str,
    describe: &dyn Fn(&[u8]) -> String,
) -> Result<Vec<u8>, AttemptError> {
    use base64::Engine as _;
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        AttemptError::transient(format!(
            "expected JSON with audio at {pointer}, got: {}",
            describe(body)
        ))
    })?;
    let Some(encoded) = json.pointer(pointer).and_then(|v| v.as_str()) else {
        return Err(AttemptError::transient(format!(
            "response JSON has no audio at {pointer}: {}",
            describe(body)
        )));
    };
    base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|e| {
            AttemptError::transient(format!("audio at {pointer} is not valid base64: {e}"))
        })
}

/// `rate=` and `channels=` parameters of `audio/L16; rate=24000; channels=1`
/// override the configured PCM format: the service knows what it sent.
fn pcm_from_content_type(mut format: PcmFormat, content_type: &str) -> PcmFormat {
    for param in content_type.split(';').skip(1) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "rate" | "samplerate" | "sample_rate" => {
                if let Ok(rate) = value.parse() {
                    format.sample_rate = rate;
                }
            }
            "channels" => {
                if let Ok(channels) = value.parse() {
                    format.channels = channels;
                }
            }
            _ => {}
        }
    }
    format
}

fn vars_of(req: &SpeechRequest) -> Vars<'_> {
    Vars {
        text: &req.text,
        voice: &req.voice,
        lang: &req.lang,
        speed: req.speed,
        out: "",
    }
}

/// The human part of an error body: the message field of the JSON error
/// shapes services use, or a short excerpt of text or HTML.
pub fn error_message(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        for pointer in [
            "/error/message",
            "/detail/message",
            "/error",
            "/detail",
            "/message",
            "/err_msg",
            "/Response/Error/Message",
        ] {
            match json.pointer(pointer) {
                Some(serde_json::Value::String(s)) => return crate::text::excerpt(s, 200),
                Some(v @ serde_json::Value::Object(_)) if pointer == "/detail" => {
                    return crate::text::excerpt(&v.to_string(), 200)
                }
                _ => {}
            }
        }
        return crate::text::excerpt(&json.to_string(), 200);
    }
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        return "empty body".to_owned();
    }
    if text.trim_start().starts_with('<') {
        return format!("HTML: {}", crate::text::excerpt(&strip_tags(&text), 200));
    }
    crate::text::excerpt(&text, 200)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The JSON body; with `redact`, secrets appear by name (for cache keys).
fn render_json(template: &JsonTemplate, vars: &Vars<'_>, redact: bool) -> serde_json::Value {
    use serde_json::Value;
    match template {
        JsonTemplate::Null => Value::Null,
        JsonTemplate::Bool(b) => Value::Bool(*b),
        JsonTemplate::Int(i) => Value::from(*i),
        JsonTemplate::Float(f) => Value::from(*f),
        JsonTemplate::Str(t) => match t.sole_var() {
            Some(Var::Speed) => Value::from((vars.speed as f64 * 100.0).round() / 100.0),
            _ if redact => Value::String(t.render_redacted(vars)),
            _ => Value::String(t.render(vars)),
        },
        JsonTemplate::Array(items) => {
            Value::Array(items.iter().map(|i| render_json(i, vars, redact)).collect())
        }
        JsonTemplate::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), render_json(v, vars, redact)))
                .collect(),
        ),
    }
}

/// What is escaped when a value is placed in a URL path segment: everything
/// but the unreserved characters of RFC 3986.
const PATH_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::spec::ResponseSpec;
    use crate::tts::Template;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn t(s: &str) -> Template {
        Template::parse(s, &no_env).unwrap()
    }

    fn request(text: &str) -> SpeechRequest {
        SpeechRequest {
            text: text.into(),
            voice: "a b/c".into(),
            lang: "en".into(),
            speed: 1.25,
        }
    }

    fn backend(spec: HttpSpec) -> HttpBackend {
        HttpBackend::new(
            reqwest::Client::new(),
            spec,
            Duration::from_secs(5),
            1 << 20,
            Vec::new(),
        )
    }

    #[test]
    fn json_body_keeps_text_in_its_string_and_types_speed() {
        let spec = HttpSpec {
            method: reqwest::Method::POST,
            urls: vec![t("http://127.0.0.1:1/v1/audio/speech")],
            cooldown: Duration::from_secs(30),
            query: vec![],
            headers: vec![],
            body: BodySpec::Json(JsonTemplate::Object(vec![
                ("input".into(), JsonTemplate::Str(t("{text}"))),
                ("speed".into(), JsonTemplate::Str(t("{speed}"))),
            ])),
            response: ResponseSpec {
                format: AudioFormat::Auto,
                json_pointer: None,
            },
            redirects: RedirectPolicy::SameOrigin,
        };
        let nasty = "He said \"stop\" {voice} </x> ]]> & \n next";
        let req = backend(spec).build(&request(nasty), 0).unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(req.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(body["input"], nasty);
        assert_eq!(body["speed"], 1.25);
    }

    #[test]
    fn url_and_query_values_are_percent_encoded() {
        let spec = HttpSpec {
            method: reqwest::Method::GET,
            urls: vec![t("http://127.0.0.1:1/voice/{voice}/tts")],
            cooldown: Duration::from_secs(30),
            query: vec![("text".into(), t("{text}"))],
            headers: vec![],
            body: BodySpec::Empty,
            response: ResponseSpec {
                format: AudioFormat::Auto,
                json_pointer: None,
            },
            redirects: RedirectPolicy::SameOrigin,
        };
        let req = backend(spec).build(&request("a&b=c 你"), 0).unwrap();
        assert_eq!(req.url().path(), "/voice/a%20b%2Fc/tts");
        let pairs: Vec<_> = req.url().query_pairs().collect();
        assert_eq!(pairs, vec![("text".into(), "a&b=c 你".into())]);
    }

    #[test]
    fn ssml_body_escapes_text() {
        let spec = HttpSpec {
            method: reqwest::Method::POST,
            urls: vec![t("http://127.0.0.1:1/")],
            cooldown: Duration::from_secs(30),
            query: vec![],
            headers: vec![],
            body: BodySpec::Text {
                content_type: "application/ssml+xml".into(),
                template: t("<speak><voice name='{voice}'>{text}</voice></speak>"),
                xml: true,
            },
            response: ResponseSpec {
                format: AudioFormat::Auto,
                json_pointer: None,
            },
            redirects: RedirectPolicy::SameOrigin,
        };
        let req = backend(spec).build(&request("<b>&]]>"), 0).unwrap();
        let body = std::str::from_utf8(req.body().unwrap().as_bytes().unwrap()).unwrap();
        assert_eq!(
            body,
            "<speak><voice name='a b/c'>&lt;b&gt;&amp;]]&gt;</voice></speak>"
        );
    }

    #[test]
    fn form_bodies_are_percent_encoded() {
        let spec = HttpSpec {
            method: reqwest::Method::POST,
            urls: vec![t("http://127.0.0.1:1/process")],
            cooldown: Duration::from_secs(30),
            query: vec![],
            headers: vec![],
            body: BodySpec::Form(vec![
                ("INPUT_TEXT".into(), t("{text}")),
                ("VOICE".into(), t("{voice}")),
            ]),
            response: ResponseSpec {
                format: AudioFormat::Auto,
                json_pointer: None,
            },
            redirects: RedirectPolicy::SameOrigin,
        };
        let nasty = "a&b=c+d {text} \n%";
        let req = backend(spec).build(&request(nasty), 0).unwrap();
        let body = req.body().unwrap().as_bytes().unwrap();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
        assert_eq!(
            pairs,
            vec![
                ("INPUT_TEXT".into(), nasty.into()),
                ("VOICE".into(), "a b/c".into())
            ]
        );
    }

    #[test]
    fn base64_audio_is_found_at_its_pointer() {
        let wav = b"RIFF....WAVE";
        let body = format!(
            "{{\"audioContent\": \"{}\"}}",
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, wav)
        );
        assert_eq!(
            audio_from_json(body.as_bytes(), "/audioContent", &error_message).unwrap(),
            wav
        );
        let err = audio_from_json(
            br#"{"error":{"message":"quota"}}"#,
            "/audioContent",
            &error_message,
        )
        .unwrap_err();
        assert!(err.transient && err.message.contains("quota"), "{err}");
    }

    #[test]
    fn content_type_parameters_override_pcm_settings() {
        let base = PcmFormat {
            encoding: crate::audio::PcmEncoding::S16Le,
            sample_rate: 16000,
            channels: 1,
        };
        let f = pcm_from_content_type(base, "audio/L16; rate=24000; channels=2");
        assert_eq!((f.sample_rate, f.channels), (24000, 2));
        assert_eq!(pcm_from_content_type(base, "audio/pcm"), base);
    }

    #[test]
    fn busy_codes_are_recognised() {
        assert!(is_busy(
            br#"{"detail":{"status":"too_many_concurrent_requests","message":"slow down"}}"#
        ));
        assert!(!is_busy(br#"{"detail":{"status":"invalid_api_key"}}"#));
        assert!(!is_busy(b"<html>"));
    }

    #[test]
    fn secrets_are_scrubbed_before_the_excerpt_is_cut() {
        let key = "sk-0123456789abcdef0123456789abcdef";
        let spec = HttpSpec {
            method: reqwest::Method::POST,
            urls: vec![t("http://127.0.0.1:1/")],
            cooldown: Duration::from_secs(30),
            query: vec![],
            headers: vec![],
            body: BodySpec::Empty,
            response: ResponseSpec {
                format: AudioFormat::Auto,
                json_pointer: None,
            },
            redirects: RedirectPolicy::SameOrigin,
        };
        let b = HttpBackend::new(
            reqwest::Client::new(),
            spec,
            Duration::from_secs(5),
            1 << 20,
            vec![Secret::new("KEY", key)],
        );
        // The key straddles the 200-character cut: scrubbing after the cut
        // would leave its first half in the message.
        let body = format!("{}{key} is not valid", "x".repeat(185));
        let shown = b.describe(body.as_bytes());
        assert!(!shown.contains("sk-0123"), "{shown}");
        assert!(shown.contains("${KEY}") || shown.ends_with('…'), "{shown}");
    }

    #[test]
    fn error_messages_come_from_known_shapes() {
        assert_eq!(
            error_message(br#"{"error":{"message":"bad key"}}"#),
            "bad key"
        );
        assert_eq!(error_message(br#"{"detail":"nope"}"#), "nope");
        assert_eq!(
            error_message(b"<html><body><h1>500 Internal</h1></body></html>"),
            "HTML: 500 Internal"
        );
        assert_eq!(error_message(b""), "empty body");
    }

    /// A WAV of `secs` of a 16 kHz tone.
    fn tone_wav(secs: f32) -> Vec<u8> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut out, spec).unwrap();
        for i in 0..(secs * 16000.0) as usize {
            w.write_sample(((i as f32 * 0.07).sin() * 8000.0) as i16)
                .unwrap();
        }
        w.finalize().unwrap();
        out.into_inner()
    }

    /// A loopback server that answers one request at once with `body`.
    async fn answer_once(body: Vec<u8>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1/audio/speech", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            // Headers, then as many body bytes as they announce.
            loop {
                let n = socket.read(&mut buf).await.unwrap();
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await.unwrap();
            socket.write_all(&body).await.unwrap();
            // Hold the connection open until the client has read it all.
            let _ = socket.read(&mut buf).await;
        });
        url
    }

    #[tokio::test]
    async fn an_answer_waits_for_room_without_the_wait_counting_against_the_timeout() {
        let url = answer_once(tone_wav(0.5)).await;
        let spec = HttpSpec {
            method: reqwest::Method::POST,
            urls: vec![t(&url)],
            cooldown: Duration::from_secs(30),
            query: vec![],
            headers: vec![],
            body: BodySpec::Json(JsonTemplate::Object(vec![(
                "input".into(),
                JsonTemplate::Str(t("{text}")),
            )])),
            response: ResponseSpec {
                format: AudioFormat::Auto,
                json_pointer: None,
            },
            redirects: RedirectPolicy::SameOrigin,
        };
        let timeout = Duration::from_millis(300);
        let b = HttpBackend::new(reqwest::Client::new(), spec, timeout, 1 << 20, Vec::new());
        // The whole budget is taken until well after the timeout.
        let budget = crate::tts::MemoryBudget::new(1 << 20);
        let hog = budget.reserve(1 << 20).await;
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(900)).await;
            drop(hog);
        });
        let mut room = budget.none();
        let started = Instant::now();
        let clip = b
            .send(&request("hello"), &mut AnswerRoom::new(&mut room, 4096))
            .await
            .unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "the answer was read before there was room for it"
        );
        assert_eq!(clip.spec().sample_rate, 16000);
        assert!((clip.duration().as_secs_f64() - 0.5).abs() < 0.01);
        // Room for the answer: its text's expectation or three times its bytes.
        assert!(room.bytes() >= 3 * 16000);
    }
}
