//! audio: the entry point for a backend's response bytes; sniffs them and hands WAV to
//! the WAV reader, or says plainly what came back instead of audio.

use crate::audio::sniff::{not_audio, sniff, Sniffed};
use crate::audio::wav::decode_wav;
use crate::audio::{Clip, DecodeError};

/// Decodes a response that should be WAV, whatever quirks its writer had.
///
/// Several WAV files glued together become one clip in the first file's format.
/// Anything that is not WAV is an error naming what it is instead.
pub fn decode(bytes: &[u8]) -> Result<Clip, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    match sniff(bytes) {
        Sniffed::Wav => decode_wav(bytes),
        Sniffed::OtherAudio(what) => Err(DecodeError::Unsupported(what.to_owned())),
        Sniffed::NotAudio(looks_like) => Err(not_audio(bytes, looks_like)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_audio_is_unsupported_not_garbage() {
        let err = decode(b"ID3\x04\x00\x00\x00\x00\x00\x00").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unsupported audio format: MP3 audio"),
            "{err}"
        );
    }
}
