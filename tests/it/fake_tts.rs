//! An honest OpenAI-compatible TTS server on 127.0.0.1:0 for the tests. It
//! answers `POST /v1/audio/speech` with a tone whose pitch and length are
//! derived from the text, so the tests can find each segment in the bulletin
//! by listening to it, and it varies the WAV format and quirks per request.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};

/// What the fake answers with, cycling per request.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// 24 kHz s16 mono with 0xFFFFFFFF sizes and a LIST chunk, like OpenAI and Kokoro.
    OpenAiStream,
    /// 22050 Hz 32-bit float stereo.
    FloatStereo,
    /// 44100 Hz 24-bit, WAVE_FORMAT_EXTENSIBLE.
    Extensible24,
    /// 16 kHz 8-bit unsigned with a data size of 0.
    ZeroSize8,
    /// A plain, correct 16-bit mono WAV at this rate.
    Plain16(u32),
}

pub const SHAPES: [Shape; 4] = [
    Shape::OpenAiStream,
    Shape::FloatStereo,
    Shape::Extensible24,
    Shape::ZeroSize8,
];

/// Lead-in and tail of silence in every clip, which the bulletin must trim.
pub const PAD_MS: u32 = 150;

/// What the fake server answers a request with.
pub enum Reply {
    /// A tone for the request's text, in the given WAV shape.
    Wav(Shape),
    /// Exactly these bytes.
    Raw {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Wait, then answer.
    After(std::time::Duration, Box<Reply>),
    /// Send the headers and part of the body, then break the connection.
    Truncated(Vec<u8>),
    /// A 200 of `size` bytes of spaces, sent chunked: no Content-Length.
    Chunked {
        content_type: &'static str,
        size: usize,
    },
}

pub type Responder = Arc<dyn Fn(&Recorded, usize) -> Reply + Send + Sync>;

#[derive(Clone)]
struct Shared {
    requests: Arc<Mutex<Vec<Recorded>>>,
    responder: Responder,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The text to speak, wherever this service's shape puts it.
    pub text: String,
}

impl Recorded {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_deref().unwrap_or("").as_bytes())
            .into_owned()
            .collect()
    }

    pub fn form_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }
}

pub struct FakeTts {
    pub addr: SocketAddr,
    shared: Shared,
    _runtime: tokio::runtime::Runtime,
}

impl FakeTts {
    /// An OpenAI-compatible server cycling through `SHAPES`.
    pub fn start() -> FakeTts {
        FakeTts::with(Arc::new(|_, n| Reply::Wav(SHAPES[n % SHAPES.len()])))
    }

    pub fn with(responder: Responder) -> FakeTts {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let shared = Shared {
            requests: Arc::default(),
            responder,
        };
        let app = Router::new()
            .fallback(any_request)
            .with_state(shared.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
        FakeTts {
            addr,
            shared,
            _runtime: runtime,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/v1/audio/speech", self.addr)
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }
}

async fn any_request(State(shared): State<Shared>, request: axum::extract::Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default()
        .to_vec();
    let mut recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        text: String::new(),
    };
    recorded.text = text_of(&recorded);
    let n = {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(recorded.clone());
        requests.len() - 1
    };
    // Answers arrive out of order: later segments are often faster.
    let delay = (n * 7919 % 5) as u64 * 15;
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let reply = (shared.responder)(&recorded, n);
    respond(reply, &recorded.text).await
}

fn respond(reply: Reply, text: &str) -> futures::future::BoxFuture<'static, Response> {
    let text = text.to_owned();
    Box::pin(async move {
        match reply {
            Reply::Wav(shape) => {
                if text.is_empty() {
                    return (
                        StatusCode::BAD_REQUEST,
                        Json(serde_json::json!({"error": {"message": "input is empty"}})),
                    )
                        .into_response();
                }
                ([("content-type", "audio/wav")], wav_for(&text, shape)).into_response()
            }
            Reply::Raw {
                status,
                headers,
                body,
            } => {
                let mut response = (StatusCode::from_u16(status).unwrap(), body).into_response();
                for (k, v) in headers {
                    response.headers_mut().insert(k, v.parse().unwrap());
                }
                response
            }
            Reply::After(delay, reply) => {
                tokio::time::sleep(delay).await;
                respond(*reply, &text).await
            }
            Reply::Chunked { content_type, size } => {
                const CHUNK: usize = 1 << 20;
                let chunks = (0..size.div_ceil(CHUNK)).map(move |i| {
                    let n = CHUNK.min(size - i * CHUNK);
                    Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; n]))
                });
                let mut response =
                    axum::body::Body::from_stream(futures::stream::iter(chunks)).into_response();
                response
                    .headers_mut()
                    .insert("content-type", content_type.parse().unwrap());
                response
            }
            Reply::Truncated(bytes) => {
                let full = bytes.len() * 2;
                let stream = futures::stream::iter(vec![
                    Ok(axum::body::Bytes::from(bytes)),
                    Err(std::io::Error::other("connection cut")),
                ]);
                let mut response = axum::body::Body::from_stream(stream).into_response();
                response
                    .headers_mut()
                    .insert("content-length", full.to_string().parse().unwrap());
                response
            }
        }
    })
}

