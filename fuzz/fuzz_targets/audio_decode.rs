//! Fuzz target: the audio decoder. Arbitrary bytes through `decode` (WAV with its
//! quirks, MP3, or a clear error) and through `decode_pcm` with a `PcmFormat` taken
//! from the first bytes. Any clip that comes out must be well formed; a WAV file that
//! the strict `hound` reader accepts must decode to the same samples.

#![no_main]

use bulletin::audio::{
    decode, decode_pcm, Clip, PcmEncoding, PcmFormat, MAX_CHANNELS, SAMPLE_RATE_RANGE,
};
use libfuzzer_sys::fuzz_target;

const ENCODINGS: [PcmEncoding; 7] = [
    PcmEncoding::S16Le,
    PcmEncoding::S24Le,
    PcmEncoding::S32Le,
    PcmEncoding::F32Le,
    PcmEncoding::U8,
    PcmEncoding::MuLaw,
    PcmEncoding::ALaw,
];

/// Common rates, plus both ends of the accepted range and two rates outside it.
const RATES: [u32; 8] = [
    8_000, 16_000, 22_050, 24_000, 44_100, 48_000, 1_000, 768_000,
];

fn pcm_format(data: &[u8]) -> PcmFormat {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let sample_rate = match byte(1) {
        0xFE => 0,
        0xFF => 768_001,
        b => RATES[usize::from(b) % RATES.len()],
    };
    PcmFormat {
        encoding: ENCODINGS[usize::from(byte(0)) % ENCODINGS.len()],
        sample_rate,
        // 0 and MAX_CHANNELS + 1 are reachable, and must be refused.
        channels: u16::from(byte(2)) % (MAX_CHANNELS + 2),
    }
}

fn check(clip: &Clip) {
    let spec = clip.spec();
    assert!(
        SAMPLE_RATE_RANGE.contains(&spec.sample_rate),
        "implausible rate {spec:?}"
    );
    assert!(
        (1..=MAX_CHANNELS).contains(&spec.channels),
        "implausible channels {spec:?}"
    );
    let samples = clip.samples();
    assert!(!samples.is_empty(), "an Ok clip is never empty");
    assert_eq!(
        samples.len() % usize::from(spec.channels),
        0,
        "partial frame"
    );
    assert_eq!(
        clip.frames().0 * u64::from(spec.channels),
        samples.len() as u64
    );
    assert!(samples.iter().all(|s| s.is_finite()), "non-finite sample");
}

/// Clip::new holds finite samples to this (+36 dBFS) and silences the rest.
const CLIP_MAX: f32 = 64.0;

/// The samples `hound` reads from `data`, scaled as the decoder scales them, if `hound`
/// reads it fully and the format is one both handle the same way.
fn hound_samples(data: &[u8]) -> Option<(u32, u16, Vec<f32>)> {
    let reader = hound::WavReader::new(data).ok()?;
    let spec = reader.spec();
    let scale = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Int, 8) => 128.0,
        (hound::SampleFormat::Int, 16) => 32_768.0,
        (hound::SampleFormat::Int, 24) => 8_388_608.0,
        (hound::SampleFormat::Int, 32) => 2_147_483_648.0,
        (hound::SampleFormat::Float, 32) => 1.0,
        _ => return None,
    };
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Int => reader
            .into_samples::<i32>()
            .map(|s| s.map(|v| (f64::from(v) / scale) as f32))
            .collect::<Result<_, _>>()
            .ok()?,
        hound::SampleFormat::Float => reader
            .into_samples::<f32>()
            .map(|s| {
                s.map(|v| {
                    if v.is_finite() {
                        v.clamp(-CLIP_MAX, CLIP_MAX)
                    } else {
                        0.0
                    }
                })
            })
            .collect::<Result<_, _>>()
            .ok()?,
    };
    Some((spec.sample_rate, spec.channels, samples))
}

/// Whether every chunk id up to the first `data` chunk is four printable ASCII
/// characters, walking the sizes as hound does. The decoder takes anything else for
/// garbage and resynchronises at the next glued file, where hound skips the chunk;
/// both are defensible, so such files are not compared.
fn plausible_chunk_ids(data: &[u8]) -> bool {
    let mut at = 12;
    while let Some(header) = data.get(at..at + 8) {
        let id = &header[..4];
        let printable =
            id.iter().all(|b| b.is_ascii_graphic() || *b == b' ') && id[0].is_ascii_graphic();
        if !printable {
            return false;
        }
        if id == b"data" {
            return true;
        }
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        // Writers differ on padding odd sizes, and so do readers: compare even ones only.
        if size % 2 == 1 {
            return false;
        }
        at = at.saturating_add(8).saturating_add(size);
    }
    true
}

/// Whether another RIFF/RF64 WAVE header follows the first file's.
fn has_glued_file(data: &[u8]) -> bool {
    data.get(12..).is_some_and(|rest| {
        rest.windows(12)
            .any(|w| matches!(&w[..4], b"RIFF" | b"RF64") && &w[8..] == b"WAVE")
    })
}

fuzz_target!(|data: &[u8]| {
    let decoded = decode(data);
    if let Ok(clip) = &decoded {
        check(clip);
    }
    if let Ok(pcm) = decode_pcm(data, pcm_format(data)) {
        check(&pcm);
    }

    if let Some((rate, channels, expected)) = hound_samples(data) {
        let plausible = SAMPLE_RATE_RANGE.contains(&rate) && (1..=MAX_CHANNELS).contains(&channels);
        if plausible && !expected.is_empty() && plausible_chunk_ids(data) {
            // A later glued file the decoder cannot read fails the whole response, on
            // purpose (part of the speech would be missing); hound reads only the first.
            let clip = match decoded {
                Ok(clip) => clip,
                Err(_) if has_glued_file(data) => return,
                Err(e) => panic!("hound reads this WAV, the decoder refused it: {e:?}"),
            };
            assert_eq!(
                (clip.spec().sample_rate, clip.spec().channels),
                (rate, channels)
            );
            // Glued files after the first add samples; the first file's must match.
            let samples = clip.samples();
            assert!(samples.len() >= expected.len(), "decoder lost samples");
            assert_eq!(&samples[..expected.len()], &expected[..]);
        }
    }
});
