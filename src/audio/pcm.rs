//! audio: decode headerless PCM (the `pcm`/`raw-*` answers of TTS services) into a clip,
//! and turn every sample encoding a backend may use, WAV's included, into `f32`.

use crate::audio::sniff::{container_magic, is_wav_start, not_audio, text_kind};
use crate::audio::{decode, AudioSpec, Clip, DecodeError};

/// How headerless PCM from a backend is laid out; it must come from configuration,
/// since the bytes say nothing about themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PcmFormat {
    pub encoding: PcmEncoding,
    pub sample_rate: u32,
    pub channels: u16,
}

/// Sample encodings of headerless PCM, all little-endian where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PcmEncoding {
    S16Le,
    S24Le,
    S32Le,
    F32Le,
    /// Unsigned 8-bit, silence at 128.
    U8,
    /// G.711 mu-law, 8 bits a sample.
    MuLaw,
    /// G.711 A-law, 8 bits a sample.
    ALaw,
}

/// Every encoding the decoders read: the public PCM ones plus WAV's 64-bit float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Pcm(PcmEncoding),
    F64Le,
}

impl Encoding {
    pub(crate) fn bytes_per_sample(self) -> usize {
        match self {
            Encoding::Pcm(PcmEncoding::U8 | PcmEncoding::MuLaw | PcmEncoding::ALaw) => 1,
            Encoding::Pcm(PcmEncoding::S16Le) => 2,
            Encoding::Pcm(PcmEncoding::S24Le) => 3,
            Encoding::Pcm(PcmEncoding::S32Le | PcmEncoding::F32Le) => 4,
            Encoding::F64Le => 8,
        }
    }
}

/// Decodes headerless PCM laid out as `format` says.
///
/// Some servers answer a `pcm` request with a WAV file anyway; that is decoded by its
/// own header. A text body (an error page or message) is reported as not audio; a
/// trailing partial frame is dropped.
pub fn decode_pcm(bytes: &[u8], format: PcmFormat) -> Result<Clip, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    if is_wav_start(bytes) {
        return decode(bytes);
    }
    let spec = AudioSpec {
        sample_rate: format.sample_rate,
        channels: format.channels,
    };
    if let Some(why) = spec.implausibility() {
        return Err(DecodeError::Unsupported(format!("PCM with {why}")));
    }
    // A backend that ignored the requested format.
    if let Some(what) = container_magic(bytes) {
        return Err(DecodeError::Unsupported(what.to_owned()));
    }
    // Real audio is never mostly printable text; silence is zeros, speech is noise-like.
    if let Some(looks_like) = text_kind(bytes) {
        return Err(not_audio(bytes, looks_like));
    }
    let clip = Clip::new(
        spec,
        samples_to_f32(bytes, Encoding::Pcm(format.encoding), spec.channels),
    );
    if clip.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(clip)
}

/// Converts whole frames of `data` to interleaved `f32`; a trailing partial frame is
/// ignored. Non-finite floats become silence so later arithmetic stays sane.
pub(crate) fn samples_to_f32(data: &[u8], encoding: Encoding, channels: u16) -> Vec<f32> {
    let width = encoding.bytes_per_sample();
    let frame = width * usize::from(channels);
    if frame == 0 {
        return Vec::new();
    }
    let data = data.get(..data.len() - data.len() % frame).unwrap_or(&[]);
    let samples = data.chunks_exact(width);
    match encoding {
        Encoding::Pcm(PcmEncoding::U8) => {
            samples.map(|b| (f32::from(b[0]) - 128.0) / 128.0).collect()
        }
        Encoding::Pcm(PcmEncoding::S16Le) => samples
            .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32_768.0)
            .collect(),
        Encoding::Pcm(PcmEncoding::S24Le) => samples
            // Place the 24 bits at the top of an i32 so the sign extends for free.
            .map(|b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0)
            .collect(),
        Encoding::Pcm(PcmEncoding::S32Le) => samples
            .map(|b| {
                (f64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])) / 2_147_483_648.0) as f32
            })
            .collect(),
        Encoding::Pcm(PcmEncoding::F32Le) => samples
            .map(|b| finite(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
            .collect(),
        Encoding::F64Le => samples
            .map(|b| {
                let v = f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
                finite(v as f32)
            })
            .collect(),
        Encoding::Pcm(PcmEncoding::MuLaw) => samples
            .map(|b| f32::from(mulaw_to_i16(b[0])) / 32_768.0)
            .collect(),
        Encoding::Pcm(PcmEncoding::ALaw) => samples
            .map(|b| f32::from(alaw_to_i16(b[0])) / 32_768.0)
            .collect(),
    }
}

