//! In-process benchmarks of the audio stages a build spends its CPU on:
//! decoding a backend's WAV, resampling to the bulletin's rate, levelling a
//! clip (measure and gain), measuring the programme, true-peak limiting, and
//! writing 16-bit Broadcast Wave and MP3. Each works on 10 s of speech-like
//! signal, so figures read as "per 10 s of audio".
//!
//!     cargo bench --bench audio
//!
//! Whole-process figures (builds against a loopback backend, RSS, sox and
//! ffmpeg baselines) come from `scripts/bench.py`; see BENCHMARKS.md.

use std::io::Cursor;

use bulletin::audio::{self, AudioSpec, Clip, Limiter, Meter};
use bulletin::output::{BwfWriter, Mp3Tags, Mp3Writer, WavFormat};
use divan::{black_box, Bencher};

const SECONDS: usize = 10;
const SOURCE: AudioSpec = AudioSpec {
    sample_rate: 22050,
    channels: 1,
};
const BULLETIN: AudioSpec = AudioSpec {
    sample_rate: 48000,
    channels: 1,
};

fn main() {
    divan::main();
}

/// A voice-like signal: harmonics of a gliding pitch under a syllable envelope.
fn speech(spec: AudioSpec, peak: f32) -> Clip {
    let rate = spec.sample_rate as f32;
    let n = SECONDS * spec.sample_rate as usize;
    let samples = (0..n)
        .map(|i| {
            let t = i as f32 / rate;
            let pitch = 120.0 + 30.0 * (t * 0.7).sin();
            let syllable = (t * 4.0 * std::f32::consts::PI).sin().abs();
            let voice: f32 = (1..6)
                .map(|h| (t * pitch * h as f32 * std::f32::consts::TAU).sin() / h as f32)
                .sum();
            voice * syllable * peak * 0.5
        })
        .collect();
    Clip::new(spec, samples)
}

fn wav16(clip: &Clip) -> Vec<u8> {
    let spec = hound::WavSpec {
        channels: clip.spec().channels,
        sample_rate: clip.spec().sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut out = Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut out, spec).unwrap();
    for &s in clip.samples() {
        w.write_sample((s * 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
    out.into_inner()
}

#[divan::bench]
fn decode_wav16(bencher: Bencher) {
    let bytes = wav16(&speech(SOURCE, 0.8));
    bencher.bench(|| audio::decode(black_box(&bytes)).unwrap());
}

#[divan::bench]
fn resample_22050_to_48000(bencher: Bencher) {
    let clip = speech(SOURCE, 0.8);
    bencher
        .with_inputs(|| clip.clone())
        .bench_values(|c| audio::convert(c, BULLETIN));
}

#[divan::bench]
fn level_clip(bencher: Bencher) {
    let clip = speech(BULLETIN, 0.3);
    bencher.with_inputs(|| clip.clone()).bench_values(|mut c| {
        let measured = audio::speech_loudness(&c);
        audio::level_measured(&mut c, measured, -23.0);
        c
    });
}

#[divan::bench]
fn measure_integrated(bencher: Bencher) {
    let clip = speech(BULLETIN, 0.5);
    bencher.bench(|| {
        let mut meter = Meter::integrated(BULLETIN);
        meter.add(black_box(clip.samples()));
        meter.finish()
    });
}

#[divan::bench]
fn measure_full(bencher: Bencher) {
    let clip = speech(BULLETIN, 0.5);
    bencher.bench(|| {
        let mut meter = Meter::new(BULLETIN);
        meter.add(black_box(clip.samples()));
        meter.finish()
    });
}

/// The baseline for the two above: the `ebur128` crate on the same audio, for
/// the same figures (integrated only; and integrated, range, true peak and the
/// momentary and short-term maxima sampled every 100 ms, as the meter gives).
#[divan::bench(args = ["integrated", "full"])]
fn measure_with_ebur128(bencher: Bencher, figures: &str) {
    use ebur128::{EbuR128, Mode};
    let clip = speech(BULLETIN, 0.5);
    let full = figures == "full";
    bencher.bench(|| {
        let mode = if full {
            Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::M | Mode::S
        } else {
            Mode::I
        };
        let mut meter = EbuR128::new(1, BULLETIN.sample_rate, mode).unwrap();
        let hop = BULLETIN.sample_rate as usize / 10;
        let (mut m, mut s) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for block in black_box(clip.samples()).chunks(hop) {
            meter.add_frames_f32(block).unwrap();
            if full {
                m = m.max(meter.loudness_momentary().unwrap_or(m));
                s = s.max(meter.loudness_shortterm().unwrap_or(s));
            }
        }
        (
            meter.loudness_global(),
            meter.loudness_range().ok(),
            meter.true_peak(0).ok(),
            m,
            s,
        )
    });
}

/// Limiting where nothing comes near the ceiling (the usual case: the quiet
/// fast path) and where every syllable does.
#[divan::bench(args = [0.2, 1.4])]
fn limit(bencher: Bencher, peak: f32) {
    let clip = speech(BULLETIN, peak);
    let mut out = Vec::with_capacity(clip.samples().len() + 4096);
    bencher.bench_local(|| {
        let mut limiter = Limiter::new(BULLETIN, -1.0);
        out.clear();
        for chunk in clip.samples().chunks(16 * 1024) {
            limiter.process(chunk, &mut out);
        }
        limiter.flush(&mut out);
        out.len()
    });
}

#[divan::bench]
fn write_bwf16(bencher: Bencher) {
    let clip = speech(BULLETIN, 0.5);
    let format = WavFormat {
        bits: 16,
        spec: BULLETIN,
    };
    bencher.bench(|| {
        let mut w = BwfWriter::new(Cursor::new(Vec::new()), format, None, None).unwrap();
        for chunk in clip.samples().chunks(16 * 1024) {
            w.write_samples(chunk).unwrap();
        }
        w.finish().unwrap().into_inner().len()
    });
}

#[divan::bench(sample_count = 10)]
fn write_mp3(bencher: Bencher) {
    let clip = speech(BULLETIN, 0.5);
    let tags = Mp3Tags {
        title: "bench".into(),
        artist: String::new(),
        album: String::new(),
        date: String::new(),
        comment: String::new(),
    };
    bencher.bench(|| {
        let mut w = Mp3Writer::new(Cursor::new(Vec::new()), BULLETIN, &tags, &[]).unwrap();
        for chunk in clip.samples().chunks(16 * 1024) {
            w.write(chunk).unwrap();
        }
        w.finish().unwrap().into_inner().len()
    });
}
