//! audio: MP3 answers (the default format of most services) decoded with
//! symphonia into the same typed clip as WAV.

use std::io::Cursor;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::DecoderOptions;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::audio::{AudioSpec, Clip, DecodeError};

/// Decodes an MP3 stream (with or without ID3 tags). Frames that fail to
/// decode are skipped, as players do; a stream with no decodable frame is empty.
pub fn decode_mp3(bytes: &[u8]) -> Result<Clip, DecodeError> {
    let source = MediaSourceStream::new(Box::new(Cursor::new(bytes.to_vec())), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|e| DecodeError::Malformed(format!("MP3 stream not recognised: {e}")))?;
    let mut format = probed.format;
    let track = format
        .default_track()
        .ok_or_else(|| DecodeError::Malformed("MP3 stream has no audio track".into()))?;
    let track_id = track.id;
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| DecodeError::Unsupported(format!("MP3 codec: {e}")))?;
    let mut samples = Vec::new();
    let mut spec = None;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            // The end of the stream, or a cut-off transfer: keep what decoded.
            Err(SymphoniaError::IoError(_)) => break,
            Err(SymphoniaError::ResetRequired) => break,
            Err(e) => return Err(DecodeError::Malformed(format!("MP3 stream: {e}"))),
        };
        if packet.track_id() != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(decoded) => {
                let s = *decoded.spec();
                let this = AudioSpec {
                    sample_rate: s.rate,
                    channels: s.channels.count() as u16,
                };
                if *spec.get_or_insert(this) != this {
                    // A mid-stream format change is not something a TTS service sends.
                    break;
                }
                let mut buffer = SampleBuffer::<f32>::new(decoded.capacity() as u64, s);
                buffer.copy_interleaved_ref(decoded);
                samples.extend_from_slice(buffer.samples());
            }
            Err(SymphoniaError::DecodeError(_)) | Err(SymphoniaError::IoError(_)) => continue,
            Err(e) => return Err(DecodeError::Malformed(format!("MP3 frame: {e}"))),
        }
    }
    let spec = spec.ok_or(DecodeError::Empty)?;
    let clip = Clip::new(spec, samples);
    if clip.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(clip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_an_mp3_made_by_ffmpeg() {
        let Ok(out) = std::process::Command::new("ffmpeg")
            .args([
                "-v",
                "error",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=1000:duration=1:sample_rate=24000",
            ])
            .args([
                "-ac",
                "1",
                "-c:a",
                "libmp3lame",
                "-b:a",
                "64k",
                "-f",
                "mp3",
                "-",
            ])
            .output()
        else {
            eprintln!("note: ffmpeg is not installed; skipping (scripts/deps.sh installs it)");
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let clip = crate::audio::decode(&out.stdout).unwrap();
        assert_eq!(
            clip.spec(),
            AudioSpec {
                sample_rate: 24000,
                channels: 1
            }
        );
        let secs = clip.duration().as_secs_f64();
        // MP3 adds encoder delay and padding of up to a few frames.
        assert!((0.98..1.12).contains(&secs), "{secs}");
        // lavfi's sine source is at 1/8 of full scale.
        assert!((0.1..0.16).contains(&clip.peak()), "{}", clip.peak());
    }

    #[test]
    fn garbage_after_an_id3_header_is_an_error_not_a_panic() {
        let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x0a".to_vec();
        bytes.extend_from_slice(&[0u8; 10]);
        bytes.extend_from_slice(b"this is not an mp3 frame at all");
        assert!(decode_mp3(&bytes).is_err());
    }
}