/// The text of a request in any of the shapes the presets send.
fn text_of(r: &Recorded) -> String {
    let json = r.json();
    for pointer in ["/input/text", "/input", "/text", "/Text"] {
        if let Some(t) = json.pointer(pointer).and_then(|v| v.as_str()) {
            return t.to_owned();
        }
    }
    for (k, v) in r.query_pairs().into_iter().chain(r.form_pairs()) {
        if k == "text" || k == "INPUT_TEXT" {
            return v;
        }
    }
    let body = String::from_utf8_lossy(&r.body);
    if body.trim_start().starts_with("<speak") {
        return unescape_xml(&strip_tags(&body));
    }
    String::new()
}

fn strip_tags(xml: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in xml.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape_xml(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The pitch a text is spoken at: 300..=3000 Hz in 100 Hz steps.
pub fn tone_hz(text: &str) -> f32 {
    let h = text
        .bytes()
        .fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    300.0 + (h % 28) as f32 * 100.0
}

/// How long a text's tone lasts: 200 ms plus 120 ms per Han character (a brisk
/// newsreader's eight a second) and 40 ms per other character.
pub fn tone_ms(text: &str) -> u32 {
    let han = |c: char| matches!(c as u32, 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff);
    200 + text
        .chars()
        .map(|c| if han(c) { 120 } else { 40 })
        .sum::<u32>()
}

pub fn wav_for(text: &str, shape: Shape) -> Vec<u8> {
    let (rate, channels, format) = match shape {
        Shape::OpenAiStream => (24000, 1, Format::S16),
        Shape::FloatStereo => (22050, 2, Format::F32),
        Shape::Extensible24 => (44100, 1, Format::S24),
        Shape::ZeroSize8 => (16000, 1, Format::U8),
        Shape::Plain16(rate) => (rate, 1, Format::S16),
    };
    let pad = (rate * PAD_MS / 1000) as usize;
    let tone = (rate as u64 * tone_ms(text) as u64 / 1000) as usize;
    let hz = tone_hz(text);
    let mut frames = vec![0.0f32; pad];
    frames.extend(
        (0..tone).map(|i| (i as f32 * hz * std::f32::consts::TAU / rate as f32).sin() * 0.5),
    );
    frames.extend(std::iter::repeat_n(0.0, pad));
    let mut bytes = encode(&frames, rate, channels, format);
    match shape {
        Shape::OpenAiStream => {
            // LIST chunk after fmt, sizes unknown.
            let list = b"LIST\x0e\x00\x00\x00INFOISFT\x02\x00\x00\x00x\x00";
            bytes.splice(36..36, list.iter().copied());
            bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
            let data = bytes.windows(4).position(|w| w == b"data").unwrap();
            bytes[data + 4..data + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        Shape::ZeroSize8 => {
            let data = bytes.windows(4).position(|w| w == b"data").unwrap();
            bytes[data + 4..data + 8].copy_from_slice(&0u32.to_le_bytes());
        }
        _ => {}
    }
    bytes
}

/// Headerless s16le mono samples of the tone for `text` (no edge silence).
pub fn pcm_for(text: &str, rate: u32) -> Vec<u8> {
    let wav = wav_for(text, Shape::Plain16(rate));
    let data = wav.windows(4).position(|w| w == b"data").unwrap() + 8;
    wav[data..].to_vec()
}

#[derive(Clone, Copy)]
enum Format {
    S16,
    S24,
    F32,
    U8,
}

fn encode(mono: &[f32], rate: u32, channels: u16, format: Format) -> Vec<u8> {
    let (bits, sample_format) = match format {
        Format::S16 => (16, hound::SampleFormat::Int),
        Format::S24 => (24, hound::SampleFormat::Int),
        Format::F32 => (32, hound::SampleFormat::Float),
        Format::U8 => (8, hound::SampleFormat::Int),
    };
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: bits,
        sample_format,
    };
    let mut cursor = std::io::Cursor::new(Vec::new());
    {
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for &s in mono {
            for _ in 0..channels {
                match format {
                    Format::S16 => w.write_sample((s * 32767.0) as i16).unwrap(),
                    Format::S24 => w.write_sample((s * 8_388_607.0) as i32).unwrap(),
                    Format::F32 => w.write_sample(s).unwrap(),
                    Format::U8 => w.write_sample((s * 127.0) as i8).unwrap(),
                }
            }
        }
        w.finalize().unwrap();
    }
    cursor.into_inner()
}

/// A plain 16-bit mono WAV of `samples` at `rate`.
pub fn wav_of(samples: &[f32], rate: u32) -> Vec<u8> {
    encode(samples, rate, 1, Format::S16)
}
