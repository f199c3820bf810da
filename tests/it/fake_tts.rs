//! An honest OpenAI-compatible TTS server on 127.0.0.1:0 for the tests. It
//! answers `POST /v1/audio/speech` with a tone whose pitch and length are
//! derived from the text, so the tests can find each segment in the bulletin
//! by listening to it, and it varies the WAV format and quirks per request.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
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
}

pub const SHAPES: [Shape; 4] = [
    Shape::OpenAiStream,
    Shape::FloatStereo,
    Shape::Extensible24,
    Shape::ZeroSize8,
];

/// Lead-in and tail of silence in every clip, which the bulletin must trim.
pub const PAD_MS: u32 = 150;

#[derive(Clone, Default)]
struct Shared {
    requests: Arc<Mutex<Vec<Recorded>>>,
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub headers: HeaderMap,
    pub body: serde_json::Value,
}

pub struct FakeTts {
    pub addr: SocketAddr,
    shared: Shared,
    _runtime: tokio::runtime::Runtime,
}

impl FakeTts {
    pub fn start() -> FakeTts {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let shared = Shared::default();
        let app = Router::new()
            .route("/v1/audio/speech", post(speech))
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

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().unwrap().clone()
    }
}

async fn speech(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> Response {
    let text = body["input"].as_str().unwrap_or_default().to_owned();
    let n = {
        let mut requests = shared.requests.lock().unwrap();
        requests.push(Recorded {
            headers,
            body: body.clone(),
        });
        requests.len() - 1
    };
    if text.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": {"message": "input is empty"}})),
        )
            .into_response();
    }
    // Answers arrive out of order: later segments are often faster.
    let delay = (n * 7919 % 5) as u64 * 15;
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let bytes = wav_for(&text, SHAPES[n % SHAPES.len()]);
    ([("content-type", "audio/wav")], bytes).into_response()
}

/// The pitch a text is spoken at: 300..=3000 Hz in 100 Hz steps.
pub fn tone_hz(text: &str) -> f32 {
    let h = text
        .bytes()
        .fold(2166136261u32, |h, b| (h ^ b as u32).wrapping_mul(16777619));
    300.0 + (h % 28) as f32 * 100.0
}

/// How long a text's tone lasts: 40 ms per character plus 200 ms.
pub fn tone_ms(text: &str) -> u32 {
    200 + 40 * text.chars().count() as u32
}

pub fn wav_for(text: &str, shape: Shape) -> Vec<u8> {
    let (rate, channels, format) = match shape {
        Shape::OpenAiStream => (24000, 1, Format::S16),
        Shape::FloatStereo => (22050, 2, Format::F32),
        Shape::Extensible24 => (44100, 1, Format::S24),
        Shape::ZeroSize8 => (16000, 1, Format::U8),
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