fn finite(v: f32) -> f32 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// G.711 mu-law expansion (ITU-T G.711, as in Sun's reference `ulaw2linear`).
fn mulaw_to_i16(byte: u8) -> i16 {
    const BIAS: i16 = 0x84;
    let u = !byte;
    let mantissa = i16::from(u & 0x0F);
    let exponent = (u & 0x70) >> 4;
    let magnitude = ((mantissa << 3) + BIAS) << exponent;
    if u & 0x80 != 0 {
        BIAS - magnitude
    } else {
        magnitude - BIAS
    }
}

/// G.711 A-law expansion (as in Sun's reference `alaw2linear`).
fn alaw_to_i16(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let mantissa = i16::from(a & 0x0F) << 4;
    let segment = (a & 0x70) >> 4;
    let magnitude = match segment {
        0 => mantissa + 8,
        _ => (mantissa + 0x108) << (segment - 1),
    };
    if a & 0x80 != 0 {
        magnitude
    } else {
        -magnitude
    }
}

/// Little-endian `f32` samples from their bytes (a trailing partial sample is
/// dropped), as one copy: the spool and the prepared cache entries hold them so.
pub fn f32_from_le(bytes: &[u8]) -> Vec<f32> {
    let n = bytes.len() / 4;
    let mut out = vec![0.0_f32; n];
    bytemuck::cast_slice_mut::<f32, u8>(&mut out).copy_from_slice(&bytes[..n * 4]);
    le_to_native(&mut out);
    out
}

/// Samples whose bytes were read as little-endian `f32`, put in this machine's
/// order (nothing to do on a little-endian one).
pub(crate) fn le_to_native(samples: &mut [f32]) {
    if cfg!(target_endian = "big") {
        for s in samples {
            *s = f32::from_bits(u32::from_le(s.to_bits()));
        }
    }
}

