//! The benchmarks' TTS backend: an OpenAI-compatible `/v1/audio/speech` on
//! 127.0.0.1 that answers, after a configured latency, with 22050 Hz 16-bit
//! mono WAV of a speech-like signal at a newsreader's pace (5 Chinese
//! characters or 15 other characters a second, with 0.15 s of silence each
//! side). Written in Rust so that the server costs next to nothing: the
//! Python `ThreadingHTTPServer` it replaces spent 10-20 ms a round of 16
//! requests on its own lock, which the scheduling figures then charged to
//! bulletin.
//!
//!     cargo build --release --example tts-stub
//!     target/release/examples/tts-stub [--latency-ms 200] [--tail] [--voice-seconds 300]
//!
//! Prints its URL on the first line of stdout, then serves until stdin is
//! closed. `--tail` draws each latency from a lognormal with that median
//! (sigma 0.6: one request in eight over twice as slow).

use std::f64::consts::PI;
use std::io::BufRead;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::serve::ListenerExt;
use rand::Rng;

const RATE: u32 = 22050;

struct Stub {
    /// The whole voice, 16-bit little-endian; answers are its first seconds.
    pcm: Vec<u8>,
    latency: Duration,
    tail: bool,
}

fn main() {
    let mut latency_ms = 0.0_f64;
    let mut tail = false;
    let mut voice_seconds = 300.0_f64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> f64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage(&format!("{name} needs a number")))
        };
        match arg.as_str() {
            "--latency-ms" => latency_ms = number("--latency-ms"),
            "--voice-seconds" => voice_seconds = number("--voice-seconds"),
            "--tail" => tail = true,
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let stub = Arc::new(Stub {
        pcm: voice(voice_seconds),
        latency: Duration::from_secs_f64(latency_ms.max(0.0) / 1000.0),
        tail,
    });
    // One thread: the server must not compete with the client for the cores.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let port = listener.local_addr().expect("an address").port();
        println!("http://127.0.0.1:{port}/v1/audio/speech");
        let app = axum::Router::new()
            .route("/v1/audio/speech", post(speech))
            .with_state(stub);
        let stdin_closed = async {
            // Blocking read of stdin on its own thread; EOF ends the server.
            let _ =
                tokio::task::spawn_blocking(|| for _ in std::io::stdin().lock().lines() {}).await;
        };
        // Without TCP_NODELAY an answer's last partial segment waits for the
        // client's delayed ACK of the one before: up to 40 ms on loopback,
        // where one segment is 64 KiB.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(stdin_closed)
            .await
            .expect("serving");
    });
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "tts-stub: {problem}\nusage: tts-stub [--latency-ms MS] [--tail] [--voice-seconds S]"
    );
    std::process::exit(2)
}

async fn speech(State(stub): State<Arc<Stub>>, body: Bytes) -> impl IntoResponse {
    let text = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("input").and_then(|i| i.as_str()).map(str::to_owned))
        .unwrap_or_default();
    let mut delay = stub.latency;
    if stub.tail && !delay.is_zero() {
        delay = delay.mul_f64(lognormal_factor(0.6));
    }
    tokio::time::sleep(delay).await;
    (
        [(CONTENT_TYPE, "audio/wav")],
        wav(&stub.pcm, seconds_for(&text)),
    )
}

/// exp(sigma * N(0, 1)), by Box-Muller.
fn lognormal_factor(sigma: f64) -> f64 {
    let mut rng = rand::thread_rng();
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos();
    (sigma * normal).exp()
}

fn is_han(c: char) -> bool {
    ('\u{3400}'..='\u{9FFF}').contains(&c)
}

/// The newsreader's time for `text`.
fn seconds_for(text: &str) -> f64 {
    let han = text.chars().filter(|&c| is_han(c)).count() as f64;
    let other = text
        .chars()
        .filter(|&c| c.is_alphanumeric() && !is_han(c))
        .count() as f64;
    han / 5.0 + other / 15.0
}

/// Harmonics of a slowly moving pitch under a syllable envelope.
fn voice(seconds: f64) -> Vec<u8> {
    let n = (seconds.max(0.0) * f64::from(RATE)) as usize;
    let rate = f64::from(RATE);
    let mut phase = 0.0_f64;
    let mut pcm = Vec::with_capacity(2 * n);
    for i in 0..n {
        let t = i as f64 / rate;
        let f0 = 140.0 + 25.0 * (2.0 * PI * 0.3 * t).sin();
        phase += 2.0 * PI * f0 / rate;
        let syllable = 0.55 + 0.45 * (2.0 * PI * 4.0 * t).sin().powi(2);
        let v = (phase.sin() + 0.5 * (2.0 * phase).sin() + 0.25 * (3.0 * phase).sin()) / 1.75;
        pcm.extend_from_slice(&((9000.0 * v * syllable) as i16).to_le_bytes());
    }
    pcm
}

/// `seconds` of the voice (at most all of it) between 0.15 s of silence.
fn wav(pcm: &[u8], seconds: f64) -> Vec<u8> {
    let pad = (0.15 * f64::from(RATE)) as usize * 2;
    let body = &pcm[..((seconds * f64::from(RATE)) as usize * 2).min(pcm.len())];
    let data = (2 * pad + body.len()) as u32;
    let mut out = Vec::with_capacity(44 + data as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    out.resize(out.len() + pad, 0);
    out.extend_from_slice(body);
    out.resize(out.len() + pad, 0);
    out
}