/// Samples as little-endian bytes: the samples themselves on a little-endian
/// machine (no copy), a converted copy elsewhere.
pub fn le_bytes(samples: &[f32]) -> std::borrow::Cow<'_, [u8]> {
    if cfg!(target_endian = "little") {
        std::borrow::Cow::Borrowed(bytemuck::cast_slice(samples))
    } else {
        std::borrow::Cow::Owned(samples.iter().flat_map(|s| s.to_le_bytes()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Frames;

    fn format(encoding: PcmEncoding, channels: u16) -> PcmFormat {
        PcmFormat {
            encoding,
            sample_rate: 24_000,
            channels,
        }
    }

    #[test]
    fn g711_tables_match_the_reference() {
        assert_eq!(mulaw_to_i16(0x00), -32_124);
        assert_eq!(mulaw_to_i16(0x80), 32_124);
        assert_eq!(mulaw_to_i16(0xFF), 0);
        assert_eq!(mulaw_to_i16(0x7F), 0);
        assert_eq!(mulaw_to_i16(0xF0), 120);
        assert_eq!(alaw_to_i16(0xD5), 8);
        assert_eq!(alaw_to_i16(0x55), -8);
        assert_eq!(alaw_to_i16(0x00), -5_504);
        assert_eq!(alaw_to_i16(0x80), 5_504);
        assert_eq!(alaw_to_i16(0xAA), 32_256);
        assert_eq!(alaw_to_i16(0x2A), -32_256);
        // Both laws are odd-symmetric around the sign bit.
        for b in 0..=0x7F_u8 {
            assert_eq!(mulaw_to_i16(b), -mulaw_to_i16(b | 0x80));
            assert_eq!(alaw_to_i16(b), -alaw_to_i16(b | 0x80));
        }
    }

    #[test]
    fn s16_mono() {
        let bytes: Vec<u8> = [16_384_i16, -32_768, 0, 32_767]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode_pcm(&bytes, format(PcmEncoding::S16Le, 1)).unwrap();
        assert_eq!(clip.samples(), &[0.5, -1.0, 0.0, 32_767.0 / 32_768.0]);
        assert_eq!(clip.spec().sample_rate, 24_000);
    }

    #[test]
    fn s24_s32_f32_u8_stereo() {
        let s24 = [
            0x00, 0x00, 0x40, 0x00, 0x00, 0xC0, 0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00,
        ];
        let clip = decode_pcm(&s24, format(PcmEncoding::S24Le, 2)).unwrap();
        assert_eq!(clip.frames(), Frames(2));
        assert_eq!(
            clip.samples(),
            &[0.5, -0.5, -1.0 / 8_388_608.0, 1.0 / 8_388_608.0]
        );

        let s32: Vec<u8> = [i32::MIN, 1 << 30]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode_pcm(&s32, format(PcmEncoding::S32Le, 2)).unwrap();
        assert_eq!(clip.samples(), &[-1.0, 0.5]);

        let f32s: Vec<u8> = [0.25_f32, -0.75, f32::NAN, f32::INFINITY]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode_pcm(&f32s, format(PcmEncoding::F32Le, 2)).unwrap();
        assert_eq!(clip.samples(), &[0.25, -0.75, 0.0, 0.0]);

        let clip = decode_pcm(&[0, 128, 255, 192], format(PcmEncoding::U8, 2)).unwrap();
        assert_eq!(clip.samples(), &[-1.0, 0.0, 127.0 / 128.0, 0.5]);
    }

    #[test]
    fn mulaw_and_alaw() {
        let clip = decode_pcm(&[0x00, 0xFF, 0x80], format(PcmEncoding::MuLaw, 1)).unwrap();
        assert_eq!(
            clip.samples(),
            &[-32_124.0 / 32_768.0, 0.0, 32_124.0 / 32_768.0]
        );
        let clip = decode_pcm(&[0xD5, 0x00], format(PcmEncoding::ALaw, 1)).unwrap();
        assert_eq!(clip.samples(), &[8.0 / 32_768.0, -5_504.0 / 32_768.0]);
    }

    #[test]
    fn partial_frames_are_dropped_and_nothing_is_empty() {
        let clip = decode_pcm(&[0, 0x40, 0, 0, 0x01], format(PcmEncoding::S16Le, 2)).unwrap();
        assert_eq!(clip.frames(), Frames(1));
        assert_eq!(clip.samples(), &[0.5, 0.0]);
        assert_eq!(
            decode_pcm(&[], format(PcmEncoding::S16Le, 1)),
            Err(DecodeError::Empty)
        );
        assert_eq!(
            decode_pcm(&[0x00, 0x01, 0x02], format(PcmEncoding::S16Le, 2)),
            Err(DecodeError::Empty)
        );
    }

    #[test]
    fn error_bodies_are_not_decoded_as_pcm() {
        let err = decode_pcm(
            br#"{"detail":"voice not found"}"#,
            format(PcmEncoding::S16Le, 1),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::NotAudio {
                    looks_like: "JSON",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = decode_pcm(b"Too Many Requests", format(PcmEncoding::S16Le, 1)).unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::NotAudio {
                    looks_like: "text",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_wav_answer_to_a_pcm_request_is_decoded_by_its_header() {
        let mut wav = b"RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00".to_vec();
        wav.extend_from_slice(&[1, 0, 1, 0]); // PCM, mono
        wav.extend_from_slice(&16_000_u32.to_le_bytes());
        wav.extend_from_slice(&32_000_u32.to_le_bytes());
        wav.extend_from_slice(&[2, 0, 16, 0]);
        wav.extend_from_slice(b"data\xff\xff\xff\xff");
        wav.extend_from_slice(&16_384_i16.to_le_bytes());
        let clip = decode_pcm(&wav, format(PcmEncoding::S16Le, 1)).unwrap();
        assert_eq!(clip.spec().sample_rate, 16_000);
        assert_eq!(clip.samples(), &[0.5]);
    }

    #[test]
    fn compressed_audio_is_named_but_frame_sync_bytes_are_samples() {
        let err =
            decode_pcm(b"ID3\x04\x00\x00\x00\x00", format(PcmEncoding::S16Le, 1)).unwrap_err();
        assert!(
            matches!(&err, DecodeError::Unsupported(m) if m.starts_with("MP3")),
            "{err:?}"
        );
        let err = decode_pcm(b"OggS\x00\x02\x00\x00", format(PcmEncoding::S16Le, 1)).unwrap_err();
        assert!(
            matches!(&err, DecodeError::Unsupported(m) if m.starts_with("Ogg")),
            "{err:?}"
        );
        // Bytes FF FB open an MP3 frame, but as s16le they are just -1025.
        let clip = decode_pcm(&[0xFF, 0xFB, 0xFB, 0xFF], format(PcmEncoding::S16Le, 1)).unwrap();
        assert_eq!(clip.samples(), &[-1_025.0 / 32_768.0, -5.0 / 32_768.0]);
    }

    #[test]
    fn an_implausible_format_is_unsupported() {
        let err = decode_pcm(&[0, 0], format_with_rate(0)).unwrap_err();
        assert!(matches!(err, DecodeError::Unsupported(_)), "{err:?}");
    }

    fn format_with_rate(sample_rate: u32) -> PcmFormat {
        PcmFormat {
            sample_rate,
            ..format(PcmEncoding::S16Le, 1)
        }
    }
}
